/*
 * number.c - numbers as text (see number.h).
 */
#include "number.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Powers of ten that doubles hold exactly. */
static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Is s[0, n) a JSON number?  Sets *digits to the count of significant
 * digit characters (an upper bound). */
static int
json_number_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static double
slow_parse(const char *s, size_t n)
{
	char tmp[128];
	char *heap = NULL, *p = tmp;
	double v;

	if (n >= sizeof tmp)
		p = heap = rt_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	v = strtod(p, NULL);	/* the C locale: rtpipe never sets LC_NUMERIC */
	free(heap);
	return v;
}

int
rt_num_parse(const char *s, size_t n, double *out)
{
	if (!json_number_ok(s, n))
		return -1;
	*out = rt_num_parse_json(s, n);
	return 0;
}

double
rt_num_parse_json(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	int neg = 0, nd = 0, e10 = 0, exp = 0;

	if (*p == '-')
		neg = 1, p++;
	/* Mantissa digits, with the point folded into the exponent. */
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (nd > 0 || *p != '0')
			nd++;
		if (nd > 19)
			goto slow;
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			if (nd > 0 || *p != '0')
				nd++;
			if (nd > 19)
				goto slow;
			m = m * 10 + (uint64_t)(*p - '0');
			e10--;
		}
	}
	if (p < end) {		/* 'e' or 'E' */
		int eneg = 0;

		p++;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		for (; p < end; p++) {
			if (exp > 10000)
				goto slow;
			exp = exp * 10 + (*p - '0');
		}
		e10 += eneg ? -exp : exp;
	}
	/* Exact when the mantissa and the power of ten are both exact
	 * doubles: one correctly rounded operation. */
	if (m <= (1ULL << 53) && e10 >= -22 && e10 <= 22) {
		double v = (double)m;

		v = e10 < 0 ? v / pow10_exact[-e10] : v * pow10_exact[e10];
		return neg ? -v : v;
	}
slow:
	return slow_parse(s, n);
}

