/*
 * t_jqmsg.c - jq 1.6's error messages (as the jq binary gives them) with
 * their values replaced by types, keys hidden, and messages of the
 * condition's own not shown.
 */
#include "jqmsg.h"

#include <string.h>

#include "tap.h"

struct mcase {
	const char *msg, *want, *want_keys;	/* want_keys NULL: as want */
};

static const struct mcase cases[] = {
	{ "string (\"SECRET\") and number (1) cannot be added",
	  "string (...) and number (...) cannot be added", NULL },
	{ "number (1) and string (\"a\") cannot be subtracted",
	  "number (...) and string (...) cannot be subtracted", NULL },
	{ "array ([1,2,3,4,5,...) and string (\"x\") cannot be subtracted",
	  "array (...) and string (...) cannot be subtracted", NULL },
	{ "string (\"abcdefghij...) and number (1) cannot be subtracted",
	  "string (...) and number (...) cannot be subtracted", NULL },
	{ "object ({\"abcdefghi...) cannot be negated",
	  "object (...) cannot be negated", NULL },
	{ "string (\"a) and b\") cannot be negated",
	  "string (...) cannot be negated", NULL },
	{ "string (\"x) and num...) and number (1) cannot be added",
	  "string (...) and number (...) cannot be added", NULL },
	{ "number (1) and number (0) cannot be divided because the divisor "
	  "is zero", "number (...) and number (...) cannot be divided because "
	  "the divisor is zero", NULL },
	{ "boolean (true) has no length", "boolean (...) has no length", NULL },
	{ "null (null) cannot be matched, as it is not a string",
	  "null (...) cannot be matched, as it is not a string", NULL },
	{ "Cannot index number with string \"card\"",
	  "Cannot index number with string \"...\"",
	  "Cannot index number with string \"card\"" },
	{ "Cannot index object with number", "Cannot index object with number",
	  NULL },
	{ "Cannot iterate over number (4111111111111111)",
	  "Cannot iterate over number (...)", NULL },
	{ "Cannot use number (1) as object key",
	  "Cannot use number (...) as object key", NULL },
	{ "Cannot check whether number has a string key",
	  "Cannot check whether number has a string key", NULL },
	{ "explode input must be a string", "explode input must be a string",
	  NULL },
	{ "startswith() requires string inputs",
	  "startswith() requires string inputs", NULL },
	{ "Invalid path expression with result 5",
	  "Invalid path expression with result number (...)", NULL },
	{ "Invalid path expression with result {\"a\":\"secret\",\"b\":...",
	  "Invalid path expression with result object (...)", NULL },
	{ "Invalid path expression near attempt to access element \"k\" of "
	  "{\"k\":1}", "Invalid path expression near attempt to access element "
	  "string (...) of object (...)", NULL },
	{ "Invalid numeric literal at EOF at line 1, column 6 (while parsing "
	  "'SECRET')", "Invalid numeric literal at EOF at line 1, column 6 "
	  "(while parsing '...')", NULL },
	{ "date \"2021\" does not match format \"%Y-%m\"",
	  "date \"...\" does not match format \"...\"", NULL },
	{ "q is not a valid modifier string",
	  "... is not a valid modifier string", NULL },
	{ "Regex failure: retry-limit-in-match over",
	  "Regex failure: retry-limit-in-match over", NULL },
	{ "Regex failure: undefined name <secret> reference",
	  "Regex failure: undefined name <...> reference", NULL },
	{ "halt_error/1: number required", "halt_error/1: number required",
	  NULL },
	{ "input is not available in rules", "input is not available in rules",
	  NULL },
	/* error/1's own words, even jq-like ones with content inside. */
	{ "boom", RT_JQMSG_OWN, NULL },
	{ "4111 1111 1111 1111", RT_JQMSG_OWN, NULL },
	{ "number (1) cannot be SECRET", RT_JQMSG_OWN, NULL },
	{ "card \"x\" is bad", RT_JQMSG_OWN, NULL },
	{ "SECRET (while parsing 'x')", RT_JQMSG_OWN, NULL },
	{ "", RT_JQMSG_OWN, NULL },
};

int
main(void)
{
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct mcase *c = &cases[i];

		for (int keys = 0; keys < 2; keys++) {
			const char *want = keys && c->want_keys ? c->want_keys :
			    c->want;

			b.len = 0;
			rt_jqmsg_typed(c->msg, strlen(c->msg), keys, &b);
			ok(strcmp(rt_buf_cstr(&b), want) == 0,
			    "'%s' (keys %d): '%s'", c->msg, keys,
			    rt_buf_cstr(&b));
		}
	}
	b.len = 0;
	rt_jqmsg_typed(NULL, 0, 0, &b);
	ok(strcmp(rt_buf_cstr(&b), RT_JQMSG_OWN) == 0, "an error value that is "
	    "not a string");
	rt_buf_release(&b);
	return done_testing();
}
