/*
 * t_txsim.c - the transaction simulator (lib/txsim.c): records written
 * as JSON and CSV byte for byte (amounts from 0 to the ends of int64);
 * the tiny world of rt-gen(1)'s EXAMPLES; what every run must hold (ids
 * in order, times in order and within their day, terminals within the
 * radius, the labels' rules, the same seed the same stream); degenerate
 * worlds; and the messy export: each line read back to the transaction
 * it came from, in CSV and NDJSON, with its dirt counted.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "json.h"
#include "rtime.h"
#include "tap.h"
#include "txsim.h"

#define DAY_US (86400LL * 1000000)

static void
test_format(void)
{
	static const struct {
		struct rt_tx t;
		const char *json, *csv;
	} t[] = {
		{ { 0, 1522540831000000LL, 596, 3156, 5716, 0, 0 },
		  "{\"tx_id\":0,\"ts\":\"2018-04-01T00:00:31Z\",\"customer_id\":596,"
		  "\"terminal_id\":3156,\"amount\":57.16,\"is_fraud\":0,"
		  "\"fraud_scenario\":0}",
		  "0,2018-04-01T00:00:31Z,596,3156,57.16,0,0" },
		{ { 7, 0, 0, 0, 0, 1, 2 },
		  "{\"tx_id\":7,\"ts\":\"1970-01-01T00:00:00Z\",\"customer_id\":0,"
		  "\"terminal_id\":0,\"amount\":0.00,\"is_fraud\":1,"
		  "\"fraud_scenario\":2}",
		  "7,1970-01-01T00:00:00Z,0,0,0.00,1,2" },
		{ { UINT64_MAX, 1522540831000000LL, UINT32_MAX, UINT32_MAX, 5, 1,
		  3 }, NULL,
		  "18446744073709551615,2018-04-01T00:00:31Z,4294967295,"
		  "4294967295,0.05,1,3" },
		{ { 1, 0, 1, 2, 123456789, 0, 1 }, NULL,
		  "1,1970-01-01T00:00:00Z,1,2,1234567.89,0,1" },
		{ { 1, 0, 1, 2, -5, 0, 0 }, NULL,
		  "1,1970-01-01T00:00:00Z,1,2,-0.05,0,0" },
		{ { 1, 0, 1, 2, INT64_MAX, 0, 0 }, NULL,
		  "1,1970-01-01T00:00:00Z,1,2,92233720368547758.07,0,0" },
		{ { 1, 0, 1, 2, INT64_MIN, 0, 0 }, NULL,
		  "1,1970-01-01T00:00:00Z,1,2,-92233720368547758.08,0,0" },
	};
	struct rt_buf b = RT_BUF_INIT;

	rt_txsim_csv_header(&b);
	is_str(rt_buf_cstr(&b), "tx_id,ts,customer_id,terminal_id,amount,"
	    "is_fraud,fraud_scenario\n", "the CSV header");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (t[i].json) {
			b.len = 0;
			rt_txsim_json(&t[i].t, &b);
			is_str(rt_buf_cstr(&b), t[i].json, "JSON");
		}
		b.len = 0;
		rt_buf_adds(&b, "x");	/* appended to what is there */
		rt_txsim_csv(&t[i].t, &b);
		ok(b.len > 0 && b.p[0] == 'x', "CSV: appended");
		is_str(rt_buf_cstr(&b) + 1, t[i].csv, "CSV");
	}
	rt_buf_release(&b);
}

/* rt-gen(1), EXAMPLES: --seed 1 --customers 5 --terminals 10 --radius 30
 * --days 1 --limit 3. */
static void
test_example(void)
{
	static const char *const want[] = {
	    "{\"tx_id\":0,\"ts\":\"2018-04-01T04:03:13Z\",\"customer_id\":1,"
	    "\"terminal_id\":1,\"amount\":62.55,\"is_fraud\":1,"
	    "\"fraud_scenario\":3}",
	    "{\"tx_id\":1,\"ts\":\"2018-04-01T13:28:13Z\",\"customer_id\":0,"
	    "\"terminal_id\":7,\"amount\":82.90,\"is_fraud\":0,"
	    "\"fraud_scenario\":0}",
	    "{\"tx_id\":2,\"ts\":\"2018-04-01T15:10:23Z\",\"customer_id\":0,"
	    "\"terminal_id\":1,\"amount\":56.51,\"is_fraud\":0,"
	    "\"fraud_scenario\":0}" };
	struct rt_txsim_opts o;
	struct rt_txsim s;
	struct rt_tx t;
	struct rt_buf b = RT_BUF_INIT;

	rt_txsim_opts_default(&o);
	ok(o.seed == 1 && o.customers == 5000 && o.terminals == 10000 &&
	    o.days == 183 && o.radius == 5 && o.bad_terminals == 2 &&
	    o.bad_customers == 3 && o.start == 1522540800000000LL,
	    "the defaults, from 2018-04-01");
	o.customers = 5;
	o.terminals = 10;
	o.radius = 30;
	o.days = 1;
	rt_txsim_init(&s, &o);
	for (int i = 0; i < 3; i++) {
		b.len = 0;
		if (rt_txsim_next(&s, &t) != 1) {
			ok(0, "example: transaction %d", i);
			continue;
		}
		rt_txsim_json(&t, &b);
		is_str(rt_buf_cstr(&b), want[i], "the man page's example");
	}
	rt_txsim_release(&s);
	rt_buf_release(&b);
}

