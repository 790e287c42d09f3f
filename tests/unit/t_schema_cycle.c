/*
 * t_schema_cycle.c - refusing schemas that would recurse forever
 * (lib/schema_cycle.c, through rt_schema_compile and rt_schema_load):
 * a cycle through each in-place applicator is refused with the cycle
 * spelt out, a long one cut short; a cycle through an applicator that
 * descends into the instance is not; "then" and "else" without "if" are
 * never applied; a cycle across two files names them.  Then random
 * graphs of $defs joined by in-place and descending references against
 * a depth-first search for an in-place cycle written here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"
#include "tap.h"

#define CYC ": a schema cycle that never descends into the instance: "

/* Compile text: NULL when it compiled, else the error (in err). */
static const char *
compile(const char *text, struct rt_buf *err)
{
	struct rt_schema_opts o = { RT_DRAFT_2020, NULL, 0, 0 };
	struct rt_schema *s;

	err->len = 0;
	s = rt_schema_compile(text, strlen(text), "s.json", &o, err);
	if (s) {
		rt_schema_free(s);
		return NULL;
	}
	return rt_buf_cstr(err);
}

static void
test_table(void)
{
	static const struct {
		const char *schema;
		const char *err;	/* NULL: compiles */
	} t[] = {
		{ "{\"$ref\":\"#\"}", "s.json: #/$ref" CYC "# -> #" },
		{ "{\"allOf\":[{\"$ref\":\"#\"}]}",
		  "s.json: #/allOf/0/$ref" CYC "# -> #/allOf/0 -> #" },
		{ "{\"anyOf\":[true,{\"$ref\":\"#\"}]}",
		  "s.json: #/anyOf/1/$ref" CYC "# -> #/anyOf/1 -> #" },
		{ "{\"oneOf\":[{\"$ref\":\"#\"}]}",
		  "s.json: #/oneOf/0/$ref" CYC "# -> #/oneOf/0 -> #" },
		{ "{\"anyOf\":[{\"not\":{\"$ref\":\"#\"}}]}",
		  "s.json: #/anyOf/0/not/$ref" CYC
		  "# -> #/anyOf/0 -> #/anyOf/0/not -> #" },
		{ "{\"if\":{\"$ref\":\"#\"}}",
		  "s.json: #/if/$ref" CYC "# -> #/if -> #" },
		{ "{\"if\":true,\"then\":{\"$ref\":\"#\"}}",
		  "s.json: #/then/$ref" CYC "# -> #/then -> #" },
		{ "{\"if\":false,\"else\":{\"allOf\":[{\"$ref\":\"#\"}]}}",
		  "s.json: #/else/allOf/0/$ref" CYC
		  "# -> #/else -> #/else/allOf/0 -> #" },
		{ "{\"dependentSchemas\":{\"x\":{\"$ref\":\"#\"}}}",
		  "s.json: #/dependentSchemas/x/$ref" CYC
		  "# -> #/dependentSchemas/x -> #" },
		{ "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"anyOf\":"
		  "[{\"$ref\":\"#/$defs/a\"}]}},\"$ref\":\"#/$defs/a\"}",
		  "s.json: #/$defs/b/anyOf/0/$ref" CYC "#/$defs/a -> #/$defs/b "
		  "-> #/$defs/b/anyOf/0 -> #/$defs/a" },
		{ "{\"$dynamicAnchor\":\"m\",\"$ref\":\"#/$defs/x\",\"$defs\":"
		  "{\"x\":{\"$dynamicRef\":\"#m\"}}}",
		  "s.json: #/$defs/x/$dynamicRef" CYC "# -> #/$defs/x -> #" },
		{ "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
		  "\"definitions\":{\"a\":{\"allOf\":[{\"$ref\":\"#\"}]}},"
		  "\"$ref\":\"#/definitions/a\"}",
		  "s.json: #/definitions/a/allOf/0/$ref" CYC
		  "# -> #/definitions/a -> #/definitions/a/allOf/0 -> #" },
		/* Not cycles that never end. */
		{ "{\"properties\":{\"a\":{\"$ref\":\"#\"}}}", NULL },
		{ "{\"items\":{\"$ref\":\"#\"}}", NULL },
		{ "{\"prefixItems\":[{\"$ref\":\"#\"}],\"contains\":{\"$ref\":"
		  "\"#\"},\"additionalProperties\":{\"$ref\":\"#\"},"
		  "\"patternProperties\":{\"x\":{\"$ref\":\"#\"}},"
		  "\"propertyNames\":{\"$ref\":\"#\"},"
		  "\"unevaluatedProperties\":{\"$ref\":\"#\"}}", NULL },
		{ "{\"anyOf\":[{\"items\":{\"allOf\":[{\"$ref\":\"#\"}]}}]}",
		  NULL },
		{ "{\"$defs\":{\"a\":{\"not\":{\"$ref\":\"#/$defs/a\"}}}}",
		  NULL },
		{ "{\"$defs\":{\"a\":{\"type\":\"string\"}},"
		  "\"allOf\":[{\"$ref\":\"#/$defs/a\"},"
		  "{\"$ref\":\"#/$defs/a\"}]}", NULL },
		/* then and else without if are never applied */
		{ "{\"then\":{\"$ref\":\"#\"}}", NULL },
		{ "{\"else\":{\"$ref\":\"#\"},"
		  "\"then\":{\"not\":{\"$ref\":\"#\"}}}", NULL },
		/* draft 7: the siblings of $ref are ignored */
		{ "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
		  "\"definitions\":{\"x\":{\"type\":\"string\"}},"
		  "\"$ref\":\"#/definitions/x\",\"allOf\":[{\"$ref\":\"#\"}]}",
		  NULL },
	};
	struct rt_buf err = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *got = compile(t[i].schema, &err);

		if (t[i].err)
			is_str(got, t[i].err, t[i].schema);
		else
			ok(got == NULL, "compiles: %s", t[i].schema);
		if (!t[i].err && got)
			diag("%s", got);
	}
	rt_buf_release(&err);
}

