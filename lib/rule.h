/*
 * rule.h - rules for rt-classify: a file of "NAME SCORE CONDITION" lines
 * (or NDJSON objects {"name","score","when"}) whose conditions are jq
 * expressions.  Conditions inside a small subset of jq are compiled into
 * a tree evaluated straight on the zero-copy record (the fast path);
 * every other condition, and any value the fast path does not handle at
 * run time (deep comparisons of arrays and objects), goes to libjq
 * through jqb.h.  Both give the same answer, jq's semantics included.
 * rt-classify(1), "Rules" and "The fast path".
 */
#ifndef RT_RULE_H
#define RT_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "field.h"
#include "json.h"

struct rt_fnode;		/* a compiled fast-path condition */
struct rt_jqb_prog;

struct rt_rule {
	char *name;
	double score;
	char *cond;		/* the jq text */
	size_t condlen;
	int line;		/* in the rules file */
	struct rt_fnode *fast;	/* NULL: libjq */
	char **fields;		/* top-level fields the condition reads */
	int nfields;
	uint64_t matches, errors;
	const char *lasterr;	/* fast path: its last error's words */
	int reported;		/* its first error has been reported */
};

struct rt_rules {
	char *path;
	struct rt_rule *r;
	size_t n;
	struct rt_jqb_prog *jq;	/* every rule, for the slow path */
	unsigned char *want, *res;
	struct rt_buf scratch;	/* strings built while evaluating */
	struct rt_buf tmp;
	size_t nfast;
	/* Top-level fields the fast path reads, found in one pass over each
	 * record. */
	struct rt_fset fields;
	uint32_t cache[RT_FSET_MAX];
	/* Numbers read from those fields, valid for the record whose
	 * generation numgen holds (rules often test one field twice). */
	double num[RT_FSET_MAX];
	uint64_t numgen[RT_FSET_MAX];
	uint64_t gen;
};

/* Outcomes, as in jqb.h. */
enum { RT_RULE_FALSE = 0, RT_RULE_TRUE = 1, RT_RULE_ERROR = 2 };

/*
 * Read and compile the rules file path.  no_fast: every condition through
 * libjq.  Returns 0, or -1 with the reason in err ("rules.txt:3: ...").
 */
int rt_rules_load(struct rt_rules *rs, const char *path, int no_fast,
    struct rt_buf *err);
void rt_rules_free(struct rt_rules *rs);

/* One condition cond given on the command line (rt-alert --when), as a
 * rule named "when"; what names it in messages ("--when").  0, or -1
 * with the reason in err. */
int rt_rules_cond(struct rt_rules *rs, const char *what, const char *cond,
    int no_fast, struct rt_buf *err);

/*
 * Evaluate every rule on the object record d (text p[0, n)): res[i] is
 * RT_RULE_TRUE, _FALSE or _ERROR.  Counts matches and errors per rule.
 * Returns the number of errors.
 */
size_t rt_rules_eval(struct rt_rules *rs, const struct rt_jdoc *d,
    unsigned char *res);

/* The worded error of rule i after the last evaluation (never record
 * content). */
const char *rt_rules_errmsg(struct rt_rules *rs, size_t i);

#endif
