/*
 * json.h - rtpipe's zero-copy, validating JSON scanner and writer helpers.
 * The policy (strict RFC 8259, depth limit, UTF-8, NUL) is in rtpipe(7),
 * "Records".
 *
 * rt_jdoc_parse validates one JSON text in a single pass and records every
 * value it meets as a node in a flat array (no tree of allocations, no
 * copies): the record's bytes stay where the reader put them and nodes
 * point into them.  Values are decoded only when asked for.
 */
#ifndef RT_JSON_H
#define RT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

enum rt_jtype {
	RT_JNULL = 1,
	RT_JFALSE,
	RT_JTRUE,
	RT_JNUM,
	RT_JSTR,
	RT_JARR,
	RT_JOBJ
};

/* Node flags. */
#define RT_JF_ESC	0x01	/* string: holds backslash escapes */
#define RT_JF_UTF8	0x02	/* string: holds bytes >= 0x80 */
#define RT_JF_INT	0x04	/* number: no fraction, no exponent */

#define RT_JSON_MAXDEPTH 1024

/*
 * A value.  Strings (keys too) span their quotes.  Containers are followed
 * by their contents: an object by key, value, key, value...; an array by its
 * elements; next is the index just past the value's last descendant, so
 * siblings are reached by jumping.
 */
struct rt_jnode {
	uint32_t off;		/* first byte, from the start of the text */
	uint32_t len;		/* bytes of the value's text */
	uint32_t next;		/* index after this value and its contents */
	uint32_t n;		/* containers: members or elements */
	uint8_t type;		/* enum rt_jtype */
	uint8_t flags;		/* RT_JF_* */
};

/* The text of a top-level member's key and its colon ("key":) as the last
 * record had it: records of a stream repeat their keys in the same order,
 * and a key whose bytes match a key already validated is taken at once. */
#define RT_JKEYMEMO 32
struct rt_jkeymemo {
	unsigned char b[32];
	uint8_t len;		/* bytes of b in use, 0: none */
	uint8_t flags;		/* the key's RT_JF_* */
};

struct rt_jdoc {
	const char *p;		/* the text (borrowed) */
	size_t len;
	struct rt_jnode *v;	/* owned; v[0] is the top-level value */
	uint32_t nv, cap;
	uint32_t *stack;	/* owned, maxdepth entries */
	unsigned maxdepth;
	struct rt_jkeymemo *km;	/* owned, RT_JKEYMEMO entries, or NULL */
	/* Stays the same from one parse to the next while records have
	 * the same top-level keys in the same order (a number unique to the
	 * document and its run of such records): what was found by key for
	 * one record holds for the next (struct rt_jkeys below).  Any other
	 * parse, failed or built by hand, takes a new number. */
	uint64_t keygen;
	uint32_t keyn;		/* members of the last parse if all its keys
				 * were memo hits, else UINT32_MAX */
	const char *err;	/* after a failed parse: static message */
	size_t erroff;		/* and the byte offset where it was found */
};

/* Prepare a document; maxdepth 0 means RT_JSON_MAXDEPTH. */
void rt_jdoc_init(struct rt_jdoc *d, unsigned maxdepth);
void rt_jdoc_release(struct rt_jdoc *d);

/* Validate and index the JSON text p[0, n) (surrounding whitespace allowed;
 * a text longer than 4 GiB is refused).  Returns 0, or -1 with d->err and
 * d->erroff set.  Node storage is reused from the previous parse, so the
 * steady state does not allocate.  Nodes point into p: keep p alive. */
int rt_jdoc_parse(struct rt_jdoc *d, const char *p, size_t n);

/* Index of the value of member key[0, klen) of object node obj, or 0 if
 * absent (0 is the root, never a member).  With duplicate keys the last
 * one wins, as in jq. */
uint32_t rt_jdoc_get(const struct rt_jdoc *d, uint32_t obj, const char *key,
    size_t klen);

/* Index of element i (0-based) of array node arr, or 0 if out of range. */
uint32_t rt_jdoc_index(const struct rt_jdoc *d, uint32_t arr, uint32_t i);

/* The same for a string node with escapes (RT_JF_ESC). */
int rt_jdoc_streq_esc(const struct rt_jdoc *d, uint32_t k, const char *key,
    size_t klen);

/* Does string node k decode to key[0, klen)?  Inline: most strings have
 * no escape, and a constant key compares in a few instructions. */
