/*
 * deliver.c - rt-alert's delivery of alerts (see deliver.h): formats and
 * templates, --exec with its RT_ALERT_* variables, syslog, and what a
 * failed delivery becomes.
 */
#include "deliver.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "field.h"
#include "mem.h"

void
rt_deliver_init(struct rt_deliver *d, struct rt_cli *cli)
{
	memset(d, 0, sizeof *d);
	d->cli = cli;
	d->format = RT_DLV_JSON;
	d->facility = LOG_USER;
	d->exec_timeout = 10 * RT_US_PER_S;
	d->retry_delay = 100000;
	d->retries = 2;
	d->exec_conc = 1;
	rt_jdoc_init(&d->adoc, 0);
}

static const char *const facilities[] = {
	"user", "daemon", "auth", "authpriv", "local0", "local1", "local2",
	"local3", "local4", "local5", "local6", "local7", NULL
};

/* The syslog facility named, or -1. */
static int
facility_of(const char *s)
{
	static const int fac[] = {
		LOG_USER, LOG_DAEMON, LOG_AUTH, LOG_AUTHPRIV, LOG_LOCAL0,
		LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
		LOG_LOCAL6, LOG_LOCAL7
	};

	for (size_t i = 0; i < sizeof fac / sizeof fac[0]; i++)
		if (strcmp(s, facilities[i]) == 0)
			return fac[i];
	return -1;
}

/* 0 when tpl is a good template: text with {name} fields, {{ and }} for
 * braces; else -1 with why[0, nwhy) saying which brace is wrong. */
static int
tpl_check(const char *tpl, char *why, size_t nwhy)
{
	const char *p, *e;

	for (p = tpl; *p; p++) {
		size_t at = (size_t)(p - tpl) + 1;

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			p++;
			continue;
		}
		if (*p == '}') {
			snprintf(why, nwhy, "the '}' at byte %zu closes nothing "
			    "(write }} for a brace)", at);
			return -1;
		}
		if (*p != '{')
			continue;
		e = p + 1 + strcspn(p + 1, "{}");
		if (*e != '}' || e == p + 1) {
			snprintf(why, nwhy, *e != '}' ? "the '{' at byte %zu is "
			    "not closed (write {{ for a brace)" : "the '{}' at "
			    "byte %zu names no field", at);
			return -1;
		}
		p = e;
	}
	return 0;
}

/* ---- options --------------------------------------------------------- */

/* --exec-batch N, DUR or N/DUR. */
static void
batch_option(struct rt_deliver *d, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char n[32];

	d->batch = 1;
	d->batch_n = 1000;
	if (slash == NULL && arg[strspn(arg, "0123456789")] != '\0') {
		d->batch_us = rt_cli_dur(d->cli, "exec-batch", arg,
		    RT_DUR_POSITIVE);
		return;
	}
	snprintf(n, sizeof n, "%.*s", slash ? (int)(slash - arg) : 31, arg);
	d->batch_n = (size_t)rt_cli_count(d->cli, "exec-batch", n, 1, 1000000);
	if (slash)
		d->batch_us = rt_cli_dur(d->cli, "exec-batch", slash + 1,
		    RT_DUR_POSITIVE);
}

/* The options of --exec: their values, and that they need it. */
static void
exec_option(struct rt_deliver *d, int opt, const char *arg)
{
	struct rt_cli *cli = d->cli;

	switch (opt) {
	case RT_DLV_OPT_EXEC_TIMEOUT:
		d->exec_timeout = rt_cli_dur(cli, "exec-timeout", arg,
		    RT_DUR_POSITIVE);
		d->exec_opt = "exec-timeout";
		break;
	case RT_DLV_OPT_EXEC_CONC:
		d->exec_conc = (int)rt_cli_count(cli, "exec-concurrency", arg,
		    1, INT32_MAX);
		d->exec_opt = "exec-concurrency";
		break;
	case RT_DLV_OPT_RETRIES:
		d->retries = (int)rt_cli_count(cli, "retries", arg, 0, INT32_MAX);
		d->exec_opt = "retries";
		break;
	case RT_DLV_OPT_RETRY_DELAY:
		d->retry_delay = rt_cli_dur(cli, "retry-delay", arg,
		    RT_DUR_ZERO_OK);
		d->retry_delay_given = 1;
		d->exec_opt = "retry-delay";
		break;
	default:
		batch_option(d, arg);
		d->exec_opt = "exec-batch";
	}
}

