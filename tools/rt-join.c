/*
 * rt-join - enrich each record from a reference table (CSV, TSV, NDJSON
 * or SQLite): exact, as-of and range lookups, reloaded live.  Tables are
 * lib/table.c and lib/tsql.c, the join lib/join.c, reloading
 * lib/reload.c; this file reads options.  See rt-join(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "loop.h"
#include "join.h"
#include "jtable.h"
#include "number.h"
#include "reload.h"

enum {
	OPT_TABLE = RT_OPT_TOOL, OPT_TFMT, OPT_TDELIM, OPT_ON, OPT_AS,
	OPT_SELECT, OPT_PREFIX, OPT_NUMBER, OPT_INTEGER, OPT_BOOL, OPT_DECCOMMA,
	OPT_SCHEMA, OPT_MISSING, OPT_DEFAULT, OPT_MANY, OPT_ASOF, OPT_VALIDFROM,
	OPT_RANGE, OPT_WATCH, OPT_INTERVAL, OPT_SQL, OPT_TNAME, OPT_CACHE
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	{ "table", required_argument, OPT_TABLE,
	  "FILE", "CSV, TSV, NDJSON or SQLite (by extension)", "Table:",
	  NULL },
	RT_OPTTAB_ARG("table-format", OPT_TFMT,
	    "FMT", "csv, tsv, ndjson or sqlite"),
	RT_OPTTAB_ARG("table-delimiter", OPT_TDELIM,
	    "C", "the table's CSV delimiter (default -d, ',')"),
	RT_OPTTAB_ARG("sql", OPT_SQL,
	    "QUERY, --table-name T", "SQLite: the rows of QUERY, of table T"),
	RT_OPTTAB_ARG("cache", OPT_CACHE,
	    "N", "SQLite: look keys up, keep N of them"),
	RT_OPTTAB_ARG("number", OPT_NUMBER,
	    ", --integer, --bool COLS", "\n"
	    "read CSV columns as numbers, whole, true/false"),
	RT_OPTTAB_FLAG("decimal-comma", OPT_DECCOMMA,
	    "read 12,50 as 12.50 in --number columns"),
	RT_OPTTAB_ARG("schema", OPT_SCHEMA,
	    "FILE", "column types from a JSON Schema's properties"),
	RT_OPTTAB_FLAG("watch", OPT_WATCH,
	    "load the table again when it changes"),
	RT_OPTTAB_ARG("watch-interval", OPT_INTERVAL,
	    "DUR", "how often to look (default 1s)"),
	{ "on", required_argument, OPT_ON,
	  "F[=COL],...", "record field F equals table column COL", "Join:",
	  NULL },
	RT_OPTTAB_ARG("as", OPT_AS,
	    "NAME", "nest the columns under member NAME"),
	RT_OPTTAB_ARG("select", OPT_SELECT,
	    "COLS", "the columns to add, in this order"),
	RT_OPTTAB_ARG("prefix", OPT_PREFIX,
	    "P", "put P before the names of the columns"),
	RT_OPTTAB_ARG("missing", OPT_MISSING,
	    "MODE", "no match: pass (default), drop or reject"),
	RT_OPTTAB_ARG("default", OPT_DEFAULT,
	    "COL=V", "V for COL when no row matched, or it is null"),
	RT_OPTTAB_ARG("many", OPT_MANY,
	    "MODE", "several rows: first (default), last or all"),
	RT_OPTTAB_ARG("as-of", OPT_ASOF,
	    "F --valid-from COL", "the row valid at the time F: the\n"
	    "latest with COL <= F"),
	RT_OPTTAB_ARG("range", OPT_RANGE,
	    "LO,HI", "the row whose [LO, HI] holds the --on value"),
	RT_OPTTAB_ARG("integer", OPT_INTEGER,
	    NULL, NULL),
	RT_OPTTAB_ARG("bool", OPT_BOOL,
	    NULL, NULL),
	RT_OPTTAB_ARG("valid-from", OPT_VALIDFROM,
	    NULL, NULL),
	RT_OPTTAB_ARG("table-name", OPT_TNAME,
	    NULL, NULL),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-join --table FILE --on F[=COL][,F2[=COL2]] "
	    "[OPTION]... [FILE]...\n"
	    "Add to each record the columns of the table row whose key "
	    "matches.\n\n", opts, "The table is loaded again on SIGHUP.\n\n",
	    RT_CLI_GROUPS(rt_cli_time_opts, rt_cli_common_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-join(1) and rtpipe(7).\n");
}

struct jn {
	struct rt_cli *cli;
	struct rt_join j;
	struct rt_jconf c;
	struct rt_timeopt ttopt;	/* the table's: loads run in a thread */
	const char *schema;
	int watch;
	int64_t interval;
	struct rt_jtab *cur;
	struct rt_reload rl;
	uint64_t reloads, failures;
	struct rt_jdoc doc;
	struct rt_buf out;
};

