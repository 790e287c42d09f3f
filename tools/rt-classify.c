/*
 * rt-classify - score each record with rules written as jq conditions
 * (and optionally a logistic-regression model), and label it.  Rules are
 * compiled by lib/rule.c (a fast path on the zero-copy record, libjq for
 * the rest) and reloaded on SIGHUP.  See rt-classify(1).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "field.h"
#include "jedit.h"
#include "jqb.h"
#include "mem.h"
#include "number.h"
#include "rule.h"
#include "state.h"

enum {
	OPT_RULES = RT_OPT_TOOL, OPT_LABEL, OPT_DEFLABEL, OPT_COMBINE,
	OPT_MODEL, OPT_LABELBY, OPT_NOFAST, OPT_FIELDSFROM, OPT_CHECKN
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "default-label", required_argument, NULL, OPT_DEFLABEL },
	{ "combine", required_argument, NULL, OPT_COMBINE },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "label-by", required_argument, NULL, OPT_LABELBY },
	{ "no-fast-path", no_argument, NULL, OPT_NOFAST },
	{ "fields-from", required_argument, NULL, OPT_FIELDSFROM },
	{ "check-fields", required_argument, NULL, OPT_CHECKN },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-classify --rules FILE [OPTION]... [FILE]...\n"
	    "Score each record with rules written as jq conditions; add\n"
	    "_score, _rules and _class.\n\n"
	    "      --rules FILE         NAME SCORE CONDITION lines, or NDJSON\n"
	    "                           {\"name\",\"score\",\"when\"} objects\n"
	    "      --combine MODE       sum (default) or max of matched scores\n"
	    "      --label NAME=T       class NAME when the score is >= T\n"
	    "                           (repeat; the highest T met wins)\n"
	    "      --default-label NAME class below every threshold (default ok)\n"
	    "      --model FILE         logistic regression (JSON): adds _prob\n"
	    "      --label-by WHAT      score (default) or prob\n"
	    "      --no-fast-path       evaluate every rule with libjq\n"
	    "      --fields-from SCHEMA rule fields must be properties of SCHEMA\n"
	    "      --check-fields N     warn about rule fields absent from the\n"
	    "                           first N records (default 1000; 0: off)\n\n"
	    "Rules and the model are read again on SIGHUP.\n\n", stdout);
	fputs(rt_cli_common_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-classify(1) and rtpipe(7).\n", stdout);
}

struct label {
	char *name;
	double t;
};

struct feature {
	char *name;
	double mean, std, weight;
};

struct model {
	int on;
	double intercept;
	struct feature *f;
	size_t n;
};

struct cls {
	struct rt_cli *cli;
	const char *rules_path, *model_path, *fields_from;
	int no_fast, combine_max, by_prob;
	struct label *labels;
	size_t nlabels;
	const char *deflabel;
	uint64_t *classes;	/* per label, then the default */
	struct rt_rules rs;
	struct model m;
	unsigned char *res;
	uint64_t reloads, reload_failures;
	uint64_t checkn;	/* records to look at for --check-fields */
	unsigned char **seen;	/* per rule, per field */
	int checked;
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_buf out, tmp;
	/* The names of the rules, then of the labels and the default label,
	 * as JSON strings: name i is jnames.p[joff[i], joff[i + 1]). */
	struct rt_buf jnames;
	size_t *joff;
};

static volatile sig_atomic_t got_hup;

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

static void
model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->f[i].name);
	free(m->f);
	memset(m, 0, sizeof *m);
}

