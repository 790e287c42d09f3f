/*
 * nats_io.c - rt-nats pub and sub: records to and from JetStream; see
 * nats_io.h and rt-nats(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "field.h"
#include "loop.h"
#include "mem.h"
#include "nats_io.h"
#include "nats_part.h"

struct pubrun {
	struct rt_cli *cli;
	struct rt_npub *pub;	/* one per partition (ordered), and */
	jsCtx **js;		/* its context */
	const struct rt_npubopt *o;
	struct rt_nbatch *b;	/* one per partition */
	uint32_t nb;
	struct rt_jdoc doc;
	struct rt_fset fs;
	int kslot, islot;
	struct rt_buf key, id, subj, mid;
	int trouble;
};

/* Send batch p and empty it. */
static void
pub_flush(struct pubrun *r, uint32_t p)
{
	struct rt_nbatch *b = &r->b[p];

	if (b->nrec == 0)
		return;
	r->subj.len = 0;
	rt_buf_adds(&r->subj, r->o->subject);
	if (r->o->key) {
		rt_buf_addc(&r->subj, '.');
		rt_buf_addu(&r->subj, p);
	}
	rt_buf_cstr(&r->subj);
	if (r->o->msgid)
		rt_nbatch_msgid(b, p, &r->mid);
	if (rt_npub_send(&r->pub[p], r->subj.p, r->o->msgid ? r->mid.p : NULL,
	    NULL, NULL, b->b.p, b->b.len) == -1)
		r->trouble = 1;
	rt_nbatch_clear(b);
}

static void
pub_flush_all(struct pubrun *r)
{
	uint32_t p;

	for (p = 0; p < r->nb; p++)
		pub_flush(r, p);
}

/* The text of member slot of d into b: 0, or -1 when absent. */
static int
member(struct pubrun *r, const struct rt_jdoc *d, uint32_t node,
    struct rt_buf *b)
{
	(void)r;
	b->len = 0;
	if (node == 0)
		return -1;
	rt_field_text(d, node, b);
	return 0;
}

static void
pub_record(void *arg, struct rt_rec *rec)
{
	struct pubrun *r = arg;
	const struct rt_jdoc *d;
	uint32_t node[2] = { 0, 0 }, p = 0;
	char why[120];

	if ((d = rt_cli_object(r->cli, rec, &r->doc)) == NULL)
		return;
	rt_fset_find(&r->fs, d, node);
	if (r->o->key && member(r, d, node[r->kslot], &r->key) == -1) {
		snprintf(why, sizeof why, "%.60s: key field missing", r->o->key);
		rt_cli_reject(r->cli, rec, why);
		return;
	}
	if (r->o->msgid && member(r, d, node[r->islot], &r->id) == -1) {
		snprintf(why, sizeof why, "%.60s: --msg-id field missing",
		    r->o->msgid);
		rt_cli_reject(r->cli, rec, why);
		return;
	}
	if (r->o->key)
		p = rt_npart_of(r->key.p, r->key.len, r->o->parts);
	if (rt_nbatch_full(&r->b[p], rec->len, r->o->batch_bytes))
		pub_flush(r, p);
	rt_nbatch_add(&r->b[p], rec->p, rec->len, r->id.p, r->id.len,
	    rec->line);
}

/* The input would block: send what waits (unless batches must be
 * deterministic), then wait for input. */
static void
pub_idle(void *arg)
{
	struct pubrun *r = arg;
	struct pollfd pfd[2] = {
		{ rt_src_fd(&r->cli->src), POLLIN, 0 },
		{ rt_cli_term_fd(), POLLIN, 0 }
	};

	uint32_t p;

	if (!r->o->msgid)
		pub_flush_all(r);
	for (p = 0; p < r->nb; p++)
		rt_npub_resend(&r->pub[p]);
	rt_cli_idle(r->cli);
	if (pfd[0].fd >= 0 && !rt_cli_term)
		(void)poll(pfd, 2, 200);
}

