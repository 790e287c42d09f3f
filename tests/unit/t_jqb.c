/*
 * t_jqb.c - the bridge to libjq (lib/jqb.c): conditions checked (jq's
 * complaint, one line, without its prefix), ~/.jq never read; programs of
 * several conditions run on records with each outcome (true when some
 * output is, false, error, skipped) and the errors worded without record
 * content; the prelude (halt, input, debug, stderr); $ENV hidden; object
 * keys named only when asked; the budget (a timer, the bounded builtins)
 * and the run after it; records turned into jv from a parsed document
 * and from text, compared over a seeded generator of records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jqb.h"
#include "jqmsg.h"
#include "json.h"
#include "tap.h"

static char home[] = "/tmp/t_jqb.XXXXXX";
static char dotjq[64];

static void
test_check(void)
{
	static const struct {
		const char *cond;
		int rc;
		const char *why;
	} t[] = {
		{ ".a == 1", 0, "" },
		{ ".a | test(\"x\") and (.b // 0) > 1", 0, "" },
		/* jq's words, though the ')' is the wrapping's. */
		{ ".a ==", -1, "syntax error, unexpected ')'" },
		{ "(.a", -1, "syntax error, unexpected $end" },
		{ ".a == 1 # a comment", 0, "" },
		{ "foo", -1, "foo/0 is not defined" },
		{ "fromdate(1; 2)", -1, "fromdate/2 is not defined" },
		{ "$x", -1, "$x is not defined" },
		{ "", -1, "syntax error, unexpected ')'" },
	};
	struct rt_buf why = RT_BUF_INIT;
	const char *all[3] = { ".a", ".b == 2", "has(\"c\")" };
	size_t lens[3] = { 2, 7, 8 };

	ok(!rt_jqb_active(), "no jq state before the first use");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc;

		why.len = 0;
		rc = rt_jqb_check(t[i].cond, strlen(t[i].cond), &why);
		ok(rc == t[i].rc && strcmp(rt_buf_cstr(&why), t[i].why) == 0,
		    "check '%s': %d '%s'", t[i].cond, t[i].rc, t[i].why);
		if (rc != t[i].rc || strcmp(rt_buf_cstr(&why), t[i].why) != 0)
			diag("got %d '%s'", rc, why.p);
	}
	ok(rt_jqb_active(), "a check made the jq state");
	ok(rt_jqb_check_all(all, lens, 3) == 0, "check_all: three good ones");
	all[1] = ".b ==";
	lens[1] = 5;
	ok(rt_jqb_check_all(all, lens, 3) == -1, "check_all: one bad");
	/* ~/.jq is not imported. */
	why.len = 0;
	ok(rt_jqb_check("rt_t_home == 1", 14, &why) == -1 &&
	    strcmp(rt_buf_cstr(&why), "rt_t_home/0 is not defined") == 0,
	    "a definition in ~/.jq is not seen");
	if (why.p == NULL || strcmp(why.p, "rt_t_home/0 is not defined"))
		diag("why '%s'", rt_buf_cstr(&why));
	rt_buf_release(&why);
}

#define TR RT_JQB_TRUE
#define FA RT_JQB_FALSE
#define ER RT_JQB_ERROR
#define SK RT_JQB_SKIP
#define OV RT_JQB_OVER

/* Run conds on rec; the outcomes as letters ("tfe-o") and the worded
 * errors joined by '|' into msgs. */
static size_t
run(const char *const *conds, size_t n, unsigned flags, const char *rec,
    const unsigned char *want, char *res, struct rt_buf *msgs)
{
	static const char letter[] = "tfe-o";
	size_t lens[16], nerr;
	unsigned char r[16];
	struct rt_jqb_prog *p;

	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(conds[i]);
	p = rt_jqb_prog_new(conds, lens, n, flags);
	nerr = rt_jqb_run(p, rt_jqb_from_text(rec, strlen(rec)), want, r);
	msgs->len = 0;
	for (size_t i = 0; i < n; i++) {
		res[i] = r[i] <= OV ? letter[r[i] == TR ? 0 : r[i] == FA ? 1 :
		    r[i] == ER ? 2 : r[i] == SK ? 3 : 4] : '?';
		if (r[i] == ER) {
			size_t ml;
			const char *m = rt_jqb_errmsg(p, i, &ml);

			rt_buf_add(msgs, m, ml);
			rt_buf_addc(msgs, '|');
		}
	}
	res[n] = '\0';
	rt_buf_cstr(msgs);
	rt_jqb_prog_free(p);
	return nerr;
}

