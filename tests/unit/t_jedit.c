/*
 * t_jedit.c - setting members of a record: replacements in place, appends
 * in order, duplicate members (the last one is the member, as in jq),
 * keys written with escapes, keys set twice, and the field set (lib/field)
 * that finds members in one pass, against rt_jdoc_get on random records;
 * rt_bytes_eq against memcmp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "jedit.h"
#include "json.h"
#include "tap.h"

static struct rt_jdoc d;
static struct rt_jedit e;
static struct rt_buf out;

/* Edit rec with sets "k=v;k=v" (values are JSON text); the result. */
static const char *
edit(const char *rec, const char *sets)
{
	char buf[256], *s, *save = NULL;

	if (rt_jdoc_parse(&d, rec, strlen(rec)) != 0)
		return "(parse error)";
	rt_jedit_start(&e, &d);
	snprintf(buf, sizeof buf, "%s", sets);
	for (s = strtok_r(buf, ";", &save); s; s = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(s, '=');

		rt_jedit_set(&e, s, (size_t)(eq - s), eq + 1, strlen(eq + 1));
	}
	out.len = 0;
	rt_jedit_finish(&e, &out);
	return rt_buf_cstr(&out);
}

static void
is(const char *rec, const char *sets, const char *want)
{
	const char *got = edit(rec, sets);

	if (!ok(strcmp(got, want) == 0, "%s with %s", rec, sets))
		printf("# got  %s\n# want %s\n", got, want);
}

static uint64_t rng = 88172645463325252ULL;