int
rt_deliver_opt(struct rt_deliver *d, int opt, const char *arg)
{
	struct rt_cli *cli = d->cli;
	char why[96];

	switch (opt) {
	case RT_DLV_OPT_FORMAT:
		/* In the order of RT_DLV_JSON, RT_DLV_CSV, RT_DLV_TEXT. */
		d->format = rt_cli_word(cli, "--format", arg,
		    (const char *const[]){ "json", "csv", "text", NULL });
		d->format_given = 1;
		break;
	case RT_DLV_OPT_TEMPLATE:
		if (tpl_check(arg, why, sizeof why) == -1)
			rt_cli_usage_error(cli, "--template: %s", why);
		d->tpl = arg;
		break;
	case RT_DLV_OPT_EXEC:
		if ((d->exec_argv = rt_exec_split(arg)) == NULL)
			rt_cli_usage_error(cli, "--exec: no command");
		break;
	case RT_DLV_OPT_EXEC_TIMEOUT: case RT_DLV_OPT_EXEC_CONC:
	case RT_DLV_OPT_RETRIES: case RT_DLV_OPT_RETRY_DELAY:
	case RT_DLV_OPT_EXEC_BATCH:
		exec_option(d, opt, arg);
		break;
	case RT_DLV_OPT_TEE: d->tee = 1; break;
	case RT_DLV_OPT_SYSLOG:
		d->use_syslog = 1;
		if (arg && (d->facility = facility_of(arg)) < 0)
			rt_cli_bad_word(cli, "--syslog", arg, facilities);
		break;
	case RT_DLV_OPT_LATENCY: d->latency_from = arg; break;
	default: return 0;
	}
	return 1;
}

void
rt_deliver_check_needs(struct rt_deliver *d)
{
	struct rt_cli *cli = d->cli;

	/* -o csv|tsv, the common spelling, is --format csv (or its TSV). */
	if (cli->ofmt != RT_FMT_NDJSON) {
		if (d->format_given && d->format != RT_DLV_CSV)
			rt_cli_usage_error(cli, "-o %s and --format %s disagree",
			    cli->ofmt == RT_FMT_TSV ? "tsv" : "csv",
			    d->format == RT_DLV_TEXT ? "text" : "json");
		d->format = RT_DLV_CSV;
		d->format_given = 1;
	}
	if (d->exec_opt && !d->exec_argv)
		rt_cli_usage_error(cli, "--%s goes with --exec", d->exec_opt);
	if (d->retry_delay_given && d->retries == 0)
		rt_cli_usage_error(cli, "--retry-delay: there is no retry with "
		    "--retries 0");
}

void
rt_deliver_check_targets(struct rt_deliver *d)
{
	struct rt_cli *cli = d->cli;

	if (d->tee && !d->exec_argv && !d->use_syslog)
		rt_cli_usage_error(cli, "--tee goes with --exec or --syslog "
		    "(alerts are on standard output already)");
	if (d->tpl && d->format_given && d->format != RT_DLV_TEXT)
		rt_cli_usage_error(cli, "--template is for --format text");
	if (d->tpl)
		d->format = RT_DLV_TEXT;
	if (d->exec_argv && d->use_syslog)
		rt_cli_usage_error(cli, "--exec and --syslog: choose one");
	/* Without --tee, --exec gets JSON and syslog text lines: a format
	 * for standard output would do nothing. */
	if (d->exec_argv && !d->tee && (d->format_given || d->tpl))
		rt_cli_usage_error(cli, "--%s shapes standard output, which "
		    "--exec leaves empty (add --tee)", d->tpl ? "template" :
		    "format");
	if (d->use_syslog && !d->tee && d->format_given &&
	    d->format != RT_DLV_TEXT)
		rt_cli_usage_error(cli, "--format %s: syslog lines are text "
		    "(add --tee for standard output)", d->format == RT_DLV_CSV ?
		    "csv" : "json");
	if (d->format == RT_DLV_CSV && cli->ofmt == RT_FMT_NDJSON)
		cli->ofmt = RT_FMT_CSV;	/* the flat alert, by the CSV writer */
}

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

