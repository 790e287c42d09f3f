/*
 * t_astate.c - rt-alert's state body, line by line (lib/astate.c): a
 * valid body read field by field; a table of bodies each refused with its
 * exact reason and line (order, arity, ranges against the options and the
 * lines before); lines written by rt_astate_put and read back the same
 * (scores to the last bit, infinities as 1e999); then every cut and every
 * single-bit flip of a valid body, refused or read as a body that writes
 * back byte for byte.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astate.h"
#include "state.h"
#include "tap.h"

#define S 1000000LL

static const struct rt_astate_conf conf = {
	.suppress = 10 * S, .max_delay = 5 * S, .rate_n = 2,
	.rate_per = 10 * S, .top = 2, .per = 10 * S, .max_keys = 3
};

#define T_LINE "[\"t\",1,100000000,7,1,90000000]\n"
#define R_LINE "[\"r\",1,10,2,1,0]\n"
#define TR T_LINE R_LINE

static const char good[] = TR
    "[\"k\",\"a\",95000000,2]\n"
    "[\"k\",\"b\\u0000c\",100000000,0]\n"
    "[\"h\",90000000,1.5,95000000,3,30,{\"x\":1}]\n"
    "[\"h\",90000000,1e999,91000000,4,40,{}]\n"
    "[\"p\",96000000,5,50,{\"y\":[2]}]\n";

/* Read all of body p with c: 0, or -1 with the reason in why (and the
 * lines read as put again in back). */
static int
read_all(const char *p, size_t n, const struct rt_astate_conf *c,
    char *why, size_t cap, struct rt_buf *back)
{
	struct rt_aread r;
	struct rt_aline l;
	int k;

	memset(&l, 0, sizeof l);
	rt_astate_init(&r, p, n, c);
	while ((k = rt_astate_next(&r, &l)) == 1)
		if (back)
			rt_astate_put(back, &l);
	snprintf(why, cap, "%s", k == -1 ? r.err : "");
	rt_astate_release(&r);
	rt_buf_release(&l.key);
	return k;
}

static void
good_body(void)
{
	struct rt_aread r;
	struct rt_aline l;
	int k, bad = 0;

	memset(&l, 0, sizeof l);
	rt_astate_init(&r, good, sizeof good - 1, &conf);
	k = rt_astate_next(&r, &l);
	bad += k != 1 || l.tag != 't' || !l.have_t || l.maxt != 100 * S ||
	    l.seq != 7 || !l.have_closed || l.closed_upto != 90 * S;
	k = rt_astate_next(&r, &l);
	bad += k != 1 || l.tag != 'r' || !l.rhave || l.rcur != 10 ||
	    l.rcount != 2 || l.rthr != 1 || l.rthr_supp != 0;
	ok(bad == 0, "good body: the t and r lines");
	k = rt_astate_next(&r, &l);
	ok(k == 1 && l.tag == 'k' && l.klen == 1 && l.kp[0] == 'a' &&
	    l.ta == 95 * S && l.supp == 2, "good body: key a, its time, its "
	    "count");
	k = rt_astate_next(&r, &l);
	ok(k == 1 && l.klen == 3 && memcmp(l.kp, "b\0c", 3) == 0 &&
	    l.ta == 100 * S, "good body: a key with a NUL, decoded");
	k = rt_astate_next(&r, &l);
	ok(k == 1 && l.tag == 'h' && l.start == 90 * S && l.score == 1.5 &&
	    l.t == 95 * S && l.hseq == 3 && l.line == 30 && l.len == 7 &&
	    memcmp(l.json, "{\"x\":1}", 7) == 0, "good body: a held alert");
	k = rt_astate_next(&r, &l);
	ok(k == 1 && isinf(l.score) && l.score > 0, "good body: 1e999 is an "
	    "infinite score");
	k = rt_astate_next(&r, &l);
	ok(k == 1 && l.tag == 'p' && l.t == 96 * S && l.hseq == 5 &&
	    l.line == 50 && l.len == 9, "good body: a held record");
	ok(rt_astate_next(&r, &l) == 0 && r.lineno == 7, "good body: the end "
	    "after 7 lines");
	rt_astate_release(&r);
	rt_buf_release(&l.key);
}

struct bcase {
	const char *name;
	const char *body;
	int conf;		/* 0: conf; 1: no suppress, delay, rate, top */
	const char *want;
};

