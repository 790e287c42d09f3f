/*
 * t_aopt.c - the options of rt-alert's engines (lib/aopt.c), a table of
 * option sets: each gives the engines' configuration, or the usage error
 * in rt-alert(1)'s words and exit status 2 (run in a child process, since
 * a usage error exits).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aopt.h"
#include "tap.h"

#define S 1000000LL		/* a second, in us */

struct tcase {
	const char *args[16];	/* option, value ("" for none), ... */
	/* The configuration as text, or "!" and the usage error. */
	const char *want;
};

static const struct tcase cases[] = {
	{ { NULL }, "keys= suppress=0 max-keys=0 max-delay=0 rate=0/0 "
	  "top=0/0 idle=0 by=_score state= flush=0 time=ts/0" },
	{ { "-k", "card,shop", "-k", "x", "--suppress", "30m", "--max-keys",
	    "7", NULL }, "keys=card,shop,x, suppress=1800 max-keys=7 "
	  "max-delay=0 rate=0/0 top=0/0 idle=0 by=_score state= flush=0 "
	  "time=ts/0" },
	{ { "--time", "when", "--rate", "10/h", "--max-delay", "0", "--by", "amount",
	    "--idle-timeout", "1m", NULL }, "keys= suppress=0 max-keys=0 "
	  "max-delay=0 rate=10/3600 top=0/0 idle=60 by=amount state= "
	  "flush=0 time=when/1" },
	{ { "--rate", "3/90s", "--max-delay", "5s", "--state", "st",
	    "--flush", "", "--time", "arrival", NULL }, "keys= suppress=0 "
	  "max-keys=0 max-delay=5 rate=3/90 top=0/0 idle=0 by=_score "
	  "state=st flush=1 time=(arrival)/1" },
	{ { "--top", "5", "--per", "1d", NULL }, "keys= suppress=0 "
	  "max-keys=0 max-delay=0 rate=0/0 top=5/86400 idle=0 by=_score "
	  "state= flush=0 time=ts/0" },
	/* Usage errors, checked in rt-alert's order. */
	{ { "--top", "5", NULL }, "!--top needs --per DUR" },
	{ { "--per", "1h", NULL }, "!--per goes with --top K" },
	{ { "--top", "1", "--per", "1h", "--rate", "1/1h", NULL },
	  "!--rate and --top do not combine (--top already bounds the alerts "
	  "of each period)" },
	{ { "--flush", "", "--max-keys", "3", NULL },
	  "!--flush goes with --state" },
	{ { "--max-keys", "3", NULL }, "!--max-keys goes with --suppress" },
	{ { "--suppress", "3660000d", NULL },
	  "!--suppress: longer than 10000 years" },
	{ { "--rate", "5", NULL }, "!--rate: '5': use N/DUR (100/1h)" },
	{ { "-k", ",", NULL }, "!--key: no field named" },
};

static const struct { const char *name; int opt; } names[] = {
	{ "-k", 'k' }, { "--suppress", RT_AOPT_SUPPRESS },
	{ "--max-delay", RT_AOPT_MAXDELAY }, { "--rate", RT_AOPT_RATE },
	{ "--top", RT_AOPT_TOP }, { "--per", RT_AOPT_PER },
	{ "--by", RT_AOPT_BY }, { "--idle-timeout", RT_AOPT_IDLE },
	{ "--max-keys", RT_AOPT_MAXKEYS }, { "--state", RT_AOPT_STATE },
	{ "--flush", RT_AOPT_FLUSH }, { "--time", RT_AOPT_TIME },
};

static void
usage(void)
{
}

/* Apply the case's options and check them (may exit 2). */
static void
apply(struct rt_aopt *o, const struct tcase *tc)
{
	for (const char *const *a = tc->args; *a; a += 2) {
		int opt = 0;

		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(names[i].name, a[0]) == 0)
				opt = names[i].opt;
		if (!rt_aopt_opt(o, opt, *a[1] ? a[1] : NULL))
			abort();
	}
	rt_aopt_check(o);
}

static void
config_text(const struct rt_aopt *o, char *b, size_t n)
{
	const struct rt_alert_conf *c = &o->c;
	size_t k;

	k = (size_t)snprintf(b, n, "keys=");
	for (int i = 0; i < c->nkeys; i++)
		k += (size_t)snprintf(b + k, n - k, "%s,", c->keys[i]);
	snprintf(b + k, n - k, " suppress=%lld max-keys=%u max-delay=%lld "
	    "rate=%llu/%lld top=%zu/%lld idle=%lld by=%s state=%s flush=%d "
	    "time=%s/%d",
	    (long long)(c->suppress / S), c->max_keys,
	    (long long)(c->max_delay / S), (unsigned long long)c->rate_n,
	    (long long)(c->rate_per / S), c->top, (long long)(c->per / S),
	    (long long)(c->idle / S), c->by,
	    o->state_path ? o->state_path : "", o->flush,
	    o->time_field ? o->time_field : "(arrival)", o->time_given);
}

/* The case in a child: its first line on stderr and its status. */
static int
child(const struct tcase *tc, char *err, size_t n)
{
	int fd[2], st;
	ssize_t k;
	pid_t pid;

	fflush(stdout);	/* the child must not write it again */
	if (pipe(fd) == -1 || (pid = fork()) == -1)
		abort();
	if (pid == 0) {
		struct rt_cli cli;
		struct rt_aopt o;

		dup2(fd[1], 2);
		rt_cli_init(&cli, "rt-alert", usage, NULL);
		rt_aopt_init(&o, &cli);
		apply(&o, tc);
		_exit(0);
	}
	close(fd[1]);
	k = read(fd[0], err, n - 1);
	err[k > 0 ? k : 0] = '\0';
	err[strcspn(err, "\n")] = '\0';
	close(fd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The options of each case, kept to the end (-k's copies live as long
 * as the program). */
static struct rt_aopt kept[sizeof cases / sizeof cases[0]];

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *tc = &cases[i];
		char got[512], want[512];

		if (tc->want[0] == '!') {
			int st = child(tc, got, sizeof got);

			snprintf(want, sizeof want, "rt-alert: %s", tc->want + 1);
			is_str(got, want, tc->want + 1);
			ok(st == 2, "%s: exit status 2", tc->want + 1);
		} else {
			struct rt_cli cli;

			rt_cli_init(&cli, "rt-alert", usage, NULL);
			rt_aopt_init(&kept[i], &cli);
			apply(&kept[i], tc);
			config_text(&kept[i], got, sizeof got);
			is_str(got, tc->want, tc->args[0] ? tc->args[0] :
			    "no option");
		}
	}
	return done_testing();
}
