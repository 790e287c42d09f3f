/*
 * fuzz_rule.c - the fast path's condition parser and evaluator
 * (lib/fast_*.c, rt-classify's rules and rt-alert --when without libjq)
 * and the rules file reader (lib/rule.c's syntax, rt_rules_parse) driven
 * by arbitrary bytes: the input is one condition, compiled and run on
 * fixed records (rule_records.h), then a rules file whose rules'
 * conditions are run the same way.  Whatever the input: no crash, no
 * leak, no hang.  fuzz_rules.c compiles whole rules files with libjq and
 * checks the fast path against it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fast.h"
#include "field.h"
#include "json.h"
#include "rule.h"
#include "rule_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fast path alone on one condition. */
static void
fast_only(const char *cond, size_t n)
{
	char **fields = NULL;
	int nfields = 0;
	struct rt_fnode *t = rt_fast_compile(cond, n, &fields, &nfields);
	struct rt_fset fs;
	uint32_t cache[RT_FSET_MAX];
	double num[RT_FSET_MAX];
	uint64_t numgen[RT_FSET_MAX];
	struct rt_buf sc = RT_BUF_INIT, msg = RT_BUF_INIT;
	struct rt_fast_ev e;

	if (t) {
		rt_fset_init(&fs);
		rt_fast_slots(t, &fs);
		memset(numgen, 0, sizeof numgen);
		memset(&e, 0, sizeof e);
		e.sc = &sc;
		e.num = num;
		e.numgen = numgen;
		e.msg = &msg;
		for (size_t i = 0; i < NREC; i++) {
			e.d = &docs[i];
			e.gen = i + 1;
			sc.len = 0;
			rt_buf_reserve(&sc, docs[i].len * 2 + 256);
			e.cache = NULL;
			if (fs.n) {
				rt_fset_find(&fs, &docs[i], cache);
				e.cache = cache;
			}
			(void)rt_fast_run(&e, t);
		}
		rt_fast_free(t);
	}
	for (int i = 0; i < nfields; i++)
		free(fields[i]);
	free(fields);
	rt_buf_release(&sc);
	rt_buf_release(&msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_rules rs;
	struct rt_buf err = RT_BUF_INIT;
	FILE *f;

	if (size > 4096)
		return 0;
	setup();
	/* The whole input as one condition. */
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	fast_only(text, size);
	free(text);
	/* And as a rules file: its syntax, then each rule's condition. */
	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if (rt_rules_parse(&rs, f, "fuzz", &err) == 0) {
		for (size_t i = 0; i < rs.n; i++)
			fast_only(rs.r[i].cond, rs.r[i].condlen);
		rt_rules_free(&rs);
	}
	fclose(f);
	rt_buf_release(&err);
	return 0;
}
