/*
 * rt-replay - play recorded records back in event-time pace, or at a fixed
 * rate, with absolute deadlines so long runs do not drift.  See
 * rt-replay(1).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "loop.h"
#include "jedit.h"
#include "number.h"

enum {
	OPT_TIME = RT_OPT_TOOL, OPT_SPEED, OPT_RATE, OPT_FROM, OPT_TO,
	OPT_STAMP
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	RT_OPTTAB_ARG("time", OPT_TIME,
	    "F", "event time field (default ts)"),
	RT_OPTTAB_ARG("speed", OPT_SPEED,
	    "X", "X times real time (default 1; 60: an hour\n"
	    "a minute; max: no pacing)"),
	RT_OPTTAB_ARG("rate", OPT_RATE,
	    "N[/s]", "N records a second, whatever their times"),
	RT_OPTTAB_ARG("from", OPT_FROM,
	    "TIME", "drop records before TIME"),
	RT_OPTTAB_ARG("to", OPT_TO,
	    "TIME", "drop records at or after TIME"),
	RT_OPTTAB_ARG("stamp", OPT_STAMP,
	    "F", "add field F: the wall-clock send time, in\n"
	    "microseconds since the epoch"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-replay [OPTION]... [FILE]...\n"
	    "Play records back in event-time pace, or at a fixed rate.\n\n",
	    opts, "\n",
	    RT_CLI_GROUPS(rt_cli_time_opts, rt_cli_common_opts),
	    "\nExit status: 0 all records played, 1 some rejected, "
	    "2 trouble.\nSee rt-replay(1) and rtpipe(7).\n");
}

struct replay {
	const char *time_field;
	double speed;		/* 0: as fast as possible */
	double rate;		/* records a second; 0: by event time */
	int64_t from, to;	/* RT_TIME_NONE when not given */
	const char *stamp;
	/* The run. */
	int64_t t0;		/* event time of the first record played */
	struct timespec w0;	/* monotonic clock when it was played */
	uint64_t played;
	int64_t behind_max;	/* microseconds behind schedule, at worst */
	int64_t at;		/* event time of the last record played */
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf out;
	struct rt_cli *cli;
};

static int64_t
ts_us(const struct timespec *t)
{
	return (int64_t)t->tv_sec * RT_US_PER_S + t->tv_nsec / 1000;
}

/* Sleep until the monotonic deadline w0 + off microseconds, flushing what
 * is written first, or until a signal asks us to stop (rt_cli_term);
 * returns how late we already were (0 if on time). */
static int64_t
wait_until(struct rt_cli *cli, const struct timespec *w0, int64_t off)
{
	struct timespec now, dl;
	struct pollfd pfd = { rt_cli_term_fd(), POLLIN, 0 };
	int64_t at = ts_us(w0) + off, late;

	clock_gettime(CLOCK_MONOTONIC, &now);
	late = ts_us(&now) - at;
	if (late >= 0)
		return late;
	rt_cli_idle(cli);	/* what was written leaves before we sleep */
	dl.tv_sec = (time_t)(at / RT_US_PER_S);
	dl.tv_nsec = (long)(at % RT_US_PER_S) * 1000;
	while (!rt_cli_term && late < 0) {
		int r;

		/* Most of the wait in poll(2), which the wake-up pipe ends
		 * whenever the signal comes; the last 2 ms to the microsecond,
		 * which a signal interrupts. */
		if (-late > 2000) {
			int64_t ms = (-late - 1000) / 1000;

			r = poll(&pfd, 1, ms > 1000000000 ? 1000000000 : (int)ms);
		} else {
			r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl,
			    NULL) == EINTR ? -1 : 0;
		}
		if (r == -1)
			rt_cli_idle(cli);	/* SIGUSR1: stats */
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = ts_us(&now) - at;
	}
	return 0;
}

/* Microseconds, rounded; an absurdly slow pace (--speed 1e-300) waits
 * "forever" (a century) rather than overflowing into "at once". */
static int64_t
us_round(double us)
{
	return us < 3.2e15 ? (int64_t)llround(us) : (int64_t)3.2e15;
}

/* Where in the schedule record number k with event time t belongs. */
static int64_t
schedule(struct replay *rp, int64_t t)
{
	if (rp->rate > 0)
		return us_round((double)rp->played * 1e6 / rp->rate);
	if (rp->speed == 0)
		return 0;
	if (t < rp->t0)
		return 0;	/* out of order: as soon as possible */
	return us_round((double)(t - rp->t0) / rp->speed);
}

static void
stamp(struct replay *rp, const struct rt_jdoc *d, const char **p, size_t *n)
{
	struct rt_buf *v;

	rt_jedit_start(&rp->edit, d);
	v = rt_jedit_key(&rp->edit, rp->stamp, strlen(rp->stamp));
	rt_buf_addi(v, rt_time_now_us());
	rp->out.len = 0;
	rt_jedit_finish(&rp->edit, &rp->out);
	*p = rp->out.p;
	*n = rp->out.len;
}

