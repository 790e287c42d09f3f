/*
 * t_schema_meta.c - a schema against its dialect (lib/schema_meta.c,
 * through rt_schema_compile and rt_schema_load): the warnings for
 * keywords the draft does not define, with the suggestion an edit
 * distance of one or two gives (transpositions counting one), the other
 * draft's keywords, "x-" keywords, and the count of further places; the
 * meta-schema check of the schema and of the other files it uses, one
 * error a line, at most ten, naming the meta-schema by its $schema, the
 * default draft, or skipped with nometa.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"
#include "tap.h"

#define D7 "\"$schema\":\"http://json-schema.org/draft-07/schema#\""
#define META20 " (the draft 2020-12 meta-schema)"
#define META7 " (the draft 7 meta-schema)"
#define IGN ", ignored"

/* Compile text with draft and nometa: the warnings (one a line) or the
 * error, after "ok: " or "error: ". */
static const char *
compile(const char *text, int draft, int nometa, struct rt_buf *out)
{
	struct rt_schema_opts o = { draft, NULL, 0, nometa };
	struct rt_buf err = RT_BUF_INIT;
	struct rt_schema *s;

	out->len = 0;
	s = rt_schema_compile(text, strlen(text), "s.json", &o, &err);
	if (s == NULL) {
		rt_buf_adds(out, "error: ");
		rt_buf_add(out, err.p, err.len);
	} else {
		rt_buf_adds(out, "ok:");
		for (size_t i = 0; i < rt_schema_nwarnings(s); i++)
			rt_buf_printf(out, " %s;", rt_schema_warning(s, i));
		rt_schema_free(s);
	}
	rt_buf_release(&err);
	return rt_buf_cstr(out);
}

/* The words of a warning and an error, for the tables below. */
#define U(at, k) " s.json: " at ": unknown keyword '" k "'"
#define MEAN(k) " (did you mean '" k "'?)"
#define NONE(d) " (draft " d " has no such keyword)"
#define E20 RT_DRAFT_2020
#define ERR "error: s.json: "
#define NEG(k) "#/" k ": minimum: must be >= 0"
#define NOTYPE "#/type: anyOf: does not match any schema of anyOf"

