/*
 * t_alert_top.c - rt-alert's --top K --per DUR (lib/alert_top.c) on its
 * own: tables of alerts held and periods closed with the exact order out
 * (higher score, then earlier, then read first), what is late, when a
 * period is due, periods opened out of order and before the epoch; then
 * seeded streams against a reference that sorts each period's alerts
 * and keeps the first K.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "tap.h"

#define S 1000000LL

struct got {
	char text[512];
	const char *sep;	/* before the next alert: " " or "|" */
	uint64_t lines[256];
	size_t n;
};

static void
out(void *arg, const char *json, size_t len, uint64_t line)
{
	struct got *g = arg;
	size_t k = strlen(g->text);

	snprintf(g->text + k, sizeof g->text - k, "%s%.*s", k ? g->sep : "",
	    (int)len, json);
	g->sep = " ";
	if (g->n < 256)
		g->lines[g->n++] = line;
}

/* An alert: its json is its name. */
struct hold {
	const char *name;
	double score;
	int64_t t;
	int full;		/* rt_atop_hold's answer */
};

struct tcase {
	const char *name;
	size_t k;
	int64_t per;
	struct hold h[10];
	const char *want;	/* each closed period's names, "|" between */
};

static const struct tcase cases[] = {
	{ "K 2: the best two, best first", 2, 10 * S, {
		{ "a", 10, 1 * S, 0 }, { "b", 30, 2 * S, 0 },
		{ "c", 20, 3 * S, 1 }, { "d", 5, 4 * S, 1 }, { NULL, 0, 0, 0 } },
	    "b c" },
	{ "equal scores: the earlier first, then the first read", 2, 10 * S, {
		{ "a", 50, 5 * S, 0 }, { "b", 50, 2 * S, 0 },
		{ "c", 50, 2 * S, 1 }, { NULL, 0, 0, 0 } },
	    "b c" },
	{ "equal score and time: the later read loses", 1, 10 * S, {
		{ "a", 50, 5 * S, 0 }, { "b", 50, 5 * S, 1 },
		{ NULL, 0, 0, 0 } },
	    "a" },
	{ "a worse alert for a full period is lost", 1, 10 * S, {
		{ "a", 9, 1 * S, 0 }, { "b", 8, 2 * S, 1 },
		{ NULL, 0, 0, 0 } },
	    "a" },
	{ "infinite and negative scores order as numbers", 3, 10 * S, {
		{ "a", -1, 1 * S, 0 }, { "b", INFINITY, 2 * S, 0 },
		{ "c", -INFINITY, 3 * S, 0 }, { "d", 0, 4 * S, 1 },
		{ NULL, 0, 0, 0 } },
	    "b d a" },
	{ "periods apart, closed oldest first", 1, 10 * S, {
		{ "a", 1, 25 * S, 0 }, { "b", 1, 5 * S, 0 },
		{ "c", 2, 15 * S, 0 }, { "d", 3, 7 * S, 1 }, { NULL, 0, 0, 0 } },
	    "d|c|a" },
	{ "before the epoch: periods floor", 1, 10 * S, {
		{ "a", 1, -1, 0 }, { "b", 2, -10 * S, 1 },
		{ "c", 3, -10 * S - 1, 0 }, { "d", 4, 0, 0 },
		{ NULL, 0, 0, 0 } },
	    "c|b|d" },
};

static void
one_case(const struct tcase *tc)
{
	struct rt_atop p;
	struct got g;
	int bad = 0, line = 0;

	memset(&g, 0, sizeof g);
	rt_atop_init(&p, tc->k, tc->per);
	for (const struct hold *h = tc->h; h->name; h++) {
		line++;
		bad += rt_atop_hold(&p, h->score, h->t, (uint64_t)line,
		    (uint64_t)line * 10, h->name, strlen(h->name)) != h->full;
	}
	while (p.nper) {
		g.sep = "|";
		rt_atop_close(&p, out, &g);
	}
	ok(bad == 0, "%s: held, full as expected", tc->name);
	is_str(g.text, tc->want, tc->name);
	{
		/* Lines go out with each alert: line 10 * its read order. */
		int lb = 0;

		for (size_t i = 0; i < g.n; i++) {
			const char *nm = NULL;
			int r = 0;

			for (const struct hold *h = tc->h; h->name; h++) {
				r++;
				if ((uint64_t)r * 10 == g.lines[i])
					nm = h->name;
			}
			lb += nm == NULL;
		}
		ok(lb == 0 && g.n > 0, "%s: each alert out with its line",
		    tc->name);
	}
	rt_atop_release(&p);
}

