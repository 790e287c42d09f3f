/*
 * fast_eval.c - the evaluator of the fast path (fast.h): jq 1.6's
 * semantics on the zero-copy record.  Where jq's answer depends on
 * something the tree does not hold (arrays and objects compared or
 * added, strings repeated or split), the answer is RT_FAST_SLOW and
 * libjq gives it.  Orders and errors are jq 1.6's: the right operand of
 * a binary operator is evaluated first, NaN sorts below every number
 * (and below itself), an object's length counts distinct keys, and the
 * messages are jq's with values replaced by their type (jqmsg.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fast_int.h"
#include "number.h"

/* Evaluation status. */
enum { E_OK, E_ERR, E_UNSUP, E_OVER };

/* The most members whose keys are compared pairwise for length. */
#define DISTINCT_MAX 256

static const char *const tname[] = {
	"null", "boolean", "boolean", "number", "string", "array", "object"
};

static int eval(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out);

/* Record jq's error, worded; E_ERR. */
static int __attribute__((format(printf, 2, 3)))
fail(struct rt_fast_ev *e, const char *fmt, ...)
{
	va_list ap;
	char b[256];

	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	e->msg->len = 0;
	rt_buf_adds(e->msg, b);
	return E_ERR;
}

/* jq's type_error2: "K (...) and K (...) what". */
static int
fail2(struct rt_fast_ev *e, const struct fv *a, const struct fv *b,
    const char *what)
{
	return fail(e, "%s (...) and %s (...) %s", tname[a->t], tname[b->t],
	    what);
}

static int
truthy(const struct fv *v)
{
	return v->t != V_NULL && v->t != V_FALSE;
}

static void
set_bool(struct fv *out, int c)
{
	memset(out, 0, sizeof *out);
	out->t = c ? V_TRUE : V_FALSE;
}

static void
set_num(struct fv *out, double x)
{
	memset(out, 0, sizeof *out);
	out->t = V_NUM;
	out->n = x;
}

/* Node i of the record as a value.  E_OK, or E_UNSUP when a string with
 * escapes does not fit the scratch. */
static int
from_node(struct rt_fast_ev *e, uint32_t i, struct fv *v)
{
	const struct rt_jdoc *d = e->d;
	const struct rt_jnode *n = &d->v[i];

	memset(v, 0, sizeof *v);
	switch (n->type) {
	case RT_JNULL: v->t = V_NULL; break;
	case RT_JFALSE: v->t = V_FALSE; break;
	case RT_JTRUE: v->t = V_TRUE; break;
	case RT_JNUM:
		v->t = V_NUM;
		v->n = rt_num_parse_json(rt_jdoc_text(d, i), n->len);
		break;
	case RT_JSTR:
		v->t = V_STR;
		if (!(n->flags & RT_JF_ESC)) {
			v->s = rt_jdoc_text(d, i) + 1;
			v->len = n->len - 2;
		} else {
			size_t at = e->sc->len;

			if (e->sc->cap - e->sc->len < n->len)
				return E_UNSUP;
			rt_jdoc_str(d, i, e->sc);
			v->s = e->sc->p + at;
			v->len = e->sc->len - at;
		}
		break;
	case RT_JARR: v->t = V_ARR; v->node = i; break;
	default: v->t = V_OBJ; v->node = i; break;
	}
	return E_OK;
}

/* Comparison side n as a string read in place: a string literal, or a
 * top-level field holding a string without escapes.  0 otherwise. */
static inline int
plain_str(const struct rt_fast_ev *e, const struct rt_fnode *n,
    const char **p, size_t *len)
{
	const struct rt_jnode *v;

	if (n->op == F_LIT) {
		if (n->lit.t != V_STR)
			return 0;
		*p = n->lit.s;
		*len = n->lit.len;
		return 1;
	}
	if (n->op != F_FIELD || !n->top || e->cache == NULL ||
	    e->cache[n->slot] == 0)
		return 0;
	v = &e->d->v[e->cache[n->slot]];
	if (v->type != RT_JSTR || (v->flags & RT_JF_ESC))
		return 0;
	*p = rt_jdoc_text(e->d, e->cache[n->slot]) + 1;
	*len = v->len - 2;
	return 1;
}

/* Strings in code point order (UTF-8 bytes compare so): -1, 0 or 1; with
 * eqonly, only zero or not (lengths first). */
