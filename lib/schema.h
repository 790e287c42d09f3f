/*
 * schema.h - JSON Schema (draft 2020-12 and draft 7): a schema document
 * compiled once into a program of checks, then run on each record's
 * zero-copy document (json.h) without building a tree.  rt-validate(1).
 */
#ifndef RT_SCHEMA_H
#define RT_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

enum rt_schema_draft { RT_DRAFT_2020 = 1, RT_DRAFT_7 = 2 };

/* JSON types as a bit set (rt_schema_prop_types). */
#define RT_ST_NULL	0x01
#define RT_ST_BOOL	0x02
#define RT_ST_INT	0x04	/* "integer" */
#define RT_ST_NUM	0x08	/* "number" (integers included) */
#define RT_ST_STR	0x10
#define RT_ST_ARR	0x20
#define RT_ST_OBJ	0x40

struct rt_schema_opts {
	int draft;		/* when the schema has no $schema (default 2020) */
	const char *dir;	/* --schema-dir: other schema files, or NULL */
	int formats;		/* assert "format" (else an annotation) */
	int nometa;		/* skip the meta-schema check (for checking
				 * with a meta-schema itself) */
};

struct rt_schema;

/*
 * Load and compile the schema file path (its $ref's resolved, other
 * documents read from o->dir, the draft meta-schemas built in), then
 * check each document it uses against its meta-schema.  Returns the
 * schema, or NULL with the reason appended to err, naming the place in
 * the schema ("txn.json: #/properties/a/$ref: cannot resolve
 * 'x.json#/y'"); a failed meta-schema check gives one error a line.
 * A $ref cycle that never descends into the instance is an error.
 * Nothing is fetched over a network.
 */
struct rt_schema *rt_schema_load(const char *path,
    const struct rt_schema_opts *o, struct rt_buf *err);
/* The same from the text p[0, n) (copied); name is used in messages. */
struct rt_schema *rt_schema_compile(const char *p, size_t n,
    const char *name, const struct rt_schema_opts *o, struct rt_buf *err);
void rt_schema_free(struct rt_schema *s);

/* Warnings of a loaded schema: keywords its draft does not define (once
 * per document and keyword, "txn.json: #/properties/a: unknown keyword
 * 'minimun' (did you mean 'minimum'?), ignored").  Owned by s. */
size_t rt_schema_nwarnings(const struct rt_schema *s);
const char *rt_schema_warning(const struct rt_schema *s, size_t i);

/* The types (RT_ST_*) the root schema allows for top-level property
 * name[0, n) (following a root $ref and allOf), or 0 when it says
 * nothing.  For reading CSV fields as numbers and booleans. */
unsigned rt_schema_prop_types(const struct rt_schema *s, const char *name,
    size_t n);

/* A CSV row d typed by the schema: a field whose property allows number,
 * integer, boolean or null but not string becomes that JSON value when
 * its text reads as one.  The text goes to b, parsed into typed, which is
 * returned (or d, unchanged, when nothing could be typed). */
const struct rt_jdoc *rt_schema_type_row(const struct rt_schema *s,
    const struct rt_jdoc *d, struct rt_buf *b, struct rt_jdoc *typed);

/* Does the schema name key p[0, n) (in properties, required or a
 * dependent* keyword)?  Diagnostics print the keys a schema names and
 * leave out the others, which may be data. */
int rt_schema_names_key(const struct rt_schema *s, const char *p, size_t n);

/* Append the JSON Pointer inst (an error's, into d) to out, each key the
 * schema does not name marked as a record key (reject.h) with the
 * member's number as its stand-in, unless keys.  tmp is scratch. */
void rt_sval_where(const struct rt_schema *s, const struct rt_jdoc *d,
    const char *inst, int keys, struct rt_buf *out, struct rt_buf *tmp);

/* One error of an invalid instance.  Strings are valid until the next
 * rt_sval_check. */
struct rt_serr {
	const char *inst;	/* JSON Pointer to the instance ("" = root) */
	const char *keyword;	/* "maximum" */
	const char *schema;	/* schema location ("#/properties/a/maximum") */
	const char *msg;	/* without values from the record */
	const char *vmsg;	/* with them ("12000 is greater than ...") */
};

/* A validator: the per-record scratch of one schema, reused. */
struct rt_sval;

struct rt_sval *rt_sval_new(const struct rt_schema *s);
void rt_sval_free(struct rt_sval *v);

/* Validate the document d.  1 valid, 0 invalid.  No allocation in the
 * steady state. */
int rt_sval_check(struct rt_sval *v, const struct rt_jdoc *d);

/* Validate d again collecting at most max errors (max >= 1) in schema
 * order.  Returns their count (0 when d is valid). */
size_t rt_sval_errors(struct rt_sval *v, const struct rt_jdoc *d,
    size_t max);
/* Error i (< the count) of the last rt_sval_errors. */
const struct rt_serr *rt_sval_error(const struct rt_sval *v, size_t i);

#endif
