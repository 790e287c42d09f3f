/*
 * rt-top - a live view of a running pipeline: the stats files its stages
 * keep in a directory (--stats-dir, RT_STATS_DIR; lib/watch.c) shown as
 * one table, refreshed like top(1).  See rt-top(1).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "mem.h"
#include "number.h"

enum { OPT_ONCE = RT_OPT_TOOL, OPT_INTERVAL };

static const struct rt_optdef opts[] = {
	RT_OPTTAB_FLAG("once", OPT_ONCE,
	    "print the table once and exit"),
	RT_OPTTAB_ARG("interval", OPT_INTERVAL,
	    "DUR", "refresh every DUR (default 1s)"),
	RT_OPTTAB_SPLICE(rt_cli_info_opts),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-top [OPTION]... [DIR]\n"
	    "Show the stages of running pipelines from their stats files in DIR\n"
	    "(default $RT_STATS_DIR), refreshed like top; q or ^C quits.\n\n",
	    opts, "", NULL,
	    "\nExit status: 0 shown, 2 trouble.  See rt-top(1).\n");
}

/* One stage, from its file. */
struct stage {
	char name[64], tool[32], state[16];
	long pid;
	int64_t started, updated, lag_ms;
	double rate, progress;
	uint64_t rss_kb, in, out, rejected, dropped;
};

struct top {
	const char *dir;
	int once;
	int64_t interval;
	struct stage *v;
	size_t n, cap;
	struct rt_jdoc doc;
	struct rt_buf text, tmp;
};

static volatile sig_atomic_t quit;

static void
on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

/* Member key of object obj as a number (dflt when absent). */
static double
num(const struct rt_jdoc *d, uint32_t obj, const char *key, double dflt)
{
	uint32_t k = rt_jdoc_get(d, obj, key, strlen(key));

	if (k == 0 || d->v[k].type != RT_JNUM)
		return dflt;
	return rt_num_parse_json(rt_jdoc_text(d, k), d->v[k].len);
}

static void
str(struct top *t, uint32_t obj, const char *key, char *dst, size_t n)
{
	const struct rt_jdoc *d = &t->doc;
	uint32_t k = rt_jdoc_get(d, obj, key, strlen(key));

	t->tmp.len = 0;
	if (k && d->v[k].type == RT_JSTR)
		rt_jdoc_str(d, k, &t->tmp);
	snprintf(dst, n, "%.*s", (int)t->tmp.len, t->tmp.p ? t->tmp.p : "");
}

/* Read one stats file into a new stage; 0, or -1 if it is not one. */
static int
load_stage(struct top *t, int dfd, const char *file)
{
	struct rt_jdoc *d = &t->doc;
	struct stage *s;
	uint32_t st;

	int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	t->text.len = 0;
	r = rt_buf_read_fd(&t->text, fd);
	close(fd);
	if (r == -1 || rt_jdoc_parse(d, t->text.p, t->text.len) == -1 ||
	    d->v[0].type != RT_JOBJ ||
	    (st = rt_jdoc_get(d, 0, "stats", 5)) == 0)
		return -1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = rt_xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	s = &t->v[t->n++];
	str(t, 0, "name", s->name, sizeof s->name);
	str(t, st, "tool", s->tool, sizeof s->tool);
	str(t, 0, "state", s->state, sizeof s->state);
	s->pid = (long)num(d, 0, "pid", 0);
	s->started = (int64_t)num(d, 0, "started", 0);
	s->updated = (int64_t)num(d, 0, "updated", 0);
	s->lag_ms = (int64_t)num(d, 0, "lag_ms", -1);
	s->rate = num(d, 0, "rate", 0);
	s->progress = num(d, 0, "progress", -1);
	s->rss_kb = (uint64_t)num(d, 0, "rss_kb", 0);
	s->in = (uint64_t)num(d, st, "in", 0);
	s->out = (uint64_t)num(d, st, "out", 0);
	s->rejected = (uint64_t)num(d, st, "rejected", 0);
	s->dropped = (uint64_t)num(d, st, "dropped", 0);
	/* A running stage whose process is gone was killed. */
	if (strcmp(s->state, "running") == 0 && s->pid > 0 &&
	    kill((pid_t)s->pid, 0) == -1 && errno == ESRCH)
		snprintf(s->state, sizeof s->state, "gone");
	return 0;
}

