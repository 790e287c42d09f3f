/*
 * rfields.c - rule fields against a schema and the first records
 * (rfields.h).
 */
#include "rfields.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "state.h"

/* The first field of rs not a key of object node props of d: 0, or -1
 * with err. */
static int
missing(const struct rt_rules *rs, const struct rt_jdoc *d, uint32_t props,
    const char *path, struct rt_buf *err)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct rt_rule *r = &rs->r[i];

		for (int j = 0; j < r->nfields; j++)
			if (rt_jdoc_get(d, props, r->fields[j],
			    strlen(r->fields[j])) == 0) {
				rt_buf_printf(err, "%s:%d: rule '%s': field '%s' "
				    "is not a property in %s", rs->path, r->line,
				    r->name, r->fields[j], path);
				return -1;
			}
	}
	return 0;
}

int
rt_rfields_schema(const struct rt_rules *rs, const char *path,
    struct rt_buf *err)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint32_t props = 0;
	int rc = -1;

	rt_jdoc_init(&d, 0);
	if (rt_state_load(path, &b) == -1)
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
	else if (rt_jdoc_parse(&d, b.p, b.len) != 0 ||
	    d.v[0].type != RT_JOBJ ||
	    (props = rt_jdoc_get(&d, 0, "properties", 10)) == 0 ||
	    d.v[props].type != RT_JOBJ)
		rt_buf_printf(err, "%s: not a schema with \"properties\"", path);
	else
		rc = missing(rs, &d, props, path, err);
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	return rc;
}

void
rt_rfcheck_init(struct rt_rfcheck *c, const struct rt_rules *rs)
{
	memset(c, 0, sizeof *c);
	c->n = rs->n;
	c->seen = rt_xcalloc(rs->n + 1, sizeof *c->seen);
	for (size_t i = 0; i < rs->n; i++)
		c->seen[i] = rt_xcalloc((size_t)rs->r[i].nfields + 1, 1);
}

void
rt_rfcheck_release(struct rt_rfcheck *c)
{
	for (size_t i = 0; c->seen && i < c->n; i++)
		free(c->seen[i]);
	free(c->seen);
	memset(c, 0, sizeof *c);
}

void
rt_rfcheck_look(struct rt_rfcheck *c, const struct rt_rules *rs,
    const struct rt_jdoc *d)
{
	c->looked++;
	for (size_t i = 0; i < rs->n; i++)
		for (int j = 0; j < rs->r[i].nfields; j++)
			if (!c->seen[i][j] && rt_jdoc_get(d, 0,
			    rs->r[i].fields[j], strlen(rs->r[i].fields[j])))
				c->seen[i][j] = 1;
}

int
rt_rfcheck_unseen(struct rt_rfcheck *c, const struct rt_rules *rs,
    size_t *i, int *j)
{
	c->done = 1;
	for (; *i < rs->n; (*i)++, *j = 0)
		for (; *j < rs->r[*i].nfields; (*j)++)
			if (!c->seen[*i][*j])
				return 1;
	return 0;
}
