/*
 * fuzz_rules.c - rt-classify's rules files driven by arbitrary bytes: the
 * input is a rules file (text or NDJSON), read, checked and compiled as
 * rt-classify does (lib/rule.c, with libjq), then run on fixed records
 * (rule_records.h) as compiled (the fast path where it can) and through
 * the rules' libjq program alone, which must agree (same outcomes, same
 * words for errors; a record over the budget excepted).  No crash, no
 * leak, no hang (the budget and the regex step cap are small).
 *
 * Slow by nature: jq 1.6 parses and binds its builtins on every
 * jq_compile, and a rules file is compiled twice (checked, then built),
 * about 0.2 s an input under the sanitizers.  fuzz_rule.c covers the
 * fast path's parser and evaluator at full speed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jqb.h"
#include "json.h"
#include "rule.h"
#include "rule_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/* jq 1.6's parser leaks a string token when a program has a syntax
 * error (jq_parse, from jq_compile_args): not rtpipe's leak.  Matching
 * it needs whole stacks at malloc. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:jq_parse\n";
}

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0:malloc_context_size=16";
}

/* The rules read from text, with or without the fast path. */
static int
load(struct rt_rules *rs, const char *text, size_t n, int no_fast)
{
	struct rt_rule_opts o;
	struct rt_buf err = RT_BUF_INIT;
	FILE *f = fmemopen((void *)text, n, "r");
	int rc;

	if (f == NULL)
		return -1;
	rt_rule_opts_init(&o);
	rt_rule_opts_done(&o, 1);
	o.no_fast = no_fast;
	o.max_eval_us = 20000;
	o.regex_steps = 200000;
	rc = rt_rules_read(rs, f, "fuzz", &o, &err);
	fclose(f);
	rt_buf_release(&err);
	return rc;
}

/* Rule j on record i disagrees: say how, and stop. */
static void
differ(struct rt_rules *rs, size_t i, size_t j, int a, int b,
    const char *mb, size_t mblen)
{
	fprintf(stderr, "record %zu rule %zu ('%s'): fast path %d '%s', libjq "
	    "%d '%.*s'\n", i, j, rs->r[j].cond, a, a == RT_RULE_ERROR ?
	    rt_rules_errmsg(rs, j) : "", b, b == RT_RULE_ERROR ? (int)mblen : 0,
	    mb);
	abort();
}

/* Every record through the rules as compiled (the fast path where it
 * can) and through libjq alone (the rules' own program, every
 * condition wanted): the same outcomes and messages. */
static void
both_ways(const char *text, size_t n)
{
	struct rt_rules rs;
	struct rt_buf tmp = RT_BUF_INIT;
	unsigned char *res, *jr;

	if (load(&rs, text, n, 0) != 0)
		return;
	res = calloc(rs.n, 1);
	jr = calloc(rs.n, 1);
	for (size_t i = 0; i < NREC; i++) {
		const char *m = "";
		size_t len = 0;

		rt_rules_eval(&rs, &docs[i], res);
		if (rs.over >= 0)
			continue;
		rt_jqb_run(rs.jq, rt_jqb_from_doc(&docs[i], 0, &tmp), NULL, jr);
		if (memchr(jr, RT_JQB_OVER, rs.n) != NULL)
			continue;
		for (size_t j = 0; j < rs.n; j++) {
			int b = jr[j] == RT_JQB_TRUE ? RT_RULE_TRUE :
			    jr[j] == RT_JQB_ERROR ? RT_RULE_ERROR : RT_RULE_FALSE;

			if (b == RT_RULE_ERROR)
				m = rt_jqb_errmsg(rs.jq, j, &len);
			if (res[j] != b || (b == RT_RULE_ERROR &&
			    (strlen(rt_rules_errmsg(&rs, j)) != len ||
			    memcmp(rt_rules_errmsg(&rs, j), m, len) != 0)))
				differ(&rs, i, j, res[j], b, m, len);
		}
	}
	free(res);
	free(jr);
	rt_buf_release(&tmp);
	rt_rules_free(&rs);
	/* jq keeps the last run's stack (the record, the generators not
	 * run to their end) until the next jq_start, pointed at from its
	 * end only: LeakSanitizer would take it for a leak. */
	rt_jqb_shutdown();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 4096)
		return 0;
	setup();
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	both_ways(text, size);
	free(text);
	return 0;
}