/* Append \u00HH (or \xHH, when x) for byte c. */
static void
put_hex(struct rt_buf *out, const char *pre, unsigned c)
{
	static const char hex[] = "0123456789abcdef";

	rt_buf_adds(out, pre);
	rt_buf_addc(out, hex[c >> 4]);
	rt_buf_addc(out, hex[c & 15]);
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
			put_hex(out, "\\x", c);
		} else if (c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f) {
			put_hex(out, "\\u00", u[i + 1]);
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
 * by tpl_check); val is scratch. */
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

		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			rt_buf_addc(out, *p);
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

/* The alert d as a text line into d->text. */
static void
text_line(struct rt_deliver *dl, const struct rt_jdoc *d, int summary)
{
	dl->text.len = 0;
	render_text(summary ? summary_tpl : dl->tpl ? dl->tpl : default_tpl, d,
	    &dl->text, &dl->val);
}

/* ---- standard output ------------------------------------------------- */

/* The alert d as a flat object (CSV columns) into dl->flat. */
static void
flat_alert(struct rt_deliver *dl, const struct rt_jdoc *d)
{
	static const char *const cols[] = { "alert_id", "time", "key",
	    "class", "score", "rules", "suppressed", "throttled" };

	dl->flat.len = 0;
	rt_buf_addc(&dl->flat, '{');
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		uint32_t k = rt_jdoc_get(d, 0, cols[i], strlen(cols[i]));

		if (i)
			rt_buf_addc(&dl->flat, ',');
		rt_json_put_str(&dl->flat, cols[i], strlen(cols[i]));
		rt_buf_addc(&dl->flat, ':');
		dl->text.len = 0;
		if (k)
			joined(d, k, ";", &dl->text);
		rt_json_put_str(&dl->flat, rt_buf_cstr(&dl->text),
		    dl->text.len);
	}
	rt_buf_addc(&dl->flat, '}');
}

/* Write the alert on standard output in the format (counted as output
 * when counted). */
static void
to_stdout(struct rt_deliver *dl, const struct rt_jdoc *d, const char *json,
    size_t len, const struct rt_rec *r, int summary, int counted)
{
	if (dl->format == RT_DLV_CSV) {
		/* A flat object, written by the CSV writer (-o csv). */
		flat_alert(dl, d);
		json = dl->flat.p;
		len = dl->flat.len;
	} else if (dl->format == RT_DLV_TEXT) {
		text_line(dl, d, summary);
		json = rt_buf_cstr(&dl->text);
		len = dl->text.len;
	}
	if (counted)
		rt_cli_emit(dl->cli, r, json, len);
	else
		rt_cli_emit_made(dl->cli, r, json, len);
}

/* ---- --exec ---------------------------------------------------------- */

/* The longest value an RT_ALERT_* variable is given: longer ones (and
 * values with a NUL, which would cut them) are left out. */
#define ENV_VALUE_MAX 4096

/* The RT_ALERT_* variables of alert d: its short members, as in a
 * template. */
