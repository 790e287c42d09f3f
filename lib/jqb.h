/*
 * jqb.h - the bridge to libjq (Debian jq 1.6): one jq state per process,
 * conditions compiled once into one program, records turned into jv, and
 * each condition evaluated to match / no match / error.  jq never reads
 * ~/.jq or a library path, and its error text, which may quote record
 * content, never reaches standard error: callers get a worded summary.
 * rt-classify(1), "Conditions".
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
	RT_JQB_SKIP = 3		/* not asked for */
};

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
    const size_t *lens, size_t n);
void rt_jqb_prog_free(struct rt_jqb_prog *p);

/*
 * Evaluate the conditions of p on the record rec (consumed).  want, when
 * not NULL, says which conditions to evaluate (want[i] != 0); the others
 * get RT_JQB_SKIP.  res[i] receives RT_JQB_TRUE, _FALSE, _ERROR or _SKIP.
 * A condition matches when one of its outputs is neither false nor null
 * (outputs after that one are not computed).  For errors, see
 * rt_jqb_errmsg.  Returns the number of errors.
 */
size_t rt_jqb_run(struct rt_jqb_prog *p, jv rec, const unsigned char *want,
    unsigned char *res);

/* The worded error of condition i after the last rt_jqb_run that gave it
 * RT_JQB_ERROR (see rt_jqb_safe_msg); valid until the next run. */
const char *rt_jqb_errmsg(const struct rt_jqb_prog *p, size_t i,
    size_t *len);

/* The record as jq sees it: node i of d (0 for the whole record) as a jv.
 * Strings with escapes are decoded through tmp (scratch, reused). */
jv rt_jqb_from_doc(const struct rt_jdoc *d, uint32_t i, struct rt_buf *tmp);

/* The same from JSON text, with jq's own parser (jv_parse_sized); an
 * invalid jv (with a message) when the text is not one JSON value. */
jv rt_jqb_from_text(const char *p, size_t n);

/*
 * Word a jq error message msg[0, n) so that it cannot carry record
 * content: quoted and parenthesised parts (where jq puts values) are
 * dropped, and only words from jq's own vocabulary are kept ("string and
 * number cannot be added", "Cannot index number with string").  An error
 * raised by the condition itself (error("...")) becomes "error".  Appends
 * to out.  The fast path (rule.h) words its errors the same way.
 */
void rt_jqb_safe_msg(const char *msg, size_t n, struct rt_buf *out);

/* Has the jq state been created (has any condition needed libjq)? */
int rt_jqb_active(void);

/* Free the jq state (before exit, for leak checkers).  Programs must be
 * freed first or not used again. */
void rt_jqb_shutdown(void);

#endif
