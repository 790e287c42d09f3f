/*
 * merge.c - the k-way event-time merge with per-input watermarks (see
 * merge.h and rt-merge(1)).
 */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "evclock.h"
#include "mem.h"

#define CHUNK (64 * 1024)	/* arena chunk; larger records get their own */
#define SPARE_MAX 16		/* empty chunks kept for reuse */
#define NOSLOT UINT32_MAX

/* Arena storage: records copied out of a reader, one chunk after another;
 * a chunk is reused once the last record in it has gone. */
struct chunk {
	char *p;
	size_t cap, used;
	uint32_t live;		/* records in it still held */
	int owner;		/* the input whose current chunk it may be;
				 * -1: a chunk of one large record */
	struct chunk *next;	/* on the spare list */
};

/* A held record: slots keep their place while the heap moves entries. */
struct slot {
	struct rt_mrec r;
	struct chunk *c;	/* its copy, or NULL: a view into the reader */
	uint64_t seq;
	uint32_t nextfree;
	int used;
};

/* A heap entry, ordered by (t, order): order is the input in the top
 * 16 bits and the arrival below, so that ties go by input, then by
 * arrival. */
struct hent {
	int64_t t;
	uint64_t order;
	uint32_t slot;
};

#define ORDER(input, seq) ((uint64_t)(input) << 48 | (seq))
#define ORDER_INPUT(o) ((uint32_t)((o) >> 48))

struct minput {
	int64_t wm;		/* watermark; INT64_MIN: none yet */
	int64_t newest;
	int have;		/* newest is set */
	int64_t last;		/* wall time of its last record (or start) */
	int quiet, ended;
	int blocked;		/* behind a barrier (rt_merge_block) */
	struct chunk *cur;	/* arena chunk being filled */
	uint32_t view;		/* slot of its record held as a view, or NOSLOT */
	uint64_t viewseq;
};

struct rt_merge {
	int n;
	struct minput *in;
	int64_t max_delay, idle;
	struct hent *h;		/* a binary min-heap of held records */
	size_t nh, caph;
	struct slot *slot;
	uint32_t nslot, free;
	struct chunk *spare;
	int nspare;
	uint64_t seq;
	uint32_t popped;	/* slot handed out by the last pop, or NOSLOT */
	/* The frontier, kept while no watermark it depends on moves (and
	 * worked out each time when inputs may turn idle). */
	int fvalid, fin;
	int64_t fwm;
	/* The last record written: an idle input's watermark never stays
	 * behind it. */
	int any_out;
	int64_t out_t;
	uint32_t out_in;
	size_t held, held_max;
	/* The barrier being aligned (its text; empty when none), and the id
	 * of the last one passed on. */
	struct rt_buf bar;
	uint64_t bar_id, bar_last;
};

static inline int
hent_less(const struct hent *a, const struct hent *b)
{
	return a->t < b->t || (a->t == b->t && a->order < b->order);
}

/* The heap is written out here rather than taken from heap.h: with a
 * comparison the compiler sees, a push and a pop cost a few compares
 * for the handful of records a merge of sorted inputs holds. */
static void
heap_push(struct rt_merge *m, const struct hent *e)
{
	size_t i = m->nh++, up;

	if (m->nh > m->caph) {
		m->caph = m->caph ? 2 * m->caph : 64;
		m->h = rt_xreallocarray(m->h, m->caph, sizeof *m->h);
	}
	for (; i > 0 && hent_less(e, &m->h[up = (i - 1) / 2]); i = up)
		m->h[i] = m->h[up];
	m->h[i] = *e;
}

static void
heap_pop(struct rt_merge *m)
{
	struct hent last = m->h[--m->nh];
	size_t i = 0, c, n = m->nh;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && hent_less(&m->h[c + 1], &m->h[c]))
			c++;
		if (!hent_less(&m->h[c], &last))
			break;
		m->h[i] = m->h[c];
		i = c;
	}
	if (n > 0)
		m->h[i] = last;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

