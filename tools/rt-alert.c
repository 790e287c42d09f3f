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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "deliver.h"
#include "field.h"
#include "jqb.h"
#include "mem.h"
#include "rule.h"
#include "state.h"

enum {
	OPT_WHEN = RT_OPT_TOOL, OPT_SUPPRESS, OPT_TIME, OPT_MAXDELAY,
	OPT_RATE, OPT_TOP, OPT_PER, OPT_BY, OPT_FORMAT, OPT_TEMPLATE,
	OPT_EXEC, OPT_EXECTIMEOUT, OPT_EXECCONC, OPT_RETRIES, OPT_RETRYDELAY,
	OPT_SYSLOG, OPT_STATE, OPT_FLUSH, OPT_EXITSTATUS, OPT_LATENCY,
	OPT_NOFAST, OPT_IDLE, OPT_MAXKEYS, OPT_TEE, OPT_EXECBATCH
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "when", required_argument, NULL, OPT_WHEN },
	{ "key", required_argument, NULL, 'k' },
	{ "suppress", required_argument, NULL, OPT_SUPPRESS },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "max-delay", required_argument, NULL, OPT_MAXDELAY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "per", required_argument, NULL, OPT_PER },
	{ "by", required_argument, NULL, OPT_BY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "exec-timeout", required_argument, NULL, OPT_EXECTIMEOUT },
	{ "exec-concurrency", required_argument, NULL, OPT_EXECCONC },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-delay", required_argument, NULL, OPT_RETRYDELAY },
	{ "syslog", optional_argument, NULL, OPT_SYSLOG },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "flush", no_argument, NULL, OPT_FLUSH },
	{ "exit-status", no_argument, NULL, OPT_EXITSTATUS },
	{ "latency-from", required_argument, NULL, OPT_LATENCY },
	{ "no-fast-path", no_argument, NULL, OPT_NOFAST },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "max-keys", required_argument, NULL, OPT_MAXKEYS },
	{ "tee", no_argument, NULL, OPT_TEE },
	{ "exec-batch", required_argument, NULL, OPT_EXECBATCH },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-alert [OPTION]... [FILE]...\n"
	    "Raise one alert per incident from scored records, and deliver it.\n\n"
	    "      --when COND          jq condition for alert-worthy records\n"
	    "                           (default: ._class is there and not \"ok\")\n"
	    "  -k, --key F[,F...]       incidents are per key (default: one)\n"
	    "      --suppress DUR       after an alert, suppress the key's\n"
	    "                           alerts within DUR of event time\n"
	    "      --time F|arrival     event time field (default ts, and arrival\n"
	    "                           for records without one)\n"
	    "      --max-delay DUR      hold records to put up to DUR of\n"
	    "                           disorder back in event-time order\n"
	    "      --rate N/DUR         at most N alerts per DUR (event time);\n"
	    "                           what is held back goes in a summary\n"
	    "      --top K --per DUR    the K best alerts of each period\n"
	    "      --by F               score field for alerts and --top\n"
	    "                           (default _score)\n"
	    "      --format FMT         json (default), csv or text\n"
	    "      --template TEXT      text alerts: {alert_id}, {key}, {_rules},\n"
	    "                           any field of the record ... (values\n"
	    "                           with control characters escaped)\n"
	    "      --exec 'CMD ARG...'  run CMD per alert (no shell): the\n"
	    "                           alert on stdin, short fields in\n"
	    "                           RT_ALERT_* variables\n"
	    "      --exec-batch N|DUR|N/DUR  one run of CMD for up to N alerts\n"
	    "                           (default 1000), or those of DUR, as\n"
	    "                           NDJSON on its stdin\n"
	    "      --exec-timeout DUR   kill a delivery after DUR (default 10s)\n"
	    "      --exec-concurrency N deliveries at once (default 1)\n"
	    "      --retries N          retries of a failed delivery (default 2)\n"
	    "      --retry-delay DUR    first retry after DUR, doubling\n"
	    "                           (default 100ms)\n"
	    "      --syslog[=FACILITY]  log alerts to syslog (default user)\n"
	    "      --tee                with --exec or --syslog: write the\n"
	    "                           alerts on stdout too\n"
	    "      --idle-timeout DUR   when input is quiet for DUR, event time\n"
	    "                           moves on with the wall clock (periods\n"
	    "                           close, summaries go out)\n"
	    "      --max-keys N         with --suppress: keep at most N keys (the\n"
	    "                           least recently seen is forgotten)\n"
	    "      --state FILE         keep suppression, rate and top-K state\n"
	    "                           between runs\n"
	    "      --flush              with --state: close everything at the end\n"
	    "      --exit-status        exit 0 if an alert was raised, else 1\n"
	    "      --latency-from F     F holds an ingest stamp (epoch us):\n"
	    "                           --stats reports stamp-to-alert delays\n"
	    "      --no-fast-path       evaluate --when with libjq only\n\n",
	    stdout);
	fputs(rt_cli_common_help, stdout);
	fputs(rt_cli_time_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble;\nwith --exit-status: 0 alerts raised, 1 none, "
	    "2 trouble.\nSee rt-alert(1) and rtpipe(7).\n", stdout);
}

