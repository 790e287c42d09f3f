/*
 * t_tsql.c - SQLite tables (lib/tsql.c): a query loaded into a table,
 * SQLite's types as JSON, lookups with the LRU cache (hits, misses,
 * evictions, keys not found), integer keys, composite keys, as-of rows
 * of a key in time order, and errors worded.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "tap.h"
#include "tsql.h"

static char dir[] = "/tmp/t_tsql.XXXXXX";
static char db[256];

static void
make_db(void)
{
	sqlite3 *h;

	snprintf(db, sizeof db, "%s/t.db", dir);
	sqlite3_open(db, &h);
	sqlite3_exec(h, "CREATE TABLE cards(id TEXT PRIMARY KEY, n INTEGER, "
	    "r REAL, s TEXT, z);"
	    "INSERT INTO cards VALUES('c1', 3, 1.5, 'Zoë \"q\"', NULL),"
	    "('c2', -7, 2.0, '', x'41'), ('c3', 1, 1e300, 'x', 5);"
	    "CREATE TABLE num(k INTEGER, v TEXT);"
	    "INSERT INTO num VALUES(10, 'ten'), (10, 'dix'), (11, 'eleven');"
	    "CREATE TABLE m(c TEXT, m INTEGER, lim INTEGER);"
	    "INSERT INTO m VALUES('a', 1, 10), ('a', 2, 20);"
	    "CREATE TABLE rates(cur TEXT, vf TEXT, rate REAL);"
	    "INSERT INTO rates VALUES('USD', '2024-03-02', 2), "
	    "('USD', '2024-03-01', 1), ('USD', 'never', 9);", NULL, NULL, NULL);
	sqlite3_close(h);
}

/* Members of the rows of m as text. */
static void
rows(const struct rt_tcols *cols, const struct rt_tmatch *m, char *out,
    size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (uint32_t i = 0; i < m->n; i++) {
		struct rt_trow r;
		const char *v, *k;
		size_t vn, kn, jn;
		uint32_t c;

		rt_trow_start(&r, cols, m->base + m->off[i], &k, &kn);
		n += (size_t)snprintf(out + n, cap - n, "%s", i ? "|" : "");
		while (rt_trow_next(&r, &c, &v, &vn)) {
			const char *j = rt_tcols_jname(cols, c, &jn);

			n += (size_t)snprintf(out + n, cap - n, "%.*s%.*s;",
			    (int)jn, j, (int)vn, v);
		}
	}
}

static void
test_load(void)
{
	struct rt_tspec s = { 0 };
	struct rt_table t;
	struct rt_tmatch m;
	const char *why;
	char out[512];

	s.key[0] = "id";
	s.nkey = 1;
	why = rt_tsql_load(&t, db, NULL, "cards", &s);
	ok(why == NULL && t.nrows == 3, "--table-name loads: %s",
	    why ? why : "ok");
	ok(rt_table_find(&t, "c1", 2, rt_hash("c1", 2), &m) == 1, "c1");
	rows(&t.cols, &m, out, sizeof out);
	ok(strcmp(out, "\"n\":3;\"r\":1.5;\"s\":\"Zoë \\\"q\\\"\";\"z\":null;")
	    == 0, "types: %s", out);
	rt_table_find(&t, "c2", 2, rt_hash("c2", 2), &m);
	rows(&t.cols, &m, out, sizeof out);
	ok(strcmp(out, "\"n\":-7;\"r\":2;\"s\":\"\";\"z\":\"A\";") == 0,
	    "a blob as text: %s", out);
	rt_table_release(&t);
	s.key[0] = "k";
	why = rt_tsql_load(&t, db, "SELECT k, upper(v) AS v FROM num", NULL,
	    &s);
	ok(why == NULL && rt_table_find(&t, "10", 2, rt_hash("10", 2), &m) == 1
	    && m.n == 2, "--sql with an integer key, duplicates");
	rt_table_release(&t);
	why = rt_tsql_load(&t, db, "SELEC", NULL, &s);
	ok(why && strstr(why, "--sql: ") == why, "a bad query: %s", why);
	why = rt_tsql_load(&t, db, NULL, "nope", &s);
	ok(why && strstr(why, "no such table"), "no table: %s", why);
	why = rt_tsql_load(&t, db, NULL, "cards", &s);
	ok(why && strcmp(why, "no column 'k'") == 0, "no key column: %s", why);
	why = rt_tsql_load(&t, "/no/such.db", NULL, "cards", &s);
	ok(why && strstr(why, "cannot open"), "no database: %s", why);
}

