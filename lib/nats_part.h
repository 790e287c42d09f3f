/*
 * nats_part.h - the pure parts of rt-nats: the partition of a key
 * (FNV-1a 32 mod P, the function of nats-server's partition() mapping),
 * batches of records bounded in bytes, and the message ids and headers
 * that make re-runs and replays deduplicated.  rt-nats(1), rtpipe(7)
 * "Running on several machines".
 */
#ifndef RT_NATS_PART_H
#define RT_NATS_PART_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* FNV-1a, 32 bits, of p[0, n). */
uint32_t rt_fnv1a32(const void *p, size_t n);

/* The partition of key[0, n) among nparts (>= 1). */
static inline uint32_t
rt_npart_of(const void *key, size_t n, uint32_t nparts)
{
	return rt_fnv1a32(key, n) % nparts;
}

/*
 * A batch: whole records, each with its "\n", at most max bytes (a
 * record longer than max travels alone).  first and last are the
 * --msg-id values of its first and last record (when ids are used).
 */
struct rt_nbatch {
	struct rt_buf b;	/* the records */
	uint32_t nrec;
	uint64_t first_pos;	/* input position of the first record */
	struct rt_buf first, last;	/* ids (owned) */
};

void rt_nbatch_init(struct rt_nbatch *b);
void rt_nbatch_release(struct rt_nbatch *b);
/* Empty the batch, keeping its storage. */
void rt_nbatch_clear(struct rt_nbatch *b);

/* Would adding a record of n bytes (without "\n") take the batch past
 * max?  Never for an empty batch. */
static inline int
rt_nbatch_full(const struct rt_nbatch *b, size_t n, size_t max)
{
	return b->nrec > 0 && b->b.len + n + 1 > max;
}

/* Append record p[0, n) and its "\n"; id[0, idlen) is its --msg-id value
 * (NULL: none); pos its input position (kept for the first record). */
void rt_nbatch_add(struct rt_nbatch *b, const char *p, size_t n,
    const char *id, size_t idlen, uint64_t pos);

/* The Nats-Msg-Id of a batch for partition part: "<part>:<first>:<last>:
 * <nrec>", into out (cleared first).  The same records in the same batch
 * give the same id, whichever run published them. */
void rt_nbatch_msgid(const struct rt_nbatch *b, uint32_t part,
    struct rt_buf *out);

/*
 * Output of rt-nats run: the records a partition's pipeline wrote are
 * numbered from 0 (its output position).  A message holding the output
 * records [first, first + n) of partition part carries the header
 * RT_NPART_OUTHDR "<first> <n>" and the msg-id "<subject>:<first>", so a
 * replay publishes the same records under the same id.
 */
#define RT_NPART_OUTHDR "Rt-Out"
void rt_npart_outid(struct rt_buf *out, const char *subject, uint64_t first);
void rt_npart_outhdr(struct rt_buf *out, uint64_t first, uint64_t n);
/* Read an RT_NPART_OUTHDR value: 0, or -1 when it is not "<u64> <u64>". */
int rt_npart_outhdr_parse(const char *s, uint64_t *first, uint64_t *n);

/* Count the records ("\n"-ended lines) in p[0, n); a last line without
 * "\n" counts too. */
uint64_t rt_npart_lines(const char *p, size_t n);

#endif
