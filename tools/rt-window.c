/*
 * rt-window - keyed event-time windows: look-back features on every
 * record, and tumbling, hopping and session windows emitted when they
 * close.  The options become the engine's configuration in lib/wopts.c,
 * each record its event in lib/wread.c; the engine is lib/window.c, its
 * clock lib/evclock.c.  This file wires them.  See rt-window(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "loop.h"
#include "evclock.h"
#include "jedit.h"
#include "tstate.h"
#include "window.h"
#include "wopts.h"
#include "wread.h"

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	{ "sliding", required_argument, RT_WO_SLIDING,
	  "DUR", "look back DUR from each record (repeat)", "Windows:", NULL },
	RT_OPTTAB_ARG("rows", RT_WO_ROWS,
	    "N", "the key's last N records (repeat)"),
	RT_OPTTAB_ARG("lag", RT_WO_LAG,
	    "DUR", "shift the previous --sliding DUR into\n"
	    "the past"),
	RT_OPTTAB_ARG("closed", RT_WO_CLOSED,
	    "MODE", "right (default: (t-size, t]) or both"),
	RT_OPTTAB_ARG("tumble", RT_WO_TUMBLE,
	    "DUR", "tumbling windows, emitted on close"),
	RT_OPTTAB_ARG("hop", RT_WO_HOP,
	    "DUR --size DUR", "hopping windows"),
	RT_OPTTAB_ARG("session", RT_WO_SESSION,
	    "GAP", "session windows"),
	RT_OPTTAB_ARG("offset", RT_WO_OFFSET,
	    "DUR", "align windows to the epoch plus DUR"),
	RT_OPTTAB_ARG("emit", RT_WO_EMIT,
	    "MODE", "enrich, close or both"),
	{ "key", required_argument, 'k',
	  "F[,F...]", "window per key (default: one global)", "Keys and "
	  "aggregates:", NULL },
	RT_OPTTAB_ARG("agg", 'a',
	    "[NAME=]AGG", "count, sum:F, avg:F, min:F, max:F,\n"
	    "stddev:F, distinct:F, first:F, last:F,\n"
	    "count_if:F=VALUE, prev:F, since_prev"),
	RT_OPTTAB_ARG("distinct-cap", RT_WO_DCAP,
	    "N", "distinct values tracked per window\n"
	    "(default 10000)"),
	{ "time", required_argument, RT_WO_TIME,
	  "F", "event time field (default ts), or\n"
	  "'arrival' for the wall clock", "Time and state:", NULL },
	RT_OPTTAB_ARG("max-delay", RT_WO_MAXDELAY,
	    "DUR", "watermark = newest time - DUR (default 0)"),
	RT_OPTTAB_ARG("allowed-lateness", RT_WO_LATENESS,
	    "DUR", "accept records this far behind it"),
	RT_OPTTAB_ARG("late", RT_WO_LATE,
	    "FILE", "write late records to FILE"),
	RT_OPTTAB_FLAG("late-pass", RT_WO_LATEPASS,
	    "pass late records on with \"_late\":true"),
	RT_OPTTAB_ARG("idle-timeout", RT_WO_IDLE,
	    "DUR", "when input is quiet, advance time with\n"
	    "the wall clock"),
	RT_OPTTAB_ARG("state", RT_WO_STATE,
	    "FILE", "load and save the windows' state"),
	RT_OPTTAB_FLAG("flush", RT_WO_FLUSH,
	    "with --state: the input ends here, close\n"
	    "every window at the end"),
	RT_OPTTAB_ARG("max-keys", RT_WO_MAXKEYS,
	    "N", "keep at most N keys (least recent go)"),
	RT_OPTTAB_ARG("ttl", RT_WO_TTL,
	    "DUR", "forget keys idle for DUR of event time"),
	RT_OPTTAB_ARG("size", RT_WO_SIZE,
	    NULL, NULL),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-window [OPTION]... [FILE]...\n"
	    "Keyed event-time windows: look-back features on every record, or\n"
	    "one record per key and window when the window closes.\n\n",
	    opts, "\n",
	    RT_CLI_GROUPS(rt_cli_time_opts, rt_cli_common_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected or late, "
	    "2 trouble.\nSee rt-window(1) and rtpipe(7).\n");
}

struct rw {
	struct rt_cli *cli;
	struct rt_wopts o;	/* the options; o.c the engine's configuration */
	struct rt_win *w;
	struct rt_clock *clk;	/* the engine's */
	struct rt_wread rd;	/* records into events */
	struct rt_out late;	/* --late FILE */
	uint64_t nlate;
	struct rt_tstate st;	/* --state FILE */
	/* Per record scratch. */
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf out;
};

