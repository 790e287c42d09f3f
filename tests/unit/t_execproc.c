/*
 * t_execproc.c - exec.h's runner in a delivery process (lib/execproc.c):
 * items with their variables delivered in order through real /bin/sh
 * children and reported back with the process's counts; a failure
 * reported with its reason and the item itself; batches and their flush;
 * a 1 MiB item; the terminal's signals ignored; pending items delivered
 * after the tool closes; a delivery process that was killed is an error,
 * not a hang.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "execproc.h"
#include "tap.h"

static char dir[] = "/tmp/t_execproc.XXXXXX";
static char outf[96], script[512];
static char *argv_sh[] = { "/bin/sh", "-c", script, NULL };

struct seen {
	int n, nok;
	uint64_t tags[16];
	char why[128];
	struct rt_buf data;	/* the failed items */
};

static void
on_done(void *arg, const char *data, size_t n, uint64_t tag, int okk,
    const char *why)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->tags[s->n] = tag;
	s->n++;
	s->nok += okk;
	if (!okk) {
		snprintf(s->why, sizeof s->why, "%s", why);
		rt_buf_add(&s->data, data, n);
	}
}

static void
config(struct rt_exec *c)
{
	memset(c, 0, sizeof *c);
	c->argv = argv_sh;
	c->concurrency = 1;
	c->batch_max = 1;
	c->timeout_us = 10000000;
}

static int
start(struct rt_execproc *p, const struct rt_exec *c, struct seen *s)
{
	memset(s, 0, sizeof *s);
	if (rt_execproc_start(p, c, 1) == -1)
		return -1;
	p->done = on_done;
	p->done_arg = s;
	return 0;
}

/* Take reports until n are in (10 s at most): 1 when they are. */
static int
wait_for(struct rt_execproc *p, struct seen *s, int n)
{
	struct pollfd pfd;

	for (int i = 0; i < 1000 && s->n < n; i++) {
		if (rt_execproc_service(p) == -1)
			return 0;
		if (s->n >= n)
			break;
		rt_execproc_pollfds(p, &pfd, 1);
		poll(&pfd, 1, 10);
	}
	return s->n >= n;
}

static char *
slurp(const char *path)
{
	struct rt_buf b = RT_BUF_INIT;
	FILE *f = fopen(path, "r");
	char tmp[4096];
	size_t n;

	if (f) {
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			rt_buf_add(&b, tmp, n);
		fclose(f);
	}
	rt_buf_addc(&b, '\0');
	return b.p;
}

static void
test_order_env(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;
	char *env[2], *got;

	snprintf(script, sizeof script, "cat >>%s; echo \"[$RT_X]\" >>%s",
	    outf, outf);
	config(&c);
	ok(start(&p, &c, &s) == 0, "start");
	for (int i = 0; i < 3; i++) {
		char item[16], var[16];

		snprintf(item, sizeof item, "item%d\n", i);
		snprintf(var, sizeof var, "RT_X=v%d", i);
		env[0] = var;
		env[1] = "RT_Y=unused";
		ok(rt_execproc_submit(&p, item, strlen(item), env, 2,
		    (uint64_t)(10 + i)) == 0, "submit %d", i);
	}
	ok(p.pending == 3, "three pending");
	ok(wait_for(&p, &s, 3), "three reports");
	ok(s.nok == 3 && s.tags[0] == 10 && s.tags[1] == 11 &&
	    s.tags[2] == 12, "all delivered, in order, with their tags");
	ok(p.pending == 0 && p.delivered == 3 && p.retried == 0,
	    "counts: %llu delivered", (unsigned long long)p.delivered);
	got = slurp(outf);
	is_str(got, "item0\n[v0]\nitem1\n[v1]\nitem2\n[v2]\n",
	    "items on stdin, variables in the environment");
	free(got);
	rt_execproc_stop(&p);
	unlink(outf);
}