/* A publishing context for partition p, its acks counted in pub[p]. */
static int
pub_ctx(struct pubrun *r, natsConnection *nc, uint32_t p)
{
	jsOptions jo;

	jsOptions_Init(&jo);
	jo.Wait = 10000;
	jo.PublishAsync.AckHandler = rt_npub_ack;
	jo.PublishAsync.AckHandlerClosure = &r->pub[p];
	jo.PublishAsync.StallWait = 10000;
	if (natsConnection_JetStream(&r->js[p], nc, &jo) != NATS_OK)
		return -1;
	rt_npub_init(&r->pub[p], r->js[p]);
	r->pub[p].order_wait_ms = r->o->ack_wait_ms;
	return 0;
}

static void
pub_setup(struct pubrun *r, struct rt_cli *cli, natsConnection *nc,
    const struct rt_npubopt *o)
{
	uint32_t p;

	memset(r, 0, sizeof *r);
	r->cli = cli;
	r->o = o;
	r->nb = o->key ? o->parts : 1;
	r->b = rt_xcalloc(r->nb, sizeof *r->b);
	r->pub = rt_xcalloc(r->nb, sizeof *r->pub);
	r->js = rt_xcalloc(r->nb, sizeof *r->js);
	for (p = 0; p < r->nb; p++) {
		rt_nbatch_init(&r->b[p]);
		if (pub_ctx(r, nc, p) == -1)
			rt_cli_fatal(cli, "JetStream: %s",
			    natsStatus_GetText(NATS_ERR));
	}
	rt_jdoc_init(&r->doc, 0);
	rt_fset_init(&r->fs);
	if (o->key)
		r->kslot = rt_fset_add(&r->fs, o->key, strlen(o->key));
	if (o->msgid)
		r->islot = rt_fset_add(&r->fs, o->msgid, strlen(o->msgid));
}

static void
pub_release(struct pubrun *r)
{
	uint32_t p;

	for (p = 0; p < r->nb; p++) {
		rt_nbatch_release(&r->b[p]);
		rt_npub_release(&r->pub[p]);
		jsCtx_Destroy(r->js[p]);
	}
	free(r->b);
	free(r->pub);
	free(r->js);
	rt_jdoc_release(&r->doc);
	rt_buf_release(&r->key);
	rt_buf_release(&r->id);
	rt_buf_release(&r->subj);
	rt_buf_release(&r->mid);
}

/* The counts of every partition's publisher added up. */
static void
pub_total(struct pubrun *r, struct rt_npub *t)
{
	uint32_t p;

	memset(t, 0, sizeof *t);
	for (p = 0; p < r->nb; p++) {
		struct rt_npub *q = &r->pub[p];

		pthread_mutex_lock(&q->mu);
		t->stored += q->stored;
		t->dups += q->dups;
		t->stored_recs += q->stored_recs;
		t->dup_recs += q->dup_recs;
		t->retried += q->retried;
		t->failed += q->failed + q->inflight + (uint64_t)q->nretry;
		if (q->lasterr[0])
			memcpy(t->lasterr, q->lasterr, sizeof t->lasterr);
		pthread_mutex_unlock(&q->mu);
	}
}

static void
stats_of(struct rt_buf *b, const struct rt_npub *t);

/* While publishing: the live counts. */
static void
pub_stats(struct rt_buf *b, void *arg)
{
	struct rt_npub t;

	pub_total(arg, &t);
	stats_of(b, &t);
}

/* After: the counts kept (arg is a struct rt_npub). */
static void
pub_stats_final(struct rt_buf *b, void *arg)
{
	stats_of(b, arg);
}

static void
stats_of(struct rt_buf *b, const struct rt_npub *t)
{
	rt_stats_member(b, "messages", t->stored + t->dups);
	rt_stats_member(b, "duplicates", t->dups);
	rt_stats_member(b, "duplicate_records", t->dup_recs);
	rt_stats_member(b, "retried", t->retried);
	rt_stats_member(b, "failed", t->failed);
}

/* Wait for every partition's last acks, until the deadline. */
static void
pub_wait(struct pubrun *r)
{
	int64_t until = rt_nconn_now() + r->o->ack_wait_ms * 1000;
	uint32_t p;

	for (p = 0; p < r->nb; p++)
		rt_npub_wait(&r->pub[p], (until - rt_nconn_now()) / 1000 + 1);
}

