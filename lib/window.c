/*
 * window.c - see window.h.
 *
 * Per key: a ring of events sorted by event time (arrival order among
 * equal times), addressed by absolute positions (base + index) so that
 * pointers into it survive eviction from the front.  Per key and look-back
 * window: the half-open range [lo, hi) of positions in the window as of the
 * key's newest record, with running sums (compensated) and monotonic
 * deques for min and max.  A record older than its key's newest (allowed
 * by --max-delay or --allowed-lateness) is inserted in place, computed by
 * a scan, and marks the running state for a rebuild at the next in-order
 * record.
 *
 * Closing windows are slots with their aggregates, found by (key, start)
 * in a map (tumble, hop) or in the key's list (session), and kept in a
 * heap by (end, creation) so that they close in a deterministic order
 * when the watermark passes their end plus the allowed lateness.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "json.h"
#include "mem.h"
#include "number.h"
#include "rtime.h"
#include "window.h"

/* Compensated (Neumaier) sums, so that adding and removing millions of
 * values leaves the window's sum accurate to the last digits. */
struct ksum {
	double s, c;
};

static void
ksum_add(struct ksum *k, double x)
{
	double t = k->s + x;

	if (fabs(k->s) >= fabs(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

static double
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
static int32_t
dexp(double x)
{
	uint64_t b;

	memcpy(&b, &x, sizeof b);
	return (int32_t)(b >> 52 & 0x7ff);
}

/* sd: keep the sums the standard deviation needs too. */
static void
part_add(struct wpart *w, double x, int sign, int sd)
{
	double d;

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

static void
wnum_add(struct wnum *w, double x, int sign, int sd)
{
	if (fabs(x) < WBIG)
		part_add(&w->s, x, sign, sd);
	else
		part_add(&w->b, x * WSCALE, sign, sd);	/* exact */
}

static int64_t
wnum_n(const struct wnum *w)
{
	return (int64_t)w->s.n + (int64_t)w->b.n;
}

/* The sum (infinite when it does not fit a double: null on output). */
static double
wnum_sum(const struct wnum *w)
{
	if (w->b.n == 0)
		return ksum_get(&w->s.sum);
	return ksum_get(&w->s.sum) + ksum_get(&w->b.sum) * WUNSCALE;
}

/* The mean, finite even when the sum is not. */
static double
wnum_avg(const struct wnum *w)
{
	double n = (double)wnum_n(w);

	if (w->b.n == 0)
		return ksum_get(&w->s.sum) / n;
	return ksum_get(&w->s.sum) / n + ksum_get(&w->b.sum) / n * WUNSCALE;
}

/* Merge part y into x (x keeps its shift). */
static void
part_merge(struct wpart *x, const struct wpart *y)
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

static int
wnum_sd_ok(const struct wnum *w)
{
	return part_sd_ok(&w->s) && part_sd_ok(&w->b);
}

static double
wnum_sd(const struct wnum *w)
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

/* A deque of absolute positions. */
/* A deque of absolute positions, in place while it holds at most DQ_IN
 * (most keys' windows are short), else in p. */
#define DQ_IN 4

struct dq {
	uint64_t *p;		/* NULL: in in[] */
	uint32_t head, n, cap;	/* cap 0: DQ_IN, in place */
	uint32_t pad;
	uint64_t in[DQ_IN];
};

static uint32_t
dq_cap(const struct dq *q)
{
	return q->p ? q->cap : DQ_IN;
}

static const uint64_t *
dq_cbuf(const struct dq *q)
{
	return q->p ? q->p : q->in;
}

static uint64_t *
dq_buf(struct dq *q)
{
	return q->p ? q->p : q->in;
}

static uint64_t
dq_at(const struct dq *q, uint32_t i)
{
	return dq_cbuf(q)[(q->head + i) & (dq_cap(q) - 1)];
}

static void
dq_push(struct dq *q, uint64_t v)
{
	if (q->n == dq_cap(q)) {
		uint32_t nc = dq_cap(q) * 2, i;
		uint64_t *np = rt_xreallocarray(NULL, nc, sizeof *np);

		for (i = 0; i < q->n; i++)
			np[i] = dq_at(q, i);
		free(q->p);
		q->p = np;
		q->cap = nc;
		q->head = 0;
	}
	dq_buf(q)[(q->head + q->n++) & (dq_cap(q) - 1)] = v;
}

static uint64_t
dq_front(const struct dq *q)
{
	return dq_cbuf(q)[q->head];
}

static uint64_t
dq_back(const struct dq *q)
{
	return dq_at(q, q->n - 1);
}

static void
dq_popfront(struct dq *q)
{
	q->head = (q->head + 1) & (dq_cap(q) - 1);
	q->n--;
}

/* Per key and look-back window. */
struct wrun {
	uint64_t lo, hi;
	int64_t cnt;
	uint32_t dirty, pad;
};

/*
 * The order closing windows close in: a binary heap by (end, seq) whose
 * entries carry what the comparisons need, so that sifting never touches
 * the windows themselves (100,000 open windows are 100,000 cache misses).
 * An entry goes stale, instead of being removed, when its window closes
 * early (a key evicted), merges into another (sessions) or moves its end
 * (a session extended: a new entry is pushed); stale entries are skipped
 * when they come to the top, and swept out when they outnumber the live.
 */
struct wq {
	int64_t end;
	uint64_t seq;
	uint32_t slot, kid;
};

#define SESS_IN 3

/* A key: its data in the key map (rt_map_data), followed there by its
 * runs (per window: wrun, wnum[], cond[], dist[]) and deques (per window
 * and numeric slot: min, max), so that one lookup brings in the lot. */
struct wkey {
	char *ev;		/* ring of events, stride w->es */
	uint32_t head, n, cap;
	uint64_t base;		/* absolute position of the ring's first */
	int64_t maxt;		/* newest event time of the key */
	int64_t lastt;		/* time of the key's previous record */
	int hasprev;
	uint32_t lprev, lnext;	/* LRU list (RT_MAP_NONE ends) */
	struct rt_buf *prev;	/* per prev slot: JSON text of the value */
	uint32_t *sess;		/* open closing windows' slots, past SESS_IN
				 * (else in sin: see ksess) */
	uint32_t nsess, capsess;
	uint32_t sin[SESS_IN];
	uint32_t nopen;		/* open closing windows */
};

/* A closing window's aggregates (slot header; wnum, extremes, firsts,
 * conditions and distinct counts follow, stride w->cs). */
struct cwin {
	uint32_t kid, unused;
	int64_t start, end, last;	/* last: newest event (sessions) */
	uint64_t seq;
	int64_t cnt;
	uint32_t live, pad;
};

struct cext {			/* per numeric slot, in a closing window */
	double min, max, first, last;
	int64_t tfirst, tlast;
};

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

struct rt_win {
	struct rt_wconf c;
	rt_wemit_fn *emit;
	void *arg;
	struct rt_map keys;	/* data: struct wkey, runs, deques */
	size_t run_off, dq_off, ring_off;	/* in a key's data */
	int *dqmap;		/* slot * 2 + max -> deque in a window, or -1 */
	int ndqw;		/* deques per window */
	size_t ndq;		/* per key */
	uint32_t lru_head, lru_tail;	/* least recent first */
	size_t es;		/* event stride */
	size_t ws;		/* per window run block */
	size_t cs;		/* closing window slot stride */
	int64_t maxt;		/* newest event time, INT64_MIN before any */
	int64_t span;		/* longest look-back, lag included */
	uint32_t maxrows;
	uint64_t seq;		/* closing windows created */
	/* Closing windows. */
	unsigned char *slot;
	uint32_t nslot, capslot;
	uint32_t *freeslot;
	uint32_t nfree;
	struct wq *heap;	/* closing order; see wq_valid */
	uint32_t nheap, capheap;
	struct wq *qrun;	/* see run_at */
	uint32_t qhead, qn, qcap;
	uint32_t nopen;		/* open closing windows */
	struct wq *due;		/* windows closing now (close_due) */
	uint32_t capdue;
	struct dtab dist;	/* look-back windows' distinct values */
	struct dtab *cwd;	/* per closing slot and distinct slot */
	struct rt_wstats st;
	struct rt_buf *names;	/* see names_new */
	struct rt_buf *jnames;	/* per name: "name": as JSON */
	struct rt_buf *jkeys;	/* per key field: "field": as JSON */
	struct tmemo {
		int64_t us;
		size_t n;
		char t[48];
	} tmemo[2];		/* see put_time */
	/* Scratch. */
	struct rt_buf out;
	struct dtab tmp;	/* distinct values of a scan */
	double *rsum, *ravg, *rmin, *rmax, *rfirst, *rlast, *rsd;
	int64_t *rn, *rcond;
	uint64_t *rdist;
	int64_t rcnt;
};

/* ---- configuration ----------------------------------------------------- */

static int
find_or_add(char ***v, int *n, const char *s)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return i;
	*v = rt_xreallocarray(*v, (size_t)*n + 1, sizeof **v);
	(*v)[*n] = (char *)s;
	return (*n)++;
}

const char *
rt_win_conf_slots(struct rt_wconf *c)
{
	int i;

	for (i = 0; i < c->nagg; i++) {
		struct rt_wagg *a = &c->aggs[i];

		switch (a->kind) {
		case RT_WA_COUNT:
		case RT_WA_SINCE_PREV:
			a->slot = -1;
			break;
		case RT_WA_SUM: case RT_WA_AVG: case RT_WA_MIN: case RT_WA_MAX:
		case RT_WA_STDDEV: case RT_WA_FIRST: case RT_WA_LAST:
			a->slot = find_or_add(&c->numf, &c->nnum, a->field);
			break;
		case RT_WA_DISTINCT:
			a->slot = find_or_add(&c->distf, &c->ndist, a->field);
			break;
		case RT_WA_PREV:
			a->slot = find_or_add(&c->prevf, &c->nprev, a->field);
			break;
		case RT_WA_COUNT_IF:
			if (c->ncond == 32)
				return "at most 32 count_if aggregates";
			c->condf = rt_xreallocarray(c->condf,
			    (size_t)c->ncond + 1, sizeof *c->condf);
			c->condv = rt_xreallocarray(c->condv,
			    (size_t)c->ncond + 1, sizeof *c->condv);
			c->condf[c->ncond] = (char *)a->field;
			c->condv[c->ncond] = (char *)a->value;
			a->slot = c->ncond++;
			break;
		}
		if (c->close != RT_WC_NONE && (a->kind == RT_WA_PREV ||
		    a->kind == RT_WA_SINCE_PREV) && c->nwin == 0)
			return "prev and since_prev need a look-back window "
			    "(--sliding or --rows)";
		if (c->close == RT_WC_SESSION && a->kind == RT_WA_DISTINCT)
			return "distinct is not supported with --session";
	}
	c->need_min = rt_xcalloc((size_t)c->nnum + 1, sizeof *c->need_min);
	c->need_max = rt_xcalloc((size_t)c->nnum + 1, sizeof *c->need_max);
	c->need_sd = rt_xcalloc((size_t)c->nnum + 1, sizeof *c->need_sd);
	c->need_ends = rt_xcalloc((size_t)c->nnum + 1, sizeof *c->need_ends);
	for (i = 0; i < c->nagg; i++) {
		if (c->aggs[i].kind == RT_WA_MIN)
			c->need_min[c->aggs[i].slot] = 1;
		if (c->aggs[i].kind == RT_WA_MAX)
			c->need_max[c->aggs[i].slot] = 1;
		if (c->aggs[i].kind == RT_WA_STDDEV)
			c->need_sd[c->aggs[i].slot] = 1;
		if (c->aggs[i].kind == RT_WA_FIRST ||
		    c->aggs[i].kind == RT_WA_LAST)
			c->need_ends[c->aggs[i].slot] = 1;
	}
	return NULL;
}

static const char *const agg_word[] = {
	"count", "sum", "avg", "min", "max", "stddev", "distinct", "first",
	"last", "count_if", "prev", "since_prev"
};

/* The output name of aggregate a in a window labelled label (NULL: the
 * closing window's record, which has no suffix). */
static void
agg_name(const struct rt_wconf *c, const struct rt_wagg *a,
    const char *label, struct rt_buf *b)
{
	b->len = 0;
	if (a->name) {
		rt_buf_adds(b, a->name);
		if (label && c->nwin + (c->enrich_close ? 1 : 0) > 1 &&
		    a->kind != RT_WA_PREV && a->kind != RT_WA_SINCE_PREV) {
			rt_buf_addc(b, '_');
			rt_buf_adds(b, label);
		}
		return;
	}
	rt_buf_adds(b, agg_word[a->kind]);
	if (a->field) {
		rt_buf_addc(b, '_');
		rt_buf_adds(b, a->field);
	}
	if (a->kind == RT_WA_COUNT_IF) {
		rt_buf_addc(b, '_');
		rt_buf_adds(b, a->value);
	}
	if (label && a->kind != RT_WA_PREV && a->kind != RT_WA_SINCE_PREV) {
		rt_buf_addc(b, '_');
		rt_buf_adds(b, label);
	}
}

void
rt_win_names(const struct rt_wconf *c, void (*f)(void *, const char *),
    void *arg)
{
	struct rt_buf b = RT_BUF_INIT;
	int i, j;

	for (j = 0; j < c->nwin + (c->enrich_close ? 1 : 0); j++)
		for (i = 0; i < c->nagg; i++) {
			const struct rt_wagg *a = &c->aggs[i];

			if (a->kind == RT_WA_PREV || a->kind == RT_WA_SINCE_PREV)
				continue;
			agg_name(c, a, j < c->nwin ? c->win[j].label :
			    c->clabel, &b);
			f(arg, rt_buf_cstr(&b));
		}
	for (i = 0; i < c->nagg; i++)
		if (c->aggs[i].kind == RT_WA_PREV ||
		    c->aggs[i].kind == RT_WA_SINCE_PREV) {
			agg_name(c, &c->aggs[i], NULL, &b);
			f(arg, rt_buf_cstr(&b));
		}
	rt_buf_release(&b);
}

/* ---- distinct table -------------------------------------------------- */

static uint64_t
dmix(uint64_t owner, uint64_t h)
{
	uint64_t x = owner * 0x9e3779b97f4a7c15ULL ^ h;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

static void dtab_put(struct dtab *t, uint64_t owner, uint64_t h, uint64_t n);

static void
dtab_grow(struct dtab *t)
{
	struct dtab o = *t;
	size_t i;

	t->mask = o.mask ? o.mask * 2 + 1 : 255;
	t->e = rt_xcalloc(t->mask + 1, sizeof *t->e);
	t->n = 0;
	for (i = 0; o.e && i <= o.mask; i++)
		if (o.e[i].cnt)
			dtab_put(t, o.e[i].owner, o.e[i].h, o.e[i].cnt);
	free(o.e);
}

/* Find (owner, h): its index, or where it would go (cnt 0 there). */
static size_t
dtab_find(const struct dtab *t, uint64_t owner, uint64_t h)
{
	size_t i = dmix(owner, h) & t->mask;

	while (t->e[i].cnt && (t->e[i].owner != owner || t->e[i].h != h))
		i = (i + 1) & t->mask;
	return i;
}

static void
dtab_put(struct dtab *t, uint64_t owner, uint64_t h, uint64_t n)
{
	size_t i;

	if ((t->n + 1) * 4 > (t->mask + 1) * 3 || t->e == NULL)
		dtab_grow(t);
	i = dtab_find(t, owner, h);
	if (t->e[i].cnt == 0) {
		t->e[i].owner = owner;
		t->e[i].h = h;
		t->n++;
	}
	t->e[i].cnt += n;
}

/* Add one (owner, h); returns 1 when it is new. */
static int
dtab_inc(struct dtab *t, uint64_t owner, uint64_t h)
{
	size_t i;

	if (t->e == NULL || (t->n + 1) * 4 > (t->mask + 1) * 3)
		dtab_grow(t);
	i = dtab_find(t, owner, h);
	if (t->e[i].cnt++)
		return 0;
	t->e[i].owner = owner;
	t->e[i].h = h;
	t->n++;
	return 1;
}

static int
dtab_has(const struct dtab *t, uint64_t owner, uint64_t h)
{
	return t->e && t->e[dtab_find(t, owner, h)].cnt != 0;
}

/* Remove one (owner, h); returns 1 when its count reached 0, -1 when it
 * was not there (a value past the cap). */
static int
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

static void
dtab_clear(struct dtab *t)
{
	if (t->e && t->n)
		memset(t->e, 0, (t->mask + 1) * sizeof *t->e);
	t->n = 0;
}

/* ---- events ------------------------------------------------------------- */

/* A key's ring: in its map data while it holds at most RING_IN events
 * (ev NULL, cap RING_IN), else in ev. */
#define RING_IN 4

static char *
ring_buf(const struct rt_win *w, struct wkey *k)
{
	return k->ev ? k->ev : (char *)k + w->ring_off;
}

static char *
ev_at(const struct rt_win *w, struct wkey *k, uint64_t pos)
{
	return ring_buf(w, k) + ((k->head + (pos - k->base)) & (k->cap - 1)) *
	    w->es;
}

static int64_t
ev_t(const char *e)
{
	int64_t t;

	memcpy(&t, e, sizeof t);
	return t;
}

static double
ev_num(const char *e, int i)
{
	double x;

	memcpy(&x, e + 8 + 8 * (size_t)i, sizeof x);
	return x;
}

static uint64_t
ev_dh(const struct rt_win *w, const char *e, int i)
{
	uint64_t h;

	memcpy(&h, e + 8 + 8 * (size_t)w->c.nnum + 8 * (size_t)i, sizeof h);
	return h;
}

static uint32_t
ev_cond(const struct rt_win *w, const char *e)
{
	uint32_t c;

	memcpy(&c, e + 8 + 8 * (size_t)(w->c.nnum + w->c.ndist), sizeof c);
	return c;
}

static void
ev_fill(const struct rt_win *w, char *e, const struct rt_wev *ev)
{
	memcpy(e, &ev->t, 8);
	if (w->c.nnum)
		memcpy(e + 8, ev->num, 8 * (size_t)w->c.nnum);
	if (w->c.ndist)
		memcpy(e + 8 + 8 * (size_t)w->c.nnum, ev->dh,
		    8 * (size_t)w->c.ndist);
	memcpy(e + 8 + 8 * (size_t)(w->c.nnum + w->c.ndist), &ev->cond, 4);
}

static void
ring_grow(const struct rt_win *w, struct wkey *k)
{
	uint32_t nc = k->cap * 2, i;
	char *ne = rt_xreallocarray(NULL, nc, w->es);

	for (i = 0; i < k->n; i++)
		memcpy(ne + (size_t)i * w->es, ring_buf(w, k) +
		    ((k->head + i) & (k->cap - 1)) * w->es, w->es);
	free(k->ev);
	k->ev = ne;
	k->cap = nc;
	k->head = 0;
}

/* Insert ev after every event with time <= ev->t; returns its position. */
static uint64_t
ring_insert(const struct rt_win *w, struct wkey *k, const struct rt_wev *ev)
{
	uint64_t pos, end;

	if (k->n == k->cap)
		ring_grow(w, k);
	end = k->base + k->n;
	pos = end;
	while (pos > k->base && ev_t(ev_at(w, k, pos - 1)) > ev->t)
		pos--;
	k->n++;
	for (uint64_t p = end; p > pos; p--)
		memcpy(ev_at(w, k, p), ev_at(w, k, p - 1), w->es);
	ev_fill(w, ev_at(w, k, pos), ev);
	return pos;
}

/* ---- per key, per window ----------------------------------------------- */

static struct wkey *
wk(const struct rt_win *w, uint32_t id)
{
	return rt_map_data(&w->keys, id);
}

static struct wrun *
run_of(const struct rt_win *w, struct wkey *k, int wi)
{
	return (struct wrun *)(void *)((unsigned char *)k +
	    w->run_off + (size_t)wi * w->ws);
}

/* Deque j of key k (j = (window * nnum + slot) * 2 + max). */
static struct dq *
dqj(const struct rt_win *w, struct wkey *k, size_t j)
{
	return (struct dq *)(void *)((unsigned char *)k +
	    w->dq_off) + j;
}

static struct wnum *
run_num(const struct rt_win *w, struct wrun *r)
{
	(void)w;
	return (struct wnum *)(r + 1);
}

static int64_t *
run_cond(const struct rt_win *w, struct wrun *r)
{
	return (int64_t *)(run_num(w, r) + w->c.nnum);
}

static uint64_t *
run_dist(const struct rt_win *w, struct wrun *r)
{
	return (uint64_t *)(run_cond(w, r) + w->c.ncond);
}

/* The min (mx 0) or max deque of a numeric slot in window wi, or NULL
 * when no aggregate needs it (a key holds only the deques asked for). */
static struct dq *
dq_of(const struct rt_win *w, struct wkey *k, int wi, int slot, int mx)
{
	int m = w->dqmap[slot * 2 + mx];

	return m < 0 ? NULL : dqj(w, k, (size_t)wi * (size_t)w->ndqw +
	    (size_t)m);
}

/* The same by the index the state file counts in, (wi * nnum + slot) * 2
 * + mx (it holds an empty deque for each one not kept). */
static struct dq *
dq_full(const struct rt_win *w, struct wkey *k, size_t j)
{
	size_t per = (size_t)w->c.nnum * 2;

	return dq_of(w, k, (int)(j / per), (int)(j % per / 2), (int)(j % 2));
}

static uint64_t
downer(uint32_t kid, int wi, int slot)
{
	return (uint64_t)kid << 16 | (uint64_t)wi << 8 | (uint64_t)slot;
}

/* Event at pos enters (sign 1) or leaves (-1) window wi of key kid. */
static void
run_move(struct rt_win *w, uint32_t kid, int wi, uint64_t pos, int sign)
{
	struct wkey *k = wk(w, kid);
	struct wrun *r = run_of(w, k, wi);
	struct wnum *nm = run_num(w, r);
	int64_t *cc = run_cond(w, r);
	uint64_t *dc = run_dist(w, r);
	const char *e = ev_at(w, k, pos);
	uint32_t cond = ev_cond(w, e);
	int i;

	r->cnt += sign;
	for (i = 0; i < w->c.nnum; i++) {
		double x = ev_num(e, i);
		struct dq *q;

		if (isnan(x))
			continue;
		wnum_add(&nm[i], x, sign, w->c.need_sd[i]);
		if (sign > 0) {
			if (w->c.need_max[i]) {
				q = dq_of(w, k, wi, i, 1);
				while (q->n && ev_num(ev_at(w, k, dq_back(q)), i) <= x)
					q->n--;
				dq_push(q, pos);
			}
			if (w->c.need_min[i]) {
				q = dq_of(w, k, wi, i, 0);
				while (q->n && ev_num(ev_at(w, k, dq_back(q)), i) >= x)
					q->n--;
				dq_push(q, pos);
			}
		} else {
			for (int mx = 0; mx < 2; mx++) {
				q = dq_of(w, k, wi, i, mx);
				if (q && q->n && dq_front(q) == pos)
					dq_popfront(q);
			}
		}
	}
	for (i = 0; i < w->c.ncond; i++)
		if (cond & (1u << i))
			cc[i] += sign;
	for (i = 0; i < w->c.ndist; i++) {
		uint64_t h = ev_dh(w, e, i), own = downer(kid, wi, i);

		if (h == 0)
			continue;
		if (sign > 0) {
			if (dc[i] >= w->c.distinct_cap &&
			    !dtab_has(&w->dist, own, h)) {
				w->st.capped++;
				continue;
			}
			if (dtab_inc(&w->dist, own, h))
				dc[i]++;
		} else if (dtab_dec(&w->dist, own, h) == 1) {
			dc[i]--;
		}
	}
}

/* Empty window wi of key kid (all its events leave). */
static void
run_reset(struct rt_win *w, uint32_t kid, int wi)
{
	struct wkey *k = wk(w, kid);
	struct wrun *r = run_of(w, k, wi);
	int i;

	while (r->lo < r->hi) {
		if (r->lo >= k->base)
			run_move(w, kid, wi, r->lo, -1);
		r->lo++;
	}
	memset(run_num(w, r), 0, w->ws - sizeof *r);
	for (i = 0; i < w->c.nnum; i++)
		for (int mx = 0; mx < 2; mx++)
			if (dq_of(w, k, wi, i, mx))
				dq_of(w, k, wi, i, mx)->n = 0;
	r->lo = r->hi = k->base;
	r->cnt = 0;
}

static int
before_lo(const struct rt_win *w, int64_t et, int64_t bound)
{
	return w->c.closed_both ? et < bound : et <= bound;
}

/* Bring window wi of key kid to the key's newest record at t, position
 * end - 1. */
static void
run_advance(struct rt_win *w, uint32_t kid, int wi, int64_t t)
{
	struct wkey *k = wk(w, kid);
	struct wrun *r = run_of(w, k, wi);
	const struct rt_wdef *d = &w->c.win[wi];
	uint64_t end = k->base + k->n;

	if (r->hi < k->base)
		r->lo = r->hi = k->base;	/* empty, behind evicted events */
	if (d->kind == RT_WK_ROWS) {
		while (r->hi < end)
			run_move(w, kid, wi, r->hi++, 1);
		while (r->hi - r->lo > d->rows)
			run_move(w, kid, wi, r->lo++, -1);
		return;
	}
	while (r->hi < end && ev_t(ev_at(w, k, r->hi)) <= t - d->lag)
		run_move(w, kid, wi, r->hi++, 1);
	while (r->lo < r->hi &&
	    before_lo(w, ev_t(ev_at(w, k, r->lo)), t - d->lag - d->size))
		run_move(w, kid, wi, r->lo++, -1);
}

/* Make the running numbers of slot i of run r again from the ring, with
 * a shift in the window: rare (see part_sd_ok), and after it the shift
 * is within the numbers' spread. */
static void
run_renum(struct rt_win *w, struct wkey *k, struct wrun *r, int i)
{
	struct wnum *nm = &run_num(w, r)[i];

	memset(nm, 0, sizeof *nm);
	for (uint64_t p = r->lo; p < r->hi; p++) {
		double x = ev_num(ev_at(w, k, p), i);

		if (!isnan(x))
			wnum_add(nm, x, 1, 1);
	}
}

/* Fill the result scratch from the running state of window wi. */
static void
res_from_run(struct rt_win *w, uint32_t kid, int wi)
{
	struct wkey *k = wk(w, kid);
	struct wrun *r = run_of(w, k, wi);
	struct wnum *nm = run_num(w, r);
	int i;

	w->rcnt = r->cnt;
	for (i = 0; i < w->c.nnum; i++) {
		struct dq *q;

		if (w->c.need_sd[i] && !wnum_sd_ok(&nm[i]))
			run_renum(w, k, r, i);
		w->rn[i] = wnum_n(&nm[i]);
		w->rsum[i] = wnum_sum(&nm[i]);
		w->ravg[i] = w->rn[i] ? wnum_avg(&nm[i]) : NAN;
		w->rsd[i] = w->c.need_sd[i] ? wnum_sd(&nm[i]) : NAN;
		q = dq_of(w, k, wi, i, 1);
		w->rmax[i] = q && q->n ? ev_num(ev_at(w, k, dq_front(q)), i) :
		    NAN;
		q = dq_of(w, k, wi, i, 0);
		w->rmin[i] = q && q->n ? ev_num(ev_at(w, k, dq_front(q)), i) :
		    NAN;
		w->rfirst[i] = w->rlast[i] = NAN;
		if (!w->c.need_ends[i])
			continue;
		for (uint64_t p = r->lo; p < r->hi; p++)
			if (!isnan(w->rfirst[i] = ev_num(ev_at(w, k, p), i)))
				break;
		for (uint64_t p = r->hi; p > r->lo; p--)
			if (!isnan(w->rlast[i] = ev_num(ev_at(w, k, p - 1), i)))
				break;
	}
	memcpy(w->rcond, run_cond(w, r), sizeof *w->rcond * (size_t)w->c.ncond);
	memcpy(w->rdist, run_dist(w, r), sizeof *w->rdist * (size_t)w->c.ndist);
}

/* Fill the result scratch by scanning positions [lo, hi) of key kid. */
static void
res_scan(struct rt_win *w, uint32_t kid, uint64_t lo, uint64_t hi)
{
	struct wkey *k = wk(w, kid);
	int i;

	w->rcnt = (int64_t)(hi - lo);
	for (i = 0; i < w->c.nnum; i++) {
		struct wnum nm;

		memset(&nm, 0, sizeof nm);
		w->rmin[i] = w->rmax[i] = w->rfirst[i] = w->rlast[i] = NAN;
		for (uint64_t p = lo; p < hi; p++) {
			double x = ev_num(ev_at(w, k, p), i);

			if (isnan(x))
				continue;
			wnum_add(&nm, x, 1, 1);
			if (isnan(w->rmin[i]) || x < w->rmin[i])
				w->rmin[i] = x;
			if (isnan(w->rmax[i]) || x > w->rmax[i])
				w->rmax[i] = x;
			if (isnan(w->rfirst[i]))
				w->rfirst[i] = x;
			w->rlast[i] = x;
		}
		w->rn[i] = wnum_n(&nm);
		w->rsum[i] = wnum_sum(&nm);
		w->ravg[i] = w->rn[i] ? wnum_avg(&nm) : NAN;
		w->rsd[i] = wnum_sd(&nm);
	}
	for (i = 0; i < w->c.ncond; i++) {
		w->rcond[i] = 0;
		for (uint64_t p = lo; p < hi; p++)
			if (ev_cond(w, ev_at(w, k, p)) & (1u << i))
				w->rcond[i]++;
	}
	for (i = 0; i < w->c.ndist; i++) {
		dtab_clear(&w->tmp);
		w->rdist[i] = 0;
		for (uint64_t p = lo; p < hi; p++) {
			uint64_t h = ev_dh(w, ev_at(w, k, p), i);

			if (h && w->rdist[i] < w->c.distinct_cap &&
			    dtab_inc(&w->tmp, 0, h))
				w->rdist[i]++;
		}
	}
}

/* First position in [lo, hi) whose time is > t (or >= t when ge). */
static uint64_t
ring_search(const struct rt_win *w, struct wkey *k, uint64_t lo,
    uint64_t hi, int64_t t, int ge)
{
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int64_t et = ev_t(ev_at(w, k, mid));

		if (ge ? et < t : et <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- writing values ------------------------------------------------- */

static void
put_num(struct rt_buf *b, double x)
{
	if (isnan(x) || isinf(x))
		rt_buf_adds(b, "null");
	else
		rt_num_fmt(b, x == 0 ? 0 : x);
}

/* The value of aggregate a from the result scratch. */
static void
put_agg(const struct rt_win *w, const struct rt_wagg *a, struct rt_buf *b)
{
	int s = a->slot;

	switch (a->kind) {
	case RT_WA_COUNT:
		rt_buf_addi(b, w->rcnt);
		break;
	case RT_WA_SUM:
		if (w->rn[s])
			put_num(b, w->rsum[s]);
		else
			rt_buf_adds(b, "null");
		break;
	case RT_WA_AVG:
		put_num(b, w->rn[s] ? w->ravg[s] : NAN);
		break;
	case RT_WA_MIN:
		put_num(b, w->rmin[s]);
		break;
	case RT_WA_MAX:
		put_num(b, w->rmax[s]);
		break;
	case RT_WA_STDDEV:
		put_num(b, w->rsd[s]);
		break;
	case RT_WA_FIRST:
		put_num(b, w->rfirst[s]);
		break;
	case RT_WA_LAST:
		put_num(b, w->rlast[s]);
		break;
	case RT_WA_DISTINCT:
		rt_buf_addu(b, w->rdist[s]);
		break;
	case RT_WA_COUNT_IF:
		rt_buf_addi(b, w->rcond[s]);
		break;
	case RT_WA_PREV:
	case RT_WA_SINCE_PREV:
		break;
	}
}

/* The output name of aggregate i in window wi is names[wi * nagg + i]:
 * the look-back windows, then the closing window (--emit both), then no
 * window (the closing window's own record, prev and since_prev). */
static void
names_new(struct rt_win *w)
{
	size_t n = ((size_t)w->c.nwin + 2) * (size_t)w->c.nagg, j;
	int wi, i;

	w->names = rt_xcalloc(n + 1, sizeof *w->names);
	for (wi = 0; wi < w->c.nwin + 2; wi++)
		for (i = 0; i < w->c.nagg; i++)
			agg_name(&w->c, &w->c.aggs[i], wi < w->c.nwin ?
			    w->c.win[wi].label : wi == w->c.nwin ? w->c.clabel :
			    NULL, &w->names[(size_t)wi * (size_t)w->c.nagg +
			    (size_t)i]);
	w->jnames = rt_xcalloc(n + 1, sizeof *w->jnames);
	for (j = 0; j < n; j++) {
		rt_json_put_str(&w->jnames[j], w->names[j].p, w->names[j].len);
		rt_buf_addc(&w->jnames[j], ':');
	}
	w->jkeys = rt_xcalloc((size_t)w->c.nkeys + 1, sizeof *w->jkeys);
	for (wi = 0; wi < w->c.nkeys; wi++) {
		rt_json_put_str(&w->jkeys[wi], w->c.keys[wi],
		    strlen(w->c.keys[wi]));
		rt_buf_addc(&w->jkeys[wi], ':');
	}
}

/* Start setting aggregate i of window wi on e (a name whose JSON text is
 * itself in quotes needs no escaping). */
static struct rt_buf *
name_key(const struct rt_win *w, struct rt_jedit *e, int wi, int i)
{
	size_t j = (size_t)wi * (size_t)w->c.nagg + (size_t)i;

	return (w->jnames[j].len == w->names[j].len + 3 ? rt_jedit_key_plain :
	    rt_jedit_key)(e, w->names[j].p, w->names[j].len);
}

/* Set the aggregates of window wi on the edited record. */
static void
enrich(struct rt_win *w, struct rt_jedit *e, int wi)
{
	int i;

	for (i = 0; i < w->c.nagg; i++) {
		const struct rt_wagg *a = &w->c.aggs[i];

		if (a->kind == RT_WA_PREV || a->kind == RT_WA_SINCE_PREV)
			continue;
		put_agg(w, a, name_key(w, e, wi, i));
	}
}

/* ---- keys --------------------------------------------------------------- */

static void
lru_unlink(struct rt_win *w, uint32_t id)
{
	struct wkey *k = wk(w, id);

	if (k->lprev != RT_MAP_NONE)
		wk(w, k->lprev)->lnext = k->lnext;
	else
		w->lru_head = k->lnext;
	if (k->lnext != RT_MAP_NONE)
		wk(w, k->lnext)->lprev = k->lprev;
	else
		w->lru_tail = k->lprev;
	k->lprev = k->lnext = RT_MAP_NONE;
}

static void
lru_push(struct rt_win *w, uint32_t id)
{
	struct wkey *k = wk(w, id);

	k->lprev = w->lru_tail;
	k->lnext = RT_MAP_NONE;
	if (w->lru_tail != RT_MAP_NONE)
		wk(w, w->lru_tail)->lnext = id;
	else
		w->lru_head = id;
	w->lru_tail = id;
}

static void key_forget(struct rt_win *w, uint32_t id);

/* The key id of ev, created if new. */
static uint32_t
key_get(struct rt_win *w, const char *key, size_t klen, uint64_t h)
{
	int isnew;
	uint32_t id = rt_map_put(&w->keys, key, klen, h ? h : rt_hash(key,
	    klen), &isnew);
	struct wkey *k = wk(w, id);

	if (isnew) {
		size_t nrun = w->ws * (size_t)w->c.nwin;

		if (k->prev == NULL && w->c.nprev)
			k->prev = rt_xcalloc((size_t)w->c.nprev,
			    sizeof *k->prev);
		/* A reused id starts clean (its buffers are kept). */
		if (nrun)
			memset(run_of(w, k, 0), 0, nrun);
		for (size_t j = 0; j < w->ndq; j++)
			dqj(w, k, j)->n = 0;
		for (int j = 0; j < w->c.nprev; j++)
			k->prev[j].len = 0;
		k->n = k->head = 0;
		if (k->ev == NULL)
			k->cap = RING_IN;
		k->base = 0;
		k->hasprev = 0;
		k->nsess = 0;
		k->nopen = 0;
		k->maxt = INT64_MIN;
		k->lprev = k->lnext = RT_MAP_NONE;
		lru_push(w, id);
		if (w->c.max_keys && w->keys.count > w->c.max_keys) {
			uint32_t old = w->lru_head;

			if (old != id) {
				key_forget(w, old);
				w->st.evicted++;
			}
		}
	} else if (w->lru_tail != id && (w->c.max_keys || w->c.ttl)) {
		/* Recency matters only to --max-keys and --ttl. */
		lru_unlink(w, id);
		lru_push(w, id);
	}
	return id;
}

/* ---- closing windows ------------------------------------------------- */

static struct cwin *
cw_at(const struct rt_win *w, uint32_t s)
{
	return (struct cwin *)(w->slot + (size_t)s * w->cs);
}

static struct wnum *
cw_num(struct cwin *c)
{
	return (struct wnum *)(c + 1);
}

static struct cext *
cw_ext(const struct rt_win *w, struct cwin *c)
{
	return (struct cext *)(cw_num(c) + w->c.nnum);
}

static int64_t *
cw_cond(const struct rt_win *w, struct cwin *c)
{
	return (int64_t *)(cw_ext(w, c) + w->c.nnum);
}

static uint64_t *
cw_dist(const struct rt_win *w, struct cwin *c)
{
	return (uint64_t *)(cw_cond(w, c) + w->c.ncond);
}

static int
wq_less(const struct wq *x, const struct wq *y)
{
	if (x->end != y->end)
		return x->end < y->end;
	return x->seq < y->seq;
}

/* Does entry q still stand for its window? */
static int
wq_valid(const struct rt_win *w, const struct wq *q)
{
	const struct cwin *c = cw_at(w, q->slot);

	return c->live && c->seq == q->seq && c->end == q->end;
}

/* A 4-ary heap: half the levels of a binary one, and the four children
 * of a node side by side in memory. */
static void
wq_up(struct rt_win *w, uint32_t i)
{
	struct wq x = w->heap[i];

	while (i > 0 && wq_less(&x, &w->heap[(i - 1) / 4])) {
		w->heap[i] = w->heap[(i - 1) / 4];
		i = (i - 1) / 4;
	}
	w->heap[i] = x;
}

static void
wq_down(struct rt_win *w, uint32_t i)
{
	struct wq x = w->heap[i];

	for (;;) {
		uint32_t c = 4 * i + 1, best = c, j;

		if (c >= w->nheap)
			break;
		for (j = c + 1; j < c + 4 && j < w->nheap; j++)
			if (wq_less(&w->heap[j], &w->heap[best]))
				best = j;
		if (!wq_less(&w->heap[best], &x))
			break;
		w->heap[i] = w->heap[best];
		i = best;
	}
	w->heap[i] = x;
}

/*
 * Windows mostly come in the order they close (a tumbling window opens
 * after every window of the period before): entries that sort after the
 * last one queued go to a run, a plain FIFO, and only the others to the
 * heap.  The next to close is the smaller of the two fronts.
 */
static struct wq *
run_at(const struct rt_win *w, uint32_t i)
{
	return &w->qrun[(w->qhead + i) & (w->qcap - 1)];
}

/* The entry that closes next, or NULL. */
static const struct wq *
wq_top(const struct rt_win *w)
{
	if (w->qn == 0)
		return w->nheap ? &w->heap[0] : NULL;
	if (w->nheap && wq_less(&w->heap[0], run_at(w, 0)))
		return &w->heap[0];
	return run_at(w, 0);
}

static void
wq_pop(struct rt_win *w)
{
	if (w->qn && !(w->nheap && wq_less(&w->heap[0], run_at(w, 0)))) {
		w->qhead = (w->qhead + 1) & (w->qcap - 1);
		w->qn--;
		return;
	}
	w->heap[0] = w->heap[--w->nheap];
	if (w->nheap)
		wq_down(w, 0);
}

/* Keep only the valid entries (when the stale ones are too many). */
static void
wq_sweep(struct rt_win *w)
{
	uint32_t i, n = 0;

	for (i = 0; i < w->nheap; i++)
		if (wq_valid(w, &w->heap[i]))
			w->heap[n++] = w->heap[i];
	w->nheap = n;
	for (i = n / 4 + 1; i-- > 0;)
		if (i < n)
			wq_down(w, i);
	for (i = n = 0; i < w->qn; i++)
		if (wq_valid(w, run_at(w, i)))
			*run_at(w, n++) = *run_at(w, i);
	w->qn = n;
}

/* Queue slot s at its current end. */
static void
wq_push(struct rt_win *w, uint32_t s)
{
	const struct cwin *c = cw_at(w, s);

	struct wq q;

	if (w->nheap + w->qn > 2 * w->nopen + 64)
		wq_sweep(w);
	q.end = c->end;
	q.seq = c->seq;
	q.slot = s;
	q.kid = c->kid;
	if (w->qn == 0 || !wq_less(&q, run_at(w, w->qn - 1))) {
		if (w->qn == w->qcap) {
			uint32_t nc = w->qcap ? w->qcap * 2 : 64;
			struct wq *r = rt_xreallocarray(NULL, nc, sizeof *r);

			for (uint32_t i = 0; i < w->qn; i++)
				r[i] = *run_at(w, i);
			free(w->qrun);
			w->qrun = r;
			w->qcap = nc;
			w->qhead = 0;
		}
		*run_at(w, w->qn++) = q;
		return;
	}
	if (w->nheap == w->capheap) {
		w->capheap = w->capheap ? w->capheap * 2 : 64;
		w->heap = rt_xreallocarray(w->heap, w->capheap,
		    sizeof *w->heap);
	}
	w->heap[w->nheap] = q;
	wq_up(w, w->nheap++);
}


/* The key's open windows (tumbling, hopping, sessions): k->sess. */
/* The open windows of key k (a handful: in place; more: allocated). */
static uint32_t *
ksess(struct wkey *k)
{
	return k->capsess ? k->sess : k->sin;
}

static void
open_add(struct rt_win *w, struct wkey *k, uint32_t s)
{
	if (k->nsess == SESS_IN && k->capsess == 0) {
		k->capsess = 2 * SESS_IN;
		k->sess = rt_xreallocarray(k->sess, k->capsess,
		    sizeof *k->sess);
		memcpy(k->sess, k->sin, sizeof k->sin);
	} else if (k->capsess && k->nsess == k->capsess) {
		k->capsess *= 2;
		k->sess = rt_xreallocarray(k->sess, k->capsess,
		    sizeof *k->sess);
	}
	ksess(k)[k->nsess++] = s;
	k->nopen++;
	w->nopen++;
}

static void
open_del(struct rt_win *w, struct wkey *k, uint32_t s)
{
	uint32_t *ss = ksess(k);

	for (uint32_t x = 0; x < k->nsess; x++)
		if (ss[x] == s) {
			ss[x] = ss[--k->nsess];
			break;
		}
	k->nopen--;
	w->nopen--;
}

static uint32_t
cw_new(struct rt_win *w, uint32_t kid, int64_t start, int64_t end)
{
	uint32_t s;
	struct cwin *c;

	if (w->nfree)
		s = w->freeslot[--w->nfree];
	else {
		if (w->nslot == w->capslot) {
			w->capslot = w->capslot ? w->capslot * 2 : 64;
			w->slot = rt_xreallocarray(w->slot, w->capslot, w->cs);
			w->freeslot = rt_xreallocarray(w->freeslot,
			    w->capslot, sizeof *w->freeslot);
			w->cwd = rt_xreallocarray(w->cwd, (size_t)w->capslot *
			    ((size_t)w->c.ndist + 1), sizeof *w->cwd);
		}
		s = w->nslot++;
		memset(&w->cwd[(size_t)s * ((size_t)w->c.ndist + 1)], 0,
		    ((size_t)w->c.ndist + 1) * sizeof *w->cwd);
	}
	c = cw_at(w, s);
	memset(c, 0, w->cs);
	c->kid = kid;
	c->start = start;
	c->end = end;
	c->last = start;
	c->seq = w->seq++;
	c->live = 1;
	for (int i = 0; i < w->c.nnum; i++) {
		struct cext *x = &cw_ext(w, c)[i];

		x->min = x->max = x->first = x->last = NAN;
	}
	open_add(w, wk(w, kid), s);
	wq_push(w, s);
	return s;
}

static struct dtab *
cw_dtab(const struct rt_win *w, uint32_t s, int i)
{
	return &w->cwd[(size_t)s * ((size_t)w->c.ndist + 1) + (size_t)i];
}

static void
cw_add(struct rt_win *w, uint32_t s, const struct rt_wev *ev)
{
	struct cwin *c = cw_at(w, s);
	int i;

	c->cnt++;
	if (ev->t > c->last)
		c->last = ev->t;
	for (i = 0; i < w->c.nnum; i++) {
		double x = ev->num[i];
		struct cext *e = &cw_ext(w, c)[i];

		if (isnan(x))
			continue;
		wnum_add(&cw_num(c)[i], x, 1, 1);
		if (isnan(e->min) || x < e->min)
			e->min = x;
		if (isnan(e->max) || x > e->max)
			e->max = x;
		if (isnan(e->first) || ev->t < e->tfirst) {
			e->first = x;
			e->tfirst = ev->t;
		}
		if (isnan(e->last) || ev->t >= e->tlast) {
			e->last = x;
			e->tlast = ev->t;
		}
	}
	for (i = 0; i < w->c.ncond; i++)
		if (ev->cond & (1u << i))
			cw_cond(w, c)[i]++;
	for (i = 0; i < w->c.ndist; i++) {
		uint64_t h = ev->dh[i];
		uint64_t *dc = &cw_dist(w, c)[i];
		struct dtab *t = cw_dtab(w, s, i);

		if (h == 0)
			continue;
		if (*dc >= w->c.distinct_cap && !dtab_has(t, 0, h)) {
			w->st.capped++;
			continue;
		}
		if (dtab_inc(t, 0, h))
			(*dc)++;
	}
}

/* Merge session slot b into a (a keeps its identity). */
static void
cw_merge(struct rt_win *w, uint32_t sa, uint32_t sb)
{
	struct cwin *a = cw_at(w, sa), *b = cw_at(w, sb);
	int i;

	a->cnt += b->cnt;
	if (b->start < a->start)
		a->start = b->start;
	if (b->last > a->last)
		a->last = b->last;
	if (b->end > a->end)
		a->end = b->end;
	for (i = 0; i < w->c.nnum; i++) {
		struct wnum *x = &cw_num(a)[i], *y = &cw_num(b)[i];
		struct cext *ex = &cw_ext(w, a)[i], *ey = &cw_ext(w, b)[i];

		part_merge(&x->s, &y->s);
		part_merge(&x->b, &y->b);
		if (!isnan(ey->min) && (isnan(ex->min) || ey->min < ex->min))
			ex->min = ey->min;
		if (!isnan(ey->max) && (isnan(ex->max) || ey->max > ex->max))
			ex->max = ey->max;
		if (!isnan(ey->first) && (isnan(ex->first) ||
		    ey->tfirst < ex->tfirst)) {
			ex->first = ey->first;
			ex->tfirst = ey->tfirst;
		}
		if (!isnan(ey->last) && (isnan(ex->last) ||
		    ey->tlast >= ex->tlast)) {
			ex->last = ey->last;
			ex->tlast = ey->tlast;
		}
	}
	for (i = 0; i < w->c.ncond; i++)
		cw_cond(w, a)[i] += cw_cond(w, b)[i];
}

static void
res_from_cw(struct rt_win *w, uint32_t s)
{
	struct cwin *c = cw_at(w, s);
	int i;

	w->rcnt = c->cnt;
	for (i = 0; i < w->c.nnum; i++) {
		struct wnum *n = &cw_num(c)[i];
		struct cext *e = &cw_ext(w, c)[i];

		w->rn[i] = wnum_n(n);
		w->rsum[i] = wnum_sum(n);
		w->ravg[i] = w->rn[i] ? wnum_avg(n) : NAN;
		w->rsd[i] = wnum_sd(n);
		w->rmin[i] = e->min;
		w->rmax[i] = e->max;
		w->rfirst[i] = e->first;
		w->rlast[i] = e->last;
	}
	memcpy(w->rcond, cw_cond(w, c), sizeof *w->rcond * (size_t)w->c.ncond);
	memcpy(w->rdist, cw_dist(w, c), sizeof *w->rdist * (size_t)w->c.ndist);
}

/* A window bound as a JSON string.  Every key's window of a period has
 * the same bounds: the last two texts are kept. */
static void
put_time(struct rt_win *w, struct rt_buf *b, int64_t us)
{
	struct tmemo *m = &w->tmemo[0];

	if (m->us != us || !m->n) {
		m = &w->tmemo[1];
		if (m->us != us || !m->n) {
			w->tmemo[1] = w->tmemo[0];
			m = &w->tmemo[0];
			m->us = us;
			/* Milliseconds, or microseconds when they matter. */
			m->n = rt_time_fmt(us, us % 1000 ? 6 : 3, m->t);
		}
	}
	rt_buf_addc(b, '"');
	rt_buf_add(b, m->t, m->n);
	rt_buf_addc(b, '"');
}

/* Emit and free slot s. */
static void
cw_close(struct rt_win *w, uint32_t s)
{
	struct cwin *c = cw_at(w, s);
	struct wkey *k = wk(w, c->kid);
	struct rt_buf *b = &w->out;
	const char *key;
	size_t klen, off = 0, n;
	int j;

	res_from_cw(w, s);
	b->len = 0;
	rt_buf_addc(b, '{');
	key = rt_map_key(&w->keys, c->kid, &klen);
	for (j = 0; j < w->c.nkeys; j++) {
		n = strnlen(key + off, klen - off);

		rt_buf_add(b, w->jkeys[j].p, w->jkeys[j].len);
		rt_buf_add(b, key + off, n);
		rt_buf_addc(b, ',');
		off += n + 1;
	}
	rt_buf_adds(b, "\"window_start\":");
	put_time(w, b, c->start);
	rt_buf_adds(b, ",\"window_end\":");
	put_time(w, b, w->c.close == RT_WC_SESSION ? c->last + w->c.gap :
	    c->end);
	rt_buf_adds(b, ",\"count\":");
	rt_buf_addi(b, c->cnt);
	for (j = 0; j < w->c.nagg; j++) {
		const struct rt_wagg *a = &w->c.aggs[j];

		if (a->kind == RT_WA_COUNT && a->name == NULL)
			continue;	/* "count" is always there */
		rt_buf_addc(b, ',');
		n = (size_t)(w->c.nwin + 1) * (size_t)w->c.nagg + (size_t)j;
		rt_buf_add(b, w->jnames[n].p, w->jnames[n].len);
		put_agg(w, a, b);
	}
	rt_buf_addc(b, '}');
	w->emit(w->arg, b->p, b->len);
	w->st.windows++;
	for (j = 0; j < w->c.ndist; j++)
		dtab_clear(cw_dtab(w, s, j));
	open_del(w, k, s);
	c->live = 0;
	w->freeslot[w->nfree++] = s;
}

/* The tumbling or hopping window of key kid starting at start (a key
 * has a few open at most: a linear search). */
static uint32_t
cw_find(struct rt_win *w, uint32_t kid, int64_t start, int64_t end)
{
	struct wkey *k = wk(w, kid);

	const uint32_t *ss = ksess(k);

	for (uint32_t x = 0; x < k->nsess; x++)
		if (cw_at(w, ss[x])->start == start)
			return ss[x];
	return cw_new(w, kid, start, end);
}

/* Add ev to its closing windows; returns the tumbling window's slot (for
 * --emit both), else UINT32_MAX. */
static uint32_t
close_add(struct rt_win *w, uint32_t kid, const struct rt_wev *ev)
{
	struct wkey *k = wk(w, kid);
	int64_t t = ev->t;

	if (w->c.close == RT_WC_TUMBLE || w->c.close == RT_WC_HOP) {
		int64_t hop = w->c.close == RT_WC_HOP ? w->c.hop : w->c.size;
		int64_t last = rt_floor_div(t - w->c.offset, hop) * hop +
		    w->c.offset;
		int64_t first = last;
		uint32_t s = UINT32_MAX;

		while (first - hop > t - w->c.size)
			first -= hop;
		for (int64_t st = first; st <= last; st += hop) {
			s = cw_find(w, kid, st, st + w->c.size);
			cw_add(w, s, ev);
		}
		return s;
	}
	/* Session: join the sessions whose span [first - gap, last + gap)
	 * holds t, merging them. */
	{
		uint32_t into = UINT32_MAX, x = 0;
		int64_t oend = 0;

		while (x < k->nsess) {
			uint32_t s = ksess(k)[x];
			struct cwin *c = cw_at(w, s);

			if (t > c->start - w->c.gap && t < c->last + w->c.gap) {
				if (into == UINT32_MAX) {
					into = s;
					oend = c->end;
				} else {
					cw_merge(w, into, s);
					open_del(w, k, s);
					c->live = 0;
					w->freeslot[w->nfree++] = s;
					continue;
				}
			}
			x++;
		}
		if (into == UINT32_MAX) {
			into = cw_new(w, kid, t, t + w->c.gap);
			oend = t + w->c.gap;
		}
		cw_add(w, into, ev);
		{
			struct cwin *c = cw_at(w, into);

			if (t < c->start)
				c->start = t;
			c->end = c->last + w->c.gap;
			/* A new end: a new entry (the old one goes stale). */
			if (c->end != oend)
				wq_push(w, into);
		}
		return UINT32_MAX;
	}
}

/* ---- the engine ------------------------------------------------------- */

static void
key_forget(struct rt_win *w, uint32_t id)
{
	struct wkey *k = wk(w, id);
	int wi;

	/* Its open windows close now, in their order: nothing is lost. */
	while (k->nsess) {
		const uint32_t *ss = ksess(k);
		uint32_t x, best = ss[0];

		for (x = 1; x < k->nsess; x++) {
			const struct cwin *a = cw_at(w, ss[x]);
			const struct cwin *b = cw_at(w, best);

			if (a->end < b->end || (a->end == b->end &&
			    a->seq < b->seq))
				best = ss[x];
		}
		cw_close(w, best);
	}
	for (wi = 0; wi < w->c.nwin; wi++)
		run_reset(w, id, wi);
	k->n = 0;
	k->head = 0;
	k->base = 0;
	k->hasprev = 0;
	k->nsess = 0;
	lru_unlink(w, id);
	rt_map_del(&w->keys, id);
}

struct rt_win *
rt_win_new(const struct rt_wconf *c, rt_wemit_fn *emit, void *arg)
{
	struct rt_win *w = rt_xcalloc(1, sizeof *w);
	size_t nn = (size_t)c->nnum + 1, nd = (size_t)c->ndist + 1;
	int i;

	w->c = *c;
	w->emit = emit;
	w->arg = arg;
	w->lru_head = w->lru_tail = RT_MAP_NONE;
	w->es = 8 + 8 * (size_t)(c->nnum + c->ndist) + 8;
	w->ws = sizeof(struct wrun) + sizeof(struct wnum) * (size_t)c->nnum +
	    8 * (size_t)c->ncond + 8 * (size_t)c->ndist;
	w->cs = sizeof(struct cwin) + (sizeof(struct wnum) +
	    sizeof(struct cext)) * (size_t)c->nnum + 8 * (size_t)c->ncond +
	    8 * (size_t)c->ndist;
	w->run_off = (sizeof(struct wkey) + 7) & ~(size_t)7;
	w->dq_off = w->run_off + w->ws * (size_t)c->nwin;
	w->dqmap = rt_xcalloc((size_t)c->nnum * 2 + 1, sizeof *w->dqmap);
	for (i = 0; i < c->nnum * 2; i++)
		w->dqmap[i] = (i % 2 ? c->need_max : c->need_min)[i / 2] ?
		    w->ndqw++ : -1;
	w->ndq = (size_t)w->ndqw * (size_t)c->nwin;
	w->ring_off = w->dq_off + sizeof(struct dq) * w->ndq;
	rt_map_init_data(&w->keys, w->ring_off + (c->nwin ? RING_IN * w->es :
	    0));
	w->maxt = INT64_MIN;
	for (i = 0; i < c->nwin; i++) {
		int64_t s = c->win[i].kind == RT_WK_SLIDING ?
		    c->win[i].size + c->win[i].lag : 0;

		if (s > w->span)
			w->span = s;
		if (c->win[i].kind == RT_WK_ROWS && c->win[i].rows > w->maxrows)
			w->maxrows = c->win[i].rows;
	}
	w->rsum = rt_xcalloc(nn, sizeof *w->rsum);
	w->ravg = rt_xcalloc(nn, sizeof *w->ravg);
	w->rmin = rt_xcalloc(nn, sizeof *w->rmin);
	w->rmax = rt_xcalloc(nn, sizeof *w->rmax);
	w->rfirst = rt_xcalloc(nn, sizeof *w->rfirst);
	w->rlast = rt_xcalloc(nn, sizeof *w->rlast);
	w->rsd = rt_xcalloc(nn, sizeof *w->rsd);
	w->rn = rt_xcalloc(nn, sizeof *w->rn);
	w->rcond = rt_xcalloc((size_t)c->ncond + 1, sizeof *w->rcond);
	w->rdist = rt_xcalloc(nd, sizeof *w->rdist);
	names_new(w);
	return w;
}

void
rt_win_free(struct rt_win *w)
{
	uint32_t i;

	if (w == NULL)
		return;
	for (i = 0; i < rt_map_idcap(&w->keys); i++) {
		struct wkey *k = wk(w, i);

		free(k->ev);
		for (size_t j = 0; j < w->ndq; j++)
			free(dqj(w, k, j)->p);
		for (int j = 0; k->prev && j < w->c.nprev; j++)
			rt_buf_release(&k->prev[j]);
		free(k->prev);
		free(k->sess);
	}
	for (size_t j = 0; j < ((size_t)w->c.nwin + 2) * (size_t)w->c.nagg; j++) {
		rt_buf_release(&w->names[j]);
		rt_buf_release(&w->jnames[j]);
	}
	for (int j = 0; j < w->c.nkeys; j++)
		rt_buf_release(&w->jkeys[j]);
	free(w->names);
	free(w->jnames);
	free(w->jkeys);
	rt_map_release(&w->keys);
	free(w->slot);
	free(w->heap);
	free(w->qrun);
	free(w->due);
	free(w->dqmap);
	free(w->freeslot);
	free(w->dist.e);
	free(w->tmp.e);
	for (size_t j = 0; w->cwd && j < (size_t)w->nslot *
	    ((size_t)w->c.ndist + 1); j++)
		free(w->cwd[j].e);
	free(w->cwd);
	rt_buf_release(&w->out);
	free(w->rsum);
	free(w->ravg);
	free(w->rmin);
	free(w->rmax);
	free(w->rfirst);
	free(w->rlast);
	free(w->rsd);
	free(w->rn);
	free(w->rcond);
	free(w->rdist);
	free(w);
}

static int64_t
watermark(const struct rt_win *w)
{
	if (w->maxt == INT64_MIN)
		return INT64_MIN;
	return w->maxt - w->c.max_delay;
}

int
rt_win_is_late(const struct rt_win *w, int64_t t)
{
	int64_t wm = watermark(w);

	return wm != INT64_MIN && t < wm - w->c.lateness;
}

int64_t
rt_win_maxt(const struct rt_win *w)
{
	return w->maxt;
}

int
rt_win_open(const struct rt_win *w)
{
	return w->nopen > 0;
}

/* Drop events no future record can see. */
static void
evict_events(struct rt_win *w, struct wkey *k)
{
	int64_t wm = watermark(w);
	int64_t horizon;

	if (wm == INT64_MIN || w->c.nwin == 0)
		return;
	/* A record to come is at wm - lateness or later: its look-back
	 * windows reach back to horizon (to it, inclusive, with --closed
	 * both), and its rows windows take the maxrows - 1 events before it,
	 * all of those at or before wm - lateness coming before it. */
	horizon = wm - w->c.lateness - w->span - (w->c.closed_both ? 1 : 0);
	while (k->n > w->maxrows && ev_t(ev_at(w, k, k->base)) <= horizon &&
	    ev_t(ev_at(w, k, k->base)) < k->maxt && (w->maxrows == 0 ||
	    ev_t(ev_at(w, k, k->base + w->maxrows - 1)) <= wm - w->c.lateness)) {
		int wi, ok = 1;

		for (wi = 0; wi < w->c.nwin; wi++)
			if (run_of(w, k, wi)->lo <= k->base &&
			    run_of(w, k, wi)->hi > k->base)
				ok = 0;
		if (!ok)
			break;
		k->head = (k->head + 1) & (k->cap - 1);
		k->n--;
		k->base++;
	}
}

/*
 * Close the windows that end at or before limit, in their order.  They
 * come off the queue first, then close with their windows and keys
 * loaded a few ahead: at a window boundary every key's window closes at
 * once, and each would otherwise be two cache misses.  Nothing in
 * closing a window touches the queue or reuses a slot.
 */
static void
close_due(struct rt_win *w, int64_t limit)
{
	const struct wq *q;
	uint32_t n = 0, j;

	while ((q = wq_top(w)) != NULL && q->end <= limit) {
		if (n == w->capdue) {
			w->capdue = w->capdue ? w->capdue * 2 : 64;
			w->due = rt_xreallocarray(w->due, w->capdue,
			    sizeof *w->due);
		}
		w->due[n++] = *q;
		wq_pop(w);
	}
	for (j = 0; j < n; j++) {
#ifdef __GNUC__
		if (j + 8 < n) {
			const char *c = (const char *)cw_at(w,
			    w->due[j + 8].slot);
			const char *k = (const char *)rt_map_ent_(&w->keys,
			    w->due[j + 8].kid);

			for (size_t o = 0; o < w->cs; o += 64)
				__builtin_prefetch(c + o);
			/* The key's text and its open windows. */
			for (size_t o = 0; o < w->run_off + 32; o += 64)
				__builtin_prefetch(k + o);
		}
#endif
		if (wq_valid(w, &w->due[j]))
			cw_close(w, w->due[j].slot);
	}
}

void
rt_win_advance(struct rt_win *w, int64_t t)
{
	int64_t wm;

	if (w->maxt != INT64_MIN && t <= w->maxt)
		return;
	w->maxt = t;
	wm = watermark(w);
	close_due(w, wm - w->c.lateness);
	if (w->c.ttl) {
		while (w->lru_head != RT_MAP_NONE) {
			struct wkey *k = wk(w, w->lru_head);

			if (k->maxt == INT64_MIN || k->maxt >= wm - w->c.ttl)
				break;
			key_forget(w, w->lru_head);
			w->st.expired++;
		}
	}
}

void
rt_win_add(struct rt_win *w, const struct rt_wev *ev, struct rt_jedit *e)
{
	uint32_t kid = key_get(w, ev->key, ev->klen, ev->hash);
	struct wkey *k = wk(w, kid);
	int wi, i;

	if (w->c.nwin) {
		int inorder = k->n == 0 || ev->t >= k->maxt;
		uint64_t pos;

		/* A record older than the key's newest: its windows are
		 * computed by a scan, and the running state is rebuilt from
		 * the ring at the next record in order. */
		if (!inorder)
			for (wi = 0; wi < w->c.nwin; wi++)
				run_reset(w, kid, wi);
		pos = ring_insert(w, k, ev);

		if (ev->t > k->maxt)
			k->maxt = ev->t;
		for (wi = 0; wi < w->c.nwin; wi++) {
			const struct rt_wdef *d = &w->c.win[wi];

			if (inorder) {
				run_advance(w, kid, wi, ev->t);
				res_from_run(w, kid, wi);
			} else {
				uint64_t lo, hi;

				if (d->kind == RT_WK_ROWS) {
					hi = pos + 1;
					lo = hi - k->base > d->rows ?
					    hi - d->rows : k->base;
				} else {
					hi = d->lag ? ring_search(w, k, k->base,
					    pos, ev->t - d->lag, 0) : pos + 1;
					lo = ring_search(w, k, k->base, hi,
					    ev->t - d->lag - d->size,
					    w->c.closed_both);
				}
				res_scan(w, kid, lo, hi);
			}
			if (e)
				enrich(w, e, wi);
		}
		if (e) {
			for (i = 0; i < w->c.nagg; i++) {
				const struct rt_wagg *a = &w->c.aggs[i];
				struct rt_buf *v;

				if (a->kind != RT_WA_PREV &&
				    a->kind != RT_WA_SINCE_PREV)
					continue;
				v = name_key(w, e, w->c.nwin + 1, i);
				if (k->hasprev && a->kind == RT_WA_SINCE_PREV)
					put_num(v, (double)(ev->t - k->lastt) / 1e6);
				else if (k->hasprev && a->kind != RT_WA_SINCE_PREV &&
				    k->prev[a->slot].len)
					rt_buf_add(v, k->prev[a->slot].p,
					    k->prev[a->slot].len);
				else
					rt_buf_adds(v, "null");
			}
		}
		for (i = 0; i < w->c.nprev; i++) {
			k->prev[i].len = 0;
			if (ev->prev[i])
				rt_buf_add(&k->prev[i], ev->prev[i],
				    ev->prevlen[i]);
		}
		k->lastt = ev->t;
		k->hasprev = 1;
		evict_events(w, k);
	} else if (ev->t > k->maxt) {
		k->maxt = ev->t;
	}
	if (w->c.close != RT_WC_NONE) {
		uint32_t s = close_add(w, kid, ev);

		if (e && w->c.enrich_close && s != UINT32_MAX) {
			res_from_cw(w, s);
			enrich(w, e, w->c.nwin);
		}
	}
}

void
rt_win_prefetch(const struct rt_win *w, uint64_t h, int stage)
{
	if (stage == 0) {
		rt_map_prefetch(&w->keys, h);
	} else if (stage == 1) {
		rt_map_prefetch_ent(&w->keys, h, w->keys.stride);
	} else {
#ifdef __GNUC__
		uint32_t id = rt_map_guess(&w->keys, h);
		struct wkey *k;

		if (id == RT_MAP_NONE)
			return;
		k = wk(w, id);
		if (k->ev && k->n) {
			__builtin_prefetch(ev_at(w, k, k->base + k->n - 1));
			__builtin_prefetch(ev_at(w, k, k->base));
		}
#endif
	}
}

void
rt_win_close_all(struct rt_win *w)
{
	const struct wq *q;

	while ((q = wq_top(w)) != NULL) {
		uint32_t s = q->slot;
		int ok = wq_valid(w, q);

		wq_pop(w);
		if (ok)
			cw_close(w, s);
	}
}

void
rt_win_stats(const struct rt_win *w, struct rt_wstats *st)
{
	uint32_t i;

	*st = w->st;
	st->keys = w->keys.count;
	st->events = 0;
	for (i = 0; i < rt_map_idcap(&w->keys); i++)
		if (rt_map_live(&w->keys, i))
			st->events += wk(w, i)->n;
}

/* ---- state ------------------------------------------------------------ */

/*
 * The state is the engine's own structures, field by field.  Loading
 * reads them back and then checks them against each other (rtpipe(7),
 * STATE FILES): times within the range a state may hold, events in
 * order, every running count equal to what the events in its range give,
 * min and max deques exactly the events' running extremes, distinct
 * counts equal to their tables, the recency list a list of the live keys,
 * closing windows on their grid and each queued once.  A file that
 * passes is one this engine could have written, so no value in it can
 * send the engine out of its bounds.
 */

static void
put(struct rt_buf *b, const void *p, size_t n)
{
	rt_buf_add(b, p, n);
}

static void
put64(struct rt_buf *b, uint64_t v)
{
	put(b, &v, 8);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
wq_cmp(const void *a, const void *b)
{
	return wq_less(a, b) ? -1 : wq_less(b, a);
}

static int
dent_cmp(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	return x->h < y->h ? -1 : x->h > y->h;
}

/* An event, its 4 bytes of padding zeroed (same input, same file). */
static void
put_ev(const struct rt_win *w, struct rt_buf *b, const char *e)
{
	size_t off = b->len;

	put(b, e, w->es);
	memset(b->p + off + w->es - 4, 0, 4);
}

static void
save_key(const struct rt_win *w, struct rt_buf *b, uint32_t i)
{
	size_t ndq = (size_t)w->c.nwin * (size_t)w->c.nnum * 2;
	struct wkey *k = wk(w, i);
	const char *key;
	size_t klen;

	key = rt_map_key(&w->keys, i, &klen);
	put64(b, klen);
	put(b, key, klen);
	put64(b, k->n);
	put64(b, k->base);
	for (uint32_t j = 0; j < k->n; j++)
		put_ev(w, b, ev_at(w, k, k->base + j));
	put64(b, (uint64_t)k->maxt);
	put64(b, (uint64_t)k->lastt);
	put64(b, (uint64_t)k->hasprev);
	put64(b, k->lprev);
	put64(b, k->lnext);
	put64(b, k->nopen);
	if (w->c.nwin)
		put(b, run_of(w, k, 0), w->ws * (size_t)w->c.nwin);
	for (size_t j = 0; j < ndq; j++) {
		const struct dq *q = dq_full(w, k, j);

		put64(b, q ? q->n : 0);
		for (uint32_t x = 0; q && x < q->n; x++)
			put64(b, dq_at(q, x));
	}
	for (int j = 0; j < w->c.nprev; j++) {
		put64(b, k->prev[j].len);
		put(b, k->prev[j].p, k->prev[j].len);
	}
	put64(b, k->nsess);
	if (w->c.close == RT_WC_SESSION || k->nsess < 2) {
		put(b, ksess(k), sizeof *k->sess * k->nsess);
	} else {
		/* Rebuilt from the slots on load: written in slot order, so
		 * that the state does not depend on the runs behind it. */
		uint32_t *v = (uint32_t *)(void *)rt_xmemdup(ksess(k),
		    sizeof *v * k->nsess);

		qsort(v, k->nsess, sizeof *v, u32_cmp);
		put(b, v, sizeof *v * k->nsess);
		free(v);
	}
}

/* The open windows' slots in closing order (a heap again on load; a
 * sorted array is one), whatever the heap's layout. */
static void
save_queue(const struct rt_win *w, struct rt_buf *b)
{
	struct wq *v = rt_xcalloc((size_t)w->nheap + w->qn + 1, sizeof *v);
	uint64_t nv = 0;

	for (uint32_t j = 0; j < w->nheap; j++)
		if (wq_valid(w, &w->heap[j]))
			v[nv++] = w->heap[j];
	for (uint32_t j = 0; j < w->qn; j++)
		if (wq_valid(w, run_at(w, j)))
			v[nv++] = *run_at(w, j);
	qsort(v, nv, sizeof *v, wq_cmp);
	put64(b, nv);
	for (uint64_t j = 0; j < nv; j++)
		put(b, &v[j].slot, 4);
	free(v);
}

/* A distinct table's entries, in a fixed order (its layout depends on
 * the order of insertions). */
static void
save_dtab(struct rt_buf *b, const struct dent *e, size_t mask, size_t n)
{
	struct dent *v = rt_xcalloc(n + 1, sizeof *v);
	size_t k = 0;

	for (size_t j = 0; e && j <= mask; j++)
		if (e[j].cnt && k < n)
			v[k++] = e[j];
	qsort(v, k, sizeof *v, dent_cmp);
	put(b, v, sizeof *v * k);
	free(v);
}

/* Closing windows: slots, free list, the open windows' slots in closing
 * order, and distinct entries. */
static void
save_slots(const struct rt_win *w, struct rt_buf *b)
{
	put64(b, w->nslot);
	put(b, w->slot, w->cs * w->nslot);
	put64(b, w->nfree);
	put(b, w->freeslot, sizeof *w->freeslot * w->nfree);
	save_queue(w, b);
	put64(b, w->dist.n);
	save_dtab(b, w->dist.e, w->dist.mask, w->dist.n);
	for (uint32_t i = 0; i < w->nslot; i++)
		for (int j = 0; j < w->c.ndist; j++) {
			const struct dtab *t = cw_dtab(w, i, j);

			put64(b, t->n);
			save_dtab(b, t->e, t->mask, t->n);
		}
}

void
rt_win_save(const struct rt_win *w, struct rt_buf *b)
{
	uint32_t i, nid = rt_map_idcap(&w->keys);

	put(b, "RTWIN2", 6);
	put64(b, (uint64_t)w->maxt);
	put64(b, w->seq);
	{
		/* Counts are per run, never loaded: zeros, so that a state
		 * is the same whatever runs led to it. */
		struct rt_wstats none;

		memset(&none, 0, sizeof none);
		put(b, &none, sizeof none);
	}
	put64(b, nid);
	put64(b, w->keys.nfree);
	put(b, w->keys.freeid, sizeof *w->keys.freeid * w->keys.nfree);
	put64(b, w->lru_head);
	put64(b, w->lru_tail);
	for (i = 0; i < nid; i++) {
		if (rt_map_live(&w->keys, i))
			save_key(w, b, i);
		else
			put64(b, UINT64_MAX);
	}
	save_slots(w, b);
}

/* ---- loading ---------------------------------------------------------- */

#define DAMAGED "damaged: truncated or inconsistent"
#define BIGCOUNT "damaged: a count out of range"
/* No count in a state reaches this (2^62 records, windows): sums of two
 * counts never overflow. */
#define CNT_MAX ((int64_t)1 << 62)

struct rd {
	const char *p, *end;
	int bad;
};

static void
get(struct rd *r, void *dst, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p, n);
	r->p += n;
}

static uint64_t
get64(struct rd *r)
{
	uint64_t v;

	get(r, &v, 8);
	return v;
}

/* Do n items of size bytes fit in what is left?  Marks r bad if not. */
static int
fits(struct rd *r, uint64_t n, size_t size)
{
	if (r->bad || n > (uint64_t)(r->end - r->p) / (size ? size : 1))
		r->bad = 1;
	return !r->bad;
}

/* A u64 that must be at most max, else r goes bad. */
static uint64_t
get_max(struct rd *r, uint64_t max)
{
	uint64_t v = get64(r);

	if (v > max)
		r->bad = 1;
	return r->bad ? 0 : v;
}

/* p[0, n) is parts JSON texts separated by NULs (a key: the JSON texts
 * of its fields; a previous value: one). */
static int
json_ok(const char *p, size_t n, int parts)
{
	struct rt_jdoc d;
	size_t at = 0;
	int ok = 1;

	rt_jdoc_init(&d, 0);
	for (int i = 0; ok && i < parts; i++) {
		const char *z = memchr(p + at, '\0', n - at);
		size_t e = z ? (size_t)(z - p) : n;

		ok = e > at && rt_jdoc_parse(&d, p + at, e - at) == 0 &&
		    (i == parts - 1) == (z == NULL);
		at = e + 1;
	}
	rt_jdoc_release(&d);
	return ok;
}

static void
load_ring(struct rt_win *w, struct rd *r, struct wkey *k)
{
	k->n = (uint32_t)get_max(r, w->c.nwin ? UINT32_MAX / 2 : 0);
	k->base = get_max(r, UINT64_MAX / 4);
	if (!fits(r, k->n, w->es))
		return;
	/* Rings are a power of two long: positions wrap with a mask. */
	for (k->cap = RING_IN; k->cap < k->n; k->cap *= 2)
		;
	k->head = 0;
	if (k->cap > RING_IN)
		k->ev = rt_xreallocarray(NULL, k->cap, w->es);
	get(r, ring_buf(w, k), w->es * k->n);
}

static void
load_dqs(struct rt_win *w, struct rd *r, struct wkey *k)
{
	size_t ndq = (size_t)w->c.nwin * (size_t)w->c.nnum * 2;

	for (size_t j = 0; j < ndq && !r->bad; j++) {
		uint64_t qn = get64(r);
		struct dq *q = dq_full(w, k, j);

		if (!fits(r, qn, 8) || qn > k->n || (qn && q == NULL)) {
			r->bad = 1;
			break;
		}
		for (uint64_t x = 0; x < qn; x++)
			dq_push(q, get64(r));
	}
}

static void
load_tail(struct rt_win *w, struct rd *r, struct wkey *k)
{
	if (w->c.nprev)
		k->prev = rt_xcalloc((size_t)w->c.nprev, sizeof *k->prev);
	for (int j = 0; j < w->c.nprev && !r->bad; j++) {
		uint64_t len = get64(r);

		if (!fits(r, len, 1))
			break;
		if (len && !json_ok(r->p, len, 1))
			r->bad = 1;
		rt_buf_add(&k->prev[j], r->p, len);
		r->p += len;
	}
	k->nsess = (uint32_t)get_max(r, UINT32_MAX / 2);
	if (!fits(r, k->nsess, 4))
		return;
	if (k->nsess > SESS_IN) {
		k->capsess = k->nsess;
		k->sess = rt_xcalloc(k->nsess, sizeof *k->sess);
	}
	get(r, ksess(k), sizeof *k->sess * k->nsess);
}

/* Key id i: its text, events, running state.  *isfree for a free id. */
static void
load_key(struct rt_win *w, struct rd *r, uint64_t i, unsigned char *isfree)
{
	uint64_t klen = get64(r);
	uint32_t id;
	int isnew;
	struct wkey *k;

	if (klen == UINT64_MAX) {
		/* A free id: hold its place, freed once all are read. */
		char ph[24];
		int m = snprintf(ph, sizeof ph, "\x01" "free%llu",
		    (unsigned long long)i);

		(void)rt_map_put(&w->keys, ph, (size_t)m, rt_hash(ph,
		    (size_t)m), &isnew);
		*isfree = 1;
		return;
	}
	if (klen > UINT32_MAX || !fits(r, klen, 1) || !(w->c.nkeys ?
	    json_ok(r->p, klen, w->c.nkeys) : klen == 0)) {
		r->bad = 1;
		return;
	}
	id = rt_map_put(&w->keys, r->p, klen, rt_hash(r->p, klen), &isnew);
	r->p += klen;
	if (id != i || !isnew) {
		r->bad = 1;
		return;
	}
	k = wk(w, id);
	load_ring(w, r, k);
	k->maxt = (int64_t)get64(r);
	k->lastt = (int64_t)get64(r);
	k->hasprev = (int)get_max(r, 1);
	k->lprev = (uint32_t)get_max(r, UINT32_MAX);
	k->lnext = (uint32_t)get_max(r, UINT32_MAX);
	k->nopen = (uint32_t)get_max(r, UINT32_MAX);
	if (w->c.nwin)
		get(r, run_of(w, k, 0), w->ws * (size_t)w->c.nwin);
	load_dqs(w, r, k);
	load_tail(w, r, k);
}

/* The keys, then the free ids freed in their saved order, so that new
 * keys get the ids they would have had. */
static const char *
load_keys(struct rt_win *w, struct rd *r)
{
	uint64_t nid = get64(r), nfree = get64(r), i, nph = 0;
	uint32_t *freeid;
	unsigned char *isfree;

	if (r->bad || nid > UINT32_MAX - 1 || nfree > nid ||
	    !fits(r, nid, 8) || !fits(r, nfree, 4))
		return DAMAGED;
	freeid = rt_xcalloc(nfree + 1, sizeof *freeid);
	isfree = rt_xcalloc(nid + 1, 1);
	get(r, freeid, sizeof *freeid * nfree);
	w->lru_head = (uint32_t)get_max(r, UINT32_MAX);
	w->lru_tail = (uint32_t)get_max(r, UINT32_MAX);
	for (i = 0; i < nid && !r->bad; i++) {
		load_key(w, r, i, &isfree[i]);
		nph += isfree[i];
	}
	if (nph != nfree)
		r->bad = 1;
	for (i = 0; i < nfree && !r->bad; i++) {
		if (freeid[i] >= nid || isfree[freeid[i]] != 1) {
			r->bad = 1;
			break;
		}
		isfree[freeid[i]] = 2;
		rt_map_del(&w->keys, freeid[i]);
	}
	free(freeid);
	free(isfree);
	return r->bad ? DAMAGED : NULL;
}

/* One distinct entry into table t (owner given, or the saved one when
 * own is UINT64_MAX); a duplicate or an empty entry is damage. */
static void
load_dent(struct rd *r, struct dtab *t, uint64_t own)
{
	struct dent e;

	get(r, &e, sizeof e);
	if (own != UINT64_MAX)
		e.owner = own;
	if (r->bad || e.cnt == 0 || e.h == 0 ||
	    (t->e && dtab_has(t, e.owner, e.h))) {
		r->bad = 1;
		return;
	}
	dtab_put(t, e.owner, e.h, e.cnt);
}

/* The closing windows' slots, free list, queue and distinct tables. */
static const char *
load_slots(struct rt_win *w, struct rd *r, uint32_t **hs, uint32_t *nh)
{
	uint64_t ns = get64(r), nf, nq, nd, i;

	if (r->bad || ns > UINT32_MAX / 2 || !fits(r, ns, w->cs))
		return DAMAGED;
	w->slot = rt_xreallocarray(NULL, ns + 1, w->cs);
	w->freeslot = rt_xreallocarray(NULL, ns + 1, sizeof *w->freeslot);
	w->capslot = (uint32_t)ns + 1;
	w->cwd = rt_xcalloc(((size_t)ns + 1) * ((size_t)w->c.ndist + 1),
	    sizeof *w->cwd);
	w->nslot = (uint32_t)ns;
	get(r, w->slot, w->cs * ns);
	nf = get_max(r, ns);
	w->nfree = (uint32_t)nf;
	get(r, w->freeslot, sizeof *w->freeslot * nf);
	nq = get_max(r, ns);
	*hs = rt_xcalloc(nq + 1, sizeof **hs);
	*nh = (uint32_t)nq;
	get(r, *hs, sizeof **hs * nq);
	nd = get64(r);
	if (!fits(r, nd, sizeof(struct dent)))
		return DAMAGED;
	for (i = 0; i < nd && !r->bad; i++)
		load_dent(r, &w->dist, UINT64_MAX);
	for (i = 0; i < ns && !r->bad; i++)
		for (int j = 0; j < w->c.ndist && !r->bad; j++) {
			uint64_t tn = get64(r);

			if (!fits(r, tn, sizeof(struct dent)))
				break;
			for (uint64_t x = 0; x < tn && !r->bad; x++)
				load_dent(r, cw_dtab(w, (uint32_t)i, j), 0);
		}
	return r->bad || r->p != r->end ? DAMAGED : NULL;
}

/* ---- checking what was loaded ----------------------------------------- */

static int
time_ok(int64_t t)
{
	/* The range of rtpipe(7), STATE FILES (state.h). */
	return t >= -62167219200000000LL && t <= 253402300799999999LL;
}

/* Times of key k: its events in order, none after its newest. */
static const char *
check_key_times(const struct rt_win *w, struct wkey *k)
{
	if (!time_ok(k->maxt) || (k->hasprev && !time_ok(k->lastt)) ||
	    (w->maxt != INT64_MIN && k->maxt > w->maxt))
		return "damaged: a time out of range";
	for (uint32_t j = 0; j < k->n; j++) {
		int64_t t = ev_t(ev_at(w, k, k->base + j));

		if (!time_ok(t) || t > k->maxt)
			return "damaged: a time out of range";
		if (j && t < ev_t(ev_at(w, k, k->base + j - 1)))
			return "damaged: events out of order";
		if (w->c.ncond < 32 &&
		    ev_cond(w, ev_at(w, k, k->base + j)) >> w->c.ncond)
			return DAMAGED;
	}
	return NULL;
}

/* Deque q (max when mx) of numeric slot i over [lo, hi) must hold
 * exactly the events no later one equals or passes. */
static int
check_dq(const struct rt_win *w, struct wkey *k, const struct dq *q, int i,
    int mx, uint64_t lo, uint64_t hi)
{
	uint32_t j = q->n;
	double best = NAN;

	for (uint64_t p = hi; p > lo; p--) {
		double x = ev_num(ev_at(w, k, p - 1), i);

		if (isnan(x) || (!isnan(best) && (mx ? x <= best : x >= best)))
			continue;
		best = x;
		if (j == 0 || dq_at(q, --j) != p - 1)
			return 0;
	}
	return j == 0;
}

/* Window wi of key k: its range within the ring, its counts those of the
 * events in the range. */
static const char *
check_run(const struct rt_win *w, struct wkey *k, int wi)
{
	struct wrun *r = run_of(w, k, wi);
	struct wnum *nm = run_num(w, r);
	uint64_t lo = r->lo, hi = r->hi, end = k->base + k->n;

	if (lo > hi || hi > end || (lo < hi && lo < k->base) ||
	    r->cnt != (int64_t)(hi - lo))
		return DAMAGED;
	for (int i = 0; i < w->c.nnum; i++) {
		int64_t n = 0, big = 0;

		/* Each part counts its own numbers (wnum_add): a huge number
		 * counted in the small part would take the big part's count
		 * below zero when it leaves. */
		for (uint64_t p = lo; p < hi; p++) {
			double x = ev_num(ev_at(w, k, p), i);

			n += !isnan(x);
			big += !isnan(x) && !(fabs(x) < WBIG);
		}
		if (wnum_n(&nm[i]) != n || nm[i].b.n != big)
			return "damaged: window counts do not match the events";
		for (int mx = 0; mx < 2; mx++) {
			struct dq *q = dq_of(w, k, wi, i, mx);

			if (q && !check_dq(w, k, q, i, mx, lo, hi))
				return "damaged: window extremes do not match "
				    "the events";
		}
	}
	for (int i = 0; i < w->c.ncond; i++) {
		int64_t n = 0;

		for (uint64_t p = lo; p < hi; p++)
			n += (ev_cond(w, ev_at(w, k, p)) >> i) & 1;
		if (run_cond(w, r)[i] != n)
			return "damaged: window counts do not match the events";
	}
	for (int i = 0; i < w->c.ndist; i++)
		if (run_dist(w, r)[i] > (uint64_t)r->cnt ||
		    run_dist(w, r)[i] > w->c.distinct_cap)
			return "damaged: distinct counts do not match";
	return NULL;
}

/* Every live key's times, windows and session list. */
static const char *
check_keys(const struct rt_win *w)
{
	const char *why;

	for (uint32_t i = 0; i < rt_map_idcap(&w->keys); i++) {
		struct wkey *k = wk(w, i);

		if (!rt_map_live(&w->keys, i))
			continue;
		if ((why = check_key_times(w, k)) != NULL)
			return why;
		for (int wi = 0; wi < w->c.nwin; wi++)
			if ((why = check_run(w, k, wi)) != NULL)
				return why;
		if (k->base + k->n < k->base)
			return DAMAGED;
	}
	return NULL;
}

/* The recency list: every live key once, linked both ways. */
static const char *
check_lru(const struct rt_win *w)
{
	uint32_t id = w->lru_head, prev = RT_MAP_NONE, n = 0;
	uint32_t live = w->keys.count;

	while (id != RT_MAP_NONE) {
		if (id >= rt_map_idcap(&w->keys) ||
		    !rt_map_live(&w->keys, id) || wk(w, id)->lprev != prev ||
		    ++n > live)
			return "damaged: bad key recency list";
		prev = id;
		id = wk(w, id)->lnext;
	}
	return n == live && w->lru_tail == prev ? NULL :
	    "damaged: bad key recency list";
}

/* A live closing window: its key, times on the grid, counts. */
static const char *
check_cwin(const struct rt_win *w, uint32_t s)
{
	struct cwin *c = cw_at(w, s);
	int64_t x;

	if (c->kid >= rt_map_idcap(&w->keys) ||
	    !rt_map_live(&w->keys, c->kid) || c->seq >= w->seq || c->cnt < 1)
		return "damaged: bad closing window";
	if (c->cnt > CNT_MAX)
		return BIGCOUNT;
	if (!time_ok(c->start) || !time_ok(c->end) || !time_ok(c->last))
		return "damaged: a time out of range";
	if (w->c.close == RT_WC_SESSION) {
		if (c->start > c->last || __builtin_add_overflow(c->last,
		    w->c.gap, &x) || c->end != x)
			return "damaged: bad closing window";
	} else if (__builtin_add_overflow(c->start, w->c.size, &x) ||
	    c->end != x || __builtin_sub_overflow(c->start, w->c.offset, &x) ||
	    x % (w->c.close == RT_WC_HOP ? w->c.hop : w->c.size) != 0) {
		return "damaged: bad closing window";
	}
	for (int i = 0; i < w->c.nnum; i++) {
		const struct cext *e = &cw_ext(w, c)[i];

		if (wnum_n(&cw_num(c)[i]) > c->cnt ||
		    (!isnan(e->first) && !time_ok(e->tfirst)) ||
		    (!isnan(e->last) && !time_ok(e->tlast)))
			return "damaged: bad closing window";
	}
	for (int i = 0; i < w->c.ncond; i++)
		if (cw_cond(w, c)[i] < 0 || cw_cond(w, c)[i] > c->cnt)
			return "damaged: bad closing window";
	for (int i = 0; i < w->c.ndist; i++) {
		const struct dtab *t = cw_dtab(w, s, i);
		uint64_t sum = 0;

		for (size_t j = 0; t->e && j <= t->mask; j++) {
			if (t->e[j].cnt > (uint64_t)c->cnt - sum)
				return "damaged: distinct counts do not match";
			sum += t->e[j].cnt;
		}
		if (cw_dist(w, c)[i] != t->n ||
		    cw_dist(w, c)[i] > w->c.distinct_cap)
			return "damaged: distinct counts do not match";
	}
	return NULL;
}

/* Slots: live ones valid, the free list exactly the others, the queue
 * every live one once.  mark: scratch of nslot bytes. */
static const char *
check_slots(const struct rt_win *w, const uint32_t *hs, uint32_t nh,
    unsigned char *mark)
{
	uint32_t live = 0;
	const char *why;

	for (uint32_t s = 0; s < w->nslot; s++) {
		mark[s] = 0;
		if (cw_at(w, s)->live > 1)
			return "damaged: bad closing window";
		if (cw_at(w, s)->live && (why = check_cwin(w, s)) != NULL)
			return why;
		live += cw_at(w, s)->live;
	}
	for (uint32_t j = 0; j < w->nfree; j++) {
		uint32_t s = w->freeslot[j];

		if (s >= w->nslot || cw_at(w, s)->live || mark[s]++)
			return "damaged: bad closing window";
	}
	for (uint32_t j = 0; j < nh; j++)
		if (hs[j] >= w->nslot || !cw_at(w, hs[j])->live ||
		    mark[hs[j]]++)
			return "damaged: bad closing window";
	return live + w->nfree == w->nslot && nh == live ? NULL :
	    "damaged: bad closing window";
}

/* Sessions keep their list as saved: the key's live slots, each once.
 * mark: scratch of nslot bytes, all 1 on entry (from check_slots). */
static const char *
check_sess(const struct rt_win *w)
{
	uint64_t n = 0, live = 0;

	if (w->c.close != RT_WC_SESSION)
		return NULL;
	for (uint32_t i = 0; i < rt_map_idcap(&w->keys); i++) {
		struct wkey *k = wk(w, i);

		if (!rt_map_live(&w->keys, i))
			continue;
		for (uint32_t x = 0; x < k->nsess; x++) {
			uint32_t s = ksess(k)[x];

			if (s >= w->nslot || !cw_at(w, s)->live ||
			    cw_at(w, s)->kid != i)
				return "damaged: bad closing window";
		}
		n += k->nsess;
	}
	for (uint32_t s = 0; s < w->nslot; s++)
		live += cw_at(w, s)->live;
	/* Each live slot names its key, which lists it: counts equal and
	 * every listed slot live and of its key means a permutation, but
	 * for a slot listed twice: */
	for (uint32_t i = 0; n == live && i < rt_map_idcap(&w->keys); i++) {
		struct wkey *k = wk(w, i);

		for (uint32_t x = 0; rt_map_live(&w->keys, i) && x < k->nsess;
		    x++)
			for (uint32_t y = 0; y < x; y++)
				if (ksess(k)[x] == ksess(k)[y])
					return "damaged: bad closing window";
	}
	return n == live ? NULL : "damaged: bad closing window";
}

/* The distinct entries of window wi of key kid, slot sl: every one's
 * value among the window's events, counted at most as often as it is
 * there (values past --distinct-cap are not counted), and as many as
 * the window's count says (n: the entries of that owner).  occ: scratch,
 * left empty. */
static int
dist_run_ok(const struct rt_win *w, uint32_t kid, int wi, int sl,
    uint64_t n, struct dtab *occ)
{
	struct wkey *k = wk(w, kid);
	struct wrun *r = run_of(w, k, wi);
	uint64_t own = downer(kid, wi, sl), found = 0;
	int ok = 1;

	for (uint64_t p = r->lo; p < r->hi; p++)
		if (ev_dh(w, ev_at(w, k, p), sl))
			dtab_inc(occ, 0, ev_dh(w, ev_at(w, k, p), sl));
	for (uint64_t p = r->lo; p < r->hi; p++) {
		uint64_t h = ev_dh(w, ev_at(w, k, p), sl), o;
		size_t e;

		if (h == 0 || !dtab_has(occ, 0, h))
			continue;
		o = occ->e[dtab_find(occ, 0, h)].cnt;
		e = w->dist.e ? dtab_find(&w->dist, own, h) : 0;
		if (w->dist.e && w->dist.e[e].cnt) {
			found++;
			ok = ok && w->dist.e[e].cnt <= o;
		}
		while (dtab_dec(occ, 0, h) == 0)
			;
	}
	return ok && found == n && n == run_dist(w, r)[sl];
}

/* Look-back distinct entries: each of a live key's window and slot,
 * checked by dist_run_ok. */
static const char *
check_dist(const struct rt_win *w)
{
	size_t per = (size_t)w->c.nwin * (size_t)w->c.ndist, nid;
	uint64_t *n;
	struct dtab occ;
	const char *why = NULL;

	if (per == 0)
		return w->dist.n ? "damaged: distinct counts do not match" :
		    NULL;
	nid = rt_map_idcap(&w->keys);
	n = rt_xcalloc(nid * per + 1, sizeof *n);
	for (size_t j = 0; w->dist.e && j <= w->dist.mask && !why; j++) {
		const struct dent *e = &w->dist.e[j];
		uint64_t kid = e->owner >> 16;
		unsigned wi = (unsigned)(e->owner >> 8) & 0xff;
		unsigned sl = e->owner & 0xff;

		if (e->cnt == 0)
			continue;
		if (kid >= nid || !rt_map_live(&w->keys, (uint32_t)kid) ||
		    wi >= (unsigned)w->c.nwin || sl >= (unsigned)w->c.ndist)
			why = "damaged: distinct counts do not match";
		else
			n[kid * per + wi * (size_t)w->c.ndist + sl]++;
	}
	memset(&occ, 0, sizeof occ);
	for (uint32_t i = 0; i < nid && !why; i++) {
		const uint64_t *ni = n + i * per;

		for (int wi = 0; rt_map_live(&w->keys, i) && wi < w->c.nwin &&
		    !why; wi++)
			for (int sl = 0; sl < w->c.ndist && !why; sl++)
				if (!dist_run_ok(w, i, wi, sl, ni[(size_t)wi *
				    (size_t)w->c.ndist + (size_t)sl], &occ))
					why = "damaged: distinct counts do not "
					    "match";
	}
	free(occ.e);
	free(n);
	return why;
}

/* Everything loaded, checked against everything else. */
static const char *
check_all(const struct rt_win *w, const uint32_t *hs, uint32_t nh)
{
	unsigned char *mark;
	const char *why;

	if (w->maxt != INT64_MIN && !time_ok(w->maxt))
		return "damaged: a time out of range";
	if ((why = check_keys(w)) != NULL || (why = check_lru(w)) != NULL)
		return why;
	mark = rt_xcalloc((size_t)w->nslot + 1, 1);
	why = check_slots(w, hs, nh, mark);
	free(mark);
	if (why == NULL)
		why = check_sess(w);
	if (why == NULL)
		why = check_dist(w);
	if (why == NULL && w->keys.count && w->maxt == INT64_MIN)
		why = "damaged: a time out of range";
	return why;
}

/* After loading the slots: the open windows' queue from the saved slot
 * list, the counts of open windows, and each key's list of its open
 * tumbling or hopping windows (sessions keep their saved order). */
static void
queue_load(struct rt_win *w, const uint32_t *hs, uint32_t nh)
{
	uint32_t i;

	w->nopen = 0;
	for (i = 0; i < rt_map_idcap(&w->keys); i++) {
		wk(w, i)->nopen = 0;
		if (w->c.close != RT_WC_SESSION)
			wk(w, i)->nsess = 0;
	}
	for (i = 0; i < w->nslot; i++) {
		const struct cwin *c = cw_at(w, i);

		if (!c->live)
			continue;
		if (w->c.close != RT_WC_SESSION) {
			open_add(w, wk(w, c->kid), i);
		} else {
			wk(w, c->kid)->nopen++;
			w->nopen++;
		}
	}
	for (i = 0; i < nh; i++)
		wq_push(w, hs[i]);
}

const char *
rt_win_load(struct rt_win *w, const char *p, size_t n)
{
	struct rd r = { p, p + n, 0 };
	char magic[6];
	uint32_t *hs = NULL, nh = 0;
	const char *why;

	get(&r, magic, 6);
	if (r.bad || memcmp(magic, "RTWIN2", 6) != 0)
		return "not an rt-window state";
	w->maxt = (int64_t)get64(&r);
	w->seq = get64(&r);
	{
		struct rt_wstats old;	/* counts are per run */

		get(&r, &old, sizeof old);
	}
	if (w->seq > (uint64_t)CNT_MAX)
		return r.bad ? DAMAGED : BIGCOUNT;
	if ((why = load_keys(w, &r)) == NULL &&
	    (why = load_slots(w, &r, &hs, &nh)) == NULL &&
	    (why = check_all(w, hs, nh)) == NULL)
		queue_load(w, hs, nh);
	free(hs);
	return why;
}
