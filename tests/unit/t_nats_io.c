/*
 * t_nats_io.c - lib/nats_io.c, rt-nats pub and sub, against a
 * nats-server of its own (127.0.0.1, a free port, JetStream), each run
 * in a child process (child.h) with its input, output and --stats
 * caught: records into one message or by key into partitions in
 * batches, rejects, a re-run all duplicates (deterministic msg-ids), a
 * missing stream worded; sub in stream order, per partition, from a
 * sequence, durable consumers going on and starting again.  The parent
 * never uses the NATS client (a child of a process that has its threads
 * could not).
 */
#define _XOPEN_SOURCE 700	/* nftw, in natsrv.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "nats_io.h"
#include "nats_part.h"
#include "natsrv.h"
#include "tap.h"

static void
usage(void)
{
}

/* A child's tool: rt_cli started on standard input, --stats on. */
static struct rt_cli *
tool(void)
{
	static struct rt_cli cli;

	rt_cli_init(&cli, "rt-nats", usage, NULL);
	cli.no_sandbox = 1;
	cli.stats = 1;
	return &cli;
}

static void
connect_or_exit(struct rt_nconn *c)
{
	struct rt_nconf f = { 0 };
	char err[300];

	f.servers = natsrv.url;
	f.wait_us = 2000000;
	if (rt_nconn_open(c, &f, err, sizeof err) != NULL) {
		fprintf(stderr, "connect: %s\n", err);
		exit(3);
	}
}

/* The streams: IO (io.>) and SEQ (sq), a 60 s duplicate window. */
static void
streams_child(void *arg)
{
	const char *io[] = { "io.>" }, *sq[] = { "sq" };
	struct rt_nconn c;
	char err[300];

	(void)arg;
	connect_or_exit(&c);
	if (rt_nconn_create(&c, "IO", io, 1, 1, 60000000, err, sizeof err) ||
	    rt_nconn_create(&c, "SEQ", sq, 1, 1, 60000000, err, sizeof err))
		fprintf(stderr, "create: %s\n", err);
	rt_nconn_close(&c);
	nats_Close();
}

static void
pub_child(void *arg)
{
	static char *argv[] = { "rt-nats", NULL };
	struct rt_npubopt *o = arg;
	struct rt_cli *cli = tool();
	struct rt_nconn c;
	char err[300];
	int rc;

	alarm(10);	/* a run that hangs ends, and fails its checks */
	cli->nowait = 1;
	cli->ctl_sink = 1;
	rt_cli_start(cli, 1, argv, 1);
	connect_or_exit(&c);
	rc = rt_nats_pub(cli, &c, o, err, sizeof err);
	fprintf(stderr, "pub %d%s%s\n", rc, rc ? ": " : "", rc ? err : "");
	rc = rt_cli_finish(cli);
	rt_nconn_close(&c);
	nats_Close();
	exit(rc);
}

static void
sub_child(void *arg)
{
	static char *argv[] = { "rt-nats", NULL };
	struct rt_nsubopt *o = arg;
	struct rt_cli *cli = tool();
	struct rt_nconn c;
	char err[300];
	const char *r;
	int rc;

	alarm(10);
	rt_cli_start(cli, 1, argv, 1);
	connect_or_exit(&c);
	r = rt_nats_sub(cli, &c, o, err, sizeof err);
	fprintf(stderr, "sub %s\n", r ? r : "done");
	rc = rt_cli_finish(cli);
	rt_nconn_close(&c);
	nats_Close();
	exit(rc);
}

#define STATS(in, out, rej) "{\"tool\":\"rt-nats\",\"in\":" #in \
	",\"out\":" #out ",\"rejected\":" #rej ",\"dropped\":0"

/* rt-nats pub of in with o: exit status (1: records rejected) and
 * stderr checked. */
static void
pub(struct rt_npubopt *o, const char *in, int status, const char *err,
    const char *what)
{
	struct child r = { 0 };

	child_run(&r, pub_child, o, in);
	ok(r.status == status, "%s: exit %d", what, r.status);
	is_str(r.err.p, err, "  the result, rejects and --stats");
	child_release(&r);
}

/* rt-nats sub with o: stdout and stderr checked. */
static void
sub(struct rt_nsubopt *o, const char *out, const char *err, const char *what)
{
	struct child r = { 0 };

	child_run(&r, sub_child, o, NULL);
	ok(r.status == 0, "%s: exit %d", what, r.status);
	is_str(r.out.p, out, "  the records");
	is_str(r.err.p, err, "  the result and --stats");
	child_release(&r);
}

