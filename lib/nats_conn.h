/*
 * nats_conn.h - rt-nats's connection to NATS and JetStream: the server
 * list and the authentication the C client supports (credentials file,
 * NKey seed, TLS), connecting with retries and backoff, and finding or
 * creating a stream.  Errors come back as text for the tool to word.
 * rt-nats(1), "Connecting".
 */
#ifndef RT_NATS_CONN_H
#define RT_NATS_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

struct rt_nconf {
	const char *servers;	/* comma-separated URLs */
	const char *creds;	/* --creds FILE (JWT and seed), or NULL */
	const char *nkey;	/* --nkey PUBKEY:SEEDFILE, or NULL */
	const char *tls_ca, *tls_cert, *tls_key;	/* or NULL */
	int tls;		/* --tls: require TLS */
	int64_t wait_us;	/* give up connecting after this long */
	const char *name;	/* the connection's name, for the server */
	/* Asynchronous publishing (0: the library's defaults). */
	int64_t max_pending;
	jsPubAckHandler ack;
	void *ack_arg;
};

struct rt_nconn {
	natsConnection *nc;
	jsCtx *js;
	int tries;		/* connection attempts made */
};

/* The server list: --server, else $NATS_URL, else nats://127.0.0.1:4222. */
const char *rt_nconf_servers(const struct rt_nconf *f);

/*
 * Connect, retrying with backoff (100 ms doubling to 2 s) while no server
 * answers, for at most f->wait_us; an authentication failure is not
 * retried.  Returns NULL, or the reason (in err, errlen bytes) with *c
 * left closed.  The connection reconnects by itself once made.
 */
const char *rt_nconn_open(struct rt_nconn *c, const struct rt_nconf *f,
    char *err, size_t errlen);
void rt_nconn_close(struct rt_nconn *c);

/* Find stream name: 1 if it exists, 0 if not, -1 on trouble (err). */
int rt_nconn_stream(struct rt_nconn *c, const char *name, char *err,
    size_t errlen);

/* Create stream name for subjects subj (n of them) with replicas copies
 * and a duplicate window of dup_us; an existing stream is kept.  Returns
 * NULL once the stream can be looked up (a cluster applies a new stream
 * on each server in turn: waits up to 10 s), or the reason. */
const char *rt_nconn_create(struct rt_nconn *c, const char *name,
    const char **subj, int n, int replicas, int64_t dup_us, char *err,
    size_t errlen);

/* A NATS status and JetStream error code as text, into err. */
/*
 * Fetch at most batch messages of sub, waiting at most timeout_ms for
 * the first: NATS_OK with l filled, NATS_TIMEOUT when none came, or the
 * error.  The client drops what an earlier fetch asked for when it
 * arrives after that fetch gave up, and a consumer counts those as
 * delivered: so a fetch asks for about 4 MB at most (at least two of
 * the largest messages nc takes), which come well within the wait.
 * Messages still lost so show as a gap in the consumer's sequence
 * (rt_nconn_cseq).
 */
natsStatus rt_nconn_fetch(natsMsgList *l, natsSubscription *sub,
    natsConnection *nc, int batch, int64_t timeout_ms, jsErrCode *jerr);

/* The stream and consumer sequences of m (0, 0 when it has none), and
 * into *pending (unless NULL) the messages after it at its delivery. */
void rt_nconn_seqs(natsMsg *m, uint64_t *stream, uint64_t *consumer,
    uint64_t *pending);

/* A pull subscription keeps every message fetched: no pending limits
 * (a fetch bounds what comes; the client's default limits would drop
 * messages of a large batch, a gap rt_nconn_seqs shows). */
void rt_nconn_nodrop(natsSubscription *sub);

const char *rt_nconn_err(natsStatus s, jsErrCode jerr, char *err,
    size_t errlen);

/* Microseconds on the monotonic clock; sleep for us microseconds. */
int64_t rt_nconn_now(void);
void rt_nconn_sleep(int64_t us);

#endif
