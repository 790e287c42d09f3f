/*
 * evalplot.c - rt-eval --plot: ROC, precision-recall, card precision@k by
 * day and the score histogram by class, as SVG (see evalplot.h).
 */
#include "evalplot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rtime.h"
#include "svg.h"

#define W 960
#define H 720
#define BLUE "#1f77b4"
#define RED "#d62728"
#define GREY "#888"

/* The four frames: two columns, two rows. */
static const struct rt_svg_panel frames[4] = {
	{ 80, 80, 360, 240, 0, 1, 0, 1 },
	{ 570, 80, 360, 240, 0, 1, 0, 1 },
	{ 80, 420, 360, 240, 0, 1, 0, 1 },
	{ 570, 420, 360, 240, 0, 1, 0, 1 },
};

static void
fmt_rate(char *t, size_t n, const char *what, double v)
{
	if (isnan(v))
		snprintf(t, n, "%s n/a", what);
	else
		snprintf(t, n, "%s %.4f", what, v);
}

/* Ticks at 0, 0.2, ... 1 on the axes that show a rate. */
static void
rate_ticks(struct rt_buf *b, const struct rt_svg_panel *p, int x, int y)
{
	char t[16];

	for (int i = 0; i <= 5; i++) {
		snprintf(t, sizeof t, "%.1f", i / 5.0);
		if (x)
			rt_svg_xtick(b, p, i / 5.0, t);
		if (y)
			rt_svg_ytick(b, p, i / 5.0, t);
	}
}

/* "no records", in the middle of an empty panel. */
static void
empty(struct rt_buf *b, const struct rt_svg_panel *p, const char *why)
{
	rt_svg_text(b, p->x + p->w / 2, p->y + p->h / 2,
	    "text-anchor=\"middle\" fill=\"" GREY "\"", why);
}

static void
roc(struct rt_buf *b, const struct rt_eval_report *r)
{
	const struct rt_svg_panel *p = &frames[0];
	double lx = 0, ly = 0, e = 1.0 / 2000;
	char t[64];
	size_t i;

	fmt_rate(t, sizeof t, "ROC curve: AUC", r->roc_auc);
	rt_svg_frame(b, p, "roc-frame", t, "false positive rate",
	    "true positive rate");
	rate_ticks(b, p, 1, 1);
	rt_svg_line(b, rt_svg_px(p, 0), rt_svg_py(p, 0), rt_svg_px(p, 1),
	    rt_svg_py(p, 1), "stroke=\"" GREY "\" stroke-dasharray=\"4 4\"");
	if (r->nroc < 2 || isnan(r->roc_auc)) {
		empty(b, p, "no curve: needs frauds and legitimate records");
		return;
	}
	rt_svg_poly_begin(b, "id=\"roc-curve\" fill=\"none\" stroke=\"" BLUE
	    "\" stroke-width=\"2\"");
	for (i = 0; i < r->nroc; i++) {
		const struct rt_eval_xy *q = &r->roc[i];

		/* Both coordinates only grow: a point near the last one drawn
		 * changes the area by little (evalplot.h). */
		if (i > 0 && i + 1 < r->nroc && q->x - lx < e && q->y - ly < e)
			continue;
		rt_svg_poly_pt(b, rt_svg_px(p, q->x), rt_svg_py(p, q->y));
		lx = q->x;
		ly = q->y;
	}
	rt_svg_poly_end(b);
}

static void
pr(struct rt_buf *b, const struct rt_eval_report *r)
{
	const struct rt_svg_panel *p = &frames[1];
	double prev = 0;
	char t[64];
	size_t i;

	fmt_rate(t, sizeof t, "Precision-recall: AP", r->ap);
	rt_svg_frame(b, p, "pr-frame", t, "recall", "precision");
	rate_ticks(b, p, 1, 1);
	if (r->npr == 0) {
		empty(b, p, "no curve: no frauds");
		return;
	}
	/* The fraud rate: what a score that knows nothing gets. */
	rt_svg_line(b, rt_svg_px(p, 0), rt_svg_py(p, r->fraud_rate),
	    rt_svg_px(p, 1), rt_svg_py(p, r->fraud_rate),
	    "stroke=\"" GREY "\" stroke-dasharray=\"4 4\"");
	/* Steps: the area under them is the average precision. */
	rt_svg_poly_begin(b, "id=\"pr-curve\" fill=\"none\" stroke=\"" BLUE
	    "\" stroke-width=\"2\"");
	for (i = 0; i < r->npr; i++) {
		rt_svg_poly_pt(b, rt_svg_px(p, prev), rt_svg_py(p, r->pr[i].y));
		rt_svg_poly_pt(b, rt_svg_px(p, r->pr[i].x),
		    rt_svg_py(p, r->pr[i].y));
		prev = r->pr[i].x;
	}
	rt_svg_poly_end(b);
}

