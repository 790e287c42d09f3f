/*
 * t_evclock.c - the event-time clock (lib/evclock.c): tables of event
 * times going in, with the newest, watermark, limit and the late and due
 * tests expected after each; the idle timer's wait; the state bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evclock.h"
#include "rtime.h"
#include "state.h"
#include "tap.h"

#define NONE INT64_MIN

/* One step: a time goes in (NONE: none), then the clock is asked about
 * probe. */
struct step {
	int64_t t;		/* advance to this */
	int moved;		/* rt_clock_advance's answer */
	int64_t newest, wm, limit;
	int64_t probe;
	int late, due;
	int64_t behind;		/* of probe, when the clock has started */
};

struct table {
	const char *name;
	int64_t max_delay, lateness;
	struct step s[8];
	int n;
};

static const struct table tables[] = {
	{ "no delay, no lateness", 0, 0, {
		{ NONE, 0, NONE, NONE, NONE, -1000, 0, 0, 0 },
		{ 100, 1, 100, 100, 100, 99, 1, 1, 1 },
		{ 100, 0, 100, 100, 100, 100, 0, 1, 0 },
		{ 50, 0, 100, 100, 100, 101, 0, 0, -1 },
		{ 200, 1, 200, 200, 200, 150, 1, 1, 50 },
	}, 5 },
	{ "max delay 30", 30, 0, {
		{ 100, 1, 100, 70, 70, 69, 1, 1, 1 },
		{ 90, 0, 100, 70, 70, 70, 0, 1, 0 },
		{ 131, 1, 131, 101, 101, 100, 1, 1, 1 },
		{ 131, 0, 131, 101, 101, 102, 0, 0, -1 },
	}, 4 },
	{ "max delay 30, lateness 20", 30, 20, {
		{ 100, 1, 100, 70, 50, 49, 1, 1, 21 },
		{ 100, 0, 100, 70, 50, 50, 0, 1, 20 },
		{ 101, 1, 101, 71, 51, 71, 0, 1, 0 },
		{ 101, 0, 101, 71, 51, 72, 0, 0, -1 },
	}, 4 },
	{ "negative times, lateness only", 0, 5, {
		{ -100, 1, -100, -100, -105, -106, 1, 1, 6 },
		{ -101, 0, -100, -100, -105, -105, 0, 1, 5 },
		{ -99, 1, -99, -99, -104, -99, 0, 1, 0 },
	}, 3 },
	{ "the ends of the state range", RT_STATE_DUR_MAX / 2, 0, {
		{ RT_STATE_TIME_MAX, 1, RT_STATE_TIME_MAX,
		    RT_STATE_TIME_MAX - RT_STATE_DUR_MAX / 2,
		    RT_STATE_TIME_MAX - RT_STATE_DUR_MAX / 2,
		    RT_STATE_TIME_MIN, 1, 1,
		    RT_STATE_TIME_MAX - RT_STATE_DUR_MAX / 2 -
		    RT_STATE_TIME_MIN },
	}, 1 },
};

static void
run_table(const struct table *tb)
{
	struct rt_clock c;
	int bad = 0;

	rt_clock_init(&c, tb->max_delay, tb->lateness, 0);
	for (int i = 0; i < tb->n; i++) {
		const struct step *s = &tb->s[i];
		int moved = s->t == NONE ? 0 : rt_clock_advance(&c, s->t);

		if (moved != s->moved || rt_clock_newest(&c) != s->newest ||
		    rt_clock_watermark(&c) != s->wm ||
		    rt_clock_limit(&c) != s->limit ||
		    rt_clock_is_late(&c, s->probe) != s->late ||
		    rt_clock_due(&c, s->probe) != s->due ||
		    rt_clock_started(&c) != (s->newest != NONE) ||
		    (rt_clock_started(&c) &&
		    rt_clock_behind(&c, s->probe) != s->behind)) {
			printf("# %s: step %d: moved %d newest %lld wm %lld\n",
			    tb->name, i, moved, (long long)rt_clock_newest(&c),
			    (long long)rt_clock_watermark(&c));
			bad++;
		}
	}
	ok(bad == 0, "%s", tb->name);
}

