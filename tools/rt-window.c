/*
 * rt-window - keyed event-time windows: look-back features on every
 * record, and tumbling, hopping and session windows emitted when they
 * close.  The engine is lib/window.c; this file reads options and records.
 * See rt-window(1).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "field.h"
#include "hash.h"
#include "jedit.h"
#include "mem.h"
#include "state.h"
#include "window.h"

enum {
	OPT_TIME = RT_OPT_TOOL, OPT_SLIDING, OPT_ROWS, OPT_LAG, OPT_CLOSED,
	OPT_TUMBLE, OPT_HOP, OPT_SIZE, OPT_SESSION, OPT_OFFSET, OPT_EMIT,
	OPT_DCAP, OPT_MAXDELAY, OPT_LATENESS, OPT_LATE, OPT_LATEPASS,
	OPT_IDLE, OPT_STATE, OPT_FLUSH, OPT_MAXKEYS, OPT_TTL
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "key", required_argument, NULL, 'k' },
	{ "agg", required_argument, NULL, 'a' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "sliding", required_argument, NULL, OPT_SLIDING },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "lag", required_argument, NULL, OPT_LAG },
	{ "closed", required_argument, NULL, OPT_CLOSED },
	{ "tumble", required_argument, NULL, OPT_TUMBLE },
	{ "hop", required_argument, NULL, OPT_HOP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "emit", required_argument, NULL, OPT_EMIT },
	{ "distinct-cap", required_argument, NULL, OPT_DCAP },
	{ "max-delay", required_argument, NULL, OPT_MAXDELAY },
	{ "allowed-lateness", required_argument, NULL, OPT_LATENESS },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "late-pass", no_argument, NULL, OPT_LATEPASS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "flush", no_argument, NULL, OPT_FLUSH },
	{ "max-keys", required_argument, NULL, OPT_MAXKEYS },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-window [OPTION]... [FILE]...\n"
	    "Keyed event-time windows: look-back features on every record, or\n"
	    "one record per key and window when the window closes.\n\n"
	    "Windows:\n"
	    "      --sliding DUR        look back DUR from each record (repeat)\n"
	    "      --rows N             the key's last N records (repeat)\n"
	    "      --lag DUR            shift the previous --sliding DUR into\n"
	    "                           the past\n"
	    "      --closed MODE        right (default: (t-size, t]) or both\n"
	    "      --tumble DUR         tumbling windows, emitted on close\n"
	    "      --hop DUR --size DUR hopping windows\n"
	    "      --session GAP        session windows\n"
	    "      --offset DUR         align windows to the epoch plus DUR\n"
	    "      --emit MODE          enrich, close or both\n"
	    "Keys and aggregates:\n"
	    "  -k, --key F[,F...]       window per key (default: one global)\n"
	    "  -a, --agg [NAME=]AGG     count, sum:F, avg:F, min:F, max:F,\n"
	    "                           stddev:F, distinct:F, first:F, last:F,\n"
	    "                           count_if:F=VALUE, prev:F, since_prev\n"
	    "      --distinct-cap N     distinct values tracked per window\n"
	    "                           (default 10000)\n"
	    "Time and state:\n"
	    "      --time F             event time field (default ts), or\n"
	    "                           'arrival' for the wall clock\n"
	    "      --max-delay DUR      watermark = newest time - DUR (default 0)\n"
	    "      --allowed-lateness DUR  accept records this far behind it\n"
	    "      --late FILE          write late records to FILE\n"
	    "      --late-pass          pass late records on with \"_late\":true\n"
	    "      --idle-timeout DUR   when input is quiet, advance time with\n"
	    "                           the wall clock\n"
	    "      --state FILE         load and save the windows' state\n"
	    "      --flush              with --state: the input ends here, close\n"
	    "                           every window at the end\n"
	    "      --max-keys N         keep at most N keys (least recent go)\n"
	    "      --ttl DUR            forget keys idle for DUR of event time\n\n",
	    stdout);
	fputs(rt_cli_time_help, stdout);
	fputs(rt_cli_common_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected or late, "
	    "2 trouble.\nSee rt-window(1) and rtpipe(7).\n", stdout);
}

enum flist { FL_TIME, FL_KEY, FL_NUM, FL_DIST, FL_COND, FL_PREV, FL_N };

struct rw {
	struct rt_fcheck fc;	/* -k and --time fields seen at all? */
	int fc_key[RT_FCHECK_MAX], fc_time;
	struct rt_cli *cli;
	struct rt_wconf c;
	struct rt_win *w;
	const char *time_field;
	int arrival;
	int emit;		/* 0 default, 1 enrich, 2 close, 3 both */
	const char *late_path;
	int late_fd;
	int late_pass;
	int close_silent;	/* --emit enrich with --tumble */
	int64_t idle;
	const char *state_path;
	int flush;		/* --flush: close all at the end */
	int lock_fd;		/* the state's lock, held to the end */
	struct rt_buf config;	/* the options that shape the state */
	uint64_t late;
	/* Per record scratch. */
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf key, tmp, out, lateb;
	double *num;
	uint64_t *dh;
	const char **prev;
	size_t *prevlen;
	const struct rt_rec *rec;
	/* The fields read from every record, found in one pass: the slot
	 * of field i of list l (enum flist) is slot[first[l] + i], -1 past
	 * the set's size (then looked up by name). */
	struct rt_fset fs;
	int *slot;
	int first[FL_N];
	uint32_t node[RT_FSET_MAX];
	/* Prefetching the next records' keys: "F": for each key field, and
	 * the keys sniffed three records ahead, by record number modulo 4
	 * (a slot holds record seq's key when its seq says so).  When the
	 * record comes and its key is the sniffed one, its hash is not
	 * made again. */
	struct rt_buf *needle;
	size_t *needle_at;	/* where each was found in the last line */
	const char *ahead_at;	/* where the next call's bytes start */
	const char *ahead_third;	/* and the line it sniffs */
	const char *ahead_sniffed;	/* the line the last call sniffed */
	uint64_t seq;		/* the record being read */
	struct sniffed {
		uint64_t seq, h;
		size_t len;
		char key[256];
	} sniffed[4];
};

