/*
 * t_join.c - records joined with a table (lib/join.c): appended and
 * nested columns, --many, --missing and --default, keys missing or null,
 * members replaced in place, as-of and range lookups, composite keys,
 * the hints, and a lookup function standing in for SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "join.h"
#include "tap.h"

static struct rt_timeopt topt;

/* A table of NDJSON rows (one per line of text). */
static void
table(struct rt_table *t, struct rt_tspec *s, const char *text)
{
	struct rt_jdoc d;
	const char *p = text, *e;
	uint64_t line = 0;

	rt_table_init(t, s);
	rt_jdoc_init(&d, 0);
	for (; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (rt_jdoc_parse(&d, p, (size_t)(e - p)) == 0)
			rt_table_add(t, &d, ++line);
	}
	rt_table_finish(t);
	rt_jdoc_release(&d);
}

/* Join rec: "OUT:a|b", "PASS", "DROP" or "REJECT:why". */
static const char *
join(struct rt_join *j, const char *rec)
{
	static char res[2048];
	struct rt_jdoc d;
	struct rt_buf out = RT_BUF_INIT;
	const char *why = NULL;
	int k;

	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	k = rt_join_record(j, &d, &why);
	if (k == RT_JOIN_OUT) {
		for (uint32_t i = 0; i < rt_join_nout(j); i++) {
			if (i)
				rt_buf_addc(&out, '|');
			rt_join_write(j, &d, i, &out);
		}
		snprintf(res, sizeof res, "OUT:%s", rt_buf_cstr(&out));
	} else {
		snprintf(res, sizeof res, "%s%s%s", k == RT_JOIN_PASS ? "PASS" :
		    k == RT_JOIN_DROP ? "DROP" : "REJECT", why ? ":" : "",
		    why ? why : "");
	}
	rt_buf_release(&out);
	rt_jdoc_release(&d);
	return res;
}

static void
setup(struct rt_join *j, struct rt_table *t, struct rt_tspec *s,
    const char *field, const char *col, const char *rows)
{
	rt_join_init(j);
	j->field[0] = field;
	j->nfield = 1;
	j->topt = &topt;
	memset(s, 0, sizeof *s);
	s->key[0] = col;
	s->nkey = 1;
	s->topt = &topt;
	table(t, s, rows);
}

static void
done(struct rt_join *j, struct rt_table *t)
{
	rt_join_release(j);
	rt_table_release(t);
}

#define CARDS "{\"id\":\"c1\",\"name\":\"Alice\",\"tier\":3}\n" \
	"{\"id\":\"c2\",\"name\":\"Bob\",\"tier\":1}\n" \
	"{\"id\":\"c2\",\"name\":\"Bobby\",\"tier\":2}\n" \
	"{\"id\":7,\"name\":\"Seven\"}\n"

static void
test_basic(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r;

	setup(&j, &t, &s, "card", "id", CARDS);
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	r = join(&j, "{\"card\":\"c1\",\"amount\":5}");
	ok(strcmp(r, "OUT:{\"card\":\"c1\",\"amount\":5,\"name\":\"Alice\","
	    "\"tier\":3}") == 0, "appended: %s", r);
	r = join(&j, " { \"card\" : \"c2\" } ");
	ok(strcmp(r, "OUT: { \"card\" : \"c2\" ,\"name\":\"Bob\",\"tier\":1} ")
	    == 0, "spacing kept, first of two rows: %s", r);
	r = join(&j, "{\"card\":7}");
	ok(strcmp(r, "OUT:{\"card\":7,\"name\":\"Seven\"}") == 0,
	    "a number key: %s", r);
	r = join(&j, "{\"card\":\"7\"}");
	ok(strncmp(r, "OUT:", 4) == 0, "\"7\" matches 7 (text of the value)");
	r = join(&j, "{\"card\":\"c\\u0031\"}");
	ok(strncmp(r, "OUT:", 4) == 0, "escapes decoded: %s", r);
	ok(strcmp(join(&j, "{\"card\":\"c9\"}"), "PASS") == 0, "no match: pass");
	ok(strcmp(join(&j, "{\"x\":1}"), "PASS") == 0, "no key field: pass");
	ok(strcmp(join(&j, "{\"card\":null}"), "PASS") == 0, "null key: pass");
	ok(strcmp(join(&j, "{\"card\":[\"c1\"]}"), "PASS") == 0,
	    "an array key: pass");
	ok(strcmp(join(&j, "{}"), "PASS") == 0, "empty record: pass");
	r = join(&j, "{\"card\":\"c1\",\"name\":\"old\",\"z\":0}");
	ok(strcmp(r, "OUT:{\"card\":\"c1\",\"name\":\"Alice\",\"z\":0,"
	    "\"tier\":3}") == 0, "a member there is replaced in place: %s", r);
	r = join(&j, "{\"card\":\"c1\",\"id\":\"x\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c1\",\"id\":\"x\",\"name\":\"Alice\","
	    "\"tier\":3}") == 0, "the key column is not added: %s", r);
	ok(j.matched == 7 && j.missed == 5, "counts: %llu matched, %llu missed",
	    (unsigned long long)j.matched, (unsigned long long)j.missed);
	j.many = RT_JMANY_LAST;
	r = join(&j, "{\"card\":\"c2\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c2\",\"name\":\"Bobby\",\"tier\":2}") == 0,
	    "--many last: %s", r);
	j.many = RT_JMANY_ALL;
	r = join(&j, "{\"card\":\"c2\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c2\",\"name\":\"Bob\",\"tier\":1}|"
	    "{\"card\":\"c2\",\"name\":\"Bobby\",\"tier\":2}") == 0 &&
	    j.extra == 1, "--many all: a record per row: %s", r);
	done(&j, &t);
}

