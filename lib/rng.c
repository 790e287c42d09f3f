/*
 * rng.c - seeded pseudo-random numbers (see rng.h).
 */
#include "rng.h"

#include <math.h>

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void
rt_rng_seed(struct rt_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	r->have_spare = 0;
	r->spare = 0;
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rt_rng_u64(struct rt_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
rt_rng_unit(struct rt_rng *r)
{
	return (double)(rt_rng_u64(r) >> 11) * 0x1.0p-53;
}

double
rt_rng_uniform(struct rt_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rt_rng_unit(r);
}

uint64_t
rt_rng_below(struct rt_rng *r, uint64_t n)
{
	/* Reject the top sliver that would make some values likelier. */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = rt_rng_u64(r);
	while (x >= lim);
	return x % n;
}

double
rt_rng_normal(struct rt_rng *r, double mean, double sd)
{
	double u, v, s;

	if (r->have_spare) {
		r->have_spare = 0;
		return mean + sd * r->spare;
	}
	do {
		u = 2 * rt_rng_unit(r) - 1;
		v = 2 * rt_rng_unit(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	s = sqrt(-2 * log(s) / s);
	r->spare = v * s;
	r->have_spare = 1;
	return mean + sd * u * s;
}

unsigned
rt_rng_poisson(struct rt_rng *r, double lambda)
{
	double limit, p;
	unsigned k = 0;

	if (lambda <= 0)
		return 0;
	if (lambda > 30) {
		double x = rt_rng_normal(r, lambda, sqrt(lambda));

		return x < 0 ? 0 : (unsigned)(x + 0.5);
	}
	limit = exp(-lambda);
	p = rt_rng_unit(r);
	while (p > limit) {
		k++;
		p *= rt_rng_unit(r);
	}
	return k;
}
