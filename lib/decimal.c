/*
 * decimal.c - exact decimal arithmetic on JSON number texts (decimal.h):
 * numbers are read in place as digits and an exponent; remainders are
 * taken digit by digit, in 64 bits or by long division over limbs.
 */
#include "decimal.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

__extension__ typedef unsigned __int128 u128;

#define NODOT UINT32_MAX

/* The exponent digits s[0, n), saturated at RT_DEC_EXPSAT. */
static int64_t
exp_digits(const char *s, size_t n)
{
	int64_t e = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (e > (RT_DEC_EXPSAT - 9) / 10)
			return RT_DEC_EXPSAT;
		e = e * 10 + (s[i] - '0');
	}
	return e;
}

void
rt_dec_parse(struct rt_dec *d, const char *s, size_t len)
{
	const char *end = s + len, *m0, *m1, *pt, *first, *last;
	int64_t e = 0;

	d->neg = s < end && *s == '-';
	m0 = s + d->neg;
	for (m1 = m0; m1 < end && ((*m1 >= '0' && *m1 <= '9') || *m1 == '.');
	    m1++)
		;
	if (m1 < end) {		/* e or E, an optional sign, digits */
		const char *x = m1 + 1;
		int eneg = x < end && *x == '-';

		x += x < end && (*x == '-' || *x == '+');
		e = exp_digits(x, (size_t)(end - x));
		e = eneg ? -e : e;
	}
	pt = memchr(m0, '.', (size_t)(m1 - m0));
	if (pt == NULL)
		pt = m1;
	for (first = m0; first < m1 && (*first == '0' || *first == '.'); first++)
		;
	if (first == m1) {
		d->p = m0;
		d->n = 0;
		d->dot = NODOT;
		d->exp = 0;
		d->neg = 0;
		return;
	}
	for (last = m1 - 1; *last == '0' || *last == '.'; last--)
		;
	d->p = first;
	d->dot = first < pt && pt < last ? (uint32_t)(pt - first) : NODOT;
	d->n = (uint32_t)(last - first + 1) - (d->dot != NODOT);
	d->exp = e + (last < pt ? (int64_t)(pt - last - 1) :
	    -(int64_t)(last - pt));
}

int
rt_dec_cmp(const struct rt_dec *a, const struct rt_dec *b)
{
	int sa = a->n == 0 ? 0 : a->neg ? -1 : 1;
	int sb = b->n == 0 ? 0 : b->neg ? -1 : 1;
	int64_t ma, mb;
	uint32_t i;

	if (sa != sb || sa == 0)
		return (sa > sb) - (sa < sb);
	ma = (int64_t)a->n + a->exp;	/* the place of the leading digit */
	mb = (int64_t)b->n + b->exp;
	if (ma != mb)
		return ma > mb ? sa : -sa;
	for (i = 0; i < a->n && i < b->n; i++) {
		int x = rt_dec_digit(a, i), y = rt_dec_digit(b, i);

		if (x != y)
			return x > y ? sa : -sa;
	}
	/* No trailing zeros: the one with more digits is the larger. */
	return a->n == b->n ? 0 : a->n > b->n ? sa : -sa;
}

int
rt_dec_is_int(const struct rt_dec *d)
{
	return d->n == 0 || d->exp >= 0;
}

uint64_t
rt_dec_hash(const struct rt_dec *d)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t i;

	if (d->n == 0)
		return h;
	for (i = 0; i < d->n; i++)
		h = (h ^ (uint64_t)rt_dec_digit(d, i)) * 0x100000001b3ULL;
	h = (h ^ (uint64_t)d->exp) * 0x100000001b3ULL;
	return (h ^ (uint64_t)d->neg) * 0x100000001b3ULL;
}

int
rt_dec_in_range(const struct rt_dec *d)
{
	return d->n == 0 || (d->exp <= RT_DEC_EXPMAX &&
	    d->exp >= -RT_DEC_EXPMAX);
}

/* ---- divisors ---- */

/* r = r * 10 + c over m limbs (no carry out: the caller sized them). */
static void
limbs_mul10(uint32_t *r, uint32_t m, uint32_t c)
{
	uint64_t t;
	uint32_t i;

	for (i = 0; i < m; i++) {
		t = (uint64_t)r[i] * 10 + c;
		r[i] = (uint32_t)t;
		c = (uint32_t)(t >> 32);
	}
}

/* r >= x ? r -= x, over m limbs. */
static void
limbs_reduce(uint32_t *r, const uint32_t *x, uint32_t m)
{
	uint32_t i = m;
	uint64_t borrow = 0;

	while (i-- > 0)
		if (r[i] != x[i]) {
			if (r[i] < x[i])
				return;
			break;
		}
	for (i = 0; i < m; i++) {
		uint64_t t = (uint64_t)r[i] - x[i] - borrow;

		r[i] = (uint32_t)t;
		borrow = (t >> 32) & 1;
	}
}

/* x / 5 over m limbs when 5 divides it: 1 (x divided), else 0. */
static int
limbs_div5(uint32_t *x, uint32_t m)
{
	uint64_t rem = 0;
	uint32_t i;

	for (i = m; i-- > 0;)
		rem = ((rem << 32) | x[i]) % 5;
	if (rem)
		return 0;
	for (i = m; i-- > 0;) {
		uint64_t cur = (rem << 32) | x[i];

		x[i] = (uint32_t)(cur / 5);
		rem = cur % 5;
	}
	return 1;
}