int
rt_nats_pub(struct rt_cli *cli, struct rt_nconn *c, const struct rt_npubopt *o,
    char *err, size_t errlen)
{
	static struct rt_npub t;	/* the counts, for --stats at the end */
	struct pubrun r;

	snprintf(err, errlen, "the client refused a message");
	pub_setup(&r, cli, c->nc, o);
	cli->st.extra = pub_stats;
	cli->st.extra_arg = &r;
	rt_loop_run(cli, &(struct rt_loop){ .record = pub_record,
	    .wait = pub_idle, .arg = &r });
	pub_flush_all(&r);
	pub_wait(&r);
	pub_total(&r, &t);
	cli->st.out += t.stored_recs + t.dup_recs;
	if (t.failed)
		snprintf(err, errlen, "%llu message(s) not stored: %s",
		    (unsigned long long)t.failed, t.lasterr[0] ? t.lasterr :
		    "no acknowledgement");
	cli->st.extra = pub_stats_final;
	cli->st.extra_arg = &t;
	pub_release(&r);
	return t.failed || r.trouble ? -1 : 0;
}

/* The pull subscription for o: NATS_OK or the status (jerr set).  A
 * durable consumer is made first (anew when asked to start again) and
 * bound to. */
static natsStatus
sub_open(natsSubscription **sub, struct rt_nconn *c,
    const struct rt_nsubopt *o, jsErrCode *jerr)
{
	jsSubOptions so;
	jsConsumerConfig cc;
	jsConsumerInfo *ci = NULL;
	jsOptions jo;
	natsStatus s;

	jsOptions_Init(&jo);
	jo.Wait = 2000;		/* asked again when unanswered */
	jsConsumerConfig_Init(&cc);
	cc.AckPolicy = o->durable ? js_AckAll : js_AckNone;
	cc.MaxAckPending = -1;
	cc.DeliverPolicy = js_DeliverAll;
	if (o->from_seq) {
		cc.DeliverPolicy = js_DeliverByStartSequence;
		cc.OptStartSeq = o->from_seq;
	}
	jsSubOptions_Init(&so);
	so.Stream = o->stream;
	so.ManualAck = true;
	if (o->durable) {
		/* Resumed, a durable consumer is taken as it is: one made
		 * from a sequence takes no other deliver policy. */
		if (o->from_start || o->from_seq)
			js_DeleteConsumer(c->js, o->stream, o->durable, NULL, NULL);
		else if (js_GetConsumerInfo(&ci, c->js, o->stream, o->durable,
		    &jo, NULL) != NATS_OK)
			ci = NULL;
		cc.Durable = o->durable;
		cc.FilterSubject = o->subject;
		if (ci == NULL) {
			s = js_AddConsumer(&ci, c->js, o->stream, &cc, &jo, jerr);
			if (s != NATS_OK && *jerr != JSConsumerNameExistErr &&
			    *jerr != JSConsumerExistingActiveErr &&
			    *jerr != 10148)
				return s;
		}
		jsConsumerInfo_Destroy(ci);
		so.Consumer = o->durable;
		*jerr = 0;
	} else {
		so.Config = cc;
	}
	s = js_PullSubscribe(sub, c->js, o->subject, o->durable, &jo, &so,
	    jerr);
	if (s == NATS_OK)
		rt_nconn_nodrop(*sub);
	return s;
}

/* Write the records of message m. */
static void
sub_write(struct rt_cli *cli, natsMsg *m)
{
	const char *p = natsMsg_GetData(m);
	size_t n = (size_t)natsMsg_GetDataLength(m);
	uint64_t k = rt_npart_lines(p, n);

	cli->st.in += k;
	cli->st.out += k;
	if (n == 0)
		return;
	if (rt_out_write(&cli->out, p, n) == -1 ||
	    (p[n - 1] != '\n' && rt_out_putc(&cli->out, '\n') == -1))
		rt_cli_stdout_failed(cli, cli->out.err);
	rt_out_end(&cli->out);
}