struct al {
	struct rt_cli *cli;
	struct rt_alert_conf conf;	/* the engines' options */
	struct rt_alert eng;	/* suppression, rate, top K, --max-delay */
	struct rt_deliver dl;	/* formats, --exec, syslog */
	/* Selection. */
	const char *when;
	int no_fast;
	struct rt_rules rs;
	unsigned char res[2];
	struct rt_fset cls;	/* "_class", found once per run of keys */
	/* Time. */
	const char *time_field;	/* NULL: arrival */
	int time_given;		/* --time was given: the field must be there */
	struct rt_fcheck fc;	/* -k and --time fields seen at all? */
	int fc_key[RT_FCHECK_MAX], fc_time;
	/* Options checked together. */
	int format_given, retry_delay_given, have_per;
	const char *exec_opt;	/* an option that needs --exec, if given */
	/* The state file. */
	const char *state_path;
	int flush, lock_fd;	/* the state's lock, held to the end */
	int exit_status;
	uint64_t worthy;
	struct rt_jdoc doc;
	struct rt_buf tmp;
};

/* ---- options ------------------------------------------------------- */

/* -k F[,F...]: the fields, kept for the run. */
static void
key_option(struct rt_cli *cli, struct rt_alert_conf *c, const char *arg)
{
	char *copy = rt_xstrdup(arg), *tok, *save;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		c->keys = rt_xreallocarray(c->keys, (size_t)c->nkeys + 1,
		    sizeof *c->keys);
		c->keys[c->nkeys++] = tok;
	}
	if (c->nkeys == 0)
		rt_cli_usage_error(cli, "--key: no field named");
}

/* --rate N/DUR ("10/h" is "10/1h"). */
static void
rate_option(struct rt_cli *cli, struct rt_alert_conf *c, char *arg)
{
	char *slash = strchr(arg, '/'), d[64];

	if (slash == NULL)
		rt_cli_usage_error(cli, "--rate: '%s': use N/DUR (100/1h)", arg);
	*slash = '\0';
	c->rate_n = (uint64_t)rt_cli_count(cli, "rate", arg, 1, INT32_MAX);
	*slash = '/';
	snprintf(d, sizeof d, "%s%s", slash[1] >= '0' && slash[1] <= '9' ?
	    "" : "1", slash + 1);
	c->rate_per = rt_cli_dur(cli, "rate", d, 0);
}

