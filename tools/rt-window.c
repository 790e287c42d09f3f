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
#include <unistd.h>

#include "cli.h"
#include "evclock.h"
#include "jedit.h"
#include "state.h"
#include "window.h"
#include "wopts.h"
#include "wread.h"

enum {
	OPT_TIME = RT_OPT_TOOL, OPT_SLIDING, OPT_ROWS, OPT_LAG, OPT_CLOSED,
	OPT_TUMBLE, OPT_HOP, OPT_SIZE, OPT_SESSION, OPT_OFFSET, OPT_EMIT,
	OPT_DCAP, OPT_MAXDELAY, OPT_LATENESS, OPT_LATE, OPT_LATEPASS,
	OPT_IDLE, OPT_STATE, OPT_FLUSH, OPT_MAXKEYS, OPT_TTL
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "key", required_argument, NULL, 'k' },
	{ "agg", required_argument, NULL, 'a' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "sliding", required_argument, NULL, OPT_SLIDING },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "lag", required_argument, NULL, OPT_LAG },
	{ "closed", required_argument, NULL, OPT_CLOSED },
	{ "tumble", required_argument, NULL, OPT_TUMBLE },
	{ "hop", required_argument, NULL, OPT_HOP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "emit", required_argument, NULL, OPT_EMIT },
	{ "distinct-cap", required_argument, NULL, OPT_DCAP },
	{ "max-delay", required_argument, NULL, OPT_MAXDELAY },
	{ "allowed-lateness", required_argument, NULL, OPT_LATENESS },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "late-pass", no_argument, NULL, OPT_LATEPASS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "flush", no_argument, NULL, OPT_FLUSH },
	{ "max-keys", required_argument, NULL, OPT_MAXKEYS },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-window [OPTION]... [FILE]...\n"
	    "Keyed event-time windows: look-back features on every record, or\n"
	    "one record per key and window when the window closes.\n\n"
	    "Windows:\n"
	    "      --sliding DUR        look back DUR from each record (repeat)\n"
	    "      --rows N             the key's last N records (repeat)\n"
	    "      --lag DUR            shift the previous --sliding DUR into\n"
	    "                           the past\n"
	    "      --closed MODE        right (default: (t-size, t]) or both\n"
	    "      --tumble DUR         tumbling windows, emitted on close\n"
	    "      --hop DUR --size DUR hopping windows\n"
	    "      --session GAP        session windows\n"
	    "      --offset DUR         align windows to the epoch plus DUR\n"
	    "      --emit MODE          enrich, close or both\n"
	    "Keys and aggregates:\n"
	    "  -k, --key F[,F...]       window per key (default: one global)\n"
	    "  -a, --agg [NAME=]AGG     count, sum:F, avg:F, min:F, max:F,\n"
	    "                           stddev:F, distinct:F, first:F, last:F,\n"
	    "                           count_if:F=VALUE, prev:F, since_prev\n"
	    "      --distinct-cap N     distinct values tracked per window\n"
	    "                           (default 10000)\n"
	    "Time and state:\n"
	    "      --time F             event time field (default ts), or\n"
	    "                           'arrival' for the wall clock\n"
	    "      --max-delay DUR      watermark = newest time - DUR (default 0)\n"
	    "      --allowed-lateness DUR  accept records this far behind it\n"
	    "      --late FILE          write late records to FILE\n"
	    "      --late-pass          pass late records on with \"_late\":true\n"
	    "      --idle-timeout DUR   when input is quiet, advance time with\n"
	    "                           the wall clock\n"
	    "      --state FILE         load and save the windows' state\n"
	    "      --flush              with --state: the input ends here, close\n"
	    "                           every window at the end\n"
	    "      --max-keys N         keep at most N keys (least recent go)\n"
	    "      --ttl DUR            forget keys idle for DUR of event time\n\n",
	    stdout);
	fputs(rt_cli_time_help, stdout);
	fputs(rt_cli_common_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected or late, "
	    "2 trouble.\nSee rt-window(1) and rtpipe(7).\n", stdout);
}

struct rw {
	struct rt_cli *cli;
	struct rt_wopts o;	/* the options; o.c the engine's configuration */
	struct rt_win *w;
	struct rt_clock *clk;	/* the engine's */
	struct rt_wread rd;	/* records into events */
	const char *late_path;
	struct rt_out late;	/* --late FILE */
	uint64_t nlate;
	const char *state_path;
	int lock_fd;		/* the state's lock, held to the end */
	/* Per record scratch. */
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf out;
};

/* ---- options ------------------------------------------------------- */

static void
check(struct rt_cli *cli, const char *err)
{
	if (err)
		rt_cli_usage_error(cli, "%s", err);
}

/* The options that shape the windows and their aggregates: 0 when opt
 * is not one. */
