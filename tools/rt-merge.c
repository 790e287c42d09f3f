/*
 * rt-merge - one stream from several inputs, in event time: a live
 * "sort -m" with per-input watermarks, idle inputs and late records.
 * The merge itself is lib/merge.c; this file reads options and inputs.
 * See rt-merge(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "field.h"
#include "jedit.h"
#include "mem.h"
#include "merge.h"

enum {
	OPT_TIME = RT_OPT_TOOL, OPT_MAXDELAY, OPT_IDLE, OPT_LATE, OPT_LATEPASS,
	OPT_TAG, OPT_TAGNAMES
};

static const struct option longopts[] = {
	RT_CLI_LONGOPTS,
	RT_CLI_TIMEOPTS,
	{ "time", required_argument, NULL, OPT_TIME },
	{ "max-delay", required_argument, NULL, OPT_MAXDELAY },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "late", required_argument, NULL, OPT_LATE },
	{ "late-pass", no_argument, NULL, OPT_LATEPASS },
	{ "tag", required_argument, NULL, OPT_TAG },
	{ "tag-names", required_argument, NULL, OPT_TAGNAMES },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	fputs("Usage: rt-merge [OPTION]... [[FMT:]FILE]...\n"
	    "Merge several inputs into one stream ordered by event time; a\n"
	    "record goes out once every input has passed its time.  FMT: (csv:,\n"
	    "tsv:, ndjson:) gives one input's format.\n\n"
	    "      --time F             event time field (default ts)\n"
	    "      --max-delay DUR      disorder tolerated within each input: its\n"
	    "                           watermark = newest time - DUR (default 0)\n"
	    "      --idle-timeout DUR   an input quiet for DUR no longer holds the\n"
	    "                           others back\n"
	    "      --late FILE          write late records to FILE\n"
	    "      --late-pass          pass late records on with \"_late\":true\n"
	    "      --tag F              add member F naming each record's input\n"
	    "      --tag-names A,B,...  the names (default: the operands)\n\n",
	    stdout);
	fputs(rt_cli_time_help, stdout);
	fputs(rt_cli_common_help, stdout);
	fputs("\nExit status: 0 all records accepted, 1 some rejected or late, "
	    "2 trouble.\nSee rt-merge(1) and rtpipe(7).\n", stdout);
}

struct input {
	char *path;		/* the operand without its FMT: (owned) */
	struct rt_src src;
	struct rt_buf tagv;	/* the name as a JSON string */
};

/* aux of a held record: where the tag goes (the closing brace's offset
 * + 1; 0: nothing to add), and whether the object has no member. */
#define AUX_EMPTY 0x80000000u

struct mg {
	struct rt_cli *cli;
	struct rt_merge *m;
	struct input *in;
	int n, active;
	const char *time_field, *tag, *tag_names, *late_path;
	int64_t max_delay, idle, next_peek;
	int late_pass;
	struct rt_out late;
	uint64_t nlate;
	struct rt_jdoc doc;
	struct rt_jedit edit;
	struct rt_fset fs;
	uint32_t node[2];
	int tslot, gslot;	/* the time field's slot, the tag field's */
	struct rt_buf tmp, out;
	struct pollfd *pfd;
	int *who;
};

static int64_t
clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * RT_US_PER_S + ts.tv_nsec / 1000;
}

