/*
 * t_exec.c - delivery to a command (lib/exec.c): command lines split
 * without a shell; rt_exec_check's answers (found, not found, not
 * executable, a directory); real children (/bin/sh scripts) fed items
 * with extra environment, in order; a failing command retried with
 * backoff, then failed with the exact reason (exit status, signal,
 * timeout, cannot run); batches by count and by age; a child that does
 * not read its input; the concurrency bound; poll timeouts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exec.h"
#include "tap.h"

static char dir[] = "/tmp/t_exec.XXXXXX";
static char outf[80];

static void
test_split(void)
{
	static const struct {
		const char *s;
		const char *want;	/* words joined by '|', NULL: none */
	} t[] = {
		{ "mail -s alert ops", "mail|-s|alert|ops" },
		{ "  \tcmd\t  x  ", "cmd|x" },
		{ "a 'b c'", "a|'b|c'" },	/* no quoting */
		{ "$(rm -rf /)", "$(rm|-rf|/)" },	/* no shell */
		{ "one", "one" },
		{ "", NULL },
		{ " \t ", NULL },
	};
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char **v = rt_exec_split(t[i].s);

		if (t[i].want == NULL) {
			ok(v == NULL, "split '%s': no words", t[i].s);
			continue;
		}
		b.len = 0;
		for (size_t j = 0; v && v[j]; j++)
			rt_buf_printf(&b, "%s%s", j ? "|" : "", v[j]);
		ok(v != NULL && is_str(rt_buf_cstr(&b), t[i].want, "  words"),
		    "split '%s'", t[i].s);
		if (v)
			free(v[0]);
		free(v);
	}
	rt_buf_release(&b);
}

static void
test_check(void)
{
	char plain[96], exe[96], *oldpath;
	FILE *f;

	snprintf(plain, sizeof plain, "%s/plain", dir);
	snprintf(exe, sizeof exe, "%s/exe", dir);
	f = fopen(plain, "w");
	if (f)
		fclose(f);
	f = fopen(exe, "w");
	if (f)
		fclose(f);
	chmod(plain, 0644);
	chmod(exe, 0755);
	ok(rt_exec_check("sh") == NULL, "check sh: found in PATH");
	ok(rt_exec_check("/bin/sh") == NULL, "check /bin/sh: runs");
	ok(rt_exec_check(exe) == NULL, "check an executable file by path");
	is_str(rt_exec_check("no-such-command-t-exec"), "command not found",
	    "check a name not in PATH");
	is_str(rt_exec_check(""), "command not found", "check ''");
	is_str(rt_exec_check("/nonexistent/cmd"), "No such file or directory",
	    "check a missing path");
	is_str(rt_exec_check(dir), "Is a directory", "check a directory");
	/* (root may run anything with an x bit: none here either way.) */
	is_str(rt_exec_check(plain), "Permission denied",
	    "check a file that is not executable");
	/* Through PATH: the first entry has the name but not executable. */
	oldpath = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", dir, 1);
	ok(rt_exec_check("exe") == NULL, "PATH=dir: 'exe' found");
	is_str(rt_exec_check("plain"), "Permission denied",
	    "PATH=dir: 'plain' is there but not executable");
	is_str(rt_exec_check("sh"), "command not found",
	    "PATH=dir: 'sh' is not found");
	if (oldpath) {
		setenv("PATH", oldpath, 1);
		free(oldpath);
	}
	unlink(plain);
	unlink(exe);
}

/* What the done callback saw. */
struct seen {
	struct rt_buf log;	/* "tag:ok:why:data|" */
	int maxrun;
};

static void
on_done(void *arg, const char *data, size_t n, uint64_t tag, int okd,
    const char *why)
{
	struct seen *s = arg;

	rt_buf_printf(&s->log, "%llu:%d:%s:", (unsigned long long)tag, okd,
	    why ? why : "");
	rt_buf_add(&s->log, data, n);
	rt_buf_addc(&s->log, '|');
}

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The caller's poll loop, until nothing is pending (or 10s). */
static int
run(struct rt_exec *x, struct seen *s)
{
	int64_t end = ms_now() + 10000;

	rt_exec_service(x);
	while (rt_exec_pending(x) > 0 && ms_now() < end) {
		struct pollfd pfd[16];
		int to, n = rt_exec_pollfds(x, pfd, 16, &to);

		if (x->running > s->maxrun)
			s->maxrun = x->running;
		poll(pfd, (nfds_t)n, to < 0 || to > 100 ? 100 : to);
		rt_exec_service(x);
	}
	return rt_exec_pending(x) == 0;
}

static const char *
file_text(struct rt_buf *b)
{
	int fd = open(outf, O_RDONLY);

	b->len = 0;
	if (fd >= 0) {
		rt_buf_read_fd(b, fd);
		close(fd);
	}
	return rt_buf_cstr(b);
}

