/*
 * t_wlook.c - the look-back windows (lib/wlook.c) against a naive oracle,
 * for what t_window.c's oracle leaves out: --rows, --lag, --closed both,
 * avg, stddev, first, last, count_if, prev and since_prev, numbers
 * missing from some records, records out of order (computed by a scan)
 * then in order again (the running state rebuilt).  Every member of
 * every record out is compared with a recomputation over the events the
 * record's window holds.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "jedit.h"
#include "json.h"
#include "tap.h"
#include "wapply.h"
#include "window.h"
#include "wopts.h"

#define S 1000000LL

struct oev {
	int key;
	int64_t t;
	double x;		/* NAN: absent */
	int cond;
};

struct wdesc {
	const char *label;
	int rows;		/* 0: sliding */
	int64_t size, lag;
};

/* The record's numbers for window w of event i (v[0, i] came before). */
struct want {
	double cnt, sum, avg, min, max, sd, first, last, cif;
};

static void
oracle(const struct oev *v, int i, const struct wdesc *w, int both,
    struct want *o)
{
	int idx[4096], n = 0;
	double s = 0, m2 = 0, mean;
	int nn = 0;

	/* The key's events before i (or i) by time, then arrival; in the
	 * window. */
	for (int j = 0; j <= i; j++) {
		const struct oev *e = &v[j];

		if (e->key != v[i].key || e->t > v[i].t - w->lag)
			continue;
		if (!w->rows && (both ? e->t < v[i].t - w->lag - w->size :
		    e->t <= v[i].t - w->lag - w->size))
			continue;
		idx[n++] = j;
	}
	/* Sort by (t, arrival): insertion sort, n is small. */
	for (int a = 1; a < n; a++)
		for (int b = a; b > 0 && v[idx[b - 1]].t > v[idx[b]].t; b--) {
			int x = idx[b];

			idx[b] = idx[b - 1];
			idx[b - 1] = x;
		}
	if (w->rows && n > w->rows) {
		memmove(idx, idx + n - w->rows, (size_t)w->rows * sizeof *idx);
		n = w->rows;
	}
	memset(o, 0, sizeof *o);
	o->cnt = n;
	o->min = o->max = o->first = o->last = NAN;
	for (int a = 0; a < n; a++) {
		double x = v[idx[a]].x;

		o->cif += v[idx[a]].cond;
		if (isnan(x))
			continue;
		nn++;
		s += x;
		o->min = isnan(o->min) || x < o->min ? x : o->min;
		o->max = isnan(o->max) || x > o->max ? x : o->max;
		if (isnan(o->first))
			o->first = x;
		o->last = x;
	}
	o->sum = nn ? s : NAN;
	o->avg = nn ? s / nn : NAN;
	mean = o->avg;
	for (int a = 0; a < n; a++)
		if (!isnan(v[idx[a]].x))
			m2 += (v[idx[a]].x - mean) * (v[idx[a]].x - mean);
	o->sd = nn >= 2 ? sqrt(m2 / (nn - 1)) : NAN;
}

/* Member name of d as a number (NAN for null or absent). */
static double
member(const struct rt_jdoc *d, const char *name, int *present)
{
	uint32_t k = rt_jdoc_get(d, 0, name, strlen(name));
	double x = NAN;

	*present = k != 0;
	if (k && d->v[k].type == RT_JNUM)
		rt_field_num(d, k, &x);
	return x;
}

static int
close_to(double got, double want, double tol)
{
	if (isnan(want))
		return isnan(got);
	return !isnan(got) && fabs(got - want) <= tol * (1 + fabs(want));
}

struct run {
	struct rt_wopts o;
	struct rt_win *w;
	struct rt_buf out;
	struct rt_jdoc doc;
	struct rt_jedit e;
};

static void
emitted(void *arg, const char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
}

