/*
 * jtable.h - the reference table as rt-join's options describe it: the
 * key, --select, the types (options or a JSON Schema), the file and its
 * kind; and the table in force made from that, in memory (table.h) or
 * looked up in SQLite (tsql.h).  rt-join(1), "Tables".
 */
#ifndef RT_JTABLE_H
#define RT_JTABLE_H

#include <stddef.h>

#include "join.h"
#include "table.h"
#include "tsql.h"

#define RT_JCONF_MAXTYPES 256
#define RT_JCONF_MAXNAMES 512

struct rt_jconf {
	struct rt_tspec spec;		/* what loading needs */
	const char *path;		/* --table */
	const char *sql, *tname;	/* SQLite: --sql or --table-name */
	long long cache;		/* SQLite: --cache, 0: load */
	struct rt_ttype types[RT_JCONF_MAXTYPES];
	const char *select[RT_FSET_MAX];
	char *owned[RT_JCONF_MAXNAMES];	/* names split from the options */
	int nowned;
};

void rt_jconf_init(struct rt_jconf *c);
void rt_jconf_release(struct rt_jconf *c);

/* The options' lists.  Each returns NULL, or why the list is refused
 * (an empty name, too many).  Names are copied. */
/* --on F[=COL],...: the record's fields into j, the columns into spec. */
const char *rt_jconf_on(struct rt_jconf *c, struct rt_join *j,
    const char *list);
const char *rt_jconf_select(struct rt_jconf *c, const char *list);
/* --number, --integer, --bool: type is RT_TT_*. */
const char *rt_jconf_types(struct rt_jconf *c, const char *list, int type);
/* --range LO,HI. */
const char *rt_jconf_range(struct rt_jconf *c, const char *list);
/* --schema: the JSON Schema text p[0, n): each member of "properties"
 * whose "type" is (or lists) integer, number or boolean. */
const char *rt_jconf_schema(struct rt_jconf *c, const char *p, size_t n);

/* --table-format NAME: RT_TF_*, or -1. */
int rt_jconf_format(const char *name);

/* After the options: NULL, or the usage error they make (options that
 * do not go together).  Settles the format, the range's key and the
 * watch interval (*interval: 1s with watch when none was given). */
const char *rt_jconf_check(struct rt_jconf *c, const struct rt_join *j,
    int watch, int64_t *interval);

/* The table in force. */
struct rt_jtab {
	struct rt_table t;	/* in memory, or */
	struct rt_tsql *q;	/* SQLite lookups */
};

/* Load the table c describes (any thread): the new one, or NULL with
 * the reason in err[0, errlen). */
struct rt_jtab *rt_jtab_load(const struct rt_jconf *c, char *err,
    size_t errlen);
void rt_jtab_free(struct rt_jtab *jt);
/* The same as reload.h's functions (arg: the struct rt_jconf). */
void *rt_jtab_reload(void *conf, char *err, size_t errlen);
void rt_jtab_drop(void *conf, void *jt);
/* Join with jt from the next record on. */
void rt_jtab_use(struct rt_jtab *jt, struct rt_join *j);
/* Append jt's --stats members: table_rows and table_rejected, or
 * cache_hits and cache_misses. */
void rt_jtab_stats(const struct rt_jtab *jt, struct rt_buf *b);

#endif
