/*
 * t_deliver.c - where rt-alert's alerts go (lib/deliver.c), each run in
 * a child process (child.h), since deliver.h writes through struct
 * rt_cli and exits on misuse: the delivery options and what they set;
 * bad values and options that do not go together, with the exact usage
 * error; alerts on standard output as JSON, as text (the default and
 * given templates, {{ }}, record fields, arrays joined, control
 * characters escaped so that a value cannot forge a line) and as CSV;
 * --exec with the RT_ALERT_* variables, batches, and failures rejected
 * and summed up; --tee; the latency member of --stats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "cli.h"
#include "deliver.h"
#include "tap.h"

#define TRY "Try 'rt-alert --help' for more information.\n"

static char dir[] = "/tmp/t_deliver.XXXXXX";
static char outf[80];

static void
usage(void)
{
}

static int
opt_of(const char *name)
{
	static const struct {
		const char *name;
		int val;
	} t[] = {
		{ "format", RT_DLV_OPT_FORMAT }, { "template", RT_DLV_OPT_TEMPLATE },
		{ "exec", RT_DLV_OPT_EXEC }, { "timeout", RT_DLV_OPT_EXEC_TIMEOUT },
		{ "conc", RT_DLV_OPT_EXEC_CONC }, { "retries", RT_DLV_OPT_RETRIES },
		{ "delay", RT_DLV_OPT_RETRY_DELAY },
		{ "batch", RT_DLV_OPT_EXEC_BATCH }, { "tee", RT_DLV_OPT_TEE },
		{ "syslog", RT_DLV_OPT_SYSLOG }, { "latency", RT_DLV_OPT_LATENCY },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].val;
	return name[0];		/* a common option: "o" */
}

/* Options (name, value, ...), then alerts: each put (a leading '!' makes
 * it a summary), then the end of the run. */
struct run {
	const char *o[14];
	const char *alerts[5];
	int show;		/* print the settings instead of running */
};

static void
run_child(void *arg)
{
	static char *argv[] = { "rt-alert", NULL };
	const struct run *r = arg;
	struct rt_cli c;
	struct rt_deliver d;
	int st;

	rt_cli_init(&c, "rt-alert", usage, NULL);
	c.no_sandbox = 1;
	rt_deliver_init(&d, &c);
	for (const char *const *o = r->o; *o; o += 2)
		if (!rt_deliver_opt(&d, opt_of(o[0]), o[1]) &&
		    !rt_cli_opt(&c, opt_of(o[0]), o[1]))
			printf("not an option: %s\n", o[0]);
	rt_deliver_check_needs(&d);
	rt_deliver_check_targets(&d);
	if (r->show) {
		printf("format %d tpl %s exec %s timeout %lld conc %d retries "
		    "%d delay %lld batch %d/%zu/%lld tee %d syslog %d/%d "
		    "ofmt %d\n", d.format, d.tpl ? d.tpl : "-",
		    d.exec_argv ? d.exec_argv[0] : "-",
		    (long long)d.exec_timeout, d.exec_conc, d.retries,
		    (long long)d.retry_delay, d.batch, d.batch_n,
		    (long long)d.batch_us, d.tee, d.use_syslog, d.facility,
		    c.ofmt);
		exit(0);
	}
	rt_deliver_check_cmd(&d);
	rt_deliver_start(&d);
	rt_cli_start(&c, 1, argv, 1);
	for (int i = 0; i < 5 && r->alerts[i]; i++) {
		const char *a = r->alerts[i];
		int summary = a[0] == '!';

		a += summary;
		rt_deliver_put(&d, a, strlen(a), (uint64_t)i + 1, summary);
		rt_deliver_tick(&d);
	}
	rt_deliver_finish(&d);
	st = rt_cli_finish(&c);
	fprintf(stderr, "#out %llu rejected %llu raised %llu summaries %llu "
	    "failures %llu\n", (unsigned long long)c.st.out,
	    (unsigned long long)c.st.rejected, (unsigned long long)d.raised,
	    (unsigned long long)d.summaries,
	    (unsigned long long)d.failures);
	rt_deliver_release(&d);
	exit(st);
}

