/*
 * t_field.c - reading a record's top-level fields (lib/field.c): event
 * time from strings and epoch numbers with each reason for a refusal;
 * numbers from JSON numbers and number strings; the canonical text of a
 * value; then field sets (rt_fset): slots, a full set, escaped and
 * duplicate keys, members past the kept range, and random records read
 * one after another through one document, checked against where the
 * generator put each key.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "tap.h"

static struct rt_jdoc doc;

static const struct rt_jdoc *
parse(const char *text)
{
	if (rt_jdoc_parse(&doc, text, strlen(text)) != 0) {
		diag("cannot parse %s", text);
		return NULL;
	}
	return &doc;
}

static void
test_time(void)
{
	static const struct {
		const char *rec;
		int unit;	/* enum rt_tunit */
		const char *why;	/* NULL: read */
		int64_t us;
	} t[] = {
		{ "{\"ts\":\"2024-03-01T12:00:00Z\"}", RT_TU_S, NULL,
		  1709294400000000LL },
		{ "{\"ts\":\"2024-03-01\"}", RT_TU_S, NULL,
		  1709251200000000LL },
		{ "{\"ts\":1709294400}", RT_TU_S, NULL, 1709294400000000LL },
		{ "{\"ts\":1709294400.25}", RT_TU_S, NULL, 1709294400250000LL },
		{ "{\"ts\":1709294400123}", RT_TU_MS, NULL,
		  1709294400123000LL },
		{ "{\"ts\":\"1709294400\"}", RT_TU_S, NULL,
		  1709294400000000LL },
		/* An escape: the string is decoded first ("\u005a" is Z). */
		{ "{\"ts\":\"2024-03-01T12:00:00\\u005a\"}", RT_TU_S, NULL,
		  1709294400000000LL },
		{ "{\"a\":1,\"ts\":5,\"ts\":6}", RT_TU_S, NULL, 6000000 },
		{ "{\"t\":1}", RT_TU_S, "missing", 0 },
		{ "{}", RT_TU_S, "missing", 0 },
		{ "{\"ts\":true}", RT_TU_S, "not a string or a number", 0 },
		{ "{\"ts\":null}", RT_TU_S, "not a string or a number", 0 },
		{ "{\"ts\":[1]}", RT_TU_S, "not a string or a number", 0 },
		{ "{\"ts\":{\"s\":1}}", RT_TU_S, "not a string or a number",
		  0 },
		{ "{\"ts\":\"yesterday\"}", RT_TU_S, "not a date-time", 0 },
		{ "{\"ts\":\"\"}", RT_TU_S, "not a date-time", 0 },
		{ "{\"ts\":\"2024-02-30T00:00:00Z\"}", RT_TU_S,
		  "day out of range", 0 },
		{ "[\"ts\"]", RT_TU_S, "not a JSON object", 0 },
		{ "\"ts\"", RT_TU_S, "not a JSON object", 0 },
	};
	struct rt_buf scratch = RT_BUF_INIT;
	struct rt_timeopt o;

	rt_timeopt_init(&o);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct rt_jdoc *d = parse(t[i].rec);
		int64_t us = -1;
		const char *why;

		o.unit = (enum rt_tunit)t[i].unit;
		why = d ? rt_field_time(d, "ts", 2, &o, &scratch, &us) : "?";
		if (t[i].why == NULL)
			ok(why == NULL && us == t[i].us, "time of %s: %lld",
			    t[i].rec, (long long)us);
		else
			ok(why && strcmp(why, t[i].why) == 0,
			    "time of %s: '%s'", t[i].rec, why ? why : "(read)");
	}
	ok(parse("{\"ts\":1}") && rt_field_time_at(&doc, 0, &o, &scratch,
	    NULL) != NULL && strcmp(rt_field_time_at(&doc, 0, &o, &scratch,
	    NULL), "missing") == 0, "time at node 0: missing");
	rt_timeopt_release(&o);
	rt_buf_release(&scratch);
}

static void
test_num(void)
{
	static const struct {
		const char *val;	/* the value of "v" */
		int got;
		double x;
	} t[] = {
		{ "12", 1, 12 }, { "-0.5", 1, -0.5 }, { "1e3", 1, 1000 },
		{ "0", 1, 0 }, { "-0", 1, 0 },
		{ "\"12.5\"", 1, 12.5 }, { "\"-3\"", 1, -3 },
		{ "\"1E-2\"", 1, 0.01 },
		{ "\"\"", 0, 0 }, { "\"abc\"", 0, 0 }, { "\" 12\"", 0, 0 },
		{ "\"12 \"", 0, 0 }, { "\"+1\"", 0, 0 }, { "\"01\"", 0, 0 },
		{ "\"1.\"", 0, 0 }, { "\"0x10\"", 0, 0 },
		{ "null", 0, 0 }, { "true", 0, 0 }, { "false", 0, 0 },
		{ "[1]", 0, 0 }, { "{\"a\":1}", 0, 0 },
	};
	char rec[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		double x = -99;
		int got;

		snprintf(rec, sizeof rec, "{\"v\":%s}", t[i].val);
		got = parse(rec) ? rt_field_num(&doc, 2, &x) : -1;
		if (t[i].got)
			ok(got == 1 && x == t[i].x, "number %s: %g", t[i].val,
			    x);
		else
			ok(got == 0 && x == -99, "not a number: %s", t[i].val);
	}
	{
		double x = 0;

		ok(parse("[1e400]") && rt_field_num(&doc, 1, &x) == 1 &&
		    isinf(x) && x > 0, "1e400 reads as +inf");
	}
}

