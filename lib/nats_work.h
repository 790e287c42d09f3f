/*
 * nats_work.h - one partition held by rt-nats run: its pipeline (sh -c,
 * in a process group of its own), the feeder thread (messages of the
 * partition's durable pull consumer into the pipeline, barriers between
 * them, non-NDJSON lines to the reject subject) and the reader thread
 * (the pipeline's output to O.<p>; at a barrier, every publish acked,
 * then the checkpoint stored with compare-and-set, then the input
 * acked).  At most one barrier is in the pipeline at a time, so the
 * state files read at barrier n were all written at n.  rt-nats(1), RUN.
 */
#ifndef RT_NATS_WORK_H
#define RT_NATS_WORK_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include <nats/nats.h>

#include "buf.h"
#include "nats_ckpt.h"
#include "nats_lease.h"
#include "nats_pub.h"

/* What every partition of a worker shares (owned by nats_run.c). */
struct rt_nwctx {
	natsConnection *nc;
	jsCtx *js;
	kvStore *ckpts;
	const char *me, *group, *in_stream, *in_subject, *out_stream;
	const char *out_subject, *reject_subject, *pipeline, *state_dir;
	int64_t ckpt_us, lease_us;
	uint64_t ckpt_msgs;
	size_t value_max;
	/* Counters, added to atomically by the threads. */
	uint64_t in_recs, in_msgs, out_recs, dups, rejected, ckpts_done;
	uint64_t remade;	/* consumers made again (lost) */
	uint64_t fault_pub, fault_ckpt;	/* RT_NATS_FAULT: kill -9 after the
					 * Nth output publish / checkpoint */
};

enum { RT_NW_RUN = 0, RT_NW_DRAIN, RT_NW_ABORT };

/* A partition's consumer is made again at most this often before the
 * partition stops (its checkpoint kept). */
#define RT_NW_REMAKES 8

struct rt_nwork {
	struct rt_nwctx *x;
	uint32_t part;
	struct rt_nlease lease;
	int held;		/* the lease is ours (main thread) */
	int running;		/* threads and pipeline started */
	volatile int stop;	/* RT_NW_*: asked of the threads */
	volatile int lost;	/* the lease or the checkpoint fenced us off */
	volatile int final_done;	/* the drain's last checkpoint stored */
	volatile int reader_done, feeder_done;
	pid_t pid;
	int to_fd, from_fd;
	pthread_t feeder, reader;
	natsSubscription *sub;
	/* Subscriptions of consumers lost and made again: kept until the
	 * partition stops (messages of theirs may still be held). */
	natsSubscription *retired[RT_NW_REMAKES];
	int nretired;
	jsCtx *js;		/* this partition's publishing context */
	struct rt_npub pub;
	char dir[1024];		/* RT_STATE */
	char out_subj[256], in_subj[256], consumer[200];
	uint64_t ckpt_rev;
	char ckpt_tag[RT_NCKPT_TAGLEN];
	pthread_mutex_t mu;	/* guards the barrier in flight */
	int bar_inflight, bar_final;
	uint64_t bar_id, bar_seq;
	natsMsg *bar_msg;	/* acked once its checkpoint is stored */
	uint64_t fed_seq;	/* last input sequence fed */
	uint64_t out_idx;	/* output records so far (position) */
	uint64_t skip_until;	/* output below it is already published */
	char why[300];		/* failure, for the worker to report */
	int failed;
};

/* Restore partition w->part from its checkpoint, claim the checkpoint
 * (compare-and-set: fences off the previous owner) and make its
 * consumer: round trips only, so several partitions may prepare at once,
 * each in a thread of its own.  0, or -1 with w->why. */
int rt_nwork_prepare(struct rt_nwork *w);

/* Then start the pipeline of a prepared partition and its threads (from
 * the main thread).  0, or -1 with w->why (the preparation undone). */
int rt_nwork_launch(struct rt_nwork *w);

/* Has the pipeline ended?  Reaps it: 1 and its wait status, or 0. */
int rt_nwork_exited(struct rt_nwork *w, int *status);

/* Ask the threads to stop (RT_NW_DRAIN: a last barrier and checkpoint
 * first; RT_NW_ABORT: at once), and once they have, end the pipeline
 * and release what the partition holds but its lease.  rt_nwork_done
 * says whether the threads have finished; rt_nwork_finish joins them. */
void rt_nwork_stop(struct rt_nwork *w, int how);
int rt_nwork_done(const struct rt_nwork *w);
void rt_nwork_finish(struct rt_nwork *w);

#endif
