/*
 * rt-alert - the last stage of a detection pipeline: pick the records
 * worth an alert, raise one alert per incident (suppression per key in
 * event time), cap the rate, keep an investigator's top K per period, and
 * deliver each alert (stdout, a command, syslog) without losing it.
 * See rt-alert(1).
 *
 * Every input record ends up written (as the record inside its alert),
 * rejected, or dropped by a rule the user gave (not alert-worthy,
 * suppressed, throttled, outranked); --stats shows the counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "aopt.h"
#include "cli.h"
#include "loop.h"
#include "deliver.h"
#include "jqb.h"
#include "rule.h"
#include "rulecli.h"

enum { OPT_WHEN = RT_OPT_TOOL, OPT_EXITSTATUS, OPT_NOFAST };

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	RT_OPTTAB_GROUP(rt_rule_opts),
	RT_OPTTAB_ARG("when", OPT_WHEN,
	    "COND", "jq condition for alert-worthy records\n"
	    "(default: ._class is there and not \"ok\")"),
	RT_OPTTAB_ARG("key", 'k',
	    "F[,F...]", "incidents are per key (default: one)"),
	RT_OPTTAB_ARG("suppress", RT_AOPT_SUPPRESS,
	    "DUR", "after an alert, suppress the key's\n"
	    "alerts within DUR of event time"),
	RT_OPTTAB_ARG("time", RT_AOPT_TIME,
	    "F|arrival", "event time field (default ts, and arrival\n"
	    "for records without one)"),
	RT_OPTTAB_ARG("max-delay", RT_AOPT_MAXDELAY,
	    "DUR", "hold records to put up to DUR of\n"
	    "disorder back in event-time order"),
	RT_OPTTAB_ARG("rate", RT_AOPT_RATE,
	    "N/DUR", "at most N alerts per DUR (event time);\n"
	    "what is held back goes in a summary"),
	RT_OPTTAB_ARG("top", RT_AOPT_TOP,
	    "K --per DUR", "the K best alerts of each period"),
	RT_OPTTAB_ARG("by", RT_AOPT_BY,
	    "F", "score field for alerts and --top\n"
	    "(default _score)"),
	RT_OPTTAB_ARG("format", RT_DLV_OPT_FORMAT,
	    "FMT", "json (default), csv or text"),
	RT_OPTTAB_ARG("template", RT_DLV_OPT_TEMPLATE,
	    "TEXT", "text alerts: {alert_id}, {key}, {_rules},\n"
	    "any field of the record ... (values\n"
	    "with control characters escaped)"),
	RT_OPTTAB_ARG("exec", RT_DLV_OPT_EXEC,
	    "'CMD ARG...'", "run CMD per alert (no shell): the\n"
	    "alert on stdin, short fields in\n"
	    "RT_ALERT_* variables"),
	RT_OPTTAB_ARG("exec-batch", RT_DLV_OPT_EXEC_BATCH,
	    "N|DUR|N/DUR", "one run of CMD for up to N alerts\n"
	    "(default 1000), or those of DUR, as\n"
	    "NDJSON on its stdin"),
	RT_OPTTAB_ARG("exec-timeout", RT_DLV_OPT_EXEC_TIMEOUT,
	    "DUR", "kill a delivery after DUR (default 10s)"),
	RT_OPTTAB_ARG("exec-concurrency", RT_DLV_OPT_EXEC_CONC,
	    "N", "deliveries at once (default 1)"),
	RT_OPTTAB_ARG("retries", RT_DLV_OPT_RETRIES,
	    "N", "retries of a failed delivery (default 2)"),
	RT_OPTTAB_ARG("retry-delay", RT_DLV_OPT_RETRY_DELAY,
	    "DUR", "first retry after DUR, doubling\n"
	    "(default 100ms)"),
	{ "syslog", optional_argument, RT_DLV_OPT_SYSLOG,
	  "[=FACILITY]", "log alerts to syslog (default user)", NULL, NULL },
	RT_OPTTAB_FLAG("tee", RT_DLV_OPT_TEE,
	    "with --exec or --syslog: write the\n"
	    "alerts on stdout too"),
	RT_OPTTAB_ARG("idle-timeout", RT_AOPT_IDLE,
	    "DUR", "when input is quiet for DUR, event time\n"
	    "moves on with the wall clock (periods\n"
	    "close, summaries go out)"),
	RT_OPTTAB_ARG("max-keys", RT_AOPT_MAXKEYS,
	    "N", "with --suppress: keep at most N keys (the\n"
	    "least recently seen is forgotten)"),
	RT_OPTTAB_ARG("state", RT_AOPT_STATE,
	    "FILE", "keep suppression, rate and top-K state\n"
	    "between runs"),
	RT_OPTTAB_FLAG("flush", RT_AOPT_FLUSH,
	    "with --state: close everything at the end"),
	RT_OPTTAB_FLAG("exit-status", OPT_EXITSTATUS,
	    "exit 0 if an alert was raised, else 1"),
	RT_OPTTAB_ARG("latency-from", RT_DLV_OPT_LATENCY,
	    "F", "F holds an ingest stamp (epoch us):\n"
	    "--stats reports stamp-to-alert delays"),
	RT_OPTTAB_FLAG("no-fast-path", OPT_NOFAST,
	    "evaluate --when with libjq only"),
	RT_OPTTAB_ARG("per", RT_AOPT_PER,
	    NULL, NULL),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage_tables("Usage: rt-alert [OPTION]... [FILE]...\n"
	    "Raise one alert per incident from scored records, and deliver "
	    "it.\n\n",
	    RT_CLI_GROUPS(opts, rt_rule_opts), "\n",
	    RT_CLI_GROUPS(rt_cli_common_opts, rt_cli_time_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble;\nwith --exit-status: 0 alerts raised, 1 none, "
	    "2 trouble.\nSee rt-alert(1) and rtpipe(7).\n");
}

struct al {
	struct rt_cli *cli;
	struct rt_aopt opt;	/* the engines' options, --state */
	struct rt_asel sel;	/* alert-worthy records and their time */
	struct rt_alert eng;	/* suppression, rate, top K, --max-delay */
	struct rt_deliver dl;	/* formats, --exec, syslog */
	const char *when;	/* --when */
	int no_fast;
	struct rt_rule_opts ro;	/* --max-eval-ms, --no-env ... */
	struct rt_rules rs;
	int exit_status;
	int lock_fd;		/* the state's lock, held to the end */
};

