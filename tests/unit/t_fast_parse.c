/*
 * t_fast_parse.c - the parser of rt-classify's fast path
 * (lib/fast_parse.c): which conditions compile into a tree and which are
 * libjq's (NULL), with the exact top-level fields each reads; the depth
 * and height limits (no stack overflow on deep input); and a seeded
 * generator of token soup from the subset's own tokens: whatever the
 * parser accepts, libjq must compile too (jqref.h), and give the same
 * answer on a few records (precedence and associativity as jq's).
 * Trees freed on every error path are checked by the sanitizer build.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fast.h"
#include "jqref.h"
#include "json.h"
#include "tap.h"

static const struct {
	const char *cond;
	int compiles;
	const char *fields;	/* joined by ',' */
} cases[] = {
	{ ".a == 1", 1, "a" },
	{ ".a.b == .c", 1, "a,c" },
	{ ".a | .b == 1", 1, "a" },
	{ "(.a | .b) and .c", 1, "a,c" },
	{ ".[\"x y\"] == 1", 1, "x y" },
	{ ".\"q\" == 1", 1, "q" },
	{ ".[\"\\u0041\"]", 1, "A" },
	{ ".a == 1 and .a == 2 or .b", 1, "a,b" },
	{ "has(\"a\")", 1, "" },
	{ ". | .a", 1, "" },
	{ "# a comment\n.a # and another\n", 1, "a" },
	{ ".a[0] == 1", 1, "a" },
	{ ".[0]", 1, "" },
	{ ".", 1, "" },
	{ "  .a  ", 1, "a" },
	{ ".a_1 == .B2", 1, "a_1,B2" },
	{ ".a // .b // .c", 1, "a,b,c" },
	{ "-.a", 1, "a" },
	{ "- - 1", 1, "" },
	{ "true", 1, "" },
	{ "null | not", 1, "" },
	{ "\"abc\" | length == 3", 1, "" },
	{ ".a | test(\"^x\"; \"ix\")", 1, "a" },
	{ ".a | test(\"x\"; null)", 1, "a" },
	{ ".a | IN(1, \"x\", null, true, -2.5)", 1, "a" },
	{ ".a | startswith(\"\")", 1, "a" },
	{ "1e3 > 2.5e-1", 1, "" },
	{ ".a==1and.b==2", 1, "a,b" },
	{ "-true", 1, "" },
	{ ". [0]", 1, "" },
	{ ".[\"a\"][\"b\"]", 1, "a" },
	{ ".a[0][1]", 1, "a" },
	{ "\"x\"[0]", 1, "" },
	{ "(.a)[0]", 1, "a" },
	{ ".a.\"b\"", 1, "a" },
	/* libjq's. */
	{ "", 0, NULL },
	{ "(", 0, NULL },
	{ ".a)", 0, NULL },
	{ ".a ==", 0, NULL },
	{ ".a[]", 0, NULL },
	{ ".a?", 0, NULL },
	{ ".a as $x | $x", 0, NULL },
	{ "$x", 0, NULL },
	{ ".a, .b", 0, NULL },
	{ ".a |= 1", 0, NULL },
	{ ".a = 1", 0, NULL },
	{ ".a += 1", 0, NULL },
	{ ".a -= 1", 0, NULL },
	{ ".a //= 1", 0, NULL },
	{ ".a % 2", 0, NULL },
	{ "..", 0, NULL },
	{ ".5 == .5", 0, NULL },
	{ "\"\\(.a)\"", 0, NULL },
	{ "\"\\q\"", 0, NULL },
	{ "\"open", 0, NULL },
	{ "map(.a)", 0, NULL },
	{ "length(1)", 0, NULL },
	{ "not(.a)", 0, NULL },
	{ "test(.a)", 0, NULL },
	{ "test(1)", 0, NULL },
	{ "test(\"[\")", 0, NULL },
	{ "test(\"a\"; \"q\")", 0, NULL },
	{ "test(\"a\"; 1)", 0, NULL },
	{ "IN(.a)", 0, NULL },
	{ "IN()", 0, NULL },
	{ "has(.a)", 0, NULL },
	{ "startswith(.a)", 0, NULL },
	{ "1 < 2 < 3", 0, NULL },
	{ "if .a then 1 else 2 end", 0, NULL },
	{ "truex", 0, NULL },
	{ "nan", 0, NULL },
	{ "1.5.3", 0, NULL },
	{ "1e", 0, NULL },
	{ "[1]", 0, NULL },
	{ "{}", 0, NULL },
	{ ".a[-]", 0, NULL },
	{ ".[true]", 0, NULL },
	/* jq 1.6 has ".[k]" after the dot only. */
	{ ".a.[0]", 0, NULL },
	{ ". .[0]", 0, NULL },
	{ "\"x\" .[0]", 0, NULL },
	{ "(.a).[0]", 0, NULL },
	{ ".[\"a\"].[\"b\"]", 0, NULL },
};

