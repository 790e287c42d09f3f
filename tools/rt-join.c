/*
 * rt-join - enrich each record from a reference table (CSV, TSV, NDJSON
 * or SQLite): exact, as-of and range lookups, reloaded live.  Tables are
 * lib/table.c and lib/tsql.c, the join lib/join.c, reloading
 * lib/reload.c; this file reads options.  See rt-join(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "join.h"
#include "mem.h"
#include "number.h"
#include "reload.h"
#include "table.h"
#include "tsql.h"

enum {
	OPT_TABLE = RT_OPT_TOOL, OPT_TFMT, OPT_TDELIM, OPT_ON, OPT_AS,
	OPT_SELECT, OPT_PREFIX, OPT_NUMBER, OPT_INTEGER, OPT_BOOL, OPT_DECCOMMA,
	OPT_SCHEMA, OPT_MISSING, OPT_DEFAULT, OPT_MANY, OPT_ASOF, OPT_VALIDFROM,
	OPT_RANGE, OPT_WATCH, OPT_INTERVAL, OPT_SQL, OPT_TNAME, OPT_CACHE
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "table-format", required_argument, NULL, OPT_TFMT },
	{ "table-delimiter", required_argument, NULL, OPT_TDELIM },
	{ "on", required_argument, NULL, OPT_ON },
	{ "as", required_argument, NULL, OPT_AS },
	{ "select", required_argument, NULL, OPT_SELECT },
	{ "prefix", required_argument, NULL, OPT_PREFIX },
	{ "number", required_argument, NULL, OPT_NUMBER },
	{ "integer", required_argument, NULL, OPT_INTEGER },
	{ "bool", required_argument, NULL, OPT_BOOL },
	{ "decimal-comma", no_argument, NULL, OPT_DECCOMMA },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "missing", required_argument, NULL, OPT_MISSING },
	{ "default", required_argument, NULL, OPT_DEFAULT },
	{ "many", required_argument, NULL, OPT_MANY },
	{ "as-of", required_argument, NULL, OPT_ASOF },
	{ "valid-from", required_argument, NULL, OPT_VALIDFROM },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "watch", no_argument, NULL, OPT_WATCH },
	{ "watch-interval", required_argument, NULL, OPT_INTERVAL },
	{ "sql", required_argument, NULL, OPT_SQL },
	{ "table-name", required_argument, NULL, OPT_TNAME },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-join --table FILE --on F[=COL][,F2[=COL2]] [OPTION]... "
	    "[FILE]...\n"
	    "Add to each record the columns of the table row whose key matches.\n\n"
	    "Table:\n"
	    "      --table FILE         CSV, TSV, NDJSON or SQLite (by extension)\n"
	    "      --table-format FMT   csv, tsv, ndjson or sqlite\n"
	    "      --table-delimiter C  the table's CSV delimiter (default -d, ',')\n"
	    "      --sql QUERY          SQLite: the rows of QUERY\n"
	    "      --table-name T       SQLite: the rows of table T\n"
	    "      --cache N            SQLite: look keys up, keep N of them\n"
	    "      --number COLS        read these CSV columns as numbers\n"
	    "      --integer COLS       ... as whole numbers\n"
	    "      --bool COLS          ... as true/false\n"
	    "      --decimal-comma      read 12,50 as 12.50 in --number columns\n"
	    "      --schema FILE        column types from a JSON Schema's properties\n"
	    "      --watch              load the table again when it changes\n"
	    "      --watch-interval DUR how often to look (default 1s)\n"
	    "Join:\n"
	    "      --on F[=COL],...     record field F equals table column COL\n"
	    "      --as NAME            nest the columns under member NAME\n"
	    "      --select COLS        the columns to add, in this order\n"
	    "      --prefix P           put P before the names of the columns\n"
	    "      --missing MODE       no match: pass (default), drop or reject\n"
	    "      --default COL=V      V for COL when no row matched, or it is null\n"
	    "      --many MODE          several rows: first (default), last or all\n"
	    "      --as-of F            the row valid at the record's time F...\n"
	    "      --valid-from COL     ...the latest with COL <= F\n"
	    "      --range LO,HI        the row whose [LO, HI] holds the --on value\n"
	    "The table is loaded again on SIGHUP.\n\n", stdout);
	fputs(rt_cli_time_help, stdout);
	fputs(rt_cli_common_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-join(1) and rtpipe(7).\n", stdout);
}

#define MAXTYPES 256

/* The table in force: in memory, or SQLite lookups. */
struct jtab {
	struct rt_table t;
	struct rt_tsql *q;
};

