/*
 * nats_conn.c - connecting to NATS with retries, authentication and
 * streams; see nats_conn.h and rt-nats(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "opttab.h"
#include "nats_conn.h"

int64_t
rt_nconn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
rt_nconn_sleep(int64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000),
	    (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

const char *
rt_nconf_servers(const struct rt_nconf *f)
{
	const char *e = getenv("NATS_URL");

	if (f->servers && *f->servers)
		return f->servers;
	return e && *e ? e : "nats://127.0.0.1:4222";
}

const char *
rt_nconn_err(natsStatus s, jsErrCode jerr, char *err, size_t errlen)
{
	const char *last = nats_GetLastError(NULL), *q;

	/* The client's text starts "(conn.c:2088): ": not for users. */
	if (last && *last == '(' && (q = strstr(last, "): ")) != NULL)
		last = q + 3;
	if (jerr)
		snprintf(err, errlen, "%s (JetStream error %d)",
		    last && *last ? last : natsStatus_GetText(s), (int)jerr);
	else
		snprintf(err, errlen, "%s", last && *last ? last :
		    natsStatus_GetText(s));
	return err;
}

/* Split "a,b,c" into the array the client takes (owned by *v). */
static int
split_urls(const char *s, char **copy, const char ***v)
{
	int n = 1, k = 0;
	char *p, *at;

	at = *copy = rt_xstrdup(s);
	for (p = *copy; *p; p++)
		n += *p == ',';
	*v = rt_xcalloc((size_t)n, sizeof **v);
	while ((p = rt_opttab_item(&at)) != NULL)
		if (*p != '\0')
			(*v)[k++] = p;
	return k;
}

/* The authentication and TLS options; a status or NATS_OK. */
static natsStatus
auth_opts(natsOptions *o, const struct rt_nconf *f)
{
	natsStatus s = NATS_OK;

	if (f->creds)
		s = natsOptions_SetUserCredentialsFromFiles(o, f->creds, NULL);
	if (s == NATS_OK && f->nkey) {
		char *pub = rt_xstrdup(f->nkey), *seed = strchr(pub, ':');

		if (seed == NULL) {
			free(pub);
			return NATS_INVALID_ARG;
		}
		*seed++ = '\0';
		s = natsOptions_SetNKeyFromSeed(o, pub, seed);
		free(pub);
	}
	if (s == NATS_OK && (f->tls || f->tls_ca || f->tls_cert))
		s = natsOptions_SetSecure(o, true);
	if (s == NATS_OK && f->tls_ca)
		s = natsOptions_LoadCATrustedCertificates(o, f->tls_ca);
	if (s == NATS_OK && f->tls_cert)
		s = natsOptions_LoadCertificatesChain(o, f->tls_cert,
		    f->tls_key ? f->tls_key : f->tls_cert);
	return s;
}

