/*
 * t_stats.c - the --stats object (lib/stats.c): the four counts in their
 * order, from 0 to 2^64 - 1; --name and a tool's extra members; names
 * that need JSON escapes; appended to what the buffer holds.  Each object
 * is also read back as JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "stats.h"
#include "tap.h"

static void
extra(struct rt_buf *b, void *arg)
{
	const uint64_t *late = arg;

	rt_stats_member(b, "late", *late);
	rt_stats_member(b, "odd \"name\"\n", 0);
}

int
main(void)
{
	static uint64_t late = 3;
	static const struct {
		struct rt_stats st;
		const char *want;
	} t[] = {
		{ { "rt-clean", NULL, 0, 0, 0, 0, NULL, NULL },
		  "{\"tool\":\"rt-clean\",\"in\":0,\"out\":0,\"rejected\":0,"
		  "\"dropped\":0}" },
		{ { "rt-clean", NULL, 3, 2, 1, 0, NULL, NULL },
		  "{\"tool\":\"rt-clean\",\"in\":3,\"out\":2,\"rejected\":1,"
		  "\"dropped\":0}" },
		{ { "rt-x", "a/b \"q\"", UINT64_MAX, 1, 2, UINT64_MAX, NULL,
		  NULL }, "{\"tool\":\"rt-x\",\"name\":\"a/b \\\"q\\\"\","
		  "\"in\":18446744073709551615,\"out\":1,\"rejected\":2,"
		  "\"dropped\":18446744073709551615}" },
		{ { "rt-window", "w1", 5, 4, 0, 1, extra, &late },
		  "{\"tool\":\"rt-window\",\"name\":\"w1\",\"in\":5,\"out\":4,"
		  "\"rejected\":0,\"dropped\":1,\"late\":3,"
		  "\"odd \\\"name\\\"\\n\":0}" },
		{ { "", "", 1, 1, 0, 0, NULL, NULL },
		  "{\"tool\":\"\",\"name\":\"\",\"in\":1,\"out\":1,"
		  "\"rejected\":0,\"dropped\":0}" },
	};
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;

	rt_jdoc_init(&d, 0);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		b.len = 0;
		rt_stats_json(&t[i].st, &b);
		is_str(rt_buf_cstr(&b), t[i].want, "the --stats object");
		ok(rt_jdoc_parse(&d, b.p, b.len) == 0 &&
		    d.v[0].type == RT_JOBJ, "  valid JSON, an object");
	}
	b.len = 0;
	rt_buf_adds(&b, "x");
	rt_stats_member(&b, "n", 42);
	is_str(rt_buf_cstr(&b), "x,\"n\":42", "a member, appended");
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	return done_testing();
}
