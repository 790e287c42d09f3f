/*
 * nats_ckpt.h - a partition's checkpoint: its state files, its input
 * position, its output count, as one blob in a JetStream key-value
 * bucket.  A blob larger than the bucket's value limit is stored in
 * chunks under keys of their own and the partition's key holds a
 * manifest.  Every write of the partition's key is compare-and-set on
 * the revision read or written last, so an owner that lost the
 * partition cannot overwrite the new owner's checkpoint (fencing).
 * rtpipe(7), "Running on several machines".
 */
#ifndef RT_NATS_CKPT_H
#define RT_NATS_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#include "buf.h"
#include "nats_conn.h"

struct rt_nckpt {
	uint32_t part;
	uint64_t barrier;	/* id of the barrier it was taken at */
	uint64_t in_seq;	/* last input stream sequence included */
	uint64_t out_n;		/* output records published before it */
	char owner[128];	/* the worker that wrote it */
};

/*
 * Pure parts (unit-tested).  rt_nckpt_encode appends the blob of c and
 * of the regular files of directory dir (not "*.lock", not "*.tmp.*")
 * to out: 0, or -1 with errno.  rt_nckpt_decode reads a blob into *c
 * and, when dir is not NULL, writes its files there (after removing the
 * files of the directory): NULL, or why the blob is refused (damaged,
 * another format) or errno's text when a file could not be written.
 */
int rt_nckpt_encode(const struct rt_nckpt *c, const char *dir,
    struct rt_buf *out);
const char *rt_nckpt_decode(const char *p, size_t n, struct rt_nckpt *c,
    const char *dir);

/* The blob as stored: rt_nckpt_pack appends raw (an encoded blob)
 * compressed (zstd, fast level) to out with a header of its own; 0, or
 * -1 when the compressor failed.  rt_nckpt_unpack puts the blob stored
 * in p, n into out: a packed one decompressed, an unpacked one (from an
 * earlier release) as it is; NULL, or why it is refused. */
int rt_nckpt_pack(const char *raw, size_t n, struct rt_buf *out);
const char *rt_nckpt_unpack(const char *p, size_t n, struct rt_buf *out);

/* Make directory dir if missing and remove the files a checkpoint
 * carries from it: 0, or -1 with errno. */
int rt_nckpt_clear(const char *dir);

/* Remove directory dir and everything below it: 0, or -1. */
int rt_nckpt_remove(const char *dir);

/* A manifest for a blob of total bytes in nchunks chunks named tag:
 * format and read; read returns 0, or -1 when p is not one. */
void rt_nckpt_manifest(struct rt_buf *out, uint32_t nchunks, uint64_t total,
    const char *tag);
int rt_nckpt_is_manifest(const char *p, size_t n, uint32_t *nchunks,
    uint64_t *total, char *tag, size_t taglen);

/* The key of chunk i of tag for partition part. */
void rt_nckpt_chunk_key(char *key, size_t len, uint32_t part,
    const char *tag, uint32_t i);

/*
 * The bucket.  rt_nckpt_load reads partition part's checkpoint: 1 with
 * the blob in *blob (unpacked) and its revision in *rev, 0 when there
 * is none (rev 0), -1 on trouble (why).  rt_nckpt_store writes blob,
 * packed, with compare-and-set on *rev (0: the key must not exist) and
 * updates *rev: 0, 1 when fenced off (the revision moved: another
 * owner), -1 on trouble.  Chunks of the checkpoint replaced are removed.
 */
/* tag (RT_NCKPT_TAGLEN bytes): the chunks' tag the key points to now
 * ("" when none); load sets it, store reads it and sets the new one. */
#define RT_NCKPT_TAGLEN 48
int rt_nckpt_load(kvStore *kv, uint32_t part, struct rt_buf *blob,
    uint64_t *rev, char *tag, char *why, size_t whylen);
int rt_nckpt_store(kvStore *kv, uint32_t part, const struct rt_buf *blob,
    size_t value_max, uint64_t *rev, char *tag, char *why, size_t whylen);

/* Open bucket name on c, made when missing with values of at most
 * value_max bytes and replicas copies (ttl_us: its entries' age limit,
 * 0: none), once its stream has a leader.  Workers starting together
 * may make it at once: a request to make it that goes unanswered (the
 * server's answer to one of two at once) is not waited for past 1 s;
 * the bucket is looked up, and made again, for up to 15 s.  NULL or
 * the reason. */
const char *rt_nckpt_bucket(struct rt_nconn *c, kvStore **kv,
    const char *name, size_t value_max, int replicas, int64_t ttl_us,
    char *why, size_t whylen);

#endif
