/*
 * join.c - a record joined with a table (see join.h).  rt-join(1).
 *
 * The common case is written straight: the record's text up to its
 * closing brace, then the row's members (each column's name was made
 * into JSON text once, at load), then the brace.  A record that already
 * has a member the join sets goes through jedit.h instead, which
 * replaces such members in place; whether it does is known once per run
 * of records with the same keys.
 */
#define _GNU_SOURCE 1	/* memmem */
#include "join.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "stats.h"

void
rt_join_init(struct rt_join *j)
{
	memset(j, 0, sizeof *j);
	rt_fset_init(&j->fs);
	rt_jedit_init(&j->edit);
	rt_jdoc_init(&j->md, 0);
	j->prefix = "";
}

void
rt_join_release(struct rt_join *j)
{
	for (int i = 0; i < j->ndef; i++) {
		free(j->dname[i]);
		free(j->dval[i]);
	}
	rt_buf_release(&j->djname);
	rt_buf_release(&j->key);
	rt_buf_release(&j->tmp);
	rt_buf_release(&j->sub);
	rt_buf_release(&j->name);
	rt_jedit_release(&j->edit);
	rt_jdoc_release(&j->md);
	rt_buf_release(&j->asj);
	rt_buf_release(&j->pat);
	free(j->dmap);
	memset(j, 0, sizeof *j);
}

const char *
rt_join_default(struct rt_join *j, const char *spec)
{
	const char *eq = strchr(spec, '='), *v;
	struct rt_buf b = RT_BUF_INIT;

	if (eq == NULL || eq == spec)
		return "expected COL=VALUE";
	if (j->ndef == RT_JOIN_MAXDEF)
		return "too many defaults";
	v = eq + 1;
	if (rt_json_valid(v, strlen(v), &(const char *){ NULL },
	    &(size_t){ 0 }) == 0 && *v != '\0')
		rt_buf_adds(&b, v);
	else
		rt_json_put_str(&b, v, strlen(v));
	j->dname[j->ndef] = rt_xmemdup(spec, (size_t)(eq - spec));
	j->dval[j->ndef] = rt_xmemdup(b.p, b.len);
	j->ndef++;
	rt_buf_release(&b);
	return NULL;
}

void
rt_join_setup(struct rt_join *j)
{
	for (int i = 0; i < j->nfield; i++) {
		j->slot[i] = rt_fset_add(&j->fs, j->field[i],
		    strlen(j->field[i]));
		j->fcslot[i] = rt_fcheck_add(&j->fc, "--on", j->field[i]);
	}
	if (j->asof) {
		j->tslot = rt_fset_add(&j->fs, j->asof, strlen(j->asof));
		j->fcslot[j->nfield] = rt_fcheck_add(&j->fc, "--as-of",
		    j->asof);
	}
	j->djname.len = 0;
	for (int i = 0; i < j->ndef; i++) {
		j->name.len = 0;
		rt_buf_adds(&j->name, j->prefix);
		rt_buf_adds(&j->name, j->dname[i]);
		j->djoff[i] = j->djname.len;
		rt_json_put_str(&j->djname, j->name.p, j->name.len);
		rt_buf_addc(&j->djname, ':');
	}
	j->djoff[j->ndef] = j->djname.len;
	if (j->nfield == 1 && !j->range) {
		rt_json_put_str(&j->pat, j->field[0], strlen(j->field[0]));
		rt_buf_adds(&j->pat, ":\"");
	}
	if (j->as) {
		j->asj.len = 0;
		rt_json_put_str(&j->asj, j->as, strlen(j->as));
		rt_buf_addc(&j->asj, ':');
	}
}

void
rt_join_use(struct rt_join *j, const struct rt_table *t,
    const struct rt_tcols *cols, rt_join_lookup_fn lookup, void *arg)
{
	j->t = t;
	j->cols = cols;
	j->lookup = lookup;
	j->lookup_arg = arg;
	j->prefetch = NULL;
	j->rkind = t ? t->rkind : RT_RK_NONE;
	j->kept.d = NULL;
	j->hv[0] = j->hv[1] = 0;
	free(j->dmap);
	j->ndmap = cols->n;
	j->dmap = rt_xcalloc(j->ndmap + 1, 1);
	for (int i = 0; i < j->ndef; i++) {
		uint32_t c = rt_tcols_find(cols, j->dname[i],
		    strlen(j->dname[i]));

		if (c != RT_MAP_NONE && c < j->ndmap)
			j->dmap[c] = (uint8_t)(i + 1);
	}
}

