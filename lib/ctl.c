/*
 * ctl.c - control records (see ctl.h).
 */
#include "ctl.h"

#include <string.h>

#include "buf.h"

/* An unsigned decimal integer without sign, fraction or exponent. */
static int
read_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int
rt_ctl_read(const struct rt_jdoc *d, const char *p, size_t n,
    struct rt_ctl *c)
{
	uint32_t k;

	if (d->v[0].type != RT_JOBJ || d->v[0].n == 0 ||
	    d->v[2].type != RT_JSTR)
		return -1;
	memset(c, 0, sizeof *c);
	c->p = p;
	c->len = n;
	if (!rt_jdoc_streq(d, 2, "barrier", 7))
		return 0;
	k = rt_jdoc_get(d, 0, "id", 2);
	if (k == 0 || d->v[k].type != RT_JNUM ||
	    read_u64(rt_jdoc_text(d, k), d->v[k].len, &c->id) == -1)
		return -1;
	c->kind = RT_CTL_BARRIER;
	return 0;
}

void
rt_ctl_barrier(struct rt_buf *b, uint64_t id)
{
	rt_buf_printf(b, "{\"$rt\":\"barrier\",\"id\":%llu}",
	    (unsigned long long)id);
}

int
rt_ctl_parse(struct rt_jdoc *scratch, const char *p, size_t n,
    struct rt_ctl *c)
{
	return rt_ctl_maybe(p, n) && rt_jdoc_parse(scratch, p, n) == 0 &&
	    rt_ctl_read(scratch, p, n, c) == 0;
}