/* --exec-batch N, DUR or N/DUR. */
static void
batch_option(struct rt_cli *cli, struct rt_deliver *dl, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char n[32];

	dl->batch = 1;
	dl->batch_n = 1000;
	if (slash == NULL && arg[strspn(arg, "0123456789")] != '\0') {
		dl->batch_us = rt_cli_dur(cli, "exec-batch", arg, 0);
		return;
	}
	snprintf(n, sizeof n, "%.*s", slash ? (int)(slash - arg) : 31, arg);
	dl->batch_n = (size_t)rt_cli_count(cli, "exec-batch", n, 1, 1000000);
	if (slash)
		dl->batch_us = rt_cli_dur(cli, "exec-batch", slash + 1, 0);
}

/* The engines' options: 1 if opt was one. */
static int
engine_option(struct rt_cli *cli, struct al *a, int opt, char *arg)
{
	struct rt_alert_conf *c = &a->conf;

	switch (opt) {
	case 'k': key_option(cli, c, arg); break;
	case OPT_SUPPRESS: c->suppress = rt_cli_dur(cli, "suppress", arg, 0); break;
	case OPT_TIME:
		a->time_field = strcmp(arg, "arrival") == 0 ? NULL : arg;
		a->time_given = 1;
		break;
	case OPT_MAXDELAY: c->max_delay = rt_cli_dur(cli, "max-delay", arg, 1); break;
	case OPT_RATE: rate_option(cli, c, arg); break;
	case OPT_TOP: c->top = (size_t)rt_cli_count(cli, "top", arg, 1, INT32_MAX); break;
	case OPT_PER:
		c->per = rt_cli_dur(cli, "per", arg, 0);
		a->have_per = 1;
		break;
	case OPT_BY: c->by = arg; break;
	case OPT_IDLE: c->idle = rt_cli_dur(cli, "idle-timeout", arg, 0); break;
	case OPT_MAXKEYS:
		c->max_keys = (uint32_t)rt_cli_count(cli, "max-keys", arg, 1,
		    UINT32_MAX - 1);
		break;
	default: return 0;
	}
	return 1;
}

/* Delivery options: 1 if opt was one. */
static int
delivery_option(struct rt_cli *cli, struct al *a, int opt, char *arg)
{
	static const char *const fmts[] = { "json", "csv", "text" };
	struct rt_deliver *dl = &a->dl;
	char why[96];

	switch (opt) {
	case OPT_FORMAT:
		for (dl->format = 0; dl->format < 3; dl->format++)
			if (strcmp(arg, fmts[dl->format]) == 0)
				break;
		if (dl->format == 3)
			rt_cli_usage_error(cli, "--format: '%s': use json, csv "
			    "or text", arg);
		a->format_given = 1;
		break;
	case OPT_TEMPLATE:
		if (rt_deliver_tpl_check(arg, why, sizeof why) == -1)
			rt_cli_usage_error(cli, "--template: %s", why);
		dl->tpl = arg;
		break;
	case OPT_EXEC:
		if ((dl->exec_argv = rt_exec_split(arg)) == NULL)
			rt_cli_usage_error(cli, "--exec: no command");
		break;
	case OPT_EXECTIMEOUT:
		dl->exec_timeout = rt_cli_dur(cli, "exec-timeout", arg, 0);
		a->exec_opt = "exec-timeout";
		break;
	case OPT_EXECCONC:
		dl->exec_conc = (int)rt_cli_count(cli, "exec-concurrency", arg,
		    1, INT32_MAX);
		a->exec_opt = "exec-concurrency";
		break;
	case OPT_RETRIES:
		dl->retries = (int)rt_cli_count(cli, "retries", arg, 0, INT32_MAX);
		a->exec_opt = "retries";
		break;
	case OPT_RETRYDELAY:
		dl->retry_delay = rt_cli_dur(cli, "retry-delay", arg, 1);
		a->retry_delay_given = 1;
		a->exec_opt = "retry-delay";
		break;
	case OPT_EXECBATCH:
		batch_option(cli, dl, arg);
		a->exec_opt = "exec-batch";
		break;
	case OPT_TEE: dl->tee = 1; break;
	case OPT_SYSLOG:
		dl->use_syslog = 1;
		if (arg && (dl->facility = rt_deliver_facility(arg)) < 0)
			rt_cli_usage_error(cli, "--syslog: '%s': use user, daemon, "
			    "auth, authpriv or local0..local7", arg);
		break;
	case OPT_LATENCY: dl->latency_from = arg; break;
	default: return 0;
	}
	return 1;
}

