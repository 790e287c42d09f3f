/*
 * metaschema.h - the JSON Schema meta-schemas built into the library
 * (schemas/: draft 2020-12 with its vocabulary meta-schemas, and draft 7),
 * so that a schema is checked against its dialect and a $ref to a
 * meta-schema resolves with no network.  rt-validate(1), "Meta-schemas".
 */
#ifndef RT_METASCHEMA_H
#define RT_METASCHEMA_H

#include <stddef.h>

/* The text of the built-in meta-schema whose URI is uri[0, n) (without a
 * fragment; http and https both name draft 7), NUL-terminated, with its
 * length in *len; NULL when there is none.  Static storage. */
const char *rt_meta_find(const char *uri, size_t n, size_t *len);

/* The URI of built-in meta-schema i (0, 1, ...), or NULL past the last. */
const char *rt_meta_uri(size_t i);

#endif
