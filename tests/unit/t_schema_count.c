/*
 * t_schema_count.c - the count keywords of JSON Schema (minItems,
 * maxLength, minProperties, maxContains ...) take any non-negative
 * integer, exactly as the meta-schema reads one: "2.0" and "1e400" are
 * integers, "1.0000000000000000001" is not.  fuzz_schema found that a
 * count past 2^64 (1e400, which reads as infinity) was converted to an
 * integer type it does not fit (UB); such counts now saturate.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"
#include "tap.h"

/* Compile {"KW":N} (with or without its meta-schema check); NULL if
 * refused. */
static struct rt_schema *
compile(const char *kw, const char *n, int nometa)
{
	struct rt_schema_opts o = { RT_DRAFT_2020, NULL, 0, nometa };
	struct rt_buf err = RT_BUF_INIT;
	char text[256];
	struct rt_schema *s;

	snprintf(text, sizeof text, "{\"%s\":%s}", kw, n);
	s = rt_schema_compile(text, strlen(text), "t", &o, &err);
	rt_buf_release(&err);
	return s;
}

/* Is instance valid against s? */
static int
valid(const struct rt_schema *s, const char *inst)
{
	struct rt_jdoc d;
	struct rt_sval *v = rt_sval_new(s);
	int r;

	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, inst, strlen(inst)) != 0)
		return -1;
	r = rt_sval_check(v, &d);
	rt_jdoc_release(&d);
	rt_sval_free(v);
	return r;
}

int
main(void)
{
	static const struct {
		const char *kw, *n, *inst;
		int ok;		/* compiles; then: is inst valid? */
		int valid;
	} t[] = {
		{ "maxItems", "2", "[1,2,3]", 1, 0 },
		{ "maxItems", "2.0", "[1,2,3]", 1, 0 },
		{ "maxItems", "3e0", "[1,2,3]", 1, 1 },
		{ "maxItems", "1e400", "[1,2,3]", 1, 1 },
		{ "minItems", "1e400", "[1,2,3]", 1, 0 },
		{ "minItems", "1e20", "[1,2,3]", 1, 0 },
		{ "maxLength", "18446744073709551616", "\"abc\"", 1, 1 },
		{ "minLength", "18446744073709551616", "\"abc\"", 1, 0 },
		{ "maxProperties", "1e400", "{\"a\":1}", 1, 1 },
		{ "minProperties", "-0", "{}", 1, 1 },
		{ "maxContains", "1e999", "[1]", 1, 1 },
		{ "minItems", "1.5", NULL, 0, 0 },
		{ "minItems", "-1", NULL, 0, 0 },
		{ "minItems", "-1e400", NULL, 0, 0 },
		{ "maxItems", "1.0000000000000000001", NULL, 0, 0 },
		{ "maxItems", "\"2\"", NULL, 0, 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		for (int nometa = 0; nometa < 2; nometa++) {
			struct rt_schema *s = compile(t[i].kw, t[i].n, nometa);

			if (!t[i].ok) {
				ok(s == NULL, "{\"%s\":%s} is refused%s", t[i].kw,
				    t[i].n, nometa ? " (no meta-schema)" : "");
				rt_schema_free(s);
				continue;
			}
			if (!ok(s != NULL, "{\"%s\":%s} compiles%s", t[i].kw,
			    t[i].n, nometa ? " (no meta-schema)" : ""))
				continue;
			ok(valid(s, t[i].inst) == t[i].valid,
			    "{\"%s\":%s}: %s is %svalid", t[i].kw, t[i].n,
			    t[i].inst, t[i].valid ? "" : "in");
			rt_schema_free(s);
		}
	return done_testing();
}