#define SHOW(...) { { __VA_ARGS__, NULL }, { NULL }, 1 }
#define DEFAULTS "timeout 10000000 conc 1 retries 2 delay 100000"

static const struct {
	const char *what;
	struct run r;
	int status;
	const char *out, *err;
} optcases[] = {
	{ "the defaults", SHOW(NULL), 0,
	  "format 0 tpl - exec - " DEFAULTS " batch 0/0/0 tee 0 syslog 0/8 "
	  "ofmt 1\n", "" },
	{ "--format text", SHOW("format", "text"), 0,
	  "format 2 tpl - exec - " DEFAULTS " batch 0/0/0 tee 0 syslog 0/8 "
	  "ofmt 1\n", "" },
	{ "--format csv sets -o csv", SHOW("format", "csv"), 0,
	  "format 1 tpl - exec - " DEFAULTS " batch 0/0/0 tee 0 syslog 0/8 "
	  "ofmt 2\n", "" },
	{ "-o tsv is --format csv", SHOW("o", "tsv"), 0,
	  "format 1 tpl - exec - " DEFAULTS " batch 0/0/0 tee 0 syslog 0/8 "
	  "ofmt 3\n", "" },
	{ "--template is --format text", SHOW("template", "{a} {{x}}"), 0,
	  "format 2 tpl {a} {{x}} exec - " DEFAULTS " batch 0/0/0 tee 0 "
	  "syslog 0/8 ofmt 1\n", "" },
	{ "--exec and its options", SHOW("exec", " mail  -s x ", "timeout",
	  "2s", "conc", "4", "retries", "0", "batch", "10/5s"), 0,
	  "format 0 tpl - exec mail timeout 2000000 conc 4 retries 0 delay "
	  "100000 batch 1/10/5000000 tee 0 syslog 0/8 ofmt 1\n", "" },
	{ "--exec-batch DUR: 1000 at most", SHOW("exec", "true", "batch",
	  "250ms"), 0, "format 0 tpl - exec true " DEFAULTS
	  " batch 1/1000/250000 tee 0 syslog 0/8 ofmt 1\n", "" },
	{ "--exec-batch N", SHOW("exec", "true", "batch", "7", "delay", "0"), 0,
	  "format 0 tpl - exec true timeout 10000000 conc 1 retries 2 delay 0 "
	  "batch 1/7/0 tee 0 syslog 0/8 ofmt 1\n", "" },
	{ "--syslog=local3 --tee", SHOW("syslog", "local3", "tee", NULL), 0,
	  "format 0 tpl - exec - " DEFAULTS " batch 0/0/0 tee 1 syslog 1/152 "
	  "ofmt 1\n", "" },
	{ "--syslog --format text", SHOW("syslog", NULL, "format", "text"), 0,
	  "format 2 tpl - exec - " DEFAULTS " batch 0/0/0 tee 0 syslog 1/8 "
	  "ofmt 1\n", "" },
	/* Usage errors. */
	{ "--format xml", SHOW("format", "xml"), 2, "",
	  "rt-alert: unknown value 'xml' for --format; use json, csv or text\n"
	  TRY },
	{ "--template with an open brace", SHOW("template", "a {b"), 2, "",
	  "rt-alert: --template: the '{' at byte 3 is not closed (write {{ "
	  "for a brace)\n" TRY },
	{ "--template with a stray close", SHOW("template", "a}b"), 2, "",
	  "rt-alert: --template: the '}' at byte 2 closes nothing (write }} "
	  "for a brace)\n" TRY },
	{ "--template with {}", SHOW("template", "x{}"), 2, "",
	  "rt-alert: --template: the '{}' at byte 2 names no field\n" TRY },
	{ "--template with a brace inside one", SHOW("template", "{a{b}}"), 2,
	  "", "rt-alert: --template: the '{' at byte 1 is not closed (write {{ "
	  "for a brace)\n" TRY },
	{ "--exec with no command", SHOW("exec", " \t "), 2, "",
	  "rt-alert: --exec: no command\n" TRY },
	{ "--exec-timeout 0", SHOW("exec", "true", "timeout", "0"), 2, "",
	  "rt-alert: --exec-timeout: '0' is not a positive duration (250ms, "
	  "30s, 5m, 1h30m, 7d)\n" TRY },
	{ "--exec-concurrency 0", SHOW("exec", "true", "conc", "0"), 2, "",
	  "rt-alert: --exec-concurrency: '0' is not a positive count\n" TRY },
	{ "--retries -1", SHOW("exec", "true", "retries", "-1"), 2, "",
	  "rt-alert: --retries: '-1' is not a count\n" TRY },
	{ "--exec-batch 0", SHOW("exec", "true", "batch", "0"), 2, "",
	  "rt-alert: --exec-batch: '0' is not a positive count\n" TRY },
	{ "--exec-batch 5/0", SHOW("exec", "true", "batch", "5/0"), 2, "",
	  "rt-alert: --exec-batch: '0' is not a positive duration (250ms, "
	  "30s, 5m, 1h30m, 7d)\n" TRY },
	{ "--exec-batch /5s", SHOW("exec", "true", "batch", "/5s"), 2, "",
	  "rt-alert: --exec-batch: '' is not a positive count\n" TRY },
	{ "--syslog=mail", SHOW("syslog", "mail"), 2, "", NULL },
	{ "--exec-timeout without --exec", SHOW("timeout", "1s"), 2, "",
	  "rt-alert: --exec-timeout goes with --exec\n" TRY },
	{ "--retry-delay with --retries 0", SHOW("exec", "true", "retries",
	  "0", "delay", "1s"), 2, "",
	  "rt-alert: --retry-delay: there is no retry with --retries 0\n" TRY },
	{ "-o csv --format text", SHOW("o", "csv", "format", "text"), 2, "",
	  "rt-alert: -o csv and --format text disagree\n" TRY },
	{ "--tee alone", SHOW("tee", NULL), 2, "",
	  "rt-alert: --tee goes with --exec or --syslog (alerts are on "
	  "standard output already)\n" TRY },
	{ "--template --format json", SHOW("template", "{a}", "format",
	  "json"), 2, "", "rt-alert: --template is for --format text\n" TRY },
	{ "--exec --syslog", SHOW("exec", "true", "syslog", NULL), 2, "",
	  "rt-alert: --exec and --syslog: choose one\n" TRY },
	{ "--exec --format text", SHOW("exec", "true", "format", "text"), 2,
	  "", "rt-alert: --format shapes standard output, which --exec leaves "
	  "empty (add --tee)\n" TRY },
	{ "--exec --template", SHOW("exec", "true", "template", "{a}"), 2,
	  "", "rt-alert: --template shapes standard output, which --exec "
	  "leaves empty (add --tee)\n" TRY },
	{ "--syslog --format csv", SHOW("syslog", NULL, "format", "csv"), 2,
	  "", "rt-alert: --format csv: syslog lines are text (add --tee for "
	  "standard output)\n" TRY },
};

