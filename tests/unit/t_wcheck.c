/*
 * t_wcheck.c - a loaded window state checked against itself (lib/
 * wcheck.c, rt_win_check_all), one inconsistency at a time: an engine
 * run on a seeded stream passes; then each of its structures is put
 * wrong in memory (times, event order, run ranges and counts, deques,
 * conditions, distinct tables, the recency list, closing windows and
 * their queue, session lists) and the check must give that reason, and
 * pass again once it is put back.  t_wstate.c does the same through the
 * state bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "state.h"
#include "tap.h"
#include "wapply.h"
#include "window.h"
#include "window_int.h"
#include "wopts.h"

#define S 1000000LL
#define COUNTS "damaged: window counts do not match the events"
#define EXTREMES "damaged: window extremes do not match the events"
#define DISTINCT "damaged: distinct counts do not match"
#define TIME "damaged: a time out of range"
#define CLOSING "damaged: bad closing window"
#define LRU "damaged: bad key recency list"

struct run {
	struct rt_wopts o;
	struct rt_win *w;
	uint32_t hs[4096], nh;
};

static void
emitted(void *arg, const char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
}

/* An engine of opt after 80 records of a seeded stream; hs: its live
 * closing windows (the queue, as a loaded state lists it). */
static void
run_open(struct run *r, const char *const *opt, uint64_t seed)
{
	int64_t t = 1700000000 * S;
	const char *err;

	memset(r, 0, sizeof *r);
	rt_wopts_init(&r->o);
	if ((err = wapply(&r->o, opt, (double)S)) != NULL) {
		printf("# options: %s\n", err);
		exit(1);
	}
	r->w = rt_win_new(&r->o.c, emitted, r);
	for (int i = 0; i < 80; i++) {
		uint64_t z = tap_xorshift(&seed), dv = (z >> 40) % 4;
		double num[1] = { (double)((z >> 24) % 50) };
		uint64_t dh[1] = { dv ? rt_hash(&dv, sizeof dv) | 1 : 0 };
		const char *prev[1] = { "1" };
		size_t prevlen[1] = { 1 };
		char key[8];
		struct rt_wev ev;

		t += (int64_t)(z % 4) * S;
		memset(&ev, 0, sizeof ev);
		snprintf(key, sizeof key, "\"%d\"", (int)((z >> 8) % 3));
		ev.t = t - (int64_t)((z >> 16) % 3) * S;
		ev.key = key;
		ev.klen = strlen(key);
		ev.num = num;
		ev.dh = dh;
		ev.cond = (uint32_t)((z >> 50) & 1);
		ev.prev = prev;
		ev.prevlen = prevlen;
		if (rt_clock_is_late(rt_win_clock(r->w), ev.t))
			continue;
		rt_win_advance(r->w, ev.t);
		rt_win_add(r->w, &ev, NULL);
	}
	for (uint32_t s = 0; s < r->w->nslot; s++)
		if (cw_at(r->w, s)->live)
			r->hs[r->nh++] = s;
}

static void
run_close(struct run *r)
{
	rt_win_free(r->w);
	rt_wopts_release(&r->o);
}

static const char *
check(const struct run *r)
{
	return rt_win_check_all(r->w, r->hs, r->nh);
}

/* The check's answer for damage, as a test; then it passes again. */
static void
expect(const struct run *r, const char *name, const char *want)
{
	const char *why = check(r);

	ok(why && strcmp(why, want) == 0, "%s: '%s'", name, why ? why :
	    "passed");
}

static void
restored(const struct run *r, const char *name)
{
	const char *why = check(r);

	ok(why == NULL, "%s put back: passes (%s)", name, why ? why : "ok");
}

/* The first live key with at least two events, or NULL. */
static struct wkey *
key2(const struct run *r, uint32_t *id)
{
	for (uint32_t i = 0; i < rt_map_idcap(&r->w->keys); i++)
		if (rt_map_live(&r->w->keys, i) && wk(r->w, i)->n >= 2) {
			*id = i;
			return wk(r->w, i);
		}
	return NULL;
}

static void
set_t(const struct run *r, struct wkey *k, uint64_t pos, int64_t t)
{
	memcpy(ev_at(r->w, k, pos), &t, 8);
}

