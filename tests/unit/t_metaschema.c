/*
 * t_metaschema.c - the built-in meta-schemas (lib/metaschema.c): every
 * URI listed is found, its text is the file under schemas/ byte for
 * byte, valid JSON whose "$id" is that URI, NUL-terminated at *len;
 * draft 7 under http and https alike; near misses (a fragment, a
 * trailing slash, a prefix, another case, a NUL inside) find nothing.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "metaschema.h"
#include "tap.h"

#define D2020 "https://json-schema.org/draft/2020-12/"

static const struct {
	const char *uri, *file;
} files[] = {
	{ D2020 "schema", "schemas/draft2020-12/schema.json" },
	{ D2020 "meta/core", "schemas/draft2020-12/meta/core.json" },
	{ D2020 "meta/applicator", "schemas/draft2020-12/meta/applicator.json" },
	{ D2020 "meta/unevaluated",
	  "schemas/draft2020-12/meta/unevaluated.json" },
	{ D2020 "meta/validation", "schemas/draft2020-12/meta/validation.json" },
	{ D2020 "meta/meta-data", "schemas/draft2020-12/meta/meta-data.json" },
	{ D2020 "meta/format-annotation",
	  "schemas/draft2020-12/meta/format-annotation.json" },
	{ D2020 "meta/format-assertion",
	  "schemas/draft2020-12/meta/format-assertion.json" },
	{ D2020 "meta/content", "schemas/draft2020-12/meta/content.json" },
	{ "http://json-schema.org/draft-07/schema",
	  "schemas/draft-07/schema.json" },
	{ "https://json-schema.org/draft-07/schema",
	  "schemas/draft-07/schema.json" },
};

static int
file_is(const char *path, const char *text, size_t n)
{
	struct rt_buf b = RT_BUF_INIT;
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t k;
	int same;

	if (f == NULL)
		return 0;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		rt_buf_add(&b, chunk, k);
	fclose(f);
	same = b.len == n && memcmp(b.p, text, n) == 0;
	rt_buf_release(&b);
	return same;
}

int
main(void)
{
	struct rt_jdoc d;
	size_t i, len;

	rt_jdoc_init(&d, 0);
	for (i = 0; rt_meta_uri(i); i++)
		;
	ok(i == sizeof files / sizeof files[0], "%zu URIs listed", i);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		const char *u = files[i].uri, *t;
		uint32_t k;

		is_str(rt_meta_uri(i), u, "URI i, in order");
		len = 12345;
		t = rt_meta_find(u, strlen(u), &len);
		ok(t != NULL && len == strlen(t) && len > 100,
		    "found: %s (%zu bytes)", u, len);
		if (t == NULL)
			continue;
		ok(file_is(files[i].file, t, len), "  the text of %s",
		    files[i].file);
		ok(rt_jdoc_parse(&d, t, len) == 0 && d.v[0].type == RT_JOBJ,
		    "  valid JSON, an object");
		/* draft 7's $id is the http URI, with an empty fragment. */
		k = rt_jdoc_get(&d, 0, "$id", 3);
		{
			char id[96];
			size_t n = k ? d.v[k].len - 2 : 0;

			snprintf(id, sizeof id, "%s%s", strncmp(u, "https://"
			    "json-schema.org/draft-07", 32) == 0 ? "http" : "",
			    strncmp(u, "https://json-schema.org/draft-07", 32) ==
			    0 ? u + 5 : u);
			ok(k && (n == strlen(id) || (n == strlen(id) + 1 &&
			    t[d.v[k].off + 1 + n - 1] == '#')) &&
			    memcmp(t + d.v[k].off + 1, id, strlen(id)) == 0,
			    "  its $id names it");
		}
	}
	{
		size_t l1, l2;
		const char *a = rt_meta_find("http://json-schema.org/draft-07/schema",
		    38, &l1);
		const char *b = rt_meta_find("https://json-schema.org/draft-07/"
		    "schema", 39, &l2);

		ok(a && a == b && l1 == l2, "draft 7: http and https, one text");
	}
	{
		static const char *const miss[] = {
		    D2020 "schema#", D2020 "schema/", D2020 "schem",
		    "https://json-schema.org/draft/2020-12/Schema",
		    "http://json-schema.org/draft/2020-12/schema",
		    "https://json-schema.org/draft-04/schema", "", D2020 };

		for (i = 0; i < sizeof miss / sizeof miss[0]; i++) {
			len = 7;
			ok(rt_meta_find(miss[i], strlen(miss[i]), &len) == NULL &&
			    len == 7, "not built in: '%s'", miss[i]);
		}
		ok(rt_meta_find(D2020 "schema\0x", strlen(D2020) + 8, &len) ==
		    NULL, "a NUL inside the URI: not found");
		ok(rt_meta_find(D2020 "schemaX", strlen(D2020) + 6, &len) != NULL,
		    "the length given is the URI: bytes after it are not read");
	}
	rt_jdoc_release(&d);
	return done_testing();
}
