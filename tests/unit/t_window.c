/*
 * t_window.c - the window engine (lib/window.c, wlook.c, wclose.c,
 * wstate.c, wcheck.c, wacc.h): tables of events through each kind of
 * window with the exact records out; look-back windows against a naive
 * oracle over seeded random streams (in order and out of order); a state
 * saved at every point of a stream, loaded into a new engine and run on,
 * giving the same output as one run; damaged states refused; and the
 * accumulators on their own.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "hash.h"
#include "jedit.h"
#include "json.h"
#include "tap.h"
#include "wacc.h"
#include "wapply.h"
#include "window.h"
#include "wopts.h"

#define S 1000000LL		/* a second, in us */

/* ---- running events through an engine ---------------------------- */

struct run {
	struct rt_wopts o;
	struct rt_win *w;
	struct rt_buf out;	/* every record out, one a line */
	struct rt_jdoc doc;	/* "{}", the record edited */
	struct rt_jedit e;
	uint64_t late;
};

static void
emitted(void *arg, const char *p, size_t n)
{
	struct run *r = arg;

	rt_buf_add(&r->out, p, n);
	rt_buf_addc(&r->out, '\n');
}

/* An engine for the options in words (wapply.h; durations in s). */
static void
run_open(struct run *r, const char *const *opt)
{
	struct rt_wopts *o = &r->o;
	const char *err;

	memset(r, 0, sizeof *r);
	rt_wopts_init(o);
	if ((err = wapply(o, opt, (double)S)) != NULL) {
		printf("# options: %s\n", err);
		exit(1);
	}
	r->w = rt_win_new(&o->c, emitted, r);
	rt_jdoc_init(&r->doc, 0);
	(void)rt_jdoc_parse(&r->doc, "{}", 2);
	rt_jedit_init(&r->e);
}

static void
run_close(struct run *r)
{
	rt_win_free(r->w);
	rt_wopts_release(&r->o);
	rt_buf_release(&r->out);
	rt_jdoc_release(&r->doc);
	rt_jedit_release(&r->e);
}

/* One record: key text (a JSON text), time in us, one number for every
 * numeric slot, one value for every distinct slot.  Late ones count. */
static void
run_add(struct run *r, const char *key, int64_t t, double x, uint64_t dv)
{
	const struct rt_wconf *c = &r->o.c;
	double num[8];
	uint64_t dh[8];
	const char *prev[8];
	size_t prevlen[8];
	struct rt_wev ev;
	char xt[32];

	memset(&ev, 0, sizeof ev);
	snprintf(xt, sizeof xt, "%g", x);
	for (int i = 0; i < c->nnum; i++)
		num[i] = x;
	for (int i = 0; i < c->ndist; i++)
		dh[i] = dv ? rt_hash(&dv, sizeof dv) | 1 : 0;
	for (int i = 0; i < c->nprev; i++) {
		prev[i] = xt;
		prevlen[i] = strlen(xt);
	}
	ev.t = t;
	ev.key = c->nkeys ? key : "";
	ev.klen = strlen(ev.key);
	ev.num = num;
	ev.dh = dh;
	ev.prev = prev;
	ev.prevlen = prevlen;
	if (rt_clock_is_late(rt_win_clock(r->w), t)) {
		r->late++;
		rt_buf_adds(&r->out, "late\n");
		return;
	}
	rt_win_advance(r->w, t);
	if (c->nwin || c->enrich_close) {
		rt_jedit_start(&r->e, &r->doc);
		rt_win_add(r->w, &ev, &r->e);
		rt_jedit_finish(&r->e, &r->out);
		rt_buf_addc(&r->out, '\n');
	} else {
		rt_win_add(r->w, &ev, NULL);
	}
}

/* ---- tables -------------------------------------------------------- */

struct ev {
	const char *key;
	double t, x;		/* t in s */
};

struct tcase {
	const char *name;
	const char *opt[24];
	struct ev ev[12];
	const char *want;	/* the records out, then those of the end */
};

