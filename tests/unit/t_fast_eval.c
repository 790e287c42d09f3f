/*
 * t_fast_eval.c - the evaluator of rt-classify's fast path
 * (lib/fast_eval.c): a table of conditions and records with the exact
 * outcome and the worded error, each row checked against libjq too; the
 * cases handed to libjq (RT_FAST_SLOW); the per-record field cache
 * (rt_fast_slots, rt_fset_find) giving what the plain lookup gives;
 * rt_fast_quick agreeing with rt_fast_run; and a seeded generator of
 * conditions inside the subset, run on random records, where every
 * outcome the fast path decides must be libjq's (jqref.h), message
 * included.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fast.h"
#include "field.h"
#include "jqref.h"
#include "json.h"
#include "tap.h"

#define T RT_FAST_TRUE
#define F RT_FAST_FALSE
#define E RT_FAST_ERROR
#define S RT_FAST_SLOW

/* A compiled condition with its field cache. */
struct fx {
	struct rt_fnode *t;
	char **fields;
	int nfields;
	struct rt_fset fs;
};

static struct rt_jdoc doc;
static struct rt_buf sc, fmsg, jmsg;
static uint32_t cache[RT_FSET_MAX];
static double num[RT_FSET_MAX];
static uint64_t numgen[RT_FSET_MAX], gen;

static int
fx_compile(struct fx *x, const char *cond)
{
	x->fields = NULL;
	x->nfields = 0;
	x->t = rt_fast_compile(cond, strlen(cond), &x->fields, &x->nfields);
	rt_fset_init(&x->fs);
	if (x->t)
		rt_fast_slots(x->t, &x->fs);
	return x->t != NULL;
}

static void
fx_free(struct fx *x)
{
	rt_fast_free(x->t);
	for (int i = 0; i < x->nfields; i++)
		free(x->fields[i]);
	free(x->fields);
}

/* Evaluate on rec (parsed already into doc), with the field cache or
 * without; the message in fmsg.  *quick: rt_fast_quick's answer. */
static int
fx_run(struct fx *x, int cached, int *quick)
{
	struct rt_fast_ev e;

	sc.len = 0;
	rt_buf_reserve(&sc, doc.len * 2 + 256);
	e.d = &doc;
	e.sc = &sc;
	e.cache = NULL;
	if (cached) {
		rt_fset_find(&x->fs, &doc, cache);
		e.cache = cache;
	}
	e.num = num;
	e.numgen = numgen;
	e.gen = ++gen;
	e.keys = 0;
	e.msg = &fmsg;
	fmsg.len = 0;
	if (quick)
		*quick = rt_fast_quick(&e, x->t);
	sc.len = 0;
	return rt_fast_run(&e, x->t);
}

static const char *const oname[] = { "false", "true", "error", "slow",
    "over" };

