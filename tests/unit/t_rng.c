/*
 * t_rng.c - the seeded generator (lib/rng.c): the state splitmix64 makes
 * of a seed and the first xoshiro256** outputs (values computed apart,
 * from the published algorithms); the same seed, the same sequence;
 * unit and uniform draws in their ranges, made of the top 53 bits;
 * rt_rng_below without bias (each value from the first draw below the
 * limit) and at the edges of n; normal pairs and their spare; Poisson
 * by Knuth's product and by the normal approximation, against draws
 * replayed from a twin generator, and the sample moments of each.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "tap.h"

static void
test_vectors(void)
{
	static const struct {
		uint64_t seed;
		uint64_t s[4];
		uint64_t out[4];
	} t[] = {
		{ 0, { 0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
		  0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL },
		  { 0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL,
		  0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL } },
		{ 1, { 0x910a2dec89025cc1ULL, 0xbeeb8da1658eec67ULL,
		  0xf893a2eefb32555eULL, 0x71c18690ee42c90bULL },
		  { 0xb3f2af6d0fc710c5ULL, 0x853b559647364ceaULL,
		  0x92f89756082a4514ULL, 0x642e1c7bc266a3a7ULL } },
		{ 0xdeadbeef, { 0x4adfb90f68c9eb9bULL, 0xde586a3141a10922ULL,
		  0x021fbc2f8e1cfc1dULL, 0x7466ce737be16790ULL },
		  { 0xc5555444a74d7e83ULL, 0x65c30d37b4b16e38ULL,
		  0x54f773200a4efa23ULL, 0x429aed75fb958af7ULL } },
	};
	struct rt_rng r;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int good;

		memset(&r, 0x55, sizeof r);
		rt_rng_seed(&r, t[i].seed);
		good = memcmp(r.s, t[i].s, sizeof r.s) == 0 &&
		    r.have_spare == 0;
		ok(good, "seed %#llx: splitmix64 state",
		    (unsigned long long)t[i].seed);
		for (int k = 0; k < 4; k++)
			if (rt_rng_u64(&r) != t[i].out[k])
				good = 0;
		ok(good, "seed %#llx: the first four outputs",
		    (unsigned long long)t[i].seed);
	}
}

static void
test_same(void)
{
	struct rt_rng a, b, c;
	int same = 1, differ = 0;

	rt_rng_seed(&a, 12345);
	rt_rng_seed(&b, 12345);
	rt_rng_seed(&c, 12346);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rt_rng_u64(&a);

		if (x != rt_rng_u64(&b))
			same = 0;
		if (x != rt_rng_u64(&c))
			differ++;
	}
	ok(same, "the same seed gives the same 1000 outputs");
	ok(differ == 1000, "the next seed gives others");
	rt_rng_seed(&a, 12345);
	rt_rng_seed(&b, 99);
	rt_rng_seed(&b, 12345);
	ok(rt_rng_u64(&a) == rt_rng_u64(&b), "seeding again starts over");
}

static void
test_unit(void)
{
	struct rt_rng a, twin;
	double sum = 0, lo = 1, hi = 0;
	int bad = 0, n = 20000;

	rt_rng_seed(&a, 7);
	rt_rng_seed(&twin, 7);
	for (int i = 0; i < n; i++) {
		double u = rt_rng_unit(&a);
		uint64_t x = rt_rng_u64(&twin);

		if (u != (double)(x >> 11) / 9007199254740992.0 || u < 0 ||
		    u >= 1)
			bad++;
		sum += u;
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	ok(bad == 0, "unit: the top 53 bits over 2^53, in [0, 1)");
	ok(fabs(sum / n - 0.5) < 0.01 && lo < 0.001 && hi > 0.999,
	    "unit: mean %.4f, range [%.5f, %.5f]", sum / n, lo, hi);
	bad = 0;
	for (int i = 0; i < n; i++) {
		double u = rt_rng_uniform(&a, -3, 5);

		if (u < -3 || u >= 5)
			bad++;
	}
	ok(bad == 0, "uniform(-3, 5) stays in [-3, 5)");
	rt_rng_seed(&a, 1);
	rt_rng_seed(&twin, 1);
	{
		double same = rt_rng_uniform(&a, 10, 10);
		double u = rt_rng_uniform(&a, 2, 4);
		uint64_t x;

		rt_rng_u64(&twin);
		x = rt_rng_u64(&twin);
		ok(same == 10 && u == 2 + 2 * ((double)(x >> 11) /
		    9007199254740992.0), "uniform: lo + (hi - lo) * unit");
	}
}

/* below: each value is the first draw under the limit, mod n. */
static void
test_below(void)
{
	static const uint64_t ns[] = { 1, 2, 3, 6, 10, 1000, 1ULL << 32,
	    (1ULL << 63) + 1, UINT64_MAX - 1, UINT64_MAX };
	struct rt_rng a, twin;
	int bad = 0, rejected = 0;
	unsigned count[6] = { 0 };

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		uint64_t n = ns[i], lim = UINT64_MAX - UINT64_MAX % n;

		rt_rng_seed(&a, 1000 + i);
		rt_rng_seed(&twin, 1000 + i);
		for (int k = 0; k < 2000; k++) {
			uint64_t v = rt_rng_below(&a, n), x;

			while ((x = rt_rng_u64(&twin)) >= lim)
				rejected++;
			if (v != x % n || v >= n)
				bad++;
		}
	}
	ok(bad == 0, "below: the first draw under the limit, mod n, < n");
	ok(rejected > 500, "below: n = 2^63 + 1 rejects draws (%d)",
	    rejected);
	rt_rng_seed(&a, 5);
	for (int k = 0; k < 60000; k++)
		count[rt_rng_below(&a, 6)]++;
	bad = 0;
	for (int k = 0; k < 6; k++)
		if (count[k] < 9500 || count[k] > 10500)
			bad++;
	ok(bad == 0, "below(6): each face 10000 +- 500 times in 60000 "
	    "(%u %u %u %u %u %u)", count[0], count[1], count[2], count[3],
	    count[4], count[5]);
}

