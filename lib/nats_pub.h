/*
 * nats_pub.h - publishing batches to JetStream, asynchronously, with
 * every acknowledgement counted: a message whose publish failed (no
 * leader for a moment, a timeout) is published again, with its msg-id,
 * until it is stored or the deadline passes.  Used by rt-nats pub and by
 * rt-nats run for its output.  rt-nats(1).
 */
#ifndef RT_NATS_PUB_H
#define RT_NATS_PUB_H

#include <pthread.h>
#include <stdint.h>

#include <nats/nats.h>

#include "buf.h"

struct rt_npub {
	jsCtx *js;
	int64_t ack_wait_ms;	/* for one publish (default 5000) */
	int max_tries;		/* publishes of one message (default 150, 200 ms apart) */
	/* One message in flight at a time: a failed one is published again
	 * before the next, so what is stored keeps the order sent, with no
	 * gap, whatever the server went through (default 1). */
	int ordered;
	int64_t order_wait_ms;	/* ordered: how long to wait for the one
				 * before (default 30 s) */
	/* Called while waiting: a non-zero answer gives up the wait. */
	int (*cancel)(void *arg);
	void *cancel_arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* Under mu (the ack handler runs on the client's thread): */
	uint64_t sent, stored, dups, failed, retried;
	uint64_t stored_recs, dup_recs;	/* records in those messages */
	uint64_t inflight;
	int64_t progress_at;	/* last send into an empty flight, or ack */
	natsMsg **retry;	/* failed messages to publish again (owned) */
	int nretry, capretry;
	int64_t retry_at;	/* not before (rt_nconn_now) */
	char lasterr[160];
};

/* Set up p for publishing on js; install rt_npub_ack as the context's
 * async ack handler with p as its closure (nats_conn.h: ack, ack_arg). */
void rt_npub_init(struct rt_npub *p, jsCtx *js);
void rt_npub_release(struct rt_npub *p);

/* The ack handler (jsPubAckHandler) for a context publishing with p. */
void rt_npub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
    void *closure);

/*
 * Publish data[0, n) on subject, with msg-id id and header hdr=hval
 * (either may be NULL).  Does not wait for its ack; when ordered, waits
 * for the one before it.  Returns 0, or -1 with p->lasterr set when the
 * client refused the message (the connection is closed) or, ordered,
 * the one before could not be stored.
 */
int rt_npub_send(struct rt_npub *p, const char *subject, const char *id,
    const char *hdr, const char *hval, const void *data, size_t n);

/* Publish again what failed (call now and then, and before waiting). */
int rt_npub_resend(struct rt_npub *p);

/*
 * Wait until every message sent is stored, or failed for good, or
 * timeout_ms passed: 0 when nothing is in flight or waiting to be sent
 * again, -1 otherwise.
 */
int rt_npub_wait(struct rt_npub *p, int64_t timeout_ms);

#endif