struct jn {
	struct rt_cli *cli;
	struct rt_join j;
	struct rt_tspec spec;
	const char *path, *sql, *tname, *schema;
	long long cache;
	int fmt, watch;
	int64_t interval;
	struct rt_ttype types[MAXTYPES];
	char *owned[MAXTYPES + 4 * RT_TABLE_MAXKEY];
	int nowned;
	const char *select[RT_FSET_MAX];
	struct jtab *cur;
	struct rt_reload rl;
	uint64_t reloads, failures;
	struct rt_jdoc doc;
	struct rt_buf out;
};

static char *
own(struct jn *g, const char *s, size_t n)
{
	if (g->nowned == (int)(sizeof g->owned / sizeof *g->owned))
		rt_cli_usage_error(g->cli, "too many names");
	return g->owned[g->nowned++] = rt_xmemdup(s, n);
}

/* Split a comma-separated list into out[]; returns the count. */
static int
split(struct jn *g, const char *opt, const char *list, const char **out,
    int max)
{
	const char *p = list, *e;
	int n = 0;

	for (;;) {
		e = strchr(p, ',');
		if ((e ? (size_t)(e - p) : strlen(p)) == 0 || n == max)
			rt_cli_usage_error(g->cli, "--%s: %s: '%s'", opt, n == max ?
			    "too many names" : "an empty name", list);
		out[n++] = own(g, p, e ? (size_t)(e - p) : strlen(p));
		if (!e)
			return n;
		p = e + 1;
	}
}

static void
add_types(struct jn *g, const char *opt, const char *list, int type)
{
	const char *names[MAXTYPES];
	int n = split(g, opt, list, names, MAXTYPES - g->spec.ntypes);

	for (int i = 0; i < n; i++) {
		g->types[g->spec.ntypes].name = names[i];
		g->types[g->spec.ntypes++].type = type;
	}
}

/* --on F[=COL],...: the record's fields and the table's columns. */
static void
on_spec(struct jn *g, const char *arg)
{
	const char *parts[RT_TABLE_MAXKEY];
	int n = split(g, "on", arg, parts, RT_TABLE_MAXKEY);

	for (int i = 0; i < n; i++) {
		const char *eq = strchr(parts[i], '=');

		g->j.field[i] = eq ? own(g, parts[i], (size_t)(eq - parts[i])) :
		    parts[i];
		g->spec.key[i] = eq ? eq + 1 : parts[i];
		if (*g->j.field[i] == '\0' || *g->spec.key[i] == '\0')
			rt_cli_usage_error(g->cli, "--on: an empty name: '%s'", arg);
	}
	g->j.nfield = g->spec.nkey = n;
}

static int
word(struct rt_cli *cli, const char *opt, const char *arg, const char *a,
    const char *b, const char *c)
{
	const char *w[3] = { a, b, c };

	for (int i = 0; i < 3; i++)
		if (strcmp(arg, w[i]) == 0)
			return i;
	rt_cli_usage_error(cli, "--%s: expected %s, %s or %s: '%s'", opt, a, b,
	    c, arg);
}