static void
test_run(void)
{
	static const char *const c1[] = { ".a == 1", ".a | error(\"4111\")",
	    ".b[]", "empty", ".a > 5", ".a + .c", "halt", "input",
	    "debug | stderr | .a == 1", ".b | length == 3" };
	static const unsigned char want[] = { 1, 0, 1, 0, 1, 0, 1, 1, 0, 1 };
	struct rt_buf msgs = RT_BUF_INIT;
	char res[17];
	size_t ne;

	ne = run(c1, 10, 0, "{\"a\":1,\"b\":[false,null,2],\"c\":\"4111\"}",
	    NULL, res, &msgs);
	is_str(res, "tetffeeett", "ten conditions: each outcome");
	ok(ne == 4, "  four errors counted (%zu)", ne);
	is_str(msgs.p, RT_JQMSG_OWN "|number (...) and string (...) cannot be "
	    "added|halt is not available in rules|input is not available in "
	    "rules|", "  worded without the record's content");
	ne = run(c1, 10, 0, "{\"a\":1,\"b\":[false,null,2],\"c\":\"4111\"}",
	    want, res, &msgs);
	is_str(res, "t-t-f-ee-t", "  only those wanted; the others skipped");
	ok(ne == 2, "  two errors among them");

	/* A condition that is true at its second output stops there. */
	{
		static const char *const c[] = {
		    "(.a, error(\"x\")) | . == 2", "(2, error(\"x\")) | . == 2" };

		run(c, 2, 0, "{\"a\":1}", NULL, res, &msgs);
		is_str(res, "et", "an error before a true output, and after");
	}
	/* $ENV and env. */
	{
		static const char *const c[] = { "$ENV | length == 0",
		    "env | length == 0", "$ENV.PATH != null" };

		run(c, 3, RT_JQB_NO_ENV, "{}", NULL, res, &msgs);
		is_str(res, "ttf", "RT_JQB_NO_ENV: $ENV and env are {}");
		run(c, 3, 0, "{}", NULL, res, &msgs);
		is_str(res, "fft", "without it: the environment");
	}
	/* Keys named only with RT_JQB_KEYS. */
	{
		static const char *const c[] = { ".a.card" };

		run(c, 1, 0, "{\"a\":5}", NULL, res, &msgs);
		is_str(msgs.p, "Cannot index number with string \"...\"|",
		    "an object key is hidden");
		run(c, 1, RT_JQB_KEYS, "{\"a\":5}", NULL, res, &msgs);
		is_str(msgs.p, "Cannot index number with string \"card\"|",
		    "RT_JQB_KEYS: named");
	}
	/* A condition that does not compile: every run an error. */
	{
		static const char *const c[] = { ".a == 1", ".b ==" };

		ne = run(c, 2, 0, "{\"a\":1}", NULL, res, &msgs);
		ok(ne == 2 && res[0] == 'e' && res[1] == 'e',
		    "a program that does not compile: errors (%s)", res);
	}
	rt_buf_release(&msgs);
}

