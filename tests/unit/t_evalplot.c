/*
 * t_evalplot.c - rt-eval --plot (lib/evalplot.c), read back from the
 * SVG: each curve's points mapped back through its frame's pixels and
 * data domain to the report's values (ROC, precision-recall steps, card
 * precision@k by day and its ceiling), the histogram's bars with their
 * counts, the frames' domains, names escaped, the empty panels; and the
 * ROC curve's thinning over seeded random curves of 200000 points: a
 * few thousand points drawn, the first and last kept, both coordinates
 * growing, the area within 0.001 of the full curve's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "evalplot.h"
#include "tap.h"

/* The value of attribute name in the element with id="id" (or the
 * first element starting with tag when id is NULL), NAN if none. */
static double
attr(const char *svg, const char *id, const char *name)
{
	char key[64];
	const char *e, *end, *a;

	snprintf(key, sizeof key, "id=\"%s\"", id);
	if ((e = strstr(svg, key)) == NULL)
		return NAN;
	while (e > svg && *e != '<')
		e--;
	end = strchr(e, '>');
	snprintf(key, sizeof key, " %s=\"", name);
	a = strstr(e, key);
	if (a == NULL || a > end)
		return NAN;
	return strtod(a + strlen(key), NULL);
}

struct pts {
	double *x, *y;
	size_t n;
};

/* The points of polyline id, in data coordinates of frame. */
static int
points(const char *svg, const char *id, const char *frame, struct pts *p)
{
	char key[64];
	const char *s, *end;
	double fx = attr(svg, frame, "x"), fy = attr(svg, frame, "y"),
	    fw = attr(svg, frame, "width"), fh = attr(svg, frame, "height"),
	    x0 = attr(svg, frame, "data-x0"), x1 = attr(svg, frame, "data-x1"),
	    y0 = attr(svg, frame, "data-y0"), y1 = attr(svg, frame, "data-y1");

	p->n = 0;
	snprintf(key, sizeof key, "id=\"%s\"", id);
	if ((s = strstr(svg, key)) == NULL || isnan(fx) || isnan(x1))
		return -1;
	s = strstr(s, "points=\"") + 8;
	end = strchr(s, '"');
	p->x = realloc(p->x, (size_t)(end - s) * sizeof *p->x);
	p->y = realloc(p->y, (size_t)(end - s) * sizeof *p->y);
	while (s < end) {
		char *q;
		double px = strtod(s, &q), py = strtod(q + 1, &q);

		p->x[p->n] = x0 + (px - fx) / fw * (x1 - x0);
		p->y[p->n] = y0 + (fy + fh - py) / fh * (y1 - y0);
		p->n++;
		s = q;
		while (s < end && *s == ' ')
			s++;
	}
	return 0;
}

