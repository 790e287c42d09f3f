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
#include <float.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "field.h"
#include "hash.h"
#include "heap.h"
#include "jqb.h"
#include "mem.h"
#include "number.h"
#include "rule.h"
#include "rulecli.h"
#include "astate.h"
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
	RT_RULE_LONGOPTS,
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
	    "      --no-fast-path       evaluate --when with libjq only\n",
	    stdout);
	fputs(rt_rule_help, stdout);
	fputs("\n", stdout);
	fputs(rt_cli_common_help, stdout);
	fputs(rt_cli_time_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble;\nwith --exit-status: 0 alerts raised, 1 none, "
	    "2 trouble.\nSee rt-alert(1) and rtpipe(7).\n", stdout);
}

enum { FMT_JSON, FMT_CSV, FMT_TEXT };

/* An alert held for --top until its period closes. */
struct held {
	double score;
	int64_t t;
	uint64_t seq, line;
	char *json;
	size_t len;
};

struct period {
	int64_t start;
	struct held *h;
	size_t n;
};

/* A worthy record held by --max-delay. */
struct pend {
	int64_t t;
	uint64_t seq, line;
	char *text;
	size_t len;
};

struct ekey {
	int64_t exp;
	uint32_t id;
};

struct al {
	struct rt_cli *cli;
	struct rt_fset cls;	/* "_class", found once per run of keys */
	/* Options. */
	const char *when;
	char **keys;
	int nkeys;
	int64_t suppress;
	const char *time_field;	/* NULL: arrival */
	struct rt_fcheck fc;	/* -k and --time fields seen at all? */
	int fc_key[RT_FCHECK_MAX], fc_time;
	int time_given;		/* --time was given: the field must be there */
	int64_t max_delay;
	uint64_t rate_n;
	int64_t rate_per;
	size_t top;
	int64_t per;
	const char *by;
	int format;
	int format_given;
	const char *tpl;
	char **exec_argv;
	int64_t exec_timeout, retry_delay;
	int exec_conc, retries, retry_delay_given;
	const char *exec_opt;	/* an option that needs --exec, if given */
	int batch;		/* --exec-batch */
	size_t batch_n;
	int64_t batch_us;
	int tee;
	int use_syslog;
	int facility;
	const char *state_path;
	int flush, exit_status, no_fast;
	struct rt_rule_opts ro;
	int64_t idle;		/* --idle-timeout */
	int64_t last_wall;	/* wall clock of the last record */
	const char *latency_from;
	/* Selection. */
	struct rt_rules rs;
	unsigned char res[2];
	/* Time. */
	int64_t maxt, wm;
	int have_t;
	uint64_t seq;
	/* Suppression per key. */
	struct rt_map keymap;
	int64_t *ta;
	uint64_t *supp;
	uint32_t *lprev, *lnext;	/* recency, least recent first */
	uint32_t lru_head, lru_tail;
	uint32_t cap, max_keys;
	uint64_t evicted;
	int lock_fd;		/* the state's lock, held to the end */
	struct rt_heap expiry;	/* struct ekey, soonest first */
	/* Rate. */
	int64_t rcur;		/* current period index */
	int rhave;
	uint64_t rcount, rthr, rthr_supp;
	/* Top K. */
	struct period *per_open;
	size_t nper;
	int64_t closed_upto;
	int have_closed;
	/* --max-delay. */
	struct rt_heap held;	/* struct pend, by time then seq */
	/* Delivery. */
	struct rt_exec ex;
	int use_exec;
	/* Latency. */
	int64_t *lat;
	size_t nlat, caplat;
	/* Counts. */
	uint64_t worthy, raised, suppressed, throttled, outranked, summaries,
	    delivery_failures, late;
	/* Kinds of delivery failure, each reported once ("exit status 3"),
	 * and how many of each. */
	struct fkind {
		char why[96];
		uint64_t n;
	} fk[8];
	int nfk;
	uint64_t fk_other;
	/* Scratch. */
	struct rt_jdoc doc, adoc, pdoc;
	struct rt_buf key, tmp, alert, text, flat, val;
};

/* ---- options ------------------------------------------------------- */

static int
facility_of(const char *s)
{
	static const struct { const char *n; int f; } fac[] = {
		{ "user", LOG_USER }, { "daemon", LOG_DAEMON },
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof fac / sizeof fac[0]; i++)
		if (strcmp(s, fac[i].n) == 0)
			return fac[i].f;
	return -1;
}

/* Split 'CMD ARG...' on blanks: no quoting, no shell. */
static char **
split_argv(const char *s)
{
	char *copy = rt_xstrdup(s), *tok, *save = NULL;
	char **v = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, " \t", &save); tok;
	    tok = strtok_r(NULL, " \t", &save)) {
		v = rt_xreallocarray(v, n + 2, sizeof *v);
		v[n++] = tok;
		v[n] = NULL;
	}
	if (n == 0)
		free(copy);
	return v;
}

/* Event-time durations beyond the span of times a state holds (10,000
 * years) are refused: time arithmetic then never overflows. */
static void
check_durations(struct rt_cli *cli, const struct al *a)
{
	const struct { const char *opt; int64_t v; } d[] = {
		{ "suppress", a->suppress }, { "max-delay", a->max_delay },
		{ "rate", a->rate_per }, { "per", a->per },
		{ "idle-timeout", a->idle }
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (d[i].v > RT_STATE_DUR_MAX)
			rt_cli_usage_error(cli, "--%s: longer than 10000 years",
			    d[i].opt);
}

/* A template is text with {name} fields; {{ and }} write braces.  A
 * brace that is neither is a usage error, named by its byte position. */
static void
check_template(struct rt_cli *cli, const char *tpl)
{
	const char *p, *e;

	for (p = tpl; *p; p++) {
		size_t at = (size_t)(p - tpl) + 1;

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			p++;
			continue;
		}
		if (*p == '}')
			rt_cli_usage_error(cli, "--template: the '}' at byte %zu "
			    "closes nothing (write }} for a brace)", at);
		if (*p != '{')
			continue;
		e = p + 1 + strcspn(p + 1, "{}");
		if (*e != '}')
			rt_cli_usage_error(cli, "--template: the '{' at byte %zu "
			    "is not closed (write {{ for a brace)", at);
		if (e == p + 1)
			rt_cli_usage_error(cli, "--template: the '{}' at byte "
			    "%zu names no field", at);
		p = e;
	}
}

/* --exec-batch N, DUR or N/DUR. */
static void
batch_option(struct rt_cli *cli, struct al *a, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char n[32];

	a->batch = 1;
	a->batch_n = 1000;
	if (slash == NULL && arg[strspn(arg, "0123456789")] != '\0') {
		a->batch_us = rt_cli_dur(cli, "exec-batch", arg, 0);
		return;
	}
	snprintf(n, sizeof n, "%.*s", slash ? (int)(slash - arg) : 31, arg);
	a->batch_n = (size_t)rt_cli_count(cli, "exec-batch", n, 1, 1000000);
	if (slash)
		a->batch_us = rt_cli_dur(cli, "exec-batch", slash + 1, 0);
}

