/*
 * jedit.c - replace or append members of an object record (see jedit.h).
 */
#include "jedit.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

void
rt_jedit_init(struct rt_jedit *e)
{
	memset(e, 0, sizeof *e);
}

void
rt_jedit_release(struct rt_jedit *e)
{
	rt_buf_release(&e->text);
	rt_buf_release(&e->esc);
	rt_buf_release(&e->ckeys);
	rt_buf_release(&e->out);
	free(e->cklen);
	free(e->cnode);
	free(e->set);
	memset(e, 0, sizeof *e);
}

void
rt_jedit_start(struct rt_jedit *e, const struct rt_jdoc *d)
{
	e->d = d;
	e->n = 0;
	e->text.len = 0;
	e->direct = rt_jkeys_same(&e->appends, d);
	e->out.len = 0;
	e->dat = 0;
}

static inline char *
put(char *dst, const void *p, size_t n)
{
	if (n)
		memcpy(dst, p, n);
	return dst + n;
}

/* Write an appended member's key to o (room for 6 * klen + 4 bytes):
 * a comma first when one is due, the key in quotes (escaped unless
 * plain), its colon.  Returns the end. */
static char *
put_key(struct rt_jedit *e, char *o, const char *key, size_t klen,
    int plain, int comma)
{
	*o = ',';
	o += comma;
	if (plain) {
		*o++ = '"';
		o = put(o, key, klen);
		*o++ = '"';
	} else {
		e->esc.len = 0;
		rt_json_put_str(&e->esc, key, klen);
		o = put(o, e->esc.p, e->esc.len);
	}
	*o++ = ':';
	return o;
}

static struct rt_jedit_set *
new_set(struct rt_jedit *e)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->set = rt_xreallocarray(e->set, e->cap, sizeof *e->set);
	}
	return &e->set[e->n++];
}

/* Written as set: the members so far become sets again (a key other
 * than the kept ones came). */
static void
undo_direct(struct rt_jedit *e)
{
	size_t i, at = 0, n = e->n;

	e->direct = 0;
	e->text.len = 0;
	if (n)
		e->set[n - 1].vlen = e->out.len - e->set[n - 1].voff;
	for (i = 0; i < n; i++) {
		struct rt_jedit_set *s = &e->set[i];
		size_t voff = s->voff;

		s->koff = e->text.len;
		rt_buf_add(&e->text, e->ckeys.p + at, s->klen);
		at += s->klen;
		s->voff = e->text.len;
		rt_buf_add(&e->text, e->out.p + voff, s->vlen);
		s->node = 0;
		s->seq = i;
	}
}

/* In direct mode: write the member key[0, klen) as the next kept key
 * and return the buffer its value goes to, or NULL after undo_direct.
 * A set keeps what undo_direct needs: the key's length, where its value
 * starts (its length is known when the next one starts). */
static struct rt_buf *
direct_key(struct rt_jedit *e, const char *key, size_t klen, int plain)
{
	struct rt_jedit_set *s;
	struct rt_buf *o = &e->out;
	size_t n = e->n;

	if (n == e->cn || e->cklen[n] != klen ||
	    !rt_bytes_eq(e->ckeys.p + e->dat, key, klen)) {
		undo_direct(e);
		return NULL;
	}
	if (n)
		e->set[n - 1].vlen = o->len - e->set[n - 1].voff;
	rt_buf_reserve(o, 6 * klen + 4);
	o->len = (size_t)(put_key(e, o->p + o->len, key, klen, plain,
	    e->d->v[0].n > 0 || n > 0) - o->p);
	s = new_set(e);
	s->klen = klen;
	s->plain = (uint32_t)plain;
	s->voff = o->len;
	e->dat += klen;
	return o;
}

/* Close the value of the last set (its length is what was appended). */
static void
close_last(struct rt_jedit *e)
{
	struct rt_jedit_set *s;

	if (e->n == 0)
		return;
	s = &e->set[e->n - 1];
	if (s->vlen == (size_t)-1)
		s->vlen = e->text.len - s->voff;
}

static struct rt_buf *
set_key(struct rt_jedit *e, const char *key, size_t klen, int plain)
{
	struct rt_jedit_set *s;
	struct rt_buf *o;

	if (e->direct && (o = direct_key(e, key, klen, plain)) != NULL)
		return o;
	close_last(e);
	s = new_set(e);
	s->koff = e->text.len;
	s->klen = klen;
	rt_buf_add(&e->text, key, klen);
	s->voff = e->text.len;
	s->vlen = (size_t)-1;
	s->node = 0;
	s->plain = (uint32_t)plain;
	s->seq = e->n - 1;
	return &e->text;
}