/* ---- options ------------------------------------------------------- */

static void
options(struct rt_cli *cli, struct rw *rw, int argc, char **argv)
{
	const char *err;
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		if (rt_wopts_opt(&rw->o, cli, opt, optarg))
			continue;
		rt_cli_other(cli, argv, opt, optarg);
	}
	if ((err = rt_wopts_finish(&rw->o)) != NULL)
		rt_cli_usage_error(cli, "%s", err);
}

/* ---- records ------------------------------------------------------- */

/* A closed window's record: written, not counted as an input record. */
static void
emit_window(void *arg, const char *p, size_t n)
{
	struct rw *rw = arg;
	struct rt_rec r;

	if (rw->o.close_silent)
		return;
	memset(&r, 0, sizeof r);
	r.p = r.raw = p;
	r.len = r.rawlen = n;
	r.source = "window";
	rt_cli_emit_made(rw->cli, &r, p, n);
}

/* A late record: passed on marked, written to --late FILE as it came
 * (counted as dropped), or rejected with how far behind it is. */
static void
late_record(struct rw *rw, const struct rt_rec *r, const struct rt_jdoc *d,
    int64_t t)
{
	struct rt_cli *cli = rw->cli;
	char why[160], dur[40];

	rw->nlate++;
	if (rw->o.late_pass) {
		rt_jedit_start(&rw->edit, d);
		rt_jedit_set(&rw->edit, "_late", 5, "true", 4);
		rw->out.len = 0;
		rt_jedit_finish(&rw->edit, &rw->out);
		rt_cli_emit(cli, r, rw->out.p, rw->out.len);
	} else if (rw->o.late_path) {
		if (rt_out_write(&rw->late, r->raw, r->rawlen) == -1 ||
		    rt_out_putc(&rw->late, '\n') == -1 ||
		    rt_out_end(&rw->late) == -1)
			rt_cli_fatal(cli, "%s: %s", rw->o.late_path,
			    strerror(rw->late.err));
		rt_cli_drop(cli);
	} else {
		dur[rt_dur_fmt(rt_clock_behind(rw->clk, t), dur)] = '\0';
		snprintf(why, sizeof why, "late: %s behind the watermark "
		    "(see --allowed-lateness, --late)", dur);
		rt_cli_reject(cli, r, why);
	}
}

/* Reject r: field name (at most 100 bytes of it), then why. */
static void
reject_field(struct rt_cli *cli, const struct rt_rec *r, const char *name,
    const char *why)
{
	char m[200];

	snprintf(m, sizeof m, "%.100s: %s", name, why);
	rt_cli_reject(cli, r, m);
}

static void
record(struct rw *rw, const struct rt_rec *r)
{
	struct rt_cli *cli = rw->cli;
	const struct rt_jdoc *d;
	struct rt_wev ev;
	enum rt_wread_status k;

	if ((d = rt_cli_object(cli, r, &rw->doc)) == NULL)
		return;
	k = rt_wread_record(&rw->rd, d, &cli->topt, &ev);
	if (rw->rd.fc_due)
		rt_cli_fcheck(cli, &rw->rd.fc);
	if (k == RT_WR_BADTIME) {
		reject_field(cli, r, rw->o.time_field, rw->rd.why);
		return;
	}
	if (k == RT_WR_NOKEY) {
		reject_field(cli, r, rw->o.c.keys[rw->rd.nokey],
		    "key field missing");
		return;
	}
	if (rt_clock_is_late(rw->clk, ev.t)) {
		late_record(rw, r, d, ev.t);
		return;
	}
	rt_win_advance(rw->w, ev.t);
	if (rw->o.c.nwin || rw->o.c.enrich_close) {
		rt_jedit_start(&rw->edit, d);
		rt_win_add(rw->w, &ev, &rw->edit);
		rt_cli_emit_edit(cli, r, &rw->edit, &rw->out);
	} else {
		rt_win_add(rw->w, &ev, NULL);
		rt_cli_drop(cli);	/* taken into its windows */
	}
}

/* ---- stats and state ----------------------------------------------- */

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct rw *rw = arg;
	struct rt_wstats st;

	rt_win_stats(rw->w, &st);
	rt_stats_member(b, "late", rw->nlate);
	rt_stats_member(b, "windows", st.windows);
	rt_stats_member(b, "keys", st.keys);
	rt_stats_member(b, "events", st.events);
	rt_stats_member(b, "evicted", st.evicted);
	rt_stats_member(b, "expired", st.expired);
	rt_stats_member(b, "distinct_capped", st.capped);
}