/* Read a model file; NULL, or a reason in err. */
static int
model_load(struct model *m, const char *path, struct rt_buf *err)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint32_t fi, k;
	int rc = -1;

	memset(m, 0, sizeof *m);
	rt_jdoc_init(&d, 0);
	if (rt_state_load(path, &b) == -1) {
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (rt_jdoc_parse(&d, b.p, b.len) != 0 || d.v[0].type != RT_JOBJ) {
		rt_buf_printf(err, "%s: not a JSON object", path);
		goto out;
	}
	k = rt_jdoc_get(&d, 0, "intercept", 9);
	fi = rt_jdoc_get(&d, 0, "features", 8);
	if (!k || d.v[k].type != RT_JNUM || !fi || d.v[fi].type != RT_JARR) {
		rt_buf_printf(err, "%s: a model needs \"intercept\" (a number) "
		    "and \"features\" (an array)", path);
		goto out;
	}
	rt_num_parse(rt_jdoc_text(&d, k), d.v[k].len, &m->intercept);
	m->f = rt_xcalloc(d.v[fi].n + 1, sizeof *m->f);
	for (uint32_t i = 0; i < d.v[fi].n; i++) {
		uint32_t e = rt_jdoc_index(&d, fi, i), x;
		struct feature *f = &m->f[m->n];
		static const char *const nums[] = { "mean", "std", "weight" };
		double *dst[3];

		dst[0] = &f->mean;
		dst[1] = &f->std;
		dst[2] = &f->weight;
		x = d.v[e].type == RT_JOBJ ? rt_jdoc_get(&d, e, "name", 4) : 0;
		if (!x || d.v[x].type != RT_JSTR) {
			rt_buf_printf(err, "%s: feature %u: needs \"name\", "
			    "\"mean\", \"std\" and \"weight\"", path, i + 1);
			goto out;
		}
		rt_buf_clear(&b);
		rt_jdoc_str(&d, x, &b);
		f->name = rt_xstrdup(rt_buf_cstr(&b));
		m->n++;
		for (int j = 0; j < 3; j++) {
			x = rt_jdoc_get(&d, e, nums[j], strlen(nums[j]));
			if (!x || d.v[x].type != RT_JNUM) {
				rt_buf_printf(err, "%s: feature '%s': \"%s\" must "
				    "be a number", path, f->name, nums[j]);
				goto out;
			}
			rt_num_parse(rt_jdoc_text(&d, x), d.v[x].len, dst[j]);
		}
		if (f->std == 0)
			f->std = 1;
	}
	m->on = 1;
	rc = 0;
out:
	if (rc)
		model_free(m);
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	return rc;
}

static double
model_prob(const struct model *m, const struct rt_jdoc *d)
{
	double z = m->intercept;

	for (size_t i = 0; i < m->n; i++) {
		const struct feature *f = &m->f[i];
		uint32_t k = rt_jdoc_get(d, 0, f->name, strlen(f->name));
		double x;

		if (k == 0 || !rt_field_num(d, k, &x))
			x = f->mean;
		z += f->weight * (x - f->mean) / f->std;
	}
	return 1 / (1 + exp(-z));
}

/* --fields-from: every field a fast-path rule of rs reads must be a
 * property of the schema.  0, or -1 with the reason in err. */
static int
check_schema_fields(struct cls *c, const struct rt_rules *rs,
    struct rt_buf *err)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint32_t props;
	int rc = 0;

	rt_jdoc_init(&d, 0);
	if (rt_state_load(c->fields_from, &b) == -1) {
		rt_buf_printf(err, "%s: %s", c->fields_from, strerror(errno));
		rc = -1;
	} else if (rt_jdoc_parse(&d, b.p, b.len) != 0 ||
	    d.v[0].type != RT_JOBJ ||
	    (props = rt_jdoc_get(&d, 0, "properties", 10)) == 0 ||
	    d.v[props].type != RT_JOBJ) {
		rt_buf_printf(err, "%s: not a schema with \"properties\"",
		    c->fields_from);
		rc = -1;
	} else {
		for (size_t i = 0; rc == 0 && i < rs->n; i++) {
			const struct rt_rule *r = &rs->r[i];

			for (int j = 0; j < r->nfields; j++)
				if (rt_jdoc_get(&d, props, r->fields[j],
				    strlen(r->fields[j])) == 0) {
					rt_buf_printf(err, "%s:%d: rule '%s': "
					    "field '%s' is not a property in %s",
					    rs->path, r->line, r->name,
					    r->fields[j], c->fields_from);
					rc = -1;
					break;
				}
		}
	}
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	return rc;
}