static void
option(struct jn *g, int opt, const char *arg, char **argv)
{
	struct rt_cli *cli = g->cli;
	const char *err, *two[2];

	switch (opt) {
	case OPT_TABLE: g->path = arg; break;
	case OPT_TFMT:
		if (strcmp(arg, "sqlite") == 0)
			g->fmt = RT_TF_SQLITE;
		else if ((g->fmt = rt_fmt_parse(arg)) < 0)
			rt_cli_usage_error(cli, "--table-format: expected csv, "
			    "tsv, ndjson or sqlite: '%s'", arg);
		else
			g->fmt = g->fmt == RT_FMT_CSV ? RT_TF_CSV : g->fmt ==
			    RT_FMT_TSV ? RT_TF_TSV : RT_TF_NDJSON;
		break;
	case OPT_TDELIM:
		g->spec.delim = strcmp(arg, "tab") == 0 ? '\t' : arg[0];
		if (strlen(arg) != 1 && g->spec.delim != '\t')
			rt_cli_usage_error(cli, "--table-delimiter: '%s' is not "
			    "one byte (or tab)", arg);
		break;
	case OPT_ON: on_spec(g, arg); break;
	case OPT_AS: g->j.as = arg; break;
	case OPT_SELECT:
		g->spec.select = g->select;
		g->spec.nselect = split(g, "select", arg, g->select,
		    RT_FSET_MAX);
		break;
	case OPT_PREFIX: g->spec.prefix = g->j.prefix = arg; break;
	case OPT_NUMBER: add_types(g, "number", arg, RT_TT_NUMBER); break;
	case OPT_INTEGER: add_types(g, "integer", arg, RT_TT_INTEGER); break;
	case OPT_BOOL: add_types(g, "bool", arg, RT_TT_BOOL); break;
	case OPT_DECCOMMA: g->spec.numflags |= RT_NUM_DECIMAL_COMMA; break;
	case OPT_SCHEMA: g->schema = arg; break;
	case OPT_MISSING:
		g->j.missing = word(cli, "missing", arg, "pass", "drop", "reject");
		break;
	case OPT_DEFAULT:
		if ((err = rt_join_default(&g->j, arg)) != NULL)
			rt_cli_usage_error(cli, "--default: %s: '%s'", err, arg);
		break;
	case OPT_MANY:
		g->j.many = word(cli, "many", arg, "first", "last", "all");
		break;
	case OPT_ASOF: g->j.asof = arg; break;
	case OPT_VALIDFROM: g->spec.valid_from = arg; break;
	case OPT_RANGE:
		if (split(g, "range", arg, two, 2) != 2 || strchr(two[1], ','))
			rt_cli_usage_error(cli, "--range: expected LO,HI: '%s'", arg);
		g->spec.lo = two[0];
		g->spec.hi = two[1];
		g->j.range = 1;
		break;
	case OPT_WATCH: g->watch = 1; break;
	case OPT_INTERVAL:
		g->interval = rt_cli_dur(cli, "watch-interval", arg, 0);
		break;
	case OPT_SQL: g->sql = arg; break;
	case OPT_TNAME: g->tname = arg; break;
	case OPT_CACHE:
		g->cache = rt_cli_count(cli, "cache", arg, 1, 1LL << 30);
		break;
	case '?':
	case ':':
		rt_cli_bad_option(cli, argv, opt);
	default:
		if (!rt_cli_opt(cli, opt, arg))
			rt_cli_bad_option(cli, argv, opt);
	}
}

/* Options that make no sense together are usage errors. */
static void
check_options(struct jn *g)
{
	struct rt_cli *cli = g->cli;
	int sqlite;

	if (g->path == NULL || g->j.nfield == 0)
		rt_cli_usage_error(cli, "--table and --on are required");
	if (strcmp(g->path, "-") == 0)
		rt_cli_usage_error(cli, "--table: standard input is the stream");
	sqlite = rt_table_format(g->path, g->fmt) == RT_TF_SQLITE;
	if (!sqlite && (g->sql || g->tname || g->cache))
		rt_cli_usage_error(cli, "--sql, --table-name and --cache need an "
		    "SQLite table");
	if (sqlite && !g->sql == !g->tname)
		rt_cli_usage_error(cli, "an SQLite table needs --sql or "
		    "--table-name (one of them)");
	if (!g->j.asof != !g->spec.valid_from)
		rt_cli_usage_error(cli, "--as-of and --valid-from go together");
	if (g->j.range && (g->j.nfield != 1 || g->j.asof || g->cache ||
	    strcmp(g->j.field[0], g->spec.key[0]) != 0))
		rt_cli_usage_error(cli, "--range takes one --on field (no =COL), "
		    "without --as-of or --cache");
	if (g->j.range)
		g->spec.nkey = 0;	/* rows are found by their bounds */
	if (g->interval && !g->watch)
		rt_cli_usage_error(cli, "--watch-interval goes with --watch");
	if (g->watch && !g->interval)
		g->interval = RT_US_PER_S;
	g->fmt = sqlite ? RT_TF_SQLITE : g->fmt;
}