static natsStatus
make_opts(natsOptions **o, const struct rt_nconf *f, const char **urls, int n)
{
	natsStatus s = natsOptions_Create(o);

	if (s == NATS_OK)
		s = natsOptions_SetServers(*o, urls, n);
	if (s == NATS_OK)
		s = natsOptions_SetName(*o, f->name ? f->name : "rt-nats");
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(*o, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(*o, 100);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(*o, 2000);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectBufSize(*o, 64 * 1024 * 1024);
	if (s == NATS_OK)
		s = natsOptions_SetIOBufSize(*o, 256 * 1024);
	if (s == NATS_OK)
		s = auth_opts(*o, f);
	return s;
}

/* Connect, retrying while no server answers: NATS_OK or the status. */
static natsStatus
connect_retry(struct rt_nconn *c, natsOptions *o, int64_t wait_us)
{
	int64_t deadline = rt_nconn_now() + wait_us, backoff = 100000;
	natsStatus s;

	for (;;) {
		c->tries++;
		s = natsConnection_Connect(&c->nc, o);
		if (s != NATS_NO_SERVER && s != NATS_TIMEOUT && s != NATS_IO_ERROR)
			return s;
		if (rt_nconn_now() + backoff > deadline)
			return s;
		rt_nconn_sleep(backoff);
		backoff = backoff * 2 > 2000000 ? 2000000 : backoff * 2;
	}
}

static natsStatus
open_js(struct rt_nconn *c, const struct rt_nconf *f)
{
	jsOptions jo;

	jsOptions_Init(&jo);
	jo.Wait = 10000;
	if (f->max_pending)
		jo.PublishAsync.MaxPending = f->max_pending;
	jo.PublishAsync.AckHandler = f->ack;
	jo.PublishAsync.AckHandlerClosure = f->ack_arg;
	jo.PublishAsync.StallWait = 10000;
	return natsConnection_JetStream(&c->js, c->nc, &jo);
}

/* The server list s into out (n bytes) with each URL's user and
 * password (before an '@') replaced by "***": diagnostics show no
 * credentials. */
static void
redacted(const char *s, char *out, size_t n)
{
	size_t o = 0;

	while (*s && o + 1 < n) {
		const char *start = strstr(s, "://"), *end = s + strcspn(s, ",");
		const char *at = NULL, *q;

		/* The last '@' of the authority (before any '/'). */
		for (q = start && start < end ? start + 3 : end; q < end &&
		    *q != '/'; q++)
			if (*q == '@')
				at = q;
		if (at) {
			o += (size_t)snprintf(out + o, n - o, "%.*s***",
			    (int)(start + 3 - s), s);
			s = at;
			continue;
		}
		for (; s < end && o + 1 < n; s++)
			out[o++] = *s;
		if (*s == ',' && o + 1 < n)
			out[o++] = *s++;
	}
	out[o < n ? o : n - 1] = '\0';
}

const char *
rt_nconn_open(struct rt_nconn *c, const struct rt_nconf *f, char *err,
    size_t errlen)
{
	natsOptions *o = NULL;
	const char **urls;
	char *copy;
	int n = split_urls(rt_nconf_servers(f), &copy, &urls);
	natsStatus s;

	memset(c, 0, sizeof *c);
	s = make_opts(&o, f, urls, n);
	if (s == NATS_INVALID_ARG && f->nkey && !strchr(f->nkey, ':'))
		snprintf(err, errlen, "--nkey: expected PUBKEY:SEEDFILE");
	else if (s != NATS_OK)
		rt_nconn_err(s, 0, err, errlen);
	if (s == NATS_OK && (s = connect_retry(c, o, f->wait_us)) != NATS_OK) {
		char why[200], where[300];

		redacted(rt_nconf_servers(f), where, sizeof where);
		snprintf(err, errlen, "cannot connect to '%s': %s%s",
		    where, rt_nconn_err(s, 0, why, sizeof why),
		    s == NATS_NO_SERVER ? " (gave up retrying)" : "");
	}
	if (s == NATS_OK && (s = open_js(c, f)) != NATS_OK)
		rt_nconn_err(s, 0, err, errlen);
	natsOptions_Destroy(o);
	free(urls);
	free(copy);
	if (s != NATS_OK) {
		rt_nconn_close(c);
		return err;
	}
	return NULL;
}

void
rt_nconn_close(struct rt_nconn *c)
{
	if (c->js)
		jsCtx_Destroy(c->js);
	if (c->nc) {
		natsConnection_Close(c->nc);
		natsConnection_Destroy(c->nc);
	}
	c->js = NULL;
	c->nc = NULL;
}

/* A JetStream request failed for want of a leader for a moment (one
 * is being elected): worth asking again. */
static int
transient(natsStatus s, jsErrCode jerr)
{
	return s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS ||
	    jerr == JSClusterNotAvailErr || jerr == JSStreamOfflineErr;
}

int
rt_nconn_stream(struct rt_nconn *c, const char *name, char *err,
    size_t errlen)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	jsOptions jo;
	natsStatus s;
	int64_t until = rt_nconn_now() + 15000000;
	int led;

	/* Each request waited for 1 s (a stream being made, or whose
	 * leader moves, may leave it unanswered), asked again for 15 s; a
	 * stream found without a leader is waited for too (it is for a
	 * moment after it is made), then taken as it is. */
	jsOptions_Init(&jo);
	jo.Wait = 1000;
	for (;;) {
		s = js_GetStreamInfo(&si, c->js, name, &jo, &jerr);
		led = s == NATS_OK && (si->Cluster == NULL ||
		    (si->Cluster->Leader && si->Cluster->Leader[0]));
		if (s == NATS_OK && (led || rt_nconn_now() >= until)) {
			jsStreamInfo_Destroy(si);
			return 1;
		}
		jsStreamInfo_Destroy(si);
		si = NULL;
		if ((s != NATS_OK && !transient(s, jerr)) ||
		    rt_nconn_now() >= until)
			break;
		rt_nconn_sleep(s == NATS_OK ? 100000 : 250000);
		jerr = 0;
	}
	if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr)
		return 0;
	rt_nconn_err(s, jerr, err, errlen);
	return -1;
}

