/*
 * t_regex.c - ECMA-262 patterns on PCRE2 (lib/regex.c): the translation
 * of each kind of escape, class and group, word for word; the patterns
 * ECMA refuses; matches that differ between the dialects (ASCII \d \w,
 * ECMA's \s and ".", "$" only at the end, unset backreferences, lone
 * surrogates); then \s \S . \w \d and classes mixing them checked over
 * every Unicode scalar value against sets written out here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "regex.h"
#include "tap.h"

#define WS "\\t\\n\\x{b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}" \
	"\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"

struct tcase {
	const char *pat;
	const char *want;	/* PCRE2 text, or "!reason" */
};

static const struct tcase tr_cases[] = {
	{ "", "" },
	{ "abc", "abc" },
	{ "a.c", "a[^\\n\\r\\x{2028}\\x{2029}]c" },
	{ "\\s", "[" WS "]" },
	{ "\\S", "[^" WS "]" },
	{ "\\d\\D\\w\\W\\b\\B", "\\d\\D\\w\\W\\b\\B" },
	{ "\\f\\n\\r\\t\\v", "\\f\\n\\r\\t\\x{b}" },
	{ "\\0", "\\x{0}" },
	{ "\\cJ\\ca", "\\x{a}\\x{1}" },
	{ "\\x41\\u00e9", "\\x{41}\\x{e9}" },
	{ "\\ud83d\\ude00", "\\x{1f600}" },
	{ "\\ud83d", "(?!)" },
	{ "\\ud83dx", "(?!)x" },
	{ "\\ude00\\ud83d", "(?!)(?!)" },
	{ "\\u{1F600}\\u{0000041}", "\\x{1f600}\\x{41}" },
	{ "\\u{D800}", "(?!)" },
	{ "\\p{Letter}\\P{Lu}", "\\p{L}\\P{Lu}" },
	{ "\\p{Script=Greek}\\p{sc=Latn}", "\\p{Greek}\\p{Latn}" },
	{ "\\p{General_Category=Decimal_Number}", "\\p{Nd}" },
	{ "\\p{scx=Hira}", "\\p{scx:Hira}" },
	{ "\\^\\$\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/",
	    "\\^\\$\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/" },
	{ "(a)\\1\\12", "(a)\\g{1}\\g{12}" },
	{ "(?<y>a)\\k<y>", "(?<y>a)\\k<y>" },
	{ "(?:a)(?=b)(?!c)(?<=d)(?<!e)", "(?:a)(?=b)(?!c)(?<=d)(?<!e)" },
	{ "a*b+?c?d{2}e{2,}f{2,3}?", "a*b+?c?d{2}e{2,}f{2,3}?" },
	{ "[abc]", "[abc]" },
	{ "[^a-z]", "[^a-z]" },
	{ "[]", "(?!)" },
	{ "[^]", "[\\x{0}-\\x{10ffff}]" },
	{ "[\\s]", "[" WS "]" },
	{ "[\\b]", "[\\x{8}]" },
	{ "[[:alpha:]", "[\\[:alpha:]" },	/* no POSIX class in ECMA */
	{ "[[:alpha:]]", "!lone ']'" },
	{ "[\\S]", "(?:[^" WS "])" },
	{ "[\\Sa]", "(?:[^" WS "]|[a])" },
	{ "[^\\S]", "(?:[" WS "])" },
	{ "[^\\Sa]", "(?:(?![a])[" WS "])" },
	{ "[\\u0041-\\u005A\\-]", "[\\x{41}-\\x{5a}\\-]" },
	/* Refused. */
	{ "\\", "!pattern ends with a backslash" },
	{ "\\a", "!invalid escape" },
	{ "\\z", "!invalid escape" },
	{ "\\01", "!invalid escape" },
	{ "\\c1", "!invalid escape" },
	{ "\\xg0", "!invalid escape" },
	{ "\\u12", "!invalid escape" },
	{ "\\u{110000}", "!invalid escape" },
	{ "\\u{}", "!invalid escape" },
	{ "\\p{Key=Value}", "!invalid escape" },
	{ "\\p{}", "!invalid escape" },
	{ "\\k", "!invalid escape" },
	{ "(?i)a", "!unknown group syntax" },
	{ "(?P<n>a)", "!unknown group syntax" },
	{ "*a", "!nothing to repeat" },
	{ "a**", "!nothing to repeat" },
	{ "a*+", "!nothing to repeat" },
	{ "a{2}{3}", "!nothing to repeat" },
	{ "^*", "!nothing to repeat" },
	{ "(*)", "!nothing to repeat" },
	{ "a|*", "!nothing to repeat" },
	{ "{2}", "!nothing to repeat" },
	{ "a{", "!lone '{'" },
	{ "a{,2}", "!lone '{'" },
	{ "a}", "!lone '}'" },
	{ "a]", "!lone ']'" },
	{ "[a", "!unterminated character class" },
	{ "[\\", "!pattern ends with a backslash" },
	{ "[\\a]", "!invalid escape in character class" },
};

static void
translate_cases(void)
{
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof tr_cases / sizeof tr_cases[0]; i++) {
		const struct tcase *c = &tr_cases[i];
		const char *why;
		char name[96];

		b.len = 0;
		why = rt_regex_translate(c->pat, strlen(c->pat), &b);
		snprintf(name, sizeof name, "translate '%s'", c->pat);
		if (c->want[0] == '!')
			is_str(why, c->want + 1, name);
		else if (why)
			ok(0, "%s: refused: %s", name, why);
		else
			is_str(rt_buf_cstr(&b), c->want, name);
	}
	rt_buf_release(&b);
}

