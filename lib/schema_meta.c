/*
 * schema_meta.c - checking a loaded schema against its dialect: each
 * document the schema uses is validated against the meta-schema its
 * $schema names (built in, metaschema.h, or from --schema-dir), and
 * keywords no vocabulary of the draft defines are listed as warnings.
 * rt-validate(1), "Meta-schemas".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schema_int.h"

#define META_ERRORS 10	/* errors shown for a schema that fails */

static const char *const known_2020[] = {
	"$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor",
	"$vocabulary", "$comment", "$defs", "prefixItems", "items",
	"contains", "additionalProperties", "properties", "patternProperties",
	"dependentSchemas", "propertyNames", "if", "then", "else", "allOf",
	"anyOf", "oneOf", "not", "unevaluatedItems", "unevaluatedProperties",
	"type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum",
	"minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
	"maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
	"maxProperties", "minProperties", "required", "dependentRequired",
	"title", "description", "default", "deprecated", "readOnly",
	"writeOnly", "examples", "format", "contentEncoding",
	"contentMediaType", "contentSchema",
	/* Kept by the 2020-12 meta-schema from earlier drafts. */
	"definitions", "dependencies", "$recursiveAnchor", "$recursiveRef",
	NULL
};

static const char *const known_7[] = {
	"$schema", "$id", "$ref", "$comment", "title", "description",
	"default", "readOnly", "writeOnly", "examples", "multipleOf",
	"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
	"maxLength", "minLength", "pattern", "additionalItems", "items",
	"maxItems", "minItems", "uniqueItems", "contains", "maxProperties",
	"minProperties", "required", "additionalProperties", "definitions",
	"properties", "patternProperties", "dependencies", "propertyNames",
	"const", "enum", "type", "format", "contentMediaType",
	"contentEncoding", "if", "then", "else", "allOf", "anyOf", "oneOf",
	"not",
	/* Not draft 7's, but a common home for definitions, and what
	 * #/$defs pointers walk: no warning. */
	"$defs",
	NULL
};

static int
in(const char *const *l, const char *p, size_t n)
{
	for (; *l; l++)
		if (strlen(*l) == n && memcmp(*l, p, n) == 0)
			return 1;
	return 0;
}

/* ---- unknown keywords ---- */

void
rt_schema_keyword(struct rt_schema *s, uint32_t doc, int draft,
    const char *ptr, const char *k, size_t n)
{
	struct rt_buf key = RT_BUF_INIT;
	struct swarn *w;
	uint32_t id;
	int isnew;

	if (in(draft == RT_DRAFT_7 ? known_7 : known_2020, k, n) ||
	    (n >= 2 && k[0] == 'x' && k[1] == '-') || s->docs[doc].builtin)
		return;
	rt_buf_add(&key, &doc, sizeof doc);
	rt_buf_add(&key, k, n);
	id = rt_map_put(&s->warnmap, key.p, key.len, rt_hash(key.p, key.len),
	    &isnew);
	rt_buf_release(&key);
	if (!isnew) {
		s->warn[id].count++;
		return;
	}
	if (id >= s->capwarn) {
		s->capwarn = s->capwarn ? s->capwarn * 2 : 16;
		s->warn = rt_xreallocarray(s->warn, s->capwarn, sizeof *s->warn);
	}
	w = &s->warn[id];
	w->doc = doc;
	w->draft = (uint8_t)draft;
	w->count = 0;
	w->name = (uint32_t)s->pool.len;
	rt_buf_add(&s->pool, k, n);
	rt_buf_addc(&s->pool, '\0');
	w->loc = (uint32_t)s->pool.len;
	rt_buf_adds(&s->pool, ptr);
	rt_buf_addc(&s->pool, '\0');
}

/* Edit distance of a and b with adjacent transpositions (optimal string
 * alignment), or a large number when it exceeds 3. */
static size_t
distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[3][40], i, j;

	if (n >= 40 || m >= 40 || (n > m ? n - m : m - n) > 3)
		return 99;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		size_t *cur = d[i % 3], *prev = d[(i + 2) % 3];
		const size_t *pp = d[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= m; j++) {
			size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);

			c = prev[j] + 1 < c ? prev[j] + 1 : c;
			c = cur[j - 1] + 1 < c ? cur[j - 1] + 1 : c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c)
				c = pp[j - 2] + 1;
			cur[j] = c;
		}
	}
	return d[n % 3][m];
}

/* ", did you mean ..." for keyword k of a schema of the draft. */
static void
suggest(struct rt_buf *b, const char *k, int draft)
{
	const char *const *l = draft == RT_DRAFT_7 ? known_7 : known_2020;
	const char *best = NULL;
	size_t n = strlen(k), bd = n < 5 ? 1 : 2, d;

	for (; *l; l++)
		if ((d = distance(k, n, *l, strlen(*l))) <= bd) {
			bd = d;
			best = *l;
		}
	if (best)
		rt_buf_printf(b, " (did you mean '%s'?)", best);
	else if (in(draft == RT_DRAFT_7 ? known_2020 : known_7, k, n))
		rt_buf_printf(b, " (draft %s has no such keyword)",
		    draft == RT_DRAFT_7 ? "7" : "2020-12");
}

/* Does the schema use a node of document d? */
static int
doc_used(const struct sdoc *d)
{
	uint32_t i;

	for (i = 0; i < d->jd.nv; i++)
		if (d->comp[i])
			return 1;
	return 0;
}

