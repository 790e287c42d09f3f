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
 * NULL or the reason. */
const char *rt_nconn_create(struct rt_nconn *c, const char *name,
    const char **subj, int n, int replicas, int64_t dup_us, char *err,
    size_t errlen);

/* A NATS status and JetStream error code as text, into err. */
const char *rt_nconn_err(natsStatus s, jsErrCode jerr, char *err,
    size_t errlen);

/* Microseconds on the monotonic clock; sleep for us microseconds. */
int64_t rt_nconn_now(void);
void rt_nconn_sleep(int64_t us);

#endif