/* The options that make sense only with others. */
static void
check_combinations(struct rt_cli *cli, struct al *a)
{
	/* -o csv|tsv, the common spelling, is --format csv (or its TSV). */
	if (cli->ofmt != RT_FMT_NDJSON) {
		if (a->format_given && a->format != FMT_CSV)
			rt_cli_usage_error(cli, "-o %s and --format %s disagree",
			    cli->ofmt == RT_FMT_TSV ? "tsv" : "csv",
			    a->format == FMT_TEXT ? "text" : "json");
		a->format = FMT_CSV;
		a->format_given = 1;
	}
	if (a->exec_opt && !a->exec_argv)
		rt_cli_usage_error(cli, "--%s goes with --exec", a->exec_opt);
	if (a->retry_delay_given && a->retries == 0)
		rt_cli_usage_error(cli, "--retry-delay: there is no retry with "
		    "--retries 0");
	if (a->no_fast && !a->when)
		rt_cli_usage_error(cli, "--no-fast-path goes with --when (the "
		    "default condition is not a jq program)");
	if (a->tee && !a->exec_argv && !a->use_syslog)
		rt_cli_usage_error(cli, "--tee goes with --exec or --syslog "
		    "(alerts are on standard output already)");
	if (a->tpl && a->format_given && a->format != FMT_TEXT)
		rt_cli_usage_error(cli, "--template is for --format text");
	if (a->tpl)
		a->format = FMT_TEXT;
	if (a->exec_argv && a->use_syslog)
		rt_cli_usage_error(cli, "--exec and --syslog: choose one");
	/* Without --tee, --exec gets JSON and syslog text lines: a format
	 * for standard output would do nothing. */
	if (a->exec_argv && !a->tee && (a->format_given || a->tpl))
		rt_cli_usage_error(cli, "--%s shapes standard output, which "
		    "--exec leaves empty (add --tee)", a->tpl ? "template" :
		    "format");
	if (a->use_syslog && !a->tee && a->format_given &&
	    a->format != FMT_TEXT)
		rt_cli_usage_error(cli, "--format %s: syslog lines are text "
		    "(add --tee for standard output)", a->format == FMT_CSV ?
		    "csv" : "json");
	if (a->format == FMT_CSV && cli->ofmt == RT_FMT_NDJSON)
		cli->ofmt = RT_FMT_CSV;	/* the flat alert, by the CSV writer */
}

static void
options(struct rt_cli *cli, struct al *a, int argc, char **argv)
{
	int opt, li, have_per = 0;
	char *tok, *save, *copy, *slash;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS "k:", longopts,
	    &li)) != -1) {
		switch (opt) {
		case OPT_WHEN: a->when = optarg; break;
		case 'k':
			copy = rt_xstrdup(optarg);
			for (tok = strtok_r(copy, ",", &save); tok;
			    tok = strtok_r(NULL, ",", &save)) {
				a->keys = rt_xreallocarray(a->keys,
				    (size_t)a->nkeys + 1, sizeof *a->keys);
				a->keys[a->nkeys++] = tok;
			}
			if (a->nkeys == 0)
				rt_cli_usage_error(cli, "--key: no field named");
			break;
		case OPT_SUPPRESS:
			a->suppress = rt_cli_dur(cli, "suppress", optarg, 0);
			break;
		case OPT_TIME:
			a->time_field = strcmp(optarg, "arrival") == 0 ? NULL :
			    optarg;
			a->time_given = 1;
			break;
		case OPT_MAXDELAY:
			a->max_delay = rt_cli_dur(cli, "max-delay", optarg, 1);
			break;
		case OPT_RATE:
			slash = strchr(optarg, '/');
			if (slash == NULL)
				rt_cli_usage_error(cli, "--rate: '%s': use N/DUR "
				    "(100/1h)", optarg);
			*slash = '\0';
			a->rate_n = (uint64_t)rt_cli_count(cli, "rate",
			    optarg, 1, INT32_MAX);
			*slash = '/';
			{
				char d[64];

				/* "10/h" means "10/1h". */
				snprintf(d, sizeof d, "%s%s",
				    slash[1] >= '0' && slash[1] <= '9' ? "" : "1",
				    slash + 1);
				a->rate_per = rt_cli_dur(cli, "rate", d, 0);
			}
			break;
		case OPT_TOP:
			a->top = (size_t)rt_cli_count(cli, "top",
			    optarg, 1, INT32_MAX);
			break;
		case OPT_PER:
			a->per = rt_cli_dur(cli, "per", optarg, 0);
			have_per = 1;
			break;
		case OPT_BY: a->by = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				a->format = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				a->format = FMT_CSV;
			else if (strcmp(optarg, "text") == 0)
				a->format = FMT_TEXT;
			else
				rt_cli_usage_error(cli, "--format: '%s': use "
				    "json, csv or text", optarg);
			a->format_given = 1;
			break;
		case OPT_TEMPLATE:
			check_template(cli, optarg);
			a->tpl = optarg;
			break;
		case OPT_EXEC:
			a->exec_argv = split_argv(optarg);
			if (a->exec_argv == NULL)
				rt_cli_usage_error(cli, "--exec: no command");
			break;
		case OPT_EXECTIMEOUT:
			a->exec_timeout = rt_cli_dur(cli, "exec-timeout", optarg,
			    0);
			a->exec_opt = "exec-timeout";
			break;
		case OPT_EXECCONC:
			a->exec_conc = (int)rt_cli_count(cli, "exec-concurrency",
			    optarg, 1, INT32_MAX);
			a->exec_opt = "exec-concurrency";
			break;
		case OPT_RETRIES:
			a->retries = (int)rt_cli_count(cli, "retries",
			    optarg, 0, INT32_MAX);
			a->exec_opt = "retries";
			break;
		case OPT_RETRYDELAY:
			a->retry_delay = rt_cli_dur(cli, "retry-delay", optarg, 1);
			a->retry_delay_given = 1;
			a->exec_opt = "retry-delay";
			break;
		case OPT_EXECBATCH:
			batch_option(cli, a, optarg);
			a->exec_opt = "exec-batch";
			break;
		case OPT_TEE: a->tee = 1; break;
		case OPT_SYSLOG:
			a->use_syslog = 1;
			if (optarg && (a->facility = facility_of(optarg)) < 0)
				rt_cli_usage_error(cli, "--syslog: '%s': use user, "
				    "daemon, auth, authpriv or local0..local7",
				    optarg);
			break;
		case OPT_STATE: a->state_path = optarg; break;
		case OPT_FLUSH: a->flush = 1; break;
		case OPT_EXITSTATUS: a->exit_status = 1; break;
		case OPT_LATENCY: a->latency_from = optarg; break;
		case OPT_NOFAST: a->no_fast = 1; break;
		case OPT_IDLE:
			a->idle = rt_cli_dur(cli, "idle-timeout", optarg, 0);
			break;
		case OPT_MAXKEYS:
			a->max_keys = (uint32_t)rt_cli_count(cli, "max-keys",
			    optarg, 1, UINT32_MAX - 1);
			break;
		case '?':
		case ':':
			rt_cli_bad_option(cli, argv, opt);
		default:
			if (!rt_rulecli_opt(cli, &a->ro, opt, optarg) &&
			    !rt_cli_opt(cli, opt, optarg))
				rt_cli_bad_option(cli, argv, opt);
		}
	}
	if (a->top && !have_per)
		rt_cli_usage_error(cli, "--top needs --per DUR");
	if (have_per && !a->top)
		rt_cli_usage_error(cli, "--per goes with --top K");
	if (a->top && a->rate_n)
		rt_cli_usage_error(cli, "--rate and --top do not combine (--top "
		    "already bounds the alerts of each period)");
	if (a->flush && !a->state_path)
		rt_cli_usage_error(cli, "--flush goes with --state");
	if (a->max_keys && !a->suppress)
		rt_cli_usage_error(cli, "--max-keys goes with --suppress");
	check_durations(cli, a);
	check_combinations(cli, a);
}

/* ---- alerts ---------------------------------------------------------- */

/* Values of an array or object joined: ["a","b"] -> a,b. */
static void
joined(const struct rt_jdoc *d, uint32_t k, const char *sep,
    struct rt_buf *out)
{
	uint32_t c;
	int first = 1;

