/*
 * rule.c - see rule.h.
 *
 * The fast path's subset of jq: paths (. .a .a.b .["x"] .[0]), literals
 * (numbers, strings without interpolation, true, false, null), unary
 * minus, + - * /, == != < <= > >=, and, or, //, |, parentheses, and the
 * functions not, length, type, ascii_downcase, ascii_upcase, test(re),
 * test(re; flags), startswith(s), endswith(s), has(k), IN(v, ...) with
 * literal arguments.  Everything else (and a run-time value the subset
 * does not handle: arrays and objects compared with their own kind or
 * added, strings multiplied...) is evaluated by libjq.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqb.h"
#include "mem.h"
#include "number.h"
#include "rule.h"

enum vt { V_NULL, V_FALSE, V_TRUE, V_NUM, V_STR, V_ARR, V_OBJ };

struct fv {
	int t;
	double n;
	const char *s;
	size_t len;
	uint32_t node;		/* arrays and objects: node in the record */
};

enum op {
	F_DOT, F_FIELD, F_INDEX, F_LIT, F_NEG, F_ADD, F_SUB, F_MUL, F_DIV,
	F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_AND, F_OR, F_ALT, F_PIPE,
	F_NOT, F_LENGTH, F_TYPE, F_DOWN, F_UP, F_TEST, F_STARTS, F_ENDS,
	F_HAS, F_IN
};

struct rt_fnode {
	enum op op;
	struct rt_fnode *a, *b;	/* operands; F_FIELD/F_INDEX: a is the input */
	struct fv lit;		/* F_LIT, F_FIELD key, F_HAS key, ... */
	struct fv *list;	/* F_IN */
	int nlist;
	pcre2_code *re;		/* F_TEST */
	pcre2_match_data *md;
	int top;		/* F_FIELD of the record itself */
	int slot;		/* its slot in the per-record field cache */
};

/* Evaluation status. */
enum { E_OK, E_ERR, E_UNSUP };

struct ev {
	const struct rt_jdoc *d;
	struct rt_buf *sc;	/* strings built; capacity reserved */
	const char *err;
	const uint32_t *cache;	/* node of each top-level field slot, or
				 * NULL when the record has escaped keys */
	double *num;		/* the number in each slot, when */
	uint64_t *numgen;	/* numgen[slot] == gen */
	uint64_t gen;
};

/* ---- parsing --------------------------------------------------------- */

struct ps {
	const char *p, *end;
	int bad;		/* outside the subset (not an error) */
	int depth;		/* pipes to the left: fields are not top-level */
	char ***fields;
	int *nfields;
};

static void
skip_ws(struct ps *s)
{
	for (;;) {
		while (s->p < s->end && isspace((unsigned char)*s->p))
			s->p++;
		if (s->p < s->end && *s->p == '#') {
			while (s->p < s->end && *s->p != '\n')
				s->p++;
			continue;
		}
		return;
	}
}

static int
peek(struct ps *s, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(s);
	return (size_t)(s->end - s->p) >= n && memcmp(s->p, tok, n) == 0;
}

/* A keyword or name: tok followed by a non-identifier character. */
static int
peek_word(struct ps *s, const char *w)
{
	size_t n = strlen(w);

	if (!peek(s, w))
		return 0;
	return s->p + n == s->end || !(isalnum((unsigned char)s->p[n]) ||
	    s->p[n] == '_');
}

static int
eat(struct ps *s, const char *tok)
{
	if (!peek(s, tok))
		return 0;
	s->p += strlen(tok);
	return 1;
}

static struct rt_fnode *
node(enum op op, struct rt_fnode *a, struct rt_fnode *b)
{
	struct rt_fnode *n = rt_xcalloc(1, sizeof *n);

	n->op = op;
	n->a = a;
	n->b = b;
	return n;
}

static void
fnode_free(struct rt_fnode *n)
{
	if (n == NULL)
		return;
	fnode_free(n->a);
	fnode_free(n->b);
	if (n->lit.t == V_STR)
		free((char *)n->lit.s);
	for (int i = 0; i < n->nlist; i++)
		if (n->list[i].t == V_STR)
			free((char *)n->list[i].s);
	free(n->list);
	if (n->md)
		pcre2_match_data_free(n->md);
	if (n->re)
		pcre2_code_free(n->re);
	free(n);
}

/* A jq string literal (JSON escapes; no interpolation). */
static int
parse_string(struct ps *s, struct fv *v)
{
	const char *q;
	struct rt_buf b = RT_BUF_INIT;

	skip_ws(s);
	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (q = s->p + 1; q < s->end && *q != '"'; q++) {
		if (*q == '\\') {
			if (q + 1 < s->end && q[1] == '(') {
				s->bad = 1;	/* interpolation */
				return -1;
			}
			q++;
		}
	}
	if (q >= s->end || rt_json_valid(s->p, (size_t)(q + 1 - s->p), NULL,
	    NULL) != 0) {
		s->bad = 1;
		return -1;
	}
	rt_json_unescape(s->p + 1, (size_t)(q - s->p - 1), &b);
	v->t = V_STR;
	v->len = b.len;
	v->s = b.p ? b.p : rt_xstrdup("");
	s->p = q + 1;
	return 0;
}

static int
parse_number(struct ps *s, struct fv *v)
{
	const char *q = s->p;

	while (q < s->end && (isdigit((unsigned char)*q) || *q == '.' ||
	    *q == 'e' || *q == 'E' || ((*q == '+' || *q == '-') && q > s->p &&
	    (q[-1] == 'e' || q[-1] == 'E'))))
		q++;
	if (rt_num_parse(s->p, (size_t)(q - s->p), &v->n) != 0) {
		s->bad = 1;
		return -1;
	}
	v->t = V_NUM;
	s->p = q;
	return 0;
}

