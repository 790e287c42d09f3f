/*
 * exec.h - deliver data to a command, one child process per item: the
 * command runs from an argv (never a shell, so data can never be
 * executed), reads the item on its standard input and gets extra
 * environment variables; at most N run at once; a child that runs past its
 * timeout is killed; a failed delivery is retried with doubling backoff.
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
	/* Called once per item when it is delivered (ok = 1) or finally
	 * failed (ok = 0, why says how: "exit status 3 (3 attempts)"). */
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
};

/* Prepare; installs a SIGCHLD handler and ignores SIGPIPE (a child that
 * does not read its input must not kill the caller).  -1 with errno. */
int rt_exec_init(struct rt_exec *x, char **argv);
/* Kill nothing, wait for nothing: call only once rt_exec_pending is 0. */
void rt_exec_release(struct rt_exec *x);

/* Queue data[0, n) (copied) with the environment additions env[0, nenv)
 * ("NAME=value" strings, copied).  Starts it at once when a slot is free. */
void rt_exec_submit(struct rt_exec *x, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag);

/* Items queued or running. */
static inline size_t
rt_exec_pending(const struct rt_exec *x)
{
	return x->nq;
}

/* Descriptors to poll (at most max) and the poll timeout in ms (-1: no
 * deadline).  Returns the number of descriptors filled in. */
int rt_exec_pollfds(struct rt_exec *x, struct pollfd *pfd, int max,
    int *timeout_ms);

/* Do what is due without blocking: feed children their input, reap those
 * that ended, kill those past their timeout, start queued items. */
void rt_exec_service(struct rt_exec *x);

/* Set by the SIGCHLD handler: rt_exec_service has work. */
extern volatile sig_atomic_t rt_exec_wake;

#endif
