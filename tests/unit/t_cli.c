/*
 * t_cli.c - the tool side of the library (lib/cli.c), each case in a
 * child process (child.h) since cli.h prints and exits: sizes with
 * suffixes (huge ones too); the common options and the fields they set;
 * bad values, counts, durations and words, with the exact usage error
 * and exit 2; getopt's complaints (unknown, ambiguous, missing value,
 * a value to a flag) with suggestions; -V and --help, also to a full
 * disk; and a small record loop: output, rejects, control records,
 * --strict, -o csv, --stats and the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "child.h"
#include "cli.h"
#include "tap.h"

#define TRY "Try 'rt-t --help' for more information.\n"

static void
usage(void)
{
	printf("usage: rt-t [options]\n");
}

static const struct rt_optdef opts[] = {
	RT_OPTTAB_FLAG("sliding", 's', "a flag"),
	RT_OPTTAB_ARG("slide", 'S', "N", "with a value"),
	RT_OPTTAB_ARG("key", 'k', "F", "a key"),
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	RT_OPTTAB_END
};

static void
test_size(void)
{
	static const struct {
		const char *s;
		long long want;
	} t[] = {
		{ "0", 0 }, { "16", 16 }, { "1k", 1024 }, { "1K", 1024 },
		{ "1KB", 1024 }, { "2M", 2 << 20 }, { "3m", 3 << 20 },
		{ "1G", 1LL << 30 }, { "1g", 1LL << 30 }, { "5GB", 5LL << 30 },
		{ "9223372036854775807", LLONG_MAX },
		{ "8388607T", -1 },	/* no such suffix */
		{ "", -1 }, { "K", -1 }, { "-1", -1 }, { "-1K", -1 },
		{ "1Kb", -1 }, { "1KBB", -1 }, { "1 K", -1 }, { "1.5M", -1 },
		{ "1x", -1 }, { "9223372036854775808", -1 },
		/* The largest that fit, and one more: no overflow. */
		{ "9007199254740991K", 9007199254740991LL << 10 },
		{ "9007199254740992K", -1 },
		{ "8796093022207M", 8796093022207LL << 20 },
		{ "8796093022208M", -1 },
		{ "8589934591G", 8589934591LL << 30 },
		{ "8589934592G", -1 },
		{ "9223372036854775807G", -1 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long got = rt_cli_size(t[i].s);

		ok(got == t[i].want, "size '%s': %lld", t[i].s, t[i].want);
		if (got != t[i].want)
			diag("got %lld", got);
	}
}

/* A run of options through rt_cli_opt, then what they set on stdout. */
struct optrun {
	const char *o[8];	/* opt letter or number as text, value, ... */
};

static int
opt_val(const char *name)
{
	static const struct {
		const char *name;
		int val;
	} t[] = {
		{ "reject", RT_OPT_REJECT }, { "stats", RT_OPT_STATS },
		{ "strict", RT_OPT_STRICT }, { "maxrec", RT_OPT_MAXREC },
		{ "time-unit", RT_OPT_TIME_UNIT },
		{ "time-format", RT_OPT_TIME_FORMAT }, { "tz", RT_OPT_TZ },
		{ "no-sandbox", RT_OPT_NO_SANDBOX },
		{ "max-diag", RT_OPT_MAXDIAG }, { "verbose", RT_OPT_VERBOSE },
		{ "name", RT_OPT_NAME }, { "every", RT_OPT_STATS_EVERY },
		{ "quote", RT_OPT_QUOTE }, { "columns", RT_OPT_COLUMNS },
		{ "tool", RT_OPT_TOOL },
	};

	if (name[1] == '\0')
		return name[0];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].val;
	return -1;
}

static void
opt_child(void *arg)
{
	const char *const *o = arg;
	struct rt_cli c;

	rt_cli_init(&c, "rt-t", usage, opts);
	for (; *o; o += 2)
		if (!rt_cli_opt(&c, opt_val(o[0]), o[1]))
			printf("not common: %s\n", o[0]);
	printf("i%d o%d d%d q%d u%d s%d x%d m%zu n%d v%d diag%llu tu%d "
	    "every%lld%s%s%s%s%s%s\n", c.ifmt, c.ofmt, c.delim, c.quote,
	    c.unbuffered, c.stats, c.strict, c.max_record, c.no_sandbox,
	    c.verbose, (unsigned long long)c.max_diag, (int)c.topt.unit,
	    (long long)c.watch.every,
	    c.reject_path ? " rej=" : "", c.reject_path ? c.reject_path : "",
	    c.st.name ? " name=" : "", c.st.name ? c.st.name : "",
	    c.columns ? " cols=" : "", c.columns ? c.columns : "");
	rt_timeopt_release(&c.topt);
}

