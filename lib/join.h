/*
 * join.h - one record joined with a reference table: its key read from
 * the record, the table's rows looked up (exact, as-of or range), the
 * rows chosen (--many) and the record written with their columns
 * appended or nested (--as), or a miss handled (--missing, --default).
 * rt-join(1), "Joining".
 */
#ifndef RT_JOIN_H
#define RT_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fcheck.h"
#include "field.h"
#include "jedit.h"
#include "json.h"
#include "rtime.h"
#include "table.h"

enum { RT_JMISS_PASS, RT_JMISS_DROP, RT_JMISS_REJECT };	/* --missing */
enum { RT_JMANY_FIRST, RT_JMANY_LAST, RT_JMANY_ALL };		/* --many */

/* What rt_join_record decided. */
enum {
	RT_JOIN_OUT,		/* write rt_join_nout outputs */
	RT_JOIN_PASS,		/* write the record unchanged */
	RT_JOIN_DROP,		/* a miss, dropped (--missing drop) */
	RT_JOIN_REJECT		/* a miss (--missing reject) or a bad time */
};

#define RT_JOIN_MAXDEF 64

/* Rows looked up elsewhere (an SQLite cache): the rows whose key is
 * key[0, klen) into *m, 1; 0 when none; -1 on error (why in *err). */
typedef int (*rt_join_lookup_fn)(void *arg, const char *key, size_t klen,
    struct rt_tmatch *m, const char **err);

/* Hints for rows looked up elsewhere: load what the lookup of a key of
 * hash h will touch, 3 records ahead the first part (stage 2), then the
 * next (1), the last at the record before (0). */
typedef void (*rt_join_prefetch_fn)(void *arg, uint64_t h, int stage);

struct rt_join {
	/* Settings: set them, then rt_join_setup.  Strings borrowed. */
	const char *field[RT_TABLE_MAXKEY];	/* the record's key fields */
	int nfield;
	const char *as;		/* --as NAME, or NULL: appended */
	const char *prefix;	/* --prefix, for the defaults' names */
	int missing, many;	/* RT_JMISS_*, RT_JMANY_* */
	const char *asof;	/* --as-of TIMEFIELD, or NULL */
	int range;		/* --range: the one field's value in [lo, hi] */
	struct rt_timeopt *topt;
	/* --default COL=V. */
	char *dname[RT_JOIN_MAXDEF];	/* owned, decoded */
	char *dval[RT_JOIN_MAXDEF];	/* owned, JSON text */
	struct rt_buf djname;		/* "prefix+COL": of each, back to back */
	size_t djoff[RT_JOIN_MAXDEF + 1];
	int ndef;
	/* The table in use (rt_join_use). */
	const struct rt_table *t;
	const struct rt_tcols *cols;
	rt_join_lookup_fn lookup;
	rt_join_prefetch_fn prefetch;	/* with lookup, or NULL */
	void *lookup_arg;
	int rkind;			/* range: the table's RT_RK_* */
	uint8_t *dmap;			/* column -> default + 1, or 0 */
	size_t ndmap;
	/* The record. */
	struct rt_fset fs;
	int slot[RT_TABLE_MAXKEY], tslot;
	uint32_t node[RT_FSET_MAX];
	struct rt_fcheck fc;
	int fcslot[RT_TABLE_MAXKEY + 1];
	struct rt_buf key, tmp, sub, name;
	struct rt_tmatch m;
	uint32_t first, count;		/* the rows chosen of m */
	int miss;			/* no row: the defaults stand in */
	int collide;			/* a member the join sets exists */
	struct rt_jkeys kept;		/* ...for records with these keys */
	struct rt_jedit edit;
	struct rt_jdoc md;		/* the members, read back for jedit */
	struct rt_buf asj;		/* "NAME": of --as */
	struct rt_buf pat;		/* hints: "FIELD":" */
	size_t patat;			/* where the last record had it */
	uint64_t hint[2];		/* key hashes of the records 1 and 2
					 * ahead, when hv[] says they are known */
	int hv[2];
	char why[160];
	/* Counts. */
	uint64_t matched, missed, extra;
};

void rt_join_init(struct rt_join *j);
void rt_join_release(struct rt_join *j);

/* --default COL=V (V: JSON if it reads as JSON, else a string).  NULL,
 * or why not. */
const char *rt_join_default(struct rt_join *j, const char *spec);

/* After the settings: the fields to read, the field check. */
void rt_join_setup(struct rt_join *j);

/* Join against table t (its columns), or with lookup (columns cols):
 * from the next record on.  Neither is owned. */
void rt_join_use(struct rt_join *j, const struct rt_table *t,
    const struct rt_tcols *cols, rt_join_lookup_fn lookup, void *arg);

/*
 * Join the object record d: RT_JOIN_OUT (then rt_join_nout outputs,
 * written by rt_join_write), RT_JOIN_PASS, RT_JOIN_DROP, or
 * RT_JOIN_REJECT with *why ("no match for card_id", a bad time; no
 * record content).  Counts matched and missed records.
 */
int rt_join_record(struct rt_join *j, const struct rt_jdoc *d,
    const char **why);

static inline uint32_t
rt_join_nout(const struct rt_join *j)
{
	return j->miss || j->as || j->many != RT_JMANY_ALL ? 1 : j->count;
}

/* A hint, before joining a record: p[0, n) are the bytes that follow it
 * in the input (rt_src_ahead).  What the lookups of the next three
 * records will touch is loaded in stages (the index slot three records
 * ahead, the row one ahead), so that they do not wait for memory.  Only
 * a guess: never needed. */
void rt_join_hint(struct rt_join *j, const char *p, size_t n);

/* Append the --stats members matched, missing and extra. */
void rt_join_stats(const struct rt_join *j, struct rt_buf *b);

/* Append output k (0 <= k < rt_join_nout) of the record d to out. */
void rt_join_write(struct rt_join *j, const struct rt_jdoc *d, uint32_t k,
    struct rt_buf *out);

#endif
