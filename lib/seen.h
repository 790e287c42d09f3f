/*
 * seen.h - the set of ids already seen, for dropping duplicates in
 * bounded memory: ids are remembered for a span of event time and/or up
 * to a count, the oldest forgotten first.  rt-clean(1) --dedupe.
 */
#ifndef RT_SEEN_H
#define RT_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

struct rt_seen {
	struct rt_map map;
	int64_t *t;		/* by id: event time of the kept record */
	uint32_t capt;
	uint32_t *ring;		/* ids in the order they were first kept */
	size_t ringcap, head, n;
	size_t max;		/* ids remembered at most */
	int64_t window;		/* event-time span, 0: none */
	int64_t maxt;		/* newest event time seen */
};

#define RT_SEEN_MAX_DEFAULT 1000000

/* Remember at most max ids (0: RT_SEEN_MAX_DEFAULT), each for window
 * microseconds of event time (0: no time limit). */
void rt_seen_init(struct rt_seen *s, size_t max, int64_t window);
void rt_seen_release(struct rt_seen *s);

/* Is id[0, n) a duplicate of one kept within the window of event time t
 * (t is ignored without a window)?  Returns 1 for a duplicate; else
 * remembers the id as kept at t and returns 0. */
int rt_seen_check(struct rt_seen *s, const void *id, size_t n, int64_t t);

#endif