#define DEF "i0 o1 d0 q0 u0 s0 x0 m1048576 n0 v0 diag10 tu0 every0"

static const struct {
	const char *what;
	const char *o[10];
	int status;
	const char *out, *err;
} optcases[] = {
	{ "no options: the defaults", { NULL }, 0, DEF "\n", "" },
	{ "-i csv -o tsv", { "i", "csv", "o", "tsv", NULL }, 0,
	  "i2 o3 d0 q0 u0 s0 x0 m1048576 n0 v0 diag10 tu0 every0\n", "" },
	{ "-d tab, --quote \"'\"", { "d", "tab", "quote", "'", NULL }, 0,
	  "i0 o1 d9 q39 u0 s0 x0 m1048576 n0 v0 diag10 tu0 every0\n", "" },
	{ "-d '\\t', -d ';' (the last wins)", { "d", "\\t", "d", ";", NULL },
	  0, "i0 o1 d59 q0 u0 s0 x0 m1048576 n0 v0 diag10 tu0 every0\n", "" },
	{ "the flags", { "u", NULL, "stats", NULL, "strict", NULL,
	  "no-sandbox", NULL, NULL }, 0,
	  "i0 o1 d0 q0 u1 s1 x1 m1048576 n1 v0 diag10 tu0 every0\n", "" },
	{ "--verbose, --max-diagnostics 0", { "verbose", NULL, "max-diag",
	  "0", NULL }, 0,
	  "i0 o1 d0 q0 u0 s0 x0 m1048576 n0 v1 diag0 tu0 every0\n", "" },
	{ "--max-record-bytes 16 and 1G", { "maxrec", "16", NULL }, 0,
	  "i0 o1 d0 q0 u0 s0 x0 m16 n0 v0 diag10 tu0 every0\n", "" },
	{ "--max-record-bytes 1G", { "maxrec", "1G", NULL }, 0,
	  "i0 o1 d0 q0 u0 s0 x0 m1073741824 n0 v0 diag10 tu0 every0\n", "" },
	{ "--stats-every 250ms sets --stats", { "every", "250ms", NULL }, 0,
	  "i0 o1 d0 q0 u0 s1 x0 m1048576 n0 v0 diag10 tu0 every250000\n",
	  "" },
	{ "--time-unit ms, --reject, --name, --columns", { "time-unit", "ms",
	  "reject", "r.json", "name", "n1", "columns", "a,b", NULL }, 0,
	  "i0 o1 d0 q0 u0 s0 x0 m1048576 n0 v0 diag10 tu1 every0 rej=r.json "
	  "name=n1 cols=a,b\n", "" },
	{ "a tool's own option is not common", { "tool", "x", NULL }, 0,
	  "not common: tool\n" DEF "\n", "" },
	/* The bad values: exit 2, the tool's prefix, the hint. */
	{ "-i ndjsn", { "i", "ndjsn", NULL }, 2, "",
	  "rt-t: unknown value 'ndjsn' for -i; did you mean 'ndjson'?\n" TRY },
	{ "-o xml", { "o", "xml", NULL }, 2, "",
	  "rt-t: unknown value 'xml' for -o; use ndjson, csv or tsv\n" TRY },
	{ "-d ab", { "d", "ab", NULL }, 2, "",
	  "rt-t: --delimiter: 'ab' is not one byte (or tab)\n" TRY },
	{ "-d ''", { "d", "", NULL }, 2, "",
	  "rt-t: --delimiter: '' is not one byte (or tab)\n" TRY },
	{ "-d newline", { "d", "\n", NULL }, 2, "",
	  "rt-t: --delimiter: a line end cannot be the delimiter\n" TRY },
	{ "--quote tab", { "quote", "tab", NULL }, 2, "",
	  "rt-t: --quote: 'tab' is not one byte\n" TRY },
	{ "--quote CR", { "quote", "\r", NULL }, 2, "",
	  "rt-t: --quote: a line end cannot be the quote\n" TRY },
	{ "--max-record-bytes 15", { "maxrec", "15", NULL }, 2, "",
	  "rt-t: --max-record-bytes: '15' is not a size from 16 to 1G\n" TRY },
	{ "--max-record-bytes 1025M", { "maxrec", "1025M", NULL }, 2, "",
	  "rt-t: --max-record-bytes: '1025M' is not a size from 16 to 1G\n"
	  TRY },
	{ "--max-record-bytes huge", { "maxrec", "99999999999999999G", NULL },
	  2, "", "rt-t: --max-record-bytes: '99999999999999999G' is not a "
	  "size from 16 to 1G\n" TRY },
	{ "--max-diagnostics -1", { "max-diag", "-1", NULL }, 2, "",
	  "rt-t: --max-diagnostics: '-1' is not a count\n" TRY },
	{ "--name a/b", { "name", "a/b", NULL }, 2, "",
	  "rt-t: --name: 'a/b' is not a name (no '/', not empty)\n" TRY },
	{ "--name ''", { "name", "", NULL }, 2, "",
	  "rt-t: --name: '' is not a name (no '/', not empty)\n" TRY },
	{ "--stats-every 0", { "every", "0", NULL }, 2, "",
	  "rt-t: --stats-every: '0' is not a positive duration (250ms, 30s, "
	  "5m, 1h30m, 7d)\n" TRY },
	{ "--time-unit sec", { "time-unit", "sec", NULL }, 2, "",
	  "rt-t: unknown value 'sec' for --time-unit; did you mean 's'?\n"
	  TRY },
	{ "--tz Mars/Base", { "tz", "Mars/Base", NULL }, 2, "", NULL },
	{ "-V", { "V", NULL, NULL }, 0, "rt-t (rtpipe) " RT_VERSION "\n", "" },
	{ "-h", { "h", NULL, NULL }, 0, "usage: rt-t [options]\n", "" },
};