static const struct tcase cases[] = {
	{ "sliding: count, sum, min, max, avg over (t - 10s, t]",
	  { "-k", "k", "--sliding", "10s", "-a", "count", "-a", "sum:x",
	    "-a", "min:x", "-a", "max:x", "-a", "avg:x", "--max-delay", "10s",
	    NULL },
	  { { "\"a\"", 0, 1 }, { "\"a\"", 5, 2 }, { "\"a\"", 10, 3 },
	    { "\"a\"", 11, 4 }, { "\"b\"", 3, 10 }, { "\"a\"", 4, 5 },
	    { NULL, 0, 0 } },
	  "{\"count_10s\":1,\"sum_x_10s\":1,\"min_x_10s\":1,\"max_x_10s\":1,"
	  "\"avg_x_10s\":1}\n"
	  "{\"count_10s\":2,\"sum_x_10s\":3,\"min_x_10s\":1,\"max_x_10s\":2,"
	  "\"avg_x_10s\":1.5}\n"
	  "{\"count_10s\":2,\"sum_x_10s\":5,\"min_x_10s\":2,\"max_x_10s\":3,"
	  "\"avg_x_10s\":2.5}\n"
	  "{\"count_10s\":3,\"sum_x_10s\":9,\"min_x_10s\":2,\"max_x_10s\":4,"
	  "\"avg_x_10s\":3}\n"
	  "{\"count_10s\":1,\"sum_x_10s\":10,\"min_x_10s\":10,"
	  "\"max_x_10s\":10,\"avg_x_10s\":10}\n"
	  /* t=4 comes after t=11 (within --max-delay): (-6, 4] holds 0, 4. */
	  "{\"count_10s\":2,\"sum_x_10s\":6,\"min_x_10s\":1,\"max_x_10s\":5,"
	  "\"avg_x_10s\":3}\n" },
	{ "sliding closed both: [t - 10s, t]; late past the watermark",
	  { "--sliding", "10s", "--closed", "both", "-a", "count", NULL },
	  { { "", 0, 1 }, { "", 10, 1 }, { "", 20, 1 }, { "", 19, 1 },
	    { NULL, 0, 0 } },
	  "{\"count_10s\":1}\n{\"count_10s\":2}\n{\"count_10s\":2}\n"
	  "late\n" },
	{ "rows and lag, prev and since_prev",
	  { "-k", "k", "--rows", "2", "--sliding", "10s", "--lag", "10s",
	    "-a", "sum:x", "-a", "prev:x", "-a", "since_prev", NULL },
	  { { "\"a\"", 0, 1 }, { "\"a\"", 5, 2 }, { "\"a\"", 12, 4 },
	    { "\"a\"", 21, 8 }, { NULL, 0, 0 } },
	  "{\"sum_x_2rows\":1,\"sum_x_10s_lag10s\":null,\"prev_x\":null,"
	  "\"since_prev\":null}\n"
	  "{\"sum_x_2rows\":3,\"sum_x_10s_lag10s\":null,\"prev_x\":1,"
	  "\"since_prev\":5}\n"
	  "{\"sum_x_2rows\":6,\"sum_x_10s_lag10s\":1,\"prev_x\":2,"
	  "\"since_prev\":7}\n"
	  "{\"sum_x_2rows\":12,\"sum_x_10s_lag10s\":2,\"prev_x\":4,"
	  "\"since_prev\":9}\n" },
	{ "tumbling 10s: windows close when the watermark passes their end",
	  { "-k", "k", "--tumble", "10s", "-a", "count", "-a", "sum:x",
	    "-a", "first:x", "-a", "last:x", NULL },
	  { { "\"a\"", 1, 1 }, { "\"b\"", 2, 5 }, { "\"a\"", 9, 2 },
	    { "\"a\"", 10, 3 }, { "\"b\"", 25, 7 }, { NULL, 0, 0 } },
	  "{\"k\":\"a\",\"window_start\":\"1970-01-01T00:00:00.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:10.000Z\",\"count\":2,"
	  "\"sum_x\":3,\"first_x\":1,\"last_x\":2}\n"
	  "{\"k\":\"b\",\"window_start\":\"1970-01-01T00:00:00.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:10.000Z\",\"count\":1,"
	  "\"sum_x\":5,\"first_x\":5,\"last_x\":5}\n"
	  "{\"k\":\"a\",\"window_start\":\"1970-01-01T00:00:10.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:20.000Z\",\"count\":1,"
	  "\"sum_x\":3,\"first_x\":3,\"last_x\":3}\n"
	  "end\n"
	  "{\"k\":\"b\",\"window_start\":\"1970-01-01T00:00:20.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:30.000Z\",\"count\":1,"
	  "\"sum_x\":7,\"first_x\":7,\"last_x\":7}\n" },
	{ "hopping 10s every 5s, lateness keeps windows open",
	  { "--hop", "5s", "--size", "10s", "-a", "count", "-a", "max:x",
	    "--allowed-lateness", "5s", NULL },
	  { { "", 1, 1 }, { "", 6, 2 }, { "", 12, 3 }, { "", 14, 4 },
	    { NULL, 0, 0 } },
	  "{\"window_start\":\"1969-12-31T23:59:55.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:05.000Z\",\"count\":1,\"max_x\":1}\n"
	  "end\n"
	  "{\"window_start\":\"1970-01-01T00:00:00.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:10.000Z\",\"count\":2,\"max_x\":2}\n"
	  "{\"window_start\":\"1970-01-01T00:00:05.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:15.000Z\",\"count\":3,\"max_x\":4}\n"
	  "{\"window_start\":\"1970-01-01T00:00:10.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:20.000Z\",\"count\":2,\"max_x\":4}\n" },
	{ "sessions, gap 5s: one out of order record merges two",
	  { "-k", "k", "--session", "5s", "-a", "count", "-a", "sum:x",
	    "--max-delay", "10s", NULL },
	  { { "\"a\"", 0, 1 }, { "\"a\"", 8, 2 }, { "\"a\"", 4, 4 },
	    { "\"a\"", 30, 8 }, { NULL, 0, 0 } },
	  "{\"k\":\"a\",\"window_start\":\"1970-01-01T00:00:00.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:13.000Z\",\"count\":3,"
	  "\"sum_x\":7}\n"
	  "end\n"
	  "{\"k\":\"a\",\"window_start\":\"1970-01-01T00:00:30.000Z\","
	  "\"window_end\":\"1970-01-01T00:00:35.000Z\",\"count\":1,"
	  "\"sum_x\":8}\n" },
	{ "tumbling with --emit both: the open window's features too",
	  { "--tumble", "10s", "--emit", "both", "-a", "count", NULL },
	  { { "", 1, 1 }, { "", 2, 1 }, { "", 11, 1 }, { NULL, 0, 0 } },
	  "{\"count_10s\":1}\n{\"count_10s\":2}\n"
	  "{\"window_start\":\"1970-01-01T00:00:00.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:10.000Z\",\"count\":2}\n{\"count_10s\":1}\n"
	  "end\n"
	  "{\"window_start\":\"1970-01-01T00:00:10.000Z\",\"window_end\":"
	  "\"1970-01-01T00:00:20.000Z\",\"count\":1}\n" },
	{ "huge numbers: the sum overflows to null and recovers",
	  { "--rows", "2", "-a", "sum:x", "-a", "avg:x", NULL },
	  { { "", 1, 1e308 }, { "", 2, 1e308 }, { "", 3, 1 }, { "", 4, 2 },
	    { NULL, 0, 0 } },
	  "{\"sum_x_2rows\":1e+308,\"avg_x_2rows\":1e+308}\n"
	  "{\"sum_x_2rows\":null,\"avg_x_2rows\":1e+308}\n"
	  "{\"sum_x_2rows\":1e+308,\"avg_x_2rows\":5e+307}\n"
	  "{\"sum_x_2rows\":3,\"avg_x_2rows\":1.5}\n" },
};