/* A literal argument (for IN, has, test...). */
static int
parse_literal(struct ps *s, struct fv *v)
{
	int neg = 0;

	memset(v, 0, sizeof *v);
	skip_ws(s);
	if (peek(s, "\""))
		return parse_string(s, v);
	if (eat(s, "-"))
		neg = 1;
	skip_ws(s);
	if (s->p < s->end && isdigit((unsigned char)*s->p)) {
		if (parse_number(s, v))
			return -1;
		if (neg)
			v->n = -v->n;
		return 0;
	}
	if (neg) {
		s->bad = 1;
		return -1;
	}
	if (peek_word(s, "true")) { s->p += 4; v->t = V_TRUE; return 0; }
	if (peek_word(s, "false")) { s->p += 5; v->t = V_FALSE; return 0; }
	if (peek_word(s, "null")) { s->p += 4; v->t = V_NULL; return 0; }
	s->bad = 1;
	return -1;
}

static struct rt_fnode *parse_pipe(struct ps *s);

static void
note_field(struct ps *s, const struct fv *k)
{
	int i;

	if (s->depth || s->fields == NULL)
		return;
	for (i = 0; i < *s->nfields; i++)
		if (strlen((*s->fields)[i]) == k->len &&
		    memcmp((*s->fields)[i], k->s, k->len) == 0)
			return;
	*s->fields = rt_xreallocarray(*s->fields, (size_t)*s->nfields + 1,
	    sizeof **s->fields);
	(*s->fields)[(*s->nfields)++] = rt_xmemdup(k->s, k->len + 1);
	(*s->fields)[*s->nfields - 1][k->len] = '\0';
}

/* Suffixes: .name ."name" .["name"] .[n] [..] after a term. */
static struct rt_fnode *
parse_suffix(struct ps *s, struct rt_fnode *t, int from_dot)
{
	for (;;) {
		struct rt_fnode *n;

		skip_ws(s);
		if (s->p < s->end && *s->p == '.' && s->p + 1 < s->end &&
		    (isalpha((unsigned char)s->p[1]) || s->p[1] == '_')) {
			const char *q = ++s->p;

			while (q < s->end && (isalnum((unsigned char)*q) ||
			    *q == '_'))
				q++;
			n = node(F_FIELD, t, NULL);
			n->lit.t = V_STR;
			n->lit.len = (size_t)(q - s->p);
			n->lit.s = rt_xmemdup(s->p, n->lit.len + 1);
			((char *)n->lit.s)[n->lit.len] = '\0';
			if (t->op == F_DOT) {
				note_field(s, &n->lit);
				n->top = s->depth == 0;
			}
			s->p = q;
			t = n;
			continue;
		}
		if (s->p + 1 < s->end && *s->p == '.' && s->p[1] == '"') {
			s->p++;
			n = node(F_FIELD, t, NULL);
			if (parse_string(s, &n->lit)) {
				fnode_free(n);
				return NULL;
			}
			if (t->op == F_DOT) {
				note_field(s, &n->lit);
				n->top = s->depth == 0;
			}
			t = n;
			continue;
		}
		if ((s->p < s->end && *s->p == '[') ||
		    (s->p + 1 < s->end && *s->p == '.' && s->p[1] == '[')) {
			struct fv k;

			if (*s->p == '.')
				s->p++;
			s->p++;
			if (parse_literal(s, &k) || !eat(s, "]") ||
			    (k.t != V_STR && k.t != V_NUM)) {
				if (k.t == V_STR)
					free((char *)k.s);
				s->bad = 1;
				fnode_free(t);
				return NULL;
			}
			n = node(k.t == V_STR ? F_FIELD : F_INDEX, t, NULL);
			n->lit = k;
			if (k.t == V_STR && t->op == F_DOT) {
				note_field(s, &k);
				n->top = s->depth == 0;
			}
			t = n;
			continue;
		}
		if (peek(s, "?")) {
			s->bad = 1;
			fnode_free(t);
			return NULL;
		}
		(void)from_dot;
		return t;
	}
}

