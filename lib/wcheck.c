/*
 * wcheck.c - a loaded window state checked against itself (see the
 * comment at the top of wstate.c): a state that passes is one the engine
 * could have written.  rtpipe(7), "STATE FILES".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "window_int.h"

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
	    (rt_clock_started(&w->clk) && k->maxt > rt_clock_newest(&w->clk)))
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
		uint64_t n = 0, big = 0;

		/* Each part of the sums counts its own numbers (wacc.h): a
		 * number leaves the part it entered. */
		for (uint64_t p = lo; p < hi; p++) {
			double x = ev_num(ev_at(w, k, p), i);

			n += !isnan(x);
			big += !isnan(x) && !(fabs(x) < WBIG);
		}
		if (nm[i].s.n != n - big || nm[i].b.n != big)
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

struct kstart {
	uint32_t kid;
	int64_t start;
};

static int
kstart_cmp(const void *a, const void *b)
{
	const struct kstart *x = a, *y = b;

	if (x->kid != y->kid)
		return x->kid < y->kid ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

/* Tumbling and hopping windows: a key has at most one open window of a
 * start (cw_find finds the first; a second would close twice). */
static const char *
check_grid_once(const struct rt_win *w)
{
	struct kstart *v;
	uint32_t n = 0;
	const char *why = NULL;

	if (w->c.close == RT_WC_SESSION || w->nslot == 0)
		return NULL;
	v = rt_xcalloc(w->nslot, sizeof *v);
	for (uint32_t s = 0; s < w->nslot; s++)
		if (cw_at(w, s)->live) {
			v[n].kid = cw_at(w, s)->kid;
			v[n++].start = cw_at(w, s)->start;
		}
	qsort(v, n, sizeof *v, kstart_cmp);
	for (uint32_t i = 1; i < n && why == NULL; i++)
		if (v[i].kid == v[i - 1].kid && v[i].start == v[i - 1].start)
			why = "damaged: bad closing window";
	free(v);
	return why;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Live closing windows have distinct creation numbers: they order the
 * windows of one end, in the queue and in the state saved. */
static const char *
check_seq_once(const struct rt_win *w)
{
	uint64_t *v;
	uint32_t n = 0;
	const char *why = NULL;

	if (w->nslot == 0)
		return NULL;
	v = rt_xcalloc(w->nslot, sizeof *v);
	for (uint32_t s = 0; s < w->nslot; s++)
		if (cw_at(w, s)->live)
			v[n++] = cw_at(w, s)->seq;
	qsort(v, n, sizeof *v, u64_cmp);
	for (uint32_t i = 1; i < n && why == NULL; i++)
		if (v[i] == v[i - 1])
			why = "damaged: bad closing window";
	free(v);
	return why;
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
const char *
rt_win_check_all(const struct rt_win *w, const uint32_t *hs, uint32_t nh)
{
	unsigned char *mark;
	const char *why;

	if (!rt_clock_valid(&w->clk))
		return "damaged: a time out of range";
	if ((why = check_keys(w)) != NULL || (why = check_lru(w)) != NULL)
		return why;
	mark = rt_xcalloc((size_t)w->nslot + 1, 1);
	why = check_slots(w, hs, nh, mark);
	free(mark);
	if (why == NULL)
		why = check_grid_once(w);
	if (why == NULL)
		why = check_seq_once(w);
	if (why == NULL)
		why = check_sess(w);
	if (why == NULL)
		why = check_dist(w);
	if (why == NULL && w->keys.count && !rt_clock_started(&w->clk))
		why = "damaged: a time out of range";
	return why;
}
