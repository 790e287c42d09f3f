/*
 * clean.c - rt-clean's rules for one record (see clean.h, rt-clean(1)).
 *
 * Keys are resolved once per distinct key text and cached (by position
 * first: records of one stream mostly share their key order), so the
 * steady state costs a memcmp per member.  Members are written key by
 * key; values no rule touches are copied byte for byte.
 */
#include "clean.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "number.h"
#include "reject.h"
#include "source.h"

/* Internal: parse the field as event time for --dedupe-window only. */
#define CF_EVENTTIME	0x400

#define KEYCACHE_MAX 65536

struct rt_clean_keyinfo {
	char *raw;		/* key text between the quotes, as in input */
	size_t rawlen;
	char *out;		/* output key as JSON text, quotes included */
	size_t outlen;
	int field;		/* index into c->f, or -1 */
	int drop;		/* --drop, or not --select'ed */
	int same;		/* output key text == input key text */
	uint32_t outid;		/* dense id of the output key */
};

/* A value on its way through the rules. */
struct val {
	int type;		/* enum rt_jtype */
	const char *p;		/* JSON text, or (decoded) string content */
	size_t n;
	unsigned flags;		/* RT_JF_* of the original node */
	int decoded;		/* strings: p is the content, not JSON */
};

void
rt_clean_init(struct rt_clean *c, struct rt_timeopt *topt)
{
	memset(c, 0, sizeof *c);
	c->trim = 1;
	c->dedupe = -1;
	c->dedupe_time = -1;
	c->topt = topt;
	rt_jdoc_init(&c->doc, 0);
	rt_map_init(&c->keymap);
	rt_map_init(&c->outmap);
}

static void
keycache_clear(struct rt_clean *c)
{
	size_t i;

	for (i = 0; i < c->nki; i++) {
		free(c->ki[i].raw);
		free(c->ki[i].out);
	}
	c->nki = 0;
	rt_map_release(&c->keymap);
	rt_map_release(&c->outmap);
	rt_map_init(&c->keymap);
	rt_map_init(&c->outmap);
	if (c->pos != NULL)
		memset(c->pos, 0xff, c->cappos * sizeof *c->pos);
	if (c->stamp != NULL)
		memset(c->stamp, 0, c->capstamp * sizeof *c->stamp);
}

void
rt_clean_release(struct rt_clean *c)
{
	size_t i;

	keycache_clear(c);
	rt_map_release(&c->keymap);
	rt_map_release(&c->outmap);
	for (i = 0; i < c->nf; i++) {
		free(c->f[i].name);
		free(c->f[i].def);
	}
	for (i = 0; i < c->nren; i++) {
		free(c->ren_from[i]);
		free(c->ren_to[i]);
	}
	free(c->f);
	free(c->ren_from);
	free(c->ren_to);
	free(c->ki);
	free(c->pos);
	free(c->stamp);
	free(c->fnode);
	free(c->ftime);
	free(c->fseen);
	if (c->dedupe >= 0)
		rt_seen_release(&c->seen);
	rt_jdoc_release(&c->doc);
	rt_buf_release(&c->out);
	rt_buf_release(&c->val);
	rt_buf_release(&c->tmp);
	rt_buf_release(&c->hid);
}

