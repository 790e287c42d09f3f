/*
 * watch.h - a running tool seen from outside: its --stats line every
 * DUR (--stats-every), its counters in a file of a stats directory about
 * once a second (--stats-dir DIR or RT_STATS_DIR: what rt-top(1) shows),
 * and a progress line on a terminal (--progress).  One SIGALRM timer
 * drives them; the work is done by the record loop at the next record or
 * before it blocks, never in the signal handler.  Like cli.h this is the
 * tool side of the library: it writes to standard error.
 * rtpipe(7), "Watching a pipeline".
 */
#ifndef RT_WATCH_H
#define RT_WATCH_H

#include <signal.h>
#include <stdint.h>

#include "buf.h"
#include "stats.h"

struct rt_watch {
	/* Options (zero: off). */
	int64_t every;		/* --stats-every, microseconds */
	const char *dir;	/* --stats-dir */
	int progress;		/* --progress */
	/* The run. */
	int on;			/* the timer is armed */
	int tty;		/* progress goes to a terminal */
	int statm;		/* /proc/self/statm, opened before confinement */
	char *path, *tmp;	/* the stats file and its temporary */
	const char *name;
	int64_t started, next_every, last_wall;
	uint64_t last_in;
	double rate;		/* records a second over the last tick */
	int shown;		/* a progress line is on the terminal */
	struct rt_buf b;
};

/* What the tool knows when a tick comes. */
struct rt_watch_info {
	const struct rt_stats *st;
	int64_t evtime;		/* newest event time (us), or INT64_MIN */
	int64_t done, total;	/* bytes of the input read and its size, or
				 * -1 when not a regular file */
	int file, nfiles;	/* which operand, of how many (1-based) */
};

/* Set by the timer; the record loop calls rt_watch_tick when it is. */
extern volatile sig_atomic_t rt_watch_due;

/* Arm the timer if any report is asked for: name labels the stats file
 * (NAME.PID.json in dir).  Returns NULL, or a static reason (the stats
 * directory cannot be written). */
const char *rt_watch_start(struct rt_watch *w, const char *name);

/* The file the stats directory gets (for the sandbox), or NULL. */
const char *rt_watch_file(const struct rt_watch *w);

/* Do what is due: the --stats-every line, the stats file, the progress
 * line.  final: the run is over (the file says "done", the progress
 * line is cleared). */
void rt_watch_tick(struct rt_watch *w, const struct rt_watch_info *wi,
    int final);

/* Disarm the timer and free. */
void rt_watch_release(struct rt_watch *w);

#endif