/* ---- the lookup ----------------------------------------------------- */

/* The record's key into j->key; 0 when a part is missing or null (or a
 * container, which no table key equals). */
static int
record_key(struct rt_join *j, const struct rt_jdoc *d)
{
	j->key.len = 0;
	for (int i = 0; i < j->nfield; i++) {
		uint32_t v = j->node[j->slot[i]];
		int type;

		if (v == 0)
			return 0;
		rt_fcheck_saw(&j->fc, j->fcslot[i]);
		type = d->v[v].type;
		if (type == RT_JNULL || type == RT_JOBJ || type == RT_JARR)
			return 0;
		if (j->nfield == 1) {
			rt_field_text(d, v, &j->key);
		} else {
			j->tmp.len = 0;
			rt_field_text(d, v, &j->tmp);
			rt_tkey_part(&j->key, j->tmp.p, j->tmp.len, j->nfield);
		}
	}
	return 1;
}

/* The rows of m valid at time t: [first, first + count) by --many. */
static int
choose_asof(struct rt_join *j, int64_t t)
{
	const int64_t *vf = j->m.vf;
	uint32_t a = 0, b = j->m.n, s;

	while (a < b) {		/* a: the first row valid only after t */
		uint32_t mid = a + (b - a) / 2;

		if (vf[mid] <= t)
			a = mid + 1;
		else
			b = mid;
	}
	if (a == 0)
		return 0;
	/* Rows a - 1, and those before it valid from the same time. */
	for (s = a - 1; s > 0 && vf[s - 1] == vf[a - 1]; s--)
		;
	j->first = s;
	j->count = a - s;
	return 1;
}

/* Rows for the record: 1 found (j->first, j->count), 0 none, -1 reject. */
static int
find_rows(struct rt_join *j, const struct rt_jdoc *d, const char **why)
{
	const char *err = NULL;
	int k;

	if (!record_key(j, d))
		return 0;
	if (j->range) {
		struct rt_u128 v;
		uint32_t n = j->node[j->slot[0]];

		if (rt_range_value(j->key.p ? j->key.p : "", j->key.len,
		    d->v[n].type == RT_JNUM, &v) != j->rkind || j->t == NULL)
			return 0;
		k = rt_table_range(j->t, v, &j->m);
	} else if (j->lookup) {
		k = j->lookup(j->lookup_arg, j->key.p ? j->key.p : "",
		    j->key.len, &j->m, &err);
		if (k == -1) {
			*why = err;
			return -1;
		}
	} else {
		k = rt_table_find(j->t, j->key.p ? j->key.p : "", j->key.len,
		    rt_hash(j->key.p ? j->key.p : "", j->key.len), &j->m);
	}
	if (!k || j->m.n == 0)
		return 0;
	j->first = 0;
	j->count = j->m.n;
	return 1;
}

/* The record's event time for --as-of: NULL and *t, or why not. */
static const char *
record_time(struct rt_join *j, const struct rt_jdoc *d, int64_t *t)
{
	uint32_t v = j->node[j->tslot];
	const char *err;

	if (v)
		rt_fcheck_saw(&j->fc, j->fcslot[j->nfield]);
	if ((err = rt_field_time_at(d, v, j->topt, &j->tmp, t)) == NULL)
		return NULL;
	snprintf(j->why, sizeof j->why, "%.60s: %s", j->asof,
	    strcmp(err, "missing") == 0 ? "time field missing" : err);
	return j->why;
}

/* "no match for F[,F2...]". */
static const char *
no_match(struct rt_join *j)
{
	size_t n = (size_t)snprintf(j->why, sizeof j->why, "no match for ");

	for (int i = 0; i < j->nfield && n < sizeof j->why; i++)
		n += (size_t)snprintf(j->why + n, sizeof j->why - n, "%s%.40s",
		    i ? "," : "", j->field[i]);
	return j->why;
}

int
rt_join_record(struct rt_join *j, const struct rt_jdoc *d, const char **why)
{
	int64_t t = 0;
	int k;

	rt_fset_find(&j->fs, d, j->node);
	if (j->asof && (*why = record_time(j, d, &t)) != NULL)
		return RT_JOIN_REJECT;
	k = find_rows(j, d, why);
	if (k == -1)
		return RT_JOIN_REJECT;
	if (k == 1 && j->asof)
		k = choose_asof(j, t);
	if (k == 1) {
		j->matched++;
		j->miss = 0;
		if (j->many == RT_JMANY_FIRST)
			j->count = 1;
		else if (j->many == RT_JMANY_LAST)
			j->first += j->count - 1, j->count = 1;
		else if (!j->as)
			j->extra += j->count - 1;
		return RT_JOIN_OUT;
	}
	j->missed++;
	j->miss = 1;
	if (j->missing == RT_JMISS_DROP)
		return RT_JOIN_DROP;
	if (j->missing == RT_JMISS_REJECT) {
		*why = no_match(j);
		return RT_JOIN_REJECT;
	}
	return j->ndef ? RT_JOIN_OUT : RT_JOIN_PASS;
}

