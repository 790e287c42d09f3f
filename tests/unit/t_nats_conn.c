/*
 * t_nats_conn.c - lib/nats_conn.c against a nats-server of its own
 * (127.0.0.1, a free port, JetStream, user and password): the server
 * list, connecting, a port with no server (retries with backoff, then
 * the reason), an authentication failure not retried, the connection
 * back by itself after the server restarts, streams found and created
 * (an existing one kept, a refused one worded), fetches with their
 * sequences, no pending limits, the error text, the clock.
 */
#define _XOPEN_SOURCE 700	/* nftw, in natsrv.h */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nats_conn.h"
#include "natsrv.h"
#include "tap.h"

#define USER "rt"
#define PASS "s3cret"

/* A connection to url that waits at most wait_us: NULL or the reason. */
static const char *
open_to(struct rt_nconn *c, const char *url, int64_t wait_us, char *err,
    size_t n)
{
	struct rt_nconf f;

	memset(&f, 0, sizeof f);
	f.servers = url;
	f.wait_us = wait_us;
	f.name = "t_nats_conn";
	return rt_nconn_open(c, &f, err, n);
}

static void
test_servers(void)
{
	struct rt_nconf f = { 0 };

	unsetenv("NATS_URL");
	is_str(rt_nconf_servers(&f), "nats://127.0.0.1:4222",
	    "no --server, no $NATS_URL: the default");
	setenv("NATS_URL", "nats://h1:4000,nats://h2:4000", 1);
	is_str(rt_nconf_servers(&f), "nats://h1:4000,nats://h2:4000",
	    "$NATS_URL");
	f.servers = "";
	is_str(rt_nconf_servers(&f), "nats://h1:4000,nats://h2:4000",
	    "an empty --server: $NATS_URL");
	f.servers = "nats://h3:1";
	is_str(rt_nconf_servers(&f), "nats://h3:1",
	    "--server before $NATS_URL");
	setenv("NATS_URL", "", 1);
	f.servers = NULL;
	is_str(rt_nconf_servers(&f), "nats://127.0.0.1:4222",
	    "an empty $NATS_URL: the default");
	unsetenv("NATS_URL");
}

static void
test_connect(void)
{
	struct rt_nconn c;
	char err[300], url[200], got[200];
	const char *r;

	r = open_to(&c, natsrv.url, 2000000, err, sizeof err);
	ok(r == NULL, "connected to the server");
	if (r)
		diag("%s", r);
	ok(c.nc != NULL && c.js != NULL && c.tries == 1,
	    "  a connection and a JetStream context, at the first try (%d)",
	    c.tries);
	ok(c.nc && natsConnection_Status(c.nc) == NATS_CONN_STATUS_CONNECTED,
	    "  connected");
	rt_nconn_close(&c);
	ok(c.nc == NULL && c.js == NULL, "closed: nothing left");
	rt_nconn_close(&c);
	ok(c.nc == NULL, "closed twice");

	/* A list: an empty item skipped, a dead server passed over. */
	snprintf(url, sizeof url, "nats://127.0.0.1:%d,,%s", natsrv_free_port(),
	    natsrv.url);
	r = open_to(&c, url, 0, err, sizeof err);
	got[0] = '\0';
	if (r == NULL)
		natsConnection_GetConnectedUrl(c.nc, got, sizeof got);
	ok(r == NULL && c.tries == 1,
	    "a list with a dead server and an empty item: connected (%s)",
	    r ? r : "at once");
	is_str(got, natsrv.url, "  to the live one");
	rt_nconn_close(&c);
}

/* A port with no server: tried at 0, 100 and 300 ms (backoff 100 ms,
 * doubling), then not again, since 700 ms would be past 450. */