static void
seen_reset(struct cls *c)
{
	c->seen = rt_xcalloc(c->rs.n + 1, sizeof *c->seen);
	for (size_t i = 0; i < c->rs.n; i++)
		c->seen[i] = rt_xcalloc((size_t)c->rs.r[i].nfields + 1, 1);
	c->checked = 0;
}

static void
seen_free(struct cls *c, size_t n)
{
	for (size_t i = 0; c->seen && i < n; i++)
		free(c->seen[i]);
	free(c->seen);
	c->seen = NULL;
}

/* Warn about rule fields no record has shown. */
static void
seen_report(struct cls *c, uint64_t nrec)
{
	for (size_t i = 0; i < c->rs.n; i++)
		for (int j = 0; j < c->rs.r[i].nfields; j++)
			if (!c->seen[i][j])
				rt_cli_warn(c->cli, "%s:%d: rule '%s': field "
				    "'%s' is in none of the first %llu records",
				    c->rs.path, c->rs.r[i].line, c->rs.r[i].name,
				    c->rs.r[i].fields[j],
				    (unsigned long long)nrec);
	c->checked = 1;
}

/* The names written into every record, escaped once. */
static void
json_names(struct cls *c)
{
	size_t i, n = c->rs.n + c->nlabels + 1;

	c->jnames.len = 0;
	free(c->joff);
	c->joff = rt_xreallocarray(NULL, n + 1, sizeof *c->joff);
	for (i = 0; i < n; i++) {
		const char *s = i < c->rs.n ? c->rs.r[i].name :
		    i < c->rs.n + c->nlabels ? c->labels[i - c->rs.n].name :
		    c->deflabel;

		c->joff[i] = c->jnames.len;
		rt_json_put_str(&c->jnames, s, strlen(s));
	}
	c->joff[n] = c->jnames.len;
}

/* Append name i of json_names. */
static inline void
put_name(const struct cls *c, struct rt_buf *b, size_t i)
{
	rt_buf_add(b, c->jnames.p + c->joff[i], c->joff[i + 1] - c->joff[i]);
}

static void
load(struct cls *c, int initial)
{
	struct rt_rules rs;
	struct model m;
	struct rt_buf err = RT_BUF_INIT;

	memset(&m, 0, sizeof m);
	if (rt_rules_load(&rs, c->rules_path, c->no_fast, &err) != 0 ||
	    (c->fields_from && check_schema_fields(c, &rs, &err) != 0 &&
	    (rt_rules_free(&rs), 1)) ||
	    (c->model_path && model_load(&m, c->model_path, &err) != 0 &&
	    (rt_rules_free(&rs), 1))) {
		if (initial)
			rt_cli_fatal(c->cli, "%s", rt_buf_cstr(&err));
		rt_cli_warn(c->cli, "reload failed, the rules in force stay: %s",
		    rt_buf_cstr(&err));
		c->reload_failures++;
		rt_buf_release(&err);
		return;
	}
	if (!initial) {
		seen_free(c, c->rs.n);
		rt_rules_free(&c->rs);
		model_free(&c->m);
		c->reloads++;
	}
	c->rs = rs;
	c->m = m;
	json_names(c);
	free(c->res);
	c->res = rt_xcalloc(rs.n + 1, 1);
	seen_reset(c);
	rt_buf_release(&err);
}

