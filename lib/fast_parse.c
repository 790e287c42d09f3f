/*
 * fast_parse.c - the parser of the fast path (fast.h): the subset of jq
 * it compiles is paths (. .a .a.b ."a" .["x"] .[0]), literals (numbers,
 * strings without interpolation, true, false, null), unary minus,
 * + - * /, == != < <= > >=, and, or, //, |, parentheses, and the
 * functions not, length, type, ascii_downcase, ascii_upcase, test(re),
 * test(re; flags), startswith(s), endswith(s), has(k), IN(v, ...) with
 * literal arguments.  Anything else makes the condition libjq's.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fast_int.h"
#include "mem.h"
#include "number.h"

struct ps {
	const char *p, *end;
	int bad;		/* outside the subset (not an error) */
	int depth;		/* pipes to the left: fields are not top-level */
	int nest;		/* parse_pipe, parse_alt, unary minus inside */
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

void rt_fast_free(struct rt_fnode *n);

/* A node over a and b (consumed), or NULL (s->bad, a and b freed) when
 * the tree would be higher than RT_FAST_HEIGHT. */
static struct rt_fnode *
node(struct ps *s, enum op op, struct rt_fnode *a, struct rt_fnode *b)
{
	struct rt_fnode *n;
	int h = 0;

	if (a && a->height > h)
		h = a->height;
	if (b && b->height > h)
		h = b->height;
	if (h >= RT_FAST_HEIGHT) {
		s->bad = 1;
		rt_fast_free(a);
		rt_fast_free(b);
		return NULL;
	}
	n = rt_xcalloc(1, sizeof *n);
	n->op = op;
	n->a = a;
	n->b = b;
	n->height = h + 1;
	return n;
}

/* Enter a recursive rule: 0, or -1 (s->bad) when nested too deep. */
static int
enter(struct ps *s)
{
	if (++s->nest > RT_FAST_NEST) {
		s->nest--;
		s->bad = 1;
		return -1;
	}
	return 0;
}