/* The table's options (lists go to jtable.h); 0 when opt is none. */
static int
table_option(struct jn *g, int opt, const char *arg, const char *name)
{
	struct rt_tspec *s = &g->c.spec;
	const char *err = NULL;

	switch (opt) {
	case OPT_TABLE: g->c.path = arg; break;
	case OPT_TFMT:
		if ((s->fmt = rt_jconf_format(arg)) < 0)
			err = "expected csv, tsv, ndjson or sqlite";
		break;
	case OPT_TDELIM:
		s->delim = strcmp(arg, "tab") == 0 ? '\t' : arg[0];
		if (strlen(arg) != 1 && s->delim != '\t')
			err = "not one byte (or tab)";
		break;
	case OPT_ON: err = rt_jconf_on(&g->c, &g->j, arg); break;
	case OPT_SELECT: err = rt_jconf_select(&g->c, arg); break;
	case OPT_PREFIX: s->prefix = g->j.prefix = arg; break;
	case OPT_NUMBER: err = rt_jconf_types(&g->c, arg, RT_TT_NUMBER); break;
	case OPT_INTEGER: err = rt_jconf_types(&g->c, arg, RT_TT_INTEGER); break;
	case OPT_BOOL: err = rt_jconf_types(&g->c, arg, RT_TT_BOOL); break;
	case OPT_DECCOMMA: s->numflags |= RT_NUM_DECIMAL_COMMA; break;
	case OPT_SCHEMA: g->schema = arg; break;
	case OPT_VALIDFROM: s->valid_from = arg; break;
	case OPT_RANGE:
		err = rt_jconf_range(&g->c, arg);
		g->j.range = 1;
		break;
	case OPT_SQL: g->c.sql = arg; break;
	case OPT_TNAME: g->c.tname = arg; break;
	case OPT_CACHE:
		g->c.cache = rt_cli_count(g->cli, "cache", arg, 1, 1LL << 30);
		break;
	default:
		return 0;
	}
	if (err)
		rt_cli_usage_error(g->cli, "--%s: %s: '%s'", name, err, arg);
	return 1;
}

static void
option(struct jn *g, int opt, const char *arg, char **argv, const char *name)
{
	struct rt_cli *cli = g->cli;
	const char *err;

	if (table_option(g, opt, arg, name))
		return;
	switch (opt) {
	case OPT_AS: g->j.as = arg; break;
	case OPT_MISSING:
		g->j.missing = rt_cli_word(cli, "--missing", arg,
		    (const char *const[]){ "pass", "drop", "reject", NULL });
		break;
	case OPT_DEFAULT:
		if ((err = rt_join_default(&g->j, arg)) != NULL)
			rt_cli_usage_error(cli, "--default: %s: '%s'", err, arg);
		break;
	case OPT_MANY:
		g->j.many = rt_cli_word(cli, "--many", arg,
		    (const char *const[]){ "first", "last", "all", NULL });
		break;
	case OPT_ASOF: g->j.asof = arg; break;
	case OPT_WATCH: g->watch = 1; break;
	case OPT_INTERVAL:
		g->interval = rt_cli_dur(cli, "watch-interval", arg,
		    RT_DUR_POSITIVE);
		break;
	default:
		rt_cli_other(cli, argv, opt, arg);
	}
}

/* --schema FILE: the types of its "properties". */
static void
schema_types(struct jn *g)
{
	struct rt_buf b = RT_BUF_INIT;
	FILE *f = fopen(g->schema, "rb");
	const char *why;

	if (f == NULL || rt_buf_read_fd(&b, fileno(f)) == -1)
		rt_cli_fatal(g->cli, "%s: %s", g->schema, strerror(errno));
	fclose(f);
	if ((why = rt_jconf_schema(&g->c, b.p ? b.p : "", b.len)) != NULL)
		rt_cli_fatal(g->cli, "%s: %s", g->schema, why);
	rt_buf_release(&b);
}

