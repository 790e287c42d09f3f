/*
 * window.h - keyed event-time windows: look-back windows that enrich each
 * record as it passes (--sliding, --rows, with --lag), and windows that
 * emit one record when they close (--tumble, --hop, --session), driven by
 * a watermark.  The engine keeps per-key rings of events with running
 * aggregates (O(1) amortised per record; min and max by monotonic deques)
 * and can save and load its whole state, so that a run split into chunks
 * gives the same output as one run.  rt-window(1) states the semantics.
 */
#ifndef RT_WINDOW_H
#define RT_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evclock.h"
#include "jedit.h"

enum rt_wagg_kind {
	RT_WA_COUNT, RT_WA_SUM, RT_WA_AVG, RT_WA_MIN, RT_WA_MAX,
	RT_WA_STDDEV, RT_WA_DISTINCT, RT_WA_FIRST, RT_WA_LAST,
	RT_WA_COUNT_IF, RT_WA_PREV, RT_WA_SINCE_PREV
};

struct rt_wagg {
	enum rt_wagg_kind kind;
	const char *field;	/* NULL for count and since_prev */
	const char *value;	/* count_if: the value, as rt_field_text */
	const char *name;	/* explicit output name, or NULL */
	int slot;		/* numeric, distinct, condition or prev slot */
};

enum rt_wkind { RT_WK_SLIDING, RT_WK_ROWS };

struct rt_wdef {
	enum rt_wkind kind;
	int64_t size;		/* sliding: microseconds */
	int64_t lag;		/* shift into the past, microseconds */
	uint32_t rows;		/* rows: the last N records */
	char label[80];		/* "1h", "7d_lag7d", "10rows" */
};

enum rt_wclose { RT_WC_NONE, RT_WC_TUMBLE, RT_WC_HOP, RT_WC_SESSION };

struct rt_wconf {
	char **keys;		/* key fields (none: one global key) */
	int nkeys;
	struct rt_wagg *aggs;
	int nagg;
	struct rt_wdef *win;	/* look-back windows */
	int nwin;
	enum rt_wclose close;
	int64_t size, hop, gap, offset;	/* closing windows */
	char clabel[64];	/* closing window's label, for --emit both */
	int enrich_close;	/* --emit enrich|both with --tumble */
	int closed_both;	/* --closed both */
	int64_t max_delay, lateness;
	uint32_t distinct_cap;
	uint32_t max_keys;	/* 0: no bound */
	int64_t ttl;		/* 0: none */
	/* Slots, filled by rt_win_conf_slots: */
	int nnum, ndist, ncond, nprev;
	char **numf, **distf, **prevf;	/* field of each slot */
	char **condf, **condv;
	int *need_min, *need_max;	/* per numeric slot */
	int *need_sd, *need_ends;	/* stddev; first or last */
};

/* One record, as the tool read it. */
struct rt_wev {
	int64_t t;
	const char *key;	/* the key fields' JSON texts, '\0'-separated */
	size_t klen;
	const double *num;	/* per numeric slot; NAN when not a number */
	const uint64_t *dh;	/* per distinct slot; hash of the value text,
				 * 0 when absent */
	uint32_t cond;		/* bit i: condition i holds */
	const char *const *prev;	/* per prev slot: JSON text or NULL */
	const size_t *prevlen;
	uint64_t hash;		/* rt_hash(key, klen) when known, else 0 */
};

/* Called with each closed window's record (JSON text, no newline). */
typedef void rt_wemit_fn(void *arg, const char *p, size_t n);

struct rt_win;

/* Assign slots to the aggregates (numeric fields, distinct fields,
 * conditions, prev fields); returns NULL or a usage error. */
const char *rt_win_conf_slots(struct rt_wconf *c);
/* The names of the members a record is enriched with, in order, for
 * checking duplicates: calls f for each. */
void rt_win_names(const struct rt_wconf *c,
    void (*f)(void *arg, const char *name), void *arg);

struct rt_win *rt_win_new(const struct rt_wconf *c, rt_wemit_fn *emit,
    void *arg);
void rt_win_free(struct rt_win *w);

/* The engine's event-time clock, made from the configuration's
 * max_delay and lateness, saved and loaded with the state: ask it whether
 * a record is late (rt_clock_is_late) before rt_win_add.  The tool may
 * set its idle timeout and run its idle timer (rt_clock_touch,
 * rt_clock_wait); event time moves only through rt_win_advance. */
struct rt_clock *rt_win_clock(struct rt_win *w);
/* Move event time forward to t (a record's time, or the wall clock when
 * idle): the watermark follows, windows that closed are emitted, idle
 * keys forgotten (--ttl). */
void rt_win_advance(struct rt_win *w, int64_t t);
/* Add a record that is not late.  With e non-NULL, set the look-back
 * features (and the current closing window's, for --emit both) as
 * members of the record being edited. */
void rt_win_add(struct rt_win *w, const struct rt_wev *ev,
    struct rt_jedit *e);
/* A hint, for speed only: a record with key hash h (rt_hash of its key
 * text) comes in a few records.  Stage 0 (three records ahead) loads its
 * map slot; stage 1 (two ahead) its state, the slot being in cache by
 * then; stage 2 (next) the newest events of its ring.  w is the engine
 * (struct rt_win *): the call is an rt_sniff_hint_fn (sniff.h). */
void rt_win_prefetch(void *w, uint64_t h, int stage);
/* End of input: close and emit every open window. */
void rt_win_close_all(struct rt_win *w);
/* Is any closing window open (the idle timer matters)? */
int rt_win_open(const struct rt_win *w);

/* Counts for --stats. */
struct rt_wstats {
	uint64_t keys;		/* live keys */
	uint64_t events;	/* events held */
	uint64_t evicted;	/* keys evicted by --max-keys */
	uint64_t expired;	/* keys forgotten by --ttl */
	uint64_t windows;	/* window records emitted */
	uint64_t capped;	/* distinct counts that hit the cap */
};
void rt_win_stats(const struct rt_win *w, struct rt_wstats *st);

/* Append the whole state to b; load it back (NULL, or a reason). */
void rt_win_save(const struct rt_win *w, struct rt_buf *b);
const char *rt_win_load(struct rt_win *w, const char *p, size_t n);

#endif