static void
test_text(void)
{
	static const struct {
		const char *val;
		const char *want;
		size_t wlen;
	} t[] = {
		{ "\"abc\"", "abc", 3 }, { "\"\"", "", 0 },
		{ "12", "12", 2 }, { "\"12\"", "12", 2 },
		{ "1.50", "1.50", 4 }, { "-0", "-0", 2 },
		{ "\"a\\\"b\"", "a\"b", 3 }, { "\"a\\u0000b\"", "a\0b", 3 },
		{ "\"\\u00e9\"", "\xc3\xa9", 2 }, { "\"caf\xc3\xa9\"",
		  "caf\xc3\xa9", 5 },
		{ "true", "true", 4 }, { "null", "null", 4 },
		{ "[1, 2]", "[1, 2]", 6 }, { "{\"a\" : 1}", "{\"a\" : 1}", 9 },
	};
	struct rt_buf b = RT_BUF_INIT;
	char rec[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(rec, sizeof rec, "{\"v\":%s}", t[i].val);
		b.len = 0;
		rt_buf_adds(&b, "<");
		if (parse(rec))
			rt_field_text(&doc, 2, &b);
		ok(b.len == t[i].wlen + 1 && memcmp(b.p + 1, t[i].want,
		    t[i].wlen) == 0, "text of %s (appended)", t[i].val);
	}
	rt_buf_release(&b);
}

static void
test_fset_add(void)
{
	struct rt_fset s;
	char names[RT_FSET_MAX + 1][8];
	int bad = 0;

	rt_fset_init(&s);
	ok(rt_fset_add(&s, "a", 1) == 0 && rt_fset_add(&s, "b", 1) == 1 &&
	    rt_fset_add(&s, "ab", 2) == 2, "new names take slots 0, 1, 2");
	ok(rt_fset_add(&s, "b", 1) == 1 && rt_fset_add(&s, "abc", 2) == 2 &&
	    s.n == 3, "a name already there keeps its slot (len counts)");
	ok(rt_fset_add(&s, "", 0) == 3, "the empty name is a name");
	rt_fset_init(&s);
	for (int i = 0; i < RT_FSET_MAX; i++) {
		snprintf(names[i], sizeof names[i], "f%d", i);
		if (rt_fset_add(&s, names[i], strlen(names[i])) != i)
			bad++;
	}
	ok(bad == 0, "%d names fill the set", RT_FSET_MAX);
	ok(rt_fset_add(&s, "more", 4) == -1, "one more: -1");
	ok(rt_fset_add(&s, "f63", 3) == 63 && rt_fset_add(&s, "f0", 2) == 0,
	    "a full set still finds its names");
}

/* The text of node[k]'s value in doc, or "-" when 0. */
static void
found(const uint32_t *node, size_t n, char *out, size_t cap)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t k = 0; k < n && at < cap; k++)
		at += (size_t)snprintf(out + at, cap - at, "%s%.*s",
		    k ? " " : "", node[k] ? (int)doc.v[node[k]].len : 1,
		    node[k] ? rt_jdoc_text(&doc, node[k]) : "-");
}

static void
test_fset_find(void)
{
	static const struct {
		const char *rec;
		const char *want;	/* values of c, a, zz, "" */
	} t[] = {
		{ "{\"a\":1,\"b\":2,\"c\":3}", "3 1 - -" },
		{ "{\"a\":4,\"b\":5,\"c\":6}", "6 4 - -" },	/* same keys */
		{ "{\"a\":{\"x\":1},\"b\":[1,2],\"c\":\"s\"}",
		  "\"s\" {\"x\":1} - -" },
		{ "{\"a\":{\"x\":2},\"b\":[],\"c\":\"t\"}",
		  "\"t\" {\"x\":2} - -" },	/* same keys, not flat */
		{ "{\"c\":1,\"c\":2,\"a\":0}", "2 0 - -" },	/* last wins */
		{ "{\"\\u0063\":7,\"zz\":8}", "7 - 8 -" },	/* escaped */
		{ "{\"\":9,\"a\":[]}", "- [] - 9" },
		{ "{}", "- - - -" },
		{ "[1,2,3]", "- - - -" },
		{ "{\"cc\":1,\"z\":2,\"A\":3}", "- - - -" },
		{ "{\"a\":1,\"b\":2,\"c\":3}", "3 1 - -" },	/* back again */
	};
	struct rt_fset s;
	uint32_t node[4];
	char got[128];

	rt_fset_init(&s);
	rt_fset_add(&s, "c", 1);
	rt_fset_add(&s, "a", 1);
	rt_fset_add(&s, "zz", 2);
	rt_fset_add(&s, "", 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(node, 0x55, sizeof node);
		if (parse(t[i].rec))
			rt_fset_find(&s, &doc, node);
		found(node, 4, got, sizeof got);
		is_str(got, t[i].want, t[i].rec);
	}
}

