/*
 * eval.h - detection quality of scored, labelled records, for rt-eval(1):
 * ROC AUC and average precision of the score, card precision@k per day as
 * the fraud-detection handbook of Le Borgne et al. defines it, precision
 * and recall of alerts, and the curves and histogram of --plot.
 */
#ifndef RT_EVAL_H
#define RT_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"

/* A record evaluated. */
struct rt_eval_pt {
	double s;		/* score; -INFINITY: unscored */
	int64_t day;		/* UTC day since the epoch */
	uint32_t alert;		/* its alert's id + 1, or 0 */
	uint32_t card;		/* id in cards */
	int y;			/* 1: fraud */
};

/* A card's day: its highest score and whether it had a fraud. */
struct rt_eval_cday {
	int64_t day;
	uint32_t card;
	double s;
	int y;
};

/* The records of a run, gathered until the report.  Owns everything. */
struct rt_eval {
	long k, skip, period;	/* --top, --skip-days, --period-days */
	int with_alerts;	/* alerts were given: set it, or call
				 * rt_eval_alerted */
	struct rt_eval_pt *p;
	size_t np, capp;
	struct rt_map cards;	/* card text -> id, in order of appearance */
	struct rt_map cd;	/* (day, card) -> index into c */
	struct rt_eval_cday *c;
	size_t nc, capc;
	struct rt_map alerted;	/* ids of the alerts' records */
	int64_t first_day;	/* the earliest day of any record */
	int have_day;
};

/* A point of a curve. */
struct rt_eval_xy {
	double x, y;
};

/* A day evaluated, for card precision@k by day. */
struct rt_eval_day {
	int64_t day;		/* UTC day since the epoch */
	double cp, ceiling;	/* the day's card precision, and a perfect
				 * score's */
	uint32_t cards;		/* cards with a record that day */
};

#define RT_EVAL_BINS 20

/*
 * The figures (rt-eval(1), "The report"): rates are NAN where they would
 * divide by zero.  With curves asked for, also:
 *  - roc: (false positive rate, true positive rate) from (0, 0), a point
 *    after each group of equal scores, highest first, to (1, 1); its
 *    trapezoids add up to roc_auc;
 *  - pr: (recall, precision) after each group of equal scores holding a
 *    fraud: the steps of average precision, sum (x_n - x_(n-1)) * y_n;
 *  - daily: the days evaluated, in order;
 *  - hist: per class (0 legitimate, 1 fraud), the scored records in
 *    RT_EVAL_BINS bins of equal width from lo to hi (a score s in bin
 *    floor((s - lo) / (hi - lo) * RT_EVAL_BINS), hi in the last; hi is
 *    lo + 1 when every score is lo), and the unscored apart.
 * The arrays are owned by the report.
 */
struct rt_eval_report {
	uint64_t records, frauds, days;
	long k;
	double fraud_rate, roc_auc, ap, cp, cp_ceiling;
	int with_alerts;
	uint64_t alerts, alerts_on_fraud, fraud_cards, fraud_cards_alerted;
	double alert_precision, alert_card_recall;
	struct rt_eval_xy *roc, *pr;
	size_t nroc, npr;
	struct rt_eval_day *daily;
	size_t ndaily;
	double lo, hi;		/* NAN when no record has a score */
	uint64_t hist[2][RT_EVAL_BINS];
	uint64_t unscored[2];
};

/* Begin gathering: k of card precision@k (>= 1), days to skip (>= 0),
 * days in a test period (>= 1). */
void rt_eval_init(struct rt_eval *e, long k, long skip, long period);
void rt_eval_release(struct rt_eval *e);

/* The record whose id, as text, is id[0, n) had an alert.  Call before
 * rt_eval_add of the records; twice is once. */
void rt_eval_alerted(struct rt_eval *e, const char *id, size_t n);

/* Add a record: score s (-INFINITY when it has none), fraud y (0 or 1),
 * event time t (microseconds since the epoch), card and id as text (id
 * may be NULL: matches no alert).  Copies what it keeps. */
void rt_eval_add(struct rt_eval *e, double s, int y, int64_t t,
    const char *card, size_t cardn, const char *id, size_t idn);

/* Compute the report into r (with the curves when curves is set).  Uses
 * up the records: e can only be released afterwards. */
void rt_eval_report(struct rt_eval *e, struct rt_eval_report *r, int curves);
void rt_eval_report_release(struct rt_eval_report *r);

/* The report as one JSON object and a newline, appended to b: members in
 * the order of rt-eval(1), rates with four decimals, NAN as null. */
void rt_eval_json(const struct rt_eval_report *r, struct rt_buf *b);

#endif
