/*
 * cli.c - the tool side of the library: common options, diagnostics, the
 * record loop's plumbing, exit status (see cli.h, rtpipe(7)).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "state.h"
#include "suggest.h"

volatile sig_atomic_t rt_cli_usr1;

#define RA required_argument
#define NA no_argument

const struct rt_optdef rt_cli_info_opts[] = {
	{ "help", NA, 'h',
	  NULL, "show this help", NULL, NULL },
	{ "version", NA, 'V',
	  NULL, "show the version", NULL, NULL },
	RT_OPTTAB_END
};

const struct rt_optdef rt_cli_common_opts[] = {
	{ "input-format", RA, 'i',
	  "FMT", "ndjson, csv or tsv (default: by file extension,\n"
	  "else ndjson)", "Common options:", NULL },
	{ "output-format", RA, 'o',
	  "FMT", "ndjson (default), csv or tsv", NULL, NULL },
	{ "delimiter", RA, 'd',
	  "C", "CSV/TSV field separator, in and out: one byte,\n"
	  "or tab (default: ',' for CSV, tab for TSV)", NULL, NULL },
	{ "quote", RA, RT_OPT_QUOTE,
	  "C", "CSV/TSV quote character (default '\"')", NULL, NULL },
	{ "columns", RA, RT_OPT_COLUMNS,
	  "A,B,...", "-o csv|tsv: this header; a record with another\n"
	  "key is rejected (default: a new header block)", NULL, NULL },
	{ "unbuffered", NA, 'u',
	  NULL, "flush after every record", NULL, NULL },
	{ "reject", RA, RT_OPT_REJECT,
	  "FILE", "write rejected records to FILE as JSON objects", NULL,
	  NULL },
	{ "stats", NA, RT_OPT_STATS,
	  NULL, "print counts as JSON on stderr at exit (and on\n"
	  "SIGUSR1)", NULL, NULL },
	{ "strict", NA, RT_OPT_STRICT,
	  NULL, "stop at the first rejected record", NULL, NULL },
	{ "max-record-bytes", RA, RT_OPT_MAXREC,
	  "N", "longest record accepted (default 1M)", NULL, NULL },
	{ "no-sandbox", NA, RT_OPT_NO_SANDBOX,
	  NULL, "do not confine the tool (seccomp, Landlock)", NULL, NULL },
	{ "max-diagnostics", RA, RT_OPT_MAXDIAG,
	  "N", "show the first N rejects of each kind on\n"
	  "stderr, then count them (default 10, 0: all)", NULL, NULL },
	{ "verbose", NA, RT_OPT_VERBOSE,
	  NULL, "every diagnostic, naming record keys and values", NULL,
	  NULL },
	{ "name", RA, RT_OPT_NAME,
	  "NAME", "label the stats (and the --stats-dir file)", NULL, NULL },
	{ "stats-every", RA, RT_OPT_STATS_EVERY,
	  "DUR", "print the --stats line every DUR too", NULL, NULL },
	{ "stats-dir", RA, RT_OPT_STATS_DIR,
	  "DIR", "keep the counters in DIR/NAME.PID.json, about\n"
	  "once a second, for rt-top (default $RT_STATS_DIR)", NULL, NULL },
	{ "progress", NA, RT_OPT_PROGRESS,
	  NULL, "a progress line on stderr when it is a terminal", NULL,
	  NULL },
	RT_OPTTAB_SPLICE(rt_cli_info_opts),
	RT_OPTTAB_END
};

const struct rt_optdef rt_cli_time_opts[] = {
	{ "time-unit", RA, RT_OPT_TIME_UNIT,
	  "UNIT", "unit of epoch numbers: s (default), ms, us, ns", "Time "
	  "options:", NULL },
	{ "time-format", RA, RT_OPT_TIME_FORMAT,
	  "FMT", "strptime-like format for time text (%Y %m %d\n"
	  "%H %M %S %f %z %b %j %p %s %T %F)", NULL, NULL },
	{ "tz", RA, RT_OPT_TZ,
	  "ZONE", "zone of times without an offset (UTC, +02:00,\n"
	  "Europe/Paris; default UTC)", NULL, NULL },
	RT_OPTTAB_END
};

#undef RA
#undef NA

/* The --help lines of each table of t (NULL: none) on stdout. */
static void
help_tables(const struct rt_optdef *const t[])
{
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; t && t[i]; i++)
		rt_opttab_help(t[i], &b);
	if (b.len > 0)
		fwrite(b.p, 1, b.len, stdout);
	rt_buf_release(&b);
}