static void
test_opts(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof optcases / sizeof optcases[0]; i++) {
		child_run(&r, run_child, (void *)&optcases[i].r, NULL);
		ok(r.status == optcases[i].status, "%s: exit %d",
		    optcases[i].what, optcases[i].status);
		is_str(r.out.p, optcases[i].out, "  stdout");
		if (optcases[i].err)
			is_str(r.err.p, optcases[i].err, "  stderr");
		else
			ok(strncmp(r.err.p, "rt-alert: unknown value 'mail' for "
			    "--syslog", 43) == 0, "  stderr: the facility");
	}
	child_release(&r);
}

#define A1 "{\"alert_id\":\"a1\",\"time\":\"2024-03-01T00:00:00Z\"," \
	"\"key\":\"4111\",\"class\":\"fraud\",\"score\":0.9,\"rules\":[\"r1\"," \
	"\"r2\"],\"suppressed\":0,\"record\":{\"amount\":12,\"who\":\"x\"}}"
#define EVIL "{\"alert_id\":\"a2\",\"key\":\"k\\nALERT forged\\u0001\\u007f" \
	"\\u0085\\u2028\\\\\",\"rules\":{\"x\":1,\"y\":\"\\t\"}}"
#define SUMM "{\"alert_id\":\"s1\",\"time\":\"t\",\"throttled\":5," \
	"\"suppressed\":2,\"window_start\":\"a\",\"window_end\":\"b\"}"