static int
window_option(struct rt_cli *cli, struct rt_wopts *o, int opt,
    const char *arg)
{
	static const char *const closing[] = { "tumble", "hop", "session" };
	int ci = opt == OPT_TUMBLE ? 0 : opt == OPT_HOP ? 1 : 2;

	switch (opt) {
	case 'a': check(cli, rt_wopts_agg(o, arg)); break;
	case OPT_SLIDING:
		check(cli, rt_wopts_sliding(o, rt_cli_dur(cli, "sliding", arg,
		    0), arg));
		break;
	case OPT_ROWS:
		rt_wopts_rows(o, (uint32_t)rt_cli_count(cli, "rows", arg, 1,
		    UINT32_MAX));
		break;
	case OPT_LAG:
		check(cli, rt_wopts_lag_ok(o));
		check(cli, rt_wopts_lag(o, rt_cli_dur(cli, "lag", arg, 1), arg));
		break;
	case OPT_CLOSED: check(cli, rt_wopts_closed(o, arg)); break;
	case OPT_TUMBLE:
	case OPT_HOP:
	case OPT_SESSION:
		check(cli, rt_wopts_close(o, ci == 0 ? RT_WC_TUMBLE : ci == 1 ?
		    RT_WC_HOP : RT_WC_SESSION));
		check(cli, rt_wopts_close_size(o, rt_cli_dur(cli, closing[ci],
		    arg, 0), arg));
		break;
	case OPT_SIZE: o->size = rt_cli_dur(cli, "size", arg, 0); break;
	case OPT_OFFSET:
		o->c.offset = rt_cli_dur(cli, "offset", arg, 1);
		o->offset_given = 1;
		break;
	case OPT_EMIT: check(cli, rt_wopts_emit(o, arg)); break;
	case OPT_DCAP:
		o->dcap_given = 1;
		o->c.distinct_cap = (uint32_t)rt_cli_count(cli, "distinct-cap",
		    arg, 1, UINT32_MAX);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Keys, time and state: 0 when opt is not one of them. */
static int
other_option(struct rt_cli *cli, struct rw *rw, int opt, const char *arg)
{
	struct rt_wopts *o = &rw->o;

	switch (opt) {
	case 'k': rt_wopts_keys(o, arg); break;
	case OPT_TIME: o->time_field = arg; break;
	case OPT_MAXDELAY:
		o->c.max_delay = rt_cli_dur(cli, "max-delay", arg, 1);
		break;
	case OPT_LATENESS:
		o->c.lateness = rt_cli_dur(cli, "allowed-lateness", arg, 1);
		break;
	case OPT_LATE: rw->late_path = arg; o->late_file = 1; break;
	case OPT_LATEPASS: o->late_pass = 1; break;
	case OPT_IDLE: o->idle = rt_cli_dur(cli, "idle-timeout", arg, 0); break;
	case OPT_STATE: rw->state_path = arg; o->state = 1; break;
	case OPT_FLUSH: o->flush = 1; break;
	case OPT_MAXKEYS:
		o->c.max_keys = (uint32_t)rt_cli_count(cli, "max-keys", arg, 1,
		    UINT32_MAX);
		break;
	case OPT_TTL: o->c.ttl = rt_cli_dur(cli, "ttl", arg, 0); break;
	default:
		return 0;
	}
	return 1;
}

static void
options(struct rt_cli *cli, struct rw *rw, int argc, char **argv)
{
	int opt, li;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS "k:a:", longopts,
	    &li)) != -1) {
		if (window_option(cli, &rw->o, opt, optarg) ||
		    other_option(cli, rw, opt, optarg))
			continue;
		if (opt == '?' || opt == ':' || !rt_cli_opt(cli, opt, optarg))
			rt_cli_bad_option(cli, argv, opt);
	}
	check(cli, rt_wopts_finish(&rw->o));
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
	} else if (rw->late_path) {
		if (rt_out_write(&rw->late, r->raw, r->rawlen) == -1 ||
		    rt_out_putc(&rw->late, '\n') == -1 ||
		    rt_out_end(&rw->late) == -1)
			rt_cli_fatal(cli, "%s: %s", rw->late_path,
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
	const struct rt_jdoc *d = rt_rec_parse(r, &rw->doc);
	struct rt_wev ev;
	const char *err;
	int i;

	if (d == NULL) {
		rt_cli_reject_json(cli, r, &rw->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	if (rt_wread_find(&rw->rd, d))
		rt_cli_fcheck(cli, &rw->rd.fc);
	if ((err = rt_wread_time(&rw->rd, d, &cli->topt, &ev.t)) != NULL) {
		reject_field(cli, r, rw->o.time_field, err);
		return;
	}
	if ((i = rt_wread_key(&rw->rd, d)) >= 0) {
		reject_field(cli, r, rw->o.c.keys[i], "key field missing");
		return;
	}
	if (rt_clock_is_late(rw->clk, ev.t)) {
		late_record(rw, r, d, ev.t);
		return;
	}
	rt_wread_event(&rw->rd, d, &ev);
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

/* A hint from the keys sniffed ahead (lib/sniff.h). */
static void
prefetch(void *arg, uint64_t h, int stage)
{
	const struct rw *rw = arg;

	rt_win_prefetch(rw->w, h, stage);
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

static void
load_state(struct rw *rw)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *why;
	size_t body;

	if (rt_state_load(rw->state_path, &b) == -1) {
		if (errno == ENOENT)
			return;
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path,
		    strerror(errno));
	}
	why = rt_state_check(&b, "rt-window", rw->o.config.p, rw->o.config.len,
	    &body);
	if (why == NULL)
		why = rt_win_load(rw->w, b.p + body, b.len - body);
	if (why)
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path, why);
	rt_buf_release(&b);
}

/* Output first, then the state: a run killed in between writes its output
 * again when run again (at least once), and never loses it. */
static void
save_state(struct rw *rw)
{
	struct rt_buf b = RT_BUF_INIT;

	rt_cli_idle(rw->cli);
	rt_state_header(&b, "rt-window", rw->o.config.p, rw->o.config.len);
	rt_win_save(rw->w, &b);
	if (rt_state_save(rw->state_path, b.p, b.len) == -1)
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path,
		    strerror(errno));
	rt_buf_release(&b);
}

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	if (ctl->kind == RT_CTL_BARRIER)
		save_state(arg);
}

