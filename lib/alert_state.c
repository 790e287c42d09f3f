/*
 * alert_state.c - rt-alert's engines saved to and taken from the body of
 * a state file (see alert.h; the lines themselves are astate.h's).
 */
#include "alert.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "astate.h"
#include "state.h"

void
rt_alert_config(const struct rt_alert *a, struct rt_buf *b)
{
	const struct rt_alert_conf *c = &a->c;

	rt_buf_printf(b, "when=%s;time=%s;suppress=%lld;max-delay=%lld;"
	    "rate=%llu/%lld;top=%zu/%lld;by=%s;keys=", c->when, c->time_field,
	    (long long)c->suppress, (long long)c->max_delay,
	    (unsigned long long)c->rate_n, (long long)c->rate_per, c->top,
	    (long long)c->per, c->by);
	for (int i = 0; i < c->nkeys; i++) {
		rt_buf_adds(b, c->keys[i]);
		rt_buf_addc(b, ',');
	}
	if (c->max_keys)
		rt_buf_printf(b, ";max-keys=%u", c->max_keys);
}

/* The keys least recent first, then the alerts held for --top. */
static void
save_keys_held(const struct rt_alert *a, struct rt_buf *b,
    struct rt_aline *l)
{
	const struct rt_atop *top = &a->top;

	l->tag = 'k';
	for (uint32_t id = a->c.suppress ? rt_asupp_first(&a->supp) :
	    RT_MAP_NONE; id != RT_MAP_NONE; id = rt_asupp_next(&a->supp, id)) {
		l->kp = rt_map_key(&a->supp.keymap, id, &l->klen);
		l->ta = a->supp.ta[id];
		l->supp = a->supp.supp[id];
		rt_astate_put(b, l);
	}
	l->tag = 'h';
	for (size_t i = 0; i < top->nper; i++)
		for (size_t j = 0; j < top->open[i].n; j++) {
			const struct rt_aheld *h = &top->open[i].h[j];

			l->start = top->open[i].start;
			l->score = h->score;
			l->t = h->t;
			l->hseq = h->seq;
			l->line = h->line;
			l->json = h->json;
			l->len = h->len;
			rt_astate_put(b, l);
		}
}

/* The records held for --max-delay, in the order they go out (whatever
 * the heap's layout: the state does not depend on the runs behind it). */
static void
save_pending(const struct rt_alert *a, struct rt_buf *b, struct rt_aline *l)
{
	size_t n;
	const struct rt_apend **v = rt_alert_held(a, &n);

	l->tag = 'p';
	for (size_t i = 0; i < n; i++) {
		l->t = v[i]->t;
		l->hseq = v[i]->seq;
		l->line = v[i]->line;
		l->json = v[i]->text;
		l->len = v[i]->len;
		rt_astate_put(b, l);
	}
	free(v);
}

void
rt_alert_save(const struct rt_alert *a, struct rt_buf *b)
{
	struct rt_aline l;

	memset(&l, 0, sizeof l);
	l.tag = 't';
	l.have_t = rt_clock_started(&a->clock);
	l.maxt = l.have_t ? rt_clock_newest(&a->clock) : 0;
	l.seq = a->seq;
	l.have_closed = a->top.have_closed;
	l.closed_upto = a->top.closed_upto;
	rt_astate_put(b, &l);
	l.tag = 'r';
	l.rhave = a->rhave;
	l.rcur = a->rcur;
	l.rcount = a->rcount;
	l.rthr = a->rthr;
	l.rthr_supp = a->rthr_supp;
	rt_astate_put(b, &l);
	save_keys_held(a, b, &l);
	save_pending(a, b, &l);
}

/* Take one checked line of the state into the engines; NULL or why. */
static const char *
load_line(struct rt_alert *a, const struct rt_aline *l)
{
	int full;

	switch (l->tag) {
	case 't':
		rt_alert_set_clock(a, l->have_t, l->maxt, l->seq,
		    l->have_closed, l->closed_upto);
		break;
	case 'r':
		a->rhave = l->rhave;
		a->rcur = l->rcur;
		a->rcount = l->rcount;
		a->rthr = l->rthr;
		a->rthr_supp = l->rthr_supp;
		break;
	case 'k':
		if (rt_asupp_load(&a->supp, l->kp, l->klen, l->ta, l->supp))
			return "damaged: a key twice";
		break;
	case 'h':
		/* The reader lets no period hold more than --top. */
		full = rt_atop_hold(&a->top, l->score, l->t, l->hseq, l->line,
		    l->json, l->len);
		assert(!full);
		(void)full;
		break;
	default:
		rt_alert_hold(a, l->json, l->len, l->t, l->hseq, l->line);
	}
	return NULL;
}

int
rt_alert_load(struct rt_alert *a, const char *p, size_t n,
    struct rt_buf *why)
{
	struct rt_astate_conf conf;
	struct rt_aread rd;
	struct rt_aline l;
	const char *w = NULL;
	int k;

	conf.suppress = a->c.suppress;
	conf.max_delay = a->c.max_delay;
	conf.rate_n = a->c.rate_n;
	conf.rate_per = a->c.rate_per;
	conf.top = a->c.top;
	conf.per = a->c.per;
	conf.max_keys = a->c.max_keys;
	rt_astate_init(&rd, p, n, &conf);
	memset(&l, 0, sizeof l);
	while ((k = rt_astate_next(&rd, &l)) == 1)
		if ((w = load_line(a, &l)) != NULL) {
			rt_buf_printf(why, "line %zu: %s", rd.lineno, w);
			break;
		}
	if (k == -1)
		rt_buf_adds(why, rd.err);
	rt_astate_release(&rd);
	rt_buf_release(&l.key);
	return k == -1 || w ? -1 : 0;
}

int
rt_alert_write(const struct rt_alert *a, const char *path)
{
	struct rt_buf b = RT_BUF_INIT, cfg = RT_BUF_INIT;
	int rc, e;

	rt_alert_config(a, &cfg);
	rt_state_header(&b, "rt-alert", cfg.p, cfg.len);
	rt_alert_save(a, &b);
	rc = rt_state_save(path, b.p, b.len);
	e = errno;
	rt_buf_release(&b);
	rt_buf_release(&cfg);
	errno = e;
	return rc;
}

int
rt_alert_read(struct rt_alert *a, const char *path, struct rt_buf *why)
{
	struct rt_buf b = RT_BUF_INIT, cfg = RT_BUF_INIT;
	const char *w;
	size_t body;
	int rc = -1;

	if (rt_state_load(path, &b) == -1) {
		if (errno == ENOENT)
			rc = 0;
		else
			rt_buf_adds(why, strerror(errno));
		rt_buf_release(&b);
		return rc;
	}
	rt_alert_config(a, &cfg);
	if ((w = rt_state_check(&b, "rt-alert", cfg.p, cfg.len, &body)) != NULL)
		rt_buf_adds(why, w);
	else
		rc = rt_alert_load(a, b.p + body, b.len - body, why);
	rt_buf_release(&b);
	rt_buf_release(&cfg);
	return rc;
}