/* Late and due, around a closed period. */
static void
late_due(void)
{
	struct rt_atop p;
	struct got g;

	memset(&g, 0, sizeof g);
	g.sep = " ";
	rt_atop_init(&p, 2, 10 * S);
	ok(!rt_atop_late(&p, INT64_MIN / 4) && !rt_atop_due(&p, 1000 * S),
	    "nothing closed: nothing late, nothing due");
	rt_atop_hold(&p, 1, 12 * S, 1, 1, "a", 1);
	rt_atop_hold(&p, 1, 3 * S, 2, 2, "b", 1);
	ok(!rt_atop_due(&p, 10 * S - 1) && rt_atop_due(&p, 10 * S),
	    "the period [0, 10s) is due at watermark 10s, not before");
	rt_atop_close(&p, out, &g);
	ok(p.have_closed && p.closed_upto == 10 * S && p.nper == 1,
	    "closed up to 10s, one period open");
	ok(rt_atop_late(&p, 9 * S) && rt_atop_late(&p, -5 * S) &&
	    !rt_atop_late(&p, 10 * S), "late: a time before 10s; 10s is not");
	ok(!rt_atop_due(&p, 20 * S - 1) && rt_atop_due(&p, 20 * S),
	    "the next period due at 20s");
	rt_atop_close(&p, out, &g);
	ok(p.nper == 0 && p.closed_upto == 20 * S && rt_atop_late(&p, 19 * S),
	    "closed up to 20s");
	is_str(g.text, "b a", "each period's alert out");
	/* A period opened for an earlier time than the one closed last: when
	 * it closes, closed_upto does not move back. */
	rt_atop_hold(&p, 1, 3 * S, 3, 3, "c", 1);
	rt_atop_close(&p, out, &g);
	ok(p.closed_upto == 20 * S, "closing an older period: closed_upto "
	    "stays at 20s");
	rt_atop_release(&p);
	/* Released with alerts held: freed (LeakSanitizer). */
	rt_atop_init(&p, 3, S);
	for (int i = 0; i < 20; i++)
		rt_atop_hold(&p, i % 7, (int64_t)i * S / 3, (uint64_t)i,
		    (uint64_t)i, "xyz", 3);
	ok(p.nper == 7, "20 alerts over 7 periods held");
	rt_atop_release(&p);
	ok(p.nper == 0 && p.open == NULL, "released: nothing open");
}

/* ---- seeded, against sorting ---------------------------------------- */

struct ref {
	double score;
	int64_t t;
	uint64_t seq;
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct sgot {
	uint64_t seq[64];
	size_t n;
};

static void
sout(void *arg, const char *json, size_t len, uint64_t line)
{
	struct sgot *g = arg;

	(void)json;
	(void)len;
	if (g->n < 64)
		g->seq[g->n++] = line;
}

static void
seeded(uint64_t seed, size_t k)
{
	enum { N = 3000, PER = 10 };
	static struct ref all[N];
	struct rt_atop p;
	uint64_t s0 = seed;
	int bad = 0, closes = 0, fulls = 0;
	int64_t t0 = -40 * S;
	size_t n = 0;

	rt_atop_init(&p, k, PER * S);
	for (int i = 0; i < N; i++) {
		uint64_t z = tap_xorshift(&seed);
		struct ref r;
		size_t before = 0;
		int full;
		char js[24];

		r.score = (double)(z % 12);
		r.t = t0 + (int64_t)((z >> 8) % 20) * S / 2;
		r.seq = (uint64_t)i + 1;
		t0 += (int64_t)((z >> 16) % 3) * S;
		if (rt_atop_late(&p, r.t))
			continue;
		for (size_t j = 0; j < n; j++)
			before += rt_floor_div(all[j].t, PER * S) ==
			    rt_floor_div(r.t, PER * S);
		snprintf(js, sizeof js, "{\"s\":%llu}",
		    (unsigned long long)r.seq);
		full = rt_atop_hold(&p, r.score, r.t, r.seq, r.seq, js,
		    strlen(js));
		bad += full != (before >= k);
		fulls += full;
		all[n++] = r;
		/* Close what is due 15 s behind the newest start. */
		while (rt_atop_due(&p, t0 - 15 * S)) {
			int64_t st = p.open[0].start;
			struct ref v[N];
			size_t m = 0, keep = 0;
			struct sgot g;

			g.n = 0;
			rt_atop_close(&p, sout, &g);
			closes++;
			for (size_t j = 0; j < n; j++)
				if (rt_floor_div(all[j].t, PER * S) * PER * S == st)
					v[m++] = all[j];
				else
					all[keep++] = all[j];
			n = keep;
			qsort(v, m, sizeof *v, ref_cmp);
			m = m < k ? m : k;
			bad += g.n != m;
			for (size_t j = 0; j < m && j < g.n; j++)
				bad += g.seq[j] != v[j].seq;
		}
	}
	ok(bad == 0 && closes > 100 && fulls > 100, "seeded %llu, K %zu: %d "
	    "periods closed as sorting gives them (%d holds full, %d wrong)",
	    (unsigned long long)s0, k, closes, fulls, bad);
	rt_atop_release(&p);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		one_case(&cases[i]);
	late_due();
	seeded(1, 1);
	seeded(2, 3);
	seeded(3, 8);
	return done_testing();
}
