/* field.c - see field.h. */
#include <string.h>

#include "field.h"
#include "number.h"

const char *
rt_field_time(const struct rt_jdoc *d, const char *name, size_t nlen,
    struct rt_timeopt *o, struct rt_buf *scratch, int64_t *us)
{
	const struct rt_jnode *v;
	uint32_t i;

	if (d->v[0].type != RT_JOBJ)
		return "not a JSON object";
	i = rt_jdoc_get(d, 0, name, nlen);
	if (i == 0)
		return "missing";
	v = &d->v[i];
	if (v->type == RT_JNUM)
		return rt_time_read(rt_jdoc_text(d, i), v->len, 1, o, us);
	if (v->type != RT_JSTR)
		return "not a string or a number";
	if (!(v->flags & RT_JF_ESC))
		return rt_time_read(rt_jdoc_text(d, i) + 1, v->len - 2, 0, o, us);
	scratch->len = 0;
	rt_jdoc_str(d, i, scratch);
	return rt_time_read(scratch->p, scratch->len, 0, o, us);
}

int
rt_field_num(const struct rt_jdoc *d, uint32_t i, double *x)
{
	const struct rt_jnode *v = &d->v[i];

	if (v->type == RT_JNUM)
		return rt_num_parse(rt_jdoc_text(d, i), v->len, x) == 0;
	if (v->type == RT_JSTR && !(v->flags & RT_JF_ESC) && v->len > 2)
		return rt_num_parse(rt_jdoc_text(d, i) + 1, v->len - 2, x) == 0;
	return 0;
}

void
rt_field_text(const struct rt_jdoc *d, uint32_t i, struct rt_buf *b)
{
	const struct rt_jnode *v = &d->v[i];

	if (v->type != RT_JSTR)
		rt_buf_add(b, rt_jdoc_text(d, i), v->len);
	else if (!(v->flags & RT_JF_ESC))
		rt_buf_add(b, rt_jdoc_text(d, i) + 1, v->len - 2);
	else
		rt_jdoc_str(d, i, b);
}
