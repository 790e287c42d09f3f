/*
 * t_table.c - reference tables (lib/table.c): CSV and NDJSON loading,
 * typed columns, --select and --prefix, rows refused with their line,
 * duplicate keys in file order, composite keys, as-of order, ranges of
 * numbers and of IP addresses, and a large random table against a
 * simple model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "field.h"
#include "hash.h"
#include "table.h"
#include "tap.h"

static char dir[] = "/tmp/t_table.XXXXXX";

static const char *
file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* The rows of key as "{members}|{members}" into out. */
static int
rows_of(const struct rt_table *t, const char *key, char *out, size_t cap)
{
	struct rt_tmatch m;
	size_t n = 0;

	out[0] = '\0';
	if (!rt_table_find(t, key, strlen(key), rt_hash(key, strlen(key)), &m))
		return 0;
	for (uint32_t i = 0; i < m.n; i++) {
		struct rt_trow r;
		const char *v, *k;
		size_t vn, kn, jn;
		uint32_t c;
		int first = 1;

		rt_trow_start(&r, &t->cols, m.base + m.off[i], &k, &kn);
		n += (size_t)snprintf(out + n, cap - n, "%s{", i ? "|" : "");
		while (rt_trow_next(&r, &c, &v, &vn)) {
			const char *jname = rt_tcols_jname(&t->cols, c, &jn);

			n += (size_t)snprintf(out + n, cap - n, "%s%.*s%.*s",
			    first ? "" : ",", (int)jn, jname, (int)vn, v);
			first = 0;
		}
		n += (size_t)snprintf(out + n, cap - n, "}");
	}
	return (int)m.n;
}

static void
test_csv(void)
{
	struct rt_tspec s = { 0 };
	struct rt_ttype ty[] = { { "tier", RT_TT_INTEGER },
	    { "limit", RT_TT_NUMBER }, { "vip", RT_TT_BOOL } };
	struct rt_table t;
	const char *p, *why;
	char out[512];

	p = file("cards.csv", "card_id,name,tier,limit,vip\n"
	    "c1,Alice,3,\"1,000.50\",yes\n"
	    "c2,Bob, 1 ,,n\n"
	    ",Empty,2,3,no\n"
	    "c4,Bad,x,1,no\n"
	    "c5,\"Zoë \"\"Z\"\"\",2,1e3,true\n"
	    "c1,Again,4,5,no\n"
	    "c6,short\n");
	s.key[0] = "card_id";
	s.nkey = 1;
	s.types = ty;
	s.ntypes = 3;
	why = rt_table_load(&t, p, &s);
	ok(why == NULL, "CSV loads: %s", why ? why : "ok");
	ok(t.nrows == 5 && t.rejected == 2, "5 rows, 2 refused (%zu, %llu)",
	    t.nrows, (unsigned long long)t.rejected);
	ok(t.rej.p && strcmp(rt_buf_cstr(&t.rej), "5: 'tier': cannot parse as "
	    "an integer\n8: row has 2 fields, the header has 5\n") == 0,
	    "refused with line and reason: %s", rt_buf_cstr(&t.rej));
	ok(rows_of(&t, "c1", out, sizeof out) == 2 && strcmp(out,
	    "{\"name\":\"Alice\",\"tier\":3,\"limit\":1000.50,\"vip\":true}|"
	    "{\"name\":\"Again\",\"tier\":4,\"limit\":5,\"vip\":false}") == 0,
	    "typed values, duplicates in file order: %s", out);
	ok(rows_of(&t, "c2", out, sizeof out) == 1 && strcmp(out,
	    "{\"name\":\"Bob\",\"tier\":1,\"limit\":null,\"vip\":false}") == 0,
	    "spaces trimmed from typed values, empty is null: %s", out);
	ok(rows_of(&t, "", out, sizeof out) == 1, "an empty key is a key");
	ok(rows_of(&t, "c5", out, sizeof out) == 1 && strcmp(out,
	    "{\"name\":\"Zoë \\\"Z\\\"\",\"tier\":2,\"limit\":1e3,\"vip\":true}")
	    == 0, "quoted fields: %s", out);
	ok(rows_of(&t, "c9", out, sizeof out) == 0, "no row for c9");
	rt_table_release(&t);

	/* --select and --prefix; a key column named by --select is kept. */
	{
		const char *sel[] = { "tier", "card_id" };

		s.select = sel;
		s.nselect = 2;
		s.prefix = "c_";
		why = rt_table_load(&t, p, &s);
		ok(why == NULL && rows_of(&t, "c2", out, sizeof out) == 1 &&
		    strcmp(out, "{\"c_tier\":1,\"c_card_id\":\"c2\"}") == 0,
		    "--select order, --prefix: %s", out);
		rt_table_release(&t);
		sel[1] = "nope";
		why = rt_table_load(&t, p, &s);
		ok(why && strcmp(why, "no column 'nope'") == 0,
		    "a --select column not in the header: %s", why);
		s.select = NULL;
		s.nselect = 0;
		s.prefix = NULL;
	}
	s.key[0] = "card";
	why = rt_table_load(&t, p, &s);
	ok(why && strcmp(why, "no column 'card'") == 0, "no key column: %s",
	    why);
	s.key[0] = "card_id";
	s.strict = 1;
	why = rt_table_load(&t, p, &s);
	ok(why != NULL, "--strict: a refused row fails the load");
	s.strict = 0;
	why = rt_table_load(&t, "/no/such/file.csv", &s);
	ok(why && strstr(why, "No such file"), "a missing file: %s", why);
}

