/*
 * wstate.c - the window engine's state (--state FILE): saved field by
 * field, loaded back, then checked (wcheck.c).  See window_int.h;
 * rtpipe(7), "STATE FILES".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"
#include "window_int.h"

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
	rt_clock_save(&w->clk, b);
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
	rt_dtab_put(t, e.owner, e.h, e.cnt);
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
			rt_win_open_add(w, wk(w, c->kid), i);
		} else {
			wk(w, c->kid)->nopen++;
			w->nopen++;
		}
	}
	for (i = 0; i < nh; i++)
		rt_win_wq_push(w, hs[i]);
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
	if (!r.bad && rt_clock_load(&w->clk, &r.p, r.end) == -1)
		r.bad = 1;
	w->seq = get64(&r);
	{
		struct rt_wstats old;	/* counts are per run */

		get(&r, &old, sizeof old);
	}
	if (w->seq > (uint64_t)CNT_MAX)
		return r.bad ? DAMAGED : BIGCOUNT;
	if ((why = load_keys(w, &r)) == NULL &&
	    (why = load_slots(w, &r, &hs, &nh)) == NULL &&
	    (why = rt_win_check_all(w, hs, nh)) == NULL)
		queue_load(w, hs, nh);
	free(hs);
	return why;
}
