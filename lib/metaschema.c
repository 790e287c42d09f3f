/*
 * metaschema.c - the meta-schemas of schemas/, built in (metaschema.h).
 * The assembler includes each file as it is (.incbin, relative to the
 * directory the compiler runs in: the top of the tree), so the data stays
 * one JSON file that is also installed, with no generated C.
 */
#include "metaschema.h"

#include <string.h>

/* NOLINTBEGIN(bugprone-macro-parentheses): assembler text */
#define EMBED(sym, file) \
	__asm__(".section .rodata\n" \
	    ".balign 16\n" \
	    ".global " #sym "\n" \
	    ".hidden " #sym "\n" \
	    #sym ":\n" \
	    ".incbin \"" file "\"\n" \
	    ".byte 0\n" \
	    ".previous\n"); \
	extern const char sym[]
/* NOLINTEND(bugprone-macro-parentheses) */

EMBED(rt_meta_2020, "schemas/draft2020-12/schema.json");
EMBED(rt_meta_2020_core, "schemas/draft2020-12/meta/core.json");
EMBED(rt_meta_2020_applicator, "schemas/draft2020-12/meta/applicator.json");
EMBED(rt_meta_2020_unevaluated, "schemas/draft2020-12/meta/unevaluated.json");
EMBED(rt_meta_2020_validation, "schemas/draft2020-12/meta/validation.json");
EMBED(rt_meta_2020_metadata, "schemas/draft2020-12/meta/meta-data.json");
EMBED(rt_meta_2020_fannot, "schemas/draft2020-12/meta/format-annotation.json");
EMBED(rt_meta_2020_fassert, "schemas/draft2020-12/meta/format-assertion.json");
EMBED(rt_meta_2020_content, "schemas/draft2020-12/meta/content.json");
EMBED(rt_meta_7, "schemas/draft-07/schema.json");

#define D2020 "https://json-schema.org/draft/2020-12/"

static const struct meta {
	const char *uri;
	const char *text;
} metas[] = {
	{ D2020 "schema", rt_meta_2020 },
	{ D2020 "meta/core", rt_meta_2020_core },
	{ D2020 "meta/applicator", rt_meta_2020_applicator },
	{ D2020 "meta/unevaluated", rt_meta_2020_unevaluated },
	{ D2020 "meta/validation", rt_meta_2020_validation },
	{ D2020 "meta/meta-data", rt_meta_2020_metadata },
	{ D2020 "meta/format-annotation", rt_meta_2020_fannot },
	{ D2020 "meta/format-assertion", rt_meta_2020_fassert },
	{ D2020 "meta/content", rt_meta_2020_content },
	{ "http://json-schema.org/draft-07/schema", rt_meta_7 },
	{ "https://json-schema.org/draft-07/schema", rt_meta_7 },
};

const char *
rt_meta_find(const char *uri, size_t n, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof metas / sizeof metas[0]; i++)
		if (strlen(metas[i].uri) == n && memcmp(metas[i].uri, uri, n) == 0) {
			*len = strlen(metas[i].text);
			return metas[i].text;
		}
	return NULL;
}

const char *
rt_meta_uri(size_t i)
{
	return i < sizeof metas / sizeof metas[0] ? metas[i].uri : NULL;
}
