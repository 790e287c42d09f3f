/*
 * t_wclose.c - the closing windows (lib/wclose.c) through the engine:
 * tables of what t_window.c leaves out (offsets, negative times, hops
 * overlapping, the distinct cap, sessions joined by an out-of-order
 * record, allowed lateness, microsecond bounds), then seeded streams out
 * of order through tumbling, hopping and session windows against a naive
 * oracle: every window's record exact, emitted at the record that moves
 * the watermark past its end, windows in order of their ends.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "rtime.h"
#include "tap.h"
#include "wapply.h"
#include "window.h"
#include "wopts.h"

#define S 1000000LL

struct run {
	struct rt_wopts o;
	struct rt_win *w;
	struct rt_buf out;	/* every record out, one a line */
	uint64_t late;
};

static void
emitted(void *arg, const char *p, size_t n)
{
	struct run *r = arg;

	rt_buf_add(&r->out, p, n);
	rt_buf_addc(&r->out, '\n');
}

static int
run_open(struct run *r, const char *const *opt)
{
	const char *err;

	memset(r, 0, sizeof *r);
	rt_wopts_init(&r->o);
	if ((err = wapply(&r->o, opt, (double)S)) != NULL) {
		diag("options: %s", err);
		rt_wopts_release(&r->o);
		return -1;
	}
	r->w = rt_win_new(&r->o.c, emitted, r);
	return 0;
}

static void
run_close(struct run *r)
{
	rt_win_free(r->w);
	rt_wopts_release(&r->o);
	rt_buf_release(&r->out);
}

/* One record of key text key ("" without -k) at t us, number x for every
 * numeric slot, value dv (0: none) for every distinct slot. */
static void
run_add(struct run *r, const char *key, int64_t t, double x, uint64_t dv)
{
	const struct rt_wconf *c = &r->o.c;
	double num[8];
	uint64_t dh[8];
	struct rt_wev ev;

	memset(&ev, 0, sizeof ev);
	for (int i = 0; i < c->nnum; i++)
		num[i] = x;
	for (int i = 0; i < c->ndist; i++)
		dh[i] = dv ? rt_hash(&dv, sizeof dv) | 1 : 0;
	ev.t = t;
	ev.key = c->nkeys ? key : "";
	ev.klen = strlen(ev.key);
	ev.num = num;
	ev.dh = dh;
	if (rt_clock_is_late(rt_win_clock(r->w), t)) {
		r->late++;
		rt_buf_adds(&r->out, "late\n");
		return;
	}
	rt_win_advance(r->w, t);
	rt_win_add(r->w, &ev, NULL);
}

/* ---- tables -------------------------------------------------------- */

struct tev {
	const char *key;
	int64_t t;		/* us */
	double x;
	uint64_t dv;
};

struct tcase {
	const char *name;
	const char *opt[24];
	struct tev ev[10];
	const char *want;	/* every line out, "end" before close_all */
};

#define T0 "\"window_start\":\"1970-01-01T00:00:"
#define E0 "\"window_end\":\"1970-01-01T00:00:"

