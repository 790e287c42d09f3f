/*
 * schema_int.h - the compiled form of a JSON Schema, shared by the
 * compiler (schema.c) and the validator (sval.c).  Not a public header.
 */
#ifndef RT_SCHEMA_INT_H
#define RT_SCHEMA_INT_H

#include <stdint.h>

#include "buf.h"
#include "decimal.h"
#include "format.h"
#include "hash.h"
#include "json.h"
#include "regex.h"
#include "schema.h"

#define SN_NONE UINT32_MAX

/* A list: n entries of the schema's u32 pool from off. */
struct slist {
	uint32_t off, n;
};

/* A number of the schema (a limit), with its text for exact ties. */
struct snum {
	double d;
	uint32_t doc, node;
};

enum { SN_TRUE = 1, SN_FALSE, SN_OBJ };

/* Keyword presence bits of struct sn. */
enum {
	K_MIN = 1u << 0, K_MAX = 1u << 1, K_EXMIN = 1u << 2, K_EXMAX = 1u << 3,
	K_MULT = 1u << 4, K_MINLEN = 1u << 5, K_MAXLEN = 1u << 6,
	K_PATTERN = 1u << 7, K_FORMAT = 1u << 8, K_MINITEMS = 1u << 9,
	K_MAXITEMS = 1u << 10, K_UNIQUE = 1u << 11, K_MINPROPS = 1u << 12,
	K_MAXPROPS = 1u << 13, K_CONST = 1u << 14, K_ENUM = 1u << 15,
	K_MINCONT = 1u << 16, K_MAXCONT = 1u << 17
};

/* A compiled schema object (or boolean schema). */
struct sn {
	uint8_t kind;		/* SN_* */
	uint8_t draft;		/* RT_DRAFT_* */
	uint8_t types;		/* RT_ST_* of "type", 0 when absent */
	uint8_t track;		/* has unevaluated*: collect annotations */
	uint8_t format;		/* enum rt_format */
	uint32_t has;		/* K_* */
	uint32_t res;		/* its schema resource */
	uint32_t loc;		/* pool offset: location ("#/a/b") */
	uint32_t doc, node;	/* where it came from */
	struct snum min, max, exmin, exmax, mult;
	uint32_t mul;		/* multipleOf: index in the schema's divisors */
	uint32_t minlen, maxlen, minitems, maxitems, mincont, maxcont;
	uint32_t minprops, maxprops;
	uint32_t pattern;	/* regex index */
	uint32_t cdoc, cnode;	/* const value */
	struct slist enm;	/* enum: (doc, node) pairs */
	struct slist allof, anyof, oneof;	/* sn indices */
	uint32_t not_, if_, then_, else_;
	uint32_t ref, dynref, dynname;	/* dynname: pool offset or NONE */
	struct slist prefix;	/* prefixItems / draft 7 array items */
	uint32_t items;		/* items after prefix (or additionalItems) */
	uint32_t contains, uneval_items;
	uint32_t keys;		/* key table index, or NONE */
	struct slist patprops;	/* (regex index, sn) pairs */
	uint32_t addprops, propnames, uneval_props;
};

/* An entry of an object schema's key table: a property name that
 * properties, required or dependent* mention. */
struct kent {
	uint32_t name, len;	/* pool offset, bytes (decoded) */
	uint64_t hash;
	uint32_t schema;	/* properties: sn, or NONE */
	uint32_t required;	/* named by required */
	struct slist depreq;	/* kent indices required with it */
	uint32_t depschema;	/* dependentSchemas: sn, or NONE */
};

struct ktab {
	uint32_t first, n;	/* kent indices */
	uint32_t mask;		/* slot count - 1 */
	uint32_t slots;		/* u32 pool offset: kent index + 1, 0 empty */
	struct slist req;	/* required kent indices, in order */
	uint32_t nreq;		/* distinct entries among them */
	struct slist deps;	/* kent indices with depreq/depschema */
};