static void
exec_env(struct rt_deliver *dl, const struct rt_jdoc *d, char ***envp,
    size_t *nenv)
{
	static const char *const names[] = { "alert_id", "time", "key",
	    "class", "score", "rules", "suppressed" };
	static char *env[16];
	struct rt_buf *t = &dl->text;
	size_t n = 0, pre;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		uint32_t k = rt_jdoc_get(d, 0, names[i], strlen(names[i]));

		t->len = 0;
		rt_buf_adds(t, "RT_ALERT_");
		for (const char *c = i == 0 ? "id" : names[i]; *c; c++)
			rt_buf_addc(t, (char)(*c >= 'a' && *c <= 'z' ?
			    *c - 'a' + 'A' : *c));
		rt_buf_addc(t, '=');
		pre = t->len;
		if (k)
			joined(d, k, ",", t);
		if (t->len - pre > ENV_VALUE_MAX ||
		    memchr(t->p + pre, '\0', t->len - pre))
			continue;
		free(env[n]);
		env[n] = rt_xmemdup(rt_buf_cstr(t), t->len + 1);
		n++;
	}
	*envp = env;
	*nenv = n;
}

/* The delivery process is gone (it does not end on its own). */
static void
gone(struct rt_deliver *dl)
{
	rt_cli_fatal(dl->cli, "--exec: the delivery process ended");
}

/* Hand the alert to --exec: alone, with its variables, or in a batch. */
static void
to_exec(struct rt_deliver *dl, const struct rt_jdoc *d, const char *json,
    size_t len, uint64_t tag)
{
	char **env = NULL;
	size_t nenv = 0;

	if (!dl->batch)
		exec_env(dl, d, &env, &nenv);
	/* One line on the command's input, as on standard output. */
	dl->text.len = 0;
	rt_buf_add(&dl->text, json, len);
	rt_buf_addc(&dl->text, '\n');
	if ((dl->batch ? rt_execproc_add(&dl->xp, dl->text.p, dl->text.len,
	    tag) : rt_execproc_submit(&dl->xp, dl->text.p, dl->text.len, env,
	    nenv, tag)) == -1)
		gone(dl);
}

/* Count a delivery failure by its kind (why without its attempts);
 * returns 1 for the first of its kind. */
static int
failure_kind(struct rt_deliver *dl, const char *why)
{
	const char *cut = strstr(why, " (");
	int n = cut ? (int)(cut - why) : (int)strlen(why);

	for (int i = 0; i < dl->nfk; i++)
		if (strncmp(dl->fk[i].why, why, (size_t)n) == 0 &&
		    dl->fk[i].why[n] == '\0') {
			dl->fk[i].n++;
			return 0;
		}
	if (dl->nfk == (int)(sizeof dl->fk / sizeof dl->fk[0])) {
		dl->fk_other++;
		return 0;
	}
	snprintf(dl->fk[dl->nfk].why, sizeof dl->fk[0].why, "%.*s", n, why);
	dl->fk[dl->nfk++].n = 1;
	return 1;
}

/* A delivery that failed for good: rejected (a summary, which counts no
 * input record, in the reject file only), its kind reported once. */
static void
failed(struct rt_deliver *dl, struct rt_rec *r, const char *why, int summary)
{
	struct rt_cli *cli = dl->cli;
	char reason[160];

	dl->failures++;
	snprintf(reason, sizeof reason, "delivery failed: %s", why);
	/* Reported once per kind; the reject file has every one. */
	if (failure_kind(dl, why))
		rt_cli_warn(cli, "%s:%llu: %s; more failures like it are "
		    "counted in --stats", summary ? "summary" : "alert",
		    (unsigned long long)r->line, reason);
	if (summary) {
		/* Its loss must show. */
		if (cli->rej.tofile)
			rt_rej_put(&cli->rej, r->source, r->line, reason, r->raw,
			    r->rawlen, NULL, 0);
		cli->trouble = 1;
		return;
	}
	if (cli->rej.tofile) {
		rt_cli_reject(cli, r, reason);
	} else {
		cli->st.rejected++;	/* reported above */
		if (cli->strict)
			cli->stop = 1;
	}
}

