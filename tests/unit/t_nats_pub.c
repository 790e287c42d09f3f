/*
 * t_nats_pub.c - lib/nats_pub.c against a nats-server of its own
 * (127.0.0.1, a free port, JetStream): batches published with their
 * acks and records counted, msg-ids and headers stored, a re-publish
 * counted as duplicates, ordered sends waiting for the one before,
 * a missing stream (tried again, then failed, worded), a stream that
 * refuses (not tried again), a server that stops answering (the
 * publish taken back after ack_wait_ms and sent again: one copy
 * stored), the wait for order given up or cancelled, a closed
 * connection.
 */
#define _XOPEN_SOURCE 700	/* nftw, in natsrv.h */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "nats_conn.h"
#include "nats_pub.h"
#include "natsrv.h"
#include "tap.h"

static struct rt_nconn conn;

/* A publisher p with a context of its own on conn (*js). */
static int
pub_new(struct rt_npub *p, jsCtx **js)
{
	jsOptions jo;

	jsOptions_Init(&jo);
	jo.PublishAsync.AckHandler = rt_npub_ack;
	jo.PublishAsync.AckHandlerClosure = p;
	jo.PublishAsync.StallWait = 10000;
	if (natsConnection_JetStream(js, conn.nc, &jo) != NATS_OK) {
		ok(0, "a JetStream context");
		return -1;
	}
	rt_npub_init(p, *js);
	return 0;
}

static void
pub_free(struct rt_npub *p, jsCtx *js)
{
	jsCtx_Destroy(js);
	rt_npub_release(p);
}

/* p's counts as text, into b. */
static const char *
counts(struct rt_npub *p, char *b, size_t n)
{
	pthread_mutex_lock(&p->mu);
	snprintf(b, n, "sent %llu stored %llu dups %llu failed %llu "
	    "retried %llu recs %llu/%llu inflight %llu retry %d",
	    (unsigned long long)p->sent, (unsigned long long)p->stored,
	    (unsigned long long)p->dups, (unsigned long long)p->failed,
	    (unsigned long long)p->retried,
	    (unsigned long long)p->stored_recs,
	    (unsigned long long)p->dup_recs,
	    (unsigned long long)p->inflight, p->nretry);
	pthread_mutex_unlock(&p->mu);
	return b;
}

static int
is_counts(struct rt_npub *p, const char *want, const char *name)
{
	char b[200];

	return is_str(counts(p, b, sizeof b), want, name);
}

/* The messages stream holds now. */
static long long
stream_msgs(const char *stream)
{
	jsStreamInfo *si = NULL;
	long long n = -1;

	if (js_GetStreamInfo(&si, conn.js, stream, NULL, NULL) == NATS_OK) {
		n = (long long)si->State.Msgs;
		jsStreamInfo_Destroy(si);
	}
	return n;
}

static const char *
hdr(natsMsg *m, const char *name)
{
	const char *v = NULL;

	return natsMsgHeader_Get(m, name, &v) == NATS_OK && v ? v : "-";
}

/* Message seq of stream as "subject data id=.. out=.. try=..", the
 * newlines of its data shown as '|'; into b. */
static const char *
stored(const char *stream, uint64_t seq, char *b, size_t n)
{
	natsMsg *m = NULL;
	const char *d;
	size_t k = 0;
	int i;

	b[0] = '\0';
	if (js_GetMsg(&m, conn.js, stream, seq, NULL, NULL) != NATS_OK)
		return b;
	k = (size_t)snprintf(b, n, "%s ", natsMsg_GetSubject(m));
	d = natsMsg_GetData(m);
	for (i = 0; i < natsMsg_GetDataLength(m) && k + 1 < n; i++)
		b[k++] = d[i] == '\n' ? '|' : d[i];
	snprintf(b + k, n - k, " id=%s out=%s try=%s", hdr(m, "Nats-Msg-Id"),
	    hdr(m, "Rt-Out"), hdr(m, "Rt-Try"));
	natsMsg_Destroy(m);
	return b;
}

static void
test_defaults(struct rt_npub *p)
{
	char b[200];

	snprintf(b, sizeof b, "ack %lld tries %d ordered %d order %lld",
	    (long long)p->ack_wait_ms, p->max_tries, p->ordered,
	    (long long)p->order_wait_ms);
	is_str(b, "ack 5000 tries 150 ordered 1 order 30000", "defaults");
	is_counts(p, "sent 0 stored 0 dups 0 failed 0 retried 0 recs 0/0 "
	    "inflight 0 retry 0", "  nothing counted yet");
	ok(p->lasterr[0] == '\0' && p->cancel == NULL, "  no error, no cancel");
}