static void
options(struct rt_cli *cli, struct al *a, int argc, char **argv)
{
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		if (rt_aopt_opt(&a->opt, opt, optarg) ||
		    rt_deliver_opt(&a->dl, opt, optarg))
			continue;
		switch (opt) {
		case OPT_WHEN: a->when = optarg; break;
		case OPT_EXITSTATUS: a->exit_status = 1; break;
		case OPT_NOFAST: a->no_fast = 1; break;
		default:
			if (!rt_rulecli_opt(cli, &a->ro, opt, optarg))
				rt_cli_other(cli, argv, opt, optarg);
		}
	}
	rt_aopt_check(&a->opt);
	rt_deliver_check_needs(&a->dl);
	if (a->no_fast && !a->when)
		rt_cli_usage_error(cli, "--no-fast-path goes with --when (the "
		    "default condition is not a jq program)");
	rt_deliver_check_targets(&a->dl);
}

/* ---- the record path ----------------------------------------------- */

/* What the selection has to tell. */
static void
notes(struct al *a)
{
	if (a->sel.note & RT_ASEL_NOTE_WHEN)
		rt_cli_warn(a->cli, "--when: jq error: %s (the record is not "
		    "alert-worthy; counted in --stats)", rt_rules_errmsg(&a->rs,
		    0));
	if (a->sel.note & RT_ASEL_NOTE_FC)
		rt_cli_fcheck(a->cli, &a->sel.fc);
	a->sel.note = 0;
}

