/*
 * stats.h - the counts every tool keeps and prints with --stats, so that
 * in = out + rejected + dropped can be checked.  rtpipe(7), "Statistics".
 */
#ifndef RT_STATS_H
#define RT_STATS_H

#include <stdint.h>

#include "buf.h"

struct rt_stats {
	const char *tool;
	const char *name;	/* --name, or NULL */
	uint64_t in;		/* records read (rejected ones included) */
	uint64_t out;		/* records written */
	uint64_t rejected;	/* records sent to the reject stream */
	uint64_t dropped;	/* records dropped by a rule the user gave */
	/* Appends the tool's own members (",\"late\":3"), or NULL. */
	void (*extra)(struct rt_buf *b, void *arg);
	void *extra_arg;
};

/* Append the counts as one JSON object:
 * {"tool":"rt-clean","in":3,"out":2,"rejected":1,"dropped":0,...} */
void rt_stats_json(const struct rt_stats *st, struct rt_buf *b);

/* Append ,"name":value (a helper for extra callbacks). */
void rt_stats_member(struct rt_buf *b, const char *name, uint64_t value);

#endif
