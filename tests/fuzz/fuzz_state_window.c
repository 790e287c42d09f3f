/*
 * fuzz_state_window.c - rt-window's state loader (rt_win_load, lib/window.c)
 * on arbitrary bodies.  The first byte picks one of the configurations the
 * seed corpus was written with (tests/state/damage.py's); the rest is the
 * body, without the header (whose checksum would stop the fuzzer at the
 * door).  A body the loader accepts must save to a body it accepts again,
 * and must keep the engine in bounds (ASan, UBSan) and its output JSON
 * while records go through it; after them the state still saves and loads.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jedit.h"
#include "json.h"
#include "mem.h"
#include "window.h"

#define MIN_US 60000000LL

struct conf {
	const char *key;		/* key field, or NULL */
	int64_t sliding[2], lag[2];	/* look-back windows */
	uint32_t rows;
	enum rt_wclose close;
	int64_t size, hop;
	const char *aggs[10];
	int64_t max_delay, lateness, ttl;
	uint32_t max_keys;
};

static const struct conf confs[] = {
	{ "card", { 10 * MIN_US, 60 * MIN_US }, { 0, 10 * MIN_US }, 0,
	  RT_WC_NONE, 0, 0, { "count", "sum:amount", "min:amount",
	  "max:amount", "distinct:country", "stddev:amount", "since_prev",
	  "prev:amount", "count_if:country=FR" }, 15 * MIN_US, 0, 0, 0 },
	{ "card", { 0 }, { 0 }, 3, RT_WC_NONE, 0, 0, { "sum:amount",
	  "first:amount", "last:amount" }, 15 * MIN_US, 0, 0, 20 },
	{ "card", { 0 }, { 0 }, 0, RT_WC_TUMBLE, 5 * MIN_US, 5 * MIN_US,
	  { "sum:amount", "distinct:country", "max:amount" }, 15 * MIN_US,
	  0, 0, 0 },
	{ "card", { 0 }, { 0 }, 0, RT_WC_HOP, 20 * MIN_US, 5 * MIN_US,
	  { "avg:amount", "count_if:country=FR" }, 0, 15 * MIN_US, 0, 0 },
	{ "card", { 0 }, { 0 }, 0, RT_WC_SESSION, 2 * MIN_US, 0,
	  { "sum:amount", "stddev:amount", "min:amount" }, 15 * MIN_US, 0,
	  0, 0 },
	{ NULL, { 60 * MIN_US }, { 0 }, 0, RT_WC_NONE, 0, 0, { "count" }, 0,
	  0, 60 * MIN_US, 0 },
};
#define NCONF (sizeof confs / sizeof confs[0])

static void
add_agg(struct rt_wconf *c, const char *spec)
{
	static const struct { const char *w; enum rt_wagg_kind k; } kinds[] = {
		{ "count", RT_WA_COUNT }, { "sum", RT_WA_SUM },
		{ "avg", RT_WA_AVG }, { "min", RT_WA_MIN }, { "max", RT_WA_MAX },
		{ "stddev", RT_WA_STDDEV }, { "distinct", RT_WA_DISTINCT },
		{ "first", RT_WA_FIRST }, { "last", RT_WA_LAST },
		{ "count_if", RT_WA_COUNT_IF }, { "prev", RT_WA_PREV },
		{ "since_prev", RT_WA_SINCE_PREV },
	};
	char *s = rt_xstrdup(spec), *colon = strchr(s, ':'), *eq;
	struct rt_wagg a;

	memset(&a, 0, sizeof a);
	if (colon) {
		*colon = '\0';
		a.field = colon + 1;
		if ((eq = strchr(colon + 1, '=')) != NULL) {
			*eq = '\0';
			a.value = eq + 1;
		}
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i].w) == 0)
			a.kind = kinds[i].k;
	c->aggs = rt_xreallocarray(c->aggs, (size_t)c->nagg + 1,
	    sizeof *c->aggs);
	c->aggs[c->nagg++] = a;
	if (a.field == NULL)
		free(s);	/* only the kind was in it */
}

