/*
 * rfields.h - the top-level fields rules read, checked for misspellings:
 * against the properties of a JSON Schema (rt-classify --fields-from),
 * and against the first records of the input (--check-fields N).
 * rt-classify(1), "Rules".
 */
#ifndef RT_RFIELDS_H
#define RT_RFIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "rule.h"

/* Is every field of every rule of rs a key of the "properties" of the
 * schema file at path?  0, or -1 with the reason in err, naming the
 * first rule and field that is not ("rules:3: rule 'x': field 'y' is not
 * a property in PATH"). */
int rt_rfields_schema(const struct rt_rules *rs, const char *path,
    struct rt_buf *err);

/* Which fields of which rules the records looked at had. */
struct rt_rfcheck {
	unsigned char **seen;	/* per rule, per field (owned) */
	size_t n;		/* rules */
	uint64_t looked;	/* records looked at */
	int done;		/* the verdict was given */
};

/* Start a check of the fields of rs (whose rules must outlive it). */
void rt_rfcheck_init(struct rt_rfcheck *c, const struct rt_rules *rs);
void rt_rfcheck_release(struct rt_rfcheck *c);

/* One more record d (an object) looked at. */
void rt_rfcheck_look(struct rt_rfcheck *c, const struct rt_rules *rs,
    const struct rt_jdoc *d);

/* After the records looked at: the next field no record had, from rule
 * *i and field *j on (start both at 0, and go on from *j + 1).  1 with
 * *i, *j naming it, 0 when no more.  Sets c->done. */
int rt_rfcheck_unseen(struct rt_rfcheck *c, const struct rt_rules *rs,
    size_t *i, int *j);

#endif