static struct rt_fnode *
parse_func(struct ps *s, const char *name, size_t n)
{
	static const struct { const char *w; enum op op; int args; } fn[] = {
		{ "not", F_NOT, 0 }, { "length", F_LENGTH, 0 },
		{ "type", F_TYPE, 0 }, { "ascii_downcase", F_DOWN, 0 },
		{ "ascii_upcase", F_UP, 0 }, { "test", F_TEST, 1 },
		{ "startswith", F_STARTS, 1 }, { "endswith", F_ENDS, 1 },
		{ "has", F_HAS, 1 }, { "IN", F_IN, 1 },
	};
	struct rt_fnode *f;
	size_t i;

	for (i = 0; i < sizeof fn / sizeof fn[0]; i++)
		if (strlen(fn[i].w) == n && memcmp(fn[i].w, name, n) == 0)
			break;
	if (i == sizeof fn / sizeof fn[0]) {
		s->bad = 1;
		return NULL;
	}
	f = node(fn[i].op, NULL, NULL);
	if (fn[i].args == 0) {
		if (peek(s, "(")) {
			s->bad = 1;
			fnode_free(f);
			return NULL;
		}
		return f;
	}
	if (!eat(s, "(")) {
		s->bad = 1;
		fnode_free(f);
		return NULL;
	}
	if (fn[i].op == F_IN) {
		do {
			f->list = rt_xreallocarray(f->list, (size_t)f->nlist + 1,
			    sizeof *f->list);
			if (parse_literal(s, &f->list[f->nlist])) {
				fnode_free(f);
				return NULL;
			}
			f->nlist++;
		} while (eat(s, ","));
	} else {
		if (parse_literal(s, &f->lit)) {
			fnode_free(f);
			return NULL;
		}
		if (fn[i].op == F_TEST) {
			struct fv fl;
			uint32_t opts = PCRE2_UTF | PCRE2_UCP;
			int ec;
			PCRE2_SIZE eo;

			memset(&fl, 0, sizeof fl);
			if (eat(s, ";")) {
				if (parse_literal(s, &fl) || fl.t != V_STR) {
					fnode_free(f);
					s->bad = 1;
					return NULL;
				}
				for (size_t j = 0; j < fl.len; j++) {
					if (fl.s[j] == 'i')
						opts |= PCRE2_CASELESS;
					else if (fl.s[j] == 'x')
						opts |= PCRE2_EXTENDED;
					else
						s->bad = 1;
				}
				free((char *)fl.s);
			}
			if (f->lit.t != V_STR)
				s->bad = 1;
			if (!s->bad) {
				f->re = pcre2_compile((PCRE2_SPTR)f->lit.s,
				    f->lit.len, opts, &ec, &eo, NULL);
				if (f->re == NULL)
					s->bad = 1;	/* jq will say */
				else {
					pcre2_jit_compile(f->re,
					    PCRE2_JIT_COMPLETE);
					f->md = pcre2_match_data_create_from_pattern(
					    f->re, NULL);
				}
			}
			if (s->bad) {
				fnode_free(f);
				return NULL;
			}
		}
	}
	if (!eat(s, ")")) {
		s->bad = 1;
		fnode_free(f);
		return NULL;
	}
	return f;
}

static struct rt_fnode *
parse_term(struct ps *s)
{
	struct rt_fnode *t = NULL;

	skip_ws(s);
	if (s->p >= s->end) {
		s->bad = 1;
		return NULL;
	}
	if (*s->p == '.') {
		if (s->p + 1 < s->end && s->p[1] == '.') {
			s->bad = 1;
			return NULL;
		}
		t = node(F_DOT, NULL, NULL);
		/* ".a" and ".[...]" and "." */
		if (s->p + 1 < s->end && (isalpha((unsigned char)s->p[1]) ||
		    s->p[1] == '_' || s->p[1] == '[' || s->p[1] == '"'))
			return parse_suffix(s, t, 1);
		s->p++;
		return parse_suffix(s, t, 1);
	}
	if (*s->p == '(') {
		s->p++;
		t = parse_pipe(s);
		if (t == NULL || !eat(s, ")")) {
			fnode_free(t);
			s->bad = 1;
			return NULL;
		}
		return parse_suffix(s, t, 0);
	}
	if (*s->p == '"' || isdigit((unsigned char)*s->p)) {
		t = node(F_LIT, NULL, NULL);
		if (parse_literal(s, &t->lit)) {
			fnode_free(t);
			return NULL;
		}
		return parse_suffix(s, t, 0);
	}
	if (isalpha((unsigned char)*s->p) || *s->p == '_') {
		const char *q = s->p;

		while (q < s->end && (isalnum((unsigned char)*q) || *q == '_'))
			q++;
		if ((q - s->p == 4 && memcmp(s->p, "true", 4) == 0) ||
		    (q - s->p == 5 && memcmp(s->p, "false", 5) == 0) ||
		    (q - s->p == 4 && memcmp(s->p, "null", 4) == 0)) {
			t = node(F_LIT, NULL, NULL);
			parse_literal(s, &t->lit);
			return parse_suffix(s, t, 0);
		}
		{
			const char *name = s->p;

			s->p = q;
			t = parse_func(s, name, (size_t)(q - name));
			return t ? parse_suffix(s, t, 0) : NULL;
		}
	}
	s->bad = 1;
	return NULL;
}

static struct rt_fnode *
parse_unary(struct ps *s)
{
	if (eat(s, "-")) {
		struct rt_fnode *t = parse_unary(s);

		return t ? node(F_NEG, t, NULL) : NULL;
	}
	return parse_term(s);
}

static struct rt_fnode *
parse_mul(struct ps *s)
{
	struct rt_fnode *a = parse_unary(s);

	while (a) {
		enum op op;

		if (peek(s, "//"))
			return a;
		if (eat(s, "*"))
			op = F_MUL;
		else if (eat(s, "/"))
			op = F_DIV;
		else if (peek(s, "%")) {
			s->bad = 1;
			fnode_free(a);
			return NULL;
		} else
			return a;
		struct rt_fnode *b = parse_unary(s);

		if (b == NULL) {
			fnode_free(a);
			return NULL;
		}
		a = node(op, a, b);
	}
	return NULL;
}

static struct rt_fnode *
parse_add(struct ps *s)
{
	struct rt_fnode *a = parse_mul(s);

	while (a) {
		enum op op;

		if (peek(s, "+=") || peek(s, "-=")) {
			s->bad = 1;
			fnode_free(a);
			return NULL;
		}
		if (eat(s, "+"))
			op = F_ADD;
		else if (eat(s, "-"))
			op = F_SUB;
		else
			return a;
		struct rt_fnode *b = parse_mul(s);

		if (b == NULL) {
			fnode_free(a);
			return NULL;
		}
		a = node(op, a, b);
	}
	return NULL;
}

static struct rt_fnode *
parse_cmp(struct ps *s)
{
	static const struct { const char *t; enum op op; } ops[] = {
		{ "==", F_EQ }, { "!=", F_NE }, { "<=", F_LE }, { ">=", F_GE },
		{ "<", F_LT }, { ">", F_GT },
	};
	struct rt_fnode *a = parse_add(s), *b;
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (eat(s, ops[i].t))
			break;
	if (i == sizeof ops / sizeof ops[0])
		return a;
	b = parse_add(s);
	if (b == NULL) {
		fnode_free(a);
		return NULL;
	}
	return node(ops[i].op, a, b);
}

