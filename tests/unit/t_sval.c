/*
 * t_sval.c - the schema validator's own contract (lib/sval.c), beside the
 * conformance suite of t_schema.c: numbers compared exactly on their text
 * where doubles tie, exact multipleOf, equality of enum/const/uniqueItems
 * across spellings, lengths in code points, and each error's pointer,
 * schema location and wording (values cut at 40 bytes, never mid UTF-8),
 * the error cap, and rt_sval_where's marking of keys the schema does not
 * name.  Then a seeded check of integer limits against int64 arithmetic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "reject.h"
#include "schema.h"
#include "tap.h"

struct tcase {
	const char *name;
	const char *schema;
	const char *inst;
	/* The errors, each "inst|schema|keyword|vmsg;"; "" when valid. */
	const char *want;
};

static const struct tcase cases[] = {
	/* Limits: doubles that tie are decided on the texts. */
	{ "maximum: 2^53+1 is over 2^53 though the doubles tie",
	    "{\"maximum\":9007199254740992}", "9007199254740993",
	    "|#/maximum|maximum|9007199254740993 is greater than maximum "
	    "9007199254740992;" },
	{ "maximum: 2^53 itself is allowed",
	    "{\"maximum\":9007199254740992}", "9007199254740992", "" },
	{ "minimum: 2^53 is under 2^53+1",
	    "{\"minimum\":9007199254740993}", "9007199254740992",
	    "|#/minimum|minimum|9007199254740992 is less than minimum "
	    "9007199254740993;" },
	{ "exclusiveMaximum: 1.0 is not less than 1",
	    "{\"exclusiveMaximum\":1}", "1.0",
	    "|#/exclusiveMaximum|exclusiveMaximum|1.0 is not less than "
	    "exclusiveMaximum 1;" },
	{ "exclusiveMinimum: 0.30000000000000001 is over 0.3 exactly",
	    "{\"exclusiveMinimum\":0.3}", "0.30000000000000001", "" },
	{ "exclusiveMinimum: 3e-1 equals 0.3",
	    "{\"exclusiveMinimum\":0.3}", "3e-1",
	    "|#/exclusiveMinimum|exclusiveMinimum|3e-1 is not greater than "
	    "exclusiveMinimum 0.3;" },
	{ "minimum: -0 equals 0", "{\"minimum\":0}", "-0", "" },
	{ "maximum: 1e2 equals 100", "{\"maximum\":100}", "1e2", "" },
	{ "maximum: 100.000000000000001 is over 100",
	    "{\"maximum\":100}", "100.000000000000001",
	    "|#/maximum|maximum|100.000000000000001 is greater than maximum "
	    "100;" },
	/* multipleOf: decimal, not binary. */
	{ "multipleOf 0.01: 19.99", "{\"multipleOf\":0.01}", "19.99", "" },
	{ "multipleOf 0.1: 0.3", "{\"multipleOf\":0.1}", "0.3", "" },
	{ "multipleOf 0.01: 19.991 is not",
	    "{\"multipleOf\":0.01}", "19.991",
	    "|#/multipleOf|multipleOf|19.991 is not a multiple of 0.01;" },
	{ "multipleOf 3: a 30-digit multiple",
	    "{\"multipleOf\":3}", "300000000000000000000000000003", "" },
	{ "multipleOf 3: a 30-digit non-multiple",
	    "{\"multipleOf\":3}", "300000000000000000000000000001",
	    "|#/multipleOf|multipleOf|300000000000000000000000000001 is not "
	    "a multiple of 3;" },
	{ "type integer: 1.0 is an integer, 1.5 not",
	    "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
	    "[1.0,1e3,1.5]",
	    "/2|#/items/type|type|expected integer, got number;" },
	/* Equality across spellings. */
	{ "enum: 1.0 is 1", "{\"enum\":[1,\"a\"]}", "1.0", "" },
	{ "enum: \"\\u0061\" is \"a\"", "{\"enum\":[1,\"a\"]}", "\"\\u0061\"",
	    "" },
	{ "enum: 2 is not there", "{\"enum\":[1,\"a\"]}", "2",
	    "|#/enum|enum|2 is not one of the values of enum;" },
	{ "const: objects equal in another order",
	    "{\"const\":{\"a\":[1,{\"b\":null}],\"c\":true}}",
	    "{\"c\":true,\"a\":[1.00,{\"b\":null}]}", "" },
	{ "const: an object with a member more is not equal",
	    "{\"const\":{\"a\":1}}", "{\"a\":1,\"b\":1}",
	    "|#/const|const|{\"a\":1,\"b\":1} is not equal to const;" },
	{ "uniqueItems: 1 and 1.0 are equal",
	    "{\"uniqueItems\":true}", "[1,2,1.0]",
	    "|#/uniqueItems|uniqueItems|items 0 and 2 are equal;" },
	{ "uniqueItems: false and 0 are not equal",
	    "{\"uniqueItems\":true}", "[false,0,null,\"\",[],{}]", "" },
	{ "uniqueItems, over 8 items (hashed): the first pair by index",
	    "{\"uniqueItems\":true}", "[1,2,3,4,5,6,7,\"x\",5,9,\"x\",2]",
	    "|#/uniqueItems|uniqueItems|items 1 and 11 are equal;" },
	{ "uniqueItems, hashed: equal objects in another order",
	    "{\"uniqueItems\":true}",
	    "[1,2,3,4,5,6,7,8,{\"a\":1,\"b\":2},{\"b\":2,\"a\":1.0}]",
	    "|#/uniqueItems|uniqueItems|items 8 and 9 are equal;" },
	/* Lengths in code points, escapes decoded. */
	{ "maxLength 2: \"\\u00e9t\\u00e9\" is 3",
	    "{\"maxLength\":2}", "\"\\u00e9t\\u00e9\"",
	    "|#/maxLength|maxLength|must be at most 2 characters long;" },
	{ "maxLength 3: three two-byte letters",
	    "{\"maxLength\":3}", "\"\xc3\xa9\xc3\xa9\xc3\xa9\"", "" },
	{ "minLength 2: one four-byte letter",
	    "{\"minLength\":2}", "\"\xf0\x9f\x98\x80\"",
	    "|#/minLength|minLength|must be at least 2 characters long;" },
	{ "minLength 2: an escaped surrogate pair is one",
	    "{\"minLength\":2}", "\"\\ud83d\\ude00\"",
	    "|#/minLength|minLength|must be at least 2 characters long;" },
	{ "pattern: the pattern's text quoted",
	    "{\"pattern\":\"^[0-9]{4}$\"}", "\"12a4\"",
	    "|#/pattern|pattern|does not match pattern \"^[0-9]{4}$\";" },
	/* Where errors point. */
	{ "pointers: ~ and / in keys escaped",
	    "{\"properties\":{\"a/b\":{\"type\":\"string\"},"
	    "\"c~d\":{\"items\":{\"type\":\"null\"}}}}",
	    "{\"a/b\":1,\"c~d\":[null,0]}",
	    "/a~1b|#/properties/a~1b/type|type|expected string, got number;"
	    "/c~0d/1|#/properties/c~0d/items/type|type|expected null, got "
	    "number;" },
	{ "errors in schema order, all of them",
	    "{\"type\":\"object\",\"required\":[\"x\",\"y\"],"
	    "\"properties\":{\"a\":{\"minimum\":5,\"multipleOf\":2}},"
	    "\"additionalProperties\":false,\"maxProperties\":1}",
	    "{\"a\":3,\"b\":0}",
	    "|#/maxProperties|maxProperties|must have at most 1 properties;"
	    "/a|#/properties/a/minimum|minimum|3 is less than minimum 5;"
	    "/a|#/properties/a/multipleOf|multipleOf|3 is not a multiple of "
	    "2;"
	    "/b|#/additionalProperties|additionalProperties|property is not "
	    "allowed;"
	    "|#/required|required|required property 'x' is missing;"
	    "|#/required|required|required property 'y' is missing;" },
	{ "type: several allowed, in a fixed order",
	    "{\"type\":[\"string\",\"null\",\"integer\"]}", "1.5",
	    "|#/type|type|expected null or integer or string, got number;" },
	{ "false schema: nothing allowed",
	    "{\"properties\":{\"a\":false}}", "{\"a\":{}}",
	    "/a|#/properties/a|false|no value is allowed here;" },
	{ "oneOf: two match",
	    "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}", "1",
	    "|#/oneOf|oneOf|matches more than one schema of oneOf;" },
	{ "not", "{\"not\":{\"type\":\"string\"}}", "\"s\"",
	    "|#/not|not|must not match the schema of not;" },
	{ "dependentRequired",
	    "{\"dependentRequired\":{\"card\":[\"cvv\",\"exp\"]}}",
	    "{\"card\":1,\"exp\":2}",
	    "|#/dependentRequired|dependentRequired|property 'cvv' is required "
	    "when 'card' is present;" },
	/* Values quoted in messages: at most 40 bytes, then "...". */
	{ "a long value cut at 40 bytes",
	    "{\"const\":0}", "\"abcdefghijabcdefghijabcdefghijabcdefghijKLM\"",
	    "|#/const|const|\"abcdefghijabcdefghijabcdefghijabcdefghi... is not "
	    "equal to const;" },
	{ "a long value not cut inside a UTF-8 letter",
	    "{\"const\":0}",
	    "\"abcdefghijabcdefghijabcdefghijabcdefgh\xc3\xa9xyz\"",
	    "|#/const|const|\"abcdefghijabcdefghijabcdefghijabcdefgh... is not "
	    "equal to const;" },
	{ "a value of exactly 40 bytes is whole",
	    "{\"const\":0}", "\"abcdefghijabcdefghijabcdefghijabcdefg\"",
	    "|#/const|const|\"abcdefghijabcdefghijabcdefghijabcdefg\" is not "
	    "equal to const;" },
};

