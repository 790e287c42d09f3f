/*
 * wopts.c - rt-window's options into the engine's configuration (see
 * wopts.h).
 */
#include "wopts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "opttab.h"
#include "state.h"
#include "suggest.h"

/*
 * The most windows a record may fall in (--size / --hop), and the most a
 * key may have open at once (its windows of --size plus --max-delay and
 * --allowed-lateness; for sessions, --max-delay and lateness over the
 * gap): each record walks through them, so more would make one record
 * cost without bound.  rt-window(1), "Limits".
 */
#define WINDOWS_MAX 10000

static const char *__attribute__((format(printf, 2, 3)))
why(struct rt_wopts *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	free(o->why);
	o->why = rt_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(o->why, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return o->why;
}

void
rt_wopts_init(struct rt_wopts *o)
{
	memset(o, 0, sizeof *o);
	o->time_field = "ts";
}

/* A copy of s, freed by rt_wopts_release. */
static char *
own(struct rt_wopts *o, const char *s)
{
	o->own = rt_xreallocarray(o->own, o->nown + 1, sizeof *o->own);
	return o->own[o->nown++] = rt_xstrdup(s);
}

void
rt_wopts_release(struct rt_wopts *o)
{
	struct rt_wconf *c = &o->c;

	for (size_t i = 0; i < o->nown; i++)
		free(o->own[i]);
	free(o->own);
	free(c->aggs);
	free(c->keys);
	free(c->win);
	free(c->numf);
	free(c->distf);
	free(c->prevf);
	free(c->condf);
	free(c->condv);
	free(c->need_min);
	free(c->need_max);
	free(c->need_sd);
	free(c->need_ends);
	rt_buf_release(&o->config);
	free(o->why);
	memset(o, 0, sizeof *o);
}

static const struct { const char *w; enum rt_wagg_kind k; int f; }
kinds[] = {
	{ "count", RT_WA_COUNT, 0 }, { "sum", RT_WA_SUM, 1 },
	{ "avg", RT_WA_AVG, 1 }, { "min", RT_WA_MIN, 1 },
	{ "max", RT_WA_MAX, 1 }, { "stddev", RT_WA_STDDEV, 1 },
	{ "distinct", RT_WA_DISTINCT, 1 }, { "first", RT_WA_FIRST, 1 },
	{ "last", RT_WA_LAST, 1 }, { "count_if", RT_WA_COUNT_IF, 2 },
	{ "prev", RT_WA_PREV, 1 }, { "since_prev", RT_WA_SINCE_PREV, 0 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The value arg of option opt is none of words: say so, with a
 * suggestion. */
static const char *
unknown(struct rt_wopts *o, const char *opt, const char *arg,
    const char *const words[])
{
	char msg[512];

	rt_suggest_value(msg, sizeof msg, opt, arg, words);
	return why(o, "%s", msg);
}

/* The kind named s, its field and value checked: its index in kinds, or
 * NKINDS with the error in o->why. */
static size_t
agg_kind(struct rt_wopts *o, const char *spec, const char *s,
    struct rt_wagg *a)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(s, kinds[i].w) == 0)
			break;
	if (i == NKINDS) {
		const char *w[NKINDS + 1] = { NULL };

		for (i = 0; i < NKINDS; i++)
			w[i] = kinds[i].w;
		unknown(o, "--agg", s, w);
		return NKINDS;
	}
	a->kind = kinds[i].k;
	if (kinds[i].f == 0 && a->field)
		why(o, "--agg: '%s': %s takes no field", spec, kinds[i].w);
	else if (kinds[i].f && (a->field == NULL || *a->field == '\0'))
		why(o, "--agg: '%s': %s needs a field (%s:F)", spec, kinds[i].w,
		    kinds[i].w);
	else if (kinds[i].f == 2 && strchr(a->field, '=') == NULL)
		why(o, "--agg: '%s': count_if needs F=VALUE", spec);
	else
		return i;
	return NKINDS;
}

const char *
rt_wopts_agg(struct rt_wopts *o, const char *spec)
{
	struct rt_wconf *c = &o->c;
	struct rt_wagg a;
	char *s = own(o, spec), *colon, *eq;

	memset(&a, 0, sizeof a);
	colon = strchr(s, ':');
	eq = strchr(s, '=');
	if (eq && (colon == NULL || eq < colon)) {
		*eq = '\0';
		a.name = s;
		if (*a.name == '\0')
			return why(o, "--agg: '%s': empty name", spec);
		s = eq + 1;
	}
	if (colon) {
		*colon = '\0';
		a.field = colon + 1;
	}
	if (agg_kind(o, spec, s, &a) == NKINDS)
		return o->why;
	if (a.kind == RT_WA_COUNT_IF) {
		char *v = strchr(a.field, '=');

		*v = '\0';
		a.value = v + 1;
	}
	c->aggs = rt_xreallocarray(c->aggs, (size_t)c->nagg + 1,
	    sizeof *c->aggs);
	c->aggs[c->nagg++] = a;
	rt_buf_printf(&o->config, "a=%s\n", spec);
	return NULL;
}

void
rt_wopts_keys(struct rt_wopts *o, const char *arg)
{
	struct rt_wconf *c = &o->c;
	char *at = own(o, arg), *tok;

	while ((tok = rt_opttab_item(&at)) != NULL) {
		if (*tok == '\0')
			continue;
		c->keys = rt_xreallocarray(c->keys, (size_t)c->nkeys + 1,
		    sizeof *c->keys);
		c->keys[c->nkeys++] = tok;
	}
	rt_buf_printf(&o->config, "k=%s\n", arg);
}

static struct rt_wdef *
add_win(struct rt_wopts *o, enum rt_wkind kind)
{
	struct rt_wconf *c = &o->c;
	struct rt_wdef *d;

	c->win = rt_xreallocarray(c->win, (size_t)c->nwin + 1,
	    sizeof *c->win);
	d = &c->win[c->nwin++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	return d;
}

/* A window's label is the duration as the user spelt it ("24h" stays
 * "24h", "60m" stays "60m"), so that the member is found by the name
 * one expects; with --lag, "_lag" and the lag as spelt follow. */
static const char *
label_add(struct rt_wopts *o, char *label, size_t cap, const char *pre,
    const char *spelling)
{
	size_t n = strlen(label);

	if ((size_t)snprintf(label + n, cap - n, "%s%s", pre, spelling) >=
	    cap - n)
		return why(o, "'%s': too long a duration for a member name "
		    "(name the aggregate: NAME=AGG)", spelling);
	return NULL;
}

const char *
rt_wopts_sliding(struct rt_wopts *o, int64_t size, const char *spelling)
{
	struct rt_wdef *d = add_win(o, RT_WK_SLIDING);

	d->size = size;
	return label_add(o, d->label, sizeof d->label, "", spelling);
}

void
rt_wopts_rows(struct rt_wopts *o, uint32_t n)
{
	struct rt_wdef *d = add_win(o, RT_WK_ROWS);

	d->rows = n;
	snprintf(d->label, sizeof d->label, "%urows", d->rows);
}

const char *
rt_wopts_lag_ok(struct rt_wopts *o)
{
	const struct rt_wconf *c = &o->c;

	if (c->nwin == 0 || c->win[c->nwin - 1].kind != RT_WK_SLIDING)
		return why(o, "--lag shifts the --sliding window given before "
		    "it");
	if (c->win[c->nwin - 1].lag)
		return why(o, "one --lag per --sliding");
	return NULL;
}

const char *
rt_wopts_lag(struct rt_wopts *o, int64_t lag, const char *spelling)
{
	struct rt_wdef *d = &o->c.win[o->c.nwin - 1];

	d->lag = lag;
	return lag ? label_add(o, d->label, sizeof d->label, "_lag",
	    spelling) : NULL;
}

const char *
rt_wopts_closed(struct rt_wopts *o, const char *arg)
{
	static const char *const words[] = { "right", "both", NULL };

	o->closed_given = 1;
	if (strcmp(arg, "both") == 0)
		o->c.closed_both = 1;
	else if (strcmp(arg, "right") != 0)
		return unknown(o, "--closed", arg, words);
	return NULL;
}

const char *
rt_wopts_close(struct rt_wopts *o, enum rt_wclose kind)
{
	if (o->c.close != RT_WC_NONE)
		return why(o, "one of --tumble, --hop and --session at most");
	o->c.close = kind;
	return NULL;
}

const char *
rt_wopts_close_size(struct rt_wopts *o, int64_t size, const char *spelling)
{
	struct rt_wconf *c = &o->c;

	if (c->close == RT_WC_HOP) {
		o->hop = size;
		return NULL;
	}
	o->csize = size;
	c->clabel[0] = '\0';
	return label_add(o, c->clabel, sizeof c->clabel, "", spelling);
}

const char *
rt_wopts_emit(struct rt_wopts *o, const char *arg)
{
	if (strcmp(arg, "enrich") == 0)
		o->emit = RT_WE_ENRICH;
	else if (strcmp(arg, "close") == 0)
		o->emit = RT_WE_CLOSE;
	else if (strcmp(arg, "both") == 0)
		o->emit = RT_WE_BOTH;
	else
		return unknown(o, "--emit", arg, (const char *const[]){ "enrich",
		    "close", "both", NULL });
	return NULL;
}

/* The closing window's size, hop or gap from --tumble, --hop, --size and
 * --session. */
static const char *
close_shape(struct rt_wopts *o)
{
	struct rt_wconf *c = &o->c;

	if (c->nwin == 0 && c->close == RT_WC_NONE)
		return why(o, "no window: give --sliding, --rows, --tumble, "
		    "--hop or --session");
	if (c->close == RT_WC_HOP) {
		if (o->size == 0)
			return why(o, "--hop needs --size");
		if (o->size < o->hop)
			return why(o, "--size must be at least --hop");
		c->size = o->size;
		c->hop = o->hop;
	} else if (o->size) {
		return why(o, "--size goes with --hop");
	} else if (c->close == RT_WC_TUMBLE) {
		c->size = c->hop = o->csize;
	} else if (c->close == RT_WC_SESSION) {
		c->gap = o->csize;
	}
	return NULL;
}

/* Options that would do nothing. */
static const char *
check_given(struct rt_wopts *o)
{
	const struct rt_wconf *c = &o->c;
	int dist = 0, sliding = 0, i;

	for (i = 0; i < c->nagg; i++)
		dist |= c->aggs[i].kind == RT_WA_DISTINCT;
	for (i = 0; i < c->nwin; i++)
		sliding |= c->win[i].kind == RT_WK_SLIDING;
	if (o->offset_given && c->close != RT_WC_TUMBLE &&
	    c->close != RT_WC_HOP)
		return why(o, "--offset goes with --tumble or --hop");
	if (o->dcap_given && !dist)
		return why(o, "--distinct-cap goes with -a distinct:F");
	if (o->closed_given && !sliding)
		return why(o, "--closed goes with --sliding");
	if (o->flush && !o->state_path)
		return why(o, "--flush goes with --state");
	if (c->max_keys && c->nkeys == 0)
		return why(o, "--max-keys goes with -k (without a key there is "
		    "one)");
	return NULL;
}

/* Window shapes past the limits (WINDOWS_MAX). */
static const char *
check_limits(struct rt_wopts *o)
{
	const struct rt_wconf *c = &o->c;
	int64_t step, reach;

	if (c->close == RT_WC_NONE)
		return NULL;
	step = c->close == RT_WC_SESSION ? c->gap : c->hop;
	if (c->close == RT_WC_HOP && c->size / c->hop > WINDOWS_MAX)
		return why(o, "--size is %lld times --hop: a record would fall "
		    "in that many windows (at most %d)",
		    (long long)(c->size / c->hop), WINDOWS_MAX);
	reach = c->close == RT_WC_SESSION ? 0 : c->size;
	if (c->max_delay > INT64_MAX / 4 || c->lateness > INT64_MAX / 4)
		reach = INT64_MAX / 2;
	else
		reach += c->max_delay + c->lateness;
	if (reach / step > WINDOWS_MAX)
		return why(o, "--max-delay and --allowed-lateness would keep "
		    "more than %d windows of a key open (%lld): give a longer "
		    "%s or less delay", WINDOWS_MAX, (long long)(reach / step),
		    c->close == RT_WC_SESSION ? "--session gap" :
		    c->close == RT_WC_HOP ? "--hop" : "--tumble");
	return NULL;
}

/* What is emitted. */
static const char *
check_emit(struct rt_wopts *o)
{
	struct rt_wconf *c = &o->c;

	if (c->close == RT_WC_NONE) {
		if (o->emit >= RT_WE_CLOSE)
			return why(o, "--emit close needs --tumble, --hop or "
			    "--session");
	} else if (o->emit == RT_WE_ENRICH || o->emit == RT_WE_BOTH) {
		if (c->close != RT_WC_TUMBLE)
			return why(o, "--emit %s goes with --tumble (a record "
			    "belongs to one tumbling window)",
			    o->emit == RT_WE_ENRICH ? "enrich" : "both");
		c->enrich_close = 1;
	}
	if (o->emit == RT_WE_ENRICH && c->close != RT_WC_NONE)
		o->close_silent = 1;
	return NULL;
}

struct dupcheck {
	struct rt_wopts *o;
	struct rt_map m;
	const char *err;
};

static void
check_name(void *arg, const char *name)
{
	struct dupcheck *dc = arg;
	int isnew;

	rt_map_put(&dc->m, name, strlen(name), rt_hash(name, strlen(name)),
	    &isnew);
	if (!isnew && dc->err == NULL)
		dc->err = why(dc->o, "two aggregates would both be named '%s' "
		    "(give one a name: NAME=AGG)", name);
}

/* Event-time durations beyond the span of times a state holds (10,000
 * years) are refused: time arithmetic then never overflows. */
static const char *
check_durations(struct rt_wopts *o)
{
	const struct rt_wconf *c = &o->c;
	int64_t d[] = { c->size, c->hop, c->gap, c->offset, c->max_delay,
	    c->lateness, c->ttl, o->idle };

	for (int i = 0; i < c->nwin; i++)
		if (c->win[i].size > RT_STATE_DUR_MAX - c->win[i].lag)
			return why(o, "a window longer than 10000 years");
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (d[i] > RT_STATE_DUR_MAX)
			return why(o, "a duration longer than 10000 years");
	return NULL;
}

/* The configuration that shapes the state file. */
static void
config_text(struct rt_wopts *o)
{
	const struct rt_wconf *c = &o->c;

	for (int i = 0; i < c->nwin; i++)
		rt_buf_printf(&o->config, "w=%d %lld %lld %u\n",
		    (int)c->win[i].kind, (long long)c->win[i].size,
		    (long long)c->win[i].lag, c->win[i].rows);
	rt_buf_printf(&o->config, "c=%d %lld %lld %lld %lld e=%d b=%d "
	    "d=%lld l=%lld cap=%u mk=%u ttl=%lld t=%s\n", (int)c->close,
	    (long long)c->size, (long long)c->hop, (long long)c->gap,
	    (long long)c->offset, (int)o->emit, c->closed_both,
	    (long long)c->max_delay, (long long)c->lateness,
	    c->distinct_cap, c->max_keys, (long long)c->ttl, o->time_field);
}

const char *
rt_wopts_finish(struct rt_wopts *o)
{
	struct rt_wconf *c = &o->c;
	const char *e;

	if ((e = close_shape(o)) != NULL || (e = check_given(o)) != NULL ||
	    (e = check_limits(o)) != NULL)
		return e;
	if (o->late_path && o->late_pass)
		return why(o, "--late and --late-pass exclude each other");
	if (c->nagg == 0)
		(void)rt_wopts_agg(o, "count");
	if ((e = check_emit(o)) != NULL)
		return e;
	if (!c->distinct_cap)
		c->distinct_cap = 10000;
	if ((e = rt_win_conf_slots(c)) != NULL)
		return e;
	{
		struct dupcheck dc = { o, { 0 }, NULL };

		rt_map_init(&dc.m);
		rt_win_names(c, check_name, &dc);
		rt_map_release(&dc.m);
		if (dc.err)
			return dc.err;
	}
	if ((e = check_durations(o)) != NULL)
		return e;
	config_text(o);
	return NULL;
}

/* ---- the tool side --------------------------------------------------- */

static void
check(struct rt_cli *cli, const char *err)
{
	if (err)
		rt_cli_usage_error(cli, "%s", err);
}

/* The options that shape the windows and their aggregates. */
static int
window_option(struct rt_wopts *o, struct rt_cli *cli, int opt,
    const char *arg)
{
	static const char *const closing[] = { "tumble", "hop", "session" };
	static const enum rt_wclose ckind[] = { RT_WC_TUMBLE, RT_WC_HOP,
	    RT_WC_SESSION };
	int ci = opt == RT_WO_TUMBLE ? 0 : opt == RT_WO_HOP ? 1 : 2;

	switch (opt) {
	case 'a': check(cli, rt_wopts_agg(o, arg)); break;
	case RT_WO_SLIDING:
		check(cli, rt_wopts_sliding(o, rt_cli_dur(cli, "sliding", arg,
		    RT_DUR_POSITIVE), arg));
		break;
	case RT_WO_ROWS:
		rt_wopts_rows(o, (uint32_t)rt_cli_count(cli, "rows", arg, 1,
		    UINT32_MAX));
		break;
	case RT_WO_LAG:
		check(cli, rt_wopts_lag_ok(o));
		check(cli, rt_wopts_lag(o, rt_cli_dur(cli, "lag", arg,
		    RT_DUR_ZERO_OK), arg));
		break;
	case RT_WO_CLOSED: check(cli, rt_wopts_closed(o, arg)); break;
	case RT_WO_TUMBLE:
	case RT_WO_HOP:
	case RT_WO_SESSION:
		check(cli, rt_wopts_close(o, ckind[ci]));
		check(cli, rt_wopts_close_size(o, rt_cli_dur(cli, closing[ci],
		    arg, RT_DUR_POSITIVE), arg));
		break;
	case RT_WO_SIZE:
		o->size = rt_cli_dur(cli, "size", arg, RT_DUR_POSITIVE);
		break;
	case RT_WO_OFFSET:
		o->c.offset = rt_cli_dur(cli, "offset", arg, RT_DUR_ZERO_OK);
		o->offset_given = 1;
		break;
	case RT_WO_EMIT: check(cli, rt_wopts_emit(o, arg)); break;
	case RT_WO_DCAP:
		o->dcap_given = 1;
		o->c.distinct_cap = (uint32_t)rt_cli_count(cli, "distinct-cap",
		    arg, 1, UINT32_MAX);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Keys, time and state. */
static int
other_option(struct rt_wopts *o, struct rt_cli *cli, int opt,
    const char *arg)
{
	switch (opt) {
	case 'k': rt_wopts_keys(o, arg); break;
	case RT_WO_TIME: o->time_field = arg; break;
	case RT_WO_MAXDELAY:
		o->c.max_delay = rt_cli_dur(cli, "max-delay", arg,
		    RT_DUR_ZERO_OK);
		break;
	case RT_WO_LATENESS:
		o->c.lateness = rt_cli_dur(cli, "allowed-lateness", arg,
		    RT_DUR_ZERO_OK);
		break;
	case RT_WO_LATE: o->late_path = arg; break;
	case RT_WO_LATEPASS: o->late_pass = 1; break;
	case RT_WO_IDLE:
		o->idle = rt_cli_dur(cli, "idle-timeout", arg, RT_DUR_POSITIVE);
		break;
	case RT_WO_STATE: o->state_path = arg; break;
	case RT_WO_FLUSH: o->flush = 1; break;
	case RT_WO_MAXKEYS:
		o->c.max_keys = (uint32_t)rt_cli_count(cli, "max-keys", arg, 1,
		    UINT32_MAX);
		break;
	case RT_WO_TTL:
		o->c.ttl = rt_cli_dur(cli, "ttl", arg, RT_DUR_POSITIVE);
		break;
	default:
		return 0;
	}
	return 1;
}

int
rt_wopts_opt(struct rt_wopts *o, struct rt_cli *cli, int opt,
    const char *arg)
{
	return window_option(o, cli, opt, arg) || other_option(o, cli, opt,
	    arg);
}