void
rt_cli_usage_tables(const char *head, const struct rt_optdef *const tabs[],
    const char *mid, const struct rt_optdef *const groups[],
    const char *tail)
{
	fputs(head, stdout);
	help_tables(tabs);
	fputs(mid, stdout);
	help_tables(groups);
	fputs(tail, stdout);
}

void
rt_cli_usage(const char *head, const struct rt_optdef *opts,
    const char *mid, const struct rt_optdef *const groups[],
    const char *tail)
{
	rt_cli_usage_tables(head, RT_CLI_GROUPS(opts), mid, groups, tail);
}

int
rt_cli_getopt(struct rt_cli *c, int argc, char **argv, int *li)
{
	return getopt_long(argc, argv, c->sopts, c->lopts, li);
}

static void
on_usr1(int sig)
{
	(void)sig;
	rt_cli_usr1 = 1;
}

void
rt_cli_init(struct rt_cli *c, const char *tool, void (*usage)(void),
    const struct rt_optdef *opts)
{
	memset(c, 0, sizeof *c);
	c->tool = tool;
	c->usage = usage;
	if (opts && (rt_opttab_longopts(opts, c->lopts, RT_OPTTAB_MAX + 1) ==
	    -1 || rt_opttab_shortopts(opts, c->sopts, sizeof c->sopts) == -1))
		rt_cli_fatal(c, "too many options");	/* a tool's bug */
	if (opts)
		c->longopts = c->lopts;
	c->ifmt = RT_FMT_AUTO;
	c->ofmt = RT_FMT_NDJSON;
	c->max_record = RT_MAX_RECORD_DEFAULT;
	c->max_diag = 10;
	c->st.tool = tool;
	rt_timeopt_init(&c->topt);
	rt_progname = tool;
}

void
rt_cli_report(struct rt_cli *c, void (*extra)(struct rt_buf *, void *),
    int64_t (*evtime)(void *), void *arg)
{
	c->st.extra = extra;
	c->st.extra_arg = arg;
	c->evtime = evtime;
	c->evtime_arg = arg;
}

static void __attribute__((format(printf, 2, 0)))
vsay(struct rt_cli *c, const char *fmt, va_list ap)
{
	char msg[1024];
	struct rt_buf b = RT_BUF_INIT;
	ssize_t w;

	/* The analyzer loses track of ap across the variadic callers. */
	vsnprintf(msg, sizeof msg, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	rt_buf_adds(&b, c->tool);
	rt_buf_adds(&b, ": ");
	rt_buf_adds(&b, msg);
	rt_buf_addc(&b, '\n');
	do
		w = write(STDERR_FILENO, b.p, b.len);
	while (w < 0 && errno == EINTR);
	rt_buf_release(&b);
}

void
rt_cli_warn(struct rt_cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, fmt, ap);
	va_end(ap);
}

void
rt_cli_fatal(struct rt_cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, fmt, ap);
	va_end(ap);
	/* Keep what the reject file already holds. */
	rt_rej_close(&c->rej);
	exit(RT_EXIT_TROUBLE);
}

void
rt_cli_usage_error(struct rt_cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", c->tool);
	exit(RT_EXIT_TROUBLE);
}

void
rt_cli_bad_value(struct rt_cli *c, const char *opt, const char *s,
    const char *what)
{
	rt_cli_usage_error(c, "--%s: '%s' is not %s", opt, s, what);
}

/* An unknown long option arg (name: n bytes after the "--"), an
 * ambiguous prefix, or an option given a value it does not take. */