static const struct tcase cases[] = {
	{ "tumble 10s, offset 3s: a window before the epoch, closed at 3s",
	  { "--tumble", "10", "--offset", "3", "-a", "count", NULL },
	  { { "", 2 * S, 1, 0 }, { "", 3 * S, 1, 0 }, { "", 12 * S, 1, 0 },
	    { "", 13 * S, 1, 0 }, { NULL, 0, 0, 0 } },
	  "{\"window_start\":\"1969-12-31T23:59:53.000Z\"," E0 "03.000Z\","
	  "\"count\":1}\n"
	  "{" T0 "03.000Z\"," E0 "13.000Z\",\"count\":2}\n"
	  "end\n"
	  "{" T0 "13.000Z\"," E0 "23.000Z\",\"count\":1}\n" },
	{ "tumble: negative times floor, not truncate",
	  { "--tumble", "10", "-a", "count", "-a", "sum:x", NULL },
	  { { "", -15 * S, 1, 0 }, { "", -1, 2, 0 }, { "", 0, 4, 0 },
	    { NULL, 0, 0, 0 } },
	  "{\"window_start\":\"1969-12-31T23:59:40.000Z\",\"window_end\":"
	  "\"1969-12-31T23:59:50.000Z\",\"count\":1,\"sum_x\":1}\n"
	  "{\"window_start\":\"1969-12-31T23:59:50.000Z\"," E0 "00.000Z\","
	  "\"count\":1,\"sum_x\":2}\n"
	  "end\n"
	  "{" T0 "00.000Z\"," E0 "10.000Z\",\"count\":1,\"sum_x\":4}\n" },
	{ "hop 5s size 15s: one record in three windows, closed by end",
	  { "--hop", "5", "--size", "15", "-a", "count", NULL },
	  { { "", 7 * S, 1, 0 }, { NULL, 0, 0, 0 } },
	  "end\n"
	  "{\"window_start\":\"1969-12-31T23:59:55.000Z\"," E0 "10.000Z\","
	  "\"count\":1}\n"
	  "{" T0 "00.000Z\"," E0 "15.000Z\",\"count\":1}\n"
	  "{" T0 "05.000Z\"," E0 "20.000Z\",\"count\":1}\n" },
	{ "distinct cap 2: a third value not counted, a known one is",
	  { "--tumble", "10", "-a", "distinct:y", "--distinct-cap", "2",
	    NULL },
	  { { "", 1 * S, 0, 1 }, { "", 2 * S, 0, 2 }, { "", 3 * S, 0, 3 },
	    { "", 4 * S, 0, 1 }, { "", 5 * S, 0, 0 }, { NULL, 0, 0, 0 } },
	  "end\n"
	  "{" T0 "00.000Z\"," E0 "10.000Z\",\"count\":5,\"distinct_y\":2}\n" },
	{ "sessions, gap 5s: 3s joins two, 5s apart do not; by end",
	  { "-k", "k", "--session", "5", "-a", "sum:x", "-a", "first:x",
	    "-a", "last:x", "--max-delay", "100", NULL },
	  { { "\"a\"", 0, 1, 0 }, { "\"a\"", 20 * S, 2, 0 },
	    { "\"a\"", 10 * S, 3, 0 }, { "\"a\"", 7 * S, 4, 0 },
	    { "\"a\"", 3 * S, 5, 0 }, { "\"a\"", 17 * S, 6, 0 },
	    { "\"b\"", 5 * S, 7, 0 }, { NULL, 0, 0, 0 } },
	  "end\n"
	  "{\"k\":\"b\"," T0 "05.000Z\"," E0 "10.000Z\",\"count\":1,"
	  "\"sum_x\":7,\"first_x\":7,\"last_x\":7}\n"
	  "{\"k\":\"a\"," T0 "00.000Z\"," E0 "15.000Z\",\"count\":4,"
	  "\"sum_x\":13,\"first_x\":1,\"last_x\":3}\n"
	  "{\"k\":\"a\"," T0 "17.000Z\"," E0 "25.000Z\",\"count\":2,"
	  "\"sum_x\":8,\"first_x\":6,\"last_x\":2}\n" },
	{ "allowed lateness 5s: late is 5s behind; a window closes 5s on",
	  { "--tumble", "10", "--allowed-lateness", "5", "-a", "count",
	    NULL },
	  { { "", 1 * S, 0, 0 }, { "", 12 * S, 0, 0 }, { "", 8 * S, 0, 0 },
	    { "", 15 * S, 0, 0 }, { "", 8 * S, 0, 0 }, { NULL, 0, 0, 0 } },
	  "{" T0 "00.000Z\"," E0 "10.000Z\",\"count\":2}\n"
	  "late\n"
	  "end\n"
	  "{" T0 "10.000Z\"," E0 "20.000Z\",\"count\":2}\n" },
	{ "sessions: bounds to the microsecond when they have them",
	  { "--session", "1", "-a", "min:x", "-a", "max:x", NULL },
	  { { "", 2 * S + 1, 5, 0 }, { "", 2 * S + 500000, -5, 0 },
	    { NULL, 0, 0, 0 } },
	  "end\n"
	  "{" T0 "02.000001Z\"," E0 "03.500Z\",\"count\":2,\"min_x\":-5,"
	  "\"max_x\":5}\n" },
	{ "equal ends close in the order the windows opened",
	  { "-k", "k", "--tumble", "10", "-a", "count", NULL },
	  { { "\"z\"", 1 * S, 0, 0 }, { "\"y\"", 2 * S, 0, 0 },
	    { "\"x\"", 3 * S, 0, 0 }, { "\"y\"", 10 * S, 0, 0 },
	    { NULL, 0, 0, 0 } },
	  "{\"k\":\"z\"," T0 "00.000Z\"," E0 "10.000Z\",\"count\":1}\n"
	  "{\"k\":\"y\"," T0 "00.000Z\"," E0 "10.000Z\",\"count\":1}\n"
	  "{\"k\":\"x\"," T0 "00.000Z\"," E0 "10.000Z\",\"count\":1}\n"
	  "end\n"
	  "{\"k\":\"y\"," T0 "10.000Z\"," E0 "20.000Z\",\"count\":1}\n" },
};

