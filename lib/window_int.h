/*
 * window_int.h - the window engine's insides, shared by its files (see
 * window.h): window.c the engine, its configuration and its output;
 * wlook.c the look-back windows; wclose.c the closing windows; wstate.c
 * saving and loading the state; wcheck.c checking a loaded state; wacc.h
 * the accumulators.  Not for use outside lib/w*.c.
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
 * in the key's list of open windows, and kept in a heap by (end,
 * creation) so that they close in a deterministic order when the
 * watermark passes their end plus the allowed lateness.
 */
#ifndef RT_WINDOW_INT_H
#define RT_WINDOW_INT_H

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "evclock.h"
#include "hash.h"
#include "wacc.h"
#include "window.h"

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
	struct rt_clock clk;	/* newest event time, watermark, lateness */
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
	struct wq *due;		/* windows closing now (rt_win_close_due) */
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

/* A key's ring: in its map data while it holds at most RING_IN events
 * (ev NULL, cap RING_IN), else in ev. */
#define RING_IN 4

static inline char *
ring_buf(const struct rt_win *w, struct wkey *k)
{
	return k->ev ? k->ev : (char *)k + w->ring_off;
}

static inline char *
ev_at(const struct rt_win *w, struct wkey *k, uint64_t pos)
{
	/* In the ring, or the place after its last event. */
	assert(pos >= k->base && pos - k->base <= k->n && pos - k->base <
	    k->cap);
	return ring_buf(w, k) + ((k->head + (pos - k->base)) & (k->cap - 1)) *
	    w->es;
}

static inline int64_t
ev_t(const char *e)
{
	int64_t t;

	memcpy(&t, e, sizeof t);
	return t;
}

static inline double
ev_num(const char *e, int i)
{
	double x;

	memcpy(&x, e + 8 + 8 * (size_t)i, sizeof x);
	return x;
}

static inline uint64_t
ev_dh(const struct rt_win *w, const char *e, int i)
{
	uint64_t h;

	memcpy(&h, e + 8 + 8 * (size_t)w->c.nnum + 8 * (size_t)i, sizeof h);
	return h;
}

static inline uint32_t
ev_cond(const struct rt_win *w, const char *e)
{
	uint32_t c;

	memcpy(&c, e + 8 + 8 * (size_t)(w->c.nnum + w->c.ndist), sizeof c);
	return c;
}

static inline struct wkey *
wk(const struct rt_win *w, uint32_t id)
{
	return rt_map_data(&w->keys, id);
}

static inline struct wrun *
run_of(const struct rt_win *w, struct wkey *k, int wi)
{
	return (struct wrun *)(void *)((unsigned char *)k +
	    w->run_off + (size_t)wi * w->ws);
}

/* Deque j of key k (j = (window * nnum + slot) * 2 + max). */
static inline struct dq *
dqj(const struct rt_win *w, struct wkey *k, size_t j)
{
	return (struct dq *)(void *)((unsigned char *)k +
	    w->dq_off) + j;
}

static inline struct wnum *
run_num(const struct rt_win *w, struct wrun *r)
{
	(void)w;
	return (struct wnum *)(r + 1);
}

static inline int64_t *
run_cond(const struct rt_win *w, struct wrun *r)
{
	return (int64_t *)(run_num(w, r) + w->c.nnum);
}

static inline uint64_t *
run_dist(const struct rt_win *w, struct wrun *r)
{
	return (uint64_t *)(run_cond(w, r) + w->c.ncond);
}

/* The min (mx 0) or max deque of a numeric slot in window wi, or NULL
 * when no aggregate needs it (a key holds only the deques asked for). */
static inline struct dq *
dq_of(const struct rt_win *w, struct wkey *k, int wi, int slot, int mx)
{
	int m = w->dqmap[slot * 2 + mx];

	return m < 0 ? NULL : dqj(w, k, (size_t)wi * (size_t)w->ndqw +
	    (size_t)m);
}

/* The same by the index the state file counts in, (wi * nnum + slot) * 2
 * + mx (it holds an empty deque for each one not kept). */
static inline struct dq *
dq_full(const struct rt_win *w, struct wkey *k, size_t j)
{
	size_t per = (size_t)w->c.nnum * 2;

	return dq_of(w, k, (int)(j / per), (int)(j % per / 2), (int)(j % 2));
}

static inline uint64_t
downer(uint32_t kid, int wi, int slot)
{
	return (uint64_t)kid << 16 | (uint64_t)wi << 8 | (uint64_t)slot;
}

static inline struct cwin *
cw_at(const struct rt_win *w, uint32_t s)
{
	assert(s < w->nslot);
	return (struct cwin *)(w->slot + (size_t)s * w->cs);
}