static void
test_budget(void)
{
	static const char *const c[] = { ".a == 1",
	    "[range(100000000)] | length > 0", ".a == 1" };
	static const char *const b[] = { "\"x\" * 20000000 | length > 0",
	    "\"x\" * 1000 | length == 1000", "[] | .[20000000] = 1 | true",
	    "try (\"xx\" * 10000000) catch . == \"" RT_JQB_OVER_MSG "\"" };
	struct rt_buf msgs = RT_BUF_INIT;
	char res[8];

	rt_jqb_set_budget(50000);
	run(c, 3, RT_JQB_BOUNDED, "{\"a\":1}", NULL, res, &msgs);
	is_str(res, "to-", "over the budget: that one over, the rest skipped");
	run(c, 1, RT_JQB_BOUNDED, "{\"a\":1}", NULL, res, &msgs);
	is_str(res, "t", "the next run starts afresh");
	/* The prelude's error, not caught, is over the budget too. */
	run(b, 4, RT_JQB_BOUNDED, "{}", NULL, res, &msgs);
	is_str(res, "o---", "a string repeated too long: over");
	run(b + 1, 3, RT_JQB_BOUNDED, "{}", NULL, res, &msgs);
	is_str(res, "to-", "a short one is fine; a far index: over");
	run(b + 3, 1, RT_JQB_BOUNDED, "{}", NULL, res, &msgs);
	is_str(res, "t", "the prelude's error can be caught");
	rt_jqb_set_budget(0);
	run(b, 1, 0, "{}", NULL, res, &msgs);
	is_str(res, "t", "no budget, not bounded: a big string is made");
	rt_buf_release(&msgs);
}

static uint64_t seed = 99;

static void
gen_value(struct rt_buf *b, int depth)
{
	static const char *const sc[] = { "0", "-1.5", "1e400", "-0", "12e-3",
	    "\"\"", "\"a\\\"b\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"",
	    "\"a\\u0000b\"", "true", "false", "null", "123456789012345678901" };
	unsigned k = (unsigned)(tap_xorshift(&seed) % (depth > 2 ? 14 : 18));

	if (k < 14) {
		rt_buf_adds(b, sc[k]);
		return;
	}
	int n = (int)(tap_xorshift(&seed) % 4);

	rt_buf_addc(b, k < 16 ? '[' : '{');
	for (int i = 0; i < n; i++) {
		if (i)
			rt_buf_addc(b, ',');
		if (k >= 16)
			rt_buf_printf(b, "\"%c\":", (char)('a' +
			    tap_xorshift(&seed) % 3));
		gen_value(b, depth + 1);
	}
	rt_buf_addc(b, k < 16 ? ']' : '}');
}

static void
test_from(void)
{
	struct rt_buf b = RT_BUF_INIT, tmp = RT_BUF_INIT;
	struct rt_jdoc d;
	int bad = 0;
	jv v;

	rt_jdoc_init(&d, 0);
	for (int i = 0; i < 3000; i++) {
		b.len = 0;
		gen_value(&b, 0);
		if (rt_jdoc_parse(&d, b.p, b.len) != 0) {
			bad++;
			continue;
		}
		if (!jv_equal(rt_jqb_from_doc(&d, 0, &tmp),
		    rt_jqb_from_text(b.p, b.len))) {
			if (bad++ < 3)
				diag("differ: %s", rt_buf_cstr(&b));
		}
	}
	ok(bad == 0, "3000 random values: from the document as from the text");
	v = rt_jqb_from_text("{\"a\":1", 6);
	ok(!jv_is_valid(v) && jv_invalid_has_msg(jv_copy(v)),
	    "from_text of a cut document: invalid, with a message");
	jv_free(v);
	v = rt_jqb_from_text("1 2", 3);
	ok(!jv_is_valid(v), "from_text of two values: invalid");
	jv_free(v);
	rt_jdoc_parse(&d, "{\"a\":[1,{\"b\":2}]}", 17);
	v = rt_jqb_from_doc(&d, 2, &tmp);
	ok(jv_equal(v, jv_parse("[1,{\"b\":2}]")), "from_doc of a node inside");
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	rt_buf_release(&tmp);
}

int
main(void)
{
	FILE *f;

	if (mkdtemp(home) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(dotjq, sizeof dotjq, "%s/.jq", home);
	if ((f = fopen(dotjq, "w")) != NULL) {
		fputs("def rt_t_home: 1;\n", f);
		fclose(f);
	}
	setenv("HOME", home, 1);
	test_check();
	test_run();
	test_budget();
	test_from();
	rt_jqb_shutdown();
	ok(!rt_jqb_active(), "shut down: no jq state");
	unlink(dotjq);
	rmdir(home);
	return done_testing();
}