static const struct {
	const char *cond, *rec;
	int want;
	const char *msg;
} cases[] = {
	{ ".a == 1", "{\"a\":1}", T, NULL },
	{ ".a == 1", "{\"a\":1.0}", T, NULL },
	{ ".a == 1", "{\"a\":1e0}", T, NULL },
	{ ".a == 1", "{\"a\":\"1\"}", F, NULL },
	{ ".a == \"x\"", "{\"a\":\"\\u0078\"}", T, NULL },
	{ ".a == \"\"", "{\"a\":\"\"}", T, NULL },
	{ ".a == \"a\\u0000b\"", "{\"a\":\"a\\u0000b\"}", T, NULL },
	{ ".a == \"a\"", "{\"a\":\"a\\u0000b\"}", F, NULL },
	{ ".a > 1", "{\"a\":\"2\"}", T, NULL },	/* a string is above */
	{ ".a < 1", "{}", T, NULL },		/* null is below */
	{ ".a < false", "{}", T, NULL },
	{ "false < true", "{}", T, NULL },
	{ ".a < .b", "{\"a\":\"ab\",\"b\":\"b\"}", T, NULL },
	{ ".a < .b", "{\"a\":\"\\u00e9\",\"b\":\"z\"}", F, NULL },
	{ ".a >= -0", "{\"a\":0}", T, NULL },
	{ ".a == 2", "{\"a\":1,\"a\":2}", T, NULL },	/* the last wins */
	{ ".a", "{\"a\":false}", F, NULL },
	{ ".a", "{\"a\":0}", T, NULL },
	{ ".a", "{\"a\":\"\"}", T, NULL },
	{ ".a", "{}", F, NULL },
	{ ".", "{}", T, NULL },
	{ ". == 1", "{}", F, NULL },
	{ ".a + 1 > 1", "{\"a\":null}", F, NULL },
	{ ".a + .b == \"xy\"", "{\"a\":\"x\",\"b\":\"y\"}", T, NULL },
	{ ".a + 1", "{\"a\":\"x\"}", E,
	  "string (...) and number (...) cannot be added" },
	{ ".a / 0", "{\"a\":1}", E, "number (...) and number (...) cannot be "
	  "divided because the divisor is zero" },
	{ ".a - .b", "{\"a\":\"x\",\"b\":[1]}", E,
	  "string (...) and array (...) cannot be subtracted" },
	{ ".a * .b", "{\"a\":true,\"b\":{}}", E,
	  "boolean (...) and object (...) cannot be multiplied" },
	{ ".a / .b", "{\"a\":\"x\",\"b\":1}", E,
	  "string (...) and number (...) cannot be divided" },
	{ ".a.b", "{\"a\":5}", E, "Cannot index number with string \"...\"" },
	{ ".a.abcdefghijklmnopqrstuvwxyz0123", "{\"a\":5}", E,
	  "Cannot index number with string" },
	{ ".a.b", "{\"a\":null}", F, NULL },
	{ ".a[0]", "{\"a\":{}}", E, "Cannot index object with number" },
	{ ".[0]", "{}", E, "Cannot index object with number" },
	{ ".a[0] == 1", "{\"a\":[1,2]}", T, NULL },
	{ ".a[-1] == 2", "{\"a\":[1,2]}", T, NULL },
	{ ".a[-3]", "{\"a\":[1,2]}", F, NULL },
	{ ".a[5]", "{\"a\":[1,2]}", F, NULL },
	{ ".a[0.5]", "{\"a\":[1,2]}", F, NULL },
	{ ".[\"a b\"] == 1", "{\"a b\":1}", T, NULL },
	{ ".\"x\".y == 1", "{\"x\":{\"y\":1}}", T, NULL },
	{ ".a | length == 3", "{\"a\":\"h\\u00e9\\u00e9\"}", T, NULL },
	{ ".a | length == 2", "{\"a\":-2}", T, NULL },
	{ ".a | length == 0", "{}", T, NULL },
	{ ".a | length == 2", "{\"a\":{\"x\":1,\"x\":2,\"y\":3}}", T, NULL },
	{ ".a | length == 3", "{\"a\":[1,[2],{}]}", T, NULL },
	{ ".a | length", "{\"a\":true}", E, "boolean (...) has no length" },
	{ ".a | type == \"array\"", "{\"a\":[]}", T, NULL },
	{ ".a | type == \"boolean\"", "{\"a\":false}", T, NULL },
	{ ".a | type == \"null\"", "{}", T, NULL },
	{ ".a | ascii_downcase == \"abc\\u00c9\"", "{\"a\":\"AbC\\u00c9\"}", T,
	  NULL },
	{ ".a | ascii_upcase", "{\"a\":1}", E, "explode input must be a "
	  "string" },
	{ ".a | test(\"^a.c$\")", "{\"a\":\"abc\"}", T, NULL },
	{ ".a | test(\"B\"; \"i\")", "{\"a\":\"abc\"}", T, NULL },
	{ ".a | test(\"B\")", "{\"a\":\"abc\"}", F, NULL },
	{ ".a | test(\"x\")", "{\"a\":1}", E,
	  "number (...) cannot be matched, as it is not a string" },
	{ ".a | startswith(\"ab\")", "{\"a\":\"abc\"}", T, NULL },
	{ ".a | endswith(\"bc\")", "{\"a\":\"abc\"}", T, NULL },
	{ ".a | endswith(\"abcd\")", "{\"a\":\"abc\"}", F, NULL },
	{ ".a | startswith(\"x\")", "{\"a\":1}", E,
	  "startswith() requires string inputs" },
	{ ".a | endswith(1)", "{\"a\":\"1\"}", E,
	  "endswith() requires string inputs" },
	{ "has(\"a\")", "{\"a\":null}", T, NULL },
	{ "has(\"b\")", "{\"a\":null}", F, NULL },
	{ ".a | has(1)", "{\"a\":[1,2]}", T, NULL },
	{ ".a | has(2)", "{\"a\":[1,2]}", F, NULL },
	{ ".a | has(-1)", "{\"a\":[1,2]}", F, NULL },
	{ ".a | has(\"x\")", "{\"a\":[1]}", E,
	  "Cannot check whether array has a string key" },
	{ ".a | IN(\"x\", \"y\")", "{\"a\":\"y\"}", T, NULL },
	{ ".a | IN(1, null)", "{}", T, NULL },
	{ ".a | IN(1)", "{\"a\":\"1\"}", F, NULL },
	{ ".a // \"d\" == \"d\"", "{\"a\":false}", T, NULL },
	{ "(.a // \"d\") == \"d\"", "{\"a\":null}", T, NULL },
	{ "(.a // \"d\") == \"d\"", "{\"a\":0}", F, NULL },
	{ ".a and .b", "{\"a\":1,\"b\":null}", F, NULL },
	{ ".a or .b", "{\"a\":null,\"b\":0}", T, NULL },
	{ ".a and (.b + 1)", "{\"a\":false,\"b\":\"x\"}", F, NULL },
	{ ".a or (.b + 1)", "{\"a\":false,\"b\":\"x\"}", E,
	  "string (...) and number (...) cannot be added" },
	{ ".a | not", "{\"a\":null}", T, NULL },
	{ "-.a == -1", "{\"a\":1}", T, NULL },
	{ "-.a", "{\"a\":\"x\"}", E, "string (...) cannot be negated" },
	{ "-1 * 2 + 3 == 1", "{}", T, NULL },
	{ "1 - 2 - 3 == -4", "{}", T, NULL },
	{ "8 / 4 / 2 == 1", "{}", T, NULL },
	{ ".a * 2 == 6", "{\"a\":3}", T, NULL },
	/* Right operand first: its error is the one. */
	{ "(.a | length) + (.b | ascii_downcase)", "{\"a\":true,\"b\":1}", E,
	  "explode input must be a string" },
	{ "(.a | length) == (.b | ascii_downcase)", "{\"a\":true,\"b\":1}", E,
	  "explode input must be a string" },
	/* jq 1.6: NaN is below everything, itself too. */
	{ "(.a * 10 - .a * 10) < (.a * 10 - .a * 10)", "{\"a\":1e308}", T,
	  NULL },
	{ "(.a * 10 - .a * 10) == (.a * 10 - .a * 10)", "{\"a\":1e308}", F,
	  NULL },
	/* libjq's: arrays and objects compared or added, strings repeated
	 * or split. */
	{ ".a * 2", "{\"a\":\"x\"}", S, NULL },
	{ ".a / \",\"", "{\"a\":\"x,y\"}", S, NULL },
	{ ".a == .b", "{\"a\":[1],\"b\":[1]}", S, NULL },
	{ ".a + .b", "{\"a\":{},\"b\":{}}", S, NULL },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fx x;
		int got, cgot, q, jq;

		if (!fx_compile(&x, cases[i].cond)) {
			ok(0, "%s: compiles", cases[i].cond);
			continue;
		}
		rt_jdoc_parse(&doc, cases[i].rec, strlen(cases[i].rec));
		got = fx_run(&x, 0, NULL);
		ok(got == cases[i].want && (got != E ||
		    (fmsg.len == strlen(cases[i].msg) &&
		    memcmp(fmsg.p, cases[i].msg, fmsg.len) == 0)),
		    "%s on %s: %s", cases[i].cond, cases[i].rec,
		    oname[cases[i].want]);
		if (got != cases[i].want || (got == E && (fmsg.len !=
		    strlen(cases[i].msg) || memcmp(fmsg.p, cases[i].msg,
		    fmsg.len) != 0)))
			diag("got %s '%.*s'", oname[got], (int)fmsg.len,
			    fmsg.p ? fmsg.p : "");
		cgot = fx_run(&x, 1, &q);
		ok(cgot == got && (q < 0 || q == got) &&
		    (got != E || (fmsg.len == strlen(cases[i].msg) &&
		    memcmp(fmsg.p, cases[i].msg, fmsg.len) == 0)),
		    "  the same with the field cache (quick %d)", q);
		if (cases[i].want != S) {
			jq = jqref_compile(cases[i].cond) ?
			    jqref_run(cases[i].rec, &jmsg) : -1;
			ok(jq == cases[i].want && (jq != E ||
			    (jmsg.len == strlen(cases[i].msg) &&
			    memcmp(jmsg.p, cases[i].msg, jmsg.len) == 0)),
			    "  libjq agrees");
			if (jq != cases[i].want || (jq == E && (jmsg.len !=
			    strlen(cases[i].msg) || memcmp(jmsg.p, cases[i].msg,
			    jmsg.len) != 0)))
				diag("jq %d '%.*s'", jq, (int)jmsg.len,
				    jmsg.p ? jmsg.p : "");
		}
		fx_free(&x);
	}
}

