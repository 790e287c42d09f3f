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
	int fc_due;		/* see rt_wread_record */
	const char *why;	/* RT_WR_BADTIME: why */
	int nokey;		/* RT_WR_NOKEY: which */
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

/* What rt_wread_record found. */
enum rt_wread_status {
	RT_WR_OK,		/* *ev filled */
	RT_WR_BADTIME,		/* no event time: r->why says why */
	RT_WR_NOKEY		/* -k field r->nokey is missing */
};

/*
 * Read the object d (a record, parsed) into *ev: its fields found in one
 * pass, its event time, its key (the -k fields' JSON texts joined by
 * '\0') and its hash when sniffed, the aggregates' values.  ev points
 * into r's scratch, valid until the next call.  The event time's reasons:
 * "time field missing", the parser's reason, or "time out of range"
 * (beyond what a state file holds, rtpipe(7) STATE FILES).  Over the
 * first records it also counts the -k and --time fields: r->fc_due is
 * then 1 when the verdict is due (rt_cli_fcheck).
 */
enum rt_wread_status rt_wread_record(struct rt_wread *r,
    const struct rt_jdoc *d, struct rt_timeopt *o, struct rt_wev *ev);

#endif