static void
test_opts(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof optcases / sizeof optcases[0]; i++) {
		child_run(&r, opt_child, (void *)optcases[i].o, NULL);
		ok(r.status == optcases[i].status, "%s: exit %d",
		    optcases[i].what, optcases[i].status);
		is_str(r.out.p, optcases[i].out, "  stdout");
		if (optcases[i].err)
			is_str(r.err.p, optcases[i].err, "  stderr");
		else
			ok(strncmp(r.err.p, "rt-t: --tz: ", 12) == 0 &&
			    strstr(r.err.p, "'Mars/Base'\n" TRY) != NULL,
			    "  stderr: --tz names the zone");
	}
	child_release(&r);
}

/* -V and --help to a full disk: exit 2, said so. */
static void
test_full(void)
{
	static const char *const v[] = { "V", NULL, NULL };
	static const char *const h[] = { "h", NULL, NULL };
	struct child r = { 0 };

	child_run_ex(&r, opt_child, (void *)v, NULL, 0, 1);
	ok(r.status == 2, "-V > /dev/full: exit 2");
	is_str(r.err.p, "rt-t: stdout: No space left on device\n",
	    "  stderr");
	child_run_ex(&r, opt_child, (void *)h, NULL, 0, 1);
	ok(r.status == 2, "--help > /dev/full: exit 2");
	is_str(r.err.p, "rt-t: stdout: No space left on device\n",
	    "  stderr");
	child_release(&r);
}

/* Counts, unsigned counts, durations, words: the value printed, or the
 * usage error. */
struct valcase {
	char kind;		/* c count, u ucount, d dur, z dur 0 ok, w word */
	const char *s;
	int status;
	const char *out, *err;
};

static void
val_child(void *arg)
{
	static const char *const words[] = { "first", "last", "all", NULL };
	const struct valcase *v = arg;
	struct rt_cli c;

	rt_cli_init(&c, "rt-t", usage, NULL);
	switch (v->kind) {
	case 'c':
		printf("%lld\n", rt_cli_count(&c, "every", v->s, 1, 1000));
		break;
	case 'C':
		printf("%lld\n", rt_cli_count(&c, "n", v->s, LLONG_MIN,
		    LLONG_MAX));
		break;
	case 'u':
		printf("%llu\n", rt_cli_ucount(&c, "seed", v->s, 0,
		    ULLONG_MAX));
		break;
	case 'U':
		printf("%llu\n", rt_cli_ucount(&c, "part", v->s, 1, 64));
		break;
	case 'd':
		printf("%lld\n", (long long)rt_cli_dur(&c, "window", v->s,
		    RT_DUR_POSITIVE));
		break;
	case 'z':
		printf("%lld\n", (long long)rt_cli_dur(&c, "grace", v->s,
		    RT_DUR_ZERO_OK));
		break;
	case 'w':
		printf("%d\n", rt_cli_word(&c, "--emit", v->s, words));
		break;
	}
}