	if (d->v[k].type != RT_JARR && d->v[k].type != RT_JOBJ) {
		rt_field_text(d, k, out);
		return;
	}
	for (c = rt_jdoc_first(d, k); c < d->v[k].next;
	    c = rt_jdoc_after(d, c)) {
		if (d->v[k].type == RT_JOBJ)
			c++;	/* the value after the key */
		if (!first)
			rt_buf_adds(out, sep);
		first = 0;
		rt_field_text(d, c, out);
	}
}

/*
 * Append p[0, n) to out with its control characters escaped, so that a
 * value can neither start a line of its own (a forged alert) nor move a
 * terminal's cursor: \n \r \t and \\ (a backslash, so that escapes are
 * unambiguous), \xHH for the other C0 controls and DEL, \u00HH for the
 * C1 controls and \u2028, \u2029 (line and paragraph separators).
 */
static void
put_escaped(struct rt_buf *out, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)p;

	for (size_t i = 0; i < n; i++) {
		unsigned c = u[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			rt_buf_addc(out, (char)c);
		} else if (c == '\n' || c == '\r' || c == '\t' || c == '\\') {
			rt_buf_addc(out, '\\');
			rt_buf_addc(out, c == '\n' ? 'n' : c == '\r' ? 'r' :
			    c == '\t' ? 't' : '\\');
		} else if (c < 0x80) {
			rt_buf_adds(out, "\\x");
			rt_buf_addc(out, hex[c >> 4]);
			rt_buf_addc(out, hex[c & 15]);
		} else if (c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f) {
			rt_buf_adds(out, "\\u00");
			rt_buf_addc(out, hex[u[i + 1] >> 4]);
			rt_buf_addc(out, hex[u[i + 1] & 15]);
			i++;
		} else if (c == 0xe2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
			rt_buf_adds(out, u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			i += 2;
		} else {
			rt_buf_addc(out, (char)c);
		}
	}
}

/* Render a text alert from the parsed alert d with template tpl (checked
 * by check_template); val is scratch. */
static void
render_text(const char *tpl, const struct rt_jdoc *d, struct rt_buf *out,
    struct rt_buf *val)
{
	uint32_t rec = rt_jdoc_get(d, 0, "record", 6);
	const char *p = tpl;

	while (*p) {
		const char *e;
		size_t n;
		uint32_t k;

		if (p[0] == '{' && p[1] == '{') {
			rt_buf_addc(out, '{');
			p += 2;
			continue;
		}
		if (p[0] == '}' && p[1] == '}') {
			rt_buf_addc(out, '}');
			p += 2;
			continue;
		}
		if (*p != '{' || (e = strchr(p, '}')) == NULL) {
			rt_buf_addc(out, *p++);
			continue;
		}
		n = (size_t)(e - p - 1);
		if ((k = rt_jdoc_get(d, 0, p + 1, n)) != 0 ||
		    (rec && (k = rt_jdoc_get(d, rec, p + 1, n)) != 0)) {
			val->len = 0;
			joined(d, k, ",", val);
			put_escaped(out, val->p, val->len);
		}
		p = e + 1;
	}
}

static const char default_tpl[] =
    "ALERT {alert_id} {time} key={key} class={class} score={score} "
    "rules={rules} suppressed={suppressed}";
static const char summary_tpl[] =
    "SUMMARY {alert_id} {time} throttled={throttled} "
    "suppressed={suppressed} from={window_start} to={window_end}";

static void
latency_note(struct al *a, const struct rt_jdoc *d)
{
	uint32_t rec, k;
	double x;

	if (!a->latency_from || (rec = rt_jdoc_get(d, 0, "record", 6)) == 0 ||
	    d->v[rec].type != RT_JOBJ ||
	    (k = rt_jdoc_get(d, rec, a->latency_from,
	    strlen(a->latency_from))) == 0 || !rt_field_num(d, k, &x))
		return;
	if (a->nlat == a->caplat) {
		a->caplat = a->caplat ? 2 * a->caplat : 1024;
		a->lat = rt_xreallocarray(a->lat, a->caplat, sizeof *a->lat);
	}
	a->lat[a->nlat++] = rt_time_now_us() - (int64_t)x;
}

/* The longest value an RT_ALERT_* variable is given: longer ones (and
 * values with a NUL, which would cut them) are left out. */
#define ENV_VALUE_MAX 4096

/* The RT_ALERT_* variables of alert d: its short members, as in a
 * template. */
static void
exec_env(struct al *a, const struct rt_jdoc *d, char ***envp, size_t *nenv)
{
	static const char *const names[] = { "alert_id", "time", "key",
	    "class", "score", "rules", "suppressed" };
	static char *env[16];
	size_t n = 0, pre;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		uint32_t k = rt_jdoc_get(d, 0, names[i], strlen(names[i]));

		a->text.len = 0;
		rt_buf_adds(&a->text, "RT_ALERT_");
		for (const char *c = i == 0 ? "id" : names[i]; *c; c++)
			rt_buf_addc(&a->text, (char)(*c >= 'a' && *c <= 'z' ?
			    *c - 'a' + 'A' : *c));
		rt_buf_addc(&a->text, '=');
		pre = a->text.len;
		if (k)
			joined(d, k, ",", &a->text);
		if (a->text.len - pre > ENV_VALUE_MAX ||
		    memchr(a->text.p + pre, '\0', a->text.len - pre))
			continue;
		free(env[n]);
		env[n] = rt_xmemdup(rt_buf_cstr(&a->text), a->text.len + 1);
		n++;
	}
	*envp = env;
	*nenv = n;
}

/* Write the alert on standard output in --format (counted as output when
 * counted). */
static void
to_stdout(struct al *a, const struct rt_jdoc *d, const char *json,
    size_t len, const struct rt_rec *r, int summary, int counted)
{
	if (a->format == FMT_CSV) {
		/* A flat object, written by the CSV writer (-o csv). */
		static const char *const cols[] = { "alert_id", "time", "key",
		    "class", "score", "rules", "suppressed", "throttled" };

		a->flat.len = 0;
		rt_buf_addc(&a->flat, '{');
		for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
			uint32_t k = rt_jdoc_get(d, 0, cols[i], strlen(cols[i]));

			if (i)
				rt_buf_addc(&a->flat, ',');
			rt_json_put_str(&a->flat, cols[i], strlen(cols[i]));
			rt_buf_addc(&a->flat, ':');
			a->text.len = 0;
			if (k)
				joined(d, k, ";", &a->text);
			rt_json_put_str(&a->flat, rt_buf_cstr(&a->text),
			    a->text.len);
		}
		rt_buf_addc(&a->flat, '}');
		json = a->flat.p;
		len = a->flat.len;
	} else if (a->format == FMT_TEXT) {
		a->text.len = 0;
		render_text(summary ? summary_tpl : a->tpl ? a->tpl :
		    default_tpl, d, &a->text, &a->val);
		json = rt_buf_cstr(&a->text);
		len = a->text.len;
	}
	if (counted)
		rt_cli_emit(a->cli, r, json, len);
	else
		rt_cli_emit_made(a->cli, r, json, len);
}

/* Hand the alert to --exec: alone, with its variables, or in a batch. */
static void
to_exec(struct al *a, const struct rt_jdoc *d, const char *json,
    size_t len, uint64_t tag)
{
	char **env = NULL;
	size_t nenv = 0;

	if (!a->batch)
		exec_env(a, d, &env, &nenv);
	/* One line on the command's input, as on standard output. */
	a->text.len = 0;
	rt_buf_add(&a->text, json, len);
	rt_buf_addc(&a->text, '\n');
	if (a->batch)
		rt_exec_add(&a->ex, a->text.p, a->text.len, tag);
	else
		rt_exec_submit(&a->ex, a->text.p, a->text.len, env, nenv, tag);
}