static void
lookback(void)
{
	static const char *const opt[] = { "-k", "k", "--sliding", "8",
	    "-a", "count", "-a", "min:x", "-a", "max:x", "-a", "distinct:y",
	    "-a", "count_if:c=1", "-a", "prev:x", "--max-delay", "3", NULL };
	struct run r;
	struct wkey *k;
	struct wrun *w0;
	uint32_t id;
	int64_t t0, t1, mt;

	run_open(&r, opt, 1);
	ok(check(&r) == NULL && r.w->keys.count == 3, "look-back: the engine "
	    "as run passes");
	if ((k = key2(&r, &id)) == NULL) {
		ok(0, "a key with two events");
		run_close(&r);
		return;
	}
	w0 = run_of(r.w, k, 0);
	t0 = ev_t(ev_at(r.w, k, k->base));
	t1 = ev_t(ev_at(r.w, k, k->base + 1));

	rt_clock_restore(&r.w->clk, RT_STATE_TIME_MAX + 1);
	expect(&r, "the clock past 9999", TIME);
	rt_clock_restore(&r.w->clk, k->maxt - 1);
	expect(&r, "a key newer than the clock", TIME);
	rt_clock_restore(&r.w->clk, INT64_MIN);
	expect(&r, "keys, and a clock not started", TIME);
	rt_clock_restore(&r.w->clk, k->maxt + 3 * S);
	restored(&r, "the clock");

	set_t(&r, k, k->base, k->maxt + 1);
	expect(&r, "an event after its key's newest", TIME);
	set_t(&r, k, k->base, t0);
	set_t(&r, k, k->base + 1, t0 - 1);
	expect(&r, "an event before the one before it",
	    "damaged: events out of order");
	set_t(&r, k, k->base + 1, t1);
	restored(&r, "the event times");

	mt = k->maxt;
	k->maxt = RT_STATE_TIME_MIN - 1;
	expect(&r, "a key's newest time before year 0", TIME);
	k->maxt = mt;

	{
		uint32_t c = 8;
		char *e = ev_at(r.w, k, k->base);
		size_t off = 8 + 8 * (size_t)(r.w->c.nnum + r.w->c.ndist);
		uint32_t old;

		memcpy(&old, e + off, 4);
		memcpy(e + off, &c, 4);
		expect(&r, "a condition bit past the conditions",
		    "damaged: truncated or inconsistent");
		memcpy(e + off, &old, 4);
	}

	w0->cnt++;
	expect(&r, "a window's count one more than its range",
	    "damaged: truncated or inconsistent");
	w0->cnt--;
	w0->hi = k->base + k->n + 1;
	expect(&r, "a window past the ring", "damaged: truncated or "
	    "inconsistent");
	w0->hi = k->base + k->n;
	restored(&r, "the window's range");

	run_num(r.w, w0)[0].s.n++;
	expect(&r, "the sums counting one number more", COUNTS);
	run_num(r.w, w0)[0].s.n--;
	run_cond(r.w, w0)[0]++;
	expect(&r, "count_if one more than the events say", COUNTS);
	run_cond(r.w, w0)[0]--;
	restored(&r, "the counts");

	{
		struct dq *q = dq_of(r.w, k, 0, 0, 1);

		if (q && q->n) {
			uint64_t front = dq_front(q);

			dq_popfront(q);
			expect(&r, "the max deque without its front", EXTREMES);
			/* Put it back at the front. */
			q->head = (q->head + dq_cap(q) - 1) & (dq_cap(q) - 1);
			q->n++;
			ok(dq_front(q) == front, "max deque front restored");
			restored(&r, "the max deque");
		} else {
			ok(0, "a max deque with positions");
		}
	}

	{
		uint64_t save = run_dist(r.w, w0)[0];

		run_dist(r.w, w0)[0] = (uint64_t)w0->cnt + 1;
		expect(&r, "more distinct values than events", DISTINCT);
		run_dist(r.w, w0)[0] = save ? save - 1 : save + 1;
		expect(&r, "a distinct count not its table's", DISTINCT);
		run_dist(r.w, w0)[0] = save;
	}
	rt_dtab_put(&r.w->dist, downer(77, 0, 0), 12345, 1);
	expect(&r, "a distinct entry of a key not there", DISTINCT);
	dtab_dec(&r.w->dist, downer(77, 0, 0), 12345);
	restored(&r, "the distinct counts");

	{
		uint32_t head = r.w->lru_head, tail = r.w->lru_tail;
		uint32_t nx = wk(r.w, head)->lnext;

		r.w->lru_head = nx;
		expect(&r, "the recency list starting at its second", LRU);
		r.w->lru_head = head;
		r.w->lru_tail = head;
		expect(&r, "the recency list ending at its first", LRU);
		r.w->lru_tail = tail;
		wk(r.w, nx)->lprev = nx;
		expect(&r, "a key linked back to itself", LRU);
		wk(r.w, nx)->lprev = head;
		restored(&r, "the recency list");
	}
	run_close(&r);
}

