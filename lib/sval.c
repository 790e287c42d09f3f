/*
 * sval.c - running a compiled schema (schema_int.h) on a record's
 * zero-copy document: a first pass answers valid or not and stops at the
 * first failure; only invalid records are walked again to collect their
 * errors.  Annotations for unevaluated* are bit sets over the members or
 * items of one instance, kept on a stack reused across records.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "number.h"
#include "reject.h"
#include "schema_int.h"

#define MAXDEPTH 2000
#define ERRVAL 40	/* bytes of a value quoted in a message */

enum kw {
	KW_FALSE, KW_TYPE, KW_ENUM, KW_CONST, KW_MIN, KW_MAX, KW_EXMIN,
	KW_EXMAX, KW_MULT, KW_MINLEN, KW_MAXLEN, KW_PATTERN, KW_FORMAT,
	KW_MINITEMS, KW_MAXITEMS, KW_UNIQUE, KW_CONTAINS, KW_MINCONT,
	KW_MAXCONT, KW_ITEMS, KW_ADDITEMS, KW_MINPROPS, KW_MAXPROPS,
	KW_REQUIRED, KW_DEPREQ, KW_DEPS, KW_ADDPROPS, KW_PROPNAMES, KW_ANYOF,
	KW_ONEOF, KW_NOT, KW_UNEVALPROPS, KW_UNEVALITEMS, KW_DEPTH
};

static const char *const kwname[] = {
	"false", "type", "enum", "const", "minimum", "maximum",
	"exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
	"maxLength", "pattern", "format", "minItems", "maxItems",
	"uniqueItems", "contains", "minContains", "maxContains", "items",
	"additionalItems", "minProperties", "maxProperties", "required",
	"dependentRequired", "dependencies", "additionalProperties",
	"propertyNames", "anyOf", "oneOf", "not", "unevaluatedProperties",
	"unevaluatedItems", "$ref"
};

struct verr {
	uint32_t inst, sn, kw;
	size_t msg, vmsg;	/* offsets in text */
};

struct rt_sval {
	const struct rt_schema *s;
	const struct rt_jdoc *d;
	int collect;		/* record errors (else stop at the first) */
	size_t max;
	unsigned depth;
	uint64_t *bits;		/* annotation bit sets (a stack) */
	uint32_t nbits, capbits;
	/* Key slots (a stack): slot e of an object's region holds the stamp
	 * of the visit that saw key e, so a region needs no clearing. */
	uint64_t *u;
	uint32_t nu, capu;
	uint64_t stamp;
	uint32_t *scope;	/* dynamic scope: resources entered */
	uint32_t nscope, capscope;
	struct rt_buf str, key, tmp, tmp2;
	struct verr *errs;
	size_t nerr, caperr;
	struct rt_buf text;
	struct rt_serr *out;
	size_t capout;
	uint32_t *work;		/* multipleOf's long division */
	void *hash;		/* uniqueItems: struct hitem */
	uint32_t caphash;
	/* Per key table, the entry (+ 1) last found at member positions
	 * 0..HINTS-1: records of a stream share their key order, so the
	 * steady state compares one key instead of hashing it. */
	uint32_t *hint;
	size_t *off, capoff;	/* rt_sval_errors: text offsets */
	/* Per schema node: no applicator ($ref, $dynamicRef, allOf, anyOf,
	 * oneOf, not, if), so a scalar instance needs only its own
	 * keywords (vn_leaf). */
	unsigned char *leaf;
	/* The record's top-level object, when the last one passed: the
	 * property schema entry (kent index or SN_NONE) of each member, kept
	 * while records have the same keys (keygen, json.h). */
	struct {
		struct rt_jkeys kept;
		uint32_t si, n, cap;
		uint32_t *e;
	} oc;
};

#define HINTS 32

struct rt_sval *
rt_sval_new(const struct rt_schema *s)
{
	struct rt_sval *v = rt_xcalloc(1, sizeof *v);
	size_t nwork = 0;

	v->s = s;
	v->hint = rt_xcalloc((size_t)s->nkt * HINTS + 1, sizeof *v->hint);
	v->leaf = rt_xcalloc((size_t)s->nsn + 1, 1);
	for (uint32_t i = 0; i < s->nmul; i++)
		nwork = nwork > rt_decdiv_work(&s->mul[i]) ? nwork :
		    rt_decdiv_work(&s->mul[i]);
	v->work = rt_xcalloc(nwork + 1, sizeof *v->work);
	for (uint32_t i = 0; i < s->nsn; i++) {
		const struct sn *n = &s->sn[i];

		v->leaf[i] = n->kind == SN_OBJ && n->ref == SN_NONE &&
		    n->dynref == SN_NONE && n->allof.n == 0 &&
		    n->anyof.n == 0 && n->oneof.n == 0 &&
		    n->not_ == SN_NONE && n->if_ == SN_NONE;
	}
	return v;
}

void
rt_sval_free(struct rt_sval *v)
{
	if (v == NULL)
		return;
	free(v->bits);
	free(v->u);
	free(v->scope);
	free(v->errs);
	free(v->out);
	free(v->hash);
	free(v->work);
	free(v->hint);
	free(v->leaf);
	free(v->oc.e);
	free(v->off);
	rt_buf_release(&v->str);
	rt_buf_release(&v->key);
	rt_buf_release(&v->tmp);
	rt_buf_release(&v->tmp2);
	rt_buf_release(&v->text);
	free(v);
}

/* ---- scratch stacks ---- */

static uint32_t
bits_alloc(struct rt_sval *v, uint32_t nbits)
{
	uint32_t w = (nbits + 63) / 64, off = v->nbits;

	if (off + w > v->capbits) {
		v->capbits = v->capbits ? v->capbits * 2 : 256;
		while (v->capbits < off + w)
			v->capbits *= 2;
		v->bits = rt_xreallocarray(v->bits, v->capbits, sizeof *v->bits);
	}
	memset(v->bits + off, 0, w * sizeof *v->bits);
	v->nbits += w;
	return off;
}

static inline void
bit_set(struct rt_sval *v, int64_t set, uint32_t i)
{
	v->bits[set + i / 64] |= 1ULL << (i % 64);
}

static inline int
bit_get(const struct rt_sval *v, int64_t set, uint32_t i)
{
	return (v->bits[set + i / 64] >> (i % 64)) & 1;
}

/* n key slots, holding stamps older than any visit to come. */
static uint32_t
u_alloc(struct rt_sval *v, uint32_t n)
{
	uint32_t off = v->nu, old = v->capu;

	if (off + n > v->capu) {
		v->capu = v->capu ? v->capu * 2 : 256;
		while (v->capu < off + n)
			v->capu *= 2;
		v->u = rt_xreallocarray(v->u, v->capu, sizeof *v->u);
		memset(v->u + old, 0, (size_t)(v->capu - old) * sizeof *v->u);
	}
	v->nu += n;
	return off;
}