/* Deliver one finished alert (JSON text).  summary: not a record's. */
static void
deliver(struct al *a, const char *json, size_t len, uint64_t line,
    int summary)
{
	struct rt_cli *cli = a->cli;
	const struct rt_jdoc *d = NULL;
	struct rt_rec r;

	if (a->format != FMT_JSON || a->use_exec || a->use_syslog ||
	    a->latency_from) {
		if (rt_jdoc_parse(&a->adoc, json, len) != 0)
			rt_cli_fatal(cli, "internal error: alert is not JSON");
		d = &a->adoc;
	}
	if (!summary) {
		a->raised++;
		if (d)
			latency_note(a, d);
	} else {
		a->summaries++;
	}
	memset(&r, 0, sizeof r);
	r.p = r.raw = json;
	r.len = r.rawlen = len;
	r.source = "alert";
	r.line = line;
	if (a->use_exec)
		to_exec(a, d, json, len, summary ? UINT64_MAX : line);
	if (a->use_syslog) {
		a->text.len = 0;
		render_text(summary ? summary_tpl : a->tpl ? a->tpl :
		    default_tpl, d, &a->text, &a->val);
		syslog(LOG_WARNING, "%.*s", (int)a->text.len, a->text.p);
		if (!summary)
			cli->st.out++;
	}
	/* Delivered elsewhere, the alert is counted there; --tee logs it. */
	if (a->use_exec || a->use_syslog) {
		if (a->tee)
			to_stdout(a, d, json, len, &r, summary, 0);
		return;
	}
	to_stdout(a, d, json, len, &r, summary, !summary);
}

/* Count a delivery failure by its kind (why without its attempts);
 * returns 1 for the first of its kind. */
static int
failure_kind(struct al *a, const char *why)
{
	const char *cut = strstr(why, " (");
	int n = cut ? (int)(cut - why) : (int)strlen(why);

	for (int i = 0; i < a->nfk; i++)
		if (strncmp(a->fk[i].why, why, (size_t)n) == 0 &&
		    a->fk[i].why[n] == '\0') {
			a->fk[i].n++;
			return 0;
		}
	if (a->nfk == (int)(sizeof a->fk / sizeof a->fk[0])) {
		a->fk_other++;
		return 0;
	}
	snprintf(a->fk[a->nfk].why, sizeof a->fk[0].why, "%.*s", n, why);
	a->fk[a->nfk++].n = 1;
	return 1;
}

/* At exit: how many alerts were not delivered, by kind. */
static void
failure_summary(struct al *a)
{
	struct rt_buf b = RT_BUF_INIT;

	if (a->delivery_failures == 0)
		return;
	for (int i = 0; i < a->nfk; i++)
		rt_buf_printf(&b, "%s%s: %llu", i ? ", " : "", a->fk[i].why,
		    (unsigned long long)a->fk[i].n);
	if (a->fk_other)
		rt_buf_printf(&b, ", other: %llu",
		    (unsigned long long)a->fk_other);
	rt_cli_warn(a->cli, "%llu alert%s not delivered: %s",
	    (unsigned long long)a->delivery_failures,
	    a->delivery_failures == 1 ? "" : "s", rt_buf_cstr(&b));
	rt_buf_release(&b);
}

static void
exec_done(void *arg, const char *data, size_t n, uint64_t tag, int ok,
    const char *why)
{
	struct al *a = arg;
	struct rt_cli *cli = a->cli;
	struct rt_rec r;
	char reason[160];

	if (ok) {
		if (tag != UINT64_MAX)
			cli->st.out++;
		return;
	}
	a->delivery_failures++;
	memset(&r, 0, sizeof r);
	r.p = r.raw = data;
	r.len = r.rawlen = n;
	r.source = "alert";
	r.line = tag == UINT64_MAX ? 0 : tag;
	/* The item is one line: the reject keeps the alert without it. */
	if (n && data[n - 1] == '\n')
		r.len = r.rawlen = n - 1;
	snprintf(reason, sizeof reason, "delivery failed: %s", why);
	/* Reported once per kind; the reject file has every one. */
	if (failure_kind(a, why))
		rt_cli_warn(cli, "%s:%llu: %s; more failures like it are "
		    "counted in --stats", tag == UINT64_MAX ? "summary" :
		    "alert", (unsigned long long)r.line, reason);
	if (tag == UINT64_MAX) {
		/* A summary: it counts no input record, but its loss must
		 * show. */
		if (cli->rej.tofile)
			rt_rej_put(&cli->rej, r.source, r.line, reason, r.raw,
			    r.rawlen, NULL, 0);
		cli->trouble = 1;
		return;
	}
	if (cli->rej.tofile) {
		rt_cli_reject(cli, &r, reason);
	} else {
		cli->st.rejected++;	/* reported above */
		if (cli->strict)
			cli->stop = 1;
	}
}

/* Over the first records: are the -k and --time fields there at all? */
static void
check_fields(struct al *a, const struct rt_jdoc *d, const char *time_err)
{
	if (time_err == NULL || strcmp(time_err, "missing") != 0)
		rt_fcheck_saw(&a->fc, a->fc_time);
	for (int i = 0; i < a->nkeys; i++)
		if (rt_jdoc_get(d, 0, a->keys[i], strlen(a->keys[i])))
			rt_fcheck_saw(&a->fc, a->fc_key[i]);
	if (rt_fcheck_look(&a->fc))
		rt_cli_fcheck(a->cli, &a->fc);
}

/* The key text of record d into a->key ("" without --key). */
static void
key_text(struct al *a, const struct rt_jdoc *d)
{
	a->key.len = 0;
	for (int i = 0; i < a->nkeys; i++) {
		uint32_t k = rt_jdoc_get(d, 0, a->keys[i], strlen(a->keys[i]));

		if (i)
			rt_buf_addc(&a->key, '\0');
		if (k)
			rt_field_text(d, k, &a->key);
		else
			rt_buf_adds(&a->key, "\x01missing");
	}
}

static void
put_time(struct rt_buf *b, int64_t t)
{
	char tb[48];
	int digits = t % RT_US_PER_S == 0 ? 0 : t % 1000 == 0 ? 3 : 6;

	rt_buf_addc(b, '"');
	rt_buf_add(b, tb, rt_time_fmt(t, digits, tb));
	rt_buf_addc(b, '"');
}

/* Append the JSON text of member name of the record d, or dflt. */
static void
put_member(struct rt_buf *b, const struct rt_jdoc *d, const char *name,
    const char *dflt)
{
	uint32_t k = rt_jdoc_get(d, 0, name, strlen(name));

	if (k)
		rt_buf_add(b, rt_jdoc_text(d, k), d->v[k].len);
	else
		rt_buf_adds(b, dflt);
}

/* Build the alert for record d (text p[0, n)) at time t into a->alert. */
static void
build_alert(struct al *a, const struct rt_jdoc *d, const char *p, size_t n,
    int64_t t, uint64_t suppressed)
{
	struct rt_buf *b = &a->alert;
	uint64_t h;
	char id[24];

	h = rt_hash(a->key.p ? a->key.p : "", a->key.len);
	h ^= rt_hash(p, n) * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)t * 0xff51afd7ed558ccdULL;
	h = rt_hash(&h, sizeof h);
	snprintf(id, sizeof id, "%016llx", (unsigned long long)h);
	b->len = 0;
	rt_buf_adds(b, "{\"alert_id\":\"");
	rt_buf_adds(b, id);
	rt_buf_adds(b, "\",\"time\":");
	put_time(b, t);
	rt_buf_adds(b, ",\"key\":{");
	for (int i = 0; i < a->nkeys; i++) {
		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, a->keys[i], strlen(a->keys[i]));
		rt_buf_addc(b, ':');
		put_member(b, d, a->keys[i], "null");
	}
	rt_buf_adds(b, "},\"class\":");
	put_member(b, d, "_class", "null");
	rt_buf_adds(b, ",\"score\":");
	put_member(b, d, a->by, "null");
	rt_buf_adds(b, ",\"rules\":");
	put_member(b, d, "_rules", "[]");
	rt_buf_adds(b, ",\"suppressed\":");
	rt_buf_addu(b, suppressed);
	rt_buf_adds(b, ",\"record\":");
	rt_buf_add(b, p, n);
	rt_buf_addc(b, '}');
}