/* Event-time durations beyond the span of times a state holds (10,000
 * years) are refused: time arithmetic then never overflows. */
static void
check_durations(struct rt_cli *cli, const struct rt_alert_conf *c)
{
	const struct { const char *opt; int64_t v; } d[] = {
		{ "suppress", c->suppress }, { "max-delay", c->max_delay },
		{ "rate", c->rate_per }, { "per", c->per },
		{ "idle-timeout", c->idle }
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (d[i].v > RT_STATE_DUR_MAX)
			rt_cli_usage_error(cli, "--%s: longer than 10000 years",
			    d[i].opt);
}

/* The engines' options that make sense only with others. */
static void
check_engines(struct rt_cli *cli, struct al *a)
{
	const struct rt_alert_conf *c = &a->conf;

	if (c->top && !a->have_per)
		rt_cli_usage_error(cli, "--top needs --per DUR");
	if (a->have_per && !c->top)
		rt_cli_usage_error(cli, "--per goes with --top K");
	if (c->top && c->rate_n)
		rt_cli_usage_error(cli, "--rate and --top do not combine (--top "
		    "already bounds the alerts of each period)");
	if (a->flush && !a->state_path)
		rt_cli_usage_error(cli, "--flush goes with --state");
	if (c->max_keys && !c->suppress)
		rt_cli_usage_error(cli, "--max-keys goes with --suppress");
	check_durations(cli, c);
}

/* The delivery options that make sense only with others. */
static void
check_delivery(struct rt_cli *cli, struct al *a)
{
	struct rt_deliver *dl = &a->dl;
	const char *fmt = dl->format == RT_DLV_TEXT ? "text" :
	    dl->format == RT_DLV_CSV ? "csv" : "json";

	/* -o csv|tsv, the common spelling, is --format csv (or its TSV). */
	if (cli->ofmt != RT_FMT_NDJSON) {
		if (a->format_given && dl->format != RT_DLV_CSV)
			rt_cli_usage_error(cli, "-o %s and --format %s disagree",
			    cli->ofmt == RT_FMT_TSV ? "tsv" : "csv", fmt);
		dl->format = RT_DLV_CSV;
		a->format_given = 1;
	}
	if (a->exec_opt && !dl->exec_argv)
		rt_cli_usage_error(cli, "--%s goes with --exec", a->exec_opt);
	if (a->retry_delay_given && dl->retries == 0)
		rt_cli_usage_error(cli, "--retry-delay: there is no retry with "
		    "--retries 0");
	if (a->no_fast && !a->when)
		rt_cli_usage_error(cli, "--no-fast-path goes with --when (the "
		    "default condition is not a jq program)");
	if (dl->tee && !dl->exec_argv && !dl->use_syslog)
		rt_cli_usage_error(cli, "--tee goes with --exec or --syslog "
		    "(alerts are on standard output already)");
	if (dl->tpl && a->format_given && dl->format != RT_DLV_TEXT)
		rt_cli_usage_error(cli, "--template is for --format text");
	if (dl->tpl)
		dl->format = RT_DLV_TEXT;
	if (dl->exec_argv && dl->use_syslog)
		rt_cli_usage_error(cli, "--exec and --syslog: choose one");
	/* Without --tee, --exec gets JSON and syslog text lines: a format
	 * for standard output would do nothing. */
	if (dl->exec_argv && !dl->tee && (a->format_given || dl->tpl))
		rt_cli_usage_error(cli, "--%s shapes standard output, which "
		    "--exec leaves empty (add --tee)", dl->tpl ? "template" :
		    "format");
	if (dl->use_syslog && !dl->tee && a->format_given &&
	    dl->format != RT_DLV_TEXT)
		rt_cli_usage_error(cli, "--format %s: syslog lines are text "
		    "(add --tee for standard output)", dl->format == RT_DLV_CSV ?
		    "csv" : "json");
	if (dl->format == RT_DLV_CSV && cli->ofmt == RT_FMT_NDJSON)
		cli->ofmt = RT_FMT_CSV;	/* the flat alert, by the CSV writer */
}

static void
options(struct rt_cli *cli, struct al *a, int argc, char **argv)
{
	int opt, li;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS "k:", longopts,
	    &li)) != -1) {
		if (engine_option(cli, a, opt, optarg) ||
		    delivery_option(cli, a, opt, optarg))
			continue;
		switch (opt) {
		case OPT_WHEN: a->when = optarg; break;
		case OPT_STATE: a->state_path = optarg; break;
		case OPT_FLUSH: a->flush = 1; break;
		case OPT_EXITSTATUS: a->exit_status = 1; break;
		case OPT_NOFAST: a->no_fast = 1; break;
		case '?':
		case ':':
			rt_cli_bad_option(cli, argv, opt);
		default:
			if (!rt_cli_opt(cli, opt, optarg))
				rt_cli_bad_option(cli, argv, opt);
		}
	}
	check_engines(cli, a);
	check_delivery(cli, a);
}

