/*
 * wclose.c - the closing windows (--tumble, --hop, --session): per key
 * its open windows' slots, their aggregates, and the queue that closes
 * them in order when the watermark passes their end plus the allowed
 * lateness.  See window_int.h; rt-window(1), "Closing windows".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "number.h"
#include "rtime.h"
#include "window_int.h"

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
	assert(w->qn || w->nheap);
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
void
rt_win_wq_push(struct rt_win *w, uint32_t s)
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

void
rt_win_open_add(struct rt_win *w, struct wkey *k, uint32_t s)
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
	uint32_t *ss = ksess(k), x;

	for (x = 0; x < k->nsess && ss[x] != s; x++)
		;
	assert(x < k->nsess);	/* s is one of the key's open windows */
	if (x < k->nsess)
		ss[x] = ss[--k->nsess];
	assert(k->nopen > 0 && w->nopen > 0);
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
	rt_win_open_add(w, wk(w, kid), s);
	rt_win_wq_push(w, s);
	return s;
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

		rt_wpart_merge(&x->s, &y->s);
		rt_wpart_merge(&x->b, &y->b);
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

void
rt_win_res_from_cw(struct rt_win *w, uint32_t s)
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
		w->rsd[i] = rt_wnum_sd(n);
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
void
rt_win_cw_close(struct rt_win *w, uint32_t s)
{
	struct cwin *c = cw_at(w, s);
	struct wkey *k = wk(w, c->kid);
	struct rt_buf *b = &w->out;
	const char *key;
	size_t klen, off = 0, n;
	int j;

	assert(c->live);
	rt_win_res_from_cw(w, s);
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
		rt_win_put_agg(w, a, b);
	}
	rt_buf_addc(b, '}');
	w->emit(w->arg, b->p, b->len);
	w->st.windows++;
	for (j = 0; j < w->c.ndist; j++)
		rt_dtab_clear(cw_dtab(w, s, j));
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
uint32_t
rt_win_close_add(struct rt_win *w, uint32_t kid, const struct rt_wev *ev)
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
				rt_win_wq_push(w, into);
		}
		return UINT32_MAX;
	}
}

/*
 * Close the windows that end at or before limit, in their order.  They
 * come off the queue first, then close with their windows and keys
 * loaded a few ahead: at a window boundary every key's window closes at
 * once, and each would otherwise be two cache misses.  Nothing in
 * closing a window touches the queue or reuses a slot.
 */
void
rt_win_close_due(struct rt_win *w, int64_t limit)
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
			rt_win_cw_close(w, w->due[j].slot);
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
			rt_win_cw_close(w, s);
	}
}