/* Day d as MM-DD (with the year when year is set). */
static void
day_label(char *t, size_t n, int64_t d, int year)
{
	char iso[48];

	rt_time_fmt(d * 86400 * RT_US_PER_S, 0, iso);
	snprintf(t, n, "%.*s", year ? 10 : 5, year ? iso : iso + 5);
}

/* The day ticks: at most 6, on whole days. */
static void
day_ticks(struct rt_buf *b, const struct rt_svg_panel *p)
{
	double tk[8];
	int dec;
	size_t n = rt_svg_ticks(p->x0, p->x1, 6, tk, &dec);
	char t[16];

	for (size_t i = 0; i < n; i++)
		if (tk[i] == floor(tk[i])) {
			day_label(t, sizeof t, (int64_t)tk[i], 0);
			rt_svg_xtick(b, p, tk[i], t);
		}
}

static void
cp_line(struct rt_buf *b, const struct rt_svg_panel *p,
    const struct rt_eval_report *r, int ceiling)
{
	rt_svg_poly_begin(b, ceiling ? "id=\"cp-ceiling\" fill=\"none\" "
	    "stroke=\"" GREY "\" stroke-dasharray=\"4 4\"" :
	    "id=\"cp-curve\" fill=\"none\" stroke=\"" BLUE "\" "
	    "stroke-width=\"2\"");
	for (size_t i = 0; i < r->ndaily; i++)
		rt_svg_poly_pt(b, rt_svg_px(p, (double)r->daily[i].day),
		    rt_svg_py(p, ceiling ? r->daily[i].ceiling :
		    r->daily[i].cp));
	rt_svg_poly_end(b);
}

static void
cp(struct rt_buf *b, const struct rt_eval_report *r)
{
	struct rt_svg_panel p = frames[2];
	char t[128], first[16], m1[32], m2[32];

	fmt_rate(m1, sizeof m1, "mean", r->cp);
	fmt_rate(m2, sizeof m2, "perfect score", r->cp_ceiling);
	snprintf(t, sizeof t, "Card precision@%ld by day: %s", r->k, m1);
	if (r->ndaily) {
		p.x0 = (double)r->daily[0].day;
		p.x1 = (double)r->daily[r->ndaily - 1].day;
		if (p.x1 == p.x0)
			p.x0 -= 1, p.x1 += 1;
		day_label(first, sizeof first, r->daily[0].day, 1);
	}
	snprintf(m1, sizeof m1, "day (UTC, from %s)", r->ndaily ? first : "-");
	rt_svg_frame(b, &p, "cp-frame", t, m1, "card precision");
	rate_ticks(b, &p, 0, 1);
	if (r->ndaily == 0) {
		empty(b, &p, "no days");
		return;
	}
	day_ticks(b, &p);
	cp_line(b, &p, r, 1);
	cp_line(b, &p, r, 0);
	for (size_t i = 0; i < r->ndaily && r->ndaily <= 100; i++)
		rt_svg_circle(b, rt_svg_px(&p, (double)r->daily[i].day),
		    rt_svg_py(&p, r->daily[i].cp), 2.5, "fill=\"" BLUE "\"");
	rt_svg_line(b, p.x + p.w - 150, p.y + 14, p.x + p.w - 130, p.y + 14,
	    "stroke=\"" BLUE "\" stroke-width=\"2\"");
	rt_svg_text(b, p.x + p.w - 125, p.y + 18, NULL, "the score");
	rt_svg_line(b, p.x + p.w - 150, p.y + 30, p.x + p.w - 130, p.y + 30,
	    "stroke=\"" GREY "\" stroke-dasharray=\"4 4\"");
	snprintf(t, sizeof t, "%s", m2);
	rt_svg_text(b, p.x + p.w - 125, p.y + 34, NULL, t);
}

/* The histogram's bars for class y: the left (legitimate) or right
 * (fraud) half of each bin, as a share of the class. */