static const struct {
	const char *id, *data;
} batches[] = {
	{ "m1", "{\"a\":1}\n{\"a\":2}\n" },
	{ "m2", "{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n" },
	{ "m3", "{\"a\":6}" },		/* a last line without "\n" */
};

/* Send the three batches: how many sends returned 0; *waited whether
 * each send after the first found the one before it stored. */
static int
send_batches(struct rt_npub *p, int *waited)
{
	int i, good = 0;

	*waited = 1;
	for (i = 0; i < 3; i++) {
		good += rt_npub_send(p, "p.0", batches[i].id, i == 0 ?
		    "Rt-Out" : NULL, "0 2", batches[i].data,
		    strlen(batches[i].data)) == 0;
		pthread_mutex_lock(&p->mu);
		if (i > 0 && p->stored + p->dups < (uint64_t)i)
			*waited = 0;
		pthread_mutex_unlock(&p->mu);
	}
	return good;
}

static void
test_batches(struct rt_npub *p)
{
	char b[200];
	int waited;

	ok(send_batches(p, &waited) == 3, "3 batches sent");
	ok(waited, "  each after the one before was stored (ordered)");
	ok(rt_npub_wait(p, 5000) == 0, "  all acknowledged");
	is_counts(p, "sent 3 stored 3 dups 0 failed 0 retried 0 recs 6/0 "
	    "inflight 0 retry 0", "  3 stored, 6 records");
	ok(stream_msgs("P") == 3, "  the stream holds 3 (%lld)",
	    stream_msgs("P"));
	is_str(stored("P", 1, b, sizeof b),
	    "p.0 {\"a\":1}|{\"a\":2}| id=m1 out=0 2 try=-",
	    "  the first: its records, msg-id and header");
	is_str(stored("P", 3, b, sizeof b), "p.0 {\"a\":6} id=m3 out=- try=-",
	    "  the last, without a header");

	ok(send_batches(p, &waited) == 3 && rt_npub_wait(p, 5000) == 0,
	    "the same batches again");
	is_counts(p, "sent 6 stored 3 dups 3 failed 0 retried 0 recs 6/6 "
	    "inflight 0 retry 0", "  counted as 3 duplicates of 6 records");
	ok(stream_msgs("P") == 3, "  nothing more stored (%lld)",
	    stream_msgs("P"));

	ok(rt_npub_send(p, "p.1", NULL, NULL, NULL, "x\ny\n", 4) == 0 &&
	    rt_npub_send(p, "p.1", NULL, NULL, NULL, "x\ny\n", 4) == 0 &&
	    rt_npub_wait(p, 5000) == 0, "without a msg-id, twice");
	is_counts(p, "sent 8 stored 5 dups 3 failed 0 retried 0 recs 10/6 "
	    "inflight 0 retry 0", "  both stored");
	is_str(stored("P", 5, b, sizeof b), "p.1 x|y| id=- out=- try=-",
	    "  no msg-id");
	ok(rt_npub_wait(p, 0) == 0, "a wait with nothing in flight: 0");
}

/* 200 messages, not waiting for each other. */
static void
test_unordered(void)
{
	struct rt_npub p;
	jsCtx *js;
	char id[16];
	int i, good = 0;

	if (pub_new(&p, &js) == -1)
		return;
	p.ordered = 0;
	for (i = 0; i < 200; i++) {
		snprintf(id, sizeof id, "u%d", i);
		good += rt_npub_send(&p, "p.2", id, NULL, NULL, "u\n", 2) == 0;
	}
	ok(good == 200, "unordered: 200 sent (%d)", good);
	ok(rt_npub_wait(&p, 10000) == 0, "  all acknowledged");
	is_counts(&p, "sent 200 stored 200 dups 0 failed 0 retried 0 "
	    "recs 200/0 inflight 0 retry 0", "  200 stored");
	ok(stream_msgs("P") == 205, "  the stream holds 205 (%lld)",
	    stream_msgs("P"));
	pub_free(&p, js);
}

/* No stream takes the subject: no responders, tried 3 times 200 ms
 * apart, then failed; the next ordered send is refused. */