/* A cycle of 20 $refs: the message names 12, counts the rest. */
static void
test_long(void)
{
	struct rt_buf text = RT_BUF_INIT, want = RT_BUF_INIT,
	    err = RT_BUF_INIT;

	rt_buf_adds(&text, "{\"$defs\":{");
	for (int i = 0; i < 20; i++)
		rt_buf_printf(&text, "%s\"d%d\":{\"$ref\":\"#/$defs/d%d\"}",
		    i ? "," : "", i, (i + 1) % 20);
	rt_buf_adds(&text, "},\"$ref\":\"#/$defs/d0\"}");
	rt_buf_adds(&want, "s.json: #/$defs/d19/$ref" CYC);
	for (int i = 0; i < 12; i++)
		rt_buf_printf(&want, "#/$defs/d%d -> ", i);
	rt_buf_adds(&want, "... (7 schemas) -> #/$defs/d19 -> #/$defs/d0");
	is_str(compile(rt_buf_cstr(&text), &err), rt_buf_cstr(&want),
	    "a cycle of 20: twelve named, seven counted, the last two");
	rt_buf_release(&text);
	rt_buf_release(&want);
	rt_buf_release(&err);
}

/* Two files that apply each other in place. */
static void
test_files(void)
{
	char dir[] = "/tmp/t_schema_cycle.XXXXXX", a[64], b[64], c[64];
	char want[512];
	struct rt_schema_opts o = { RT_DRAFT_2020, NULL, 0, 0 };
	struct rt_buf err = RT_BUF_INIT;
	struct rt_schema *s;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	o.dir = dir;
	snprintf(a, sizeof a, "%s/a.json", dir);
	snprintf(b, sizeof b, "%s/b.json", dir);
	snprintf(c, sizeof c, "%s/c.json", dir);
	tap_put(a, "{\"allOf\":[{\"$ref\":\"b.json\"}]}");
	tap_put(b, "{\"anyOf\":[{\"$ref\":\"a.json\"}]}");
	tap_put(c, "{\"properties\":{\"x\":{\"$ref\":\"b.json\"}}}");
	s = rt_schema_load(a, &o, &err);
	snprintf(want, sizeof want, "%s: #/anyOf/0/$ref" CYC "a.json# -> "
	    "a.json#/allOf/0 -> # -> #/anyOf/0 -> a.json#", b);
	ok(s == NULL, "a.json and b.json apply each other: refused");
	is_str(rt_buf_cstr(&err), want, "  the cycle, with the other file's "
	    "name");
	rt_schema_free(s);
	err.len = 0;
	s = rt_schema_load(c, &o, &err);
	ok(s == NULL && strstr(rt_buf_cstr(&err), CYC) != NULL,
	    "the cycle reached from a third file under properties: refused");
	rt_schema_free(s);
	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(dir);
	rt_buf_release(&err);
}