static struct rt_fnode *
parse_and(struct ps *s)
{
	struct rt_fnode *a = parse_cmp(s);

	while (a && peek_word(s, "and")) {
		struct rt_fnode *b;

		s->p += 3;
		if ((b = parse_cmp(s)) == NULL) {
			fnode_free(a);
			return NULL;
		}
		a = node(F_AND, a, b);
	}
	return a;
}

static struct rt_fnode *
parse_or(struct ps *s)
{
	struct rt_fnode *a = parse_and(s);

	while (a && peek_word(s, "or")) {
		struct rt_fnode *b;

		s->p += 2;
		if ((b = parse_and(s)) == NULL) {
			fnode_free(a);
			return NULL;
		}
		a = node(F_OR, a, b);
	}
	return a;
}

static struct rt_fnode *
parse_alt(struct ps *s)
{
	struct rt_fnode *a = parse_or(s), *b;

	if (a == NULL || !eat(s, "//"))
		return a;
	if (peek(s, "=")) {
		s->bad = 1;
		fnode_free(a);
		return NULL;
	}
	b = parse_alt(s);	/* right associative */
	if (b == NULL) {
		fnode_free(a);
		return NULL;
	}
	return node(F_ALT, a, b);
}

static struct rt_fnode *
parse_pipe(struct ps *s)
{
	struct rt_fnode *a = parse_alt(s), *b;

	if (a == NULL)
		return NULL;
	if (peek(s, ",") || peek(s, "as") || peek(s, "=")) {
		s->bad = 1;
		fnode_free(a);
		return NULL;
	}
	if (!eat(s, "|"))
		return a;
	s->depth++;
	b = parse_pipe(s);
	s->depth--;
	if (b == NULL) {
		fnode_free(a);
		return NULL;
	}
	return node(F_PIPE, a, b);
}

/* Compile cond into a fast-path tree, or NULL when it is outside the
 * subset. */
static struct rt_fnode *
fast_compile(const char *cond, size_t n, char ***fields, int *nfields)
{
	struct ps s = { cond, cond + n, 0, 0, fields, nfields };
	struct rt_fnode *t = parse_pipe(&s);

	skip_ws(&s);
	if (t && (s.bad || s.p != s.end)) {
		fnode_free(t);
		t = NULL;
	}
	return t;
}

/* ---- evaluation ------------------------------------------------------- */

static int
truthy(const struct fv *v)
{
	return v->t != V_NULL && v->t != V_FALSE;
}

static void
from_node(struct ev *e, uint32_t i, struct fv *v, int *st)
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

			if (e->sc->cap - e->sc->len < n->len) {
				*st = E_UNSUP;
				return;
			}
			rt_jdoc_str(d, i, e->sc);
			v->s = e->sc->p + at;
			v->len = e->sc->len - at;
		}
		break;
	case RT_JARR: v->t = V_ARR; v->node = i; break;
	default: v->t = V_OBJ; v->node = i; break;
	}
}

/* Comparison side n as a string read in place: a string literal, or a
 * top-level field holding a string without escapes.  0 otherwise. */
static inline int
plain_str(const struct ev *e, const struct rt_fnode *n, const char **p,
    size_t *len)
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

