/*
 * fuzz_json.c - the JSON scanner (lib/json.c), its decoders and lib/jedit.c
 * on any bytes.  The first byte picks the options (depth limit, the member
 * sets of the edit, the writer); the rest is split into lines, parsed one
 * after another with one document (so the key memo and keygen work as in
 * a stream), and whole.  Checks, against an independent strict RFC 8259
 * reader written here:
 *   - the scanner accepts exactly what the reference accepts, and builds
 *     the same nodes (type, span, count, next, flags); a fresh document
 *     agrees with the reused one, error and offset included;
 *   - every string decodes as the reference decodes it, rt_jdoc_streq and
 *     rt_jdoc_get find it (the last duplicate), and re-encoding it with
 *     rt_json_put_str gives a string that reads back to the same bytes;
 *   - every number reads as strtod reads it, integers as strtoll;
 *   - records with the same keygen have the same keys;
 *   - editing an object (jedit, with its caches across records) gives the
 *     same bytes as a fresh editor, a valid object whose members are the
 *     old ones with the set values in place, the new ones appended.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jedit.h"
#include "json.h"
#include "number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_json: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

/* memcmp, for pointers that may be NULL when n is 0. */
static int
eqb(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* ---- The reference reader: recursive descent, from the RFCs. ---- */

struct rnode {
	size_t off, len, next, n;
	int type;
	unsigned flags;
};

struct ref {
	const unsigned char *b, *p, *end;
	unsigned maxdepth;
	struct rnode *v;
	size_t nv, cap;
};

static int ref_value(struct ref *r, unsigned depth);

static void
ref_ws(struct ref *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static size_t
ref_node(struct ref *r, int type)
{
	if (r->nv == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		CHECK(r->v != NULL);
	}
	memset(&r->v[r->nv], 0, sizeof r->v[0]);
	r->v[r->nv].off = (size_t)(r->p - r->b);
	r->v[r->nv].type = type;
	return r->nv++;
}

static void
ref_close(struct ref *r, size_t i)
{
	r->v[i].len = (size_t)(r->p - r->b) - r->v[i].off;
	r->v[i].next = r->nv;
}

/* One UTF-8 character (RFC 3629) decoded to its code point and checked
 * for overlongs, surrogates and range.  Its length, or 0. */
static size_t
ref_utf8(const unsigned char *s, size_t avail)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long cp;
	size_t k, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		k = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		k = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

static int
ref_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
ref_string(struct ref *r)
{
	size_t i = ref_node(r, RT_JSTR);

	r->p++;
	for (;;) {
		size_t k;

		if (r->p >= r->end || *r->p < 0x20)
			return -1;
		if (*r->p == '"')
			break;
		if (*r->p == '\\') {
			r->v[i].flags |= RT_JF_ESC;
			if (r->end - r->p < 2)
				return -1;
			if (r->p[1] == 'u') {
				if (r->end - r->p < 6 || !ref_hex(r->p[2]) ||
				    !ref_hex(r->p[3]) || !ref_hex(r->p[4]) ||
				    !ref_hex(r->p[5]))
					return -1;
				r->p += 6;
			} else if (strchr("\"\\/bfnrt", r->p[1]) && r->p[1]) {
				r->p += 2;
			} else {
				return -1;
			}
			continue;
		}
		if (*r->p >= 0x80)
			r->v[i].flags |= RT_JF_UTF8;
		if ((k = ref_utf8(r->p, (size_t)(r->end - r->p))) == 0)
			return -1;
		r->p += k;
	}
	r->p++;
	ref_close(r, i);
	return 0;
}

static int
ref_digits(struct ref *r)
{
	const unsigned char *s = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > s ? 0 : -1;
}

static int
ref_number(struct ref *r)
{
	size_t i = ref_node(r, RT_JNUM);

	r->v[i].flags = RT_JF_INT;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p >= r->end || *r->p < '1' || *r->p > '9' ||
	    ref_digits(r) < 0)
		return -1;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		r->v[i].flags = 0;
		if (ref_digits(r) < 0)
			return -1;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		r->v[i].flags = 0;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (ref_digits(r) < 0)
			return -1;
	}
	ref_close(r, i);
	return 0;
}

static int
ref_word(struct ref *r, const char *w, int type)
{
	size_t n = strlen(w), i;

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return -1;
	i = ref_node(r, type);
	r->p += n;
	ref_close(r, i);
	return 0;
}

