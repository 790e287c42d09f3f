/*
 * ctl.h - control records: lines that travel through a pipeline with the
 * records, in order, but are not data (a barrier asks every stateful
 * stage to write its state before passing it on).  The exact form is in
 * rtpipe(7), "Control records"; lib/cli.c recognises them for every tool.
 */
#ifndef RT_CTL_H
#define RT_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* The bytes every control record begins with. */
#define RT_CTL_PREFIX "{\"$rt\":\""
#define RT_CTL_PREFIXLEN 8

enum rt_ctl_kind {
	RT_CTL_OTHER = 0,	/* a kind this release does not know */
	RT_CTL_BARRIER		/* {"$rt":"barrier","id":N} */
};

struct rt_ctl {
	enum rt_ctl_kind kind;
	uint64_t id;		/* barrier: its id */
	const char *p;		/* the line (borrowed), without "\n" */
	size_t len;
};

/* Could p[0, n) be a control record (its first bytes)?  Cheap enough for
 * every line. */
static inline int
rt_ctl_maybe(const char *p, size_t n)
{
	return n > RT_CTL_PREFIXLEN && p[0] == '{' && p[1] == '"' &&
	    p[2] == '$' && p[3] == 'r' && p[4] == 't' && p[5] == '"' &&
	    p[6] == ':' && p[7] == '"';
}

/*
 * Read the control record p[0, n), already parsed into d (an object
 * whose first member is "$rt" with a string value), into *c.  Returns 0,
 * or -1 when it is not a control record after all: "$rt" not a string,
 * or a barrier without an unsigned integer "id".
 */
int rt_ctl_read(const struct rt_jdoc *d, const char *p, size_t n,
    struct rt_ctl *c);

/* Is r[0, n) a control record?  Checks the prefix, parses into scratch
 * and reads it into *c: 1, or 0 when it is data. */
int rt_ctl_parse(struct rt_jdoc *scratch, const char *p, size_t n,
    struct rt_ctl *c);

/* Append the barrier line {"$rt":"barrier","id":N} (no newline). */
struct rt_buf;
void rt_ctl_barrier(struct rt_buf *b, uint64_t id);

#endif
