/*
 * regex.c - ECMA-262 patterns translated to PCRE2 and run with its JIT
 * (see regex.h).  PCRE2 runs without PCRE2_UCP: ECMA's \d \w \b are ASCII,
 * and its \s (Unicode spaces and BOM) is spelled out as a set.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct rt_regex {
	pcre2_code *code;
	pcre2_match_data *md;
	int jit;
};

/* ECMA-262 WhiteSpace and LineTerminator, as items of a PCRE2 class. */
#define WS "\\t\\n\\x{b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}" \
	"\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"

/* The translator's state. */
struct tr {
	const char *p, *end;
	struct rt_buf *out;
	const char *err;
};

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read exactly k hex digits at t->p; -1 if not there. */
static long
hexn(struct tr *t, int k)
{
	long v = 0;
	int i;

	if (t->end - t->p < k)
		return -1;
	for (i = 0; i < k; i++) {
		int h = hexv((unsigned char)t->p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	t->p += k;
	return v;
}

static void
put_cp(struct tr *t, long cp)
{
	if (cp >= 0xD800 && cp <= 0xDFFF)
		rt_buf_adds(t->out, "(?!)");	/* never in valid UTF-8 */
	else
		rt_buf_printf(t->out, "\\x{%lx}", cp);
}

/* After "\u": XXXX (joining a surrogate pair) or {X...}. */
static int
esc_u(struct tr *t)
{
	long cp, lo;

	if (t->p < t->end && *t->p == '{') {
		const char *q = ++t->p;

		cp = 0;
		while (q < t->end && hexv((unsigned char)*q) >= 0 && cp <= 0x10FFFF)
			cp = cp * 16 + hexv((unsigned char)*q++);
		if (q == t->p || q >= t->end || *q != '}' || cp > 0x10FFFF)
			return -1;
		t->p = q + 1;
		put_cp(t, cp);
		return 0;
	}
	if ((cp = hexn(t, 4)) < 0)
		return -1;
	if (cp >= 0xD800 && cp <= 0xDBFF && t->end - t->p >= 6 &&
	    t->p[0] == '\\' && t->p[1] == 'u') {
		const char *save = t->p;

		t->p += 2;
		lo = hexn(t, 4);
		if (lo >= 0xDC00 && lo <= 0xDFFF)
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		else
			t->p = save;
	}
	put_cp(t, cp);
	return 0;
}

/* General category long names and their PCRE2 short forms. */
static const char *const gcnames[][2] = {
	{ "Letter", "L" }, { "Cased_Letter", "L&" },
	{ "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
	{ "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" },
	{ "Other_Letter", "Lo" }, { "Mark", "M" }, { "Combining_Mark", "M" },
	{ "Nonspacing_Mark", "Mn" }, { "Spacing_Mark", "Mc" },
	{ "Enclosing_Mark", "Me" }, { "Number", "N" },
	{ "Decimal_Number", "Nd" }, { "digit", "Nd" },
	{ "Letter_Number", "Nl" }, { "Other_Number", "No" },
	{ "Punctuation", "P" }, { "punct", "P" },
	{ "Connector_Punctuation", "Pc" }, { "Dash_Punctuation", "Pd" },
	{ "Open_Punctuation", "Ps" }, { "Close_Punctuation", "Pe" },
	{ "Initial_Punctuation", "Pi" }, { "Final_Punctuation", "Pf" },
	{ "Other_Punctuation", "Po" }, { "Symbol", "S" },
	{ "Math_Symbol", "Sm" }, { "Currency_Symbol", "Sc" },
	{ "Modifier_Symbol", "Sk" }, { "Other_Symbol", "So" },
	{ "Separator", "Z" }, { "Space_Separator", "Zs" },
	{ "Line_Separator", "Zl" }, { "Paragraph_Separator", "Zp" },
	{ "Other", "C" }, { "Control", "Cc" }, { "cntrl", "Cc" },
	{ "Format", "Cf" }, { "Surrogate", "Cs" }, { "Private_Use", "Co" },
	{ "Unassigned", "Cn" }, { "LC", "L&" },
};

static const char *
gc_short(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof gcnames / sizeof gcnames[0]; i++)
		if (strlen(gcnames[i][0]) == n && memcmp(gcnames[i][0], v, n) == 0)
			return gcnames[i][1];
	return NULL;
}

/* After "\p" or "\P" (c): {Name}, {Key=Value}. */
static int
esc_prop(struct tr *t, char c)
{
	const char *q, *eq, *name, *s;
	size_t n;

	if (t->p >= t->end || *t->p != '{')
		return -1;
	name = t->p + 1;
	if ((q = memchr(name, '}', (size_t)(t->end - name))) == NULL || q == name)
		return -1;
	t->p = q + 1;
	n = (size_t)(q - name);
	rt_buf_addc(t->out, '\\');
	rt_buf_addc(t->out, c);
	rt_buf_addc(t->out, '{');
	eq = memchr(name, '=', n);
	if (eq) {
		size_t kn = (size_t)(eq - name), vn = n - kn - 1;

		if ((kn == 16 && memcmp(name, "General_Category", 16) == 0) ||
		    (kn == 2 && memcmp(name, "gc", 2) == 0)) {
			s = gc_short(eq + 1, vn);
			if (s)
				rt_buf_adds(t->out, s);
			else
				rt_buf_add(t->out, eq + 1, vn);
		} else if ((kn == 6 && memcmp(name, "Script", 6) == 0) ||
		    (kn == 2 && memcmp(name, "sc", 2) == 0)) {
			rt_buf_add(t->out, eq + 1, vn);
		} else if ((kn == 17 && memcmp(name, "Script_Extensions", 17) == 0) ||
		    (kn == 3 && memcmp(name, "scx", 3) == 0)) {
			rt_buf_adds(t->out, "scx:");
			rt_buf_add(t->out, eq + 1, vn);
		} else {
			return -1;
		}
	} else if ((s = gc_short(name, n)) != NULL) {
		rt_buf_adds(t->out, s);
	} else {
		rt_buf_add(t->out, name, n);
	}
	rt_buf_addc(t->out, '}');
	return 0;
}

static int
is_syntax(char c)
{
	return c != '\0' && strchr("^$\\.*+?()[]{}|/", c) != NULL;
}

/* An escape shared by classes and the outside: t->p is after the
 * backslash at the escaped character c (already consumed).  Returns 0,
 * 1 when c is not one of these, -1 on error. */
static int
esc_common(struct tr *t, char c)
{
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 'f': case 'n':
	case 'r': case 't':
		rt_buf_addc(t->out, '\\');
		rt_buf_addc(t->out, c);
		return 0;
	case 'v':
		rt_buf_adds(t->out, "\\x{b}");
		return 0;
	case '0':
		if (t->p < t->end && *t->p >= '0' && *t->p <= '9')
			return -1;
		rt_buf_adds(t->out, "\\x{0}");
		return 0;
	case 'c':
		if (t->p < t->end && ((*t->p | 0x20) >= 'a' && (*t->p | 0x20) <= 'z')) {
			rt_buf_printf(t->out, "\\x{%x}", (unsigned)(*t->p & 31));
			t->p++;
			return 0;
		}
		return -1;
	case 'x': {
		long v = hexn(t, 2);

		if (v < 0)
			return -1;
		put_cp(t, v);
		return 0;
	}
	case 'u':
		return esc_u(t);
	case 'p': case 'P':
		return esc_prop(t, c);
	default:
		if (is_syntax(c) || c == '-') {
			rt_buf_addc(t->out, '\\');
			rt_buf_addc(t->out, c);
			return 0;
		}
		return 1;
	}
}

/* Write the class of items (neg: negated), in which \\S (nonws) cannot
 * sit inside brackets: it becomes an alternative. */
static void
class_put(struct rt_buf *out, const struct rt_buf *items, int neg,
    int nonws)
{
	if (!nonws && items->len == 0) {
		rt_buf_adds(out, neg ? "[\\x{0}-\\x{10ffff}]" : "(?!)");
	} else if (!nonws) {
		rt_buf_adds(out, neg ? "[^" : "[");
		rt_buf_add(out, items->p, items->len);
		rt_buf_addc(out, ']');
	} else if (!neg) {
		rt_buf_adds(out, "(?:[^" WS "]");
		if (items->len) {
			rt_buf_adds(out, "|[");
			rt_buf_add(out, items->p, items->len);
			rt_buf_addc(out, ']');
		}
		rt_buf_addc(out, ')');
	} else {
		rt_buf_adds(out, "(?:");
		if (items->len) {
			rt_buf_adds(out, "(?![");
			rt_buf_add(out, items->p, items->len);
			rt_buf_adds(out, "])");
		}
		rt_buf_adds(out, "[" WS "])");
	}
}

/* A class: t->p after '['. */
static int
tr_class(struct tr *t)
{
	struct rt_buf items = RT_BUF_INIT, *save = t->out;
	int neg = 0, nonws = 0, rc = -1;

	if (t->p < t->end && *t->p == '^') {
		neg = 1;
		t->p++;
	}
	/* restored on every path out (done:) */
	/* cppcheck-suppress autoVariables */
	t->out = &items;
	for (;;) {
		char c;

		if (t->p >= t->end) {
			t->err = "unterminated character class";
			goto done;
		}
		c = *t->p++;
		if (c == ']')
			break;
		if (c == '[') {
			rt_buf_adds(&items, "\\[");
			continue;
		}
		if (c != '\\') {
			rt_buf_addc(&items, c);
			continue;
		}
		if (t->p >= t->end) {
			t->err = "pattern ends with a backslash";
			goto done;
		}
		c = *t->p++;
		if (c == 's') {
			rt_buf_adds(&items, WS);
		} else if (c == 'S') {
			nonws = 1;
		} else if (c == 'b') {
			rt_buf_adds(&items, "\\x{8}");
		} else {
			int k = esc_common(t, c);

			if (k != 0) {
				t->err = "invalid escape in character class";
				goto done;
			}
		}
	}
	t->out = save;
	class_put(t->out, &items, neg, nonws);
	rc = 0;
done:
	t->out = save;
	rt_buf_release(&items);
	return rc;
}

/* A braced quantifier at t->p ('{' seen)?  Its length, or 0. */
static size_t
brace_quant(const char *p, const char *end)
{
	const char *q = p + 1;

	if (q >= end || *q < '0' || *q > '9')
		return 0;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q < end && *q == ',') {
		q++;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	return q < end && *q == '}' ? (size_t)(q + 1 - p) : 0;
}

/* After '(': the kind of group. */
static int
tr_group(struct tr *t)
{
	const char *p = t->p;

	rt_buf_addc(t->out, '(');
	if (p >= t->end || *p != '?')
		return 0;
	if (t->end - p >= 2 && (p[1] == ':' || p[1] == '=' || p[1] == '!')) {
		rt_buf_add(t->out, p, 2);
		t->p += 2;
		return 0;
	}
	if (t->end - p >= 3 && p[1] == '<' && (p[2] == '=' || p[2] == '!')) {
		rt_buf_add(t->out, p, 3);
		t->p += 3;
		return 0;
	}
	if (t->end - p >= 3 && p[1] == '<') {
		const char *q = memchr(p, '>', (size_t)(t->end - p));

		if (q) {
			rt_buf_add(t->out, p, (size_t)(q + 1 - p));
			t->p = q + 1;
			return 0;
		}
	}
	t->err = "unknown group syntax";
	return -1;
}

/* An escape outside a class: t->p after the backslash. */
static int
tr_escape(struct tr *t)
{
	char c;

	if (t->p >= t->end) {
		t->err = "pattern ends with a backslash";
		return -1;
	}
	c = *t->p++;
	switch (c) {
	case 's':
		rt_buf_adds(t->out, "[" WS "]");
		return 0;
	case 'S':
		rt_buf_adds(t->out, "[^" WS "]");
		return 0;
	case 'b': case 'B':
		rt_buf_addc(t->out, '\\');
		rt_buf_addc(t->out, c);
		return 0;
	case 'k': {
		const char *q;

		if (t->p >= t->end || *t->p != '<' ||
		    (q = memchr(t->p, '>', (size_t)(t->end - t->p))) == NULL)
			break;
		rt_buf_adds(t->out, "\\k");
		rt_buf_add(t->out, t->p, (size_t)(q + 1 - t->p));
		t->p = q + 1;
		return 0;
	}
	default:
		if (c >= '1' && c <= '9') {
			rt_buf_adds(t->out, "\\g{");
			rt_buf_addc(t->out, c);
			while (t->p < t->end && *t->p >= '0' && *t->p <= '9')
				rt_buf_addc(t->out, *t->p++);
			rt_buf_addc(t->out, '}');
			return 0;
		}
		if (esc_common(t, c) == 0)
			return 0;
	}
	t->err = "invalid escape";
	return -1;
}

const char *
rt_regex_translate(const char *pat, size_t n, struct rt_buf *out)
{
	struct tr t = { pat, pat + n, out, NULL };
	int quant = 0;		/* may a quantifier follow? */

	while (t.p < t.end) {
		char c = *t.p++;
		size_t q;

		switch (c) {
		case '\\':
			if (tr_escape(&t) == -1)
				return t.err;
			quant = 1;
			break;
		case '[':
			if (tr_class(&t) == -1)
				return t.err;
			quant = 1;
			break;
		case '(':
			if (tr_group(&t) == -1)
				return t.err;
			quant = 0;
			break;
		case '.':
			rt_buf_adds(out, "[^\\n\\r\\x{2028}\\x{2029}]");
			quant = 1;
			break;
		case '*': case '+': case '?':
			if (!quant)
				return "nothing to repeat";
			rt_buf_addc(out, c);
			if (t.p < t.end && *t.p == '?')
				rt_buf_addc(out, *t.p++);
			quant = 0;
			break;
		case '{':
			if ((q = brace_quant(t.p - 1, t.end)) == 0)
				return "lone '{'";
			if (!quant)
				return "nothing to repeat";
			rt_buf_add(out, t.p - 1, q);
			t.p += q - 1;
			if (t.p < t.end && *t.p == '?')
				rt_buf_addc(out, *t.p++);
			quant = 0;
			break;
		case '}':
			return "lone '}'";
		case ']':
			return "lone ']'";
		case '|': case '^': case '$':
			rt_buf_addc(out, c);
			quant = c == ')';
			break;
		case ')':
			rt_buf_addc(out, c);
			quant = 1;
			break;
		default:
			rt_buf_addc(out, c);
			quant = 1;
		}
	}
	return NULL;
}

struct rt_regex *
rt_regex_new(const char *pat, size_t n, char *err, size_t errlen)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_regex *re;
	const char *why;
	PCRE2_SIZE eoff;
	int ec;

	if ((why = rt_regex_translate(pat, n, &b)) != NULL) {
		snprintf(err, errlen, "%s", why);
		rt_buf_release(&b);
		return NULL;
	}
	re = rt_xcalloc(1, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)(b.p ? b.p : ""), b.len,
	    PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C, &ec, &eoff,
	    NULL);
	rt_buf_release(&b);
	if (re->code == NULL) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(ec, msg, sizeof msg);
		snprintf(err, errlen, "%s", (const char *)msg);
		free(re);
		return NULL;
	}
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (re->md == NULL)
		rt_oom();
	return re;
}

void
rt_regex_free(struct rt_regex *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}

int
rt_regex_match(struct rt_regex *re, const char *s, size_t n)
{
	int rc;

	if (re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, n, 0, 0, re->md,
		    NULL);
	else
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0,
		    PCRE2_NO_UTF_CHECK, re->md, NULL);
	if (rc >= 0)
		return 1;
	return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

int
rt_regex_valid(const char *pat, size_t n)
{
	char err[128];
	struct rt_regex *re = rt_regex_new(pat, n, err, sizeof err);

	rt_regex_free(re);
	return re != NULL;
}