/* The errors of d (at most max) as one text in b; their count. */
static size_t
errors_text(struct rt_sval *v, const struct rt_jdoc *d, size_t max,
    struct rt_buf *b)
{
	size_t n = rt_sval_errors(v, d, max);

	b->len = 0;
	for (size_t k = 0; k < n; k++) {
		const struct rt_serr *e = rt_sval_error(v, k);

		rt_buf_printf(b, "%s|%s|%s|%s;", e->inst, e->schema, e->keyword,
		    e->vmsg);
	}
	rt_buf_cstr(b);
	return n;
}

static struct rt_schema *
compile(const char *text, struct rt_buf *err)
{
	struct rt_schema_opts o = { RT_DRAFT_2020, NULL, 0, 0 };

	err->len = 0;
	return rt_schema_compile(text, strlen(text), "t.json", &o, err);
}

static void
one_case(const struct tcase *tc)
{
	struct rt_buf err = RT_BUF_INIT, got = RT_BUF_INIT;
	struct rt_schema *s = compile(tc->schema, &err);
	struct rt_sval *v;
	struct rt_jdoc d;
	int valid;
	size_t n;

	if (s == NULL) {
		ok(0, "%s: schema compiles (%s)", tc->name, rt_buf_cstr(&err));
		rt_buf_release(&err);
		return;
	}
	v = rt_sval_new(s);
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, tc->inst, strlen(tc->inst)) != 0) {
		ok(0, "%s: instance parses", tc->name);
	} else {
		valid = rt_sval_check(v, &d);
		n = errors_text(v, &d, 10, &got);
		if (!is_str(got.p, tc->want, tc->name))
			diag("instance %s", tc->inst);
		ok(valid == (*tc->want == '\0') && (n == 0) == valid,
		    "%s: check says %s, %zu errors", tc->name,
		    valid ? "valid" : "invalid", n);
	}
	rt_jdoc_release(&d);
	rt_sval_free(v);
	rt_schema_free(s);
	rt_buf_release(&err);
	rt_buf_release(&got);
}

