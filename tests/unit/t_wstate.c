/*
 * t_wstate.c - the window engine's state bytes (lib/wstate.c, checked by
 * wcheck.c), beyond t_window.c's round trips: for each kind of window, a
 * state cut at every length is refused as damaged, a byte more is
 * refused, and every single-bit flip is either refused with one of the
 * documented reasons or gives a state the engine could have written (it
 * saves the same bytes again, and runs on); then damage placed by hand
 * (times out of range, events out of order, counts, the key list,
 * closing windows off their grid, two of one key and start, two of one
 * creation number), each refused with its reason.
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

struct run {
	struct rt_wopts o;
	struct rt_win *w;
	struct rt_buf out;
};

static void
emitted(void *arg, const char *p, size_t n)
{
	struct run *r = arg;

	rt_buf_add(&r->out, p, n);
	rt_buf_addc(&r->out, '\n');
}

static void
run_open(struct run *r, const char *const *opt)
{
	const char *err;

	memset(r, 0, sizeof *r);
	rt_wopts_init(&r->o);
	if ((err = wapply(&r->o, opt, (double)S)) != NULL) {
		printf("# options: %s\n", err);
		exit(1);
	}
	r->w = rt_win_new(&r->o.c, emitted, r);
}

static void
run_close(struct run *r)
{
	rt_win_free(r->w);
	rt_wopts_release(&r->o);
	rt_buf_release(&r->out);
}

/* Record i of a seeded stream (the same for every run of seed). */
static void
run_step(struct run *r, uint64_t *seed, int64_t *t)
{
	const struct rt_wconf *c = &r->o.c;
	uint64_t z = tap_xorshift(seed), dv = (z >> 40) % 4;
	double num[8];
	uint64_t dh[8];
	const char *prev[8];
	size_t prevlen[8];
	char key[8], xt[16];
	struct rt_wev ev;

	*t += (int64_t)(z % 4) * S;
	memset(&ev, 0, sizeof ev);
	snprintf(key, sizeof key, "\"%d\"", (int)((z >> 8) % 3));
	snprintf(xt, sizeof xt, "%d", (int)((z >> 24) % 50));
	for (int i = 0; i < c->nnum; i++)
		num[i] = (double)((z >> 24) % 50);
	for (int i = 0; i < c->ndist; i++)
		dh[i] = dv ? rt_hash(&dv, sizeof dv) | 1 : 0;
	for (int i = 0; i < c->nprev; i++) {
		prev[i] = xt;
		prevlen[i] = strlen(xt);
	}
	ev.t = *t - (int64_t)((z >> 16) % 3) * S;
	ev.key = c->nkeys ? key : "";
	ev.klen = strlen(ev.key);
	ev.num = num;
	ev.dh = dh;
	ev.prev = prev;
	ev.prevlen = prevlen;
	if (rt_clock_is_late(rt_win_clock(r->w), ev.t))
		return;
	rt_win_advance(r->w, ev.t);
	rt_win_add(r->w, &ev, NULL);
}

/* The reasons rt_win_load gives. */
static int
known_reason(const char *why)
{
	static const char *const r[] = { "not an rt-window state",
	    "damaged: truncated or inconsistent",
	    "damaged: a count out of range", "damaged: a time out of range",
	    "damaged: events out of order",
	    "damaged: window counts do not match the events",
	    "damaged: window extremes do not match the events",
	    "damaged: distinct counts do not match",
	    "damaged: bad key recency list", "damaged: bad closing window" };

	for (size_t i = 0; why && i < sizeof r / sizeof r[0]; i++)
		if (strcmp(why, r[i]) == 0)
			return 1;
	return 0;
}

/* The state of a run of opt after n records of seed, into st. */
static void
state_after(const char *const *opt, uint64_t seed, int n, struct rt_buf *st)
{
	struct run r;
	int64_t t = 1700000000 * S;

	run_open(&r, opt);
	for (int i = 0; i < n; i++)
		run_step(&r, &seed, &t);
	st->len = 0;
	rt_win_save(r.w, st);
	run_close(&r);
}

/* Does a window (key and start) come out twice in the lines of b? */
static int
twice(const struct rt_buf *b)
{
	char *c = strndup(b->p ? b->p : "", b->len), *save, **v = NULL;
	size_t n = 0;
	int dup = 0;

	for (char *l = strtok_r(c, "\n", &save); l; l = strtok_r(NULL, "\n",
	    &save)) {
		char *e = strstr(l, ",\"window_end\"");

		if (e)
			*e = '\0';
		v = realloc(v, (n + 1) * sizeof *v);
		v[n++] = l;
	}
	for (size_t i = 0; i < n && !dup; i++)
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(v[i], v[j]) == 0;
	free(v);
	free(c);
	return dup;
}

/* Load p[0, n) into a fresh engine of opt: NULL or why.  When loaded,
 * *same is 1 when it saves p[0, n) again; 2 when it saves orig[0, on)
 * instead (the flip was in a part the loader rebuilds or ignores: the
 * counts of the run, an event's padding, the keys' open windows); 3 when
 * it saves a third state that loads and saves itself again (the queue
 * of windows saved out of order, rebuilt in order); else 0.  Then it
 * runs on through 50 records and the end: -1 in *same when a window
 * comes out twice. */
