/*
 * jqre.h - jq's regular expressions, exactly: the patterns of test(),
 * match() and the rest run by Oniguruma (the library libjq 1.6 links)
 * with the syntax, options and search jq 1.6 uses, so that a fast-path
 * test() agrees with libjq on case folding, \h, \pL, POSIX classes and
 * every other corner.  One step cap bounds every search in the process,
 * libjq's included.  rt-classify(1), "The fast path" and "Budget".
 */
#ifndef RT_JQRE_H
#define RT_JQRE_H

#include <stddef.h>

#include "buf.h"

/* Oniguruma's own cap on the backtracking of one match attempt, which
 * the jq binary has too (its error "retry-limit-in-match over" is one
 * jq gives). */
#define RT_JQRE_MATCH_STEPS 10000000UL
/* The default cap on the backtracking of one whole search (all start
 * positions): --max-regex-steps. */
#define RT_JQRE_SEARCH_STEPS 20000000UL

struct rt_jqre;

/* Results of rt_jqre_test. */
enum {
	RT_JQRE_NOMATCH = 0,
	RT_JQRE_MATCH = 1,
	RT_JQRE_ERROR = -1,	/* a jq error: rt_jqre_errmsg */
	RT_JQRE_OVER = -2	/* the search went over the step cap */
};

/*
 * Are flags[0, n) jq 1.6 modifiers (each of g i x m s p l n)?  1 or 0.
 * jq says "FLAGS is not a valid modifier string" otherwise.
 */
int rt_jqre_flags_ok(const char *flags, size_t n);

/*
 * Compile pat[0, n) (UTF-8) as jq 1.6 does for test(pat; flags):
 * Oniguruma's Perl syntax with named groups, UTF-8, capture groups, and
 * the options of flags[0, fn) (NULL, 0: none; they must pass
 * rt_jqre_flags_ok).  Returns the regex (owned by the caller,
 * rt_jqre_free), or NULL with Oniguruma's message appended to why (jq
 * says "Regex failure: " and that message).
 */
struct rt_jqre *rt_jqre_new(const char *pat, size_t n, const char *flags,
    size_t fn, struct rt_buf *why);
void rt_jqre_free(struct rt_jqre *re);

/*
 * Does re match somewhere in s[0, n) (valid UTF-8)?  The search jq's
 * test() makes.  Returns RT_JQRE_MATCH, _NOMATCH, _ERROR (the message
 * jq would give is rt_jqre_errmsg: "Regex failure: retry-limit-in-match
 * over") or _OVER.  No allocation in the steady state.
 */
int rt_jqre_test(struct rt_jqre *re, const char *s, size_t n);

/* The jq error of the last rt_jqre_test that returned RT_JQRE_ERROR
 * (static storage of re, valid until its next test). */
const char *rt_jqre_errmsg(const struct rt_jqre *re);

/*
 * Cap the backtracking of every regular expression search in the
 * process (this module's and libjq's: Oniguruma's retry limit in
 * search) at steps, 0 for none.  A libjq search over it raises the jq
 * error rt_jqre_over_msg().  Default: RT_JQRE_SEARCH_STEPS once this module
 * or rt_jqre_init has run.
 */
void rt_jqre_set_steps(unsigned long steps);
void rt_jqre_init(void);

/* The message of the jq error a libjq search over the cap raises
 * ("Regex failure: retry-limit-in-search over"). */
const char *rt_jqre_over_msg(void);

#endif