/* ---- the record path ----------------------------------------------- */

/* Is d worth an alert? */
static int
worthy(struct al *a, const struct rt_jdoc *d)
{
	uint32_t k;

	if (a->when) {
		rt_rules_eval(&a->rs, d, a->res);
		if (a->res[0] == RT_RULE_ERROR && !a->rs.r[0].reported) {
			a->rs.r[0].reported = 1;
			rt_cli_warn(a->cli, "--when: jq error: %s (the record "
			    "is not alert-worthy; counted in --stats)",
			    rt_rules_errmsg(&a->rs, 0));
		}
		return a->res[0] == RT_RULE_TRUE;
	}
	rt_fset_find(&a->cls, d, &k);
	if (k == 0 || d->v[k].type == RT_JNULL)
		return 0;
	return !(d->v[k].type == RT_JSTR && d->v[k].len == 4 &&
	    memcmp(rt_jdoc_text(d, k), "\"ok\"", 4) == 0);
}

/* Over the first records: are the -k and --time fields there at all? */
static void
check_fields(struct al *a, const struct rt_jdoc *d, const char *time_err)
{
	if (time_err == NULL || strcmp(time_err, "missing") != 0)
		rt_fcheck_saw(&a->fc, a->fc_time);
	for (int i = 0; i < a->conf.nkeys; i++)
		if (rt_jdoc_get(d, 0, a->conf.keys[i], strlen(a->conf.keys[i])))
			rt_fcheck_saw(&a->fc, a->fc_key[i]);
	if (rt_fcheck_look(&a->fc))
		rt_cli_fcheck(a->cli, &a->fc);
}

/* The event time of the alert-worthy record d into *t: 0, or -1 when it
 * is rejected. */
