/*
 * t_wopts.c - rt-window's options into the engine's configuration
 * (lib/wopts.c): a table of option sets, each with the usage error it
 * gives in the words rt-window(1) prints, or the state fingerprint text
 * and member names it makes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wapply.h"
#include "window.h"
#include "wopts.h"

#define H 3600000000LL		/* an hour, in us */

struct tcase {
	const char *args[40];	/* option, value, ...; durations in hours */
	const char *want;	/* the error, or "=" and the config text */
	const char *names;	/* with a config: the member names, or NULL */
};

static const struct tcase cases[] = {
	{ { "--sliding", "1", NULL }, "=a=count\nw=0 3600000000 0 0\n"
	  "c=0 0 0 0 0 e=0 b=0 d=0 l=0 cap=10000 mk=0 ttl=0 t=ts\n",
	  "count_1" },
	{ { "-k", "card,shop", "-a", "n=sum:amount", "--sliding", "1",
	    "--sliding", "24", "--lag", "24", "--rows", "3", "-a", "prev:x",
	    "--max-delay", "2", "--time", "when", NULL },
	  "=k=card,shop\na=n=sum:amount\na=prev:x\nw=0 3600000000 0 0\n"
	  "w=0 86400000000 86400000000 0\nw=1 0 0 3\n"
	  "c=0 0 0 0 0 e=0 b=0 d=7200000000 l=0 cap=10000 mk=0 ttl=0 t=when\n",
	  "n_1 n_24_lag24 n_3rows prev_x" },
	{ { "--tumble", "1", "--emit", "both", "-a", "count", "-a",
	    "distinct:c", "--max-delay", "1", "--allowed-lateness", "1",
	    NULL },
	  "=a=count\na=distinct:c\nc=1 3600000000 3600000000 0 0 e=3 b=0 "
	  "d=3600000000 l=3600000000 cap=10000 mk=0 ttl=0 t=ts\n",
	  "count_1 distinct_c_1" },
	{ { "--hop", "1", "--size", "3", "-a", "avg:x", NULL },
	  "=a=avg:x\nc=2 10800000000 3600000000 0 0 e=0 b=0 d=0 l=0 "
	  "cap=10000 mk=0 ttl=0 t=ts\n", "" },
	{ { "--session", "2", "-a", "count", "-k", "k", NULL },
	  "=a=count\nk=k\nc=3 0 0 7200000000 0 e=0 b=0 d=0 l=0 cap=10000 "
	  "mk=0 ttl=0 t=ts\n", "" },
	/* Usage errors, as rt-window prints them. */
	{ { NULL }, "no window: give --sliding, --rows, --tumble, --hop or "
	  "--session", NULL },
	{ { "-a", "bogus", NULL }, "unknown value 'bogus' for --agg; "
	  "use count, sum, avg, min, max, stddev, distinct, first, last, "
	  "count_if, prev or since_prev", NULL },
	{ { "-a", "coutn", NULL }, "unknown value 'coutn' for --agg; did you "
	  "mean 'count'?", NULL },
	{ { "-a", "=count", NULL }, "--agg: '=count': empty name", NULL },
	{ { "-a", "count:x", NULL }, "--agg: 'count:x': count takes no field",
	  NULL },
	{ { "-a", "sum", NULL }, "--agg: 'sum': sum needs a field (sum:F)",
	  NULL },
	{ { "-a", "count_if:x", NULL }, "--agg: 'count_if:x': count_if needs "
	  "F=VALUE", NULL },
	{ { "--lag", "1", NULL }, "--lag shifts the --sliding window given "
	  "before it", NULL },
	{ { "--sliding", "1", "--lag", "1", "--lag", "2", NULL },
	  "one --lag per --sliding", NULL },
	{ { "--sliding", "1", "--closed", "left", NULL }, "unknown value "
	  "'left' for --closed; use right or both", NULL },
	{ { "--tumble", "1", "--session", "1", NULL }, "one of --tumble, --hop "
	  "and --session at most", NULL },
	{ { "--hop", "1", NULL }, "--hop needs --size", NULL },
	{ { "--hop", "2", "--size", "1", NULL }, "--size must be at least "
	  "--hop", NULL },
	{ { "--sliding", "1", "--size", "1", NULL }, "--size goes with --hop",
	  NULL },
	{ { "--sliding", "1", "--offset", "1", NULL }, "--offset goes with "
	  "--tumble or --hop", NULL },
	{ { "--sliding", "1", "--distinct-cap", "5", NULL }, "--distinct-cap "
	  "goes with -a distinct:F", NULL },
	{ { "--tumble", "1", "--closed", "both", NULL }, "--closed goes with "
	  "--sliding", NULL },
	{ { "--sliding", "1", "--flush", "", NULL }, "--flush goes with "
	  "--state", NULL },
	{ { "--sliding", "1", "--max-keys", "3", NULL }, "--max-keys goes "
	  "with -k (without a key there is one)", NULL },
	{ { "--hop", "0.0001", "--size", "24", NULL }, "--size is 240000 times "
	  "--hop: a record would fall in that many windows (at most 10000)",
	  NULL },
	{ { "--session", "0.001", "--max-delay", "24", NULL }, "--max-delay "
	  "and --allowed-lateness would keep more than 10000 windows of a key "
	  "open (24000): give a longer --session gap or less delay", NULL },
	{ { "--sliding", "1", "--late", "f", "--late-pass", "", NULL },
	  "--late and --late-pass exclude each other", NULL },
	{ { "--sliding", "1", "--emit", "close", NULL }, "--emit close needs "
	  "--tumble, --hop or --session", NULL },
	{ { "--session", "1", "--emit", "enrich", NULL }, "--emit enrich goes "
	  "with --tumble (a record belongs to one tumbling window)", NULL },
	{ { "--tumble", "1", "--emit", "all", NULL }, "unknown value "
	  "'all' for --emit; use enrich, close or both", NULL },
	{ { "--sliding", "1", "-a", "s=sum:x", "-a", "s=max:x", NULL },
	  "two aggregates would both be named 's' (give one a name: NAME=AGG)",
	  NULL },
	{ { "--sliding", "1", "--sliding", "1", NULL }, "two aggregates would "
	  "both be named 'count_1' (give one a name: NAME=AGG)", NULL },
	{ { "--sliding", "90000000", NULL }, "a window longer than 10000 "
	  "years", NULL },
	{ { "--sliding", "1", "--ttl", "90000000", NULL }, "a duration longer "
	  "than 10000 years", NULL },
	{ { "--session", "1", "-a", "distinct:x", NULL }, "distinct is not "
	  "supported with --session", NULL },
	{ { "--tumble", "1", "-a", "prev:x", NULL }, "prev and since_prev need "
	  "a look-back window (--sliding or --rows)", NULL },
	{ { "--sliding", "1234567890123456789012345678901234567890"
	    "1234567890123456789012345678901234567890", NULL },
	  "'12345678901234567890123456789012345678901234567890123456789012345678901234567890': too long a duration for a member name "
	  "(name the aggregate: NAME=AGG)", NULL },
};

struct names {
	char buf[256];
};

static void
add_name(void *arg, const char *name)
{
	struct names *n = arg;
	size_t l = strlen(n->buf);

	snprintf(n->buf + l, sizeof n->buf - l, "%s%s", l ? " " : "", name);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *tc = &cases[i];
		struct rt_wopts o;
		const char *err, *got;
		struct names nm = { "" };
		int good;

		rt_wopts_init(&o);
		err = wapply(&o, tc->args, (double)H);
		got = err ? err : rt_buf_cstr(&o.config);
		if (tc->want[0] == '=') {
			good = err == NULL && strcmp(got, tc->want + 1) == 0;
			if (good && tc->names) {
				rt_win_names(&o.c, add_name, &nm);
				good = strcmp(nm.buf, tc->names) == 0;
			}
		} else {
			good = err && strcmp(err, tc->want) == 0;
		}
		ok(good, "case %zu: %s", i + 1, tc->want[0] == '=' ?
		    "configuration" : tc->want);
		if (!good)
			printf("# got: %s\n# names: %s\n", got, nm.buf);
		rt_wopts_release(&o);
	}
	return done_testing();
}
