/*
 * aopt.h - the options of rt-alert's engines (alert.h): -k, --time,
 * --suppress, --max-keys, --max-delay, --rate, --top, --per, --by,
 * --idle-timeout, and the state file's --state and --flush; their values,
 * and what they ask of each other.  Tool side of the library, like cli.h: a bad value
 * is a usage error (exit 2).  rt-alert(1), OPTIONS.
 */
#ifndef RT_AOPT_H
#define RT_AOPT_H

#include "alert.h"
#include "cli.h"

/* Long-option values, for the tool's table ('k' is -k). */
enum {
	RT_AOPT_SUPPRESS = RT_OPT_TOOL + 32, RT_AOPT_MAXDELAY, RT_AOPT_RATE,
	RT_AOPT_TOP, RT_AOPT_PER, RT_AOPT_BY, RT_AOPT_IDLE, RT_AOPT_MAXKEYS,
	RT_AOPT_STATE, RT_AOPT_FLUSH, RT_AOPT_TIME
};

struct rt_aopt {
	struct rt_cli *cli;
	struct rt_alert_conf c;	/* the engines' options */
	int have_per;
	const char *time_field;	/* --time F (default ts); NULL: arrival */
	int time_given;		/* --time given: the field must be there */
	const char *state_path;	/* --state FILE, or NULL */
	int flush;		/* --flush */
};

/* The defaults: no engine on, one key, time field ts, score field
 * _score. */
void rt_aopt_init(struct rt_aopt *o, struct rt_cli *cli);

/* Handle an option returned by getopt_long: 1 if it was one, 0 if not.
 * -k keeps a copy of arg's fields for the program's life. */
int rt_aopt_opt(struct rt_aopt *o, int opt, const char *arg);

/* After the options: --top with --per, --rate not with --top, --flush
 * with --state, --max-keys with --suppress, no duration beyond 10,000
 * years (a usage error: exit 2). */
void rt_aopt_check(struct rt_aopt *o);

#endif
