/*
 * alert.c - rt-alert's engines together (see alert.h): what event time
 * moving on (evclock.h: the watermark, the idle timer) closes, the
 * --max-delay reorder buffer, rate caps and their summaries, and the
 * alerts' JSON text.  Suppression is alert_supp.c, the top K
 * alert_top.c, selection alert_sel.c, the state file alert_state.c.
 */
#include "alert.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "mem.h"
#include "rtime.h"

static int
pend_less(const void *x, const void *y)
{
	const struct rt_apend *p = x, *q = y;

	return p->t < q->t || (p->t == q->t && p->seq < q->seq);
}

void
rt_alert_init(struct rt_alert *a, const struct rt_alert_conf *c,
    const struct rt_alert_hooks *h)
{
	memset(a, 0, sizeof *a);
	a->c = *c;
	a->h = *h;
	rt_clock_init(&a->clock, c->max_delay, 0, c->idle);
	rt_asupp_init(&a->supp, c->suppress, c->max_keys);
	rt_atop_init(&a->top, c->top, c->per);
	rt_heap_init(&a->held, sizeof(struct rt_apend), pend_less);
	rt_jdoc_init(&a->pdoc, 0);
}

void
rt_alert_release(struct rt_alert *a)
{
	for (size_t i = 0; i < a->held.n; i++)
		free(((struct rt_apend *)(void *)(a->held.v + i *
		    a->held.size))->text);
	rt_heap_release(&a->held);
	rt_asupp_release(&a->supp);
	rt_atop_release(&a->top);
	rt_jdoc_release(&a->pdoc);
	rt_buf_release(&a->key);
	rt_buf_release(&a->alert);
}

/* ---- event time ------------------------------------------------------ */

void
rt_alert_set_clock(struct rt_alert *a, int have_t, int64_t maxt,
    uint64_t seq, int have_closed, int64_t closed_upto)
{
	rt_clock_restore(&a->clock, have_t ? maxt : INT64_MIN);
	a->seq = seq;
	a->top.have_closed = have_closed;
	a->top.closed_upto = closed_upto;
}

/* ---- alerts ---------------------------------------------------------- */

/* The key text of record d into a->key ("" without --key). */
static void
key_text(struct rt_alert *a, const struct rt_jdoc *d)
{
	a->key.len = 0;
	for (int i = 0; i < a->c.nkeys; i++) {
		const char *f = a->c.keys[i];
		uint32_t k = rt_jdoc_get(d, 0, f, strlen(f));

		if (i)
			rt_buf_addc(&a->key, '\0');
		if (k)
			rt_field_text(d, k, &a->key);
		else
			rt_buf_adds(&a->key, "\x01missing");
	}
}

static void
put_time(struct rt_buf *b, int64_t t)
{
	char tb[48];
	int digits = t % RT_US_PER_S == 0 ? 0 : t % 1000 == 0 ? 3 : 6;

	rt_buf_addc(b, '"');
	rt_buf_add(b, tb, rt_time_fmt(t, digits, tb));
	rt_buf_addc(b, '"');
}

/* Append the JSON text of member name of the record d, or dflt. */
static void
put_member(struct rt_buf *b, const struct rt_jdoc *d, const char *name,
    const char *dflt)
{
	uint32_t k = rt_jdoc_get(d, 0, name, strlen(name));

	if (k)
		rt_buf_add(b, rt_jdoc_text(d, k), d->v[k].len);
	else
		rt_buf_adds(b, dflt);
}

/* The alert id: a hash of the key, the record and its time. */
static void
put_id(struct rt_buf *b, const struct rt_buf *key, const char *p, size_t n,
    int64_t t)
{
	uint64_t h;
	char id[24];

	h = rt_hash(key->p ? key->p : "", key->len);
	h ^= rt_hash(p, n) * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)t * 0xff51afd7ed558ccdULL;
	h = rt_hash(&h, sizeof h);
	snprintf(id, sizeof id, "%016llx", (unsigned long long)h);
	rt_buf_adds(b, id);
}