static void
table_case(const struct tcase *tc)
{
	struct run r;
	int ok_;

	run_open(&r, tc->opt);
	for (const struct ev *e = tc->ev; e->key; e++)
		run_add(&r, e->key, (int64_t)(e->t * S), e->x, 0);
	rt_buf_adds(&r.out, "end\n");
	rt_win_close_all(r.w);
	/* No window left at the end: the "end" line is last. */
	if (r.out.len >= 4 && memcmp(r.out.p + r.out.len - 4, "end\n", 4) == 0)
		r.out.len -= 4;
	ok_ = strcmp(rt_buf_cstr(&r.out), tc->want) == 0;
	ok(ok_, "%s", tc->name);
	if (!ok_)
		printf("# got:\n%s# want:\n%s", rt_buf_cstr(&r.out), tc->want);
	run_close(&r);
}

/* ---- against a naive oracle ---------------------------------------- */

struct oev {
	int key;
	int64_t t;
	double x;
	uint64_t dv;
};

/* The look-back window of event i (of n that came before it, i
 * included): count, sum, min, max, distinct. */
static void
oracle(const struct oev *v, size_t i, int64_t size, int both, double *out)
{
	double cnt = 0, sum = 0, mn = NAN, mx = NAN, nd = 0;
	uint64_t seen[256];

	for (size_t j = 0; j <= i; j++) {
		const struct oev *e = &v[j];

		if (e->key != v[i].key || e->t > v[i].t ||
		    (both ? e->t < v[i].t - size : e->t <= v[i].t - size))
			continue;
		cnt++;
		sum += e->x;
		mn = isnan(mn) || e->x < mn ? e->x : mn;
		mx = isnan(mx) || e->x > mx ? e->x : mx;
		{
			size_t k;

			for (k = 0; k < (size_t)nd && seen[k] != e->dv; k++)
				;
			if (k == (size_t)nd && nd < 256)
				seen[(size_t)nd++] = e->dv;
		}
	}
	out[0] = cnt;
	out[1] = sum;
	out[2] = mn;
	out[3] = mx;
	out[4] = nd;
}

