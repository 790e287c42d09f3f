/*
 * rt-eval - detection quality of scored records that carry a label: ROC
 * AUC and average precision of the score, card precision@k per day as the
 * fraud-detection handbook of Le Borgne et al. defines it, and, with
 * --alerts, precision and recall of the alerts raised.  Writes one report
 * (JSON, or a CSV/TSV row), and with --plot its curves as SVG.  The
 * figures are lib/eval.c's, the drawing lib/evalplot.c's.  See rt-eval(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "loop.h"
#include "eval.h"
#include "evalplot.h"
#include "field.h"

enum {
	OPT_SCORE = RT_OPT_TOOL, OPT_LABEL, OPT_CARD, OPT_TIME, OPT_K,
	OPT_SKIP, OPT_ALERTS, OPT_ID, OPT_PERIOD, OPT_PLOT
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	RT_OPTTAB_ARG("score", OPT_SCORE,
	    "F", "score field (default _score)"),
	RT_OPTTAB_ARG("label", OPT_LABEL,
	    "F", "label field, 1 = fraud (default is_fraud)"),
	RT_OPTTAB_ARG("card", OPT_CARD,
	    "F", "card field for card precision@k\n"
	    "(default customer_id)"),
	RT_OPTTAB_ARG("time", OPT_TIME,
	    "F", "event time field (default ts)"),
	RT_OPTTAB_ARG("top", OPT_K,
	    "K", "k of card precision@k (default 100)"),
	RT_OPTTAB_ARG("skip-days", OPT_SKIP,
	    "N", "leave the first N days out (default 0)"),
	RT_OPTTAB_ARG("period-days", OPT_PERIOD,
	    "N", "test periods of N days: known compromised\n"
	    "cards are forgotten at each start\n"
	    "(default 7, as the handbook's test week)"),
	RT_OPTTAB_ARG("alerts", OPT_ALERTS,
	    "FILE", "rt-alert's output: precision and recall\n"
	    "of the alerts"),
	RT_OPTTAB_ARG("id", OPT_ID,
	    "F", "field that identifies a record in the\n"
	    "alerts (default tx_id)"),
	RT_OPTTAB_ARG("plot", OPT_PLOT,
	    "FILE", "also draw ROC and precision-recall curves,\n"
	    "card precision@k by day and the score\n"
	    "histogram by class into FILE, as SVG"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-eval [OPTION]... [FILE]...\n"
	    "Measure detection quality on scored, labelled records; write a\n"
	    "report (JSON; one CSV/TSV row with -o csv|tsv).\n\n", opts, "\n",
	    RT_CLI_GROUPS(rt_cli_common_opts, rt_cli_time_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-eval(1) and rtpipe(7).\n");
}

struct ev {
	struct rt_cli *cli;
	const char *score, *label, *card, *time, *alerts, *id, *plot;
	long k, skip, period;
	int plot_fd;
	struct rt_eval e;
	struct rt_jdoc doc;
	struct rt_buf tmp, key;
};

static void
options(struct ev *e, int argc, char **argv)
{
	struct rt_cli *cli = e->cli;
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		switch (opt) {
		case OPT_SCORE: e->score = optarg; break;
		case OPT_LABEL: e->label = optarg; break;
		case OPT_CARD: e->card = optarg; break;
		case OPT_TIME: e->time = optarg; break;
		case OPT_ALERTS: e->alerts = optarg; break;
		case OPT_ID: e->id = optarg; break;
		case OPT_PLOT: e->plot = optarg; break;
		case OPT_K:
			e->k = (long)rt_cli_count(cli, "top", optarg, 1,
			    INT32_MAX);
			break;
		case OPT_SKIP:
			e->skip = (long)rt_cli_count(cli, "skip-days", optarg, 0,
			    INT32_MAX);
			break;
		case OPT_PERIOD:
			e->period = (long)rt_cli_count(cli, "period-days", optarg,
			    1, INT32_MAX);
			break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
	}
	if (cli->columns)
		rt_cli_usage_error(cli, "--columns: the report has its own "
		    "columns");
}

/* The ids of the records that had an alert. */
static void
load_alerts(struct ev *e)
{
	struct rt_in in;
	struct rt_line l;
	struct rt_jdoc d;
	int r;

	e->e.with_alerts = 1;
	if (rt_in_open(&in, e->alerts, 0) == -1)
		rt_cli_fatal(e->cli, "%s: %s", e->alerts, strerror(errno));
	rt_jdoc_init(&d, 0);
	while ((r = rt_in_next(&in, &l)) == RT_IN_LINE) {
		uint32_t rec, k;

		if (l.len == 0 || l.overlong || rt_jdoc_parse(&d, l.p, l.len) != 0 ||
		    d.v[0].type != RT_JOBJ)
			continue;
		if ((rec = rt_jdoc_get(&d, 0, "record", 6)) == 0 ||
		    d.v[rec].type != RT_JOBJ ||
		    (k = rt_jdoc_get(&d, rec, e->id, strlen(e->id))) == 0)
			continue;	/* a summary */
		e->key.len = 0;
		rt_field_text(&d, k, &e->key);
		rt_eval_alerted(&e->e, e->key.p ? e->key.p : "", e->key.len);
	}
	if (r == RT_IN_ERR)
		rt_cli_fatal(e->cli, "%s: %s", e->alerts, strerror(in.err));
	rt_in_close(&in);
	rt_jdoc_release(&d);
}