static const char five[] = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n"
    "{\"n\":5}\n";

static void
test_plain(void)
{
	struct rt_npubopt o = { "io.all", NULL, NULL, 1, 65536, 5000 };
	struct rt_nsubopt so = { "IO", "io.all", NULL, 0, 0, 0 };

	pub(&o, five, 0, "pub 0\n" STATS(5, 5, 0) ",\"messages\":1,"
	    "\"duplicates\":0,\"duplicate_records\":0,\"retried\":0,"
	    "\"failed\":0}\n", "5 records, no key");
	sub(&so, five, "sub done\n" STATS(5, 5, 0) "}\n", "  read back");
	so.subject = "io.none";
	sub(&so, "", "sub done\n" STATS(0, 0, 0) "}\n",
	    "a subject with no messages: nothing");
}

/* Ten good records keyed k with ids, and four bad ones. */
static const char *const keyed[] = {
	"{\"k\":\"a\",\"id\":1}", "{\"k\":\"b\",\"id\":2}",
	"{\"k\":\"c\",\"id\":3}", "{\"k\":\"a\",\"id\":4}",
	"{\"k\":\"d\",\"id\":5}", "{\"k\":\"a\",\"id\":6}",
	"{\"k\":\"b\",\"id\":7}", "{\"k\":\"e\",\"id\":8}",
	"{\"k\":\"a\",\"id\":9}", "{\"k\":\"c\",\"id\":10}",
};

static void
keyed_input(struct rt_buf *in)
{
	size_t i;

	for (i = 0; i < 10; i++) {
		rt_buf_adds(in, keyed[i]);
		rt_buf_addc(in, '\n');
		if (i == 2)
			rt_buf_adds(in, "[1]\n{\"id\":99}\n");
		if (i == 6)
			rt_buf_adds(in, "{\"k\":\"z\"}\n{bad\n");
	}
	rt_buf_cstr(in);
}

/* The records of partition p of 4, in input order, and (in *msgs)
 * their messages of at most two records each. */
static void
part_of(uint32_t p, struct rt_buf *out, int *msgs)
{
	size_t i;
	int n = 0;

	out->len = 0;
	for (i = 0; i < 10; i++)
		if (rt_npart_of(keyed[i] + 6, 1, 4) == p) {
			rt_buf_adds(out, keyed[i]);
			rt_buf_addc(out, '\n');
			n++;
		}
	rt_buf_cstr(out);
	*msgs += (n + 1) / 2;
}

static void
test_keyed(void)
{
	/* 16-17 bytes a record: two to a batch of 40. */
	struct rt_npubopt o = { "io.k", "k", "id", 4, 40, 5000 };
	struct rt_nsubopt so = { "IO", NULL, NULL, 0, 0, 0 };
	struct rt_buf in = RT_BUF_INIT, want = RT_BUF_INIT, err = RT_BUF_INIT;
	char subj[16], what[64], stats[400];
	const char *rej;
	uint32_t p;
	int msgs = 0;

	keyed_input(&in);
	for (p = 0; p < 4; p++)
		part_of(p, &want, &msgs);
	rej = "rt-nats: stdin:4: not a JSON object\n"
	    "rt-nats: stdin:5: k: key field missing\n"
	    "rt-nats: stdin:10: id: --msg-id field missing\n"
	    "rt-nats: stdin:11: invalid JSON: expected a string key at "
	    "byte 2\n";
	snprintf(stats, sizeof stats, "%spub 0\n" STATS(14, 10, 4)
	    ",\"messages\":%d,\"duplicates\":0,\"duplicate_records\":0,"
	    "\"retried\":0,\"failed\":0}\n", rej, msgs);
	pub(&o, in.p, 1, stats, "10 records by key into 4 partitions, 4 bad");
	snprintf(stats, sizeof stats, "%spub 0\n" STATS(14, 10, 4)
	    ",\"messages\":%d,\"duplicates\":%d,\"duplicate_records\":10,"
	    "\"retried\":0,\"failed\":0}\n", rej, msgs, msgs);
	pub(&o, in.p, 1, stats,
	    "the same again: all duplicates (the same ids)");
	for (p = 0; p < 4; p++) {
		msgs = 0;
		part_of(p, &want, &msgs);
		snprintf(subj, sizeof subj, "io.k.%u", p);
		so.subject = subj;
		err.len = 0;
		rt_buf_adds(&err, "sub done\n{\"tool\":\"rt-nats\",\"in\":");
		rt_buf_addu(&err, rt_npart_lines(want.p, want.len));
		rt_buf_adds(&err, ",\"out\":");
		rt_buf_addu(&err, rt_npart_lines(want.p, want.len));
		rt_buf_adds(&err, ",\"rejected\":0,\"dropped\":0}\n");
		rt_buf_cstr(&err);
		snprintf(what, sizeof what, "partition %u: its records once, "
		    "in order", p);
		sub(&so, want.p, err.p, what);
	}
	rt_buf_release(&in);
	rt_buf_release(&want);
	rt_buf_release(&err);
}