static void
test_failure(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;

	snprintf(script, sizeof script, "cat >/dev/null; exit 3");
	config(&c);
	c.retries = 1;
	c.backoff_us = 1000;
	start(&p, &c, &s);
	rt_execproc_submit(&p, "bad\n", 4, NULL, 0, 7);
	ok(wait_for(&p, &s, 1), "failure reported");
	ok(s.nok == 0 && s.tags[0] == 7, "not delivered, tag kept");
	is_str(s.why, "exit status 3 (2 attempts)", "the reason");
	ok(s.data.len == 4 && memcmp(s.data.p, "bad\n", 4) == 0,
	    "the item comes back for the reject");
	ok(p.retried == 1 && p.delivered == 0, "one retry counted");
	rt_execproc_stop(&p);
	rt_buf_release(&s.data);
}

static void
test_batch(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;
	char *got;

	snprintf(script, sizeof script, "echo \"n=$RT_ALERT_COUNT\" >>%s; "
	    "cat >>%s", outf, outf);
	config(&c);
	c.batch_max = 2;
	start(&p, &c, &s);
	rt_execproc_add(&p, "a\n", 2, 1);
	rt_execproc_add(&p, "b\n", 2, 2);
	rt_execproc_add(&p, "c\n", 2, 3);
	ok(wait_for(&p, &s, 2), "a full batch goes at once");
	ok(s.n == 2, "only the full batch: %d", s.n);
	ok(rt_execproc_flush(&p) == 0 && p.open == 0, "flush");
	ok(rt_execproc_flush(&p) == 0, "a second flush sends nothing");
	ok(wait_for(&p, &s, 3) && s.nok == 3, "the open batch goes on flush");
	got = slurp(outf);
	is_str(got, "n=2\na\nb\nn=1\nc\n", "two runs, counted");
	free(got);
	rt_execproc_stop(&p);
	unlink(outf);
}

static void
test_large(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;
	size_t n = 1 << 20;
	char *big = malloc(n), *got;

	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n - 1] = '\n';
	snprintf(script, sizeof script, "cat >%s", outf);
	config(&c);
	start(&p, &c, &s);
	ok(rt_execproc_submit(&p, big, n, NULL, 0, 1) == 0, "submit 1 MiB");
	ok(wait_for(&p, &s, 1) && s.nok == 1, "delivered");
	got = slurp(outf);
	ok(strlen(got) == n && memcmp(got, big, n) == 0, "intact");
	free(got);
	free(big);
	rt_execproc_stop(&p);
	unlink(outf);
}

static void
test_signals_close(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;
	char *got;

	snprintf(script, sizeof script, "sleep 0.2; cat >>%s", outf);
	config(&c);
	start(&p, &c, &s);
	kill(p.pid, SIGTERM);
	kill(p.pid, SIGINT);
	kill(p.pid, SIGHUP);
	ok(rt_execproc_submit(&p, "x\n", 2, NULL, 0, 1) == 0,
	    "the terminal's signals do not end it");
	rt_execproc_submit(&p, "y\n", 2, NULL, 0, 2);
	rt_execproc_stop(&p);	/* closes at once, waits for it */
	got = slurp(outf);
	is_str(got, "x\ny\n", "items pending at close are delivered");
	free(got);
	unlink(outf);
}

static void
test_gone(void)
{
	struct rt_execproc p;
	struct rt_exec c;
	struct seen s;
	int st, r;

	snprintf(script, sizeof script, "cat >/dev/null");
	config(&c);
	start(&p, &c, &s);
	kill(p.pid, SIGKILL);
	waitpid(p.pid, &st, 0);
	r = rt_execproc_submit(&p, "x\n", 2, NULL, 0, 1);
	ok(r == -1, "submitting to a killed delivery process fails");
	ok(rt_execproc_service(&p) == -1, "and pending items are an error");
	close(p.fd);	/* reaped above */
	p.fd = -1;
	rt_execproc_stop(&p);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(outf, sizeof outf, "%s/out", dir);
	test_order_env();
	test_failure();
	test_batch();
	test_large();
	test_signals_close();
	test_gone();
	rmdir(dir);
	return done_testing();
}
