/*
 * wread.h - a record read as the window engine's event (struct rt_wev):
 * its event time, its key (the -k fields' JSON texts), and the values its
 * aggregates take (numbers, distinct hashes, conditions, previous values),
 * every field found in one pass over the record's members.  It also
 * sniffs the keys of the records to come (sniff.h) and counts whether
 * the -k and --time fields are there at all (fcheck.h).  rt-window(1).
 */
#ifndef RT_WREAD_H
#define RT_WREAD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fcheck.h"
#include "field.h"
#include "json.h"
#include "rtime.h"
#include "sniff.h"
#include "window.h"

/* The lists of fields read, in the order of the slots. */
enum rt_wread_list {
	RT_WR_TIME, RT_WR_KEY, RT_WR_NUM, RT_WR_DIST, RT_WR_COND, RT_WR_PREV,
	RT_WR_NLISTS
};

struct rt_wread {
	const struct rt_wconf *c;	/* borrowed, slots assigned */
	const char *time_field;	/* NULL: arrival time */
	struct rt_fcheck fc;	/* -k and --time fields seen at all? */
	int fc_key[RT_FCHECK_MAX], fc_time;
	struct rt_sniff sniff;	/* the keys ahead, with -k */
	/* Field i of list l is in slot[first[l] + i] of the set, -1 past the
	 * set's size (then looked up by name); node[]: the last record's. */
	struct rt_fset fs;
	int *slot;
	int first[RT_WR_NLISTS];
	uint32_t node[RT_FSET_MAX];
	/* The event's scratch. */
	struct rt_buf key, tmp;
	double *num;
	uint64_t *dh;
	const char **prev;
	size_t *prevlen;
};

/* Read records for configuration c (slots assigned: rt_win_conf_slots),
 * with event time in time_field (NULL: the wall clock at arrival);
 * prefetch hints go to hint(arg, ...).  c and time_field are borrowed. */
void rt_wread_init(struct rt_wread *r, const struct rt_wconf *c,
    const char *time_field, rt_sniff_hint_fn *hint, void *arg);
void rt_wread_release(struct rt_wread *r);

/* Find the fields of the object d (a record, parsed); over the first
 * records, count the -k and --time fields: 1 when the verdict is due
 * (rt_cli_fcheck), else 0. */
int rt_wread_find(struct rt_wread *r, const struct rt_jdoc *d);

/* The event time of d (found): NULL and *t set, or the reason it cannot
 * be had: "time field missing", the parser's reason, or "time out of
 * range" (beyond what a state file holds, rtpipe(7) STATE FILES). */
const char *rt_wread_time(struct rt_wread *r, const struct rt_jdoc *d,
    struct rt_timeopt *o, int64_t *t);

/* Build d's key: -1, or the index of the first -k field it lacks. */
int rt_wread_key(struct rt_wread *r, const struct rt_jdoc *d);

/* Fill ev (but its time) from d, found and keyed: the key, its hash when
 * sniffed, the aggregates' values.  ev points into r's scratch, valid
 * until the next call. */
void rt_wread_event(struct rt_wread *r, const struct rt_jdoc *d,
    struct rt_wev *ev);

#endif