#define CNT "is not a positive count\n" TRY
static const struct valcase valcases[] = {
	{ 'c', "1", 0, "1\n", "" },
	{ 'c', "1000", 0, "1000\n", "" },
	{ 'c', "0", 2, "", "rt-t: --every: '0' " CNT },
	{ 'c', "1001", 2, "", "rt-t: --every: '1001' " CNT },
	{ 'c', "", 2, "", "rt-t: --every: '' " CNT },
	{ 'c', "5x", 2, "", "rt-t: --every: '5x' " CNT },
	{ 'c', "99999999999999999999", 2, "",
	  "rt-t: --every: '99999999999999999999' " CNT },
	{ 'C', "-9223372036854775808", 0, "-9223372036854775808\n", "" },
	{ 'C', "9223372036854775807", 0, "9223372036854775807\n", "" },
	{ 'C', "9223372036854775808", 2, "",
	  "rt-t: --n: '9223372036854775808' is not a count\n" TRY },
	{ 'u', "0", 0, "0\n", "" },
	{ 'u', "18446744073709551615", 0, "18446744073709551615\n", "" },
	{ 'u', "18446744073709551616", 2, "",
	  "rt-t: --seed: '18446744073709551616' is not a whole number from 0 "
	  "to 18446744073709551615\n" TRY },
	{ 'u', "-1", 2, "", "rt-t: --seed: '-1' is not a whole number from 0 "
	  "to 18446744073709551615\n" TRY },
	{ 'u', " 1", 2, "", "rt-t: --seed: ' 1' is not a whole number from 0 "
	  "to 18446744073709551615\n" TRY },
	{ 'u', "+1", 2, "", "rt-t: --seed: '+1' is not a whole number from 0 "
	  "to 18446744073709551615\n" TRY },
	{ 'U', "64", 0, "64\n", "" },
	{ 'U', "0", 2, "",
	  "rt-t: --part: '0' is not a whole number from 1 to 64\n" TRY },
	{ 'U', "65", 2, "",
	  "rt-t: --part: '65' is not a whole number from 1 to 64\n" TRY },
	{ 'd', "250ms", 0, "250000\n", "" },
	{ 'd', "1h30m", 0, "5400000000\n", "" },
	{ 'd', "7d", 0, "604800000000\n", "" },
	{ 'd', "0", 2, "", "rt-t: --window: '0' is not a positive duration "
	  "(250ms, 30s, 5m, 1h30m, 7d)\n" TRY },
	{ 'd', "5", 2, "", "rt-t: --window: '5' is not a positive duration "
	  "(250ms, 30s, 5m, 1h30m, 7d)\n" TRY },
	{ 'd', "-5s", 2, "", "rt-t: --window: '-5s' is not a positive "
	  "duration (250ms, 30s, 5m, 1h30m, 7d)\n" TRY },
	{ 'z', "0", 0, "0\n", "" },
	{ 'z', "0s", 0, "0\n", "" },
	{ 'z', "x", 2, "", "rt-t: --grace: 'x' is not a duration (250ms, 30s, "
	  "5m, 1h30m, 7d)\n" TRY },
	{ 'w', "first", 0, "0\n", "" },
	{ 'w', "all", 0, "2\n", "" },
	{ 'w', "lst", 2, "",
	  "rt-t: unknown value 'lst' for --emit; did you mean 'last'?\n" TRY },
	{ 'w', "", 2, "",
	  "rt-t: unknown value '' for --emit; use first, last or all\n" TRY },
	{ 'w', "FIRST", 2, "", NULL },	/* a suggestion or the list */
};