static int
cmp(const struct fv *a, const struct fv *b, int *st)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	switch (a->t) {
	case V_NUM:
		return a->n < b->n ? -1 : a->n == b->n ? 0 : 1;
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

static const char *const tname[] = {
	"null", "boolean", "boolean", "number", "string", "array", "object"
};

static int eval(struct ev *e, const struct rt_fnode *n, const struct fv *in,
    struct fv *out);

static int
str_result(struct ev *e, struct fv *out, size_t need)
{
	if (e->sc->cap - e->sc->len < need)
		return E_UNSUP;
	out->t = V_STR;
	out->s = e->sc->p + e->sc->len;
	out->len = need;
	e->sc->len += need;
	return E_OK;
}

static int
arith(struct ev *e, enum op op, const struct fv *a, const struct fv *b,
    struct fv *out)
{
	memset(out, 0, sizeof *out);
	if (op == F_ADD) {
		if (a->t == V_NULL) { *out = *b; return E_OK; }
		if (b->t == V_NULL) { *out = *a; return E_OK; }
		if (a->t == V_STR && b->t == V_STR) {
			char *p;

			if (str_result(e, out, a->len + b->len))
				return E_UNSUP;
			p = (char *)out->s;
			memcpy(p, a->s, a->len);
			memcpy(p + a->len, b->s, b->len);
			return E_OK;
		}
	}
	if (a->t == V_NUM && b->t == V_NUM) {
		out->t = V_NUM;
		switch (op) {
		case F_ADD: out->n = a->n + b->n; break;
		case F_SUB: out->n = a->n - b->n; break;
		case F_MUL: out->n = a->n * b->n; break;
		default:
			if (b->n == 0) {
				e->err = "number and number cannot be divided "
				    "because the divisor is zero";
				return E_ERR;
			}
			out->n = a->n / b->n;
		}
		return E_OK;
	}
	/* Arrays, objects, string repetition and splitting: libjq. */
	if ((a->t == V_ARR && b->t == V_ARR) ||
	    (a->t == V_OBJ && b->t == V_OBJ) ||
	    (op == F_MUL && ((a->t == V_STR && b->t == V_NUM) ||
	    (a->t == V_NUM && b->t == V_STR) ||
	    (a->t == V_OBJ && b->t == V_OBJ))) ||
	    (op == F_DIV && a->t == V_STR && b->t == V_STR))
		return E_UNSUP;
	e->err = op == F_ADD ? "cannot be added" : op == F_SUB ?
	    "cannot be subtracted" : op == F_MUL ? "cannot be multiplied" :
	    "cannot be divided";
	return E_ERR;
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

/* startswith (op F_STARTS) or endswith: does p[0, pl) begin or end with
 * q[0, ql)? */
static inline int
affix(enum op op, const char *p, size_t pl, const char *q, size_t ql)
{
	return pl >= ql && memcmp(op == F_STARTS ? p : p + pl - ql, q, ql) == 0;
}

/* A comparison of a field holding a number with a number literal: *c is
 * -1, 0 or 1 (the field's value parsed once per record).  0 when n is
 * not that. */
static inline int
num_lit_cmp(struct ev *e, const struct rt_fnode *n, int *c)
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
	*c = x < n->b->lit.n ? -1 : x == n->b->lit.n ? 0 : 1;
	return 1;
}

/* The shapes most rules are made of, decided in place without eval's
 * values: comparisons of fields with literals or fields (numbers, and
 * strings without escapes), and, or, and a field piped into IN of
 * strings, startswith or endswith.  1 true, 0 false, or -1: another
 * shape here (eval decides, and words any error). */
static int
quick(struct ev *e, const struct rt_fnode *n)
{
	const struct rt_fnode *b;
	const char *p, *q;
	size_t pl, ql;
	int a, c;

	switch (n->op) {
	case F_AND:
	case F_OR:
		if ((a = quick(e, n->a)) < 0)
			return -1;
		if (a == (n->op == F_OR))
			return a;	/* false and ..., true or ... */
		return quick(e, n->b);
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
			return affix(b->op, p, pl, b->lit.s, b->lit.len);
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

static int
eval(struct ev *e, const struct rt_fnode *n, const struct fv *in,
    struct fv *out)
{
	struct fv a, b;
	int st = E_OK, c;

	switch (n->op) {
	case F_DOT:
		*out = *in;
		return E_OK;
	case F_LIT:
		*out = n->lit;
		return E_OK;
	case F_FIELD:
		if (n->top && e->cache) {
			uint32_t i = e->cache[n->slot];

			if (i == 0) {
				memset(out, 0, sizeof *out);
				return E_OK;
			}
			from_node(e, i, out, &st);
			return st;
		}
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		if (a.t == V_NULL) {
			memset(out, 0, sizeof *out);
			return E_OK;
		}
		if (a.t != V_OBJ) {
			e->err = "Cannot index with string";
			return E_ERR;
		}
		{
			uint32_t i = rt_jdoc_get(e->d, a.node, n->lit.s,
			    n->lit.len);

			if (i == 0) {
				memset(out, 0, sizeof *out);
				return E_OK;
			}
			from_node(e, i, out, &st);
			return st;
		}
	case F_INDEX:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		if (a.t == V_NULL) {
			memset(out, 0, sizeof *out);
			return E_OK;
		}
		if (a.t != V_ARR) {
			e->err = "Cannot index with number";
			return E_ERR;
		}
		{
			double x = n->lit.n;
			int64_t len = e->d->v[a.node].n, k;
			uint32_t i;

			if (x != floor(x))
				return E_UNSUP;
			k = (int64_t)x;
			if (k < 0)
				k += len;
			if (k < 0 || k >= len) {
				memset(out, 0, sizeof *out);
				return E_OK;
			}
			i = rt_jdoc_index(e->d, a.node, (uint32_t)k);
			from_node(e, i, out, &st);
			return st;
		}
	case F_NEG:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		if (a.t != V_NUM) {
			e->err = "cannot be negated";
			return E_ERR;
		}
		memset(out, 0, sizeof *out);
		out->t = V_NUM;
		out->n = -a.n;
		return E_OK;
	case F_ADD: case F_SUB: case F_MUL: case F_DIV:
		/* jq evaluates the right operand first. */
		if ((st = eval(e, n->b, in, &b)) != E_OK ||
		    (st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		return arith(e, n->op, &a, &b, out);
	case F_EQ: case F_NE: case F_LT: case F_LE: case F_GT: case F_GE:
		/* The common shapes, read in place without the general
		 * path's copies: a field holding a number against a number
		 * (its value parsed once per record), then strings; any
		 * other case (types differ, escapes, a missing field) takes
		 * the general path below. */
		if (num_lit_cmp(e, n, &c))
			goto decide;
		/* Strings on both sides, each a literal or a field holding
		 * one without escapes (.country != .card_country): compared
		 * in place too. */
		{
			const char *p, *q;
			size_t pl, ql;

			if (plain_str(e, n->a, &p, &pl) &&
			    plain_str(e, n->b, &q, &ql)) {
				c = str_cmp(p, pl, q, ql, n->op == F_EQ ||
				    n->op == F_NE);
				goto decide;
			}
		}
		if ((st = eval(e, n->b, in, &b)) != E_OK ||
		    (st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		c = cmp(&a, &b, &st);
		if (st != E_OK)
			return st;
decide:
		memset(out, 0, sizeof *out);
		out->t = cmp_holds(n->op, c) ? V_TRUE : V_FALSE;
		return E_OK;
	case F_AND:
	case F_OR:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		memset(out, 0, sizeof *out);
		if (n->op == F_AND && !truthy(&a)) {
			out->t = V_FALSE;
			return E_OK;
		}
		if (n->op == F_OR && truthy(&a)) {
			out->t = V_TRUE;
			return E_OK;
		}
		if ((st = eval(e, n->b, in, &b)) != E_OK)
			return st;
		out->t = truthy(&b) ? V_TRUE : V_FALSE;
		return E_OK;
	case F_ALT:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		if (truthy(&a)) {
			*out = a;
			return E_OK;
		}
		return eval(e, n->b, in, out);
	case F_PIPE:
		if ((st = eval(e, n->a, in, &a)) != E_OK)
			return st;
		return eval(e, n->b, &a, out);
	case F_NOT:
		memset(out, 0, sizeof *out);
		out->t = truthy(in) ? V_FALSE : V_TRUE;
		return E_OK;
	case F_LENGTH:
		memset(out, 0, sizeof *out);
		out->t = V_NUM;
		switch (in->t) {
		case V_NULL: out->n = 0; break;
		case V_NUM: out->n = fabs(in->n); break;
		case V_STR: out->n = (double)codepoints(in->s, in->len); break;
		case V_ARR: case V_OBJ: out->n = e->d->v[in->node].n; break;
		default:
			e->err = "boolean has no length";
			return E_ERR;
		}
		return E_OK;
	case F_TYPE:
		memset(out, 0, sizeof *out);
		out->t = V_STR;
		out->s = tname[in->t];
		out->len = strlen(out->s);
		return E_OK;
	case F_DOWN:
	case F_UP:
		if (in->t != V_STR) {
			e->err = "explode input must be a string";
			return E_ERR;
		}
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
	case F_TEST:
		if (in->t != V_STR) {
			e->err = "cannot be matched, as it is not a string";
			return E_ERR;
		}
		memset(out, 0, sizeof *out);
		c = pcre2_match(n->re, (PCRE2_SPTR)in->s, in->len, 0, 0, n->md,
		    NULL);
		if (c < -1)
			return E_UNSUP;
		out->t = c >= 0 ? V_TRUE : V_FALSE;
		return E_OK;
	case F_STARTS:
	case F_ENDS:
		if (in->t != V_STR || n->lit.t != V_STR) {
			e->err = n->op == F_STARTS ?
			    "startswith() requires string inputs" :
			    "endswith() requires string inputs";
			return E_ERR;
		}
		memset(out, 0, sizeof *out);
		out->t = affix(n->op, in->s, in->len, n->lit.s, n->lit.len) ?
		    V_TRUE : V_FALSE;
		return E_OK;
	case F_HAS:
		memset(out, 0, sizeof *out);
		if (in->t == V_OBJ && n->lit.t == V_STR) {
			c = rt_jdoc_get(e->d, in->node, n->lit.s, n->lit.len) != 0;
		} else if (in->t == V_ARR && n->lit.t == V_NUM) {
			c = n->lit.n >= 0 && n->lit.n < e->d->v[in->node].n;
		} else if (in->t == V_NULL) {
			c = 0;	/* jq: null has no keys */
		} else {
			e->err = "Cannot check whether it has a key";
			return E_ERR;
		}
		out->t = c ? V_TRUE : V_FALSE;
		return E_OK;
	case F_IN:
		memset(out, 0, sizeof *out);
		out->t = V_FALSE;
		for (int i = 0; i < n->nlist; i++) {
			const struct fv *l = &n->list[i];

			if (in->t == V_STR && l->t == V_STR) {
				if (str_cmp(in->s, in->len, l->s, l->len, 1) ==
				    0) {
					out->t = V_TRUE;
					break;
				}
				continue;
			}
			if (cmp(in, l, &st) == 0 && st == E_OK) {
				out->t = V_TRUE;
				break;
			}
			if (st != E_OK)
				return st;
		}
		return E_OK;
	}
	return E_UNSUP;
}

/* ---- the per-record field cache ---------------------------------- */

/* Give every top-level field read by a tree a slot, shared by name. */
static void
assign_slots(struct rt_rules *rs, struct rt_fnode *n)
{
	int i;

	if (n == NULL)
		return;
	assign_slots(rs, n->a);
	assign_slots(rs, n->b);
	if (n->op != F_FIELD || !n->top)
		return;
	i = rt_fset_add(&rs->fields, n->lit.s, n->lit.len);
	if (i == -1)
		n->top = 0;	/* rt_jdoc_get then */
	else
		n->slot = i;
}

/* ---- the rules file ------------------------------------------------- */

static void
rule_free(struct rt_rule *r)
{
	free(r->name);
	free(r->cond);
	fnode_free(r->fast);
	for (int i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
}

void
rt_rules_free(struct rt_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	rt_jqb_prog_free(rs->jq);
	free(rs->want);
	free(rs->res);
	free(rs->path);
	rt_buf_release(&rs->scratch);
	rt_buf_release(&rs->tmp);
	memset(rs, 0, sizeof *rs);
}

/* Do the conditions compile (jq is the judge)?  0, or -1 naming the
 * first rule whose condition does not. */
static int
check_conds(struct rt_rules *rs, struct rt_buf *err)
{
	const char **conds = rt_xcalloc(rs->n + 1, sizeof *conds);
	size_t *lens = rt_xcalloc(rs->n + 1, sizeof *lens);
	size_t i;
	int rc = 0;

	for (i = 0; i < rs->n; i++) {
		conds[i] = rs->r[i].cond;
		lens[i] = rs->r[i].condlen;
	}
	if (rt_jqb_check_all(conds, lens, rs->n) != 0) {
		for (i = 0; i < rs->n; i++) {
			struct rt_rule *r = &rs->r[i];

			if (rt_jqb_check(r->cond, r->condlen, &rs->tmp) == 0)
				continue;
			rt_buf_printf(err, "%s:%d: rule '%s': the condition does "
			    "not compile: %.*s", rs->path, r->line, r->name,
			    (int)rs->tmp.len, rs->tmp.p);
			rs->tmp.len = 0;
			rc = -1;
			break;
		}
		if (rc == 0) {
			/* Each compiles alone, not together: say so. */
			rt_buf_printf(err, "%s: the conditions do not compile "
			    "together (an unbalanced bracket?)", rs->path);
			rc = -1;
		}
	}
	free(conds);
	free(lens);
	return rc;
}

static int
add_rule(struct rt_rules *rs, const char *name, size_t nlen, double score,
    const char *cond, size_t clen, int line, struct rt_buf *err)
{
	struct rt_rule *r;
	size_t i;

	for (i = 0; i < nlen; i++)
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_' ||
		    name[i] == '-' || name[i] == '.')) {
			rt_buf_printf(err, "%s:%d: rule name '%.*s': use "
			    "letters, digits, '_', '-' and '.'", rs->path, line,
			    (int)nlen, name);
			return -1;
		}
	for (i = 0; i < rs->n; i++)
		if (strlen(rs->r[i].name) == nlen &&
		    memcmp(rs->r[i].name, name, nlen) == 0) {
			rt_buf_printf(err, "%s:%d: rule '%.*s' is already "
			    "defined at line %d", rs->path, line, (int)nlen, name,
			    rs->r[i].line);
			return -1;
		}
	while (clen && isspace((unsigned char)cond[clen - 1]))
		clen--;
	if (clen == 0) {
		rt_buf_printf(err, "%s:%d: rule '%.*s' has no condition",
		    rs->path, line, (int)nlen, name);
		return -1;
	}
	/* Whether the condition compiles is checked for all rules at once
	 * (check_conds). */
	rs->r = rt_xreallocarray(rs->r, rs->n + 1, sizeof *rs->r);
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->name = rt_xmemdup(name, nlen + 1);
	r->name[nlen] = '\0';
	r->score = score;
	r->cond = rt_xmemdup(cond, clen + 1);
	r->cond[clen] = '\0';
	r->condlen = clen;
	r->line = line;
	return 0;
}

/* One NDJSON rule object. */
static int
json_rule(struct rt_rules *rs, const char *p, size_t n, int line,
    struct rt_buf *err)
{
	struct rt_jdoc d;
	uint32_t kn, ks, kw;
	struct rt_buf name = RT_BUF_INIT, when = RT_BUF_INIT;
	double score;
	int rc = -1;

	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, p, n) != 0 || d.v[0].type != RT_JOBJ) {
		rt_buf_printf(err, "%s:%d: not a JSON rule object", rs->path,
		    line);
		goto out;
	}
	kn = rt_jdoc_get(&d, 0, "name", 4);
	ks = rt_jdoc_get(&d, 0, "score", 5);
	kw = rt_jdoc_get(&d, 0, "when", 4);
	if (!kn || d.v[kn].type != RT_JSTR || !kw || d.v[kw].type != RT_JSTR ||
	    !ks || d.v[ks].type != RT_JNUM) {
		rt_buf_printf(err, "%s:%d: a rule object needs \"name\" and "
		    "\"when\" (strings) and \"score\" (a number)", rs->path, line);
		goto out;
	}
	rt_jdoc_str(&d, kn, &name);
	rt_jdoc_str(&d, kw, &when);
	rt_num_parse(rt_jdoc_text(&d, ks), d.v[ks].len, &score);
	rc = add_rule(rs, name.p, name.len, score, when.p, when.len, line, err);
out:
	rt_buf_release(&name);
	rt_buf_release(&when);
	rt_jdoc_release(&d);
	return rc;
}

static void compile(struct rt_rules *rs, int no_fast);

int
rt_rules_load(struct rt_rules *rs, const char *path, int no_fast,
    struct rt_buf *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, start = 0, json = -1, rc = 0;
	struct rt_buf cur = RT_BUF_INIT;	/* the rule being read */

	memset(rs, 0, sizeof *rs);
	rs->path = rt_xstrdup(path);
	if (f == NULL) {
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Text rules: a line "NAME SCORE CONDITION"; lines that start with
	 * white space continue the condition; '#' lines are comments. */
	for (;;) {
		int cont;

		len = getline(&line, &cap, f);
		if (len >= 0)
			lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		cont = len > 0 && (line[0] == ' ' || line[0] == '\t');
		if (len > 0 && json == -1) {
			size_t k = strspn(line, " \t");

			if (line[k] != '\0' && line[k] != '#')
				json = line[k] == '{';
		}
		if (json == 1 && len >= 0) {
			size_t k = strspn(line, " \t");

			if (line[k] == '\0' || line[k] == '#')
				continue;
			if (json_rule(rs, line, (size_t)len, lineno, err)) {
				rc = -1;
				break;
			}
			continue;
		}
		if (cont && cur.len) {
			rt_buf_addc(&cur, '\n');
			rt_buf_add(&cur, line, (size_t)len);
			continue;
		}
		/* The rule read so far is complete. */
		if (cur.len) {
			const char *p = rt_buf_cstr(&cur), *q, *nm;
			size_t nl;
			char *end;
			double score;

			nm = p;
			nl = strcspn(p, " \t");
			q = p + nl + strspn(p + nl, " \t");
			score = strtod(q, &end);
			if (end == q || !(*end == ' ' || *end == '\t') ||
			    !isfinite(score)) {
				rt_buf_printf(err, "%s:%d: expected NAME SCORE "
				    "CONDITION", path, start);
				rc = -1;
				break;
			}
			q = end + strspn(end, " \t");
			if (add_rule(rs, nm, nl, score, q, strlen(q), start, err)) {
				rc = -1;
				break;
			}
			cur.len = 0;
		}
		if (len < 0)
			break;
		if (cont) {
			size_t k = strspn(line, " \t");

			if (line[k] == '\0' || line[k] == '#')
				continue;
			rt_buf_printf(err, "%s:%d: a continuation line without "
			    "a rule before it", path, lineno);
			rc = -1;
			break;
		}
		if (len == 0 || line[0] == '#')
			continue;
		rt_buf_add(&cur, line, (size_t)len);
		start = lineno;
	}
	if (rc == 0 && ferror(f)) {
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	free(line);
	rt_buf_release(&cur);
	if (rc == 0 && rs->n == 0) {
		rt_buf_printf(err, "%s: no rules", path);
		rc = -1;
	}
	if (rc == 0 && check_conds(rs, err) != 0)
		rc = -1;
	if (rc) {
		rt_rules_free(rs);
		return -1;
	}
	compile(rs, no_fast);
	return 0;
}

/* Compile: the fast path where it can, libjq for the rest (and for
 * values the fast path meets at run time that it does not handle). */
static void
compile(struct rt_rules *rs, int no_fast)
{
	size_t i;

	rt_fset_init(&rs->fields);
	{
		const char **conds = rt_xcalloc(rs->n, sizeof *conds);
		size_t *lens = rt_xcalloc(rs->n, sizeof *lens);

		for (i = 0; i < rs->n; i++) {
			struct rt_rule *r = &rs->r[i];

			conds[i] = r->cond;
			lens[i] = r->condlen;
			r->fast = fast_compile(r->cond, r->condlen, &r->fields,
			    &r->nfields);
			if (no_fast && r->fast) {
				fnode_free(r->fast);
				r->fast = NULL;
			}
			if (r->fast) {
				rs->nfast++;
				assign_slots(rs, r->fast);
			}
		}
		rs->jq = rt_jqb_prog_new(conds, lens, rs->n);
		free(conds);
		free(lens);
	}
	rs->want = rt_xcalloc(rs->n, 1);
	rs->res = rt_xcalloc(rs->n, 1);
}

int
rt_rules_cond(struct rt_rules *rs, const char *what, const char *cond,
    int no_fast, struct rt_buf *err)
{
	memset(rs, 0, sizeof *rs);
	rs->path = rt_xstrdup(what);
	if (add_rule(rs, "when", 4, 1, cond, strlen(cond), 1, err) != 0 ||
	    check_conds(rs, err) != 0) {
		rt_rules_free(rs);
		return -1;
	}
	compile(rs, no_fast);
	return 0;
}

size_t
rt_rules_eval(struct rt_rules *rs, const struct rt_jdoc *d,
    unsigned char *res)
{
	struct ev e;
	struct fv in, out;
	size_t i, slow = 0, nerr = 0;

	rs->scratch.len = 0;
	rt_buf_reserve(&rs->scratch, d->len * 2 + 256);
	e.d = d;
	e.sc = &rs->scratch;
	e.cache = NULL;
	e.num = rs->num;
	e.numgen = rs->numgen;
	e.gen = ++rs->gen;
	if (rs->fields.n && d->v[0].type == RT_JOBJ) {
		rt_fset_find(&rs->fields, d, rs->cache);
		e.cache = rs->cache;
	}
	memset(&in, 0, sizeof in);
	in.t = d->v[0].type == RT_JOBJ ? V_OBJ : V_ARR;
	in.node = 0;
	for (i = 0; i < rs->n; i++) {
		struct rt_rule *r = &rs->r[i];
		int st;

		rs->want[i] = 0;
		if (r->fast == NULL) {
			rs->want[i] = 1;
			slow++;
			continue;
		}
		e.err = NULL;
		if ((st = quick(&e, r->fast)) >= 0) {
			res[i] = st ? RT_RULE_TRUE : RT_RULE_FALSE;
			r->matches += (uint64_t)st;
			continue;
		}
		st = eval(&e, r->fast, &in, &out);
		if (st == E_UNSUP) {
			rs->want[i] = 1;
			slow++;
			continue;
		}
		if (st == E_ERR) {
			res[i] = RT_RULE_ERROR;
			rs->res[i] = 0;
			/* The message, for rt_rules_errmsg. */
			r->errors++;
			r->lasterr = e.err;
			nerr++;
			continue;
		}
		res[i] = truthy(&out) ? RT_RULE_TRUE : RT_RULE_FALSE;
		if (res[i] == RT_RULE_TRUE)
			r->matches++;
	}
	if (slow) {
		struct rt_buf tmp = RT_BUF_INIT;
		jv rec = rt_jqb_from_doc(d, 0, &tmp);
		unsigned char *jr = rs->res;

		rt_buf_release(&tmp);
		rt_jqb_run(rs->jq, rec, rs->want, jr);
		for (i = 0; i < rs->n; i++) {
			if (!rs->want[i])
				continue;
			res[i] = jr[i] == RT_JQB_TRUE ? RT_RULE_TRUE :
			    jr[i] == RT_JQB_ERROR ? RT_RULE_ERROR : RT_RULE_FALSE;
			if (res[i] == RT_RULE_TRUE)
				rs->r[i].matches++;
			if (res[i] == RT_RULE_ERROR) {
				rs->r[i].errors++;
				nerr++;
			}
		}
	}
	return nerr;
}

const char *
rt_rules_errmsg(struct rt_rules *rs, size_t i)
{
	size_t n;

	if (rs->want[i]) {
		const char *m = rt_jqb_errmsg(rs->jq, i, &n);

		rs->tmp.len = 0;
		rt_buf_add(&rs->tmp, m, n);
		return rt_buf_cstr(&rs->tmp);
	}
	return rs->r[i].lasterr ? rs->r[i].lasterr : "error";
}