/* Build the alert for record d (text p[0, n)) at time t into a->alert. */
static void
build_alert(struct rt_alert *a, const struct rt_jdoc *d, const char *p,
    size_t n, int64_t t, uint64_t suppressed)
{
	struct rt_buf *b = &a->alert;

	b->len = 0;
	rt_buf_adds(b, "{\"alert_id\":\"");
	put_id(b, &a->key, p, n, t);
	rt_buf_adds(b, "\",\"time\":");
	put_time(b, t);
	rt_buf_adds(b, ",\"key\":{");
	for (int i = 0; i < a->c.nkeys; i++) {
		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, a->c.keys[i], strlen(a->c.keys[i]));
		rt_buf_addc(b, ':');
		put_member(b, d, a->c.keys[i], "null");
	}
	rt_buf_adds(b, "},\"class\":");
	put_member(b, d, "_class", "null");
	rt_buf_adds(b, ",\"score\":");
	put_member(b, d, a->c.by, "null");
	rt_buf_adds(b, ",\"rules\":");
	put_member(b, d, "_rules", "[]");
	rt_buf_adds(b, ",\"suppressed\":");
	rt_buf_addu(b, suppressed);
	rt_buf_adds(b, ",\"record\":");
	rt_buf_add(b, p, n);
	rt_buf_addc(b, '}');
}

/* ---- rate caps ------------------------------------------------------- */

/* The summary of the current rate period's throttled alerts goes out. */
static void
summary(struct rt_alert *a)
{
	struct rt_buf *b = &a->alert;
	int64_t s = a->rcur * a->c.rate_per;
	uint64_t h;
	char id[24];

	assert(a->rhave && a->rthr > 0);
	h = rt_hash(&s, sizeof s) ^ (a->rthr * 0x9e3779b97f4a7c15ULL);
	snprintf(id, sizeof id, "%016llx", (unsigned long long)h);
	b->len = 0;
	rt_buf_adds(b, "{\"alert_id\":\"");
	rt_buf_adds(b, id);
	rt_buf_adds(b, "\",\"time\":");
	put_time(b, s + a->c.rate_per);
	rt_buf_adds(b, ",\"summary\":\"throttled\",\"window_start\":");
	put_time(b, s);
	rt_buf_adds(b, ",\"window_end\":");
	put_time(b, s + a->c.rate_per);
	rt_buf_adds(b, ",\"throttled\":");
	rt_buf_addu(b, a->rthr);
	rt_buf_adds(b, ",\"suppressed\":");
	rt_buf_addu(b, a->rthr_supp);
	rt_buf_addc(b, '}');
	a->h.emit(a->h.arg, b->p, b->len, 0, 1);
	a->rthr = a->rthr_supp = 0;
}

/* May an alert at t go out under --rate (1), or is it throttled (0, its
 * pending suppressed count kept for the summary)?  A new period sends the
 * summary of the one before. */
static int
rate_take(struct rt_alert *a, int64_t t, uint64_t pending)
{
	int64_t pi = rt_floor_div(t, a->c.rate_per);

	if (!a->rhave || pi > a->rcur) {
		if (a->rhave && a->rthr)
			summary(a);
		a->rcur = pi;
		a->rcount = 0;
		a->rhave = 1;
	}
	assert(a->rcount <= a->c.rate_n);
	if (a->rcount >= a->c.rate_n) {
		a->rthr++;
		a->rthr_supp += pending;
		return 0;
	}
	a->rcount++;
	return 1;
}

/* ---- the record path ------------------------------------------------- */

static void
dropped(struct rt_alert *a, uint64_t *count)
{
	(*count)++;
	a->h.drop(a->h.arg);
}

static void
emit_held(void *arg, const char *json, size_t len, uint64_t line)
{
	struct rt_alert *a = arg;

	a->h.emit(a->h.arg, json, len, line, 0);
}

/* A record in event-time order: suppressed, throttled, held for --top or
 * raised. */
static void
process(struct rt_alert *a, const struct rt_jdoc *d, const char *p, size_t n,
    int64_t t, uint64_t seq, uint64_t line)
{
	uint64_t pending = 0;
	int isnew;

	key_text(a, d);
	if (a->c.suppress) {
		uint32_t id = rt_asupp_key(&a->supp, a->key.p, a->key.len,
		    &isnew);

		if (rt_asupp_test(&a->supp, id, t, &pending)) {
			dropped(a, &a->suppressed);
			return;
		}
	}
	if (a->c.rate_n && !rate_take(a, t, pending)) {
		dropped(a, &a->throttled);
		return;
	}
	build_alert(a, d, p, n, t, pending);
	if (a->c.top) {
		double s;
		uint32_t k = rt_jdoc_get(d, 0, a->c.by, strlen(a->c.by));

		if (k == 0 || !rt_field_num(d, k, &s) || isnan(s))
			s = -DBL_MAX;
		if (rt_atop_hold(&a->top, s, t, seq, line, a->alert.p,
		    a->alert.len))
			dropped(a, &a->outranked);
		return;
	}
	a->h.emit(a->h.arg, a->alert.p, a->alert.len, line, 0);
}