/* An object or array at r->p ('{' or '['). */
static int
ref_container(struct ref *r, unsigned depth)
{
	int obj = *r->p == '{';
	size_t i = ref_node(r, obj ? RT_JOBJ : RT_JARR);

	if (depth >= r->maxdepth)
		return -1;
	r->p++;
	ref_ws(r);
	if (r->p < r->end && *r->p == (obj ? '}' : ']'))
		goto close;
	for (;;) {
		if (obj) {
			ref_ws(r);
			if (r->p >= r->end || *r->p != '"' || ref_string(r) < 0)
				return -1;
			ref_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return -1;
		}
		r->v[i].n++;
		if (ref_value(r, depth + 1) < 0)
			return -1;
		ref_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == (obj ? '}' : ']'))
			break;
		return -1;
	}
close:
	r->p++;
	ref_close(r, i);
	return 0;
}

static int
ref_value(struct ref *r, unsigned depth)
{
	ref_ws(r);
	if (r->p >= r->end)
		return -1;
	switch (*r->p) {
	case '{': case '[': return ref_container(r, depth);
	case '"': return ref_string(r);
	case 't': return ref_word(r, "true", RT_JTRUE);
	case 'f': return ref_word(r, "false", RT_JFALSE);
	case 'n': return ref_word(r, "null", RT_JNULL);
	default: return ref_number(r);
	}
}

/* Is p[0, n) one JSON text?  Nodes in r. */
static int
ref_parse(struct ref *r, const char *p, size_t n, unsigned maxdepth)
{
	r->b = r->p = (const unsigned char *)p;
	r->end = r->b + n;
	r->maxdepth = maxdepth;
	r->nv = 0;
	if (ref_value(r, 0) < 0)
		return -1;
	ref_ws(r);
	return r->p == r->end ? 0 : -1;
}

/* The decoded bytes of the inside of a valid string, from the RFC. */
static void
ref_unescape(const char *p, size_t n, struct rt_buf *out)
{
	const char *end = p + n;

	while (p < end) {
		unsigned long c;
		char t[4];
		size_t k;

		if (*p != '\\') {
			rt_buf_addc(out, *p++);
			continue;
		}
		switch (p[1]) {
		case 'b': rt_buf_addc(out, '\b'); p += 2; continue;
		case 'f': rt_buf_addc(out, '\f'); p += 2; continue;
		case 'n': rt_buf_addc(out, '\n'); p += 2; continue;
		case 'r': rt_buf_addc(out, '\r'); p += 2; continue;
		case 't': rt_buf_addc(out, '\t'); p += 2; continue;
		case 'u': break;
		default: rt_buf_addc(out, p[1]); p += 2; continue;
		}
		c = strtoul((char[5]){ p[2], p[3], p[4], p[5], 0 }, NULL, 16);
		p += 6;
		if (c >= 0xD800 && c < 0xDC00 && end - p >= 6 && p[0] == '\\' &&
		    p[1] == 'u') {
			unsigned long lo = strtoul((char[5]){ p[2], p[3], p[4],
			    p[5], 0 }, NULL, 16);

			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + (c - 0xD800) * 0x400 + lo - 0xDC00;
				p += 6;
			}
		}
		if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		if (c < 0x80) {
			t[0] = (char)c, k = 1;
		} else if (c < 0x800) {
			t[0] = (char)(0xC0 + c / 64), k = 2;
		} else if (c < 0x10000) {
			t[0] = (char)(0xE0 + c / 4096), k = 3;
		} else {
			t[0] = (char)(0xF0 + c / 262144), k = 4;
		}
		for (size_t j = k - 1; j > 0; j--, c /= 64)
			t[j] = (char)(0x80 + c % 64);
		rt_buf_add(out, t, k);
	}
}

/* ---- Checks of one parsed text. ---- */

struct ctx {
	struct ref ref;
	struct rt_jdoc doc, fresh, back;
	struct rt_jedit ed;
	struct rt_buf a, b, c, out, out2;
	unsigned maxdepth, plan, write;
	/* The last line's document: keygen and its keys. */
	uint64_t lastgen;
	struct rt_buf lastkeys;
};

/* The scanner's nodes against the reference's. */
static void
same_nodes(const struct rt_jdoc *d, const struct ref *r)
{
	CHECK(d->nv == r->nv);
	for (size_t i = 0; i < r->nv; i++) {
		const struct rt_jnode *v = &d->v[i];
		const struct rnode *w = &r->v[i];

		CHECK(v->type == w->type && v->off == w->off &&
		    v->len == w->len);
		CHECK(v->next == (w->type >= RT_JARR ? w->next : i + 1));
		if (w->type >= RT_JARR)
			CHECK(v->n == w->n);
		CHECK(v->flags == w->flags);
	}
}

