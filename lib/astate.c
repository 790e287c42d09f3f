/*
 * astate.c - rt-alert's state body, read and checked (see astate.h).
 */
#include "astate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evclock.h"
#include "number.h"
#include "rtime.h"
#include "state.h"

/* No count in a state reaches this (2^62 records): sums of two counts
 * never overflow. */
#define CNT_MAX ((int64_t)1 << 62)

enum { PH_NONE, PH_T, PH_R, PH_K, PH_H, PH_P };

void
rt_astate_init(struct rt_aread *r, const char *p, size_t n,
    const struct rt_astate_conf *c)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->end = p + n;
	r->c = *c;
	rt_jdoc_init(&r->d, RT_JSON_MAXDEPTH + 4);
	rt_jdoc_init(&r->sub, 0);
}

void
rt_astate_release(struct rt_aread *r)
{
	rt_jdoc_release(&r->d);
	rt_jdoc_release(&r->sub);
}

static void
put_score(struct rt_buf *b, double score)
{
	if (isinf(score))
		rt_buf_adds(b, score > 0 ? "1e999" : "-1e999");
	else
		rt_buf_printf(b, "%.17g", score);
}

void
rt_astate_put(struct rt_buf *b, const struct rt_aline *l)
{
	switch (l->tag) {
	case 't':
		rt_buf_printf(b, "[\"t\",%d,%lld,%llu,%d,%lld]\n", l->have_t,
		    (long long)l->maxt, (unsigned long long)l->seq,
		    l->have_closed, (long long)l->closed_upto);
		return;
	case 'r':
		rt_buf_printf(b, "[\"r\",%d,%lld,%llu,%llu,%llu]\n", l->rhave,
		    (long long)l->rcur, (unsigned long long)l->rcount,
		    (unsigned long long)l->rthr,
		    (unsigned long long)l->rthr_supp);
		return;
	case 'k':
		rt_buf_adds(b, "[\"k\",");
		rt_json_put_str(b, l->kp, l->klen);
		rt_buf_printf(b, ",%lld,%llu]\n", (long long)l->ta,
		    (unsigned long long)l->supp);
		return;
	case 'h':
		rt_buf_printf(b, "[\"h\",%lld,", (long long)l->start);
		put_score(b, l->score);
		rt_buf_printf(b, ",%lld,", (long long)l->t);
		break;
	default:
		rt_buf_printf(b, "[\"p\",%lld,", (long long)l->t);
	}
	rt_buf_printf(b, "%llu,%llu,", (unsigned long long)l->hseq,
	    (unsigned long long)l->line);
	rt_buf_add(b, l->json, l->len);
	rt_buf_adds(b, "]\n");
}

static int
fail(struct rt_aread *r, const char *what)
{
	snprintf(r->why, sizeof r->why, "damaged: line %zu: %s", r->lineno,
	    what);
	r->err = r->why;
	return -1;
}

/* Member i of the line's array as an int64 in [lo, hi]; 0 or -1. */
static int
get_int(struct rt_aread *r, uint32_t i, int64_t lo, int64_t hi, int64_t *v)
{
	uint32_t k = rt_jdoc_index(&r->d, 0, i);

	if (k == 0 || r->d.v[k].type != RT_JNUM ||
	    rt_num_int64(rt_jdoc_text(&r->d, k), r->d.v[k].len, v) != 0 ||
	    *v < lo || *v > hi)
		return -1;
	return 0;
}