/*
 * Random graphs: $defs d0..d7, each with some in-place references
 * (allOf, anyOf, not, $ref) and some descending ones (properties,
 * items); the root is a $ref to d0.  Refused exactly when a cycle of
 * in-place references is reachable from d0 by references of any kind.
 */
enum { ND = 8 };

struct g {
	int inplace[ND][ND], down[ND][ND];
};

static int
has_cycle(const struct g *g, int v, int *color)
{
	color[v] = 1;
	for (int w = 0; w < ND; w++) {
		if (!g->inplace[v][w])
			continue;
		if (color[w] == 1 || (color[w] == 0 && has_cycle(g, w, color)))
			return 1;
	}
	color[v] = 2;
	return 0;
}

static int
ref_refused(const struct g *g)
{
	int reach[ND] = { 1 }, changed = 1;

	while (changed) {
		changed = 0;
		for (int v = 0; v < ND; v++)
			for (int w = 0; w < ND && reach[v]; w++)
				if ((g->inplace[v][w] || g->down[v][w]) &&
				    !reach[w])
					reach[w] = changed = 1;
	}
	for (int v = 0; v < ND; v++) {
		int color[ND] = { 0 };

		if (reach[v] && has_cycle(g, v, color))
			return 1;
	}
	return 0;
}

/* Append "kw":[items...] of the w with kind[w] == k, if any. */
static void
put_list(struct rt_buf *b, const char *kw, const int *kind, int k,
    const char *open, const char *close, int *first)
{
	int n = 0;

	for (int w = 0; w < ND; w++) {
		if (kind[w] != k)
			continue;
		if (n++ == 0)
			rt_buf_printf(b, "%s\"%s\":%c", *first ? "" : ",", kw,
			    k == 4 ? '{' : '[');
		else
			rt_buf_addc(b, ',');
		if (k == 4)
			rt_buf_printf(b, "\"p%d\":", w);
		rt_buf_printf(b, "%s{\"$ref\":\"#/$defs/d%d\"}%s", open, w,
		    close);
	}
	if (n) {
		rt_buf_addc(b, k == 4 ? '}' : ']');
		*first = 0;
	}
}

static void
test_random(void)
{
	struct rt_buf text = RT_BUF_INIT, err = RT_BUF_INIT;
	uint64_t seed = 2020;
	int bad = 0, refused = 0, n = 400;

	for (int round = 0; round < n; round++) {
		struct g g;

		memset(&g, 0, sizeof g);
		text.len = 0;
		rt_buf_adds(&text, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
		for (int v = 0; v < ND; v++) {
			int kind[ND], first = 1;
			uint64_t r = tap_xorshift(&seed);

			rt_buf_printf(&text, "%s\"d%d\":{", v ? "," : "", v);
			/* Kinds 1-3 in place (allOf, anyOf, oneOf of a
			 * double not), 4 under properties, else none. */
			for (int w = 0; w < ND; w++) {
				kind[w] = (int)(tap_xorshift(&seed) % 30);
				kind[w] = kind[w] <= 4 ? kind[w] : 0;
				g.inplace[v][w] = kind[w] >= 1 && kind[w] <= 3;
				g.down[v][w] = kind[w] == 4;
			}
			if (r % 8 == 0) {
				int w = (int)((r >> 8) % ND);

				rt_buf_printf(&text,
				    "\"$ref\":\"#/$defs/d%d\"", w);
				g.inplace[v][w] = 1;
				first = 0;
			}
			put_list(&text, "allOf", kind, 1, "", "", &first);
			put_list(&text, "anyOf", kind, 2, "", "", &first);
			put_list(&text, "oneOf", kind, 3, "{\"not\":{\"not\":",
			    "}}", &first);
			put_list(&text, "properties", kind, 4, "", "", &first);
			rt_buf_addc(&text, '}');
		}
		rt_buf_adds(&text, "}}");
		if ((compile(rt_buf_cstr(&text), &err) != NULL) !=
		    ref_refused(&g)) {
			if (bad++ < 3)
				diag("%s: %s", text.p, err.len ? err.p : "ok");
		}
		refused += ref_refused(&g);
	}
	ok(bad == 0 && refused > n / 10 && refused < n - n / 10,
	    "%d random graphs of $defs: refused exactly when an in-place "
	    "cycle is reachable (%d refused)", n, refused);
	rt_buf_release(&text);
	rt_buf_release(&err);
}

int
main(void)
{
	test_table();
	test_long();
	test_files();
	test_random();
	return done_testing();
}