static void
table_case(const struct tcase *tc)
{
	struct run r;

	if (run_open(&r, tc->opt) != 0) {
		ok(0, "%s: options", tc->name);
		return;
	}
	for (const struct tev *e = tc->ev; e->key; e++)
		run_add(&r, e->key, e->t, e->x, e->dv);
	rt_buf_adds(&r.out, "end\n");
	rt_win_close_all(r.w);
	is_str(rt_buf_cstr(&r.out), tc->want, tc->name);
	ok(!rt_win_open(r.w), "%s: nothing open after the end", tc->name);
	run_close(&r);
}

/* ---- the oracle ---------------------------------------------------- */

struct oev {
	int key, step;		/* step: its index in the stream */
	int64_t t;
	long x;
};

struct owin {
	int key;
	int64_t start, end;	/* end as printed */
	long cnt, sum, mn, mx, first, last;
	int64_t tfirst, tlast;
	int step;		/* emitted before this step (n: at the end) */
};

static void
owin_add(struct owin *w, const struct oev *e)
{
	if (w->cnt == 0 || e->x < w->mn)
		w->mn = e->x;
	if (w->cnt == 0 || e->x > w->mx)
		w->mx = e->x;
	if (w->cnt == 0 || e->t < w->tfirst)
		w->first = e->x, w->tfirst = e->t;
	if (w->cnt == 0 || e->t >= w->tlast)
		w->last = e->x, w->tlast = e->t;
	w->cnt++;
	w->sum += e->x;
}

static int
oev_cmp(const void *a, const void *b)
{
	const struct oev *x = a, *y = b;

	if (x->key != y->key)
		return x->key - y->key;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->step - y->step;
}

/* The windows of the events v[0, n) (those taken), into out: tumbling
 * and hopping (size, hop) or sessions (gap). */
static size_t
oracle(struct oev *v, size_t n, int session, int64_t size, int64_t hop,
    int64_t gap, struct owin *out)
{
	size_t nw = 0;

	qsort(v, n, sizeof *v, oev_cmp);
	for (size_t i = 0; i < n; i++) {
		if (session) {
			if (i == 0 || v[i].key != v[i - 1].key ||
			    v[i].t - v[i - 1].t >= gap) {
				memset(&out[nw], 0, sizeof out[nw]);
				out[nw].key = v[i].key;
				out[nw++].start = v[i].t;
			}
			owin_add(&out[nw - 1], &v[i]);
			out[nw - 1].end = v[i].t + gap;
			continue;
		}
		for (int64_t st = rt_floor_div(v[i].t, hop) * hop;
		    st > v[i].t - size; st -= hop) {
			size_t j;

			for (j = 0; j < nw && (out[j].key != v[i].key ||
			    out[j].start != st); j++)
				;
			if (j == nw) {
				memset(&out[nw], 0, sizeof out[nw]);
				out[nw].key = v[i].key;
				out[nw].start = st;
				out[nw++].end = st + size;
			}
			owin_add(&out[j], &v[i]);
		}
	}
	return nw;
}

