/*
 * jqb.h - the bridge to libjq (Debian jq 1.6): one jq state per process,
 * conditions compiled once into one program, records turned into jv, and
 * each condition evaluated to match / no match / error / over budget.
 * jq never reads ~/.jq or a library path, and its error text, which may
 * quote record content, reaches callers with values replaced by types
 * (jqmsg.h).  An evaluation is bounded: a CPU-time timer halts libjq
 * between two of its steps (jq_halt, which jq 1.6 checks before every
 * instruction and undoes at the next jq_start), and the prelude caps
 * the few builtins whose one step can be long.
 * rt-classify(1), "Conditions" and "Budget".
 *
 * Ownership follows jq's rule: every function taking a jv consumes it.
 */
#ifndef RT_JQB_H
#define RT_JQB_H

#include <stddef.h>
#include <stdint.h>

#include <jv.h>

#include "buf.h"
#include "json.h"

/* Outcome of one condition on one record. */
enum {
	RT_JQB_FALSE = 0,	/* no output was true (or no output at all) */
	RT_JQB_TRUE = 1,	/* some output was neither false nor null */
	RT_JQB_ERROR = 2,	/* jq raised an error before a true output */
	RT_JQB_SKIP = 3,	/* not asked for (or after one over budget) */
	RT_JQB_OVER = 4		/* over the evaluation budget */
};

/* Flags of a program. */
enum {
	RT_JQB_NO_ENV = 1 << 0,	/* $ENV and env are {} */
	RT_JQB_KEYS = 1 << 1,	/* messages name object keys (--verbose) */
	RT_JQB_BOUNDED = 1 << 2	/* a budget: the long builtins bounded */
};

/* The message of the error the prelude raises, with RT_JQB_BOUNDED,
 * when a builtin would go over the budget in one step (a string repeated into more than
 * RT_JQB_REPEAT_MAX bytes, an array index of RT_JQB_INDEX_MAX or more
 * set).  Conditions can catch it like any error. */
#define RT_JQB_OVER_MSG "over the evaluation budget"
#define RT_JQB_REPEAT_MAX 10000000
#define RT_JQB_INDEX_MAX 10000000

/*
 * Does cond[0, n) compile as a condition (wrapped the way rt_jqb_prog_new
 * wraps it)?  Returns 0, or -1 with jq's complaint appended to why: one
 * line, e.g. "syntax error, unexpected $end" or "foo/0 is not defined",
 * without jq's prefix and location.  The complaint is about the condition
 * text only.  Creates the jq state on first use.  The program compiled
 * by rt_jqb_run is recompiled on its next run.
 */
int rt_jqb_check(const char *cond, size_t n, struct rt_buf *why);

/* Do all of conds[i][0, lens[i]) compile?  One compilation for the lot
 * (jq compiles its builtins each time, which is the cost); 0, or -1 when
 * some does not: check them one by one to name it. */
int rt_jqb_check_all(const char *const *conds, const size_t *lens, size_t n);

/* A set of conditions compiled together into one jq program (owned by
 * the caller, freed with rt_jqb_prog_free). */
struct rt_jqb_prog;

/*
 * Build the program that evaluates conds[i][0, lens[i]) for i < n.  The
 * program text is kept: it is compiled on the first rt_jqb_run, and
 * again whenever another program (or a check) used the jq state since.
 * Never fails; a condition that does not compile makes every run report
 * RT_JQB_ERROR (check conditions first with rt_jqb_check).
 */
struct rt_jqb_prog *rt_jqb_prog_new(const char *const *conds,
    const size_t *lens, size_t n, unsigned flags);
void rt_jqb_prog_free(struct rt_jqb_prog *p);

/*
 * Evaluate the conditions of p on the record rec (consumed), in order.
 * want, when not NULL, says which conditions to evaluate (want[i] != 0);
 * the others get RT_JQB_SKIP.  res[i] receives RT_JQB_TRUE, _FALSE,
 * _ERROR, _SKIP or _OVER.  A condition matches when one of its outputs
 * is neither false nor null (outputs after that one are not computed).
 * When the evaluation goes over the budget (rt_jqb_set_budget), the
 * condition being evaluated gets RT_JQB_OVER and those after it
 * RT_JQB_SKIP; nothing leaks and the next run starts afresh.  For
 * errors, see rt_jqb_errmsg.  Returns the number of errors.
 */
size_t rt_jqb_run(struct rt_jqb_prog *p, jv rec, const unsigned char *want,
    unsigned char *res);

/* The worded error of condition i after the last rt_jqb_run that gave it
 * RT_JQB_ERROR (rt_jqmsg_typed's words); valid until the next run. */
const char *rt_jqb_errmsg(const struct rt_jqb_prog *p, size_t i,
    size_t *len);

/* The record as jq sees it: node i of d (0 for the whole record) as a jv.
 * Strings with escapes are decoded through tmp (scratch, reused). */
jv rt_jqb_from_doc(const struct rt_jdoc *d, uint32_t i, struct rt_buf *tmp);

/* The same from JSON text, with jq's own parser (jv_parse_sized); an
 * invalid jv (with a message) when the text is not one JSON value. */
jv rt_jqb_from_text(const char *p, size_t n);

/*
 * The budget of one rt_jqb_run: us microseconds of CPU time of the
 * calling thread (0: none, the default).  Checked between jq's steps, so
 * one builtin on a large value may run past it; the prelude keeps the
 * builtins that make large values from small ones (string repetition,
 * assignment to a far array index) within RT_JQB_REPEAT_MAX and
 * RT_JQB_INDEX_MAX.  Regular expressions are bounded by jqre.h's step
 * cap: a search over it counts as over the budget.
 */
void rt_jqb_set_budget(int64_t us);

/* Has the jq state been created (has any condition needed libjq)? */
int rt_jqb_active(void);

/* Free the jq state (before exit, for leak checkers).  Programs must be
 * freed first or not used again. */
void rt_jqb_shutdown(void);

#endif
