/*
 * rng.h - a small seeded pseudo-random generator (xoshiro256**, seeded by
 * splitmix64) with the draws the simulators need: uniform, normal,
 * Poisson.  The same seed gives the same sequence on every machine.
 * rt-gen(1).
 */
#ifndef RT_RNG_H
#define RT_RNG_H

#include <stdint.h>

struct rt_rng {
	uint64_t s[4];
	int have_spare;		/* normal(): the second value of a pair */
	double spare;
};

/* Seed the generator; any seed (0 included) is fine. */
void rt_rng_seed(struct rt_rng *r, uint64_t seed);
/* 64 random bits. */
uint64_t rt_rng_u64(struct rt_rng *r);
/* Uniform in [0, 1), 53 random bits. */
double rt_rng_unit(struct rt_rng *r);
/* Uniform in [lo, hi). */
double rt_rng_uniform(struct rt_rng *r, double lo, double hi);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t rt_rng_below(struct rt_rng *r, uint64_t n);
/* Normal with the given mean and standard deviation (Marsaglia polar). */
double rt_rng_normal(struct rt_rng *r, double mean, double sd);
/* Poisson with mean lambda (small lambda: Knuth's product method;
 * lambda > 30: a rounded normal approximation). */
unsigned rt_rng_poisson(struct rt_rng *r, double lambda);

#endif