static void
test_missing(void)
{
	struct rt_npub p;
	jsCtx *js;
	int64_t t0, dt;

	if (pub_new(&p, &js) == -1)
		return;
	p.max_tries = 3;
	t0 = rt_nconn_now();
	ok(rt_npub_send(&p, "nostream.x", "n1", NULL, NULL, "r\n", 2) == 0,
	    "a missing stream: sent (the ack comes later)");
	ok(rt_npub_wait(&p, 5000) == 0, "  the wait ends: nothing in flight");
	dt = rt_nconn_now() - t0;
	is_counts(&p, "sent 3 stored 0 dups 0 failed 1 retried 2 recs 0/0 "
	    "inflight 0 retry 0", "  tried 3 times, then failed");
	ok(dt >= 400000 && dt < 3000000, "  200 ms apart (%lld us)",
	    (long long)dt);
	is_str(p.lasterr, "No responders available for request", "  worded");
	ok(rt_npub_send(&p, "p.3", "n2", NULL, NULL, "r\n", 2) == -1,
	    "the next ordered send: refused");
	is_counts(&p, "sent 3 stored 0 dups 0 failed 1 retried 2 recs 0/0 "
	    "inflight 0 retry 0", "  not sent");
	is_str(p.lasterr, "No responders available for request",
	    "  the reason kept");
	pub_free(&p, js);
}

/* Stream Q keeps one message and refuses more: not tried again. */
static void
test_refused(void)
{
	struct rt_npub p;
	jsCtx *js;

	if (pub_new(&p, &js) == -1)
		return;
	ok(rt_npub_send(&p, "q", "q1", NULL, NULL, "1\n", 2) == 0 &&
	    rt_npub_send(&p, "q", "q2", NULL, NULL, "2\n", 2) == 0 &&
	    rt_npub_wait(&p, 5000) == 0,
	    "a full stream: 2 sent, the wait ends");
	is_counts(&p, "sent 2 stored 1 dups 0 failed 1 retried 0 recs 1/0 "
	    "inflight 0 retry 0", "  the second refused, not tried again");
	is_str(p.lasterr, "maximum messages exceeded", "  worded");
	ok(stream_msgs("Q") == 1, "  the stream holds 1 (%lld)",
	    stream_msgs("Q"));
	pub_free(&p, js);
}

static int
yes(void *arg)
{
	(void)arg;
	return 1;
}

/* The server stopped (SIGSTOP): no ack in ack_wait_ms, so the publish
 * is taken back and, 200 ms later, sent again.  Once the server goes on
 * it stores the first and finds the second a duplicate (its msg-id). */
static void
test_expire(void)
{
	struct rt_npub p;
	jsCtx *js;
	char b[200];

	if (pub_new(&p, &js) == -1)
		return;
	p.ack_wait_ms = 200;
	kill(natsrv.pid, SIGSTOP);
	ok(rt_npub_send(&p, "p.4", "e1", NULL, NULL, "e\n", 2) == 0,
	    "the server stopped: sent");
	rt_nconn_sleep(300000);
	rt_npub_resend(&p);
	is_counts(&p, "sent 1 stored 0 dups 0 failed 0 retried 0 recs 0/0 "
	    "inflight 0 retry 1", "  no ack in 200 ms: taken back");
	is_str(p.lasterr, "no acknowledgement in time", "  worded");
	rt_npub_resend(&p);
	is_counts(&p, "sent 1 stored 0 dups 0 failed 0 retried 0 recs 0/0 "
	    "inflight 0 retry 1", "  not sent again at once");
	rt_nconn_sleep(250000);
	rt_npub_resend(&p);
	is_counts(&p, "sent 2 stored 0 dups 0 failed 0 retried 1 recs 0/0 "
	    "inflight 1 retry 0", "  sent again 200 ms later");
	kill(natsrv.pid, SIGCONT);
	p.ack_wait_ms = 5000;
	ok(rt_npub_wait(&p, 5000) == 0, "the server back: the wait ends");
	is_counts(&p, "sent 2 stored 0 dups 1 failed 0 retried 1 recs 0/1 "
	    "inflight 0 retry 0", "  the second publish a duplicate");
	ok(stream_msgs("P") == 206, "  one copy stored (%lld)",
	    stream_msgs("P"));
	is_str(stored("P", 206, b, sizeof b), "p.4 e| id=e1 out=- try=-",
	    "  the first publish's");
	pub_free(&p, js);
}

/* The server stopped: an ordered send waits order_wait_ms for the one
 * before, then gives up; a wait is cancelled at once. */
static void
test_order_wait(void)
{
	struct rt_npub p;
	jsCtx *js;
	int64_t t0, dt;
	int r;

	if (pub_new(&p, &js) == -1)
		return;
	p.order_wait_ms = 300;
	kill(natsrv.pid, SIGSTOP);
	ok(rt_npub_send(&p, "p.5", "o1", NULL, NULL, "o\n", 2) == 0,
	    "the server stopped: the first sent");
	t0 = rt_nconn_now();
	r = rt_npub_send(&p, "p.5", "o2", NULL, NULL, "o\n", 2);
	dt = rt_nconn_now() - t0;
	ok(r == -1 && dt >= 300000 && dt < 2000000,
	    "  the second waits 300 ms for it, then gives up (%lld us)",
	    (long long)dt);
	is_str(p.lasterr, "not acknowledged", "  worded");
	p.cancel = yes;
	t0 = rt_nconn_now();
	r = rt_npub_wait(&p, 5000);
	dt = rt_nconn_now() - t0;
	ok(r == -1 && dt < 1000000, "a cancelled wait: -1 at once (%lld us)",
	    (long long)dt);
	p.cancel = NULL;
	kill(natsrv.pid, SIGCONT);
	ok(rt_npub_wait(&p, 5000) == 0, "the server back: the wait ends");
	is_counts(&p, "sent 1 stored 1 dups 0 failed 0 retried 0 recs 1/0 "
	    "inflight 0 retry 0", "  the first stored, the second never sent");
	pub_free(&p, js);
}