static const struct bcase bad_cases[] = {
	{ "empty", "", 0, "damaged: line 0: the clock lines are missing" },
	{ "t alone", T_LINE, 0, "damaged: line 1: the clock lines are "
	    "missing" },
	{ "no newline at the end", T_LINE "[\"r\",1,10,2,1,0]", 0,
	    "damaged: line 2: not a state line" },
	{ "an empty line", T_LINE "\n" R_LINE, 0,
	    "damaged: line 2: not a state line" },
	{ "something after the array", T_LINE "[\"r\",1,10,2,1,0] x\n", 0,
	    "damaged: line 2: not a state line" },
	{ "r first", R_LINE T_LINE, 0, "damaged: line 1: out of order" },
	{ "t twice", T_LINE T_LINE, 0, "damaged: line 2: out of order" },
	{ "k before r", T_LINE "[\"k\",\"a\",0,0]\n", 0,
	    "damaged: line 2: out of order" },
	{ "k after h", TR "[\"h\",90000000,1,95000000,3,30,{}]\n"
	    "[\"k\",\"a\",0,0]\n", 0, "damaged: line 4: out of order" },
	{ "r again after k", TR "[\"k\",\"a\",0,0]\n" R_LINE, 0,
	    "damaged: line 4: out of order" },
	{ "an unknown tag", T_LINE "[\"x\",1,10,2,1,0]\n", 0,
	    "damaged: line 2: not a state line" },
	{ "a long tag", T_LINE "[\"rr\",1,10,2,1,0]\n", 0,
	    "damaged: line 2: not a state line" },
	{ "one member short", T_LINE "[\"r\",1,10,2,1]\n", 0,
	    "damaged: line 2: not a state line" },
	{ "not an array", "{\"t\":1}\n", 0,
	    "damaged: line 1: not a state line" },
	{ "t: no time but a newest time", "[\"t\",0,5,0,0,0]\n" R_LINE, 0,
	    "damaged: line 1: bad value" },
	{ "t: have_t 2", "[\"t\",2,5,0,0,0]\n", 0,
	    "damaged: line 1: bad value" },
	{ "t: a time past 9999", "[\"t\",1,253402300800000000,0,0,0]\n", 0,
	    "damaged: line 1: bad value" },
	{ "t: the last time of 9999 is in range",
	    "[\"t\",1,253402300799999999,0,0,0]\n[\"r\",0,0,0,0,0]\n", 0, "" },
	{ "t: a count of 2^62 + 1", "[\"t\",1,5,4611686018427387905,0,0]\n",
	    0, "damaged: line 1: bad value" },
	{ "t: a count of 2^62 is in range",
	    "[\"t\",1,5,4611686018427387904,0,0]\n[\"r\",0,0,0,0,0]\n", 0,
	    "" },
	{ "t: a negative count", "[\"t\",1,5,-1,0,0]\n", 0,
	    "damaged: line 1: bad value" },
	{ "t: a count as 7.0", "[\"t\",1,5,7.0,0,0]\n", 0,
	    "damaged: line 1: bad value" },
	{ "t: a count as a string", "[\"t\",1,5,\"7\",0,0]\n", 0,
	    "damaged: line 1: bad value" },
	{ "t: closed past newest + per", "[\"t\",1,100000000,7,1,110000001]\n",
	    0, "damaged: line 1: bad value" },
	{ "t: closed without --top", "[\"t\",1,100000000,7,1,90000000]\n", 1,
	    "damaged: line 1: bad value" },
	{ "r: a period after the newest", T_LINE "[\"r\",1,11,2,1,0]\n", 0,
	    "damaged: line 2: bad value" },
	{ "r: more alerts than --rate", T_LINE "[\"r\",1,10,3,1,0]\n", 0,
	    "damaged: line 2: bad value" },
	{ "r: more throttled than records", T_LINE "[\"r\",1,10,2,8,0]\n", 0,
	    "damaged: line 2: bad value" },
	{ "r: a period without --rate", "[\"t\",1,100000000,7,0,0]\n"
	    "[\"r\",1,10,2,1,0]\n", 1, "damaged: line 2: bad value" },
	{ "r: counts without a period", T_LINE "[\"r\",0,0,1,0,0]\n", 0,
	    "damaged: line 2: bad value" },
	{ "k without --suppress", "[\"t\",1,100000000,7,0,0]\n"
	    "[\"r\",0,0,0,0,0]\n[\"k\",\"a\",0,0]\n", 1,
	    "damaged: line 3: not allowed by the options" },
	{ "k: a fourth key past --max-keys 3", TR "[\"k\",\"a\",0,0]\n"
	    "[\"k\",\"b\",0,0]\n[\"k\",\"c\",0,0]\n[\"k\",\"d\",0,0]\n", 0,
	    "damaged: line 6: not allowed by the options" },
	{ "k: an alert after the newest time", TR
	    "[\"k\",\"a\",100000001,0]\n", 0, "damaged: line 3: bad value" },
	{ "k: more suppressed than records", TR "[\"k\",\"a\",0,8]\n", 0,
	    "damaged: line 3: bad value" },
	{ "k: a key not a string", TR "[\"k\",1,0,0]\n", 0,
	    "damaged: line 3: bad value" },
	{ "h: a period not its time's", TR
	    "[\"h\",80000000,1,95000000,3,30,{}]\n", 0,
	    "damaged: line 3: a time out of range" },
	{ "h: a period closed already", "[\"t\",1,100000000,7,1,90000000]\n"
	    R_LINE "[\"h\",80000000,1,85000000,3,30,{}]\n", 0,
	    "damaged: line 3: a time out of range" },
	{ "h: after the newest time", TR
	    "[\"h\",100000000,1,100000001,3,30,{}]\n", 0,
	    "damaged: line 3: a time out of range" },
	{ "h: a score as a string", TR
	    "[\"h\",90000000,\"1\",95000000,3,30,{}]\n", 0,
	    "damaged: line 3: bad value" },
	{ "h: read order 0", TR "[\"h\",90000000,1,95000000,0,30,{}]\n", 0,
	    "damaged: line 3: bad value" },
	{ "h: read order past the records", TR
	    "[\"h\",90000000,1,95000000,8,30,{}]\n", 0,
	    "damaged: line 3: bad value" },
	{ "h: the alert not an object", TR
	    "[\"h\",90000000,1,95000000,3,30,[]]\n", 0,
	    "damaged: line 3: bad value" },
	{ "h: three alerts in a period of --top 2", TR
	    "[\"h\",90000000,1,95000000,3,30,{}]\n"
	    "[\"h\",90000000,1,95000000,4,30,{}]\n"
	    "[\"h\",90000000,1,95000000,5,30,{}]\n", 0,
	    "damaged: line 5: more alerts held than --top" },
	{ "h: periods out of order", "[\"t\",1,100000000,7,1,70000000]\n"
	    R_LINE "[\"h\",90000000,1,95000000,3,30,{}]\n"
	    "[\"h\",80000000,1,85000000,4,30,{}]\n", 0,
	    "damaged: line 4: out of order" },
	{ "h without --top", "[\"t\",1,100000000,7,0,0]\n[\"r\",0,0,0,0,0]\n"
	    "[\"h\",90000000,1,95000000,3,30,{}]\n", 1,
	    "damaged: line 3: not allowed by the options" },
	{ "p: due already (at the watermark)", TR
	    "[\"p\",95000000,5,50,{}]\n", 0,
	    "damaged: line 3: a time out of range" },
	{ "p: just after the watermark", TR "[\"p\",95000001,5,50,{}]\n", 0,
	    "" },
	{ "p without --max-delay", "[\"t\",1,100000000,7,0,0]\n"
	    "[\"r\",0,0,0,0,0]\n[\"p\",96000000,5,50,{}]\n", 1,
	    "damaged: line 3: not allowed by the options" },
	{ "p: the record a string", TR "[\"p\",96000000,5,50,\"{}\"]\n", 0,
	    "damaged: line 3: bad value" },
};