static int
stage_cmp(const void *a, const void *b)
{
	const struct stage *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Every stats file in the directory; -1 (errno) if it cannot be read. */
static int
load(struct top *t)
{
	DIR *dir = opendir(t->dir);
	struct dirent *e;
	size_t n;

	if (dir == NULL)
		return -1;
	t->n = 0;
	while ((e = readdir(dir)) != NULL) {
		n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
			(void)load_stage(t, dirfd(dir), e->d_name);
	}
	closedir(dir);
	if (t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, stage_cmp);
	return 0;
}

/* A count in at most 7 characters: 1234567, 12.3M. */
static const char *
human(uint64_t v, char *buf)
{
	if (v < 10000000)
		snprintf(buf, 16, "%llu", (unsigned long long)v);
	else if (v < 10000000000ULL)
		snprintf(buf, 16, "%.1fM", (double)v / 1e6);
	else
		snprintf(buf, 16, "%.1fG", (double)v / 1e9);
	return buf;
}

static void
put_row(FILE *f, const struct stage *s)
{
	char a[16], b[16], c[16], d[16], e[16], lag[24], prog[16];

	snprintf(lag, sizeof lag, s->lag_ms < 0 ? "-" : "%.1fs",
	    (double)s->lag_ms / 1000);
	snprintf(prog, sizeof prog, s->progress < 0 ? "-" : "%.0f%%",
	    100 * s->progress);
	fprintf(f, "%-16.16s %-12.12s %7ld %-7s %7s %7s %7s %7s %9s %8s "
	    "%7.1f %5s%s\n", s->name, s->tool, s->pid, s->state,
	    human(s->in, a), human(s->out, b), human(s->rejected, c),
	    human(s->dropped, d), human((uint64_t)s->rate, e), lag,
	    (double)s->rss_kb / 1024, prog,
	    s->in == s->out + s->rejected + s->dropped ? "" : " *");
}

static void
put_table(struct top *t, FILE *f)
{
	size_t i;

	fprintf(f, "%-16s %-12s %7s %-7s %7s %7s %7s %7s %9s %8s %7s %5s\n",
	    "NAME", "TOOL", "PID", "STATE", "IN", "OUT", "REJ", "DROP",
	    "REC/S", "LAG", "RSS_MB", "DONE");
	for (i = 0; i < t->n; i++)
		put_row(f, &t->v[i]);
	if (t->n == 0)
		fprintf(f, "(no stages in %s)\n", t->dir);
}

/* Wait for the next refresh, or q on a terminal: 1 to go on. */
static int
wait_key(struct top *t, int tty)
{
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	char c;

	if (poll(&p, tty ? 1 : 0, (int)(t->interval / 1000)) == 1 &&
	    read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
		return 0;
	return !quit;
}

static int
live(struct rt_cli *cli, struct top *t)
{
	struct termios old, raw;
	int tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);

	if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	do {
		if (load(t) == -1)
			rt_cli_fatal(cli, "%s: %s", t->dir, strerror(errno));
		if (tty)
			fputs("\033[H\033[2J", stdout);
		put_table(t, stdout);
		if (!tty)
			putchar('\n');
		if (fflush(stdout) == EOF)
			rt_cli_fatal(cli, "stdout: %s", strerror(errno));
	} while (wait_key(t, tty));
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	return RT_EXIT_OK;
}

static void
options(struct rt_cli *cli, struct top *t, int argc, char **argv)
{
	int opt;

	while ((opt = rt_cli_getopt(cli, argc, argv, NULL)) != -1) {
		switch (opt) {
		case OPT_ONCE: t->once = 1; break;
		case OPT_INTERVAL:
			t->interval = rt_cli_dur(cli, "interval", optarg,
			    RT_DUR_POSITIVE);
			break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
	}
	if (optind < argc)
		t->dir = argv[optind++];
	if (optind < argc)
		rt_cli_usage_error(cli, "one directory at most");
	if (t->dir == NULL && (t->dir = getenv("RT_STATS_DIR")) == NULL)
		rt_cli_usage_error(cli, "no directory: give DIR or set "
		    "RT_STATS_DIR");
}

int
main(int argc, char *argv[])
{
	struct rt_cli cli;
	struct top t;
	struct sigaction sa;
	int rc = RT_EXIT_OK;

	rt_cli_init(&cli, "rt-top", usage, opts);
	memset(&t, 0, sizeof t);
	t.interval = RT_US_PER_S;
	opterr = 0;
	options(&cli, &t, argc, argv);
	rt_jdoc_init(&t.doc, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (t.once) {
		if (load(&t) == -1)
			rt_cli_fatal(&cli, "%s: %s", t.dir, strerror(errno));
		put_table(&t, stdout);
		if (fflush(stdout) == EOF || ferror(stdout))
			rt_cli_fatal(&cli, "stdout: %s", strerror(errno));
	} else {
		rc = live(&cli, &t);
	}
	free(t.v);
	rt_jdoc_release(&t.doc);
	rt_buf_release(&t.text);
	rt_buf_release(&t.tmp);
	rt_timeopt_release(&cli.topt);
	return rc;
}