/* A schema resource: a document root or a subschema with $id. */
struct sres {
	uint32_t uri;		/* pool offset, absolute, no fragment */
	uint32_t doc, node;
	uint8_t draft;
	uint8_t novalid;	/* $vocabulary left validation out */
	struct slist dyn;	/* (name pool offset, sn) pairs */
};

struct sdoc {
	char *text;
	size_t len;
	struct rt_jdoc jd;
	uint32_t *info;		/* per node: sinfo index + 1, or 0 */
	uint32_t *comp;		/* per node: sn index + 1, or 0 */
	char *name;		/* for messages */
	int root;
	int builtin;		/* a meta-schema of metaschema.h */
};

/* An unknown keyword: where it was first met, and how often again. */
struct swarn {
	uint32_t doc, name, loc;	/* name, loc: pool offsets */
	uint32_t count;
	uint8_t draft;
};

/* What the scan learnt about a schema node. */
struct sinfo {
	uint32_t res;
	uint32_t ptr;		/* pool offset: JSON Pointer from the doc root */
};

struct sanchor {
	uint32_t res, name, doc, node;
	int dynamic;
};

struct rt_schema {
	struct rt_schema_opts o;
	struct sdoc *docs;
	uint32_t ndocs;
	struct sres *res;
	uint32_t nres;
	struct sanchor *anc;
	uint32_t nanc;
	struct sinfo *info;
	uint32_t ninfo;
	struct sn *sn;
	uint32_t nsn;
	struct kent *kent;
	uint32_t nkent;
	struct ktab *kt;
	uint32_t nkt;
	struct rt_regex **re;
	uint32_t nre;
	struct rt_decdiv *mul;	/* multipleOf divisors, prepared */
	uint32_t nmul;
	uint32_t *u32;
	uint32_t nu32;
	struct rt_buf pool;	/* NUL-terminated strings */
	uint32_t root;		/* sn of the root schema */
	int dirscanned;
	/* Indexes, so that loading stays linear in the schema's size: bytes
	 * to a u32 (map_get, map_set in schema.c). */
	struct rt_map resmap;	/* resource URI -> res index */
	struct rt_map ancmap;	/* res (4 bytes) + anchor name -> anc index */
	struct rt_map inmap;	/* interned name -> pool offset */
	struct rt_map memmap;	/* doc, object node (8 bytes) + key -> value
				 * node, for large objects a $ref walks */
	struct rt_map objmap;	/* doc, object node: indexed in memmap */
	struct rt_map names;	/* every name a key table holds */
	/* Unknown keywords, by doc and name (ids index warn). */
	struct rt_map warnmap;
	struct swarn *warn;
	uint32_t capwarn;
	struct rt_buf warnings;	/* the messages, NUL-terminated */
	size_t *woff, nwarnings;
	/* Compile errors. */
	struct rt_buf *err;
	int failed;
};

/* Refuse a compiled schema with a cycle of in-place applicators (see
 * schema_cycle.c): 0, or -1 with the cycle described in s->err and
 * s->failed set. */
int rt_schema_check_cycles(struct rt_schema *s);

/* Validate document root against its meta-schema (others == 0), or each
 * other document the compiled schema uses (others == 1); see
 * schema_meta.c.  0, or -1 with the errors (one a line) in s->err and
 * s->failed set. */
int rt_schema_check_meta(struct rt_schema *s, uint32_t root, int others);

/* Note keyword k[0, n) of a schema object of doc at JSON Pointer ptr
 * ("#/properties/a"): a warning unless the draft knows it. */
void rt_schema_keyword(struct rt_schema *s, uint32_t doc, int draft,
    const char *ptr, const char *k, size_t n);
/* Word the warnings of the documents the schema uses. */
void rt_schema_warnings_finish(struct rt_schema *s);

static inline const char *
sch_str(const struct rt_schema *s, uint32_t off)
{
	return s->pool.p + off;
}

#endif