/* The stream of a world as one hash, and what it must hold. */
struct run {
	uint64_t n, hash, scen[4], bad;
};

static void
run_world(const struct rt_txsim_opts *o, struct run *r)
{
	struct rt_txsim s;
	struct rt_tx t;
	struct rt_buf b = RT_BUF_INIT;
	int64_t last = INT64_MIN;

	memset(r, 0, sizeof *r);
	rt_txsim_init(&s, o);
	while (rt_txsim_next(&s, &t) == 1) {
		double dx = s.cx[t.customer] - s.tx[t.terminal];
		double dy = s.cy[t.customer] - s.ty[t.terminal];
		int64_t day = (t.ts - o->start) / DAY_US;

		if (t.id != r->n || t.ts < last || t.ts < o->start ||
		    t.ts >= o->start + (int64_t)o->days * DAY_US ||
		    day != (int64_t)s.d - 1 || (t.ts - o->start) % 1000000 ||
		    t.customer >= o->customers || t.terminal >= o->terminals ||
		    dx * dx + dy * dy >= o->radius * o->radius ||
		    t.cents < 0 || t.scenario < 0 || t.scenario > 3 ||
		    t.fraud != (t.scenario != 0) ||
		    (t.scenario == 1 && t.cents <= 22000) ||
		    (t.scenario == 3 && t.cents % 5 != 0) ||
		    (t.scenario == 0 && t.cents > 22000)) {
			if (r->bad++ < 3)
				diag("tx %llu breaks a rule",
				    (unsigned long long)t.id);
		}
		last = t.ts;
		r->scen[t.scenario]++;
		b.len = 0;
		rt_txsim_json(&t, &b);
		r->hash = rt_hash(b.p, b.len) ^ (r->hash * 0x100000001b3ULL);
		r->n++;
	}
	ok(rt_txsim_next(&s, &t) == 0, "  after the last day: 0 again");
	rt_txsim_release(&s);
	rt_buf_release(&b);
}

static void
test_worlds(void)
{
	struct rt_txsim_opts o;
	struct run a, b;

	rt_txsim_opts_default(&o);
	o.seed = 7;
	o.customers = 300;
	o.terminals = 600;
	o.days = 30;
	run_world(&o, &a);
	ok(a.n > 1000 && a.bad == 0, "a world of 30 days: %llu transactions, "
	    "each within the rules", (unsigned long long)a.n);
	ok(a.scen[1] > 0 && a.scen[2] > 0 && a.scen[3] > 0 &&
	    a.scen[0] > a.scen[1] + a.scen[2] + a.scen[3],
	    "all three scenarios, most transactions genuine (%llu %llu %llu "
	    "%llu)", (unsigned long long)a.scen[0],
	    (unsigned long long)a.scen[1], (unsigned long long)a.scen[2],
	    (unsigned long long)a.scen[3]);
	run_world(&o, &b);
	ok(b.n == a.n && b.hash == a.hash, "the same seed: the same stream");
	o.seed = 8;
	run_world(&o, &b);
	ok(b.hash != a.hash && b.bad == 0, "another seed: another stream");
	o.seed = 0;
	run_world(&o, &b);
	ok(b.n > 0 && b.bad == 0, "seed 0 works");

	o.seed = 7;
	o.customers = 0;
	run_world(&o, &b);
	ok(b.n == 0, "no customers: no transactions");
	o.customers = 50;
	o.terminals = 0;
	run_world(&o, &b);
	ok(b.n == 0, "no terminals: no transactions");
	o.terminals = 50;
	o.days = 0;
	run_world(&o, &b);
	ok(b.n == 0, "no days: no transactions");
	o.days = 3;
	o.radius = 0.001;
	run_world(&o, &b);
	ok(b.n == 0 && b.bad == 0, "a radius nothing is within: none");
	o.radius = 200;
	o.bad_terminals = 0;
	o.bad_customers = 0;
	run_world(&o, &b);
	ok(b.n > 0 && b.bad == 0 && b.scen[2] == 0 && b.scen[3] == 0,
	    "every terminal in reach, nothing compromised: scenarios 0, 1");
}

/* The messy export read back: per line, the fields split at commas
 * outside quotes (CSV) or the members (NDJSON), compared with t. */
static int
mess_matches(const char *line, size_t n, const struct rt_tx *t, int ndjson,
    struct rt_jdoc *d)
{
	char want[64], got[64];
	size_t j = 0;
	struct rt_buf clean = RT_BUF_INIT;
	int okay;