/* Nothing came for a while: are we caught up?  1, 0, or -1.  Not
 * while the server has delivered more than we received: the rest is on
 * its way (a fetch that timed out as it came).  Counted in consumer
 * sequences (cseq: the last message received), as the stream sequence
 * a consumer has delivered to moves past messages its subject does not
 * take.  A durable consumer may have delivered before this run: what it
 * delivered and no one acknowledged is still to come.  (It is asked
 * by name: libnats 3.4 answers natsSubscription_GetConsumerInfo of a
 * durable pull subscription with NATS_INVALID_SUBSCRIPTION.) */
static int
sub_caught_up(struct rt_nconn *c, natsSubscription *sub,
    const struct rt_nsubopt *o, uint64_t cseq)
{
	jsConsumerInfo *ci = NULL;
	natsStatus s;
	int k;

	s = o->durable ? js_GetConsumerInfo(&ci, c->js, o->stream, o->durable,
	    NULL, NULL) : natsSubscription_GetConsumerInfo(&ci, sub, NULL, NULL);
	if (s != NATS_OK)
		return -1;
	k = ci->NumPending == 0 && (o->durable ? ci->NumAckPending == 0 :
	    ci->Delivered.Consumer <= cseq);
	jsConsumerInfo_Destroy(ci);
	return k;
}

/* A gap in the consumer's sequence (messages the client lost): the
 * subscription made again from the message after seq.  NATS_OK or why
 * not. */
static natsStatus
sub_again(natsSubscription **sub, struct rt_nconn *c,
    const struct rt_nsubopt *o, uint64_t seq, jsErrCode *jerr)
{
	struct rt_nsubopt again = *o;
	int64_t until = rt_nconn_now() + 30000000;
	natsStatus s;

	natsSubscription_Destroy(*sub);
	*sub = NULL;
	again.from_seq = seq + 1;
	again.from_start = 0;
	while ((s = sub_open(sub, c, &again, jerr)) == NATS_TIMEOUT &&
	    rt_nconn_now() < until)
		*jerr = 0;
	return s;
}

const char *
rt_nats_sub(struct rt_cli *cli, struct rt_nconn *c,
    const struct rt_nsubopt *o, char *err, size_t errlen)
{
	natsSubscription *sub = NULL;
	natsMsgList list;
	jsErrCode jerr = 0;
	natsStatus s;
	uint64_t left = 1, seq = 0, cseq = 0, s1, c1, pend = 0;
	int i, done = 0, gap;
	int64_t until = rt_nconn_now() + 30000000;

	/* A consumer's creation can go unanswered while a server of the
	 * cluster is down: ask again. */
	while ((s = sub_open(&sub, c, o, &jerr)) == NATS_TIMEOUT &&
	    rt_nconn_now() < until)
		jerr = 0;
	if (s != NATS_OK) {
		return rt_nconn_err(s, jerr, err, errlen);
	}
	while (!done && !rt_cli_term) {
		s = rt_nconn_fetch(&list, sub, c->nc, 1024, 250, &jerr);
		if (s == NATS_TIMEOUT) {
			rt_cli_idle(cli);
			if (!o->follow && sub_caught_up(c, sub, o, cseq) == 1)
				break;
			continue;
		}
		if (s != NATS_OK) {
			rt_nconn_err(s, jerr, err, errlen);
			break;
		}
		for (i = 0, gap = 0; i < list.Count && !gap; i++) {
			rt_nconn_seqs(list.Msgs[i], &s1, &c1, &pend);
			if (cseq && c1 != cseq + 1) {
				gap = 1;	/* i is the first not written */
			} else {
				sub_write(cli, list.Msgs[i]);
				seq = s1;
				left = pend;
			}
			cseq = c1;
		}
		i -= gap;
		if (o->durable && i > 0)
			natsMsg_Ack(list.Msgs[i - 1], NULL);
		natsMsgList_Destroy(&list);
		if (gap) {
			if ((s = sub_again(&sub, c, o, seq, &jerr)) != NATS_OK) {
				rt_nconn_err(s, jerr, err, errlen);
				break;
			}
			cseq = 0;
			continue;
		}
		done = left == 0 && !o->follow;
		if (left == 0)
			rt_cli_idle(cli);
	}
	if (sub)
		natsSubscription_Destroy(sub);
	return s == NATS_OK || s == NATS_TIMEOUT ? NULL : err;
}
