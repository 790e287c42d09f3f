/*
 * opttab.c - getopt_long's tables and the --help lines from one option
 * table (see opttab.h).
 */
#include "opttab.h"

#include <string.h>

/* Does val name a short option? */
static int
is_short(int val)
{
	return (val >= 'a' && val <= 'z') || (val >= 'A' && val <= 'Z') ||
	    (val >= '0' && val <= '9');
}

/* Append t's options to out from *n on; -1 when they do not fit. */
static int
add_long(const struct rt_optdef *t, struct option *out, size_t cap,
    size_t *n)
{
	for (; t->name || t->group; t++) {
		if (t->group) {
			if (add_long(t->group, out, cap, n) == -1)
				return -1;
			continue;
		}
		if (*n + 1 >= cap)
			return -1;
		out[*n].name = t->name;
		out[*n].has_arg = t->has_arg;
		out[*n].flag = NULL;
		out[*n].val = t->val;
		++*n;
	}
	return 0;
}

int
rt_opttab_longopts(const struct rt_optdef *t, struct option *out,
    size_t cap)
{
	size_t n = 0;

	if (cap == 0 || add_long(t, out, cap, &n) == -1)
		return -1;
	memset(&out[n], 0, sizeof out[n]);
	return (int)n;
}

/* Append t's short letters to out from *n on; -1 when they do not fit. */
static int
add_short(const struct rt_optdef *t, char *out, size_t cap, size_t *n)
{
	for (; t->name || t->group; t++) {
		if (t->group) {
			if (add_short(t->group, out, cap, n) == -1)
				return -1;
			continue;
		}
		if (!is_short(t->val))
			continue;
		/* The letter, its colons and the final NUL. */
		if (*n + 2 + (t->has_arg != no_argument) +
		    (t->has_arg == optional_argument) > cap)
			return -1;
		out[(*n)++] = (char)t->val;
		if (t->has_arg != no_argument)
			out[(*n)++] = ':';
		if (t->has_arg == optional_argument)
			out[(*n)++] = ':';
	}
	return 0;
}

int
rt_opttab_shortopts(const struct rt_optdef *t, char *out, size_t cap)
{
	size_t n = 1;

	if (cap < 2)
		return -1;
	out[0] = ':';
	if (add_short(t, out, cap, &n) == -1)
		return -1;
	out[n] = '\0';
	return (int)n;
}

static void
pad(struct rt_buf *b, size_t n)
{
	while (n-- > 0)
		rt_buf_addc(b, ' ');
}

/* The left column of o's line: indent, short letter, long name, value. */
static void
left(const struct rt_optdef *o, struct rt_buf *b)
{
	size_t hn = o->head ? strlen(o->head) : 0;

	if (hn > 0 && o->head[hn - 1] == ' ') {
		rt_buf_adds(b, o->head);
		pad(b, hn < 6 ? 6 - hn : 0);
	} else if (is_short(o->val)) {
		rt_buf_adds(b, "  -");
		rt_buf_addc(b, (char)o->val);
		rt_buf_adds(b, ", ");
	} else {
		rt_buf_adds(b, "      ");
	}
	rt_buf_adds(b, "--");
	rt_buf_adds(b, o->name);
	if (o->arg) {
		if (strncmp(o->arg, "[=", 2) != 0 && o->arg[0] != ',')
			rt_buf_addc(b, ' ');
		rt_buf_adds(b, o->arg);
	}
}

/* One option's lines. */
static void
help_one(const struct rt_optdef *o, struct rt_buf *b)
{
	size_t start, w, hn = o->head ? strlen(o->head) : 0;
	const char *p = o->help, *e;

	if (hn > 0 && o->head[hn - 1] != ' ') {
		rt_buf_adds(b, o->head);
		rt_buf_addc(b, '\n');
	}
	start = b->len;
	left(o, b);
	w = b->len - start;
	if (*p == '\n') {
		rt_buf_addc(b, '\n');
		pad(b, RT_OPTTAB_COL);
		p++;
	} else {
		pad(b, w < RT_OPTTAB_COL ? RT_OPTTAB_COL - w : 2);
	}
	for (;;) {
		e = strchr(p, '\n');
		rt_buf_add(b, p, e ? (size_t)(e - p) : strlen(p));
		rt_buf_addc(b, '\n');
		if (!e)
			break;
		p = e + 1;
		pad(b, RT_OPTTAB_COL);
	}
}

void
rt_opttab_help(const struct rt_optdef *t, struct rt_buf *b)
{
	for (; t->name || t->group; t++)
		if (t->group && t->has_arg)
			rt_opttab_help(t->group, b);
		else if (t->name && t->help)
			help_one(t, b);
}

char *
rt_opttab_item(char **at)
{
	char *item = *at, *e;

	if (item == NULL)
		return NULL;
	if ((e = strchr(item, ',')) != NULL) {
		*e = '\0';
		*at = e + 1;
	} else {
		*at = NULL;
	}
	return item;
}
