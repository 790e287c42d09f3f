/*
 * rulecli.h - the rules' options (rt_rule_opts: --no-env,
 * --env, --max-eval-ms, --max-regex-steps) at the edge of a tool that
 * takes jq conditions: like cli.h, this side may exit on a usage error.
 * rtpipe(7), "Sandbox"; rt-classify(1), "Budget"; rt-alert(1), --when.
 */
#ifndef RT_RULECLI_H
#define RT_RULECLI_H

#include "cli.h"
#include "rule.h"

/* The rules' options, a group for a tool's option table (opttab.h). */
extern const struct rt_optdef rt_rule_opts[];

/* Take option opt: 1 when it was one of the rules' options, 0 if not; a
 * bad value is a usage error (exit 2). */
int rt_rulecli_opt(struct rt_cli *c, struct rt_rule_opts *o, int opt,
    const char *arg);

/* After all options: --no-fast-path (no_fast), --verbose (messages name
 * keys), and the environment hidden under the sandbox unless --env. */
void rt_rulecli_done(struct rt_cli *c, struct rt_rule_opts *o, int no_fast);

#endif
