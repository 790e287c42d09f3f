/*
 * rt-merge - one stream from several inputs, in event time: a live
 * "sort -m" with per-input watermarks, idle inputs and late records.
 * The merge itself is lib/merge.c; this file reads options and inputs.
 * See rt-merge(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "field.h"
#include "jedit.h"
#include "late.h"
#include "mem.h"
#include "merge.h"
#include "msrc.h"

enum {
	OPT_TIME = RT_OPT_TOOL, OPT_MAXDELAY, OPT_IDLE, OPT_LATE, OPT_LATEPASS,
	OPT_TAG, OPT_TAGNAMES
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	RT_OPTTAB_ARG("time", OPT_TIME,
	    "F", "event time field (default ts)"),
	RT_OPTTAB_ARG("max-delay", OPT_MAXDELAY,
	    "DUR", "disorder tolerated within each input: its\n"
	    "watermark = newest time - DUR (default 0)"),
	RT_OPTTAB_ARG("idle-timeout", OPT_IDLE,
	    "DUR", "an input quiet for DUR no longer holds the\n"
	    "others back"),
	RT_OPTTAB_ARG("late", OPT_LATE,
	    "FILE", "write late records to FILE"),
	RT_OPTTAB_FLAG("late-pass", OPT_LATEPASS,
	    "pass late records on with \"_late\":true"),
	RT_OPTTAB_ARG("tag", OPT_TAG,
	    "F", "add member F naming each record's input"),
	RT_OPTTAB_ARG("tag-names", OPT_TAGNAMES,
	    "A,B,...", "the names (default: the operands)"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-merge [OPTION]... [[FMT:]FILE]...\n"
	    "Merge several inputs into one stream ordered by event time; a\n"
	    "record goes out once every input has passed its time.  FMT: (csv:,\n"
	    "tsv:, ndjson:) gives one input's format.\n\n", opts, "\n",
	    RT_CLI_GROUPS(rt_cli_time_opts, rt_cli_common_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected or late, "
	    "2 trouble.\nSee rt-merge(1) and rtpipe(7).\n");
}

struct mg {
	struct rt_cli *cli;
	struct rt_merge *m;
	struct rt_msrcs in;
	struct rt_buf tagkey;	/* "F": */
	int n, active;
	const char *time_field, *tag, *tag_names, *late_path;
	int64_t max_delay, idle, next_peek;
	int late_pass;
	struct rt_late late;
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_fset fs;
	uint32_t node[2];
	int tslot, gslot;	/* the time field's slot, the tag field's */
	struct rt_buf tmp, out;
};

static void
options(struct rt_cli *cli, struct mg *g, int argc, char **argv)
{
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		switch (opt) {
		case OPT_TIME: g->time_field = optarg; break;
		case OPT_MAXDELAY:
			g->max_delay = rt_cli_dur(cli, "max-delay", optarg,
			    RT_DUR_ZERO_OK);
			break;
		case OPT_IDLE:
			g->idle = rt_cli_dur(cli, "idle-timeout", optarg,
			    RT_DUR_POSITIVE);
			break;
		case OPT_LATE: g->late_path = optarg; break;
		case OPT_LATEPASS: g->late_pass = 1; break;
		case OPT_TAG: g->tag = optarg; break;
		case OPT_TAGNAMES: g->tag_names = optarg; break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
	}
	if (g->late_path && g->late_pass)
		rt_cli_usage_error(cli, "--late and --late-pass exclude each "
		    "other");
	if (g->tag_names && !g->tag)
		rt_cli_usage_error(cli, "--tag-names goes with --tag");
	if (g->tag && *g->tag == '\0')
		rt_cli_usage_error(cli, "--tag: empty member name");
}

/* Each input's name as a JSON string, for --tag. */
static void
tag_values(struct mg *g)
{
	const char *err;

	if (g->tag_names && (err = rt_msrcs_names(&g->in, g->tag_names)))
		rt_cli_usage_error(g->cli, "--tag-names: %s", err);
	rt_msrcs_jlabels(&g->in);
	if (g->tag) {
		rt_json_put_str(&g->tagkey, g->tag, strlen(g->tag));
		rt_buf_addc(&g->tagkey, ':');
	}
}

/* Start an edit of the record d of input i: its tag, when --tag. */
static void
start_edit(struct mg *g, const struct rt_jdoc *d, int i)
{
	rt_jedit_start(&g->edit, d);
	if (g->tag)
		rt_jedit_set(&g->edit, g->tag, strlen(g->tag), g->in.v[i].jlabel.p,
		    g->in.v[i].jlabel.len);
}