/* The cap on errors: the first max in schema order, and the messages
 * without values. */
static void
cap_cases(void)
{
	static const char sch[] = "{\"items\":{\"type\":\"string\"}}";
	static const char inst[] = "[1,2,3,4,5]";
	struct rt_buf err = RT_BUF_INIT, got = RT_BUF_INIT;
	struct rt_schema *s = compile(sch, &err);
	struct rt_sval *v = s ? rt_sval_new(s) : NULL;
	struct rt_jdoc d;

	rt_jdoc_init(&d, 0);
	if (v == NULL || rt_jdoc_parse(&d, inst, strlen(inst)) != 0) {
		ok(0, "cap: setup");
		goto out;
	}
	ok(errors_text(v, &d, 2, &got) == 2, "cap 2: two errors of five");
	is_str(got.p, "/0|#/items/type|type|expected string, got number;"
	    "/1|#/items/type|type|expected string, got number;",
	    "cap 2: the first two");
	ok(errors_text(v, &d, 0, &got) == 1, "cap 0 counts as 1");
	ok(errors_text(v, &d, 100, &got) == 5, "cap 100: all five");
	is_str(rt_sval_error(v, 4)->inst, "/4", "cap 100: the last points at "
	    "/4");
	{
		static const char s2[] = "{\"maximum\":10}";
		struct rt_schema *t = compile(s2, &err);
		struct rt_sval *w = t ? rt_sval_new(t) : NULL;

		rt_jdoc_parse(&d, "11", 2);
		if (w && rt_sval_errors(w, &d, 1) == 1) {
			is_str(rt_sval_error(w, 0)->msg, "must be <= 10",
			    "msg holds no value of the record");
			is_str(rt_sval_error(w, 0)->vmsg, "11 is greater than "
			    "maximum 10", "vmsg holds it");
		} else {
			ok(0, "maximum 10: one error for 11");
		}
		rt_sval_free(w);
		rt_schema_free(t);
	}
out:
	rt_jdoc_release(&d);
	rt_sval_free(v);
	rt_schema_free(s);
	rt_buf_release(&err);
	rt_buf_release(&got);
}