static void
add_agg(struct rw *rw, const char *spec)
{
	static const struct { const char *w; enum rt_wagg_kind k; int f; }
	kinds[] = {
		{ "count", RT_WA_COUNT, 0 }, { "sum", RT_WA_SUM, 1 },
		{ "avg", RT_WA_AVG, 1 }, { "min", RT_WA_MIN, 1 },
		{ "max", RT_WA_MAX, 1 }, { "stddev", RT_WA_STDDEV, 1 },
		{ "distinct", RT_WA_DISTINCT, 1 }, { "first", RT_WA_FIRST, 1 },
		{ "last", RT_WA_LAST, 1 }, { "count_if", RT_WA_COUNT_IF, 2 },
		{ "prev", RT_WA_PREV, 1 }, { "since_prev", RT_WA_SINCE_PREV, 0 },
	};
	struct rt_wagg a;
	char *s = rt_xstrdup(spec), *colon, *eq;
	size_t i;

	memset(&a, 0, sizeof a);
	colon = strchr(s, ':');
	eq = strchr(s, '=');
	if (eq && (colon == NULL || eq < colon)) {
		*eq = '\0';
		a.name = s;
		if (*a.name == '\0')
			rt_cli_usage_error(rw->cli, "--agg: '%s': empty name",
			    spec);
		s = eq + 1;
	}
	if (colon) {
		*colon = '\0';
		a.field = colon + 1;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i].w) == 0)
			break;
	if (i == sizeof kinds / sizeof kinds[0])
		rt_cli_usage_error(rw->cli, "--agg: '%s': unknown aggregate "
		    "(count, sum, avg, min, max, stddev, distinct, first, last, "
		    "count_if, prev, since_prev)", spec);
	a.kind = kinds[i].k;
	if (kinds[i].f == 0 && a.field)
		rt_cli_usage_error(rw->cli, "--agg: '%s': %s takes no field",
		    spec, kinds[i].w);
	if (kinds[i].f && (a.field == NULL || *a.field == '\0'))
		rt_cli_usage_error(rw->cli, "--agg: '%s': %s needs a field "
		    "(%s:F)", spec, kinds[i].w, kinds[i].w);
	if (kinds[i].f == 2) {
		char *v = strchr(a.field, '=');

		if (v == NULL)
			rt_cli_usage_error(rw->cli, "--agg: '%s': count_if "
			    "needs F=VALUE", spec);
		*v = '\0';
		a.value = v + 1;
	}
	rw->c.aggs = rt_xreallocarray(rw->c.aggs, (size_t)rw->c.nagg + 1,
	    sizeof *rw->c.aggs);
	rw->c.aggs[rw->c.nagg++] = a;
	if (a.name == NULL && a.field == NULL)
		free(s);	/* only the kind was in it */
	rt_buf_printf(&rw->config, "a=%s\n", spec);
}

static void
add_keys(struct rw *rw, const char *arg)
{
	char *s = rt_xstrdup(arg), *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		rw->c.keys = rt_xreallocarray(rw->c.keys, (size_t)rw->c.nkeys + 1,
		    sizeof *rw->c.keys);
		rw->c.keys[rw->c.nkeys++] = tok;
	}
	rt_buf_printf(&rw->config, "k=%s\n", arg);
}

