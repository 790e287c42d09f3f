/*
 * t_nats_work.c - lib/nats_work.c, one partition of rt-nats run, against
 * a nats-server of its own (127.0.0.1, a free port, JetStream), with the
 * streams and buckets made the way nats_run.c makes them: an owner's
 * pipeline fed its partition's records (the lines that are not JSON to
 * the rejects), its output on O.<p> with contiguous Rt-Out headers and
 * msg-ids, a drain's checkpoint (position, output count, state file)
 * and input ack; the next owner restoring it and going on, each record
 * once; an owner aborted after publishing, the next one skipping that
 * output (duplicates counted, rejects deduplicated); an owner fenced
 * off by another's compare-and-set, lost.  Then rt_nats_run itself in a
 * child process (the parent's NATS client is closed first: a child of a
 * process with the client's threads could not use it), stopped by
 * SIGTERM: two partitions, their output, checkpoints, leases released,
 * exit status and --stats.
 */
#define _XOPEN_SOURCE 700	/* nftw, in natsrv.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nats_ckpt.h"
#include "nats_conn.h"
#include "nats_lease.h"
#include "nats_part.h"
#include "nats_run.h"
#include "nats_work.h"
#include "natsrv.h"
#include "tap.h"

#define SEC 1000000LL

/* A pipeline with a state file: runs, the runs so far, restored. */
#define PIPE "n=$(cat \"$RT_STATE/runs\" 2>/dev/null || echo 0); " \
	"echo $((n + 1)) >\"$RT_STATE/runs\"; exec cat"

static struct rt_nconn conn;
static kvStore *ckpts, *leases;

static void
connect_or_bail(struct rt_nconn *c)
{
	struct rt_nconf f = { 0 };
	char err[300];

	f.servers = natsrv.url;
	f.wait_us = 5 * SEC;
	if (rt_nconn_open(c, &f, err, sizeof err) != NULL) {
		printf("Bail out! connect: %s\n", err);
		exit(1);
	}
}

/* Publish data to subj, waiting for its ack: 1, or 0. */
static int
put(const char *subj, const char *data)
{
	return js_Publish(NULL, conn.js, subj, data, (int)strlen(data), NULL,
	    NULL) == NATS_OK;
}

/* The data of the messages of stream on subj, one after the other, its
 * newlines shown as '|', into b; *hdrs_ok (unless NULL) whether every
 * message carries the Rt-Out header "first n" and the msg-id
 * "subj:first" of the records it holds, numbered on from 0. */
static const char *
text_of(const char *stream, const char *subj, struct rt_buf *b, int *hdrs_ok)
{
	jsStreamInfo *si = NULL;
	natsMsg *m;
	uint64_t seq, last = 0, next = 0, first, n;
	const char *d, *v;
	char id[300];
	int i;

	b->len = 0;
	if (hdrs_ok)
		*hdrs_ok = 1;
	if (js_GetStreamInfo(&si, conn.js, stream, NULL, NULL) == NATS_OK) {
		last = si->State.LastSeq;
		jsStreamInfo_Destroy(si);
	}
	for (seq = 1; seq <= last; seq++) {
		m = NULL;
		if (js_GetMsg(&m, conn.js, stream, seq, NULL, NULL) != NATS_OK)
			continue;
		if (strcmp(natsMsg_GetSubject(m), subj) != 0) {
			natsMsg_Destroy(m);
			continue;
		}
		d = natsMsg_GetData(m);
		for (i = 0; i < natsMsg_GetDataLength(m); i++)
			rt_buf_addc(b, d[i] == '\n' ? '|' : d[i]);
		n = rt_npart_lines(d, (size_t)natsMsg_GetDataLength(m));
		snprintf(id, sizeof id, "%s:%llu", subj,
		    (unsigned long long)next);
		v = NULL;
		if (hdrs_ok && (natsMsgHeader_Get(m, RT_NPART_OUTHDR, &v) !=
		    NATS_OK || rt_npart_outhdr_parse(v, &first, &n) != 0 ||
		    first != next || n != rt_npart_lines(d,
		    (size_t)natsMsg_GetDataLength(m)) ||
		    natsMsgHeader_Get(m, "Nats-Msg-Id", &v) != NATS_OK ||
		    strcmp(v, id) != 0))
			*hdrs_ok = 0;
		next += n;
		natsMsg_Destroy(m);
	}
	return rt_buf_cstr(b);
}

