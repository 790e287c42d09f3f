/*
 * nats_run.h - rt-nats run, the worker: it takes leases on the
 * partitions of a stream (nats_lease.h), runs PIPELINE (sh -c) for each
 * one it holds, feeds it the partition's messages from a durable pull
 * consumer with barriers between them, publishes what the pipeline
 * writes to O.<p>, and at each barrier that comes out stores a
 * checkpoint (nats_ckpt.h) and acks the input.  rt-nats(1), RUN.
 */
#ifndef RT_NATS_RUN_H
#define RT_NATS_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "nats_conn.h"

struct rt_nrunopt {
	const char *stream, *subject;	/* input: <subject>.<p> */
	uint32_t parts;
	const char *out_subject;	/* output: <out_subject>.<p> */
	const char *out_stream;		/* holds <out_subject>.>, or NULL */
	const char *reject_subject;	/* or NULL: <out_subject>.rejects */
	const char *pipeline;		/* sh -c */
	int64_t ckpt_us;		/* --checkpoint-every DUR, or 0 */
	uint64_t ckpt_msgs;		/* --checkpoint-every N, or 0 */
	const char *state_dir;		/* or NULL: a temporary one */
	int64_t lease_us;
	const char *worker;		/* or NULL: host.pid */
	const char *group;		/* or NULL: from out_subject */
	size_t value_max;		/* checkpoint chunk size */
	int create, replicas;
	int64_t dup_us;
};

/*
 * Work until a signal (SIGTERM, SIGINT: leases released, exit 0) or
 * trouble.  Returns 0, 1 when records were rejected, 2 on trouble (the
 * reason printed through cli: a pipeline that failed, the server gone
 * for longer than the connect timeout).
 */
int rt_nats_run(struct rt_cli *cli, const struct rt_nconf *conf,
    const struct rt_nrunopt *o);

#endif