/* Put table jt in force; say which rows it refused. */
static void
use(struct jn *g, struct rt_jtab *jt)
{
	const char *p, *e, *path = g->c.path;

	rt_jtab_free(g->cur);
	g->cur = jt;
	rt_jtab_use(jt, &g->j);
	for (p = jt->t.rej.p; p && p < jt->t.rej.p + jt->t.rej.len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(jt->t.rej.p + jt->t.rej.len - p));
		rt_cli_warn(g->cli, "%s:%.*s (row skipped)", path,
		    (int)(e - p), p);
	}
	if (jt->t.rejected > RT_TABLE_MAXREJ)
		rt_cli_warn(g->cli, "%s: %llu more rows skipped", path,
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
		    "force stays: %s", g->c.path, err);
	}
}

static void
join_one(struct jn *g, const struct rt_rec *r)
{
	struct rt_cli *cli = g->cli;
	const struct rt_jdoc *d;
	const char *why, *ahead;
	uint32_t i, n;
	size_t an;

	if ((an = rt_src_ahead(&cli->src, &ahead)) > 0)
		rt_join_hint(&g->j, ahead, an);
	if ((d = rt_cli_object(cli, r, &g->doc)) == NULL)
		return;
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
wait_input(void *arg)
{
	struct jn *g = arg;
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

	rt_join_stats(&g->j, b);
	rt_stats_member(b, "reloads", g->reloads);
	rt_stats_member(b, "reload_failures", g->failures);
	rt_jtab_stats(g->cur, b);
}

static void
setup(struct jn *g, int argc, char **argv)
{
	struct rt_cli *cli = g->cli;
	struct rt_tspec *s = &g->c.spec;
	const char *why;
	char err[512];
	struct rt_jtab *jt;
	int opt, li = 0;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1)
		option(g, opt, optarg, argv, cli->longopts[li].name);
	if ((why = rt_jconf_check(&g->c, &g->j, g->watch, &g->interval)))
		rt_cli_usage_error(cli, "%s", why);
	if (g->schema)
		schema_types(g);
	s->delim = s->delim ? s->delim : cli->delim;
	s->quote = cli->quote;
	/* The reload thread reads the table's times: a copy of its own. */
	g->ttopt = cli->topt;
	g->ttopt.check = 0;
	s->topt = &g->ttopt;
	g->j.topt = &cli->topt;
	s->strict = cli->strict;
	rt_join_setup(&g->j);
	if (rt_reload_init(&g->rl, g->c.path, g->interval, rt_jtab_reload,
	    rt_jtab_drop, &g->c) == -1)
		rt_cli_fatal(cli, "pipe: %s", strerror(errno));
	if ((jt = rt_jtab_load(&g->c, err, sizeof err)) == NULL)
		rt_cli_fatal(cli, "%s: %s", g->c.path, err);
	use(g, jt);
	/* Read again after a SIGHUP or a change, perhaps replaced by
	 * rename; SQLite's journal files are next to the database. */
	rt_cli_allow(cli, g->c.path, RT_SB_READ | RT_SB_DIR);
	rt_cli_report(cli, extra_stats, NULL, g);
	cli->nowait = 1;
	rt_cli_start(cli, argc, argv, optind);
	if (rt_reload_start(&g->rl) == -1)
		rt_cli_fatal(cli, "cannot start the reload thread: %s",
		    strerror(errno));
}

static void
on_record(void *arg, struct rt_rec *r)
{
	struct jn *g = arg;

	if (rt_reload_ready(&g->rl))
		swap(g);
	join_one(g, r);
}

int
main(int argc, char *argv[])
{
	static struct rt_cli cli;
	static struct jn g;
	int k;

	rt_cli_init(&cli, "rt-join", usage, opts);
	g.cli = &cli;
	rt_join_init(&g.j);
	rt_jconf_init(&g.c);
	rt_jdoc_init(&g.doc, 0);
	setup(&g, argc, argv);
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record,
	    .wait = wait_input, .arg = &g });
	if (g.j.fc.looked > 0)
		rt_cli_fcheck(&cli, &g.j.fc);
	rt_reload_stop(&g.rl);
	k = rt_cli_finish(&cli);
	rt_jtab_free(g.cur);
	rt_join_release(&g.j);
	rt_jconf_release(&g.c);
	rt_jdoc_release(&g.doc);
	rt_buf_release(&g.out);
	return k;
}