static int
find_field(const struct rt_clean *c, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (c->f[i].len == n && memcmp(c->f[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

const char *
rt_clean_field(struct rt_clean *c, const char *name, unsigned flags)
{
	int i = find_field(c, name, strlen(name));
	unsigned types;

	if (i < 0) {
		c->f = rt_xreallocarray(c->f, c->nf + 1, sizeof *c->f);
		memset(&c->f[c->nf], 0, sizeof c->f[c->nf]);
		c->f[c->nf].name = rt_xstrdup(name);
		c->f[c->nf].len = strlen(name);
		i = (int)c->nf++;
		c->fnode = rt_xreallocarray(c->fnode, c->nf, sizeof *c->fnode);
		c->ftime = rt_xreallocarray(c->ftime, c->nf, sizeof *c->ftime);
		c->fseen = rt_xreallocarray(c->fseen, c->nf, sizeof *c->fseen);
		c->fseen[i] = 0;
	}
	c->f[i].flags |= flags;
	types = c->f[i].flags & RT_CF_TYPES;
	if (types & (types - 1))
		return "a field can have only one type";
	if (flags & RT_CF_SELECT)
		c->selecting = 1;
	return NULL;
}

/* Split "A=B" at the first '='. */
static const char *
split_eq(const char *spec, char **a, char **b)
{
	const char *eq = strchr(spec, '=');

	if (eq == NULL || eq == spec)
		return "expected NAME=VALUE";
	*a = rt_xmemdup(spec, (size_t)(eq - spec));
	*b = rt_xstrdup(eq + 1);
	return NULL;
}

const char *
rt_clean_default(struct rt_clean *c, const char *spec)
{
	struct rt_jdoc d;
	char *name, *v;
	const char *err;
	struct rt_clean_field *f;
	struct rt_buf b = RT_BUF_INIT;

	if ((err = split_eq(spec, &name, &v)) != NULL)
		return err;
	rt_clean_field(c, name, RT_CF_DEFAULT);
	f = &c->f[find_field(c, name, strlen(name))];
	free(f->def);
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, v, strlen(v)) == 0) {
		f->def = rt_xmemdup(v + d.v[0].off, d.v[0].len);
		f->deflen = d.v[0].len;
		f->deftype = d.v[0].type;
	} else {
		rt_json_put_str(&b, v, strlen(v));
		f->def = rt_xmemdup(b.p, b.len);
		f->deflen = b.len;
		f->deftype = RT_JSTR;
	}
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	free(name);
	free(v);
	return NULL;
}

const char *
rt_clean_rename(struct rt_clean *c, const char *spec)
{
	char *a, *b;
	const char *err;

	if ((err = split_eq(spec, &a, &b)) != NULL)
		return err;
	if (*b == '\0') {
		free(a);
		free(b);
		return "expected OLD=NEW";
	}
	c->ren_from = rt_xreallocarray(c->ren_from, c->nren + 1,
	    sizeof *c->ren_from);
	c->ren_to = rt_xreallocarray(c->ren_to, c->nren + 1, sizeof *c->ren_to);
	c->ren_from[c->nren] = a;
	c->ren_to[c->nren] = b;
	c->nren++;
	return NULL;
}

const char *
rt_clean_dedupe(struct rt_clean *c, const char *name, int64_t window,
    size_t max)
{
	size_t i;

	rt_clean_field(c, name, 0);
	c->dedupe = find_field(c, name, strlen(name));
	c->dedupe_window = window;
	c->dedupe_max = max;
	if (window > 0) {
		for (i = 0; i < c->nf; i++)
			if (c->f[i].flags & RT_CF_TIME)
				break;
		if (i == c->nf) {
			/* No --time field: read "ts" without rewriting it. */
			rt_clean_field(c, "ts", CF_EVENTTIME);
			i = (size_t)find_field(c, "ts", 2);
		}
		c->dedupe_time = (int)i;
	}
	rt_seen_init(&c->seen, max, window);
	return NULL;
}

void
rt_clean_config(const struct rt_clean *c, struct rt_buf *b)
{
	const struct rt_clean_field *f = &c->f[c->dedupe];

	rt_buf_printf(b, "dedupe=");
	rt_buf_add(b, f->name, f->len);
	rt_buf_printf(b, "\nflags=%u keys=%d trim=%d num=%u max=%zu "
	    "window=%lld\n", f->flags, (int)c->keys, c->trim, c->numflags,
	    c->dedupe_max, (long long)c->dedupe_window);
	if (c->dedupe_time >= 0) {
		rt_buf_printf(b, "time=");
		rt_buf_adds(b, c->f[c->dedupe_time].name);
		rt_buf_printf(b, "\n");
	}
	if ((f->flags & RT_CF_TIME) || c->dedupe_time >= 0)
		rt_buf_printf(b, "unit=%d format=%s\n", (int)c->topt->unit,
		    c->topt->format ? c->topt->format : "");
}

void
rt_clean_save(const struct rt_clean *c, struct rt_buf *b)
{
	rt_seen_save(&c->seen, b);
}

const char *
rt_clean_load(struct rt_clean *c, const char *p, size_t n)
{
	return rt_seen_load(&c->seen, p, n);
}

static int
is_space_at(const char *s, size_t n, size_t *k)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' ||
	    s[0] == '\r' || s[0] == '\f' || s[0] == '\v')) {
		*k = 1;
		return 1;
	}
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
		*k = 2;
		return 1;
	}
	return 0;
}

