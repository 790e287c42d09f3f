/*
 * sniff.h - the keys of the records to come, read off the raw bytes ahead
 * of the record being handled, so that a keyed tool can prefetch what
 * they will touch (map slot, state, newest events) a few records early:
 * one cache miss per record would otherwise cost more than the rest of
 * its work.  A hint only: a key the bytes do not say plainly is skipped,
 * and nothing depends on a hint being right.
 */
#ifndef RT_SNIFF_H
#define RT_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Called with the hash (rt_hash of the key text) of a record to come:
 * stage 0 three records ahead, 1 two ahead, 2 the next. */
typedef void rt_sniff_hint_fn(void *arg, uint64_t h, int stage);

struct rt_sniff {
	int nkeys;
	rt_sniff_hint_fn *hint;
	void *arg;
	struct rt_buf *needle;	/* per key field: "F": */
	size_t *needle_at;	/* where each was found in the last line */
	const char *ahead_at;	/* where the next call's bytes start */
	const char *ahead_third;	/* and the line it sniffs */
	const char *ahead_sniffed;	/* the line the last call sniffed */
	uint64_t seq;		/* the record being handled */
	/* The keys sniffed, by record number modulo 4 (a slot holds record
	 * seq's key when its seq says so). */
	struct rt_sniffed {
		uint64_t seq, h;
		size_t len;
		char key[256];
	} sniffed[4];
};

/* Sniff the key made of fields keys[0, nkeys) (borrowed, kept to
 * rt_sniff_release): the fields' JSON texts joined by '\0', as a keyed
 * tool builds it.  hint(arg, ...) gets the hashes. */
void rt_sniff_init(struct rt_sniff *s, char *const *keys, int nkeys,
    rt_sniff_hint_fn *hint, void *arg);
void rt_sniff_release(struct rt_sniff *s);

/* A record is about to be handled; p[0, n) are the NDJSON bytes after it
 * (rt_src_ahead).  Sniffs the record three ahead (hint stage 0), and
 * passes the two sniffed before on to stages 1 and 2. */
void rt_sniff_next(struct rt_sniff *s, const char *p, size_t n);

/* The hash of the record being handled if its key, key[0, len), is the
 * one sniffed for it, else 0 (the caller hashes it). */
static inline uint64_t
rt_sniff_hash(const struct rt_sniff *s, const char *key, size_t len)
{
	const struct rt_sniffed *sn = &s->sniffed[s->seq & 3];

	if (sn->seq == s->seq && sn->len == len &&
	    rt_bytes_eq(sn->key, key, len))
		return sn->h;
	return 0;
}

#endif