static void
test_warnings(void)
{
	static const struct {
		const char *schema;
		int draft;
		const char *want;
	} t[] = {
		{ "{\"type\":\"string\",\"minLength\":1}", E20, "ok:" },
		{ "{\"minimun\":1}", E20,
		  "ok:" U("#", "minimun") MEAN("minimum") IGN ";" },
		{ "{\"properties\":{\"a\":{\"maxLenght\":3}}}", E20,
		  "ok:" U("#/properties/a", "maxLenght") MEAN("maxLength") IGN
		  ";" },
		{ "{\"tipe\":1,\"tpye\":1,\"ifff\":1,\"requird\":[]}", E20,
		  "ok:" U("#", "tipe") MEAN("type") IGN ";"
		  U("#", "tpye") MEAN("type") IGN ";"
		  U("#", "ifff") IGN ";"
		  U("#", "requird") MEAN("required") IGN ";" },
		/* Two edits for a long name, one for a short one. */
		{ "{\"mniimun\":1,\"tyep\":1,\"tyyyp\":1}", E20,
		  "ok:" U("#", "mniimun") MEAN("minimum") IGN ";"
		  U("#", "tyep") MEAN("type") IGN ";"
		  U("#", "tyyyp") IGN ";" },
		{ "{\"zzzzzz\":1,\"x-vendor\":1,\"x-\":2}", E20,
		  "ok:" U("#", "zzzzzz") IGN ";" },
		{ "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1}", E20,
		  "ok:" U("#", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
		  IGN ";" },
		{ "{\"allOf\":[{\"minimun\":1},{\"minimun\":1},"
		  "{\"minimun\":2}]}", E20,
		  "ok:" U("#/allOf/0", "minimun") MEAN("minimum") IGN
		  " (and in 2 more places);" },
		{ "{\"minimun\":1,\"not\":{\"minimun\":1}}", E20,
		  "ok:" U("#", "minimun") MEAN("minimum") IGN
		  " (and in 1 more place);" },
		{ "{\"$defs\":{\"a\":{\"minimun\":1}}}", E20,
		  "ok:" U("#/$defs/a", "minimun") MEAN("minimum") IGN ";" },
		/* The other draft's keywords. */
		{ "{\"additionalItems\":false}", E20,
		  "ok:" U("#", "additionalItems") NONE("2020-12") IGN ";" },
		{ "{" D7 ",\"prefixItems\":[],\"dependentRequired\":{}}", E20,
		  "ok:" U("#", "prefixItems") NONE("7") IGN ";"
		  U("#", "dependentRequired") NONE("7") IGN ";" },
		{ "{\"prefixItems\":[]}", RT_DRAFT_7,
		  "ok:" U("#", "prefixItems") NONE("7") IGN ";" },
		{ "{\"prefixItem\":[]}", E20,
		  "ok:" U("#", "prefixItem") MEAN("prefixItems") IGN ";" },
		/* Names each draft lets pass. */
		{ "{" D7 ",\"$defs\":{},\"definitions\":{}}", E20, "ok:" },
		{ "{\"definitions\":{},\"dependencies\":{},"
		  "\"$comment\":\"c\"}", E20, "ok:" },
	};
	struct rt_buf out = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		is_str(compile(t[i].schema, t[i].draft, 0, &out), t[i].want,
		    t[i].schema);
	rt_buf_release(&out);
}

static void
test_meta(void)
{
	static const struct {
		const char *schema;
		int draft, nometa;
		const char *want;
	} t[] = {
		{ "{\"type\":\"strin\"}", E20, 0, ERR NOTYPE META20 },
		{ "{\"minLength\":-1}", E20, 0, ERR NEG("minLength") META20 },
		{ "{\"minLength\":-1}", RT_DRAFT_7, 0,
		  ERR NEG("minLength") META7 },
		{ "{" D7 ",\"minLength\":-1}", E20, 0,
		  ERR NEG("minLength") META7 },
		{ "{\"$schema\":\"https://json-schema.org/draft-07/schema\","
		  "\"minLength\":-1}", E20, 0, ERR NEG("minLength") META7 },
		{ "{\"$schema\":\"https://json-schema.org/draft-07/schema#\","
		  "\"minLength\":-1}", E20, 0, ERR NEG("minLength") META7 },
		{ "{\"$schema\":\"http://json-schema.org/draft-07/schema\","
		  "\"minLength\":-1}", E20, 0, ERR NEG("minLength") META7 },
		{ "{\"$schema\":"
		  "\"https://json-schema.org/draft/2020-12/schema#\","
		  "\"minLength\":-1}", RT_DRAFT_7, 0,
		  ERR NEG("minLength") META20 },
		{ "{\"properties\":{\"a\":{\"required\":\"b\"}}}", E20, 0,
		  ERR "#/properties/a/required: type: expected array, got "
		  "string" META20 },
		{ "{\"properties\":{\"a\":{\"required\":\"b\"}}}", E20, 1,
		  "ok:" },
		/* Twelve errors: ten shown, one a line. */
		{ "{\"minLength\":-1,\"maxLength\":-1,\"minItems\":-1,"
		  "\"maxItems\":-1,\"minProperties\":-1,\"maxProperties\":-1,"
		  "\"minContains\":-1,\"maxContains\":-1,\"type\":1,"
		  "\"required\":1,\"enum\":1,\"uniqueItems\":1}", E20, 0,
		  ERR NEG("minLength") META20 "\n"
		  "s.json: " NEG("maxLength") META20 "\n"
		  "s.json: " NEG("minItems") META20 "\n"
		  "s.json: " NEG("maxItems") META20 "\n"
		  "s.json: " NEG("minProperties") META20 "\n"
		  "s.json: " NEG("maxProperties") META20 "\n"
		  "s.json: " NEG("minContains") META20 "\n"
		  "s.json: " NEG("maxContains") META20 "\n"
		  "s.json: " NOTYPE META20 "\n"
		  "s.json: #/required: type: expected array, got number"
		  META20 },
	};
	struct rt_buf out = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		is_str(compile(t[i].schema, t[i].draft, t[i].nometa, &out),
		    t[i].want, t[i].schema);
	rt_buf_release(&out);
}

/* Another file the schema uses is checked against its meta-schema
 * too, and warned about. */
static void
test_files(void)
{
	char dir[] = "/tmp/t_schema_meta.XXXXXX", a[64], b[64];
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
	tap_put(a, "{\"properties\":{\"x\":{\"$ref\":\"b.json\"}}}");
	tap_put(b, "{\"required\":\"y\",\"minimun\":3}");
	s = rt_schema_load(a, &o, &err);
	snprintf(want, sizeof want, "%s: #/required: type: expected array, "
	    "got string" META20, b);
	ok(s == NULL, "a file the schema uses fails its meta-schema: refused");
	is_str(rt_buf_cstr(&err), want, "  the error names that file");
	rt_schema_free(s);
	tap_put(b, "{\"required\":[\"y\"],\"minimun\":3}");
	err.len = 0;
	s = rt_schema_load(a, &o, &err);
	snprintf(want, sizeof want, "%s: #: unknown keyword 'minimun' (did "
	    "you mean 'minimum'?), ignored", b);
	ok(s != NULL && rt_schema_nwarnings(s) == 1,
	    "fixed: it loads, one warning");
	is_str(s && rt_schema_nwarnings(s) ? rt_schema_warning(s, 0) : "",
	    want, "  the warning names that file");
	rt_schema_free(s);
	unlink(a);
	unlink(b);
	rmdir(dir);
	rt_buf_release(&err);
}

int
main(void)
{
	test_warnings();
	test_meta();
	test_files();
	return done_testing();
}