static struct rt_wdef *
add_win(struct rw *rw, enum rt_wkind kind)
{
	struct rt_wdef *d;

	rw->c.win = rt_xreallocarray(rw->c.win, (size_t)rw->c.nwin + 1,
	    sizeof *rw->c.win);
	d = &rw->c.win[rw->c.nwin++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	return d;
}

/* A window's label is the duration as the user spelt it ("24h" stays
 * "24h", "60m" stays "60m"), so that the member is found by the name
 * one expects; with --lag, "_lag" and the lag as spelt follow. */
static void
label_add(struct rt_cli *cli, char *label, size_t cap, const char *pre,
    const char *spelling)
{
	size_t n = strlen(label);

	if ((size_t)snprintf(label + n, cap - n, "%s%s", pre, spelling) >=
	    cap - n)
		rt_cli_usage_error(cli, "'%s': too long a duration for a "
		    "member name (name the aggregate: NAME=AGG)", spelling);
}

struct dupcheck {
	struct rt_cli *cli;
	struct rt_map m;
};

static void
check_name(void *arg, const char *name)
{
	struct dupcheck *dc = arg;
	int isnew;

	rt_map_put(&dc->m, name, strlen(name), rt_hash(name, strlen(name)),
	    &isnew);
	if (!isnew)
		rt_cli_usage_error(dc->cli, "two aggregates would both be "
		    "named '%s' (give one a name: NAME=AGG)", name);
}

/* Event-time durations beyond the span of times a state holds (10,000
 * years) are refused: time arithmetic then never overflows. */
static void
check_durations(struct rt_cli *cli, const struct rw *rw)
{
	int64_t d[] = { rw->c.size, rw->c.hop, rw->c.gap, rw->c.offset,
	    rw->c.max_delay, rw->c.lateness, rw->c.ttl, rw->idle };

	for (int i = 0; i < rw->c.nwin; i++)
		if (rw->c.win[i].size > RT_STATE_DUR_MAX - rw->c.win[i].lag)
			rt_cli_usage_error(cli, "a window longer than 10000 "
			    "years");
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (d[i] > RT_STATE_DUR_MAX)
			rt_cli_usage_error(cli, "a duration longer than 10000 "
			    "years");
}

/*
 * The most windows a record may fall in (--size / --hop), and the most a
 * key may have open at once (its windows of --size plus --max-delay and
 * --allowed-lateness; for sessions, --max-delay and lateness over the
 * gap): each record walks through them, so more would make one record
 * cost without bound.  rt-window(1), "Limits".
 */
#define WINDOWS_MAX 10000

/* Options that would do nothing, and window shapes past the limits. */
static void
check_options(struct rt_cli *cli, const struct rw *rw, int offset_given,
    int dcap_given, int closed_given)
{
	const struct rt_wconf *c = &rw->c;
	int64_t step, reach, i;
	int dist = 0, sliding = 0;

	for (i = 0; i < c->nagg; i++)
		dist |= c->aggs[i].kind == RT_WA_DISTINCT;
	for (i = 0; i < c->nwin; i++)
		sliding |= c->win[i].kind == RT_WK_SLIDING;
	if (offset_given && c->close != RT_WC_TUMBLE && c->close != RT_WC_HOP)
		rt_cli_usage_error(cli, "--offset goes with --tumble or --hop");
	if (dcap_given && !dist)
		rt_cli_usage_error(cli, "--distinct-cap goes with -a distinct:F");
	if (closed_given && !sliding)
		rt_cli_usage_error(cli, "--closed goes with --sliding");
	if (rw->flush && !rw->state_path)
		rt_cli_usage_error(cli, "--flush goes with --state");
	if (c->max_keys && c->nkeys == 0)
		rt_cli_usage_error(cli, "--max-keys goes with -k (without a "
		    "key there is one)");
	if (c->close == RT_WC_NONE)
		return;
	step = c->close == RT_WC_SESSION ? c->gap : c->hop;
	if (c->close == RT_WC_HOP && c->size / c->hop > WINDOWS_MAX)
		rt_cli_usage_error(cli, "--size is %lld times --hop: a record "
		    "would fall in that many windows (at most %d)",
		    (long long)(c->size / c->hop), WINDOWS_MAX);
	reach = c->close == RT_WC_SESSION ? 0 : c->size;
	if (c->max_delay > INT64_MAX / 4 || c->lateness > INT64_MAX / 4)
		reach = INT64_MAX / 2;
	else
		reach += c->max_delay + c->lateness;
	if (reach / step > WINDOWS_MAX)
		rt_cli_usage_error(cli, "--max-delay and --allowed-lateness "
		    "would keep more than %d windows of a key open (%lld): "
		    "give a longer %s or less delay", WINDOWS_MAX,
		    (long long)(reach / step), c->close == RT_WC_SESSION ?
		    "--session gap" : c->close == RT_WC_HOP ? "--hop" :
		    "--tumble");
}

static void
options(struct rt_cli *cli, struct rw *rw, int argc, char **argv)
{
	int opt, li;
	int64_t hop = 0, size = 0, csize = 0;
	int offset_given = 0, dcap_given = 0, closed_given = 0;
	const char *p;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS "k:a:", longopts,
	    &li)) != -1) {
		switch (opt) {
		case 'k': add_keys(rw, optarg); break;
		case 'a': add_agg(rw, optarg); break;
		case OPT_TIME:
			rw->time_field = optarg;
			rw->arrival = strcmp(optarg, "arrival") == 0;
			break;
		case OPT_SLIDING: {
			struct rt_wdef *d = add_win(rw, RT_WK_SLIDING);

			d->size = rt_cli_dur(cli, "sliding", optarg, 0);
			label_add(cli, d->label, sizeof d->label, "", optarg);
			break;
		}
		case OPT_ROWS: {
			struct rt_wdef *d = add_win(rw, RT_WK_ROWS);

			d->rows = (uint32_t)rt_cli_count(cli, "rows", optarg, 1,
			    UINT32_MAX);
			snprintf(d->label, sizeof d->label, "%urows", d->rows);
			break;
		}
		case OPT_LAG:
			if (rw->c.nwin == 0 ||
			    rw->c.win[rw->c.nwin - 1].kind != RT_WK_SLIDING)
				rt_cli_usage_error(cli, "--lag shifts the "
				    "--sliding window given before it");
			if (rw->c.win[rw->c.nwin - 1].lag)
				rt_cli_usage_error(cli, "one --lag per --sliding");
			rw->c.win[rw->c.nwin - 1].lag =
			    rt_cli_dur(cli, "lag", optarg, 1);
			if (rw->c.win[rw->c.nwin - 1].lag)
				label_add(cli, rw->c.win[rw->c.nwin - 1].label,
				    sizeof rw->c.win[0].label, "_lag", optarg);
			break;
		case OPT_CLOSED:
			closed_given = 1;
			if (strcmp(optarg, "both") == 0)
				rw->c.closed_both = 1;
			else if (strcmp(optarg, "right") != 0)
				rt_cli_usage_error(cli, "--closed: '%s': use "
				    "right or both", optarg);
			break;
		case OPT_TUMBLE:
		case OPT_SESSION:
			if (rw->c.close != RT_WC_NONE)
				rt_cli_usage_error(cli, "one of --tumble, --hop "
				    "and --session at most");
			rw->c.close = opt == OPT_TUMBLE ? RT_WC_TUMBLE :
			    RT_WC_SESSION;
			csize = rt_cli_dur(cli, opt == OPT_TUMBLE ? "tumble" :
			    "session", optarg, 0);
			rw->c.clabel[0] = '\0';
			label_add(cli, rw->c.clabel, sizeof rw->c.clabel, "",
			    optarg);
			break;
		case OPT_HOP:
			if (rw->c.close != RT_WC_NONE)
				rt_cli_usage_error(cli, "one of --tumble, --hop "
				    "and --session at most");
			rw->c.close = RT_WC_HOP;
			hop = rt_cli_dur(cli, "hop", optarg, 0);
			break;
		case OPT_SIZE: size = rt_cli_dur(cli, "size", optarg, 0); break;
		case OPT_OFFSET:
			rw->c.offset = rt_cli_dur(cli, "offset", optarg, 1);
			offset_given = 1;
			break;
		case OPT_EMIT:
			if (strcmp(optarg, "enrich") == 0)
				rw->emit = 1;
			else if (strcmp(optarg, "close") == 0)
				rw->emit = 2;
			else if (strcmp(optarg, "both") == 0)
				rw->emit = 3;
			else
				rt_cli_usage_error(cli, "--emit: '%s': use "
				    "enrich, close or both", optarg);
			break;
		case OPT_DCAP:
			dcap_given = 1;
			rw->c.distinct_cap = (uint32_t)rt_cli_count(cli,
			    "distinct-cap", optarg, 1, UINT32_MAX);
			break;
		case OPT_MAXDELAY:
			rw->c.max_delay = rt_cli_dur(cli, "max-delay", optarg, 1);
			break;
		case OPT_LATENESS:
			rw->c.lateness = rt_cli_dur(cli, "allowed-lateness",
			    optarg, 1);
			break;
		case OPT_LATE: rw->late_path = optarg; break;
		case OPT_LATEPASS: rw->late_pass = 1; break;
		case OPT_IDLE: rw->idle = rt_cli_dur(cli, "idle-timeout", optarg, 0);
			break;
		case OPT_STATE: rw->state_path = optarg; break;
		case OPT_FLUSH: rw->flush = 1; break;
		case OPT_MAXKEYS:
			rw->c.max_keys = (uint32_t)rt_cli_count(cli,
			    "max-keys", optarg, 1, UINT32_MAX);
			break;
		case OPT_TTL: rw->c.ttl = rt_cli_dur(cli, "ttl", optarg, 0); break;
		case '?':
		case ':':
			rt_cli_bad_option(cli, argv, opt);
		default:
			if (!rt_cli_opt(cli, opt, optarg))
				rt_cli_bad_option(cli, argv, opt);
		}
	}
	if (rw->c.nwin == 0 && rw->c.close == RT_WC_NONE)
		rt_cli_usage_error(cli, "no window: give --sliding, --rows, "
		    "--tumble, --hop or --session");
	if (rw->c.close == RT_WC_HOP) {
		if (size == 0)
			rt_cli_usage_error(cli, "--hop needs --size");
		if (size < hop)
			rt_cli_usage_error(cli, "--size must be at least --hop");
		rw->c.size = size;
		rw->c.hop = hop;
	} else if (size) {
		rt_cli_usage_error(cli, "--size goes with --hop");
	} else if (rw->c.close == RT_WC_TUMBLE) {
		rw->c.size = rw->c.hop = csize;
	} else if (rw->c.close == RT_WC_SESSION) {
		rw->c.gap = csize;
	}
	check_options(cli, rw, offset_given, dcap_given, closed_given);
	if (rw->late_path && rw->late_pass)
		rt_cli_usage_error(cli, "--late and --late-pass exclude each "
		    "other");
	if (rw->c.nagg == 0)
		add_agg(rw, "count");
	/* What is emitted. */
	if (rw->c.close == RT_WC_NONE) {
		if (rw->emit >= 2)
			rt_cli_usage_error(cli, "--emit close needs --tumble, "
			    "--hop or --session");
	} else if (rw->emit == 1 || rw->emit == 3) {
		if (rw->c.close != RT_WC_TUMBLE)
			rt_cli_usage_error(cli, "--emit %s goes with --tumble "
			    "(a record belongs to one tumbling window)",
			    rw->emit == 1 ? "enrich" : "both");
		rw->c.enrich_close = 1;
	}
	if (rw->emit == 1 && rw->c.close != RT_WC_NONE)
		rw->close_silent = 1;
	if (!rw->c.distinct_cap)
		rw->c.distinct_cap = 10000;
	if ((p = rt_win_conf_slots(&rw->c)) != NULL)
		rt_cli_usage_error(cli, "%s", p);
	{
		struct dupcheck dc = { cli, { 0 } };

		rt_map_init(&dc.m);
		rt_win_names(&rw->c, check_name, &dc);
		rt_map_release(&dc.m);
	}
	check_durations(cli, rw);
	/* The configuration that shapes the state file. */
	for (int i = 0; i < rw->c.nwin; i++)
		rt_buf_printf(&rw->config, "w=%d %lld %lld %u\n",
		    (int)rw->c.win[i].kind, (long long)rw->c.win[i].size,
		    (long long)rw->c.win[i].lag, rw->c.win[i].rows);
	rt_buf_printf(&rw->config, "c=%d %lld %lld %lld %lld e=%d b=%d "
	    "d=%lld l=%lld cap=%u mk=%u ttl=%lld t=%s\n", (int)rw->c.close,
	    (long long)rw->c.size, (long long)rw->c.hop, (long long)rw->c.gap,
	    (long long)rw->c.offset, rw->emit, rw->c.closed_both,
	    (long long)rw->c.max_delay, (long long)rw->c.lateness,
	    rw->c.distinct_cap, rw->c.max_keys, (long long)rw->c.ttl,
	    rw->time_field);
}

