/*
 * fast.h - the fast path of rt-classify's rules: a condition inside a
 * small subset of jq compiled into a tree and evaluated straight on the
 * zero-copy record, with jq 1.6's results, errors (worded as jqmsg.h
 * words libjq's) and regular expressions (jqre.h).  What the tree does
 * not handle for a record goes to libjq (rule.h decides).
 * rt-classify(1), "The fast path".
 */
#ifndef RT_FAST_H
#define RT_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "field.h"
#include "json.h"

struct rt_fnode;		/* a compiled condition */

/*
 * Compile the jq condition cond[0, n) into a tree, or NULL when it is
 * outside the subset (not an error: libjq evaluates it).  The top-level
 * fields the condition reads (the first key of each path that starts at
 * the record, left of any '|') are appended to *fields (each a
 * NUL-terminated copy owned by the caller), *nfields counting them.
 */
struct rt_fnode *rt_fast_compile(const char *cond, size_t n, char ***fields,
    int *nfields);
void rt_fast_free(struct rt_fnode *t);

/* Give each top-level field read of t a slot in fs (shared by name), for
 * the per-record field cache of struct rt_fast_ev. */
void rt_fast_slots(struct rt_fnode *t, struct rt_fset *fs);

/* The evaluation of trees on one record. */
struct rt_fast_ev {
	const struct rt_jdoc *d;	/* the record, an object */
	struct rt_buf *sc;	/* strings built: reserve capacity first
				 * (values point into it; never grown) */
	const uint32_t *cache;	/* node of each slot's field (0: absent),
				 * from rt_fset_find; NULL: look fields up */
	double *num;		/* the number of each slot's field, when */
	uint64_t *numgen;	/* numgen[slot] == gen */
	uint64_t gen;		/* new for each record */
	int keys;		/* name object keys in messages (--verbose) */
	struct rt_buf *msg;	/* RT_FAST_ERROR: jq's message, worded as
				 * rt_jqmsg_typed words it, appended */
};

/* Outcomes of rt_fast_run. */
enum {
	RT_FAST_FALSE = 0,	/* the condition's value is false or null */
	RT_FAST_TRUE = 1,
	RT_FAST_ERROR = 2,	/* a jq error (e->msg) */
	RT_FAST_SLOW = 3,	/* a value the tree does not handle: libjq */
	RT_FAST_OVER = 4	/* a regular expression went over its cap */
};

/* Evaluate t on e->d.  No allocation (but for e->msg's growth). */
int rt_fast_run(struct rt_fast_ev *e, const struct rt_fnode *t);

/* The shapes most rules are made of, decided in place: comparisons of
 * fields with literals or fields (numbers, and strings without escapes),
 * and, or, and a field piped into IN of strings, startswith or endswith.
 * 1 true, 0 false (RT_FAST_TRUE, _FALSE), or -1: another shape, for
 * rt_fast_run (which tries this first). */
int rt_fast_quick(struct rt_fast_ev *e, const struct rt_fnode *t);

#endif
