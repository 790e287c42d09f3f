/*
 * eval.c - ROC AUC, average precision, card precision@k by day, alert
 * precision and recall, and the curves of rt-eval --plot (see eval.h,
 * rt-eval(1)).
 */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "rtime.h"

void
rt_eval_init(struct rt_eval *e, long k, long skip, long period)
{
	memset(e, 0, sizeof *e);
	e->k = k;
	e->skip = skip;
	e->period = period;
	rt_map_init(&e->cards);
	rt_map_init(&e->cd);
	rt_map_init(&e->alerted);
}

void
rt_eval_release(struct rt_eval *e)
{
	rt_map_release(&e->cards);
	rt_map_release(&e->cd);
	rt_map_release(&e->alerted);
	free(e->p);
	free(e->c);
	memset(e, 0, sizeof *e);
}

void
rt_eval_alerted(struct rt_eval *e, const char *id, size_t n)
{
	int isnew;

	e->with_alerts = 1;
	rt_map_put(&e->alerted, id, n, rt_hash(id, n), &isnew);
}

void
rt_eval_add(struct rt_eval *e, double s, int y, int64_t t,
    const char *card, size_t cardn, const char *id, size_t idn)
{
	struct rt_eval_pt *p;
	int64_t day = rt_floor_div(t, 86400 * RT_US_PER_S);
	uint32_t a;
	int isnew;

	/* The first day is the earliest, in whatever order records come;
	 * days are left out (--skip-days) when the report is made. */
	if (!e->have_day || day < e->first_day) {
		e->first_day = day;
		e->have_day = 1;
	}
	if (e->np == e->capp) {
		e->capp = e->capp ? 2 * e->capp : 4096;
		e->p = rt_xreallocarray(e->p, e->capp, sizeof *e->p);
	}
	p = &e->p[e->np++];
	p->s = s;
	p->day = day;
	p->y = y;
	p->alert = 0;
	if (e->with_alerts && id) {
		a = rt_map_find(&e->alerted, id, idn, rt_hash(id, idn));
		if (a != RT_MAP_NONE)
			p->alert = a + 1;
	}
	if (card == NULL)
		card = "";
	p->card = rt_map_put(&e->cards, card, cardn, rt_hash(card, cardn),
	    &isnew);
}

static int
pt_cmp(const void *a, const void *b)
{
	const struct rt_eval_pt *x = a, *y = b;

	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return y->y - x->y;
}

static int
cd_cmp(const void *a, const void *b)
{
	const struct rt_eval_cday *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return x->card < y->card ? -1 : x->card > y->card;
}

/* Card-days of the evaluated records: each card's highest score and
 * whether it had a fraud, per day. */
static void
card_days(struct rt_eval *e)
{
	for (size_t i = 0; i < e->np; i++) {
		const struct rt_eval_pt *p = &e->p[i];
		char kb[12];
		uint32_t c;
		int isnew;

		memcpy(kb, &p->day, 8);
		memcpy(kb + 8, &p->card, 4);
		c = rt_map_put(&e->cd, kb, 12, rt_hash(kb, 12), &isnew);
		if (isnew) {
			if (e->nc == e->capc) {
				e->capc = e->capc ? 2 * e->capc : 4096;
				e->c = rt_xreallocarray(e->c, e->capc,
				    sizeof *e->c);
			}
			e->c[c].day = p->day;
			e->c[c].card = p->card;
			e->c[c].s = p->s;
			e->c[c].y = p->y;
			e->nc++;
		} else {
			if (p->s > e->c[c].s)
				e->c[c].s = p->s;
			if (p->y)
				e->c[c].y = 1;
		}
	}
}

/* Keep the records of the days evaluated; count the alerts on them, and
 * the cards with a fraud that had an alert on one. */
static void
evaluated(struct rt_eval *e, struct rt_eval_report *r)
{
	uint32_t na = rt_map_idcap(&e->alerted) + 1;
	uint32_t ncards = rt_map_idcap(&e->cards) + 1;
	unsigned char *aseen = rt_xcalloc(na, 1);
	unsigned char *cseen = rt_xcalloc(ncards, 1);
	size_t i, j;

	for (i = j = 0; i < e->np; i++) {
		struct rt_eval_pt *p = &e->p[i];

		if (p->day < e->first_day + e->skip)
			continue;
		if (p->alert) {
			if (!(aseen[p->alert - 1] & 1))
				r->alerts++;
			aseen[p->alert - 1] |= 1;
			if (p->y && !(aseen[p->alert - 1] & 2)) {
				aseen[p->alert - 1] |= 2;
				r->alerts_on_fraud++;
			}
		}
		if (p->y) {
			if (!(cseen[p->card] & 1))
				r->fraud_cards++;
			cseen[p->card] |= 1;
			if (p->alert && !(cseen[p->card] & 2)) {
				cseen[p->card] |= 2;
				r->fraud_cards_alerted++;
			}
		}
		e->p[j++] = *p;
	}
	e->np = j;
	free(aseen);
	free(cseen);
}

