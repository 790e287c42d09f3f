/*
 * wacc.c - the accumulators' calls made per window rather than per record
 * (see wacc.h): merging sessions' sums, the standard deviation, growing
 * deques and distinct tables.
 */
#include "wacc.h"

#include "mem.h"

/* Merge part y into x (x keeps its shift). */
void
rt_wpart_merge(struct wpart *x, const struct wpart *y)
{
	double delta, n, dy;

	if (y->n == 0)
		return;
	if (x->n == 0) {
		*x = *y;
		return;
	}
	/* Re-centre y's sums on x's shift. */
	delta = y->shift - x->shift;
	n = (double)y->n;
	dy = ksum_get(&y->d);
	ksum_add(&x->sum, ksum_get(&y->sum));
	ksum_add(&x->d, dy + n * delta);
	ksum_add(&x->q, ksum_get(&y->q) + 2 * delta * dy + n * delta * delta);
	x->n += y->n;
}

/* A part's mean and sum of squared deviations from it, times scale (and
 * scale squared). */
static void
part_moments(const struct wpart *p, double scale, double *mean, double *m2)
{
	double n = (double)p->n, d = ksum_get(&p->d);

	*mean = ksum_get(&p->sum) / n * scale;
	*m2 = p->n < 2 ? 0 : (ksum_get(&p->q) - d * d / n) * scale * scale;
}

/* Can the sums give the standard deviation to about 25 bits?  Not when
 * the shift is far from the numbers now in the window compared with
 * their spread (the number it was taken from has left), nor when a far
 * greater square than the window's spread passed through (its rounding
 * may remain in the compensated sum): the deviations' sum of squares
 * then cancels. */
static int
part_sd_ok(const struct wpart *p)
{
	double d = ksum_get(&p->d), q = ksum_get(&p->q), m2, dd, lim;
	uint64_t b;

	if (p->n < 2)
		return 1;
	dd = d * d / (double)p->n;
	m2 = q - dd;
	b = p->qexp > 50 ? (uint64_t)(p->qexp - 50) << 52 : 0;
	memcpy(&lim, &b, sizeof lim);
	return m2 >= lim && (d == 0 || m2 > dd * 0x1p-22);
}

int
rt_wnum_sd_ok(const struct wnum *w)
{
	return part_sd_ok(&w->s) && part_sd_ok(&w->b);
}

double
rt_wnum_sd(const struct wnum *w)
{
	double n = (double)wnum_n(w), v, ms, m2s, mb, m2b;

	if (wnum_n(w) < 2)
		return NAN;
	if (w->b.n == 0) {
		double d = ksum_get(&w->s.d), q = ksum_get(&w->s.q);

		v = (q - d * d / n) / (n - 1);
		return v > 0 ? sqrt(v) : 0;
	}
	/* In the scaled domain: the parts' moments, combined. */
	part_moments(&w->b, 1, &mb, &m2b);
	v = m2b;
	if (w->s.n) {
		part_moments(&w->s, WSCALE, &ms, &m2s);
		v += m2s + (mb - ms) * (mb - ms) * (double)w->s.n *
		    (double)w->b.n / n;
	}
	v /= n - 1;
	return v > 0 ? sqrt(v) * WUNSCALE : 0;
}

void
rt_dq_grow(struct dq *q)
{
	uint32_t nc = dq_cap(q) * 2, i;
	uint64_t *np = rt_xreallocarray(NULL, nc, sizeof *np);

	for (i = 0; i < q->n; i++)
		np[i] = dq_at(q, i);
	free(q->p);
	q->p = np;
	q->cap = nc;
	q->head = 0;
}

void
rt_dtab_grow(struct dtab *t)
{
	struct dtab o = *t;
	size_t i;

	t->mask = o.mask ? o.mask * 2 + 1 : 255;
	t->e = rt_xcalloc(t->mask + 1, sizeof *t->e);
	t->n = 0;
	for (i = 0; o.e && i <= o.mask; i++)
		if (o.e[i].cnt)
			rt_dtab_put(t, o.e[i].owner, o.e[i].h, o.e[i].cnt);
	free(o.e);
}

void
rt_dtab_put(struct dtab *t, uint64_t owner, uint64_t h, uint64_t n)
{
	size_t i;

	if ((t->n + 1) * 4 > (t->mask + 1) * 3 || t->e == NULL)
		rt_dtab_grow(t);
	i = dtab_find(t, owner, h);
	if (t->e[i].cnt == 0) {
		t->e[i].owner = owner;
		t->e[i].h = h;
		t->n++;
	}
	t->e[i].cnt += n;
}

void
rt_dtab_clear(struct dtab *t)
{
	if (t->e && t->n)
		memset(t->e, 0, (t->mask + 1) * sizeof *t->e);
	t->n = 0;
}