/* text_of, once it is want or after 5 s. */
static const char *
wait_text(const char *stream, const char *subj, const char *want,
    struct rt_buf *b, int *hdrs_ok)
{
	int i;

	for (i = 0; i < 250; i++) {
		if (strcmp(text_of(stream, subj, b, hdrs_ok), want) == 0)
			break;
		rt_nconn_sleep(20000);
	}
	return rt_buf_cstr(b);
}

/* The whole of file path (NUL-terminated), "-" when it cannot be
 * read. */
static const char *
file_text(const char *path, char *b, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t k;

	if (f == NULL)
		return "-";
	k = fread(b, 1, n - 1, f);
	b[k] = '\0';
	fclose(f);
	return b;
}

/* Partition part's checkpoint in kv, its files written into a fresh
 * directory natsrv.dir/<dir>: "barrier B in S out N owner W runs R"
 * (R the state file, '|' for its newline), into b. */
static const char *
ckpt_of(kvStore *kv, uint32_t part, const char *dir, char *b, size_t n,
    uint64_t *rev)
{
	struct rt_buf blob = RT_BUF_INIT;
	struct rt_nckpt c;
	char tag[RT_NCKPT_TAGLEN], why[300], path[200], runs[64], got[64];
	char *nl;
	uint64_t r = 0;
	const char *err;

	snprintf(path, sizeof path, "%s/%s", natsrv.dir, dir);
	mkdir(path, 0777);
	snprintf(b, n, "none");
	if (rt_nckpt_load(kv, part, &blob, &r, tag, why, sizeof why) != 1) {
		rt_buf_release(&blob);
		return b;
	}
	memset(&c, 0, sizeof c);
	if ((err = rt_nckpt_decode(blob.p, blob.len, &c, path)) != NULL) {
		snprintf(b, n, "damaged: %s", err);
	} else {
		snprintf(path, sizeof path, "%s/%s/runs", natsrv.dir, dir);
		snprintf(runs, sizeof runs, "%s", file_text(path, got,
		    sizeof got));
		if ((nl = strchr(runs, '\n')) != NULL)
			*nl = '|';
		snprintf(b, n, "part %u barrier %llu in %llu out %llu owner %s "
		    "runs %s", (unsigned)c.part, (unsigned long long)c.barrier,
		    (unsigned long long)c.in_seq, (unsigned long long)c.out_n,
		    c.owner, runs);
	}
	if (rev)
		*rev = r;
	rt_buf_release(&blob);
	return b;
}

/* The counters of x, into b. */
static const char *
counts(const struct rt_nwctx *x, char *b, size_t n)
{
	snprintf(b, n, "recs %llu msgs %llu out %llu dups %llu rejected %llu "
	    "ckpts %llu remade %llu", (unsigned long long)x->in_recs,
	    (unsigned long long)x->in_msgs, (unsigned long long)x->out_recs,
	    (unsigned long long)x->dups, (unsigned long long)x->rejected,
	    (unsigned long long)x->ckpts_done, (unsigned long long)x->remade);
	return b;
}

/* An owner me of partition 0, its state under natsrv.dir/<me>. */
static void
owner_init(struct rt_nwctx *x, struct rt_nwork *w, const char *me,
    char *state, size_t len)
{
	memset(x, 0, sizeof *x);
	snprintf(state, len, "%s/%s", natsrv.dir, me);
	mkdir(state, 0777);
	x->nc = conn.nc;
	x->js = conn.js;
	x->ckpts = ckpts;
	x->me = me;
	x->group = "O";
	x->in_stream = "IN";
	x->in_subject = "S";
	x->out_stream = "IN_out";
	x->out_subject = "O";
	x->reject_subject = "O.rejects";
	x->pipeline = PIPE;
	x->state_dir = state;
	x->ckpt_us = 3600 * SEC;	/* no barrier but the drain's */
	x->lease_us = 30 * SEC;
	x->value_max = 1 << 20;
	memset(w, 0, sizeof *w);
	w->x = x;
	w->part = 0;
	w->to_fd = w->from_fd = -1;
}