static void __attribute__((noreturn))
bad_long(struct rt_cli *c, const char *arg, const char *name, size_t n)
{
	const struct option *o, *known = NULL;
	struct rt_suggest s;
	char msg[512];
	int pre = 0;

	rt_suggest_init(&s, name, n);
	for (o = c->longopts; o && o->name; o++) {
		if (strncmp(o->name, name, n) == 0 && o->name[n] == '\0')
			known = o, pre = -1;
		else if (strncmp(o->name, name, n) == 0 && pre >= 0 &&
		    ++pre == 1)
			known = o;
		rt_suggest_add(&s, o->name);
	}
	if (known && pre <= 1 && arg[n + 2] == '=' &&
	    known->has_arg == no_argument)
		rt_cli_usage_error(c, "option '--%s' takes no value",
		    known->name);
	snprintf(msg, sizeof msg, pre > 1 ? "option '%.*s' is ambiguous" :
	    "unknown option '%.*s'", (int)(n + 2 > 100 ? 100 : n + 2), arg);
	rt_suggest_append(msg, sizeof msg, &s, "--", NULL);
	rt_cli_usage_error(c, "%s", msg);
}

void
rt_cli_bad_option(struct rt_cli *c, char **argv, int opt)
{
	const char *arg = argv[optind - 1];
	size_t n = strcspn(arg, "=");

	if (opt == ':')
		rt_cli_usage_error(c, "option '%.*s' needs a value", (int)n,
		    arg);
	if (optopt && arg[1] != '-')
		rt_cli_usage_error(c, "unknown option '-%c'", optopt);
	if (opt == '?' && arg[0] == '-' && arg[1] == '-')
		bad_long(c, arg, arg + 2, n - 2);
	rt_cli_usage_error(c, "unknown option '%.*s'", (int)n, arg);
}

void
rt_cli_bad_word(struct rt_cli *c, const char *opt, const char *arg,
    const char *const words[])
{
	char msg[512];

	rt_suggest_value(msg, sizeof msg, opt, arg, words);
	rt_cli_usage_error(c, "%s", msg);
}

int
rt_cli_word(struct rt_cli *c, const char *opt, const char *arg,
    const char *const words[])
{
	for (int i = 0; words[i]; i++)
		if (strcmp(arg, words[i]) == 0)
			return i;
	rt_cli_bad_word(c, opt, arg, words);
}

long long
rt_cli_size(const char *s)
{
	char *end;
	long long v;
	int shift;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': return v;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	default: return -1;
	}
	if (v > LLONG_MAX >> shift)
		return -1;
	v <<= shift;
	return end[1] == '\0' || (end[1] == 'B' && end[2] == '\0') ? v : -1;
}

int64_t
rt_cli_dur(struct rt_cli *c, const char *opt, const char *s,
    enum rt_dur_zero zero)
{
	int zero_ok = zero == RT_DUR_ZERO_OK;
	int64_t us;
	const char *err = rt_dur_parse(s, &us);

	if (err || us < 0 || (!zero_ok && us == 0))
		rt_cli_bad_value(c, opt, s, zero_ok ? "a duration (250ms, 30s, "
		    "5m, 1h30m, 7d)" : "a positive duration (250ms, 30s, 5m, "
		    "1h30m, 7d)");
	return us;
}

long long
rt_cli_count(struct rt_cli *c, const char *opt, const char *s,
    long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		rt_cli_bad_value(c, opt, s, min > 0 ? "a positive count" :
		    "a count");
	return v;
}

unsigned long long
rt_cli_ucount(struct rt_cli *c, const char *opt, const char *s,
    unsigned long long min, unsigned long long max)
{
	char *end;
	unsigned long long v;

	/* strtoull takes leading blanks and a sign: " -1" would be 2^64 - 1. */
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || !(s[0] >= '0' && s[0] <= '9') ||
	    v < min || v > max) {
		char what[96];

		snprintf(what, sizeof what, "a whole number from %llu to %llu",
		    min, max);
		rt_cli_bad_value(c, opt, s, what);
	}
	return v;
}

volatile sig_atomic_t rt_cli_term;
static int term_pipe[2] = { -1, -1 };

static void
on_term(int sig)
{
	int e = errno;

	rt_cli_term = sig;
	if (term_pipe[1] >= 0)
		(void)!write(term_pipe[1], "", 1);
	errno = e;
}

