/*
 * t_wacc.c - the window accumulators (lib/wacc.h, wacc.c) on their own,
 * beyond what t_window.c's acc_cases check: compensated sums to the exact
 * double, parts merged as sessions merge, the standard deviation across
 * both magnitudes and when its sums can be trusted (rt_wnum_sd_ok), and
 * seeded streams of adds and removes checked against naive recomputation
 * (sums, means, deviations), a deque and a distinct table against plain
 * arrays.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wacc.h"

/* ---- compensated sums --------------------------------------------- */

struct kcase {
	const char *name;
	double x[8];
	int n;
	double want;		/* exactly */
};

static const struct kcase kcases[] = {
	{ "empty", { 0 }, 0, 0 },
	{ "1e100 + 1 - 1e100 = 1", { 1e100, 1, -1e100 }, 3, 1 },
	{ "1 + 1e100 + 1 - 1e100 = 2", { 1, 1e100, 1, -1e100 }, 4, 2 },
	{ "2^53 + 1 + 1 = 2^53 + 2", { 0x1p53, 1, 1 }, 3, 0x1p53 + 2 },
	{ "0.1 eight times = 0.8", { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 },
	    8, 0.8 },
	{ "1e308 - 1e308 + 3 = 3", { 1e308, -1e308, 3 }, 3, 3 },
	{ "-0.5 + 0.25 + 0.25 = 0", { -0.5, 0.25, 0.25 }, 3, 0 },
};

static void
ksum_cases(void)
{
	for (size_t i = 0; i < sizeof kcases / sizeof kcases[0]; i++) {
		const struct kcase *c = &kcases[i];
		struct ksum k = { 0, 0 };

		for (int j = 0; j < c->n; j++)
			ksum_add(&k, c->x[j]);
		ok(ksum_get(&k) == c->want, "ksum: %s (got %.17g)", c->name,
		    ksum_get(&k));
	}
}

/* ---- wnum: exact cases --------------------------------------------- */

static void
wnum_of(struct wnum *w, const double *x, int n)
{
	memset(w, 0, sizeof *w);
	for (int i = 0; i < n; i++)
		wnum_add(w, x[i], 1, 1);
}

static void
wnum_cases(void)
{
	struct wnum w;
	double v[4];

	wnum_of(&w, NULL, 0);
	ok(wnum_n(&w) == 0 && wnum_sum(&w) == 0 && isnan(rt_wnum_sd(&w)),
	    "wnum: empty: n 0, sum 0, sd NAN");
	v[0] = 7;
	wnum_of(&w, v, 1);
	ok(wnum_n(&w) == 1 && wnum_avg(&w) == 7 && isnan(rt_wnum_sd(&w)),
	    "wnum: one number: its mean, sd NAN");
	v[0] = 1, v[1] = 3;
	wnum_of(&w, v, 2);
	ok(rt_wnum_sd(&w) == sqrt(2.0), "wnum: sd of 1, 3 is sqrt 2");
	v[0] = v[1] = v[2] = 5;
	wnum_of(&w, v, 3);
	ok(rt_wnum_sd(&w) == 0, "wnum: sd of equal numbers is 0");
	/* 2^480 is the first huge number; just under it is ordinary. */
	memset(&w, 0, sizeof w);
	wnum_add(&w, 0x1p480, 1, 1);
	wnum_add(&w, -0x1p480, 1, 1);
	wnum_add(&w, nextafter(0x1p480, 0), 1, 1);
	ok(w.b.n == 2 && w.s.n == 1, "wnum: |x| >= 2^480 goes to the huge "
	    "part, just under stays");
	ok(wnum_sum(&w) == nextafter(0x1p480, 0), "wnum: their sum exact");
	/* Across both parts: 0 and 2e300, mean 1e300, sd sqrt(2)e300. */
	v[0] = 0, v[1] = 2e300;
	wnum_of(&w, v, 2);
	ok(wnum_avg(&w) == 1e300 &&
	    fabs(rt_wnum_sd(&w) / (sqrt(2.0) * 1e300) - 1) < 1e-15,
	    "wnum: 0 and 2e300: mean 1e300, sd sqrt(2) 1e300");
	v[0] = 1e300, v[1] = 3e300, v[2] = 5e300;
	wnum_of(&w, v, 3);
	ok(fabs(rt_wnum_sd(&w) / 2e300 - 1) < 1e-15 &&
	    fabs(wnum_avg(&w) / 3e300 - 1) < 1e-15 && isfinite(wnum_sum(&w)),
	    "wnum: 1e300, 3e300, 5e300: mean 3e300, sd 2e300");
	v[0] = v[1] = v[2] = 1e308;
	v[3] = -1e308;
	wnum_of(&w, v, 4);
	ok(isinf(wnum_sum(&w)) && wnum_avg(&w) == 5e307,
	    "wnum: 1e308 * 3 - 1e308: the sum infinite, the mean 5e307");
	/* The sd's sums cancel when the shift is far from what is left. */
	memset(&w, 0, sizeof w);
	wnum_add(&w, 1e9, 1, 1);
	wnum_add(&w, 1, 1, 1);
	wnum_add(&w, 2, 1, 1);
	wnum_add(&w, 3, 1, 1);
	ok(rt_wnum_sd_ok(&w), "sd_ok: 1e9, 1, 2, 3: the spread is large");
	wnum_add(&w, 1e9, -1, 1);
	ok(!rt_wnum_sd_ok(&w), "sd_ok: 1e9 gone, 1, 2, 3 left around shift "
	    "1e9: not to be trusted");
	memset(&w, 0, sizeof w);
	wnum_add(&w, 1, 1, 1);
	wnum_add(&w, 2, 1, 1);
	wnum_add(&w, 3, 1, 1);
	ok(rt_wnum_sd_ok(&w) && rt_wnum_sd(&w) == 1, "sd_ok: 1, 2, 3 with "
	    "their own shift: sd exactly 1");
	memset(&w, 0, sizeof w);
	wnum_add(&w, 1, 1, 1);
	wnum_add(&w, 1e12, 1, 1);
	wnum_add(&w, 2, 1, 1);
	wnum_add(&w, 3, 1, 1);
	wnum_add(&w, 1e12, -1, 1);
	ok(!rt_wnum_sd_ok(&w), "sd_ok: a square of 1e24 passed through, "
	    "spread 1 left: not to be trusted");
}

