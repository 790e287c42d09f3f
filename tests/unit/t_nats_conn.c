/*
 * t_nats_conn.c - lib/nats_conn.c against a nats-server of its own
 * (127.0.0.1, a free port, JetStream, user and password): the server
 * list, connecting, a port with no server (retries with backoff, then
 * the reason), an authentication failure not retried, the connection
 * back by itself after the server restarts, streams found and created
 * (an existing one kept, a refused one worded), fetches with their
 * sequences, no pending limits, the error text, the clock.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nats_conn.h"
#include "tap.h"

#define USER "rt"
#define PASS "s3cret"

/* The server: its process, port and directory (store and log). */
static struct {
	pid_t pid, owner;
	int port;
	char dir[64], url[96], bare[96];
} srv;

/* A port nothing listens on now (the kernel's pick for port 0). */
static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &n) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int
accepting(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), k;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	k = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return k;
}

/* Run nats-server on port; the log goes to srv.dir/log.  It dies with
 * this process (PR_SET_PDEATHSIG), whatever becomes of the test. */
static void
srv_exec(int port)
{
	char p[16], sd[96], log[96];
	int fd;

	snprintf(p, sizeof p, "%d", port);
	snprintf(sd, sizeof sd, "%s/js", srv.dir);
	snprintf(log, sizeof log, "%s/log", srv.dir);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execlp("nats-server", "nats-server", "-a", "127.0.0.1", "-p", p,
	    "-js", "-sd", sd, "--user", USER, "--pass", PASS, (char *)NULL);
	_exit(127);
}

/* Start the server on port (0: a free one) and wait until it accepts
 * connections: 0, or -1. */
static int
srv_start(int port)
{
	int tries, i, st;

	for (tries = 0; tries < 5; tries++) {
		srv.port = port ? port : free_port();
		if (srv.port <= 0 || (srv.pid = fork()) == -1)
			return -1;
		if (srv.pid == 0)
			srv_exec(srv.port);
		for (i = 0; i < 1000; i++) {	/* 10 s */
			if (accepting(srv.port))
				break;
			if (waitpid(srv.pid, &st, WNOHANG) == srv.pid) {
				srv.pid = 0;	/* the port was taken? */
				break;
			}
			usleep(10000);
		}
		if (srv.pid > 0 && i < 1000)
			break;
		if (srv.pid > 0)
			kill(srv.pid, SIGKILL);
		srv.pid = 0;
	}
	snprintf(srv.url, sizeof srv.url, "nats://" USER ":" PASS
	    "@127.0.0.1:%d", srv.port);
	snprintf(srv.bare, sizeof srv.bare, "nats://127.0.0.1:%d", srv.port);
	return srv.pid > 0 ? 0 : -1;
}

static void
srv_stop(void)
{
	if (srv.pid <= 0)
		return;
	kill(srv.pid, SIGTERM);
	kill(srv.pid, SIGCONT);		/* in case a test stopped it */
	waitpid(srv.pid, NULL, 0);
	srv.pid = 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* At exit, also after a failed check: the server stopped, its
 * directory removed.  Not in a child (one that forked and exits). */
static void
cleanup(void)
{
	if (getpid() != srv.owner)
		return;
	srv_stop();
	if (srv.dir[0])
		nftw(srv.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A test that hangs (or is interrupted): the server killed and its
 * directory removed all the same, with async-signal-safe calls only,
 * and a failed exit.  A child (child.h's) just ends. */
static void
on_alarm(int sig)
{
	static const char msg[] = "Bail out! timed out or interrupted\n";
	pid_t pid;

	(void)sig;
	if (getpid() != srv.owner)
		_exit(124);
	(void)!write(STDOUT_FILENO, msg, sizeof msg - 1);
	if (srv.pid > 0) {
		kill(srv.pid, SIGKILL);
		waitpid(srv.pid, NULL, 0);
	}
	if ((pid = fork()) == 0) {
		execlp("rm", "rm", "-rf", srv.dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	_exit(1);
}

static int
srv_setup(void)
{
	strcpy(srv.dir, "/tmp/t_nats_conn.XXXXXX");
	srv.owner = getpid();
	if (mkdtemp(srv.dir) == NULL) {
		srv.dir[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	signal(SIGALRM, on_alarm);
	signal(SIGINT, on_alarm);
	signal(SIGTERM, on_alarm);
	alarm(60);
	return srv_start(0);
}

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

	r = open_to(&c, srv.url, 2000000, err, sizeof err);
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
	snprintf(url, sizeof url, "nats://127.0.0.1:%d,,%s", free_port(),
	    srv.url);
	r = open_to(&c, url, 0, err, sizeof err);
	got[0] = '\0';
	if (r == NULL)
		natsConnection_GetConnectedUrl(c.nc, got, sizeof got);
	ok(r == NULL && c.tries == 1,
	    "a list with a dead server and an empty item: connected (%s)",
	    r ? r : "at once");
	is_str(got, srv.url, "  to the live one");
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

	snprintf(url, sizeof url, "nats://127.0.0.1:%d", free_port());
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
	r = open_to(&c, srv.bare, 3000000, err, sizeof err);
	dt = rt_nconn_now() - t0;
	snprintf(want, sizeof want, "cannot connect to '%s': Authorization "
	    "Violation", srv.bare);
	ok(r != NULL && c.tries == 1 && dt < 1000000,
	    "no password: not retried (%d tries, %lld us)", c.tries,
	    (long long)dt);
	is_str(err, want, "  worded");
	ok(c.nc == NULL && c.js == NULL, "  left closed");

	memset(&f, 0, sizeof f);
	f.servers = srv.url;
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

	srv_stop();
	for (i = 0; i < 200; i++) {
		if ((st = natsConnection_Status(c->nc)) !=
		    NATS_CONN_STATUS_CONNECTED)
			break;
		rt_nconn_sleep(10000);
	}
	ok(st == NATS_CONN_STATUS_RECONNECTING,
	    "the server gone: reconnecting (status %d)", st);
	if (srv_start(srv.port) == -1) {
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
	if (srv_setup() == -1) {
		ok(0, "nats-server started on 127.0.0.1");
		return done_testing();
	}
	test_connect();
	test_no_server();
	test_auth();
	if (open_to(&c, srv.url, 2000000, err, sizeof err) != NULL) {
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
