/*
 * t_merge.c - the event-time merge (lib/merge.c): order and ties, the
 * input the frontier asks for, lateness, --max-delay, views pinned before
 * their reader moves, arena chunks over many records and large ones, idle
 * inputs and the wall clock; then random inputs against a sort of the
 * records that were not late.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "tap.h"

#define S 1000000LL	/* a second in microseconds */

static struct rt_mrec
rec(const char *p, int64_t t, int input)
{
	struct rt_mrec r;

	memset(&r, 0, sizeof r);
	r.p = p;
	r.len = strlen(p);
	r.t = t;
	r.input = (uint32_t)input;
	return r;
}

/* Pop what may go into out ("text text ..."). */
static void
drain(struct rt_merge *m, int64_t now, int flush, char *out, size_t cap)
{
	struct rt_mrec r;

	while (rt_merge_pop(m, now, flush, &r)) {
		size_t n = strlen(out);

		snprintf(out + n, cap - n, "%s%.*s", n ? " " : "", (int)r.len,
		    r.p);
	}
}

/* Two sorted inputs read as the frontier asks: ties by input. */
static void
test_order(void)
{
	static const struct { const char *p; int64_t t; } in[2][3] = {
		{ { "a1", 1 }, { "a2", 2 }, { "a5", 5 } },
		{ { "b2", 2 }, { "b2'", 2 }, { "b3", 3 } },
	};
	struct rt_merge *m = rt_merge_new(2, 0, 0, 0);
	struct rt_mrec r;
	int pos[2] = { 0, 0 }, i, reads = 0;
	char out[256] = "";

	while ((i = rt_merge_next(m, 0)) >= 0 && reads++ < 20) {
		drain(m, 0, 0, out, sizeof out);
		i = rt_merge_next(m, 0);
		if (pos[i] == 3) {
			rt_merge_end(m, i);
			continue;
		}
		rt_merge_pin(m, i);
		r = rec(in[i][pos[i]].p, in[i][pos[i]].t * S, i);
		pos[i]++;
		ok(rt_merge_add(m, &r, 0, 0, NULL) == RT_MERGE_HELD,
		    "record %s held", r.p);
	}
	drain(m, 0, 0, out, sizeof out);
	is_str(out, "a1 a2 b2 b2' b3 a5", "merged by time, ties by input then "
	    "arrival");
	ok(rt_merge_held(m) == 0 && rt_merge_held_max(m) <= 3,
	    "nothing held at the end (at most %zu at once)",
	    rt_merge_held_max(m));
	rt_merge_free(m);
}

/* The frontier: an input with no record yet holds everything back. */
static void
test_frontier(void)
{
	struct rt_merge *m = rt_merge_new(3, 0, 0, 0);
	struct rt_mrec r = rec("x", 10 * S, 1), o;
	int64_t behind = 0;

	ok(rt_merge_next(m, 0) == 0, "first the first input");
	rt_merge_add(m, &r, 1, 0, NULL);
	ok(rt_merge_next(m, 0) == 0, "then still the first (no record yet)");
	ok(rt_merge_pop(m, 0, 0, &o) == 0, "nothing goes before every input "
	    "has said something");
	r = rec("y", 20 * S, 0);
	rt_merge_add(m, &r, 1, 0, NULL);
	ok(rt_merge_next(m, 0) == 2, "the third input is at the frontier");
	rt_merge_end(m, 2);
	ok(rt_merge_next(m, 0) == 1 && rt_merge_pop(m, 0, 0, &o) == 1 &&
	    o.len == 1 && o.p[0] == 'x', "once it ends, x goes");
	ok(rt_merge_pop(m, 0, 0, &o) == 0, "y waits for input 1");
	r = rec("late", 5 * S, 1);
	ok(rt_merge_add(m, &r, 1, 0, &behind) == RT_MERGE_LATE &&
	    behind == 5 * S, "older than its input's watermark: late by 5s");
	ok(rt_merge_watermark(m, 1, 0) == 10 * S, "the watermark stays");
	rt_merge_end(m, 1);
	rt_merge_end(m, 0);
	ok(rt_merge_next(m, 0) == -1, "no frontier when every input ended");
	ok(rt_merge_pop(m, 0, 0, &o) == 1 && o.p[0] == 'y', "y goes");
	rt_merge_free(m);
}