static void
test_no_server(void)
{
	struct rt_nconn c;
	char err[300], url[64], want[300];
	int64_t t0, dt;
	const char *r;

	snprintf(url, sizeof url, "nats://127.0.0.1:%d", natsrv_free_port());
	snprintf(want, sizeof want, "cannot connect to '%s': No server "
	    "available for connection (gave up retrying)", url);
	t0 = rt_nconn_now();
	r = open_to(&c, url, 450000, err, sizeof err);
	dt = rt_nconn_now() - t0;
	ok(r == err, "no server: the reason, in err");
	is_str(err, want, "  worded");
	ok(c.tries == 3, "  tried 3 times within 450 ms (%d)", c.tries);
	ok(dt >= 300000 && dt < 450000, "  gave up after 300 ms (%lld us)",
	    (long long)dt);
	ok(c.nc == NULL && c.js == NULL, "  left closed");

	t0 = rt_nconn_now();
	r = open_to(&c, url, 0, err, sizeof err);
	dt = rt_nconn_now() - t0;
	ok(r != NULL && c.tries == 1 && dt < 100000,
	    "a timeout of 0: one try (%d), no wait (%lld us)", c.tries,
	    (long long)dt);
	is_str(err, want, "  worded the same");
}

static void
test_auth(void)
{
	struct rt_nconn c;
	struct rt_nconf f;
	char err[300], want[300];
	int64_t t0, dt;
	const char *r;

	t0 = rt_nconn_now();
	r = open_to(&c, natsrv.bare, 3000000, err, sizeof err);
	dt = rt_nconn_now() - t0;
	snprintf(want, sizeof want, "cannot connect to '%s': Authorization "
	    "Violation", natsrv.bare);
	ok(r != NULL && c.tries == 1 && dt < 1000000,
	    "no password: not retried (%d tries, %lld us)", c.tries,
	    (long long)dt);
	is_str(err, want, "  worded");
	ok(c.nc == NULL && c.js == NULL, "  left closed");

	memset(&f, 0, sizeof f);
	f.servers = natsrv.url;
	f.nkey = "UPUBKEYWITHOUTSEED";
	r = rt_nconn_open(&c, &f, err, sizeof err);
	ok(r != NULL && c.tries == 0, "--nkey without ':': refused untried");
	is_str(err, "--nkey: expected PUBKEY:SEEDFILE", "  worded");
}

/* The stream's configuration as created: subjects, storage, replicas,
 * duplicate window in ns, direct gets.  Into b. */
static void
stream_desc(struct rt_nconn *c, const char *name, char *b, size_t n)
{
	jsStreamInfo *si = NULL;
	size_t k;
	int i;

	b[0] = '\0';
	if (js_GetStreamInfo(&si, c->js, name, NULL, NULL) != NATS_OK)
		return;
	k = 0;
	for (i = 0; i < si->Config->SubjectsLen && k < n; i++)
		k += (size_t)snprintf(b + k, n - k, "%s ",
		    si->Config->Subjects[i]);
	if (k < n)
		snprintf(b + k, n - k, "%s r%lld dup %lld direct %d",
		    si->Config->Storage == js_FileStorage ? "file" : "memory",
		    (long long)si->Config->Replicas,
		    (long long)si->Config->Duplicates,
		    (int)si->Config->AllowDirect);
	jsStreamInfo_Destroy(si);
}

static void
test_streams(struct rt_nconn *c)
{
	const char *sv[] = { "t.a", "t.b.*" }, *other[] = { "u.x" };
	const char *clash[] = { "t.b.1" }, *r;
	char err[300], desc[300];

	err[0] = '\0';
	ok(rt_nconn_stream(c, "S1", err, sizeof err) == 0 && err[0] == '\0',
	    "a missing stream: 0");
	r = rt_nconn_create(c, "S1", sv, 2, 1, 3000000, err, sizeof err);
	ok(r == NULL, "created (%s)", r ? r : "no error");
	ok(rt_nconn_stream(c, "S1", err, sizeof err) == 1, "  then found");
	stream_desc(c, "S1", desc, sizeof desc);
	is_str(desc, "t.a t.b.* file r1 dup 3000000000 direct 1",
	    "  subjects, file storage, 1 replica, 3 s window, direct");
	r = rt_nconn_create(c, "S1", other, 1, 1, 5000000, err, sizeof err);
	stream_desc(c, "S1", desc, sizeof desc);
	ok(r == NULL, "created again: no error");
	is_str(desc, "t.a t.b.* file r1 dup 3000000000 direct 1",
	    "  the existing stream kept as it was");

	r = rt_nconn_create(c, "S2", clash, 1, 1, 1000000, err, sizeof err);
	ok(r == err, "subjects of another stream: refused");
	is_str(err, "subjects overlap with an existing stream (JetStream "
	    "error 10065)", "  worded");
	ok(rt_nconn_stream(c, "S2", err, sizeof err) == 0, "  not made");
	r = rt_nconn_create(c, "S3", other, 1, 3, 1000000, err, sizeof err);
	ok(r == err, "3 replicas on one server: refused");
	is_str(err, "replicas > 1 not supported in non-clustered mode "
	    "(JetStream error 10074)", "  worded");
}

