/*
 * exec.h - deliver data to a command, one child process per item or per
 * batch of items: the command runs from an argv (never a shell, so data
 * can never be executed), reads the item (or the batch's items one after
 * the other) on its standard input and gets extra environment variables;
 * at most N run at once; a child that runs past its timeout is killed; a
 * failed delivery is retried with doubling backoff.
 * Nothing here blocks: the caller's poll loop waits on the descriptors
 * rt_exec_pollfds gives and calls rt_exec_service.  rt-alert(1), "Delivery".
 */
#ifndef RT_EXEC_H
#define RT_EXEC_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct rt_exec_job;

struct rt_exec {
	char **argv;		/* the command (borrowed; argv[0] via PATH) */
	int64_t timeout_us;	/* per attempt; 0: none */
	int concurrency;	/* children at once (>= 1) */
	int retries;		/* attempts after the first */
	int64_t backoff_us;	/* before the first retry; doubles after */
	size_t batch_max;	/* rt_exec_add: items per batch (>= 1) */
	int64_t batch_us;	/* and the oldest waits at most this (0: no
				 * bound but rt_exec_flush) */
	/* Called once per item when it is delivered (ok = 1) or finally
	 * failed (ok = 0, why says how: "exit status 3 (3 attempts)"); for a
	 * batch, once for each of its items, in order. */
	void (*done)(void *arg, const char *data, size_t n, uint64_t tag,
	    int ok, const char *why);
	void *done_arg;
	/* Counts. */
	uint64_t started, retried, failed, delivered;
	/* Internal. */
	struct rt_exec_job **q;	/* jobs in submission order */
	size_t nq, capq;
	int running;
	int sigpipe[2];		/* SIGCHLD wakes the poll loop */
	struct rt_exec_job *open;	/* the batch being filled */
	int64_t open_since;	/* when its first item came (monotonic us) */
};

/* The argv of command line s ('CMD ARG...'): split on blanks and tabs,
 * no quoting, no shell.  NULL when s holds no word; else v[0] owns the
 * words' storage, and v and v[0] are the caller's to free. */
char **rt_exec_split(const char *s);

/* NULL when cmd can be run (found in PATH when it has no '/'), else why
 * not: "command not found", or strerror's text for a path ("No such file
 * or directory", "Permission denied", "Is a directory"). */
const char *rt_exec_check(const char *cmd);

/* Prepare; installs a SIGCHLD handler and ignores SIGPIPE (a child that
 * does not read its input must not kill the caller).  -1 with errno. */
int rt_exec_init(struct rt_exec *x, char **argv);
/* Kill nothing, wait for nothing: call only once rt_exec_pending is 0. */
void rt_exec_release(struct rt_exec *x);

/* Queue data[0, n) (copied) with the environment additions env[0, nenv)
 * ("NAME=value" strings, copied).  Starts it at once when a slot is free. */
void rt_exec_submit(struct rt_exec *x, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag);

/* Add data[0, n) (copied) to the open batch, which is queued once it
 * holds batch_max items, once its first item is batch_us old (checked
 * here and by rt_exec_service), or by rt_exec_flush.  The batch's child
 * gets the items concatenated on its standard input and RT_ALERT_COUNT,
 * the number of items, in its environment (env is not used: per-item
 * variables have no meaning for a batch). */
void rt_exec_add(struct rt_exec *x, const char *data, size_t n,
    uint64_t tag);
/* Queue the open batch now, if there is one. */
void rt_exec_flush(struct rt_exec *x);

/* Items queued or running (an open batch counts). */
static inline size_t
rt_exec_pending(const struct rt_exec *x)
{
	return x->nq + (x->open != NULL);
}

/* Descriptors to poll (at most max) and the poll timeout in ms (-1: no
 * deadline; an open batch's batch_us counts).  Returns the number of
 * descriptors filled in. */
int rt_exec_pollfds(struct rt_exec *x, struct pollfd *pfd, int max,
    int *timeout_ms);

/* Do what is due without blocking: queue the open batch when it is
 * batch_us old, feed children their input, reap those that ended, kill
 * those past their timeout, start queued items. */
void rt_exec_service(struct rt_exec *x);

/* Set by the SIGCHLD handler: rt_exec_service has work. */
extern volatile sig_atomic_t rt_exec_wake;

#endif