static void
oracle_case(const char *name, const char *const *opt,
    const struct wdesc *wins, int nw, int both, uint64_t seed)
{
	enum { N = 3000 };
	struct oev *v = calloc(N, sizeof *v);
	struct run r;
	struct rt_jdoc line;
	int64_t t = 1700000000 * S, maxt = INT64_MIN;
	int n = 0, bad = 0, late = 0, ooo = 0;
	uint64_t s0 = seed;
	const char *err;

	memset(&r, 0, sizeof r);
	rt_wopts_init(&r.o);
	if ((err = wapply(&r.o, opt, (double)S)) != NULL) {
		ok(0, "%s: options: %s", name, err);
		free(v);
		return;
	}
	r.w = rt_win_new(&r.o.c, emitted, &r);
	rt_jdoc_init(&r.doc, 0);
	rt_jdoc_parse(&r.doc, "{}", 2);
	rt_jedit_init(&r.e);
	rt_jdoc_init(&line, 0);
	for (int i = 0; i < N; i++) {
		uint64_t z = tap_xorshift(&seed);
		struct oev e;
		char key[8], xt[32];
		double num[1];
		const char *prev[1];
		size_t prevlen[1];
		struct rt_wev ev;

		t += (int64_t)(z % 5) * S;
		e.key = (int)((z >> 8) % 3);
		e.t = t - ((z >> 12) % 4 == 0 ? (int64_t)((z >> 16) % 25) * S :
		    0);
		e.x = (z >> 24) % 6 == 0 ? NAN :
		    (double)((int)((z >> 32) % 401) - 200) / 4;
		e.cond = (z >> 48) % 3 == 0;
		if (rt_clock_is_late(rt_win_clock(r.w), e.t)) {
			late++;
			continue;
		}
		ooo += maxt != INT64_MIN && e.t < maxt;
		maxt = e.t > maxt ? e.t : maxt;
		v[n++] = e;
		snprintf(key, sizeof key, "\"%d\"", e.key);
		snprintf(xt, sizeof xt, "%g", e.x);
		num[0] = e.x;
		prev[0] = isnan(e.x) ? NULL : xt;
		prevlen[0] = strlen(xt);
		memset(&ev, 0, sizeof ev);
		ev.t = e.t;
		ev.key = key;
		ev.klen = strlen(key);
		ev.num = num;
		ev.cond = (uint32_t)e.cond;
		ev.prev = prev;
		ev.prevlen = prevlen;
		rt_win_advance(r.w, e.t);
		r.out.len = 0;
		rt_jedit_start(&r.e, &r.doc);
		rt_win_add(r.w, &ev, &r.e);
		rt_jedit_finish(&r.e, &r.out);
		if (rt_jdoc_parse(&line, r.out.p, r.out.len) != 0) {
			bad++;
			continue;
		}
		for (int wi = 0; wi < nw; wi++) {
			static const char *const agg[] = { "count", "sum_x",
			    "avg_x", "min_x", "max_x", "stddev_x", "first_x",
			    "last_x", "count_if_c_1" };
			struct want o;
			double want[9], got[9];
			int pr;

			oracle(v, n - 1, &wins[wi], both, &o);
			want[0] = o.cnt, want[1] = o.sum, want[2] = o.avg;
			want[3] = o.min, want[4] = o.max, want[5] = o.sd;
			want[6] = o.first, want[7] = o.last, want[8] = o.cif;
			for (int a = 0; a < 9; a++) {
				char nm[64];

				snprintf(nm, sizeof nm, "%s_%s", agg[a],
				    wins[wi].label);
				got[a] = member(&line, nm, &pr);
				if (!pr || !close_to(got[a], want[a],
				    a == 5 ? 1e-7 : 1e-12)) {
					if (bad++ < 3)
						diag("%s: record %d: %s %.17g, "
						    "want %.17g", name, i, nm,
						    got[a], want[a]);
				}
			}
		}
		{
			/* prev and since_prev: the key's record before. */
			int j, pr1, pr2;
			double px, sp;

			for (j = n - 2; j >= 0 && v[j].key != e.key; j--)
				;
			px = member(&line, "prev_x", &pr1);
			sp = member(&line, "since_prev", &pr2);
			if (!pr1 || !pr2 || !close_to(px, j < 0 ? NAN : v[j].x,
			    0) || !close_to(sp, j < 0 ? NAN :
			    (double)(e.t - v[j].t) / 1e6, 0)) {
				if (bad++ < 3)
					diag("%s: record %d: prev %g since %g",
					    name, i, px, sp);
			}
		}
	}
	ok(bad == 0 && ooo > 200 && late > 10, "%s, seed %llu: %d records "
	    "(%d out of order, %d late), every member as recomputed (%d "
	    "wrong)", name, (unsigned long long)s0, n, ooo, late, bad);
	rt_jdoc_release(&line);
	rt_jdoc_release(&r.doc);
	rt_jedit_release(&r.e);
	rt_win_free(r.w);
	rt_wopts_release(&r.o);
	rt_buf_release(&r.out);
	free(v);
}

int
main(void)
{
	static const char *const aggs[] = { "-a", "count", "-a", "sum:x",
	    "-a", "avg:x", "-a", "min:x", "-a", "max:x", "-a", "stddev:x",
	    "-a", "first:x", "-a", "last:x", "-a", "count_if:c=1", "-a",
	    "prev:x", "-a", "since_prev" };
	const char *opt[64];
	int k = 0;
	static const struct wdesc w1[] = {
		{ "4rows", 4, 0, 0 }, { "30s", 0, 30 * S, 0 },
		{ "20s_lag10s", 0, 20 * S, 10 * S },
	};

	opt[k++] = "-k", opt[k++] = "k";
	opt[k++] = "--rows", opt[k++] = "4";
	opt[k++] = "--sliding", opt[k++] = "30s";
	opt[k++] = "--sliding", opt[k++] = "20s";
	opt[k++] = "--lag", opt[k++] = "10s";
	for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
		opt[k++] = aggs[i];
	opt[k++] = "--max-delay", opt[k++] = "20s";
	opt[k] = NULL;
	oracle_case("rows 4, sliding 30s, 20s lagged 10s", opt, w1, 3, 0, 1);
	oracle_case("rows 4, sliding 30s, 20s lagged 10s", opt, w1, 3, 0, 2);
	opt[k++] = "--closed", opt[k++] = "both";
	opt[k] = NULL;
	oracle_case("the same, closed both", opt, w1, 3, 1, 3);
	return done_testing();
}
