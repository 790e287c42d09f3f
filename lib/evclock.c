/*
 * evclock.c - the event-time clock (see evclock.h): watermark, lateness,
 * the idle timer and the clock's part of a state.
 */
#include "evclock.h"

#include <string.h>

#include "rtime.h"
#include "state.h"

void
rt_clock_init(struct rt_clock *c, int64_t max_delay, int64_t lateness,
    int64_t idle)
{
	memset(c, 0, sizeof *c);
	c->newest = INT64_MIN;
	c->max_delay = max_delay;
	c->lateness = lateness;
	c->idle = idle;
}

/* Does the idle timer run (see rt_clock_wait)? */
static int
idle_runs(const struct rt_clock *c, int armed)
{
	return c->idle && armed && c->last_wall && rt_clock_started(c);
}

int
rt_clock_wait(struct rt_clock *c, struct pollfd *fds, nfds_t n, int timeout,
    int armed, int64_t *to)
{
	int runs = idle_runs(c, armed), k;
	int64_t now;

	*to = INT64_MIN;
	if (runs) {
		int64_t left = c->last_wall + c->idle - rt_time_now_us();
		int ms = left > 0 ? (int)((left + 999) / 1000) : 0;

		if (timeout < 0 || ms < timeout)
			timeout = ms;
	}
	k = poll(fds, n, timeout);
	if (k != 0 || !runs)
		return k;
	now = rt_time_now_us();
	if (now >= c->last_wall + c->idle) {
		/* Quiet for the idle timeout: event time moves on with the
		 * wall clock. */
		*to = c->newest + (now - c->last_wall);
		c->last_wall = now;
	}
	return k;
}

void
rt_clock_save(const struct rt_clock *c, struct rt_buf *b)
{
	uint64_t v = (uint64_t)c->newest;

	rt_buf_add(b, &v, 8);
}

int
rt_clock_load(struct rt_clock *c, const char **p, const char *end)
{
	uint64_t v;

	if (end - *p < 8)
		return -1;
	memcpy(&v, *p, 8);
	*p += 8;
	c->newest = (int64_t)v;
	return 0;
}

void
rt_clock_restore(struct rt_clock *c, int64_t newest)
{
	c->newest = newest;
}

int
rt_clock_valid(const struct rt_clock *c)
{
	return !rt_clock_started(c) || rt_state_time_ok(c->newest);
}