/* The numbers of the line p[0, n), a JSON object, in member order. */
static int
line_nums(const char *p, size_t n, double *out, int max)
{
	struct rt_jdoc d;
	int k = 0;

	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, p, n) == 0)
		for (uint32_t i = 1; i < d.nv && k < max; i++)
			if (d.v[i].type == RT_JNUM && d.v[i - 1].type == RT_JSTR)
				rt_field_num(&d, i, &out[k++]);
	rt_jdoc_release(&d);
	return k;
}

static void
oracle_case(uint64_t seed, int both, int delay_s)
{
	static const char *const keys[] = { "\"k0\"", "\"k1\"", "\"k2\"" };
	char delay[16];
	const char *opt[] = { "-k", "k", "--sliding", "60s", "-a", "count",
	    "-a", "sum:x", "-a", "min:x", "-a", "max:x", "-a", "distinct:y",
	    "--max-delay", delay, both ? "--closed" : NULL, "both", NULL };
	int64_t dl = (int64_t)delay_s * S;
	uint64_t seed0 = seed;
	struct oev *v = calloc(3000, sizeof *v);
	struct run r;
	size_t n = 0, bad = 0, lines = 0;
	int64_t t = 1700000000 * S, maxt = INT64_MIN;
	snprintf(delay, sizeof delay, "%d", delay_s);
	run_open(&r, opt);
	for (int i = 0; i < 3000; i++) {
		uint64_t z = tap_xorshift(&seed);
		struct oev e;

		t += (int64_t)(z % 7) * S;
		e.key = (int)((z >> 8) % 3);
		e.t = t - ((z >> 16) % 4 == 0 ? (int64_t)((z >> 20) % 40) * S : 0);
		e.x = (double)((z >> 24) % 1000) / 8 - 50;
		e.dv = (z >> 40) % 5 + 1;
		if (maxt != INT64_MIN && e.t < maxt - dl)
			continue;	/* late: not through the engine */
		maxt = e.t > maxt ? e.t : maxt;
		v[n++] = e;
		r.out.len = 0;
		run_add(&r, keys[e.key], e.t, e.x, e.dv);
		{
			double got[5], want[5];

			oracle(v, n - 1, 60 * S, both, want);
			if (line_nums(r.out.p, r.out.len, got, 5) != 5 ||
			    got[0] != want[0] || fabs(got[1] - want[1]) > 1e-9 ||
			    got[2] != want[2] || got[3] != want[3] ||
			    got[4] != want[4])
				bad++;
			lines++;
		}
	}
	ok(bad == 0 && lines > 1000, "oracle, seed %llu%s, max delay %ds: "
	    "%zu records, %zu disagreements", (unsigned long long)seed0,
	    both ? ", closed both" : "", delay_s, lines, bad);
	run_close(&r);
	free(v);
}