static void
add_win(struct rt_wconf *c, enum rt_wkind kind, int64_t size, int64_t lag,
    uint32_t rows)
{
	struct rt_wdef *d;

	c->win = rt_xreallocarray(c->win, (size_t)c->nwin + 1, sizeof *c->win);
	d = &c->win[c->nwin++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->size = size;
	d->lag = lag;
	d->rows = rows;
	snprintf(d->label, sizeof d->label, "w%d", c->nwin);
}

/* The engine's configuration, as rt-window's options make it. */
static struct rt_wconf *
conf_of(size_t ci)
{
	static struct rt_wconf built[NCONF];
	static int done[NCONF];
	const struct conf *f = &confs[ci];
	struct rt_wconf *c = &built[ci];

	if (done[ci])
		return c;
	memset(c, 0, sizeof *c);
	if (f->key) {
		c->keys = rt_xcalloc(1, sizeof *c->keys);
		c->keys[0] = (char *)f->key;
		c->nkeys = 1;
	}
	for (int i = 0; i < 2; i++)
		if (f->sliding[i])
			add_win(c, RT_WK_SLIDING, f->sliding[i], f->lag[i], 0);
	if (f->rows)
		add_win(c, RT_WK_ROWS, 0, 0, f->rows);
	c->close = f->close;
	c->size = f->size;
	c->hop = f->hop;
	if (f->close == RT_WC_SESSION) {
		c->gap = f->size;
		c->size = c->hop = 0;
	}
	for (int i = 0; i < 10 && f->aggs[i]; i++)
		add_agg(c, f->aggs[i]);
	c->max_delay = f->max_delay;
	c->lateness = f->lateness;
	c->ttl = f->ttl;
	c->max_keys = f->max_keys;
	c->distinct_cap = 10000;
	if (rt_win_conf_slots(c) != NULL)
		abort();
	done[ci] = 1;
	return c;
}

/* A closed window's record must be a JSON object. */
static void
emit_check(void *arg, const char *p, size_t n)
{
	struct rt_jdoc *d = arg;

	if (rt_jdoc_parse(d, p, n) != 0 || d->v[0].type != RT_JOBJ)
		abort();
}

/* A state the engine saved loads again (after records, but for a count
 * a forged state set just under the loader's bound and the records took
 * past it: fed). */
static void
reload(const struct rt_wconf *c, struct rt_win *w, struct rt_jdoc *d,
    int fed)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_win *w2 = rt_win_new(c, emit_check, d);
	const char *why;

	rt_win_save(w, &b);
	why = rt_win_load(w2, b.p, b.len);
	if (why && !(fed && strcmp(why, "damaged: a count out of range") == 0)) {
		fprintf(stderr, "saved state refused: %s\n", why);
		abort();
	}
	rt_win_free(w2);
	rt_buf_release(&b);
}

/* A few records through the loaded engine, as rt-window sends them. */
static void
feed(const struct rt_wconf *c, struct rt_win *w, struct rt_jdoc *d,
    const uint8_t *data, size_t size)
{
	static const int64_t step[] = { -20, 0, 1, 1, 180, 2880, -1 };
	static const char *const keys[] = { "\"c1\"", "\"c2\"", "\"zz\"" };
	double num[16];
	uint64_t dh[16];
	const char *prev[16];
	size_t prevlen[16];
	struct rt_jdoc rec;
	struct rt_jedit e;
	struct rt_buf out = RT_BUF_INIT;
	const struct rt_clock *clk = rt_win_clock(w);
	int64_t t0 = !rt_clock_started(clk) ? 1709294400000000LL :
	    rt_clock_newest(clk);

	rt_jdoc_init(&rec, 0);
	rt_jedit_init(&e);
	(void)rt_jdoc_parse(&rec, "{\"card\":\"c1\",\"amount\":5}", 24);
	for (size_t i = 0; i < sizeof step / sizeof step[0]; i++) {
		struct rt_wev ev;
		uint8_t x = size ? data[i % size] : 0;

		memset(&ev, 0, sizeof ev);
		ev.t = t0 + step[i] * MIN_US + (int64_t)(x % 7) * 1000000;
		if (ev.t < -62167219200000000LL || ev.t > 253402300799999999LL ||
		    rt_clock_is_late(clk, ev.t))
			continue;
		ev.key = c->nkeys ? keys[x % 3] : "";
		ev.klen = strlen(ev.key);
		for (int j = 0; j < c->nnum; j++)
			num[j] = x & 8 ? NAN : (double)(x % 50) - 10;
		for (int j = 0; j < c->ndist; j++)
			dh[j] = rt_hash(&x, 1) | 1;
		for (int j = 0; j < c->nprev; j++) {
			prev[j] = "5";
			prevlen[j] = 1;
		}
		ev.num = num;
		ev.dh = dh;
		ev.cond = x & 1 ? (1u << c->ncond) - 1 : 0;
		ev.prev = prev;
		ev.prevlen = prevlen;
		rt_win_advance(w, ev.t);
		rt_jedit_start(&e, &rec);
		rt_win_add(w, &ev, &e);
		out.len = 0;
		rt_jedit_finish(&e, &out);
		if (rt_jdoc_parse(d, out.p, out.len) != 0)
			abort();
	}
	rt_jedit_release(&e);
	rt_jdoc_release(&rec);
	rt_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_VERBOSE=1: say what the loader made of each input (to check the
 * seeds load). */
static int
verbose(void)
{
	static int v = -1;

	if (v < 0)
		v = getenv("FUZZ_VERBOSE") != NULL;
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rt_wconf *c;
	struct rt_win *w;
	struct rt_jdoc d;
	const char *why;

	if (size < 1)
		return 0;
	c = conf_of(data[0] % NCONF);
	rt_jdoc_init(&d, 0);
	w = rt_win_new(c, emit_check, &d);
	why = rt_win_load(w, (const char *)data + 1, size - 1);
	if (verbose())
		fprintf(stderr, "config %u: %s\n", data[0] % (unsigned)NCONF,
		    why ? why : "loaded");
	if (why == NULL) {
		reload(c, w, &d, 0);
		feed(c, w, &d, data + 1, size - 1);
		reload(c, w, &d, 1);
		rt_win_close_all(w);
	}
	rt_win_free(w);
	rt_jdoc_release(&d);
	return 0;
}
