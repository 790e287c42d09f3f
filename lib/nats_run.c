/*
 * nats_run.c - rt-nats run, the worker: leases, the partitions it
 * holds (nats_work.c), its share, and the end; see nats_run.h and
 * rt-nats(1).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "nats_ckpt.h"
#include "nats_lease.h"
#include "nats_part.h"
#include "nats_run.h"
#include "nats_work.h"

struct run {
	struct rt_cli *cli;
	const struct rt_nconf *conf;
	const struct rt_nrunopt *o;
	struct rt_nconn c;
	struct rt_nwctx x;
	kvStore *leases;
	struct rt_nwork *w;
	char me[128], group[128], out_stream[160], rejects[300];
	char state_dir[1024], bucket[200];
	int64_t tick_us, down_since;
	uint64_t taken, lost, dup_acks;
	int status, took, tmpdir;
	int alive;		/* workers seen at the last count */
	int64_t alive_at;	/* then (rt_nconn_now) */
	int64_t t0;		/* the start (rt_nconn_now), for --verbose */
	int64_t hb_at;		/* our first heartbeat (0: none yet) */
};

/* --verbose: what the worker does, with the time since its start. */
static void __attribute__((format(printf, 2, 3)))
note(struct run *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!r->cli->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_cli_warn(r->cli, "worker %s, %.3f s: %s", r->me,
	    (double)(rt_nconn_now() - r->t0) / 1e6, msg);
}

/* Fatal after our first heartbeat: the heartbeat taken back first, so
 * that the other workers do not count us for a lease. */
static void __attribute__((noreturn, format(printf, 2, 3)))
leave_fatal(struct run *r, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_nlease_leave(r->leases, r->me);
	rt_cli_fatal(r->cli, "%s", msg);
}

/* s with the characters a bucket or consumer name cannot hold as '_'. */
static void
name_of(char *out, size_t len, const char *s)
{
	size_t i;

	snprintf(out, len, "%s", s);
	for (i = 0; out[i]; i++)
		if (!((out[i] >= 'a' && out[i] <= 'z') ||
		    (out[i] >= 'A' && out[i] <= 'Z') ||
		    (out[i] >= '0' && out[i] <= '9') || out[i] == '-'))
			out[i] = '_';
}

static void
names(struct run *r)
{
	const struct rt_nrunopt *o = r->o;
	char host[64] = "host", me[128];

	if (o->worker) {
		name_of(r->me, sizeof r->me, o->worker);
	} else {
		gethostname(host, sizeof host - 1);
		snprintf(me, sizeof me, "%s-%ld", host, (long)getpid());
		name_of(r->me, sizeof r->me, me);
	}
	name_of(r->group, sizeof r->group, o->group ? o->group :
	    o->out_subject);
	snprintf(r->out_stream, sizeof r->out_stream, "%s", o->out_stream ?
	    o->out_stream : "");
	if (!o->out_stream)
		snprintf(r->out_stream, sizeof r->out_stream, "%.120s_out",
		    o->stream);
	snprintf(r->rejects, sizeof r->rejects, "%.200s%s", o->reject_subject ?
	    o->reject_subject : o->out_subject, o->reject_subject ? "" :
	    ".rejects");
}

/* The input stream must exist. */
static void
in_stream(struct run *r)
{
	char err[400];
	int k;

	if ((k = rt_nconn_stream(&r->c, r->o->stream, err, sizeof err)) != 1)
		rt_cli_fatal(r->cli, "stream '%s': %s", r->o->stream, k == 0 ?
		    "not found (rt-nats pub --create makes it)" : err);
}

/* The output stream, made with --create (after our first heartbeat:
 * taken back when this fails). */
static void
out_stream(struct run *r)
{
	const struct rt_nrunopt *o = r->o;
	char err[400], subj[300];
	const char *sv[1] = { subj };
	int k;

	snprintf(subj, sizeof subj, "%.280s.>", o->out_subject);
	if (o->create && rt_nconn_create(&r->c, r->out_stream, sv, 1,
	    o->replicas, o->dup_us, err, sizeof err) != NULL)
		leave_fatal(r, "--create: stream '%s': %s", r->out_stream, err);
	/* rt_nconn_create waits until a stream just made can be found. */
	if ((k = rt_nconn_stream(&r->c, r->out_stream, err, sizeof err)) != 1)
		leave_fatal(r, "output stream '%s': %s", r->out_stream,
		    k == 0 ? "not found (--create makes it)" : err);
}

