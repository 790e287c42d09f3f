/*
 * rt-gen - seeded synthetic card transactions with labelled fraud
 * scenarios, for demos, tests and benchmarks.  See rt-gen(1); the model
 * is in lib/txsim.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "txsim.h"

enum {
	OPT_SEED = RT_OPT_TOOL, OPT_CUSTOMERS, OPT_TERMINALS, OPT_DAYS,
	OPT_START, OPT_RADIUS, OPT_MESSY, OPT_LIMIT
};

/* The few common options rt-gen takes, first in getopt's table (the
 * order of "did you mean"), last in --help. */
static const struct rt_optdef out_opts[] = {
	RT_OPTTAB_ARG("output-format", 'o',
	    "FMT", "ndjson (default; csv with --messy) or csv"),
	RT_OPTTAB_FLAG("unbuffered", 'u',
	    "flush after every record"),
	RT_OPTTAB_FLAG("stats", RT_OPT_STATS,
	    "print counts as JSON on stderr at exit"),
	RT_OPTTAB_SPLICE(rt_cli_info_opts),
	RT_OPTTAB_END
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(out_opts),
	RT_OPTTAB_ARG("seed", OPT_SEED,
	    "N", "random seed (default 1)"),
	RT_OPTTAB_ARG("customers", OPT_CUSTOMERS,
	    "N", "customers (default 5000)"),
	RT_OPTTAB_ARG("terminals", OPT_TERMINALS,
	    "N", "terminals (default 10000)"),
	RT_OPTTAB_ARG("days", OPT_DAYS,
	    "N", "days of transactions (default 183)"),
	RT_OPTTAB_ARG("start", OPT_START,
	    "DATE", "first day (default 2018-04-01)"),
	RT_OPTTAB_ARG("radius", OPT_RADIUS,
	    "R", "customers use terminals this close, on a\n"
	    "100 x 100 plane (default 5)"),
	RT_OPTTAB_ARG("limit", OPT_LIMIT,
	    "N", "stop after N transactions"),
	RT_OPTTAB_FLAG("messy", OPT_MESSY,
	    "write the dirt real exports have (CSV, or\n"
	    "NDJSON with -o ndjson)"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-gen [OPTION]...\n"
	    "Write seeded synthetic card transactions with labelled fraud.\n\n",
	    opts, "", RT_CLI_GROUPS(out_opts),
	    "\nExit status: 0 written, 2 trouble.  See rt-gen(1).\n");
}

struct gen {
	struct rt_txsim_opts o;
	int messy, ofmt_given;
	unsigned long long limit;
	uint64_t fraud;
	struct rt_txmess mess;
};

static void
options(struct rt_cli *cli, struct gen *g, int argc, char **argv)
{
	int opt, li;
	char *end;
	int64_t us;

	for (;;) {
		const char *name;

		li = -1;	/* getopt_long sets it for long options only */
		opt = rt_cli_getopt(cli, argc, argv, &li);
		if (opt == -1)
			break;
		name = li >= 0 ? cli->longopts[li].name : "";

		switch (opt) {
		case OPT_SEED: g->o.seed = rt_cli_ucount(cli, name, optarg, 0, UINT64_MAX); break;
		case OPT_CUSTOMERS: g->o.customers = (unsigned)rt_cli_ucount(cli, name, optarg, 1, 10000000); break;
		case OPT_TERMINALS: g->o.terminals = (unsigned)rt_cli_ucount(cli, name, optarg, 1, 10000000); break;
		case OPT_DAYS: g->o.days = (unsigned)rt_cli_ucount(cli, name, optarg, 1, 100000); break;
		case OPT_LIMIT: g->limit = rt_cli_ucount(cli, name, optarg, 0, UINT64_MAX); break;
		case OPT_MESSY: g->messy = 1; break;
		case 'o':
			g->ofmt_given = 1;
			(void)rt_cli_opt(cli, opt, optarg);
			break;
		case OPT_START:
			if (rt_time_parse_iso(optarg, strlen(optarg), NULL, &us))
				rt_cli_bad_value(cli, "start", optarg, "a date");
			g->o.start = us;
			break;
		case OPT_RADIUS:
			g->o.radius = strtod(optarg, &end);
			if (*end || end == optarg || !(g->o.radius > 0 &&
			    g->o.radius <= 200))
				rt_cli_bad_value(cli, "radius", optarg,
				    "a distance over 0 and up to 200");
			break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
	}
	if (optind < argc)
		rt_cli_usage_error(cli, "unexpected operand '%s' (rt-gen reads "
		    "no input)", argv[optind]);
	if (cli->ofmt == RT_FMT_TSV)
		rt_cli_usage_error(cli, "-o: rt-gen writes ndjson or csv");
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct gen *g = arg;

	rt_stats_member(b, "fraud", g->fraud);
	if (g->messy) {
		rt_stats_member(b, "duplicates", g->mess.duplicates);
		rt_stats_member(b, "broken", g->mess.broken);
		rt_stats_member(b, "blank_lines", g->mess.blank);
	}
}

int
main(int argc, char *argv[])
{
	struct rt_cli cli;
	struct rt_txsim sim;
	struct gen g;
	struct rt_buf line = RT_BUF_INIT;
	struct rt_out *out = &cli.out;
	struct rt_tx t;

	rt_cli_init(&cli, "rt-gen", usage, opts);
	memset(&g, 0, sizeof g);
	rt_txsim_opts_default(&g.o);
	g.limit = UINT64_MAX;
	options(&cli, &g, argc, argv);
	rt_out_init(out, STDOUT_FILENO, "stdout");
	out->unbuffered = cli.unbuffered;
	rt_cli_report(&cli, extra_stats, NULL, &g);
	rt_txsim_init(&sim, &g.o);
	rt_txmess_init(&g.mess, g.o.seed);
	/* --messy writes CSV unless -o says otherwise. */
	g.mess.ndjson = g.ofmt_given && cli.ofmt == RT_FMT_NDJSON;
	if (g.messy && !g.mess.ndjson)
		rt_txmess_header(&line);
	else if (cli.ofmt == RT_FMT_CSV)
		rt_txsim_csv_header(&line);
	while (cli.st.in < g.limit && rt_txsim_next(&sim, &t)) {
		cli.st.in++;
		g.fraud += (uint64_t)t.fraud;
		if (g.messy) {
			rt_txmess_rows(&g.mess, &t, &line);
		} else {
			if (cli.ofmt == RT_FMT_CSV)
				rt_txsim_csv(&t, &line);
			else
				rt_txsim_json(&t, &line);
			rt_buf_addc(&line, '\n');
		}
		if (rt_out_write(out, line.p, line.len) == -1 ||
		    rt_out_end(out) == -1)
			rt_cli_stdout_failed(&cli, out->err);
		line.len = 0;
	}
	/* Every transaction made is a record in and a record out, so the
	 * counts add up like every tool's; the messy copies, broken rows and
	 * blank lines are counted apart. */
	cli.st.out = cli.st.in;
	if (rt_out_close(out) == -1)
		rt_cli_stdout_failed(&cli, out->err);
	if (cli.stats)
		rt_cli_print_stats(&cli);
	rt_txsim_release(&sim);
	rt_buf_release(&line);
	rt_timeopt_release(&cli.topt);
	return 0;
}
