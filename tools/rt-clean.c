/*
 * rt-clean - turn messy input (NDJSON, CSV, TSV) into canonical NDJSON.
 * See rt-clean(1); the rules themselves live in lib/clean.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean.h"
#include "cli.h"
#include "loop.h"
#include "mem.h"
#include "number.h"
#include "state.h"

enum {
	OPT_KEYS = RT_OPT_TOOL, OPT_RENAME, OPT_SELECT, OPT_DROP, OPT_NO_TRIM,
	OPT_DROP_EMPTY, OPT_NUMBER, OPT_INTEGER, OPT_BOOL, OPT_TIME,
	OPT_DECIMAL_COMMA, OPT_UPPER, OPT_LOWER, OPT_DEFAULT, OPT_REQUIRE,
	OPT_DEDUPE, OPT_DEDUPE_WINDOW, OPT_DEDUPE_MAX, OPT_STATE
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_GROUP(rt_cli_time_opts),
	{ "keys", required_argument, OPT_KEYS,
	  "MODE", "asis (default), lower or snake", "Keys:", NULL },
	RT_OPTTAB_ARG("rename", OPT_RENAME,
	    "OLD=NEW", "rename a field (OLD as --keys made it); a\n"
	    "comma-separated list of pairs, or repeat"),
	RT_OPTTAB_ARG("select", OPT_SELECT,
	    "F", "keep only these fields"),
	RT_OPTTAB_ARG("drop", OPT_DROP,
	    "F", "remove these fields"),
	{ "no-trim", no_argument, OPT_NO_TRIM,
	  NULL, "keep spaces around strings and keys", "Values:", NULL },
	RT_OPTTAB_FLAG("drop-empty", OPT_DROP_EMPTY,
	    "remove fields that are \"\" or null"),
	RT_OPTTAB_ARG("number", OPT_NUMBER,
	    "F", "make F a number (1,234.50 $12 (3.00))"),
	RT_OPTTAB_FLAG("decimal-comma", OPT_DECIMAL_COMMA,
	    "read 12,50 as 12.50 in --number fields"),
	RT_OPTTAB_ARG("integer", OPT_INTEGER,
	    "F", "make F a whole number"),
	RT_OPTTAB_ARG("bool", OPT_BOOL,
	    "F", "make F true/false (yes/no/y/n/1/0/on/off)"),
	RT_OPTTAB_ARG("time", OPT_TIME,
	    "F", "make F RFC 3339 UTC with milliseconds"),
	RT_OPTTAB_ARG("upper", OPT_UPPER,
	    "F", "upper-case F (ASCII)"),
	RT_OPTTAB_ARG("lower", OPT_LOWER,
	    "F", "lower-case F (ASCII)"),
	RT_OPTTAB_ARG("default", OPT_DEFAULT,
	    "F=V", "V when F is missing, null or \"\""),
	RT_OPTTAB_ARG("require", OPT_REQUIRE,
	    "F", "reject records where F is missing or empty"),
	{ "dedupe", required_argument, OPT_DEDUPE,
	  "F", "drop records whose F was already seen", "Duplicates:", NULL },
	RT_OPTTAB_ARG("dedupe-window", OPT_DEDUPE_WINDOW,
	    "DUR", "...within DUR of event time (first --time\n"
	    "field, else ts)"),
	RT_OPTTAB_ARG("dedupe-max", OPT_DEDUPE_MAX,
	    "N", "remember at most N ids (default 1000000)"),
	RT_OPTTAB_ARG("state", OPT_STATE,
	    "FILE", "load the ids seen from FILE, save them there\n"
	    "at the end (and on SIGTERM or SIGINT)"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-clean [OPTION]... [FILE]...\n"
	    "Turn messy records (NDJSON, CSV, TSV) into canonical NDJSON.\n"
	    "Field lists F may be comma-separated; options repeat.\n\n",
	    opts, "\n",
	    RT_CLI_GROUPS(rt_cli_time_opts, rt_cli_common_opts),
	    "\nExit status: 0 all records accepted, 1 some rejected, "
	    "2 trouble.\nSee rt-clean(1) and rtpipe(7).\n");
}

/* Apply flags to each field of a comma-separated list. */
static void
fields(struct rt_cli *cli, struct rt_clean *c, const char *opt,
    const char *list, unsigned flags)
{
	char *copy = rt_xstrdup(list), *f, *at = copy;
	const char *err;

	while ((f = rt_opttab_item(&at)) != NULL)
		if (*f != '\0' && (err = rt_clean_field(c, f, flags)) != NULL)
			rt_cli_usage_error(cli, "--%s: %s: '%s'", opt, err, f);
	free(copy);
}

