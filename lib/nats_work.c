/*
 * nats_work.c - one partition of rt-nats run: restore, pipeline,
 * feeder, reader, checkpoints; see nats_work.h and rt-nats(1).
 */
#define _GNU_SOURCE 1	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "json.h"
#include "mem.h"
#include "nats_conn.h"
#include "nats_part.h"
#include "nats_work.h"

extern char **environ;

#define OUT_BATCH (64 * 1024)
#define ADD(x, n) __atomic_add_fetch(&(x), (n), __ATOMIC_RELAXED)

/* The checkpoint of w for a barrier at input in_seq into blob. */
static int
encode(struct rt_nwork *w, uint64_t bar, uint64_t in_seq, struct rt_buf *b)
{
	struct rt_nckpt c = { w->part, bar, in_seq, w->out_idx, "" };

	snprintf(c.owner, sizeof c.owner, "%s", w->x->me);
	b->len = 0;
	return rt_nckpt_encode(&c, w->dir, b);
}

/* Read the checkpoint into w->dir and claim it (the revision moves, so
 * the previous owner's next store fails).  0, or -1 with w->why. */
static int
restore(struct rt_nwork *w, uint64_t *bar)
{
	struct rt_buf blob;
	struct rt_nckpt c;
	const char *err;
	int k;

	rt_buf_init(&blob);
	k = rt_nckpt_load(w->x->ckpts, w->part, &blob, &w->ckpt_rev,
	    w->ckpt_tag, w->why, sizeof w->why);
	memset(&c, 0, sizeof c);
	if (k == 1 && (err = rt_nckpt_decode(blob.p, blob.len, &c, w->dir))) {
		snprintf(w->why, sizeof w->why, "checkpoint: %s", err);
		k = -1;
	} else if (k == 0 && rt_nckpt_clear(w->dir) == -1) {
		snprintf(w->why, sizeof w->why, "%.200s: %s", w->dir,
		    strerror(errno));
		k = -1;
	}
	if (k != -1) {
		w->fed_seq = c.in_seq;
		w->out_idx = c.out_n;
		*bar = c.barrier;
		if (encode(w, c.barrier, c.in_seq, &blob) == -1 ||
		    rt_nckpt_store(w->x->ckpts, w->part, &blob, w->x->value_max,
		    &w->ckpt_rev, w->ckpt_tag, w->why, sizeof w->why) != 0)
			k = -1;
	}
	rt_buf_release(&blob);
	return k == -1 ? -1 : 0;
}

/* Output already published past the checkpoint (a crash after a
 * publish, before the next checkpoint): its end, from the last message
 * on O.<p>. */
static void
published_end(struct rt_nwork *w)
{
	natsMsg *m = NULL;
	const char *v = NULL;
	uint64_t first, n;

	w->skip_until = w->out_idx;
	if (js_GetLastMsg(&m, w->x->js, w->x->out_stream, w->out_subj, NULL,
	    NULL) != NATS_OK)
		return;
	if (natsMsgHeader_Get(m, RT_NPART_OUTHDR, &v) == NATS_OK &&
	    rt_npart_outhdr_parse(v, &first, &n) == 0 &&
	    first + n > w->skip_until)
		w->skip_until = first + n;
	natsMsg_Destroy(m);
}

/* Delete the consumers earlier owners of the partition made. */
static void
drop_old_consumers(struct rt_nwork *w, const char *prefix)
{
	jsConsumerNamesList *l = NULL;
	size_t pl = strlen(prefix);
	int i;

	if (js_ConsumerNames(&l, w->x->js, w->x->in_stream, NULL, NULL) !=
	    NATS_OK)
		return;
	for (i = 0; i < l->Count; i++)
		if (strncmp(l->List[i], prefix, pl) == 0 &&
		    strcmp(l->List[i], w->consumer) != 0)
			js_DeleteConsumer(w->x->js, w->x->in_stream, l->List[i],
			    NULL, NULL);
	jsConsumerNamesList_Destroy(l);
}

/* A durable pull consumer of this ownership (named by the claimed
 * revision and the times it was made again: an old owner's pulls cannot
 * take its messages), from the message after the last one fed.  One
 * copy, in memory: the input position that counts is the checkpoint's,
 * so the consumer needs no replicas of its own, and it is made at once
 * (no group of three to elect) and costs the servers little.  A consumer
 * lost with its server is made again (remake). */