static int
event_time(struct al *a, const struct rt_rec *r, const struct rt_jdoc *d,
    int64_t *t)
{
	const char *err, *f = a->time_field;
	char why[160];

	err = f ? rt_field_time(d, f, strlen(f), &a->cli->topt, &a->tmp, t) :
	    "missing";
	if (!a->fc.told)
		check_fields(a, d, err);
	if (err && strcmp(err, "missing") == 0 && (f == NULL || !a->time_given)) {
		/* Arrival time: asked for, or without --time for records
		 * with no "ts". */
		*t = rt_time_now_us();
	} else if (err) {
		snprintf(why, sizeof why, "%.60s: %s", f,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		rt_cli_reject(a->cli, r, why);
		return -1;
	}
	if (!rt_state_time_ok(*t)) {
		/* Beyond what a state file holds (rtpipe(7), STATE FILES). */
		snprintf(why, sizeof why, "%.60s: time out of range",
		    f ? f : "arrival");
		rt_cli_reject(a->cli, r, why);
		return -1;
	}
	return 0;
}

static void
record(struct al *a, const struct rt_rec *r)
{
	struct rt_cli *cli = a->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &a->doc);
	int64_t t;

	if (d == NULL) {
		rt_cli_reject_json(cli, r, &a->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	/* Only alert-worthy records are timed: their event time is the
	 * clock of suppression, rates and periods (and others cost no time
	 * parse). */
	if (!worthy(a, d)) {
		rt_cli_drop(cli);
		return;
	}
	a->worthy++;
	if (event_time(a, r, d, &t) == -1)
		return;
	if (rt_alert_add(&a->eng, d, r->p, r->len, t, r->line) == RT_ALERT_LATE)
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

static void
config_text(const struct al *a, struct rt_buf *b)
{
	rt_alert_config(&a->eng, a->when ? a->when : "",
	    a->time_field ? a->time_field : "", b);
}

/* Output first, then the state: a run killed in between writes its
 * alerts again when run again (at least once), and never loses them. */
static void
save_state(struct al *a)
{
	struct rt_buf b = RT_BUF_INIT, cfg = RT_BUF_INIT;

	rt_cli_idle(a->cli);
	config_text(a, &cfg);
	rt_state_header(&b, "rt-alert", cfg.p, cfg.len);
	rt_alert_save(&a->eng, &b);
	if (rt_state_save(a->state_path, b.p, b.len) == -1)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, strerror(errno));
	rt_buf_release(&b);
	rt_buf_release(&cfg);
}

static void
load_state(struct al *a)
{
	struct rt_buf b = RT_BUF_INIT, cfg = RT_BUF_INIT, err = RT_BUF_INIT;
	const char *why;
	size_t body;

	if (rt_state_load(a->state_path, &b) == -1) {
		if (errno == ENOENT)
			return;
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, strerror(errno));
	}
	config_text(a, &cfg);
	why = rt_state_check(&b, "rt-alert", cfg.p, cfg.len, &body);
	if (why)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, why);
	if (rt_alert_load(&a->eng, b.p + body, b.len - body, &err) == -1)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, rt_buf_cstr(&err));
	rt_buf_release(&b);
	rt_buf_release(&cfg);
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

	rt_stats_member(b, "worthy", a->worthy);
	rt_stats_member(b, "raised", a->dl.raised);
	rt_stats_member(b, "suppressed", e->suppressed);
	rt_stats_member(b, "throttled", e->throttled);
	rt_stats_member(b, "outranked", e->outranked);
	rt_stats_member(b, "late", e->late);
	rt_stats_member(b, "summaries", a->dl.summaries);
	rt_stats_member(b, "delivery_failures", a->dl.failures);
	if (a->dl.use_exec) {
		rt_stats_member(b, "deliveries", a->dl.ex.delivered);
		rt_stats_member(b, "retries", a->dl.ex.retried);
	}
	if (a->conf.suppress) {
		rt_stats_member(b, "keys", e->supp.keymap.count);
		if (a->conf.max_keys)
			rt_stats_member(b, "evicted", e->supp.evicted);
	}
	if (a->when)
		rt_stats_member(b, "when_errors", a->rs.r[0].errors);
	if (a->dl.latency_from)
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
	static const struct rt_alert_hooks hooks = { on_alert, on_drop,
	    on_broken, NULL };
	struct rt_alert_hooks h = hooks;
	struct rt_buf err = RT_BUF_INIT;

	rt_cli_init(cli, "rt-alert", usage);
	a->cli = cli;
	a->conf.by = "_score";
	a->time_field = "ts";
	rt_deliver_init(&a->dl, cli);
	options(cli, a, argc, argv);
	for (int i = 0; i < a->conf.nkeys; i++)
		a->fc_key[i] = rt_fcheck_add(&a->fc, "-k", a->conf.keys[i]);
	a->fc_time = a->time_given && a->time_field ?
	    rt_fcheck_add(&a->fc, "--time", a->time_field) : -1;
	rt_deliver_check(&a->dl);
	if (a->when && rt_rules_cond(&a->rs, "--when", a->when, a->no_fast,
	    &err) != 0)
		rt_cli_usage_error(cli, "%s", rt_buf_cstr(&err));
	rt_buf_release(&err);
	h.arg = a;
	rt_alert_init(&a->eng, &a->conf, &h);
	rt_jdoc_init(&a->doc, 0);
	rt_fset_init(&a->cls);
	(void)rt_fset_add(&a->cls, "_class", 6);
	if (a->state_path) {
		a->lock_fd = rt_cli_state_lock(cli, a->state_path);
		load_state(a);
		cli->control = on_control;
		cli->control_arg = a;
		rt_cli_allow(cli, a->state_path, RT_SB_WRITE | RT_SB_DIR);
	}
	rt_deliver_start(&a->dl);
	cli->st.extra = extra_stats;
	cli->st.extra_arg = a;
	cli->nowait = 1;
	cli->evtime = newest;
	cli->evtime_arg = a;
}