/* ---- errors ---- */

static inline int
stop(const struct rt_sval *v)
{
	return !v->collect || v->nerr >= v->max;
}

/* Append node i's JSON text, cut to ERRVAL bytes. */
static void
put_val(struct rt_buf *b, const struct rt_jdoc *d, uint32_t i)
{
	const struct rt_jnode *x = &d->v[i];
	size_t n = x->len;

	if (n <= ERRVAL) {
		rt_buf_add(b, rt_jdoc_text(d, i), n);
		return;
	}
	n = ERRVAL;
	while (n > 0 && (rt_jdoc_text(d, i)[n] & 0xC0) == 0x80)
		n--;	/* do not cut a UTF-8 sequence */
	rt_buf_add(b, rt_jdoc_text(d, i), n);
	rt_buf_adds(b, "...");
}

/* Record an error: msg has no value of the record; vmsg may (%V in
 * it stands for node i's text). */
static void
fail(struct rt_sval *v, uint32_t si, uint32_t i, enum kw kw, const char *msg,
    const char *vmsg)
{
	struct verr *e;
	const char *p;

	if (!v->collect || v->nerr >= v->max)
		return;
	if (v->nerr == v->caperr) {
		v->caperr = v->caperr ? v->caperr * 2 : 16;
		v->errs = rt_xreallocarray(v->errs, v->caperr, sizeof *v->errs);
	}
	e = &v->errs[v->nerr++];
	e->inst = i;
	e->sn = si;
	e->kw = kw;
	e->msg = v->text.len;
	rt_buf_adds(&v->text, msg);
	rt_buf_addc(&v->text, '\0');
	e->vmsg = v->text.len;
	for (p = vmsg ? vmsg : msg; *p; p++) {
		if (p[0] == '%' && p[1] == 'V') {
			put_val(&v->text, v->d, i);
			p++;
		} else {
			rt_buf_addc(&v->text, *p);
		}
	}
	rt_buf_addc(&v->text, '\0');
}

/* ---- numbers ---- */

static double
num_of(const struct rt_jdoc *d, uint32_t i)
{
	const struct rt_jnode *x = &d->v[i];
	const char *p = rt_jdoc_text(d, i);

	if ((x->flags & RT_JF_INT) && x->len <= 15) {
		int64_t a = 0;
		uint32_t k = p[0] == '-';

		for (; k < x->len; k++)
			a = a * 10 + (p[k] - '0');
		return p[0] == '-' ? (double)-a : (double)a;
	}
	return rt_num_parse_json(p, x->len);
}

/* Compare number node i with the schema number lim: <0, 0, >0.  Doubles
 * that differ order their numbers (rounding is monotonic); equal ones
 * are decided on the texts. */
static int
num_cmp(struct rt_sval *v, uint32_t i, double x, const struct snum *lim)
{
	const struct rt_jdoc *ld = &v->s->docs[lim->doc].jd;
	struct rt_dec a, b;

	if (x != lim->d)
		return x < lim->d ? -1 : 1;
	if (v->d->v[i].len == ld->v[lim->node].len &&
	    memcmp(rt_jdoc_text(v->d, i), rt_jdoc_text(ld, lim->node),
	    v->d->v[i].len) == 0)
		return 0;
	rt_dec_parse(&a, rt_jdoc_text(v->d, i), v->d->v[i].len);
	rt_dec_parse(&b, rt_jdoc_text(ld, lim->node), ld->v[lim->node].len);
	return rt_dec_cmp(&a, &b);
}

static int
is_integer(const struct rt_jdoc *d, uint32_t i)
{
	struct rt_dec a;

	if (d->v[i].flags & RT_JF_INT)
		return 1;
	rt_dec_parse(&a, rt_jdoc_text(d, i), d->v[i].len);
	return rt_dec_is_int(&a);
}

/* Is number node i a multiple of schema node s's divisor?  Exact. */
static int
multiple_of(struct rt_sval *v, uint32_t i, const struct sn *s)
{
	struct rt_dec a;

	rt_dec_parse(&a, rt_jdoc_text(v->d, i), v->d->v[i].len);
	return rt_dec_multiple(&a, &v->s->mul[s->mul], v->work);
}

/* ---- equality (enum, const, uniqueItems) ---- */

static const char *
str_view(const struct rt_jdoc *d, uint32_t i, struct rt_buf *b, size_t *n)
{
	if (!(d->v[i].flags & RT_JF_ESC)) {
		*n = d->v[i].len - 2;
		return rt_jdoc_text(d, i) + 1;
	}
	b->len = 0;
	rt_jdoc_str(d, i, b);
	*n = b->len;
	return b->p ? b->p : "";
}

static int json_eq(struct rt_sval *v, const struct rt_jdoc *a, uint32_t i,
    const struct rt_jdoc *b, uint32_t j);

static int
str_eq(struct rt_sval *v, const struct rt_jdoc *a, uint32_t i,
    const struct rt_jdoc *b, uint32_t j)
{
	const char *p, *q;
	size_t n, m;

	if (!((a->v[i].flags | b->v[j].flags) & RT_JF_ESC))
		return a->v[i].len == b->v[j].len &&
		    rt_bytes_eq(rt_jdoc_text(a, i), rt_jdoc_text(b, j),
		    a->v[i].len);
	p = str_view(a, i, &v->tmp, &n);
	q = str_view(b, j, &v->tmp2, &m);
	return n == m && memcmp(p, q, n) == 0;
}

static int
obj_eq(struct rt_sval *v, const struct rt_jdoc *a, uint32_t i,
    const struct rt_jdoc *b, uint32_t j)
{
	uint32_t k;

	for (k = i + 1; k < a->v[i].next; k = a->v[k + 1].next) {
		const char *p;
		size_t n;
		uint32_t w;
		struct rt_buf key = RT_BUF_INIT;

		if (a->v[k].flags & RT_JF_ESC) {
			rt_jdoc_str(a, k, &key);
			p = key.p ? key.p : "";
			n = key.len;
		} else {
			p = rt_jdoc_text(a, k) + 1;
			n = a->v[k].len - 2;
		}
		w = rt_jdoc_get(b, j, p, n);
		rt_buf_release(&key);
		if (w == 0 || !json_eq(v, a, k + 1, b, w))
			return 0;
	}
	return 1;
}