void
rt_fast_free(struct rt_fnode *n)
{
	if (n == NULL)
		return;
	rt_fast_free(n->a);
	rt_fast_free(n->b);
	if (n->lit.t == V_STR)
		free((char *)n->lit.s);
	for (int i = 0; i < n->nlist; i++)
		if (n->list[i].t == V_STR)
			free((char *)n->list[i].s);
	free(n->list);
	rt_jqre_free(n->re);
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

/* The node reading key k (consumed) of t's value: F_FIELD, or F_INDEX
 * for a number. */
static struct rt_fnode *
key_node(struct ps *s, struct rt_fnode *t, struct fv *k)
{
	int top = t->op == F_DOT;
	struct rt_fnode *n = node(s, k->t == V_STR ? F_FIELD : F_INDEX, t, NULL);

	if (n == NULL) {
		if (k->t == V_STR)
			free((char *)k->s);
		return NULL;
	}
	n->lit = *k;
	if (k->t == V_STR && top) {
		note_field(s, k);
		n->top = s->depth == 0;
	}
	return n;
}

/* ".name" at s->p: its key. */
static void
name_key(struct ps *s, struct fv *k)
{
	const char *q = ++s->p;

	while (q < s->end && (isalnum((unsigned char)*q) || *q == '_'))
		q++;
	memset(k, 0, sizeof *k);
	k->t = V_STR;
	k->len = (size_t)(q - s->p);
	k->s = rt_xmemdup(s->p, k->len + 1);
	((char *)k->s)[k->len] = '\0';
	s->p = q;
}

/* "[lit]" or ".[lit]" at s->p: its key, a string or a number.  0, or -1
 * (s->bad). */
static int
bracket_key(struct ps *s, struct fv *k)
{
	if (*s->p == '.')
		s->p++;
	s->p++;
	if (parse_literal(s, k) || !eat(s, "]") ||
	    (k->t != V_STR && k->t != V_NUM)) {
		if (k->t == V_STR)
			free((char *)k->s);
		s->bad = 1;
		return -1;
	}
	return 0;
}

/* Suffixes: .name ."name" .["name"] .[n] [n] after a term t (consumed).
 * NULL when one is outside the subset. */
static struct rt_fnode *
parse_suffix(struct ps *s, struct rt_fnode *t)
{
	for (;;) {
		struct fv k;
		int rc;

		skip_ws(s);
		if (s->p + 1 < s->end && *s->p == '.' &&
		    (isalpha((unsigned char)s->p[1]) || s->p[1] == '_')) {
			name_key(s, &k);
			rc = 0;
		} else if (s->p + 1 < s->end && *s->p == '.' && s->p[1] == '"') {
			s->p++;
			rc = parse_string(s, &k);
			s->bad |= rc != 0;
		} else if (s->p < s->end && *s->p == '[') {
			/* jq 1.6 has ".[k]" only for the dot itself, not
			 * after a term (".a.[0]" is its syntax error). */
			rc = bracket_key(s, &k);
		} else {
			if (peek(s, "?"))
				break;
			return t;
		}
		if (rc != 0)
			break;
		if ((t = key_node(s, t, &k)) == NULL)
			return NULL;
	}
	s->bad = 1;
	rt_fast_free(t);
	return NULL;
}

/*
 * After "test(RE": "; FLAGS" perhaps, then compile RE as jq would.
 * FLAGS a string of jq's modifiers, or null (none).  A pattern that is
 * not a string, modifiers jq refuses, or a pattern Oniguruma does not
 * compile are libjq's to report.  0, or -1 (s->bad).
 */
static int
parse_test(struct ps *s, struct rt_fnode *f)
{
	struct fv fl;
	struct rt_buf why = RT_BUF_INIT;

	memset(&fl, 0, sizeof fl);
	if (eat(s, ";") && parse_literal(s, &fl) != 0) {
		s->bad = 1;
		return -1;
	}
	if (f->lit.t != V_STR || (fl.t != V_STR && fl.t != V_NULL) ||
	    (fl.t == V_STR && !rt_jqre_flags_ok(fl.s, fl.len)))
		s->bad = 1;
	else if ((f->re = rt_jqre_new(f->lit.s, f->lit.len,
	    fl.t == V_STR ? fl.s : NULL, fl.len, &why)) == NULL)
		s->bad = 1;
	if (fl.t == V_STR)
		free((char *)fl.s);
	rt_buf_release(&why);
	return s->bad ? -1 : 0;
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
	f = node(s, fn[i].op, NULL, NULL);
	if (fn[i].args == 0) {
		if (peek(s, "(")) {
			s->bad = 1;
			rt_fast_free(f);
			return NULL;
		}
		return f;
	}
	if (!eat(s, "(")) {
		s->bad = 1;
		rt_fast_free(f);
		return NULL;
	}
	if (fn[i].op == F_IN) {
		do {
			f->list = rt_xreallocarray(f->list, (size_t)f->nlist + 1,
			    sizeof *f->list);
			if (parse_literal(s, &f->list[f->nlist])) {
				rt_fast_free(f);
				return NULL;
			}
			f->nlist++;
		} while (eat(s, ","));
	} else {
		if (parse_literal(s, &f->lit)) {
			rt_fast_free(f);
			return NULL;
		}
		if (fn[i].op == F_TEST && parse_test(s, f) != 0) {
			rt_fast_free(f);
			return NULL;
		}
	}
	if (!eat(s, ")")) {
		s->bad = 1;
		rt_fast_free(f);
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
		t = node(s, F_DOT, NULL, NULL);
		/* ".a" and ."a" at the dot; ".[...]" and "." after it */
		if (s->p + 1 < s->end && (isalpha((unsigned char)s->p[1]) ||
		    s->p[1] == '_' || s->p[1] == '"'))
			return parse_suffix(s, t);
		s->p++;
		return parse_suffix(s, t);
	}
	if (*s->p == '(') {
		s->p++;
		if (enter(s) != 0)
			return NULL;
		t = parse_pipe(s);
		s->nest--;
		if (t == NULL || !eat(s, ")")) {
			rt_fast_free(t);
			s->bad = 1;
			return NULL;
		}
		return parse_suffix(s, t);
	}
	if (*s->p == '"' || isdigit((unsigned char)*s->p)) {
		t = node(s, F_LIT, NULL, NULL);
		if (parse_literal(s, &t->lit)) {
			rt_fast_free(t);
			return NULL;
		}
		return parse_suffix(s, t);
	}
	if (isalpha((unsigned char)*s->p) || *s->p == '_') {
		const char *q = s->p;

		while (q < s->end && (isalnum((unsigned char)*q) || *q == '_'))
			q++;
		if ((q - s->p == 4 && memcmp(s->p, "true", 4) == 0) ||
		    (q - s->p == 5 && memcmp(s->p, "false", 5) == 0) ||
		    (q - s->p == 4 && memcmp(s->p, "null", 4) == 0)) {
			t = node(s, F_LIT, NULL, NULL);
			parse_literal(s, &t->lit);
			return parse_suffix(s, t);
		}
		{
			const char *name = s->p;

			s->p = q;
			t = parse_func(s, name, (size_t)(q - name));
			return t ? parse_suffix(s, t) : NULL;
		}
	}
	s->bad = 1;
	return NULL;
}

static struct rt_fnode *parse_mul(struct ps *s);

/*
 * A '*' or '/' operand: a term, or unary minus.  In jq 1.6's grammar
 * unary minus has the precedence of binary minus, so it takes the whole
 * product after it: -a * b is -(a * b), and a / -b / c is a / -(b / c).
 * *rest: the minus took the rest of the product.
 */
static struct rt_fnode *
parse_factor(struct ps *s, int *rest)
{
	struct rt_fnode *t;

	*rest = 0;
	if (peek(s, "-=") || !eat(s, "-"))
		return parse_term(s);
	*rest = 1;
	if (enter(s) != 0)
		return NULL;
	t = parse_mul(s);
	s->nest--;
	return t ? node(s, F_NEG, t, NULL) : NULL;
}

static struct rt_fnode *
parse_mul(struct ps *s)
{
	int rest;
	struct rt_fnode *a = parse_factor(s, &rest), *b;

	while (a && !rest) {
		enum op op;

		if (peek(s, "//") || peek(s, "*=") || peek(s, "/="))
			return a;
		if (eat(s, "*"))
			op = F_MUL;
		else if (eat(s, "/"))
			op = F_DIV;
		else if (peek(s, "%")) {
			s->bad = 1;
			rt_fast_free(a);
			return NULL;
		} else
			return a;
		if ((b = parse_factor(s, &rest)) == NULL) {
			rt_fast_free(a);
			return NULL;
		}
		a = node(s, op, a, b);
	}
	return a;
}

static struct rt_fnode *
parse_add(struct ps *s)
{
	struct rt_fnode *a = parse_mul(s);

	while (a) {
		enum op op;

		if (peek(s, "+=") || peek(s, "-=")) {
			s->bad = 1;
			rt_fast_free(a);
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
			rt_fast_free(a);
			return NULL;
		}
		a = node(s, op, a, b);
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
		rt_fast_free(a);
		return NULL;
	}
	return node(s, ops[i].op, a, b);
}

static struct rt_fnode *
parse_and(struct ps *s)
{
	struct rt_fnode *a = parse_cmp(s);

	while (a && peek_word(s, "and")) {
		struct rt_fnode *b;

		s->p += 3;
		if ((b = parse_cmp(s)) == NULL) {
			rt_fast_free(a);
			return NULL;
		}
		a = node(s, F_AND, a, b);
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
			rt_fast_free(a);
			return NULL;
		}
		a = node(s, F_OR, a, b);
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
		rt_fast_free(a);
		return NULL;
	}
	if (enter(s) != 0) {
		rt_fast_free(a);
		return NULL;
	}
	b = parse_alt(s);	/* right associative */
	s->nest--;
	if (b == NULL) {
		rt_fast_free(a);
		return NULL;
	}
	return node(s, F_ALT, a, b);
}

