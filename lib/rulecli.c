/*
 * rulecli.c - the rules' options at a tool's edge (rulecli.h).
 */
#include "rulecli.h"

const struct rt_optdef rt_rule_opts[] = {
	RT_OPTTAB_FLAG("no-env", RT_OPT_NOENV,
	    "$ENV and env are {} in conditions (the\n"
	    "default under the sandbox)"),
	RT_OPTTAB_FLAG("env", RT_OPT_ENV,
	    "conditions may read the environment"),
	RT_OPTTAB_ARG("max-eval-ms", RT_OPT_MAXEVAL,
	    "N", "CPU time one record's conditions may\n"
	    "take (default 100; 0: no limit)"),
	RT_OPTTAB_ARG("max-regex-steps", RT_OPT_REGEXSTEPS,
	    "N", "backtracking steps of one regex search\n"
	    "(default 20000000; 0: no limit)"),
	RT_OPTTAB_END
};

int
rt_rulecli_opt(struct rt_cli *c, struct rt_rule_opts *o, int opt,
    const char *arg)
{
	const char *why;
	int r = rt_rule_opt(o, opt, arg, &why);

	if (r < 0)
		rt_cli_usage_error(c, "%s", why);
	return r;
}

void
rt_rulecli_done(struct rt_cli *c, struct rt_rule_opts *o, int no_fast)
{
	o->no_fast |= no_fast;
	o->keys = c->verbose;
	rt_rule_opts_done(o, !c->no_sandbox);
}
