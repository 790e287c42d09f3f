/*
 * rt-eval - detection quality of scored records that carry a label: ROC
 * AUC and average precision of the score, card precision@k per day as the
 * fraud-detection handbook of Le Borgne et al. defines it, and, with
 * --alerts, precision and recall of the alerts raised.  Writes one JSON
 * report.  See rt-eval(1).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "field.h"
#include "hash.h"
#include "mem.h"
#include "number.h"

enum {
	OPT_SCORE = RT_OPT_TOOL, OPT_LABEL, OPT_CARD, OPT_TIME, OPT_K,
	OPT_SKIP, OPT_ALERTS, OPT_ID, OPT_PERIOD
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "score", required_argument, NULL, OPT_SCORE },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "card", required_argument, NULL, OPT_CARD },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "top", required_argument, NULL, OPT_K },
	{ "skip-days", required_argument, NULL, OPT_SKIP },
	{ "alerts", required_argument, NULL, OPT_ALERTS },
	{ "id", required_argument, NULL, OPT_ID },
	{ "period-days", required_argument, NULL, OPT_PERIOD },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-eval [OPTION]... [FILE]...\n"
	    "Measure detection quality on scored, labelled records; write a\n"
	    "JSON report.\n\n"
	    "      --score F            score field (default _score)\n"
	    "      --label F            label field, 1 = fraud (default is_fraud)\n"
	    "      --card F             card field for card precision@k\n"
	    "                           (default customer_id)\n"
	    "      --time F             event time field (default ts)\n"
	    "      --top K              k of card precision@k (default 100)\n"
	    "      --skip-days N        leave the first N days out (default 0)\n"
	    "      --period-days N      test periods of N days: known compromised\n"
	    "                           cards are forgotten at each start\n"
	    "                           (default 7, as the handbook's test week)\n"
	    "      --alerts FILE        rt-alert's output: precision and recall\n"
	    "                           of the alerts\n"
	    "      --id F               field that identifies a record in the\n"
	    "                           alerts (default tx_id)\n\n", stdout);
	fputs(rt_cli_common_help, stdout);
	fputs(rt_cli_time_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-eval(1) and rtpipe(7).\n", stdout);
}

struct pt {
	double s;
	int64_t day;
	int y;
	uint32_t alert;		/* its alert's id + 1, or 0 */
	uint32_t card;
};

/* A card's day: its highest score and whether it had a fraud. */
struct cday {
	int64_t day;
	uint32_t card;
	double s;
	int y;
};

struct ev {
	struct rt_cli *cli;
	const char *score, *label, *card, *time, *alerts, *id;
	long k, skip, period;
	struct pt *p;
	size_t np, capp;
	/* Card-days: a map from (day, card) to an index. */
	struct rt_map cards, cd;
	struct cday *c;
	size_t nc, capc;
	int64_t first_day;
	int have_day;
	/* Alerts: ids of alerted records, and of those that were fraud. */
	struct rt_map alerted;
	uint64_t alerts_n, alerts_fraud;
	struct rt_jdoc doc;
	struct rt_buf tmp, key;
	uint64_t unlabelled;
};

static int
pt_cmp(const void *a, const void *b)
{
	const struct pt *x = a, *y = b;

	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return y->y - x->y;
}

static int
cd_cmp(const void *a, const void *b)
{
	const struct cday *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return x->card < y->card ? -1 : x->card > y->card;
}

static void
load_alerts(struct ev *e)
{
	struct rt_in in;
	struct rt_line l;
	struct rt_jdoc d;
	int r;

	if (rt_in_open(&in, e->alerts, 0) == -1)
		rt_cli_fatal(e->cli, "%s: %s", e->alerts, strerror(errno));
	rt_jdoc_init(&d, 0);
	while ((r = rt_in_next(&in, &l)) == RT_IN_LINE) {
		uint32_t rec, k;
		int isnew;

		if (l.len == 0 || l.overlong || rt_jdoc_parse(&d, l.p, l.len) != 0 ||
		    d.v[0].type != RT_JOBJ)
			continue;
		if ((rec = rt_jdoc_get(&d, 0, "record", 6)) == 0 ||
		    d.v[rec].type != RT_JOBJ ||
		    (k = rt_jdoc_get(&d, rec, e->id, strlen(e->id))) == 0)
			continue;	/* a summary */
		e->key.len = 0;
		rt_field_text(&d, k, &e->key);
		rt_map_put(&e->alerted, e->key.p, e->key.len,
		    rt_hash(e->key.p, e->key.len), &isnew);
	}
	if (r == RT_IN_ERR)
		rt_cli_fatal(e->cli, "%s: %s", e->alerts, strerror(in.err));
	rt_in_close(&in);
	rt_jdoc_release(&d);
}

