/*
 * field.h - reading a record's top-level fields the way every tool that
 * works on fields does: event time, numbers (JSON numbers, or strings
 * holding one, as CSV input gives), and the canonical text of a value for
 * keys and equality.  No allocation in the steady state: the scratch
 * buffer is reused.
 */
#ifndef RT_FIELD_H
#define RT_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "rtime.h"

/* Event time of member name of the object d->v[0]: a string read by
 * rt_time_read (RFC 3339, ISO 8601, --time-format) or an epoch number in
 * o->unit.  NULL and *us set, or a reason: "missing", "not a string or a
 * number", or the parser's reason.  scratch decodes escaped strings. */
const char *rt_field_time(const struct rt_jdoc *d, const char *name,
    size_t nlen, struct rt_timeopt *o, struct rt_buf *scratch, int64_t *us);

/* The number at node i: a JSON number, or a string whose whole content is
 * a JSON number.  1 and *x set, or 0 (null, text, anything else). */
int rt_field_num(const struct rt_jdoc *d, uint32_t i, double *x);

/* Append the canonical text of node i to b: the decoded content of a
 * string, the JSON text of any other value.  Two values that a user
 * would call equal ("abc" and "abc", 12 and 12) give equal text; a string
 * "12" and the number 12 give the same text too (CSV input compares with
 * NDJSON input). */
void rt_field_text(const struct rt_jdoc *d, uint32_t i, struct rt_buf *b);

/*
 * The top-level members a tool reads from every record, found in one
 * pass over the record's members: rt_jdoc_get has to scan every member
 * for each name it looks up (the last of duplicate keys wins), so a tool
 * that reads five fields would scan each record five times.
 */
#define RT_FSET_MAX 64
/* Answers are kept when the names are among the first RT_FSET_ORDS
 * members. */
#define RT_FSET_ORDS 256

struct rt_fset {
	const char *name[RT_FSET_MAX];	/* borrowed: keep them alive */
	size_t len[RT_FSET_MAX];
	size_t n;
	unsigned char tab[RT_FSET_MAX * 4];	/* by name hash: slot, 0xff */
	/* The last answer, as the place of each name among the members
	 * (UINT32_MAX: none) and the name each member holds (0xff: none) up
	 * to member cmax: it holds while the document's keys stay.  Scalar
	 * values go by place (member j's value is node 2j + 2), others by a
	 * walk over the members. */
	struct rt_jkeys kept;
	uint32_t cord[RT_FSET_MAX];
	uint32_t cmax;
	unsigned char cslot[RT_FSET_ORDS];
};

void rt_fset_init(struct rt_fset *s);
/* The slot of name[0, len), added if new; -1 when the set is full. */
int rt_fset_add(struct rt_fset *s, const char *name, size_t len);
/* node[slot] = the value node of each name in the object d->v[0], or 0
 * when absent (or when the record is not an object).  Keys written with
 * escapes are decoded before they are compared. */
void rt_fset_find(struct rt_fset *s, const struct rt_jdoc *d,
    uint32_t *node);

/* rt_field_time for the value node i (0: missing). */
const char *rt_field_time_at(const struct rt_jdoc *d, uint32_t i,
    struct rt_timeopt *o, struct rt_buf *scratch, int64_t *us);

#endif