/* Fetch at most n of sub (waiting at most 2 s) and append each
 * message as "data:stream/consumer/pending " to b; the count, or -1. */
static int
fetch_seqs(struct rt_nconn *c, natsSubscription *sub, int n, char *b,
    size_t len)
{
	natsMsgList l = { 0 };
	jsErrCode jerr = 1;
	uint64_t s1, c1, pend;
	size_t k;
	int i;

	if (rt_nconn_fetch(&l, sub, c->nc, n, 2000, &jerr) != NATS_OK ||
	    jerr != 0)
		return -1;
	for (i = 0; i < l.Count; i++) {
		/* The last without pending: NULL is allowed. */
		pend = 99;
		rt_nconn_seqs(l.Msgs[i], &s1, &c1, i + 1 < l.Count ? &pend :
		    NULL);
		k = strlen(b);
		snprintf(b + k, len - k, "%.*s:%llu/%llu/%llu ",
		    natsMsg_GetDataLength(l.Msgs[i]),
		    natsMsg_GetData(l.Msgs[i]),
		    (unsigned long long)s1, (unsigned long long)c1,
		    (unsigned long long)pend);
	}
	natsMsgList_Destroy(&l);
	return i;
}

/* Five messages on t.a, fetched 3 and 2, with their sequences; then a
 * fetch that waits 150 ms for nothing. */
static void
test_fetch(struct rt_nconn *c)
{
	natsSubscription *sub = NULL;
	natsMsgList l = { 0 };
	char m[8], seqs[128] = "";
	int i, ml = 0, bl = 0, bad = 0, n;
	int64_t t0, dt;
	natsStatus s;

	for (i = 1; i <= 5; i++) {
		snprintf(m, sizeof m, "m%d", i);
		bad += js_Publish(NULL, c->js, "t.a", m, 2, NULL, NULL) !=
		    NATS_OK;
	}
	ok(bad == 0, "5 messages published");
	if (js_PullSubscribe(&sub, c->js, "t.a", NULL, NULL, NULL, NULL) !=
	    NATS_OK) {
		ok(0, "a pull subscription");
		return;
	}
	natsSubscription_GetPendingLimits(sub, &ml, &bl);
	ok(ml == 65536, "the client's pending limit before: %d", ml);
	rt_nconn_nodrop(sub);
	natsSubscription_GetPendingLimits(sub, &ml, &bl);
	ok(ml == -1 && bl == -1, "nodrop: no pending limits (%d, %d)", ml, bl);

	n = fetch_seqs(c, sub, 3, seqs, sizeof seqs);
	ok(n == 3, "a fetch of 3: 3 messages (%d)", n);
	n = fetch_seqs(c, sub, 3, seqs, sizeof seqs);
	ok(n == 2, "the next fetch: the 2 left (%d)", n);
	is_str(seqs, "m1:1/1/4 m2:2/2/3 m3:3/3/99 m4:4/4/1 m5:5/5/99 ",
	    "  stream/consumer sequences, and the messages after");

	t0 = rt_nconn_now();
	s = rt_nconn_fetch(&l, sub, c->nc, 3, 150, NULL);
	dt = rt_nconn_now() - t0;
	ok(s == NATS_TIMEOUT && l.Count == 0, "nothing more: NATS_TIMEOUT (%s)",
	    natsStatus_GetText(s));
	ok(dt >= 140000 && dt < 1500000, "  after waiting 150 ms (%lld us)",
	    (long long)dt);
	natsMsgList_Destroy(&l);
	natsSubscription_Destroy(sub);
}