static void
options(struct rt_cli *cli, struct mg *g, int argc, char **argv)
{
	int opt, li;

	while ((opt = getopt_long(argc, argv, RT_CLI_SHORTOPTS, longopts,
	    &li)) != -1) {
		switch (opt) {
		case OPT_TIME: g->time_field = optarg; break;
		case OPT_MAXDELAY:
			g->max_delay = rt_cli_dur(cli, "max-delay", optarg, 1);
			break;
		case OPT_IDLE:
			g->idle = rt_cli_dur(cli, "idle-timeout", optarg, 0);
			break;
		case OPT_LATE: g->late_path = optarg; break;
		case OPT_LATEPASS: g->late_pass = 1; break;
		case OPT_TAG: g->tag = optarg; break;
		case OPT_TAGNAMES: g->tag_names = optarg; break;
		case '?':
		case ':':
			rt_cli_bad_option(cli, argv, opt);
		default:
			if (!rt_cli_opt(cli, opt, optarg))
				rt_cli_bad_option(cli, argv, opt);
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

/* The name of input k: from --tag-names, else the operand. */
static const char *
input_name(int k, const char *path, char **names)
{
	if (names == NULL)
		return strcmp(path, "-") == 0 ? "stdin" : path;
	return names[k];
}

/* Split --tag-names into n names (exits on a count that differs). */
static char **
split_names(struct mg *g, int n)
{
	char **v, *s, *save = NULL, *tok;
	int k = 0;

	if (g->tag_names == NULL)
		return NULL;
	v = rt_xcalloc((size_t)n + 1, sizeof *v);
	s = rt_xstrdup(g->tag_names);
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		if (k == n)
			break;
		v[k++] = tok;
	}
	if (k != n || tok != NULL)
		rt_cli_usage_error(g->cli, "--tag-names: %d names for %d inputs",
		    k + (tok != NULL), n);
	return v;
}

/* One input per operand ([FMT:]PATH), or standard input. */
static void
inputs(struct mg *g, int argc, char **argv)
{
	static char *stdin_only[] = { (char *)"-" };
	char **ops = argc > optind ? argv + optind : stdin_only, **names;
	int k, dash = 0;

	g->n = g->active = argc > optind ? argc - optind : 1;
	g->in = rt_xcalloc((size_t)g->n, sizeof *g->in);
	names = split_names(g, g->n);
	for (k = 0; k < g->n; k++) {
		struct input *in = &g->in[k];
		const char *op = ops[k], *colon = strchr(op, ':');
		int fmt = g->cli->ifmt;
		char pre[8];

		if (colon && (size_t)(colon - op) < sizeof pre) {
			memcpy(pre, op, (size_t)(colon - op));
			pre[colon - op] = '\0';
			if ((fmt = rt_fmt_parse(pre)) >= 0)
				op = colon + 1;
			else
				fmt = g->cli->ifmt;
		}
		if (strcmp(op, "-") == 0 && dash++)
			rt_cli_usage_error(g->cli, "standard input ('-') given "
			    "twice");
		in->path = rt_xstrdup(op);
		rt_src_init(&in->src, &in->path, 1, (enum rt_fmt)fmt,
		    g->cli->max_record);
		in->src.nowait = 1;
		rt_json_put_str(&in->tagv, input_name(k, op, names),
		    strlen(input_name(k, op, names)));
	}
	if (names) {
		free(names[0]);
		free(names);
	}
	g->pfd = rt_xcalloc((size_t)g->n, sizeof *g->pfd);
	g->who = rt_xcalloc((size_t)g->n, sizeof *g->who);
}

/* The record d of input i with its tag (when --tag) and "_late":true
 * (when late), into g->out. */
static void
edited(struct mg *g, const struct rt_jdoc *d, int i, int late)
{
	rt_jedit_start(&g->edit, d);
	if (g->tag)
		rt_jedit_set(&g->edit, g->tag, strlen(g->tag), g->in[i].tagv.p,
		    g->in[i].tagv.len);
	if (late)
		rt_jedit_set(&g->edit, "_late", 5, "true", 4);
	g->out.len = 0;
	rt_jedit_finish(&g->edit, &g->out);
}

static void
late_record(struct mg *g, const struct rt_rec *r, const struct rt_jdoc *d,
    int i, int64_t behind)
{
	struct rt_cli *cli = g->cli;
	char why[160], dur[48];

	g->nlate++;
	if (g->late_pass) {
		edited(g, d, i, 1);
		rt_cli_emit(cli, r, g->out.p, g->out.len);
	} else if (g->late_path) {
		if (g->tag)
			edited(g, d, i, 0);
		if ((g->tag ? rt_out_write(&g->late, g->out.p, g->out.len) :
		    rt_out_write(&g->late, r->p, r->len)) == -1 ||
		    rt_out_putc(&g->late, '\n') == -1 ||
		    rt_out_end(&g->late) == -1)
			rt_cli_fatal(cli, "%s: %s", g->late_path,
			    strerror(g->late.err));
		rt_cli_drop(cli);
	} else {
		dur[rt_dur_fmt(behind, dur)] = '\0';
		snprintf(why, sizeof why, "late: %s behind the watermark "
		    "(see --max-delay, --late)", dur);
		rt_cli_reject(cli, r, why);
	}
}

/* A record read from input i: parsed, timed, and given to the merge. */
static void
record(struct mg *g, int i, const struct rt_rec *r, int64_t now)
{
	struct rt_cli *cli = g->cli;
	const struct rt_jdoc *d = rt_rec_parse(r, &g->doc);
	struct rt_mrec mr;
	const char *err;
	char why[160];
	int64_t behind;
	int copy = r->doc != NULL;	/* CSV rows live in a scratch buffer */

	if (d == NULL) {
		rt_cli_reject_json(cli, r, &g->doc);
		return;
	}
	if (d->v[0].type != RT_JOBJ) {
		rt_cli_reject(cli, r, "not a JSON object");
		return;
	}
	rt_fset_find(&g->fs, d, g->node);
	if ((err = rt_field_time_at(d, g->node[g->tslot], &cli->topt, &g->tmp,
	    &mr.t)) != NULL) {
		snprintf(why, sizeof why, "%.60s: %s", g->time_field,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		rt_cli_reject(cli, r, why);
		return;
	}
	mr.p = r->p;
	mr.len = r->len;
	mr.line = r->line;
	mr.input = (uint32_t)i;
	mr.aux = 0;
	if (g->tag && g->node[g->gslot]) {
		edited(g, d, i, 0);	/* replaced in place */
		mr.p = g->out.p;
		mr.len = g->out.len;
		copy = 1;
	} else if (g->tag) {
		mr.aux = (d->v[0].off + d->v[0].len) |
		    (d->v[0].n == 0 ? AUX_EMPTY : 0);
	}
	if (rt_merge_add(g->m, &mr, copy, now, &behind) == RT_MERGE_LATE)
		late_record(g, r, d, i, behind);
}

/* Write a record the merge let go, with its tag appended. */
static void
emit(struct mg *g, const struct rt_mrec *mr)
{
	struct input *in = &g->in[mr->input];
	struct rt_rec r;
	size_t close = (mr->aux & ~AUX_EMPTY) - 1;

	memset(&r, 0, sizeof r);
	r.p = r.raw = mr->p;
	r.len = r.rawlen = mr->len;
	r.source = in->src.in.name ? in->src.in.name : in->path;
	r.line = mr->line;
	if (mr->aux == 0) {
		rt_cli_emit(g->cli, &r, mr->p, mr->len);
		return;
	}
	g->out.len = 0;
	rt_buf_add(&g->out, mr->p, close);
	if (!(mr->aux & AUX_EMPTY))
		rt_buf_addc(&g->out, ',');
	rt_json_put_str(&g->out, g->tag, strlen(g->tag));
	rt_buf_addc(&g->out, ':');
	rt_buf_add(&g->out, in->tagv.p, in->tagv.len);
	rt_buf_add(&g->out, mr->p + close, mr->len - close);
	rt_cli_emit(g->cli, &r, g->out.p, g->out.len);
}

static void
drain(struct mg *g, int64_t now, int flush)
{
	struct rt_mrec mr;

	while (rt_merge_pop(g->m, now, flush, &mr))
		emit(g, &mr);
}

/* Read input i once (its held views copied first). */
static void
read_one(struct mg *g, int i, int64_t now)
{
	struct input *in = &g->in[i];
	struct rt_rec r;
	int k;

	rt_merge_pin(g->m, i);
	k = rt_src_next(&in->src, &r);
	if (k == RT_IN_AGAIN) {
		rt_merge_quiet(g->m, i, now);
	} else if (k == 1) {
		g->cli->st.in++;
		if (r.bad)
			rt_cli_reject(g->cli, &r, r.bad);
		else
			record(g, i, &r, now);
	} else {
		if (k == -1) {
			rt_cli_warn(g->cli, "%s: %s", in->src.errname,
			    strerror(in->src.err));
			g->cli->trouble = 1;
		}
		rt_merge_end(g->m, i);
		rt_src_release(&in->src);
		g->active--;
	}
}

static void
flush_all(struct mg *g)
{
	rt_cli_idle(g->cli);
	if (g->late_path && rt_out_flush(&g->late) == -1)
		rt_cli_fatal(g->cli, "%s: %s", g->late_path,
		    strerror(g->late.err));
}

/* Wait for the quiet inputs (block: until one is readable or the next
 * idle timeout; else only look), and read those that are readable. */
static void
wait_inputs(struct mg *g, int64_t now, int block)
{
	int64_t left = block ? rt_merge_timeout(g->m, now) : 0;
	int n = 0, k, timeout = left < 0 ? -1 : (int)((left + 999) / 1000);

	for (k = 0; k < g->n; k++) {
		if (!rt_merge_is_quiet(g->m, k))
			continue;
		g->pfd[n].fd = rt_src_fd(&g->in[k].src);
		g->pfd[n].events = POLLIN;
		g->pfd[n].revents = 0;
		g->who[n++] = k;
	}
	if (n == 0 && timeout < 0)
		return;		/* nothing to wait for (never: see run) */
	if (timeout != 0)
		flush_all(g);	/* output is flushed before any wait */
	if ((k = poll(g->pfd, (nfds_t)n, timeout)) == -1 && errno != EINTR)
		rt_cli_fatal(g->cli, "poll: %s", strerror(errno));
	if (k <= 0)
		return;
	now = g->idle ? clock_us() : 0;
	for (k = 0; k < n; k++)
		if (g->pfd[k].revents)
			read_one(g, g->who[k], now);
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
			now = clock_us();
		drain(g, now, 0);
		i = rt_merge_next(g->m, now);
		if (i < 0 || rt_merge_is_quiet(g->m, i)) {
			wait_inputs(g, now, 1);
			continue;
		}
		read_one(g, i, now);
		/* Busy with one input, look at the idle ones now and then:
		 * their records must not wait behind the wall clock. */
		if (g->idle && now >= g->next_peek) {
			g->next_peek = now + 1000;
			if (rt_merge_any_idle(g->m, now))
				wait_inputs(g, now, 0);
		}
	}
	drain(g, now, 1);
}

static void
extra_stats(struct rt_buf *b, void *arg)
{
	const struct mg *g = arg;

	rt_stats_member(b, "late", g->nlate);
	rt_stats_member(b, "inputs", (uint64_t)g->n);
	rt_stats_member(b, "held_max", rt_merge_held_max(g->m));
}

static void
setup(struct mg *g, struct rt_cli *cli, int argc, char **argv)
{
	rt_jdoc_init(&g->doc, 0);
	rt_jedit_init(&g->edit);
	rt_fset_init(&g->fs);
	g->tslot = rt_fset_add(&g->fs, g->time_field, strlen(g->time_field));
	g->gslot = g->tag ? rt_fset_add(&g->fs, g->tag, strlen(g->tag)) : 0;
	if (g->late_path && rt_out_open(&g->late, g->late_path) == -1)
		rt_cli_fatal(cli, "%s: %s", g->late_path, strerror(errno));
	g->late.unbuffered = cli->unbuffered;
	cli->st.extra = extra_stats;
	cli->st.extra_arg = g;
	rt_cli_start(cli, argc, argv, argc);	/* the operands are ours */
	inputs(g, argc, argv);
	g->m = rt_merge_new(g->n, g->max_delay, g->idle,
	    g->idle ? clock_us() : 0);
}

int
main(int argc, char *argv[])
{
	static struct rt_cli cli;
	static struct mg g;
	int k, status;

	rt_cli_init(&cli, "rt-merge", usage);
	g.cli = &cli;
	g.time_field = "ts";
	options(&cli, &g, argc, argv);
	setup(&g, &cli, argc, argv);
	run(&g);
	if (g.late_path && rt_out_close(&g.late) == -1)
		rt_cli_fatal(&cli, "%s: %s", g.late_path, strerror(g.late.err));
	status = rt_cli_finish(&cli);
	for (k = 0; k < g.n; k++) {
		rt_src_release(&g.in[k].src);
		rt_buf_release(&g.in[k].tagv);
		free(g.in[k].path);
	}
	rt_merge_free(g.m);
	rt_jdoc_release(&g.doc);
	rt_jedit_release(&g.edit);
	rt_buf_release(&g.tmp);
	rt_buf_release(&g.out);
	free(g.in);
	free(g.pfd);
	free(g.who);
	return status;
}