struct rt_merge *
rt_merge_new(int n, int64_t max_delay, int64_t idle, int64_t now)
{
	struct rt_merge *m = rt_xcalloc(1, sizeof *m);
	int i;

	m->n = n;
	m->in = rt_xcalloc((size_t)n, sizeof *m->in);
	for (i = 0; i < n; i++) {
		m->in[i].wm = INT64_MIN;
		m->in[i].last = now;
		m->in[i].view = NOSLOT;
	}
	m->max_delay = max_delay;
	m->idle = idle;
	m->free = NOSLOT;
	m->popped = NOSLOT;
	return m;
}

static void
chunk_free(struct chunk *c)
{
	free(c->p);
	free(c);
}

/* A chunk of the standard size, from the spares if any. */
static struct chunk *
chunk_get(struct rt_merge *m, int owner)
{
	struct chunk *c = m->spare;

	if (c != NULL) {
		m->spare = c->next;
		m->nspare--;
	} else {
		c = rt_xmalloc(sizeof *c);
		c->p = rt_xmalloc(CHUNK);
		c->cap = CHUNK;
	}
	c->used = 0;
	c->live = 0;
	c->owner = owner;
	c->next = NULL;
	return c;
}

/* A record in chunk c has gone. */
static void
chunk_drop(struct rt_merge *m, struct chunk *c)
{
	if (--c->live > 0)
		return;
	if (c->owner >= 0 && m->in[c->owner].cur == c) {
		c->used = 0;	/* the input's own: filled again from the start */
	} else if (c->owner >= 0 && m->nspare < SPARE_MAX) {
		c->next = m->spare;
		m->spare = c;
		m->nspare++;
	} else {
		chunk_free(c);
	}
}

/* Copy slot s's text into its input's arena. */
static void
slot_copy(struct rt_merge *m, struct slot *s)
{
	struct minput *in = &m->in[s->r.input];
	size_t len = s->r.len;
	struct chunk *c = in->cur;

	if (len > CHUNK / 4) {
		c = rt_xmalloc(sizeof *c);
		c->p = rt_xmalloc(len ? len : 1);
		c->cap = len;
		c->used = 0;
		c->live = 0;
		c->owner = -1;
	} else if (c == NULL || c->cap - c->used < len) {
		if (c != NULL && c->live == 0) {
			c->used = 0;
		} else {
			in->cur = c = chunk_get(m, (int)s->r.input);
		}
	}
	memcpy(c->p + c->used, s->r.p, len);
	s->r.p = c->p + c->used;
	c->used += len;
	c->live++;
	s->c = c;
}

static uint32_t
slot_get(struct rt_merge *m)
{
	uint32_t s = m->free;

	if (s != NOSLOT) {
		m->free = m->slot[s].nextfree;
		return s;
	}
	if ((m->nslot & (m->nslot - 1)) == 0)
		m->slot = rt_xreallocarray(m->slot, m->nslot ? 2 * m->nslot : 16,
		    sizeof *m->slot);
	return m->nslot++;
}

/* Let go of the record the last pop handed out. */
static void
settle(struct rt_merge *m)
{
	struct slot *s;

	if (m->popped == NOSLOT)
		return;
	s = &m->slot[m->popped];
	if (s->c != NULL)
		chunk_drop(m, s->c);
	s->c = NULL;
	s->used = 0;
	s->nextfree = m->free;
	m->free = m->popped;
	m->popped = NOSLOT;
	m->held--;
}

static int
is_idle(const struct rt_merge *m, const struct minput *in, int64_t now)
{
	return m->idle > 0 && in->quiet && !in->ended &&
	    now - in->last >= m->idle;
}

/* The input at the frontier, its watermark in *wm; -1 when none holds
 * the merge back. */