static inline struct wnum *
cw_num(struct cwin *c)
{
	return (struct wnum *)(c + 1);
}

static inline struct cext *
cw_ext(const struct rt_win *w, struct cwin *c)
{
	return (struct cext *)(cw_num(c) + w->c.nnum);
}

static inline int64_t *
cw_cond(const struct rt_win *w, struct cwin *c)
{
	return (int64_t *)(cw_ext(w, c) + w->c.nnum);
}

static inline uint64_t *
cw_dist(const struct rt_win *w, struct cwin *c)
{
	return (uint64_t *)(cw_cond(w, c) + w->c.ncond);
}

static inline struct dtab *
cw_dtab(const struct rt_win *w, uint32_t s, int i)
{
	return &w->cwd[(size_t)s * ((size_t)w->c.ndist + 1) + (size_t)i];
}

static inline int
wq_less(const struct wq *x, const struct wq *y)
{
	if (x->end != y->end)
		return x->end < y->end;
	return x->seq < y->seq;
}

/* Does entry q still stand for its window? */
static inline int
wq_valid(const struct rt_win *w, const struct wq *q)
{
	const struct cwin *c = cw_at(w, q->slot);

	return c->live && c->seq == q->seq && c->end == q->end;
}

/*
 * Windows mostly come in the order they close (a tumbling window opens
 * after every window of the period before): entries that sort after the
 * last one queued go to a run, a plain FIFO, and only the others to the
 * heap.  The next to close is the smaller of the two fronts.
 */
static inline struct wq *
run_at(const struct rt_win *w, uint32_t i)
{
	return &w->qrun[(w->qhead + i) & (w->qcap - 1)];
}

/* The key's open windows (tumbling, hopping, sessions): k->sess. */
/* The open windows of key k (a handful: in place; more: allocated). */
static inline uint32_t *
ksess(struct wkey *k)
{
	return k->capsess ? k->sess : k->sin;
}

/* Reasons a state is refused (wstate.c, wcheck.c). */
#define DAMAGED "damaged: truncated or inconsistent"
#define BIGCOUNT "damaged: a count out of range"
/* No count in a state reaches this (2^62 records, windows): sums of two
 * counts never overflow. */
#define CNT_MAX ((int64_t)1 << 62)

/* ---- across the files ------------------------------------------------- */

/* window.c: writing the result scratch (w->r*, filled by res_from_run,
 * res_scan or rt_win_res_from_cw) as JSON values.  put_num writes null
 * for a NaN or an infinity.  name_key starts setting aggregate i of
 * window wi (w->c.nwin: the closing window, w->c.nwin + 1: none) on e
 * and returns the buffer its value goes in; enrich sets every aggregate
 * of window wi but prev and since_prev. */
void rt_win_put_num(struct rt_buf *b, double x);
void rt_win_put_agg(const struct rt_win *w, const struct rt_wagg *a,
    struct rt_buf *b);
struct rt_buf *rt_win_name_key(const struct rt_win *w, struct rt_jedit *e,
    int wi, int i);
void rt_win_enrich(struct rt_win *w, struct rt_jedit *e, int wi);

/* wlook.c: the look-back windows.  look_add inserts ev (not late) into
 * key kid's ring, brings every look-back window to it, sets their
 * features (and prev, since_prev) on e when not NULL, and evicts the
 * events no record to come can see.  run_reset empties window wi of key
 * kid. */
void rt_win_look_add(struct rt_win *w, uint32_t kid, const struct rt_wev *ev,
    struct rt_jedit *e);
void rt_win_run_reset(struct rt_win *w, uint32_t kid, int wi);

/* wclose.c: the closing windows.  close_add adds ev to key kid's windows
 * and returns the tumbling window's slot (for --emit both), else
 * UINT32_MAX; res_from_cw fills the result scratch from slot s;
 * cw_close emits slot s and frees it; close_due closes, in their order,
 * the windows ending at or before limit; wq_push queues slot s at its
 * end; open_add lists slot s among key k's open windows. */
uint32_t rt_win_close_add(struct rt_win *w, uint32_t kid,
    const struct rt_wev *ev);
void rt_win_res_from_cw(struct rt_win *w, uint32_t s);
void rt_win_cw_close(struct rt_win *w, uint32_t s);
void rt_win_close_due(struct rt_win *w, int64_t limit);
void rt_win_wq_push(struct rt_win *w, uint32_t s);
void rt_win_open_add(struct rt_win *w, struct wkey *k, uint32_t s);

/* wcheck.c: everything loaded (hs[0, nh): the queued slots), checked
 * against everything else: NULL, or the reason the state is refused. */
const char *rt_win_check_all(const struct rt_win *w, const uint32_t *hs,
    uint32_t nh);

#endif