/* ---- the generator --------------------------------------------------- */

static uint64_t seed = 0x5eed;

static unsigned
pick(unsigned n)
{
	return (unsigned)(tap_xorshift(&seed) % n);
}

static void gen_val(struct rt_buf *b, int depth);

static void
gen_cond(struct rt_buf *b, int depth)
{
	static const char *const cmps[] = { "==", "!=", "<", "<=", ">",
	    ">=" };
	static const char *const fns[] = { "test(\"a\")", "test(\"^A\"; \"i\")",
	    "test(\"b$\"; null)", "startswith(\"a\")", "endswith(\"b\")",
	    "has(\"a\")", "has(0)", "has(1)", "IN(\"x\", 1, null)",
	    "IN(\"ab\", \"A\")", "not", "length > 1", "type == \"string\"" };
	unsigned k = depth > 2 ? pick(3) : pick(7);

	switch (k) {
	case 0: case 1:
		gen_val(b, depth + 1);
		rt_buf_printf(b, " %s ", cmps[pick(6)]);
		gen_val(b, depth + 1);
		break;
	case 2:
		gen_val(b, depth + 1);
		rt_buf_printf(b, " | %s", fns[pick(13)]);
		break;
	case 3: case 4:
		rt_buf_addc(b, '(');
		gen_cond(b, depth + 1);
		rt_buf_adds(b, k == 3 ? ") and (" : ") or (");
		gen_cond(b, depth + 1);
		rt_buf_addc(b, ')');
		break;
	case 5:
		rt_buf_addc(b, '(');
		gen_cond(b, depth + 1);
		rt_buf_adds(b, ") | not");
		break;
	default:
		gen_val(b, depth + 1);
	}
}