static struct rt_fnode *
parse_pipe(struct ps *s)
{
	struct rt_fnode *a = parse_alt(s), *b;

	if (a == NULL)
		return NULL;
	if (peek(s, ",") || peek(s, "as") || peek(s, "=")) {
		s->bad = 1;
		rt_fast_free(a);
		return NULL;
	}
	if (!eat(s, "|"))
		return a;
	if (enter(s) != 0) {
		rt_fast_free(a);
		return NULL;
	}
	s->depth++;
	b = parse_pipe(s);
	s->depth--;
	s->nest--;
	if (b == NULL) {
		rt_fast_free(a);
		return NULL;
	}
	return node(s, F_PIPE, a, b);
}

struct rt_fnode *
rt_fast_compile(const char *cond, size_t n, char ***fields, int *nfields)
{
	struct ps s = { cond, cond + n, 0, 0, 0, fields, nfields };
	struct rt_fnode *t = parse_pipe(&s);

	skip_ws(&s);
	if (t && (s.bad || s.p != s.end)) {
		rt_fast_free(t);
		t = NULL;
	}
	return t;
}


void
rt_fast_slots(struct rt_fnode *n, struct rt_fset *fs)
{
	int i;

	if (n == NULL)
		return;
	rt_fast_slots(n->a, fs);
	rt_fast_slots(n->b, fs);
	if (n->op != F_FIELD || !n->top)
		return;
	i = rt_fset_add(fs, n->lit.s, n->lit.len);
	if (i == -1)
		n->top = 0;	/* rt_jdoc_get then */
	else
		n->slot = i;
}