/* Take the lease, prepare and launch: 1, or 0 (said). */
static int
owner_start(struct rt_nwork *w)
{
	if (rt_nlease_take(leases, 0, w->x->me, w->x->lease_us, &w->lease) !=
	    1)
		return ok(0, "%s: the lease taken", w->x->me);
	w->held = 1;
	if (rt_nwork_prepare(w) == -1)
		return ok(0, "%s: prepared (%s)", w->x->me, w->why);
	if (rt_nwork_launch(w) == -1)
		return ok(0, "%s: launched (%s)", w->x->me, w->why);
	return 1;
}

/* Stop w (how), wait for its threads (5 s at most), finish it and
 * give its lease back: whether it finished in time. */
static int
owner_stop(struct rt_nwork *w, int how)
{
	int i;

	rt_nwork_stop(w, how);
	for (i = 0; i < 500 && !rt_nwork_done(w); i++)
		rt_nconn_sleep(10000);
	if (i == 500)
		rt_nwork_stop(w, RT_NW_ABORT);
	rt_nwork_finish(w);
	if (w->held && !w->lost)
		rt_nlease_release(leases, w->part, &w->lease);
	w->held = 0;
	return i < 500;
}

/* w's consumer: "acked S pending N", the stream sequence acked up to
 * and the messages delivered but not acked, once it is want or after
 * 2 s; into b. */
static const char *
acks(const struct rt_nwork *w, const char *want, char *b, size_t n)
{
	jsConsumerInfo *ci;
	int i;

	for (i = 0; i < 100; i++) {
		ci = NULL;
		snprintf(b, n, "none");
		if (js_GetConsumerInfo(&ci, conn.js, "IN", w->consumer, NULL,
		    NULL) == NATS_OK) {
			snprintf(b, n, "acked %llu pending %lld",
			    (unsigned long long)ci->AckFloor.Stream,
			    (long long)ci->NumAckPending);
			jsConsumerInfo_Destroy(ci);
		}
		if (strcmp(b, want) == 0)
			break;
		rt_nconn_sleep(20000);
	}
	return b;
}

#define OUT3 "{\"a\":1}|{\"a\":2}|{\"a\":3}|{\"a\":4}|"
#define OUT7 OUT3 "{\"a\":5}|{\"a\":6}|{\"a\":7}|"
#define OUT9 OUT7 "{\"a\":8}|{\"a\":9}|"
#define OUT10 OUT9 "{\"a\":10}|"

#define REJ(seq, line, why, raw) "{\"tool\":\"rt-nats\",\"source\":\"IN:" \
	#seq "\",\"line\":" #line ",\"reason\":\"invalid JSON: " why \
	"\",\"raw\":\"" raw "\"}|"
#define REJ2 REJ(2, 1, "invalid literal at byte 0", "not json") \
	REJ(3, 2, "unexpected end of text at byte 0", "")
#define REJ3 REJ2 REJ(7, 2, "unexpected character at byte 0", "oops")

/* The first owner: records in, output and rejects out, a drain's
 * checkpoint. */