static int
is_space_before(const char *s, size_t n, size_t *k)
{
	if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\f' ||
	    s[n - 1] == '\v')) {
		*k = 1;
		return 1;
	}
	if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	    (unsigned char)s[n - 1] == 0xA0) {
		*k = 2;
		return 1;
	}
	return 0;
}

/* Trim s[0, *n) in place (moves *s).  Returns 1 if anything went. */
static int
trim(const char **s, size_t *n)
{
	size_t k, n0 = *n;

	while (is_space_at(*s, *n, &k))
		*s += k, *n -= k;
	while (is_space_before(*s, *n, &k))
		*n -= k;
	return *n != n0;
}

static int
is_alnum(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch >= 0x80;
}

static int
is_upper(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static int
is_lower_or_digit(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

void
rt_clean_key(enum rt_keys mode, int dotrim, const char *k, size_t n,
    struct rt_buf *out)
{
	size_t i;
	int gap = 0;

	if (dotrim || mode == RT_KEYS_SNAKE)
		trim(&k, &n);
	if (mode == RT_KEYS_ASIS) {
		rt_buf_add(out, k, n);
		return;
	}
	if (mode == RT_KEYS_LOWER) {
		for (i = 0; i < n; i++)
			rt_buf_addc(out, is_upper((unsigned char)k[i]) ?
			    (char)(k[i] + 32) : k[i]);
		return;
	}
	/* snake_case: words split at non-alphanumerics and at case changes
	 * ("cardID" -> card_id, "HTTPServer" -> http_server). */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)k[i];

		if (!is_alnum(ch)) {
			gap = 1;
			continue;
		}
		if (is_upper(ch) && i > 0 && out->len > 0 &&
		    (is_lower_or_digit((unsigned char)k[i - 1]) ||
		    (is_upper((unsigned char)k[i - 1]) && i + 1 < n &&
		    (unsigned char)k[i + 1] >= 'a' && (unsigned char)k[i + 1] <= 'z')))
			gap = 1;
		if (gap && out->len > 0 && out->p[out->len - 1] != '_')
			rt_buf_addc(out, '_');
		gap = 0;
		rt_buf_addc(out, is_upper(ch) ? (char)(ch + 32) : (char)ch);
	}
}

/* Resolve a new key text into a keyinfo entry. */
static uint32_t
key_new(struct rt_clean *c, const struct rt_jdoc *d, uint32_t k,
    uint64_t h)
{
	struct rt_clean_keyinfo *ki;
	const char *raw = d->p + d->v[k].off + 1;
	size_t rawlen = d->v[k].len - 2, i;
	int isnew, fi;
	uint32_t id;

	if (c->nki == c->capki) {
		c->capki = c->capki ? c->capki * 2 : 64;
		c->ki = rt_xreallocarray(c->ki, c->capki, sizeof *c->ki);
	}
	ki = &c->ki[c->nki];
	ki->raw = rt_xmemdup(raw, rawlen);
	ki->rawlen = rawlen;
	c->tmp.len = 0;
	rt_jdoc_str(d, k, &c->tmp);
	c->val.len = 0;
	rt_clean_key(c->keys, c->trim, c->tmp.p, c->tmp.len, &c->val);
	for (i = 0; i < c->nren; i++)
		if (strlen(c->ren_from[i]) == c->val.len &&
		    memcmp(c->ren_from[i], c->val.p, c->val.len) == 0) {
			c->val.len = 0;
			rt_buf_adds(&c->val, c->ren_to[i]);
			break;
		}
	fi = find_field(c, c->val.p, c->val.len);
	ki->field = fi;
	ki->drop = (fi >= 0 && (c->f[fi].flags & RT_CF_DROP)) ||
	    (c->selecting && (fi < 0 || !(c->f[fi].flags & RT_CF_SELECT)));
	c->tmp.len = 0;
	rt_json_put_str(&c->tmp, c->val.p, c->val.len);
	ki->out = rt_xmemdup(c->tmp.p, c->tmp.len);
	ki->outlen = c->tmp.len;
	ki->same = ki->outlen == rawlen + 2 &&
	    memcmp(ki->out + 1, raw, rawlen) == 0;
	id = rt_map_put(&c->outmap, c->val.p, c->val.len,
	    rt_hash(c->val.p, c->val.len), &isnew);
	if (id >= c->capstamp) {
		uint32_t old = c->capstamp;

		c->capstamp = (id + 1) * 2;
		c->stamp = rt_xreallocarray(c->stamp, c->capstamp,
		    sizeof *c->stamp);
		memset(c->stamp + old, 0, (c->capstamp - old) * sizeof *c->stamp);
	}
	ki->outid = id;
	id = rt_map_put(&c->keymap, raw, rawlen, h, &isnew);
	(void)id;	/* keymap ids follow keyinfo indexes */
	return (uint32_t)c->nki++;
}