/* --rename OLD=NEW[,OLD=NEW...]: each pair of the list. */
static void
renames(struct rt_cli *cli, struct rt_clean *c, const char *list)
{
	char *copy = rt_xstrdup(list), *p, *at = copy;
	const char *err;

	while ((p = rt_opttab_item(&at)) != NULL)
		if ((err = rt_clean_rename(c, p)) != NULL)
			rt_cli_usage_error(cli, "--rename: %s: '%s'", err, p);
	free(copy);
}

struct dedupe_opts {
	const char *field;
	int64_t window;
	size_t max;
	const char *state;	/* --state FILE */
};

static void
options(struct rt_cli *cli, struct rt_clean *c, struct dedupe_opts *dd,
    int argc, char **argv)
{
	const char *err;
	long long n;
	int opt, li;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		const char *name = opt >= RT_OPT_TOOL ? cli->longopts[li].name :
		    NULL;

		err = NULL;
		switch (opt) {
		case OPT_KEYS:
			/* In the order of enum rt_keys. */
			c->keys = (enum rt_keys)rt_cli_word(cli, "--keys", optarg,
			    (const char *const[]){ "asis", "lower", "snake", NULL });
			break;
		case OPT_RENAME: renames(cli, c, optarg); break;
		case OPT_SELECT: fields(cli, c, name, optarg, RT_CF_SELECT); break;
		case OPT_DROP: fields(cli, c, name, optarg, RT_CF_DROP); break;
		case OPT_NO_TRIM: c->trim = 0; break;
		case OPT_DROP_EMPTY: c->drop_empty = 1; break;
		case OPT_NUMBER: fields(cli, c, name, optarg, RT_CF_NUMBER); break;
		case OPT_INTEGER: fields(cli, c, name, optarg, RT_CF_INTEGER); break;
		case OPT_BOOL: fields(cli, c, name, optarg, RT_CF_BOOL); break;
		case OPT_TIME: fields(cli, c, name, optarg, RT_CF_TIME); break;
		case OPT_DECIMAL_COMMA: c->numflags |= RT_NUM_DECIMAL_COMMA; break;
		case OPT_UPPER: fields(cli, c, name, optarg, RT_CF_UPPER); break;
		case OPT_LOWER: fields(cli, c, name, optarg, RT_CF_LOWER); break;
		case OPT_DEFAULT: err = rt_clean_default(c, optarg); break;
		case OPT_REQUIRE: fields(cli, c, name, optarg, RT_CF_REQUIRE); break;
		case OPT_DEDUPE: dd->field = optarg; break;
		case OPT_DEDUPE_WINDOW:
			if ((err = rt_dur_parse(optarg, &dd->window)) == NULL &&
			    dd->window <= 0)
				err = "must be more than 0";
			break;
		case OPT_STATE: dd->state = optarg; break;
		case OPT_DEDUPE_MAX:
			n = rt_cli_size(optarg);
			if (n < 1 || n > 1LL << 31)
				err = "expected a count from 1";
			dd->max = (size_t)n;
			break;
		default:
			rt_cli_other(cli, argv, opt, optarg);
		}
		if (err)
			rt_cli_usage_error(cli, "--%s: %s: '%s'", name, err, optarg);
	}
	if ((dd->window || dd->max) && dd->field == NULL)
		rt_cli_usage_error(cli, "--dedupe-window and --dedupe-max need "
		    "--dedupe");
	if (dd->state && dd->field == NULL)
		rt_cli_usage_error(cli, "--state needs --dedupe");
	if (dd->field)
		rt_clean_dedupe(c, dd->field, dd->window, dd->max);
}

/* Take the ids a run before saw from the state file, if there is one. */
static void
load_state(struct rt_cli *cli, struct rt_clean *c, const char *path)
{
	struct rt_buf b = RT_BUF_INIT, conf = RT_BUF_INIT;
	const char *why;
	size_t body;

	if (rt_state_load(path, &b) == -1) {
		if (errno != ENOENT)
			rt_cli_fatal(cli, "%s: %s", path, strerror(errno));
		rt_buf_release(&b);
		return;
	}
	rt_clean_config(c, &conf);
	why = rt_state_check(&b, "rt-clean", conf.p, conf.len, &body);
	if (why == NULL)
		why = rt_clean_load(c, b.p + body, b.len - body);
	if (why)
		rt_cli_fatal(cli, "%s: %s", path, why);
	rt_buf_release(&b);
	rt_buf_release(&conf);
}