/* s for a TAP line: a newline shown as "\\n". */
static const char *
oneline(const char *s)
{
	static char b[128];
	size_t j = 0;

	for (; *s && j + 3 < sizeof b; s++) {
		if (*s == '\n') {
			b[j++] = '\\';
			b[j++] = 'n';
		} else {
			b[j++] = *s;
		}
	}
	b[j] = '\0';
	return b;
}

static void
test_cases(void)
{
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char **f = NULL;
		int nf = 0;
		struct rt_fnode *t = rt_fast_compile(cases[i].cond,
		    strlen(cases[i].cond), &f, &nf);

		b.len = 0;
		for (int j = 0; j < nf; j++)
			rt_buf_printf(&b, "%s%s", j ? "," : "", f[j]);
		if (cases[i].compiles) {
			ok(t != NULL && strcmp(rt_buf_cstr(&b),
			    cases[i].fields) == 0, "compiles: '%s', fields '%s'",
			    oneline(cases[i].cond), cases[i].fields);
			ok(jqref_compile(cases[i].cond), "  libjq compiles it");
		} else
			ok(t == NULL, "libjq's: '%s'", oneline(cases[i].cond));
		if (t == NULL && cases[i].compiles)
			diag("not compiled");
		else if (cases[i].compiles && strcmp(b.p ? b.p : "",
		    cases[i].fields) != 0)
			diag("fields '%s'", b.p);
		rt_fast_free(t);
		for (int j = 0; j < nf; j++)
			free(f[j]);
		free(f);
	}
	/* The length given is the condition: a NUL ends nothing, bytes
	 * after n are not read. */
	{
		struct rt_fnode *t = rt_fast_compile(".a == 1 and .b", 7, NULL,
		    NULL);

		ok(t != NULL, "only the first n bytes are the condition");
		rt_fast_free(t);
		t = rt_fast_compile(".a == 1\0.b", 10, NULL, NULL);
		ok(t == NULL, "a NUL byte inside: not compiled");
		rt_fast_free(t);
	}
	rt_buf_release(&b);
}

static struct rt_fnode *
compile_rep(const char *pre, const char *mid, const char *post, int n,
    struct rt_buf *b)
{
	b->len = 0;
	for (int i = 0; i < n; i++)
		rt_buf_adds(b, pre);
	rt_buf_adds(b, mid);
	for (int i = 0; i < n; i++)
		rt_buf_adds(b, post);
	return rt_fast_compile(b->p, b->len, NULL, NULL);
}

static void
test_limits(void)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_fnode *t;

	t = compile_rep("(", "1", ")", 200, &b);
	ok(t != NULL, "200 parentheses deep: compiled");
	rt_fast_free(t);
	t = compile_rep("(", "1", ")", 201, &b);
	ok(t == NULL, "201 deep: libjq's");
	t = compile_rep("(", "1", ")", 200000, &b);
	ok(t == NULL, "200000 deep: libjq's, no stack overflow");
	t = compile_rep("-", "1", "", 200000, &b);
	ok(t == NULL, "200000 minus signs: libjq's");
	t = compile_rep("1 // ", "1", "", 200000, &b);
	ok(t == NULL, "200000 alternatives: libjq's");
	t = compile_rep(".a | ", ".a", "", 200000, &b);
	ok(t == NULL, "200000 pipes: libjq's");
	t = compile_rep(".a + ", ".a", "", 900, &b);
	ok(t != NULL, "a sum of 901 terms: compiled");
	rt_fast_free(t);
	t = compile_rep(".a + ", ".a", "", 1000, &b);
	ok(t == NULL, "a sum of 1001 terms (a tree over 1000 high): libjq's");
	t = compile_rep("", ".a", ".b", 1000, &b);
	ok(t == NULL, "a path 1001 keys long: libjq's");
	rt_buf_release(&b);
}