struct mcase {
	const char *pat;
	const char *s;
	int want;		/* 1 match, 0 not */
};

static const struct mcase m_cases[] = {
	{ "a", "xxax", 1 },			/* anywhere */
	{ "^a$", "a\n", 0 },			/* $ only at the very end */
	{ "^a$", "a", 1 },
	{ "^\\d$", "\xd9\xa3", 0 },		/* Arabic-Indic three */
	{ "^\\w$", "\xc3\xa9", 0 },		/* e acute */
	{ "\\bx", "\xc3\xa9x", 1 },		/* e acute is no word char */
	{ "^\\s$", "\xef\xbb\xbf", 1 },		/* BOM */
	{ "^\\s$", "\xc2\x85", 0 },		/* NEL is no ECMA space */
	{ "^.$", "\xe2\x80\xa8", 0 },		/* LINE SEPARATOR */
	{ "^.$", "\xf0\x9f\x98\x80", 1 },	/* one scalar, four bytes */
	{ "^(a)?\\1b$", "b", 1 },		/* an unset group matches "" */
	{ "^\\ud83d\\ude00$", "\xf0\x9f\x98\x80", 1 },
	{ "\\ud83d", "\xf0\x9f\x98\x80", 0 },	/* no lone half in UTF-8 */
	{ "^\\p{Lu}+$", "\xc3\x89T\xc3\x89", 1 },
	{ "^\\p{Script=Greek}$", "\xce\xb1", 1 },
	{ "^[^]$", "\n", 1 },
	{ "[]", "", 0 },
	{ "^$", "", 1 },
	{ "^[\\Sa]$", " ", 0 },
	{ "^[^\\Sa]$", " ", 1 },
	{ "^[^\\Sa]$", "a", 0 },
	{ "^\\cJ$", "\n", 1 },
	{ "^a{2,3}$", "aaaa", 0 },
};

static void
match_cases(void)
{
	char err[128];

	for (size_t i = 0; i < sizeof m_cases / sizeof m_cases[0]; i++) {
		const struct mcase *c = &m_cases[i];
		struct rt_regex *re = rt_regex_new(c->pat, strlen(c->pat), err,
		    sizeof err);

		if (re == NULL) {
			ok(0, "'%s' compiles: %s", c->pat, err);
			continue;
		}
		ok(rt_regex_match(re, c->s, strlen(c->s)) == c->want,
		    "'%s' %s subject %zu", c->pat, c->want ? "matches" :
		    "does not match", i);
		rt_regex_free(re);
	}
	ok(rt_regex_new("a(", 2, err, sizeof err) == NULL && err[0] != '\0',
	    "PCRE2's own refusal comes with its reason ('%s')", err);
	ok(rt_regex_new("\\a", 2, err, 4) == NULL && strcmp(err, "inv") == 0,
	    "the reason is cut to the room given, NUL-terminated");
	ok(rt_regex_valid("^[a-z]+$", 8) && !rt_regex_valid("[", 1) &&
	    !rt_regex_valid("(?i)", 4), "valid: 1 for a pattern, 0 for "
	    "refused ones");
	ok(rt_regex_valid("a\0b", 3), "a NUL in a pattern is a character");
}

/* ---- every scalar value ---------------------------------------------- */

static int
is_ws(uint32_t c)
{
	return c == 9 || c == 10 || c == 11 || c == 12 || c == 13 || c == 32 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000 || c == 0xfeff;
}

static int
is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

static size_t
utf8(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 63));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 63));
		o[2] = (char)(0x80 | (c & 63));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 63));
	o[2] = (char)(0x80 | (c >> 6 & 63));
	o[3] = (char)(0x80 | (c & 63));
	return 4;
}

static void
every_scalar(void)
{
	static const char *const pats[] = { "^\\s$", "^\\S$", "^.$", "^\\w$",
	    "^\\d$", "^[\\s\\d]$", "^[^\\s\\d]$", "^[\\S\\d]$", "^[^\\S_]$",
	    "^[\\0-\\x1f\\s]$" };
	enum { NP = sizeof pats / sizeof pats[0] };
	struct rt_regex *re[NP];
	char err[128];
	size_t bad[NP] = { 0 }, tried = 0;

	for (int i = 0; i < NP; i++)
		if ((re[i] = rt_regex_new(pats[i], strlen(pats[i]), err,
		    sizeof err)) == NULL) {
			ok(0, "'%s' compiles: %s", pats[i], err);
			return;
		}
	for (uint32_t c = 0; c <= 0x10ffff; c++) {
		char s[4];
		size_t n;
		int w = is_ws(c), d = c >= '0' && c <= '9';
		int want[NP];

		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = utf8(c, s);
		want[0] = w;
		want[1] = !w;
		want[2] = c != 10 && c != 13 && c != 0x2028 && c != 0x2029;
		want[3] = is_word(c);
		want[4] = d;
		want[5] = w || d;
		want[6] = !(w || d);
		want[7] = !w || d;
		want[8] = w;		/* not (non-space or _) */
		want[9] = c < 0x20 || w;
		for (int i = 0; i < NP; i++)
			bad[i] += rt_regex_match(re[i], s, n) != want[i];
		tried++;
	}
	for (int i = 0; i < NP; i++) {
		ok(bad[i] == 0 && tried == 0x110000 - 0x800, "'%s' over all "
		    "%zu scalar values: %zu wrong", pats[i], tried, bad[i]);
		rt_regex_free(re[i]);
	}
}

int
main(void)
{
	translate_cases();
	match_cases();
	every_scalar();
	return done_testing();
}
