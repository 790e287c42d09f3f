/*
 * t_rulecli.c - the rules' options at a tool's edge (lib/rulecli.c), in
 * a child process (child.h), as it exits on misuse: each option and the
 * fields it sets, bad values as usage errors (exit 2, the tool's prefix,
 * the hint), and what rt_rulecli_done decides: --no-fast-path added,
 * keys named under --verbose, the environment hidden under the sandbox
 * unless --env (and shown without it unless --no-env); the option table.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "child.h"
#include "cli.h"
#include "rule.h"
#include "rulecli.h"
#include "tap.h"

#define TRY "Try 'rt-classify --help' for more information.\n"

static void
usage(void)
{
}

struct run {
	const char *o[8];	/* option, value, ... */
	int no_sandbox, verbose, no_fast;
};

static void
child(void *arg)
{
	const struct run *r = arg;
	struct rt_rule_opts o;
	struct rt_cli c;

	rt_cli_init(&c, "rt-classify", usage, NULL);
	c.no_sandbox = r->no_sandbox;
	c.verbose = r->verbose;
	rt_rule_opts_init(&o);
	for (const char *const *p = r->o; *p; p += 2) {
		int opt = strcmp(p[0], "no-env") == 0 ? RT_OPT_NOENV :
		    strcmp(p[0], "env") == 0 ? RT_OPT_ENV :
		    strcmp(p[0], "max-eval-ms") == 0 ? RT_OPT_MAXEVAL :
		    strcmp(p[0], "max-regex-steps") == 0 ? RT_OPT_REGEXSTEPS :
		    'u';

		printf("%s: %d\n", p[0], rt_rulecli_opt(&c, &o, opt, p[1]));
	}
	rt_rulecli_done(&c, &o, r->no_fast);
	printf("no_fast %d env %d keys %d eval %lld steps %lu\n", o.no_fast,
	    o.env, o.keys, (long long)o.max_eval_us, o.regex_steps);
	rt_timeopt_release(&c.topt);
}

static const struct {
	const char *what;
	struct run r;
	int status;
	const char *out, *err;
} cases[] = {
	{ "defaults, sandboxed: the environment hidden", { { NULL }, 0, 0, 0 },
	  0, "no_fast 0 env 0 keys 0 eval 100000 steps 20000000\n", "" },
	{ "defaults, --no-sandbox: the environment shown",
	  { { NULL }, 1, 0, 0 }, 0,
	  "no_fast 0 env 1 keys 0 eval 100000 steps 20000000\n", "" },
	{ "--env under the sandbox", { { "env", NULL, NULL }, 0, 0, 0 }, 0,
	  "env: 1\nno_fast 0 env 1 keys 0 eval 100000 steps 20000000\n", "" },
	{ "--no-env --no-sandbox", { { "no-env", NULL, NULL }, 1, 0, 0 }, 0,
	  "no-env: 1\nno_fast 0 env 0 keys 0 eval 100000 steps 20000000\n",
	  "" },
	{ "--verbose names keys; --no-fast-path", { { NULL }, 0, 1, 1 }, 0,
	  "no_fast 1 env 0 keys 1 eval 100000 steps 20000000\n", "" },
	{ "--max-eval-ms 0 and the top", { { "max-eval-ms", "0",
	  "max-eval-ms", "86400000", NULL }, 0, 0, 0 }, 0,
	  "max-eval-ms: 1\nmax-eval-ms: 1\n"
	  "no_fast 0 env 0 keys 0 eval 86400000000 steps 20000000\n", "" },
	{ "--max-regex-steps 0 and the top", { { "max-regex-steps", "0",
	  "max-regex-steps", "1000000000000", NULL }, 0, 0, 0 }, 0,
	  "max-regex-steps: 1\nmax-regex-steps: 1\n"
	  "no_fast 0 env 0 keys 0 eval 100000 steps 1000000000000\n", "" },
	{ "another option: 0", { { "u", NULL, NULL }, 0, 0, 0 }, 0,
	  "u: 0\nno_fast 0 env 0 keys 0 eval 100000 steps 20000000\n", "" },
	{ "--max-eval-ms over a day", { { "max-eval-ms", "86400001", NULL },
	  0, 0, 0 }, 2, "", "rt-classify: --max-eval-ms: not a count of "
	  "milliseconds (0 to 86400000)\n" TRY },
	{ "--max-eval-ms -1", { { "max-eval-ms", "-1", NULL }, 0, 0, 0 }, 2,
	  "", "rt-classify: --max-eval-ms: not a count of milliseconds (0 to "
	  "86400000)\n" TRY },
	{ "--max-eval-ms ''", { { "max-eval-ms", "", NULL }, 0, 0, 0 }, 2,
	  "", "rt-classify: --max-eval-ms: not a count of milliseconds (0 to "
	  "86400000)\n" TRY },
	{ "--max-eval-ms 1s", { { "max-eval-ms", "1s", NULL }, 0, 0, 0 }, 2,
	  "", "rt-classify: --max-eval-ms: not a count of milliseconds (0 to "
	  "86400000)\n" TRY },
	{ "--max-regex-steps over the top", { { "max-regex-steps",
	  "1000000000001", NULL }, 0, 0, 0 }, 2, "",
	  "rt-classify: --max-regex-steps: not a count\n" TRY },
	{ "--max-regex-steps 2^64", { { "max-regex-steps",
	  "18446744073709551616", NULL }, 0, 0, 0 }, 2, "",
	  "rt-classify: --max-regex-steps: not a count\n" TRY },
	{ "--max-regex-steps +5", { { "max-regex-steps", "+5", NULL }, 0, 0,
	  0 }, 2, "", "rt-classify: --max-regex-steps: not a count\n" TRY },
};

int
main(void)
{
	struct child r = { 0 };
	struct option lo[8];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		child_run(&r, child, (void *)&cases[i].r, NULL);
		ok(r.status == cases[i].status, "%s: exit %d", cases[i].what,
		    cases[i].status);
		is_str(r.out.p, cases[i].out, "  stdout");
		is_str(r.err.p, cases[i].err, "  stderr");
	}
	child_release(&r);
	ok(rt_opttab_longopts(rt_rule_opts, lo, 8) == 4 &&
	    strcmp(lo[0].name, "no-env") == 0 && lo[0].val == RT_OPT_NOENV &&
	    lo[0].has_arg == no_argument && strcmp(lo[1].name, "env") == 0 &&
	    strcmp(lo[2].name, "max-eval-ms") == 0 &&
	    lo[2].has_arg == required_argument &&
	    strcmp(lo[3].name, "max-regex-steps") == 0 &&
	    lo[3].val == RT_OPT_REGEXSTEPS && lo[4].name == NULL,
	    "the option table: four long options, values as rule.h numbers");
	return done_testing();
}