static void
bars(struct rt_buf *b, const struct rt_svg_panel *p,
    const struct rt_eval_report *r, int y, uint64_t total)
{
	double bw = (r->hi - r->lo) / RT_EVAL_BINS, s, x0, top;
	char attrs[160], title[160];

	for (int i = 0; i < RT_EVAL_BINS; i++) {
		s = total ? (double)r->hist[y][i] / (double)total : 0;
		x0 = rt_svg_px(p, r->lo + i * bw + (y ? bw / 2 : 0));
		top = rt_svg_py(p, s);
		snprintf(attrs, sizeof attrs, "class=\"bar\" data-class=\"%d\" "
		    "data-bin=\"%d\" data-count=\"%llu\" fill=\"%s\"", y, i,
		    (unsigned long long)r->hist[y][i], y ? RED : BLUE);
		snprintf(title, sizeof title, "%s, scores %.6g to %.6g: %llu "
		    "(%.2f%%)", y ? "fraud" : "legitimate", r->lo + i * bw,
		    r->lo + (i + 1) * bw, (unsigned long long)r->hist[y][i],
		    100 * s);
		rt_svg_rect(b, x0, top, rt_svg_px(p, r->lo + bw / 2) - p->x,
		    p->y + p->h - top, attrs, title);
	}
}

/* The histogram's axes: the score's round ticks, and the shares. */
static void
hist_ticks(struct rt_buf *b, const struct rt_svg_panel *p)
{
	double tk[12];
	int dec;
	size_t n;
	char t[32];

	n = rt_svg_ticks(p->x0, p->x1, 6, tk, &dec);
	for (size_t i = 0; i < n; i++) {
		snprintf(t, sizeof t, "%.*f", dec, tk[i]);
		rt_svg_xtick(b, p, tk[i], t);
	}
	n = rt_svg_ticks(p->y0, p->y1, 6, tk, &dec);
	for (size_t i = 0; i < n; i++) {
		snprintf(t, sizeof t, "%.*f", dec, tk[i]);
		rt_svg_ytick(b, p, tk[i], t);
	}
}

static void
hist(struct rt_buf *b, const struct rt_eval_report *r, const char *score)
{
	struct rt_svg_panel p = frames[3];
	uint64_t tot[2] = { 0, 0 };
	double top = 0, s;
	char t[200], xl[120];

	for (int y = 0; y < 2; y++)
		for (int i = 0; i < RT_EVAL_BINS; i++)
			tot[y] += r->hist[y][i];
	for (int y = 0; y < 2; y++)
		for (int i = 0; i < RT_EVAL_BINS; i++)
			if (tot[y] && (s = (double)r->hist[y][i] /
			    (double)tot[y]) > top)
				top = s;
	if (!isnan(r->lo))
		p.x0 = r->lo, p.x1 = r->hi;
	/* Headroom for the legend. */
	p.y1 = top > 0 ? fmin(1, ceil(top * 1.3 * 10) / 10) : 1;
	snprintf(xl, sizeof xl, "score (%.80s)", score);
	rt_svg_frame(b, &p, "hist-frame", "Scores by class (share of each "
	    "class)", xl, "share of the class's records");
	hist_ticks(b, &p);
	if (isnan(r->lo)) {
		empty(b, &p, "no scores");
	} else {
		bars(b, &p, r, 0, tot[0]);
		bars(b, &p, r, 1, tot[1]);
	}
	rt_svg_rect(b, p.x + 10, p.y + 8, 10, 10, "fill=\"" BLUE "\"", NULL);
	snprintf(t, sizeof t, "legitimate: %llu scored, %llu unscored",
	    (unsigned long long)tot[0], (unsigned long long)r->unscored[0]);
	rt_svg_text(b, p.x + 24, p.y + 17, NULL, t);
	rt_svg_rect(b, p.x + 10, p.y + 24, 10, 10, "fill=\"" RED "\"", NULL);
	snprintf(t, sizeof t, "fraud: %llu scored, %llu unscored",
	    (unsigned long long)tot[1], (unsigned long long)r->unscored[1]);
	rt_svg_text(b, p.x + 24, p.y + 33, NULL, t);
}

void
rt_evalplot_svg(const struct rt_eval_report *r, const char *score,
    const char *label, struct rt_buf *b)
{
	char t[300];

	rt_svg_begin(b, W, H);
	snprintf(t, sizeof t, "rt-eval: %llu records, %llu frauds (%.60s), "
	    "scored by %.60s", (unsigned long long)r->records,
	    (unsigned long long)r->frauds, label, score);
	rt_svg_text(b, 20, 30, "font-size=\"16\" font-weight=\"bold\"", t);
	roc(b, r);
	pr(b, r);
	cp(b, r);
	hist(b, r, score);
	rt_svg_end(b);
}
