/*
 * opttab.h - a tool's options declared once: from one table come the
 * getopt_long struct option array, the short option string and the
 * option lines of --help.  rtpipe(7), "Common options".
 */
#ifndef RT_OPTTAB_H
#define RT_OPTTAB_H

#include <getopt.h>
#include <stddef.h>

#include "buf.h"

/* Options one table may give at most, groups included. */
#define RT_OPTTAB_MAX 80

/* The column where the descriptions of --help start. */
#define RT_OPTTAB_COL 27

/*
 * One option, or (name NULL, group set) a group of options shared by
 * several tools, spliced in at that place: RT_OPTTAB_GROUP for getopt
 * only (the tool prints the group's help where its text wants it),
 * RT_OPTTAB_SPLICE in the help lines too.  A table ends with an entry
 * whose name and group are both NULL (RT_OPTTAB_END).
 */
struct rt_optdef {
	const char *name;	/* the long name, without "--" */
	int has_arg;		/* no_argument, required_argument or
				 * optional_argument; of a group: 1 if
				 * its help lines are spliced in too */
	int val;		/* what getopt_long returns: a letter or
				 * digit is also the short option */
	/* In --help: what follows "--name": the value ("DUR"), after a
	 * blank unless it starts with "[=" or ','; NULL: nothing. */
	const char *arg;
	/* The description, its lines separated by '\n' (a leading '\n'
	 * puts it under the option); NULL: the option has no line of its
	 * own (another line shows it). */
	const char *help;
	/* A heading line above this option's ("Keys:"); one that ends
	 * with a blank ("pub:  ") stands in the indent of the line. */
	const char *head;
	const struct rt_optdef *group;
};

/* The two common kinds: an option with a value, a flag. */
#define RT_OPTTAB_ARG(name, val, arg, help) \
	{ (name), required_argument, (val), (arg), (help), NULL, NULL }
#define RT_OPTTAB_FLAG(name, val, help) \
	{ (name), no_argument, (val), NULL, (help), NULL, NULL }
#define RT_OPTTAB_GROUP(g) { NULL, 0, 0, NULL, NULL, NULL, (g) }
#define RT_OPTTAB_SPLICE(g) { NULL, 1, 0, NULL, NULL, NULL, (g) }
#define RT_OPTTAB_END { NULL, 0, 0, NULL, NULL, NULL, NULL }

/* The options of t, groups spliced in, in table order, into out[0, n)
 * and a zero entry at out[n]: returns n, or -1 when more than cap - 1
 * would not fit.  The names are t's (borrowed). */
int rt_opttab_longopts(const struct rt_optdef *t, struct option *out,
    size_t cap);

/* The short option string of t, groups spliced in, into out (cap bytes):
 * ':' (a missing value comes back as ':'), then each short letter with
 * ':' for a required value, "::" for an optional one.  Returns its
 * length, or -1 when it does not fit. */
int rt_opttab_shortopts(const struct rt_optdef *t, char *out, size_t cap);

/* Append to b the --help lines of t's options (and of the groups it
 * splices in), in table order:
 * "  -k, --key F[,F...]       window per key ...", the description at
 * column RT_OPTTAB_COL (two blanks after a wider option), each further
 * line of it indented to that column. */
void rt_opttab_help(const struct rt_optdef *t, struct rt_buf *b);

/* The next item of a comma-separated option value, split in place: *at
 * starts at the list (a string the caller owns and lets be written);
 * returns the item, NUL-terminated where its comma was, and moves *at
 * past it, to NULL after the last item; NULL once *at is NULL.  Items
 * may be empty: "a,,b" has three, "" one (callers that take none skip
 * them).  Every comma-separated option is split here. */
char *rt_opttab_item(char **at);

#endif
