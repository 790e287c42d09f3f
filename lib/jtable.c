/*
 * jtable.c - rt-join's table from its options (see jtable.h).
 */
#include "jtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "opttab.h"
#include "source.h"
#include "stats.h"

void
rt_jconf_init(struct rt_jconf *c)
{
	memset(c, 0, sizeof *c);
	c->spec.types = c->types;
}

void
rt_jconf_release(struct rt_jconf *c)
{
	for (int i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	memset(c, 0, sizeof *c);
}

static const char *
own(struct rt_jconf *c, const char *s, size_t n)
{
	if (c->nowned == RT_JCONF_MAXNAMES)
		return NULL;
	return c->owned[c->nowned++] = rt_xmemdup(s, n);
}

/* Split a comma-separated list into out[0, max): the count, or -1 with
 * *why. */
static int
split(struct rt_jconf *c, const char *list, const char **out, int max,
    const char **why)
{
	char *copy = rt_xstrdup(list), *at = copy, *p;
	size_t len;
	int n = 0;

	while ((p = rt_opttab_item(&at)) != NULL) {
		len = strlen(p);
		*why = len == 0 ? "an empty name" : "too many names";
		if (len == 0 || n == max || (out[n] = own(c, p, len)) == NULL) {
			n = -1;
			break;
		}
		n++;
	}
	free(copy);
	return n;
}

const char *
rt_jconf_on(struct rt_jconf *c, struct rt_join *j, const char *list)
{
	const char *parts[RT_TABLE_MAXKEY], *why;
	int n = split(c, list, parts, RT_TABLE_MAXKEY, &why);

	if (n < 0)
		return why;
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(parts[i], '=');

		j->field[i] = eq ? own(c, parts[i], (size_t)(eq - parts[i])) :
		    parts[i];
		c->spec.key[i] = eq ? eq + 1 : parts[i];
		if (j->field[i] == NULL)
			return "too many names";
		if (*j->field[i] == '\0' || *c->spec.key[i] == '\0')
			return "an empty name";
	}
	j->nfield = c->spec.nkey = n;
	return NULL;
}

const char *
rt_jconf_select(struct rt_jconf *c, const char *list)
{
	const char *why;
	int n = split(c, list, c->select, RT_FSET_MAX, &why);

	if (n < 0)
		return why;
	c->spec.select = c->select;
	c->spec.nselect = n;
	return NULL;
}

const char *
rt_jconf_types(struct rt_jconf *c, const char *list, int type)
{
	const char *names[RT_JCONF_MAXTYPES], *why;
	int n = split(c, list, names, RT_JCONF_MAXTYPES - c->spec.ntypes, &why);

	if (n < 0)
		return why;
	for (int i = 0; i < n; i++) {
		c->types[c->spec.ntypes].name = names[i];
		c->types[c->spec.ntypes++].type = type;
	}
	return NULL;
}

const char *
rt_jconf_range(struct rt_jconf *c, const char *list)
{
	const char *two[3], *why;

	if (split(c, list, two, 3, &why) != 2)
		return "expected LO,HI";
	c->spec.lo = two[0];
	c->spec.hi = two[1];
	return NULL;
}

/* The type a schema's "type" value t (JSON text) names, RT_TT_*. */
static int
schema_type(const char *t, size_t n)
{
	char b[256];

	snprintf(b, sizeof b, "%.*s", (int)(n < 255 ? n : 255), t);
	return strstr(b, "\"integer\"") ? RT_TT_INTEGER :
	    strstr(b, "\"number\"") ? RT_TT_NUMBER :
	    strstr(b, "\"boolean\"") ? RT_TT_BOOL : RT_TT_NONE;
}

const char *
rt_jconf_schema(struct rt_jconf *c, const char *p, size_t n)
{
	struct rt_buf name = RT_BUF_INIT;
	const char *why = NULL;
	struct rt_jdoc d;
	uint32_t props = 0, k, ty;

	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, p, n) == -1 || d.v[0].type != RT_JOBJ ||
	    (props = rt_jdoc_get(&d, 0, "properties", 10)) == 0 ||
	    d.v[props].type != RT_JOBJ)
		why = "not a JSON Schema with properties";
	for (k = props + 1; why == NULL && k < d.v[props].next;
	    k = d.v[k + 1].next) {
		int type = RT_TT_NONE;

		if (d.v[k + 1].type == RT_JOBJ &&
		    (ty = rt_jdoc_get(&d, k + 1, "type", 4)) != 0)
			type = schema_type(rt_jdoc_text(&d, ty), d.v[ty].len);
		if (type == RT_TT_NONE)
			continue;
		if (c->spec.ntypes == RT_JCONF_MAXTYPES) {
			why = "too many properties";
			break;
		}
		name.len = 0;
		rt_jdoc_str(&d, k, &name);
		c->types[c->spec.ntypes].name = own(c, name.p ? name.p : "",
		    name.len);
		if (c->types[c->spec.ntypes].name == NULL)
			why = "too many properties";
		c->types[c->spec.ntypes++].type = type;
	}
	rt_jdoc_release(&d);
	rt_buf_release(&name);
	return why;
}

