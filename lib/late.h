/*
 * late.h - what becomes of a late record, in the words of rt-window(1):
 * rejected with how far it is behind the watermark, written to --late
 * FILE (counted as dropped), or passed on with "_late":true
 * (--late-pass).  Never silently lost.  Tool side of the library, like
 * cli.h: its write errors are fatal (exit 2).  rt-merge(1), "Lateness".
 */
#ifndef RT_LATE_H
#define RT_LATE_H

#include <stdint.h>

#include "cli.h"

struct rt_late {
	struct rt_cli *cli;
	const char *path;	/* --late FILE, or NULL */
	int pass;		/* --late-pass */
	const char *hint;	/* the options a reject names: "--max-delay" */
	struct rt_out out;	/* the --late file */
	struct rt_buf tmp;
	uint64_t n;		/* late records so far */
};

/* Open path (when not NULL) for late records: exits 2 when it cannot be
 * created.  hint goes into reject reasons. */
void rt_late_open(struct rt_late *l, struct rt_cli *cli, const char *path,
    int pass, const char *hint);

/*
 * The record r is late, behind microseconds behind its watermark.  e is
 * an edit started on r's document holding whatever the tool adds to
 * every record (its sets are kept: "_late" is added to them for
 * --late-pass); the --late file gets the record as the edit makes it,
 * without "_late".
 */
void rt_late_put(struct rt_late *l, const struct rt_rec *r,
    struct rt_jedit *e, int64_t behind);

/* Flush the --late file (before blocking); close it at the end.  Write
 * errors are fatal. */
void rt_late_flush(struct rt_late *l);
void rt_late_close(struct rt_late *l);

#endif