static void
gen_val(struct rt_buf *b, int depth)
{
	static const char *const paths[] = { ".a", ".b", ".c", ".n", ".s",
	    ".arr", ".o", ".o.a", ".o.n", ".arr[0]", ".arr[1]", ".arr[-1]",
	    ".[\"a\"]", ".\"b\"", ".a.b", ".s[0]", "." };
	static const char *const lits[] = { "0", "1", "-1", "2.5", "1e3",
	    "1e308", "\"x\"", "\"ab\"", "\"\"", "\"A\"", "\"\\u00e9\"",
	    "true", "false", "null" };
	static const char *const ops[] = { "+", "-", "*", "/" };
	static const char *const fns[] = { "length", "type",
	    "ascii_downcase", "ascii_upcase" };
	unsigned k = depth > 3 ? pick(4) : pick(9);

	switch (k) {
	case 0: case 1: case 2:
		rt_buf_adds(b, paths[pick(17)]);
		break;
	case 3:
		rt_buf_adds(b, lits[pick(14)]);
		break;
	case 4:
		rt_buf_addc(b, '(');
		gen_val(b, depth + 1);
		rt_buf_printf(b, " %s ", ops[pick(4)]);
		gen_val(b, depth + 1);
		rt_buf_addc(b, ')');
		break;
	case 5:
		rt_buf_addc(b, '(');
		gen_val(b, depth + 1);
		rt_buf_printf(b, " | %s)", fns[pick(4)]);
		break;
	case 6: case 7:
		rt_buf_addc(b, '(');
		gen_val(b, depth + 1);
		rt_buf_adds(b, " // ");
		gen_val(b, depth + 1);
		rt_buf_addc(b, ')');
		break;
	default:
		rt_buf_adds(b, "-");
		gen_val(b, depth + 1);
	}
}

static void
gen_scalar(struct rt_buf *b)
{
	static const char *const v[] = { "0", "1", "-1", "2.5", "-0", "1e300",
	    "1e400", "3", "\"x\"", "\"ab\"", "\"AB\"", "\"\"", "\"a\\u0000b\"",
	    "\"\\u00e9\"", "\"b\"", "true", "false", "null" };

	rt_buf_adds(b, v[pick(18)]);
}

