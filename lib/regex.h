/*
 * regex.h - ECMA-262 regular expressions (the dialect of JSON Schema's
 * "pattern", Unicode mode) run by PCRE2: the pattern is translated to
 * PCRE2 syntax, compiled once, JIT-compiled where available.
 * rt-validate(1), "Patterns".
 */
#ifndef RT_REGEX_H
#define RT_REGEX_H

#include <stddef.h>

#include "buf.h"

struct rt_regex;

/*
 * Translate the ECMA-262 pattern pat[0, n) (as with the "u" flag) into
 * PCRE2 syntax, appended to out: \d \w \b stay ASCII, \s and "." get
 * ECMA's sets, \uXXXX (surrogate pairs joined), \u{...}, \xHH, \cX
 * become \x{...}, long Unicode property names (\p{Letter},
 * \p{Script=Greek}) become PCRE2's.  Escapes and groups that ECMA does
 * not know (\a, \z, (?i), possessive quantifiers, a lone '{') are errors.
 * Returns NULL, or a static reason (out then holds a partial text).
 */
const char *rt_regex_translate(const char *pat, size_t n, struct rt_buf *out);

/*
 * Compile the ECMA-262 pattern pat[0, n).  Returns the regex (owned by the
 * caller, rt_regex_free), or NULL with a reason written to err[0, errlen)
 * (always NUL-terminated).
 */
struct rt_regex *rt_regex_new(const char *pat, size_t n, char *err,
    size_t errlen);
void rt_regex_free(struct rt_regex *re);

/* Does the regex match anywhere in the valid UTF-8 text s[0, n)?  1 yes,
 * 0 no, -1 when the match gave up (a resource limit).  No allocation. */
int rt_regex_match(struct rt_regex *re, const char *s, size_t n);

/* Is pat[0, n) a valid ECMA-262 pattern (the "regex" format)?  1 or 0. */
int rt_regex_valid(const char *pat, size_t n);

#endif