static void
bad_bodies(void)
{
	static const struct rt_astate_conf off = { 0 };

	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bcase *c = &bad_cases[i];
		char why[128];
		int k = read_all(c->body, strlen(c->body), c->conf ? &off :
		    &conf, why, sizeof why, NULL);

		if (*c->want)
			ok(k == -1 && strcmp(why, c->want) == 0, "%s: '%s'",
			    c->name, why);
		else
			ok(k == 0, "%s: read (%s)", c->name, why);
	}
}

/* rt_astate_put: the exact text, read back as the same line. */
static void
put_cases(void)
{
	static const struct {
		double score;
		const char *text;
	} sc[] = {
		{ 1.5, "1.5" }, { 0.1, "0.10000000000000001" },
		{ -0.0, "-0" }, { 1e300, "1.0000000000000001e+300" },
		{ INFINITY, "1e999" }, { -INFINITY, "-1e999" },
		{ 5e-324, "4.9406564584124654e-324" },
	};
	struct rt_aline l, back;
	struct rt_buf b = RT_BUF_INIT, want = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++) {
		char why[128];
		struct rt_aread r;
		int k, same;

		memset(&l, 0, sizeof l);
		memset(&back, 0, sizeof back);
		b.len = want.len = 0;
		rt_buf_adds(&b, TR);
		l.tag = 'h';
		l.start = 90 * S;
		l.score = sc[i].score;
		l.t = 91 * S;
		l.hseq = 1;
		l.line = 2;
		l.json = "{}";
		l.len = 2;
		rt_astate_put(&b, &l);
		rt_buf_printf(&want, TR "[\"h\",90000000,%s,91000000,1,2,{}]\n",
		    sc[i].text);
		rt_astate_init(&r, b.p, b.len, &conf);
		k = rt_astate_next(&r, &back) + rt_astate_next(&r, &back) +
		    rt_astate_next(&r, &back);
		same = k == 3 && memcmp(&back.score, &sc[i].score,
		    sizeof(double)) == 0;
		snprintf(why, sizeof why, "put: score %s written as such, read "
		    "back bit for bit", sc[i].text);
		ok(b.len == want.len && memcmp(b.p, want.p, b.len) == 0 && same,
		    "%s", why);
		rt_astate_release(&r);
		rt_buf_release(&back.key);
	}
	memset(&l, 0, sizeof l);
	b.len = 0;
	l.tag = 'k';
	l.kp = "q\"\n\001";
	l.klen = 4;
	l.ta = -62167219200000000LL;
	l.supp = 3;
	rt_astate_put(&b, &l);
	is_str(rt_buf_cstr(&b), "[\"k\",\"q\\\"\\n\\u0001\",-62167219200000000,"
	    "3]\n", "put: a key escaped, the first time of year 0");
	rt_buf_release(&b);
	rt_buf_release(&want);
}

