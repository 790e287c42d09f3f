/*
 * rulecli.c - the rules' options at a tool's edge (rulecli.h).
 */
#include "rulecli.h"

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