static void
test_first(void)
{
	struct rt_nwctx x;
	struct rt_nwork w;
	struct rt_buf b = RT_BUF_INIT;
	char state[200], t[400];
	int hok;

	owner_init(&x, &w, "w1", state, sizeof state);
	ok(put("S.0", "{\"a\":1}\n{\"a\":2}\n") &&
	    put("S.0", "not json\n{\"a\":3}\n") &&
	    put("S.0", "{\"a\":4}\n\n") && put("S.1", "{\"other\":1}\n"),
	    "4 messages in (one on partition 1)");
	if (!owner_start(&w))
		goto out;
	ok(w.fed_seq == 0 && w.out_idx == 0 && w.skip_until == 0 &&
	    w.bar_id == 0, "w1: nothing restored (fed %llu out %llu skip %llu "
	    "bar %llu)", (unsigned long long)w.fed_seq,
	    (unsigned long long)w.out_idx, (unsigned long long)w.skip_until,
	    (unsigned long long)w.bar_id);
	is_str(w.consumer, "rt_O_p0_1_0", "  its consumer, of revision 1");
	is_str(wait_text("IN_out", "O.0", OUT3, &b, &hok), OUT3,
	    "  the JSON lines of partition 0 out on O.0, in order");
	ok(hok, "  Rt-Out headers and msg-ids numbering them from 0");
	is_str(wait_text("IN_out", "O.rejects", REJ2, &b, NULL), REJ2,
	    "  the lines that are not JSON on the reject subject");
	ok(owner_stop(&w, RT_NW_DRAIN), "w1 drained within 5 s");
	ok(!w.lost && !w.failed && w.why[0] == '\0', "  not lost, no failure "
	    "(%s)", w.why);
	is_str(counts(&x, t, sizeof t), "recs 4 msgs 3 out 4 dups 0 "
	    "rejected 2 ckpts 1 remade 0", "  its counters");
	is_str(ckpt_of(ckpts, 0, "c1", t, sizeof t, NULL), "part 0 barrier 1 "
	    "in 3 out 4 owner w1 runs 1|", "  the checkpoint: input 3, output "
	    "4, the state file");
	is_str(acks(&w, "acked 3 pending 0", t, sizeof t), "acked 3 pending 0",
	    "  the input acked up to 3");
	is_str(text_of("IN_out", "O.0", &b, NULL), OUT3,
	    "  the output as it was");
out:
	rt_buf_release(&b);
}

/* The next owner: restored, on from there, each record once. */
static void
test_next(void)
{
	struct rt_nwctx x;
	struct rt_nwork w;
	struct rt_buf b = RT_BUF_INIT;
	char state[200], t[400], path[300];
	int hok;

	owner_init(&x, &w, "w2", state, sizeof state);
	ok(put("S.0", "{\"a\":5}\n") && put("S.0", "{\"a\":6}\n{\"a\":7}"),
	    "2 messages more");
	if (!owner_start(&w))
		goto out;
	ok(w.fed_seq == 3 && w.out_idx == 4 && w.skip_until == 4 &&
	    w.bar_id == 1, "w2: the checkpoint restored (fed %llu out %llu "
	    "skip %llu bar %llu)", (unsigned long long)w.fed_seq,
	    (unsigned long long)w.out_idx, (unsigned long long)w.skip_until,
	    (unsigned long long)w.bar_id);
	snprintf(path, sizeof path, "%s/0/runs", state);
	is_str(wait_text("IN_out", "O.0", OUT7, &b, &hok), OUT7,
	    "  the records after it out, each once");
	ok(hok, "  headers and msg-ids numbering on from 4");
	ok(owner_stop(&w, RT_NW_DRAIN), "w2 drained");
	is_str(file_text(path, t, sizeof t), "2\n",
	    "  its pipeline saw the state file restored (1, made 2)");
	is_str(counts(&x, t, sizeof t), "recs 3 msgs 2 out 3 dups 0 "
	    "rejected 0 ckpts 1 remade 0", "  its counters");
	is_str(ckpt_of(ckpts, 0, "c2", t, sizeof t, NULL), "part 0 barrier 2 "
	    "in 6 out 7 owner w2 runs 2|", "  the checkpoint");
	is_str(acks(&w, "acked 6 pending 0", t, sizeof t), "acked 6 pending 0",
	    "  the input acked up to 6");
	is_str(text_of("IN_out", "O.rejects", &b, NULL), REJ2,
	    "  no more rejects");
out:
	rt_buf_release(&b);
}

/* An owner aborted after its output was published (no checkpoint): the
 * next one feeds the same input again and skips that output. */