struct rt_jtab *
rt_jtab_load(const struct rt_jconf *c, char *err, size_t errlen)
{
	struct rt_jtab *jt = rt_xcalloc(1, sizeof *jt);
	const char *why = NULL;

	if (c->cache)
		jt->q = rt_tsql_open(c->path, c->sql, c->tname, &c->spec,
		    (size_t)c->cache, &why);
	else if (c->spec.fmt == RT_TF_SQLITE)
		why = rt_tsql_load(&jt->t, c->path, c->sql, c->tname, &c->spec);
	else
		why = rt_table_load(&jt->t, c->path, &c->spec);
	if (why) {
		snprintf(err, errlen, "%s", why);
		free(jt);
		return NULL;
	}
	return jt;
}

void
rt_jtab_free(struct rt_jtab *jt)
{
	if (jt == NULL)
		return;
	if (jt->q)
		rt_tsql_free(jt->q);
	else
		rt_table_release(&jt->t);
	free(jt);
}

void *
rt_jtab_reload(void *conf, char *err, size_t errlen)
{
	return rt_jtab_load(conf, err, errlen);
}

void
rt_jtab_drop(void *conf, void *jt)
{
	(void)conf;
	rt_jtab_free(jt);
}

void
rt_jtab_use(struct rt_jtab *jt, struct rt_join *j)
{
	if (jt->q) {
		rt_join_use(j, NULL, rt_tsql_cols(jt->q), rt_tsql_lookup,
		    jt->q);
		j->prefetch = rt_tsql_prefetch;
	} else {
		rt_join_use(j, &jt->t, &jt->t.cols, NULL, NULL);
	}
}

int
rt_jconf_format(const char *name)
{
	int f = strcmp(name, "sqlite") == 0 ? RT_FMT_AUTO : rt_fmt_parse(name);

	if (f < 0)
		return -1;
	return f == RT_FMT_AUTO ? RT_TF_SQLITE : f == RT_FMT_CSV ? RT_TF_CSV :
	    f == RT_FMT_TSV ? RT_TF_TSV : RT_TF_NDJSON;
}

const char *
rt_jconf_check(struct rt_jconf *c, const struct rt_join *j, int watch,
    int64_t *interval)
{
	int sqlite;

	if (c->path == NULL || j->nfield == 0)
		return "--table and --on are required";
	if (strcmp(c->path, "-") == 0)
		return "--table: standard input is the stream";
	sqlite = rt_table_format(c->path, c->spec.fmt) == RT_TF_SQLITE;
	if (!sqlite && (c->sql || c->tname || c->cache))
		return "--sql, --table-name and --cache need an SQLite table";
	if (sqlite && !c->sql == !c->tname)
		return "an SQLite table needs --sql or --table-name (one of "
		    "them)";
	if (!j->asof != !c->spec.valid_from)
		return "--as-of and --valid-from go together";
	if (j->range && (j->nfield != 1 || j->asof || c->cache ||
	    strcmp(j->field[0], c->spec.key[0]) != 0))
		return "--range takes one --on field (no =COL), without "
		    "--as-of or --cache";
	if (*interval && !watch)
		return "--watch-interval goes with --watch";
	if (j->range)
		c->spec.nkey = 0;	/* rows are found by their bounds */
	if (watch && !*interval)
		*interval = 1000000;
	if (sqlite)
		c->spec.fmt = RT_TF_SQLITE;
	return NULL;
}

void
rt_jtab_stats(const struct rt_jtab *jt, struct rt_buf *b)
{
	uint64_t hits, misses;

	if (jt == NULL)
		return;
	if (jt->q) {
		rt_tsql_counts(jt->q, &hits, &misses);
		rt_stats_member(b, "cache_hits", hits);
		rt_stats_member(b, "cache_misses", misses);
	} else {
		rt_stats_member(b, "table_rows", jt->t.nrows);
		rt_stats_member(b, "table_rejected", jt->t.rejected);
	}
}