/* The idle timer: off without a timeout, without a record, when not
 * armed and before any event; when it runs, a quiet input moves event
 * time by the wall time since the last record. */
static void
idle_cases(void)
{
	struct rt_clock c;
	struct pollfd pfd[1];
	int64_t to, before;
	int p[2];

	if (pipe(p) != 0) {
		ok(0, "pipe");
		return;
	}
	pfd[0].fd = p[0];
	pfd[0].events = POLLIN;
	rt_clock_init(&c, 0, 0, 0);
	rt_clock_advance(&c, 1000);
	rt_clock_touch(&c);
	ok(c.last_wall == 0, "no idle timeout: touch reads no clock");
	ok(rt_clock_wait(&c, pfd, 1, 0, 1, &to) == 0 && to == NONE,
	    "no idle timeout: a wait times out, event time stays");

	rt_clock_init(&c, 0, 0, 2000);	/* 2ms */
	ok(rt_clock_wait(&c, pfd, 1, 0, 1, &to) == 0 && to == NONE,
	    "idle timeout, no event yet: nothing moves");
	rt_clock_advance(&c, 1000);
	ok(rt_clock_wait(&c, pfd, 1, 0, 1, &to) == 0 && to == NONE,
	    "idle timeout, no record yet: nothing moves");
	rt_clock_touch(&c);
	ok(c.last_wall > 0, "a record starts the timer");
	ok(rt_clock_wait(&c, pfd, 1, 50, 0, &to) == 0 && to == NONE,
	    "not armed: the caller's timeout, nothing moves");
	before = c.last_wall;
	ok(rt_clock_wait(&c, pfd, 1, -1, 1, &to) == 0 && to != NONE,
	    "armed: the timer fires with no caller timeout");
	ok(to >= 1000 + 2000 && to == 1000 + (c.last_wall - before),
	    "event time moves by the wall time since the last record");
	ok(rt_clock_newest(&c) == 1000, "the clock itself does not move");
	rt_clock_advance(&c, to);
	c.idle = 10000000;	/* a loaded machine must not fire it again */
	ok(rt_clock_wait(&c, pfd, 1, 0, 1, &to) == 0 && to == NONE,
	    "the timer restarted: a wait of 0 does not fire it");
	if (write(p[1], "x", 1) != 1)
		ok(0, "write");
	ok(rt_clock_wait(&c, pfd, 1, -1, 1, &to) == 1 && to == NONE,
	    "input ready: poll says so, nothing moves");
	close(p[0]);
	close(p[1]);
}

static void
state_cases(void)
{
	static const int64_t times[] = { NONE, 0, -1, 1709294400000000LL,
	    RT_STATE_TIME_MIN, RT_STATE_TIME_MAX };
	struct rt_clock c, d;
	struct rt_buf b = RT_BUF_INIT;
	const char *p;
	int bad = 0;

	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		uint64_t raw = (uint64_t)times[i];

		rt_clock_init(&c, 5, 6, 7);
		rt_clock_restore(&c, times[i]);
		b.len = 0;
		rt_clock_save(&c, &b);
		rt_clock_init(&d, 5, 6, 7);
		p = b.p;
		if (b.len != 8 || memcmp(b.p, &raw, 8) != 0 ||
		    rt_clock_load(&d, &p, b.p + b.len) != 0 ||
		    p != b.p + 8 || rt_clock_newest(&d) != times[i] ||
		    !rt_clock_valid(&d))
			bad++;
	}
	ok(bad == 0, "save and load: 8 bytes in host order, round trip");
	p = b.p;
	rt_clock_init(&d, 0, 0, 0);
	ok(rt_clock_load(&d, &p, b.p + 7) == -1 && p == b.p &&
	    !rt_clock_started(&d), "a short state: -1, nothing read");
	rt_clock_restore(&d, RT_STATE_TIME_MAX + 1);
	ok(!rt_clock_valid(&d), "a time past the state range is not valid");
	rt_clock_restore(&d, RT_STATE_TIME_MIN - 1);
	ok(!rt_clock_valid(&d), "a time before the state range is not valid");
	rt_buf_release(&b);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		run_table(&tables[i]);
	idle_cases();
	state_cases();
	return done_testing();
}
