/*
 * t_rule.c - the rules engine: the fast path against libjq on the same
 * conditions and records (jq 1.6's NaN order, duplicate keys, typed
 * errors), the budget halting libjq and leaving its state usable, the
 * environment hidden, NUL bytes refused; the file's syntax parsed alone.
 */
#include "rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fast.h"
#include "jqb.h"
#include "tap.h"

static char dir[] = "/tmp/t_rule.XXXXXX";

/* Rules file text into dir/name; returns its path (static). */
static const char *
rules_file(const char *name, const char *text, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fwrite(text, 1, n, f);
	fclose(f);
	return path;
}

/* Outcomes of every rule of text on record rec, as "tfe" letters (and
 * "o" over the budget), with both paths; *msg0 the first error's. */
static void
outcomes(const char *text, const char *rec, int no_fast, char *out,
    struct rt_buf *msgs, int64_t budget_ms)
{
	struct rt_rule_opts o;
	struct rt_rules rs;
	struct rt_buf err = RT_BUF_INIT;
	struct rt_jdoc d;
	unsigned char res[32];

	rt_rule_opts_init(&o);
	rt_rule_opts_done(&o, 1);
	o.no_fast = no_fast;
	o.max_eval_us = budget_ms * 1000;
	if (rt_rules_load(&rs, rules_file("r", text, strlen(text)), &o,
	    &err) != 0) {
		snprintf(out, 8, "load");
		diag("%s", rt_buf_cstr(&err));
		rt_buf_release(&err);
		return;
	}
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	rt_rules_eval(&rs, &d, res);
	for (size_t i = 0; i < rs.n; i++) {
		out[i] = "tfeo"[res[i] == RT_RULE_TRUE ? 0 : res[i] ==
		    RT_RULE_FALSE ? 1 : res[i] == RT_RULE_ERROR ? 2 : 3];
		if (res[i] == RT_RULE_ERROR && msgs) {
			rt_buf_adds(msgs, rt_rules_errmsg(&rs, i));
			rt_buf_addc(msgs, '|');
		}
	}
	out[rs.n] = '\0';
	rt_jdoc_release(&d);
	rt_rules_free(&rs);
}

/* Both paths agree, and give want. */
static void
agree(const char *text, const char *rec, const char *want, const char *what)
{
	char fast[32], slow[32];
	struct rt_buf mf = RT_BUF_INIT, ms = RT_BUF_INIT;

	outcomes(text, rec, 0, fast, &mf, 0);
	outcomes(text, rec, 1, slow, &ms, 0);
	ok(strcmp(fast, want) == 0 && strcmp(slow, want) == 0 &&
	    strcmp(rt_buf_cstr(&mf), rt_buf_cstr(&ms)) == 0,
	    "%s: fast %s, libjq %s, want %s", what, fast, slow, want);
	if (strcmp(rt_buf_cstr(&mf), rt_buf_cstr(&ms)) != 0)
		diag("messages: '%s' and '%s'", rt_buf_cstr(&mf),
		    rt_buf_cstr(&ms));
	rt_buf_release(&mf);
	rt_buf_release(&ms);
}

static void
test_semantics(void)
{
	agree("a 1 .a * 10 - .a * 10 < 0\nb 1 (.a*10-.a*10) == (.a*10-.a*10)\n"
	    "c 1 (.a*10-.a*10) <= (.a*10-.a*10)\nd 1 0 > .a*10-.a*10\n",
	    "{\"a\":1e308}", "tftt", "NaN below numbers and itself");
	agree("a 1 length == 2\nb 1 .k == 2\nc 1 (.o|length) == 1\n",
	    "{\"k\":1,\"k\":2,\"o\":{\"x\":1,\"\\u0078\":2}}", "ttt",
	    "duplicate keys");
	agree("a 1 .s | test(\"\xc3\x9f\"; \"i\")\nb 1 .s | test(\"\\\\h\")\n",
	    "{\"s\":\"SS\"}", "tf", "jq's regexes");
	agree("a 1 .s + 1 > 0\nb 1 .n.x\nc 1 -.s\nd 1 .s | test(\"a\")\n"
	    "e 1 .o | has(1)\nf 1 .n / 0\ng 1 .t | length\n",
	    "{\"s\":\"x\",\"n\":1,\"o\":{},\"t\":true}", "eeefeee",
	    "errors, same words");
	agree("a 1 .x[1.5] == null\nb 1 .x | has(-0.5)\nc 1 .x[-1] == 3\n"
	    "d 1 .y | has(-0.5)\ne 1 .x | has(2.9)\nf 1 .x | has(3)\n",
	    "{\"x\":[1,2,3],\"y\":[]}", "tttftf",
	    "indexes as jq truncates them");
	/* jq names a key only when shorter than 30 bytes (fuzz_rule). */
	agree("a 1 .s.wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwnd\n"
	    "b 1 .s.wwwwwwwwwwwwwwwwwwwwwwwwwwwww\n", "{\"s\":\"x\"}", "ee",
	    "a long key");
	/* Unary minus takes the product after it, as in jq's grammar (a
	 * fast path that bound it tighter said -1 and "cannot be
	 * negated"). */
	agree("a 1 .a / -.b / .c == -4\nb 1 -.a * .b + .c == -30\n"
	    "c 1 .a - -.b - .c == 10\nd 1 (-.s / .) == 1\ne 1 -.s * 2\n",
	    "{\"a\":8,\"b\":4,\"c\":2,\"s\":\"x\"}", "tttee",
	    "unary minus");
}

