/*
 * t_opttab.c - option tables (lib/opttab.c): a table of option tables,
 * each with the struct option array, the short option string and the
 * --help lines it must give; the shared groups of lib/cli.c, whose help
 * must read as before; and the items of comma-separated lists.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opttab.h"
#include "tap.h"

#define RA required_argument
#define NA no_argument
#define OA optional_argument

static const struct rt_optdef info[] = {
	{ "help", NA, 'h', NULL, "show this help", NULL, NULL },
	{ "version", NA, 'V', NULL, "show the version", NULL, NULL },
	RT_OPTTAB_END
};

static const struct rt_optdef plain[] = {
	{ "time", RA, 1100, "F", "event time field (default ts)", NULL, NULL },
	{ "key", RA, 'k', "F[,F...]", "window per key", NULL, NULL },
	{ "agg", RA, 'a', "[NAME=]AGG", "count, sum:F", NULL, NULL },
	{ "flush", NA, 1101, NULL, "close every window\nat the end", NULL,
	  NULL },
	RT_OPTTAB_END
};

static const struct rt_optdef grouped[] = {
	RT_OPTTAB_GROUP(info),
	{ "syslog", OA, 's', "[=FACILITY]", "log alerts to syslog", "Out:",
	  NULL },
	{ "max-record-bytes", RA, 1102, "N", "one blank after 26 columns",
	  NULL, NULL },
	{ "connect-timeout", RA, 1103, "DUR", "two after 27", NULL, NULL },
	{ "number", RA, 1104, ", --integer COLS", "\nread columns as numbers",
	  NULL, NULL },
	{ "integer", RA, 1105, NULL, NULL, NULL, NULL },
	{ "key", RA, 1106, "F", "partition by F", "pub:  ", NULL },
	RT_OPTTAB_END
};

static const struct rt_optdef spliced[] = {
	{ "once", NA, 1100, NULL, "print once", NULL, NULL },
	RT_OPTTAB_SPLICE(info),
	RT_OPTTAB_END
};

struct tcase {
	const char *what;
	const struct rt_optdef *t;
	const char *longopts;	/* name/has_arg/val ... */
	const char *shortopts;
	const char *help;
};

static const struct tcase cases[] = {
	{ "own options only", plain,
	  "time/1/1100 key/1/107 agg/1/97 flush/0/1101", ":k:a:",
	  "      --time F             event time field (default ts)\n"
	  "  -k, --key F[,F...]       window per key\n"
	  "  -a, --agg [NAME=]AGG     count, sum:F\n"
	  "      --flush              close every window\n"
	  "                           at the end\n" },
	{ "a group first, headings, wide and hidden options", grouped,
	  "help/0/104 version/0/86 syslog/2/115 max-record-bytes/1/1102 "
	  "connect-timeout/1/1103 number/1/1104 integer/1/1105 key/1/1106",
	  ":hVs::",
	  "Out:\n"
	  "  -s, --syslog[=FACILITY]  log alerts to syslog\n"
	  "      --max-record-bytes N one blank after 26 columns\n"
	  "      --connect-timeout DUR  two after 27\n"
	  "      --number, --integer COLS\n"
	  "                           read columns as numbers\n"
	  "pub:  --key F              partition by F\n" },
	{ "a group spliced into the help", spliced,
	  "once/0/1100 help/0/104 version/0/86", ":hV",
	  "      --once               print once\n"
	  "  -h, --help               show this help\n"
	  "  -V, --version            show the version\n" },
};

/* The struct option array as text. */
static void
longopts_text(const struct option *o, struct rt_buf *b)
{
	for (; o->name; o++)
		rt_buf_printf(b, "%s%s/%d/%d", b->len ? " " : "", o->name,
		    o->has_arg, o->val);
}

static void
test_case(const struct tcase *c)
{
	struct option lo[RT_OPTTAB_MAX + 1];
	struct rt_buf b = RT_BUF_INIT;
	char so[64];
	int n = rt_opttab_longopts(c->t, lo, RT_OPTTAB_MAX + 1);

	ok(n >= 0 && lo[n].name == NULL && lo[n].val == 0, "%s: %d options",
	    c->what, n);
	longopts_text(lo, &b);
	ok(strcmp(rt_buf_cstr(&b), c->longopts) == 0, "%s: struct option: %s",
	    c->what, rt_buf_cstr(&b));
	ok(rt_opttab_shortopts(c->t, so, sizeof so) == (int)strlen(c->shortopts)
	    && strcmp(so, c->shortopts) == 0, "%s: short options '%s'",
	    c->what, so);
	b.len = 0;
	rt_opttab_help(c->t, &b);
	if (!ok(strcmp(rt_buf_cstr(&b), c->help) == 0, "%s: help lines",
	    c->what))
		printf("# got:\n%s", rt_buf_cstr(&b));
	rt_buf_release(&b);
}