/* Field name f of d as text into b (empty when missing); 1 if there. */
static int
text_of(const struct rt_jdoc *d, const char *f, struct rt_buf *b)
{
	uint32_t k = rt_jdoc_get(d, 0, f, strlen(f));

	b->len = 0;
	if (k)
		rt_field_text(d, k, b);
	return k != 0;
}

static void
record(struct ev *e, const struct rt_rec *r)
{
	struct rt_cli *cli = e->cli;
	const struct rt_jdoc *d;
	uint32_t k;
	double s, y;
	int64_t t;
	const char *err;
	char why[128];
	int has_id;

	if ((d = rt_cli_object(cli, r, &e->doc)) == NULL)
		return;
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
	rt_cli_drop(cli);	/* a report, not records, comes out */
	has_id = e->alerts && text_of(d, e->id, &e->tmp);
	text_of(d, e->card, &e->key);
	rt_eval_add(&e->e, s, y >= 0.5, t, e->key.p, e->key.len,
	    has_id ? (e->tmp.p ? e->tmp.p : "") : NULL, e->tmp.len);
}

/* Open the --plot file now, before the sandbox closes the file system. */
static void
plot_open(struct ev *e)
{
	e->plot_fd = -1;
	if (e->plot == NULL)
		return;
	e->plot_fd = open(e->plot, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666);
	if (e->plot_fd == -1)
		rt_cli_fatal(e->cli, "%s: %s", e->plot, strerror(errno));
}

static void
plot_write(struct ev *e, const struct rt_eval_report *rep)
{
	struct rt_buf b = RT_BUF_INIT;
	size_t off = 0;
	ssize_t w;

	rt_evalplot_svg(rep, e->score, e->label, &b);
	while (off < b.len) {
		w = write(e->plot_fd, b.p + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rt_cli_fatal(e->cli, "%s: %s", e->plot, strerror(errno));
		off += (size_t)w;
	}
	rt_buf_release(&b);
	if (close(e->plot_fd) == -1)
		rt_cli_fatal(e->cli, "%s: %s", e->plot, strerror(errno));
}

/* The report, in the -o format: an object made, not a record passed. */
static void
report(struct ev *e)
{
	struct rt_eval_report rep;
	struct rt_buf out = RT_BUF_INIT;
	struct rt_rec r;

	rt_eval_report(&e->e, &rep, e->plot != NULL);
	rt_eval_json(&rep, &out);
	memset(&r, 0, sizeof r);
	r.p = r.raw = out.p;
	r.len = r.rawlen = out.len - 1;
	r.source = "report";
	rt_cli_emit_made(e->cli, &r, r.p, r.len);
	if (e->plot)
		plot_write(e, &rep);
	rt_eval_report_release(&rep);
	rt_buf_release(&out);
}

static void
on_record(void *e, struct rt_rec *r)
{
	record(e, r);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct ev e = {
		.cli = &cli, .score = "_score", .label = "is_fraud",
		.card = "customer_id", .time = "ts", .id = "tx_id", .k = 100,
		.period = 7
	};
	int rc;

	rt_cli_init(&cli, "rt-eval", usage, opts);
	options(&e, argc, argv);
	rt_eval_init(&e.e, e.k, e.skip, e.period);
	rt_jdoc_init(&e.doc, 0);
	if (e.alerts)
		load_alerts(&e);
	plot_open(&e);
	cli.ctl_sink = 1;	/* a report: control records end here */
	rt_cli_start(&cli, argc, argv, optind);
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record, .arg = &e });
	report(&e);
	rc = rt_cli_finish(&cli);
	rt_buf_release(&e.tmp);
	rt_buf_release(&e.key);
	rt_jdoc_release(&e.doc);
	rt_eval_release(&e.e);
	return rc;
}