static void
xy_add(struct rt_eval_xy **v, size_t *n, double x, double y)
{
	/* Sized for the worst case by the caller: one point per record. */
	(*v)[*n].x = x;
	(*v)[(*n)++].y = y;
}

/* ROC AUC with ties counted half (groups of equal scores), and average
 * precision as scikit-learn computes it (steps at each distinct score);
 * with curves, their points. */
static void
ranking(struct rt_eval *e, struct rt_eval_report *r, int curves)
{
	uint64_t pos = 0, neg, tp = 0, fp = 0;
	double auc = 0, ap = 0, prev_recall = 0;
	size_t i, j;

	if (e->np)
		qsort(e->p, e->np, sizeof *e->p, pt_cmp);
	for (i = 0; i < e->np; i++)
		pos += (uint64_t)e->p[i].y;
	neg = e->np - pos;
	if (curves) {
		r->roc = rt_xreallocarray(NULL, e->np + 2, sizeof *r->roc);
		r->pr = rt_xreallocarray(NULL, e->np + 1, sizeof *r->pr);
		xy_add(&r->roc, &r->nroc, 0, 0);
	}
	for (i = 0; i < e->np; i = j) {
		uint64_t gp = 0, gn = 0;

		for (j = i; j < e->np && e->p[j].s == e->p[i].s; j++)
			gp += (uint64_t)e->p[j].y;
		gn = (j - i) - gp;
		auc += (double)gp * ((double)fp + (double)gn / 2);
		tp += gp;
		fp += gn;
		if (gp) {
			double recall = (double)tp / (double)pos;
			double prec = (double)tp / (double)(tp + fp);

			ap += (recall - prev_recall) * prec;
			prev_recall = recall;
			if (curves)
				xy_add(&r->pr, &r->npr, recall, prec);
		}
		if (curves)
			xy_add(&r->roc, &r->nroc, neg ? (double)fp / (double)neg :
			    0, pos ? (double)tp / (double)pos : 0);
	}
	r->records = e->np;
	r->frauds = pos;
	r->fraud_rate = e->np ? (double)pos / (double)e->np : NAN;
	r->roc_auc = pos && neg ? 1 - auc / ((double)pos * (double)neg) : NAN;
	r->ap = pos ? ap : NAN;
}

/* The test period a day falls in. */
static int64_t
period_of(const struct rt_eval *e, int64_t day)
{
	return rt_floor_div(day - e->first_day - e->skip, e->period);
}

/* One day's card-days c[i, j), ranked: its card precision and that of a
 * perfect score.  A card has one entry a day, so what is found today can
 * be marked at once: it leaves tomorrow's list.  A perfect score would
 * put the day's compromised cards first. */
static void
card_day(const struct rt_eval *e, size_t i, size_t j, unsigned char *det,
    unsigned char *best_det, struct rt_eval_day *d)
{
	long n = 0, hit = 0, best = 0;
	size_t x;

	for (x = i; x < j; x++)
		if (e->c[x].y && !best_det[e->c[x].card] && best < e->k) {
			best++;
			best_det[e->c[x].card] = 1;
		}
	for (x = i; x < j && n < e->k; x++) {
		if (det[e->c[x].card])
			continue;
		n++;
		hit += e->c[x].y;
		if (e->c[x].y)
			det[e->c[x].card] = 1;
	}
	d->day = e->c[i].day;
	d->cp = (double)hit / (double)e->k;
	d->ceiling = (double)best / (double)e->k;
	d->cards = (uint32_t)(j - i);
}

/* Card precision@k: each day, the k cards with the highest score that
 * are not already known compromised; a card found compromised (in a
 * day's top k with a fraud) leaves the later days' lists until the test
 * period ends. */