static void
record(struct al *a, const struct rt_rec *r)
{
	struct rt_cli *cli = a->cli;
	int k = rt_asel_record(&a->sel, r);

	if (a->sel.note)
		notes(a);
	if (k == RT_ASEL_DROP && a->when && a->rs.over >= 0)
		rt_cli_reject(cli, r, "--when: over the evaluation budget");
	else if (k == RT_ASEL_DROP)
		rt_cli_drop(cli);
	else if (k == RT_ASEL_BAD_JSON)
		rt_cli_reject_json(cli, r, &a->sel.doc);
	else if (k == RT_ASEL_REJECT)
		rt_cli_reject(cli, r, a->sel.why);
	else if (rt_alert_add(&a->eng, a->sel.d, r->p, r->len, a->sel.t,
	    r->line) == RT_ALERT_LATE)
		rt_cli_reject(cli, r, "late: its --per period has closed");
}

/* The engines' hooks. */
static void
on_alert(void *arg, const char *json, size_t n, uint64_t line, int summary)
{
	rt_deliver_put(&((struct al *)arg)->dl, json, n, line, summary);
}

static void
on_drop(void *arg)
{
	rt_cli_drop(((struct al *)arg)->cli);
}

static void
on_broken(void *arg, const char *what)
{
	rt_cli_fatal(((struct al *)arg)->cli, "internal error: %s", what);
}

/* ---- state --------------------------------------------------------- */

/* Output first, then the state: a run killed in between writes its
 * alerts again when run again (at least once), and never loses them. */
static void
save_state(struct al *a)
{
	rt_cli_idle(a->cli);
	if (rt_alert_write(&a->eng, a->opt.state_path) == -1)
		rt_cli_fatal(a->cli, "%s: %s", a->opt.state_path,
		    strerror(errno));
}

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	if (ctl->kind == RT_CTL_BARRIER)
		save_state(arg);
}

/* ---- stats ----------------------------------------------------------- */

static void
extra_stats(struct rt_buf *b, void *arg)
{
	struct al *a = arg;
	const struct rt_alert *e = &a->eng;
	const struct rt_deliver *dl = &a->dl;
	const struct { const char *name; uint64_t n; int on; } m[] = {
		{ "worthy", a->sel.worthy, 1 }, { "raised", dl->raised, 1 },
		{ "suppressed", e->suppressed, 1 },
		{ "throttled", e->throttled, 1 },
		{ "outranked", e->outranked, 1 }, { "late", e->late, 1 },
		{ "summaries", dl->summaries, 1 },
		{ "delivery_failures", dl->failures, 1 },
		{ "deliveries", dl->xp.delivered, dl->use_exec },
		{ "retries", dl->xp.retried, dl->use_exec },
		{ "keys", e->supp.keymap.count, e->c.suppress != 0 },
		{ "evicted", e->supp.evicted, e->c.suppress && e->c.max_keys },
		{ "when_errors", a->when ? a->rs.r[0].errors : 0, a->when != NULL }
	};

	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (m[i].on)
			rt_stats_member(b, m[i].name, m[i].n);
	if (dl->latency_from)
		rt_deliver_latency(&a->dl, b);
}

/* The newest event time, for the stats file and the progress line. */
static int64_t
newest(void *arg)
{
	return rt_alert_newest(&((const struct al *)arg)->eng);
}

/* ---- main ------------------------------------------------------------ */