/* A closed window's record: written, not counted as an input record. */
static void
emit_window(void *arg, const char *p, size_t n)
{
	struct rw *rw = arg;
	struct rt_rec r;

	if (rw->close_silent)
		return;
	memset(&r, 0, sizeof r);
	r.p = r.raw = p;
	r.len = r.rawlen = n;
	r.source = "window";
	rt_cli_emit_made(rw->cli, &r, p, n);
}

static void
late_record(struct rw *rw, const struct rt_rec *r, const struct rt_jdoc *d,
    int64_t t)
{
	struct rt_cli *cli = rw->cli;

	rw->late++;
	if (rw->late_pass) {
		rt_jedit_start(&rw->edit, d);
		rt_jedit_set(&rw->edit, "_late", 5, "true", 4);
		rw->out.len = 0;
		rt_jedit_finish(&rw->edit, &rw->out);
		rt_cli_emit(cli, r, rw->out.p, rw->out.len);
	} else if (rw->late_fd >= 0) {
		rw->lateb.len = 0;
		rt_buf_add(&rw->lateb, r->raw, r->rawlen);
		rt_buf_addc(&rw->lateb, '\n');
		for (size_t off = 0; off < rw->lateb.len;) {
			ssize_t k = write(rw->late_fd, rw->lateb.p + off,
			    rw->lateb.len - off);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				rt_cli_fatal(cli, "%s: %s", rw->late_path,
				    strerror(errno));
			off += (size_t)k;
		}
		rt_cli_drop(cli);
	} else {
		char why[160], dur[40];
		dur[rt_dur_fmt(rt_clock_behind(rt_win_clock(rw->w), t),
		    dur)] = '\0';
		snprintf(why, sizeof why, "late: %s behind the watermark "
		    "(see --allowed-lateness, --late)", dur);
		rt_cli_reject(cli, r, why);
	}
}