void
rt_cli_catch_term(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;

	if (term_pipe[0] < 0 && pipe(term_pipe) == 0)
		for (int i = 0; i < 2; i++) {
			fcntl(term_pipe[i], F_SETFD, FD_CLOEXEC);
			fcntl(term_pipe[i], F_SETFL, O_NONBLOCK);
		}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

int
rt_cli_term_fd(void)
{
	return term_pipe[0];
}

int
rt_cli_state_lock(struct rt_cli *c, const char *path)
{
	int fd = rt_state_lock(path);

	if (fd == -1 && errno == EWOULDBLOCK)
		rt_cli_fatal(c, "%s: in use by another run (%s.lock is locked)",
		    path, path);
	if (fd == -1)
		rt_cli_fatal(c, "%s.lock: %s", path, strerror(errno));
	return fd;
}

void
rt_cli_stdout_failed(struct rt_cli *c, int err)
{
	if (err != EPIPE)
		rt_cli_fatal(c, "stdout: %s", strerror(err));
	/* The reader has gone (head(1)): nothing to say to anyone. */
	rt_rej_close(&c->rej);
	exit(RT_EXIT_TROUBLE);
}

/* After --help or --version: exit 0 only if the text was written. */
static void __attribute__((noreturn))
exit_printed(struct rt_cli *c)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		rt_cli_stdout_failed(c, errno);
	exit(RT_EXIT_OK);
}

/* The byte an option value names: one byte, or tab spelt "tab" or "\t";
 * -1 if none. */
static int
byte_opt(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	return s[0] != '\0' && s[1] == '\0' ? (unsigned char)s[0] : -1;
}

/* -d and --quote. */
static void
csv_char_opt(struct rt_cli *c, int opt, const char *arg)
{
	int v = byte_opt(arg);

	if (opt == 'd') {
		if (v < 0)
			rt_cli_bad_value(c, "delimiter", arg,
			    "one byte (or tab)");
		if (v == '\n' || v == '\r')
			rt_cli_usage_error(c, "--delimiter: a line end cannot be "
			    "the delimiter");
		c->delim = (char)v;
		return;
	}
	if (v < 0 || strcmp(arg, "tab") == 0)
		rt_cli_bad_value(c, "quote", arg, "one byte");
	if (v == '\n' || v == '\r')
		rt_cli_usage_error(c, "--quote: a line end cannot be the quote");
	c->quote = (char)v;
}

/* The input and output options of rt_cli_opt: 1 if opt was one. */
static int
io_opt(struct rt_cli *c, int opt, const char *arg)
{
	static const char *const fmts[] = { "ndjson", "csv", "tsv", NULL };
	long long n;

	switch (opt) {
	case 'i':
		if ((c->ifmt = rt_fmt_parse(arg)) < 0)
			rt_cli_bad_word(c, "-i", arg, fmts);
		return 1;
	case 'o':
		if ((c->ofmt = rt_fmt_parse(arg)) < 0)
			rt_cli_bad_word(c, "-o", arg, fmts);
		return 1;
	case 'd':
	case RT_OPT_QUOTE:
		csv_char_opt(c, opt, arg);
		return 1;
	case RT_OPT_COLUMNS:
		c->columns = arg;
		return 1;
	case 'u':
		c->unbuffered = 1;
		return 1;
	case RT_OPT_REJECT:
		c->reject_path = arg;
		return 1;
	case RT_OPT_MAXREC:
		n = rt_cli_size(arg);
		if (n < 16 || n > (1LL << 30))
			rt_cli_bad_value(c, "max-record-bytes", arg,
			    "a size from 16 to 1G");
		c->max_record = (size_t)n;
		return 1;
	}
	return 0;
}

/* The options of what a run reports and how: 1 if opt was one. */
static int
report_opt(struct rt_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case RT_OPT_STATS: c->stats = 1; return 1;
	case RT_OPT_STRICT: c->strict = 1; return 1;
	case RT_OPT_NO_SANDBOX: c->no_sandbox = 1; return 1;
	case RT_OPT_VERBOSE: c->verbose = 1; return 1;
	case RT_OPT_PROGRESS: c->watch.progress = 1; return 1;
	case RT_OPT_STATS_DIR: c->watch.dir = arg; return 1;
	case RT_OPT_MAXDIAG:
		c->max_diag = (uint64_t)rt_cli_count(c, "max-diagnostics", arg,
		    0, INT64_MAX);
		return 1;
	case RT_OPT_NAME:
		if (*arg == '\0' || strchr(arg, '/'))
			rt_cli_bad_value(c, "name", arg,
			    "a name (no '/', not empty)");
		c->st.name = arg;
		return 1;
	case RT_OPT_STATS_EVERY:
		c->watch.every = rt_cli_dur(c, "stats-every", arg,
		    RT_DUR_POSITIVE);
		c->stats = 1;
		return 1;
	}
	return 0;
}

