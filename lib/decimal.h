/*
 * decimal.h - exact decimal arithmetic on the text of JSON numbers, for
 * JSON Schema's numeric keywords: comparison, equality, "is an integer"
 * and "is a multiple of", with no float and no digit limit.
 * rt-validate(1), "Numbers".
 */
#ifndef RT_DECIMAL_H
#define RT_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Exponents beyond RT_DEC_EXPSAT (in magnitude) count as RT_DEC_EXPSAT:
 * time and memory stay linear in the length of the text whatever the
 * exponent says.  A schema keeps its numbers within RT_DEC_EXPMAX
 * (rt_dec_in_range), so a saturated instance still compares exactly
 * with every number of the schema.
 */
#define RT_DEC_EXPSAT	1000000000000000000LL	/* 10^18 */
#define RT_DEC_EXPMAX	1000000000000000LL	/* 10^15 */

/*
 * A JSON number as (-1)^neg * D * 10^exp: D is the significant digits,
 * without leading or trailing zeros, read from the text in place (they
 * may straddle the decimal point).  n == 0: the number is zero.
 * Borrows the text.
 */
struct rt_dec {
	const char *p;		/* the first significant digit */
	uint32_t n;		/* significant digits */
	uint32_t dot;		/* digits before the point, if it lies
				 * among them, else UINT32_MAX */
	int64_t exp;
	int neg;
};

/* Read the JSON number text s[0, len) (already validated: RFC 8259
 * grammar) into d. */
void rt_dec_parse(struct rt_dec *d, const char *s, size_t len);

/* Significant digit i (< d->n) of d, as 0..9. */
static inline int
rt_dec_digit(const struct rt_dec *d, uint32_t i)
{
	return d->p[i + (i >= d->dot)] - '0';
}

/* <0, 0, >0 as a is less than, equal to, greater than b (exact). */
int rt_dec_cmp(const struct rt_dec *a, const struct rt_dec *b);

/* Is d a whole number ("1.0", "1e3" are)?  1 or 0. */
int rt_dec_is_int(const struct rt_dec *d);

/* A hash equal for equal numbers, whatever their texts ("1", "1.0",
 * "10e-1"). */
uint64_t rt_dec_hash(const struct rt_dec *d);

/* Is |exp| of d within RT_DEC_EXPMAX (counting its digits)?  1 or 0. */
int rt_dec_in_range(const struct rt_dec *d);

/*
 * A divisor (multipleOf), prepared once: its digits as an integer (in 64
 * bits when they fit, else as limbs of 32 bits with its multiples by 2,
 * 4 and 8 for long division), its exponent, and the number of zeros past
 * which appending more to a multiple of D changes nothing
 * (max(v2(D), v5(D))).
 */
struct rt_decdiv {
	uint64_t small;		/* D, when it fits; else 0 */
	uint32_t *limbs;	/* owned: D, 2D, 4D, 8D, m limbs each */
	uint32_t m;
	uint32_t zeros;
	int64_t exp;
};

/* Prepare the divisor d (> 0).  Owns storage: rt_decdiv_release. */
void rt_decdiv_init(struct rt_decdiv *dv, const struct rt_dec *d);
void rt_decdiv_release(struct rt_decdiv *dv);

/* Words of scratch rt_dec_multiple needs for dv (0 for a small one). */
size_t rt_decdiv_work(const struct rt_decdiv *dv);

/* Is a an integer multiple of the divisor?  1 or 0.  work: at least
 * rt_decdiv_work(dv) words.  Time linear in a's digits (times dv->m). */
int rt_dec_multiple(const struct rt_dec *a, const struct rt_decdiv *dv,
    uint32_t *work);

#endif