/* Nothing to read: flush, then wait for input, the commands, or the
 * idle timeout. */
static void
wait_input(struct al *a)
{
	struct pollfd pfd[64];
	int n = 2, timeout = -1, ms, k;

	rt_cli_idle(a->cli);
	rt_deliver_quiet(&a->dl);
	pfd[0].fd = rt_src_fd(&a->cli->src);
	pfd[1].fd = rt_cli_term_fd();
	pfd[0].events = pfd[1].events = POLLIN;
	pfd[0].revents = pfd[1].revents = 0;
	n += rt_deliver_pollfds(&a->dl, pfd + 2, 62, &timeout);
	ms = rt_alert_idle_ms(&a->eng, rt_time_now_us());
	if (ms >= 0 && (timeout < 0 || ms < timeout))
		timeout = ms;
	if ((k = poll(pfd, (nfds_t)n, timeout)) == -1 && errno != EINTR)
		rt_cli_fatal(a->cli, "poll: %s", strerror(errno));
	if (k == 0)
		rt_alert_idle(&a->eng, rt_time_now_us());
	rt_deliver_service(&a->dl);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct al a;
	struct rt_rec rec;
	int k, rc;

	setup(&cli, &a, argc, argv);
	rt_cli_start(&cli, argc, argv, optind);
	if (a.state_path)
		rt_cli_catch_term();
	while (!rt_cli_term && (k = rt_cli_next(&cli, &rec)) != 0) {
		if (k == 1) {
			record(&a, &rec);
			if (a.conf.idle)
				rt_alert_wall(&a.eng, rt_time_now_us());
			rt_deliver_tick(&a.dl);
			continue;
		}
		wait_input(&a);
	}
	/* A signal is not the end of the input: the state keeps what is
	 * held, --flush or not. */
	if (!a.state_path || (a.flush && !rt_cli_term))
		rt_alert_flush(&a.eng);
	rt_deliver_finish(&a.dl);
	if (a.state_path)
		save_state(&a);
	rt_cli_fcheck(&cli, &a.fc);
	rc = rt_cli_finish(&cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	if (a.state_path)
		close(a.lock_fd);
	if (a.exit_status && rc != RT_EXIT_TROUBLE)
		rc = a.dl.raised > 0 ? 0 : 1;
	rt_deliver_release(&a.dl);
	if (a.when)
		rt_rules_free(&a.rs);
	rt_jqb_shutdown();
	rt_alert_release(&a.eng);
	rt_jdoc_release(&a.doc);
	return rc;
}
