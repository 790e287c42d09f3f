/*
 * loop.h - the main loop of the tools that read records through cli.h.
 * rt_cli_next, under it, reads, recognises control records (cli.h,
 * rtpipe(7) "Control records") and answers SIGUSR1 with the statistics;
 * the loop hands each record to the tool's hook, waits when nothing can
 * be read (only with cli->nowait: rt_cli_next then returns instead of
 * blocking), turns SIGHUP into the tool's reload hook between two
 * records, and ends at the end of the input or at a stop signal
 * (rt_cli_catch_term: SIGINT, SIGTERM, SIGHUP for the tools that save
 * state).  What happens at the end is the tool's, after rt_loop_run.
 */
#ifndef RT_LOOP_H
#define RT_LOOP_H

#include <stddef.h>

#include "cli.h"

struct rt_loop {
	/* One record (not a control record, not rejected on reading). */
	void (*record)(void *arg, struct rt_rec *r);
	/* Before each record, the bytes read ahead of it (rt_src_ahead),
	 * for a tool that prefetches by them; NULL: none. */
	void (*ahead)(void *arg, const char *p, size_t n);
	/* Nothing to read now: wait for input, a signal, or the tool's own
	 * descriptors and deadlines.  NULL: rt_loop_wait. */
	void (*wait)(void *arg);
	/* A SIGHUP came: called before the next record.  NULL: SIGHUP is
	 * left as it is (a stop signal after rt_cli_catch_term). */
	void (*hup)(void *arg);
	void *arg;
};

/* Run until the input ends or a stop signal came. */
void rt_loop_run(struct rt_cli *cli, const struct rt_loop *l);

/* The default wait: output flushed, then input or a stop signal. */
void rt_loop_wait(struct rt_cli *cli);

#endif