/* --max-delay: disorder within the delay is sorted, beyond it is late. */
static void
test_delay(void)
{
	static const int64_t ts[] = { 10, 8, 12, 11, 14, 9, 15, 13 };
	static const char *names[] = { "10", "8", "12", "11", "14", "9",
	    "15", "13" };
	struct rt_merge *m = rt_merge_new(1, 3 * S, 0, 0);
	char out[256] = "";
	int64_t behind;
	size_t k;
	int late = 0;

	for (k = 0; k < sizeof ts / sizeof ts[0]; k++) {
		struct rt_mrec r = rec(names[k], ts[k] * S, 0);

		rt_merge_pin(m, 0);
		if (rt_merge_add(m, &r, 0, 0, &behind) == RT_MERGE_LATE) {
			late++;
			ok(k == 5 && behind == 2 * S, "9 after 14 is 2s behind "
			    "the watermark 11");
		}
		drain(m, 0, 0, out, sizeof out);
	}
	ok(late == 1, "one late record");
	drain(m, 0, 1, out, sizeof out);
	is_str(out, "8 10 11 12 13 14 15", "sorted within the delay");
	rt_merge_free(m);
}

/* Views are copied before their reader moves on; copies survive. */
static void
test_pin(void)
{
	struct rt_merge *m = rt_merge_new(2, 0, 0, 0);
	char buf[8], buf2[8], out[256] = "";
	struct rt_mrec r;

	strcpy(buf, "a1");
	r = rec(buf, 1 * S, 0);
	rt_merge_add(m, &r, 0, 0, NULL);
	rt_merge_pin(m, 0);
	strcpy(buf, "XX");	/* the reader reuses its buffer */
	strcpy(buf2, "a2");
	r = rec(buf2, 2 * S, 0);
	rt_merge_add(m, &r, 0, 0, NULL);
	r = rec("b1", 1 * S, 1);
	rt_merge_add(m, &r, 0, 0, NULL);
	drain(m, 0, 0, out, sizeof out);
	is_str(out, "a1 b1", "a pinned view was copied");
	rt_merge_pin(m, 0);
	strcpy(buf2, "ZZ");
	rt_merge_end(m, 1);
	out[0] = '\0';
	drain(m, 0, 0, out, sizeof out);
	is_str(out, "a2", "so was the next one");
	rt_merge_free(m);
}

/* Many held copies (chunks filled, recycled) and large records. */
static void
test_arena(void)
{
	struct rt_merge *m = rt_merge_new(2, 0, 0, 0);
	static char big[100000];
	char text[200];
	struct rt_mrec r;
	int k, good = 1, n = 0, added = 0;

	memset(big, 'x', sizeof big - 1);
	for (k = 0; k < 20000; k++) {
		snprintf(text, sizeof text, "%06d-padding-padding", k);
		r = rec(k % 1000 == 0 ? big : text, k * S, 0);
		rt_merge_add(m, &r, 1, 0, NULL);
	}
	ok(rt_merge_held(m) == 20000, "20000 records held (input 1 silent)");
	rt_merge_end(m, 1);
	for (k = 0; rt_merge_pop(m, 0, 0, &r); k++, n++) {
		if (k < 20000)
			snprintf(text, sizeof text, "%06d-padding-padding", k);
		else
			snprintf(text, sizeof text, "new-%06d-%0150d",
			    3 * (k - 20000), k);
		if (k < 20000 && k % 1000 == 0 ? r.len != sizeof big - 1 ||
		    r.p[50000] != 'x' : r.len != strlen(text) ||
		    memcmp(r.p, text, r.len) != 0)
			good = 0;
		if (k < 20000 && k % 3 == 0) {	/* more come as others go */
			struct rt_mrec q;

			snprintf(text, sizeof text, "new-%06d-%0150d", k,
			    20000 + k / 3);
			q = rec(text, (20000 + k) * S, 0);
			rt_merge_add(m, &q, 1, 0, NULL);
			added++;
		}
	}
	ok(good && n == 20000 + added, "every copy intact, large ones too "
	    "(%d records)", n);
	rt_merge_free(m);
}

/* Idle inputs: quiet for the timeout, they stop holding the others back;
 * back, they are late behind what was written and the wall clock. */