/* The hash of the key in line p[0, n) (a plain string after "FIELD":),
 * or 0 when not found there. */
static int
line_key(struct rt_join *j, const char *p, size_t n, uint64_t *h)
{
	const char *k = NULL, *e;
	size_t pl = j->pat.len;

	if (j->patat + pl <= n && memcmp(p + j->patat, j->pat.p, pl) == 0)
		k = p + j->patat;
	else if ((k = memmem(p, n, j->pat.p, pl)) != NULL)
		j->patat = (size_t)(k - p);
	if (k == NULL)
		return 0;
	k += pl;
	if ((e = memchr(k, '"', n - (size_t)(k - p))) == NULL ||
	    memchr(k, '\\', (size_t)(e - k)) != NULL)
		return 0;
	*h = rt_hash(k, (size_t)(e - k));
	return 1;
}

/* Start loading what the lookup of hash h will touch, at the stage of a
 * record that many records ahead (2: the first; 0: the next). */
static void
hint_stage(struct rt_join *j, uint64_t h, int stage)
{
	if (j->t == NULL)
		j->prefetch(j->lookup_arg, h, stage);
	else if (stage == 2)
		rt_table_prefetch(j->t, h);
	else if (stage == 1)
		rt_table_prefetch_row(j->t, h);
}

void
rt_join_hint(struct rt_join *j, const char *p, size_t n)
{
	const char *nl = NULL, *line = p;
	uint64_t h;

	if (j->pat.len == 0 || (j->t == NULL && j->prefetch == NULL))
		return;
	/* The hashes of the records 1 and 2 ahead were found by the last
	 * two calls; find the one of record 3. */
	if (j->hv[0])
		hint_stage(j, j->hint[0], 0);
	if (j->hv[1])
		hint_stage(j, j->hint[1], 1);
	j->hint[0] = j->hint[1];
	j->hv[0] = j->hv[1];
	j->hv[1] = 0;
	for (int k = 0; k < 3; k++) {
		if (k > 0)
			line = nl + 1;
		if ((nl = memchr(line, '\n', n - (size_t)(line - p))) == NULL)
			return;
	}
	if (line_key(j, line, (size_t)(nl - line), &h)) {
		hint_stage(j, h, 2);
		j->hint[1] = h;
		j->hv[1] = 1;
	}
}

/* ---- output --------------------------------------------------------- */

static inline const char *
djname(const struct rt_join *j, int i, size_t *n)
{
	*n = j->djoff[i + 1] - j->djoff[i];
	return j->djname.p + j->djoff[i];
}

/* The members of row r (NULL: none, only the defaults), comma-separated,
 * onto out; *any says whether one was written before. */
static void
put_members(struct rt_join *j, const unsigned char *r, struct rt_buf *out,
    int *any)
{
	uint64_t seen = 0;
	struct rt_trow it;
	const char *v, *name;
	size_t vn, nn;
	uint32_t c;

	if (r) {
		rt_trow_start(&it, j->cols, r, &v, &vn);
		while (rt_trow_next(&it, &c, &v, &vn)) {
			int di = c < j->ndmap ? j->dmap[c] : 0;

			if (di) {
				seen |= 1ULL << (di - 1);
				if (vn == 4 && memcmp(v, "null", 4) == 0) {
					v = j->dval[di - 1];
					vn = strlen(v);
				}
			}
			name = rt_tcols_jname(j->cols, c, &nn);
			rt_buf_reserve(out, nn + vn + 1);
			if ((*any)++)
				out->p[out->len++] = ',';
			memcpy(out->p + out->len, name, nn);
			memcpy(out->p + out->len + nn, v, vn);
			out->len += nn + vn;
		}
	}
	for (int i = 0; i < j->ndef; i++) {
		if (seen & (1ULL << i))
			continue;
		if ((*any)++)
			rt_buf_addc(out, ',');
		name = djname(j, i, &nn);
		rt_buf_add(out, name, nn);
		rt_buf_adds(out, j->dval[i]);
	}
}