static void
record(struct ev *e, const struct rt_rec *r)
{
	struct rt_cli *cli = e->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &e->doc);
	uint32_t k;
	double s, y;
	int64_t t, day;
	const char *err;
	char why[128];
	uint32_t card, id;
	int isnew;

	if (d == NULL) {
		rt_cli_reject_json(cli, r, &e->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	k = rt_jdoc_get(d, 0, e->label, strlen(e->label));
	if (k == 0 || !rt_field_num(d, k, &y)) {
		snprintf(why, sizeof why, "%.60s: no label", e->label);
		rt_cli_reject(cli, r, why);
		return;
	}
	k = rt_jdoc_get(d, 0, e->score, strlen(e->score));
	if (k == 0 || !rt_field_num(d, k, &s))
		s = -INFINITY;	/* unscored: ranked last */
	if ((err = rt_field_time(d, e->time, strlen(e->time), &cli->topt,
	    &e->tmp, &t)) != NULL) {
		snprintf(why, sizeof why, "%.60s: %s", e->time, err);
		rt_cli_reject(cli, r, why);
		return;
	}
	day = rt_floor_div(t, 86400 * RT_US_PER_S);
	/* The first day is the earliest, in whatever order records come;
	 * days are left out (--skip-days) when the report is made. */
	if (!e->have_day || day < e->first_day) {
		e->first_day = day;
		e->have_day = 1;
	}
	rt_cli_drop(cli);	/* a report, not records, comes out */
	if (e->np == e->capp) {
		e->capp = e->capp ? 2 * e->capp : 4096;
		e->p = rt_xreallocarray(e->p, e->capp, sizeof *e->p);
	}
	e->p[e->np].s = s;
	e->p[e->np].day = day;
	e->p[e->np].y = y >= 0.5;
	e->p[e->np].alert = 0;
	if (e->alerts) {
		uint32_t ik = rt_jdoc_get(d, 0, e->id, strlen(e->id));

		e->tmp.len = 0;
		if (ik)
			rt_field_text(d, ik, &e->tmp);
		id = ik ? rt_map_find(&e->alerted, e->tmp.p, e->tmp.len,
		    rt_hash(e->tmp.p, e->tmp.len)) : RT_MAP_NONE;
		if (id != RT_MAP_NONE)
			e->p[e->np].alert = id + 1;
	}
	e->np++;
	k = rt_jdoc_get(d, 0, e->card, strlen(e->card));
	e->key.len = 0;
	if (k)
		rt_field_text(d, k, &e->key);
	card = rt_map_put(&e->cards, e->key.p ? e->key.p : "", e->key.len,
	    rt_hash(e->key.p ? e->key.p : "", e->key.len), &isnew);
	e->p[e->np - 1].card = card;
}

/* Card-days of the evaluated records: each card's highest score and
 * whether it had a fraud, per day. */
static void
card_days(struct ev *e)
{
	for (size_t i = 0; i < e->np; i++) {
		const struct pt *p = &e->p[i];
		char kb[16];
		uint32_t c;
		int isnew;

		if (p->day < e->first_day + e->skip)
			continue;
		memcpy(kb, &p->day, 8);
		memcpy(kb + 8, &p->card, 4);
		c = rt_map_put(&e->cd, kb, 12, rt_hash(kb, 12), &isnew);
		if (isnew) {
			if (e->nc == e->capc) {
				e->capc = e->capc ? 2 * e->capc : 4096;
				e->c = rt_xreallocarray(e->c, e->capc, sizeof *e->c);
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

/* The test period a day falls in. */
static int64_t
period_of(const struct ev *e, int64_t day)
{
	return rt_floor_div(day - e->first_day - e->skip, e->period);
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

static void
report(struct ev *e, struct rt_buf *b)
{
	uint64_t pos = 0, neg, tp = 0, fp = 0, days = 0;
	double auc = 0, ap = 0, cp_sum = 0;
	size_t i, j;
	unsigned char *detected, *best_det;
	double best_sum = 0;

	uint64_t fc = 0, fa = 0;

	card_days(e);
	/* Alerts on evaluated records: how many, how many on a fraud, and
	 * the cards with a fraud that had an alert on one. */
	{
		uint32_t na = rt_map_idcap(&e->alerted) + 1;
		uint32_t ncards = rt_map_idcap(&e->cards) + 1;
		unsigned char *aseen = rt_xcalloc(na, 1);
		unsigned char *cseen = rt_xcalloc(ncards, 1);

		for (i = j = 0; i < e->np; i++) {
			struct pt *p = &e->p[i];

			if (p->day < e->first_day + e->skip)
				continue;
			if (p->alert) {
				if (!(aseen[p->alert - 1] & 1))
					e->alerts_n++;
				aseen[p->alert - 1] |= 1;
				if (p->y && !(aseen[p->alert - 1] & 2)) {
					aseen[p->alert - 1] |= 2;
					e->alerts_fraud++;
				}
			}
			if (p->y) {
				if (!(cseen[p->card] & 1))
					fc++;
				cseen[p->card] |= 1;
				if (p->alert && !(cseen[p->card] & 2)) {
					cseen[p->card] |= 2;
					fa++;
				}
			}
			e->p[j++] = *p;
		}
		e->np = j;
		free(aseen);
		free(cseen);
	}
	if (e->np)
		qsort(e->p, e->np, sizeof *e->p, pt_cmp);
	for (i = 0; i < e->np; i++)
		pos += (uint64_t)e->p[i].y;
	neg = e->np - pos;
	/* ROC AUC with ties counted half (groups of equal scores), and
	 * average precision as scikit-learn computes it (steps at each
	 * distinct score). */
	{
		uint64_t negs_above = 0;
		double prev_recall = 0;

		for (i = 0; i < e->np; i = j) {
			uint64_t gp = 0, gn = 0;

			for (j = i; j < e->np && e->p[j].s == e->p[i].s; j++) {
				if (e->p[j].y)
					gp++;
				else
					gn++;
			}
			auc += (double)gp * ((double)negs_above + (double)gn / 2);
			negs_above += gn;
			tp += gp;
			fp += gn;
			if (gp && pos) {
				double recall = (double)tp / (double)pos;

				ap += (recall - prev_recall) *
				    ((double)tp / (double)(tp + fp));
				prev_recall = recall;
			}
		}
	}
	auc = pos && neg ? 1 - auc / ((double)pos * (double)neg) : NAN;
	/* Card precision@k: each day, the k cards with the highest score
	 * that are not already known compromised; a card found compromised
	 * (in a day's top k with a fraud) leaves the later days' lists. */
	if (e->nc)
		qsort(e->c, e->nc, sizeof *e->c, cd_cmp);
	detected = rt_xcalloc(rt_map_idcap(&e->cards) + 1, 1);
	best_det = rt_xcalloc(rt_map_idcap(&e->cards) + 1, 1);
	for (i = 0; i < e->nc; i = j) {
		long n = 0, hit = 0, best = 0;
		size_t x;

		for (j = i; j < e->nc && e->c[j].day == e->c[i].day; j++)
			;
		if (i == 0 || period_of(e, e->c[i].day) !=
		    period_of(e, e->c[i - 1].day)) {
			/* A new test period: nothing is known compromised. */
			memset(detected, 0, rt_map_idcap(&e->cards) + 1);
			memset(best_det, 0, rt_map_idcap(&e->cards) + 1);
		}
		/* A card has one entry a day, so what is found today can be
		 * marked at once: it leaves tomorrow's list.  The ceiling: a
		 * perfect score would put the day's compromised cards first. */
		for (x = i; x < j; x++)
			if (e->c[x].y && !best_det[e->c[x].card] && best < e->k) {
				best++;
				best_det[e->c[x].card] = 1;
			}
		best_sum += (double)best / (double)e->k;
		for (x = i; x < j && n < e->k; x++) {
			if (detected[e->c[x].card])
				continue;
			n++;
			hit += e->c[x].y;
			if (e->c[x].y)
				detected[e->c[x].card] = 1;
		}
		cp_sum += (double)hit / (double)e->k;
		days++;
	}
	free(detected);
	free(best_det);
	rt_buf_printf(b, "{\"records\":%zu,\"frauds\":%llu", e->np,
	    (unsigned long long)pos);
	put_num(b, "fraud_rate", e->np ? (double)pos / (double)e->np : NAN);
	put_num(b, "roc_auc", auc);
	put_num(b, "average_precision", pos ? ap : NAN);
	rt_buf_printf(b, ",\"days\":%llu", (unsigned long long)days);
	rt_buf_printf(b, ",\"card_precision_at\":%ld", e->k);
	put_num(b, "card_precision", days ? cp_sum / (double)days : NAN);
	put_num(b, "card_precision_ceiling", days ? best_sum / (double)days :
	    NAN);
	if (e->alerts) {
		rt_buf_printf(b, ",\"alerts\":%llu,\"alerts_on_fraud\":%llu",
		    (unsigned long long)e->alerts_n,
		    (unsigned long long)e->alerts_fraud);
		put_num(b, "alert_precision", e->alerts_n ?
		    (double)e->alerts_fraud / (double)e->alerts_n : NAN);
		rt_buf_printf(b, ",\"fraud_cards\":%llu,\"fraud_cards_alerted\":"
		    "%llu", (unsigned long long)fc, (unsigned long long)fa);
		put_num(b, "alert_card_recall", fc ? (double)fa / (double)fc :
		    NAN);
	}
	rt_buf_adds(b, "}\n");
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct ev e;
	struct rt_rec rec;
	struct rt_buf out = RT_BUF_INIT;
	int opt, li, rc;

	memset(&e, 0, sizeof e);
	rt_cli_init(&cli, "rt-eval", usage);
	cli.longopts = longopts;
	e.cli = &cli;
	e.score = "_score";
	e.label = "is_fraud";
	e.card = "customer_id";
	e.time = "ts";
	e.id = "tx_id";
	e.k = 100;
	e.period = 7;
	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS, longopts,
	    &li)) != -1) {
		switch (opt) {
		case OPT_SCORE: e.score = optarg; break;
		case OPT_LABEL: e.label = optarg; break;
		case OPT_CARD: e.card = optarg; break;
		case OPT_TIME: e.time = optarg; break;
		case OPT_ALERTS: e.alerts = optarg; break;
		case OPT_ID: e.id = optarg; break;
		case OPT_K:
			e.k = (long)rt_cli_count(&cli, "top", optarg, 1,
			    INT32_MAX);
			break;
		case OPT_SKIP:
			e.skip = (long)rt_cli_count(&cli, "skip-days", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_PERIOD:
			e.period = (long)rt_cli_count(&cli, "period-days", optarg,
			    1, INT32_MAX);
			break;
		case '?':
		case ':':
			rt_cli_bad_option(&cli, argv, opt);
		default:
			if (!rt_cli_opt(&cli, opt, optarg))
				rt_cli_bad_option(&cli, argv, opt);
		}
	}
	rt_map_init(&e.cards);
	rt_map_init(&e.cd);
	rt_map_init(&e.alerted);
	rt_jdoc_init(&e.doc, 0);
	if (e.alerts)
		load_alerts(&e);
	cli.ctl_sink = 1;	/* a report: control records end here */
	rt_cli_start(&cli, argc, argv, optind);
	while (rt_cli_next(&cli, &rec) == 1)
		record(&e, &rec);
	report(&e, &out);
	if (rt_out_write(&cli.out, out.p, out.len) == -1)
		rt_cli_stdout_failed(&cli, cli.out.err);
	rc = rt_cli_finish(&cli);
	rt_buf_release(&out);
	rt_buf_release(&e.tmp);
	rt_buf_release(&e.key);
	rt_jdoc_release(&e.doc);
	rt_map_release(&e.cards);
	rt_map_release(&e.cd);
	rt_map_release(&e.alerted);
	free(e.p);
	free(e.c);
	return rc;
}