static void
owin_text(const struct owin *w, struct rt_buf *b)
{
	char t[48];

	rt_buf_printf(b, "{\"k\":\"%d\",\"window_start\":\"", w->key);
	rt_buf_add(b, t, rt_time_fmt(w->start, w->start % 1000 ? 6 : 3, t));
	rt_buf_adds(b, "\",\"window_end\":\"");
	rt_buf_add(b, t, rt_time_fmt(w->end, w->end % 1000 ? 6 : 3, t));
	rt_buf_printf(b, "\",\"count\":%ld,\"sum_x\":%ld,\"min_x\":%ld,"
	    "\"max_x\":%ld,\"first_x\":%ld,\"last_x\":%ld}", w->cnt, w->sum,
	    w->mn, w->mx, w->first, w->last);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines p[0, n) sorted, joined again into out. */
static void
sorted_lines(const char *p, size_t n, struct rt_buf *out)
{
	char *copy = strndup(p ? p : "", n), *save, *l, **v = NULL;
	size_t k = 0;

	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n",
	    &save)) {
		v = realloc(v, (k + 1) * sizeof *v);
		v[k++] = l;
	}
	if (k)
		qsort(v, k, sizeof *v, str_cmp);
	for (size_t i = 0; i < k; i++) {
		rt_buf_adds(out, v[i]);
		rt_buf_addc(out, '\n');
	}
	free(v);
	free(copy);
}

