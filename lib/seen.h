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

struct rt_seen_ent {		/* a kept record */
	int64_t t;		/* its event time */
	uint64_t next;		/* the next entry of the same id */
	uint32_t id;
};

struct rt_seen {
	struct rt_map map;
	uint64_t *first, *last;	/* by id: its oldest and newest entries */
	uint32_t capid;
	struct rt_seen_ent *ring;	/* kept records, oldest first */
	size_t ringcap, n;
	uint64_t head;		/* sequence number of the oldest entry */
	size_t max;		/* kept records remembered at most */
	int64_t window;		/* event-time span, 0: none */
	int64_t maxt;		/* newest event time seen */
};

#define RT_SEEN_MAX_DEFAULT 1000000

/* Remember at most max kept records (0: RT_SEEN_MAX_DEFAULT), each for
 * window microseconds of event time (0: no time limit). */
void rt_seen_init(struct rt_seen *s, size_t max, int64_t window);
void rt_seen_release(struct rt_seen *s);

/* Is id[0, n) a duplicate of a record kept with the same id within the
 * window of event time t, before or after t (t is ignored without a
 * window; records more than a window behind the newest time may miss
 * entries already forgotten)?  Returns 1 for a duplicate; else remembers the id as kept at t
 * and returns 0. */
int rt_seen_check(struct rt_seen *s, const void *id, size_t n, int64_t t);

/* Append what s remembers to b, for a state file: "seen N MAXT\n", then
 * per kept record, oldest first, "T LEN " and the id's LEN bytes and
 * "\n". */
struct rt_buf;
void rt_seen_save(const struct rt_seen *s, struct rt_buf *b);
/* Remember what rt_seen_save wrote in p[0, n), in s (just initialised with
 * the same max and window).  Returns NULL, or why the text is refused
 * (malformed, more ids than max, an id twice without a window, a time
 * after the newest); s is then partly filled, to be released. */
const char *rt_seen_load(struct rt_seen *s, const char *p, size_t n);

#endif
