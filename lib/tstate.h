/*
 * tstate.h - a tool's --state FILE over the run: locked for the run,
 * loaded at the start, saved at each barrier, on SIGUSR1 when the tool
 * asks and at the end, after the output it covers is flushed.  The tool
 * gives the body's writer and reader; the file (header, checksum, crash
 * safety) is state.h's.  Tool side of the library, like cli.h: every
 * failure is fatal (exit 2, "rt-x: PATH: reason").  rtpipe(7), "STATE
 * FILES".
 */
#ifndef RT_TSTATE_H
#define RT_TSTATE_H

#include <stddef.h>

#include "buf.h"
#include "cli.h"

/* Append the tool's whole state to b. */
typedef void rt_tstate_save_fn(void *arg, struct rt_buf *b);
/* Take the body p[0, n) into the run: NULL, or why it is refused. */
typedef const char *rt_tstate_load_fn(void *arg, const char *p, size_t n);

struct rt_tstate {
	struct rt_cli *cli;
	const char *path;	/* NULL: no --state */
	const char *tool;
	const char *config;	/* the options that shape the state */
	size_t nconfig;
	rt_tstate_save_fn *save;
	rt_tstate_load_fn *load;
	void *arg;
	int lock_fd;
};

/* With path (else nothing): take its lock (exit 2 when another run holds
 * it), load it when it exists (exit 2 when it is damaged or was written
 * by another tool or with other options), let the sandbox write it, and
 * save it at each barrier (c->control).  Call before rt_cli_start.
 * tool, config[0, n) and arg are borrowed for the run. */
void rt_tstate_open(struct rt_tstate *s, struct rt_cli *c, const char *path,
    const char *tool, const char *config, size_t n, rt_tstate_save_fn *save,
    rt_tstate_load_fn *load, void *arg);

/* Flush the output (rt_cli_idle), then write the state: output first, so
 * that a run killed in between writes its output again when run again
 * (at least once), and never loses it. */
void rt_tstate_save(struct rt_tstate *s);

/* The run is over (the last save made): the lock goes now, not when the
 * process is gone. */
void rt_tstate_close(struct rt_tstate *s);

#endif