static int
json_eq(struct rt_sval *v, const struct rt_jdoc *a, uint32_t i,
    const struct rt_jdoc *b, uint32_t j)
{
	const struct rt_jnode *x = &a->v[i], *y = &b->v[j];
	uint32_t p, q;

	if (x->type != y->type)
		return 0;
	switch (x->type) {
	case RT_JNUM:
		if (x->len == y->len && rt_bytes_eq(rt_jdoc_text(a, i),
		    rt_jdoc_text(b, j), x->len))
			return 1;
		{
			struct rt_dec m, n;

			rt_dec_parse(&m, rt_jdoc_text(a, i), x->len);
			rt_dec_parse(&n, rt_jdoc_text(b, j), y->len);
			return rt_dec_cmp(&m, &n) == 0;
		}
	case RT_JSTR:
		return str_eq(v, a, i, b, j);
	case RT_JARR:
		if (x->n != y->n)
			return 0;
		for (p = i + 1, q = j + 1; p < x->next; p = a->v[p].next,
		    q = b->v[q].next)
			if (!json_eq(v, a, p, b, q))
				return 0;
		return 1;
	case RT_JOBJ:
		return x->n == y->n && obj_eq(v, a, i, b, j) &&
		    obj_eq(v, b, j, a, i);
	default:
		return 1;
	}
}

/* A hash equal for equal values (uniqueItems). */
static uint64_t
json_hash(struct rt_sval *v, const struct rt_jdoc *d, uint32_t i)
{
	const struct rt_jnode *x = &d->v[i];
	uint64_t h = x->type;
	uint32_t k;

	switch (x->type) {
	case RT_JNUM: {
		struct rt_dec a;

		rt_dec_parse(&a, rt_jdoc_text(d, i), x->len);
		return rt_dec_hash(&a);
	}
	case RT_JSTR: {
		size_t n;
		const char *p = str_view(d, i, &v->tmp, &n);

		return rt_hash(p, n) ^ 5;
	}
	case RT_JARR:
		for (k = i + 1; k < x->next; k = d->v[k].next)
			h = (h ^ json_hash(v, d, k)) * 0x100000001b3ULL;
		return h;
	case RT_JOBJ:
		for (k = i + 1; k < x->next; k = d->v[k + 1].next) {
			size_t n;
			const char *p = str_view(d, k, &v->tmp, &n);

			h += rt_hash(p, n) * 3 ^ json_hash(v, d, k + 1);
		}
		return h;
	default:
		return h;
	}
}

/* ---- types ---- */

static unsigned
type_of(const struct rt_jdoc *d, uint32_t i)
{
	switch (d->v[i].type) {
	case RT_JNULL: return RT_ST_NULL;
	case RT_JTRUE: case RT_JFALSE: return RT_ST_BOOL;
	case RT_JNUM: return RT_ST_NUM;
	case RT_JSTR: return RT_ST_STR;
	case RT_JARR: return RT_ST_ARR;
	default: return RT_ST_OBJ;
	}
}

static const char *
tname(unsigned t)
{
	switch (t) {
	case RT_ST_NULL: return "null";
	case RT_ST_BOOL: return "boolean";
	case RT_ST_NUM: return "number";
	case RT_ST_STR: return "string";
	case RT_ST_ARR: return "array";
	default: return "object";
	}
}

static int
type_ok(struct rt_sval *v, unsigned types, uint32_t i)
{
	unsigned t = type_of(v->d, i);

	if (types & t)
		return 1;
	return t == RT_ST_NUM && (types & RT_ST_INT) && is_integer(v->d, i);
}

static void
type_fail(struct rt_sval *v, uint32_t si, uint32_t i, unsigned types)
{
	static const char *const names[] = { "null", "boolean", "integer",
	    "number", "string", "array", "object" };
	char msg[160];
	size_t n = 0;
	unsigned k;

	if (!v->collect)
		return;
	n += (size_t)snprintf(msg, sizeof msg, "expected ");
	for (k = 0; k < 7; k++)
		if (types & (1u << k))
			n += (size_t)snprintf(msg + n, sizeof msg - n, "%s%s",
			    n > 9 ? " or " : "", names[k]);
	if (n == 9)
		n += (size_t)snprintf(msg + n, sizeof msg - n, "nothing");
	snprintf(msg + n, sizeof msg - n, ", got %s", tname(type_of(v->d, i)));
	fail(v, si, i, KW_TYPE, msg, NULL);
}

/* ---- keywords by instance type ---- */

static int vn(struct rt_sval *v, uint32_t si, uint32_t i, int64_t ev);

static int
v_number(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i)
{
	double x = num_of(v->d, i);
	int ok = 1;
	char m[160], vm[200];

/* test is an operator and operand ("< 0"), so it cannot be parenthesised. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define LIMIT(flag, field, test, kw, word, op) \
	if ((s->has & (flag)) && !(num_cmp(v, i, x, &s->field) test)) { \
		ok = 0; \
		if (v->collect) { \
			const struct rt_jdoc *ld = &v->s->docs[s->field.doc].jd; \
			int ln = (int)ld->v[s->field.node].len; \
			const char *lt = rt_jdoc_text(ld, s->field.node); \
			snprintf(m, sizeof m, "must be %s %.*s", op, ln, lt); \
			snprintf(vm, sizeof vm, "%%V is %s %.*s", word, ln, lt); \
			fail(v, si, i, kw, m, vm); \
		} \
		if (stop(v)) \
			return 0; \
	}
	LIMIT(K_MIN, min, >= 0, KW_MIN, "less than minimum", ">=")
	LIMIT(K_MAX, max, <= 0, KW_MAX, "greater than maximum", "<=")
	LIMIT(K_EXMIN, exmin, > 0, KW_EXMIN, "not greater than exclusiveMinimum", ">")
	LIMIT(K_EXMAX, exmax, < 0, KW_EXMAX, "not less than exclusiveMaximum", "<")
#undef LIMIT
/* NOLINTEND(bugprone-macro-parentheses) */
	if ((s->has & K_MULT) && !multiple_of(v, i, s)) {
		ok = 0;
		if (v->collect) {
			const struct rt_jdoc *ld = &v->s->docs[s->mult.doc].jd;
			int ln = (int)ld->v[s->mult.node].len;
			const char *lt = rt_jdoc_text(ld, s->mult.node);

			snprintf(m, sizeof m, "must be a multiple of %.*s", ln, lt);
			snprintf(vm, sizeof vm, "%%V is not a multiple of %.*s",
			    ln, lt);
			fail(v, si, i, KW_MULT, m, vm);
		}
	}
	return ok;
}

