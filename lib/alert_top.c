/*
 * alert_top.c - rt-alert's --top K --per DUR (see alert.h): the K best
 * alerts of each period held until the watermark closes it.
 */
#include "alert.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rtime.h"

void
rt_atop_init(struct rt_atop *p, size_t k, int64_t per)
{
	memset(p, 0, sizeof *p);
	p->k = k;
	p->per = per;
}

void
rt_atop_release(struct rt_atop *p)
{
	for (size_t i = 0; i < p->nper; i++) {
		for (size_t j = 0; j < p->open[i].n; j++)
			free(p->open[i].h[j].json);
		free(p->open[i].h);
	}
	free(p->open);
	p->open = NULL;
	p->nper = 0;
}

/* Is x better than y (higher score, then earlier, then first read)? */
static int
better(const struct rt_aheld *x, const struct rt_aheld *y)
{
	if (x->score != y->score)
		return x->score > y->score;
	if (x->t != y->t)
		return x->t < y->t;
	return x->seq < y->seq;
}

static int
held_cmp(const void *x, const void *y)
{
	return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

void
rt_atop_close(struct rt_atop *p, void (*out)(void *arg, const char *json,
    size_t len, uint64_t line), void *arg)
{
	struct rt_aperiod *o = &p->open[0];

	assert(p->nper > 0 && o->n <= p->k);
	qsort(o->h, o->n, sizeof *o->h, held_cmp);
	for (size_t j = 0; j < o->n; j++) {
		out(arg, o->h[j].json, o->h[j].len, o->h[j].line);
		free(o->h[j].json);
	}
	free(o->h);
	if (!p->have_closed || o->start + p->per > p->closed_upto)
		p->closed_upto = o->start + p->per;
	p->have_closed = 1;
	memmove(o, o + 1, (p->nper - 1) * sizeof *o);
	p->nper--;
}

/* The open period starting at start, opened if need be. */
static struct rt_aperiod *
period(struct rt_atop *p, int64_t start)
{
	struct rt_aperiod *o;
	size_t i;

	for (i = 0; i < p->nper; i++)
		if (p->open[i].start == start)
			return &p->open[i];
	/* Kept in start order. */
	for (i = 0; i < p->nper && p->open[i].start < start; i++)
		;
	p->open = rt_xreallocarray(p->open, p->nper + 1, sizeof *p->open);
	memmove(&p->open[i + 1], &p->open[i], (p->nper - i) * sizeof *p->open);
	p->nper++;
	o = &p->open[i];
	memset(o, 0, sizeof *o);
	o->start = start;
	o->h = rt_xcalloc(p->k, sizeof *o->h);
	assert(i == 0 || p->open[i - 1].start < start);
	assert(i + 1 == p->nper || p->open[i + 1].start > start);
	return o;
}

int
rt_atop_hold(struct rt_atop *p, double score, int64_t t, uint64_t seq,
    uint64_t line, const char *json, size_t len)
{
	struct rt_aperiod *o = period(p, rt_floor_div(t, p->per) * p->per);
	struct rt_aheld h;
	size_t w = 0;

	h.score = score;
	h.t = t;
	h.seq = seq;
	h.line = line;
	h.json = NULL;
	h.len = len;
	if (o->n < p->k) {
		h.json = rt_xmemdup(json, len);
		o->h[o->n++] = h;
		return 0;
	}
	/* Full: replace the worst if this one is better. */
	assert(o->n == p->k);
	for (size_t i = 1; i < o->n; i++)
		if (better(&o->h[w], &o->h[i]))
			w = i;
	if (better(&h, &o->h[w])) {
		free(o->h[w].json);
		h.json = rt_xmemdup(json, len);
		o->h[w] = h;
	}
	return 1;
}

int
rt_atop_late(const struct rt_atop *p, int64_t t)
{
	return p->have_closed &&
	    rt_floor_div(t, p->per) * p->per + p->per <= p->closed_upto;
}