/* ---- rate summaries and top K -------------------------------------- */

static void
summary(struct al *a)
{
	struct rt_buf *b = &a->alert;
	int64_t s = a->rcur * a->rate_per;
	uint64_t h;
	char id[24];

	h = rt_hash(&s, sizeof s) ^ (a->rthr * 0x9e3779b97f4a7c15ULL);
	snprintf(id, sizeof id, "%016llx", (unsigned long long)h);
	b->len = 0;
	rt_buf_adds(b, "{\"alert_id\":\"");
	rt_buf_adds(b, id);
	rt_buf_adds(b, "\",\"time\":");
	put_time(b, s + a->rate_per);
	rt_buf_adds(b, ",\"summary\":\"throttled\",\"window_start\":");
	put_time(b, s);
	rt_buf_adds(b, ",\"window_end\":");
	put_time(b, s + a->rate_per);
	rt_buf_adds(b, ",\"throttled\":");
	rt_buf_addu(b, a->rthr);
	rt_buf_adds(b, ",\"suppressed\":");
	rt_buf_addu(b, a->rthr_supp);
	rt_buf_addc(b, '}');
	deliver(a, b->p, b->len, 0, 1);
	a->rthr = a->rthr_supp = 0;
}

/* Is x better than y (higher score, then earlier, then first read)? */
static int
better(const struct held *x, const struct held *y)
{
	if (x->score != y->score)
		return x->score > y->score;
	if (x->t != y->t)
		return x->t < y->t;
	return x->seq < y->seq;
}