/* --schema FILE: the types of its "properties". */
static void
schema_types(struct jn *g)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint32_t props, k, ty;
	FILE *f = fopen(g->schema, "rb");

	if (f == NULL || rt_buf_read_fd(&b, fileno(f)) == -1)
		rt_cli_fatal(g->cli, "%s: %s", g->schema, strerror(errno));
	fclose(f);
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, b.p ? b.p : "", b.len) == -1 ||
	    d.v[0].type != RT_JOBJ ||
	    (props = rt_jdoc_get(&d, 0, "properties", 10)) == 0 ||
	    d.v[props].type != RT_JOBJ)
		rt_cli_fatal(g->cli, "%s: not a JSON Schema with properties",
		    g->schema);
	for (k = props + 1; k < d.v[props].next && g->spec.ntypes < MAXTYPES;
	    k = d.v[k + 1].next) {
		struct rt_buf t = RT_BUF_INIT, name = RT_BUF_INIT;
		int type = RT_TT_NONE;

		if (d.v[k + 1].type == RT_JOBJ &&
		    (ty = rt_jdoc_get(&d, k + 1, "type", 4)) != 0)
			rt_buf_add(&t, rt_jdoc_text(&d, ty), d.v[ty].len);
		rt_buf_addc(&t, '\0');
		type = strstr(t.p, "\"integer\"") ? RT_TT_INTEGER :
		    strstr(t.p, "\"number\"") ? RT_TT_NUMBER :
		    strstr(t.p, "\"boolean\"") ? RT_TT_BOOL : RT_TT_NONE;
		rt_jdoc_str(&d, k, &name);
		if (type != RT_TT_NONE) {
			g->types[g->spec.ntypes].name = own(g, name.p ? name.p :
			    "", name.len);
			g->types[g->spec.ntypes++].type = type;
		}
		rt_buf_release(&t);
		rt_buf_release(&name);
	}
	rt_jdoc_release(&d);
	rt_buf_release(&b);
}

static void
jtab_free(void *arg, void *obj)
{
	struct jtab *jt = obj;

	(void)arg;
	if (jt->q)
		rt_tsql_free(jt->q);
	else
		rt_table_release(&jt->t);
	free(jt);
}

/* Load the table (any thread): the new one, or NULL with err. */
static void *
load(void *arg, char *err, size_t errlen)
{
	struct jn *g = arg;
	struct jtab *jt = rt_xcalloc(1, sizeof *jt);
	const char *why = NULL;

	if (g->cache)
		jt->q = rt_tsql_open(g->path, g->sql, g->tname, &g->spec,
		    (size_t)g->cache, &why);
	else if (g->fmt == RT_TF_SQLITE)
		why = rt_tsql_load(&jt->t, g->path, g->sql, g->tname, &g->spec);
	else
		why = rt_table_load(&jt->t, g->path, &g->spec);
	if (why) {
		snprintf(err, errlen, "%s", why);
		free(jt);
		return NULL;
	}
	return jt;
}

/* Put table jt in force; say which rows it refused. */
static void
use(struct jn *g, struct jtab *jt)
{
	const char *p, *e;

	if (g->cur)
		jtab_free(g, g->cur);
	g->cur = jt;
	if (jt->q) {
		rt_join_use(&g->j, NULL, rt_tsql_cols(jt->q), rt_tsql_lookup,
		    jt->q);
		g->j.prefetch = rt_tsql_prefetch;
		return;
	}
	rt_join_use(&g->j, &jt->t, &jt->t.cols, NULL, NULL);
	for (p = jt->t.rej.p; p && p < jt->t.rej.p + jt->t.rej.len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(jt->t.rej.p + jt->t.rej.len - p));
		rt_cli_warn(g->cli, "%s:%.*s (row skipped)", g->path,
		    (int)(e - p), p);
	}
	if (jt->t.rejected > RT_TABLE_MAXREJ)
		rt_cli_warn(g->cli, "%s: %llu more rows skipped", g->path,
		    (unsigned long long)(jt->t.rejected - RT_TABLE_MAXREJ));
}

/* A reload the thread finished: in force now, between two records. */
static void
swap(struct jn *g)
{
	const char *err;
	void *obj;
	int k = rt_reload_take(&g->rl, &obj, &err);

	if (k == 1) {
		g->reloads++;
		use(g, obj);
	} else if (k == -1) {
		g->failures++;
		rt_cli_warn(g->cli, "warning: %s: reload failed, the table in "
		    "force stays: %s", g->path, err);
	}
}

