/*
 * wopts.h - rt-window's options made into the window engine's
 * configuration (struct rt_wconf), checked: aggregate specs, key lists,
 * window shapes and their labels, what is emitted, the limits on windows
 * a record may touch, and the text that fingerprints a state file.  The
 * tool parses durations and counts (lib/cli) and reports the errors these
 * calls return, worded for the user; rt_wopts_opt is the tool side (like
 * cli.h: it parses with lib/cli and exits 2 on misuse).  rt-window(1),
 * "OPTIONS", "Limits".
 */
#ifndef RT_WOPTS_H
#define RT_WOPTS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cli.h"
#include "window.h"

/* --emit. */
enum rt_wemit { RT_WE_DEFAULT, RT_WE_ENRICH, RT_WE_CLOSE, RT_WE_BOTH };

struct rt_wopts {
	struct rt_wconf c;	/* the configuration being built */
	const char *time_field;	/* --time (or "arrival") */
	int64_t hop, size, csize;	/* --hop, --size; --tumble or --session */
	int offset_given, dcap_given, closed_given;
	enum rt_wemit emit;
	int64_t idle;		/* --idle-timeout, for the range check */
	const char *state_path;	/* --state FILE, or NULL */
	const char *late_path;	/* --late FILE, or NULL */
	int flush, late_pass;
	/* Set by rt_wopts_finish: */
	int close_silent;	/* --emit enrich with --tumble: no window records */
	struct rt_buf config;	/* the options that shape the state, as text */
	char *why;		/* the last error message */
	char **own;		/* the copies of option texts, freed at the end */
	size_t nown;
};

/* rt-window's own options, as getopt_long gives them (-k and -a are 'k'
 * and 'a'). */
enum rt_wopt_id {
	RT_WO_TIME = RT_OPT_TOOL, RT_WO_SLIDING, RT_WO_ROWS, RT_WO_LAG,
	RT_WO_CLOSED, RT_WO_TUMBLE, RT_WO_HOP, RT_WO_SIZE, RT_WO_SESSION,
	RT_WO_OFFSET, RT_WO_EMIT, RT_WO_DCAP, RT_WO_MAXDELAY, RT_WO_LATENESS,
	RT_WO_LATE, RT_WO_LATEPASS, RT_WO_IDLE, RT_WO_STATE, RT_WO_FLUSH,
	RT_WO_MAXKEYS, RT_WO_TTL
};

/* Take rt-window's option opt with argument arg: 1, or 0 when opt is not
 * one of them.  Bad values exit 2 (rt_cli_usage_error). */
int rt_wopts_opt(struct rt_wopts *o, struct rt_cli *cli, int opt,
    const char *arg);

/* Every call that returns a const char * returns NULL, or a usage error
 * ("--agg: 'x': unknown aggregate (...)") in o->why, valid until the next
 * call. */

void rt_wopts_init(struct rt_wopts *o);
/* Free what the calls allocated: the configuration's arrays and strings
 * (an engine made from o->c must be freed first). */
void rt_wopts_release(struct rt_wopts *o);

/* -a [NAME=]AGG[:F[=VALUE]]: an aggregate appended (spec is copied). */
const char *rt_wopts_agg(struct rt_wopts *o, const char *spec);
/* -k F[,F...]: key fields appended (copied). */
void rt_wopts_keys(struct rt_wopts *o, const char *arg);
/* --sliding of size us, spelt spelling (its member names' label). */
const char *rt_wopts_sliding(struct rt_wopts *o, int64_t size,
    const char *spelling);
/* --rows n. */
void rt_wopts_rows(struct rt_wopts *o, uint32_t n);
/* --lag: before it, lag_ok says whether the last window is a --sliding
 * without a lag (else the error); then sets it. */
const char *rt_wopts_lag_ok(struct rt_wopts *o);
const char *rt_wopts_lag(struct rt_wopts *o, int64_t lag,
    const char *spelling);
/* --closed right|both. */
const char *rt_wopts_closed(struct rt_wopts *o, const char *arg);
/* --tumble, --hop or --session (one of them at most), then its size,
 * hop or gap (us, spelt spelling: the label of --emit both's members). */
const char *rt_wopts_close(struct rt_wopts *o, enum rt_wclose kind);
const char *rt_wopts_close_size(struct rt_wopts *o, int64_t size,
    const char *spelling);
/* --emit enrich|close|both. */
const char *rt_wopts_emit(struct rt_wopts *o, const char *arg);

/* All options read: the closing window's shape, checks of what goes with
 * what and of the limits, the default aggregate, slots
 * (rt_win_conf_slots), member names all different, the durations within
 * what a state may hold, and o->config. */
const char *rt_wopts_finish(struct rt_wopts *o);

#endif