/* sh -c SCRIPT, with $F the output file. */
static void
setup(struct rt_exec *x, struct seen *s, char **argv, const char *script)
{
	static char fenv[128];

	snprintf(fenv, sizeof fenv, "%s", outf);
	setenv("F", fenv, 1);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	argv[3] = NULL;
	unlink(outf);
	rt_buf_init(&s->log);
	s->maxrun = 0;
	if (rt_exec_init(x, argv) == -1)
		ok(0, "rt_exec_init: %s", strerror(errno));
	x->done = on_done;
	x->done_arg = s;
}

static void
finish(struct rt_exec *x, struct seen *s)
{
	rt_exec_release(x);
	rt_buf_release(&s->log);
}

static void
test_deliver(void)
{
	struct rt_exec x;
	struct seen s;
	struct rt_buf b = RT_BUF_INIT;
	char *argv[4];
	char *env1[] = { "X=one", "Y=why" }, *env2[] = { "X=two" };

	setenv("X", "outer", 1);
	setup(&x, &s, argv, "{ printf '%s,%s,%s:' \"$X\" \"$Y\" "
	    "$(env | grep -c '^X='); cat; echo; } >> \"$F\"");
	rt_exec_submit(&x, "a\0b", 3, env1, 2, 1);
	rt_exec_submit(&x, "", 0, env2, 1, 2);
	rt_exec_submit(&x, "c", 1, NULL, 0, 3);
	ok(run(&x, &s), "three items delivered");
	ok(s.log.len == 22 && memcmp(s.log.p, "1:1::a\0b|2:1::|3:1::c|",
	    22) == 0, "done: each item, in order, ok");
	ok(x.started == 3 && x.delivered == 3 && x.failed == 0 &&
	    x.retried == 0, "counts: 3 started, 3 delivered");
	file_text(&b);
	ok(b.len == 33 && memcmp(b.p, "one,why,1:a\0b\ntwo,,1:\nouter,,1:c\n",
	    33) == 0, "the child: its item on stdin, its variables, one X");
	if (b.len != 33)
		diag("got '%s' (%zu)", b.p, b.len);
	finish(&x, &s);
	unsetenv("X");
	rt_buf_release(&b);
}

static const struct {
	const char *what, *script;
	int retries;
	int64_t timeout_us;
	const char *log;
	uint64_t started, retried, failed, delivered;
} fails[] = {
	{ "exit 3, 2 retries", "cat >/dev/null; exit 3", 2, 0,
	  "7:0:exit status 3 (3 attempts):x|", 3, 2, 1, 0 },
	{ "exit 1, no retry", "exit 1", 0, 0,
	  "7:0:exit status 1 (1 attempt):x|", 1, 0, 1, 0 },
	{ "killed by a signal", "kill -TERM $$", 1, 0,
	  "7:0:killed by signal 15 (2 attempts):x|", 2, 1, 1, 0 },
	{ "past its timeout", "exec sleep 5", 0, 50000,
	  "7:0:timed out after 50 ms (1 attempt):x|", 1, 0, 1, 0 },
	{ "fails once, then works", "if [ -e \"$F\" ]; then cat >/dev/null; "
	  "else : > \"$F\"; exit 4; fi", 3, 0, "7:1::x|", 2, 1, 0, 1 },
};

static void
test_fail(void)
{
	for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
		struct rt_exec x;
		struct seen s;
		char *argv[4];
		int64_t t0 = ms_now();

		setup(&x, &s, argv, fails[i].script);
		x.retries = fails[i].retries;
		x.backoff_us = 20000;
		x.timeout_us = fails[i].timeout_us;
		rt_exec_submit(&x, "x", 1, NULL, 0, 7);
		ok(run(&x, &s), "%s: finished", fails[i].what);
		is_str(rt_buf_cstr(&s.log), fails[i].log, "  the reason");
		ok(x.started == fails[i].started &&
		    x.retried == fails[i].retried &&
		    x.failed == fails[i].failed &&
		    x.delivered == fails[i].delivered, "  counts");
		/* Backoff 20ms then 40ms: two retries wait >= 60ms. */
		if (fails[i].retries == 2)
			ok(ms_now() - t0 >= 60, "  the backoff doubles");
		if (fails[i].timeout_us)
			ok(ms_now() - t0 < 4000, "  killed, not waited for");
		finish(&x, &s);
	}
	/* A command that cannot be started fails without a child. */
	{
		struct rt_exec x;
		struct seen s;
		char *argv[] = { "/nonexistent/cmd", NULL };

		rt_buf_init(&s.log);
		s.maxrun = 0;
		rt_exec_init(&x, argv);
		x.done = on_done;
		x.done_arg = &s;
		x.retries = 1;
		x.backoff_us = 1000;
		rt_exec_submit(&x, "x", 1, NULL, 0, 9);
		ok(run(&x, &s), "cannot run: finished");
		is_str(rt_buf_cstr(&s.log), "9:0:cannot run /nonexistent/cmd: "
		    "No such file or directory (2 attempts):x|",
		    "  the reason");
		ok(x.started == 0 && x.failed == 1 && x.retried == 1,
		    "  counts: nothing started");
		finish(&x, &s);
	}
}