static void
setup(struct rt_cli *cli, struct al *a, int argc, char **argv)
{
	struct rt_alert_hooks h = { on_alert, on_drop, on_broken, a };
	struct rt_alert_conf *c = &a->opt.c;
	struct rt_buf err = RT_BUF_INIT;

	rt_cli_init(cli, "rt-alert", usage, opts);
	a->cli = cli;
	rt_aopt_init(&a->opt, cli);
	rt_deliver_init(&a->dl, cli);
	rt_rule_opts_init(&a->ro);
	options(cli, a, argc, argv);
	rt_asel_init(&a->sel, NULL, c->keys, c->nkeys, a->opt.time_field,
	    a->opt.time_given, &cli->topt);
	rt_deliver_check_cmd(&a->dl);
	rt_rulecli_done(cli, &a->ro, a->no_fast);
	if (a->when && rt_rules_cond(&a->rs, "--when", a->when, &a->ro,
	    &err) != 0)
		rt_cli_usage_error(cli, "%s", rt_buf_cstr(&err));
	err.len = 0;
	a->sel.when = a->when ? &a->rs : NULL;
	c->when = a->when ? a->when : "";
	c->time_field = a->opt.time_field ? a->opt.time_field : "";
	rt_alert_init(&a->eng, c, &h);
	if (a->opt.state_path) {
		a->lock_fd = rt_cli_state_lock(cli, a->opt.state_path);
		if (rt_alert_read(&a->eng, a->opt.state_path, &err) == -1)
			rt_cli_fatal(cli, "%s: %s", a->opt.state_path,
			    rt_buf_cstr(&err));
		cli->control = on_control;
		cli->control_arg = a;
		rt_cli_allow(cli, a->opt.state_path, RT_SB_WRITE | RT_SB_DIR);
	}
	rt_buf_release(&err);
	rt_deliver_start(&a->dl);
	rt_cli_report(cli, extra_stats, newest, a);
	cli->nowait = 1;
}

/* Nothing to read: flush, then wait for input, the commands, or the
 * idle timeout. */
static void
wait_input(void *arg)
{
	struct al *a = arg;
	struct pollfd pfd[64] = { { rt_src_fd(&a->cli->src), POLLIN, 0 },
	    { rt_cli_term_fd(), POLLIN, 0 } };
	int n = 2, timeout = -1;

	rt_cli_idle(a->cli);
	rt_deliver_quiet(&a->dl);
	n += rt_deliver_pollfds(&a->dl, pfd + 2, 62, &timeout);
	if (rt_alert_wait(&a->eng, pfd, (nfds_t)n, timeout) == -1 &&
	    errno != EINTR)
		rt_cli_fatal(a->cli, "poll: %s", strerror(errno));
	rt_deliver_service(&a->dl);
}

/* The end of the input (or a signal): what is held goes out, or into the
 * state; the deliveries are waited for; returns the exit status. */
static int
finish(struct al *a)
{
	int rc;

	/* A signal is not the end of the input: the state keeps what is
	 * held, --flush or not. */
	if (!a->opt.state_path || (a->opt.flush && !rt_cli_term))
		rt_alert_flush(&a->eng);
	rt_deliver_finish(&a->dl);
	if (a->opt.state_path)
		save_state(a);
	rt_cli_fcheck(a->cli, &a->sel.fc);
	rc = rt_cli_finish(a->cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	if (a->opt.state_path)
		close(a->lock_fd);
	if (a->exit_status && rc != RT_EXIT_TROUBLE)
		rc = a->dl.raised > 0 ? 0 : 1;
	return rc;
}

static void
on_record(void *arg, struct rt_rec *r)
{
	struct al *a = arg;

	record(a, r);
	rt_alert_touch(&a->eng);
	rt_deliver_tick(&a->dl);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct al a;
	int k;

	setup(&cli, &a, argc, argv);
	rt_cli_start(&cli, argc, argv, optind);
	if (a.opt.state_path)
		rt_cli_catch_term();
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record,
	    .wait = wait_input, .arg = &a });
	k = finish(&a);
	rt_deliver_release(&a.dl);
	if (a.when)
		rt_rules_free(&a.rs);
	rt_jqb_shutdown();
	rt_alert_release(&a.eng);
	rt_asel_release(&a.sel);
	return k;
}