static unsigned
next(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* Random records over a few names (some escaped, some repeated): the
 * field set must find what rt_jdoc_get finds, name by name. */
/* Names a field set looks for, and keys as records write them (some
 * escaped, one in no set). */
static const char *names[] = { "a", "b", "amount", "card_id", "", "x y",
    "\xc3\xa9t\xc3\xa9" };
static const char *texts[] = { "\"a\"", "\"b\"", "\"amount\"",
    "\"card_id\"", "\"\"", "\"x y\"", "\"\xc3\xa9t\xc3\xa9\"",
    "\"\\u0061\"", "\"am\\u006fount\"", "\"\\u00e9t\\u00e9\"", "\"zz\"" };

static void
fset_vs_get(void)
{
	struct rt_fset fs;
	uint32_t node[RT_FSET_MAX];
	int bad = 0, i, j;

	rt_fset_init(&fs);
	for (j = 0; j < 7; j++)
		ok(rt_fset_add(&fs, names[j], strlen(names[j])) == j,
		    "field set slot %d", j);
	ok(rt_fset_add(&fs, "amount", 6) == 2, "a name added twice keeps "
	    "its slot");
	for (i = 0; i < 5000; i++) {
		char rec[512];
		size_t n = 0;
		int m = (int)next(8);

		n += (size_t)snprintf(rec + n, sizeof rec - n, "{");
		for (j = 0; j < m; j++)
			n += (size_t)snprintf(rec + n, sizeof rec - n,
			    "%s%s:%d", j ? "," : "", texts[next(10)], j);
		snprintf(rec + n, sizeof rec - n, "}");
		if (rt_jdoc_parse(&d, rec, strlen(rec)) != 0) {
			bad++;
			continue;
		}
		rt_fset_find(&fs, &d, node);
		for (j = 0; j < 7; j++)
			if (node[j] != rt_jdoc_get(&d, 0, names[j],
			    strlen(names[j])))
				bad++;
	}
	ok(bad == 0, "5000 random records: the field set finds what "
	    "rt_jdoc_get finds (%d differ)", bad);
}

/* Records in runs with the same keys (the field set keeps its answer
 * while a document's keygen stays), values changing, now and then a
 * nested value, a broken record, or a second document in between: the
 * answers must stay rt_jdoc_get's. */
static void
fset_runs(void)
{
	static const char *vals[] = { "1", "\"s\"", "true", "null", "2.5",
	    "[1,2]", "{\"a\":1}", "[]" };
	struct rt_fset fs;
	struct rt_jdoc d2;
	uint32_t node[RT_FSET_MAX];
	int bad = 0, kept = 0, i, j;

	rt_jdoc_init(&d2, 0);
	rt_fset_init(&fs);
	for (j = 0; j < 7; j++)
		rt_fset_add(&fs, names[j], strlen(names[j]));
	for (i = 0; i < 3000; i++) {
		int key[8], m = (int)next(8), run = 1 + (int)next(6);

		for (j = 0; j < m; j++)
			key[j] = (int)next(11);
		for (int r = 0; r < run; r++) {
			struct rt_jdoc *doc = next(8) == 0 ? &d2 : &d;
			char rec[512];
			size_t n = 0;

			n += (size_t)snprintf(rec + n, sizeof rec - n, "{");
			for (j = 0; j < m; j++)
				n += (size_t)snprintf(rec + n, sizeof rec - n,
				    "%s%s:%s", j ? "," : "", texts[key[j]],
				    vals[next(20) == 0 ? 5 + next(3) : next(5)]);
			snprintf(rec + n, sizeof rec - n, "%s",
			    next(30) == 0 ? "," : "}");
			if (rt_jdoc_parse(doc, rec, strlen(rec)) != 0)
				continue;
			kept += rt_jkeys_same(&fs.kept, doc);
			rt_fset_find(&fs, doc, node);
			for (j = 0; j < 7; j++)
				if (node[j] != rt_jdoc_get(doc, 0, names[j],
				    strlen(names[j])))
					bad++;
		}
	}
	ok(bad == 0 && kept > 500, "records in runs of the same keys: the "
	    "field set finds what rt_jdoc_get finds (%d differ; %d answers "
	    "kept from the record before)", bad, kept);
	rt_jdoc_release(&d2);
}

/* Edits of records in runs with the same keys (jedit keeps which members
 * its sets replace while the document's keys and its own sets stay):
 * every edited record must be what a fresh jedit makes of it, values
 * nested now and then, sets changing, a key set twice, an escaped key. */
static void
edit_runs(void)
{
	static const char *rkeys[] = { "\"a\"", "\"b\"", "\"amount\"",
	    "\"count_1h\"", "\"\\u0061\"", "\"_score\"", "\"zz\"" };
	static const char *vals[] = { "1", "\"s\"", "true", "null", "2.5",
	    "[1,2]", "{\"a\":1}" };
	static const char *keys[] = { "a", "b", "zz", "yy", "count_1h",
	    "_score", "new", "a\"q" };
	struct rt_jedit cold;
	struct rt_buf o2 = RT_BUF_INIT;
	int bad = 0, total = 0, direct = 0, undone = 0;

	for (int i = 0; i < 3000; i++) {
		int key[6], set[5], m = (int)next(6), ns = (int)next(5);
		int run = 1 + (int)next(6), j, nr;

		for (j = 0; j < m; j++)
			key[j] = (int)next(7);
		for (j = 0; j < ns; j++)
			set[j] = (int)next(8);
		for (int r = 0; r < run; r++) {
			char rec[512];
			size_t n = 0;

			n += (size_t)snprintf(rec + n, sizeof rec - n, "{");
			for (j = 0; j < m; j++)
				n += (size_t)snprintf(rec + n, sizeof rec - n,
				    "%s%s:%s", j ? "," : "", rkeys[key[j]],
				    vals[next(15) == 0 ? 5 + next(2) : next(5)]);
			snprintf(rec + n, sizeof rec - n, "}");
			if (next(4) == 0 && ns > 0)
				set[next((unsigned)ns)] = (int)next(8);
			if (rt_jdoc_parse(&d, rec, strlen(rec)) != 0) {
				bad++;
				continue;
			}
			rt_jedit_start(&e, &d);
			direct += e.direct;
			rt_jedit_init(&cold);
			rt_jedit_start(&cold, &d);
			/* Now and then fewer sets than the run's, or one more. */
			nr = next(8) == 0 ? (int)next((unsigned)ns + 1u) :
			    next(8) == 0 ? ns + 1 : ns;
			for (j = 0; j < nr; j++) {
				const char *k = keys[j < ns ? set[j] : (int)next(8)];
				char v[16];
				int was = e.direct;

				snprintf(v, sizeof v, "%d", r * 10 + j);
				/* Values written in place, as tools do; keys
				 * without quotes or backslashes as plain. */
				rt_buf_adds(strpbrk(k, "\\\"") ?
				    rt_jedit_key(&e, k, strlen(k)) :
				    rt_jedit_key_plain(&e, k, strlen(k)), v);
				undone += was && !e.direct;
				rt_jedit_set(&cold, k, strlen(k), v, strlen(v));
			}
			out.len = o2.len = 0;
			rt_jedit_finish(&e, &out);
			rt_jedit_finish(&cold, &o2);
			rt_jedit_release(&cold);
			total++;
			if (out.len != o2.len || memcmp(out.p, o2.p, out.len))
				bad++;
		}
	}
	ok(bad == 0, "%d records edited in runs of the same keys: as a fresh "
	    "edit makes them (%d differ)", total, bad);
	/* The records written as set, and those turned back into sets
	 * midway, are among them. */
	ok(direct > 1000 && undone > 100, "%d written as set, %d of them "
	    "turned back into sets", direct, undone);
	rt_buf_release(&o2);
}

/* rt_bytes_eq against memcmp, every length up to 40, differences at
 * every place. */
static void
bytes_eq_vs_memcmp(void)
{
	unsigned char a[64], b[64];
	int bad = 0;

	for (int it = 0; it < 200000; it++) {
		size_t n = next(41);

		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (unsigned char)next(3);
		if (n && next(2))
			b[next((unsigned)n)] ^= (unsigned char)(1 + next(3));
		if (rt_bytes_eq(a, b, n) != (memcmp(a, b, n) == 0))
			bad++;
	}
	ok(bad == 0, "rt_bytes_eq agrees with memcmp on 200000 random pairs");
}

int
main(void)
{
	rt_jdoc_init(&d, 0);
	rt_jedit_init(&e);

	is("{}", "a=1", "{\"a\":1}");
	is("{\"a\":1}", "b=2", "{\"a\":1,\"b\":2}");
	is("{\"a\":1,\"b\":2}", "a=9", "{\"a\":9,\"b\":2}");
	is("{\"a\":1, \"b\" : 2 }", "b=[1]", "{\"a\":1, \"b\" : [1] }");
	is("{\"a\":1}", "c=3;b=2", "{\"a\":1,\"c\":3,\"b\":2}");
	is("{\"a\":1}", "b=2;b=3", "{\"a\":1,\"b\":3}");
	is("{\"a\":1,\"b\":2}", "b=5;a=4;c=6",
	    "{\"a\":4,\"b\":5,\"c\":6}");
	/* Duplicates: the last member is the member. */
	is("{\"a\":1,\"a\":2}", "a=3", "{\"a\":1,\"a\":3}");
	/* A key written with escapes is the same key. */
	is("{\"\\u0061\":1}", "a=3", "{\"\\u0061\":3}");
	is("{\"x\\\"y\":1}", "x\"y=2", "{\"x\\\"y\":2}");
	/* New keys are escaped on the way out. */
	is("{}", "x\"y=1", "{\"x\\\"y\":1}");
	is("{}", "tab\t=1", "{\"tab\\t\":1}");
	/* Members sharing a first byte or a length with a set key. */
	is("{\"ab\":1,\"ba\":2,\"aa\":3}", "aa=9;ac=8",
	    "{\"ab\":1,\"ba\":2,\"aa\":9,\"ac\":8}");
	/* The empty key, set on records whose keys repeat: the kept keys'
	 * text is empty (fuzz_json found NULL + 0 there, UB): a new
	 * editor, whose buffers were never used. */
	rt_jedit_release(&e);
	rt_jedit_init(&e);
	is("{}", "=1", "{\"\":1}");
	is("{}", "=1", "{\"\":1}");
	is("{}", "=2;=3", "{\"\":3}");
	is("{\"\":0}", "=1", "{\"\":1}");
	is("{\"\":0}", "=1", "{\"\":1}");
	fset_vs_get();
	fset_runs();
	edit_runs();
	bytes_eq_vs_memcmp();
	rt_jedit_release(&e);
	rt_jdoc_release(&d);
	rt_buf_release(&out);
	return done_testing();
}