static void
test_lookup(void)
{
	struct rt_tspec s = { 0 };
	struct rt_tmatch m;
	struct rt_tsql *q;
	const char *err;
	uint64_t hits, misses;
	char out[512];
	int bad = 0;

	s.key[0] = "k";
	s.nkey = 1;
	q = rt_tsql_open(db, NULL, "num", &s, 2, &err);
	ok(q != NULL, "open for lookups");
	ok(rt_tsql_lookup(q, "10", 2, &m, &err) == 1 && m.n == 2,
	    "10: two rows");
	rows(rt_tsql_cols(q), &m, out, sizeof out);
	ok(strcmp(out, "\"v\":\"ten\";|\"v\":\"dix\";") == 0, "%s", out);
	ok(rt_tsql_lookup(q, "12", 2, &m, &err) == 0, "12: none");
	ok(rt_tsql_lookup(q, "10", 2, &m, &err) == 1, "10 again");
	ok(rt_tsql_lookup(q, "12", 2, &m, &err) == 0, "12 again");
	rt_tsql_counts(q, &hits, &misses);
	ok(hits == 2 && misses == 2, "hits %llu, misses %llu",
	    (unsigned long long)hits, (unsigned long long)misses);
	ok(rt_tsql_lookup(q, "11", 2, &m, &err) == 1, "11 evicts 10");
	ok(rt_tsql_lookup(q, "10", 2, &m, &err) == 1 && m.n == 2,
	    "10 fetched again");
	rt_tsql_counts(q, &hits, &misses);
	ok(hits == 2 && misses == 4, "hits %llu, misses %llu",
	    (unsigned long long)hits, (unsigned long long)misses);
	for (int i = 0; i < 1000; i++) {	/* churn the cache */
		char k[16];
		int n = snprintf(k, sizeof k, "%d", i % 20);

		bad += rt_tsql_lookup(q, k, (size_t)n, &m, &err) !=
		    (i % 20 == 10 || i % 20 == 11);
	}
	ok(bad == 0, "1000 lookups through a cache of 2 (%d wrong)", bad);
	rt_tsql_free(q);

	s.key[0] = "c";
	s.key[1] = "m";
	s.nkey = 2;
	q = rt_tsql_open(db, "SELECT * FROM m", NULL, &s, 10, &err);
	{
		struct rt_buf k = RT_BUF_INIT;

		rt_tkey_part(&k, "a", 1, 2);
		rt_tkey_part(&k, "2", 1, 2);
		ok(q && rt_tsql_lookup(q, k.p, k.len, &m, &err) == 1 &&
		    m.n == 1, "a composite key through --sql");
		rt_buf_release(&k);
	}
	rt_tsql_free(q);
	s.key[0] = "x";
	s.nkey = 1;
	q = rt_tsql_open(db, NULL, "num", &s, 10, &err);
	ok(q == NULL && strcmp(err, "no column 'x'") == 0, "%s", err);
}

static void
test_asof(void)
{
	struct rt_tspec s = { 0 };
	struct rt_timeopt topt;
	struct rt_tmatch m;
	struct rt_tsql *q;
	const char *err;

	rt_timeopt_init(&topt);
	s.key[0] = "cur";
	s.nkey = 1;
	s.valid_from = "vf";
	s.topt = &topt;
	q = rt_tsql_open(db, NULL, "rates", &s, 10, &err);
	ok(q && rt_tsql_lookup(q, "USD", 3, &m, &err) == 1 && m.n == 2 &&
	    m.vf && m.vf[0] < m.vf[1], "as-of rows of a key, by time, the "
	    "bad one left out");
	rt_tsql_free(q);
	rt_timeopt_release(&topt);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	make_db();
	test_load();
	test_lookup();
	test_asof();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	(void)!system(cmd);
	return done_testing();
}