static void
test_seqs_plain(void)
{
	natsMsg *m = NULL;
	uint64_t s1 = 7, c1 = 7, pend = 9;

	natsMsg_Create(&m, "t.a", NULL, "x", 1);
	rt_nconn_seqs(m, &s1, &c1, &pend);
	ok(s1 == 0 && c1 == 0 && pend == 9,
	    "a message not from JetStream: sequences 0, pending untouched");
	natsMsg_Destroy(m);
}

/* The server stopped and started again on its port: the connection
 * comes back by itself, the stream still there. */
static void
test_reconnect(struct rt_nconn *c)
{
	char err[300];
	int i, st = -1;

	natsrv_stop();
	for (i = 0; i < 200; i++) {
		if ((st = natsConnection_Status(c->nc)) !=
		    NATS_CONN_STATUS_CONNECTED)
			break;
		rt_nconn_sleep(10000);
	}
	ok(st == NATS_CONN_STATUS_RECONNECTING,
	    "the server gone: reconnecting (status %d)", st);
	if (natsrv_start(natsrv.port) == -1) {
		ok(0, "the server started again");
		return;
	}
	for (i = 0; i < 500; i++) {
		if ((st = natsConnection_Status(c->nc)) ==
		    NATS_CONN_STATUS_CONNECTED)
			break;
		rt_nconn_sleep(10000);
	}
	ok(st == NATS_CONN_STATUS_CONNECTED,
	    "the server back: connected again by itself (status %d)", st);
	ok(rt_nconn_stream(c, "S1", err, sizeof err) == 1,
	    "  the stream still there");
}

struct errcase {
	char a[200], b[200];
};

/* In a thread of its own: no last error of the client's yet. */
static void *
err_thread(void *arg)
{
	struct errcase *e = arg;

	rt_nconn_err(NATS_TIMEOUT, 0, e->a, sizeof e->a);
	rt_nconn_err(NATS_NOT_FOUND, 10059, e->b, sizeof e->b);
	return NULL;
}

static void
test_err(struct rt_nconn *c)
{
	struct errcase e;
	pthread_t t;
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	const char *sv[] = { "e.x" };
	natsStatus s;
	char err[200], small[8];

	memset(&e, 0, sizeof e);
	if (pthread_create(&t, NULL, err_thread, &e) == 0)
		pthread_join(t, NULL);
	is_str(e.a, "Timeout", "no error text: the status's");
	is_str(e.b, "Not Found (JetStream error 10059)",
	    "  with a JetStream error code");
	jsStreamConfig_Init(&cfg);
	cfg.Name = "E";
	cfg.Subjects = sv;
	cfg.SubjectsLen = 1;
	cfg.Replicas = 2;
	s = js_AddStream(&si, c->js, &cfg, NULL, &jerr);
	is_str(rt_nconn_err(s, jerr, err, sizeof err),
	    "replicas > 1 not supported in non-clustered mode (JetStream "
	    "error 10074)", "the client's text, its source position cut off");
	is_str(rt_nconn_err(s, 0, err, sizeof err),
	    "replicas > 1 not supported in non-clustered mode",
	    "  without a JetStream error code");
	is_str(rt_nconn_err(s, jerr, small, sizeof small), "replica",
	    "  cut to the buffer");
}

static void
test_clock(void)
{
	int64_t t0 = rt_nconn_now(), dt;

	rt_nconn_sleep(50000);
	dt = rt_nconn_now() - t0;
	ok(t0 > 0 && dt >= 50000 && dt < 1000000, "slept 50 ms (%lld us)",
	    (long long)dt);
}

int
main(void)
{
	struct rt_nconn c;
	char err[300];

	test_servers();
	test_clock();
	if (natsrv_setup("t_nats_conn", USER, PASS) == -1) {
		ok(0, "nats-server started on 127.0.0.1");
		return done_testing();
	}
	test_connect();
	test_no_server();
	test_auth();
	if (open_to(&c, natsrv.url, 2000000, err, sizeof err) != NULL) {
		ok(0, "connected: %s", err);
	} else {
		test_streams(&c);
		test_fetch(&c);
		test_seqs_plain();
		test_err(&c);
		test_reconnect(&c);
		rt_nconn_close(&c);
	}
	nats_Close();
	return done_testing();
}
