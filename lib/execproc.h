/*
 * execproc.h - exec.h's runner in a process of its own, so that the
 * process that reads hostile input never needs to run programs.
 *
 * rt_execproc_start forks, before the tool confines itself, a small
 * delivery process that holds nothing of the tool's (standard input and
 * output are /dev/null, every other descriptor is closed but standard
 * error and one socket), takes only the fixed argv it was started with,
 * and runs the items it is sent through exec.h.  It confines itself with
 * the policy the command needs (programs, the network, the file system;
 * the other seccomp refusals stay), while the tool keeps the strict one:
 * a bug exploited through a record can at most ask for more deliveries of
 * the one command.  The tool's side is exec.h's interface over the
 * socket; done is called in the tool's process, as exec.h calls it.
 *
 * The delivery process ignores the terminal's signals (the tool decides
 * when to stop) and ends once the tool has closed the socket and every
 * item it was given is done, so a killed tool's alerts still go out.
 */
#ifndef RT_EXECPROC_H
#define RT_EXECPROC_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "exec.h"

struct rt_execproc {
	int fd;			/* the socket; -1 before start */
	pid_t pid;
	uint64_t pending;	/* items sent and not yet done */
	int open;		/* items added since the last flush */
	/* The delivery process's counts, as of its last report. */
	uint64_t delivered, retried;
	/* Called once per item, as exec.h's done (data only when !ok). */
	void (*done)(void *arg, const char *data, size_t n, uint64_t tag,
	    int ok, const char *why);
	void *done_arg;
	struct rt_buf in, out;	/* internal */
};

/*
 * Start the delivery process running the command and settings of cfg
 * (argv, timeout_us, concurrency, retries, backoff_us, batch_max,
 * batch_us; exec.h), confined unless confine is 0.  -1 with errno.
 */
int rt_execproc_start(struct rt_execproc *p, const struct rt_exec *cfg,
    int confine);

/* As rt_exec_submit, rt_exec_add and rt_exec_flush.  A delivery process
 * that is gone is a fatal error of the caller's: they return -1 then. */
int rt_execproc_submit(struct rt_execproc *p, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag);
int rt_execproc_add(struct rt_execproc *p, const char *data, size_t n,
    uint64_t tag);
int rt_execproc_flush(struct rt_execproc *p);

/* The descriptor to poll for reports (one; fills pfd[0] when max >= 1). */
int rt_execproc_pollfds(struct rt_execproc *p, struct pollfd *pfd, int max);

/* Read the reports there are without blocking and call done for each.
 * -1 when the delivery process is gone with items pending. */
int rt_execproc_service(struct rt_execproc *p);

/* Close the socket and wait for the delivery process to end. */
void rt_execproc_stop(struct rt_execproc *p);

#endif