static int
held_cmp(const void *x, const void *y)
{
	return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

static void
close_period(struct al *a, size_t i)
{
	struct period *p = &a->per_open[i];

	qsort(p->h, p->n, sizeof *p->h, held_cmp);
	for (size_t j = 0; j < p->n; j++) {
		deliver(a, p->h[j].json, p->h[j].len, p->h[j].line, 0);
		free(p->h[j].json);
	}
	free(p->h);
	if (!a->have_closed || p->start + a->per > a->closed_upto)
		a->closed_upto = p->start + a->per;
	a->have_closed = 1;
	memmove(p, p + 1, (a->nper - i - 1) * sizeof *p);
	a->nper--;
}

static void
hold(struct al *a, double score, int64_t t, uint64_t seq, uint64_t line)
{
	int64_t start = rt_floor_div(t, a->per) * a->per;
	struct period *p = NULL;
	struct held h;
	size_t i;

	for (i = 0; i < a->nper; i++)
		if (a->per_open[i].start == start) {
			p = &a->per_open[i];
			break;
		}
	if (p == NULL) {
		/* Kept in start order. */
		for (i = 0; i < a->nper && a->per_open[i].start < start; i++)
			;
		a->per_open = rt_xreallocarray(a->per_open, a->nper + 1,
		    sizeof *a->per_open);
		memmove(&a->per_open[i + 1], &a->per_open[i],
		    (a->nper - i) * sizeof *a->per_open);
		a->nper++;
		p = &a->per_open[i];
		memset(p, 0, sizeof *p);
		p->start = start;
		p->h = rt_xcalloc(a->top, sizeof *p->h);
	}
	h.score = score;
	h.t = t;
	h.seq = seq;
	h.line = line;
	h.json = NULL;
	h.len = a->alert.len;
	if (p->n < a->top) {
		h.json = rt_xmemdup(a->alert.p, a->alert.len);
		p->h[p->n++] = h;
		return;
	}
	/* Full: replace the worst if this one is better. */
	{
		size_t w = 0;

		for (i = 1; i < p->n; i++)
			if (better(&p->h[w], &p->h[i]))
				w = i;
		a->outranked++;
		rt_cli_drop(a->cli);
		if (better(&h, &p->h[w])) {
			free(p->h[w].json);
			h.json = rt_xmemdup(a->alert.p, a->alert.len);
			p->h[w] = h;
		}
	}
}

/* ---- suppression state --------------------------------------------- */

static int
ekey_less(const void *x, const void *y)
{
	return ((const struct ekey *)x)->exp < ((const struct ekey *)y)->exp;
}

static void
expire_at(struct al *a, int64_t exp, uint32_t id)
{
	struct ekey e = { exp, id };

	rt_heap_push(&a->expiry, &e);
}

/* Recency of the keys (for --max-keys, and the order of the state
 * file): a list through lprev/lnext, least recent first. */
static void
lru_unlink(struct al *a, uint32_t id)
{
	if (a->lprev[id] != RT_MAP_NONE)
		a->lnext[a->lprev[id]] = a->lnext[id];
	else
		a->lru_head = a->lnext[id];
	if (a->lnext[id] != RT_MAP_NONE)
		a->lprev[a->lnext[id]] = a->lprev[id];
	else
		a->lru_tail = a->lprev[id];
}

static void
lru_push(struct al *a, uint32_t id)
{
	a->lprev[id] = a->lru_tail;
	a->lnext[id] = RT_MAP_NONE;
	if (a->lru_tail != RT_MAP_NONE)
		a->lnext[a->lru_tail] = id;
	else
		a->lru_head = id;
	a->lru_tail = id;
}

static void
key_forget(struct al *a, uint32_t id)
{
	lru_unlink(a, id);
	rt_map_del(&a->keymap, id);
}

/* Expiry entries that no longer stand for their key (it alerted again,
 * or went): dropped when they outnumber the keys, so --max-keys bounds
 * the heap too. */
static void
expiry_sweep(struct al *a)
{
	size_t n = a->expiry.n, k = 0;
	struct ekey *v = rt_xreallocarray(NULL, n + 1, sizeof *v), e;

	while (a->expiry.n) {
		rt_heap_pop(&a->expiry, &e);
		if (rt_map_live(&a->keymap, e.id) &&
		    a->ta[e.id] + a->suppress == e.exp)
			v[k++] = e;
	}
	for (size_t i = 0; i < k; i++)
		rt_heap_push(&a->expiry, &v[i]);
	free(v);
}

static void
key_grow(struct al *a, uint32_t id)
{
	uint32_t nc = a->cap ? a->cap : 1024;

	while (nc <= id)
		nc *= 2;
	a->ta = rt_xreallocarray(a->ta, nc, sizeof *a->ta);
	a->supp = rt_xreallocarray(a->supp, nc, sizeof *a->supp);
	a->lprev = rt_xreallocarray(a->lprev, nc, sizeof *a->lprev);
	a->lnext = rt_xreallocarray(a->lnext, nc, sizeof *a->lnext);
	a->cap = nc;
}

/* The id of the record's key (a->key), made if new: the least recent
 * key goes when there are more than --max-keys. */
static uint32_t
key_id(struct al *a, int *isnew)
{
	uint32_t id = rt_map_put(&a->keymap, a->key.p ? a->key.p : "",
	    a->key.len, rt_hash(a->key.p ? a->key.p : "", a->key.len), isnew);

	if (id >= a->cap)
		key_grow(a, id);
	if (*isnew) {
		a->ta[id] = INT64_MIN;
		a->supp[id] = 0;
		lru_push(a, id);
		if (a->max_keys && a->keymap.count > a->max_keys) {
			key_forget(a, a->lru_head);
			a->evicted++;
		}
	} else if (a->max_keys && a->lru_tail != id) {
		lru_unlink(a, id);
		lru_push(a, id);
	}
	if (a->expiry.n > 2 * (size_t)a->keymap.count + 1024)
		expiry_sweep(a);
	return id;
}

/* Forget keys whose suppression the watermark has passed. */
static void
evict(struct al *a)
{
	while (a->expiry.n &&
	    ((struct ekey *)rt_heap_top(&a->expiry))->exp <= a->wm) {
		struct ekey e;

		rt_heap_pop(&a->expiry, &e);
		if (!rt_map_live(&a->keymap, e.id) ||
		    a->ta[e.id] + a->suppress != e.exp)
			continue;	/* stale: the key alerted again */
		if (a->supp[e.id])
			continue;	/* its count waits for the next alert */
		key_forget(a, e.id);
	}
}

/* ---- the record path ----------------------------------------------- */

static void
process(struct al *a, const struct rt_jdoc *d, const char *p, size_t n,
    int64_t t, uint64_t seq, uint64_t line)
{
	uint64_t pending = 0;
	int isnew;

	key_text(a, d);
	if (a->suppress) {
		uint32_t id = key_id(a, &isnew);

		if (a->ta[id] != INT64_MIN &&
		    (t > a->ta[id] ? t - a->ta[id] : a->ta[id] - t) <
		    a->suppress) {
			a->supp[id]++;
			a->suppressed++;
			rt_cli_drop(a->cli);
			return;
		}
		pending = a->supp[id];
		a->supp[id] = 0;
		if (a->ta[id] == INT64_MIN || t > a->ta[id])
			a->ta[id] = t;
		/* The key may go once the watermark passes ta + DUR with no
		 * suppressed count pending. */
		expire_at(a, a->ta[id] + a->suppress, id);
	}
	if (a->rate_n) {
		int64_t pi = rt_floor_div(t, a->rate_per);

		if (!a->rhave || pi > a->rcur) {
			if (a->rhave && a->rthr)
				summary(a);
			a->rcur = pi;
			a->rcount = 0;
			a->rhave = 1;
		}
		if (a->rcount >= a->rate_n) {
			a->rthr++;
			a->rthr_supp += pending;
			a->throttled++;
			rt_cli_drop(a->cli);
			return;
		}
		a->rcount++;
	}
	build_alert(a, d, p, n, t, pending);
	if (a->top) {
		double s;
		uint32_t k = rt_jdoc_get(d, 0, a->by, strlen(a->by));

		if (k == 0 || !rt_field_num(d, k, &s) || isnan(s))
			s = -DBL_MAX;
		hold(a, s, t, seq, line);
		return;
	}
	deliver(a, a->alert.p, a->alert.len, line, 0);
}

/* Process held records the watermark has passed (all: at the end). */
static void
drain(struct al *a, int all)
{
	while (a->held.n && (all ||
	    ((struct pend *)rt_heap_top(&a->held))->t <= a->wm)) {
		struct pend e;

		rt_heap_pop(&a->held, &e);
		if (rt_jdoc_parse(&a->pdoc, e.text, e.len) != 0)
			rt_cli_fatal(a->cli, "internal error: held record");
		process(a, &a->pdoc, e.text, e.len, e.t, e.seq, e.line);
		free(e.text);
	}
}

static int
pend_less(const void *x, const void *y)
{
	const struct pend *p = x, *q = y;

	return p->t < q->t || (p->t == q->t && p->seq < q->seq);
}

static void
pend_push(struct al *a, const char *p, size_t n, int64_t t, uint64_t seq,
    uint64_t line)
{
	struct pend e = { t, seq, line, rt_xmemdup(p, n), n };

	rt_heap_push(&a->held, &e);
}

/* Event time moved: close what the watermark has passed. */
static void
advance(struct al *a)
{
	if (a->max_delay)
		drain(a, 0);
	if (a->suppress)
		evict(a);
	if (a->rate_n && a->rhave && a->rthr &&
	    (a->rcur + 1) * a->rate_per <= a->wm)
		summary(a);
	while (a->top && a->nper && a->per_open[0].start + a->per <= a->wm)
		close_period(a, 0);
}

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

static void
record(struct al *a, const struct rt_rec *r)
{
	struct rt_cli *cli = a->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &a->doc);
	const char *err;
	char why[160];
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
		if (a->when && a->rs.over >= 0)
			rt_cli_reject(cli, r, "--when: over the evaluation budget");
		else
			rt_cli_drop(cli);
		return;
	}
	a->worthy++;
	err = a->time_field ? rt_field_time(d, a->time_field,
	    strlen(a->time_field), &cli->topt, &a->tmp, &t) : "missing";
	if (!a->fc.told)
		check_fields(a, d, err);
	if (err && strcmp(err, "missing") == 0 &&
	    (a->time_field == NULL || !a->time_given)) {
		/* Arrival time: asked for, or without --time for records
		 * with no "ts". */
		t = rt_time_now_us();
	} else if (err) {
		snprintf(why, sizeof why, "%.60s: %s", a->time_field,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		rt_cli_reject(cli, r, why);
		return;
	}
	if (!rt_state_time_ok(t)) {
		/* Beyond what a state file holds (rtpipe(7), STATE FILES). */
		snprintf(why, sizeof why, "%.60s: time out of range",
		    a->time_field ? a->time_field : "arrival");
		rt_cli_reject(cli, r, why);
		return;
	}
	a->seq++;
	if (!a->have_t || t > a->maxt) {
		a->maxt = t;
		a->have_t = 1;
		a->wm = t - a->max_delay;
		advance(a);
	}
	if (a->top && a->have_closed &&
	    rt_floor_div(t, a->per) * a->per + a->per <= a->closed_upto) {
		a->late++;
		rt_cli_reject(cli, r, "late: its --per period has closed");
		return;
	}
	if (a->max_delay && t > a->wm) {
		pend_push(a, r->p, r->len, t, a->seq, r->line);
		return;
	}
	process(a, d, r->p, r->len, t, a->seq, r->line);
}

/* ---- state --------------------------------------------------------- */

static void
config_text(const struct al *a, struct rt_buf *b)
{
	rt_buf_printf(b, "when=%s;time=%s;suppress=%lld;max-delay=%lld;"
	    "rate=%llu/%lld;top=%zu/%lld;by=%s;keys=", a->when ? a->when : "",
	    a->time_field ? a->time_field : "", (long long)a->suppress,
	    (long long)a->max_delay, (unsigned long long)a->rate_n,
	    (long long)a->rate_per, a->top, (long long)a->per, a->by);
	for (int i = 0; i < a->nkeys; i++) {
		rt_buf_adds(b, a->keys[i]);
		rt_buf_addc(b, ',');
	}
	if (a->max_keys)
		rt_buf_printf(b, ";max-keys=%u", a->max_keys);
}

/* What the options allow in a state file (astate.h). */
static void
astate_conf(const struct al *a, struct rt_astate_conf *c)
{
	c->suppress = a->suppress;
	c->max_delay = a->max_delay;
	c->rate_n = a->rate_n;
	c->rate_per = a->rate_per;
	c->top = a->top;
	c->per = a->per;
	c->max_keys = a->max_keys;
}

/* The body: the clock, the rate period, the keys least recent first,
 * the alerts held for --top, the records held by --max-delay. */
static void save_pending(struct al *a, struct rt_buf *b,
    struct rt_aline *lp);