/* The time options: 1 if opt was one. */
static int
time_opt(struct rt_cli *c, int opt, const char *arg)
{
	static const char *const units[] = { "s", "ms", "us", "ns", NULL };
	const char *err;

	switch (opt) {
	case RT_OPT_TIME_UNIT:
		if (rt_tunit_parse(arg, &c->topt.unit) < 0)
			rt_cli_bad_word(c, "--time-unit", arg, units);
		return 1;
	case RT_OPT_TIME_FORMAT:
		if ((err = rt_time_fmt_check(arg)) != NULL)
			rt_cli_usage_error(c, "--time-format: %s: '%s'", err,
			    arg);
		c->topt.format = arg;
		return 1;
	case RT_OPT_TZ:
		rt_tz_release(&c->topt.tz);
		if ((err = rt_tz_parse(&c->topt.tz, arg)) != NULL)
			rt_cli_usage_error(c, "--tz: %s '%s'", err, arg);
		return 1;
	}
	return 0;
}

void
rt_cli_other(struct rt_cli *c, char **argv, int opt, const char *arg)
{
	if (opt == '?' || opt == ':' || !rt_cli_opt(c, opt, arg))
		rt_cli_bad_option(c, argv, opt);
}

int
rt_cli_opt(struct rt_cli *c, int opt, const char *arg)
{
	if (opt == 'h') {
		c->usage();
		exit_printed(c);
	}
	if (opt == 'V') {
		printf("%s (rtpipe) %s\n", c->tool, RT_VERSION);
		exit_printed(c);
	}
	return io_opt(c, opt, arg) || report_opt(c, opt, arg) ||
	    time_opt(c, opt, arg);
}

/* Check -d, --quote and --columns; set up the -o csv|tsv writer. */
static void
csv_writer(struct rt_cli *c)
{
	char q = c->quote ? c->quote : '"';
	const char *err;

	if (c->delim ? c->delim == q : (q == ',' || q == '\t'))
		rt_cli_usage_error(c, "--delimiter and --quote are the same "
		    "byte");
	if (c->columns && c->ofmt == RT_FMT_NDJSON)
		rt_cli_usage_error(c, "--columns needs -o csv or -o tsv");
	if (c->ofmt == RT_FMT_NDJSON)
		return;
	rt_csvw_init(&c->csvw, c->delim ? c->delim :
	    c->ofmt == RT_FMT_TSV ? '\t' : ',');
	if (c->quote)
		rt_csvw_set_quote(&c->csvw, c->quote);
	if (c->columns &&
	    (err = rt_csvw_set_columns(&c->csvw, c->columns)) != NULL)
		rt_cli_usage_error(c, "--columns: %s: '%s'", err, c->columns);
	rt_jdoc_init(&c->odoc, 0);
}

void
rt_cli_fcheck(struct rt_cli *c, struct rt_fcheck *f)
{
	const char *name, *opt;
	int i = 0;

	if (f->told)
		return;
	f->told = 1;
	while ((name = rt_fcheck_unseen(f, &i, &opt)) != NULL) {
		if (f->looked >= RT_FCHECK_N)
			rt_cli_warn(c, "warning: %s: field '%s' is in none of the "
			    "first %d records", opt, name, RT_FCHECK_N);
		else
			rt_cli_warn(c, "warning: %s: field '%s' is in none of the "
			    "%llu records", opt, name,
			    (unsigned long long)f->looked);
	}
}

void
rt_cli_allow(struct rt_cli *c, const char *path, unsigned how)
{
	rt_sandbox_allow(&c->sb, path, how);
}

/* RT_SANDBOX_PROBE=PATH (rtpipe(7), "Sandbox"): once confined, try to
 * read PATH, create PATH.new, open a network socket and run /bin/true,
 * and say on stderr what was refused, so the confinement of the real
 * binary can be tested. */