static int
frontier(struct rt_merge *m, int64_t now, int64_t *wm)
{
	int i, best = -1;
	int64_t w = 0;

	if (m->fvalid && m->idle == 0) {
		*wm = m->fwm;
		return m->fin;
	}
	for (i = 0; i < m->n; i++) {
		const struct minput *in = &m->in[i];

		if (in->ended || is_idle(m, in, now))
			continue;
		if (best < 0 || in->wm < w) {
			best = i;
			w = in->wm;
		}
	}
	m->fvalid = 1;
	m->fin = best;
	m->fwm = w;
	*wm = w;
	return best;
}

/* Input i's watermark moved, or it ended: the frontier moves when it was
 * there (a watermark only rises, so elsewhere it stays the least). */
static void
moved(struct rt_merge *m, int i)
{
	if (m->fin == i)
		m->fvalid = 0;
}

int
rt_merge_next(struct rt_merge *m, int64_t now)
{
	int64_t w;
	int i = frontier(m, now, &w), best = -1;

	if (i < 0 || !m->in[i].blocked)
		return i;
	/* Blocked at the frontier: it still holds the merge back, but the
	 * input to read is the least of the others. */
	for (i = 0; i < m->n; i++) {
		const struct minput *in = &m->in[i];

		if (in->ended || in->blocked || is_idle(m, in, now))
			continue;
		if (best < 0 || in->wm < m->in[best].wm)
			best = i;
	}
	return best;
}

void
rt_merge_block(struct rt_merge *m, int i, int on)
{
	m->in[i].blocked = on;
}

int
rt_merge_barrier(struct rt_merge *m, int i, const char *p, size_t n,
    uint64_t id)
{
	if (id <= m->bar_last && m->bar_last != 0)
		return 0;
	rt_merge_block(m, i, 1);
	if (m->bar.len == 0) {
		rt_buf_add(&m->bar, p, n);
		m->bar_id = id;
	}
	return 1;
}

const char *
rt_merge_barrier_due(const struct rt_merge *m, int64_t now, int end,
    size_t *n)
{
	if (m->bar.len == 0 || (!end && !rt_merge_aligned(m, now)))
		return NULL;
	*n = m->bar.len;
	return m->bar.p;
}

void
rt_merge_barrier_passed(struct rt_merge *m)
{
	int i;

	m->bar_last = m->bar_id;
	m->bar.len = 0;
	for (i = 0; i < m->n; i++)
		rt_merge_block(m, i, 0);
}

int
rt_merge_aligned(const struct rt_merge *m, int64_t now)
{
	int i, any = 0;

	for (i = 0; i < m->n; i++) {
		const struct minput *in = &m->in[i];

		any |= in->blocked;
		if (!in->ended && !in->blocked && !is_idle(m, in, now))
			return 0;
	}
	return any;
}

void
rt_merge_pin(struct rt_merge *m, int i)
{
	struct minput *in = &m->in[i];
	struct slot *s;

	settle(m);
	if (in->view == NOSLOT)
		return;
	s = &m->slot[in->view];
	if (s->used && s->c == NULL && s->seq == in->viewseq)
		slot_copy(m, s);
	in->view = NOSLOT;
}

/* The watermark input i has at now: while it is idle it moves on with the
 * wall clock, and is never behind the last record written. */
static int64_t
eff_wm(const struct rt_merge *m, int i, int64_t now)
{
	const struct minput *in = &m->in[i];
	int64_t w = in->wm, f;

	if (!is_idle(m, in, now))
		return w;
	if (in->have)
		w = sat_add(in->wm, now - in->last);
	if (m->any_out) {
		f = (uint32_t)i < m->out_in ? sat_add(m->out_t, 1) : m->out_t;
		if (f > w)
			w = f;
	}
	return w > in->wm ? w : in->wm;
}

int64_t
rt_merge_watermark(const struct rt_merge *m, int i, int64_t now)
{
	return eff_wm(m, i, now);
}