static int
consume(struct rt_nwork *w)
{
	jsConsumerConfig cc;
	jsConsumerInfo *ci = NULL;
	jsSubOptions so;
	jsErrCode jerr = 0;
	char prefix[160];
	natsStatus s;

	snprintf(prefix, sizeof prefix, "rt_%s_p%" PRIu32 "_", w->x->group,
	    w->part);
	snprintf(w->consumer, sizeof w->consumer, "%s%" PRIu64 "_%d", prefix,
	    w->ckpt_rev, w->nretired);
	drop_old_consumers(w, prefix);
	jsConsumerConfig_Init(&cc);
	cc.Durable = w->consumer;
	cc.FilterSubject = w->in_subj;
	cc.AckPolicy = js_AckAll;
	cc.AckWait = (int64_t)24 * 3600 * 1000000000;
	cc.MaxAckPending = -1;
	cc.DeliverPolicy = w->fed_seq ? js_DeliverByStartSequence :
	    js_DeliverAll;
	cc.OptStartSeq = w->fed_seq ? w->fed_seq + 1 : 0;
	cc.Replicas = 1;
	cc.MemoryStorage = true;
	s = js_AddConsumer(&ci, w->x->js, w->x->in_stream, &cc, NULL, &jerr);
	if (s == NATS_OK) {
		jsConsumerInfo_Destroy(ci);
		jsSubOptions_Init(&so);
		so.Stream = w->x->in_stream;
		so.Consumer = w->consumer;
		so.ManualAck = true;
		so.Config.Replicas = 1;
		so.Config.MemoryStorage = true;
		s = js_PullSubscribe(&w->sub, w->x->js, w->in_subj, w->consumer,
		    NULL, &so, &jerr);
		if (s == NATS_OK)
			rt_nconn_nodrop(w->sub);
	}
	if (s != NATS_OK) {
		rt_nconn_err(s, jerr, w->why, sizeof w->why);
		return -1;
	}
	return 0;
}

/* The consumer answers no more (its server went down, or it was
 * deleted): retire it, for the feeder to make a new one (consume) from
 * the message after the last fed.  0, or -1 (w->why) when that was done
 * too often. */
static int
remake(struct rt_nwork *w)
{
	if (w->nretired == RT_NW_REMAKES) {
		snprintf(w->why, sizeof w->why, "the partition's consumer was "
		    "lost %d times; the checkpoint is kept", RT_NW_REMAKES);
		return -1;
	}
	w->retired[w->nretired++] = w->sub;
	w->sub = NULL;
	ADD(w->x->remade, 1);
	return 0;
}

/* environ with RT_PARTITION and RT_STATE set (the strings in b). */
static char **
child_env(struct rt_nwork *w, char *part, size_t plen, char *state,
    size_t slen)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = rt_xcalloc(n + 3, sizeof *env);
	for (n = 0; environ[n]; n++)
		if (strncmp(environ[n], "RT_PARTITION=", 13) != 0 &&
		    strncmp(environ[n], "RT_STATE=", 9) != 0)
			env[k++] = environ[n];
	snprintf(part, plen, "RT_PARTITION=%" PRIu32, w->part);
	snprintf(state, slen, "RT_STATE=%s", w->dir);
	env[k++] = part;
	env[k++] = state;
	return env;
}

/* sh -c PIPELINE in a process group of its own, stdin and stdout
 * pipes to us. */