/* A record read from input i: parsed, timed, and given to the merge. */
static void
record(struct mg *g, int i, const struct rt_rec *r, int64_t now)
{
	struct rt_cli *cli = g->cli;
	const struct rt_jdoc *d;
	struct rt_mrec mr = { r->p, r->len, 0, r->line, (uint32_t)i, 0 };
	const char *err;
	char why[160];
	int64_t behind;
	int copy = r->doc != NULL;	/* CSV rows live in a scratch buffer */

	if ((d = rt_cli_object(cli, r, &g->doc)) == NULL)
		return;
	rt_fset_find(&g->fs, d, g->node);
	if ((err = rt_field_time_at(d, g->node[g->tslot], &cli->topt, &g->tmp,
	    &mr.t)) != NULL) {
		snprintf(why, sizeof why, "%.60s: %s", g->time_field,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		rt_cli_reject(cli, r, why);
		return;
	}
	if (g->tag && g->node[g->gslot]) {
		start_edit(g, d, i);	/* the member replaced in place */
		g->out.len = 0;
		rt_jedit_finish(&g->edit, &g->out);
		mr.p = g->out.p;
		mr.len = g->out.len;
		copy = 1;
	} else if (g->tag) {
		mr.aux = d->v[0].off + d->v[0].len;	/* past the '}' */
	}
	if (rt_merge_add(g->m, &mr, copy, now, &behind) == RT_MERGE_LATE) {
		start_edit(g, d, i);
		rt_late_put(&g->late, r, &g->edit, behind);
	}
}

/* Write a record the merge let go, with its tag appended (aux: where
 * the closing brace ends). */
static void
emit(struct mg *g, const struct rt_mrec *mr)
{
	struct rt_rec r = { .p = mr->p, .len = mr->len, .raw = mr->p,
	    .rawlen = mr->len, .source = g->in.v[mr->input].name,
	    .line = mr->line };

	if (mr->aux == 0) {
		rt_cli_emit(g->cli, &r, mr->p, mr->len);
		return;
	}
	g->out.len = 0;
	rt_jedit_append_member(&g->out, mr->p, mr->len, mr->aux - 1,
	    g->tagkey.p, g->tagkey.len, g->in.v[mr->input].jlabel.p,
	    g->in.v[mr->input].jlabel.len);
	rt_cli_emit(g->cli, &r, g->out.p, g->out.len);
}

static void
drain(struct mg *g, int64_t now, int flush)
{
	struct rt_mrec mr;

	while (rt_merge_pop(g->m, now, flush, &mr))
		emit(g, &mr);
}

/* Is r, from input i, a control record?  A barrier blocks i until every
 * input has delivered it (rt-merge(1), "Barriers"); other kinds go on at
 * once.  A barrier no newer than the last passed on (an idle input's,
 * late) is dropped. */
static int
control(struct mg *g, int i, const struct rt_rec *r)
{
	struct rt_ctl c;

	if (r->doc || r->bad || !rt_ctl_parse(&g->doc, r->p, r->len, &c))
		return 0;
	if (c.kind != RT_CTL_BARRIER)
		rt_cli_pass_control(g->cli, r->p, r->len);
	else
		rt_merge_barrier(g->m, i, r->p, r->len, c.id);
	return 1;
}

/* When every input delivered the barrier (or at the end): what is held
 * goes, then it. */
static void
release(struct mg *g, int64_t now, int end)
{
	size_t n;
	const char *bar = rt_merge_barrier_due(g->m, now, end, &n);

	if (bar == NULL)
		return;
	drain(g, now, 1);
	rt_cli_pass_control(g->cli, bar, n);
	rt_merge_barrier_passed(g->m);
}

/* Read input i once (its held views copied first). */
static void
read_one(void *arg, int i)
{
	struct mg *g = arg;
	struct rt_rec r;
	int64_t now = g->idle ? rt_time_mono_us() : 0;
	int k;

	rt_merge_pin(g->m, i);
	k = rt_msrc_next(&g->in, i, &r);
	if (k == RT_IN_AGAIN) {
		rt_merge_quiet(g->m, i);
	} else if (k == 1) {
		if (control(g, i, &r))
			return;
		g->cli->st.in++;
		if (r.bad)
			rt_cli_reject(g->cli, &r, r.bad);
		else
			record(g, i, &r, now);
	} else {
		if (k == -1) {
			rt_cli_warn(g->cli, "%s: %s", g->in.v[i].src.errname,
			    strerror(g->in.v[i].src.err));
			g->cli->trouble = 1;
		}
		rt_merge_end(g->m, i);
		g->active--;
	}
}

static int
quiet(void *arg, int i)
{
	return rt_merge_is_quiet(((struct mg *)arg)->m, i);
}

/* Wait for the quiet inputs (block: until one is readable or the next
 * idle timeout, output flushed first; else only look), and read those
 * that are readable. */
static void
wait_inputs(struct mg *g, int64_t now, int block)
{
	int64_t left = block ? rt_merge_timeout(g->m, now) : 0;
	int timeout = left < 0 ? -1 : (int)((left + 999) / 1000);

	if (timeout != 0) {
		rt_cli_idle(g->cli);
		rt_late_flush(&g->late);
	}
	if (rt_msrcs_wait(&g->in, timeout, quiet, read_one, g) == -1)
		rt_cli_fatal(g->cli, "poll: %s", strerror(errno));
}

static void
run(struct mg *g)
{
	struct rt_cli *cli = g->cli;
	int64_t now = 0;
	int i;

	while (g->active > 0 && !cli->stop) {
		if (rt_cli_usr1) {
			rt_cli_usr1 = 0;
			rt_cli_print_stats(cli);
		}
		if (g->idle)
			now = rt_time_mono_us();
		release(g, now, 0);
		drain(g, now, 0);
		i = rt_merge_next(g->m, now);
		if (i < 0 || rt_merge_is_quiet(g->m, i)) {
			wait_inputs(g, now, 1);
			continue;
		}
		read_one(g, i);
		/* Busy with one input, look at the idle ones now and then:
		 * their records must not wait behind the wall clock. */
		if (g->idle && now >= g->next_peek) {
			g->next_peek = now + 1000;
			if (rt_merge_any_idle(g->m, now))
				wait_inputs(g, now, 0);
		}
	}
	release(g, now, 1);
	drain(g, now, 1);
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct mg *g = arg;

	rt_stats_member(b, "late", g->late.n);
	rt_stats_member(b, "inputs", (uint64_t)g->n);
	rt_stats_member(b, "held_max", rt_merge_held_max(g->m));
}

static void
setup(struct mg *g, struct rt_cli *cli, int argc, char **argv)
{
	const char *err;

	rt_jdoc_init(&g->doc, 0);
	rt_jedit_init(&g->edit);
	rt_fset_init(&g->fs);
	g->tslot = rt_fset_add(&g->fs, g->time_field, strlen(g->time_field));
	g->gslot = g->tag ? rt_fset_add(&g->fs, g->tag, strlen(g->tag)) : 0;
	rt_late_open(&g->late, cli, g->late_path, g->late_pass, "--max-delay");
	rt_cli_report(cli, extra_stats, NULL, g);
	if ((err = rt_msrcs_init(&g->in, argv + optind, argc - optind,
	    (enum rt_fmt)cli->ifmt, cli->max_record)) != NULL)
		rt_cli_usage_error(cli, "%s", err);
	for (int i = 0; i < g->in.n; i++)	/* the operands are ours */
		if (strcmp(g->in.v[i].path, "-") != 0)
			rt_cli_allow(cli, g->in.v[i].path, RT_SB_READ);
	rt_cli_start(cli, argc, argv, argc);
	g->n = g->active = g->in.n;
	if (g->n > 65535)
		rt_cli_usage_error(cli, "more than 65535 inputs");
	tag_values(g);
	g->m = rt_merge_new(g->n, g->max_delay, g->idle,
	    g->idle ? rt_time_mono_us() : 0);
}

int
main(int argc, char *argv[])
{
	static struct rt_cli cli;
	static struct mg g;
	int status;

	rt_cli_init(&cli, "rt-merge", usage, opts);
	g.cli = &cli;
	g.time_field = "ts";
	options(&cli, &g, argc, argv);
	setup(&g, &cli, argc, argv);
	run(&g);
	rt_late_close(&g.late);
	status = rt_cli_finish(&cli);
	rt_buf_release(&g.tagkey);
	rt_msrcs_release(&g.in);
	rt_merge_free(g.m);
	rt_jdoc_release(&g.doc);
	rt_jedit_release(&g.edit);
	rt_buf_release(&g.tmp);
	rt_buf_release(&g.out);
	return status;
}