static const struct {
	const char *what;
	struct run r;
	int status;
	const char *out, *err;
} outcases[] = {
	{ "JSON as it is", { { NULL }, { A1, "!" SUMM }, 0 }, 0,
	  A1 "\n" SUMM "\n",
	  "#out 1 rejected 0 raised 1 summaries 1 failures 0\n" },
	{ "text: the default templates", { { "format", "text", NULL },
	  { A1, "!" SUMM }, 0 }, 0,
	  "ALERT a1 2024-03-01T00:00:00Z key=4111 class=fraud score=0.9 "
	  "rules=r1,r2 suppressed=0\n"
	  "SUMMARY s1 t throttled=5 suppressed=2 from=a to=b\n",
	  "#out 1 rejected 0 raised 1 summaries 1 failures 0\n" },
	{ "text: a template with record fields and braces", { { "template",
	  "{{{key}}} {amount}/{who} {nope}|{rules}", NULL }, { A1 }, 0 }, 0,
	  "{4111} 12/x |r1,r2\n",
	  "#out 1 rejected 0 raised 1 summaries 0 failures 0\n" },
	{ "text: control characters cannot forge a line", { { "template",
	  "{key} {rules}", NULL }, { EVIL }, 0 }, 0,
	  "k\\nALERT forged\\x01\\x7f\\u0085\\u2028\\\\ 1,\\t\n",
	  "#out 1 rejected 0 raised 1 summaries 0 failures 0\n" },
	{ "CSV: the flat alert", { { "format", "csv", NULL }, { A1, EVIL },
	  0 }, 0,
	  "alert_id,time,key,class,score,rules,suppressed,throttled\n"
	  "a1,2024-03-01T00:00:00Z,4111,fraud,0.9,r1;r2,0,\n"
	  "a2,,\"k\nALERT forged\x01\x7f\xc2\x85\xe2\x80\xa8\\\",,,1;\t,,\n",
	  "#out 2 rejected 0 raised 2 summaries 0 failures 0\n" },
};

static void
test_out(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof outcases / sizeof outcases[0]; i++) {
		child_run(&r, run_child, (void *)&outcases[i].r, NULL);
		ok(r.status == outcases[i].status, "%s: exit %d",
		    outcases[i].what, outcases[i].status);
		is_str(r.out.p, outcases[i].out, "  stdout");
		is_str(r.err.p, outcases[i].err, "  stderr");
	}
	child_release(&r);
}

static const char *
slurp(struct rt_buf *b)
{
	child_slurp(outf, b);
	unlink(outf);
	return b->p;
}