static void
gen_record(struct rt_buf *b)
{
	static const char *const keys[] = { "a", "b", "c", "n", "s", "arr",
	    "o" };
	int n = (int)pick(8), first = 1;

	b->len = 0;
	rt_buf_addc(b, '{');
	for (int i = 0; i < n; i++) {
		unsigned kind = pick(10);

		if (!first)
			rt_buf_addc(b, ',');
		first = 0;
		rt_buf_printf(b, "\"%s\":", keys[pick(7)]);
		if (kind < 7) {
			gen_scalar(b);
		} else if (kind < 9) {
			int m = (int)pick(3);

			rt_buf_addc(b, '[');
			for (int j = 0; j < m; j++) {
				if (j)
					rt_buf_addc(b, ',');
				gen_scalar(b);
			}
			rt_buf_addc(b, ']');
		} else {
			rt_buf_adds(b, "{\"a\":");
			gen_scalar(b);
			rt_buf_adds(b, ",\"n\":");
			gen_scalar(b);
			rt_buf_addc(b, '}');
		}
	}
	rt_buf_addc(b, '}');
}

static void
test_random(void)
{
	struct rt_buf cond = RT_BUF_INIT, rec = RT_BUF_INIT;
	int outcome[5] = { 0 };
	int nocompile = 0, jqrefuses = 0, folded = 0, runs = 0, slow = 0, bad = 0,
	    badc = 0, badq = 0, decided = 0;

	for (int i = 0; i < 500; i++) {
		struct fx x;

		cond.len = 0;
		gen_cond(&cond, 0);
		if (!fx_compile(&x, rt_buf_cstr(&cond))) {
			if (nocompile++ == 0)
				diag("not compiled: %s", cond.p);
			continue;
		}
		if (!jqref_compile(cond.p)) {
			/* jq 1.6 folds a literal divided by a literal 0 at
			 * compile time, and refuses the program. */
			if (strstr(cond.p, "/ 0") || strstr(cond.p, "/ -0")) {
				folded++;
				fx_free(&x);
				continue;
			}
			if (jqrefuses++ == 0)
				diag("jq refuses: %s", cond.p);
			fx_free(&x);
			continue;
		}
		for (int j = 0; j < 20; j++) {
			int got, cgot, q, jq;

			gen_record(&rec);
			rt_jdoc_parse(&doc, rec.p, rec.len);
			runs++;
			got = fx_run(&x, 0, NULL);
			cgot = fx_run(&x, 1, &q);
			if (cgot != got) {
				if (badc++ < 3)
					diag("cache: %s on %s: %d, uncached %d",
					    cond.p, rt_buf_cstr(&rec), cgot, got);
			}
			if (q >= 0 && q != cgot) {
				if (badq++ < 3)
					diag("quick: %s on %s: %d, run %d",
					    cond.p, rt_buf_cstr(&rec), q, cgot);
			}
			if (got == S) {
				slow++;
				continue;
			}
			decided++;
			outcome[got]++;
			jq = jqref_run(rt_buf_cstr(&rec), &jmsg);
			if (jq != got || (got == E && (jmsg.len != fmsg.len ||
			    memcmp(jmsg.p, fmsg.p, fmsg.len) != 0))) {
				if (bad++ < 5)
					diag("%s on %s: fast %s '%.*s', jq %s "
					    "'%.*s'", cond.p, rec.p, oname[got],
					    (int)fmsg.len, fmsg.p ? fmsg.p : "",
					    oname[jq], (int)jmsg.len,
					    jmsg.p ? jmsg.p : "");
			}
		}
		fx_free(&x);
	}
	diag("%d runs, %d decided by the fast path, %d slow; %d conditions "
	    "jq folds to a division by zero", runs, decided, slow, folded);
	ok(nocompile == 0, "every generated condition compiles (%d do not)",
	    nocompile);
	ok(jqrefuses == 0, "libjq compiles each of them (%d refused)",
	    jqrefuses);
	ok(decided > runs * 3 / 4, "most runs are decided by the fast path "
	    "(%d of %d)", decided, runs);
	diag("false %d, true %d, error %d", outcome[F], outcome[T], outcome[E]);
	ok(outcome[F] > 0 && outcome[T] > 0 && outcome[E] > 0,
	    "all three outcomes occur");
	ok(bad == 0, "the fast path agrees with libjq on all %d (%d differ)",
	    decided, bad);
	ok(badc == 0, "the field cache changes no outcome (%d)", badc);
	ok(badq == 0, "rt_fast_quick agrees with rt_fast_run (%d)", badq);
	rt_buf_release(&cond);
	rt_buf_release(&rec);
}

int
main(void)
{
	jqref_init();
	rt_jdoc_init(&doc, 0);
	test_cases();
	test_random();
	rt_jdoc_release(&doc);
	rt_buf_release(&sc);
	rt_buf_release(&fmsg);
	rt_buf_release(&jmsg);
	jqref_done();
	return done_testing();
}