static void
test_values(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof valcases / sizeof valcases[0]; i++) {
		const struct valcase *v = &valcases[i];

		child_run(&r, val_child, (void *)v, NULL);
		ok(r.status == v->status && strcmp(r.out.p, v->out) == 0,
		    "%c '%s': exit %d", v->kind, v->s, v->status);
		if (r.status != v->status)
			diag("exit %d, out '%s'", r.status, r.out.p);
		if (v->err)
			is_str(r.err.p, v->err, "  stderr");
		else
			ok(strncmp(r.err.p, "rt-t: unknown value 'FIRST' for "
			    "--emit", 37) == 0, "  stderr: case matters");
	}
	child_release(&r);
}

/* getopt over argv, with rt_cli_other as the default. */
static void
getopt_child(void *arg)
{
	char **argv = arg;
	struct rt_cli c;
	int argc = 0, opt;

	while (argv[argc])
		argc++;
	rt_cli_init(&c, "rt-t", usage, opts);
	opterr = 0;
	optind = 1;
	while ((opt = rt_cli_getopt(&c, argc, argv, NULL)) != -1) {
		switch (opt) {
		case 's': printf("s\n"); break;
		case 'S': printf("S=%s\n", optarg); break;
		case 'k': printf("k=%s\n", optarg); break;
		default: rt_cli_other(&c, argv, opt, optarg);
		}
	}
	printf("operands %d, o%d\n", argc - optind, c.ofmt);
	rt_timeopt_release(&c.topt);
}

static const struct {
	const char *argv[6];
	int status;
	const char *out, *err;
} getoptcases[] = {
	{ { "rt-t", "--sliding", "-S", "5", "--key=a", "f" }, 0,
	  "s\nS=5\nk=a\noperands 1, o1\n", "" },
	{ { "rt-t", "--output-format", "csv", "-s" }, 0,
	  "s\noperands 0, o2\n", "" },
	{ { "rt-t", "--slidng" }, 2, "",
	  "rt-t: unknown option '--slidng'; did you mean '--sliding'?\n"
	  TRY },
	{ { "rt-t", "--slid" }, 2, "",
	  "rt-t: option '--slid' is ambiguous; did you mean '--sliding' or "
	  "'--slide'?\n" TRY },
	{ { "rt-t", "--sliding=1" }, 2, "",
	  "rt-t: option '--sliding' takes no value\n" TRY },
	{ { "rt-t", "--key" }, 2, "",
	  "rt-t: option '--key' needs a value\n" TRY },
	{ { "rt-t", "-k" }, 2, "", "rt-t: option '-k' needs a value\n" TRY },
	{ { "rt-t", "-Z" }, 2, "", "rt-t: unknown option '-Z'\n" TRY },
	{ { "rt-t", "--zzzzzzzzzzzz" }, 2, "",
	  "rt-t: unknown option '--zzzzzzzzzzzz'\n" TRY },
	{ { "rt-t", "-o", "xml" }, 2, "",
	  "rt-t: unknown value 'xml' for -o; use ndjson, csv or tsv\n" TRY },
};

static void
test_getopt(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof getoptcases / sizeof getoptcases[0];
	    i++) {
		char *argv[7] = { NULL };

		for (int j = 0; j < 6 && getoptcases[i].argv[j]; j++)
			argv[j] = (char *)getoptcases[i].argv[j];
		child_run(&r, getopt_child, argv, NULL);
		ok(r.status == getoptcases[i].status, "getopt %s: exit %d",
		    argv[1], getoptcases[i].status);
		is_str(r.out.p, getoptcases[i].out, "  stdout");
		is_str(r.err.p, getoptcases[i].err, "  stderr");
	}
	child_release(&r);
}

/* The record loop: objects get passed on, "drop" ones dropped, the rest
 * rejected by rt_cli_object; the exit status is rt_cli_finish's. */
struct loop {
	int strict, stats, ofmt, maxdiag;
	const char *columns;
};

static void
on_ctl(void *arg, const struct rt_ctl *ctl)
{
	(void)arg;
	fprintf(stderr, "#ctl %d %llu\n", (int)ctl->kind,
	    (unsigned long long)ctl->id);
}