/* ---- merging parts ------------------------------------------------- */

static void
merge_cases(void)
{
	static const double a[] = { 10, 11, 12.5 }, b[] = { 100, 101, 99 };
	struct wpart x, y, all, e;
	struct wnum wx, wall;

	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	memset(&all, 0, sizeof all);
	memset(&e, 0, sizeof e);
	for (int i = 0; i < 3; i++) {
		part_add(&x, a[i], 1, 1);
		part_add(&all, a[i], 1, 1);
	}
	for (int i = 0; i < 3; i++) {
		part_add(&y, b[i], 1, 1);
		part_add(&all, b[i], 1, 1);
	}
	rt_wpart_merge(&x, &y);
	memset(&wx, 0, sizeof wx);
	memset(&wall, 0, sizeof wall);
	wx.s = x;
	wall.s = all;
	ok(x.n == 6 && x.shift == 10 && ksum_get(&x.sum) == 333.5,
	    "merge: n 6, x keeps its shift 10, sum 333.5");
	ok(fabs(rt_wnum_sd(&wx) - rt_wnum_sd(&wall)) < 1e-12,
	    "merge: sd %.15g as of one part %.15g", rt_wnum_sd(&wx),
	    rt_wnum_sd(&wall));
	rt_wpart_merge(&x, &e);
	ok(x.n == 6 && ksum_get(&x.sum) == 333.5, "merge: an empty part "
	    "changes nothing");
	rt_wpart_merge(&e, &y);
	ok(e.n == 3 && e.shift == 100 && ksum_get(&e.sum) == 300,
	    "merge into an empty part: a copy");
}

/* ---- seeded: against naive recomputation --------------------------- */

/* The window is the last w values of a stream; the accumulator gets each
 * value in and, w later, out. */
static double
gen(uint64_t *s, int huge)
{
	uint64_t z = tap_xorshift(s);
	double x = (double)(int64_t)(z % 2000001) / 1000 - 1000;

	if (huge && (z >> 40) % 5 == 0)
		x *= 1e297;	/* beyond 2^480 */
	return x;
}

static void
seeded_wnum(uint64_t seed, int huge)
{
	enum { N = 4000 };
	double *v = calloc(N, sizeof *v);
	uint64_t s0 = seed;
	struct wnum w;
	int bad = 0, sdn = 0, sdbad = 0, notok = 0, first = 0;

	memset(&w, 0, sizeof w);
	for (int i = 0; i < N; i++) {
		int win = 1 + (int)(tap_xorshift(&seed) % 40), lo;
		long double sum = 0, mean, m2 = 0;
		double x = gen(&seed, huge);

		v[i] = x;
		wnum_add(&w, x, 1, 1);
		/* Take out what is older than win values (the window's
		 * start only moves on). */
		lo = i - win + 1 > first ? i - win + 1 : first;
		for (; first < lo; first++)
			wnum_add(&w, v[first], -1, 1);
		for (int j = lo; j <= i; j++)
			sum += v[j];
		mean = sum / (i - lo + 1);
		for (int j = lo; j <= i; j++)
			m2 += (v[j] - mean) * (v[j] - mean);
		if (wnum_n(&w) != i - lo + 1 ||
		    fabsl(wnum_avg(&w) - mean) > 1e-9L * (fabsl(mean) + 1) *
		    (huge ? 1e297L : 1)) {
			bad++;
			continue;
		}
		if (!huge && fabsl(wnum_sum(&w) - sum) > 1e-9L)
			bad++;
		if (i - lo + 1 < 2)
			continue;
		if (!rt_wnum_sd_ok(&w)) {
			notok++;
			continue;
		}
		sdn++;
		{
			long double sd = sqrtl(m2 / (i - lo));

			if (fabsl(rt_wnum_sd(&w) - sd) > 1e-6L * sd + 1e-9L *
			    (huge ? 1e297L : 1))
				sdbad++;
		}
	}
	ok(bad == 0 && sdbad == 0 && sdn > N / 2, "seeded %llu%s: %d windows, "
	    "count, sum and mean as recomputed (%d wrong); sd in %d where "
	    "trusted (%d wrong, %d not trusted)", (unsigned long long)s0,
	    huge ? ", huge numbers" : "", N, bad, sdn, sdbad, notok);
	free(v);
}