static size_t
codepoints(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

static int
v_string(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i)
{
	const struct rt_jnode *x = &v->d->v[i];
	const char *p;
	size_t n, cp;
	int ok = 1;
	char m[200];

	p = str_view(v->d, i, &v->str, &n);
	if (s->has & (K_MINLEN | K_MAXLEN)) {
		cp = (x->flags & (RT_JF_ESC | RT_JF_UTF8)) ? codepoints(p, n) : n;
		if ((s->has & K_MINLEN) && cp < s->minlen) {
			ok = 0;
			snprintf(m, sizeof m, "must be at least %u characters long",
			    s->minlen);
			fail(v, si, i, KW_MINLEN, m, NULL);
			if (stop(v))
				return 0;
		}
		if ((s->has & K_MAXLEN) && cp > s->maxlen) {
			ok = 0;
			snprintf(m, sizeof m, "must be at most %u characters long",
			    s->maxlen);
			fail(v, si, i, KW_MAXLEN, m, NULL);
			if (stop(v))
				return 0;
		}
	}
	if ((s->has & K_PATTERN) && rt_regex_match(v->s->re[s->pattern], p, n)
	    != 1) {
		ok = 0;
		if (v->collect) {
			const struct sdoc *d = &v->s->docs[s->doc];
			uint32_t pn = rt_jdoc_get(&d->jd, s->node, "pattern", 7);

			snprintf(m, sizeof m, "does not match pattern %.*s",
			    (int)d->jd.v[pn].len, rt_jdoc_text(&d->jd, pn));
			fail(v, si, i, KW_PATTERN, m, NULL);
		}
		if (stop(v))
			return 0;
	}
	if ((s->has & K_FORMAT) && !rt_format_check(s->format, p, n)) {
		const struct sdoc *d = &v->s->docs[s->doc];
		uint32_t fn = rt_jdoc_get(&d->jd, s->node, "format", 6);

		ok = 0;
		snprintf(m, sizeof m, "not a valid %.*s",
		    (int)d->jd.v[fn].len - 2, rt_jdoc_text(&d->jd, fn) + 1);
		fail(v, si, i, KW_FORMAT, m, NULL);
	}
	return ok;
}

struct hitem {
	uint64_t h;
	uint32_t node, idx;
};

static int
hitem_cmp(const void *a, const void *b)
{
	const struct hitem *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* The first pair of equal items of array i (by the first index, then the
 * second) among items sorted by hash: only equal hashes can be equal.
 * 1 and *ia, *ib when there is one. */
static int
dup_hashed(struct rt_sval *v, uint32_t i, uint32_t *ia, uint32_t *ib)
{
	const struct rt_jnode *x = &v->d->v[i];
	struct hitem *h;
	uint32_t n = 0, k, r, j;
	int found = 0;

	*ia = *ib = 0;
	if (v->caphash < x->n) {
		v->caphash = x->n;
		v->hash = rt_xreallocarray(v->hash, x->n, sizeof *h);
	}
	h = (struct hitem *)(void *)v->hash;
	for (k = i + 1; k < x->next; k = v->d->v[k].next, n++) {
		h[n].h = json_hash(v, v->d, k);
		h[n].node = k;
		h[n].idx = n;
	}
	qsort(h, n, sizeof *h, hitem_cmp);
	for (r = 0; r < n; r = j) {
		for (j = r + 1; j < n && h[j].h == h[r].h; j++)
			;
		for (k = r; k + 1 < j; k++) {
			uint32_t m;

			if (found && h[k].idx > *ia)
				break;
			for (m = k + 1; m < j; m++)
				if (json_eq(v, v->d, h[k].node, v->d, h[m].node))
					break;
			if (m < j && (!found || h[k].idx < *ia ||
			    (h[k].idx == *ia && h[m].idx < *ib))) {
				*ia = h[k].idx;
				*ib = h[m].idx;
				found = 1;
				break;
			}
		}
	}
	return found;
}

static int
v_unique(struct rt_sval *v, uint32_t si, uint32_t i)
{
	const struct rt_jnode *x = &v->d->v[i];
	uint32_t a, b, ia, ib;
	char m[80];

	if (x->n > 8) {
		if (!dup_hashed(v, i, &ia, &ib))
			return 1;
		goto dup;
	}
	for (a = i + 1, ia = 0; a < x->next; a = v->d->v[a].next, ia++)
		for (b = v->d->v[a].next, ib = ia + 1; b < x->next;
		    b = v->d->v[b].next, ib++)
			if (json_eq(v, v->d, a, v->d, b))
				goto dup;
	return 1;
dup:
	snprintf(m, sizeof m, "items %u and %u are equal", ia, ib);
	fail(v, si, i, KW_UNIQUE, m, NULL);
	return 0;
}

static int
v_contains(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_jnode *x = &v->d->v[i];
	uint32_t e, idx = 0, count = 0;
	int saved = v->collect, all = mine >= 0 || (s->has & K_MAXCONT);
	char m[120];

	v->collect = 0;
	for (e = i + 1; e < x->next; e = v->d->v[e].next, idx++)
		if (vn(v, s->contains, e, -1)) {
			count++;
			if (mine >= 0)
				bit_set(v, mine, idx);
			if (!all && count >= s->mincont)
				break;
		}
	v->collect = saved;
	if (count < s->mincont) {
		if (s->has & K_MINCONT) {
			snprintf(m, sizeof m, "must contain at least %u matching "
			    "items", s->mincont);
			fail(v, si, i, KW_MINCONT, m, NULL);
		} else {
			fail(v, si, i, KW_CONTAINS, "no item matches contains",
			    NULL);
		}
		return 0;
	}
	if ((s->has & K_MAXCONT) && count > s->maxcont) {
		snprintf(m, sizeof m, "must contain at most %u matching items",
		    s->maxcont);
		fail(v, si, i, KW_MAXCONT, m, NULL);
		return 0;
	}
	return 1;
}

static int
v_array(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_jnode *x = &v->d->v[i];
	uint32_t e = i + 1, idx = 0;
	int ok = 1;
	char m[120];

	if ((s->has & K_MINITEMS) && x->n < s->minitems) {
		snprintf(m, sizeof m, "must have at least %u items", s->minitems);
		fail(v, si, i, KW_MINITEMS, m, NULL);
		ok = 0;
		if (stop(v))
			return 0;
	}
	if ((s->has & K_MAXITEMS) && x->n > s->maxitems) {
		snprintf(m, sizeof m, "must have at most %u items", s->maxitems);
		fail(v, si, i, KW_MAXITEMS, m, NULL);
		ok = 0;
		if (stop(v))
			return 0;
	}
	for (; idx < s->prefix.n && e < x->next; e = v->d->v[e].next, idx++) {
		if (!vn(v, v->s->u32[s->prefix.off + idx], e, -1)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
		if (mine >= 0)
			bit_set(v, mine, idx);
	}
	if (s->items != SN_NONE)
		for (; e < x->next; e = v->d->v[e].next, idx++) {
			if (v->s->sn[s->items].kind == SN_FALSE) {
				fail(v, si, e, s->prefix.n && s->draft ==
				    RT_DRAFT_7 ? KW_ADDITEMS : KW_ITEMS,
				    "item is not allowed", NULL);
				ok = 0;
			} else if (!vn(v, s->items, e, -1)) {
				ok = 0;
			}
			if (!ok && stop(v))
				return 0;
			if (mine >= 0)
				bit_set(v, mine, idx);
		}
	if (s->contains != SN_NONE && !v_contains(v, s, si, i, mine)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	if ((s->has & K_UNIQUE) && x->n > 1 && !v_unique(v, si, i))
		ok = 0;
	return ok;
}

/* The key of member node k: its decoded bytes. */
static const char *
key_of(struct rt_sval *v, uint32_t k, size_t *n)
{
	return str_view(v->d, k, &v->key, n);
}

static uint32_t
lookup(struct rt_sval *v, const struct ktab *t, uint32_t idx, const char *p,
    size_t n)
{
	const struct rt_schema *S = v->s;
	uint32_t *hint = idx < HINTS ? &v->hint[(size_t)(t - S->kt) * HINTS +
	    idx] : NULL;
	uint64_t h;
	uint32_t i;

	if (hint && *hint) {
		const struct kent *k = &S->kent[*hint - 1];

		if (k->len == n && rt_bytes_eq(S->pool.p + k->name, p, n))
			return *hint - 1;
	}
	h = rt_hash(p, n);
	for (i = (uint32_t)h & t->mask;; i = (i + 1) & t->mask) {
		uint32_t e = S->u32[t->slots + i];
		const struct kent *k;

		if (e == 0)
			return SN_NONE;
		k = &S->kent[e - 1];
		if (k->hash == h && k->len == n &&
		    rt_bytes_eq(S->pool.p + k->name, p, n)) {
			if (hint)
				*hint = e;
			return e - 1;
		}
	}
}

static int
v_required(struct rt_sval *v, const struct ktab *t, uint32_t slots,
    uint64_t stamp, uint32_t si, uint32_t i)
{
	const struct rt_schema *S = v->s;
	uint32_t r;
	int ok = 1;
	char m[300];

	for (r = 0; r < t->req.n; r++) {
		uint32_t e = S->u32[t->req.off + r];

		if (v->u[slots + e - t->first] == stamp)
			continue;
		ok = 0;
		snprintf(m, sizeof m, "required property '%.200s' is missing",
		    S->pool.p + S->kent[e].name);
		fail(v, si, i, KW_REQUIRED, m, NULL);
		if (stop(v))
			return 0;
	}
	return ok;
}

static int
v_deps(struct rt_sval *v, const struct sn *s, const struct ktab *t,
    uint32_t slots, uint64_t stamp, uint32_t si, uint32_t i, int64_t mine)
{
	const struct rt_schema *S = v->s;
	uint32_t d, e, r;
	int ok = 1;
	char m[400];

	for (d = 0; d < t->deps.n; d++) {
		const struct kent *k = &S->kent[e = S->u32[t->deps.off + d]];

		if (v->u[slots + e - t->first] != stamp)
			continue;
		for (r = 0; r < k->depreq.n; r++) {
			uint32_t q = S->u32[k->depreq.off + r];

			if (v->u[slots + q - t->first] == stamp)
				continue;
			ok = 0;
			snprintf(m, sizeof m, "property '%.150s' is required when "
			    "'%.150s' is present", S->pool.p + S->kent[q].name,
			    S->pool.p + k->name);
			fail(v, si, i, s->draft == RT_DRAFT_7 ? KW_DEPS : KW_DEPREQ,
			    m, NULL);
			if (stop(v))
				return 0;
		}
		if (k->depschema != SN_NONE && !vn(v, k->depschema, i, mine)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
	}
	return ok;
}

/* One member k (key) of object i, at position idx. */
static int
v_member(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t k,
    uint32_t idx, const struct ktab *t, int64_t mine, uint32_t *entry)
{
	const struct rt_schema *S = v->s;
	const char *p = NULL;
	size_t n = 0;
	uint32_t e = SN_NONE, j, base;
	uint64_t pm;
	int ok = 1, matched = 0;

	if (t || s->patprops.n)
		p = key_of(v, k, &n);
	if (t)
		e = lookup(v, t, idx, p, n);
	*entry = e;
	/* The key text is not used past here: recursion may reuse it (the
	 * patterns re-read it). */
	if (e != SN_NONE && S->kent[e].schema != SN_NONE) {
		matched = 1;
		if (!vn(v, S->kent[e].schema, k + 1, -1)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
	}
	for (base = 0; base < s->patprops.n; base += 64) {
		p = key_of(v, k, &n);
		pm = 0;
		for (j = 0; base + j < s->patprops.n && j < 64; j++)
			if (rt_regex_match(S->re[S->u32[s->patprops.off +
			    2 * (base + j)]], p, n) == 1)
				pm |= 1ULL << j;
		for (j = 0; pm; j++, pm >>= 1) {
			if (!(pm & 1))
				continue;
			matched = 1;
			if (!vn(v, S->u32[s->patprops.off + 2 * (base + j) + 1],
			    k + 1, -1)) {
				ok = 0;
				if (stop(v))
					return 0;
			}
		}
	}
	if (!matched && s->addprops != SN_NONE) {
		matched = 1;
		if (S->sn[s->addprops].kind == SN_FALSE) {
			fail(v, si, k + 1, KW_ADDPROPS, "property is not allowed",
			    NULL);
			ok = 0;
		} else if (!vn(v, s->addprops, k + 1, -1)) {
			ok = 0;
		}
		if (!ok && stop(v))
			return 0;
	}
	if (s->propnames != SN_NONE) {
		int saved = v->collect, r;

		v->collect = 0;
		r = vn(v, s->propnames, k, -1);
		v->collect = saved;
		if (!r) {
			char m[300];

			p = key_of(v, k, &n);
			snprintf(m, sizeof m, "property name '%.*s' is invalid",
			    (int)(n > 200 ? 200 : n), p);
			fail(v, si, k + 1, KW_PROPNAMES,
			    "property name is invalid", m);
			ok = 0;
		}
	}
	if (matched && mine >= 0)
		bit_set(v, mine, idx);
	return ok;
}

/* v_object for a top-level object with the keys of the last record,
 * which passed: each member's value against the schema its key met then
 * (a property's, or additionalProperties'), as v_member does. */
static int
v_object_again(struct rt_sval *v, const struct sn *s,
    const struct rt_jnode *x)
{
	const struct rt_schema *S = v->s;
	uint32_t k, idx;
	int ok = 1;

	for (k = 1, idx = 0; k < x->next; k = v->d->v[k + 1].next, idx++) {
		uint32_t e = v->oc.e[idx], sub;

		if (e != SN_NONE && S->kent[e].schema != SN_NONE)
			sub = S->kent[e].schema;
		else if (s->addprops != SN_NONE)
			sub = s->addprops;
		else
			continue;
		if (!vn(v, sub, k + 1, -1)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
	}
	return ok;
}

/* The members of object i against properties, patternProperties,
 * additionalProperties and propertyNames, then required and dependent*
 * (by the stamps the members left in their key slots). */
static int
v_members(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine, int keep)
{
	const struct rt_schema *S = v->s;
	const struct rt_jnode *x = &v->d->v[i];
	const struct ktab *t = s->keys != SN_NONE ? &S->kt[s->keys] : NULL;
	uint32_t slots = SN_NONE, k, idx = 0, nreq = 0;
	uint64_t stamp = ++v->stamp;
	int ok = 1;

	if (t && (t->req.n || t->deps.n))
		slots = u_alloc(v, t->n);
	for (k = i + 1; k < x->next; k = v->d->v[k + 1].next, idx++) {
		uint32_t e = SN_NONE;
		int r = v_member(v, s, si, k, idx, t, mine, &e);

		if (e != SN_NONE && slots != SN_NONE &&
		    v->u[slots + e - t->first] != stamp) {
			v->u[slots + e - t->first] = stamp;
			nreq += S->kent[e].required;
		}
		if (!r) {
			ok = 0;
			if (stop(v))
				return 0;
		}
		if (keep)
			v->oc.e[idx] = e;
	}
	if (slots == SN_NONE)
		return ok;
	/* Every distinct required name met: no need to look for one. */
	if (nreq < t->nreq && !v_required(v, t, slots, stamp, si, i)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (t->deps.n && !v_deps(v, s, t, slots, stamp, si, i, mine))
		ok = 0;
	return ok;
}

static int
v_object(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_jnode *x = &v->d->v[i];
	const struct ktab *t = s->keys != SN_NONE ? &v->s->kt[s->keys] : NULL;
	uint32_t mark = v->nu;
	int ok = 1, keep;
	char m[120];

	if ((s->has & K_MINPROPS) && x->n < s->minprops) {
		snprintf(m, sizeof m, "must have at least %u properties",
		    s->minprops);
		fail(v, si, i, KW_MINPROPS, m, NULL);
		ok = 0;
		if (stop(v))
			return 0;
	}
	if ((s->has & K_MAXPROPS) && x->n > s->maxprops) {
		snprintf(m, sizeof m, "must have at most %u properties",
		    s->maxprops);
		fail(v, si, i, KW_MAXPROPS, m, NULL);
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (!t && !s->patprops.n && s->addprops == SN_NONE &&
	    s->propnames == SN_NONE)
		return ok;
	/* Kept from the last record: keys alone decide which schema each
	 * member meets and whether required, dependentRequired... pass. */
	keep = i == 0 && mine < 0 && !s->patprops.n &&
	    s->propnames == SN_NONE && (!t || t->deps.n == 0) && !s->track;
	if (keep && rt_jkeys_same(&v->oc.kept, v->d) && v->oc.si == si &&
	    v->oc.n == x->n)
		return v_object_again(v, s, x) && ok;
	if (keep && x->n > v->oc.cap) {
		v->oc.cap = x->n;
		v->oc.e = rt_xreallocarray(v->oc.e, x->n, sizeof *v->oc.e);
	}
	v->oc.kept.d = NULL;
	if (!v_members(v, s, si, i, mine, keep))
		ok = 0;
	if (ok && keep) {
		rt_jkeys_keep(&v->oc.kept, v->d);
		v->oc.si = si;
		v->oc.n = x->n;
	}
	v->nu = mark;
	return ok;
}

/* ---- applicators ---- */

/* The target of a $dynamicRef: the outermost resource in the dynamic
 * scope with a $dynamicAnchor of that name, else the static target. */
static uint32_t
dyn_target(struct rt_sval *v, const struct sn *s)
{
	const struct rt_schema *S = v->s;
	uint32_t k, j;

	if (s->dynname == SN_NONE)
		return s->dynref;
	for (k = 0; k < v->nscope; k++) {
		const struct sres *r = &S->res[v->scope[k]];

		for (j = 0; j < r->dyn.n; j++)
			if (S->u32[r->dyn.off + 2 * j] == s->dynname)
				return S->u32[r->dyn.off + 2 * j + 1];
	}
	return s->dynref;
}

static int
v_some(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_schema *S = v->s;
	int saved = v->collect, ok = 1;
	uint32_t k, good = 0;
	char m[80];

	v->collect = 0;
	if (s->anyof.n) {
		for (k = 0; k < s->anyof.n; k++)
			if (vn(v, S->u32[s->anyof.off + k], i, mine)) {
				good = 1;
				if (mine < 0)
					break;
			}
		if (!good) {
			v->collect = saved;
			fail(v, si, i, KW_ANYOF, "does not match any schema of "
			    "anyOf", NULL);
			ok = 0;
			if (stop(v))
				return 0;
			v->collect = 0;
		}
	}
	if (s->oneof.n) {
		for (good = 0, k = 0; k < s->oneof.n && good < 2; k++)
			good += (uint32_t)vn(v, S->u32[s->oneof.off + k], i, mine);
		v->collect = saved;
		if (good != 1) {
			snprintf(m, sizeof m, good ? "matches more than one "
			    "schema of oneOf" : "matches no schema of oneOf");
			fail(v, si, i, KW_ONEOF, m, NULL);
			ok = 0;
			if (stop(v))
				return 0;
		}
		v->collect = 0;
	}
	if (s->not_ != SN_NONE && vn(v, s->not_, i, -1)) {
		v->collect = saved;
		fail(v, si, i, KW_NOT, "must not match the schema of not", NULL);
		ok = 0;
	}
	v->collect = saved;
	return ok;
}

static int
v_apply(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_schema *S = v->s;
	uint32_t k;
	int ok = 1;

	if (s->ref != SN_NONE && !vn(v, s->ref, i, mine)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (s->dynref != SN_NONE && !vn(v, dyn_target(v, s), i, mine)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	for (k = 0; k < s->allof.n; k++)
		if (!vn(v, S->u32[s->allof.off + k], i, mine)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
	if ((s->anyof.n || s->oneof.n || s->not_ != SN_NONE) &&
	    !v_some(v, s, si, i, mine)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (s->if_ != SN_NONE) {
		int saved = v->collect, r;

		v->collect = 0;
		r = vn(v, s->if_, i, mine);
		v->collect = saved;
		if (r ? s->then_ != SN_NONE && !vn(v, s->then_, i, mine)
		      : s->else_ != SN_NONE && !vn(v, s->else_, i, mine))
			ok = 0;
	}
	return ok;
}

static int
v_enum(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i)
{
	const struct rt_schema *S = v->s;
	uint32_t k;

	if (s->has & K_CONST) {
		if (!json_eq(v, v->d, i, &S->docs[s->cdoc].jd, s->cnode)) {
			fail(v, si, i, KW_CONST, "not equal to const",
			    "%V is not equal to const");
			if (stop(v))
				return 0;
			if (!(s->has & K_ENUM))
				return 0;
		}
	}
	if (s->has & K_ENUM) {
		for (k = 0; k < s->enm.n; k++) {
			uint32_t d = S->u32[s->enm.off + 2 * k];

			if (json_eq(v, v->d, i, &S->docs[d].jd,
			    S->u32[s->enm.off + 2 * k + 1]))
				return 1 && !((s->has & K_CONST) && !json_eq(v,
				    v->d, i, &S->docs[s->cdoc].jd, s->cnode));
		}
		fail(v, si, i, KW_ENUM, "not one of the values of enum",
		    "%V is not one of the values of enum");
		return 0;
	}
	return 1;
}

/* unevaluatedProperties / unevaluatedItems, last of all. */
static int
v_uneval(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_jnode *x = &v->d->v[i];
	uint32_t k, idx = 0, us;
	int ok = 1, obj = x->type == RT_JOBJ;
	enum kw kw = obj ? KW_UNEVALPROPS : KW_UNEVALITEMS;

	us = obj ? s->uneval_props : s->uneval_items;
	if (us == SN_NONE || x->n == 0)
		return 1;
	for (k = i + 1; k < x->next; idx++) {
		uint32_t val = obj ? k + 1 : k;

		if (!bit_get(v, mine, idx)) {
			if (v->s->sn[us].kind == SN_FALSE) {
				fail(v, si, val, kw, obj ? "property is not "
				    "evaluated and not allowed" : "item is not "
				    "evaluated and not allowed", NULL);
				ok = 0;
			} else if (!vn(v, us, val, -1)) {
				ok = 0;
			}
			if (!ok && stop(v))
				return 0;
			bit_set(v, mine, idx);
		}
		k = obj ? v->d->v[k + 1].next : v->d->v[k].next;
	}
	return ok;
}

/* vn_body for a scalar instance and a schema node without applicators:
 * its own keywords only (no scope, no annotations, no recursion). */
static int
vn_leaf(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i)
{
	const struct rt_jnode *x = &v->d->v[i];
	int ok = 1;

	if (s->types && !type_ok(v, s->types, i)) {
		type_fail(v, si, i, s->types);
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (x->type == RT_JNUM) {
		if (s->has & (K_MIN | K_MAX | K_EXMIN | K_EXMAX | K_MULT))
			ok &= v_number(v, s, si, i);
	} else if (x->type == RT_JSTR) {
		if (s->has & (K_MINLEN | K_MAXLEN | K_PATTERN | K_FORMAT))
			ok &= v_string(v, s, si, i);
	}
	if (!ok && stop(v))
		return 0;
	if ((s->has & (K_CONST | K_ENUM)) && !v_enum(v, s, si, i))
		ok = 0;
	return ok;
}

static int
vn_body(struct rt_sval *v, const struct sn *s, uint32_t si, uint32_t i,
    int64_t mine)
{
	const struct rt_jnode *x = &v->d->v[i];
	int ok = 1;

	if (x->type != RT_JOBJ && x->type != RT_JARR) {
		ok = vn_leaf(v, s, si, i);
		if (!ok && stop(v))
			return 0;
	} else {
		if (s->types && !type_ok(v, s->types, i)) {
			type_fail(v, si, i, s->types);
			ok = 0;
			if (stop(v))
				return 0;
		}
		ok &= x->type == RT_JARR ? v_array(v, s, si, i, mine) :
		    v_object(v, s, si, i, mine);
		if (!ok && stop(v))
			return 0;
		if ((s->has & (K_CONST | K_ENUM)) && !v_enum(v, s, si, i)) {
			ok = 0;
			if (stop(v))
				return 0;
		}
	}
	if (!v_apply(v, s, si, i, mine)) {
		ok = 0;
		if (stop(v))
			return 0;
	}
	if (s->track && (x->type == RT_JOBJ || x->type == RT_JARR) &&
	    !v_uneval(v, s, si, i, mine))
		ok = 0;
	return ok;
}

static int
vn(struct rt_sval *v, uint32_t si, uint32_t i, int64_t ev)
{
	const struct sn *s = &v->s->sn[si];
	const struct rt_jnode *x;
	uint32_t mark = v->nbits, w;
	int64_t mine = -1;
	int ok, pushed = 0;

	if (v->leaf[si] && v->d->v[i].type != RT_JOBJ &&
	    v->d->v[i].type != RT_JARR && v->depth < MAXDEPTH)
		return vn_leaf(v, s, si, i);
	if (s->kind != SN_OBJ) {
		if (s->kind == SN_TRUE)
			return 1;
		fail(v, si, i, KW_FALSE, "no value is allowed here", NULL);
		return 0;
	}
	if (v->depth >= MAXDEPTH) {
		fail(v, si, i, KW_DEPTH, "schema recursion too deep", NULL);
		return 0;
	}
	v->depth++;
	if (v->nscope == 0 || v->scope[v->nscope - 1] != s->res) {
		if (v->nscope == v->capscope) {
			v->capscope = v->capscope ? v->capscope * 2 : 32;
			v->scope = rt_xreallocarray(v->scope, v->capscope,
			    sizeof *v->scope);
		}
		v->scope[v->nscope++] = s->res;
		pushed = 1;
	}
	x = &v->d->v[i];
	if ((s->track || ev >= 0) && (x->type == RT_JOBJ ||
	    x->type == RT_JARR) && x->n)
		mine = bits_alloc(v, x->n);
	ok = vn_body(v, s, si, i, mine);
	if (ok && ev >= 0 && mine >= 0)
		for (w = 0; w < (x->n + 63) / 64; w++)
			v->bits[ev + w] |= v->bits[mine + w];
	v->nbits = mark;
	v->nscope -= (uint32_t)pushed;
	v->depth--;
	return ok;
}

/* ---- the entry points ---- */

static void
reset(struct rt_sval *v, const struct rt_jdoc *d)
{
	v->d = d;
	v->depth = 0;
	v->nbits = v->nu = v->nscope = 0;
	v->nerr = 0;
	v->text.len = 0;
}

int
rt_sval_check(struct rt_sval *v, const struct rt_jdoc *d)
{
	reset(v, d);
	v->collect = 0;
	v->max = 1;
	return vn(v, v->s->root, 0, -1);
}

/* Append the JSON Pointer of node target (found by walking down); key is
 * scratch for decoding member names. */
static void
put_pointer(struct rt_buf *b, const struct rt_jdoc *d, uint32_t target,
    struct rt_buf *keybuf)
{
	uint32_t cur = 0, k, idx;
	struct rt_buf key = *keybuf;
	size_t j;

	while (cur != target) {
		const struct rt_jnode *x = &d->v[cur];

		if (x->type == RT_JOBJ) {
			for (k = cur + 1; k < x->next; k = d->v[k + 1].next)
				if (target >= k + 1 && target < d->v[k + 1].next)
					break;
			if (k >= x->next)
				break;
			key.len = 0;
			rt_jdoc_str(d, k, &key);
			rt_buf_addc(b, '/');
			for (j = 0; j < key.len; j++)
				if (key.p[j] == '~')
					rt_buf_adds(b, "~0");
				else if (key.p[j] == '/')
					rt_buf_adds(b, "~1");
				else
					rt_buf_addc(b, key.p[j]);
			cur = k + 1;
		} else if (x->type == RT_JARR) {
			for (k = cur + 1, idx = 0; k < x->next;
			    k = d->v[k].next, idx++)
				if (target >= k && target < d->v[k].next)
					break;
			if (k >= x->next)
				break;
			rt_buf_printf(b, "/%u", idx);
			cur = k;
		} else {
			break;
		}
	}
	*keybuf = key;	/* keep its storage for the next error */
}

size_t
rt_sval_errors(struct rt_sval *v, const struct rt_jdoc *d, size_t max)
{
	size_t i, *off;

	reset(v, d);
	v->collect = 1;
	v->max = max ? max : 1;
	vn(v, v->s->root, 0, -1);
	if (v->nerr > v->capout) {
		v->capout = v->nerr;
		v->out = rt_xreallocarray(v->out, v->capout, sizeof *v->out);
	}
	/* Offsets first: the text buffer moves as it grows. */
	if (v->nerr * 2 + 1 > v->capoff) {
		v->capoff = v->nerr * 2 + 1;
		v->off = rt_xreallocarray(v->off, v->capoff, sizeof *v->off);
	}
	off = v->off;
	for (i = 0; i < v->nerr; i++) {
		const struct verr *e = &v->errs[i];
		const struct sn *s = &v->s->sn[e->sn];

		off[2 * i] = v->text.len;
		put_pointer(&v->text, d, e->inst, &v->tmp2);
		rt_buf_addc(&v->text, '\0');
		off[2 * i + 1] = v->text.len;
		if (s->doc != 0) {	/* another document: name it */
			const char *name = v->s->docs[s->doc].name;
			const char *base = strrchr(name, '/');

			rt_buf_adds(&v->text, base ? base + 1 : name);
		}
		rt_buf_adds(&v->text, v->s->pool.p + s->loc);
		if (e->kw != KW_FALSE) {
			rt_buf_addc(&v->text, '/');
			rt_buf_adds(&v->text, kwname[e->kw]);
		}
		rt_buf_addc(&v->text, '\0');
	}
	for (i = 0; i < v->nerr; i++) {
		v->out[i].inst = v->text.p + off[2 * i];
		v->out[i].schema = v->text.p + off[2 * i + 1];
		v->out[i].keyword = kwname[v->errs[i].kw];
		v->out[i].msg = v->text.p + v->errs[i].msg;
		v->out[i].vmsg = v->text.p + v->errs[i].vmsg;
	}
	return v->nerr;
}

const struct rt_serr *
rt_sval_error(const struct rt_sval *v, size_t i)
{
	return &v->out[i];
}

/* Member number (1-based) of key[0, n) in object obj and its value node
 * in *val, or 0 when absent (the last of duplicates wins, as in parsing
 * for validation). */
static size_t
member_of(const struct rt_jdoc *d, uint32_t obj, const char *key, size_t n,
    uint32_t *val)
{
	size_t i = 0, found = 0;
	uint32_t k;

	for (k = obj + 1; k < d->v[obj].next; k = d->v[k + 1].next) {
		i++;
		if (rt_jdoc_streq(d, k, key, n)) {
			found = i;
			*val = k + 1;
		}
	}
	return found;
}

void
rt_sval_where(const struct rt_schema *s, const struct rt_jdoc *d,
    const char *inst, int keys, struct rt_buf *out, struct rt_buf *tmp)
{
	uint32_t cur = 0;
	const char *p = inst;

	if (*p == '\0')
		rt_buf_addc(out, '/');
	while (*p == '/') {
		size_t len = strcspn(p + 1, "/"), j, member = 0;
		int isobj = cur != UINT32_MAX && d->v[cur].type == RT_JOBJ;

		tmp->len = 0;
		for (j = 1; j <= len; j++)	/* ~1 is '/', ~0 is '~' */
			if (p[j] == '~' && j < len && (p[j + 1] == '0' ||
			    p[j + 1] == '1'))
				rt_buf_addc(tmp, p[++j] == '0' ? '~' : '/');
			else
				rt_buf_addc(tmp, p[j]);
		rt_buf_addc(tmp, '\0');
		tmp->len--;
		if (isobj) {
			member = member_of(d, cur, tmp->p, tmp->len, &cur);
			if (member == 0)
				cur = UINT32_MAX;
		} else if (cur != UINT32_MAX && d->v[cur].type == RT_JARR) {
			uint32_t e = rt_jdoc_index(d, cur,
			    (uint32_t)strtoul(tmp->p, NULL, 10));

			cur = e ? e : UINT32_MAX;
		}
		rt_buf_addc(out, '/');
		if (isobj && !keys && !rt_schema_names_key(s, tmp->p, tmp->len)) {
			rt_buf_adds(out, RT_REJ_KEY);
			rt_buf_add(out, p + 1, len);
			rt_buf_printf(out, RT_REJ_KEYALT "<member %zu>"
			    RT_REJ_KEYEND, member);
		} else {
			rt_buf_add(out, p + 1, len);
		}
		p += 1 + len;
	}
}