const char *
rt_nconn_create(struct rt_nconn *c, const char *name, const char **subj,
    int n, int replicas, int64_t dup_us, char *err, size_t errlen)
{
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	jsOptions jo;
	natsStatus s;
	int64_t until;
	char why[200];
	int k = rt_nconn_stream(c, name, err, errlen);

	if (k != 0)
		return k == 1 ? NULL : err;
	jsStreamConfig_Init(&cfg);
	cfg.Name = name;
	cfg.Subjects = subj;
	cfg.SubjectsLen = n;
	cfg.Storage = js_FileStorage;
	cfg.Replicas = replicas;
	cfg.Duplicates = dup_us * 1000;
	cfg.AllowDirect = true;
	/* Workers starting together may make it at once, and the server
	 * may leave one of two such requests unanswered: each is waited
	 * for 2 s, then the stream looked for and asked for again. */
	jsOptions_Init(&jo);
	jo.Wait = 2000;
	until = rt_nconn_now() + 15000000;
	while ((s = js_AddStream(&si, c->js, &cfg, &jo, &jerr)) != NATS_OK &&
	    transient(s, jerr) && rt_nconn_now() < until) {
		if (s == NATS_TIMEOUT && rt_nconn_stream(c, name, why,
		    sizeof why) == 1)
			return NULL;	/* another made it */
		rt_nconn_sleep(250000);
		jerr = 0;
	}
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		/* Just made, it may be unknown for a moment to the server
		 * asked next: the cluster has not applied it there yet. */
		for (int i = 0; i < 40 && (k = rt_nconn_stream(c, name, why,
		    sizeof why)) == 0; i++)
			rt_nconn_sleep(250000);
		if (k == 1)
			return NULL;
		if (k == 0)
			snprintf(err, errlen, "made, but not found after 10 s");
		else
			snprintf(err, errlen, "%s", why);
		return err;
	}
	/* Another worker made it first?  The reason is worded before the
	 * look-up, which clears the client's last error (its text). */
	rt_nconn_err(s, jerr, err, errlen);
	if (rt_nconn_stream(c, name, why, sizeof why) == 1)
		return NULL;
	return err;
}

void
rt_nconn_nodrop(natsSubscription *sub)
{
	natsSubscription_SetPendingLimits(sub, -1, -1);
}

static natsStatus
fetch_req(natsMsgList *l, natsSubscription *sub, int batch, int64_t mb,
    int64_t timeout_ms, bool nowait, jsErrCode *jerr)
{
	jsFetchRequest r;
	natsStatus s;

	jsFetchRequest_Init(&r);
	r.Batch = batch;
	r.MaxBytes = mb;
	r.Expires = timeout_ms * 1000000;
	r.NoWait = nowait;
	if (jerr)
		*jerr = 0;
	s = natsSubscription_FetchRequest(l, sub, &r);
	return s == NATS_NOT_FOUND ? NATS_TIMEOUT : s;
}

/* Did the fetch just made fail on the status that ends a request at its
 * byte limit ("409 Message Size Exceeds MaxBytes")?  The client takes it
 * for an error when it is the first thing to come back, which happens
 * when it ends an earlier request, one the client stopped waiting for:
 * nothing was lost, the fetch is asked again. */
static int
stale_end(void)
{
	const char *e = nats_GetLastError(NULL);

	return e != NULL && strstr(e, "Exceeds MaxBytes") != NULL;
}

natsStatus
rt_nconn_fetch(natsMsgList *l, natsSubscription *sub, natsConnection *nc,
    int batch, int64_t timeout_ms, jsErrCode *jerr)
{
	int64_t mb = 4 << 20, mp = natsConnection_GetMaxPayload(nc);
	natsStatus s;

	if (2 * mp + 4096 > mb)
		mb = 2 * mp + 4096;
	/* What is there at once; else wait for the first (as the client's
	 * own natsSubscription_Fetch does). */
	s = fetch_req(l, sub, batch, mb, timeout_ms, true, jerr);
	if (s == NATS_ERR && stale_end())
		s = fetch_req(l, sub, batch, mb, timeout_ms, true, jerr);
	if (s == NATS_TIMEOUT)
		s = fetch_req(l, sub, batch, mb, timeout_ms, false, jerr);
	if (s == NATS_ERR && stale_end())
		s = NATS_TIMEOUT;	/* nothing came: ask again */
	return s;
}

void
rt_nconn_seqs(natsMsg *m, uint64_t *stream, uint64_t *consumer,
    uint64_t *pending)
{
	jsMsgMetaData *meta = NULL;

	*stream = *consumer = 0;
	if (natsMsg_GetMetaData(&meta, m) != NATS_OK)
		return;
	*stream = meta->Sequence.Stream;
	*consumer = meta->Sequence.Consumer;
	if (pending)
		*pending = meta->NumPending;
	jsMsgMetaData_Destroy(meta);
}