/* a[0, n) == b[0, n), for the short keys records have: a few word
 * loads instead of a call. */
static inline int
bytes_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t x4, y4, u4, v4;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (n >= 4 && n < 8) {
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		memcpy(&u4, a + n - 4, 4);
		memcpy(&v4, b + n - 4, 4);
		return ((x4 ^ y4) | (u4 ^ v4)) == 0;
	}
	return memcmp(a, b, n) == 0;
}

/* Keyinfo of key node k, the i-th member. */
static const struct rt_clean_keyinfo *
key_resolve(struct rt_clean *c, const struct rt_jdoc *d, uint32_t k, size_t i)
{
	const char *raw = d->p + d->v[k].off + 1;
	size_t rawlen = d->v[k].len - 2;
	uint32_t at;
	uint64_t h;

	if (i >= c->cappos) {
		size_t old = c->cappos;

		c->cappos = (i + 1) * 2;
		c->pos = rt_xreallocarray(c->pos, c->cappos, sizeof *c->pos);
		memset(c->pos + old, 0xff, (c->cappos - old) * sizeof *c->pos);
	}
	at = c->pos[i];
	if (at < c->nki && c->ki[at].rawlen == rawlen &&
	    bytes_eq(c->ki[at].raw, raw, rawlen))
		return &c->ki[at];
	h = rt_hash(raw, rawlen);
	at = rt_map_find(&c->keymap, raw, rawlen, h);
	if (at == RT_MAP_NONE)
		at = key_new(c, d, k, h);
	c->pos[i] = at;
	return &c->ki[at];
}

static int
reject(struct rt_clean *c, const char **why, const char *field,
    const char *what, const char *detail)
{
	snprintf(c->why, sizeof c->why, "%s: %s%s%s", field, what,
	    detail ? ": " : "", detail ? detail : "");
	*why = c->why;
	return -1;
}

/* The string content of v (decoding into c->tmp when it has escapes). */
static void
content(struct rt_clean *c, struct val *v)
{
	if (v->type != RT_JSTR || v->decoded)
		return;
	if (v->flags & RT_JF_ESC) {
		c->tmp.len = 0;
		rt_json_unescape(v->p + 1, v->n - 2, &c->tmp);
		v->p = c->tmp.p;
		v->n = c->tmp.len;
	} else {
		v->p += 1;
		v->n -= 2;
	}
	v->decoded = 1;
}

static int
is_empty(const struct val *v)
{
	return v->type == RT_JNULL || (v->type == RT_JSTR &&
	    (v->decoded ? v->n == 0 : v->n == 2));
}