static size_t
count(const char *svg, const char *what)
{
	size_t n = 0;

	for (const char *s = svg; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

#define NEAR(a, b, e) (fabs((a) - (b)) <= (e))

static void
test_small(void)
{
	struct rt_eval_xy roc[] = { { 0, 0 }, { 0.5, 0.8 }, { 1, 1 } };
	struct rt_eval_xy pr[] = { { 0.5, 1 }, { 1, 0.5 } };
	struct rt_eval_day daily[] = { { 17622, 0.5, 1, 3 },
	    { 17624, 0.25, 0.75, 4 } };
	struct rt_eval_report r;
	struct rt_buf b = RT_BUF_INIT;
	struct pts p = { NULL, NULL, 0 };
	const char *svg;
	int good = 1;

	memset(&r, 0, sizeof r);
	r.records = 10;
	r.frauds = 4;
	r.k = 100;
	r.fraud_rate = 0.4;
	r.roc_auc = 0.75;
	r.ap = 0.8;
	r.cp = 0.375;
	r.cp_ceiling = 0.875;
	r.roc = roc;
	r.nroc = 3;
	r.pr = pr;
	r.npr = 2;
	r.daily = daily;
	r.ndaily = 2;
	r.lo = 0;
	r.hi = 2;
	r.hist[0][0] = 5;
	r.hist[0][19] = 1;
	r.hist[1][10] = 4;
	r.unscored[1] = 2;
	rt_evalplot_svg(&r, "sc<o>re", "is \"fraud\" & co", &b);
	svg = rt_buf_cstr(&b);

	ok(strncmp(svg, "<?xml", 5) == 0 && b.len > 7 &&
	    strcmp(svg + b.len - 7, "</svg>\n") == 0, "a whole SVG document");
	ok(strstr(svg, "rt-eval: 10 records, 4 frauds (is &quot;fraud&quot; "
	    "&amp; co), scored by sc&lt;o&gt;re") != NULL,
	    "the heading, names escaped");
	ok(strstr(svg, "sc<o>") == NULL && strstr(svg, "\" & co") == NULL,
	    "  nothing unescaped");
	ok(strstr(svg, "ROC curve: AUC 0.7500") && strstr(svg,
	    "Precision-recall: AP 0.8000") && strstr(svg,
	    "Card precision@100 by day: mean 0.3750") &&
	    strstr(svg, "perfect score 0.8750"), "the figures in the titles");

	points(svg, "roc-curve", "roc-frame", &p);
	ok(p.n == 3 && NEAR(p.x[0], 0, 1e-5) && NEAR(p.y[0], 0, 1e-5) &&
	    NEAR(p.x[1], 0.5, 1e-5) && NEAR(p.y[1], 0.8, 1e-5) &&
	    NEAR(p.x[2], 1, 1e-5) && NEAR(p.y[2], 1, 1e-5),
	    "the ROC curve, point by point");
	points(svg, "pr-curve", "pr-frame", &p);
	ok(p.n == 4 && NEAR(p.x[0], 0, 1e-5) && NEAR(p.y[0], 1, 1e-5) &&
	    NEAR(p.x[1], 0.5, 1e-5) && NEAR(p.y[1], 1, 1e-5) &&
	    NEAR(p.x[2], 0.5, 1e-5) && NEAR(p.y[2], 0.5, 1e-5) &&
	    NEAR(p.x[3], 1, 1e-5) && NEAR(p.y[3], 0.5, 1e-5),
	    "the precision-recall steps");
	ok(attr(svg, "cp-frame", "data-x0") == 17622 &&
	    attr(svg, "cp-frame", "data-x1") == 17624,
	    "the days' frame: first to last day");
	points(svg, "cp-curve", "cp-frame", &p);
	ok(p.n == 2 && NEAR(p.x[0], 17622, 1e-3) && NEAR(p.y[0], 0.5, 1e-5) &&
	    NEAR(p.x[1], 17624, 1e-3) && NEAR(p.y[1], 0.25, 1e-5),
	    "card precision by day");
	points(svg, "cp-ceiling", "cp-frame", &p);
	ok(p.n == 2 && NEAR(p.y[0], 1, 1e-5) && NEAR(p.y[1], 0.75, 1e-5),
	    "  and a perfect score's");
	ok(strstr(svg, "day (UTC, from 2018-04-01)") != NULL,
	    "  the first day named");
	ok(count(svg, "class=\"bar\"") == 2 * RT_EVAL_BINS,
	    "the histogram: a bar per bin and class");
	for (int y = 0; y < 2; y++)
		for (int i = 0; i < RT_EVAL_BINS; i++) {
			char want[96];

			snprintf(want, sizeof want, "data-class=\"%d\" "
			    "data-bin=\"%d\" data-count=\"%llu\"", y, i,
			    (unsigned long long)r.hist[y][i]);
			good &= strstr(svg, want) != NULL;
		}
	ok(good, "  each with its count");
	ok(attr(svg, "hist-frame", "data-x0") == 0 &&
	    attr(svg, "hist-frame", "data-x1") == 2 &&
	    attr(svg, "hist-frame", "data-y1") == 1,
	    "  its domain: lo to hi, shares up to 1 (5/6 * 1.3 rounded up)");
	ok(strstr(svg, "legitimate: 6 scored, 0 unscored") &&
	    strstr(svg, "fraud: 4 scored, 2 unscored"), "  its legend");
	ok(strstr(svg, "fraud, scores 1 to 1.1: 4 (100.00%)") != NULL,
	    "  a bar's tooltip");

	/* One day only: a frame of a day either side. */
	r.ndaily = 1;
	r.hist[0][0] = 1;
	r.hist[0][19] = 0;
	b.len = 0;
	rt_evalplot_svg(&r, "s", "y", &b);
	svg = rt_buf_cstr(&b);
	ok(attr(svg, "cp-frame", "data-x0") == 17621 &&
	    attr(svg, "cp-frame", "data-x1") == 17623,
	    "one day: the frame spans a day either side");
	ok(NEAR(attr(svg, "hist-frame", "data-y1"), 1, 1e-9),
	    "  shares of 1: the top stays 1");
	free(p.x);
	free(p.y);
	rt_buf_release(&b);
}

static void
test_empty(void)
{
	struct rt_eval_report r;
	struct rt_buf b = RT_BUF_INIT;
	const char *svg;

	memset(&r, 0, sizeof r);
	r.k = 5;
	r.roc_auc = r.ap = r.cp = r.cp_ceiling = r.fraud_rate = NAN;
	r.lo = r.hi = NAN;
	rt_evalplot_svg(&r, "s", "y", &b);
	svg = rt_buf_cstr(&b);
	ok(strstr(svg, "ROC curve: AUC n/a") && strstr(svg,
	    "no curve: needs frauds and legitimate records"),
	    "no records: the ROC panel says why");
	ok(strstr(svg, "no curve: no frauds") && strstr(svg, "no days") &&
	    strstr(svg, "no scores") && strstr(svg, "mean n/a"),
	    "  and the others");
	ok(!strstr(svg, "roc-curve") && !strstr(svg, "pr-curve") &&
	    !strstr(svg, "cp-curve") && !strstr(svg, "class=\"bar\""),
	    "  no curve, no bar");
	ok(strstr(svg, "id=\"roc-frame\"") && strstr(svg, "id=\"pr-frame\"") &&
	    strstr(svg, "id=\"cp-frame\"") && strstr(svg, "id=\"hist-frame\""),
	    "  the four frames all the same");
	rt_buf_release(&b);
}

static double
area(const double *x, const double *y, size_t n)
{
	double a = 0;

	for (size_t i = 1; i < n; i++)
		a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
	return a;
}

static void
test_thin(void)
{
	const size_t n = 200000;
	struct rt_eval_xy *roc = malloc(n * sizeof *roc);
	double *fx = malloc(n * sizeof *fx), *fy = malloc(n * sizeof *fy);
	struct pts p = { NULL, NULL, 0 };
	struct rt_buf b = RT_BUF_INIT;
	uint64_t seed = 11;
	int bad = 0;

	for (int run = 0; run < 5; run++) {
		struct rt_eval_report r;
		double sx = 0, sy = 0, full, drawn;
		int grows = 1;

		/* A random staircase from (0, 0) to (1, 1), steeper first. */
		roc[0].x = roc[0].y = 0;
		for (size_t i = 1; i < n; i++) {
			double u = (double)(tap_xorshift(&seed) % 1000) / 1000;

			sx += u * (double)i / (double)n;
			sy += (1 - u) * (double)(n - i) / (double)n;
			roc[i].x = sx;
			roc[i].y = sy;
		}
		for (size_t i = 0; i < n; i++) {
			roc[i].x /= sx;
			roc[i].y /= sy;
			fx[i] = roc[i].x;
			fy[i] = roc[i].y;
		}
		roc[n - 1].x = roc[n - 1].y = 1;
		memset(&r, 0, sizeof r);
		r.roc = roc;
		r.nroc = n;
		r.roc_auc = area(fx, fy, n);
		r.ap = r.cp = r.cp_ceiling = NAN;
		r.lo = r.hi = NAN;
		b.len = 0;
		rt_evalplot_svg(&r, "s", "y", &b);
		points(rt_buf_cstr(&b), "roc-curve", "roc-frame", &p);
		for (size_t i = 1; i < p.n; i++)
			grows &= p.x[i] >= p.x[i - 1] - 1e-5 &&
			    p.y[i] >= p.y[i - 1] - 1e-5;
		full = r.roc_auc;
		drawn = area(p.x, p.y, p.n);
		/* 0.001 from the thinning, and the pixels' 3 decimals. */
		if (!(p.n > 100 && p.n < 6000 && grows && NEAR(p.x[0], 0, 1e-5) &&
		    NEAR(p.y[0], 0, 1e-5) && NEAR(p.x[p.n - 1], 1, 1e-5) &&
		    NEAR(p.y[p.n - 1], 1, 1e-5) &&
		    NEAR(full, drawn, 0.001 + 1e-5))) {
			diag("run %d: %zu points, area %.6f of %.6f", run, p.n,
			    drawn, full);
			bad++;
		}
	}
	ok(bad == 0, "5 random ROC curves of %zu points: thinned, ends kept, "
	    "area within 0.001", n);
	free(roc);
	free(fx);
	free(fy);
	free(p.x);
	free(p.y);
	rt_buf_release(&b);
}

int
main(void)
{
	test_small();
	test_empty();
	test_thin();
	return done_testing();
}