static void
test_budget(void)
{
	char out[32];
	struct timespec t0, t1;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	outcomes("a 1 .n > 0\nb 1 last(range(1e9)) > 0\nc 1 true\n",
	    "{\"n\":1}", 0, out, NULL, 50);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(out[1] == 'o' && s < 2, "over the budget: %s in %.2fs", out, s);
	/* The state after a halt serves the next record. */
	outcomes("a 1 [limit(.n; repeat(1))] | length > 0\n", "{\"n\":1e12}",
	    0, out, NULL, 30);
	ok(strcmp(out, "o") == 0, "repeat: %s", out);
	outcomes("a 1 [limit(.n; repeat(1))] | length > 0\n", "{\"n\":3}",
	    0, out, NULL, 30);
	ok(strcmp(out, "t") == 0, "then a record within it: %s", out);
	outcomes("a 1 (\"x\" * .n | length) > 0\n", "{\"n\":100000000}", 0,
	    out, NULL, 1000);
	ok(strcmp(out, "o") == 0, "string repetition bounded: %s", out);
}

static void
test_env_nul(void)
{
	struct rt_rule_opts o;
	struct rt_rules rs;
	struct rt_buf err = RT_BUF_INIT;
	char out[32];

	setenv("T_RULE_SECRET", "s3", 1);
	outcomes("a 1 $ENV.T_RULE_SECRET == \"s3\"\nb 1 env.T_RULE_SECRET\n",
	    "{}", 1, out, NULL, 0);
	ok(strcmp(out, "ff") == 0, "the environment hidden: %s", out);
	rt_rule_opts_init(&o);
	rt_rule_opts_done(&o, 0);
	ok(o.env == 1, "not sandboxed: the environment is there");
	ok(rt_rules_load(&rs, rules_file("n", "a 1 .a\0 == 1\n", 13), &o,
	    &err) == -1 && strstr(rt_buf_cstr(&err), "/n:1: NUL byte") != NULL,
	    "NUL byte: %s", rt_buf_cstr(&err));
	rt_buf_release(&err);
}

/* rt_rules_parse: the file's syntax, nothing compiled. */
static void
test_parse(void)
{
	static const char text[] = "# comment\nbig 50 .a > 1 and\n  .b\n"
	    "\nbad 1 (((\n";
	static const char nd[] = "{\"name\":\"x\",\"score\":2.5,"
	    "\"when\":\".s | test(\\\"a\\\")\"}\n";
	struct rt_rules rs;
	struct rt_buf err = RT_BUF_INIT;
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");

	ok(rt_rules_parse(&rs, f, "t", &err) == 0 && rs.n == 2,
	    "parse: two rules, the one that would not compile too");
	ok(rs.n == 2 && strcmp(rs.r[0].name, "big") == 0 &&
	    rs.r[0].score == 50 && rs.r[0].line == 2 &&
	    strcmp(rs.r[1].cond, "(((") == 0 && rs.r[0].fast == NULL &&
	    rs.jq == NULL, "parse: names, scores, lines; nothing compiled");
	rt_rules_free(&rs);
	fclose(f);
	f = fmemopen((void *)nd, sizeof nd - 1, "r");
	ok(rt_rules_parse(&rs, f, "t", &err) == 0 && rs.n == 1 &&
	    rs.r[0].score == 2.5 && strcmp(rs.r[0].cond, ".s | test(\"a\")")
	    == 0, "parse: the NDJSON form");
	rt_rules_free(&rs);
	fclose(f);
	f = fmemopen((void *)"  .a\n", 5, "r");
	ok(rt_rules_parse(&rs, f, "t", &err) == -1 && strstr(rt_buf_cstr(&err),
	    "t:1: a continuation line without a rule") != NULL,
	    "parse: a syntax error: %s", rt_buf_cstr(&err));
	fclose(f);
	rt_buf_release(&err);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 2;
	test_semantics();
	test_budget();
	test_env_nul();
	test_parse();
	rt_jqb_shutdown();
	unlink(rules_file("r", "", 0));
	unlink(rules_file("n", "", 0));
	rmdir(dir);
	return done_testing();
}