static int
spawn(struct rt_nwork *w)
{
	int in[2], out[2], rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char *argv[] = { "sh", "-c", (char *)w->x->pipeline, NULL };
	char part[48], state[1100], **env;

	/* Close-on-exec from the start: no other pipeline inherits them. */
	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	env = child_env(w, part, sizeof part, state, sizeof state);
	rc = posix_spawn(&w->pid, "/bin/sh", &fa, &at, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(out[1]);
	w->to_fd = in[1];
	w->from_fd = out[0];
	if (rc != 0) {
		errno = rc;
		close(in[1]);
		close(out[0]);
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A line of message seq that is not JSON: to the reject subject, with
 * the stream and sequence as its source (deduplicated on replay). */
static void
reject(struct rt_nwork *w, uint64_t seq, uint64_t line, const char *p,
    size_t n, const struct rt_jdoc *d)
{
	struct rt_buf b, id;
	char src[300], why[120];

	rt_buf_init(&b);
	rt_buf_init(&id);
	snprintf(src, sizeof src, "%s:%" PRIu64, w->x->in_stream, seq);
	snprintf(why, sizeof why, "invalid JSON: %s at byte %zu", d->err,
	    d->erroff);
	rt_buf_adds(&b, "{\"tool\":\"rt-nats\",\"source\":");
	rt_json_put_str(&b, src, strlen(src));
	rt_buf_printf(&b, ",\"line\":%" PRIu64 ",\"reason\":", line);
	rt_json_put_str(&b, why, strlen(why));
	rt_buf_adds(&b, ",\"raw\":");
	rt_json_put_str(&b, p, n);
	rt_buf_adds(&b, "}\n");
	rt_buf_printf(&id, "%s:%" PRIu64, src, line);
	rt_npub_send(&w->pub, w->x->reject_subject, rt_buf_cstr(&id), NULL,
	    NULL, b.p, b.len);
	ADD(w->x->rejected, 1);
	rt_buf_release(&b);
	rt_buf_release(&id);
}

/* Feed the records of message m (sequence seq) to the pipeline; lines
 * that are not JSON go to the rejects, the others on, as they are when
 * every line is good.  0, or -1 when the pipe broke. */
static int
feed(struct rt_nwork *w, natsMsg *m, uint64_t seq, struct rt_jdoc *d,
    struct rt_buf *good)
{
	const char *p0 = natsMsg_GetData(m), *p = p0, *nl;
	const char *end = p + natsMsg_GetDataLength(m);
	uint64_t line = 0, recs = 0;
	int bad = 0;

	good->len = 0;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line++;
		/* One document, reused: no allocation per record. */
		if (rt_jdoc_parse(d, p, (size_t)(nl - p)) != 0 || nl == p) {
			if (!bad)	/* the good lines before this one */
				rt_buf_add(good, p0, (size_t)(p - p0));
			reject(w, seq, line, p, (size_t)(nl - p), d);
			bad = 1;
			continue;
		}
		recs++;
		if (bad) {
			rt_buf_add(good, p, (size_t)(nl - p));
			rt_buf_addc(good, '\n');
		}
	}
	ADD(w->x->in_recs, recs);
	ADD(w->x->in_msgs, 1);
	if (bad)
		return write_all(w->to_fd, good->p, good->len);
	if (write_all(w->to_fd, p0, (size_t)(end - p0)) == -1)
		return -1;
	return end > p0 && end[-1] != '\n' ? write_all(w->to_fd, "\n", 1) : 0;
}

/* Put barrier id after message m (kept to be acked) into the pipe. */
static int
barrier(struct rt_nwork *w, natsMsg *m, uint64_t id, int final)
{
	struct rt_buf b;
	int rc;

	pthread_mutex_lock(&w->mu);
	w->bar_inflight = 1;
	w->bar_final = final;
	w->bar_id = id;
	w->bar_seq = w->fed_seq;
	w->bar_msg = m;
	pthread_mutex_unlock(&w->mu);
	rt_buf_init(&b);
	rt_ctl_barrier(&b, id);
	rt_buf_addc(&b, '\n');
	rc = write_all(w->to_fd, b.p, b.len);
	rt_buf_release(&b);
	return rc;
}

static int
inflight(struct rt_nwork *w)
{
	int k;

	pthread_mutex_lock(&w->mu);
	k = w->bar_inflight;
	pthread_mutex_unlock(&w->mu);
	return k;
}

/* The feeder's state between messages. */
struct feeder {
	uint64_t bar_id;	/* the last barrier's id */
	uint64_t bar_seq;	/* input it was put after */
	uint64_t msgs;		/* messages since */
	int64_t bar_at;		/* when */
	natsMsg *last;		/* the last message fed, owned */
	uint64_t cseq;		/* the consumer's sequence of the last one */
	int64_t failing;	/* since when fetches fail (0: they do not) */
	int idle;		/* fetches in a row that timed out */
};

/* After a fetch that brought nothing (s: why): is the consumer lost?  It
 * is when fetches have failed for 2 s, or when, idle for 5 s, the
 * server no longer knows it. */
static int
consumer_lost(struct rt_nwork *w, struct feeder *f, natsStatus s)
{
	jsConsumerInfo *ci = NULL;
	natsStatus k;

	if (s == NATS_TIMEOUT) {
		f->failing = 0;
		if (++f->idle < 10)
			return 0;
		f->idle = 0;
		k = js_GetConsumerInfo(&ci, w->x->js, w->x->in_stream,
		    w->consumer, NULL, NULL);
		jsConsumerInfo_Destroy(ci);
		return k == NATS_NOT_FOUND;
	}
	f->idle = 0;
	if (f->failing == 0)
		f->failing = rt_nconn_now();
	return rt_nconn_now() - f->failing >= 2000000;
}

/* Is a barrier due after the message just fed? */
static int
due(struct rt_nwork *w, const struct feeder *f)
{
	if (f->last == NULL || w->fed_seq == f->bar_seq || inflight(w))
		return 0;
	if (w->x->ckpt_msgs)
		return f->msgs >= w->x->ckpt_msgs;
	return rt_nconn_now() - f->bar_at >= w->x->ckpt_us;
}

static int
maybe_barrier(struct rt_nwork *w, struct feeder *f, int final)
{
	if (!final && !due(w, f))
		return 0;
	f->bar_id++;
	f->bar_seq = w->fed_seq;
	f->msgs = 0;
	f->bar_at = rt_nconn_now();
	/* The message is the barrier's now (acked after its checkpoint). */
	if (barrier(w, f->last, f->bar_id, final) == -1) {
		f->last = NULL;
		return -1;
	}
	f->last = NULL;
	return 0;
}

/* One fetch: the messages fed, a barrier when due.  0, or -1 when the
 * pipe broke. */
static int
feed_some(struct rt_nwork *w, struct feeder *f, struct rt_jdoc *d,
    struct rt_buf *good)
{
	natsMsgList l;
	uint64_t seq, cseq;
	int i, rc = 0;
	natsStatus s;

	if (w->sub == NULL) {		/* lost: made again, for 30 s */
		if (consume(w) == 0) {
			f->cseq = 0;	/* a new consumer counts from 1 */
			f->failing = 0;
		} else if (rt_nconn_now() - f->failing >= 30000000) {
			w->failed = 1;
			return -1;
		} else {
			rt_nconn_sleep(250000);
			return maybe_barrier(w, f, 0);
		}
	}
	s = rt_nconn_fetch(&l, w->sub, w->x->nc, 64, 500, NULL);
	if (s != NATS_OK) {
		if (consumer_lost(w, f, s)) {
			f->failing = rt_nconn_now();
			if (remake(w) == -1) {
				w->failed = 1;
				return -1;
			}
		} else if (s != NATS_TIMEOUT) {
			rt_nconn_sleep(100000);	/* a leader moving */
		}
		return maybe_barrier(w, f, 0);
	}
	f->failing = 0;
	f->idle = 0;
	for (i = 0; i < l.Count && rc == 0; i++) {
		rt_nconn_seqs(l.Msgs[i], &seq, &cseq, NULL);
		if (seq == 0)
			continue;
		/* A delivery the client lost: nothing after it may be fed (a
		 * barrier would acknowledge it); the partition stops, its
		 * checkpoint kept. */
		if (f->cseq && cseq != f->cseq + 1) {
			snprintf(w->why, sizeof w->why, "input message(s) lost on "
			    "their way from the server (consumer sequence %"
			    PRIu64 " after %" PRIu64 "); the checkpoint is kept",
			    cseq, f->cseq);
			w->failed = 1;
			rc = -1;
			break;
		}
		f->cseq = cseq;
		if (seq <= w->fed_seq)		/* delivered again */
			continue;
		if ((rc = feed(w, l.Msgs[i], seq, d, good)) == 0) {
			w->fed_seq = seq;
			f->msgs++;
			natsMsg_Destroy(f->last);
			f->last = l.Msgs[i];
			l.Msgs[i] = NULL;
			rc = maybe_barrier(w, f, 0);
		}
	}
	natsMsgList_Destroy(&l);
	return rc;
}

static void *
feeder_main(void *arg)
{
	struct rt_nwork *w = arg;
	struct feeder f = { w->bar_id, w->fed_seq, 0, rt_nconn_now(), NULL, 0,
	    0, 0 };
	struct rt_jdoc d;
	struct rt_buf good;

	rt_jdoc_init(&d, 0);
	rt_buf_init(&good);
	while (w->stop == RT_NW_RUN && !w->lost)
		if (feed_some(w, &f, &d, &good) == -1)
			break;
	if (w->stop == RT_NW_DRAIN && !w->lost) {
		while (inflight(w) && w->stop == RT_NW_DRAIN && !w->lost)
			rt_nconn_sleep(5000);
		if (f.last && w->stop == RT_NW_DRAIN && !w->lost &&
		    maybe_barrier(w, &f, 1) == 0)
			while (!w->final_done && w->stop == RT_NW_DRAIN &&
			    !w->lost && !w->reader_done)
				rt_nconn_sleep(5000);
	}
	natsMsg_Destroy(f.last);
	close(w->to_fd);	/* the pipeline reads its end */
	w->to_fd = -1;
	rt_jdoc_release(&d);
	rt_buf_release(&good);
	w->feeder_done = 1;
	return NULL;
}

/* The pipeline's output waiting to be published. */
struct outq {
	struct rt_buf b;
	uint64_t first, n;
	uint64_t pubs;		/* messages published (fault hook) */
	int discard;		/* after the last barrier: nothing goes */
	struct rt_buf id, hdr;
	struct rt_jdoc doc;
};

static int
lease_ok(struct rt_nwork *w)
{
	if (w->lost || rt_nconn_now() >=
	    __atomic_load_n(&w->lease.valid_until, __ATOMIC_RELAXED)) {
		w->lost = 1;
		return 0;
	}
	return 1;
}

/* Publish what waits, if the lease is still ours.  0, or -1. */
static int
flush_out(struct rt_nwork *w, struct outq *q)
{
	if (q->n == 0)
		return 0;
	if (!lease_ok(w))
		return -1;
	rt_npart_outid(&q->id, w->out_subj, q->first);
	rt_npart_outhdr(&q->hdr, q->first, q->n);
	if (rt_npub_send(&w->pub, w->out_subj, q->id.p, RT_NPART_OUTHDR,
	    q->hdr.p, q->b.p, q->b.len) == -1) {
		snprintf(w->why, sizeof w->why, "publish: %s", w->pub.lasterr);
		w->failed = 1;
		return -1;
	}
	ADD(w->x->out_recs, q->n);
	q->b.len = 0;
	q->n = 0;
	if (w->x->fault_pub && ++q->pubs == w->x->fault_pub) {
		natsConnection_Flush(w->x->nc);	/* sent, not acked */
		kill(getpid(), SIGKILL);
	}
	return 0;
}

/* Store the checkpoint of the barrier just out: 1, 0 when it could not
 * be stored (the next one will be), -1 when the partition must stop
 * (fenced off, or its output not stored). */
static int
checkpoint(struct rt_nwork *w, uint64_t id, uint64_t seq)
{
	struct rt_buf blob;
	int k = -1, tries;

	if (rt_npub_wait(&w->pub, 30000) == -1) {
		snprintf(w->why, sizeof w->why, "output not stored: %s",
		    w->pub.lasterr[0] ? w->pub.lasterr : "no acknowledgement");
		w->failed = 1;
		return -1;
	}
	if (!lease_ok(w))
		return -1;
	rt_buf_init(&blob);
	if (encode(w, id, seq, &blob) == 0)
		for (tries = 0; tries < 5 && (k = rt_nckpt_store(w->x->ckpts,
		    w->part, &blob, w->x->value_max, &w->ckpt_rev, w->ckpt_tag,
		    w->why, sizeof w->why)) == -1 && lease_ok(w); tries++)
			rt_nconn_sleep(200000);
	rt_buf_release(&blob);
	if (k == 1)
		w->lost = 1;
	if (k != 0)
		return k == 1 ? -1 : 0;
	if (w->x->fault_ckpt &&
	    ADD(w->x->ckpts_done, 1) == w->x->fault_ckpt)
		kill(getpid(), SIGKILL);
	else if (!w->x->fault_ckpt)
		ADD(w->x->ckpts_done, 1);
	return 1;
}

/* Barrier id came out of the pipeline. */
static int
on_barrier(struct rt_nwork *w, struct outq *q, uint64_t id)
{
	uint64_t seq;
	natsMsg *m;
	int final, k;

	pthread_mutex_lock(&w->mu);
	if (!w->bar_inflight || id != w->bar_id) {
		pthread_mutex_unlock(&w->mu);
		return 0;	/* not ours (the pipeline made it) */
	}
	seq = w->bar_seq;
	m = w->bar_msg;
	final = w->bar_final;
	w->bar_msg = NULL;
	pthread_mutex_unlock(&w->mu);
	k = flush_out(w, q) == -1 ? -1 : checkpoint(w, id, seq);
	if (k == 1 && m)
		natsMsg_Ack(m, NULL);	/* AckAll: the input up to seq */
	natsMsg_Destroy(m);
	pthread_mutex_lock(&w->mu);
	w->bar_inflight = 0;
	pthread_mutex_unlock(&w->mu);
	if (final) {
		q->discard = 1;	/* what an end of input makes is not ours */
		w->final_done = 1;
	}
	return k == -1 ? -1 : 0;
}

/* One line of the pipeline's output. */
static int
out_line(struct rt_nwork *w, struct outq *q, const char *p, size_t n)
{
	struct rt_ctl c;
	uint64_t idx;

	if (rt_ctl_maybe(p, n) && rt_ctl_parse(&q->doc, p, n, &c))
		return c.kind == RT_CTL_BARRIER ? on_barrier(w, q, c.id) : 0;
	if (q->discard)
		return 0;
	idx = w->out_idx++;
	if (idx < w->skip_until) {	/* published before a crash */
		ADD(w->x->dups, 1);
		return 0;
	}
	if (q->n > 0 && q->b.len + n + 1 > OUT_BATCH && flush_out(w, q) == -1)
		return -1;
	if (q->n == 0)
		q->first = idx;
	rt_buf_add(&q->b, p, n);
	rt_buf_addc(&q->b, '\n');
	q->n++;
	return 0;
}

/* The complete lines of b, consumed; 0, or -1 to stop. */
static int
out_lines(struct rt_nwork *w, struct outq *q, struct rt_buf *b)
{
	char *p = b->p, *end = b->p + b->len, *nl;
	int rc = 0;

	while (rc == 0 && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		rc = out_line(w, q, p, (size_t)(nl - p));
		p = nl + 1;
	}
	b->len = (size_t)(end - p);
	memmove(b->p, p, b->len);
	return rc;
}

static void *
reader_main(void *arg)
{
	struct rt_nwork *w = arg;
	struct outq q;
	struct rt_buf b;
	struct pollfd pfd = { w->from_fd, POLLIN, 0 };
	ssize_t k;

	memset(&q, 0, sizeof q);
	rt_jdoc_init(&q.doc, 0);
	rt_buf_init(&b);
	for (;;) {
		rt_buf_reserve(&b, 64 * 1024);
		k = read(w->from_fd, b.p + b.len, 64 * 1024);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		b.len += (size_t)k;
		if (w->stop == RT_NW_ABORT || w->lost || w->failed) {
			q.discard = 1;
			b.len = 0;
			continue;
		}
		if (out_lines(w, &q, &b) == -1)
			q.discard = 1;
		/* Nothing more at once: out it goes (latency). */
		if (!q.discard && poll(&pfd, 1, 0) == 0 && flush_out(w, &q) == -1)
			q.discard = 1;
	}
	close(w->from_fd);
	w->from_fd = -1;
	rt_buf_release(&b);
	rt_buf_release(&q.b);
	rt_buf_release(&q.id);
	rt_buf_release(&q.hdr);
	rt_jdoc_release(&q.doc);
	w->reader_done = 1;
	return NULL;
}

/* Waits for acks give up when the partition is stopped or lost. */
static int
cancelled(void *arg)
{
	const struct rt_nwork *w = arg;

	return w->stop == RT_NW_ABORT || w->lost;
}

/* This partition's publishing context, its acks counted in w->pub. */
static int
pub_ctx(struct rt_nwork *w)
{
	jsOptions jo;
	natsStatus s;

	jsOptions_Init(&jo);
	jo.Wait = 10000;
	jo.PublishAsync.MaxPending = 256;
	jo.PublishAsync.AckHandler = rt_npub_ack;
	jo.PublishAsync.AckHandlerClosure = &w->pub;
	jo.PublishAsync.StallWait = 10000;
	rt_npub_init(&w->pub, NULL);
	w->pub.order_wait_ms = 3600 * 1000;
	w->pub.cancel = cancelled;
	w->pub.cancel_arg = w;
	if ((s = natsConnection_JetStream(&w->js, w->x->nc, &jo)) != NATS_OK) {
		rt_nconn_err(s, 0, w->why, sizeof w->why);
		rt_npub_release(&w->pub);
		return -1;
	}
	w->pub.js = w->js;
	return 0;
}

/* Undo a start that failed at or after the context. */
static void
unstart(struct rt_nwork *w)
{
	if (w->sub)
		natsSubscription_Destroy(w->sub);
	w->sub = NULL;
	while (w->nretired > 0)
		natsSubscription_Destroy(w->retired[--w->nretired]);
	jsCtx_Destroy(w->js);
	w->js = NULL;
	rt_npub_release(&w->pub);
}

/* A step of the start failed: w->why says which.  -1. */
static int
failed_at(struct rt_nwork *w, const char *step)
{
	char t[sizeof w->why];

	if (strncmp(w->why, step, strlen(step)) != 0) {
		snprintf(t, sizeof t, "%s: %.*s", step,
		    (int)(sizeof t - strlen(step) - 3), w->why);
		memcpy(w->why, t, sizeof t);
	}
	return -1;
}

int
rt_nwork_prepare(struct rt_nwork *w)
{
	struct rt_nwctx *x = w->x;
	uint64_t bar = 0;

	snprintf(w->dir, sizeof w->dir, "%s/%" PRIu32, x->state_dir, w->part);
	snprintf(w->in_subj, sizeof w->in_subj, "%s.%" PRIu32, x->in_subject,
	    w->part);
	snprintf(w->out_subj, sizeof w->out_subj, "%s.%" PRIu32,
	    x->out_subject, w->part);
	w->stop = RT_NW_RUN;
	w->lost = w->failed = w->final_done = 0;
	w->reader_done = w->feeder_done = 0;
	w->bar_inflight = 0;
	w->why[0] = '\0';
	w->sub = NULL;
	w->nretired = 0;
	if (restore(w, &bar) == -1)
		return failed_at(w, "checkpoint");
	if (pub_ctx(w) == -1)
		return failed_at(w, "output");
	w->bar_id = bar;
	published_end(w);
	if (consume(w) == -1) {
		unstart(w);
		return failed_at(w, "input consumer");
	}
	return 0;
}

int
rt_nwork_launch(struct rt_nwork *w)
{
	if (spawn(w) == -1) {
		snprintf(w->why, sizeof w->why, "sh: %s", strerror(errno));
		unstart(w);
		return -1;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_create(&w->feeder, NULL, feeder_main, w);
	pthread_create(&w->reader, NULL, reader_main, w);
	w->running = 1;
	return 0;
}

int
rt_nwork_exited(struct rt_nwork *w, int *status)
{
	if (w->pid <= 0 || waitpid(w->pid, status, WNOHANG) != w->pid)
		return 0;
	w->pid = 0;
	return 1;
}

void
rt_nwork_stop(struct rt_nwork *w, int how)
{
	if (how > w->stop)
		w->stop = how;
	if (how == RT_NW_ABORT && w->pid > 0)
		kill(-w->pid, SIGTERM);
}

int
rt_nwork_done(const struct rt_nwork *w)
{
	return w->feeder_done && w->reader_done;
}

/* The pipeline has its end of input: wait a little, then end it. */
static void
reap(struct rt_nwork *w)
{
	int st, i;

	for (i = 0; w->pid > 0 && i < 200; i++) {
		if (waitpid(w->pid, &st, WNOHANG) == w->pid)
			w->pid = 0;
		else
			rt_nconn_sleep(10000);
	}
	if (w->pid > 0) {
		kill(-w->pid, SIGKILL);
		waitpid(w->pid, &st, 0);
		w->pid = 0;
	}
}

void
rt_nwork_finish(struct rt_nwork *w)
{
	if (!w->running)
		return;
	/* The reader ends with the pipeline; the pipeline with its input,
	 * or after a final barrier, at once. */
	while (!w->feeder_done)
		rt_nconn_sleep(5000);
	if (w->final_done || w->stop == RT_NW_ABORT || w->lost)
		if (w->pid > 0)
			kill(-w->pid, SIGTERM);
	pthread_join(w->feeder, NULL);
	pthread_join(w->reader, NULL);
	reap(w);
	natsMsg_Destroy(w->bar_msg);	/* a barrier that never came out */
	w->bar_msg = NULL;
	w->pub.cancel = NULL;
	rt_npub_wait(&w->pub, 2000);
	unstart(w);
	pthread_mutex_destroy(&w->mu);
	if (w->to_fd >= 0)
		close(w->to_fd);
	w->running = 0;
}