static void
exec_done(void *arg, const char *data, size_t n, uint64_t tag, int ok,
    const char *why)
{
	struct rt_deliver *dl = arg;
	struct rt_rec r;

	if (ok) {
		if (tag != UINT64_MAX)
			dl->cli->st.out++;
		return;
	}
	memset(&r, 0, sizeof r);
	r.p = r.raw = data;
	r.len = r.rawlen = n;
	r.source = "alert";
	r.line = tag == UINT64_MAX ? 0 : tag;
	/* The item is one line: the reject keeps the alert without it. */
	if (n && data[n - 1] == '\n')
		r.len = r.rawlen = n - 1;
	failed(dl, &r, why, tag == UINT64_MAX);
}

void
rt_deliver_check_cmd(struct rt_deliver *d)
{
	const char *why;

	if (d->exec_argv && (why = rt_exec_check(d->exec_argv[0])) != NULL)
		rt_cli_fatal(d->cli, "--exec: '%s': %s", d->exec_argv[0], why);
}

void
rt_deliver_start(struct rt_deliver *d)
{
	struct rt_cli *cli = d->cli;

	if (d->exec_argv) {
		struct rt_exec cfg;

		memset(&cfg, 0, sizeof cfg);
		cfg.argv = d->exec_argv;
		cfg.timeout_us = d->exec_timeout;
		cfg.concurrency = d->exec_conc;
		cfg.retries = d->retries;
		cfg.backoff_us = d->retry_delay;
		cfg.batch_max = d->batch ? d->batch_n : 1;
		cfg.batch_us = d->batch ? d->batch_us : 0;
		/* The commands run from a process of their own, confined as
		 * they need: rt-alert(1), "Sandbox". */
		if (rt_execproc_start(&d->xp, &cfg, !cli->no_sandbox) == -1)
			rt_cli_fatal(cli, "--exec: %s", strerror(errno));
		d->xp.done = exec_done;
		d->xp.done_arg = d;
		d->use_exec = 1;
	}
	if (d->use_syslog) {
		openlog("rt-alert", LOG_PID, d->facility);
		cli->sb.allow |= RT_SB_ALLOW_UNIX;
	}
}

/* ---- delivery -------------------------------------------------------- */

static void
latency_note(struct rt_deliver *dl, const struct rt_jdoc *d)
{
	uint32_t rec, k;
	double x;

	if (!dl->latency_from || (rec = rt_jdoc_get(d, 0, "record", 6)) == 0 ||
	    d->v[rec].type != RT_JOBJ ||
	    (k = rt_jdoc_get(d, rec, dl->latency_from,
	    strlen(dl->latency_from))) == 0 || !rt_field_num(d, k, &x))
		return;
	if (dl->nlat == dl->caplat) {
		dl->caplat = dl->caplat ? 2 * dl->caplat : 1024;
		dl->lat = rt_xreallocarray(dl->lat, dl->caplat, sizeof *dl->lat);
	}
	dl->lat[dl->nlat++] = rt_time_now_us() - (int64_t)x;
}

void
rt_deliver_put(struct rt_deliver *dl, const char *json, size_t len,
    uint64_t line, int summary)
{
	const struct rt_jdoc *d = NULL;
	struct rt_rec r;

	if (dl->format != RT_DLV_JSON || dl->use_exec || dl->use_syslog ||
	    dl->latency_from) {
		if (rt_jdoc_parse(&dl->adoc, json, len) != 0)
			rt_cli_fatal(dl->cli, "internal error: alert is not JSON");
		d = &dl->adoc;
	}
	if (!summary) {
		dl->raised++;
		if (d)
			latency_note(dl, d);
	} else {
		dl->summaries++;
	}
	memset(&r, 0, sizeof r);
	r.p = r.raw = json;
	r.len = r.rawlen = len;
	r.source = "alert";
	r.line = line;
	if (dl->use_exec)
		to_exec(dl, d, json, len, summary ? UINT64_MAX : line);
	if (dl->use_syslog) {
		text_line(dl, d, summary);
		syslog(LOG_WARNING, "%.*s", (int)dl->text.len, dl->text.p);
		if (!summary)
			dl->cli->st.out++;
	}
	/* Delivered elsewhere, the alert is counted there; --tee logs it. */
	if (dl->use_exec || dl->use_syslog) {
		if (dl->tee)
			to_stdout(dl, d, json, len, &r, summary, 0);
		return;
	}
	to_stdout(dl, d, json, len, &r, summary, !summary);
}