static void
oracle_case(const char *name, int session, int64_t size, int64_t hop,
    int64_t delay, int64_t lateness, uint64_t seed)
{
	enum { N = 2500 };
	char sz[24], hp[24], dl[24], lt[24];
	const char *opt[24];
	struct oev *v = calloc(N, sizeof *v);
	struct owin *ow = calloc(N * 8, sizeof *ow);
	struct rt_buf *at = calloc(N + 1, sizeof *at);	/* out per step */
	struct rt_buf got = RT_BUF_INIT, want = RT_BUF_INIT, tmp = RT_BUF_INIT;
	int64_t t = 1700000000 * S, maxt = INT64_MIN, lastend = INT64_MIN;
	size_t n = 0, nw, k = 0, badstep = 0, nstep = 0;
	int order = 1, o = 0;
	struct run r;

	snprintf(sz, sizeof sz, "%lld", (long long)(size / S));
	snprintf(hp, sizeof hp, "%lld", (long long)(hop / S));
	snprintf(dl, sizeof dl, "%lld", (long long)(delay / S));
	snprintf(lt, sizeof lt, "%lld", (long long)(lateness / S));
	opt[o++] = "-k", opt[o++] = "k";
	if (session) {
		opt[o++] = "--session", opt[o++] = sz;
	} else if (hop == size) {
		opt[o++] = "--tumble", opt[o++] = sz;
	} else {
		opt[o++] = "--hop", opt[o++] = hp;
		opt[o++] = "--size", opt[o++] = sz;
	}
	opt[o++] = "--max-delay", opt[o++] = dl;
	opt[o++] = "--allowed-lateness", opt[o++] = lt;
	opt[o++] = "-a", opt[o++] = "sum:x";
	opt[o++] = "-a", opt[o++] = "min:x";
	opt[o++] = "-a", opt[o++] = "max:x";
	opt[o++] = "-a", opt[o++] = "first:x";
	opt[o++] = "-a", opt[o++] = "last:x";
	opt[o] = NULL;
	if (run_open(&r, opt) != 0) {
		ok(0, "%s: options", name);
		goto out;
	}
	for (int i = 0; i < N; i++) {
		uint64_t z = tap_xorshift(&seed);
		struct oev e;
		char key[16];

		/* Distinct times: us apart, so first and last have no ties. */
		t += (int64_t)(z % 4) * S + 1;
		e.key = (int)((z >> 8) % 3);
		e.t = t - ((z >> 12) % 3 == 0 ? (int64_t)((z >> 16) % 30) * S :
		    0);
		e.x = (long)((z >> 24) % 200) - 100;
		e.step = i;
		snprintf(key, sizeof key, "\"%d\"", e.key);
		r.out.len = 0;
		run_add(&r, key, e.t, (double)e.x, 0);
		if (r.out.len >= 5 && memcmp(r.out.p + r.out.len - 5, "late\n",
		    5) == 0) {
			r.out.len -= 5;
		} else {
			v[n++] = e;
			maxt = e.t > maxt ? e.t : maxt;
		}
		rt_buf_add(&at[i], r.out.p, r.out.len);
	}
	r.out.len = 0;
	rt_win_close_all(r.w);
	rt_buf_add(&at[N], r.out.p, r.out.len);
	/* Which step each window must come out at: the first whose
	 * watermark, less the lateness, reaches its end. */
	{
		struct oev *byarr = calloc(n ? n : 1, sizeof *byarr);
		int64_t mt = INT64_MIN;
		size_t j = 0;

		memcpy(byarr, v, n * sizeof *v);
		nw = oracle(v, n, session, size, hop, size, ow);
		for (size_t w = 0; w < nw; w++)
			ow[w].step = N;
		/* Steps in arrival order (late ones move nothing). */
		for (int i = 0; i < N; i++) {
			while (j < n && byarr[j].step < i)
				j++;
			if (j < n && byarr[j].step == i && byarr[j].t > mt)
				mt = byarr[j].t;
			for (size_t w = 0; w < nw; w++)
				if (ow[w].step == N && mt != INT64_MIN &&
				    ow[w].end <= mt - delay - lateness)
					ow[w].step = i;
		}
		free(byarr);
	}
	for (int i = 0; i <= N; i++) {
		want.len = got.len = tmp.len = 0;
		for (size_t w = 0; w < nw; w++)
			if (ow[w].step == i) {
				owin_text(&ow[w], &tmp);
				rt_buf_addc(&tmp, '\n');
				k++;
			}
		sorted_lines(tmp.p, tmp.len, &want);
		sorted_lines(at[i].p, at[i].len, &got);
		nstep += want.len > 0;
		if (want.len != got.len ||
		    (got.len && memcmp(want.p, got.p, got.len) != 0)) {
			if (badstep++ == 0)
				diag("%s: step %d: got\n%.*s# want\n%.*s", name, i,
				    (int)got.len, got.p, (int)want.len, want.p);
		}
		/* In order of their ends, within a step and across. */
		for (const char *p = at[i].p, *q; p && p < at[i].p + at[i].len;
		    p = q + 1) {
			const char *e = strstr(p, "\"window_end\":\"");
			int64_t end;

			q = memchr(p, '\n', (size_t)(at[i].p + at[i].len - p));
			if (e == NULL || q == NULL ||
			    rt_time_parse_iso(e + 14, strcspn(e + 14, "\""),
			    NULL, &end) != NULL)
				break;
			order &= end >= lastend;
			lastend = end;
		}
	}
	ok(badstep == 0 && order && k > 300 && nstep > 100 && r.late > 0,
	    "%s: %zu windows of %zu records (%llu late) as the oracle's, at "
	    "the right step (%zu wrong), in order of their ends", name, k, n,
	    (unsigned long long)r.late, badstep);
	run_close(&r);
out:
	for (int i = 0; i <= N; i++)
		rt_buf_release(&at[i]);
	free(at);
	free(v);
	free(ow);
	rt_buf_release(&got);
	rt_buf_release(&want);
	rt_buf_release(&tmp);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		table_case(&cases[i]);
	oracle_case("tumbling 10s, delay 20s", 0, 10 * S, 10 * S, 20 * S, 0,
	    11);
	oracle_case("tumbling 15s, delay 10s, lateness 10s", 0, 15 * S,
	    15 * S, 10 * S, 10 * S, 12);
	oracle_case("hopping 5s of 20s, delay 15s", 0, 20 * S, 5 * S, 15 * S,
	    0, 13);
	oracle_case("sessions gap 6s, delay 20s, lateness 5s", 1, 6 * S, 0,
	    20 * S, 5 * S, 14);
	return done_testing();
}