static const unsigned char *
row_at(const struct rt_join *j, uint32_t i)
{
	return j->miss ? NULL : j->m.base + j->m.off[j->first + i];
}

/* The --as value: an object of the row's members, or with --many all an
 * array of them. */
static void
put_nested(struct rt_join *j, struct rt_buf *out)
{
	int all = j->many == RT_JMANY_ALL && !j->miss;
	uint32_t n = j->miss ? 1 : j->count;

	if (all)
		rt_buf_addc(out, '[');
	for (uint32_t i = 0; i < n; i++) {
		int any = 0;

		if (i)
			rt_buf_addc(out, ',');
		rt_buf_addc(out, '{');
		put_members(j, row_at(j, i), out, &any);
		rt_buf_addc(out, '}');
	}
	if (all)
		rt_buf_addc(out, ']');
}

/* Does the record have a member the join would set?  Known once per run
 * of records with the same keys. */
static int
collides(struct rt_join *j, const struct rt_jdoc *d)
{
	size_t plen = strlen(j->prefix);
	uint32_t k, c;

	if (rt_jkeys_same(&j->kept, d))
		return j->collide;
	j->collide = 0;
	for (k = rt_jdoc_first(d, 0); k < d->v[0].next && !j->collide;
	    k = rt_jdoc_after(d, k + 1)) {
		j->name.len = 0;
		rt_jdoc_str(d, k, &j->name);
		if (j->as) {
			j->collide = j->name.len == strlen(j->as) &&
			    memcmp(j->name.p, j->as, j->name.len) == 0;
			continue;
		}
		if (j->name.len < plen ||
		    memcmp(j->name.p, j->prefix, plen) != 0)
			continue;
		c = rt_tcols_find(j->cols, j->name.p + plen,
		    j->name.len - plen);
		j->collide = c != RT_MAP_NONE && j->cols->v[c].out;
		for (int i = 0; i < j->ndef && !j->collide; i++)
			j->collide = strlen(j->dname[i]) ==
			    j->name.len - plen &&
			    memcmp(j->dname[i], j->name.p + plen,
			    j->name.len - plen) == 0;
	}
	rt_jkeys_keep(&j->kept, d);
	return j->collide;
}

/* The slow way: each member set through jedit, in place if it exists. */
static void
write_edit(struct rt_join *j, const struct rt_jdoc *d, uint32_t k,
    struct rt_buf *out)
{
	struct rt_jdoc *md = &j->md;
	int any = 0;
	uint32_t m;

	j->sub.len = 0;
	rt_jedit_start(&j->edit, d);
	if (j->as) {
		put_nested(j, &j->sub);
		rt_jedit_set(&j->edit, j->as, strlen(j->as), j->sub.p,
		    j->sub.len);
		rt_jedit_finish(&j->edit, out);
		return;
	}
	/* The members as an object, read back member by member. */
	rt_buf_addc(&j->sub, '{');
	put_members(j, row_at(j, k), &j->sub, &any);
	rt_buf_addc(&j->sub, '}');
	if (rt_jdoc_parse(md, j->sub.p, j->sub.len) == 0)
		for (m = rt_jdoc_first(md, 0); m < md->v[0].next;
		    m = rt_jdoc_after(md, m + 1)) {
			j->name.len = 0;
			rt_jdoc_str(md, m, &j->name);
			rt_jedit_set(&j->edit, j->name.p, j->name.len,
			    rt_jdoc_text(md, m + 1), md->v[m + 1].len);
		}
	rt_jedit_finish(&j->edit, out);
}

void
rt_join_write(struct rt_join *j, const struct rt_jdoc *d, uint32_t k,
    struct rt_buf *out)
{
	const char *p = d->p;
	size_t close = d->v[0].off + d->v[0].len - 1, len = d->len;
	int any = d->v[0].n > 0;

	if (collides(j, d)) {
		write_edit(j, d, k, out);
		return;
	}
	rt_buf_add(out, p, close);
	if (j->as) {
		if (any)
			rt_buf_addc(out, ',');
		rt_buf_add(out, j->asj.p, j->asj.len);
		put_nested(j, out);
	} else {
		put_members(j, row_at(j, k), out, &any);
	}
	rt_buf_add(out, p + close, len - close);
}

void
rt_join_stats(const struct rt_join *j, struct rt_buf *b)
{
	rt_stats_member(b, "matched", j->matched);
	rt_stats_member(b, "missing", j->missed);
	rt_stats_member(b, "extra", j->extra);
}
