/*
 * nats_io.h - the record loops of rt-nats pub (records from the input,
 * by key into partitions, batched into messages) and rt-nats sub
 * (messages of a stream out as records).  rt-nats(1), PUB and SUB.
 */
#ifndef RT_NATS_IO_H
#define RT_NATS_IO_H

#include <stdint.h>

#include "cli.h"
#include "nats_conn.h"
#include "nats_pub.h"

struct rt_npubopt {
	const char *subject;	/* records go to <subject>.<p> (with key) */
	const char *key;	/* --key F, or NULL: all on subject */
	const char *msgid;	/* --msg-id F, or NULL */
	uint32_t parts;		/* --partitions */
	size_t batch_bytes;	/* --batch-bytes */
	int64_t ack_wait_ms;	/* how long to wait for the last acks */
};

/*
 * Publish every record rt_cli_next returns.  A record that is not an
 * object, lacks the key or the --msg-id field is rejected.  Without
 * --msg-id, partial batches go out when the input would block; with it,
 * batch boundaries depend on the records only (deterministic ids).
 * Each partition has one message in flight at a time, so a partition's
 * records are stored in input order whatever the cluster goes through.
 * Counts records stored as out, and sets cli's --stats members.
 * Returns 0 when every message was stored, -1 (the reason in err) when
 * some were not.
 */
int rt_nats_pub(struct rt_cli *cli, struct rt_nconn *c,
    const struct rt_npubopt *o, char *err, size_t errlen);

struct rt_nsubopt {
	const char *stream, *subject;
	const char *durable;	/* or NULL: an ephemeral consumer */
	uint64_t from_seq;	/* 0: from the start (or where the durable
				 * consumer is) */
	int from_start;		/* a durable consumer starts again */
	int follow;		/* wait for more at the end */
};

/*
 * Write the records of the messages on subject to standard output, in
 * stream order, until caught up (or for ever with follow, until a
 * signal).  Returns NULL or the reason it stopped on trouble.
 */
const char *rt_nats_sub(struct rt_cli *cli, struct rt_nconn *c,
    const struct rt_nsubopt *o, char *err, size_t errlen);

#endif
