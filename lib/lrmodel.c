/*
 * lrmodel.c - the logistic regression of rt-classify --model (lrmodel.h).
 */
#include "lrmodel.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "mem.h"
#include "number.h"
#include "state.h"

void
rt_lrmodel_free(struct rt_lrmodel *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->f[i].name);
	free(m->f);
	memset(m, 0, sizeof *m);
}

/* Feature i, node e of d, into m->f[m->n].  0, or -1 (err). */
static int
feature(struct rt_lrmodel *m, const struct rt_jdoc *d, uint32_t e,
    uint32_t i, const char *path, struct rt_buf *err)
{
	static const char *const nums[] = { "mean", "std", "weight" };
	struct rt_lrfeature *f = &m->f[m->n];
	double *dst[3] = { &f->mean, &f->std, &f->weight };
	struct rt_buf b = RT_BUF_INIT;
	uint32_t x;

	x = d->v[e].type == RT_JOBJ ? rt_jdoc_get(d, e, "name", 4) : 0;
	if (!x || d->v[x].type != RT_JSTR) {
		rt_buf_printf(err, "%s: feature %u: needs \"name\", \"mean\", "
		    "\"std\" and \"weight\"", path, i + 1);
		return -1;
	}
	rt_jdoc_str(d, x, &b);
	f->name = rt_xmemdup(b.p ? b.p : "", b.len);
	rt_buf_release(&b);
	m->n++;
	for (int j = 0; j < 3; j++) {
		x = rt_jdoc_get(d, e, nums[j], strlen(nums[j]));
		if (!x || d->v[x].type != RT_JNUM) {
			rt_buf_printf(err, "%s: feature '%s': \"%s\" must be a "
			    "number", path, f->name, nums[j]);
			return -1;
		}
		rt_num_parse(rt_jdoc_text(d, x), d->v[x].len, dst[j]);
	}
	if (f->std == 0)
		f->std = 1;
	return 0;
}

int
rt_lrmodel_load(struct rt_lrmodel *m, const char *path, struct rt_buf *err)
{
	struct rt_buf b = RT_BUF_INIT;
	struct rt_jdoc d;
	uint32_t fi, k;
	int rc = -1;

	memset(m, 0, sizeof *m);
	rt_jdoc_init(&d, 0);
	if (rt_state_load(path, &b) == -1) {
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (rt_jdoc_parse(&d, b.p, b.len) != 0 || d.v[0].type != RT_JOBJ) {
		rt_buf_printf(err, "%s: not a JSON object", path);
		goto out;
	}
	k = rt_jdoc_get(&d, 0, "intercept", 9);
	fi = rt_jdoc_get(&d, 0, "features", 8);
	if (!k || d.v[k].type != RT_JNUM || !fi || d.v[fi].type != RT_JARR) {
		rt_buf_printf(err, "%s: a model needs \"intercept\" (a number) "
		    "and \"features\" (an array)", path);
		goto out;
	}
	rt_num_parse(rt_jdoc_text(&d, k), d.v[k].len, &m->intercept);
	m->f = rt_xcalloc(d.v[fi].n + 1, sizeof *m->f);
	for (uint32_t i = 0; i < d.v[fi].n; i++)
		if (feature(m, &d, rt_jdoc_index(&d, fi, i), i, path, err) != 0)
			goto out;
	m->on = 1;
	rc = 0;
out:
	if (rc)
		rt_lrmodel_free(m);
	rt_jdoc_release(&d);
	rt_buf_release(&b);
	return rc;
}

double
rt_lrmodel_prob(const struct rt_lrmodel *m, const struct rt_jdoc *d)
{
	double z = m->intercept;

	for (size_t i = 0; i < m->n; i++) {
		const struct rt_lrfeature *f = &m->f[i];
		uint32_t k = rt_jdoc_get(d, 0, f->name, strlen(f->name));
		double x;

		if (k == 0 || !rt_field_num(d, k, &x))
			x = f->mean;
		z += f->weight * (x - f->mean) / f->std;
	}
	return 1 / (1 + exp(-z));
}
