/*
 * t_watch.c - a running tool seen from outside (lib/watch.c): nothing
 * armed when nothing is asked (--progress off a terminal included); a
 * stats directory that cannot be written; the stats file (its name, its
 * members, "running" then "done", written whole, no temporary left); the
 * --stats-every line on standard error, at its time only; the SIGALRM
 * timer that sets rt_watch_due, and its end at release; a watch never
 * started released without touching any descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "field.h"
#include "json.h"
#include "rtime.h"
#include "tap.h"
#include "watch.h"

static char dir[] = "/tmp/t_watch.XXXXXX";

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
test_off(void)
{
	struct rt_watch w;
	struct rt_stats st = { "rt-t", NULL, 1, 1, 0, 0, NULL, NULL };
	struct rt_watch_info wi = { &st, INT64_MIN, -1, -1, 1, 1 };

	memset(&w, 0, sizeof w);
	ok(rt_watch_start(&w, "rt-t") == NULL && !w.on &&
	    rt_watch_file(&w) == NULL, "nothing asked: nothing armed, no file");
	rt_watch_tick(&w, &wi, 0);
	ok(rt_watch_due == 0, "a tick of a watch that is off does nothing");
	rt_watch_release(&w);
	memset(&w, 0, sizeof w);
	w.progress = 1;		/* stderr is not a terminal here */
	ok(rt_watch_start(&w, "rt-t") == NULL && !w.on && !w.tty,
	    "--progress off a terminal: nothing armed");
	rt_watch_release(&w);
	memset(&w, 0, sizeof w);
	w.dir = "/nonexistent/stats";
	is_str(rt_watch_start(&w, "rt-t"), "No such file or directory",
	    "a stats directory that is not there: why");
	ok(!w.on, "  and nothing armed");
	rt_watch_release(&w);
}

/* In a child: a zeroed watch released; is standard input still open? */
static void
zero_child(void *arg)
{
	struct rt_watch w;
	char c;

	(void)arg;
	memset(&w, 0, sizeof w);
	rt_watch_release(&w);
	printf("%s\n", read(0, &c, 1) == 1 ? "stdin open" : "stdin closed");
}

static void
test_zero(void)
{
	struct child r = { 0 };

	child_run(&r, zero_child, NULL, "x");
	is_str(r.out.p, "stdin open\n",
	    "a watch never started: release closes no descriptor");
	child_release(&r);
}

static void
test_file(void)
{
	struct rt_watch w;
	struct rt_stats st = { "rt-t", "n1", 10, 7, 2, 1, NULL, NULL };
	struct rt_watch_info wi = { &st, 0, 50, 200, 1, 1 };
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	char want[256];
	int64_t t0 = rt_time_now_us();

	rt_jdoc_init(&d, 0);
	memset(&w, 0, sizeof w);
	w.dir = dir;
	ok(rt_watch_start(&w, "n1") == NULL && w.on, "a stats directory: armed");
	snprintf(want, sizeof want, "%s/n1.%ld.json", dir, (long)getpid());
	is_str(rt_watch_file(&w), want, "  the file is DIR/NAME.PID.json");
	wi.evtime = t0 - 2000000;	/* 2 s behind */
	rt_watch_tick(&w, &wi, 0);
	child_slurp(want, &b);
	ok(b.len > 0 && b.p[b.len - 1] == '\n' &&
	    rt_jdoc_parse(&d, b.p, b.len - 1) == 0, "  a tick writes one JSON "
	    "line");
	{
		uint32_t k;
		double x;

		k = rt_jdoc_get(&d, 0, "state", 5);
		ok(k && rt_jdoc_streq(&d, k, "running", 7), "  state running");
		k = rt_jdoc_get(&d, 0, "pid", 3);
		ok(k && rt_field_num(&d, k, &x) && x == (double)getpid(),
		    "  its pid");
		k = rt_jdoc_get(&d, 0, "lag_ms", 6);
		ok(k && rt_field_num(&d, k, &x) && x >= 2000 && x < 60000,
		    "  lag_ms: how far behind event time is");
		k = rt_jdoc_get(&d, 0, "progress", 8);
		ok(k && d.v[k].len == 6 && memcmp(b.p + d.v[k].off, "0.2500",
		    6) == 0, "  progress: done / total");
		k = rt_jdoc_get(&d, 0, "stats", 5);
		ok(k && d.v[k].len == 68 && memcmp(b.p + d.v[k].off,
		    "{\"tool\":\"rt-t\",\"name\":\"n1\",\"in\":10,\"out\":7,"
		    "\"rejected\":2,\"dropped\":1}", 68) == 0,
		    "  the --stats object");
		k = rt_jdoc_get(&d, 0, "name", 4);
		ok(k && rt_jdoc_streq(&d, k, "n1", 2), "  its name");
	}
	wi.evtime = INT64_MIN;
	wi.total = -1;
	rt_watch_tick(&w, &wi, 1);
	child_slurp(want, &b);
	ok(strstr(b.p, "\"state\":\"done\"") != NULL &&
	    strstr(b.p, "lag_ms") == NULL && strstr(b.p, "progress") == NULL,
	    "the final tick: done, no lag or progress without them");
	snprintf(want, sizeof want, "%s/n1.%ld.json.tmp", dir, (long)getpid());
	ok(access(want, F_OK) == -1, "no temporary left");
	rt_watch_release(&w);
	ok(!w.on && w.statm == -1 && rt_watch_file(&w) == NULL,
	    "released: off, nothing held");
	snprintf(want, sizeof want, "%s/n1.%ld.json", dir, (long)getpid());
	unlink(want);
	rt_jdoc_release(&d);
	rt_buf_release(&b);
}

/* In a child (stderr caught): --stats-every 20ms, ticks before and
 * after it is due. */
static void
every_child(void *arg)
{
	struct rt_watch w;
	struct rt_stats st = { "rt-t", NULL, 3, 2, 1, 0, NULL, NULL };
	struct rt_watch_info wi = { &st, INT64_MIN, -1, -1, 1, 1 };
	int fired = 0;

	(void)arg;
	memset(&w, 0, sizeof w);
	w.every = 20000;
	rt_watch_start(&w, "rt-t");
	rt_watch_tick(&w, &wi, 0);	/* not due yet: nothing */
	for (int i = 0; i < 200 && !rt_watch_due; i++)
		sleep_ms(5);
	fired = rt_watch_due;
	rt_watch_tick(&w, &wi, 0);	/* due: the line */
	st.in = 4;
	rt_watch_tick(&w, &wi, 0);	/* just after: nothing */
	rt_watch_tick(&w, &wi, 1);	/* final: nothing (--stats says it) */
	rt_watch_release(&w);
	rt_watch_due = 0;
	sleep_ms(60);
	printf("fired %d, due after release %d\n", fired, (int)rt_watch_due);
}

static void
test_every(void)
{
	struct child r = { 0 };

	child_run(&r, every_child, NULL, NULL);
	is_str(r.out.p, "fired 1, due after release 0\n",
	    "--stats-every: the timer sets rt_watch_due; release stops it");
	is_str(r.err.p, "{\"tool\":\"rt-t\",\"in\":3,\"out\":2,\"rejected\":1,"
	    "\"dropped\":0}\n", "  one --stats line, when it was due");
	child_release(&r);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_off();
	test_zero();
	test_file();
	test_every();
	rmdir(dir);
	return done_testing();
}