static void
buckets(struct run *r)
{
	char err[400];

	snprintf(r->bucket, sizeof r->bucket, "rtl_%s", r->group);
	if (rt_nckpt_bucket(&r->c, &r->leases, r->bucket, 4096,
	    r->o->replicas, 0, err, sizeof err) != NULL)
		rt_cli_fatal(r->cli, "bucket '%s': %s", r->bucket, err);
	snprintf(r->bucket, sizeof r->bucket, "rtc_%s", r->group);
	if (rt_nckpt_bucket(&r->c, &r->x.ckpts, r->bucket,
	    r->o->value_max, r->o->replicas, 0, err, sizeof err) != NULL)
		rt_cli_fatal(r->cli, "bucket '%s': %s", r->bucket, err);
}

static void
state_dir(struct run *r)
{
	if (r->o->state_dir) {
		snprintf(r->state_dir, sizeof r->state_dir, "%s",
		    r->o->state_dir);
		if (mkdir(r->state_dir, 0777) == -1 && errno != EEXIST)
			leave_fatal(r, "%s: %s", r->state_dir, strerror(errno));
		return;
	}
	snprintf(r->state_dir, sizeof r->state_dir, "%s/rt-nats.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(r->state_dir) == NULL)
		leave_fatal(r, "%s: %s", r->state_dir, strerror(errno));
	r->tmpdir = 1;
}

/* RT_NATS_FAULT=publish:N|checkpoint:N (tests): kill -9 after the Nth. */
static void
faults(struct run *r)
{
	const char *f = getenv("RT_NATS_FAULT");

	if (f && strncmp(f, "publish:", 8) == 0)
		r->x.fault_pub = strtoull(f + 8, NULL, 10);
	if (f && strncmp(f, "checkpoint:", 11) == 0)
		r->x.fault_ckpt = strtoull(f + 11, NULL, 10);
}

static void
setup(struct run *r)
{
	const struct rt_nrunopt *o = r->o;
	char err[400];
	uint32_t p;

	names(r);
	r->t0 = rt_nconn_now();
	if (rt_nconn_open(&r->c, r->conf, err, sizeof err) != NULL)
		rt_cli_fatal(r->cli, "%s", err);
	note(r, "connected");
	in_stream(r);
	buckets(r);
	/* Our heartbeat at once: workers started together see each other
	 * by their first take, however long the rest of their start. */
	if (rt_nlease_alive(r->leases, r->me, o->lease_us, &r->alive) == 0)
		r->alive_at = r->hb_at = rt_nconn_now();
	note(r, "buckets ready, %d worker(s) seen", r->alive);
	out_stream(r);
	note(r, "output stream ready");
	state_dir(r);
	faults(r);
	r->x.nc = r->c.nc;
	r->x.js = r->c.js;
	r->x.me = r->me;
	r->x.group = r->group;
	r->x.in_stream = o->stream;
	r->x.in_subject = o->subject;
	r->x.out_stream = r->out_stream;
	r->x.out_subject = o->out_subject;
	r->x.reject_subject = r->rejects;
	r->x.pipeline = o->pipeline;
	r->x.state_dir = r->state_dir;
	r->x.ckpt_us = o->ckpt_us;
	r->x.ckpt_msgs = o->ckpt_msgs;
	r->x.lease_us = o->lease_us;
	r->x.value_max = o->value_max;
	r->w = rt_xcalloc(o->parts, sizeof *r->w);
	for (p = 0; p < o->parts; p++) {
		r->w[p].x = &r->x;
		r->w[p].part = p;
		r->w[p].to_fd = r->w[p].from_fd = -1;
	}
	r->tick_us = o->lease_us / 5 < 250000 ? o->lease_us / 5 : 250000;
	if (r->tick_us < 20000)
		r->tick_us = 20000;
}

/* A partition whose threads have ended: joined, its lease given back
 * unless it was lost. */
static void
retire(struct run *r, struct rt_nwork *w)
{
	rt_nwork_finish(w);
	r->dup_acks += w->pub.dups;
	if (w->held && !w->lost)
		rt_nlease_release(r->leases, w->part, &w->lease);
	if (w->lost)
		r->lost++;
	note(r, "partition %" PRIu32 " %s", w->part, w->lost ? "lost" :
	    "released");
	w->held = 0;
}

/* The pipeline of w ended while it was working: an error. */
static void
pipeline_ended(struct run *r, struct rt_nwork *w, int st)
{
	if (w->stop != RT_NW_RUN || w->lost)
		return;
	if (WIFEXITED(st))
		rt_cli_warn(r->cli, "partition %" PRIu32 ": pipeline exited with "
		    "status %d (lease released, checkpoint kept)", w->part,
		    WEXITSTATUS(st));
	else
		rt_cli_warn(r->cli, "partition %" PRIu32 ": pipeline killed by "
		    "signal %d (lease released, checkpoint kept)", w->part,
		    WTERMSIG(st));
	r->status = RT_EXIT_TROUBLE;
	rt_nwork_stop(w, RT_NW_ABORT);
}

/* Renew, watch and retire the partitions held. */
static int
watch_held(struct run *r)
{
	struct rt_nwork *w;
	uint32_t p;
	int held = 0, st;

	for (p = 0; p < r->o->parts; p++) {
		w = &r->w[p];
		if (!w->held)
			continue;
		/* Renewed when a quarter of it has passed: soon enough. */
		if (!w->lost && w->lease.valid_until - rt_nconn_now() <=
		    r->o->lease_us * 3 / 4 && rt_nlease_renew(r->leases, p,
		    r->me, r->o->lease_us, &w->lease) == 0)
			w->lost = 1;
		if (w->lost || rt_nconn_now() >= w->lease.valid_until) {
			w->lost = 1;
			rt_nwork_stop(w, RT_NW_ABORT);
		}
		if (rt_nwork_exited(w, &st))
			pipeline_ended(r, w, st);
		if (w->failed && w->stop == RT_NW_RUN) {
			rt_cli_warn(r->cli, "partition %" PRIu32 ": %s", p, w->why);
			r->status = RT_EXIT_TROUBLE;
			rt_nwork_stop(w, RT_NW_ABORT);
		}
		if (rt_nwork_done(w))
			retire(r, w);
		else
			held++;
	}
	return held;
}

static void *
prepare_main(void *arg)
{
	struct rt_nwork *w = arg;

	w->failed = rt_nwork_prepare(w) == -1;
	return NULL;
}

/* Take free partitions up to the share, starting at a place of our
 * own so that workers starting together spread out.  The leases are
 * taken one by one (one round trip each); the partitions then prepare
 * at once, a thread each (making a consumer takes hundreds of ms), and
 * their pipelines start from this thread. */
static void
take(struct run *r, int held, int share)
{
	uint32_t n = r->o->parts, i, p, start = rt_fnv1a32(r->me,
	    strlen(r->me)) % n;
	uint32_t *got = rt_xcalloc(n, sizeof *got);
	pthread_t *t = rt_xcalloc(n, sizeof *t);
	char *threaded = rt_xcalloc(n, 1);
	struct rt_nwork *w;
	uint32_t k, ngot = 0;

	for (i = 0; i < n && held + (int)ngot < share && !rt_cli_term; i++) {
		p = (start + i) % n;
		w = &r->w[p];
		if (w->held || rt_nlease_take(r->leases, p, r->me,
		    r->o->lease_us, &w->lease) != 1)
			continue;
		w->held = 1;
		got[ngot++] = p;
	}
	for (k = 0; k < ngot; k++)
		threaded[k] = pthread_create(&t[k], NULL, prepare_main,
		    &r->w[got[k]]) == 0;
	for (k = 0; k < ngot; k++) {
		w = &r->w[got[k]];
		if (threaded[k])
			pthread_join(t[k], NULL);
		else
			prepare_main(w);	/* no thread to be had: here */
		if (w->failed || rt_nwork_launch(w) == -1) {
			rt_cli_warn(r->cli, "partition %" PRIu32 ": %s", got[k],
			    w->why);
			rt_nlease_release(r->leases, got[k], &w->lease);
			w->held = 0;
			w->failed = 0;
			continue;
		}
		r->taken++;
		note(r, "partition %" PRIu32 " started, after input sequence %"
		    PRIu64 " (checkpoint barrier %" PRIu64 ")", got[k],
		    w->fed_seq, w->bar_id);
	}
	free(got);
	free(t);
	free(threaded);
}

/* Over our share (another worker came): hand one partition over. */
static void
give(struct run *r, int held, int share)
{
	uint32_t p;

	for (p = r->o->parts; p-- > 0 && held > share;) {
		if (r->w[p].held && r->w[p].stop == RT_NW_RUN) {
			note(r, "partition %" PRIu32 " handed over (%d held, "
			    "share %d)", p, held, share);
			rt_nwork_stop(&r->w[p], RT_NW_DRAIN);
			return;
		}
		if (r->w[p].held)
			held--;	/* already on its way */
	}
}

/* Is the server there?  Gone longer than --connect-timeout: trouble. */
static int
connected(struct run *r)
{
	if (natsConnection_Status(r->c.nc) == NATS_CONN_STATUS_CONNECTED) {
		r->down_since = 0;
		return 1;
	}
	if (r->down_since == 0)
		r->down_since = rt_nconn_now();
	if (rt_nconn_now() - r->down_since > r->conf->wait_us) {
		rt_cli_warn(r->cli, "lost the NATS server(s) '%s' for longer than "
		    "--connect-timeout", rt_nconf_servers(r->conf));
		r->status = RT_EXIT_TROUBLE;
		return -1;
	}
	return 0;
}

/* The wait from our first heartbeat to the first take: 1.5 s, at most
 * half the lease. */
static int64_t
settle_us(const struct run *r)
{
	return r->o->lease_us / 2 < 1500000 ? r->o->lease_us / 2 : 1500000;
}

static void
tick(struct run *r)
{
	int held, alive = 1, share, k, first;

	if ((k = connected(r)) == -1 || k == 0)
		return;
	held = watch_held(r);
	/* Our own heartbeat and the count of workers: every lease/4 is soon
	 * enough (each is a few round trips and a listing of the bucket).
	 * The first take waits until settle_us after our first heartbeat,
	 * so that a worker started with us whose start is slower (one of
	 * two making a bucket at once waits for the server's answer) has
	 * written its own, and the workers are counted again just before
	 * it: not one taking every partition and handing half over. */
	first = !r->took && r->hb_at && rt_nconn_now() - r->hb_at >=
	    settle_us(r);
	if (first)
		r->alive_at = 0;
	if (r->alive_at == 0 || rt_nconn_now() - r->alive_at >=
	    r->o->lease_us / 4) {
		if (rt_nlease_alive(r->leases, r->me, r->o->lease_us,
		    &alive) == -1)
			return;
		if (alive != r->alive)
			note(r, "%d worker(s) seen", alive);
		r->alive = alive;
		r->alive_at = rt_nconn_now();
		if (r->hb_at == 0)
			r->hb_at = r->alive_at;
	}
	alive = r->alive;
	share = (int)((r->o->parts + (uint32_t)alive - 1) / (uint32_t)alive);
	if ((r->took || first) && r->status == 0) {
		take(r, held, share);
		r->took = 1;
	}
	if (held > share)
		give(r, held, share);
}

/* Every partition drained (or aborted after 30 s), leases released. */
static void
finish(struct run *r)
{
	int64_t until = rt_nconn_now() + 30 * 1000000LL;
	uint32_t p;
	int left;

	for (p = 0; p < r->o->parts; p++)
		if (r->w[p].held)
			rt_nwork_stop(&r->w[p], r->status ? RT_NW_ABORT :
			    RT_NW_DRAIN);
	do {
		left = watch_held(r);
		if (left && rt_nconn_now() > until)
			for (p = 0; p < r->o->parts; p++)
				if (r->w[p].held)
					rt_nwork_stop(&r->w[p], RT_NW_ABORT);
		if (left)
			rt_nconn_sleep(20000);
	} while (left);
	rt_nlease_leave(r->leases, r->me);
}

static void
run_stats(struct rt_buf *b, void *arg)
{
	struct run *r = arg;

	rt_stats_member(b, "messages", r->x.in_msgs);
	rt_stats_member(b, "checkpoints", r->x.ckpts_done);
	rt_stats_member(b, "duplicates", r->x.dups);
	rt_stats_member(b, "duplicate_acks", r->dup_acks);
	rt_stats_member(b, "partitions_taken", r->taken);
	rt_stats_member(b, "leases_lost", r->lost);
	rt_stats_member(b, "consumers_remade", r->x.remade);
}

int
rt_nats_run(struct rt_cli *cli, const struct rt_nconf *conf,
    const struct rt_nrunopt *o)
{
	static struct run r;
	int status;

	r.cli = cli;
	r.conf = conf;
	r.o = o;
	signal(SIGPIPE, SIG_IGN);
	rt_cli_catch_term();
	setup(&r);
	cli->st.extra = run_stats;
	cli->st.extra_arg = &r;
	while (!rt_cli_term && r.status == 0) {
		tick(&r);
		cli->st.in = r.x.in_recs + r.x.rejected;
		cli->st.out = r.x.out_recs;
		cli->st.rejected = r.x.rejected;
		rt_cli_idle(cli);
		rt_nconn_sleep(r.tick_us);
	}
	finish(&r);
	cli->st.in = r.x.in_recs + r.x.rejected;
	cli->st.out = r.x.out_recs;
	cli->st.rejected = r.x.rejected;
	if (r.status)
		cli->trouble = 1;
	status = rt_cli_finish(cli);
	kvStore_Destroy(r.leases);
	kvStore_Destroy(r.x.ckpts);
	rt_nconn_close(&r.c);
	free(r.w);
	if (r.tmpdir)
		rt_nckpt_remove(r.state_dir);
	return status;
}
