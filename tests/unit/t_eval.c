/*
 * t_eval.c - the figures of rt-eval (lib/eval.c) on the man page's twelve
 * records worked by hand (rt-eval(1), EXAMPLES), the curves against the
 * figures (the ROC's trapezoids add up to the AUC, the precision-recall
 * steps to the average precision, the days' precisions to their mean),
 * the histogram, alerts, and the empty and one-class cases.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"
#include "tap.h"

#define DAY (86400LL * 1000000)
#define T0 (19783 * DAY)	/* 2024-03-01 */

/* rt-eval(1)'s example: day, card, id, score, fraud. */
static const struct { int day, card, id; double s; int y; } man[] = {
	{ 0, 1, 1, 0.91, 1 }, { 0, 2, 2, 0.85, 0 }, { 0, 3, 3, 0.4, 0 },
	{ 0, 1, 4, 0.62, 1 }, { 0, 4, 5, 0.4, 1 }, { 0, 2, 6, 0.12, 0 },
	{ 1, 1, 7, 0.97, 1 }, { 1, 3, 8, 0.8, 0 }, { 1, 4, 9, 0.6, 1 },
	{ 1, 5, 10, 0.55, 1 }, { 1, 2, 11, 0.2, 0 }, { 1, 5, 12, 0.05, 0 },
};

static void
load(struct rt_eval *e, long k, long skip, const char *const *alerts)
{
	char c[16], id[16];

	rt_eval_init(e, k, skip, 7);
	for (; alerts && *alerts; alerts++)
		rt_eval_alerted(e, *alerts, strlen(*alerts));
	for (size_t i = 0; i < sizeof man / sizeof man[0]; i++) {
		snprintf(c, sizeof c, "%d", man[i].card);
		snprintf(id, sizeof id, "%d", man[i].id);
		rt_eval_add(e, man[i].s, man[i].y, T0 + man[i].day * DAY +
		    (int64_t)i * 1000000, c, strlen(c), id, strlen(id));
	}
}

static double
trapezoids(const struct rt_eval_xy *v, size_t n)
{
	double a = 0;

	for (size_t i = 1; i < n; i++)
		a += (v[i].x - v[i - 1].x) * (v[i].y + v[i - 1].y) / 2;
	return a;
}

static double
steps(const struct rt_eval_xy *v, size_t n)
{
	double a = 0, prev = 0;

	for (size_t i = 0; i < n; i++) {
		a += (v[i].x - prev) * v[i].y;
		prev = v[i].x;
	}
	return a;
}

static void
the_man_page(void)
{
	struct rt_eval e;
	struct rt_eval_report r;
	struct rt_buf b = RT_BUF_INIT;
	uint64_t n = 0;

	load(&e, 2, 0, NULL);
	rt_eval_report(&e, &r, 1);
	rt_eval_json(&r, &b);
	rt_buf_addc(&b, '\0');
	ok(!strcmp(b.p, "{\"records\":12,\"frauds\":6,\"fraud_rate\":0.5000,"
	    "\"roc_auc\":0.7639,\"average_precision\":0.7746,\"days\":2,"
	    "\"card_precision_at\":2,\"card_precision\":0.5000,"
	    "\"card_precision_ceiling\":0.7500}\n"), "the man page's report");
	ok(fabs(r.roc_auc - 27.5 / 36) < 1e-12, "AUC 27.5 / 36");
	ok(r.nroc == 12 && r.roc[0].x == 0 && r.roc[0].y == 0 &&
	    r.roc[r.nroc - 1].x == 1 && r.roc[r.nroc - 1].y == 1,
	    "ROC: (0, 0), a point per distinct score (11), (1, 1)");
	ok(fabs(trapezoids(r.roc, r.nroc) - r.roc_auc) < 1e-12,
	    "the ROC's trapezoids add up to the AUC");
	ok(r.npr == 6 && fabs(steps(r.pr, r.npr) - r.ap) < 1e-12,
	    "precision-recall: a step per score with a fraud, adding up to AP");
	ok(r.pr[0].x == 1.0 / 6 && r.pr[0].y == 1, "the first step: 0.97");
	ok(r.ndaily == 2 && r.daily[0].day == 19783 && r.daily[0].cp == 0.5 &&
	    r.daily[1].cp == 0.5 && r.daily[0].ceiling == 1 &&
	    r.daily[1].ceiling == 0.5 && r.daily[0].cards == 4 &&
	    r.daily[1].cards == 5, "by day: 1/2 and 1/2, ceilings 2/2 and 1/2");
	ok(r.lo == 0.05 && r.hi == 0.97, "histogram from 0.05 to 0.97");
	for (int y = 0; y < 2; y++)
		for (int i = 0; i < RT_EVAL_BINS; i++)
			n += r.hist[y][i];
	/* 0.91: (0.91 - 0.05) / 0.92 * 20 = 18.7. */
	ok(n == 12 && r.hist[1][18] == 1 && r.hist[1][19] == 1 &&
	    r.hist[0][0] == 1 && r.unscored[0] + r.unscored[1] == 0,
	    "histogram: every record in its bin, the highest in the last");
	rt_eval_report_release(&r);
	rt_eval_release(&e);
	rt_buf_release(&b);
}

static void
skip_and_alerts(void)
{
	static const char *const alerts[] = { "1", "2", "8", "9", "99", NULL };
	struct rt_eval e;
	struct rt_eval_report r;

	load(&e, 2, 0, alerts);
	rt_eval_report(&e, &r, 0);
	ok(r.with_alerts && r.alerts == 4 && r.alerts_on_fraud == 2 &&
	    r.fraud_cards == 3 && r.fraud_cards_alerted == 2 &&
	    fabs(r.alert_card_recall - 2.0 / 3) < 1e-12,
	    "alerts: 4 on evaluated records, 2 on frauds; 2 of 3 cards");
	ok(r.roc == NULL && r.daily == NULL, "no curves unless asked");
	rt_eval_report_release(&r);
	rt_eval_release(&e);
	load(&e, 2, 1, NULL);
	rt_eval_report(&e, &r, 0);
	ok(r.records == 6 && r.days == 1 && r.cp == 0.5 && r.cp_ceiling == 1,
	    "--skip-days 1: the second day, a period of its own");
	rt_eval_report_release(&r);
	rt_eval_release(&e);
}

static void
edges(void)
{
	struct rt_eval e;
	struct rt_eval_report r;

	rt_eval_init(&e, 100, 0, 7);
	rt_eval_report(&e, &r, 1);
	ok(r.records == 0 && isnan(r.roc_auc) && isnan(r.ap) && isnan(r.cp) &&
	    isnan(r.lo) && r.nroc == 1 && r.npr == 0 && r.ndaily == 0,
	    "no records: every rate undefined, no curve");
	rt_eval_report_release(&r);
	rt_eval_release(&e);
	rt_eval_init(&e, 1, 0, 7);
	rt_eval_add(&e, 3, 1, T0, "a", 1, NULL, 0);
	rt_eval_add(&e, 3, 1, T0, "b", 1, NULL, 0);
	rt_eval_add(&e, -INFINITY, 1, T0, "c", 1, NULL, 0);
	rt_eval_report(&e, &r, 1);
	ok(isnan(r.roc_auc) && r.ap == 1 && r.lo == 3 && r.hi == 4 &&
	    r.hist[1][0] == 2 && r.unscored[1] == 1,
	    "frauds only: no AUC, AP 1; one score: bins from it to it + 1");
	rt_eval_report_release(&r);
	rt_eval_release(&e);
}

int
main(void)
{
	the_man_page();
	skip_and_alerts();
	edges();
	return done_testing();
}
