/*
 * aopt.c - the options of rt-alert's engines (see aopt.h).
 */
#include "aopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "opttab.h"
#include "state.h"

void
rt_aopt_init(struct rt_aopt *o, struct rt_cli *cli)
{
	memset(o, 0, sizeof *o);
	o->cli = cli;
	o->c.by = "_score";
	o->time_field = "ts";
}

/* -k F[,F...]: the fields, kept for the run. */
static void
key_option(struct rt_aopt *o, const char *arg)
{
	struct rt_alert_conf *c = &o->c;
	char *copy = rt_xstrdup(arg), *tok, *at = copy;

	while ((tok = rt_opttab_item(&at)) != NULL) {
		if (*tok == '\0')
			continue;
		c->keys = rt_xreallocarray(c->keys, (size_t)c->nkeys + 1,
		    sizeof *c->keys);
		c->keys[c->nkeys++] = tok;
	}
	if (c->nkeys == 0) {
		free(copy);	/* nothing points into it */
		rt_cli_usage_error(o->cli, "--key: no field named");
	}
}

/* --rate N/DUR ("10/h" is "10/1h"). */
static void
rate_option(struct rt_aopt *o, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char *n, d[64];

	if (slash == NULL)
		rt_cli_usage_error(o->cli, "--rate: '%s': use N/DUR (100/1h)",
		    arg);
	n = rt_xmemdup(arg, (size_t)(slash - arg));
	o->c.rate_n = (uint64_t)rt_cli_count(o->cli, "rate", n, 1, INT32_MAX);
	free(n);
	snprintf(d, sizeof d, "%s%s", slash[1] >= '0' && slash[1] <= '9' ?
	    "" : "1", slash + 1);
	o->c.rate_per = rt_cli_dur(o->cli, "rate", d, RT_DUR_POSITIVE);
}

int
rt_aopt_opt(struct rt_aopt *o, int opt, const char *arg)
{
	struct rt_alert_conf *c = &o->c;
	struct rt_cli *cli = o->cli;

	switch (opt) {
	case 'k': key_option(o, arg); break;
	case RT_AOPT_TIME:
		o->time_field = strcmp(arg, "arrival") == 0 ? NULL : arg;
		o->time_given = 1;
		break;
	case RT_AOPT_SUPPRESS:
		c->suppress = rt_cli_dur(cli, "suppress", arg, RT_DUR_POSITIVE);
		break;
	case RT_AOPT_MAXDELAY:
		c->max_delay = rt_cli_dur(cli, "max-delay", arg,
		    RT_DUR_ZERO_OK);
		break;
	case RT_AOPT_RATE: rate_option(o, arg); break;
	case RT_AOPT_TOP:
		c->top = (size_t)rt_cli_count(cli, "top", arg, 1, INT32_MAX);
		break;
	case RT_AOPT_PER:
		c->per = rt_cli_dur(cli, "per", arg, RT_DUR_POSITIVE);
		o->have_per = 1;
		break;
	case RT_AOPT_BY: c->by = arg; break;
	case RT_AOPT_IDLE:
		c->idle = rt_cli_dur(cli, "idle-timeout", arg, RT_DUR_POSITIVE);
		break;
	case RT_AOPT_MAXKEYS:
		c->max_keys = (uint32_t)rt_cli_count(cli, "max-keys", arg, 1,
		    UINT32_MAX - 1);
		break;
	case RT_AOPT_STATE: o->state_path = arg; break;
	case RT_AOPT_FLUSH: o->flush = 1; break;
	default: return 0;
	}
	return 1;
}

/* Event-time durations beyond the span of times a state holds (10,000
 * years) are refused: time arithmetic then never overflows. */
static void
check_durations(struct rt_aopt *o)
{
	const struct rt_alert_conf *c = &o->c;
	const struct { const char *opt; int64_t v; } d[] = {
		{ "suppress", c->suppress }, { "max-delay", c->max_delay },
		{ "rate", c->rate_per }, { "per", c->per },
		{ "idle-timeout", c->idle }
	};

	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		if (d[i].v > RT_STATE_DUR_MAX)
			rt_cli_usage_error(o->cli, "--%s: longer than 10000 "
			    "years", d[i].opt);
}

void
rt_aopt_check(struct rt_aopt *o)
{
	const struct rt_alert_conf *c = &o->c;
	struct rt_cli *cli = o->cli;

	if (c->top && !o->have_per)
		rt_cli_usage_error(cli, "--top needs --per DUR");
	if (o->have_per && !c->top)
		rt_cli_usage_error(cli, "--per goes with --top K");
	if (c->top && c->rate_n)
		rt_cli_usage_error(cli, "--rate and --top do not combine (--top "
		    "already bounds the alerts of each period)");
	if (o->flush && !o->state_path)
		rt_cli_usage_error(cli, "--flush goes with --state");
	if (c->max_keys && !c->suppress)
		rt_cli_usage_error(cli, "--max-keys goes with --suppress");
	check_durations(o);
}