static inline int
str_cmp(const char *p, size_t pl, const char *q, size_t ql, int eqonly)
{
	int r;

	if (eqonly)
		return pl != ql || !rt_bytes_eq(p, q, pl);
	r = memcmp(p, q, pl < ql ? pl : ql);
	return r ? (r < 0 ? -1 : 1) : pl < ql ? -1 : pl > ql;
}

/* jq 1.6's jv_cmp of two numbers: a NaN on the left is below anything,
 * so NaN < NaN and NaN is never equal to itself. */
static inline int
num_cmp(double a, double b)
{
	if (isnan(a))
		return -1;
	return a < b ? -1 : a == b ? 0 : 1;
}

static int
cmp(const struct fv *a, const struct fv *b, int *st)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	switch (a->t) {
	case V_NUM:
		return num_cmp(a->n, b->n);
	case V_STR:
		return str_cmp(a->s, a->len, b->s, b->len, 0);
	case V_ARR:
	case V_OBJ:
		*st = E_UNSUP;
		return 0;
	default:
		return 0;
	}
}

/* Room for need bytes of a new string in the scratch. */
static int
str_result(struct rt_fast_ev *e, struct fv *out, size_t need)
{
	if (e->sc->cap - e->sc->len < need)
		return E_UNSUP;
	memset(out, 0, sizeof *out);
	out->t = V_STR;
	out->s = e->sc->p + e->sc->len;
	out->len = need;
	e->sc->len += need;
	return E_OK;
}

static int
num_arith(struct rt_fast_ev *e, enum op op, const struct fv *a,
    const struct fv *b, struct fv *out)
{
	double x;

	switch (op) {
	case F_ADD: x = a->n + b->n; break;
	case F_SUB: x = a->n - b->n; break;
	case F_MUL: x = a->n * b->n; break;
	default:
		if (b->n == 0)
			return fail2(e, a, b, "cannot be divided because the "
			    "divisor is zero");
		x = a->n / b->n;
	}
	set_num(out, x);
	return E_OK;
}

static int
arith(struct rt_fast_ev *e, enum op op, const struct fv *a,
    const struct fv *b, struct fv *out)
{
	static const char *const what[] = {
		"cannot be added", "cannot be subtracted", "cannot be multiplied",
		"cannot be divided"
	};

	if (op == F_ADD) {
		if (a->t == V_NULL) { *out = *b; return E_OK; }
		if (b->t == V_NULL) { *out = *a; return E_OK; }
		if (a->t == V_STR && b->t == V_STR) {
			if (str_result(e, out, a->len + b->len))
				return E_UNSUP;
			memcpy((char *)out->s, a->s, a->len);
			memcpy((char *)out->s + a->len, b->s, b->len);
			return E_OK;
		}
	}
	if (a->t == V_NUM && b->t == V_NUM)
		return num_arith(e, op, a, b, out);
	/* Arrays, objects, string repetition and splitting: libjq. */
	if ((a->t == V_ARR && b->t == V_ARR) ||
	    (a->t == V_OBJ && b->t == V_OBJ) ||
	    (op == F_MUL && ((a->t == V_STR && b->t == V_NUM) ||
	    (a->t == V_NUM && b->t == V_STR))) ||
	    (op == F_DIV && a->t == V_STR && b->t == V_STR))
		return E_UNSUP;
	return fail2(e, a, b, what[op - F_ADD]);
}