/* Slots, in the order field() reads them. */
static void
field_slots(struct rw *rw)
{
	const struct rt_wconf *c = &rw->c;
	const char *const time[] = { rw->time_field };
	const char *const *lists[FL_N] = { time,
	    (const char *const *)c->keys, (const char *const *)c->numf,
	    (const char *const *)c->distf, (const char *const *)c->condf,
	    (const char *const *)c->prevf };
	const int counts[FL_N] = { 1, c->nkeys, c->nnum, c->ndist, c->ncond,
	    c->nprev };
	int n = 0, j;

	rw->needle = rt_xcalloc((size_t)c->nkeys + 1, sizeof *rw->needle);
	rw->needle_at = rt_xcalloc((size_t)c->nkeys + 1, sizeof *rw->needle_at);
	for (j = 0; j < c->nkeys; j++)
		rt_buf_printf(&rw->needle[j], "\"%s\":", c->keys[j]);
	rt_fset_init(&rw->fs);
	for (j = 0; j < FL_N; j++)
		n += counts[j];
	rw->slot = rt_xcalloc((size_t)n, sizeof *rw->slot);
	for (n = j = 0; j < FL_N; j++) {
		rw->first[j] = n;
		for (int i = 0; i < counts[j]; i++)
			rw->slot[n++] = rt_fset_add(&rw->fs, lists[j][i],
			    strlen(lists[j][i]));
	}
}