static void
test_normal(void)
{
	struct rt_rng a, b;
	double sum = 0, sq = 0, x, y;
	int n = 40000;

	rt_rng_seed(&a, 3);
	x = rt_rng_normal(&a, 0, 1);
	b = a;
	ok(a.have_spare == 1, "normal: a pair, the second kept");
	y = rt_rng_normal(&a, 10, 2);
	ok(memcmp(a.s, b.s, sizeof a.s) == 0 && a.have_spare == 0 &&
	    y == 10 + 2 * b.spare, "normal: the spare costs no draw, "
	    "scaled by the second call's mean and sd");
	ok(x != y && isfinite(x) && isfinite(y), "normal: finite values");
	rt_rng_seed(&a, 3);
	ok(a.have_spare == 0, "seeding drops the spare");
	for (int i = 0; i < n; i++) {
		double v = rt_rng_normal(&a, 5, 3);

		sum += v;
		sq += v * v;
	}
	x = sum / n;
	y = sqrt(sq / n - x * x);
	ok(fabs(x - 5) < 0.05 && fabs(y - 3) < 0.05,
	    "normal(5, 3): sample mean %.3f, sd %.3f", x, y);
	rt_rng_seed(&a, 3);
	ok(rt_rng_normal(&a, 1, 0) == 1 && rt_rng_normal(&a, -2, 0) == -2,
	    "normal with sd 0 is the mean");
}

/* Knuth's product method on the twin's draws. */
static unsigned
ref_knuth(struct rt_rng *twin, double lambda)
{
	double limit = exp(-lambda), p = rt_rng_unit(twin);
	unsigned k = 0;

	while (p > limit) {
		k++;
		p *= rt_rng_unit(twin);
	}
	return k;
}

static void
test_poisson(void)
{
	static const double lambdas[] = { 0.1, 1, 4.5, 30, 30.5, 200 };
	struct rt_rng a, twin;

	rt_rng_seed(&a, 11);
	twin = a;
	ok(rt_rng_poisson(&a, 0) == 0 && rt_rng_poisson(&a, -1) == 0 &&
	    memcmp(a.s, twin.s, sizeof a.s) == 0,
	    "poisson of lambda <= 0: 0, no draw");
	for (size_t i = 0; i < sizeof lambdas / sizeof lambdas[0]; i++) {
		double l = lambdas[i], sum = 0, sq = 0, m, v;
		int n = 20000, bad = 0;

		rt_rng_seed(&a, 100 + i);
		rt_rng_seed(&twin, 100 + i);
		for (int k = 0; k < n; k++) {
			unsigned x = rt_rng_poisson(&a, l), want;

			if (l <= 30) {
				want = ref_knuth(&twin, l);
			} else {
				double z = rt_rng_normal(&twin, l, sqrt(l));

				want = z < 0 ? 0 : (unsigned)(z + 0.5);
			}
			if (x != want)
				bad++;
			sum += x;
			sq += (double)x * x;
		}
		m = sum / n;
		v = sq / n - m * m;
		ok(bad == 0, "poisson(%g): %s, draw for draw", l,
		    l <= 30 ? "Knuth's product" : "rounded normal");
		ok(fabs(m - l) < 0.05 * l + 0.02 &&
		    fabs(v - l) < 0.1 * l + 0.02,
		    "poisson(%g): sample mean %.3f, variance %.3f", l, m, v);
	}
}

int
main(void)
{
	test_vectors();
	test_same();
	test_unit();
	test_below();
	test_normal();
	test_poisson();
	return done_testing();
}