/* ---- state --------------------------------------------------------- */

/* A stream cut at every k-th record: the engine saved, loaded into a new
 * one (whose own save is the same bytes) and run on, gives the output of
 * one run. */
static void
state_case(const char *name, const char *const *opt, uint64_t seed)
{
	struct run whole, part;
	struct rt_buf st = RT_BUF_INIT, st2 = RT_BUF_INIT, all = RT_BUF_INIT;
	uint64_t s0 = seed;
	int64_t t = 1700000000 * S;
	size_t cuts = 0, same = 0, bytes = 0;
	const char *why = NULL;

	run_open(&whole, opt);
	for (int i = 0; i < 400; i++) {
		uint64_t z = tap_xorshift(&seed);
		char key[8];

		t += (int64_t)(z % 5) * S;
		snprintf(key, sizeof key, "\"%d\"", (int)((z >> 8) % 4));
		run_add(&whole, key, t - (int64_t)((z >> 16) % 3) * S,
		    (double)((z >> 24) % 100), (z >> 40) % 3);
	}
	rt_win_close_all(whole.w);
	for (int cut = 1; cut < 400 && why == NULL; cut += 37) {
		struct rt_win *w2;

		seed = s0;
		t = 1700000000 * S;
		run_open(&part, opt);
		all.len = 0;
		for (int i = 0; i < 400; i++) {
			uint64_t z = tap_xorshift(&seed);
			char key[8];

			if (i == cut) {
				/* Save, load into a new engine, carry on. */
				st.len = st2.len = 0;
				rt_win_save(part.w, &st);
				w2 = rt_win_new(&part.o.c, emitted, &part);
				if ((why = rt_win_load(w2, st.p, st.len)) != NULL)
					break;
				rt_win_save(w2, &st2);
				bytes += st.len == st2.len &&
				    memcmp(st.p, st2.p, st.len) == 0;
				rt_win_free(part.w);
				part.w = w2;
			}
			t += (int64_t)(z % 5) * S;
			snprintf(key, sizeof key, "\"%d\"", (int)((z >> 8) % 4));
			run_add(&part, key, t - (int64_t)((z >> 16) % 3) * S,
			    (double)((z >> 24) % 100), (z >> 40) % 3);
		}
		rt_win_close_all(part.w);
		cuts++;
		same += part.out.len == whole.out.len &&
		    memcmp(part.out.p, whole.out.p, part.out.len) == 0;
		run_close(&part);
	}
	ok(why == NULL && same == cuts && bytes == cuts, "state, %s: %zu cuts, "
	    "%zu the same output, %zu saved again byte for byte%s%s", name,
	    cuts, same, bytes, why ? ": " : "", why ? why : "");
	run_close(&whole);
	rt_buf_release(&st);
	rt_buf_release(&st2);
	rt_buf_release(&all);
}

