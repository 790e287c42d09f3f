/*
 * wlook.c - the look-back windows (--sliding, --rows, with --lag): each
 * key's ring of events, and per window the range of it in the window with
 * running aggregates, brought forward record by record; a record out of
 * order is computed by a scan.  See window_int.h; rt-window(1).
 */
#include <math.h>
#include <string.h>

#include "mem.h"
#include "window_int.h"

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
	assert(k->n < k->cap);
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

	assert(pos >= k->base && pos < k->base + k->n);
	assert(sign == 1 || (sign == -1 && r->cnt > 0));
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
void
rt_win_run_reset(struct rt_win *w, uint32_t kid, int wi)
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

		if (w->c.need_sd[i] && !rt_wnum_sd_ok(&nm[i]))
			run_renum(w, k, r, i);
		w->rn[i] = wnum_n(&nm[i]);
		w->rsum[i] = wnum_sum(&nm[i]);
		w->ravg[i] = w->rn[i] ? wnum_avg(&nm[i]) : NAN;
		w->rsd[i] = w->c.need_sd[i] ? rt_wnum_sd(&nm[i]) : NAN;
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
		w->rsd[i] = rt_wnum_sd(&nm);
	}
	for (i = 0; i < w->c.ncond; i++) {
		w->rcond[i] = 0;
		for (uint64_t p = lo; p < hi; p++)
			if (ev_cond(w, ev_at(w, k, p)) & (1u << i))
				w->rcond[i]++;
	}
	for (i = 0; i < w->c.ndist; i++) {
		rt_dtab_clear(&w->tmp);
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

/* Drop events no future record can see. */
static void
evict_events(struct rt_win *w, struct wkey *k)
{
	int64_t limit = rt_clock_limit(&w->clk);
	int64_t horizon;

	if (!rt_clock_started(&w->clk) || w->c.nwin == 0)
		return;
	/* A record to come is at the limit or later: its look-back windows
	 * reach back to horizon (to it, inclusive, with --closed both), and
	 * its rows windows take the maxrows - 1 events before it, all of
	 * those at or before the limit coming before it. */
	horizon = limit - w->span - (w->c.closed_both ? 1 : 0);
	while (k->n > w->maxrows && ev_t(ev_at(w, k, k->base)) <= horizon &&
	    ev_t(ev_at(w, k, k->base)) < k->maxt && (w->maxrows == 0 ||
	    ev_t(ev_at(w, k, k->base + w->maxrows - 1)) <= limit)) {
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

/* The features of window wi for ev (at position pos), into the result
 * scratch: from the running state when ev is the key's newest (inorder),
 * else by a scan of the ring. */
static void
look_window(struct rt_win *w, uint32_t kid, int wi, const struct rt_wev *ev,
    uint64_t pos, int inorder)
{
	struct wkey *k = wk(w, kid);
	const struct rt_wdef *d = &w->c.win[wi];
	uint64_t lo, hi;

	if (inorder) {
		run_advance(w, kid, wi, ev->t);
		res_from_run(w, kid, wi);
		return;
	}
	if (d->kind == RT_WK_ROWS) {
		hi = pos + 1;
		lo = hi - k->base > d->rows ? hi - d->rows : k->base;
	} else {
		hi = d->lag ? ring_search(w, k, k->base, pos, ev->t - d->lag, 0) :
		    pos + 1;
		lo = ring_search(w, k, k->base, hi, ev->t - d->lag - d->size,
		    w->c.closed_both);
	}
	res_scan(w, kid, lo, hi);
}

/* prev and since_prev: set on e (when not NULL) from the key's previous
 * record, then the key remembers ev as its previous. */
static void
look_prev(struct rt_win *w, struct wkey *k, const struct rt_wev *ev,
    struct rt_jedit *e)
{
	int i;

	for (i = 0; e && i < w->c.nagg; i++) {
		const struct rt_wagg *a = &w->c.aggs[i];
		struct rt_buf *v;

		if (a->kind != RT_WA_PREV && a->kind != RT_WA_SINCE_PREV)
			continue;
		v = rt_win_name_key(w, e, w->c.nwin + 1, i);
		if (k->hasprev && a->kind == RT_WA_SINCE_PREV)
			rt_win_put_num(v, (double)(ev->t - k->lastt) / 1e6);
		else if (k->hasprev && a->kind != RT_WA_SINCE_PREV &&
		    k->prev[a->slot].len)
			rt_buf_add(v, k->prev[a->slot].p, k->prev[a->slot].len);
		else
			rt_buf_adds(v, "null");
	}
	for (i = 0; i < w->c.nprev; i++) {
		k->prev[i].len = 0;
		if (ev->prev[i])
			rt_buf_add(&k->prev[i], ev->prev[i], ev->prevlen[i]);
	}
	k->lastt = ev->t;
	k->hasprev = 1;
}

void
rt_win_look_add(struct rt_win *w, uint32_t kid, const struct rt_wev *ev,
    struct rt_jedit *e)
{
	struct wkey *k = wk(w, kid);
	int inorder = k->n == 0 || ev->t >= k->maxt;
	uint64_t pos;
	int wi;

	/* A record older than the key's newest: its windows are computed by
	 * a scan, and the running state is rebuilt from the ring at the
	 * next record in order. */
	if (!inorder)
		for (wi = 0; wi < w->c.nwin; wi++)
			rt_win_run_reset(w, kid, wi);
	pos = ring_insert(w, k, ev);
	if (ev->t > k->maxt)
		k->maxt = ev->t;
	for (wi = 0; wi < w->c.nwin; wi++) {
		look_window(w, kid, wi, ev, pos, inorder);
		if (e)
			rt_win_enrich(w, e, wi);
	}
	look_prev(w, k, ev, e);
	evict_events(w, k);
}