static void
save_body(struct al *a, struct rt_buf *b)
{
	struct rt_aline l;

	memset(&l, 0, sizeof l);
	l.tag = 't';
	l.have_t = a->have_t;
	l.maxt = a->maxt;
	l.seq = a->seq;
	l.have_closed = a->have_closed;
	l.closed_upto = a->closed_upto;
	rt_astate_put(b, &l);
	l.tag = 'r';
	l.rhave = a->rhave;
	l.rcur = a->rcur;
	l.rcount = a->rcount;
	l.rthr = a->rthr;
	l.rthr_supp = a->rthr_supp;
	rt_astate_put(b, &l);
	l.tag = 'k';
	for (uint32_t id = a->suppress ? a->lru_head : RT_MAP_NONE;
	    id != RT_MAP_NONE; id = a->lnext[id]) {
		l.kp = rt_map_key(&a->keymap, id, &l.klen);
		l.ta = a->ta[id];
		l.supp = a->supp[id];
		rt_astate_put(b, &l);
	}
	l.tag = 'h';
	for (size_t i = 0; i < a->nper; i++)
		for (size_t j = 0; j < a->per_open[i].n; j++) {
			const struct held *h = &a->per_open[i].h[j];

			l.start = a->per_open[i].start;
			l.score = h->score;
			l.t = h->t;
			l.hseq = h->seq;
			l.line = h->line;
			l.json = h->json;
			l.len = h->len;
			rt_astate_put(b, &l);
		}
	l.tag = 'p';
	save_pending(a, b, &l);
}

static int
pend_cmp(const void *x, const void *y)
{
	const struct pend *p = *(const struct pend *const *)x;
	const struct pend *q = *(const struct pend *const *)y;

	return pend_less(p, q) ? -1 : pend_less(q, p);
}

/* The records held for --max-delay, in the order they go out (whatever
 * the heap's layout: the state does not depend on the runs behind it). */
static void
save_pending(struct al *a, struct rt_buf *b, struct rt_aline *lp)
{
	const struct pend **v = rt_xcalloc(a->held.n + 1, sizeof *v);
	struct rt_aline l = *lp;

	for (size_t i = 0; i < a->held.n; i++)
		v[i] = (const struct pend *)(void *)(a->held.v +
		    i * a->held.size);
	qsort(v, a->held.n, sizeof *v, pend_cmp);
	for (size_t i = 0; i < a->held.n; i++) {
		const struct pend *e = v[i];

		l.t = e->t;
		l.hseq = e->seq;
		l.line = e->line;
		l.json = e->text;
		l.len = e->len;
		rt_astate_put(b, &l);
	}
	free(v);
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
	save_body(a, &b);
	if (rt_state_save(a->state_path, b.p, b.len) == -1)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, strerror(errno));
	rt_buf_release(&b);
	rt_buf_release(&cfg);
}

/* Take one checked line of the state into the run; NULL or a reason. */
static const char *
load_line(struct al *a, struct rt_aline *l)
{
	int isnew;
	uint32_t id;

	switch (l->tag) {
	case 't':
		a->have_t = l->have_t;
		a->maxt = l->maxt;
		a->seq = l->seq;
		a->have_closed = l->have_closed;
		a->closed_upto = l->closed_upto;
		a->wm = a->maxt - a->max_delay;
		break;
	case 'r':
		a->rhave = l->rhave;
		a->rcur = l->rcur;
		a->rcount = l->rcount;
		a->rthr = l->rthr;
		a->rthr_supp = l->rthr_supp;
		break;
	case 'k':
		rt_buf_clear(&a->key);
		rt_buf_add(&a->key, l->kp, l->klen);
		id = key_id(a, &isnew);
		if (!isnew)
			return "damaged: a key twice";
		a->ta[id] = l->ta;
		a->supp[id] = l->supp;
		expire_at(a, a->ta[id] + a->suppress, id);
		break;
	case 'h':
		rt_buf_clear(&a->alert);
		rt_buf_add(&a->alert, l->json, l->len);
		hold(a, l->score, l->t, l->hseq, l->line);
		break;
	default:
		pend_push(a, l->json, l->len, l->t, l->hseq, l->line);
	}
	return NULL;
}

static void
load_state(struct al *a)
{
	struct rt_buf b = RT_BUF_INIT, cfg = RT_BUF_INIT;
	struct rt_astate_conf conf;
	struct rt_aread rd;
	struct rt_aline l;
	const char *why;
	size_t body;
	int k;

	if (rt_state_load(a->state_path, &b) == -1) {
		if (errno == ENOENT)
			return;
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, strerror(errno));
	}
	config_text(a, &cfg);
	why = rt_state_check(&b, "rt-alert", cfg.p, cfg.len, &body);
	if (why)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, why);
	astate_conf(a, &conf);
	rt_astate_init(&rd, b.p + body, b.len - body, &conf);
	memset(&l, 0, sizeof l);
	while ((k = rt_astate_next(&rd, &l)) == 1)
		if ((why = load_line(a, &l)) != NULL)
			rt_cli_fatal(a->cli, "%s: line %zu: %s", a->state_path,
			    rd.lineno, why);
	if (k == -1)
		rt_cli_fatal(a->cli, "%s: %s", a->state_path, rd.err);
	rt_astate_release(&rd);
	rt_buf_release(&l.key);
	rt_buf_release(&b);
	rt_buf_release(&cfg);
}

/* What --state kept instead of writing it (held records, open periods),
 * freed at the end. */
static void
free_kept(struct al *a)
{
	for (size_t i = 0; i < a->held.n; i++)
		free(((struct pend *)(void *)(a->held.v + i *
		    a->held.size))->text);
	rt_heap_release(&a->held);
	for (size_t i = 0; i < a->nper; i++) {
		for (size_t j = 0; j < a->per_open[i].n; j++)
			free(a->per_open[i].h[j].json);
		free(a->per_open[i].h);
	}
	free(a->per_open);
	a->per_open = NULL;
	a->nper = 0;
}

/* ---- stats ----------------------------------------------------------- */

static int
i64_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	struct al *a = arg;

	rt_stats_member(b, "worthy", a->worthy);
	rt_stats_member(b, "raised", a->raised);
	rt_stats_member(b, "suppressed", a->suppressed);
	rt_stats_member(b, "throttled", a->throttled);
	rt_stats_member(b, "outranked", a->outranked);
	rt_stats_member(b, "late", a->late);
	rt_stats_member(b, "summaries", a->summaries);
	rt_stats_member(b, "delivery_failures", a->delivery_failures);
	if (a->use_exec) {
		rt_stats_member(b, "deliveries", a->ex.delivered);
		rt_stats_member(b, "retries", a->ex.retried);
	}
	if (a->suppress) {
		rt_stats_member(b, "keys", a->keymap.count);
		if (a->max_keys)
			rt_stats_member(b, "evicted", a->evicted);
	}
	if (a->when)
		rt_stats_member(b, "when_errors", a->rs.r[0].errors);
	if (a->latency_from) {
		size_t n = a->nlat;

		qsort(a->lat, n, sizeof *a->lat, i64_cmp);
		rt_buf_printf(b, ",\"latency_us\":{\"n\":%zu", n);
		if (n)
			rt_buf_printf(b, ",\"p50\":%lld,\"p99\":%lld,"
			    "\"max\":%lld", (long long)a->lat[(n - 1) / 2],
			    (long long)a->lat[(size_t)ceil(0.99 * (double)n) - 1],
			    (long long)a->lat[n - 1]);
		rt_buf_addc(b, '}');
	}
}

/* ---- main ------------------------------------------------------------ */

/* Is anything waiting for event time to move on? */
static int
pending(const struct al *a)
{
	return a->held.n || a->nper || (a->rate_n && a->rthr) ||
	    (a->suppress && a->expiry.n);
}