static void
test_replay(void)
{
	struct rt_nwctx x, y;
	struct rt_nwork w, v;
	struct rt_buf b = RT_BUF_INIT;
	char state[200], state2[200], t[400];
	int hok;

	owner_init(&x, &w, "w3", state, sizeof state);
	ok(put("S.0", "{\"a\":8}\noops\n{\"a\":9}\n"), "a message more");
	if (!owner_start(&w))
		goto out;
	is_str(wait_text("IN_out", "O.0", OUT9, &b, NULL), OUT9, "w3: out");
	is_str(wait_text("IN_out", "O.rejects", REJ3, &b, NULL), REJ3,
	    "  and its reject");
	ok(owner_stop(&w, RT_NW_ABORT), "w3 aborted");
	is_str(counts(&x, t, sizeof t), "recs 2 msgs 1 out 2 dups 0 "
	    "rejected 1 ckpts 0 remade 0", "  no checkpoint");
	is_str(ckpt_of(ckpts, 0, "c3", t, sizeof t, NULL), "part 0 barrier 2 "
	    "in 6 out 7 owner w3 runs 2|", "  the one it claimed, as it was");

	owner_init(&y, &v, "w4", state2, sizeof state2);
	if (!owner_start(&v))
		goto out;
	ok(v.fed_seq == 6 && v.out_idx == 7 && v.skip_until == 9,
	    "w4: restored, output up to 9 already published (fed %llu out "
	    "%llu skip %llu)", (unsigned long long)v.fed_seq,
	    (unsigned long long)v.out_idx, (unsigned long long)v.skip_until);
	ok(put("S.0", "{\"a\":10}\n"), "a message more");
	is_str(wait_text("IN_out", "O.0", OUT10, &b, &hok), OUT10,
	    "  the output: each record once");
	ok(hok, "  headers and msg-ids numbering on");
	ok(owner_stop(&v, RT_NW_DRAIN), "w4 drained");
	is_str(text_of("IN_out", "O.rejects", &b, NULL), REJ3,
	    "  the reject fed again deduplicated (its msg-id)");
	is_str(counts(&y, t, sizeof t), "recs 3 msgs 2 out 1 dups 2 "
	    "rejected 1 ckpts 1 remade 0", "  2 duplicates skipped");
	is_str(ckpt_of(ckpts, 0, "c4", t, sizeof t, NULL), "part 0 barrier 3 "
	    "in 8 out 10 owner w4 runs 3|", "  the checkpoint");
out:
	rt_buf_release(&b);
}

/* Another owner's compare-and-set moves the checkpoint on: the old
 * owner's store fails, and it is lost. */
static void
test_fenced(void)
{
	struct rt_nwctx x;
	struct rt_nwork w;
	struct rt_buf b = RT_BUF_INIT, blob = RT_BUF_INIT;
	struct rt_nckpt c = { 0, 3, 8, 10, "thief" };
	char state[200], t[400], why[300], tag[RT_NCKPT_TAGLEN] = "";
	char dir[300];
	uint64_t rev = 0;

	owner_init(&x, &w, "w5", state, sizeof state);
	if (!owner_start(&w))
		goto out;
	ok(put("S.0", "{\"a\":11}\n"), "a message more");
	is_str(wait_text("IN_out", "O.0", OUT10 "{\"a\":11}|", &b, NULL),
	    OUT10 "{\"a\":11}|", "w5: out");
	is_str(ckpt_of(ckpts, 0, "c5", t, sizeof t, &rev), "part 0 barrier 3 "
	    "in 8 out 10 owner w5 runs 3|", "  the checkpoint it claimed");
	ok(rev == w.ckpt_rev, "  at the revision it holds (%llu)",
	    (unsigned long long)rev);
	snprintf(dir, sizeof dir, "%s/c5", natsrv.dir);
	ok(rt_nckpt_encode(&c, dir, &blob) == 0 && rt_nckpt_store(ckpts, 0,
	    &blob, 1 << 20, &rev, tag, why, sizeof why) == 0,
	    "another owner stores its own (compare-and-set)");
	ok(owner_stop(&w, RT_NW_DRAIN), "w5 drained");
	ok(w.lost == 1, "  lost (%d)", w.lost);
	is_str(w.why, "wrong last sequence: 9", "  why");
	is_str(counts(&x, t, sizeof t), "recs 1 msgs 1 out 1 dups 0 "
	    "rejected 0 ckpts 0 remade 0", "  no checkpoint of its own");
	is_str(ckpt_of(ckpts, 0, "c6", t, sizeof t, NULL), "part 0 barrier 3 "
	    "in 8 out 10 owner thief runs 3|", "  the other owner's kept");
	is_str(acks(&w, "acked 0 pending 1", t, sizeof t), "acked 0 pending 1",
	    "  its input not acked");
out:
	rt_buf_release(&b);
	rt_buf_release(&blob);
}