/* The key text of the NDJSON line p[0, n) as record() builds it, read
 * off the bytes: each key field's "F": followed by a string without
 * escapes or a bare value.  Its length, or 0 when the bytes do not say
 * plainly (a hint is then skipped: nothing else depends on it). */
static size_t
sniff_key(struct rw *rw, const char *p, size_t n, char *out,
    size_t cap)
{
	size_t len = 0;

	for (int i = 0; i < rw->c.nkeys; i++) {
		const struct rt_buf *nd = &rw->needle[i];
		const char *s = p, *end = p + n, *v, *e;
		size_t at = rw->needle_at[i];
		int found;

		/* Records of a stream mostly share their layout: try where
		 * the field was last time first. */
		found = at + nd->len < n && memcmp(p + at, nd->p, nd->len) == 0;
		if (found)
			s = p + at;
		while (!found) {
			s = memchr(s, '"', (size_t)(end - s));
			if (s == NULL || (size_t)(end - s) <= nd->len)
				return 0;
			if (s[1] == nd->p[1] && memcmp(s, nd->p, nd->len) == 0)
				break;
			s++;
		}
		rw->needle_at[i] = (size_t)(s - p);
		v = s + nd->len;
		if (*v == '"') {
			e = memchr(v + 1, '"', (size_t)(end - v - 1));
			if (e == NULL || memchr(v, '\\', (size_t)(e - v)))
				return 0;
			e++;
		} else {
			for (e = v; e < end && *e != ',' && *e != '}' &&
			    *e != ' '; e++)
				;
		}
		if (len + (size_t)(e - v) + 1 > cap)
			return 0;
		if (i)
			out[len++] = '\0';
		memcpy(out + len, v, (size_t)(e - v));
		len += (size_t)(e - v);
	}
	return len;
}

/* Hints for the keys of the next three records (see rt_win_prefetch):
 * the record three ahead is sniffed now (stage 0), those sniffed one and
 * two calls before go on to stages 1 and 2. */
static void
prefetch_keys(struct rw *rw)
{
	const char *p, *nl, *end;
	size_t n = rt_src_ahead(&rw->cli->src, &p), k;
	struct sniffed *sn;
	int i;

	rw->seq++;
	for (i = 2; i > 0; i--) {
		sn = &rw->sniffed[(rw->seq + (uint64_t)i) & 3];
		if (sn->seq == rw->seq + (uint64_t)i)
			rt_win_prefetch(rw->w, sn->h, 3 - i);
	}
	if (n == 0)
		return;
	end = p + n;
	/* The line three ahead starts where the last call's ended, when
	 * the buffer has not moved; else walk to it. */
	if (p != rw->ahead_at) {
		const char *q = p;

		for (i = 0; i < 2; i++) {
			if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL) {
				rw->ahead_at = NULL;
				return;
			}
			q = nl + 1;
			if (i == 0)
				rw->ahead_at = q;
		}
		rw->ahead_third = q;
	} else {
		/* The line after the next is the one sniffed last time. */
		rw->ahead_at = rw->ahead_sniffed;
	}
	p = rw->ahead_third;
	if (p >= end || (nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
		rw->ahead_at = NULL;
		return;
	}
	rw->ahead_sniffed = p;
	rw->ahead_third = nl + 1;
	sn = &rw->sniffed[(rw->seq + 3) & 3];
	if ((k = sniff_key(rw, p, (size_t)(nl - p), sn->key,
	    sizeof sn->key)) == 0)
		return;
	sn->seq = rw->seq + 3;
	sn->h = rt_hash(sn->key, k);
	sn->len = k;
	rt_win_prefetch(rw->w, sn->h, 0);
}

/* The hash of the record's key if it is the one sniffed three records
 * before, else 0. */
static uint64_t
sniffed_hash(const struct rw *rw)
{
	const struct sniffed *sn = &rw->sniffed[rw->seq & 3];

	if (sn->seq == rw->seq && sn->len == rw->key.len &&
	    rt_bytes_eq(sn->key, rw->key.p, sn->len))
		return sn->h;
	return 0;
}

/* The value node of field i of list l (named name) in d, or 0. */
static uint32_t
field(const struct rw *rw, const struct rt_jdoc *d, enum flist l, int i,
    const char *name)
{
	int s = rw->slot[rw->first[l] + i];

	return s >= 0 ? rw->node[s] : rt_jdoc_get(d, 0, name, strlen(name));
}

/* Over the first records: are the -k and --time fields there at all? */
static void
check_fields(struct rw *rw, const struct rt_jdoc *d)
{
	if (!rw->arrival && field(rw, d, FL_TIME, 0, rw->time_field))
		rt_fcheck_saw(&rw->fc, rw->fc_time);
	for (int i = 0; i < rw->c.nkeys; i++)
		if (field(rw, d, FL_KEY, i, rw->c.keys[i]))
			rt_fcheck_saw(&rw->fc, rw->fc_key[i]);
	if (rt_fcheck_look(&rw->fc))
		rt_cli_fcheck(rw->cli, &rw->fc);
}