/* A deque through random pushes and pops (growing while its head is
 * anywhere) against a plain array. */
static void
seeded_dq(void)
{
	struct dq q;
	uint64_t ref[5000], seed = 77, next = 1;
	size_t head = 0, tail = 0;
	int bad = 0, grew = 0;

	memset(&q, 0, sizeof q);
	for (int i = 0; i < 5000; i++) {
		uint64_t z = tap_xorshift(&seed);

		if (z % 5 < 3 || tail == head) {
			dq_push(&q, next);
			ref[tail++] = next++;
		} else {
			dq_popfront(&q);
			head++;
		}
		grew += q.p != NULL;
		if (q.n != tail - head || (q.n && (dq_front(&q) != ref[head] ||
		    dq_back(&q) != ref[tail - 1] ||
		    dq_at(&q, q.n / 2) != ref[head + q.n / 2])))
			bad++;
	}
	for (uint32_t i = 0; i < q.n; i++)
		bad += dq_at(&q, i) != ref[head + i];
	ok(bad == 0 && grew > 0 && q.cap >= q.n && (q.cap & (q.cap - 1)) == 0,
	    "dq: 5000 pushes and pops against an array, grown to %u", q.cap);
	free(q.p);
	memset(&q, 0, sizeof q);
	for (int i = 0; i < DQ_IN; i++)
		dq_push(&q, (uint64_t)i);
	ok(q.p == NULL && q.n == DQ_IN, "dq: DQ_IN positions stay in place");
	dq_popfront(&q);
	dq_popfront(&q);
	dq_push(&q, 10);
	dq_push(&q, 11);
	dq_push(&q, 12);	/* grows with head at 2 */
	ok(q.p != NULL && q.n == 5 && dq_at(&q, 0) == 2 && dq_at(&q, 1) == 3 &&
	    dq_at(&q, 2) == 10 && dq_at(&q, 3) == 11 && dq_back(&q) == 12,
	    "dq: grown from a wrapped ring, in order");
	free(q.p);
}

/* rt_dtab_put and growing keep the counts; owners apart. */
static void
dtab_cases(void)
{
	struct dtab t;
	uint64_t cnt[3][500], seed = 5;
	int bad = 0;

	memset(&t, 0, sizeof t);
	memset(cnt, 0, sizeof cnt);
	ok(!dtab_has(&t, 0, 1) && dtab_dec(&t, 0, 1) == -1,
	    "dtab: empty: nothing there, a remove is -1");
	for (int i = 0; i < 3000; i++) {
		uint64_t z = tap_xorshift(&seed), o = z % 3, h = (z >> 8) % 500;
		uint64_t n = 1 + (z >> 20) % 4;

		rt_dtab_put(&t, o, h, n);
		cnt[o][h] += n;
	}
	for (int o = 0; o < 3; o++)
		for (int h = 0; h < 500; h++) {
			size_t i = dtab_find(&t, (uint64_t)o, (uint64_t)h);

			bad += t.e[i].cnt != cnt[o][h];
		}
	{
		size_t distinct = 0;

		for (int o = 0; o < 3; o++)
			for (int h = 0; h < 500; h++)
				distinct += cnt[o][h] > 0;
		ok(bad == 0 && t.n == distinct && (t.n + 1) * 4 <=
		    (t.mask + 1) * 3 + 4, "dtab: 3000 puts of counts: each "
		    "count as summed apart, %zu entries, load under 3/4",
		    distinct);
	}
	/* Take every count out again: each reaches 0 exactly once. */
	bad = 0;
	for (int o = 0; o < 3; o++)
		for (int h = 0; h < 500; h++)
			for (uint64_t k = cnt[o][h]; k > 0; k--)
				bad += dtab_dec(&t, (uint64_t)o, (uint64_t)h) !=
				    (k == 1);
	ok(bad == 0 && t.n == 0, "dtab: all removed, each at its last count");
	ok(dtab_dec(&t, 1, 1) == -1, "dtab: then a remove is -1");
	free(t.e);
}

int
main(void)
{
	ksum_cases();
	wnum_cases();
	merge_cases();
	seeded_wnum(1, 0);
	seeded_wnum(2, 0);
	seeded_wnum(3, 1);
	seeded_dq();
	dtab_cases();
	return done_testing();
}
