/* field.c - see field.h. */
#include <string.h>

#include "field.h"
#include "number.h"

const char *
rt_field_time(const struct rt_jdoc *d, const char *name, size_t nlen,
    struct rt_timeopt *o, struct rt_buf *scratch, int64_t *us)
{
	if (d->v[0].type != RT_JOBJ)
		return "not a JSON object";
	return rt_field_time_at(d, rt_jdoc_get(d, 0, name, nlen), o, scratch,
	    us);
}

const char *
rt_field_time_at(const struct rt_jdoc *d, uint32_t i, struct rt_timeopt *o,
    struct rt_buf *scratch, int64_t *us)
{
	const struct rt_jnode *v;

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

	if (v->type == RT_JNUM) {
		*x = rt_num_parse_json(rt_jdoc_text(d, i), v->len);
		return 1;
	}
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

/* ---- field sets ---------------------------------------------------- */

#define FSET_TAB (RT_FSET_MAX * 4)

static unsigned
fset_hash(const char *k, size_t n)
{
	if (n == 0)
		return 0;
	return (unsigned)(n * 31u + (unsigned char)k[0] * 7u +
	    (unsigned char)k[n - 1]) & (FSET_TAB - 1);
}

void
rt_fset_init(struct rt_fset *s)
{
	s->n = 0;
	s->kept.d = NULL;
	memset(s->tab, 0xff, sizeof s->tab);
}

int
rt_fset_add(struct rt_fset *s, const char *name, size_t len)
{
	unsigned h = fset_hash(name, len);

	for (; s->tab[h] != 0xff; h = (h + 1) & (FSET_TAB - 1)) {
		unsigned i = s->tab[h];

		if (s->len[i] == len && memcmp(s->name[i], name, len) == 0)
			return (int)i;
	}
	if (s->n == RT_FSET_MAX)
		return -1;
	s->kept.d = NULL;
	s->name[s->n] = name;
	s->len[s->n] = len;
	s->tab[h] = (unsigned char)s->n;
	return (int)s->n++;
}

void
rt_fset_find(struct rt_fset *s, const struct rt_jdoc *d,
    uint32_t *node)
{
	uint32_t k, j, *ord = s->cord, maxord = 0;
	size_t i;

	if (rt_jkeys_same(&s->kept, d)) {
		/* The same keys as the record before: the same members. */
		if (rt_jdoc_flat(d)) {
			for (i = 0; i < s->n; i++)
				node[i] = ord[i] == UINT32_MAX ? 0 :
				    2 * ord[i] + 2;
			return;
		}
		memset(node, 0, sizeof *node * s->n);
		for (k = 1, j = 0; j <= s->cmax && k < d->v[0].next; j++) {
			if (s->cslot[j] != 0xff)
				node[s->cslot[j]] = k + 1;
			k = d->v[k + 1].next;
		}
		return;
	}
	memset(node, 0, sizeof *node * s->n);
	s->kept.d = NULL;
	if (d->v[0].type != RT_JOBJ)
		return;
	for (i = 0; i < s->n; i++)
		ord[i] = UINT32_MAX;
	for (k = rt_jdoc_first(d, 0), j = 0; k < d->v[0].next;
	    k = rt_jdoc_after(d, k + 1), j++) {
		const struct rt_jnode *kn = &d->v[k];
		const char *key = rt_jdoc_text(d, k) + 1;
		size_t len = kn->len - 2;
		unsigned h;

		if (kn->flags & RT_JF_ESC) {
			/* Rare: compare the decoded key with every name. */
			for (i = 0; i < s->n; i++)
				if (rt_jdoc_streq(d, k, s->name[i], s->len[i])) {
					node[i] = k + 1;
					ord[i] = j;
				}
			continue;
		}
		for (h = fset_hash(key, len); s->tab[h] != 0xff;
		    h = (h + 1) & (FSET_TAB - 1)) {
			unsigned f = s->tab[h];

			if (s->len[f] == len &&
			    rt_bytes_eq(s->name[f], key, len)) {
				node[f] = k + 1;
				ord[f] = j;
				break;
			}
		}
	}
	/* Kept for the next records with these keys: which name each
	 * member holds, up to the last one found. */
	for (i = 0; i < s->n; i++)
		if (ord[i] != UINT32_MAX && ord[i] > maxord)
			maxord = ord[i];
	if (maxord >= RT_FSET_ORDS)
		return;
	memset(s->cslot, 0xff, maxord + 1);
	for (i = 0; i < s->n; i++)
		if (ord[i] != UINT32_MAX)
			s->cslot[ord[i]] = (unsigned char)i;
	s->cmax = maxord;
	rt_jkeys_keep(&s->kept, d);
}
