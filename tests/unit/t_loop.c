/*
 * t_loop.c - the tools' main loop (lib/loop.c), each case in a child
 * process (child.h): records to the record hook in order, control
 * records never; the bytes ahead of each record to the ahead
 * hook; a quiet pipe (nowait) to the wait hook, then the rest; SIGHUP to
 * the reload hook between two records; a stop signal ending the loop
 * after the record being handled.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "cli.h"
#include "loop.h"
#include "tap.h"

static void
usage(void)
{
}

struct run {
	struct rt_cli c;
	int n, waits, hups, sig;	/* sig: raised at record 2 */
};

static void
on_record(void *arg, struct rt_rec *r)
{
	struct run *x = arg;

	x->n++;
	fprintf(stderr, "rec %d %.*s\n", x->n, (int)r->len, r->p);
	if (x->n == 2 && x->sig)
		raise(x->sig);
}

static void
on_ahead(void *arg, const char *p, size_t n)
{
	(void)arg;
	/* The next record's first bytes, when there are any yet. */
	fprintf(stderr, "ahead %.*s\n", (int)(n < 7 ? n : 7), p);
}

static void
on_wait(void *arg)
{
	struct run *x = arg;

	x->waits++;
	rt_loop_wait(&x->c);
}

static void
on_hup(void *arg)
{
	struct run *x = arg;

	x->hups++;
	fprintf(stderr, "hup\n");
}

enum { PLAIN, AHEAD, QUIET, HUP, TERM };

static void
child(void *arg)
{
	static char *argv[] = { "rt-t", NULL };
	static struct run x;
	struct rt_loop l = { on_record, NULL, NULL, NULL, &x };
	int mode = *(int *)arg, p[2];

	rt_cli_init(&x.c, "rt-t", usage, NULL);
	x.c.no_sandbox = 1;
	if (mode == AHEAD)
		l.ahead = on_ahead;
	if (mode == QUIET) {
		/* A pipe whose writer pauses between two records. */
		if (pipe(p) == -1)
			exit(3);
		if (fork() == 0) {
			close(p[0]);
			(void)!write(p[1], "{\"a\":1}\n", 8);
			usleep(200000);
			(void)!write(p[1], "{\"a\":2}\n", 8);
			_exit(0);
		}
		close(p[1]);
		dup2(p[0], 0);
		close(p[0]);
		x.c.nowait = 1;
		l.wait = on_wait;
	}
	if (mode == HUP) {
		x.sig = SIGHUP;
		l.hup = on_hup;
	}
	if (mode == TERM)
		x.sig = SIGTERM;
	rt_cli_start(&x.c, 1, argv, 1);
	if (mode == TERM)
		rt_cli_catch_term();
	rt_loop_run(&x.c, &l);
	fprintf(stderr, "end %d records, waits %s, hups %d, term %d\n", x.n,
	    x.waits ? "yes" : "no", x.hups, rt_cli_term);
	exit(rt_cli_finish(&x.c));
}

static const char in3[] =
    "{\"a\":1}\n{\"$rt\":\"barrier\",\"id\":3}\n{\"a\":2}\n{\"a\":3}\n";

static void
test_modes(void)
{
	static const struct {
		const char *what;
		int mode;
		const char *err;
	} t[] = {
		{ "records in order; control records not handed on",
		  PLAIN, "rec 1 {\"a\":1}\n"
		  "rec 2 {\"a\":2}\nrec 3 {\"a\":3}\n"
		  "end 3 records, waits no, hups 0, term 0\n" },
		{ "the bytes ahead before each record", AHEAD,
		  "ahead {\"$rt\":\nrec 1 {\"a\":1}\n"
		  "ahead {\"a\":3}\n"
		  "rec 2 {\"a\":2}\nahead \nrec 3 {\"a\":3}\n"
		  "end 3 records, waits no, hups 0, term 0\n" },
		{ "SIGHUP: the reload hook before the next record", HUP,
		  "rec 1 {\"a\":1}\n"
		  "rec 2 {\"a\":2}\nhup\nrec 3 {\"a\":3}\n"
		  "end 3 records, waits no, hups 1, term 0\n" },
		{ "a stop signal ends the loop after the record handled", TERM,
		  "rec 1 {\"a\":1}\n"
		  "rec 2 {\"a\":2}\nend 2 records, waits no, hups 0, term 15\n" },
	};
	struct child r = { 0 };

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int mode = t[i].mode;

		child_run(&r, child, &mode, in3);
		ok(r.status == 0, "%s: exit 0", t[i].what);
		is_str(r.err.p, t[i].err, "  hooks called");
		is_str(r.out.p, "{\"$rt\":\"barrier\",\"id\":3}\n",
		    "  the control record passed on, nothing else");
	}
	child_release(&r);
}

static void
test_quiet(void)
{
	struct child r = { 0 };
	int mode = QUIET;

	child_run(&r, child, &mode, NULL);
	ok(r.status == 0, "a quiet pipe: exit 0");
	is_str(r.err.p, "rec 1 {\"a\":1}\nrec 2 {\"a\":2}\n"
	    "end 2 records, waits yes, hups 0, term 0\n",
	    "  the wait hook between the two records");
	child_release(&r);
}

int
main(void)
{
	test_modes();
	test_quiet();
	return done_testing();
}