static void
record(struct rw *rw, const struct rt_rec *r)
{
	struct rt_cli *cli = rw->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &rw->doc);
	struct rt_wev ev;
	const char *err;
	char why[200];
	int i;
	uint32_t cond = 0;

	rw->rec = r;
	if (d == NULL) {
		rt_cli_reject_json(cli, r, &rw->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	rt_fset_find(&rw->fs, d, rw->node);
	if (!rw->fc.told)
		check_fields(rw, d);
	if (rw->arrival) {
		ev.t = rt_time_now_us();
	} else if ((err = rt_field_time_at(d, field(rw, d, FL_TIME, 0, rw->time_field),
	    &cli->topt, &rw->tmp, &ev.t)) != NULL) {
		snprintf(why, sizeof why, "%s: %s", rw->time_field,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		rt_cli_reject(cli, r, why);
		return;
	}
	if (!rt_state_time_ok(ev.t)) {
		/* Beyond what a state file holds (rtpipe(7), STATE FILES). */
		snprintf(why, sizeof why, "%s: time out of range",
		    rw->time_field);
		rt_cli_reject(cli, r, why);
		return;
	}
	rw->key.len = 0;
	for (i = 0; i < rw->c.nkeys; i++) {
		uint32_t k = field(rw, d, FL_KEY, i, rw->c.keys[i]);

		if (k == 0) {
			snprintf(why, sizeof why, "%.100s: key field missing",
			    rw->c.keys[i]);
			rt_cli_reject(cli, r, why);
			return;
		}
		if (i)
			rt_buf_addc(&rw->key, '\0');
		rt_buf_add(&rw->key, rt_jdoc_text(d, k), d->v[k].len);
	}
	if (rt_clock_is_late(rt_win_clock(rw->w), ev.t)) {
		late_record(rw, r, d, ev.t);
		return;
	}
	for (i = 0; i < rw->c.nnum; i++) {
		uint32_t k = field(rw, d, FL_NUM, i, rw->c.numf[i]);

		if (k == 0 || !rt_field_num(d, k, &rw->num[i]))
			rw->num[i] = NAN;
	}
	for (i = 0; i < rw->c.ndist; i++) {
		uint32_t k = field(rw, d, FL_DIST, i, rw->c.distf[i]);

		rw->dh[i] = 0;
		if (k && d->v[k].type != RT_JNULL) {
			rw->tmp.len = 0;
			rt_field_text(d, k, &rw->tmp);
			rw->dh[i] = rt_hash(rw->tmp.p, rw->tmp.len) | 1;
		}
	}
	for (i = 0; i < rw->c.ncond; i++) {
		uint32_t k = field(rw, d, FL_COND, i, rw->c.condf[i]);

		if (k == 0)
			continue;
		rw->tmp.len = 0;
		rt_field_text(d, k, &rw->tmp);
		if (rw->tmp.len == strlen(rw->c.condv[i]) &&
		    memcmp(rw->tmp.p, rw->c.condv[i], rw->tmp.len) == 0)
			cond |= 1u << i;
	}
	for (i = 0; i < rw->c.nprev; i++) {
		uint32_t k = field(rw, d, FL_PREV, i, rw->c.prevf[i]);

		rw->prev[i] = k ? rt_jdoc_text(d, k) : NULL;
		rw->prevlen[i] = k ? d->v[k].len : 0;
	}
	ev.key = rw->key.p ? rw->key.p : "";
	ev.klen = rw->key.len;
	ev.hash = rw->c.nkeys ? sniffed_hash(rw) : 0;
	ev.num = rw->num;
	ev.dh = rw->dh;
	ev.cond = cond;
	ev.prev = rw->prev;
	ev.prevlen = rw->prevlen;
	rt_win_advance(rw->w, ev.t);
	if (rw->c.nwin || rw->c.enrich_close) {
		rt_jedit_start(&rw->edit, d);
		rt_win_add(rw->w, &ev, &rw->edit);
		rt_cli_emit_edit(cli, r, &rw->edit, &rw->out);
	} else {
		rt_win_add(rw->w, &ev, NULL);
		rt_cli_drop(cli);	/* taken into its windows */
	}
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct rw *rw = arg;
	struct rt_wstats st;

	rt_win_stats(rw->w, &st);
	rt_stats_member(b, "late", rw->late);
	rt_stats_member(b, "windows", st.windows);
	rt_stats_member(b, "keys", st.keys);
	rt_stats_member(b, "events", st.events);
	rt_stats_member(b, "evicted", st.evicted);
	rt_stats_member(b, "expired", st.expired);
	rt_stats_member(b, "distinct_capped", st.capped);
}

static void
load_state(struct rw *rw)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *why;
	size_t body;

	if (rt_state_load(rw->state_path, &b) == -1) {
		if (errno == ENOENT)
			return;
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path,
		    strerror(errno));
	}
	why = rt_state_check(&b, "rt-window", rw->config.p, rw->config.len,
	    &body);
	if (why == NULL)
		why = rt_win_load(rw->w, b.p + body, b.len - body);
	if (why)
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path, why);
	rt_buf_release(&b);
}