static void
usage(void)
{
}

/* The child: the input stream RUN (R.*) with its records, then
 * rt_nats_run on it until SIGTERM; stderr to natsrv.dir/run.err. */
static void
run_child(void)
{
	static char *argv[] = { "rt-nats", NULL };
	static struct rt_cli cli;
	const char *sv[] = { "R.*" };
	struct rt_nrunopt o = { 0 };
	struct rt_nconf f = { 0 };
	char path[200], err[300];
	int fd, rc;

	alarm(20);
	snprintf(path, sizeof path, "%s/run.err", natsrv.dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
		dup2(fd, 2);
	connect_or_bail(&conn);
	if (rt_nconn_create(&conn, "RUN", sv, 1, 1, 120 * SEC, err,
	    sizeof err) != NULL || !put("R.0", "{\"k\":1}\n{\"k\":2}\n") ||
	    !put("R.0", "bad\n") || !put("R.1", "{\"k\":3}\n")) {
		fprintf(stderr, "setup: %s\n", err);
		exit(3);
	}
	rt_nconn_close(&conn);
	rt_cli_init(&cli, "rt-nats", usage, NULL);
	cli.no_sandbox = 1;
	cli.stats = 1;
	rt_cli_start(&cli, 1, argv, 1);
	snprintf(path, sizeof path, "%s/run", natsrv.dir);
	f.servers = natsrv.url;
	f.wait_us = 5 * SEC;
	o.stream = "RUN";
	o.subject = "R";
	o.parts = 2;
	o.out_subject = "Q";
	o.pipeline = "exec tee \"$RT_STATE.seen\"";
	o.ckpt_us = 3600 * SEC;
	o.state_dir = path;
	o.lease_us = 2 * SEC;
	o.worker = "wr";
	o.value_max = 1 << 20;
	o.create = 1;
	o.replicas = 1;
	o.dup_us = 120 * SEC;
	rc = rt_nats_run(&cli, &f, &o);
	nats_Close();
	exit(rc);
}

/* Has file natsrv.dir/run/<name> become want?  Waits 8 s at most. */
static int
seen(const char *name, const char *want)
{
	char path[200], t[200];
	int i;

	snprintf(path, sizeof path, "%s/run/%s", natsrv.dir, name);
	for (i = 0; i < 400; i++) {
		if (strcmp(file_text(path, t, sizeof t), want) == 0)
			return 1;
		rt_nconn_sleep(20000);
	}
	return 0;
}

static const char *
lease_of(kvStore *kv, const char *key, char *b, size_t n)
{
	kvEntry *e = NULL;
	natsStatus s = kvStore_Get(&e, kv, key);

	snprintf(b, n, "%s", s == NATS_NOT_FOUND ? "none" : s != NATS_OK ?
	    "trouble" : kvEntry_ValueString(e));
	kvEntry_Destroy(e);
	return b;
}

#define RUNSTATS "{\"tool\":\"rt-nats\",\"in\":4,\"out\":3,\"rejected\":1," \
	"\"dropped\":0,\"messages\":3,\"checkpoints\":2,\"duplicates\":0," \
	"\"duplicate_acks\":0,\"partitions_taken\":2,\"leases_lost\":0," \
	"\"consumers_remade\":0}\n"

/* rt_nats_run in a child, stopped by SIGTERM once both pipelines have
 * their records; what it left checked afterwards. */
static void
test_run(void)
{
	struct rt_buf b = RT_BUF_INIT;
	kvStore *rc = NULL, *rl = NULL;
	char path[200], t[600], err[300];
	int st = -1, i, k, hok;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		run_child();
	ok(pid > 0, "rt_nats_run in a child");
	k = seen("0.seen", "{\"k\":1}\n{\"k\":2}\n") &&
	    seen("1.seen", "{\"k\":3}\n");
	ok(k, "  both partitions' pipelines fed their records");
	kill(pid, SIGTERM);
	for (i = 0; i < 1000 && waitpid(pid, &st, WNOHANG) != pid; i++)
		rt_nconn_sleep(10000);
	if (i == 1000) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	ok(i < 1000 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    "  ended by SIGTERM within 10 s, exit 1 (rejects) (%d)", st);
	snprintf(path, sizeof path, "%s/run.err", natsrv.dir);
	is_str(file_text(path, t, sizeof t), RUNSTATS, "  --stats");

	connect_or_bail(&conn);
	is_str(text_of("RUN_out", "Q.0", &b, &hok), "{\"k\":1}|{\"k\":2}|",
	    "  partition 0's output");
	ok(hok, "  with its headers and msg-ids");
	is_str(text_of("RUN_out", "Q.1", &b, &hok), "{\"k\":3}|",
	    "  partition 1's");
	ok(hok, "  with its headers and msg-ids");
	is_str(text_of("RUN_out", "Q.rejects", &b, NULL), "{\"tool\":"
	    "\"rt-nats\",\"source\":\"RUN:2\",\"line\":1,\"reason\":\"invalid "
	    "JSON: unexpected character at byte 0\",\"raw\":\"bad\"}|",
	    "  the reject");
	if (rt_nckpt_bucket(&conn, &rc, "rtc_Q", 1 << 20, 1, 0, err,
	    sizeof err) != NULL || rt_nckpt_bucket(&conn, &rl,
	    "rtl_Q", 4096, 1, 0, err, sizeof err) != NULL) {
		ok(0, "the buckets rtc_Q and rtl_Q: %s", err);
		goto out;
	}
	is_str(ckpt_of(rc, 0, "r0", t, sizeof t, NULL), "part 0 barrier 1 "
	    "in 2 out 2 owner wr runs -", "  partition 0's checkpoint");
	is_str(ckpt_of(rc, 1, "r1", t, sizeof t, NULL), "part 1 barrier 1 "
	    "in 3 out 1 owner wr runs -", "  partition 1's");
	is_str(lease_of(rl, "p0", t, sizeof t), "free", "  lease 0 released");
	is_str(lease_of(rl, "p1", t, sizeof t), "free", "  lease 1 released");
	is_str(lease_of(rl, "w.wr", t, sizeof t), "none",
	    "  the worker gone from the bucket");
out:
	kvStore_Destroy(rc);
	kvStore_Destroy(rl);
	rt_buf_release(&b);
	rt_nconn_close(&conn);
}

static void
test_setup(void)
{
	const char *in[] = { "S.*" }, *out[] = { "O.>" };
	char err[300];

	connect_or_bail(&conn);
	if (!ok(rt_nconn_create(&conn, "IN", in, 1, 1, 120 * SEC, err,
	    sizeof err) == NULL && rt_nconn_create(&conn, "IN_out", out, 1, 1,
	    120 * SEC, err, sizeof err) == NULL && rt_nckpt_bucket(&conn,
	    &leases, "rtl_O", 4096, 1, 0, err, sizeof err) == NULL &&
	    rt_nckpt_bucket(&conn, &ckpts, "rtc_O", 1 << 20, 1, 0, err,
	    sizeof err) == NULL, "the streams IN (S.*) and IN_out (O.>), the "
	    "buckets rtl_O and rtc_O")) {
		printf("Bail out! setup: %s\n", err);
		exit(1);
	}
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (natsrv_setup("t_nats_work", NULL, NULL) == -1) {
		ok(0, "nats-server started on 127.0.0.1");
		return done_testing();
	}
	/* First, before this process has the client's threads. */
	test_run();
	test_setup();
	test_first();
	test_next();
	test_replay();
	test_fenced();
	kvStore_Destroy(ckpts);
	kvStore_Destroy(leases);
	rt_nconn_close(&conn);
	nats_Close();
	return done_testing();
}
