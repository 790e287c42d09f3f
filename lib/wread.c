/*
 * wread.c - a record read as a window event (see wread.h).
 */
#include "wread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "state.h"

/* Slots, in the order field() reads them. */
static void
field_slots(struct rt_wread *r)
{
	const struct rt_wconf *c = r->c;
	const char *const time[] = { r->time_field };
	const char *const *lists[RT_WR_NLISTS] = { time,
	    (const char *const *)c->keys, (const char *const *)c->numf,
	    (const char *const *)c->distf, (const char *const *)c->condf,
	    (const char *const *)c->prevf };
	const int counts[RT_WR_NLISTS] = { r->time_field ? 1 : 0, c->nkeys,
	    c->nnum, c->ndist, c->ncond, c->nprev };
	int n = 0, j;

	rt_fset_init(&r->fs);
	for (j = 0; j < RT_WR_NLISTS; j++)
		n += counts[j];
	r->slot = rt_xcalloc((size_t)n + 1, sizeof *r->slot);
	for (n = j = 0; j < RT_WR_NLISTS; j++) {
		r->first[j] = n;
		for (int i = 0; i < counts[j]; i++)
			r->slot[n++] = rt_fset_add(&r->fs, lists[j][i],
			    strlen(lists[j][i]));
	}
}

void
rt_wread_init(struct rt_wread *r, const struct rt_wconf *c,
    const char *time_field, rt_sniff_hint_fn *hint, void *arg)
{
	size_t n = (size_t)(c->nnum + c->ndist + c->nprev + 1);

	memset(r, 0, sizeof *r);
	r->c = c;
	r->time_field = time_field;
	for (int i = 0; i < c->nkeys; i++)
		r->fc_key[i] = rt_fcheck_add(&r->fc, "-k", c->keys[i]);
	r->fc_time = time_field ? rt_fcheck_add(&r->fc, "--time",
	    time_field) : -1;
	r->num = rt_xcalloc(n, sizeof *r->num);
	r->dh = rt_xcalloc(n, sizeof *r->dh);
	r->prev = rt_xcalloc(n, sizeof *r->prev);
	r->prevlen = rt_xcalloc(n, sizeof *r->prevlen);
	rt_sniff_init(&r->sniff, c->keys, c->nkeys, hint, arg);
	field_slots(r);
}

void
rt_wread_release(struct rt_wread *r)
{
	rt_sniff_release(&r->sniff);
	rt_buf_release(&r->key);
	rt_buf_release(&r->tmp);
	free(r->slot);
	free(r->num);
	free(r->dh);
	free(r->prev);
	free(r->prevlen);
}

/* The value node of field i of list l (named name) in d, or 0. */
static uint32_t
field(const struct rt_wread *r, const struct rt_jdoc *d,
    enum rt_wread_list l, int i, const char *name)
{
	int s = r->slot[r->first[l] + i];

	return s >= 0 ? r->node[s] : rt_jdoc_get(d, 0, name, strlen(name));
}

/* Over the first records: are the -k and --time fields there at all? */
static int
check_fields(struct rt_wread *r, const struct rt_jdoc *d)
{
	if (r->time_field && field(r, d, RT_WR_TIME, 0, r->time_field))
		rt_fcheck_saw(&r->fc, r->fc_time);
	for (int i = 0; i < r->c->nkeys; i++)
		if (field(r, d, RT_WR_KEY, i, r->c->keys[i]))
			rt_fcheck_saw(&r->fc, r->fc_key[i]);
	return rt_fcheck_look(&r->fc);
}

static const char *
event_time(struct rt_wread *r, const struct rt_jdoc *d, struct rt_timeopt *o,
    int64_t *t)
{
	const char *err;

	if (r->time_field == NULL) {
		*t = rt_time_now_us();
	} else if ((err = rt_field_time_at(d, field(r, d, RT_WR_TIME, 0,
	    r->time_field), o, &r->tmp, t)) != NULL) {
		return strcmp(err, "missing") == 0 ? "time field missing" : err;
	}
	return rt_state_time_ok(*t) ? NULL : "time out of range";
}

/* Build d's key: -1, or the index of the first -k field it lacks. */
static int
event_key(struct rt_wread *r, const struct rt_jdoc *d)
{
	r->key.len = 0;
	for (int i = 0; i < r->c->nkeys; i++) {
		uint32_t k = field(r, d, RT_WR_KEY, i, r->c->keys[i]);

		if (k == 0)
			return i;
		if (i)
			rt_buf_addc(&r->key, '\0');
		rt_buf_add(&r->key, rt_jdoc_text(d, k), d->v[k].len);
	}
	return -1;
}

/* Bit i: condition i (count_if:F=VALUE) holds in d. */
static uint32_t
conditions(struct rt_wread *r, const struct rt_jdoc *d)
{
	const struct rt_wconf *c = r->c;
	uint32_t cond = 0;

	for (int i = 0; i < c->ncond; i++) {
		uint32_t k = field(r, d, RT_WR_COND, i, c->condf[i]);

		if (k == 0)
			continue;
		r->tmp.len = 0;
		rt_field_text(d, k, &r->tmp);
		if (r->tmp.len == strlen(c->condv[i]) &&
		    memcmp(r->tmp.p, c->condv[i], r->tmp.len) == 0)
			cond |= 1u << i;
	}
	return cond;
}

/* The values of the aggregates, the key and its hash. */
static void
event_values(struct rt_wread *r, const struct rt_jdoc *d, struct rt_wev *ev)
{
	const struct rt_wconf *c = r->c;
	int i;

	for (i = 0; i < c->nnum; i++) {
		uint32_t k = field(r, d, RT_WR_NUM, i, c->numf[i]);

		if (k == 0 || !rt_field_num(d, k, &r->num[i]))
			r->num[i] = NAN;
	}
	for (i = 0; i < c->ndist; i++) {
		uint32_t k = field(r, d, RT_WR_DIST, i, c->distf[i]);

		r->dh[i] = 0;
		if (k && d->v[k].type != RT_JNULL) {
			r->tmp.len = 0;
			rt_field_text(d, k, &r->tmp);
			r->dh[i] = rt_hash(r->tmp.p, r->tmp.len) | 1;
		}
	}
	ev->cond = conditions(r, d);
	for (i = 0; i < c->nprev; i++) {
		uint32_t k = field(r, d, RT_WR_PREV, i, c->prevf[i]);

		r->prev[i] = k ? rt_jdoc_text(d, k) : NULL;
		r->prevlen[i] = k ? d->v[k].len : 0;
	}
	ev->key = r->key.p ? r->key.p : "";
	ev->klen = r->key.len;
	ev->hash = c->nkeys ? rt_sniff_hash(&r->sniff, r->key.p,
	    r->key.len) : 0;
	ev->num = r->num;
	ev->dh = r->dh;
	ev->prev = r->prev;
	ev->prevlen = r->prevlen;
}

enum rt_wread_status
rt_wread_record(struct rt_wread *r, const struct rt_jdoc *d,
    struct rt_timeopt *o, struct rt_wev *ev)
{
	rt_fset_find(&r->fs, d, r->node);
	r->fc_due = r->fc.told ? 0 : check_fields(r, d);
	if ((r->why = event_time(r, d, o, &ev->t)) != NULL)
		return RT_WR_BADTIME;
	if ((r->nokey = event_key(r, d)) >= 0)
		return RT_WR_NOKEY;
	event_values(r, d, ev);
	return RT_WR_OK;
}
