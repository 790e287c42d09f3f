/*
 * nats_pub.c - asynchronous JetStream publishing with every ack counted;
 * see nats_pub.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "nats_conn.h"
#include "nats_part.h"
#include "nats_pub.h"

#define TRIES_HDR "Rt-Try"

void
rt_npub_init(struct rt_npub *p, jsCtx *js)
{
	memset(p, 0, sizeof *p);
	p->js = js;
	p->ack_wait_ms = 5000;
	p->max_tries = 150;
	p->ordered = 1;
	p->order_wait_ms = 30000;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

void
rt_npub_release(struct rt_npub *p)
{
	int i;

	for (i = 0; i < p->nretry; i++)
		natsMsg_Destroy(p->retry[i]);
	free(p->retry);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

static int
tries_of(natsMsg *m)
{
	const char *v = NULL;

	if (natsMsgHeader_Get(m, TRIES_HDR, &v) != NATS_OK || v == NULL)
		return 1;
	return atoi(v);
}

/* A failed message: kept for rt_npub_resend, or counted as lost. */
static void
failed_locked(struct rt_npub *p, natsMsg *m, const jsPubAckErr *pae)
{
	snprintf(p->lasterr, sizeof p->lasterr, "%s",
	    pae->ErrText ? pae->ErrText : natsStatus_GetText(pae->Err));
	/* A stream that refuses the message will refuse it again. */
	if (pae->ErrCode != 0 || tries_of(m) >= p->max_tries) {
		p->failed++;
		natsMsg_Destroy(m);
		return;
	}
	if (p->nretry == p->capretry) {
		p->capretry = p->capretry ? 2 * p->capretry : 16;
		p->retry = rt_xreallocarray(p->retry, (size_t)p->capretry,
		    sizeof *p->retry);
	}
	p->retry[p->nretry++] = m;
	p->retry_at = rt_nconn_now() + 200000;	/* a new leader, soon */
}

void
rt_npub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
    void *closure)
{
	struct rt_npub *p = closure;
	uint64_t recs = rt_npart_lines(natsMsg_GetData(msg),
	    (size_t)natsMsg_GetDataLength(msg));

	(void)js;
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	p->progress_at = rt_nconn_now();
	if (pa && pa->Duplicate) {
		p->dups++;
		p->dup_recs += recs;
	} else if (pa) {
		p->stored++;
		p->stored_recs += recs;
	}
	if (pa || pae == NULL)
		natsMsg_Destroy(msg);
	else
		failed_locked(p, msg, pae);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Hand m to the client (which then owns it). */
static int
send_msg(struct rt_npub *p, natsMsg **m)
{
	jsPubOptions o;
	natsStatus s;

	/* No MaxWait: the wait for the ack is timed by expire(). */
	jsPubOptions_Init(&o);
	pthread_mutex_lock(&p->mu);
	p->sent++;
	if (p->inflight++ == 0)
		p->progress_at = rt_nconn_now();
	pthread_mutex_unlock(&p->mu);
	s = js_PublishMsgAsync(p->js, m, &o);
	if (s == NATS_OK)
		return 0;
	pthread_mutex_lock(&p->mu);
	p->inflight--;
	p->failed++;
	snprintf(p->lasterr, sizeof p->lasterr, "%s", natsStatus_GetText(s));
	pthread_mutex_unlock(&p->mu);
	natsMsg_Destroy(*m);
	return -1;
}

int
rt_npub_send(struct rt_npub *p, const char *subject, const char *id,
    const char *hdr, const char *hval, const void *data, size_t n)
{
	natsMsg *m = NULL;
	natsStatus s;

	if (p->ordered && (rt_npub_wait(p, p->order_wait_ms) == -1 || p->failed)) {
		if (p->lasterr[0] == '\0')
			snprintf(p->lasterr, sizeof p->lasterr, "not acknowledged");
		return -1;
	}
	s = natsMsg_Create(&m, subject, NULL, data, (int)n);
	if (s == NATS_OK && id)
		s = natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	if (s == NATS_OK && hdr)
		s = natsMsgHeader_Set(m, hdr, hval);
	if (s != NATS_OK) {
		natsMsg_Destroy(m);
		snprintf(p->lasterr, sizeof p->lasterr, "%s",
		    natsStatus_GetText(s));
		return -1;
	}
	return send_msg(p, &m);
}

/*
 * The client's own timeout (jsPubOptions.MaxWait) posts a message for
 * every publish to the reply subscription when its deadline passes,
 * acknowledged or not, and one posted while the connection closes is
 * never freed (libnats 3.4).  So the wait is timed here instead: when
 * no ack came for ack_wait_ms, what is still pending is taken back from
 * the client and handled as failed by a timeout (published again).
 */
static void
expire(struct rt_npub *p)
{
	natsMsgList l = { 0 };
	jsPubAckErr pae;
	int64_t now = rt_nconn_now();
	int i, late;

	pthread_mutex_lock(&p->mu);
	late = p->inflight > 0 && now - p->progress_at >= p->ack_wait_ms * 1000;
	pthread_mutex_unlock(&p->mu);
	if (!late || js_PublishAsyncGetPendingList(&l, p->js) != NATS_OK)
		return;
	memset(&pae, 0, sizeof pae);
	pae.Err = NATS_TIMEOUT;
	pae.ErrText = "no acknowledgement in time";
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < l.Count; i++) {
		p->inflight--;
		failed_locked(p, l.Msgs[i], &pae);
		l.Msgs[i] = NULL;	/* ours now: kept or destroyed */
	}
	p->progress_at = now;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	natsMsgList_Destroy(&l);
}

int
rt_npub_resend(struct rt_npub *p)
{
	natsMsg *m;
	char v[16];
	int rc = 0;

	expire(p);
	pthread_mutex_lock(&p->mu);
	while (p->nretry > 0 && rt_nconn_now() >= p->retry_at) {
		m = p->retry[0];
		memmove(p->retry, p->retry + 1,
		    (size_t)--p->nretry * sizeof *p->retry);
		p->retried++;
		pthread_mutex_unlock(&p->mu);
		snprintf(v, sizeof v, "%d", tries_of(m) + 1);
		natsMsgHeader_Set(m, TRIES_HDR, v);
		if (send_msg(p, &m) == -1)
			rc = -1;
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int
rt_npub_wait(struct rt_npub *p, int64_t timeout_ms)
{
	int64_t deadline = rt_nconn_now() + timeout_ms * 1000;
	struct timespec ts;
	int done;

	for (;;) {
		rt_npub_resend(p);
		pthread_mutex_lock(&p->mu);
		if (p->inflight > 0 || p->nretry > 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		}
		done = p->inflight == 0 && p->nretry == 0;
		pthread_mutex_unlock(&p->mu);
		if (done)
			return 0;
		if (rt_nconn_now() >= deadline ||
		    (p->cancel && p->cancel(p->cancel_arg)))
			return -1;
	}
}