static void
test_exec(void)
{
	static char script[256], fail[256], batch[256];
	struct child r = { 0 };
	struct rt_buf b = RT_BUF_INIT;

	snprintf(script, sizeof script, "%s/hook", dir);
	{
		FILE *f = fopen(script, "w");

		if (f) {
			fprintf(f, "#!/bin/sh\n{ printf '%%s|%%s|%%s|%%s|%%s|%%s|"
			    "%%s|%%s|' \"$RT_ALERT_ID\" \"$RT_ALERT_TIME\" "
			    "\"$RT_ALERT_KEY\" \"$RT_ALERT_CLASS\" "
			    "\"$RT_ALERT_SCORE\" \"$RT_ALERT_RULES\" "
			    "\"$RT_ALERT_SUPPRESSED\" \"$RT_ALERT_COUNT\"; cat; "
			    "} >> %s\n", outf);
			fclose(f);
		}
		chmod(script, 0755);
	}
	snprintf(fail, sizeof fail, "%s/fail", dir);
	{
		FILE *f = fopen(fail, "w");

		if (f) {
			fprintf(f, "#!/bin/sh\ncat > /dev/null; exit 3\n");
			fclose(f);
		}
		chmod(fail, 0755);
	}
	snprintf(batch, sizeof batch, "%s/hook", dir);

	{
		struct run ru = { { "exec", script, NULL }, { A1, EVIL }, 0 };

		child_run(&r, run_child, &ru, NULL);
		ok(r.status == 0, "--exec: exit 0");
		is_str(r.out.p, "", "  nothing on stdout");
		is_str(r.err.p, "#out 2 rejected 0 raised 2 summaries 0 "
		    "failures 0\n", "  counted out when delivered");
		is_str(slurp(&b), "a1|2024-03-01T00:00:00Z|4111|fraud|0.9|r1,r2|"
		    "0||" A1 "\n"
		    "a2||k\nALERT forged\x01\x7f\xc2\x85\xe2\x80\xa8\\|||"
		    "1,\t|||" EVIL "\n",
		    "  the variables (as text, not escaped) and the alert on "
		    "stdin");
	}
	{
		struct run ru = { { "exec", batch, "batch", "2", "tee", NULL,
		    NULL }, { A1, A1, A1 }, 0 };

		child_run(&r, run_child, &ru, NULL);
		ok(r.status == 0, "--exec-batch 2 --tee: exit 0");
		is_str(r.out.p, A1 "\n" A1 "\n" A1 "\n", "  --tee: on stdout too");
		is_str(slurp(&b), "|||||||2|" A1 "\n" A1 "\n"
		    "|||||||1|" A1 "\n", "  batches: a count, no per-alert "
		    "variables");
	}
	{
		struct run ru = { { "exec", fail, "retries", "1", "delay",
		    "1ms", NULL }, { A1, A1, "!" SUMM }, 0 };
		char want[512];

		child_run(&r, run_child, &ru, NULL);
		ok(r.status == 2, "failures, a summary lost: exit 2");
		snprintf(want, sizeof want, "rt-alert: alert:1: delivery failed: "
		    "exit status 3 (2 attempts); more failures like it are "
		    "counted in --stats\n"
		    "rt-alert: 3 alerts not delivered: exit status 3: 3\n"
		    "#out 0 rejected 2 raised 2 summaries 1 failures 3\n");
		is_str(r.err.p, want, "  reported once, summed up, counted");
	}
	{
		struct run ru = { { "exec", "no-such-command-t-deliver", NULL },
		    { A1 }, 0 };

		child_run(&r, run_child, &ru, NULL);
		ok(r.status == 2, "a command not found: exit 2");
		is_str(r.err.p, "rt-alert: --exec: 'no-such-command-t-deliver': "
		    "command not found\n", "  said so");
	}
	rt_buf_release(&b);
	child_release(&r);
}

static void
test_latency(void)
{
	static const struct {
		size_t n;
		const char *want;
	} t[] = {
		{ 0, ",\"latency_us\":{\"n\":0}" },
		{ 1, ",\"latency_us\":{\"n\":1,\"p50\":1,\"p99\":1,\"max\":1}" },
		{ 2, ",\"latency_us\":{\"n\":2,\"p50\":1,\"p99\":2,\"max\":2}" },
		{ 100, ",\"latency_us\":{\"n\":100,\"p50\":50,\"p99\":99,"
		  "\"max\":100}" },
		{ 101, ",\"latency_us\":{\"n\":101,\"p50\":51,\"p99\":100,"
		  "\"max\":101}" },
	};
	struct rt_cli c;
	struct rt_deliver d;
	struct rt_buf b = RT_BUF_INIT;

	rt_cli_init(&c, "rt-alert", usage, NULL);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		rt_deliver_init(&d, &c);
		d.nlat = d.caplat = t[i].n;
		d.lat = t[i].n ? malloc(t[i].n * sizeof *d.lat) : NULL;
		/* n..1, backwards: the member sorts them. */
		for (size_t j = 0; j < t[i].n; j++)
			d.lat[j] = (int64_t)(t[i].n - j);
		b.len = 0;
		rt_deliver_latency(&d, &b);
		is_str(rt_buf_cstr(&b), t[i].want, "latency of 1..n");
		rt_deliver_release(&d);
	}
	rt_timeopt_release(&c.topt);
	rt_buf_release(&b);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(outf, sizeof outf, "%s/out", dir);
	test_opts();
	test_out();
	test_exec();
	test_latency();
	unlink(outf);
	{
		char p[96];

		snprintf(p, sizeof p, "%s/hook", dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/fail", dir);
		unlink(p);
	}
	rmdir(dir);
	return done_testing();
}