/* Damaged states: refused, with the reason. */
static void
damage_cases(void)
{
	const char *opt[] = { "-k", "k", "--rows", "3", "-a", "sum:x", NULL };
	struct run r, r2;
	struct rt_buf st = RT_BUF_INIT;
	const char *why;
	size_t off;

	run_open(&r, opt);
	run_add(&r, "\"a\"", 10 * S, 1, 0);
	run_add(&r, "\"a\"", 11 * S, 2, 0);
	rt_win_save(r.w, &st);
	run_open(&r2, opt);
	why = rt_win_load(r2.w, st.p, 5);
	ok(why && strcmp(why, "not an rt-window state") == 0,
	    "a state cut in its magic: not an rt-window state");
	run_close(&r2);
	run_open(&r2, opt);
	why = rt_win_load(r2.w, st.p, st.len - 1);
	ok(why && strcmp(why, "damaged: truncated or inconsistent") == 0,
	    "a state one byte short: damaged");
	run_close(&r2);
	/* The running sums' parts disagree with the events (one of the two
	 * ordinary numbers counted as huge), their total does not. */
	{
		struct wnum nm;
		uint32_t one = 1;

		memset(&nm, 0, sizeof nm);
		wnum_add(&nm, 1, 1, 0);
		wnum_add(&nm, 2, 1, 0);
		off = SIZE_MAX;
		for (size_t i = 0; i + sizeof nm <= st.len; i++)
			if (memcmp(st.p + i, &nm, sizeof nm) == 0)
				off = i;
		if (off != SIZE_MAX) {
			memcpy(st.p + off + offsetof(struct wnum, s) +
			    offsetof(struct wpart, n), &one, 4);
			memcpy(st.p + off + offsetof(struct wnum, b) +
			    offsetof(struct wpart, n), &one, 4);
		}
		run_open(&r2, opt);
		why = off == SIZE_MAX ? "not found" : rt_win_load(r2.w, st.p,
		    st.len);
		ok(why && strcmp(why, "damaged: window counts do not match the "
		    "events") == 0, "sums whose parts disagree with the events: "
		    "damaged (%s)", why ? why : "loaded");
		run_close(&r2);
	}
	run_close(&r);
	rt_buf_release(&st);
}

/* ---- the accumulators ---------------------------------------------- */