struct rt_buf *
rt_jedit_key(struct rt_jedit *e, const char *key, size_t klen)
{
	return set_key(e, key, klen, 0);
}

struct rt_buf *
rt_jedit_key_plain(struct rt_jedit *e, const char *key, size_t klen)
{
	return set_key(e, key, klen, 1);
}

void
rt_jedit_set(struct rt_jedit *e, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	rt_buf_add(rt_jedit_key(e, key, klen), val, vlen);
}

static int
by_node(const void *a, const void *b)
{
	const struct rt_jedit_set *x = a, *y = b;

	if (x->node != y->node)
		return (x->node > y->node) - (x->node < y->node);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Are the keys set those of the last record resolved? */
static int
same_sets(const struct rt_jedit *e)
{
	size_t i, at = 0;

	if (!rt_jkeys_same(&e->kept, e->d) || e->cn != e->n)
		return 0;
	for (i = 0; i < e->n; i++) {
		const struct rt_jedit_set *s = &e->set[i];

		if (s->klen != e->cklen[i] || !rt_bytes_eq(e->text.p + s->koff,
		    e->ckeys.p + at, s->klen))
			return 0;
		at += s->klen;
	}
	return 1;
}

/* Keep what resolve found for the next record. */
static void
keep_sets(struct rt_jedit *e)
{
	size_t i;

	if (e->n > e->ccap) {
		e->ccap = e->cap;
		e->cklen = rt_xreallocarray(e->cklen, e->ccap,
		    sizeof *e->cklen);
		e->cnode = rt_xreallocarray(e->cnode, e->ccap,
		    sizeof *e->cnode);
	}
	e->ckeys.len = 0;
	for (i = 0; i < e->n; i++) {
		rt_buf_add(&e->ckeys, e->text.p + e->set[i].koff,
		    e->set[i].klen);
		e->cklen[i] = e->set[i].klen;
		e->cnode[i] = e->set[i].node;
	}
	e->cn = e->n;
}

/* Mark the sets a later set of the same key supersedes (node
 * UINT32_MAX, the others 0), and note the first bytes and lengths of the
 * live sets' keys: most members share neither with one, and are skipped.
 * Returns the number of live sets. */
static size_t
mark_superseded(struct rt_jedit *e, uint64_t first[4], uint64_t *lens)
{
	size_t i, j, live = 0;

	for (i = 0; i < e->n; i++) {
		struct rt_jedit_set *s = &e->set[i];

		for (j = i + 1; j < e->n; j++)
			if (e->set[j].klen == s->klen &&
			    memcmp(e->text.p + e->set[j].koff,
			    e->text.p + s->koff, s->klen) == 0)
				break;
		s->node = j < e->n ? UINT32_MAX : 0;	/* superseded */
		live += j == e->n;
	}
	memset(first, 0, 4 * sizeof *first);
	*lens = 0;
	for (i = 0; i < e->n; i++)
		if (e->set[i].node != UINT32_MAX) {
			unsigned c = e->set[i].klen ?
			    (unsigned char)e->text.p[e->set[i].koff] : 0;

			first[c >> 6] |= 1ULL << (c & 63);
			*lens |= 1ULL << (e->set[i].klen < 63 ?
			    e->set[i].klen : 63);
		}
	return live;
}

/* Which sets replace an existing member; later sets of a key win.  One
 * pass over the record's members (the last of duplicate members wins, as
 * in rt_jdoc_get), not a lookup per set; kept for the next records while
 * the keys stay and values have no contents (node numbers depend on the
 * keys alone then). */
static void
resolve(struct rt_jedit *e)
{
	const struct rt_jdoc *d = e->d;
	size_t i, j, live;
	uint32_t k;
	uint64_t first[4], lens;
	int flat = rt_jdoc_flat(d);

	if (flat && same_sets(e)) {
		for (i = 0; i < e->n; i++)
			e->set[i].node = e->cnode[i];
		goto sort;
	}

	live = mark_superseded(e, first, &lens);
	for (k = rt_jdoc_first(d, 0); live && k < d->v[0].next;
	    k = rt_jdoc_after(d, k + 1)) {
		const struct rt_jnode *kn = &d->v[k];
		unsigned c = kn->len > 2 ?
		    (unsigned char)rt_jdoc_text(d, k)[1] : 0;
		size_t kl = kn->len - 2;

		if (!(kn->flags & RT_JF_ESC) &&
		    (!(first[c >> 6] >> (c & 63) & 1) ||
		    !(lens >> (kl < 63 ? kl : 63) & 1)))
			continue;
		for (i = 0; i < e->n; i++) {
			struct rt_jedit_set *s = &e->set[i];

			if (s->node == UINT32_MAX)
				continue;
			if (kn->flags & RT_JF_ESC ?
			    rt_jdoc_streq(d, k, e->text.p + s->koff, s->klen) :
			    kn->len - 2 == s->klen &&
			    rt_bytes_eq(rt_jdoc_text(d, k) + 1,
			    e->text.p + s->koff, s->klen))
				s->node = k + 1;
		}
	}
	keep_sets(e);
	e->kept.d = NULL;
	if (flat)
		rt_jkeys_keep(&e->kept, d);
	e->appends.d = NULL;
	for (i = 0; i < e->n && e->set[i].node == 0; i++)
		;
	if (i == e->n)
		rt_jkeys_keep(&e->appends, d);
sort:
	/* A handful of sets: insertion sort (qsort's set-up cost more). */
	for (i = 1; i < e->n; i++) {
		struct rt_jedit_set t = e->set[i];

		for (j = i; j > 0 && by_node(&e->set[j - 1], &t) > 0; j--)
			e->set[j] = e->set[j - 1];
		e->set[j] = t;
	}
}

size_t
rt_jedit_bound(struct rt_jedit *e)
{
	size_t n = e->d->v[0].len + 1, i;

	if (e->direct)
		return e->d->v[0].len + e->out.len;
	close_last(e);
	/* A key escapes to 6 bytes a byte at most (\u00XX), and quotes, a
	 * colon and a comma. */
	for (i = 0; i < e->n; i++)
		n += 6 * e->set[i].klen + 4 + e->set[i].vlen;
	return n;
}

size_t
rt_jedit_write(struct rt_jedit *e, char *dst)
{
	const struct rt_jdoc *d = e->d;
	const char *p = d->p + d->v[0].off;
	size_t at = 0, close = d->v[0].len - 1, i;
	int members = d->v[0].n > 0;
	char *o = dst;

	if (e->direct) {
		o = put(o, p, close);
		o = put(o, e->out.p, e->out.len);
		*o++ = '}';
		return (size_t)(o - dst);
	}
	close_last(e);
	resolve(e);
	/* Replacements, in text order (sorted by node index). */
	for (i = 0; i < e->n && e->set[i].node != UINT32_MAX; i++) {
		const struct rt_jedit_set *s = &e->set[i];
		const struct rt_jnode *v;

		if (s->node == 0)
			continue;
		v = &d->v[s->node];
		o = put(o, p + at, v->off - d->v[0].off - at);
		o = put(o, e->text.p + s->voff, s->vlen);
		at = v->off - d->v[0].off + v->len;
	}
	o = put(o, p + at, close - at);
	/* Appends, in the order they were set. */
	for (i = 0; i < e->n; i++) {
		const struct rt_jedit_set *s = &e->set[i];

		if (s->node != 0)
			continue;
		o = put_key(e, o, e->text.p + s->koff, s->klen, (int)s->plain,
		    members);
		members = 1;
		o = put(o, e->text.p + s->voff, s->vlen);
	}
	*o++ = '}';
	return (size_t)(o - dst);
}

void
rt_jedit_finish(struct rt_jedit *e, struct rt_buf *out)
{
	size_t n = rt_jedit_bound(e);

	rt_buf_reserve(out, n);
	out->len += rt_jedit_write(e, out->p + out->len);
}

void
rt_jedit_append_member(struct rt_buf *out, const char *p, size_t n,
    size_t close, const char *key, size_t klen, const char *val,
    size_t vlen)
{
	size_t k = close;

	while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t' ||
	    p[k - 1] == '\r' || p[k - 1] == '\n'))
		k--;
	rt_buf_add(out, p, close);
	if (k > 0 && p[k - 1] != '{')
		rt_buf_addc(out, ',');
	rt_buf_add(out, key, klen);
	rt_buf_add(out, val, vlen);
	rt_buf_add(out, p + close, n - close);
}