/* ---- the run --------------------------------------------------------- */

void
rt_deliver_quiet(struct rt_deliver *d)
{
	if (d->use_exec && rt_execproc_flush(&d->xp) == -1)
		gone(d);
}

int
rt_deliver_pollfds(struct rt_deliver *d, struct pollfd *pfd, int max,
    int *timeout_ms)
{
	(void)timeout_ms;	/* the delivery process keeps the deadlines */
	if (!d->use_exec)
		return 0;
	rt_deliver_service(d);
	return rt_execproc_pollfds(&d->xp, pfd, max);
}

void
rt_deliver_service(struct rt_deliver *d)
{
	if (d->use_exec && rt_execproc_service(&d->xp) == -1)
		gone(d);
}

/* Wait for every delivery to end. */
static void
wait_all(struct rt_deliver *d)
{
	struct pollfd pfd;

	for (;;) {
		rt_deliver_service(d);
		if (d->xp.pending == 0)
			break;
		rt_cli_idle(d->cli);
		if (rt_execproc_pollfds(&d->xp, &pfd, 1) == 1 &&
		    poll(&pfd, 1, -1) == -1 && errno != EINTR)
			rt_cli_fatal(d->cli, "poll: %s", strerror(errno));
	}
}

/* How many alerts were not delivered, by kind. */
static void
failure_summary(struct rt_deliver *d)
{
	struct rt_buf b = RT_BUF_INIT;

	if (d->failures == 0)
		return;
	for (int i = 0; i < d->nfk; i++)
		rt_buf_printf(&b, "%s%s: %llu", i ? ", " : "", d->fk[i].why,
		    (unsigned long long)d->fk[i].n);
	if (d->fk_other)
		rt_buf_printf(&b, ", other: %llu",
		    (unsigned long long)d->fk_other);
	rt_cli_warn(d->cli, "%llu alert%s not delivered: %s",
	    (unsigned long long)d->failures, d->failures == 1 ? "" : "s",
	    rt_buf_cstr(&b));
	rt_buf_release(&b);
}

void
rt_deliver_finish(struct rt_deliver *d)
{
	if (!d->use_exec)
		return;
	rt_deliver_quiet(d);
	wait_all(d);
	failure_summary(d);
}

static int
i64_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

void
rt_deliver_latency(struct rt_deliver *d, struct rt_buf *b)
{
	size_t n = d->nlat;

	if (n)	/* d->lat is NULL before the first: not for qsort */
		qsort(d->lat, n, sizeof *d->lat, i64_cmp);
	rt_buf_printf(b, ",\"latency_us\":{\"n\":%zu", n);
	if (n)
		rt_buf_printf(b, ",\"p50\":%lld,\"p99\":%lld,\"max\":%lld",
		    (long long)d->lat[(n - 1) / 2],
		    (long long)d->lat[(size_t)ceil(0.99 * (double)n) - 1],
		    (long long)d->lat[n - 1]);
	rt_buf_addc(b, '}');
}

void
rt_deliver_release(struct rt_deliver *d)
{
	if (d->use_exec)
		rt_execproc_stop(&d->xp);
	if (d->use_syslog)
		closelog();
	rt_jdoc_release(&d->adoc);
	rt_buf_release(&d->text);
	rt_buf_release(&d->flat);
	rt_buf_release(&d->val);
	free(d->lat);
}
