/*
 * rt-classify - score each record with rules written as jq conditions
 * (and optionally a logistic-regression model), and label it.  Rules are
 * compiled by lib/rule.c (a fast path on the zero-copy record, libjq for
 * the rest, within a budget), scored by lib/score.c, and reloaded on
 * SIGHUP.  See rt-classify(1).
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jedit.h"
#include "jqb.h"
#include "loop.h"
#include "lrmodel.h"
#include "mem.h"
#include "rfields.h"
#include "rule.h"
#include "rulecli.h"
#include "score.h"

enum {
	OPT_RULES = RT_OPT_TOOL, OPT_LABEL, OPT_DEFLABEL, OPT_COMBINE,
	OPT_MODEL, OPT_LABELBY, OPT_NOFAST, OPT_FIELDSFROM, OPT_CHECKN
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_rule_opts),
	RT_OPTTAB_ARG("rules", OPT_RULES,
	    "FILE", "NAME SCORE CONDITION lines, or NDJSON\n"
	    "{\"name\",\"score\",\"when\"} objects"),
	RT_OPTTAB_ARG("combine", OPT_COMBINE,
	    "MODE", "sum (default) or max of matched scores"),
	RT_OPTTAB_ARG("label", OPT_LABEL,
	    "NAME=T", "class NAME when the score is >= T\n"
	    "(repeat; the highest T met wins)"),
	RT_OPTTAB_ARG("default-label", OPT_DEFLABEL,
	    "NAME", "class below every threshold (default ok)"),
	RT_OPTTAB_ARG("model", OPT_MODEL,
	    "FILE", "logistic regression (JSON): adds _prob"),
	RT_OPTTAB_ARG("label-by", OPT_LABELBY,
	    "WHAT", "score (default) or prob"),
	RT_OPTTAB_FLAG("no-fast-path", OPT_NOFAST,
	    "evaluate every rule with libjq"),
	RT_OPTTAB_ARG("fields-from", OPT_FIELDSFROM,
	    "SCHEMA", "rule fields must be properties of SCHEMA"),
	RT_OPTTAB_ARG("check-fields", OPT_CHECKN,
	    "N", "warn about rule fields absent from the\n"
	    "first N records (default 1000; 0: off)"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage_tables("Usage: rt-classify --rules FILE [OPTION]... "
	    "[FILE]...\n"
	    "Score each record with rules written as jq conditions; add\n"
	    "_score, _rules and _class.\n\n",
	    RT_CLI_GROUPS(opts, rt_rule_opts),
	    "\nRules and the model are read again on SIGHUP.\n\n",
	    RT_CLI_GROUPS(rt_cli_common_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-classify(1) and rtpipe(7).\n");
}

struct cls {
	struct rt_cli *cli;
	const char *rules_path, *model_path, *fields_from;
	struct rt_rule_opts ro;
	struct rt_score sc;
	struct rt_rules rs;
	struct rt_lrmodel m;
	unsigned char *res;
	uint64_t reloads, reload_failures;
	uint64_t checkn;	/* records to look at for --check-fields */
	struct rt_rfcheck fc;
	int outcomes;		/* RT_CLASSIFY_OUTCOMES: _outcomes (tests) */
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf out;
};

/* Is another record ready to be read, without blocking? */
static int
input_ready(struct rt_cli *cli)
{
	const char *p;
	size_t n = rt_src_ahead(&cli->src, &p);
	struct pollfd pfd;

	if (n && memchr(p, '\n', n))
		return 1;
	pfd.fd = rt_src_fd(&cli->src);
	pfd.events = POLLIN;
	pfd.revents = 0;
	return pfd.fd >= 0 && poll(&pfd, 1, 0) > 0;
}

/* Before a record goes to libjq, whose work may take up to the budget:
 * when no record waits behind it, what is scored leaves now. */
static void
before_slow(void *arg)
{
	struct rt_cli *cli = arg;

	if (!input_ready(cli))
		rt_cli_idle(cli);
}

/* Read the rules (and the model); at start-up a failure ends the run,
 * on SIGHUP it keeps the rules in force. */