static void
wait_deliveries(struct al *a, int block)
{
	struct pollfd pfd[64];
	int n, timeout;

	while (rt_exec_pending(&a->ex)) {
		rt_exec_service(&a->ex);
		if (!rt_exec_pending(&a->ex) || !block)
			break;
		rt_cli_idle(a->cli);
		n = rt_exec_pollfds(&a->ex, pfd, 64, &timeout);
		if (poll(pfd, (nfds_t)n, timeout) == -1 && errno != EINTR)
			rt_cli_fatal(a->cli, "poll: %s", strerror(errno));
	}
}

/* The newest event time, for the stats file and the progress line. */
static int64_t
newest(void *arg)
{
	const struct al *a = arg;

	return a->have_t ? a->maxt : INT64_MIN;
}

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	if (ctl->kind == RT_CTL_BARRIER)
		save_state(arg);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct al a;
	struct rt_rec rec;
	struct rt_buf err = RT_BUF_INIT;
	int k, rc;
	uint64_t nrec = 0;

	memset(&a, 0, sizeof a);
	rt_cli_init(&cli, "rt-alert", usage);
	a.cli = &cli;
	a.by = "_score";
	a.time_field = "ts";
	a.facility = LOG_USER;
	a.exec_timeout = 10 * RT_US_PER_S;
	a.retry_delay = 100000;
	a.retries = 2;
	a.exec_conc = 1;
	rt_rule_opts_init(&a.ro);
	options(&cli, &a, argc, argv);
	for (int i = 0; i < a.nkeys; i++)
		a.fc_key[i] = rt_fcheck_add(&a.fc, "-k", a.keys[i]);
	a.fc_time = a.time_given && a.time_field ?
	    rt_fcheck_add(&a.fc, "--time", a.time_field) : -1;
	if (a.exec_argv) {
		const char *why = rt_exec_check(a.exec_argv[0]);

		if (why)
			rt_cli_fatal(&cli, "--exec: '%s': %s", a.exec_argv[0],
			    why);
	}
	rt_rulecli_done(&cli, &a.ro, a.no_fast);
	if (a.when && rt_rules_cond(&a.rs, "--when", a.when, &a.ro,
	    &err) != 0)
		rt_cli_usage_error(&cli, "%s", rt_buf_cstr(&err));
	rt_buf_release(&err);
	rt_map_init(&a.keymap);
	a.lru_head = a.lru_tail = RT_MAP_NONE;
	rt_heap_init(&a.expiry, sizeof(struct ekey), ekey_less);
	rt_heap_init(&a.held, sizeof(struct pend), pend_less);
	rt_jdoc_init(&a.doc, 0);
	rt_fset_init(&a.cls);
	(void)rt_fset_add(&a.cls, "_class", 6);
	rt_jdoc_init(&a.adoc, 0);
	rt_jdoc_init(&a.pdoc, 0);
	if (a.state_path) {
		a.lock_fd = rt_cli_state_lock(&cli, a.state_path);
		load_state(&a);
	}
	if (a.exec_argv) {
		if (rt_exec_init(&a.ex, a.exec_argv) == -1)
			rt_cli_fatal(&cli, "--exec: %s", strerror(errno));
		a.ex.timeout_us = a.exec_timeout;
		a.ex.concurrency = a.exec_conc;
		a.ex.retries = a.retries;
		a.ex.backoff_us = a.retry_delay;
		if (a.batch) {
			a.ex.batch_max = a.batch_n;
			a.ex.batch_us = a.batch_us;
		}
		a.ex.done = exec_done;
		a.ex.done_arg = &a;
		a.use_exec = 1;
	}
	if (a.use_syslog)
		openlog("rt-alert", LOG_PID, a.facility);
	cli.st.extra = extra_stats;
	cli.st.extra_arg = &a;
	cli.nowait = 1;
	cli.evtime = newest;
	cli.evtime_arg = &a;
	if (a.state_path) {
		cli.control = on_control;
		cli.control_arg = &a;
		rt_cli_allow(&cli, a.state_path, RT_SB_WRITE | RT_SB_DIR);
	}
	if (a.use_syslog)
		cli.sb.allow |= RT_SB_ALLOW_UNIX;
	/* The command may need anything: rt-alert(1), "Sandbox". */
	if (a.use_exec)
		cli.sb.allow |= RT_SB_ALLOW_EXEC | RT_SB_ALLOW_NET |
		    RT_SB_ALLOW_FS;
	rt_cli_start(&cli, argc, argv, optind);
	if (a.state_path)
		rt_cli_catch_term();
	while (!rt_cli_term && (k = rt_cli_next(&cli, &rec)) != 0) {
		if (k == 1) {
			record(&a, &rec);
			if (a.idle)
				a.last_wall = rt_time_now_us();
			if (a.use_exec && (rt_exec_wake ||
			    (++nrec & 255) == 0))
				rt_exec_service(&a.ex);
			continue;
		}
		/* Nothing to read: flush, then wait for input or children. */
		{
			struct pollfd pfd[64];
			int n = 2, timeout = -1;

			rt_cli_idle(&cli);
			if (a.use_exec)
				rt_exec_flush(&a.ex);	/* a quiet input */
			pfd[0].fd = rt_src_fd(&cli.src);
			pfd[0].events = POLLIN;
			pfd[0].revents = 0;
			pfd[1].fd = rt_cli_term_fd();
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			if (a.use_exec) {
				rt_exec_service(&a.ex);
				n += rt_exec_pollfds(&a.ex, pfd + 2, 62,
				    &timeout);
			}
			if (a.idle && a.have_t && a.last_wall && pending(&a)) {
				int64_t left = a.last_wall + a.idle - rt_time_now_us();
				int ms = left > 0 ? (int)((left + 999) / 1000) : 0;

				if (timeout < 0 || ms < timeout)
					timeout = ms;
			}
			if ((k = poll(pfd, (nfds_t)n, timeout)) == -1 &&
			    errno != EINTR)
				rt_cli_fatal(&cli, "poll: %s", strerror(errno));
			if (k == 0 && a.idle && a.have_t && a.last_wall &&
			    pending(&a) &&
			    rt_time_now_us() >= a.last_wall + a.idle) {
				/* Quiet for the idle timeout: event time
				 * moves on with the wall clock. */
				int64_t now = rt_time_now_us();

				a.maxt += now - a.last_wall;
				a.wm = a.maxt - a.max_delay;
				a.last_wall = now;
				advance(&a);
			}
			if (a.use_exec)
				rt_exec_service(&a.ex);
		}
	}
	/* A signal is not the end of the input: the state keeps what is
	 * held, --flush or not. */
	if (!a.state_path || (a.flush && !rt_cli_term)) {
		drain(&a, 1);
		while (a.nper)
			close_period(&a, 0);
		if (a.rate_n && a.rthr)
			summary(&a);
	}
	if (a.use_exec) {
		rt_exec_flush(&a.ex);
		wait_deliveries(&a, 1);
		failure_summary(&a);
	}
	if (a.state_path)
		save_state(&a);
	if (a.use_syslog)
		closelog();
	rt_cli_fcheck(&cli, &a.fc);
	rc = rt_cli_finish(&cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	if (a.state_path)
		close(a.lock_fd);
	if (a.exit_status && rc != RT_EXIT_TROUBLE)
		rc = a.raised > 0 ? 0 : 1;
	if (a.use_exec)
		rt_exec_release(&a.ex);
	if (a.when)
		rt_rules_free(&a.rs);
	rt_jqb_shutdown();
	rt_map_release(&a.keymap);
	rt_heap_release(&a.expiry);
	free_kept(&a);
	rt_jdoc_release(&a.doc);
	rt_jdoc_release(&a.adoc);
	rt_jdoc_release(&a.pdoc);
	return rc;
}
