/*
 * wacc.h - the accumulators of window.c's windows (private to lib/w*.c):
 * compensated running sums that numbers enter and leave, split in two
 * magnitudes so that no sum overflows; deques of positions for running
 * minima and maxima; distinct-value tables counting (owner, value hash).
 * The calls made per record are inline here; the rest is in wacc.c.
 * rt-window(1), "Aggregates".
 */
#ifndef RT_WACC_H
#define RT_WACC_H

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compensated (Neumaier) sums, so that adding and removing millions of
 * values leaves the window's sum accurate to the last digits. */
struct ksum {
	double s, c;
};

static inline void
ksum_add(struct ksum *k, double x)
{
	double t = k->s + x;

	if (fabs(k->s) >= fabs(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

static inline double
ksum_get(const struct ksum *k)
{
	return k->s + k->c;
}

/* Running numbers of one part of a window's numbers: count, sum, and
 * sums of (x - shift) and its square for the standard deviation, with
 * the greatest binary exponent of a square added since the part was
 * last empty (the scale of the rounding the sum of squares may hold:
 * see part_sd_ok).  A key's ring holds fewer than 2^32 events. */
struct wpart {
	uint32_t n;
	int32_t qexp;		/* biased, as in an IEEE double */
	double shift;
	struct ksum sum, d, q;
};

/*
 * Running numbers of one field in one window, in two parts: numbers under
 * 2^480 in magnitude, and the others scaled by 2^-960, so that no sum of
 * either part can overflow (nor a square, for the standard deviation).
 * A part is reset to exact zero when its last number leaves, so once huge
 * numbers have left the window their sums leave nothing behind: the sum
 * of 1e308 and 1e308 overflows (null), and the window recovers when they
 * go.  Numbers of ordinary size never touch the second part.
 */
struct wnum {
	struct wpart s, b;
};

#define WBIG 0x1p480
#define WSCALE 0x1p-960
#define WUNSCALE 0x1p960

/* The biased binary exponent of x (0 for zero). */
static inline int32_t
dexp(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof b);
	return (int32_t)(b >> 52 & 0x7ff);
}

/* sd: keep the sums the standard deviation needs too. */
static inline void
part_add(struct wpart *w, double x, int sign, int sd)
{
	double d;

	/* A number leaves only a part it entered. */
	assert(sign == 1 || (sign == -1 && w->n > 0));
	if (w->n == 0 && sign > 0) {
		w->shift = x;
		w->qexp = 0;
		memset(&w->sum, 0, 3 * sizeof w->sum);
	}
	d = x - w->shift;
	w->n += (uint32_t)sign;
	ksum_add(&w->sum, sign * x);
	if (sd) {
		double dd = d * d;

		ksum_add(&w->d, sign * d);
		ksum_add(&w->q, sign * dd);
		if (sign > 0 && dexp(dd) > w->qexp)
			w->qexp = dexp(dd);
	}
	if (w->n == 0)
		memset(&w->sum, 0, 3 * sizeof w->sum);
}

static inline void
wnum_add(struct wnum *w, double x, int sign, int sd)
{
	if (fabs(x) < WBIG)
		part_add(&w->s, x, sign, sd);
	else
		part_add(&w->b, x * WSCALE, sign, sd);	/* exact */
}

static inline int64_t
wnum_n(const struct wnum *w)
{
	return (int64_t)w->s.n + (int64_t)w->b.n;
}

/* The sum (infinite when it does not fit a double: null on output). */
static inline double
wnum_sum(const struct wnum *w)
{
	if (w->b.n == 0)
		return ksum_get(&w->s.sum);
	return ksum_get(&w->s.sum) + ksum_get(&w->b.sum) * WUNSCALE;
}

/* The mean, finite even when the sum is not. */
static inline double
wnum_avg(const struct wnum *w)
{
	double n = (double)wnum_n(w);

	if (w->b.n == 0)
		return ksum_get(&w->s.sum) / n;
	return ksum_get(&w->s.sum) / n + ksum_get(&w->b.sum) / n * WUNSCALE;
}

/* Merge part y into x (x keeps its shift). */
void rt_wpart_merge(struct wpart *x, const struct wpart *y);
/* Can the sums give the standard deviation to about 25 bits (see
 * wacc.c)?  When not, the caller makes them again from the events. */
int rt_wnum_sd_ok(const struct wnum *w);
/* The sample standard deviation, NAN under two numbers. */
double rt_wnum_sd(const struct wnum *w);

/* A deque of absolute positions, in place while it holds at most DQ_IN
 * (most keys' windows are short), else in p. */
#define DQ_IN 4

struct dq {
	uint64_t *p;		/* NULL: in in[] */
	uint32_t head, n, cap;	/* cap 0: DQ_IN, in place */
	uint32_t pad;
	uint64_t in[DQ_IN];
};

static inline uint32_t
dq_cap(const struct dq *q)
{
	return q->p ? q->cap : DQ_IN;
}

static inline const uint64_t *
dq_cbuf(const struct dq *q)
{
	return q->p ? q->p : q->in;
}

static inline uint64_t *
dq_buf(struct dq *q)
{
	return q->p ? q->p : q->in;
}

static inline uint64_t
dq_at(const struct dq *q, uint32_t i)
{
	assert(i < q->n);
	return dq_cbuf(q)[(q->head + i) & (dq_cap(q) - 1)];
}

/* Double q's room (its positions kept, in order). */
void rt_dq_grow(struct dq *q);

static inline void
dq_push(struct dq *q, uint64_t v)
{
	if (q->n == dq_cap(q))
		rt_dq_grow(q);
	dq_buf(q)[(q->head + q->n++) & (dq_cap(q) - 1)] = v;
}

static inline uint64_t
dq_front(const struct dq *q)
{
	assert(q->n > 0);
	return dq_cbuf(q)[q->head];
}

static inline uint64_t
dq_back(const struct dq *q)
{
	return dq_at(q, q->n - 1);
}

static inline void
dq_popfront(struct dq *q)
{
	assert(q->n > 0);
	q->head = (q->head + 1) & (dq_cap(q) - 1);
	q->n--;
}

/* Distinct counting: (owner, value hash) -> count, open addressing with
 * backward-shift deletion. */
struct dent {
	uint64_t owner, h;
	uint64_t cnt;		/* 0: empty */
};

struct dtab {
	struct dent *e;
	size_t mask, n;
};

/* Make t twice as large (or 256 entries when empty), rehashing. */
void rt_dtab_grow(struct dtab *t);
/* Add n to the count of (owner, h), growing t as need be. */
void rt_dtab_put(struct dtab *t, uint64_t owner, uint64_t h, uint64_t n);
/* Empty t (its room kept). */
void rt_dtab_clear(struct dtab *t);

static inline uint64_t
dmix(uint64_t owner, uint64_t h)
{
	uint64_t x = owner * 0x9e3779b97f4a7c15ULL ^ h;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

/* Find (owner, h): its index, or where it would go (cnt 0 there). */
static inline size_t
dtab_find(const struct dtab *t, uint64_t owner, uint64_t h)
{
	size_t i = dmix(owner, h) & t->mask;

	while (t->e[i].cnt && (t->e[i].owner != owner || t->e[i].h != h))
		i = (i + 1) & t->mask;
	return i;
}

/* Add one (owner, h); returns 1 when it is new. */
static inline int
dtab_inc(struct dtab *t, uint64_t owner, uint64_t h)
{
	size_t i;

	if (t->e == NULL || (t->n + 1) * 4 > (t->mask + 1) * 3)
		rt_dtab_grow(t);
	i = dtab_find(t, owner, h);
	assert(t->n <= t->mask);	/* never full: find ends */
	if (t->e[i].cnt++)
		return 0;
	t->e[i].owner = owner;
	t->e[i].h = h;
	t->n++;
	return 1;
}

static inline int
dtab_has(const struct dtab *t, uint64_t owner, uint64_t h)
{
	return t->e && t->e[dtab_find(t, owner, h)].cnt != 0;
}

/* Remove one (owner, h); returns 1 when its count reached 0, -1 when it
 * was not there (a value past the cap). */
static inline int
dtab_dec(struct dtab *t, uint64_t owner, uint64_t h)
{
	size_t i, j, k;

	if (t->e == NULL)
		return -1;
	i = dtab_find(t, owner, h);
	if (t->e[i].cnt == 0)
		return -1;
	if (--t->e[i].cnt)
		return 0;
	t->n--;
	/* Backward-shift deletion. */
	j = i;
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->e[j].cnt == 0)
			break;
		k = dmix(t->e[j].owner, t->e[j].h) & t->mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			t->e[i] = t->e[j];
			t->e[j].cnt = 0;
			i = j;
		}
	}
	return 1;
}

#endif
