/*
 * t_jqre.c - jq's regular expressions through Oniguruma: the answers of
 * the jq 1.6 binary where PCRE2 differed, the modifiers, compile errors,
 * and the step cap.
 */
#include "jqre.h"

#include <string.h>

#include "tap.h"

struct tcase {
	const char *s, *re, *flags;
	int want;		/* the jq 1.6 binary's answer */
};

/* jq -n '"SS" | test("ß"; "i")' and so on, run with jq 1.6. */
static const struct tcase cases[] = {
	{ "SS", "\xc3\x9f", "i", 1 },		/* ß folds to ss */
	{ "\xc3\x9f", "SS", "i", 1 },
	{ "ss", "\xc3\x9f", "i", 1 },
	{ "\t", "\\h", NULL, 0 },		/* \h is h here */
	{ "a", "\\h", NULL, 0 },
	{ "a", "\\H", NULL, 0 },
	{ "\v", "\\v", NULL, 0 },
	{ "\xc3\xa9", "\\pL", NULL, 0 },	/* \pL without braces */
	{ "\xc3\xa9", "\\p{L}", NULL, 1 },
	{ "A", "[[:lower:]]", "i", 1 },
	{ "a\xcc\x81", "^\\w+$", NULL, 1 },	/* a + combining acute */
	{ "\xcc\x81", "\\w", NULL, 1 },
	{ "\xe2\x85\xab", "[[:alpha:]]", NULL, 1 },	/* roman numeral XII */
	{ "K", "\xe2\x84\xaa", "i", 1 },	/* Kelvin sign */
	{ "a\nb", "^b", NULL, 0 },
	{ "a\nb", "a.b", NULL, 0 },
	{ "a\nb", "a.b", "m", 1 },
	{ "a\nb", "a.b", "s", 0 },
	{ "a\nb", "a.b", "p", 1 },
	{ "ab", "a b", "x", 1 },
	{ "\xd9\xa3", "\\d", NULL, 1 },		/* Arabic-Indic three */
	{ "\xd9\xa3", "[0-9]", NULL, 0 },
	{ "\xc2\xa0", "\\s", NULL, 1 },
	{ "ab", "(?i)A", NULL, 1 },
	{ "A", "a", "gixmsplnn", 1 },
	{ "", "", NULL, 1 },
	{ "", "", "n", 0 },
	{ "x\0y", "x.y", NULL, 1 },
};

static void
test_cases(void)
{
	struct rt_buf why = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		size_t sn = strlen(c->s);
		struct rt_jqre *re;

		if (i == sizeof cases / sizeof cases[0] - 1)
			sn = 3;		/* the NUL inside */
		re = rt_jqre_new(c->re, strlen(c->re), c->flags,
		    c->flags ? strlen(c->flags) : 0, &why);
		ok(re != NULL && rt_jqre_test(re, c->s, sn) == c->want,
		    "case %zu: test(\"%s\"; %s) is %d", i, c->re,
		    c->flags ? c->flags : "null", c->want);
		rt_jqre_free(re);
	}
	rt_buf_release(&why);
}

static void
test_errors(void)
{
	struct rt_buf why = RT_BUF_INIT;
	struct rt_jqre *re;
	char s[64];

	ok(rt_jqre_flags_ok("gixmsplnn", 9), "jq's modifiers");
	ok(!rt_jqre_flags_ok("q", 1) && !rt_jqre_flags_ok("I", 1) &&
	    !rt_jqre_flags_ok("i ", 2), "others are not");
	re = rt_jqre_new("(", 1, NULL, 0, &why);
	ok(re == NULL && strcmp(rt_buf_cstr(&why),
	    "end pattern with unmatched parenthesis") == 0,
	    "a bad pattern: Oniguruma's words (%s)", rt_buf_cstr(&why));
	/* One attempt over Oniguruma's own cap: jq's error. */
	re = rt_jqre_new("(x+x+)+y", 8, NULL, 0, &why);
	memset(s, 'x', 30);
	ok(rt_jqre_test(re, s, 30) == RT_JQRE_ERROR &&
	    strcmp(rt_jqre_errmsg(re),
	    "Regex failure: retry-limit-in-match over") == 0,
	    "catastrophic backtracking: jq's error (%s)", rt_jqre_errmsg(re));
	/* Many cheaper attempts over the cap of the whole search. */
	rt_jqre_set_steps(100000);
	ok(rt_jqre_test(re, s, 21) == RT_JQRE_OVER, "over the step cap");
	rt_jqre_set_steps(0);
	ok(rt_jqre_test(re, s, 21) == RT_JQRE_NOMATCH, "no cap: no match");
	rt_jqre_set_steps(RT_JQRE_SEARCH_STEPS);
	ok(strcmp(rt_jqre_over_msg(),
	    "Regex failure: retry-limit-in-search over") == 0,
	    "libjq's message over the cap");
	rt_jqre_free(re);
	rt_buf_release(&why);
}

int
main(void)
{
	test_cases();
	test_errors();
	return done_testing();
}