/* Output first, then the state: a run killed in between writes its output
 * again when run again (at least once), and never loses it. */
static void
save_state(struct rw *rw)
{
	struct rt_buf b = RT_BUF_INIT;

	rt_cli_idle(rw->cli);
	rt_state_header(&b, "rt-window", rw->config.p, rw->config.len);
	rt_win_save(rw->w, &b);
	if (rt_state_save(rw->state_path, b.p, b.len) == -1)
		rt_cli_fatal(rw->cli, "%s: %s", rw->state_path,
		    strerror(errno));
	rt_buf_release(&b);
}

/* The newest event time, for the stats file and the progress line. */
static int64_t
newest(void *arg)
{
	const struct rw *rw = arg;
	int64_t t = rt_clock_newest(rt_win_clock(rw->w));

	return t == INT64_MIN || rw->cli->st.in == 0 ? INT64_MIN : t;
}

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	if (ctl->kind == RT_CTL_BARRIER)
		save_state(arg);
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct rw rw;
	struct rt_rec rec;
	struct rt_clock *clk;
	int k, n;

	memset(&rw, 0, sizeof rw);
	rt_cli_init(&cli, "rt-window", usage);
	rw.cli = &cli;
	rw.time_field = "ts";
	rw.late_fd = -1;
	options(&cli, &rw, argc, argv);
	for (int i = 0; i < rw.c.nkeys; i++)
		rw.fc_key[i] = rt_fcheck_add(&rw.fc, "-k", rw.c.keys[i]);
	rw.fc_time = rw.arrival ? -1 : rt_fcheck_add(&rw.fc, "--time",
	    rw.time_field);
	n = rw.c.nnum + rw.c.ndist + rw.c.nprev + 1;
	rw.num = rt_xcalloc((size_t)n, sizeof *rw.num);
	rw.dh = rt_xcalloc((size_t)n, sizeof *rw.dh);
	rw.prev = rt_xcalloc((size_t)n, sizeof *rw.prev);
	rw.prevlen = rt_xcalloc((size_t)n, sizeof *rw.prevlen);
	field_slots(&rw);
	rt_jdoc_init(&rw.doc, 0);
	rt_jedit_init(&rw.edit);
	rw.w = rt_win_new(&rw.c, emit_window, &rw);
	clk = rt_win_clock(rw.w);
	clk->idle = rw.idle;
	if (rw.state_path) {
		rw.lock_fd = rt_cli_state_lock(&cli, rw.state_path);
		load_state(&rw);
	}
	if (rw.late_path) {
		rw.late_fd = open(rw.late_path, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0666);
		if (rw.late_fd < 0)
			rt_cli_fatal(&cli, "%s: %s", rw.late_path,
			    strerror(errno));
	}
	cli.st.extra = extra_stats;
	cli.st.extra_arg = &rw;
	cli.nowait = 1;
	cli.evtime = newest;
	cli.evtime_arg = &rw;
	if (rw.state_path) {
		cli.control = on_control;
		cli.control_arg = &rw;
		rt_cli_allow(&cli, rw.state_path, RT_SB_WRITE | RT_SB_DIR);
	}
	rt_cli_start(&cli, argc, argv, optind);
	if (rw.state_path)
		rt_cli_catch_term();
	while (!rt_cli_term && (k = rt_cli_next(&cli, &rec)) != 0) {
		if (k == 1) {
			if (rw.c.nkeys)
				prefetch_keys(&rw);
			record(&rw, &rec);
			rt_clock_touch(clk);
			continue;
		}
		/* Nothing to read: flush, then wait (for the idle timer when
		 * windows are open). */
		{
			struct pollfd pfd[2] = {
				{ rt_src_fd(&cli.src), POLLIN, 0 },
				{ rt_cli_term_fd(), POLLIN, 0 }
			};
			int64_t to;

			if (rw.state_path && rt_cli_usr1)
				save_state(&rw);
			rt_cli_idle(&cli);
			rt_clock_wait(clk, pfd, 2, -1, rt_win_open(rw.w), &to);
			if (to != INT64_MIN)
				rt_win_advance(rw.w, to);
		}
	}
	/* A signal is not the end of the input: the state keeps what is
	 * open, --flush or not. */
	if (!rw.state_path || (rw.flush && !rt_cli_term))
		rt_win_close_all(rw.w);
	if (rw.state_path)
		save_state(&rw);
	if (rw.late_fd >= 0 && close(rw.late_fd) == -1)
		rt_cli_fatal(&cli, "%s: %s", rw.late_path, strerror(errno));
	rt_cli_fcheck(&cli, &rw.fc);
	k = rt_cli_finish(&cli);
	/* Saved: the lock goes now, not when the process is gone (a leak
	 * checker's helper at exit would hold it on). */
	if (rw.state_path)
		close(rw.lock_fd);
	rt_win_free(rw.w);
	rt_jdoc_release(&rw.doc);
	rt_jedit_release(&rw.edit);
	return k;
}