/* rt_sval_where: keys the schema names shown, others marked as record
 * keys with their member number. */
static void
where_cases(void)
{
	static const char sch[] = "{\"properties\":{\"amount\":{}},"
	    "\"required\":[\"id\"]}";
	static const char inst[] = "{\"id\":1,\"x/y\":{\"amount\":[7,8]},"
	    "\"amount\":2}";
	static const struct {
		const char *ptr;
		int keys;
		const char *want;
	} w[] = {
		{ "", 0, "/" },
		{ "/amount", 0, "/amount" },
		{ "/id", 0, "/id" },
		{ "/x~1y", 0, "/" RT_REJ_KEY "x~1y" RT_REJ_KEYALT "<member 2>"
		    RT_REJ_KEYEND },
		{ "/x~1y/amount/1", 0, "/" RT_REJ_KEY "x~1y" RT_REJ_KEYALT
		    "<member 2>" RT_REJ_KEYEND "/amount/1" },
		{ "/x~1y", 1, "/x~1y" },
		{ "/nope", 0, "/" RT_REJ_KEY "nope" RT_REJ_KEYALT "<member 0>"
		    RT_REJ_KEYEND },
	};
	struct rt_buf err = RT_BUF_INIT, out = RT_BUF_INIT, tmp = RT_BUF_INIT;
	struct rt_schema *s = compile(sch, &err);
	struct rt_jdoc d;

	rt_jdoc_init(&d, 0);
	if (s == NULL || rt_jdoc_parse(&d, inst, strlen(inst)) != 0) {
		ok(0, "where: setup");
	} else {
		for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
			char name[80];

			out.len = 0;
			rt_sval_where(s, &d, w[i].ptr, w[i].keys, &out, &tmp);
			snprintf(name, sizeof name, "where '%s'%s", w[i].ptr,
			    w[i].keys ? " (keys shown)" : "");
			is_str(rt_buf_cstr(&out), w[i].want, name);
		}
	}
	rt_jdoc_release(&d);
	rt_schema_free(s);
	rt_buf_release(&err);
	rt_buf_release(&out);
	rt_buf_release(&tmp);
}

/* Seeded: integers near 2^53..2^62 against minimum and exclusiveMaximum
 * limits, the verdict compared with int64 arithmetic. */
static void
seeded_limits(void)
{
	struct rt_buf err = RT_BUF_INIT;
	struct rt_jdoc d;
	uint64_t seed = 0x5eed5a1;
	int bad = 0, n = 0, invalid = 0;

	rt_jdoc_init(&d, 0);
	for (int i = 0; i < 300; i++) {
		uint64_t z = tap_xorshift(&seed);
		int64_t base = ((int64_t)1 << (53 + z % 10)) * (z & 1 ? -1 : 1);
		int64_t lo = base + (int64_t)((z >> 8) % 9) - 4;
		int64_t hi = lo + (int64_t)((z >> 16) % 7);
		char sch[128], inst[32];
		struct rt_schema *s;
		struct rt_sval *v;

		snprintf(sch, sizeof sch, "{\"minimum\":%" PRId64 ","
		    "\"exclusiveMaximum\":%" PRId64 "}", lo, hi);
		if ((s = compile(sch, &err)) == NULL) {
			bad++;
			continue;
		}
		v = rt_sval_new(s);
		for (int64_t x = lo - 3; x <= hi + 3; x++) {
			int want = x >= lo && x < hi, got;

			snprintf(inst, sizeof inst, "%" PRId64, x);
			if (rt_jdoc_parse(&d, inst, strlen(inst)) != 0) {
				bad++;
				continue;
			}
			got = rt_sval_check(v, &d);
			bad += got != want ||
			    (rt_sval_errors(v, &d, 5) == 0) != want;
			invalid += !want;
			n++;
		}
		rt_sval_free(v);
		rt_schema_free(s);
	}
	ok(bad == 0 && n > 3000 && invalid > 1000, "seeded: %d integers near "
	    "2^53..2^62 against exact limits, %d invalid, %d wrong", n,
	    invalid, bad);
	rt_jdoc_release(&d);
	rt_buf_release(&err);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		one_case(&cases[i]);
	cap_cases();
	where_cases();
	seeded_limits();
	return done_testing();
}