static void
acc_cases(void)
{
	struct wnum nm;
	struct dq q;
	struct dtab t;
	uint64_t seed = 99;
	double ref = 0;
	int bad = 0, i;

	memset(&nm, 0, sizeof nm);
	/* A million values in, all but the last ten out: the sum is the ten,
	 * to the last digit (compensated sums). */
	for (i = 0; i < 1000000; i++)
		wnum_add(&nm, 0.1 * (i % 7) + 1e9 * (i % 2), 1, 1);
	for (i = 0; i < 999990; i++)
		wnum_add(&nm, 0.1 * (i % 7) + 1e9 * (i % 2), -1, 1);
	for (i = 999990; i < 1000000; i++)
		ref += 0.1 * (i % 7) + 1e9 * (i % 2);
	ok(wnum_n(&nm) == 10 && fabs(wnum_sum(&nm) - ref) < 1e-6,
	    "wnum: a million in, all but ten out, the sum of the ten");
	memset(&nm, 0, sizeof nm);
	wnum_add(&nm, 2, 1, 1);
	wnum_add(&nm, 4, 1, 1);
	wnum_add(&nm, 4, 1, 1);
	wnum_add(&nm, 4, 1, 1);
	wnum_add(&nm, 5, 1, 1);
	wnum_add(&nm, 5, 1, 1);
	wnum_add(&nm, 7, 1, 1);
	wnum_add(&nm, 9, 1, 1);
	ok(fabs(rt_wnum_sd(&nm) - sqrt(32.0 / 7)) < 1e-12 &&
	    wnum_avg(&nm) == 5, "wnum: mean 5, sample sd sqrt(32/7)");
	memset(&nm, 0, sizeof nm);
	wnum_add(&nm, 1e308, 1, 0);
	wnum_add(&nm, 1e308, 1, 0);
	ok(isinf(wnum_sum(&nm)) && wnum_avg(&nm) == 1e308,
	    "wnum: 1e308 + 1e308 overflows; the mean does not");
	wnum_add(&nm, 1e308, -1, 0);
	wnum_add(&nm, 1e308, -1, 0);
	wnum_add(&nm, 3, 1, 0);
	ok(wnum_sum(&nm) == 3 && nm.b.n == 0, "wnum: the huge gone, nothing "
	    "left of them");
	/* Deques: in place up to DQ_IN, then grown, in order. */
	memset(&q, 0, sizeof q);
	for (i = 0; i < 100; i++) {
		dq_push(&q, (uint64_t)i);
		if (i % 3 == 2)
			dq_popfront(&q);
	}
	for (i = 0; (uint32_t)i < q.n; i++)
		bad += dq_at(&q, (uint32_t)i) != (uint64_t)(33 + i);
	ok(bad == 0 && q.n == 67 && dq_front(&q) == 33 && dq_back(&q) == 99,
	    "dq: 100 in, 33 popped, the rest in order");
	free(q.p);
	/* Distinct tables against counts kept apart. */
	{
		static uint32_t cnt[4][50];
		int agree = 1;

		memset(&t, 0, sizeof t);
		for (i = 0; i < 20000; i++) {
			uint64_t z = tap_xorshift(&seed);
			uint64_t own = z % 4, v = (z >> 8) % 50 + 1;

			if ((z >> 16) % 3 && cnt[own][v - 1]) {
				agree &= dtab_dec(&t, own, v) ==
				    (cnt[own][v - 1] == 1);
				cnt[own][v - 1]--;
			} else {
				agree &= dtab_inc(&t, own, v) ==
				    (cnt[own][v - 1] == 0);
				cnt[own][v - 1]++;
			}
		}
		for (int o = 0; o < 4; o++)
			for (int v = 0; v < 50; v++)
				agree &= dtab_has(&t, (uint64_t)o,
				    (uint64_t)v + 1) == (cnt[o][v] > 0);
		ok(agree && dtab_dec(&t, 9, 9) == -1, "dtab: 20000 adds and "
		    "removes agree with plain counts; an absent value is -1");
		rt_dtab_clear(&t);
		ok(t.n == 0 && !dtab_has(&t, 0, 1), "dtab: cleared");
		free(t.e);
	}
}

int
main(void)
{
	static const char *const st_sliding[] = { "-k", "k", "--sliding",
	    "20s", "--rows", "3", "-a", "count", "-a", "sum:x", "-a",
	    "max:x", "-a", "distinct:y", "-a", "prev:x", "--max-delay", "3s",
	    NULL };
	static const char *const st_tumble[] = { "-k", "k", "--tumble", "15s",
	    "-a", "count", "-a", "min:x", "-a", "distinct:y", "--max-delay",
	    "3s", "--allowed-lateness", "5s", NULL };
	static const char *const st_hop[] = { "--hop", "5s", "--size", "20s",
	    "-a", "sum:x", "-a", "last:x", "--max-delay", "3s", NULL };
	static const char *const st_session[] = { "-k", "k", "--session",
	    "6s", "-a", "count", "-a", "stddev:x", "--max-delay", "3s", NULL };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		table_case(&cases[i]);
	oracle_case(1, 0, 0);
	oracle_case(2, 0, 30);
	oracle_case(3, 1, 45);
	state_case("sliding and rows", st_sliding, 5);
	state_case("tumbling", st_tumble, 6);
	state_case("hopping", st_hop, 7);
	state_case("sessions", st_session, 8);
	damage_cases();
	acc_cases();
	return done_testing();
}