static void
join_one(struct jn *g, const struct rt_rec *r)
{
	struct rt_cli *cli = g->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &g->doc);
	const char *why, *ahead;
	uint32_t i, n;
	size_t an;

	if ((an = rt_src_ahead(&cli->src, &ahead)) > 0)
		rt_join_hint(&g->j, ahead, an);
	if (d == NULL) {
		rt_cli_reject_json(cli, r, &g->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	switch (rt_join_record(&g->j, d, &why)) {
	case RT_JOIN_PASS:
		rt_cli_emit(cli, r, r->p, r->len);
		break;
	case RT_JOIN_DROP:
		rt_cli_drop(cli);
		break;
	case RT_JOIN_REJECT:
		rt_cli_reject(cli, r, why);
		break;
	default:
		for (i = 0, n = rt_join_nout(&g->j); i < n; i++) {
			g->out.len = 0;
			rt_join_write(&g->j, d, i, &g->out);
			(i ? rt_cli_emit_made : rt_cli_emit)(cli, r, g->out.p,
			    g->out.len);
		}
	}
	if (rt_fcheck_look(&g->j.fc))
		rt_cli_fcheck(cli, &g->j.fc);
}

/* Nothing to read: wait for input or for a table loaded anew. */
static void
wait_input(struct jn *g)
{
	struct pollfd p[2] = {
		{ rt_src_fd(&g->cli->src), POLLIN, 0 },
		{ rt_reload_fd(&g->rl), POLLIN, 0 }
	};

	if (poll(p, 2, -1) > 0 && (p[1].revents & POLLIN))
		swap(g);
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct jn *g = arg;
	uint64_t hits, misses;

	rt_stats_member(b, "matched", g->j.matched);
	rt_stats_member(b, "missing", g->j.missed);
	rt_stats_member(b, "extra", g->j.extra);
	rt_stats_member(b, "reloads", g->reloads);
	rt_stats_member(b, "reload_failures", g->failures);
	if (g->cur && g->cur->q) {
		rt_tsql_counts(g->cur->q, &hits, &misses);
		rt_stats_member(b, "cache_hits", hits);
		rt_stats_member(b, "cache_misses", misses);
	} else if (g->cur) {
		rt_stats_member(b, "table_rows", g->cur->t.nrows);
		rt_stats_member(b, "table_rejected", g->cur->t.rejected);
	}
}

static void
setup(struct jn *g, int argc, char **argv)
{
	struct rt_cli *cli = g->cli;
	char err[512];
	void *jt;
	int opt, li;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS, longopts,
	    &li)) != -1)
		option(g, opt, optarg, argv);
	check_options(g);
	if (g->schema)
		schema_types(g);
	g->spec.types = g->types;
	g->spec.fmt = g->fmt;
	g->spec.delim = g->spec.delim ? g->spec.delim : cli->delim;
	g->spec.quote = cli->quote;
	g->spec.topt = g->j.topt = &cli->topt;
	g->spec.strict = cli->strict;
	rt_join_setup(&g->j);
	if (rt_reload_init(&g->rl, g->path, g->interval, load, jtab_free,
	    g) == -1)
		rt_cli_fatal(cli, "pipe: %s", strerror(errno));
	if ((jt = load(g, err, sizeof err)) == NULL)
		rt_cli_fatal(cli, "%s: %s", g->path, err);
	use(g, jt);
	/* Read again after a SIGHUP or a change, perhaps replaced by
	 * rename; SQLite's journal files are next to the database. */
	rt_cli_allow(cli, g->path, RT_SB_READ | RT_SB_DIR);
	cli->st.extra = extra_stats;
	cli->st.extra_arg = g;
	cli->nowait = 1;
	rt_cli_start(cli, argc, argv, optind);
	if (rt_reload_start(&g->rl) == -1)
		rt_cli_fatal(cli, "cannot start the reload thread: %s",
		    strerror(errno));
}

int
main(int argc, char *argv[])
{
	static struct rt_cli cli;
	static struct jn g;
	struct rt_rec rec;
	int k;

	rt_cli_init(&cli, "rt-join", usage);
	g.cli = &cli;
	rt_join_init(&g.j);
	rt_jdoc_init(&g.doc, 0);
	setup(&g, argc, argv);
	while ((k = rt_cli_next(&cli, &rec)) != 0) {
		if (k == RT_IN_AGAIN) {
			wait_input(&g);
			continue;
		}
		if (rt_reload_ready(&g.rl))
			swap(&g);
		join_one(&g, &rec);
	}
	if (g.j.fc.looked > 0)
		rt_cli_fcheck(&cli, &g.j.fc);
	rt_reload_stop(&g.rl);
	k = rt_cli_finish(&cli);
	jtab_free(&g, g.cur);
	rt_join_release(&g.j);
	rt_jdoc_release(&g.doc);
	rt_buf_release(&g.out);
	for (int i = 0; i < g.nowned; i++)
		free(g.owned[i]);
	return k;
}