static void
hold(struct rt_merge *m, const struct rt_mrec *r, int copy)
{
	uint32_t k = slot_get(m);
	struct slot *s = &m->slot[k];
	struct minput *in = &m->in[r->input];
	struct hent e;

	s->r = *r;
	s->c = NULL;
	s->seq = ++m->seq;
	s->used = 1;
	if (copy) {
		slot_copy(m, s);
	} else {
		in->view = k;
		in->viewseq = s->seq;
	}
	e.t = r->t;
	e.order = ORDER(r->input, s->seq);
	e.slot = k;
	heap_push(m, &e);
	if (++m->held > m->held_max)
		m->held_max = m->held;
}

int
rt_merge_add(struct rt_merge *m, const struct rt_mrec *r, int copy,
    int64_t now, int64_t *behind)
{
	struct minput *in = &m->in[r->input];
	int64_t w;

	settle(m);
	in->wm = eff_wm(m, (int)r->input, now);	/* back from idle */
	in->quiet = 0;
	in->last = now;
	if (r->t < in->wm) {
		if (behind)
			*behind = in->wm - r->t;
		return RT_MERGE_LATE;
	}
	if (!in->have || r->t > in->newest) {
		in->newest = r->t;
		in->have = 1;
		w = rt_watermark_of(r->t, m->max_delay);
		if (w > in->wm) {
			in->wm = w;
			moved(m, (int)r->input);
		}
	}
	hold(m, r, copy);
	return RT_MERGE_HELD;
}

void
rt_merge_end(struct rt_merge *m, int i)
{
	settle(m);
	moved(m, i);
	m->in[i].ended = 1;
	m->in[i].quiet = 0;
}

void
rt_merge_quiet(struct rt_merge *m, int i)
{
	m->in[i].quiet = 1;	/* since its last record (in->last) */
}

int
rt_merge_is_quiet(const struct rt_merge *m, int i)
{
	return m->in[i].quiet && !m->in[i].ended && !m->in[i].blocked;
}

int
rt_merge_ended(const struct rt_merge *m, int i)
{
	return m->in[i].ended;
}

int
rt_merge_any_idle(const struct rt_merge *m, int64_t now)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (is_idle(m, &m->in[i], now))
			return 1;
	return 0;
}

int64_t
rt_merge_timeout(const struct rt_merge *m, int64_t now)
{
	int64_t best = -1, left;
	int i;

	if (m->idle <= 0)
		return -1;
	for (i = 0; i < m->n; i++) {
		const struct minput *in = &m->in[i];

		if (!in->quiet || in->ended || is_idle(m, in, now))
			continue;
		left = in->last + m->idle - now;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}

int
rt_merge_pop(struct rt_merge *m, int64_t now, int flush, struct rt_mrec *r)
{
	const struct hent *top;
	int64_t w;
	int f;

	settle(m);
	if (m->nh == 0)
		return 0;
	top = &m->h[0];
	if (!flush && (f = frontier(m, now, &w)) >= 0 && !(top->t < w ||
	    (top->t == w && ORDER_INPUT(top->order) <= (uint32_t)f)))
		return 0;
	*r = m->slot[top->slot].r;
	m->popped = top->slot;
	m->any_out = 1;
	m->out_t = top->t;
	m->out_in = ORDER_INPUT(top->order);
	heap_pop(m);
	return 1;
}

size_t
rt_merge_held(const struct rt_merge *m)
{
	return m->held;
}

size_t
rt_merge_held_max(const struct rt_merge *m)
{
	return m->held_max;
}

void
rt_merge_free(struct rt_merge *m)
{
	struct chunk *c;
	uint32_t s;
	int i;

	if (m == NULL)
		return;
	rt_buf_release(&m->bar);
	/* Records still held let go of their chunks (large ones are freed,
	 * others join the spares or are freed); then the inputs' own. */
	for (s = 0; s < m->nslot; s++)
		if (m->slot[s].used && m->slot[s].c)
			chunk_drop(m, m->slot[s].c);
	for (i = 0; i < m->n; i++)
		if (m->in[i].cur)
			chunk_free(m->in[i].cur);
	while ((c = m->spare) != NULL) {
		m->spare = c->next;
		chunk_free(c);
	}
	free(m->slot);
	free(m->in);
	free(m->h);
	free(m);
}