static void
test_idle(void)
{
	struct rt_merge *m = rt_merge_new(2, 0, 2 * S, 100 * S);
	struct rt_mrec r = rec("a", 10 * S, 0), o;
	int64_t behind;

	rt_merge_add(m, &r, 1, 100 * S, NULL);
	rt_merge_quiet(m, 1);
	ok(rt_merge_next(m, 100 * S) == 1, "the silent input holds back");
	ok(rt_merge_timeout(m, 100 * S + S / 2) == S + S / 2,
	    "idle in 1.5s: 2s after the start");
	ok(rt_merge_pop(m, 101 * S, 0, &o) == 0, "nothing yet");
	ok(rt_merge_any_idle(m, 102 * S) && rt_merge_pop(m, 102 * S, 0, &o)
	    == 1, "idle after 2s: a goes");
	r = rec("b", 9 * S, 1);
	ok(rt_merge_add(m, &r, 1, 103 * S, &behind) == RT_MERGE_LATE &&
	    behind == S, "back, behind what was written: late");
	r = rec("b2", 11 * S, 1);
	ok(rt_merge_add(m, &r, 1, 103 * S, NULL) == RT_MERGE_HELD,
	    "after it: taken");
	rt_merge_quiet(m, 1);
	ok(rt_merge_watermark(m, 1, 110 * S) == 18 * S,
	    "quiet again: its watermark moves with the wall clock");
	r = rec("c", 15 * S, 1);
	ok(rt_merge_add(m, &r, 1, 110 * S, &behind) == RT_MERGE_LATE &&
	    behind == 3 * S, "and a record behind it is late");
	rt_merge_free(m);
}

struct ev {
	int64_t t;
	int input;
	uint64_t seq;
	int late;
};

static int
ev_cmp(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->input != b->input)
		return a->input - b->input;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One random run: n inputs, disorder within and beyond the delay, read
 * as the frontier asks; what comes out must be the records that were not
 * late, sorted by (time, input, arrival).  The count, or -1. */
static int
random_run(uint64_t *seed)
{
	enum { MAXIN = 5, MAXREC = 300 };
	static struct ev ev[MAXIN][MAXREC], want[MAXIN * MAXREC],
	    got[MAXIN * MAXREC];
	static char text[MAXIN][MAXREC][24];
	int n = 1 + (int)(tap_xorshift(seed) % MAXIN), cnt[MAXIN], pos[MAXIN];
	int64_t delay = (int64_t)(tap_xorshift(seed) % 4) * S;
	struct rt_merge *m = rt_merge_new(n, delay, 0, 0);
	struct rt_mrec r;
	size_t nw = 0, ng = 0, j;
	int i, k, a, b, bad = 0;
	uint64_t seq = 0;

	for (i = 0; i < n; i++) {
		int64_t t = (int64_t)(tap_xorshift(seed) % 10) * S;

		cnt[i] = (int)(tap_xorshift(seed) % MAXREC);
		pos[i] = 0;
		for (k = 0; k < cnt[i]; k++) {
			t += (int64_t)(tap_xorshift(seed) % 3) * S / 2;
			ev[i][k].t = t - (tap_xorshift(seed) % 5 == 0 ?
			    (int64_t)(tap_xorshift(seed) % 6) * S / 2 : 0);
			ev[i][k].input = i;
			snprintf(text[i][k], sizeof text[i][k], "%d:%d", i, k);
		}
	}
	while ((i = rt_merge_next(m, 0)) >= 0) {
		if (pos[i] == cnt[i]) {
			rt_merge_end(m, i);
		} else {
			struct ev *e = &ev[i][pos[i]];

			rt_merge_pin(m, i);
			r = rec(text[i][pos[i]++], e->t, i);
			e->seq = ++seq;
			e->late = rt_merge_add(m, &r, seq % 2, 0, NULL) ==
			    RT_MERGE_LATE;
			if (!e->late)
				want[nw++] = *e;
		}
		while (rt_merge_pop(m, 0, 0, &r)) {
			char t[24];

			snprintf(t, sizeof t, "%.*s", (int)r.len, r.p);
			if (sscanf(t, "%d:%d", &a, &b) != 2 || ng == nw ||
			    a >= n || b >= cnt[a])
				bad++;
			else
				got[ng++] = ev[a][b];
		}
	}
	rt_merge_free(m);
	qsort(want, nw, sizeof *want, ev_cmp);
	for (j = 0; j < nw && j < ng; j++)
		if (ev_cmp(&want[j], &got[j]) != 0)
			bad++;
	return bad || ng != nw ? -1 : (int)nw;
}

int
main(void)
{
	uint64_t seed = 42;
	int k, bad = 0;
	long total = 0;

	test_order();
	test_frontier();
	test_delay();
	test_pin();
	test_arena();
	test_idle();
	for (k = 0; k < 300; k++) {
		int n = random_run(&seed);

		if (n < 0)
			bad++;
		else
			total += n;
	}
	ok(bad == 0, "300 random merges: every record not late written once "
	    "(%ld records, %d runs wrong)", total, bad);
	return done_testing();
}