static size_t
codepoints(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

/* Does key node k of the record equal key node j? */
static int
key_eq(struct rt_fast_ev *e, uint32_t k, uint32_t j)
{
	const struct rt_jdoc *d = e->d;
	size_t at = e->sc->len;
	int eq;

	if (!((d->v[k].flags | d->v[j].flags) & RT_JF_ESC))
		return d->v[k].len == d->v[j].len && rt_bytes_eq(rt_jdoc_text(d,
		    k), rt_jdoc_text(d, j), d->v[k].len);
	rt_jdoc_str(d, k, e->sc);
	eq = rt_jdoc_streq(d, j, e->sc->p + at, e->sc->len - at);
	e->sc->len = at;
	return eq;
}

/* jq's length of object node o: its distinct keys (the last of
 * duplicates wins, the others are not members).  -1: too many members
 * to compare, or escaped keys that do not fit the scratch. */
static double
obj_len(struct rt_fast_ev *e, uint32_t o)
{
	const struct rt_jdoc *d = e->d;
	uint32_t n = d->v[o].n, k, j, dup = 0;

	if (n < 2)
		return n;
	if (n > DISTINCT_MAX || e->sc->cap - e->sc->len < d->v[o].len)
		return -1;
	for (k = o + 1; k < d->v[o].next; k = d->v[k + 1].next)
		for (j = d->v[k + 1].next; j < d->v[o].next;
		    j = d->v[j + 1].next)
			if (key_eq(e, k, j)) {
				dup++;
				break;
			}
	return n - dup;
}

static int
eval_length(struct rt_fast_ev *e, const struct fv *in, struct fv *out)
{
	double x;

	switch (in->t) {
	case V_NULL: x = 0; break;
	case V_NUM: x = fabs(in->n); break;
	case V_STR: x = (double)codepoints(in->s, in->len); break;
	case V_ARR: x = e->d->v[in->node].n; break;
	case V_OBJ:
		if ((x = obj_len(e, in->node)) < 0)
			return E_UNSUP;
		break;
	default:
		return fail(e, "boolean (...) has no length");
	}
	set_num(out, x);
	return E_OK;
}

/* jq's jv_is_integer, for an index. */
static int
is_index(double x)
{
	return !isnan(x) && x <= 2147483647.0 && x >= -2147483648.0 &&
	    x == (double)(int)x;
}

/* .key of in (n->lit) */
static int
eval_field(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	struct fv a;
	uint32_t i;
	int st;

	if (n->top && e->cache) {
		if ((i = e->cache[n->slot]) == 0) {
			memset(out, 0, sizeof *out);
			return E_OK;
		}
		return from_node(e, i, out);
	}
	if ((st = eval(e, n->a, in, &a)) != E_OK)
		return st;
	memset(out, 0, sizeof *out);
	if (a.t == V_NULL)
		return E_OK;
	if (a.t != V_OBJ) {
		/* jq 1.6 names a key of fewer than 30 bytes, as a C string. */
		if (n->lit.len >= 30)
			return fail(e, "Cannot index %s with string", tname[a.t]);
		return e->keys ? fail(e, "Cannot index %s with string \"%.*s\"",
		    tname[a.t], (int)strnlen(n->lit.s, n->lit.len), n->lit.s) :
		    fail(e, "Cannot index %s with string \"...\"", tname[a.t]);
	}
	i = rt_jdoc_get(e->d, a.node, n->lit.s, n->lit.len);
	return i ? from_node(e, i, out) : E_OK;
}

/* .[n] of in (n->lit a number) */
static int
eval_index(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	struct fv a;
	int64_t len, k;
	uint32_t i;
	int st;

	if ((st = eval(e, n->a, in, &a)) != E_OK)
		return st;
	memset(out, 0, sizeof *out);
	if (a.t == V_NULL)
		return E_OK;
	if (a.t != V_ARR)
		return fail(e, "Cannot index %s with number", tname[a.t]);
	if (!is_index(n->lit.n))
		return E_OK;	/* jq: null */
	len = e->d->v[a.node].n;
	k = (int64_t)n->lit.n;
	if (k < 0)
		k += len;
	if (k < 0 || k >= len)
		return E_OK;
	i = rt_jdoc_index(e->d, a.node, (uint32_t)k);
	return from_node(e, i, out);
}

/* A comparison of a field holding a number with a number literal: *c is
 * -1, 0 or 1 (the field's value parsed once per record).  0 when n is
 * not that. */
static inline int
num_lit_cmp(struct rt_fast_ev *e, const struct rt_fnode *n, int *c)
{
	int sl;
	uint32_t i;
	double x;

	if (n->a->op != F_FIELD || !n->a->top || e->cache == NULL ||
	    n->b->op != F_LIT || n->b->lit.t != V_NUM)
		return 0;
	sl = n->a->slot;
	i = e->cache[sl];
	if (i == 0 || e->d->v[i].type != RT_JNUM)
		return 0;
	if (e->numgen[sl] == e->gen) {
		x = e->num[sl];
	} else {
		x = rt_num_parse_json(rt_jdoc_text(e->d, i), e->d->v[i].len);
		e->num[sl] = x;
		e->numgen[sl] = e->gen;
	}
	*c = num_cmp(x, n->b->lit.n);
	return 1;
}

/* Does comparison op hold for c, the -1, 0 or 1 of its two sides? */
static inline int
cmp_holds(enum op op, int c)
{
	switch (op) {
	case F_EQ: return c == 0;
	case F_NE: return c != 0;
	case F_LT: return c < 0;
	case F_LE: return c <= 0;
	case F_GT: return c > 0;
	default: return c >= 0;
	}
}

static int
eval_cmp(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	const char *p, *q;
	size_t pl, ql;
	struct fv a, b;
	int st = E_OK, c;

	/* The common shapes, read in place: a field holding a number
	 * against a number literal (parsed once per record), and strings
	 * (literals, or fields holding one without escapes). */
	if (num_lit_cmp(e, n, &c)) {
	} else if (plain_str(e, n->a, &p, &pl) &&
	    plain_str(e, n->b, &q, &ql)) {
		c = str_cmp(p, pl, q, ql, n->op == F_EQ || n->op == F_NE);
	} else {
		if ((st = eval(e, n->b, in, &b)) != E_OK ||
		    (st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		c = cmp(&a, &b, &st);
		if (st != E_OK)
			return st;
	}
	set_bool(out, cmp_holds(n->op, c));
	return E_OK;
}

static int
eval_logic(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	struct fv a;
	int st;

	if ((st = eval(e, n->a, in, &a)) != E_OK)
		return st;
	if (n->op == F_ALT) {
		if (truthy(&a)) {
			*out = a;
			return E_OK;
		}
		return eval(e, n->b, in, out);
	}
	if (n->op == F_PIPE)
		return eval(e, n->b, &a, out);
	if (truthy(&a) == (n->op == F_OR)) {
		set_bool(out, n->op == F_OR);	/* false and .., true or .. */
		return E_OK;
	}
	if ((st = eval(e, n->b, in, &a)) != E_OK)
		return st;
	set_bool(out, truthy(&a));
	return E_OK;
}

/* ascii_downcase, ascii_upcase */
static int
eval_case(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	if (in->t != V_STR)
		return fail(e, "explode input must be a string");
	if (str_result(e, out, in->len))
		return E_UNSUP;
	for (size_t i = 0; i < in->len; i++) {
		char ch = in->s[i];

		if (n->op == F_DOWN && ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		else if (n->op == F_UP && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		((char *)out->s)[i] = ch;
	}
	return E_OK;
}

static int
eval_test(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	if (in->t != V_STR)
		return fail(e, "%s (...) cannot be matched, as it is not a "
		    "string", tname[in->t]);
	switch (rt_jqre_test(n->re, in->s, in->len)) {
	case RT_JQRE_MATCH:
		set_bool(out, 1);
		return E_OK;
	case RT_JQRE_NOMATCH:
		set_bool(out, 0);
		return E_OK;
	case RT_JQRE_OVER:
		return E_OVER;
	default:
		return fail(e, "%s", rt_jqre_errmsg(n->re));
	}
}

/* startswith, endswith */
static int
eval_affix(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	const struct fv *q = &n->lit;

	if (in->t != V_STR || q->t != V_STR)
		return fail(e, "%s() requires string inputs", n->op == F_STARTS ?
		    "startswith" : "endswith");
	set_bool(out, in->len >= q->len && memcmp(n->op == F_STARTS ? in->s :
	    in->s + in->len - q->len, q->s, q->len) == 0);
	return E_OK;
}

/* has(k): jq 1.6's jv_has (an array index is truncated to an int). */
static int
eval_has(struct rt_fast_ev *e, const struct rt_fnode *n,
    const struct fv *in, struct fv *out)
{
	const struct fv *k = &n->lit;
	int c;

	if (in->t == V_OBJ && k->t == V_STR)
		c = rt_jdoc_get(e->d, in->node, k->s, k->len) != 0;
	else if (in->t == V_ARR && k->t == V_NUM)
		c = k->n > -1 && trunc(k->n) < e->d->v[in->node].n;
	else if (in->t == V_NULL)
		c = 0;
	else
		return fail(e, "Cannot check whether %s has a %s key",
		    tname[in->t], tname[k->t]);
	set_bool(out, c);
	return E_OK;
}

/* IN(v, ...): def IN(s): any(s == .; .); */
static int
eval_in(const struct rt_fnode *n, const struct fv *in, struct fv *out)
{
	int st = E_OK;

	for (int i = 0; i < n->nlist; i++) {
		const struct fv *l = &n->list[i];
		int eq;

		if (in->t == V_STR && l->t == V_STR)
			eq = str_cmp(in->s, in->len, l->s, l->len, 1) == 0;
		else
			eq = cmp(l, in, &st) == 0;
		if (st != E_OK)
			return st;
		if (eq) {
			set_bool(out, 1);
			return E_OK;
		}
	}
	set_bool(out, 0);
	return E_OK;
}

static int
eval(struct rt_fast_ev *e, const struct rt_fnode *n, const struct fv *in,
    struct fv *out)
{
	struct fv a, b;
	int st;

	switch (n->op) {
	case F_DOT: *out = *in; return E_OK;
	case F_LIT: *out = n->lit; return E_OK;
	case F_FIELD: return eval_field(e, n, in, out);
	case F_INDEX: return eval_index(e, n, in, out);
	case F_NEG:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		if (a.t != V_NUM)
			return fail(e, "%s (...) cannot be negated", tname[a.t]);
		set_num(out, -a.n);
		return E_OK;
	case F_ADD: case F_SUB: case F_MUL: case F_DIV:
		if ((st = eval(e, n->b, in, &b)) != E_OK ||
		    (st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		return arith(e, n->op, &a, &b, out);
	case F_EQ: case F_NE: case F_LT: case F_LE: case F_GT: case F_GE:
		return eval_cmp(e, n, in, out);
	case F_AND: case F_OR: case F_ALT: case F_PIPE:
		return eval_logic(e, n, in, out);
	case F_NOT: set_bool(out, !truthy(in)); return E_OK;
	case F_LENGTH: return eval_length(e, in, out);
	case F_TYPE:
		memset(out, 0, sizeof *out);
		out->t = V_STR;
		out->s = tname[in->t];
		out->len = strlen(out->s);
		return E_OK;
	case F_DOWN: case F_UP: return eval_case(e, n, in, out);
	case F_TEST: return eval_test(e, n, in, out);
	case F_STARTS: case F_ENDS: return eval_affix(e, n, in, out);
	case F_HAS: return eval_has(e, n, in, out);
	case F_IN: return eval_in(n, in, out);
	}
	return E_UNSUP;
}

/* The shapes most rules are made of, decided in place without eval's
 * values (fast.h). */
int
rt_fast_quick(struct rt_fast_ev *e, const struct rt_fnode *n)
{
	const struct rt_fnode *b;
	const char *p, *q;
	size_t pl, ql;
	int a, c;

	switch (n->op) {
	case F_AND:
	case F_OR:
		if ((a = rt_fast_quick(e, n->a)) < 0)
			return -1;
		if (a == (n->op == F_OR))
			return a;	/* false and ..., true or ... */
		return rt_fast_quick(e, n->b);
	case F_EQ: case F_NE: case F_LT: case F_LE: case F_GT: case F_GE:
		if (!num_lit_cmp(e, n, &c)) {
			if (!plain_str(e, n->a, &p, &pl) ||
			    !plain_str(e, n->b, &q, &ql))
				return -1;
			c = str_cmp(p, pl, q, ql, n->op == F_EQ ||
			    n->op == F_NE);
		}
		return cmp_holds(n->op, c);
	case F_PIPE:
		b = n->b;
		if ((b->op != F_STARTS && b->op != F_ENDS && b->op != F_IN) ||
		    !plain_str(e, n->a, &p, &pl))
			return -1;
		if (b->op != F_IN) {
			if (b->lit.t != V_STR)
				return -1;
			q = b->lit.s;
			ql = b->lit.len;
			return pl >= ql && memcmp(b->op == F_STARTS ? p :
			    p + pl - ql, q, ql) == 0;
		}
		for (int i = 0; i < b->nlist; i++)
			if (b->list[i].t != V_STR)
				return -1;
		for (int i = 0; i < b->nlist; i++)
			if (str_cmp(p, pl, b->list[i].s, b->list[i].len, 1) == 0)
				return 1;
		return 0;
	default:
		return -1;
	}
}

int
rt_fast_run(struct rt_fast_ev *e, const struct rt_fnode *t)
{
	struct fv in, out;
	int st;

	if ((st = rt_fast_quick(e, t)) >= 0)
		return st ? RT_FAST_TRUE : RT_FAST_FALSE;
	memset(&in, 0, sizeof in);
	in.t = V_OBJ;
	switch (eval(e, t, &in, &out)) {
	case E_OK: return truthy(&out) ? RT_FAST_TRUE : RT_FAST_FALSE;
	case E_ERR: return RT_FAST_ERROR;
	case E_OVER: return RT_FAST_OVER;
	default: return RT_FAST_SLOW;
	}
}
