/*
 * fuzz_schema.c - the JSON Schema compiler and validator (lib/schema.c,
 * lib/sval.c) driven by arbitrary bytes.  The first byte chooses: bit 0,
 * the rest is a schema (compiled, then run on a few fixed instances) or
 * an instance (run against a fixed schema that uses most keywords); bit 1
 * draft 7 for a schema without $schema; bit 2 format assertion; bit 3
 * no meta-schema check (the compiler alone, faster).  Whatever the input:
 * no crash, no leak, and the fast verdict (rt_sval_check) agrees with
 * the collected errors (rt_sval_errors finds none exactly when valid) -
 * rt-validate stops with "internal error" when they differ.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const instances[] = {
	"{\"a\":1,\"b\":[1,2,\"x\"],\"c\":{\"d\":null,\"e\":true},\"f\":\"ab\"}",
	"[1,1.0,true,\"1\",[1],{\"a\":1}]",
	"\"h\\u00e9llo\\ud83d\\ude00\"",
	"12345678901234567890.50e-3",
	"-0.0",
	"{}",
	"null",
	"{\"a\":{\"a\":{\"a\":[[[{}]]]}},\"b\":\"2024-03-01T12:00:00Z\"}",
};

/* Most keywords at once: the instance mode's schema. */
static const char fixed[] =
	"{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
	"\"$id\":\"https://fuzz.test/s\",\"$dynamicAnchor\":\"n\","
	"\"type\":[\"object\",\"array\",\"string\",\"number\",\"null\"],"
	"\"properties\":{\"a\":{\"$ref\":\"#\"},\"b\":{\"format\":\"date-time\"},"
	"\"n\":{\"multipleOf\":0.01,\"exclusiveMaximum\":1e30,\"minimum\":-5}},"
	"\"patternProperties\":{\"^x\":{\"type\":\"integer\"},\"[0-9]$\":false},"
	"\"propertyNames\":{\"maxLength\":8},\"required\":[\"a\"],"
	"\"dependentRequired\":{\"c\":[\"d\"]},"
	"\"dependentSchemas\":{\"e\":{\"minProperties\":2}},"
	"\"prefixItems\":[{\"type\":\"integer\"},{\"$dynamicRef\":\"#n\"}],"
	"\"items\":{\"enum\":[1,\"x\",null,[1],{\"a\":1.0}]},"
	"\"contains\":{\"const\":1},\"minContains\":0,\"maxContains\":3,"
	"\"uniqueItems\":true,\"maxItems\":20,"
	"\"minLength\":1,\"maxLength\":50,\"pattern\":\"^[^\\\\s]*$\","
	"\"anyOf\":[{\"type\":\"object\"},{\"not\":{\"type\":\"object\"}}],"
	"\"oneOf\":[{\"type\":\"object\"},{\"type\":\"array\"},{\"type\":\"string\"},"
	"{\"type\":\"number\"},{\"type\":\"null\"}],"
	"\"if\":{\"type\":\"object\",\"required\":[\"z\"]},"
	"\"then\":{\"unevaluatedProperties\":false},"
	"\"else\":{\"unevaluatedItems\":{\"type\":[\"number\",\"string\"]}},"
	"\"$defs\":{\"t\":{\"$anchor\":\"t\",\"allOf\":[{\"$ref\":\"#/$defs/u\"}]},"
	"\"u\":{\"minimum\":0}}}";

/* Run s on document d both ways; abort when the verdicts differ. */
static void
run(const struct rt_schema *s, const struct rt_jdoc *d)
{
	struct rt_sval *v = rt_sval_new(s);
	int ok = rt_sval_check(v, d);
	size_t n = rt_sval_errors(v, d, 10), i;

	if ((ok == 1) != (n == 0)) {
		fprintf(stderr, "verdict %d with %zu errors\n", ok, n);
		abort();
	}
	for (i = 0; i < n; i++)
		if (rt_sval_error(v, i)->inst == NULL ||
		    rt_sval_error(v, i)->vmsg == NULL)
			abort();
	/* A second check on the same validator: its scratch is reused. */
	if (rt_sval_check(v, d) != ok)
		abort();
	rt_sval_free(v);
}

static void
schema_mode(const uint8_t *p, size_t n, const struct rt_schema_opts *o)
{
	struct rt_buf err = RT_BUF_INIT;
	struct rt_schema *s = rt_schema_compile((const char *)p, n, "fuzz", o,
	    &err);
	struct rt_jdoc d;
	size_t i;

	if (s == NULL) {
		if (err.len == 0)
			abort();	/* a refusal always says why */
		rt_buf_release(&err);
		return;
	}
	for (i = 0; i < rt_schema_nwarnings(s); i++)
		(void)strlen(rt_schema_warning(s, i));
	(void)rt_schema_prop_types(s, "a", 1);
	rt_jdoc_init(&d, 0);
	for (i = 0; i < sizeof instances / sizeof instances[0]; i++) {
		if (rt_jdoc_parse(&d, instances[i], strlen(instances[i])) != 0)
			abort();
		run(s, &d);
	}
	rt_jdoc_release(&d);
	rt_schema_free(s);
	rt_buf_release(&err);
}

static void
instance_mode(const uint8_t *p, size_t n, int formats)
{
	static struct rt_schema *s[2];
	struct rt_jdoc d;

	if (s[formats] == NULL) {
		struct rt_schema_opts o = { RT_DRAFT_2020, NULL, formats, 0 };
		struct rt_buf err = RT_BUF_INIT;

		s[formats] = rt_schema_compile(fixed, sizeof fixed - 1, "fixed",
		    &o, &err);
		if (s[formats] == NULL) {
			fprintf(stderr, "%.*s\n", (int)err.len, err.p);
			abort();
		}
		rt_buf_release(&err);
	}
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, (const char *)p, n) == 0)
		run(s[formats], &d);
	rt_jdoc_release(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_schema_opts o;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof o);
	o.draft = data[0] & 2 ? RT_DRAFT_7 : RT_DRAFT_2020;
	o.formats = (data[0] & 4) != 0;
	o.nometa = (data[0] & 8) != 0;
	if (data[0] & 1)
		instance_mode(data + 1, size - 1, o.formats);
	else
		schema_mode(data + 1, size - 1, &o);
	return 0;
}