static void
loop_child(void *arg)
{
	const struct loop *l = arg;
	static char *argv[] = { "rt-t", NULL };
	struct rt_cli c;
	struct rt_jdoc d;
	struct rt_rec r;

	rt_cli_init(&c, "rt-t", usage, NULL);
	c.no_sandbox = 1;
	c.strict = l->strict;
	c.stats = l->stats;
	c.ofmt = l->ofmt;
	c.columns = l->columns;
	c.max_diag = (uint64_t)l->maxdiag;
	c.control = on_ctl;
	rt_cli_start(&c, 1, argv, 1);
	rt_jdoc_init(&d, 0);
	while (rt_cli_next(&c, &r) == 1) {
		const struct rt_jdoc *doc = rt_cli_object(&c, &r, &d);

		if (doc == NULL)
			continue;
		if (rt_jdoc_get(doc, 0, "drop", 4))
			rt_cli_drop(&c);
		else
			rt_cli_emit(&c, &r, r.p, r.len);
	}
	rt_jdoc_release(&d);
	exit(rt_cli_finish(&c));
}

static const char loop_in[] =
    "{\"a\":1}\n"
    "[1]\n"
    "{\"$rt\":\"barrier\",\"id\":7}\n"
    "{\"a\":2,\"drop\":1}\n"
    "{\"a\":\n"
    "{\"a\":3}\n";

static const struct {
	const char *what;
	struct loop l;
	const char *in;
	int status;
	const char *out, *err;
} loopcases[] = {
	{ "empty input: exit 0", { 0, 1, RT_FMT_NDJSON, 10, NULL }, "", 0, "",
	  "{\"tool\":\"rt-t\",\"in\":0,\"out\":0,\"rejected\":0,\"dropped\":0}\n" },
	{ "good records only: exit 0", { 0, 0, RT_FMT_NDJSON, 10, NULL },
	  "{\"a\":1}\n{\"a\":2}", 0, "{\"a\":1}\n{\"a\":2}\n", "" },
	{ "rejects, a drop, a barrier passed on: exit 1",
	  { 0, 1, RT_FMT_NDJSON, 10, NULL }, loop_in, 1,
	  "{\"a\":1}\n{\"$rt\":\"barrier\",\"id\":7}\n{\"a\":3}\n",
	  "rt-t: stdin:2: not a JSON object\n#ctl 1 7\n"
	  "rt-t: stdin:5: invalid JSON: unexpected end of text at byte 6\n"
	  "{\"tool\":\"rt-t\",\"in\":5,\"out\":2,\"rejected\":2,\"dropped\":1}\n" },
	{ "--strict stops at the first reject", { 1, 1, RT_FMT_NDJSON, 10, NULL },
	  loop_in, 1, "{\"a\":1}\n",
	  "rt-t: stdin:2: not a JSON object\n"
	  "{\"tool\":\"rt-t\",\"in\":2,\"out\":1,\"rejected\":1,\"dropped\":0}\n" },
	{ "--max-diagnostics 1: the others counted",
	  { 0, 0, RT_FMT_NDJSON, 1, NULL }, "[1]\n[2]\n[3]\n{}\n", 1, "{}\n",
	  "rt-t: stdin:1: not a JSON object\n"
	  "rt-t: 2 more rejects like 'not a JSON object' not shown (see "
	  "--reject, --stats, --max-diagnostics)\n"
	  "rt-t: warning: 3 of 4 records were rejected\n" },
	{ "-o csv: a header, then rows", { 0, 0, RT_FMT_CSV, 10, NULL },
	  "{\"a\":1,\"b\":\"x,y\"}\n{\"a\":2,\"b\":null}\n", 0,
	  "a,b\n1,\"x,y\"\n2,\n", "" },
	{ "-o tsv --columns: another key is rejected",
	  { 0, 0, RT_FMT_TSV, 10, "a" }, "{\"a\":1}\n{\"b\":2}\n", 1,
	  "a\n1\n", "rt-t: stdin:2: key (member 1) is not in --columns\n" },
};

static void
test_loop(void)
{
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof loopcases / sizeof loopcases[0]; i++) {
		child_run(&r, loop_child, (void *)&loopcases[i].l,
		    loopcases[i].in);
		ok(r.status == loopcases[i].status, "%s", loopcases[i].what);
		if (r.status != loopcases[i].status)
			diag("exit %d, stderr '%s'", r.status, r.err.p);
		is_str(r.out.p, loopcases[i].out, "  stdout");
		is_str(r.err.p, loopcases[i].err, "  stderr");
	}
	child_release(&r);
}

int
main(void)
{
	test_size();
	test_opts();
	test_full();
	test_values();
	test_getopt();
	test_loop();
	return done_testing();
}