static void
test_ndjson(void)
{
	struct rt_tspec s = { 0 };
	struct rt_table t;
	const char *p, *why;
	char out[512];

	p = file("t.ndjson", "{\"id\":1,\"a\":{\"x\":[1,2]},\"b\":null}\n"
	    "{\"id\":\"1\",\"c\":true}\n"
	    "{\"a\":1}\n"
	    "{\"id\":null}\n"
	    "[1]\n"
	    "{\"id\":2,\"a\":1,\"a\":2,\"d\\u00e9\":3}\n"
	    "{\"id\":{}}\n"
	    "{bad\n");
	s.key[0] = "id";
	s.nkey = 1;
	why = rt_table_load(&t, p, &s);
	ok(why == NULL && t.nrows == 3 && t.rejected == 5, "NDJSON: 3 rows, 5 "
	    "refused");
	ok(strcmp(rt_buf_cstr(&t.rej), "3: no key column 'id'\n4: 'id': the "
	    "key is null\n5: not a JSON object\n7: 'id': the key is not a "
	    "scalar\n8: invalid JSON: expected a string key at byte 2\n")
	    == 0, "reasons: %s", rt_buf_cstr(&t.rej));
	ok(rows_of(&t, "1", out, sizeof out) == 2 && strcmp(out,
	    "{\"a\":{\"x\":[1,2]},\"b\":null}|{\"c\":true}") == 0,
	    "1 and \"1\" are one key; values as they were: %s", out);
	ok(rows_of(&t, "2", out, sizeof out) == 1 && strcmp(out,
	    "{\"a\":2,\"dé\":3}") == 0, "duplicate members: the last wins: %s",
	    out);
	rt_table_release(&t);
}

static void
test_composite(void)
{
	struct rt_tspec s = { 0 };
	struct rt_table t;
	struct rt_buf k = RT_BUF_INIT;
	struct rt_tmatch m;
	const char *p, *why;

	p = file("m.tsv", "card\tmerchant\tlimit\nc1\tm1\t10\nc1\tm2\t20\n"
	    "c1m\t1\t30\n");
	s.key[0] = "card";
	s.key[1] = "merchant";
	s.nkey = 2;
	why = rt_table_load(&t, p, &s);
	ok(why == NULL && t.nrows == 3, "TSV with a composite key");
	rt_tkey_part(&k, "c1", 2, 2);
	rt_tkey_part(&k, "m2", 2, 2);
	ok(rt_table_find(&t, k.p, k.len, rt_hash(k.p, k.len), &m) == 1,
	    "c1+m2 found");
	k.len = 0;
	rt_tkey_part(&k, "c1m", 3, 2);
	rt_tkey_part(&k, "2", 1, 2);
	ok(rt_table_find(&t, k.p, k.len, rt_hash(k.p, k.len), &m) == 0,
	    "c1m+2 is not c1+m2 (parts keep their lengths)");
	rt_buf_release(&k);
	rt_table_release(&t);
}

static void
test_asof(void)
{
	struct rt_tspec s = { 0 };
	struct rt_timeopt topt;
	struct rt_table t;
	struct rt_tmatch m;
	const char *p, *why;

	rt_timeopt_init(&topt);
	p = file("r.csv", "cur,from,rate\nUSD,2024-03-02,2\nUSD,2024-03-01,1\n"
	    "EUR,2024-03-01,9\nUSD,2024-03-01T12:00:00Z,3\nUSD,1709251200,4\n"
	    "USD,never,5\n");
	s.key[0] = "cur";
	s.nkey = 1;
	s.valid_from = "from";
	s.topt = &topt;
	why = rt_table_load(&t, p, &s);
	ok(why == NULL && t.nrows == 5 && t.rejected == 1,
	    "as-of table: 5 rows, a bad time refused");
	ok(rt_table_find(&t, "USD", 3, rt_hash("USD", 3), &m) == 1 &&
	    m.n == 4 && m.vf, "USD has 4 rows with times");
	ok(m.vf[0] == 1709251200LL * 1000000 && m.vf[1] == m.vf[0] &&
	    m.vf[2] == m.vf[0] + 43200LL * 1000000 &&
	    m.vf[3] == m.vf[0] + 86400LL * 1000000,
	    "sorted by valid-from time");
	ok(rt_table_find(&t, "EUR", 3, rt_hash("EUR", 3), &m) == 1 &&
	    m.n == 1 && m.vf, "a key with one row has its time too");
	rt_table_release(&t);
	rt_timeopt_release(&topt);
}