/* ---- the run ------------------------------------------------------- */

/* Options, the engine, the state loaded, the --late file: before the
 * sandbox (rt_cli_start). */
static void
setup(struct rt_cli *cli, struct rw *rw, int argc, char **argv)
{
	const char *tf;

	rt_cli_init(cli, "rt-window", usage);
	rw->cli = cli;
	rt_wopts_init(&rw->o);
	options(cli, rw, argc, argv);
	tf = strcmp(rw->o.time_field, "arrival") == 0 ? NULL :
	    rw->o.time_field;
	rt_wread_init(&rw->rd, &rw->o.c, tf, prefetch, rw);
	rt_jdoc_init(&rw->doc, 0);
	rt_jedit_init(&rw->edit);
	rw->w = rt_win_new(&rw->o.c, emit_window, rw);
	rw->clk = rt_win_clock(rw->w);
	rt_clock_set_idle(rw->clk, rw->o.idle);
	if (rw->state_path) {
		rw->lock_fd = rt_cli_state_lock(cli, rw->state_path);
		load_state(rw);
		cli->control = on_control;
		cli->control_arg = rw;
		rt_cli_allow(cli, rw->state_path, RT_SB_WRITE | RT_SB_DIR);
	}
	/* Late records are few: each goes to the file at once. */
	if (rw->late_path && rt_out_open(&rw->late, rw->late_path) == -1)
		rt_cli_fatal(cli, "%s: %s", rw->late_path, strerror(errno));
	rw->late.unbuffered = 1;
	cli->st.extra = extra_stats;
	cli->st.extra_arg = rw;
	cli->nowait = 1;
	cli->evtime = newest;
	cli->evtime_arg = rw;
}

/* Nothing to read: save the state if asked (SIGUSR1), flush, then wait
 * for input, a signal, or the idle timer while windows are open. */
static void
wait_input(struct rw *rw)
{
	struct pollfd pfd[2] = {
		{ rt_src_fd(&rw->cli->src), POLLIN, 0 },
		{ rt_cli_term_fd(), POLLIN, 0 }
	};
	int64_t to;

	if (rw->state_path && rt_cli_usr1)
		save_state(rw);
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
	if (!rw->state_path || (rw->o.flush && !rt_cli_term))
		rt_win_close_all(rw->w);
	if (rw->state_path)
		save_state(rw);
	if (rw->late_path && rt_out_close(&rw->late) == -1)
		rt_cli_fatal(rw->cli, "%s: %s", rw->late_path,
		    strerror(rw->late.err));
	rt_cli_fcheck(rw->cli, &rw->rd.fc);
	k = rt_cli_finish(rw->cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	if (rw->state_path)
		close(rw->lock_fd);
	rt_win_free(rw->w);
	rt_wread_release(&rw->rd);
	rt_jdoc_release(&rw->doc);
	rt_jedit_release(&rw->edit);
	rt_buf_release(&rw->out);
	return k;
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct rw rw;
	struct rt_rec rec;
	const char *p;
	int k;

	setup(&cli, &rw, argc, argv);
	rt_cli_start(&cli, argc, argv, optind);
	if (rw.state_path)
		rt_cli_catch_term();
	while (!rt_cli_term && (k = rt_cli_next(&cli, &rec)) != 0) {
		if (k != 1) {
			wait_input(&rw);
			continue;
		}
		if (rw.o.c.nkeys) {
			size_t n = rt_src_ahead(&cli.src, &p);

			rt_sniff_next(&rw.rd.sniff, p, n);
		}
		record(&rw, &rec);
		rt_clock_touch(rw.clk);
	}
	return finish(&rw);
}