/* The event time of r, or a reason to reject it. */
static const char *
event_time(struct rt_cli *cli, struct replay *rp, const struct rt_jdoc *d,
    int64_t *t)
{
	const struct rt_jnode *v;
	uint32_t i;
	struct rt_buf s = RT_BUF_INIT;
	const char *err;

	i = rt_jdoc_get(d, 0, rp->time_field, strlen(rp->time_field));
	if (i == 0)
		return "time field missing";
	v = &d->v[i];
	if (v->type == RT_JNUM)
		return rt_time_read(rt_jdoc_text(d, i), v->len, 1, &cli->topt, t);
	if (v->type != RT_JSTR)
		return "time field is not a string or a number";
	if (!(v->flags & RT_JF_ESC))
		return rt_time_read(rt_jdoc_text(d, i) + 1, v->len - 2, 0,
		    &cli->topt, t);
	rt_jdoc_str(d, i, &s);
	err = rt_time_read(s.p, s.len, 0, &cli->topt, t);
	rt_buf_release(&s);
	return err;
}

static void
play(struct rt_cli *cli, struct replay *rp, const struct rt_rec *r)
{
	const char *p = r->p, *err;
	const struct rt_jdoc *d = NULL;
	size_t n = r->len;
	int64_t t = 0, late;
	char why[128];
	int timed = rp->rate == 0 || rp->from != RT_TIME_NONE ||
	    rp->to != RT_TIME_NONE;

	/* Reading the time or adding the stamp needs an object; without
	 * either (--rate alone), any line passes. */
	if ((timed || rp->stamp) &&
	    (d = rt_cli_object(cli, r, &rp->doc)) == NULL)
		return;
	if (timed) {
		if ((err = event_time(cli, rp, d, &t)) != NULL) {
			snprintf(why, sizeof why, "%s: %s", rp->time_field, err);
			rt_cli_reject(cli, r, why);
			return;
		}
		if ((rp->from != RT_TIME_NONE && t < rp->from) ||
		    (rp->to != RT_TIME_NONE && t >= rp->to)) {
			rt_cli_drop(cli);
			return;
		}
	}
	if (rp->played == 0) {
		rp->t0 = t;
		clock_gettime(CLOCK_MONOTONIC, &rp->w0);
	}
	rp->at = timed ? t : INT64_MIN;
	late = wait_until(cli, &rp->w0, schedule(rp, t));
	if (rt_cli_term) {
		/* Stopped while waiting: the record was not played. */
		cli->st.in--;
		return;
	}
	if (late > rp->behind_max)
		rp->behind_max = late;
	if (rp->stamp)
		stamp(rp, d, &p, &n);
	rt_cli_emit(cli, r, p, n);
	/* On schedule, each record leaves at its time; far behind, records
	 * go out in blocks to catch up. */
	if (late < 10000 && rt_out_flush(&cli->out) == -1)
		rt_cli_stdout_failed(cli, cli->out.err);
	rp->played++;
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct replay *rp = arg;

	rt_stats_member(b, "behind_max_us", (uint64_t)rp->behind_max);
}

static int64_t
time_arg(struct rt_cli *cli, const char *opt, const char *s)
{
	int64_t t;
	const char *err = rt_time_read(s, strlen(s), 0, &cli->topt, &t);

	if (err)
		rt_cli_usage_error(cli, "--%s: %s: '%s'", opt, err, s);
	return t;
}

static void
options(struct rt_cli *cli, struct replay *rp, int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	char *end;
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		switch (opt) {
		case OPT_TIME: rp->time_field = optarg; break;
		case OPT_STAMP: rp->stamp = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_SPEED:
			if (strcmp(optarg, "max") == 0) {
				rp->speed = 0;
				break;
			}
			rp->speed = strtod(optarg, &end);
			if (*end || end == optarg || !(rp->speed > 0) ||
			    isinf(rp->speed))
				rt_cli_bad_value(cli, "speed", optarg,
				    "a positive number or max");
			break;
		case OPT_RATE:
			rp->rate = strtod(optarg, &end);
			if ((*end && strcmp(end, "/s") != 0) || end == optarg ||
			    !(rp->rate > 0) || isinf(rp->rate))
				rt_cli_bad_value(cli, "rate", optarg,
				    "a positive rate (N or N/s)");
			break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
	}
	/* After the time options, which say how to read these. */
	if (from)
		rp->from = time_arg(cli, "from", from);
	if (to)
		rp->to = time_arg(cli, "to", to);
}

/* Where the replay is in event time (the progress line shows it). */
static int64_t
position(void *arg)
{
	return ((const struct replay *)arg)->at;
}

static void
on_record(void *arg, struct rt_rec *r)
{
	struct replay *rp = arg;

	play(rp->cli, rp, r);
}

int
main(int argc, char *argv[])
{
	struct rt_cli cli;
	struct replay rp;

	rt_cli_init(&cli, "rt-replay", usage, opts);
	memset(&rp, 0, sizeof rp);
	rp.time_field = "ts";
	rp.speed = 1;
	rp.from = rp.to = RT_TIME_NONE;
	options(&cli, &rp, argc, argv);
	rt_jdoc_init(&rp.doc, 0);
	rt_jedit_init(&rp.edit);
	rt_cli_report(&cli, extra_stats, position, &rp);
	rp.at = INT64_MIN;
	cli.nowait = 1;
	rt_cli_start(&cli, argc, argv, optind);
	/* SIGTERM, SIGINT, SIGHUP: the line being written is finished (a
	 * reader never sees half a record), then the run ends. */
	rt_cli_catch_term();
	rp.cli = &cli;
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record, .arg = &rp });
	rt_jdoc_release(&rp.doc);
	rt_jedit_release(&rp.edit);
	rt_buf_release(&rp.out);
	return rt_cli_finish(&cli);
}
