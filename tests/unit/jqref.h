/*
 * jqref.h - libjq itself as the reference of the fast path's unit tests
 * (t_fast_parse.c, t_fast_eval.c): a program compiled with jq_compile,
 * run on a record parsed by jv_parse, and its first output read the way
 * a condition is (true unless false or null), or its error worded by
 * rt_jqmsg_typed as the fast path words its own.  No ~/.jq: HOME is
 * pointed nowhere for the test.
 */
#ifndef RT_JQREF_H
#define RT_JQREF_H

#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "buf.h"
#include "fast.h"
#include "jqmsg.h"

static jq_state *jqref;

static void
jqref_quiet(void *arg, jv msg)
{
	(void)arg;
	jv_free(msg);
}

static void
jqref_init(void)
{
	setenv("HOME", "/nonexistent", 1);
	jqref = jq_init();
	jq_set_error_cb(jqref, jqref_quiet, NULL);
	jq_set_attr(jqref, jv_string("JQ_LIBRARY_PATH"), jv_array());
}

static void
jqref_done(void)
{
	jq_teardown(&jqref);
}

/* Compile prog: 1, or 0 when jq refuses it. */
static int
jqref_compile(const char *prog)
{
	return jq_compile(jqref, prog) != 0;
}

/* Run the compiled program on the JSON text rec: RT_FAST_TRUE or _FALSE
 * (no output is false, as for a rule), or RT_FAST_ERROR with the worded
 * message in msg. */
static int
jqref_run(const char *rec, struct rt_buf *msg)
{
	jv out;
	int r;

	jq_start(jqref, jv_parse(rec), 0);
	out = jq_next(jqref);
	if (jv_is_valid(out)) {
		jv_kind k = jv_get_kind(out);

		r = k != JV_KIND_NULL && k != JV_KIND_FALSE ? RT_FAST_TRUE :
		    RT_FAST_FALSE;
		jv_free(out);
		return r;
	}
	if (!jv_invalid_has_msg(jv_copy(out))) {
		jv_free(out);
		return RT_FAST_FALSE;
	}
	out = jv_invalid_get_msg(out);
	msg->len = 0;
	if (jv_get_kind(out) == JV_KIND_STRING)
		rt_jqmsg_typed(jv_string_value(out),
		    (size_t)jv_string_length_bytes(jv_copy(out)), 0, msg);
	else
		rt_jqmsg_typed(NULL, 0, 0, msg);
	jv_free(out);
	/* What else the program would give: not wanted. */
	return RT_FAST_ERROR;
}

#endif