/* Released with a message waiting to be sent again: freed (LSan). */
static void
test_release_kept(void)
{
	struct rt_npub p;
	jsCtx *js;
	int i, kept;

	if (pub_new(&p, &js) == -1)
		return;
	rt_npub_send(&p, "nostream.y", "k1", NULL, NULL, "k\n", 2);
	for (i = 0, kept = 0; i < 200 && !kept; i++) {
		rt_nconn_sleep(10000);
		pthread_mutex_lock(&p.mu);
		kept = p.nretry;
		pthread_mutex_unlock(&p.mu);
	}
	is_counts(&p, "sent 1 stored 0 dups 0 failed 0 retried 0 recs 0/0 "
	    "inflight 0 retry 1", "a failed publish kept to be sent again");
	pub_free(&p, js);
}

/* A closed connection: the client refuses the message. */
static void
test_closed(void)
{
	struct rt_nconn c;
	struct rt_nconf f = { 0 };
	struct rt_npub p;
	char err[300];

	f.servers = natsrv.url;
	f.wait_us = 2000000;
	f.ack = rt_npub_ack;
	f.ack_arg = &p;
	if (rt_nconn_open(&c, &f, err, sizeof err) != NULL) {
		ok(0, "a second connection: %s", err);
		return;
	}
	rt_npub_init(&p, c.js);
	ok(rt_npub_send(&p, "p.6", "c1", NULL, NULL, "c\n", 2) == 0 &&
	    rt_npub_wait(&p, 5000) == 0,
	    "acks through rt_nconn_open's handler");
	is_counts(&p, "sent 1 stored 1 dups 0 failed 0 retried 0 recs 1/0 "
	    "inflight 0 retry 0", "  counted");
	natsConnection_Close(c.nc);
	ok(rt_npub_send(&p, "p.6", "c2", NULL, NULL, "c\n", 2) == -1,
	    "the connection closed: refused");
	is_counts(&p, "sent 2 stored 1 dups 0 failed 1 retried 0 recs 1/0 "
	    "inflight 0 retry 0", "  counted as failed, nothing in flight");
	is_str(p.lasterr, "Connection Closed", "  worded");
	rt_nconn_close(&c);
	rt_npub_release(&p);
}

/* Stream P (p.>, a 60 s duplicate window) and Q (q: one message at
 * most, more refused). */
static int
streams(void)
{
	const char *sv[] = { "p.>" }, *qv[] = { "q" };
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	char err[300];

	if (rt_nconn_create(&conn, "P", sv, 1, 1, 60000000, err,
	    sizeof err) != NULL)
		return -1;
	jsStreamConfig_Init(&cfg);
	cfg.Name = "Q";
	cfg.Subjects = qv;
	cfg.SubjectsLen = 1;
	cfg.MaxMsgs = 1;
	cfg.Discard = js_DiscardNew;
	if (js_AddStream(&si, conn.js, &cfg, NULL, NULL) != NATS_OK)
		return -1;
	jsStreamInfo_Destroy(si);
	return 0;
}

int
main(void)
{
	static struct rt_npub p;
	struct rt_nconf f = { 0 };
	char err[300];

	if (natsrv_setup("t_nats_pub", NULL, NULL) == -1) {
		ok(0, "nats-server started on 127.0.0.1");
		return done_testing();
	}
	f.servers = natsrv.url;
	f.wait_us = 2000000;
	f.ack = rt_npub_ack;
	f.ack_arg = &p;
	if (rt_nconn_open(&conn, &f, err, sizeof err) != NULL ||
	    streams() == -1) {
		ok(0, "connected, streams made: %s", err);
		return done_testing();
	}
	rt_npub_init(&p, conn.js);
	test_defaults(&p);
	test_batches(&p);
	test_unordered();
	test_missing();
	test_refused();
	test_expire();
	test_order_wait();
	test_release_kept();
	test_closed();
	rt_npub_release(&p);
	rt_nconn_close(&conn);
	nats_Close();
	return done_testing();
}
