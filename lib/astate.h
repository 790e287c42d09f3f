/*
 * astate.h - the body of rt-alert's state file, read line by line and
 * checked: one JSON array a line, ["t",...] then ["r",...], then one
 * ["k",...] a key, ["h",...] an alert held for --top, ["p",...] a record
 * held by --max-delay.  Every value is checked against the range rtpipe(7)
 * (STATE FILES) gives and against the lines before it, so that a file
 * that passes is one rt-alert could have written.  rt-alert(1), "State".
 */
#ifndef RT_ASTATE_H
#define RT_ASTATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* What the options allow in a state (0: that part is off). */
struct rt_astate_conf {
	int64_t suppress;	/* --suppress: "k" lines */
	int64_t max_delay;	/* --max-delay: "p" lines */
	uint64_t rate_n;	/* --rate N/PER */
	int64_t rate_per;
	size_t top;		/* --top K --per PER: "h" lines */
	int64_t per;
	uint32_t max_keys;	/* --max-keys: at most this many "k" lines */
};

struct rt_aline {
	char tag;		/* 't', 'r', 'k', 'h' or 'p' */
	/* t: the clock.  r: the current rate period.  Kept in the reader
	 * too (r->t, r->r) for the lines after. */
	int have_t, have_closed;
	int64_t maxt, closed_upto;
	uint64_t seq;
	int rhave;
	int64_t rcur;
	uint64_t rcount, rthr, rthr_supp;
	/* k: the key (kp[0, klen), decoded into key by the reader), its
	 * last alert's time, its pending count. */
	struct rt_buf key;
	const char *kp;
	size_t klen;
	int64_t ta;
	uint64_t supp;
	/* h, p: a held alert or record; start is its --per period (h). */
	int64_t start, t;
	double score;
	uint64_t hseq, line;
	const char *json;	/* the alert (h) or record (p), in the file */
	size_t len;
};

struct rt_aread {
	const char *p, *end;
	struct rt_astate_conf c;
	size_t lineno;		/* of the body */
	const char *err;	/* why the last call failed */
	char why[96];
	struct rt_jdoc d, sub;
	struct rt_aline t;	/* the "t" and "r" lines */
	int phase;		/* the last tag's place in t r k h p */
	uint64_t nkeys;
	int64_t hstart;		/* the last "h" period, and its count */
	size_t hcount;
	int64_t plast;		/* the last "p" line's time and seq */
	uint64_t plseq;
};

/* Read the body p[0, n) (it must stay alive) of a state written with
 * options c. */
void rt_astate_init(struct rt_aread *r, const char *p, size_t n,
    const struct rt_astate_conf *c);
void rt_astate_release(struct rt_aread *r);

/* The next line into *l (l->key is the caller's buffer, reused): 1; 0 at
 * the end, the whole body read; -1 with r->err set ("damaged: line 3:
 * a time out of range"). */
int rt_astate_next(struct rt_aread *r, struct rt_aline *l);

/* Append line l (of l->tag; the members the reader fills) to b, as the
 * reader reads it back: a score as number text that reads back as the
 * same double (infinities as +-1e999: JSON has no infinity). */
void rt_astate_put(struct rt_buf *b, const struct rt_aline *l);

#endif
