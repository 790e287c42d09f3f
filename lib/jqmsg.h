/*
 * jqmsg.h - jq's run-time error messages without record content: jq
 * 1.6 quotes values in its messages ("string (\"4111...\") and number
 * (1) cannot be added"); each value is replaced by its type ("string
 * (...) and number (...) cannot be added"), object keys by "..." unless
 * asked for, and a message that is not one of jq's own (error/1 can say
 * anything) is not shown at all.  rt-classify(1), "Conditions".
 */
#ifndef RT_JQMSG_H
#define RT_JQMSG_H

#include <stddef.h>

#include "buf.h"

/* What stands for a message jq did not word itself (error/1's). */
#define RT_JQMSG_OWN "error(...) raised by the condition"

/*
 * Append to out the message msg[0, n) of a jq 1.6 error with every value
 * it quotes replaced by its type, or by "...":
 *
 *   KIND (VALUE) ...          KIND (...) ...
 *   Cannot index KIND with string "KEY"   "..." unless keys
 *   Invalid path expression with result VALUE    ... result KIND (...)
 *   date "D" does not match format "F"   date "..." ... format "..."
 *   MESSAGE (while parsing 'TEXT')       MESSAGE (while parsing '...')
 *   MODIFIERS is not a valid modifier string    ... is not a ...
 *   Regex failure: ...        kept, names in <...> hidden
 *
 * A message made only of jq's own words (no digits, no other text) is
 * kept as it is; any other (error/1's, or msg NULL: an error value that
 * is not a string) becomes RT_JQMSG_OWN.  The result never holds record
 * content, nor object keys unless keys is set.
 */
void rt_jqmsg_typed(const char *msg, size_t n, int keys, struct rt_buf *out);

#endif