/* p[0, n) without JSON's blanks (the good body has none in strings). */
static size_t
unblank(char *out, const char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			out[k++] = p[i];
	return k;
}

/* Every cut of the good body refused (or, cut after a line, read as
 * the lines before it); every bit flip refused, or read as a body that
 * writes back as itself. */
static void
damage(void)
{
	size_t n = sizeof good - 1, cutbad = 0, refused = 0, taken = 0;
	size_t differ = 0, respelt = 0;
	size_t esc = (size_t)(strstr(good, "\\u0000") - good);
	size_t s1 = (size_t)(strstr(good, ",1.5,") + 1 - good);
	size_t s2 = (size_t)(strstr(good, ",1e999,") + 1 - good);
	char *q = malloc(n), *u = malloc(n), why[128];
	struct rt_buf back = RT_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		int k = read_all(good, i, &conf, why, sizeof why, NULL);
		int after_line = i > 0 && good[i - 1] == '\n' &&
		    i >= sizeof TR - 1;

		cutbad += after_line ? k != 0 : k != -1;
	}
	ok(cutbad == 0, "each of %zu cuts: refused, unless after a whole line "
	    "past the clock", n);
	memcpy(q, good, n);
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			q[i] = (char)(good[i] ^ (1 << b));
			back.len = 0;
			if (read_all(q, n, &conf, why, sizeof why, &back) == -1) {
				refused++;
			} else {
				size_t un = unblank(u, q, n);
				int fixed = 0;

				taken++;
				{
					/* Written back, it reads and writes
					 * back as itself. */
					struct rt_buf b2 = RT_BUF_INIT;

					fixed = read_all(back.p, back.len, &conf,
					    why, sizeof why, &b2) == 0 &&
					    b2.len == back.len && memcmp(b2.p,
					    back.p, back.len) == 0;
					rt_buf_release(&b2);
				}
				if (!fixed && differ++ < 3)
					diag("flip %zu.%d: not a fixed point",
					    i, b);
				/* A \u escape or a score spelt otherwise
				 * is written in its own spelling. */
				if ((i >= esc && i < esc + 6) || (i >= s1 &&
				    i < s1 + 3) || (i >= s2 && i < s2 + 5))
					respelt++;
				else if ((back.len != un ||
				    memcmp(back.p, u, un) != 0) &&
				    differ++ < 3)
					diag("flip %zu.%d read, written back "
					    "otherwise: %.*s", i, b,
					    (int)back.len, back.p);
			}
			q[i] = good[i];
		}
	ok(differ == 0 && refused > taken && respelt > 0, "%zu single-bit "
	    "flips: %zu refused, %zu read as a body that writes back byte "
	    "for byte, or (%zu in a score or escape) in its own spelling; "
	    "%zu not", refused + taken, refused, taken, respelt, differ);
	free(q);
	free(u);
	rt_buf_release(&back);
}

int
main(void)
{
	good_body();
	bad_bodies();
	put_cases();
	damage();
	return done_testing();
}
