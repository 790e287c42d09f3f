/*
 * evclock.h - the one event-time clock of the stateful tools: the newest
 * event time seen, the watermark (newest - --max-delay), the allowed
 * lateness and the late test, the idle timer that moves event time on
 * with the wall clock when the input is quiet (--idle-timeout), and the
 * clock's part of a state file.  Nothing else computes a watermark.
 * rt-window(1), "Time, watermark and lateness"; rtpipe(7), "Event time
 * and durations".
 */
#ifndef RT_EVCLOCK_H
#define RT_EVCLOCK_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rtime.h"

struct rt_clock {
	int64_t newest;		/* newest event time, INT64_MIN before any */
	int64_t max_delay;	/* --max-delay: watermark = newest - this */
	int64_t lateness;	/* --allowed-lateness, behind the watermark */
	int64_t idle;		/* --idle-timeout, 0: no idle timer */
	int64_t last_wall;	/* wall clock of the last record, 0: none */
};

/* A clock that has seen no event, with the options' durations (each in
 * [0, RT_STATE_DUR_MAX], so no arithmetic below overflows on times a
 * state file may hold). */
void rt_clock_init(struct rt_clock *c, int64_t max_delay, int64_t lateness,
    int64_t idle);

/* Has an event time been seen (or loaded)? */
static inline int
rt_clock_started(const struct rt_clock *c)
{
	return c->newest != INT64_MIN;
}

/* The newest event time, or INT64_MIN. */
static inline int64_t
rt_clock_newest(const struct rt_clock *c)
{
	return c->newest;
}

/* The watermark of newest event time t under a delay d >= 0: t - d,
 * saturated at INT64_MIN (none).  The one place the watermark is
 * computed: this clock's, and each input's of rt-merge (merge.h). */
static inline int64_t
rt_watermark_of(int64_t t, int64_t d)
{
	return t < INT64_MIN + d ? INT64_MIN : t - d;
}

/* The watermark: no record older than it is expected any more (it may
 * still come, within the allowed lateness).  INT64_MIN before any
 * event. */
static inline int64_t
rt_clock_watermark(const struct rt_clock *c)
{
	if (c->newest == INT64_MIN)
		return INT64_MIN;
	return rt_watermark_of(c->newest, c->max_delay);
}

/* The limit: the watermark minus the allowed lateness.  A record before
 * it is late; a window ending at or before it has closed.  INT64_MIN
 * before any event. */
static inline int64_t
rt_clock_limit(const struct rt_clock *c)
{
	int64_t wm = rt_clock_watermark(c);

	return wm == INT64_MIN ? INT64_MIN : wm - c->lateness;
}

/* Is a record at event time t late (before the limit)?  Never before
 * any event. */
static inline int
rt_clock_is_late(const struct rt_clock *c, int64_t t)
{
	return rt_clock_started(c) && t < rt_clock_limit(c);
}

/* How far t is behind the watermark (for a late record's reason); the
 * clock must have started. */
static inline int64_t
rt_clock_behind(const struct rt_clock *c, int64_t t)
{
	return rt_clock_watermark(c) - t;
}

/* Has the watermark reached t (a record held for --max-delay at t may
 * go, a period ending at t is over)?  Never before any event. */
static inline int
rt_clock_due(const struct rt_clock *c, int64_t t)
{
	return rt_clock_started(c) && t <= rt_clock_watermark(c);
}

/* Event time t was seen (a record's, or the idle timer's): 1 when it
 * moved the clock forward (the caller then closes what the watermark
 * passed), 0 when t is not newer than the newest. */
static inline int
rt_clock_advance(struct rt_clock *c, int64_t t)
{
	if (rt_clock_started(c) && t <= c->newest)
		return 0;
	c->newest = t;
	return 1;
}

/* Set the idle timeout (0: no idle timer). */
static inline void
rt_clock_set_idle(struct rt_clock *c, int64_t idle)
{
	c->idle = idle;
}

/* A record came (whatever became of it): the idle timer restarts.  Reads
 * the wall clock only with an idle timeout. */
static inline void
rt_clock_touch(struct rt_clock *c)
{
	if (c->idle)
		c->last_wall = rt_time_now_us();
}

/*
 * Nothing to read: wait in poll(2) on fds[0, n) (the caller's: its input,
 * the signal pipe, children...) for at most timeout milliseconds (-1: no
 * limit of the caller's), and no longer than until the idle timer is due
 * when it runs: the clock has an idle timeout, has started, a record has
 * come, and armed is true (the caller holds something time would
 * release).  Returns poll's result (-1 with errno, EINTR included).  When
 * the idle timer fired (poll timed out with the timer due), *to is the
 * event time to move to, the newest plus the wall time since the last
 * record, and the timer restarts from now; otherwise *to is INT64_MIN.
 * The clock itself does not move: the caller passes *to to whatever
 * advances it (rt_clock_advance, rt_win_advance).
 */
int rt_clock_wait(struct rt_clock *c, struct pollfd *fds, nfds_t n,
    int timeout, int armed, int64_t *to);

/* The clock's part of a binary state: the newest event time, 8 bytes in
 * host order (INT64_MIN before any event).  rt_clock_load reads them
 * back from *p (at most end - *p bytes), moving *p past them: 0, or -1
 * when fewer than 8 bytes are left (nothing read, the clock unchanged).
 * The idle timer is not state: it starts again with the next record. */
void rt_clock_save(const struct rt_clock *c, struct rt_buf *b);
int rt_clock_load(struct rt_clock *c, const char **p, const char *end);

/* Set the newest event time as a state in another form held it
 * (INT64_MIN: none seen). */
void rt_clock_restore(struct rt_clock *c, int64_t newest);

/* Is the clock one a state file may hold (no time, or a time in
 * rtpipe(7)'s range)? */
int rt_clock_valid(const struct rt_clock *c);

#endif