/* A record of 300 members: names found past member RT_FSET_ORDS, twice
 * (the second time with the same keys). */
static void
test_fset_wide(void)
{
	struct rt_buf rec = RT_BUF_INIT;
	struct rt_fset s;
	uint32_t node[2];
	char got[64];

	for (int round = 0; round < 2; round++) {
		rec.len = 0;
		rt_buf_addc(&rec, '{');
		for (int i = 0; i < 300; i++)
			rt_buf_printf(&rec, "%s\"k%d\":%d", i ? "," : "", i,
			    i * 10 + round);
		rt_buf_addc(&rec, '}');
		if (round == 0) {
			rt_fset_init(&s);
			rt_fset_add(&s, "k290", 4);
			rt_fset_add(&s, "k3", 2);
		}
		if (rt_jdoc_parse(&doc, rec.p, rec.len) != 0)
			continue;
		rt_fset_find(&s, &doc, node);
		found(node, 2, got, sizeof got);
		is_str(got, round ? "2901 31" : "2900 30",
		    round ? "member 290 of 300, same keys again" :
		    "member 290 of 300");
	}
	rt_buf_release(&rec);
}

/*
 * Random records of keys from a small pool (some written with escapes,
 * some repeated) with scalar or nested values; often the keys of the
 * record before with new values.  The reference is the generator's own
 * record of which value text went with the last member of each name.
 */
static void
test_fset_random(void)
{
	static const char *const pool[] = { "id", "amount", "ts", "card",
	    "x", "" };
	static const char *const spelt[] = { "\"id\"", "\"amount\"",
	    "\"t\\u0073\"", "\"card\"", "\"x\"", "\"\"" };
	static const char *const vals[] = { "1", "\"s\"", "null", "[1,[2]]",
	    "{\"id\":3}", "-2.5e1", "true", "{}" };
	enum { NPOOL = 6, NWANT = 5 };
	static const int want_names[NWANT] = { 1, 2, 4, 0, 5 };
	struct rt_buf rec = RT_BUF_INIT;
	struct rt_fset s;
	uint64_t seed = 7;
	int keys[12], nkeys = 0, bad = 0, same = 0;

	rt_fset_init(&s);
	for (int k = 0; k < NWANT; k++)
		rt_fset_add(&s, pool[want_names[k]],
		    strlen(pool[want_names[k]]));
	for (int i = 0; i < 4000; i++) {
		const char *last[NPOOL] = { NULL };
		uint32_t node[NWANT];
		uint64_t r = tap_xorshift(&seed);

		if (r % 3 == 0 || nkeys == 0) {
			nkeys = (int)((r >> 8) % 12);
			for (int k = 0; k < nkeys; k++)
				keys[k] = (int)(tap_xorshift(&seed) % NPOOL);
		} else {
			same++;
		}
		rec.len = 0;
		rt_buf_addc(&rec, '{');
		for (int k = 0; k < nkeys; k++) {
			const char *v = vals[tap_xorshift(&seed) % 8];

			rt_buf_printf(&rec, "%s%s:%s", k ? "," : "",
			    spelt[keys[k]], v);
			last[keys[k]] = v;
		}
		rt_buf_addc(&rec, '}');
		if (rt_jdoc_parse(&doc, rec.p, rec.len) != 0) {
			bad++;
			continue;
		}
		rt_fset_find(&s, &doc, node);
		for (int k = 0; k < NWANT; k++) {
			const char *v = last[want_names[k]];

			if (v == NULL ? node[k] != 0 : node[k] == 0 ||
			    doc.v[node[k]].len != strlen(v) ||
			    memcmp(rt_jdoc_text(&doc, node[k]), v,
			    strlen(v)) != 0) {
				if (bad++ < 5)
					diag("%.*s: name '%s'", (int)rec.len,
					    rec.p, pool[want_names[k]]);
			}
		}
	}
	ok(bad == 0, "4000 random records (%d with the keys of the one "
	    "before) find what the generator put", same);
	rt_buf_release(&rec);
}

int
main(void)
{
	rt_jdoc_init(&doc, 0);
	test_time();
	test_num();
	test_text();
	test_fset_add();
	test_fset_find();
	test_fset_wide();
	test_fset_random();
	rt_jdoc_release(&doc);
	return done_testing();
}