	snprintf(want, sizeof want, "%llu", (unsigned long long)t->id);
	if (ndjson) {
		uint32_t k;

		if (rt_jdoc_parse(d, line, n) != 0)
			return -1;	/* cut short */
		k = rt_jdoc_get(d, 0, "TX_ID", 5);
		okay = k && d->v[k].len == strlen(want) &&
		    memcmp(line + d->v[k].off, want, d->v[k].len) == 0;
		k = rt_jdoc_get(d, 0, "Amount", 6);
		if (k && d->v[k].type == RT_JSTR)
			rt_jdoc_str(d, k, &clean);
		else if (k)	/* a number: as written */
			rt_buf_add(&clean, line + d->v[k].off, d->v[k].len);
	} else {
		int field = 0, q = 0;

		for (size_t i = 0; i < n; i++) {
			if (line[i] == '"')
				q = !q;
			else if (line[i] == ',' && !q)
				field++;
			else if (field == 0 && j + 1 < sizeof got)
				got[j++] = line[i];
			else if (field == 4)
				rt_buf_addc(&clean, line[i]);
		}
		got[j] = '\0';
		if (field != 6) {
			rt_buf_release(&clean);
			return -1;	/* cut short */
		}
		okay = strcmp(got, want) == 0;
	}
	/* The amount without its dirt: '$', ',' grouping (CSV quotes are
	 * gone already). */
	j = 0;
	for (size_t i = 0; i < clean.len && j + 1 < sizeof got; i++)
		if (clean.p[i] != '$' && clean.p[i] != ',' && clean.p[i] != '"')
			got[j++] = clean.p[i];
	got[j] = '\0';
	snprintf(want, sizeof want, "%lld.%02lld", (long long)(t->cents / 100),
	    (long long)(t->cents % 100));
	okay = okay && (strcmp(got, want) == 0 || strcmp(got, "n/a") == 0);
	rt_buf_release(&clean);
	return okay;
}

static void
test_mess(int ndjson)
{
	struct rt_txsim_opts o;
	struct rt_txsim s;
	struct rt_txmess m, m2;
	struct rt_tx t;
	struct rt_buf b = RT_BUF_INIT, b2 = RT_BUF_INIT;
	struct rt_jdoc d;
	uint64_t lines = 0, cut = 0, wrong = 0, blank = 0, ntx = 0;

	rt_jdoc_init(&d, 0);
	rt_txsim_opts_default(&o);
	o.customers = 200;
	o.terminals = 400;
	o.days = 20;
	rt_txsim_init(&s, &o);
	rt_txmess_init(&m, 3);
	rt_txmess_init(&m2, 3);
	m.ndjson = m2.ndjson = ndjson;
	while (rt_txsim_next(&s, &t) == 1) {
		size_t at = 0;

		b.len = 0;
		rt_txmess_rows(&m, &t, &b);
		rt_txmess_rows(&m2, &t, &b2);
		ntx++;
		while (at < b.len) {
			const char *nl = memchr(b.p + at, '\n', b.len - at);
			size_t n = (size_t)(nl - (b.p + at));
			int r;

			lines++;
			if (n == 0) {
				blank++;
			} else if ((r = mess_matches(b.p + at, n, &t, ndjson,
			    &d)) == -1) {
				cut++;
			} else if (r == 0 && wrong++ < 3) {
				diag("'%.*s' is not tx %llu", (int)n, b.p + at,
				    (unsigned long long)t.id);
			}
			at += n + 1;
		}
	}
	ok(ntx > 1000 && wrong == 0, "%s: each of %llu lines reads back as its "
	    "transaction", ndjson ? "NDJSON" : "CSV", (unsigned long long)lines);
	ok(lines == ntx + m.duplicates + m.blank, "  a line per transaction, "
	    "a duplicate, a blank (%llu = %llu + %llu + %llu)",
	    (unsigned long long)lines, (unsigned long long)ntx,
	    (unsigned long long)m.duplicates, (unsigned long long)m.blank);
	ok(blank == m.blank && m.blank > 0 && m.duplicates > 0,
	    "  blank lines and duplicates counted");
	ok(cut <= m.broken, "  only broken rows are cut short (%llu of %llu)",
	    (unsigned long long)cut, (unsigned long long)m.broken);
	ok(b2.len > 0 && m2.duplicates == m.duplicates &&
	    m2.broken == m.broken, "  the same seed: the same dirt");
	rt_txsim_release(&s);
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	rt_buf_release(&b2);
	b.len = 0;
	rt_txmess_header(&b);
	is_str(rt_buf_cstr(&b), "TX_ID, TS ,Customer ID,TerminalID,Amount,"
	    "Is Fraud,Fraud_Scenario\n", "the messy header");
	rt_buf_release(&b);
}

int
main(void)
{
	test_format();
	test_example();
	test_worlds();
	test_mess(0);
	test_mess(1);
	return done_testing();
}