static void
card_precision(struct rt_eval *e, struct rt_eval_report *r, int curves)
{
	size_t ncards = rt_map_idcap(&e->cards) + 1, i, j;
	unsigned char *det = rt_xcalloc(ncards, 1);
	unsigned char *best_det = rt_xcalloc(ncards, 1);
	double sum = 0, best_sum = 0;
	struct rt_eval_day d;

	card_days(e);
	if (e->nc)
		qsort(e->c, e->nc, sizeof *e->c, cd_cmp);
	for (i = 0; i < e->nc; i = j) {
		for (j = i; j < e->nc && e->c[j].day == e->c[i].day; j++)
			;
		if (i == 0 || period_of(e, e->c[i].day) !=
		    period_of(e, e->c[i - 1].day)) {
			/* A new test period: nothing is known compromised. */
			memset(det, 0, ncards);
			memset(best_det, 0, ncards);
		}
		card_day(e, i, j, det, best_det, &d);
		sum += d.cp;
		best_sum += d.ceiling;
		if (curves) {
			r->daily = rt_xreallocarray(r->daily, r->ndaily + 1,
			    sizeof *r->daily);
			r->daily[r->ndaily++] = d;
		}
		r->days++;
	}
	free(det);
	free(best_det);
	r->cp = r->days ? sum / (double)r->days : NAN;
	r->cp_ceiling = r->days ? best_sum / (double)r->days : NAN;
}

/* The scores by class, in RT_EVAL_BINS bins from the lowest to the
 * highest. */
static void
histogram(const struct rt_eval *e, struct rt_eval_report *r)
{
	double lo = INFINITY, hi = -INFINITY, w;
	size_t i, b;

	for (i = 0; i < e->np; i++)
		if (isfinite(e->p[i].s)) {
			lo = e->p[i].s < lo ? e->p[i].s : lo;
			hi = e->p[i].s > hi ? e->p[i].s : hi;
		}
	if (lo > hi) {
		r->lo = r->hi = NAN;
		for (i = 0; i < e->np; i++)
			r->unscored[e->p[i].y]++;
		return;
	}
	r->lo = lo;
	r->hi = hi > lo ? hi : lo + 1;
	w = r->hi - r->lo;
	for (i = 0; i < e->np; i++) {
		const struct rt_eval_pt *p = &e->p[i];

		if (!isfinite(p->s)) {
			r->unscored[p->y]++;
			continue;
		}
		b = (size_t)((p->s - r->lo) / w * RT_EVAL_BINS);
		r->hist[p->y][b < RT_EVAL_BINS ? b : RT_EVAL_BINS - 1]++;
	}
}

void
rt_eval_report(struct rt_eval *e, struct rt_eval_report *r, int curves)
{
	memset(r, 0, sizeof *r);
	r->k = e->k;
	r->with_alerts = e->with_alerts;
	evaluated(e, r);
	card_precision(e, r, curves);
	ranking(e, r, curves);
	if (curves)
		histogram(e, r);
	r->alert_precision = r->alerts ? (double)r->alerts_on_fraud /
	    (double)r->alerts : NAN;
	r->alert_card_recall = r->fraud_cards ?
	    (double)r->fraud_cards_alerted / (double)r->fraud_cards : NAN;
}

void
rt_eval_report_release(struct rt_eval_report *r)
{
	free(r->roc);
	free(r->pr);
	free(r->daily);
	memset(r, 0, sizeof *r);
}

static void
put_num(struct rt_buf *b, const char *name, double v)
{
	rt_buf_printf(b, ",\"%s\":", name);
	if (isnan(v))
		rt_buf_adds(b, "null");
	else
		rt_buf_printf(b, "%.4f", v);
}

void
rt_eval_json(const struct rt_eval_report *r, struct rt_buf *b)
{
	rt_buf_printf(b, "{\"records\":%llu,\"frauds\":%llu",
	    (unsigned long long)r->records, (unsigned long long)r->frauds);
	put_num(b, "fraud_rate", r->fraud_rate);
	put_num(b, "roc_auc", r->roc_auc);
	put_num(b, "average_precision", r->ap);
	rt_buf_printf(b, ",\"days\":%llu", (unsigned long long)r->days);
	rt_buf_printf(b, ",\"card_precision_at\":%ld", r->k);
	put_num(b, "card_precision", r->cp);
	put_num(b, "card_precision_ceiling", r->cp_ceiling);
	if (r->with_alerts) {
		rt_buf_printf(b, ",\"alerts\":%llu,\"alerts_on_fraud\":%llu",
		    (unsigned long long)r->alerts,
		    (unsigned long long)r->alerts_on_fraud);
		put_num(b, "alert_precision", r->alert_precision);
		rt_buf_printf(b, ",\"fraud_cards\":%llu,\"fraud_cards_alerted\":"
		    "%llu", (unsigned long long)r->fraud_cards,
		    (unsigned long long)r->fraud_cards_alerted);
		put_num(b, "alert_card_recall", r->alert_card_recall);
	}
	rt_buf_adds(b, "}\n");
}