static int
get_u(struct rt_aread *r, uint32_t i, uint64_t hi, uint64_t *v)
{
	int64_t x;

	if (get_int(r, i, 0, hi > (uint64_t)INT64_MAX ? INT64_MAX :
	    (int64_t)hi, &x) == -1)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

static int
get_time(struct rt_aread *r, uint32_t i, int64_t *t)
{
	return get_int(r, i, RT_STATE_TIME_MIN, RT_STATE_TIME_MAX, t);
}

/* Member i is a JSON object (an alert or a record): its text. */
static int
get_obj(struct rt_aread *r, uint32_t i, struct rt_aline *l)
{
	uint32_t k = rt_jdoc_index(&r->d, 0, i);

	if (k == 0 || r->d.v[k].type != RT_JOBJ)
		return -1;
	l->json = rt_jdoc_text(&r->d, k);
	l->len = r->d.v[k].len;
	return 0;
}

static int
line_t(struct rt_aread *r, struct rt_aline *l)
{
	int64_t ht, hc;

	if (get_int(r, 1, 0, 1, &ht) || get_time(r, 2, &l->maxt) ||
	    get_u(r, 3, CNT_MAX, &l->seq) || get_int(r, 4, 0, 1, &hc) ||
	    get_time(r, 5, &l->closed_upto))
		return fail(r, "bad value");
	l->have_t = (int)ht;
	l->have_closed = (int)hc;
	if (!l->have_t && (l->maxt || l->seq || l->have_closed))
		return fail(r, "bad value");
	if (l->have_closed && (r->c.top == 0 ||
	    l->closed_upto > l->maxt + r->c.per))
		return fail(r, "bad value");
	r->t = *l;
	return 1;
}

static int
line_r(struct rt_aread *r, struct rt_aline *l)
{
	int64_t rh, lo = 0, hi = 0;

	if (r->c.rate_n) {
		lo = rt_floor_div(RT_STATE_TIME_MIN, r->c.rate_per);
		hi = rt_floor_div(r->t.maxt, r->c.rate_per);
	}
	if (get_int(r, 1, 0, r->c.rate_n && r->t.have_t, &rh) ||
	    get_int(r, 2, rh ? lo : 0, rh ? hi : 0, &l->rcur) ||
	    get_u(r, 3, rh ? r->c.rate_n : 0, &l->rcount) ||
	    get_u(r, 4, rh ? r->t.seq : 0, &l->rthr) ||
	    get_u(r, 5, rh ? r->t.seq : 0, &l->rthr_supp))
		return fail(r, "bad value");
	l->rhave = (int)rh;
	return 1;
}

static int
line_k(struct rt_aread *r, struct rt_aline *l)
{
	uint32_t k = rt_jdoc_index(&r->d, 0, 1);

	if (r->c.suppress == 0 || !r->t.have_t ||
	    (r->c.max_keys && r->nkeys >= r->c.max_keys))
		return fail(r, "not allowed by the options");
	if (k == 0 || r->d.v[k].type != RT_JSTR || get_time(r, 2, &l->ta) ||
	    l->ta > r->t.maxt || get_u(r, 3, r->t.seq, &l->supp))
		return fail(r, "bad value");
	l->key.len = 0;
	rt_jdoc_str(&r->d, k, &l->key);
	l->kp = l->key.p ? l->key.p : "";
	l->klen = l->key.len;
	r->nkeys++;
	return 1;
}

/* Times of a held alert or record: in range, seen, and (h) its period
 * still open. */
static int
held_times(struct rt_aread *r, struct rt_aline *l)
{
	if (get_time(r, l->tag == 'h' ? 3 : 1, &l->t) || l->t > r->t.maxt ||
	    !r->t.have_t)
		return fail(r, "a time out of range");
	if (l->tag == 'p') {	/* held for --max-delay: not yet due */
		struct rt_clock k;

		rt_clock_init(&k, r->c.max_delay, 0, 0);
		rt_clock_restore(&k, r->t.maxt);
		if (rt_clock_due(&k, l->t))
			return fail(r, "a time out of range");
	}
	if (l->tag == 'h' && (l->start != rt_floor_div(l->t, r->c.per) *
	    r->c.per || (r->t.have_closed &&
	    l->start + r->c.per <= r->t.closed_upto)))
		return fail(r, "a time out of range");
	return 0;
}

static int
line_h(struct rt_aread *r, struct rt_aline *l)
{
	uint32_t k = rt_jdoc_index(&r->d, 0, 2);

	if (r->c.top == 0)
		return fail(r, "not allowed by the options");
	if (get_time(r, 1, &l->start))
		return fail(r, "a time out of range");
	if (held_times(r, l) == -1)
		return -1;
	if (k == 0 || r->d.v[k].type != RT_JNUM ||
	    rt_num_parse(rt_jdoc_text(&r->d, k), r->d.v[k].len, &l->score) ||
	    isnan(l->score) || get_u(r, 4, r->t.seq, &l->hseq) ||
	    l->hseq == 0 || get_u(r, 5, CNT_MAX, &l->line) ||
	    get_obj(r, 6, l))
		return fail(r, "bad value");
	/* Periods in order, each holding at most --top alerts. */
	if (r->hcount && l->start < r->hstart)
		return fail(r, "out of order");
	if (r->hcount == 0 || l->start != r->hstart)
		r->hcount = 0;
	r->hstart = l->start;
	if (++r->hcount > r->c.top)
		return fail(r, "more alerts held than --top");
	return 1;
}

static int
line_p(struct rt_aread *r, struct rt_aline *l)
{
	if (r->c.max_delay == 0)
		return fail(r, "not allowed by the options");
	if (held_times(r, l) == -1)
		return -1;
	if (get_u(r, 2, r->t.seq, &l->hseq) || l->hseq == 0 ||
	    get_u(r, 3, CNT_MAX, &l->line) || get_obj(r, 4, l))
		return fail(r, "bad value");
	return 1;
}

/* The tag of the line in r->d, its place in the order, its arity. */
static int
line_tag(struct rt_aread *r, char *tag, int *phase)
{
	static const char tags[] = "trkhp";
	static const uint32_t arity[] = { 6, 6, 4, 7, 5 };
	uint32_t k = r->d.v[0].type == RT_JARR ? rt_jdoc_index(&r->d, 0, 0) :
	    0;
	const char *s;

	if (k == 0 || r->d.v[k].type != RT_JSTR || r->d.v[k].len != 3)
		return -1;
	s = strchr(tags, rt_jdoc_text(&r->d, k)[1]);
	if (s == NULL || *s == '\0' || r->d.v[0].n != arity[s - tags])
		return -1;
	*tag = *s;
	*phase = (int)(s - tags) + PH_T;
	return 0;
}

int
rt_astate_next(struct rt_aread *r, struct rt_aline *l)
{
	const char *nl;
	int phase;

	if (r->p == r->end) {
		if (r->phase < PH_R)
			return fail(r, "the clock lines are missing");
		return 0;
	}
	r->lineno++;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	if (nl == NULL || nl == r->p ||
	    rt_jdoc_parse(&r->d, r->p, (size_t)(nl - r->p)) != 0 ||
	    line_tag(r, &l->tag, &phase) == -1)
		return fail(r, "not a state line");
	r->p = nl + 1;
	/* t, then r, then the others in their order. */
	if ((r->phase < PH_R && phase != r->phase + 1) ||
	    (r->phase >= PH_R && (phase < r->phase || phase <= PH_R)))
		return fail(r, "out of order");
	r->phase = phase;
	switch (l->tag) {
	case 't': return line_t(r, l);
	case 'r': return line_r(r, l);
	case 'k': return line_k(r, l);
	case 'h': return line_h(r, l);
	default: return line_p(r, l);
	}
}