static void
test_range(void)
{
	struct rt_tspec s = { 0 };
	struct rt_table t;
	struct rt_tmatch m;
	struct rt_u128 v;
	const char *p, *why;

	ok(rt_range_value("10.0.0.1", 8, 0, &v) == RT_RK_IP && v.hi == 0 &&
	    v.lo == 0xffff0a000001ULL, "IPv4 as ::ffff:a.b.c.d");
	ok(rt_range_value("::ffff:10.0.0.1", 15, 0, &v) == RT_RK_IP &&
	    v.lo == 0xffff0a000001ULL, "IPv4-mapped IPv6 is the same");
	ok(rt_range_value("2001:db8::1", 11, 0, &v) == RT_RK_IP &&
	    v.hi == 0x20010db800000000ULL && v.lo == 1, "IPv6");
	ok(rt_range_value("10.0.0", 6, 0, &v) == RT_RK_NONE &&
	    rt_range_value("", 0, 0, &v) == RT_RK_NONE, "not addresses");
	{
		struct rt_u128 a, b, c;

		rt_range_value("-2.5", 4, 1, &a);
		rt_range_value("-0", 2, 1, &b);
		rt_range_value("1e3", 3, 0, &c);
		ok(rt_u128_cmp(a, b) < 0 && rt_u128_cmp(b, c) < 0 &&
		    rt_range_value("0", 1, 1, &a) == RT_RK_NUM &&
		    rt_u128_cmp(a, b) == 0, "numbers keep their order");
	}
	p = file("ip.csv", "lo,hi,cc\n10.0.1.0,10.0.1.255,DE\n"
	    "10.0.0.0,10.0.0.255,FR\n10.0.0.128,10.0.0.130,XX\n"
	    "10.0.3.0,10.0.2.0,BAD\n5,6,NUM\n::1,::5,V6\n");
	s.lo = "lo";
	s.hi = "hi";
	why = rt_table_load(&t, p, &s);
	ok(why == NULL && t.nrows == 3 && t.rejected == 3,
	    "ranges: 3 kept, 3 refused");
	ok(strcmp(rt_buf_cstr(&t.rej), "5: 'lo' is above 'hi'\n"
	    "6: 'lo': a number in a table of IP addresses\n"
	    "4: its range overlaps the range of line 3\n") == 0,
	    "reasons: %s", rt_buf_cstr(&t.rej));
	rt_range_value("10.0.0.129", 10, 0, &v);
	ok(rt_table_range(&t, v, &m) == 1, "10.0.0.129 in FR's range");
	rt_range_value("10.0.1.255", 10, 0, &v);
	ok(rt_table_range(&t, v, &m) == 1, "the upper bound is in");
	rt_range_value("10.0.2.0", 8, 0, &v);
	ok(rt_table_range(&t, v, &m) == 0, "a gap");
	rt_range_value("::0", 3, 0, &v);
	ok(rt_table_range(&t, v, &m) == 0, "below every range");
	rt_range_value("::5", 3, 0, &v);
	ok(rt_table_range(&t, v, &m) == 1, "IPv6 range");
	rt_table_release(&t);
}

/* Random keys with duplicates against counts kept aside. */
static void
test_random(void)
{
	struct rt_tspec s = { 0 };
	struct rt_table t;
	struct rt_jdoc d;
	struct rt_tmatch m;
	static unsigned count[5000];
	char text[128], key[32];
	uint64_t x = 42;
	int bad = 0;

	s.key[0] = "k";
	s.nkey = 1;
	rt_table_init(&t, &s);
	rt_jdoc_init(&d, 0);
	for (int i = 0; i < 60000; i++) {
		unsigned k = (unsigned)(tap_xorshift(&x) % 5000);

		if (k % 7 == 0)
			continue;	/* keys never in the table */
		snprintf(text, sizeof text, "{\"k\":\"key%u\",\"i\":%d}", k, i);
		rt_jdoc_parse(&d, text, strlen(text));
		rt_table_add(&t, &d, (uint64_t)i + 1);
		count[k]++;
	}
	ok(rt_table_finish(&t) == NULL, "60000 random rows");
	for (unsigned k = 0; k < 5000; k++) {
		int n = snprintf(key, sizeof key, "key%u", k), last = -1;

		if (!rt_table_find(&t, key, (size_t)n, rt_hash(key, (size_t)n),
		    &m)) {
			bad += count[k] != 0;
			continue;
		}
		bad += m.n != count[k];
		for (uint32_t i = 0; i < m.n; i++) {	/* in file order */
			struct rt_trow r;
			const char *v, *kk;
			size_t vn, kn;
			uint32_t c;
			int at = -1;

			rt_trow_start(&r, &t.cols, m.base + m.off[i], &kk, &kn);
			if (rt_trow_next(&r, &c, &v, &vn))
				at = atoi(v);
			bad += at <= last;
			last = at;
		}
	}
	ok(bad == 0, "every key's rows, in file order (%d wrong)", bad);
	rt_jdoc_release(&d);
	rt_table_release(&t);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_csv();
	test_ndjson();
	test_composite();
	test_asof();
	test_range();
	test_random();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
