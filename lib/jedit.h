/*
 * jedit.h - set members of a JSON object record while passing every other
 * byte through: a member that exists has its value replaced in place, a
 * new one is appended before the closing brace.  This is how tools add
 * _score, _errors, window features... (rtpipe(7), "Fidelity").
 */
#ifndef RT_JEDIT_H
#define RT_JEDIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

struct rt_jedit_set {
	size_t koff, klen;	/* key (raw, unescaped text) in sets */
	size_t voff, vlen;	/* value JSON text in sets */
	uint32_t node;		/* value node replaced, or 0: append */
	uint32_t plain;		/* the key needs no escaping */
	size_t seq;		/* order of the set */
};

/* Reusable: storage is kept between records. */
struct rt_jedit {
	const struct rt_jdoc *d;
	struct rt_buf text;	/* keys and values of the pending sets */
	struct rt_jedit_set *set;
	size_t n, cap;
	struct rt_buf esc;	/* a key being escaped */
	/* Which members the sets replaced in the last record, kept while
	 * the document's records have the same keys and scalar values
	 * (keygen, json.h) and the same keys are set. */
	struct rt_jkeys kept;
	struct rt_buf ckeys;	/* the keys set, one after another */
	size_t *cklen;
	uint32_t *cnode;
	size_t cn, ccap;
	/* When the last record's sets were all appended (no key in the
	 * record, none set twice), the members of a record with the same
	 * keys are written to out as they are set, while the keys set are
	 * the kept ones in their order (the next at ckeys + dat); any other
	 * key turns the members written back into sets. */
	struct rt_jkeys appends;
	int direct;
	struct rt_buf out;
	size_t dat;
};

void rt_jedit_init(struct rt_jedit *e);
void rt_jedit_release(struct rt_jedit *e);

/* Start editing the object record d (d->v[0] must be an object). */
void rt_jedit_start(struct rt_jedit *e, const struct rt_jdoc *d);

/* Set member key[0, klen) (plain text, escaped on output as needed) to the
 * JSON text val[0, vlen) (copied).  Setting the same key twice keeps the
 * last value. */
void rt_jedit_set(struct rt_jedit *e, const char *key, size_t klen,
    const char *val, size_t vlen);

/* The value buffer of the next set, for writing a value in place:
 * rt_jedit_key(e, key, klen) starts a set whose value is whatever is
 * appended to the returned buffer before the next call or finish. */
struct rt_buf *rt_jedit_key(struct rt_jedit *e, const char *key, size_t klen);

/* The same for a key known to need no escaping in JSON (the tool checked
 * its names once: rt_json_put_str adds only the quotes), copied as it is
 * on output. */
struct rt_buf *rt_jedit_key_plain(struct rt_jedit *e, const char *key,
    size_t klen);

/* Append the edited record to out. */
void rt_jedit_finish(struct rt_jedit *e, struct rt_buf *out);

/* Or write it to dst, which has room for rt_jedit_bound(e) bytes (the
 * edited record's length at most); returns its length.  Nothing may be
 * set in between. */
size_t rt_jedit_bound(struct rt_jedit *e);
size_t rt_jedit_write(struct rt_jedit *e, char *dst);

/* Append to out the object text p[0, n) with one member added at its
 * end, before the closing brace at offset close: key[0, klen) (a JSON
 * string and ':') and val[0, vlen) (JSON).  For a member appended to
 * records whose members are not indexed (rt-merge --tag). */
void rt_jedit_append_member(struct rt_buf *out, const char *p, size_t n,
    size_t close, const char *key, size_t klen, const char *val,
    size_t vlen);

#endif