/* Process held records the watermark has passed (all: at the end). */
static void
drain(struct rt_alert *a, int all)
{
	while (a->held.n && (all || rt_clock_due(&a->clock,
	    ((struct rt_apend *)rt_heap_top(&a->held))->t))) {
		struct rt_apend e;

		rt_heap_pop(&a->held, &e);
		assert(all || rt_clock_due(&a->clock, e.t));
		if (rt_jdoc_parse(&a->pdoc, e.text, e.len) != 0)
			a->h.broken(a->h.arg, "held record");
		process(a, &a->pdoc, e.text, e.len, e.t, e.seq, e.line);
		free(e.text);
	}
}

void
rt_alert_hold(struct rt_alert *a, const char *p, size_t n, int64_t t,
    uint64_t seq, uint64_t line)
{
	struct rt_apend e = { t, seq, line, rt_xmemdup(p, n), n };

	rt_heap_push(&a->held, &e);
}

/* Event time moved: close what the watermark has passed. */
static void
advance(struct rt_alert *a)
{
	int64_t wm = rt_clock_watermark(&a->clock);

	assert(rt_clock_started(&a->clock));
	if (a->c.max_delay)
		drain(a, 0);
	if (a->c.suppress)
		rt_asupp_expire(&a->supp, wm);
	if (a->c.rate_n && a->rhave && a->rthr &&
	    rt_clock_due(&a->clock, (a->rcur + 1) * a->c.rate_per))
		summary(a);
	while (a->c.top && rt_atop_due(&a->top, wm))
		rt_atop_close(&a->top, emit_held, a);
}

int
rt_alert_add(struct rt_alert *a, const struct rt_jdoc *d, const char *p,
    size_t n, int64_t t, uint64_t line)
{
	a->seq++;
	if (rt_clock_advance(&a->clock, t))
		advance(a);
	if (a->c.top && rt_atop_late(&a->top, t)) {
		a->late++;
		return RT_ALERT_LATE;
	}
	if (a->c.max_delay && !rt_clock_due(&a->clock, t)) {
		rt_alert_hold(a, p, n, t, a->seq, line);
		return RT_ALERT_TAKEN;
	}
	process(a, d, p, n, t, a->seq, line);
	return RT_ALERT_TAKEN;
}

void
rt_alert_flush(struct rt_alert *a)
{
	drain(a, 1);
	while (a->top.nper)
		rt_atop_close(&a->top, emit_held, a);
	if (a->c.rate_n && a->rthr)
		summary(a);
}

int
rt_alert_waiting(const struct rt_alert *a)
{
	return a->held.n || a->top.nper || (a->c.rate_n && a->rthr) ||
	    (a->c.suppress && a->supp.expiry.n);
}

/* ---- idle input ------------------------------------------------------ */

int
rt_alert_wait(struct rt_alert *a, struct pollfd *fds, nfds_t n, int timeout)
{
	int64_t to;
	int k = rt_clock_wait(&a->clock, fds, n, timeout, rt_alert_waiting(a),
	    &to);

	/* Quiet for the idle timeout: event time moves on with the wall
	 * clock. */
	if (to != INT64_MIN && rt_clock_advance(&a->clock, to))
		advance(a);
	return k;
}

/* ---- held records, for the state file ------------------------------- */

static int
pend_cmp(const void *x, const void *y)
{
	const struct rt_apend *p = *(const struct rt_apend *const *)x;
	const struct rt_apend *q = *(const struct rt_apend *const *)y;

	return pend_less(p, q) ? -1 : pend_less(q, p);
}

const struct rt_apend **
rt_alert_held(const struct rt_alert *a, size_t *n)
{
	const struct rt_apend **v = rt_xcalloc(a->held.n + 1, sizeof *v);

	for (size_t i = 0; i < a->held.n; i++)
		v[i] = (const struct rt_apend *)(void *)(a->held.v +
		    i * a->held.size);
	qsort(v, a->held.n, sizeof *v, pend_cmp);
	*n = a->held.n;
	return v;
}