/* The newest event time, for the stats file and the progress line. */
static int64_t
newest(void *arg)
{
	const struct rw *rw = arg;
	int64_t t = rt_clock_newest(rw->clk);

	return t == INT64_MIN || rw->cli->st.in == 0 ? INT64_MIN : t;
}

/* The engine's state, for lib/tstate. */
static void
save_body(void *arg, struct rt_buf *b)
{
	rt_win_save(((struct rw *)arg)->w, b);
}

static const char *
load_body(void *arg, const char *p, size_t n)
{
	return rt_win_load(((struct rw *)arg)->w, p, n);
}

/* ---- the run ------------------------------------------------------- */

/* Options, the engine, the state loaded, the --late file: before the
 * sandbox (rt_cli_start). */
static void
setup(struct rt_cli *cli, struct rw *rw, int argc, char **argv)
{
	const char *tf;

	rt_cli_init(cli, "rt-window", usage, opts);
	rw->cli = cli;
	rt_wopts_init(&rw->o);
	options(cli, rw, argc, argv);
	tf = strcmp(rw->o.time_field, "arrival") == 0 ? NULL :
	    rw->o.time_field;
	rw->w = rt_win_new(&rw->o.c, emit_window, rw);
	rt_wread_init(&rw->rd, &rw->o.c, tf, rt_win_prefetch, rw->w);
	rt_jdoc_init(&rw->doc, 0);
	rt_jedit_init(&rw->edit);
	rw->clk = rt_win_clock(rw->w);
	rt_clock_set_idle(rw->clk, rw->o.idle);
	rt_tstate_open(&rw->st, cli, rw->o.state_path, "rt-window",
	    rw->o.config.p, rw->o.config.len, save_body, load_body, rw);
	/* Late records are few: each goes to the file at once. */
	if (rw->o.late_path && rt_out_open(&rw->late, rw->o.late_path) == -1)
		rt_cli_fatal(cli, "%s: %s", rw->o.late_path, strerror(errno));
	rw->late.unbuffered = 1;
	rt_cli_report(cli, extra_stats, newest, rw);
	cli->nowait = 1;
}

/* Nothing to read: save the state if asked (SIGUSR1), flush, then wait
 * for input, a signal, or the idle timer while windows are open. */
static void
wait_input(void *arg)
{
	struct rw *rw = arg;
	struct pollfd pfd[2] = {
		{ rt_src_fd(&rw->cli->src), POLLIN, 0 },
		{ rt_cli_term_fd(), POLLIN, 0 }
	};
	int64_t to;

	if (rw->st.path && rt_cli_usr1)
		rt_tstate_save(&rw->st);
	rt_cli_idle(rw->cli);
	rt_clock_wait(rw->clk, pfd, 2, -1, rt_win_open(rw->w), &to);
	if (to != INT64_MIN)
		rt_win_advance(rw->w, to);
}

/* The end: windows closed (or kept in the state), everything written. */
static int
finish(struct rw *rw)
{
	int k;

	/* A signal is not the end of the input: the state keeps what is
	 * open, --flush or not. */
	if (!rw->st.path || (rw->o.flush && !rt_cli_term))
		rt_win_close_all(rw->w);
	if (rw->st.path)
		rt_tstate_save(&rw->st);
	if (rw->o.late_path && rt_out_close(&rw->late) == -1)
		rt_cli_fatal(rw->cli, "%s: %s", rw->o.late_path,
		    strerror(rw->late.err));
	rt_cli_fcheck(rw->cli, &rw->rd.fc);
	k = rt_cli_finish(rw->cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	rt_tstate_close(&rw->st);
	rt_win_free(rw->w);
	rt_wread_release(&rw->rd);
	rt_jdoc_release(&rw->doc);
	rt_jedit_release(&rw->edit);
	rt_buf_release(&rw->out);
	rt_wopts_release(&rw->o);
	return k;
}

static void
on_record(void *arg, struct rt_rec *r)
{
	struct rw *rw = arg;

	record(rw, r);
	rt_clock_touch(rw->clk);
}

/* The bytes ahead of the record: the keys of the next ones, looked up
 * (prefetched) while this one is worked on. */
static void
sniff(void *arg, const char *p, size_t n)
{
	struct rw *rw = arg;

	rt_sniff_next(&rw->rd.sniff, p, n);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct rw rw;

	setup(&cli, &rw, argc, argv);
	rt_cli_start(&cli, argc, argv, optind);
	if (rw.st.path)
		rt_cli_catch_term();
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record,
	    .ahead = rw.o.c.nkeys ? sniff : NULL, .wait = wait_input,
	    .arg = &rw });
	return finish(&rw);
}