static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int
type_bool(struct rt_clean *c, const struct rt_clean_field *f, struct val *v,
    const char **why)
{
	static const char *yes[] = { "true", "yes", "y", "t", "1", "on" };
	static const char *no[] = { "false", "no", "n", "f", "0", "off" };
	size_t i;

	if (v->type == RT_JTRUE || v->type == RT_JFALSE || v->type == RT_JNULL)
		return 0;
	if (v->type != RT_JSTR && v->type != RT_JNUM)
		return reject(c, why, f->name, "expected a boolean", NULL);
	content(c, v);
	for (i = 0; i < 6; i++) {
		if (word_is(v->p, v->n, yes[i]) || word_is(v->p, v->n, no[i])) {
			v->type = word_is(v->p, v->n, yes[i]) ? RT_JTRUE :
			    RT_JFALSE;
			v->p = v->type == RT_JTRUE ? "true" : "false";
			v->n = strlen(v->p);
			v->decoded = 0;
			return 0;
		}
	}
	return reject(c, why, f->name, "cannot parse as a boolean", NULL);
}

static int
type_number(struct rt_clean *c, const struct rt_clean_field *f, struct val *v,
    const char **why)
{
	unsigned flags = c->numflags;
	const char *err;

	if (v->type == RT_JNULL)
		return 0;
	if (f->flags & RT_CF_INTEGER) {
		if (v->type == RT_JNUM && (v->flags & RT_JF_INT))
			return 0;
		flags |= RT_NUM_INTEGER;
	} else if (v->type == RT_JNUM) {
		return 0;
	}
	if (v->type == RT_JNUM)
		flags = RT_NUM_INTEGER | RT_NUM_PLAIN;
	else if (v->type != RT_JSTR)
		return reject(c, why, f->name, f->flags & RT_CF_INTEGER ?
		    "expected an integer" : "expected a number", NULL);
	else
		content(c, v);
	c->val.len = 0;
	err = rt_num_clean(v->p, v->n, flags, &c->val);
	if (err)
		return reject(c, why, f->name, f->flags & RT_CF_INTEGER ?
		    "cannot parse as an integer" : "cannot parse as a number",
		    err);
	v->type = RT_JNUM;
	v->p = c->val.p;
	v->n = c->val.len;
	v->decoded = 0;
	return 0;
}

static int
type_time(struct rt_clean *c, int fi, struct val *v, const char **why)
{
	const struct rt_clean_field *f = &c->f[fi];
	const char *err;
	int64_t us;
	char t[48];
	int num = v->type == RT_JNUM;

	if (v->type == RT_JNULL)
		return 0;
	if (v->type != RT_JSTR && !num)
		return reject(c, why, f->name, "expected a time", NULL);
	content(c, v);
	err = rt_time_read(v->p, v->n, num, c->topt, &us);
	if (err)
		return reject(c, why, f->name, "cannot parse as a time", err);
	c->ftime[fi] = us;
	if (f->flags & CF_EVENTTIME)
		return 0;
	c->val.len = 0;
	rt_buf_addc(&c->val, '"');
	rt_buf_add(&c->val, t, rt_time_fmt(us, 3, t));
	rt_buf_addc(&c->val, '"');
	v->type = RT_JSTR;
	v->p = c->val.p;
	v->n = c->val.len;
	v->decoded = 0;
	v->flags = 0;
	return 0;
}

static void
change_case(struct rt_clean *c, unsigned flags, struct val *v)
{
	size_t i;
	int upper = flags & RT_CF_UPPER;

	if (v->type != RT_JSTR)
		return;
	content(c, v);
	c->val.len = 0;
	rt_buf_add(&c->val, v->p, v->n);
	for (i = 0; i < v->n; i++) {
		char ch = c->val.p[i];

		if (upper && ch >= 'a' && ch <= 'z')
			c->val.p[i] = (char)(ch - 32);
		else if (!upper && ch >= 'A' && ch <= 'Z')
			c->val.p[i] = (char)(ch + 32);
	}
	v->p = c->val.p;
}

static void
trim_value(struct rt_clean *c, struct val *v)
{
	const char *p;
	size_t n, k;

	if (!(v->flags & RT_JF_ESC)) {
		p = v->p + 1;
		n = v->n - 2;
		if (!is_space_at(p, n, &k) && !is_space_before(p, n, &k))
			return;
		trim(&p, &n);
		v->p = p;
		v->n = n;
		v->decoded = 1;
		return;
	}
	/* Escapes may hide spaces at either end ("\t", "\u0020"): decode
	 * (rare), and keep the original text if nothing is trimmed. */
	p = v->p;
	n = v->n;
	content(c, v);
	if (!trim(&v->p, &v->n)) {
		v->p = p;
		v->n = n;
		v->decoded = 0;
	}
}