void
rt_schema_warnings_finish(struct rt_schema *s)
{
	uint32_t i, n = rt_map_idcap(&s->warnmap);

	for (i = 0; i < n; i++) {
		const struct swarn *w = &s->warn[i];
		const char *name = sch_str(s, w->name);

		if (!doc_used(&s->docs[w->doc]))
			continue;
		s->woff = rt_xreallocarray(s->woff, s->nwarnings + 1,
		    sizeof *s->woff);
		s->woff[s->nwarnings++] = s->warnings.len;
		rt_buf_printf(&s->warnings, "%s: %s: unknown keyword '%s'",
		    s->docs[w->doc].name, sch_str(s, w->loc), name);
		suggest(&s->warnings, name, w->draft);
		rt_buf_adds(&s->warnings, ", ignored");
		if (w->count)
			rt_buf_printf(&s->warnings, " (and in %u more place%s)",
			    w->count, w->count > 1 ? "s" : "");
		rt_buf_addc(&s->warnings, '\0');
	}
}

/* ---- the meta-schema check ---- */

static const char d2020[] = "https://json-schema.org/draft/2020-12/schema";
static const char d7[] = "http://json-schema.org/draft-07/schema#";

/* The meta-schema of document d, in b: its $schema, or the default. */
static const char *
meta_uri(const struct rt_schema *s, const struct sdoc *d, struct rt_buf *b)
{
	uint32_t v = 0;

	b->len = 0;
	if (d->jd.v[0].type == RT_JOBJ)
		v = rt_jdoc_get(&d->jd, 0, "$schema", 7);
	if (v && d->jd.v[v].type == RT_JSTR)
		rt_jdoc_str(&d->jd, v, b);
	else
		rt_buf_adds(b, s->o.draft == RT_DRAFT_7 ? d7 : d2020);
	return rt_buf_cstr(b);
}

static void
meta_name(struct rt_buf *b, const char *uri)
{
	size_t n = strlen(uri);

	while (n > 0 && uri[n - 1] == '#')
		n--;
	if (n == sizeof d2020 - 1 && memcmp(uri, d2020, n) == 0)
		rt_buf_adds(b, "the draft 2020-12 meta-schema");
	else if ((n == sizeof d7 - 2 && memcmp(uri, d7, n) == 0) ||
	    (n == sizeof d7 - 1 && memcmp(uri, "https", 5) == 0 &&
	    memcmp(uri + 5, d7 + 4, n - 5) == 0))
		rt_buf_adds(b, "the draft 7 meta-schema");
	else
		rt_buf_printf(b, "the meta-schema '%s'", uri);
}

/* A validator for the meta-schema at uri: a schema that is only a $ref
 * to it, resolved like any other (built in, or from --schema-dir). */
static struct rt_schema *
meta_compile(const struct rt_schema *s, const char *uri, struct rt_buf *err)
{
	struct rt_schema_opts mo = s->o;
	struct rt_buf t = RT_BUF_INIT;
	struct rt_schema *ms;

	mo.nometa = 1;
	mo.formats = 0;
	rt_buf_adds(&t, "{\"$ref\":");
	rt_json_put_str(&t, uri, strlen(uri));
	rt_buf_addc(&t, '}');
	ms = rt_schema_compile(t.p, t.len, "meta-schema", &mo, err);
	rt_buf_release(&t);
	return ms;
}

static void
meta_errors(struct rt_schema *s, const struct sdoc *d, struct rt_sval *v,
    const char *uri)
{
	size_t n = rt_sval_errors(v, &d->jd, META_ERRORS), i;

	for (i = 0; i < n; i++) {
		const struct rt_serr *e = rt_sval_error(v, i);

		if (s->err->len)
			rt_buf_addc(s->err, '\n');
		rt_buf_printf(s->err, "%s: #%s: %s: %s (", d->name, e->inst,
		    e->keyword, e->msg);
		meta_name(s->err, uri);
		rt_buf_addc(s->err, ')');
	}
	s->failed = 1;
}

/* Check document d against the meta-schema at uri. */
static void
meta_check_doc(struct rt_schema *s, const struct sdoc *d, const char *uri)
{
	struct rt_buf err = RT_BUF_INIT;
	struct rt_schema *ms = meta_compile(s, uri, &err);
	struct rt_sval *v;

	if (ms == NULL) {
		rt_buf_printf(s->err, "%s: cannot load ", d->name);
		meta_name(s->err, uri);
		rt_buf_printf(s->err, ": %.*s", (int)err.len, err.p);
		s->failed = 1;
		rt_buf_release(&err);
		return;
	}
	v = rt_sval_new(ms);
	if (!rt_sval_check(v, &d->jd))
		meta_errors(s, d, v, uri);
	rt_sval_free(v);
	rt_schema_free(ms);
	rt_buf_release(&err);
}

int
rt_schema_check_meta(struct rt_schema *s, uint32_t root, int others)
{
	struct rt_buf uri = RT_BUF_INIT;
	uint32_t i, n = s->ndocs;

	for (i = 0; i < n && !s->failed; i++) {
		const struct sdoc *d = &s->docs[i];

		if (others ? i == root || d->builtin || !doc_used(d) :
		    i != root)
			continue;
		meta_check_doc(s, d, meta_uri(s, d, &uri));
	}
	rt_buf_release(&uri);
	return s->failed ? -1 : 0;
}

size_t
rt_schema_nwarnings(const struct rt_schema *s)
{
	return s->nwarnings;
}

const char *
rt_schema_warning(const struct rt_schema *s, size_t i)
{
	return s->warnings.p + s->woff[i];
}