static void
record(struct cls *c, const struct rt_rec *r)
{
	struct rt_cli *cli = c->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &c->doc);
	double score = 0, prob = 0, by;
	int any = 0;
	size_t i, nl;
	struct rt_buf *v;
	size_t cls;		/* in json_names: a label, or the default */

	if (d == NULL) {
		rt_cli_reject_json(cli, r, &c->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	if (rt_rules_eval(&c->rs, d, c->res)) {
		for (i = 0; i < c->rs.n; i++) {
			struct rt_rule *ru = &c->rs.r[i];

			if (c->res[i] != RT_RULE_ERROR || ru->reported)
				continue;
			ru->reported = 1;
			rt_cli_warn(cli, "%s:%d: rule '%s': jq error: %s (first at "
			    "%s:%llu; the rule does not match such records, "
			    "counted in --stats)", c->rs.path, ru->line, ru->name,
			    rt_rules_errmsg(&c->rs, i), r->source,
			    (unsigned long long)r->line);
		}
	}
	if (!c->checked && c->checkn) {
		for (i = 0; i < c->rs.n; i++)
			for (int j = 0; j < c->rs.r[i].nfields; j++)
				if (!c->seen[i][j] && rt_jdoc_get(d, 0,
				    c->rs.r[i].fields[j],
				    strlen(c->rs.r[i].fields[j])))
					c->seen[i][j] = 1;
		if (cli->st.in >= c->checkn)
			seen_report(c, cli->st.in);
	}
	rt_jedit_start(&c->edit, d);
	for (i = 0; i < c->rs.n; i++)
		if (c->res[i] == RT_RULE_TRUE) {
			double s = c->rs.r[i].score;

			if (!c->combine_max)
				score += s;
			else if (!any || s > score)
				score = s;
			any = 1;
		}
	v = rt_jedit_key_plain(&c->edit, "_score", 6);
	rt_num_fmt(v, score);
	v = rt_jedit_key_plain(&c->edit, "_rules", 6);
	rt_buf_addc(v, '[');
	for (i = 0, nl = 0; i < c->rs.n; i++)
		if (c->res[i] == RT_RULE_TRUE) {
			if (nl++)
				rt_buf_addc(v, ',');
			put_name(c, v, i);
		}
	rt_buf_addc(v, ']');
	if (c->m.on) {
		prob = model_prob(&c->m, d);
		v = rt_jedit_key_plain(&c->edit, "_prob", 5);
		rt_num_fmt(v, prob);
	}
	by = c->by_prob ? prob : score;
	{
		double best = 0;
		size_t bi = c->nlabels;

		for (i = 0; i < c->nlabels; i++)
			if (by >= c->labels[i].t &&
			    (bi == c->nlabels || c->labels[i].t > best)) {
				best = c->labels[i].t;
				bi = i;
			}
		cls = c->rs.n + bi;
		c->classes[bi]++;
	}
	put_name(c, rt_jedit_key_plain(&c->edit, "_class", 6), cls);
	rt_cli_emit_edit(cli, r, &c->edit, &c->out);
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct cls *c = arg;
	size_t i;

	rt_stats_member(b, "reloads", c->reloads);
	rt_stats_member(b, "reload_failures", c->reload_failures);
	rt_stats_member(b, "fast_rules", c->rs.nfast);
	rt_buf_adds(b, ",\"matches\":{");
	for (i = 0; i < c->rs.n; i++) {
		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, c->rs.r[i].name, strlen(c->rs.r[i].name));
		rt_buf_printf(b, ":%llu", (unsigned long long)c->rs.r[i].matches);
	}
	rt_buf_adds(b, "},\"errors\":{");
	for (i = 0; i < c->rs.n; i++) {
		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, c->rs.r[i].name, strlen(c->rs.r[i].name));
		rt_buf_printf(b, ":%llu", (unsigned long long)c->rs.r[i].errors);
	}
	rt_buf_adds(b, "},\"classes\":{");
	for (i = 0; i <= c->nlabels; i++) {
		const char *n = i < c->nlabels ? c->labels[i].name : c->deflabel;

		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, n, strlen(n));
		rt_buf_printf(b, ":%llu", (unsigned long long)c->classes[i]);
	}
	rt_buf_addc(b, '}');
}