static void
test_batch(void)
{
	struct rt_exec x;
	struct seen s;
	struct rt_buf b = RT_BUF_INIT;
	char *argv[4];
	char item[8];
	struct pollfd pfd[4];
	int to;

	setup(&x, &s, argv, "{ printf '%s:' \"$RT_ALERT_COUNT\"; cat; echo; } "
	    ">> \"$F\"");
	x.batch_max = 3;
	for (int i = 0; i < 7; i++) {
		snprintf(item, sizeof item, "i%d", i);
		rt_exec_add(&x, item, 2, (uint64_t)i);
	}
	ok(rt_exec_pending(&x) == 3, "7 items by 3: two batches queued, one "
	    "open");
	rt_exec_flush(&x);
	ok(run(&x, &s), "batches delivered");
	is_str(file_text(&b), "3:i0i1i2\n3:i3i4i5\n1:i6\n",
	    "each child: the count, its items concatenated");
	is_str(rt_buf_cstr(&s.log), "0:1::i0|1:1::i1|2:1::i2|3:1::i3|4:1::i4|"
	    "5:1::i5|6:1::i6|", "done once per item, in order");
	ok(x.started == 3 && x.delivered == 7, "3 children, 7 delivered");
	finish(&x, &s);

	/* By age: one item, batch_us 40ms, never flushed by hand. */
	setup(&x, &s, argv, "{ printf '%s:' \"$RT_ALERT_COUNT\"; cat; } "
	    ">> \"$F\"");
	x.batch_max = 100;
	x.batch_us = 40000;
	rt_exec_add(&x, "aa", 2, 1);
	rt_exec_add(&x, "bb", 2, 2);
	rt_exec_pollfds(&x, pfd, 4, &to);
	ok(to > 0 && to <= 40, "an open batch: poll at most its age (%d ms)",
	    to);
	ok(run(&x, &s), "the batch goes out when it is old enough");
	is_str(file_text(&b), "2:aabb", "  with both items");
	finish(&x, &s);
	rt_buf_release(&b);
}

static void
test_misc(void)
{
	struct rt_exec x;
	struct seen s;
	struct rt_buf big = RT_BUF_INIT;
	char *argv[4];
	struct pollfd pfd[4];
	int to, n;

	setup(&x, &s, argv, "exit 0");
	n = rt_exec_pollfds(&x, pfd, 4, &to);
	ok(n == 1 && to == -1, "idle: one descriptor, no deadline");
	ok(rt_exec_pollfds(&x, pfd, 0, &to) == 0, "max 0: none filled in");
	/* 1 MiB to a child that does not read it: SIGPIPE is ignored, the
	 * exit status decides. */
	for (int i = 0; i < 1 << 20; i++)
		rt_buf_addc(&big, 'z');
	rt_exec_submit(&x, big.p, big.len, NULL, 0, 5);
	ok(run(&x, &s), "a child that does not read its input");
	ok(s.log.len > 5 && memcmp(s.log.p, "5:1::zzz", 8) == 0 &&
	    s.log.len == 6 + big.len, "  delivered, the caller alive");
	finish(&x, &s);

	setup(&x, &s, argv, "cat > /dev/null; sleep 0.1");
	x.concurrency = 2;
	for (int i = 0; i < 5; i++)
		rt_exec_submit(&x, "q", 1, NULL, 0, (uint64_t)i);
	ok(x.running == 2, "concurrency 2: two start at once");
	ok(run(&x, &s) && s.maxrun == 2 && x.started == 5 &&
	    x.delivered == 5, "five delivered, never more than two running");
	/* Two run at once: they may end in either order. */
	{
		int each = s.log.len == 35;

		for (int i = 0; i < 5; i++) {
			char want[16];

			snprintf(want, sizeof want, "%d:1::q|", i);
			each &= strstr(rt_buf_cstr(&s.log), want) != NULL;
		}
		ok(each, "  each once");
	}
	finish(&x, &s);
	rt_buf_release(&big);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(outf, sizeof outf, "%s/out", dir);
	test_split();
	test_check();
	test_deliver();
	test_fail();
	test_batch();
	test_misc();
	unlink(outf);
	rmdir(dir);
	return done_testing();
}