/* Could the string v start or end with a space to trim?  A cheap test on
 * the first and last bytes: most strings are plainly not. */
static inline int
may_trim(const struct val *v)
{
	unsigned char a, z;

	if (v->type != RT_JSTR || v->n < 3)
		return 0;
	a = (unsigned char)v->p[1];
	z = (unsigned char)v->p[v->n - 2];
	return a <= ' ' || a == '\\' || a == 0xC2 || z <= ' ' || z == 0xA0 ||
	    (v->flags & RT_JF_ESC);
}

/* Apply the rules to one value.  0 keep, 1 omit (--drop-empty), -1
 * reject. */
static int
clean_value(struct rt_clean *c, int fi, struct val *v, const char **why)
{
	const struct rt_clean_field *f = fi >= 0 ? &c->f[fi] : NULL;

	if (c->trim && may_trim(v))
		trim_value(c, v);
	if (c->drop_empty && is_empty(v) && !(f && f->def))
		return 1;
	if (f == NULL)
		return 0;
	if (f->def && is_empty(v)) {
		v->type = f->deftype;
		v->p = f->def;
		v->n = f->deflen;
		v->flags = RT_JF_ESC;	/* decode when needed */
		v->decoded = 0;
		/* Trimmed like a default for a missing field (which comes
		 * through here from the top). */
		if (c->trim && may_trim(v))
			trim_value(c, v);
	}
	if ((f->flags & RT_CF_REQUIRE) && is_empty(v))
		return reject(c, why, f->name, "required field is empty", NULL);
	if (f->flags & (RT_CF_NUMBER | RT_CF_INTEGER))
		return type_number(c, f, v, why);
	if (f->flags & RT_CF_BOOL)
		return type_bool(c, f, v, why);
	if (f->flags & (RT_CF_TIME | CF_EVENTTIME))
		return type_time(c, fi, v, why);
	if (f->flags & (RT_CF_UPPER | RT_CF_LOWER))
		change_case(c, f->flags, v);
	return 0;
}

static void
put_value(struct rt_clean *c, const struct val *v)
{
	if (v->type == RT_JSTR && v->decoded)
		rt_json_put_str(&c->out, v->p, v->n);
	else
		rt_buf_add(&c->out, v->p, v->n);
}

/* Will a missing field get its default? */
static int
defaults_due(const struct rt_clean *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (!c->fnode[i] && c->f[i].def)
			return 1;
	return 0;
}

/* Fields that did not appear: defaults, then required ones. */
static int
missing_fields(struct rt_clean *c, int *first, const char **why)
{
	size_t i;

	for (i = 0; i < c->nf; i++) {
		struct rt_clean_field *f = &c->f[i];
		struct val v;

		if (c->fnode[i])
			continue;
		if (f->def && !(f->flags & RT_CF_DROP) &&
		    (!c->selecting || (f->flags & RT_CF_SELECT))) {
			v.type = f->deftype;
			v.p = f->def;
			v.n = f->deflen;
			v.flags = RT_JF_ESC;
			v.decoded = 0;
			if (clean_value(c, (int)i, &v, why) == -1)
				return -1;
			if (!*first)
				rt_buf_addc(&c->out, ',');
			*first = 0;
			rt_json_put_str(&c->out, f->name, f->len);
			rt_buf_addc(&c->out, ':');
			put_value(c, &v);
			c->fnode[i] = 1;
		} else if (f->flags & RT_CF_REQUIRE) {
			return reject(c, why, f->name, "required field is missing",
			    NULL);
		}
	}
	return 0;
}

/*
 * A member --drop or --select removes from the output, when a check still
 * needs its value: --require, --dedupe and the time of --dedupe-window see
 * the input's fields, whatever is written.  0, or -1 to reject.
 */