static void
test_limits(void)
{
	struct option lo[5];
	char so[4];

	ok(rt_opttab_longopts(grouped, lo, 4) == -1, "8 options into 3: -1");
	ok(rt_opttab_longopts(plain, lo, 5) == 4 && lo[4].name == NULL,
	    "4 options into 4 and the end");
	ok(rt_opttab_longopts(plain, lo, 4) == -1, "4 options into 3: -1");
	ok(rt_opttab_shortopts(grouped, so, sizeof so) == -1,
	    "short options too long: -1");
}

static const char common_help[] =
    "Common options:\n"
    "  -i, --input-format FMT   ndjson, csv or tsv (default: by file extension,\n"
    "                           else ndjson)\n"
    "  -o, --output-format FMT  ndjson (default), csv or tsv\n"
    "  -d, --delimiter C        CSV/TSV field separator, in and out: one byte,\n"
    "                           or tab (default: ',' for CSV, tab for TSV)\n"
    "      --quote C            CSV/TSV quote character (default '\"')\n"
    "      --columns A,B,...    -o csv|tsv: this header; a record with another\n"
    "                           key is rejected (default: a new header block)\n"
    "  -u, --unbuffered         flush after every record\n"
    "      --reject FILE        write rejected records to FILE as JSON objects\n"
    "      --stats              print counts as JSON on stderr at exit (and on\n"
    "                           SIGUSR1)\n"
    "      --strict             stop at the first rejected record\n"
    "      --max-record-bytes N longest record accepted (default 1M)\n"
    "      --no-sandbox         do not confine the tool (seccomp, Landlock)\n"
    "      --max-diagnostics N  show the first N rejects of each kind on\n"
    "                           stderr, then count them (default 10, 0: all)\n"
    "      --verbose            every diagnostic, naming record keys and values\n"
    "      --name NAME          label the stats (and the --stats-dir file)\n"
    "      --stats-every DUR    print the --stats line every DUR too\n"
    "      --stats-dir DIR      keep the counters in DIR/NAME.PID.json, about\n"
    "                           once a second, for rt-top (default $RT_STATS_DIR)\n"
    "      --progress           a progress line on stderr when it is a terminal\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n";

static const char time_help[] =
    "Time options:\n"
    "      --time-unit UNIT     unit of epoch numbers: s (default), ms, us, ns\n"
    "      --time-format FMT    strptime-like format for time text (%Y %m %d\n"
    "                           %H %M %S %f %z %b %j %p %s %T %F)\n"
    "      --tz ZONE            zone of times without an offset (UTC, +02:00,\n"
    "                           Europe/Paris; default UTC)\n";

static void
test_groups(void)
{
	struct rt_buf b = RT_BUF_INIT;
	char so[64];

	rt_opttab_help(rt_cli_common_opts, &b);
	ok(strcmp(rt_buf_cstr(&b), common_help) == 0, "common options' help");
	b.len = 0;
	rt_opttab_help(rt_cli_time_opts, &b);
	ok(strcmp(rt_buf_cstr(&b), time_help) == 0, "time options' help");
	ok(rt_opttab_shortopts(rt_cli_common_opts, so, sizeof so) > 0 &&
	    strcmp(so, ":i:o:d:uhV") == 0, "common short options '%s'", so);
	rt_buf_release(&b);
}

/* Comma-separated lists: the items, '|' after each. */
static const struct {
	const char *list, *items;
} lists[] = {
	{ "a", "a|" },
	{ "card_id,merchant", "card_id|merchant|" },
	{ "a,,b", "a||b|" },
	{ "", "|" },
	{ ",", "||" },
	{ "x=1,y=2,", "x=1|y=2||" },
};

static void
test_items(void)
{
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		char copy[64], *at = copy, *item;
		struct rt_buf b = RT_BUF_INIT;

		snprintf(copy, sizeof copy, "%s", lists[i].list);
		while ((item = rt_opttab_item(&at)) != NULL)
			rt_buf_printf(&b, "%s|", item);
		ok(strcmp(rt_buf_cstr(&b), lists[i].items) == 0 && at == NULL &&
		    rt_opttab_item(&at) == NULL, "items of '%s': %s",
		    lists[i].list, rt_buf_cstr(&b));
		rt_buf_release(&b);
	}
}

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		test_case(&cases[i]);
	test_limits();
	test_groups();
	test_items();
	return done_testing();
}
