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

#endif