/* String node i: decoders agree; streq and re-encoding hold. */
static void
check_string(struct ctx *x, const struct rt_jdoc *d, uint32_t i)
{
	const struct rt_jnode *v = &d->v[i];
	size_t bad;

	x->a.len = x->b.len = 0;
	rt_jdoc_str(d, i, &x->a);
	ref_unescape(d->p + v->off + 1, v->len - 2, &x->b);
	CHECK(x->a.len == x->b.len && eqb(x->a.p, x->b.p, x->a.len));
	CHECK(rt_utf8_valid(x->a.p, x->a.len));
	CHECK(rt_jdoc_streq(d, i, x->a.p, x->a.len));
	if (x->a.len > 0) {
		CHECK(!rt_jdoc_streq(d, i, x->a.p, x->a.len - 1));
		x->a.p[x->a.len / 2] ^= 0x20;
		CHECK(!rt_jdoc_streq(d, i, x->a.p, x->a.len));
		x->a.p[x->a.len / 2] ^= 0x20;
	}
	/* Re-encoded: valid, and the same bytes again. */
	x->c.len = 0;
	bad = rt_json_put_str(&x->c, x->a.p, x->a.len);
	CHECK(bad == 0);
	CHECK(rt_jdoc_parse(&x->back, x->c.p, x->c.len) == 0);
	CHECK(x->back.v[0].type == RT_JSTR && x->back.nv == 1);
	x->b.len = 0;
	rt_jdoc_str(&x->back, 0, &x->b);
	CHECK(x->a.len == x->b.len && eqb(x->a.p, x->b.p, x->a.len));
}

static void
check_number(const struct rt_jdoc *d, uint32_t i)
{
	const struct rt_jnode *v = &d->v[i];
	char t[512];
	double a, b;
	int64_t k;

	if (v->len >= sizeof t)
		return;
	memcpy(t, d->p + v->off, v->len);
	t[v->len] = '\0';
	CHECK(rt_num_parse(t, v->len, &a) == 0);
	b = strtod(t, NULL);
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	a = rt_num_parse_json(d->p + v->off, v->len);
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	if (v->flags & RT_JF_INT) {
		long long ll;

		errno = 0;
		ll = strtoll(t, NULL, 10);
		if (errno == 0)
			CHECK(rt_num_int64(t, v->len, &k) == 0 && k == ll);
		else
			CHECK(rt_num_int64(t, v->len, &k) == -1);
	} else {
		CHECK(rt_num_int64(t, v->len, &k) == -1);
	}
}

/* Object node o: each of its first keys is found by rt_jdoc_get at its
 * last duplicate. */
static void
check_object(struct ctx *x, const struct rt_jdoc *d, uint32_t o)
{
	uint32_t k, j, found, seen = 0;

	for (k = o + 1; k < d->v[o].next && seen < 16;
	    k = d->v[k + 1].next, seen++) {
		x->a.len = 0;
		rt_jdoc_str(d, k, &x->a);
		found = k + 1;
		for (j = d->v[k + 1].next; j < d->v[o].next;
		    j = d->v[j + 1].next)
			if (rt_jdoc_streq(d, j, x->a.p, x->a.len))
				found = j + 1;
		CHECK(rt_jdoc_get(d, o, x->a.p, x->a.len) == found);
	}
	CHECK(rt_jdoc_index(d, o, 0) == 0);
}

static void
check_array(const struct rt_jdoc *d, uint32_t a)
{
	uint32_t e, i = 0;

	for (e = a + 1; e < d->v[a].next && i < 64; e = d->v[e].next, i++)
		CHECK(rt_jdoc_index(d, a, i) == e);
	if (i < 64)
		CHECK(rt_jdoc_index(d, a, i) == 0 && i == d->v[a].n);
	CHECK(rt_jdoc_get(d, a, "", 0) == 0);
}

static void
check_values(struct ctx *x, const struct rt_jdoc *d)
{
	for (uint32_t i = 0; i < d->nv; i++) {
		switch (d->v[i].type) {
		case RT_JSTR: check_string(x, d, i); break;
		case RT_JNUM: check_number(d, i); break;
		case RT_JOBJ: check_object(x, d, i); break;
		case RT_JARR: check_array(d, i); break;
		}
	}
}

/* ---- Editing an object record. ---- */

static const struct {
	const char *s;
	int plain;
} keys[8] = { { "_a", 1 }, { "a", 1 }, { "b", 1 }, { "id", 1 },
    { "q\"\\", 0 }, { "\xC3\xA9", 1 }, { "", 1 }, { "\n\x01", 0 } };