/* Save the ids seen, after the output they shaped is written. */
static void
save_state(struct rt_cli *cli, const struct rt_clean *c, const char *path)
{
	struct rt_buf b = RT_BUF_INIT, conf = RT_BUF_INIT;

	rt_cli_idle(cli);	/* flushes; a write error is fatal there */
	rt_clean_config(c, &conf);
	rt_state_header(&b, "rt-clean", conf.p, conf.len);
	rt_clean_save(c, &b);
	if (rt_state_save(path, b.p, b.len) == -1)
		rt_cli_fatal(cli, "%s: %s", path, strerror(errno));
	rt_buf_release(&b);
	rt_buf_release(&conf);
}

/* The run: what a barrier needs to save the ids seen, and whether the
 * fields no record has shown were warned of. */
struct run {
	struct rt_cli *cli;
	struct rt_clean *c;
	const char *path;
	int warned;
};

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	const struct run *s = arg;

	if (ctl->kind == RT_CTL_BARRIER)
		save_state(s->cli, s->c, s->path);
}

/* Type and case options naming a field no record has shown: misspelt? */
static void
warn_unseen(struct rt_cli *cli, const struct rt_clean *c)
{
	const char *name;
	size_t i = 0;

	while ((name = rt_clean_unseen(c, &i)) != NULL) {
		if (c->nrec >= RT_CLEAN_CHECKN)
			rt_cli_warn(cli, "warning: field '%s' is in none of the "
			    "first %d records", name, RT_CLEAN_CHECKN);
		else if (c->nrec == 1)
			rt_cli_warn(cli, "warning: field '%s' is not in the one "
			    "record read", name);
		else
			rt_cli_warn(cli, "warning: field '%s' is in none of the "
			    "%llu records", name, (unsigned long long)c->nrec);
	}
}

static void
clean_one(struct rt_cli *cli, struct rt_clean *c, const struct rt_rec *rec)
{
	const char *why;

	switch (rt_clean_record(c, rec, &why)) {
	case RT_CLEAN_OUT:
		rt_cli_emit(cli, rec, c->res, c->reslen);
		break;
	case RT_CLEAN_DROP:
		rt_cli_drop(cli);
		break;
	default:
		rt_cli_reject(cli, rec, why);
	}
}

static void
on_record(void *arg, struct rt_rec *rec)
{
	struct run *s = arg;

	clean_one(s->cli, s->c, rec);
	if (!s->warned && s->c->nrec == RT_CLEAN_CHECKN) {
		warn_unseen(s->cli, s->c);
		s->warned = 1;
	}
}

int
main(int argc, char *argv[])
{
	struct rt_cli cli;
	struct rt_clean clean;
	struct dedupe_opts dd = { NULL, 0, 0, NULL };
	struct run sv = { &cli, &clean, NULL, 0 };
	int k, lock = -1;

	rt_cli_init(&cli, "rt-clean", usage, opts);
	rt_clean_init(&clean, &cli.topt);
	options(&cli, &clean, &dd, argc, argv);
	if (dd.state) {
		lock = rt_cli_state_lock(&cli, dd.state);
		load_state(&cli, &clean, dd.state);
		rt_cli_allow(&cli, dd.state, RT_SB_WRITE | RT_SB_DIR);
		sv.path = dd.state;
		cli.control = on_control;
		cli.control_arg = &sv;
	}
	cli.nowait = dd.state != NULL;
	rt_cli_start(&cli, argc, argv, optind);
	if (dd.state)
		rt_cli_catch_term();
	/* With --state, reading never blocks inside the source: the loop
	 * waits, where SIGTERM ends the wait. */
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record, .arg = &sv });
	if (!sv.warned && clean.nrec > 0)
		warn_unseen(&cli, &clean);
	if (dd.state)
		save_state(&cli, &clean, dd.state);
	k = rt_cli_finish(&cli);
	if (lock >= 0)
		close(lock);
	rt_clean_release(&clean);
	return k;
}