static const char *
try_load(const char *const *opt, const char *p, size_t n, const char *orig,
    size_t on, int *same)
{
	struct run r, r2;
	struct rt_buf again = RT_BUF_INIT, third = RT_BUF_INIT;
	const char *why;
	uint64_t seed = 999;
	int64_t t = 1700000400 * S;

	run_open(&r, opt);
	why = rt_win_load(r.w, p, n);
	if (why == NULL) {
		rt_win_save(r.w, &again);
		*same = again.len == n && memcmp(again.p, p, n) == 0 ? 1 :
		    again.len == on && memcmp(again.p, orig, on) == 0 ? 2 : 0;
		if (*same == 0) {
			run_open(&r2, opt);
			if (rt_win_load(r2.w, again.p, again.len) == NULL) {
				rt_win_save(r2.w, &third);
				*same = third.len == again.len &&
				    memcmp(third.p, again.p, again.len) == 0 ?
				    3 : 0;
			}
			run_close(&r2);
		}
		for (int i = 0; i < 50; i++)
			run_step(&r, &seed, &t);
		rt_win_close_all(r.w);
		if (twice(&r.out))
			*same = -1;
	}
	rt_buf_release(&again);
	rt_buf_release(&third);
	run_close(&r);
	return why;
}

static void
damage_all(const char *name, const char *const *opt, uint64_t seed)
{
	struct rt_buf st = RT_BUF_INIT;
	size_t cutbad = 0, refused = 0, accepted = 0, unknown = 0, differ = 0;
	size_t rebuilt = 0, reordered = 0;
	int same;
	const char *why;
	char *q;

	state_after(opt, seed, 60, &st);
	why = try_load(opt, st.p, st.len, st.p, st.len, &same);
	ok(why == NULL && same == 1, "%s: a %zu-byte state loads and saves the "
	    "same", name, st.len);
	for (size_t n = 0; n < st.len; n++) {
		why = try_load(opt, st.p, n, st.p, st.len, &same);
		if (why == NULL || strcmp(why, n < 6 ? "not an rt-window state" :
		    "damaged: truncated or inconsistent") != 0) {
			if (cutbad++ == 0)
				diag("cut at %zu: %s", n, why ? why : "loaded");
		}
	}
	ok(cutbad == 0, "%s: cut at each of %zu lengths: refused, truncated",
	    name, st.len);
	q = malloc(st.len + 1);
	memcpy(q, st.p, st.len);
	q[st.len] = 0;
	why = try_load(opt, q, st.len + 1, st.p, st.len, &same);
	is_str(why, "damaged: truncated or inconsistent", "a byte more: "
	    "refused, truncated or inconsistent");
	for (size_t i = 0; i < st.len; i++)
		for (int b = 0; b < 8; b++) {
			q[i] = (char)(st.p[i] ^ (1 << b));
			why = try_load(opt, q, st.len, st.p, st.len, &same);
			q[i] = st.p[i];
			if (why) {
				refused++;
				unknown += !known_reason(why);
			} else {
				accepted++;
				rebuilt += same == 2;
				reordered += same == 3;
				if (same <= 0 && differ++ == 0)
					diag("flip at byte %zu bit %d: loaded, "
					    "%s", i, b, same ? "a window out "
					    "twice" : "saved otherwise");
			}
		}
	ok(unknown == 0 && differ == 0 && refused > 0 && rebuilt > 0 &&
	    reordered * 100 < accepted, "%s: %zu single-bit flips: %zu "
	    "refused with a known reason, %zu taken as a state it could have "
	    "written (%zu in parts rebuilt on load, %zu reordered; %zu "
	    "neither, or a window out twice)", name, refused + accepted,
	    refused, accepted, rebuilt, reordered, differ);
	free(q);
	rt_buf_release(&st);
}

/* Where n bytes p first occur in b, or SIZE_MAX. */
static size_t
find(const struct rt_buf *b, const void *p, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->p + i, p, n) == 0)
			return i;
	return SIZE_MAX;
}

/* One piece of damage: n bytes v over the state at off. */
static void
damaged(const char *name, const char *const *opt, const struct rt_buf *st,
    size_t off, const void *v, size_t n, const char *want)
{
	char *q;
	int same;

	if (off == SIZE_MAX || off + n > st->len) {
		ok(0, "%s: the place found", name);
		return;
	}
	q = malloc(st->len);
	memcpy(q, st->p, st->len);
	memcpy(q + off, v, n);
	is_str(try_load(opt, q, st->len, st->p, st->len, &same), want, name);
	free(q);
}