static const char *const vals[8] = { "1", "null", "\"x\"", "[1,{\"y\":2}]",
    "{}", "-0.5e3", "true", "\"\\u00e9\"" };

/* The sets of plan p on editor e, in order. */
static void
edit(struct rt_jedit *e, const struct rt_jdoc *d, unsigned p)
{
	unsigned n = 1 + (p & 3), j;

	rt_jedit_start(e, d);
	for (j = 0; j < n; j++) {
		unsigned k = ((p >> 2) + j * 3) & 7, v = ((p >> 5) + j) & 7;
		const char *key = keys[k].s;

		if (keys[k].plain && ((p + j) & 1))
			rt_buf_adds(rt_jedit_key_plain(e, key, strlen(key)),
			    vals[v]);
		else if (j & 1)
			rt_buf_adds(rt_jedit_key(e, key, strlen(key)), vals[v]);
		else
			rt_jedit_set(e, key, strlen(key), vals[v],
			    strlen(vals[v]));
	}
}

/* Is value node i of document d the text t? */
static int
text_is(const struct rt_jdoc *d, uint32_t i, const char *t, size_t n)
{
	return d->v[i].len == n && eqb(rt_jdoc_text(d, i), t, n);
}

/* The edited record out[0, n) against plan p applied to object d. */
static void
check_edit(struct ctx *x, const struct rt_jdoc *d, unsigned p,
    const char *out, size_t len)
{
	unsigned n = 1 + (p & 3), j, live[4], nlive = 0, appended = 0;
	uint32_t at[4], k, m;
	const struct rt_jdoc *o = &x->back;

	/* The last set of each key, in the order of those sets. */
	for (j = 0; j < n; j++) {
		unsigned q, kj = ((p >> 2) + j * 3) & 7;

		for (q = j + 1; q < n && (((p >> 2) + q * 3) & 7) != kj; q++)
			;
		if (q == n)
			live[nlive++] = j;
	}
	for (j = 0; j < nlive; j++) {
		const char *key = keys[((p >> 2) + live[j] * 3) & 7].s;

		at[j] = rt_jdoc_get(d, 0, key, strlen(key));
		appended += at[j] == 0;
	}
	CHECK(ref_parse(&x->ref, out, len, 1 << 30) == 0);
	CHECK(rt_jdoc_parse(&x->back, out, len) == 0);
	CHECK(o->v[0].type == RT_JOBJ && o->v[0].n == d->v[0].n + appended);
	for (k = 1, m = 1; k < d->v[0].next;
	    k = d->v[k + 1].next, m = o->v[m + 1].next) {
		const char *want = rt_jdoc_text(d, k + 1);
		size_t wl = d->v[k + 1].len;

		CHECK(text_is(o, m, rt_jdoc_text(d, k), d->v[k].len));
		for (j = 0; j < nlive; j++)
			if (at[j] == k + 1) {
				want = vals[((p >> 5) + live[j]) & 7];
				wl = strlen(want);
			}
		CHECK(text_is(o, m + 1, want, wl));
	}
	for (j = 0; j < nlive; j++) {
		const char *key = keys[((p >> 2) + live[j] * 3) & 7].s;
		const char *v = vals[((p >> 5) + live[j]) & 7];

		if (at[j] != 0)
			continue;
		CHECK(m < o->v[0].next && rt_jdoc_streq(o, m, key, strlen(key)));
		CHECK(text_is(o, m + 1, v, strlen(v)));
		m = o->v[m + 1].next;
	}
	CHECK(m == o->v[0].next);
}

/* Edit the line's object with the kept editor (caches across records)
 * and with a fresh one: the same bytes, and right. */
static void
check_edits(struct ctx *x, unsigned p)
{
	struct rt_jedit fresh;
	size_t n;

	edit(&x->ed, &x->doc, p);
	x->out.len = 0;
	if (x->write) {
		n = rt_jedit_bound(&x->ed);
		rt_buf_reserve(&x->out, n);
		x->out.len = rt_jedit_write(&x->ed, x->out.p);
		CHECK(x->out.len <= n);
	} else {
		rt_jedit_finish(&x->ed, &x->out);
	}
	rt_jedit_init(&fresh);
	edit(&fresh, &x->fresh, p);
	x->out2.len = 0;
	rt_jedit_finish(&fresh, &x->out2);
	rt_jedit_release(&fresh);
	CHECK(x->out.len == x->out2.len &&
	    eqb(x->out.p, x->out2.p, x->out.len));
	check_edit(x, &x->doc, p, x->out.p, x->out.len);
}

/* ---- One text. ---- */