static void
test_nested(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r;

	setup(&j, &t, &s, "card", "id", CARDS);
	j.as = "cust\"x";
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	r = join(&j, "{\"card\":\"c1\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c1\",\"cust\\\"x\":{\"name\":\"Alice\","
	    "\"tier\":3}}") == 0, "--as (escaped): %s", r);
	j.many = RT_JMANY_ALL;
	r = join(&j, "{\"card\":\"c2\",\"cust\\\"x\":1}");
	ok(strcmp(r, "OUT:{\"card\":\"c2\",\"cust\\\"x\":[{\"name\":\"Bob\","
	    "\"tier\":1},{\"name\":\"Bobby\",\"tier\":2}]}") == 0,
	    "--as with --many all: an array, in place: %s", r);
	r = join(&j, "{\"card\":\"c9\"}");
	ok(strcmp(r, "PASS") == 0, "--as, no match: unchanged");
	done(&j, &t);
}

static void
test_missing(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r;

	setup(&j, &t, &s, "card", "id", CARDS);
	j.prefix = "c_";
	s.prefix = "c_";
	rt_table_release(&t);
	table(&t, &s, CARDS);
	ok(rt_join_default(&j, "tier=0") == NULL &&
	    rt_join_default(&j, "name=n/a") == NULL &&
	    rt_join_default(&j, "flag={\"a\":1}") == NULL &&
	    rt_join_default(&j, "=1") != NULL &&
	    rt_join_default(&j, "x") != NULL, "--default COL=V");
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	r = join(&j, "{\"card\":\"c9\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c9\",\"c_tier\":0,\"c_name\":\"n/a\","
	    "\"c_flag\":{\"a\":1}}") == 0, "defaults, prefixed: %s", r);
	r = join(&j, "{\"card\":7}");
	ok(strcmp(r, "OUT:{\"card\":7,\"c_name\":\"Seven\",\"c_tier\":0,"
	    "\"c_flag\":{\"a\":1}}") == 0, "defaults fill a row's gaps: %s", r);
	j.missing = RT_JMISS_DROP;
	ok(strcmp(join(&j, "{\"card\":\"c9\"}"), "DROP") == 0, "--missing drop");
	j.missing = RT_JMISS_REJECT;
	r = join(&j, "{\"card\":\"c9\"}");
	ok(strcmp(r, "REJECT:no match for card") == 0, "--missing reject: %s", r);
	done(&j, &t);
}