static uint32_t
small_zeros(uint64_t b)
{
	uint32_t v2 = 0, v5 = 0;

	for (; b % 2 == 0; b /= 2)
		v2++;
	for (; b % 5 == 0; b /= 5)
		v5++;
	return v2 > v5 ? v2 : v5;
}

static void
big_init(struct rt_decdiv *dv, const struct rt_dec *d)
{
	uint32_t m = (uint32_t)(((uint64_t)d->n * 3322 / 1000 + 6) / 32 + 1);
	uint32_t i, j, v2 = 0, v5 = 0, *x;

	dv->m = m;
	dv->limbs = rt_xcalloc((size_t)m * 4, sizeof *dv->limbs);
	for (i = 0; i < d->n; i++)
		limbs_mul10(dv->limbs, m, (uint32_t)rt_dec_digit(d, i));
	for (j = 1; j < 4; j++) {	/* 2D, 4D, 8D */
		const uint32_t *src = dv->limbs + (size_t)(j - 1) * m;

		x = dv->limbs + (size_t)j * m;
		for (i = 0; i < m; i++)
			x[i] = src[i] << 1 | (i ? src[i - 1] >> 31 : 0);
	}
	for (i = 0; i < m && dv->limbs[i] == 0; i++)
		v2 += 32;
	if (i < m)
		v2 += (uint32_t)__builtin_ctz(dv->limbs[i]);
	x = rt_xmalloc((size_t)m * sizeof *x);
	memcpy(x, dv->limbs, (size_t)m * sizeof *x);
	while (limbs_div5(x, m))
		v5++;
	free(x);
	dv->zeros = v2 > v5 ? v2 : v5;
}

void
rt_decdiv_init(struct rt_decdiv *dv, const struct rt_dec *d)
{
	uint64_t b = 0;
	uint32_t i;
	int fits = d->n <= 19;

	memset(dv, 0, sizeof *dv);
	dv->exp = d->exp;
	for (i = 0; fits && i < d->n; i++) {
		uint64_t nb = b * 10 + (uint64_t)rt_dec_digit(d, i);

		fits = nb / 10 == b;	/* no wrap (19 digits can exceed 2^64) */
		b = nb;
	}
	if (fits && d->n > 0) {
		dv->small = b;
		dv->zeros = small_zeros(b);
		return;
	}
	big_init(dv, d);
}

void
rt_decdiv_release(struct rt_decdiv *dv)
{
	free(dv->limbs);
	dv->limbs = NULL;
}

size_t
rt_decdiv_work(const struct rt_decdiv *dv)
{
	return dv->small ? 0 : dv->m;
}

static const uint64_t pow10_19 = 10000000000000000000ULL;

/* D (digits of a, then z zeros) mod b, 19 digits at a time. */
static uint64_t
mod_small(const struct rt_dec *a, uint64_t z, uint64_t b)
{
	u128 r = 0;
	uint64_t c = 0, pw = 1;
	uint32_t i;

	for (i = 0; i < a->n; i++) {
		c = c * 10 + (uint64_t)rt_dec_digit(a, i);
		pw *= 10;
		if (pw == pow10_19) {
			r = (r * pw + c) % b;
			c = 0;
			pw = 1;
		}
	}
	for (; z > 0; z--) {
		c *= 10;
		pw *= 10;
		if (pw == pow10_19) {
			r = (r * pw + c) % b;
			c = 0;
			pw = 1;
		}
	}
	return (uint64_t)((r * pw + c) % b);
}

static int
mod_big(const struct rt_dec *a, uint64_t z, const struct rt_decdiv *dv,
    uint32_t *r)
{
	uint32_t m = dv->m, i, j;

	memset(r, 0, (size_t)m * sizeof *r);
	for (i = 0; i < a->n || z > 0; i++) {
		uint32_t c = 0;

		if (i < a->n)
			c = (uint32_t)rt_dec_digit(a, i);
		else
			z--;
		limbs_mul10(r, m, c);
		for (j = 4; j-- > 0;)
			limbs_reduce(r, dv->limbs + (size_t)j * m, m);
	}
	for (i = 0; i < m; i++)
		if (r[i])
			return 0;
	return 1;
}

/*
 * a = A 10^ea is a multiple of d = D 10^ed when k = ea - ed >= 0 (A has
 * no trailing zeros, so for k < 0 the quotient cannot be whole) and D
 * divides A 10^k.  Write D = 2^p 5^q C: past max(p, q) zeros, more zeros
 * change nothing, so at most dv->zeros of them are appended.
 */
int
rt_dec_multiple(const struct rt_dec *a, const struct rt_decdiv *dv,
    uint32_t *work)
{
	int64_t k;
	uint64_t z;

	if (a->n == 0)
		return 1;
	k = a->exp - dv->exp;
	if (k < 0)
		return 0;
	z = (uint64_t)k < dv->zeros ? (uint64_t)k : dv->zeros;
	if (dv->small == 1)
		return 1;
	if (dv->small)
		return mod_small(a, z, dv->small) == 0;
	return mod_big(a, z, dv, work);
}
