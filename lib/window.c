/*
 * window.c - see window.h.  The engine: its configuration and the names
 * of what it writes, the writing of values, the keys (their map, recency,
 * eviction), and the calls of window.h that go to the look-back windows
 * (wlook.c), the closing windows (wclose.c) and the state (wstate.c).
 * How it is laid out: window_int.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "json.h"
#include "mem.h"
#include "number.h"
#include "window_int.h"

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

/* ---- writing values ------------------------------------------------- */

void
rt_win_put_num(struct rt_buf *b, double x)
{
	if (isnan(x) || isinf(x))
		rt_buf_adds(b, "null");
	else
		rt_num_fmt(b, x == 0 ? 0 : x);
}

/* The value of aggregate a from the result scratch. */
void
rt_win_put_agg(const struct rt_win *w, const struct rt_wagg *a, struct rt_buf *b)
{
	int s = a->slot;

	switch (a->kind) {
	case RT_WA_COUNT:
		rt_buf_addi(b, w->rcnt);
		break;
	case RT_WA_SUM:
		if (w->rn[s])
			rt_win_put_num(b, w->rsum[s]);
		else
			rt_buf_adds(b, "null");
		break;
	case RT_WA_AVG:
		rt_win_put_num(b, w->rn[s] ? w->ravg[s] : NAN);
		break;
	case RT_WA_MIN:
		rt_win_put_num(b, w->rmin[s]);
		break;
	case RT_WA_MAX:
		rt_win_put_num(b, w->rmax[s]);
		break;
	case RT_WA_STDDEV:
		rt_win_put_num(b, w->rsd[s]);
		break;
	case RT_WA_FIRST:
		rt_win_put_num(b, w->rfirst[s]);
		break;
	case RT_WA_LAST:
		rt_win_put_num(b, w->rlast[s]);
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
struct rt_buf *
rt_win_name_key(const struct rt_win *w, struct rt_jedit *e, int wi, int i)
{
	size_t j = (size_t)wi * (size_t)w->c.nagg + (size_t)i;

	return (w->jnames[j].len == w->names[j].len + 3 ? rt_jedit_key_plain :
	    rt_jedit_key)(e, w->names[j].p, w->names[j].len);
}

/* Set the aggregates of window wi on the edited record. */
void
rt_win_enrich(struct rt_win *w, struct rt_jedit *e, int wi)
{
	int i;

	for (i = 0; i < w->c.nagg; i++) {
		const struct rt_wagg *a = &w->c.aggs[i];

		if (a->kind == RT_WA_PREV || a->kind == RT_WA_SINCE_PREV)
			continue;
		rt_win_put_agg(w, a, rt_win_name_key(w, e, wi, i));
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

/* ---- the engine ------------------------------------------------------- */

static void
key_forget(struct rt_win *w, uint32_t id)
{
	struct wkey *k = wk(w, id);
	int wi;

	assert(rt_map_live(&w->keys, id));
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
		rt_win_cw_close(w, best);
	}
	for (wi = 0; wi < w->c.nwin; wi++)
		rt_win_run_reset(w, id, wi);
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
	rt_clock_init(&w->clk, c->max_delay, c->lateness, 0);
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

struct rt_clock *
rt_win_clock(struct rt_win *w)
{
	return &w->clk;
}

int
rt_win_open(const struct rt_win *w)
{
	return w->nopen > 0;
}

void
rt_win_advance(struct rt_win *w, int64_t t)
{
	int64_t wm;

	if (!rt_clock_advance(&w->clk, t))
		return;
	wm = rt_clock_watermark(&w->clk);
	rt_win_close_due(w, rt_clock_limit(&w->clk));
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
	uint32_t kid;
	struct wkey *k;

	/* The caller asked the clock first (window.h). */
	assert(!rt_clock_is_late(&w->clk, ev->t));
	kid = key_get(w, ev->key, ev->klen, ev->hash);
	k = wk(w, kid);

	if (w->c.nwin)
		rt_win_look_add(w, kid, ev, e);
	else if (ev->t > k->maxt)
		k->maxt = ev->t;
	if (w->c.close != RT_WC_NONE) {
		uint32_t s = rt_win_close_add(w, kid, ev);

		if (e && w->c.enrich_close && s != UINT32_MAX) {
			rt_win_res_from_cw(w, s);
			rt_win_enrich(w, e, w->c.nwin);
		}
	}
}

void
rt_win_prefetch(void *arg, uint64_t h, int stage)
{
	const struct rt_win *w = arg;

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