static void
placed_damage(const char *const *tumble, const char *const *sliding)
{
	struct rt_buf st = RT_BUF_INIT;
	struct run r;
	int64_t big = RT_STATE_TIME_MAX + 1, cnt = ((int64_t)1 << 62) + 1;
	uint32_t a = UINT32_MAX, b = UINT32_MAX, seven = 7;
	size_t slots, lru;

	/* Tumbling: the clock, the count of windows, the key list, slots. */
	state_after(tumble, 2, 60, &st);
	run_open(&r, tumble);
	if (rt_win_load(r.w, st.p, st.len) != NULL) {
		ok(0, "placed damage: the state loads");
		run_close(&r);
		rt_buf_release(&st);
		return;
	}
	damaged("the clock past the state range", tumble, &st, 6, &big, 8,
	    "damaged: a time out of range");
	damaged("2^62 + 1 windows made", tumble, &st, 14, &cnt, 8,
	    "damaged: a count out of range");
	lru = 6 + 8 + 8 + sizeof(struct rt_wstats) + 16 +
	    4 * (size_t)r.w->keys.nfree;
	damaged("the recency list starting at a key not there", tumble, &st,
	    lru, &seven, 4, "damaged: bad key recency list");
	/* Two live windows of one start, of other keys. */
	for (uint32_t i = 0; i < r.w->nslot && b == UINT32_MAX; i++)
		for (uint32_t j = 0; j < i && b == UINT32_MAX; j++)
			if (cw_at(r.w, i)->live && cw_at(r.w, j)->live &&
			    cw_at(r.w, i)->start == cw_at(r.w, j)->start &&
			    cw_at(r.w, i)->kid != cw_at(r.w, j)->kid)
				a = j, b = i;
	slots = find(&st, r.w->slot, r.w->cs * r.w->nslot);
	if (b == UINT32_MAX || slots == SIZE_MAX) {
		ok(0, "placed damage: two windows of one start");
	} else {
		struct cwin c = *cw_at(r.w, b);
		size_t at = slots + (size_t)b * r.w->cs;

		c.kid = cw_at(r.w, a)->kid;
		damaged("two open windows of one key and start", tumble, &st,
		    at, &c, sizeof c, "damaged: bad closing window");
		c = *cw_at(r.w, b);
		c.seq = cw_at(r.w, a)->seq;
		damaged("two open windows of one creation number", tumble,
		    &st, at, &c, sizeof c, "damaged: bad closing window");
		c = *cw_at(r.w, b);
		c.start += S;
		c.end += S;
		damaged("a window off the grid", tumble, &st, at, &c, sizeof c,
		    "damaged: bad closing window");
		c = *cw_at(r.w, b);
		c.seq = r.w->seq;
		damaged("a window made after the last", tumble, &st, at, &c,
		    sizeof c, "damaged: bad closing window");
	}
	run_close(&r);
	/* Sliding: a key's events swapped, one moved past the clock. */
	state_after(sliding, 1, 60, &st);
	run_open(&r, sliding);
	if (rt_win_load(r.w, st.p, st.len) != NULL) {
		ok(0, "placed damage: the sliding state loads");
	} else {
		struct wkey *k = NULL;
		size_t es = r.w->es, at;

		for (uint32_t i = 0; i < rt_map_idcap(&r.w->keys) && !k; i++)
			if (rt_map_live(&r.w->keys, i) && wk(r.w, i)->n >= 2 &&
			    ev_t(ev_at(r.w, wk(r.w, i), wk(r.w, i)->base)) <
			    ev_t(ev_at(r.w, wk(r.w, i), wk(r.w, i)->base + 1)))
				k = wk(r.w, i);
		at = k ? find(&st, ev_at(r.w, k, k->base), es - 4) : SIZE_MAX;
		if (at != SIZE_MAX) {
			int64_t t1 = ev_t(ev_at(r.w, k, k->base + 1)) + 1;
			int64_t t2 = rt_clock_newest(rt_win_clock(r.w)) + 1;

			damaged("a key's first event after its second", sliding,
			    &st, at, &t1, 8, "damaged: events out of order");
			damaged("an event after the clock", sliding, &st, at,
			    &t2, 8, "damaged: a time out of range");
		} else {
			ok(0, "placed damage: a key with two events");
		}
	}
	run_close(&r);
	rt_buf_release(&st);
}

int
main(void)
{
	static const char *const sliding[] = { "-k", "k", "--sliding", "8",
	    "--rows", "3", "-a", "count", "-a", "sum:x", "-a", "min:x", "-a",
	    "max:x", "-a", "distinct:y", "-a", "prev:x", "--max-delay", "3",
	    NULL };
	static const char *const tumble[] = { "-k", "k", "--tumble", "10",
	    "-a", "count", "-a", "max:x", "-a", "distinct:y", "--max-delay",
	    "3", NULL };
	static const char *const hop[] = { "--hop", "5", "--size", "15", "-a",
	    "sum:x", "-a", "first:x", "--max-delay", "3", NULL };
	static const char *const session[] = { "-k", "k", "--session", "4",
	    "-a", "stddev:x", "--max-delay", "3", NULL };

	damage_all("sliding and rows", sliding, 1);
	damage_all("tumbling", tumble, 2);
	damage_all("hopping", hop, 3);
	damage_all("sessions", session, 4);
	placed_damage(tumble, sliding);
	return done_testing();
}