static void
options(struct rt_cli *cli, struct cls *c, int argc, char **argv)
{
	int opt, li;
	char *end, *eq;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS, longopts,
	    &li)) != -1) {
		switch (opt) {
		case OPT_RULES: c->rules_path = optarg; break;
		case OPT_MODEL: c->model_path = optarg; break;
		case OPT_FIELDSFROM: c->fields_from = optarg; break;
		case OPT_NOFAST: c->no_fast = 1; break;
		case OPT_DEFLABEL:
			if (*optarg == '\0')
				rt_cli_usage_error(cli, "--default-label: empty");
			c->deflabel = optarg;
			break;
		case OPT_COMBINE:
			c->combine_max = rt_cli_word(cli, "--combine", optarg,
			    (const char *const[]){ "sum", "max", NULL });
			break;
		case OPT_LABELBY:
			c->by_prob = rt_cli_word(cli, "--label-by", optarg,
			    (const char *const[]){ "score", "prob", NULL });
			break;
		case OPT_LABEL:
			eq = strrchr(optarg, '=');
			if (eq == NULL || eq == optarg)
				rt_cli_usage_error(cli, "--label: '%s': use "
				    "NAME=THRESHOLD", optarg);
			c->labels = rt_xreallocarray(c->labels, c->nlabels + 1,
			    sizeof *c->labels);
			c->labels[c->nlabels].name = rt_xmemdup(optarg,
			    (size_t)(eq - optarg) + 1);
			c->labels[c->nlabels].name[eq - optarg] = '\0';
			c->labels[c->nlabels].t = strtod(eq + 1, &end);
			if (*end || end == eq + 1 ||
			    !isfinite(c->labels[c->nlabels].t))
				rt_cli_usage_error(cli, "--label: '%s': the "
				    "threshold is not a number", optarg);
			c->nlabels++;
			break;
		case OPT_CHECKN:
			c->checkn = strtoull(optarg, &end, 10);
			if (*end || end == optarg || *optarg == '-')
				rt_cli_usage_error(cli, "--check-fields: '%s' is "
				    "not a count", optarg);
			break;
		case '?':
		case ':':
			rt_cli_bad_option(cli, argv, opt);
		default:
			if (!rt_cli_opt(cli, opt, optarg))
				rt_cli_bad_option(cli, argv, opt);
		}
	}
	if (c->rules_path == NULL)
		rt_cli_usage_error(cli, "--rules FILE is required");
	if (c->by_prob && c->model_path == NULL)
		rt_cli_usage_error(cli, "--label-by prob needs --model");
}

int
main(int argc, char *argv[])
{
	/* Program-long state, reachable to the end (leak checkers). */
	static struct rt_cli cli;
	static struct cls c;
	struct rt_rec rec;
	struct sigaction sa;
	int rc;

	memset(&c, 0, sizeof c);
	rt_cli_init(&cli, "rt-classify", usage);
	cli.longopts = longopts;
	c.cli = &cli;
	c.deflabel = "ok";
	c.checkn = 1000;
	options(&cli, &c, argc, argv);
	c.classes = rt_xcalloc(c.nlabels + 1, sizeof *c.classes);
	load(&c, 1);
	rt_jdoc_init(&c.doc, 0);
	rt_jedit_init(&c.edit);
	cli.st.extra = extra_stats;
	cli.st.extra_arg = &c;
	/* Read again on SIGHUP, perhaps replaced by rename. */
	rt_cli_allow(&cli, c.rules_path, RT_SB_READ | RT_SB_DIR);
	if (c.model_path)
		rt_cli_allow(&cli, c.model_path, RT_SB_READ | RT_SB_DIR);
	rt_cli_start(&cli, argc, argv, optind);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	while (rt_cli_next(&cli, &rec) == 1) {
		if (got_hup) {
			/* Between two records, never inside one. */
			got_hup = 0;
			load(&c, 0);
		}
		record(&c, &rec);
	}
	if (!c.checked && c.checkn && cli.st.in > 0)
		seen_report(&c, cli.st.in);
	rc = rt_cli_finish(&cli);
	seen_free(&c, c.rs.n);
	rt_rules_free(&c.rs);
	model_free(&c.m);
	rt_jqb_shutdown();
	rt_jdoc_release(&c.doc);
	rt_jedit_release(&c.edit);
	rt_buf_release(&c.jnames);
	free(c.joff);
	return rc;
}