static int
unwritten(struct rt_clean *c, const struct rt_jdoc *d, int fi, uint32_t vk,
    const char **why)
{
	const struct rt_jnode *vn = &d->v[vk];
	struct val v;
	int r;

	if (fi < 0 || (fi != c->dedupe && fi != c->dedupe_time &&
	    !(c->f[fi].flags & RT_CF_REQUIRE)))
		return 0;
	v.type = vn->type;
	v.p = d->p + vn->off;
	v.n = vn->len;
	v.flags = vn->flags;
	v.decoded = 0;
	r = clean_value(c, fi, &v, why);
	if (r != 0)
		return r;	/* -1, or 1: --drop-empty, as if missing */
	c->fnode[fi] = 1;
	if (fi == c->dedupe) {
		size_t at = c->out.len;

		put_value(c, &v);
		c->hid.len = 0;
		rt_buf_add(&c->hid, c->out.p + at, c->out.len - at);
		c->out.len = at;
		c->hidden = 1;
	}
	return 0;
}

/* Member i (key node k) of d, resolved as ki: its value cleaned into
 * *v.  Returns 0 to write it, 1 to leave it out (dropped, or removed by
 * a rule), -1 to reject the record. */
static int
member_value(struct rt_clean *c, const struct rt_jdoc *d, uint32_t k,
    size_t i, const struct rt_clean_keyinfo *ki, struct val *v,
    const char **why)
{
	const struct rt_jnode *vn = &d->v[k + 1];
	int r;

	if (c->stamp[ki->outid] == c->gen) {
		snprintf(c->why, sizeof c->why, "duplicate key "
		    RT_REJ_KEY "'%.*s' " RT_REJ_KEYEND "(member %zu)",
		    (int)(ki->outlen - 2), ki->out + 1, i + 1);
		*why = c->why;
		return -1;
	}
	c->stamp[ki->outid] = c->gen;
	if (ki->drop)
		return unwritten(c, d, ki->field, k + 1, why) == -1 ? -1 : 1;
	v->type = vn->type;
	v->p = d->p + vn->off;
	v->n = vn->len;
	v->flags = vn->flags;
	v->decoded = 0;
	if (ki->field >= 0 || c->drop_empty || (c->trim && may_trim(v))) {
		r = clean_value(c, ki->field, v, why);
		if (r != 0)
			return r;
		if (ki->field >= 0)
			c->fnode[ki->field] = 1;
	}
	return 0;
}

/*
 * Write the members.  Runs of members that no rule changed, written in
 * the input with bare ',' and ':' separators, are copied as one span.
 */
static int
members(struct rt_clean *c, const struct rt_jdoc *d, size_t *dspan,
    const char **why)
{
	uint32_t k, end = d->v[0].next;
	size_t i = 0, span = 0, span_end = 0;
	int first = 1;

	for (k = 1; k < end; k = d->v[k + 1].next, i++) {
		const struct rt_clean_keyinfo *ki = key_resolve(c, d, k, i);
		const struct rt_jnode *kn = &d->v[k], *vn = &d->v[k + 1];
		struct val v;
		size_t kend;
		int r;

		r = member_value(c, d, k, i, ki, &v, why);
		if (r == -1)
			return -1;
		if (r == 1)
			continue;
		kend = kn->off + kn->len;
		if (ki->same && v.p == d->p + vn->off && ki->field != c->dedupe &&
		    d->p[kend] == ':' && kend + 1 == vn->off) {
			if (span_end && span_end + 1 == kn->off &&
			    d->p[span_end] == ',') {
				span_end = vn->off + vn->len;
				continue;
			}
			if (span_end)
				rt_buf_add(&c->out, d->p + span, span_end - span);
			if (!first)
				rt_buf_addc(&c->out, ',');
			first = 0;
			span = kn->off;
			span_end = vn->off + vn->len;
			continue;
		}
		if (span_end) {
			rt_buf_add(&c->out, d->p + span, span_end - span);
			span_end = 0;
		}
		if (!first)
			rt_buf_addc(&c->out, ',');
		first = 0;
		rt_buf_add(&c->out, ki->out, ki->outlen);
		rt_buf_addc(&c->out, ':');
		if (ki->field == c->dedupe)
			dspan[0] = c->out.len;
		put_value(c, &v);
		if (ki->field == c->dedupe)
			dspan[1] = c->out.len;
	}
	if (span_end) {
		/* One span from the first member to the last, and nothing to
		 * add: the record is its own output. */
		if (c->out.len == 1 && span == 1 && span_end + 1 == d->len &&
		    d->v[0].off == 0 && !defaults_due(c))
			c->pass = 1;
		else
			rt_buf_add(&c->out, d->p + span, span_end - span);
	}
	return missing_fields(c, &first, why);
}