static inline int
rt_jdoc_streq(const struct rt_jdoc *d, uint32_t k, const char *key,
    size_t klen)
{
	const struct rt_jnode *v = &d->v[k];

	if (!(v->flags & RT_JF_ESC))
		return v->len - 2 == klen &&
		    memcmp(d->p + v->off + 1, key, klen) == 0;
	return rt_jdoc_streq_esc(d, k, key, klen);
}

/* First byte of node i's text. */
static inline const char *
rt_jdoc_text(const struct rt_jdoc *d, uint32_t i)
{
	return d->p + d->v[i].off;
}

/* Iteration: for (k = rt_jdoc_first(d, obj); k < d->v[obj].next;
 *                 k = rt_jdoc_after(d, k + 1)) { key k, value k + 1 } */
static inline uint32_t
rt_jdoc_first(const struct rt_jdoc *d, uint32_t c)
{
	(void)d;
	return c + 1;
}

static inline uint32_t
rt_jdoc_after(const struct rt_jdoc *d, uint32_t i)
{
	return d->v[i].next;
}

/* Append the decoded bytes of string node i to out (UTF-8; an unpaired
 * surrogate escape becomes U+FFFD; "\u0000" becomes a NUL byte). */
void rt_jdoc_str(const struct rt_jdoc *d, uint32_t i, struct rt_buf *out);

/* The same for the inside of a validated JSON string, quotes excluded. */
void rt_json_unescape(const char *p, size_t n, struct rt_buf *out);

/* Validate a whole text without keeping nodes.  0 or -1 (*err, *erroff). */
int rt_json_valid(const char *p, size_t n, const char **err, size_t *erroff);

/* Append s[0, n) as a JSON string, quotes included.  Control characters
 * are escaped; bytes that are not valid UTF-8 become U+FFFD.  Returns the
 * number of such replacements (0 when the text was valid). */
size_t rt_json_put_str(struct rt_buf *b, const char *s, size_t n);
/* The same, returning the string node's flags (RT_JF_ESC, RT_JF_UTF8) and
 * the count of replacements in *bad. */
unsigned rt_json_put_str_f(struct rt_buf *b, const char *s, size_t n,
    size_t *bad);

/*
 * What a reader of records found by key (where its fields are, which
 * members it replaces, which schema each member meets) holds for the
 * next records of the same document while its keys stay (keygen).
 */
struct rt_jkeys {
	const struct rt_jdoc *d;	/* NULL: nothing kept */
	uint64_t gen;
};

static inline int
rt_jkeys_same(const struct rt_jkeys *k, const struct rt_jdoc *d)
{
	return k->d == d && k->gen == d->keygen;
}

static inline void
rt_jkeys_keep(struct rt_jkeys *k, const struct rt_jdoc *d)
{
	k->d = d;
	k->gen = d->keygen;
}

/* Is the document an object whose members' values have no contents (so
 * member j's key is node 2j + 1 and its value node 2j + 2)? */
static inline int
rt_jdoc_flat(const struct rt_jdoc *d)
{
	return d->v[0].type == RT_JOBJ && d->v[0].next == 2 * d->v[0].n + 1;
}

/* Building a document by hand, for sources that write the JSON text
 * themselves (a CSV row): start empty, then push nodes in text order,
 * filling next and n of containers when they close; point d->p at the
 * finished text. */
void rt_jdoc_clear(struct rt_jdoc *d);
/* Double the node storage (rt_jdoc_push does it when full). */
void rt_jdoc_grow(struct rt_jdoc *d);

static inline uint32_t
rt_jdoc_push(struct rt_jdoc *d, unsigned type, size_t off, size_t len,
    unsigned flags)
{
	uint32_t i = d->nv++;

	if (i == d->cap)
		rt_jdoc_grow(d);
	d->v[i].off = (uint32_t)off;
	d->v[i].len = (uint32_t)len;
	d->v[i].next = i + 1;
	d->v[i].n = 0;
	d->v[i].type = (uint8_t)type;
	d->v[i].flags = (uint8_t)flags;
	return i;
}

/* Is s[0, n) valid UTF-8 (RFC 3629: no overlongs, no surrogates)? */
int rt_utf8_valid(const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if invalid. */
size_t rt_utf8_seqlen(const unsigned char *s, size_t avail);

#endif