/* ---- token soup ------------------------------------------------------ */

static struct rt_jdoc doc;
static struct rt_buf sc, fmsg, jmsg;

static int
fast_run(const struct rt_fnode *t, const char *rec)
{
	struct rt_fast_ev e;

	rt_jdoc_parse(&doc, rec, strlen(rec));
	sc.len = 0;
	rt_buf_reserve(&sc, doc.len * 2 + 256);
	memset(&e, 0, sizeof e);
	e.d = &doc;
	e.sc = &sc;
	e.msg = &fmsg;
	fmsg.len = 0;
	return rt_fast_run(&e, t);
}

static void
test_soup(void)
{
	static const char *const tok[] = { ".a", ".b", ".", "1", "2", "0.5",
	    "\"x\"", "\"1\"", "null", "true", "false", "+", "-", "*", "/", "==",
	    "!=", "<", ">=", "and", "or", "//", "|", "(", ")", "(", ")", "not",
	    "length", "type", "ascii_downcase", "has(\"a\")", "IN(1, \"x\")",
	    "startswith(\"x\")", "test(\"x\")", ".[0]", "[0]", ".a.b", "-",
	    "%", ",", "?", "=", "as" };
	static const char *const recs[] = { "{\"a\":1,\"b\":2}",
	    "{\"a\":\"x\",\"b\":null}", "{\"a\":{\"b\":[3]},\"b\":true}" };
	const size_t ntok = sizeof tok / sizeof tok[0];
	struct rt_buf b = RT_BUF_INIT;
	uint64_t seed = 7;
	int accepted = 0, jqrefused = 0, folded = 0, differ = 0, compared = 0;

	for (int i = 0; i < 12000; i++) {
		int n = 1 + (int)(tap_xorshift(&seed) % 7);
		struct rt_fnode *t;

		b.len = 0;
		for (int j = 0; j < n; j++) {
			if (j && tap_xorshift(&seed) % 3)
				rt_buf_addc(&b, ' ');
			rt_buf_adds(&b, tok[tap_xorshift(&seed) % ntok]);
		}
		t = rt_fast_compile(b.p, b.len, NULL, NULL);
		if (t == NULL)
			continue;
		accepted++;
		if (!jqref_compile(rt_buf_cstr(&b))) {
			/* jq folds constant arithmetic, and refuses a
			 * literal divided by a literal 0. */
			if (strchr(b.p, '/') != NULL)
				folded++;
			else if (jqrefused++ < 5)
				diag("jq refuses '%s'", b.p);
			rt_fast_free(t);
			continue;
		}
		for (size_t r = 0; r < 3; r++) {
			int got = fast_run(t, recs[r]), jq;

			if (got == RT_FAST_SLOW)
				continue;
			compared++;
			jq = jqref_run(recs[r], &jmsg);
			if (jq != got || (got == RT_FAST_ERROR &&
			    (jmsg.len != fmsg.len || memcmp(jmsg.p, fmsg.p,
			    fmsg.len) != 0))) {
				if (differ++ < 5)
					diag("'%s' on %s: fast %d, jq %d", b.p,
					    recs[r], got, jq);
			}
		}
		rt_fast_free(t);
	}
	diag("%d of 12000 accepted, %d compared, %d with a '/' jq refuses",
	    accepted, compared, folded);
	ok(accepted > 600, "the soup gives conditions in the subset (%d)",
	    accepted);
	ok(jqrefused == 0, "whatever the parser accepts, libjq compiles");
	ok(differ == 0, "and gives the same answer (%d of %d differ)", differ,
	    compared);
	rt_buf_release(&b);
}

int
main(void)
{
	jqref_init();
	rt_jdoc_init(&doc, 0);
	test_cases();
	test_limits();
	test_soup();
	rt_jdoc_release(&doc);
	rt_buf_release(&sc);
	rt_buf_release(&fmsg);
	rt_buf_release(&jmsg);
	jqref_done();
	return done_testing();
}