static void
probe(struct rt_cli *c, const char *path)
{
	char *w = rt_xmalloc(strlen(path) + 5);
	int fd, st;
	pid_t pid;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	rt_cli_warn(c, "probe: read '%s': %s", path, fd >= 0 ? "allowed" :
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	sprintf(w, "%s.new", path);
	fd = open(w, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	rt_cli_warn(c, "probe: create '%s': %s", w, fd >= 0 ? "allowed" :
	    strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlink(w);
	}
	free(w);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	rt_cli_warn(c, "probe: inet socket: %s", fd >= 0 ? "allowed" :
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	if ((pid = fork()) == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(errno == EPERM ? 126 : 127);
	}
	st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	rt_cli_warn(c, "probe: exec: %s", WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0 ? "allowed" : "Operation not permitted");
}

/* Where the reading is, for the progress line. */
static void
watch_info(struct rt_cli *c, struct rt_watch_info *wi)
{
	struct stat st;
	int fd = rt_src_fd(&c->src);

	wi->st = &c->st;
	wi->evtime = c->evtime ? c->evtime(c->evtime_arg) : INT64_MIN;
	wi->done = wi->total = -1;
	wi->file = c->src.next;
	wi->nfiles = c->src.npaths;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		wi->total = st.st_size;
		wi->done = lseek(fd, 0, SEEK_CUR);
	}
}

static void
watch_tick(struct rt_cli *c, int final)
{
	struct rt_watch_info wi;

	watch_info(c, &wi);
	rt_watch_tick(&c->watch, &wi, final);
}

static void
watch_start(struct rt_cli *c)
{
	const char *why;

	if (c->watch.dir == NULL)
		c->watch.dir = getenv("RT_STATS_DIR");
	if (c->watch.dir && *c->watch.dir == '\0')
		c->watch.dir = NULL;
	if ((why = rt_watch_start(&c->watch, c->st.name ? c->st.name :
	    c->tool)) != NULL)
		rt_cli_fatal(c, "%s: %s", c->watch.dir, why);
	if (rt_watch_file(&c->watch))
		rt_sandbox_allow(&c->sb, rt_watch_file(&c->watch),
		    RT_SB_WRITE | RT_SB_DIR);
}

/* Confine the process to the operands and what the tool named. */
static void
confine(struct rt_cli *c, char **paths, int n)
{
	const char *why;
	int i;

	for (i = 0; i < n && !c->no_sandbox; i++)
		if (strcmp(paths[i], "-") != 0)
			rt_sandbox_allow(&c->sb, paths[i], RT_SB_READ);
	rt_sandbox_allow(&c->sb, "/dev/null", RT_SB_READ | RT_SB_WRITE);
	tzset();		/* the zone file is read now or never */
	if (!c->no_sandbox && (why = rt_sandbox_enter(&c->sb)) != NULL)
		rt_cli_warn(c, "warning: running unconfined: %s", why);
	if ((why = getenv("RT_SANDBOX_PROBE")) != NULL)
		probe(c, why);
}

void
rt_cli_start(struct rt_cli *c, int argc, char **argv, int optind_)
{
	struct sigaction sa;

	csv_writer(c);
	if (rt_rej_open(&c->rej, c->tool, c->reject_path) == -1)
		rt_cli_fatal(c, "%s: %s", c->reject_path, strerror(errno));
	c->rej.limit = c->verbose ? 0 : c->max_diag;
	c->rej.verbose = c->verbose;
	rt_out_init(&c->out, STDOUT_FILENO, "stdout");
	c->out.unbuffered = c->unbuffered;
	c->rej.out.unbuffered = c->unbuffered;
	rt_src_init(&c->src, argv + optind_, argc - optind_, c->ifmt,
	    c->max_record);
	c->src.idle = rt_cli_idle;
	c->src.idle_arg = c;
	c->src.nowait = c->nowait;
	c->src.delim = c->delim;
	c->src.quote = c->quote;
	/* No SA_RESTART: a blocked read returns, and the stats come out. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	rt_jdoc_init(&c->cdoc, 0);
	c->topt.check = 1;	/* record times from now on, not options' */
	watch_start(c);
	confine(c, argv + optind_, argc - optind_);
	c->started = 1;
}

static void
out_failed(struct rt_cli *c)
{
	rt_cli_stdout_failed(c, c->out.err);
}

static void
rej_failed(struct rt_cli *c)
{
	int e = c->rej.out.err;

	c->rej.tofile = 0;	/* do not try to flush it again */
	rt_cli_fatal(c, "%s: %s", c->reject_path, strerror(e));
}

void
rt_cli_print_stats(struct rt_cli *c)
{
	struct rt_buf b = RT_BUF_INIT;
	ssize_t w;

	rt_stats_json(&c->st, &b);
	rt_buf_addc(&b, '\n');
	do
		w = write(STDERR_FILENO, b.p, b.len);
	while (w < 0 && errno == EINTR);
	rt_buf_release(&b);
}

void
rt_cli_idle(void *arg)
{
	struct rt_cli *c = arg;

	if (rt_out_flush(&c->out) == -1)
		out_failed(c);
	if (rt_rej_flush(&c->rej) == -1)
		rej_failed(c);
	if (rt_cli_usr1) {
		rt_cli_usr1 = 0;
		rt_cli_print_stats(c);
	}
	if (rt_watch_due)
		watch_tick(c, 0);
}

void
rt_cli_reject_ex(struct rt_cli *c, const struct rt_rec *r,
    const char *reason, const char *extra, size_t extralen)
{
	c->st.rejected++;
	if (rt_rej_put(&c->rej, r->source, r->line, reason, r->raw, r->rawlen,
	    extra, extralen) == -1)
		rej_failed(c);
	if (c->strict)
		c->stop = 1;
}

void
rt_cli_reject(struct rt_cli *c, const struct rt_rec *r, const char *reason)
{
	rt_cli_reject_ex(c, r, reason, NULL, 0);
}

void
rt_cli_reject_json(struct rt_cli *c, const struct rt_rec *r,
    const struct rt_jdoc *d)
{
	char why[128];

	snprintf(why, sizeof why, "invalid JSON: %s at byte %zu", d->err,
	    d->erroff + 1);
	rt_cli_reject(c, r, why);
}

const struct rt_jdoc *
rt_cli_object(struct rt_cli *c, const struct rt_rec *r,
    struct rt_jdoc *scratch)
{
	const struct rt_jdoc *d = rt_rec_parse(r, scratch);

	if (d == NULL) {
		rt_cli_reject_json(c, r, scratch);
		return NULL;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(c, r, "not a JSON object");
		return NULL;
	}
	return d;
}

/* If r is a control record, hand it to the tool and pass it on: 1; 0
 * when it is data after all (it then goes on as a record). */
static int
control_record(struct rt_cli *c, const struct rt_rec *r)
{
	struct rt_ctl ctl;

	if (!rt_ctl_parse(&c->cdoc, r->p, r->len, &ctl))
		return 0;
	if (c->control)
		c->control(c->control_arg, &ctl);
	if (!c->ctl_sink)
		rt_cli_pass_control(c, r->p, r->len);
	return 1;
}

void
rt_cli_pass_control(struct rt_cli *c, const char *p, size_t n)
{
	if (c->ofmt == RT_FMT_NDJSON && (rt_out_write(&c->out, p, n) == -1 ||
	    rt_out_putc(&c->out, '\n') == -1))
		out_failed(c);
	rt_cli_idle(c);		/* at once: the next stage may be waiting */
}

/* The first times read fell before 1990 or after 2099 (rtime.h): most
 * often epoch numbers in another unit than --time-unit.  Said once, with
 * where, never what. */
static void
time_warning(struct rt_cli *c)
{
	static const char *const unit[] = { "s", "ms", "us", "ns" };
	const struct rt_timeopt *o = &c->topt;
	char where[160] = "";

	c->time_told = 1;
	if (c->last_src)
		snprintf(where, sizeof where, "%.120s:%llu: ", c->last_src,
		    (unsigned long long)c->last_line);
	rt_cli_warn(c, "%swarning: epoch times read in %s fall before 1990 "
	    "or after 2099; in %s they would not (--time-unit %s?)", where,
	    unit[o->unit], unit[o->odd_unit], unit[o->odd_unit]);
}

int
rt_cli_next(struct rt_cli *c, struct rt_rec *r)
{
	int k;

	for (;;) {
		if (rt_cli_usr1) {
			rt_cli_usr1 = 0;
			rt_cli_print_stats(c);
		}
		if (rt_watch_due)
			watch_tick(c, 0);
		if (c->topt.odd && !c->time_told)
			time_warning(c);
		if (c->stop)
			return 0;
		k = rt_src_next(&c->src, r);
		if (k == -1) {
			rt_cli_warn(c, "%s: %s", c->src.errname,
			    strerror(c->src.err));
			c->trouble = 1;
			continue;
		}
		if (k != 1)
			return k;
		if (r->doc == NULL && r->bad == NULL &&
		    control_record(c, r))
			continue;
		c->st.in++;
		if (r->bad) {
			rt_cli_reject(c, r, r->bad);
			continue;
		}
		c->last_src = r->source;
		c->last_line = r->line;
		return 1;
	}
}

/* Write one record in the -o format; 0, or -1 when it was rejected. */
static int
write_rec(struct rt_cli *c, const struct rt_rec *r, const char *p, size_t n)
{
	if (c->ofmt != RT_FMT_NDJSON) {
		const char *why;

		c->obuf.len = 0;
		if (rt_jdoc_parse(&c->odoc, p, n) == -1)
			why = "invalid JSON record";
		else
			why = rt_csvw_put(&c->csvw, &c->odoc, &c->obuf);
		if (why) {
			rt_cli_reject(c, r, why);
			return -1;
		}
		p = c->obuf.p;
		n = c->obuf.len;
		if (rt_out_write(&c->out, p, n) == -1)
			out_failed(c);
	} else if (rt_out_write(&c->out, p, n) == -1 ||
	    rt_out_putc(&c->out, '\n') == -1) {
		out_failed(c);
	}
	if (rt_out_end(&c->out) == -1)
		out_failed(c);
	return 0;
}

void
rt_cli_emit(struct rt_cli *c, const struct rt_rec *r, const char *p, size_t n)
{
	if (write_rec(c, r, p, n) == 0)
		c->st.out++;
}

void
rt_cli_emit_edit(struct rt_cli *c, const struct rt_rec *r,
    struct rt_jedit *e, struct rt_buf *tmp)
{
	char *dst;
	size_t n;

	if (c->ofmt == RT_FMT_NDJSON &&
	    (dst = rt_out_reserve(&c->out, rt_jedit_bound(e) + 1)) != NULL) {
		n = rt_jedit_write(e, dst);
		dst[n] = '\n';
		rt_out_commit(&c->out, n + 1);
		if (rt_out_end(&c->out) == -1)
			out_failed(c);
		c->st.out++;
		return;
	}
	tmp->len = 0;
	rt_jedit_finish(e, tmp);
	rt_cli_emit(c, r, tmp->p, tmp->len);
}

void
rt_cli_emit_made(struct rt_cli *c, const struct rt_rec *r, const char *p,
    size_t n)
{
	(void)write_rec(c, r, p, n);
}

void
rt_cli_drop(struct rt_cli *c)
{
	c->st.dropped++;
}

int
rt_cli_finish(struct rt_cli *c)
{
	int status, unseen;

	if (rt_out_close(&c->out) == -1)
		out_failed(c);
	rt_rej_summary(&c->rej);
	unseen = c->rej.tofile || rt_rej_cut(&c->rej);
	if (rt_rej_close(&c->rej) == -1) {
		rt_cli_warn(c, "%s: %s", c->reject_path,
		    strerror(c->rej.out.err));
		c->trouble = 1;
	}
	if (c->topt.odd && !c->time_told)
		time_warning(c);
	watch_tick(c, 1);
	/* A run that rejects most of its input is most likely misconfigured
	 * (a missing --integer, the wrong --time-unit): say so once, unless
	 * every reject already had its own line on stderr. */
	if (c->st.rejected * 2 > c->st.in && c->st.in > 0 && unseen &&
	    !c->trouble)
		rt_cli_warn(c, "warning: %llu of %llu records were rejected",
		    (unsigned long long)c->st.rejected,
		    (unsigned long long)c->st.in);
	if (c->stats)
		rt_cli_print_stats(c);
	status = c->trouble ? RT_EXIT_TROUBLE :
	    c->st.rejected ? RT_EXIT_REJECTS : RT_EXIT_OK;
	rt_src_release(&c->src);
	if (c->ofmt != RT_FMT_NDJSON) {
		rt_csvw_release(&c->csvw);
		rt_jdoc_release(&c->odoc);
	}
	rt_buf_release(&c->obuf);
	rt_jdoc_release(&c->cdoc);
	rt_sandbox_release(&c->sb);
	rt_watch_release(&c->watch);
	rt_timeopt_release(&c->topt);
	return status;
}