int
rt_num_int64(const char *s, size_t n, int64_t *out)
{
	const char *p = s, *end = s + n;
	uint64_t v = 0, lim;
	int neg = 0;

	if (p < end && *p == '-')
		neg = 1, p++;
	if (p == end || (*p == '0' && end - p > 1))
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9 || v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/*
 * The 8 decimal digits of x < 10^8, zeros in front, as ASCII in a word
 * whose lowest byte is the first digit: x splits into two 4-digit
 * halves, each half into two 2-digit quarters, each quarter into two
 * digits, all lanes of the word at once.  Within a lane, (y * 5243) >> 19
 * is y / 100 for y < 10^4 and (y * 103) >> 10 is y / 10 for y < 100 (the
 * products stay inside the lane; what the shifts bring over from the
 * lane above is masked away).
 */
static inline uint64_t
digits8(uint32_t x)
{
	uint64_t v = (uint64_t)(x / 10000) | (uint64_t)(x % 10000) << 32;
	uint64_t h = ((v * 5243) >> 19) & 0x0000007F0000007FULL;

	v = h | (v - h * 100) << 16;
	h = ((v * 103) >> 10) & 0x000F000F000F000FULL;
	v = h | (v - h * 10) << 8;
	return v | 0x3030303030303030ULL;
}

/* put_scaled for any r and d: the 24 digits of |r| (zeros in front)
 * made a word of 8 at a time, then the point put among them. */
static void
put_scaled_long(struct rt_buf *b, int64_t r, int d)
{
	uint64_t u = r < 0 ? 0 - (uint64_t)r : (uint64_t)r, w;
	char t[24], *o;
	int i = 0, k;

	w = digits8((uint32_t)(u / 10000000000000000ULL));
	memcpy(t, &w, 8);
	w = digits8((uint32_t)(u / 100000000 % 100000000));
	memcpy(t + 8, &w, 8);
	w = digits8((uint32_t)(u % 100000000));
	memcpy(t + 16, &w, 8);
	while (i < 23 && t[i] == '0' && 24 - i > d + 1)
		i++;		/* keep a digit before the point */
	k = 24 - i;
	rt_buf_reserve(b, (size_t)k + 2);
	o = b->p + b->len;
	*o = '-';
	o += r < 0;
	o = (char *)memcpy(o, t + i, (size_t)(k - d)) + (k - d);
	if (d > 0) {
		*o++ = '.';
		o = (char *)memcpy(o, t + 24 - d, (size_t)d) + d;
	}
	b->len = (size_t)(o - b->p);
}

/* Write integer r with d digits after a decimal point inserted (d < 23). */
static void
put_scaled(struct rt_buf *b, int64_t r, int d)
{
	uint64_t u = r < 0 ? 0 - (uint64_t)r : (uint64_t)r;
	char *o;

	/* Up to 8 digits, the point among them: two stores of words. */
	if (u < 100000000 && d < 8) {
		uint64_t w = digits8((uint32_t)u);
		int n = 1 + (u >= 10) + (u >= 100) + (u >= 1000) +
		    (u >= 10000) + (u >= 100000) + (u >= 1000000) +
		    (u >= 10000000);

		if (n < d + 1)
			n = d + 1;	/* "0.05": zeros before the digits */
		w >>= 8 * (8 - n);
		rt_buf_reserve(b, 2 + 2 * sizeof w);
		o = b->p + b->len;
		*o = '-';
		o += r < 0;
		memcpy(o, &w, sizeof w);
		o += n - d;
		if (d > 0) {
			w >>= 8 * (n - d);
			*o++ = '.';
			memcpy(o, &w, sizeof w);
			o += d;
		}
		b->len = (size_t)(o - b->p);
		return;
	}
	put_scaled_long(b, r, d);
}

/*
 * %.<prec>g of v, for prec 15, 16 then 17, stopping at the first that
 * reads back as v, computed exactly in 128-bit integers instead of with
 * snprintf and strtod.  Covers what %g writes in fixed notation
 * (1e-4 <= |v|, exponent below prec) for normal doubles that are not a
 * power of two.  Returns 0 when done, -1 to leave v to the slow path.
 *
 * With v = m / 2^f (m the 53-bit significand), the prec-digit decimal is
 * D / 10^K, K = prec - 1 - E: D = m 10^K / 2^f rounded half to even, as
 * printf rounds.  strtod reads it back as v when it lies within half an
 * ulp (2^-f) of v, ties going to the even m: 2 |D 2^f - m 10^K| < 10^K.
 */
__extension__ typedef unsigned __int128 u128;

/* The decimal exponent of m 2^-f (m 53 bits, 2^(ex-1) <= it < 2^ex):
 * floor((ex - 1) log10 2) is it or one less, so check the truncated
 * digits.  -1 when out of fmt_exact's range. */
static int
dec_exponent(const u128 *p10tab, uint64_t m, int ex, int f, int *e10p)
{
	int e10 = (int)(((int64_t)(ex - 1) * 78913) >> 18);

	for (int tries = 0;; tries++) {
		u128 t = p10tab[16], p10;
		int k = 16 - e10;

		if (tries == 3 || k < 0 || k > 22)
			return -1;
		p10 = ((u128)m * p10tab[k]) >> f;	/* 17 digits, truncated */
		if (p10 < t)
			e10--;
		else if (p10 >= t * 10)
			e10++;
		else
			break;
	}
	*e10p = e10;
	return 0;
}

static int
fmt_exact(struct rt_buf *b, double v)
{
	double a = fabs(v);
	int ex, f, prec, e10;
	uint64_t m;

	static u128 p10tab[23];
	uint64_t bits;

	if (!(a >= 1e-4 && a < 1e15))
		return -1;
	if (p10tab[0] == 0) {
		p10tab[0] = 1;
		for (int i = 1; i < 23; i++)
			p10tab[i] = p10tab[i - 1] * 10;
	}
	/* a = m 2^-f with m the 53-bit significand (a is normal here). */
	memcpy(&bits, &a, sizeof bits);
	ex = (int)(bits >> 52 & 0x7FF) - 1022;
	m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	f = 53 - ex;
	if (f <= 0 || f > 70 || m == (UINT64_C(1) << 52))
		return -1;
	if (dec_exponent(p10tab, m, ex, f, &e10) == -1)
		return -1;
	for (prec = 15; prec <= 17; prec++) {
		int k = prec - 1 - e10, e = e10;
		u128 p10, n, q, r, half, lo, dd;

		if (k < 0 || k > 22 || e < -4)
			return -1;
		p10 = p10tab[k];
		lo = p10tab[prec - 1];
		n = (u128)m * p10;
		q = n >> f;
		r = n & (((u128)1 << f) - 1);
		half = (u128)1 << (f - 1);
		if (r > half || (r == half && (q & 1)))
			q++;
		dd = q << f;
		dd = dd > n ? dd - n : n - dd;
		if (!(prec == 17 || 2 * dd < p10 ||
		    (2 * dd == p10 && (m & 1) == 0)))
			continue;
		if (q == lo * 10) {
			/* Rounded up to the next power of ten. */
			q = lo;
			k--;
			e++;
		}
		if (e >= prec || k < 0)
			return -1;	/* %g would use an exponent */
		{
			uint64_t d = (uint64_t)q;

			while (k > 0 && d % 10 == 0) {
				d /= 10;
				k--;
			}
			put_scaled(b, v < 0 ? -(int64_t)d : (int64_t)d, k);
		}
		return 0;
	}
	return -1;
}

/* The integer nearest to x (|x| < 2^53).  Below 2^51, adding and taking
 * away 1.5 * 2^52 rounds in the FPU's mode, to nearest, without the libm
 * call nearbyint is on a machine without SSE4.1. */
static inline double
round_int(double x)
{
	const double magic = 6755399441055744.0;	/* 1.5 * 2^52 */

#if FLT_EVAL_METHOD == 0
	if (fabs(x) < 2251799813685248.0)	/* 2^51 */
		return (x + magic) - magic;
#else
	(void)magic;
#endif
	return nearbyint(x);
}

/*
 * v with the fewest decimals (at most 9) that read back as v; returns 0
 * when written, -1 when no such text exists.  r / 10^d is what strtod
 * computes from the text r with d decimals (both round the same rational
 * once), so r / 10^d == v proves the round trip.
 *
 * Below |v| 10^9 < 2^51 one test decides: if v is the double nearest
 * r / 10^d with d <= 9, then v * 10^9 lies within 0.5 of the integer
 * R = r * 10^(9 - d) (the two roundings, of v and of the product, cost
 * at most 0.25 each at that size), and R / 10^9 rounds to v again.  So
 * the test with 9 decimals passes whenever any would, and R without its
 * trailing zeros is the shortest r: a zero left at the end of r would
 * make one decimal fewer read back too.  Averages and other quotients
 * fail at once.  Larger values try each count of decimals in turn.
 */
static int
fmt_decimals(struct rt_buf *b, double v)
{
	double sc = v * 1e9, r;
	int d;

	if (fabs(sc) < 2251799813685248.0) {	/* 2^51 */
		int64_t q;

		r = round_int(sc);
		if (r / 1e9 != v)
			return -1;
		q = (int64_t)r;
		d = 9;
		/* Trailing zeros, 8, 4, 2 then 1 at a time. */
		if (q % 100000000 == 0)
			q /= 100000000, d -= 8;
		if (d >= 4 && q % 10000 == 0)
			q /= 10000, d -= 4;
		if (d >= 2 && q % 100 == 0)
			q /= 100, d -= 2;
		if (d >= 1 && q % 10 == 0)
			q /= 10, d -= 1;
		put_scaled(b, q, d);
		return 0;
	}
	for (d = 0; d <= 9; d++) {
		sc = v * pow10_exact[d];
		if (fabs(sc) >= 9007199254740992.0)	/* 2^53 */
			break;
		r = round_int(sc);
		if (r / pow10_exact[d] == v) {
			put_scaled(b, (int64_t)r, d);
			return 0;
		}
	}
	return -1;
}

static void
num_fmt(struct rt_buf *b, double v)
{
	char t[40];
	int prec;

	if (isnan(v) || isinf(v)) {
		rt_buf_add(b, "null", 4);
		return;
	}
	if (v == 0) {
		rt_buf_addc(b, '0');
		return;
	}
	/* Money and most measured values have few decimals. */
	if (fabs(v) < 9e15 && fmt_decimals(b, v) == 0)
		return;
	if (fmt_exact(b, v) == 0)
		return;
	/* 15 significant digits always read back as themselves, so when
	 * fewer would do, %.15g finds them too (its trailing zeros go).
	 * Subnormals hold fewer digits: 5e-324 needs one; search from 1. */
	for (prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
		snprintf(t, sizeof t, "%.*g", prec, v);
		if (prec == 17 || strtod(t, NULL) == v)
			break;
	}
	rt_buf_adds(b, t);
}

void
rt_num_fmt(struct rt_buf *b, double v)
{
	/* The last number printed: records often print one value twice in
	 * a row (a sum, an average and a maximum over one event). */
	static _Thread_local struct {
		uint64_t bits;
		size_t n;
		char t[32];
	} last;
	uint64_t bits;
	size_t at;

	/* Whole 32-byte moves (room made first), not a call to memcpy with
	 * a length. */
	rt_buf_reserve(b, sizeof last.t);
	at = b->len;
	memcpy(&bits, &v, sizeof bits);
	if (last.n && bits == last.bits) {
		memcpy(b->p + at, last.t, sizeof last.t);
		b->len += last.n;
		return;
	}
	num_fmt(b, v);
	if (b->len - at <= sizeof last.t && b->cap - at >= sizeof last.t) {
		last.bits = bits;
		last.n = b->len - at;
		memcpy(last.t, b->p + at, sizeof last.t);
	}
}

/* Currency signs a number may carry before or after its digits. */
static size_t
currency_len(const char *s, size_t n)
{
	static const char *signs[] = { "$", "\xE2\x82\xAC" /* euro */,
	    "\xC2\xA3" /* pound */, "\xC2\xA5" /* yen */,
	    "\xE2\x82\xB9" /* rupee */, "\xE2\x82\xA9" /* won */,
	    "\xE2\x82\xBD" /* rouble */, "\xE2\x82\xBA" /* lira */,
	    "\xE2\x82\xAA" /* shekel */, "\xC2\xA2" /* cent */ };
	size_t i;

	for (i = 0; i < sizeof signs / sizeof signs[0]; i++) {
		size_t k = strlen(signs[i]);

		if (n >= k && memcmp(s, signs[i], k) == 0)
			return k;
	}
	return 0;
}

/* Spaces around the parts: ASCII blanks, NBSP, narrow NBSP. */
static size_t
space_len(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (n >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
		return 2;
	if (n >= 3 && memcmp(s, "\xE2\x80\xAF", 3) == 0)
		return 3;
	return 0;
}

static void
trim(const char **s, size_t *n)
{
	size_t k;

	while ((k = space_len(*s, *n)) > 0)
		*s += k, *n -= k;
	for (;;) {
		if (*n >= 1 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
			*n -= 1;
		else if (*n >= 2 && memcmp(*s + *n - 2, "\xC2\xA0", 2) == 0)
			*n -= 2;
		else if (*n >= 3 && memcmp(*s + *n - 3, "\xE2\x80\xAF", 3) == 0)
			*n -= 3;
		else
			break;
	}
}

/* The number's parts once the dirt is gone. */
#define MAX_INT_DIGITS 400

struct numparts {
	int neg;
	char ip[MAX_INT_DIGITS];	/* integer digits */
	size_t in;
	const char *fp;		/* fraction digits (borrowed) */
	size_t fn;
	long exp;		/* exponent */
};

/* Strip sign, parentheses and currency around the digits. */
static const char *
strip_dirt(const char **s, size_t *n, unsigned flags, int *neg)
{
	size_t k;
	int signs = 0;

	trim(s, n);
	if (*n >= 2 && (*s)[0] == '(' && (*s)[*n - 1] == ')' &&
	    !(flags & RT_NUM_PLAIN)) {
		*neg = 1;
		signs++;
		*s += 1, *n -= 2;
		trim(s, n);
	}
	for (;;) {
		if (*n > 0 && ((*s)[0] == '-' || (*s)[0] == '+')) {
			if (signs++)
				return "not a number";
			*neg ^= (*s)[0] == '-';
			*s += 1, *n -= 1;
		} else if (!(flags & RT_NUM_PLAIN) &&
		    (k = currency_len(*s, *n)) > 0) {
			*s += k, *n -= k;
			trim(s, n);
		} else {
			break;
		}
	}
	if (!(flags & RT_NUM_PLAIN)) {
		for (;;) {	/* "12 €", "12€" */
			size_t i;

			for (i = 1; i <= 3 && i <= *n; i++)
				if (currency_len(*s + *n - i, i) == i)
					break;
			if (i > 3 || i > *n)
				break;
			*n -= i;
			trim(s, n);
		}
	}
	if (*n == 0)
		return "not a number";
	return NULL;
}

/* Integer digits with optional grouping ("1,234,567"); appends the bare
 * digits to out.  Leaves *s after them. */
static const char *
int_digits(const char **s, const char *end, unsigned flags,
    struct numparts *np)
{
	const char *p = *s;
	char sep = 0;
	size_t run = 0, first = 0;

	for (; p < end; p++) {
		char c = *p;

		if (c >= '0' && c <= '9') {
			if (np->in == sizeof np->ip)
				return "number too long";
			np->ip[np->in++] = c;
			run++;
			continue;
		}
		if (flags & RT_NUM_PLAIN)
			break;
		if (c == ',' || c == '.' || c == '\'' || c == ' ') {
			char point = flags & RT_NUM_DECIMAL_COMMA ? ',' : '.';

			if (c == point)
				break;
			/* A separator sits between digits ("12 USD" is not
			 * twelve with a bad group). */
			if ((sep && c != sep) || run == 0 || p + 1 >= end ||
			    p[1] < '0' || p[1] > '9')
				return "not a number";
			if (!sep)
				first = run;
			else if (run != 3)
				return "bad digit grouping";
			sep = c;
			run = 0;
			continue;
		}
		break;
	}
	if (sep && (run != 3 || first > 3))
		return "bad digit grouping";
	*s = p;
	return NULL;
}

static const char *
clean_parts(const char *s, size_t n, unsigned flags, struct numparts *np)
{
	const char *p, *end, *err;
	char point = flags & RT_NUM_DECIMAL_COMMA ? ',' : '.';

	if ((err = strip_dirt(&s, &n, flags, &np->neg)) != NULL)
		return err;
	p = s;
	end = s + n;
	if ((err = int_digits(&p, end, flags, np)) != NULL)
		return err;
	np->fp = NULL;
	np->fn = 0;
	if (p < end && *p == point) {
		np->fp = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		np->fn = (size_t)(p - np->fp);
	}
	if (np->in == 0 && np->fn == 0)
		return "not a number";
	np->exp = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		const char *d;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (d = p; p < end && *p >= '0' && *p <= '9'; p++)
			if (np->exp < 100000)
				np->exp = np->exp * 10 + (*p - '0');
		if (p == d)
			return "not a number";
		if (eneg)
			np->exp = -np->exp;
	}
	if (p != end)
		return "not a number";
	return NULL;
}

/* Drop leading zeros of the integer digits in b[from, len), keeping one. */
static void
drop_leading_zeros(struct rt_buf *b, size_t from)
{
	size_t i = from;

	while (i + 1 < b->len && b->p[i] == '0')
		i++;
	if (i > from) {
		memmove(b->p + from, b->p + i, b->len - i);
		b->len -= i - from;
	}
}

/* Whole-number text of digits ip.fp * 10^exp, or a reason. */
static const char *
put_integer(struct rt_buf *out, int neg, const char *ip, size_t in,
    const char *fp, size_t fn, long exp)
{
	long point = (long)in + exp;	/* digits before the point */
	size_t start = out->len, i, total = in + fn;

	if (exp > 400 || exp < -400)
		return "number out of range";
	/* Digits at or after the point must all be zero. */
	for (i = 0; i < total; i++) {
		char c = i < in ? ip[i] : fp[i - in];

		if ((long)i >= point && c != '0')
			return "not an integer";
	}
	if (neg)
		rt_buf_addc(out, '-');
	for (i = 0; (long)i < point; i++)
		rt_buf_addc(out, i < total ? (i < in ? ip[i] : fp[i - in]) : '0');
	if (point <= 0)
		rt_buf_addc(out, '0');
	drop_leading_zeros(out, start + (size_t)neg);
	if (out->len == start + 2 && neg && out->p[start + 1] == '0') {
		out->p[start] = '0';	/* "-0" as an integer is 0 */
		out->len--;
	}
	return NULL;
}

const char *
rt_num_clean(const char *s, size_t n, unsigned flags, struct rt_buf *out)
{
	struct numparts np;
	const char *err;
	size_t start = out->len;

	np.neg = 0;
	np.in = 0;
	err = clean_parts(s, n, flags, &np);
	if (err == NULL && (flags & RT_NUM_INTEGER)) {
		err = put_integer(out, np.neg, np.ip, np.in, np.fp, np.fn,
		    np.exp);
	} else if (err == NULL) {
		if (np.neg)
			rt_buf_addc(out, '-');
		if (np.in == 0)
			rt_buf_addc(out, '0');
		else
			rt_buf_add(out, np.ip, np.in);
		drop_leading_zeros(out, start + (size_t)np.neg);
		if (np.fn > 0) {
			rt_buf_addc(out, '.');
			rt_buf_add(out, np.fp, np.fn);
		}
		if (np.exp != 0) {
			rt_buf_addc(out, 'e');
			rt_buf_addi(out, np.exp);
		}
	}
	if (err)
		out->len = start;
	return err;
}