/* Records with the same keygen have the same keys: the raw texts of the
 * top-level keys, one after another. */
static void
check_keygen(struct ctx *x, const struct rt_jdoc *d, int ok)
{
	struct rt_buf *k = &x->c;
	uint32_t i;

	k->len = 0;
	if (ok && d->v[0].type == RT_JOBJ)
		for (i = 1; i < d->v[0].next; i = d->v[i + 1].next)
			rt_buf_add(k, rt_jdoc_text(d, i), d->v[i].len);
	if (d->keygen == x->lastgen)
		CHECK(ok && d->v[0].type == RT_JOBJ && k->len ==
		    x->lastkeys.len && eqb(k->p, x->lastkeys.p, k->len));
	x->lastgen = d->keygen;
	x->lastkeys.len = 0;
	rt_buf_add(&x->lastkeys, k->p, k->len);
}

/* Text p[0, n): the reused document, a fresh one and the reference agree;
 * accepted texts are checked throughout.  Returns 0 if accepted. */
static int
one_text(struct ctx *x, const char *p, size_t n, unsigned plan, int line)
{
	int r = ref_parse(&x->ref, p, n, x->maxdepth);
	int a = rt_jdoc_parse(&x->doc, p, n);
	const char *err;
	size_t off;

	rt_jdoc_release(&x->fresh);
	rt_jdoc_init(&x->fresh, x->maxdepth);
	CHECK(rt_jdoc_parse(&x->fresh, p, n) == a);
	CHECK(a == r);
	if (line)
		check_keygen(x, &x->doc, a == 0);
	if (a != 0) {
		CHECK(x->doc.err && x->doc.err == x->fresh.err &&
		    x->doc.erroff == x->fresh.erroff && x->doc.erroff <= n);
		if (x->maxdepth == 1024) {
			CHECK(rt_json_valid(p, n, &err, &off) == -1);
			CHECK(err == x->doc.err && off == x->doc.erroff);
		}
		return -1;
	}
	same_nodes(&x->doc, &x->ref);
	same_nodes(&x->fresh, &x->ref);
	if (x->maxdepth == 1024)
		CHECK(rt_json_valid(p, n, NULL, NULL) == 0);
	CHECK(rt_jdoc_flat(&x->doc) == (x->doc.v[0].type == RT_JOBJ &&
	    x->doc.v[0].next == 2 * x->doc.v[0].n + 1));
	check_values(x, &x->doc);
	if (x->doc.v[0].type == RT_JOBJ)
		check_edits(x, plan);
	return 0;
}

/* The text repeated in an array past 64 KiB, where the scanner checks
 * its node room as it goes. */
static void
big_text(struct ctx *x, const char *p, size_t n)
{
	struct rt_buf *b = &x->out2;
	size_t k = 0;

	b->len = 0;
	rt_buf_addc(b, '[');
	while (b->len <= 70000) {
		if (k++)
			rt_buf_addc(b, ',');
		rt_buf_add(b, p, n);
	}
	rt_buf_addc(b, ']');
	CHECK((rt_jdoc_parse(&x->doc, b->p, b->len) == 0) ==
	    (ref_parse(&x->ref, b->p, b->len, x->maxdepth) == 0));
	if (x->doc.err == NULL) {
		same_nodes(&x->doc, &x->ref);
		CHECK(x->doc.v[0].n == k);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned depths[4] = { 1024, 1, 2, 5 };
	static struct ctx x;
	static int init;
	const char *p, *end, *nl;
	unsigned o;

	if (size < 1 || size > 100000)
		return 0;
	if (!init) {
		rt_jdoc_init(&x.fresh, 0);
		rt_jdoc_init(&x.back, 0);
		init = 1;
	}
	rt_jedit_init(&x.ed);
	o = data[0];
	x.maxdepth = depths[o & 3];
	x.write = o >> 2 & 1;
	x.plan = o >> 3;
	rt_jdoc_init(&x.doc, x.maxdepth);
	x.lastgen = 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	/* Lines, each with the plan moved on by its leading blanks. */
	for (; p < end; p = nl + 1) {
		size_t blanks = 0;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		while (p + blanks < nl && p[blanks] == ' ')
			blanks++;
		one_text(&x, p, (size_t)(nl - p), x.plan + (unsigned)blanks, 1);
	}
	p = (const char *)data + 1;
	if (one_text(&x, p, size - 1, x.plan, 0) == 0 && (o >> 6) == 3)
		big_text(&x, p, size - 1);
	rt_jdoc_release(&x.doc);
	rt_jedit_release(&x.ed);
	return 0;
}