static void
load(struct cls *c, int initial)
{
	struct rt_rules rs;
	struct rt_lrmodel m;
	struct rt_buf err = RT_BUF_INIT;
	int rc;

	memset(&m, 0, sizeof m);
	rc = rt_rules_load(&rs, c->rules_path, &c->ro, &err);
	if (rc == 0 && ((c->fields_from &&
	    rt_rfields_schema(&rs, c->fields_from, &err) != 0) ||
	    (c->model_path && rt_lrmodel_load(&m, c->model_path, &err) != 0))) {
		rt_rules_free(&rs);
		rc = -1;
	}
	if (rc != 0) {
		if (initial)
			rt_cli_fatal(c->cli, "%s", rt_buf_cstr(&err));
		rt_cli_warn(c->cli, "reload failed, the rules in force stay: %s",
		    rt_buf_cstr(&err));
		c->reload_failures++;
		rt_buf_release(&err);
		return;
	}
	if (!initial) {
		rt_rfcheck_release(&c->fc);
		rt_rules_free(&c->rs);
		rt_lrmodel_free(&c->m);
		c->reloads++;
	}
	c->rs = rs;
	c->rs.before_slow = before_slow;
	c->rs.before_slow_arg = c->cli;
	c->m = m;
	rt_score_rules(&c->sc, &c->rs);
	free(c->res);
	c->res = rt_xcalloc(rs.n + 1, 1);
	rt_rfcheck_init(&c->fc, &c->rs);
	rt_buf_release(&err);
}

/* Warn about rule fields no record has shown. */
static void
fields_verdict(struct cls *c)
{
	size_t i = 0;
	int j = 0;

	while (rt_rfcheck_unseen(&c->fc, &c->rs, &i, &j)) {
		const struct rt_rule *r = &c->rs.r[i];

		rt_cli_warn(c->cli, "%s:%d: rule '%s': field '%s' is in none "
		    "of the first %llu records", c->rs.path, r->line, r->name,
		    r->fields[j], (unsigned long long)c->fc.looked);
		j++;
	}
}

/* The first jq error of each rule, once. */
static void
report_errors(struct cls *c, const struct rt_rec *r)
{
	for (size_t i = 0; i < c->rs.n; i++) {
		struct rt_rule *ru = &c->rs.r[i];

		if (c->res[i] != RT_RULE_ERROR || ru->reported)
			continue;
		ru->reported = 1;
		rt_cli_warn(c->cli, "%s:%d: rule '%s': jq error: %s (first at "
		    "%s:%llu; the rule does not match such records, counted "
		    "in --stats)", c->rs.path, ru->line, ru->name,
		    rt_rules_errmsg(&c->rs, i), r->source,
		    (unsigned long long)r->line);
	}
}

static void
record(void *arg, struct rt_rec *r)
{
	struct cls *c = arg;
	struct rt_cli *cli = c->cli;
	const struct rt_jdoc *d;
	char why[160];
	double prob;

	if ((d = rt_cli_object(cli, r, &c->doc)) == NULL)
		return;
	if (rt_rules_eval(&c->rs, d, c->res))
		report_errors(c, r);
	if (c->rs.over >= 0) {
		snprintf(why, sizeof why, "rule %s: over the evaluation budget",
		    c->rs.r[c->rs.over].name);
		rt_cli_reject(cli, r, why);
		return;
	}
	if (!c->fc.done && c->checkn) {
		rt_rfcheck_look(&c->fc, &c->rs, d);
		if (c->fc.looked >= c->checkn)
			fields_verdict(c);
	}
	rt_jedit_start(&c->edit, d);
	if (c->m.on)
		prob = rt_lrmodel_prob(&c->m, d);
	rt_score_apply(&c->sc, &c->rs, c->res, c->m.on ? &prob : NULL,
	    &c->edit);
	if (c->outcomes)
		rt_score_outcomes(&c->rs, c->res, &c->edit);
	rt_cli_emit_edit(cli, r, &c->edit, &c->out);
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct cls *c = arg;

	rt_stats_member(b, "reloads", c->reloads);
	rt_stats_member(b, "reload_failures", c->reload_failures);
	rt_stats_member(b, "fast_rules", c->rs.nfast);
	rt_score_stats(&c->sc, &c->rs, b);
}