/* Note which fields the record's keys name, whatever becomes of it. */
static void
note_fields(struct rt_clean *c, const struct rt_jdoc *d)
{
	uint32_t k;
	size_t i = 0;

	for (k = 1; k < d->v[0].next; k = d->v[k + 1].next, i++) {
		const struct rt_clean_keyinfo *ki = key_resolve(c, d, k, i);

		if (ki->field >= 0)
			c->fseen[ki->field] = 1;
	}
}

const char *
rt_clean_unseen(const struct rt_clean *c, size_t *i)
{
	for (; *i < c->nf; ++*i) {
		const struct rt_clean_field *f = &c->f[*i];

		if (!c->fseen[*i] && f->def == NULL &&
		    (f->flags & (RT_CF_TYPES | RT_CF_UPPER | RT_CF_LOWER)))
			return c->f[(*i)++].name;
	}
	return NULL;
}

int
rt_clean_record(struct rt_clean *c, const struct rt_rec *r, const char **why)
{
	size_t dspan[2] = { 0, 0 };
	const struct rt_jdoc *d = rt_rec_parse(r, &c->doc);
	int64_t t = 0;

	c->nrec++;
	if (d == NULL) {
		snprintf(c->why, sizeof c->why, "invalid JSON: %s at byte %zu",
		    c->doc.err, c->doc.erroff + 1);
		*why = c->why;
		return RT_CLEAN_REJECT;
	}
	if (d->v[0].type != RT_JOBJ) {
		*why = "not a JSON object";
		return RT_CLEAN_REJECT;
	}
	/* Clear the key cache between records, never inside one: the
	 * duplicate-key stamps live in it. */
	if (c->nki > 0 && c->nki + d->v[0].n > KEYCACHE_MAX)
		keycache_clear(c);
	if (++c->gen == 0) {
		memset(c->stamp, 0, c->capstamp * sizeof *c->stamp);
		c->gen = 1;
	}
	if (c->nrec <= RT_CLEAN_CHECKN && c->nf)
		note_fields(c, d);
	if (c->nf)
		memset(c->fnode, 0, c->nf * sizeof *c->fnode);
	if (c->dedupe_time >= 0)
		c->ftime[c->dedupe_time] = RT_TIME_NONE;
	c->out.len = 0;
	c->pass = 0;
	c->hidden = 0;
	rt_buf_addc(&c->out, '{');
	if (members(c, d, dspan, why) == -1)
		return RT_CLEAN_REJECT;
	rt_buf_addc(&c->out, '}');
	c->res = c->pass ? d->p : c->out.p;
	c->reslen = c->pass ? d->len : c->out.len;
	if (c->dedupe < 0 || (dspan[1] == 0 && !c->hidden))
		return RT_CLEAN_OUT;
	if (c->dedupe_window > 0) {
		if (c->ftime[c->dedupe_time] == RT_TIME_NONE) {
			snprintf(c->why, sizeof c->why, "%s: time needed by "
			    "--dedupe-window is missing or null",
			    c->f[c->dedupe_time].name);
			*why = c->why;
			return RT_CLEAN_REJECT;
		}
		t = c->ftime[c->dedupe_time];
	}
	if (c->hidden ? rt_seen_check(&c->seen, c->hid.p, c->hid.len, t) :
	    rt_seen_check(&c->seen, c->out.p + dspan[0], dspan[1] - dspan[0], t))
		return RT_CLEAN_DROP;
	return RT_CLEAN_OUT;
}