/* No stream takes the subject: given up after ack_wait_ms. */
static void
test_missing(void)
{
	struct rt_npubopt o = { "nostream", NULL, NULL, 1, 65536, 700 };
	struct child r = { 0 };
	const char *want = "pub -1: 1 message(s) not stored: No responders "
	    "available for request\n" STATS(1, 0, 0) ",\"messages\":0,"
	    "\"duplicates\":0,\"duplicate_records\":0,\"retried\":";
	const char *e;
	int64_t t0 = rt_nconn_now(), dt;

	child_run(&r, pub_child, &o, "{\"n\":1}\n");
	dt = rt_nconn_now() - t0;
	e = r.err.p ? strstr(r.err.p, ",\"failed\":1}\n") : NULL;
	ok(r.status == 0, "a missing stream: exit %d", r.status);
	ok(r.err.p && strncmp(r.err.p, want, strlen(want)) == 0 && e &&
	    e[13] == '\0', "  1 message not stored, worded");
	if (!r.err.p || strncmp(r.err.p, want, strlen(want)) != 0)
		diag("got '%s'", r.err.p);
	ok(dt >= 700000 && dt < 3000000, "  given up after 700 ms (%lld us)",
	    (long long)dt);
	child_release(&r);
}

static void
test_seq(void)
{
	struct rt_npubopt o = { "sq", NULL, "n", 1, 16, 5000 };
	struct rt_nsubopt so = { "SEQ", "sq", NULL, 2, 0, 0 };
	static const char six[] = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"
	    "{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n";

	pub(&o, six, 0, "pub 0\n" STATS(6, 6, 0) ",\"messages\":3,"
	    "\"duplicates\":0,\"duplicate_records\":0,\"retried\":0,"
	    "\"failed\":0}\n", "6 records in messages of 2");
	sub(&so, six + 16, "sub done\n" STATS(4, 4, 0) "}\n",
	    "from the second message");
	so.from_seq = 0;
	so.durable = "d1";
	sub(&so, six, "sub done\n" STATS(6, 6, 0) "}\n",
	    "a durable consumer: everything");
	sub(&so, "", "sub done\n" STATS(0, 0, 0) "}\n",
	    "  again: nothing more");
	so.from_start = 1;
	sub(&so, six, "sub done\n" STATS(6, 6, 0) "}\n",
	    "  from the start: everything again");
	so.from_start = 0;
	so.from_seq = 3;
	sub(&so, six + 32, "sub done\n" STATS(2, 2, 0) "}\n",
	    "  from the third message");
	so.from_seq = 0;
	sub(&so, "", "sub done\n" STATS(0, 0, 0) "}\n",
	    "  again: nothing more");
	pub(&o, "{\"n\":7}\n{\"n\":8}\n", 0, "pub 0\n" STATS(2, 2, 0)
	    ",\"messages\":1,\"duplicates\":0,\"duplicate_records\":0,"
	    "\"retried\":0,\"failed\":0}\n", "2 records more");
	sub(&so, "{\"n\":7}\n{\"n\":8}\n", "sub done\n" STATS(2, 2, 0)
	    "}\n", "  the durable consumer: those 2");
	so.durable = NULL;
	so.from_seq = 100;
	sub(&so, "", "sub done\n" STATS(0, 0, 0) "}\n",
	    "from past the end: nothing");
	so.from_seq = 0;
	so.stream = "NOPE";
	sub(&so, "", "sub stream not found (JetStream error 10059)\n"
	    STATS(0, 0, 0) "}\n", "a missing stream");
}

int
main(void)
{
	struct child r = { 0 };

	if (natsrv_setup("t_nats_io", NULL, NULL) == -1) {
		ok(0, "nats-server started on 127.0.0.1");
		return done_testing();
	}
	child_run(&r, streams_child, NULL, NULL);
	if (!ok(r.status == 0 && r.err.p && r.err.p[0] == '\0',
	    "streams IO and SEQ made"))
		diag("%s", r.err.p);
	child_release(&r);
	test_plain();
	test_keyed();
	test_missing();
	test_seq();
	return done_testing();
}