static void
option(struct rt_cli *cli, struct cls *c, int opt, char **argv)
{
	const char *why;
	char *end;

	switch (opt) {
	case OPT_RULES: c->rules_path = optarg; break;
	case OPT_MODEL: c->model_path = optarg; break;
	case OPT_FIELDSFROM: c->fields_from = optarg; break;
	case OPT_NOFAST: c->ro.no_fast = 1; break;
	case OPT_DEFLABEL:
		if (*optarg == '\0')
			rt_cli_usage_error(cli, "--default-label: empty");
		c->sc.deflabel = optarg;
		break;
	case OPT_COMBINE:
		c->sc.combine_max = rt_cli_word(cli, "--combine", optarg,
		    (const char *const[]){ "sum", "max", NULL });
		break;
	case OPT_LABELBY:
		c->sc.by_prob = rt_cli_word(cli, "--label-by", optarg,
		    (const char *const[]){ "score", "prob", NULL });
		break;
	case OPT_LABEL:
		if (rt_score_label(&c->sc, optarg, &why) != 0)
			rt_cli_usage_error(cli, "--label: '%s': %s", optarg, why);
		break;
	case OPT_CHECKN:
		c->checkn = strtoull(optarg, &end, 10);
		if (*end || end == optarg || *optarg == '-')
			rt_cli_bad_value(cli, "check-fields", optarg,
			    "a count");
		break;
	default:
		if (!rt_rulecli_opt(cli, &c->ro, opt, optarg))
			rt_cli_other(cli, argv, opt, optarg);
	}
}

static void
options(struct rt_cli *cli, struct cls *c, int argc, char **argv)
{
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1)
		option(cli, c, opt, argv);
	if (c->rules_path == NULL)
		rt_cli_usage_error(cli, "--rules FILE is required");
	if (c->sc.by_prob && c->model_path == NULL)
		rt_cli_usage_error(cli, "--label-by prob needs --model");
	rt_rulecli_done(cli, &c->ro, 0);
}

/* SIGHUP: the rules and model read again, between two records. */
static void
reload(void *arg)
{
	load(arg, 0);
}


int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct cls c;
	int rc;

	memset(&c, 0, sizeof c);
	rt_cli_init(&cli, "rt-classify", usage, opts);
	c.cli = &cli;
	c.checkn = 1000;
	c.outcomes = getenv("RT_CLASSIFY_OUTCOMES") != NULL;
	rt_rule_opts_init(&c.ro);
	rt_score_init(&c.sc);
	options(&cli, &c, argc, argv);
	load(&c, 1);
	if (c.sc.nlabels == 0)
		rt_cli_warn(&cli, "warning: no --label: every record will be "
		    "labelled '%s', so rt-alert raises nothing on _class (give "
		    "--label NAME=THRESHOLD, e.g. --label fraud=50)",
		    c.sc.deflabel);
	rt_jdoc_init(&c.doc, 0);
	rt_jedit_init(&c.edit);
	rt_cli_report(&cli, extra_stats, NULL, &c);
	/* Read again on SIGHUP, perhaps replaced by rename. */
	rt_cli_allow(&cli, c.rules_path, RT_SB_READ | RT_SB_DIR);
	if (c.model_path)
		rt_cli_allow(&cli, c.model_path, RT_SB_READ | RT_SB_DIR);
	rt_cli_start(&cli, argc, argv, optind);
	rt_loop_run(&cli, &(struct rt_loop){ .record = record,
	    .hup = reload, .arg = &c });
	if (!c.fc.done && c.checkn && c.fc.looked > 0)
		fields_verdict(&c);
	rc = rt_cli_finish(&cli);
	rt_rfcheck_release(&c.fc);
	rt_rules_free(&c.rs);
	rt_lrmodel_free(&c.m);
	rt_score_release(&c.sc);
	rt_jqb_shutdown();
	rt_jdoc_release(&c.doc);
	rt_jedit_release(&c.edit);
	rt_buf_release(&c.out);
	free(c.res);
	return rc;
}