static void
closing(void)
{
	static const char *const opt[] = { "-k", "k", "--tumble", "10",
	    "-a", "count", "-a", "distinct:y", "-a", "first:x",
	    "--max-delay", "3", NULL };
	struct run r;
	struct cwin *c;
	unsigned char *save;

	run_open(&r, opt, 2);
	ok(check(&r) == NULL && r.nh >= 2, "tumbling: the engine as run "
	    "passes, %u windows open", r.nh);
	if (r.nh < 2) {
		run_close(&r);
		return;
	}
	c = cw_at(r.w, r.hs[0]);
	save = malloc(r.w->cs);
	memcpy(save, c, r.w->cs);
	c->live = 2;
	expect(&r, "a slot neither live nor free", CLOSING);
	memcpy(c, save, r.w->cs);
	c->cnt = 0;
	expect(&r, "an open window of no record", CLOSING);
	c->cnt = ((int64_t)1 << 62) + 1;
	expect(&r, "an open window of 2^62 + 1 records",
	    "damaged: a count out of range");
	memcpy(c, save, r.w->cs);
	c->start += S;
	c->end += S;
	expect(&r, "a window off the grid", CLOSING);
	memcpy(c, save, r.w->cs);
	c->end += S;
	expect(&r, "a window longer than --tumble", CLOSING);
	memcpy(c, save, r.w->cs);
	c->seq = r.w->seq;
	expect(&r, "a window made after the last", CLOSING);
	memcpy(c, save, r.w->cs);
	c->kid = 99;
	expect(&r, "a window of a key not there", CLOSING);
	memcpy(c, save, r.w->cs);
	cw_ext(r.w, c)[0].tfirst = RT_STATE_TIME_MAX + 1;
	expect(&r, "a first value's time past 9999", CLOSING);
	memcpy(c, save, r.w->cs);
	restored(&r, "the window");
	free(save);

	cw_dist(r.w, c)[0]++;
	expect(&r, "a distinct count not its table's", DISTINCT);
	cw_dist(r.w, c)[0]--;
	restored(&r, "the distinct count");

	r.nh--;
	expect(&r, "an open window not queued", CLOSING);
	r.nh++;
	{
		uint32_t last = r.hs[r.nh - 1];

		r.hs[r.nh - 1] = r.hs[0];
		expect(&r, "a window queued twice", CLOSING);
		r.hs[r.nh - 1] = last;
	}
	if (r.w->nfree) {
		uint32_t f = r.w->freeslot[0];

		r.w->freeslot[0] = r.hs[0];
		expect(&r, "an open window on the free list", CLOSING);
		r.w->freeslot[0] = f;
	} else {
		ok(0, "a free slot to damage");
	}
	restored(&r, "the queue and free list");
	run_close(&r);
}

static void
sessions(void)
{
	static const char *const opt[] = { "-k", "k", "--session", "5",
	    "-a", "count", "--max-delay", "3", NULL };
	struct run r;
	struct wkey *k = NULL, *other = NULL;

	run_open(&r, opt, 3);
	ok(check(&r) == NULL && r.nh >= 2, "sessions: the engine as run "
	    "passes, %u open", r.nh);
	for (uint32_t i = 0; i < rt_map_idcap(&r.w->keys); i++) {
		if (!rt_map_live(&r.w->keys, i) || wk(r.w, i)->nsess == 0)
			continue;
		if (k == NULL)
			k = wk(r.w, i);
		else if (other == NULL)
			other = wk(r.w, i);
	}
	if (k == NULL || other == NULL) {
		ok(0, "two keys with sessions");
		run_close(&r);
		return;
	}
	{
		struct cwin *c = cw_at(r.w, ksess(k)[0]);

		c->end++;
		expect(&r, "a session ending other than last + gap", CLOSING);
		c->end--;
		c->start = c->last + 1;
		expect(&r, "a session starting after its last record", CLOSING);
		c->start = c->last;
		ok(check(&r) == NULL, "a session of one instant passes");
	}
	{
		uint32_t mine = ksess(k)[0];

		ksess(k)[0] = ksess(other)[0];
		expect(&r, "a key listing another's session", CLOSING);
		ksess(k)[0] = mine;
		k->nsess--;
		expect(&r, "a key not listing its session", CLOSING);
		k->nsess++;
	}
	run_close(&r);
}

int
main(void)
{
	lookback();
	closing();
	sessions();
	return done_testing();
}