static void
test_asof_range(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r;

	setup(&j, &t, &s, "cur", "cur", "");
	rt_table_release(&t);
	s.valid_from = "from";
	table(&t, &s, "{\"cur\":\"USD\",\"from\":100,\"r\":1}\n"
	    "{\"cur\":\"USD\",\"from\":300,\"r\":3}\n"
	    "{\"cur\":\"USD\",\"from\":200,\"r\":2}\n"
	    "{\"cur\":\"USD\",\"from\":200,\"r\":22}\n");
	j.asof = "ts";
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	ok(strcmp(join(&j, "{\"cur\":\"USD\",\"ts\":99}"), "PASS") == 0,
	    "before every row: no match");
	r = join(&j, "{\"cur\":\"USD\",\"ts\":150}");
	ok(strstr(r, "\"r\":1}") != NULL, "the row valid at 150: %s", r);
	r = join(&j, "{\"cur\":\"USD\",\"ts\":250}");
	ok(strstr(r, "\"r\":2}") != NULL, "ties: the first: %s", r);
	j.many = RT_JMANY_LAST;
	r = join(&j, "{\"cur\":\"USD\",\"ts\":200}");
	ok(strstr(r, "\"r\":22}") != NULL, "ties: --many last, at the bound: %s",
	    r);
	r = join(&j, "{\"cur\":\"USD\",\"ts\":\"1970-01-01T00:10:00Z\"}");
	ok(strstr(r, "\"r\":3}") != NULL, "a time as text: %s", r);
	r = join(&j, "{\"cur\":\"USD\"}");
	ok(strcmp(r, "REJECT:ts: time field missing") == 0, "no time: %s", r);
	done(&j, &t);

	setup(&j, &t, &s, "ip", "ip", "");
	rt_table_release(&t);
	s.nkey = 0;
	s.lo = "lo";
	s.hi = "hi";
	table(&t, &s, "{\"lo\":\"10.0.0.0\",\"hi\":\"10.0.0.255\",\"cc\":\"FR\"}\n"
	    "{\"lo\":\"10.0.1.0\",\"hi\":\"10.0.1.9\",\"cc\":\"DE\"}\n");
	j.range = 1;
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	r = join(&j, "{\"ip\":\"10.0.1.9\"}");
	ok(strcmp(r, "OUT:{\"ip\":\"10.0.1.9\",\"lo\":\"10.0.1.0\",\"hi\":"
	    "\"10.0.1.9\",\"cc\":\"DE\"}") == 0, "range: %s", r);
	ok(strcmp(join(&j, "{\"ip\":\"10.0.1.10\"}"), "PASS") == 0 &&
	    strcmp(join(&j, "{\"ip\":5}"), "PASS") == 0 &&
	    strcmp(join(&j, "{\"ip\":\"x\"}"), "PASS") == 0,
	    "outside, a number, not an address: no match");
	done(&j, &t);
}

static void
test_composite(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r;

	setup(&j, &t, &s, "card", "c", "");
	rt_table_release(&t);
	s.key[1] = "m";
	s.nkey = 2;
	table(&t, &s, "{\"c\":\"a\",\"m\":1,\"lim\":10}\n"
	    "{\"c\":\"a\",\"m\":2,\"lim\":20}\n");
	j.field[1] = "merchant";
	j.nfield = 2;
	j.missing = RT_JMISS_REJECT;
	rt_join_setup(&j);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	r = join(&j, "{\"merchant\":2,\"card\":\"a\"}");
	ok(strcmp(r, "OUT:{\"merchant\":2,\"card\":\"a\",\"lim\":20}") == 0,
	    "composite key: %s", r);
	r = join(&j, "{\"merchant\":3,\"card\":\"a\"}");
	ok(strcmp(r, "REJECT:no match for card,merchant") == 0, "%s", r);
	done(&j, &t);
}

/* A lookup function: every key has one row, {"k":KEY}. */
static struct rt_table lt;

static int
lookup(void *arg, const char *key, size_t klen, struct rt_tmatch *m,
    const char **err)
{
	(void)arg;
	if (klen == 4 && memcmp(key, "fail", 4) == 0) {
		*err = "lookup: disk I/O error";
		return -1;
	}
	return rt_table_find(&lt, key, klen, rt_hash(key, klen), m);
}

static void
test_lookup_and_hints(void)
{
	struct rt_join j;
	struct rt_table t;
	struct rt_tspec s;
	const char *r, *ahead = "{\"card\":\"c1\"}\n{\"x\":1}\n"
	    "{\"card\":\"c2\"}\n";

	setup(&j, &t, &s, "card", "id", CARDS);
	rt_join_setup(&j);
	table(&lt, &s, CARDS);
	rt_join_use(&j, NULL, &lt.cols, lookup, NULL);
	r = join(&j, "{\"card\":\"c1\"}");
	ok(strcmp(r, "OUT:{\"card\":\"c1\",\"name\":\"Alice\",\"tier\":3}") == 0,
	    "through a lookup function: %s", r);
	r = join(&j, "{\"card\":\"fail\"}");
	ok(strcmp(r, "REJECT:lookup: disk I/O error") == 0, "%s", r);
	rt_join_use(&j, &t, &t.cols, NULL, NULL);
	for (size_t n = 0; n <= strlen(ahead); n++)	/* never past n */
		rt_join_hint(&j, ahead, n);
	ok(j.hv[1] == 1, "a hint for the record three ahead");
	r = join(&j, "{\"card\":\"c2\"}");
	ok(strncmp(r, "OUT:", 4) == 0, "hints change nothing");
	rt_table_release(&lt);
	done(&j, &t);
}

int
main(void)
{
	rt_timeopt_init(&topt);
	test_basic();
	test_nested();
	test_missing();
	test_asof_range();
	test_composite();
	test_lookup_and_hints();
	rt_timeopt_release(&topt);
	return done_testing();
}
