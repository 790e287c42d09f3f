/*
 * table.c - reference tables: rows into one arena, the key index, as-of
 * and range order (see table.h).  rt-join(1), "Tables".
 *
 * Loading copies each row once: its key and the JSON text of the values
 * kept go to the arena as they are read; the index is built at the end,
 * when the number of rows is known, in one pass that also groups the
 * rows sharing a key (a counting sort keeps their file order).
 */
#include "table.h"
#include "table_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "mem.h"
#include "number.h"
#include "source.h"


/* One member of the row being added. */
struct rt_tmem {
	uint32_t col, node;
};

#define refuse_col rt_table_refuse_col_

/* ---- columns ---------------------------------------------------------- */

void
rt_tcols_init(struct rt_tcols *c, const char *prefix)
{
	memset(c, 0, sizeof *c);
	rt_map_init(&c->map);
	c->prefix = prefix ? prefix : "";
}

void
rt_tcols_release(struct rt_tcols *c)
{
	free(c->v);
	free(c->dense);
	rt_buf_release(&c->text);
	rt_map_release(&c->map);
	memset(c, 0, sizeof *c);
}

uint32_t
rt_tcols_find(const struct rt_tcols *c, const char *name, size_t n)
{
	return rt_map_find(&c->map, name, n, rt_hash(name, n));
}

uint32_t
rt_tcols_put(struct rt_tcols *c, const char *name, size_t n, int *isnew)
{
	uint32_t id = rt_map_put(&c->map, name, n, rt_hash(name, n), isnew);
	struct rt_tcol *col;
	size_t plen = strlen(c->prefix);
	char *full;

	if (!*isnew)
		return id;
	if (id >= c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = rt_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->n = id + 1;
	col = &c->v[id];
	col->out = 0;
	col->name = c->text.len;
	col->namelen = n;
	rt_buf_add(&c->text, name, n);
	full = rt_xmalloc(plen + n + 1);
	memcpy(full, c->prefix, plen);
	memcpy(full + plen, name, n);
	col->jname = c->text.len;
	rt_json_put_str(&c->text, full, plen + n);
	rt_buf_addc(&c->text, ':');
	col->jnamelen = c->text.len - col->jname;
	free(full);
	return id;
}

/* ---- range values ----------------------------------------------------- */

int
rt_range_value(const char *s, size_t n, int isnum, struct rt_u128 *v)
{
	unsigned char a[16];
	char tmp[64];
	double x;
	uint64_t bits;

	if (isnum || (n > 0 && rt_num_parse(s, n, &x) == 0)) {
		if (isnum && rt_num_parse(s, n, &x) != 0)
			return RT_RK_NONE;
		if (x == 0)
			x = 0;		/* -0 sorts as 0 */
		memcpy(&bits, &x, sizeof bits);
		bits = bits >> 63 ? ~bits : bits | 1ULL << 63;
		v->hi = 0;
		v->lo = bits;
		return RT_RK_NUM;
	}
	if (n == 0 || n >= sizeof tmp)
		return RT_RK_NONE;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (memchr(s, ':', n) && inet_pton(AF_INET6, tmp, a) == 1) {
		v->hi = v->lo = 0;
		for (int i = 0; i < 8; i++) {
			v->hi = v->hi << 8 | a[i];
			v->lo = v->lo << 8 | a[i + 8];
		}
		return RT_RK_IP;
	}
	if (inet_pton(AF_INET, tmp, a) == 1) {
		v->hi = 0;
		v->lo = 0xffff00000000ULL | (uint64_t)a[0] << 24 |
		    (uint64_t)a[1] << 16 | (uint64_t)a[2] << 8 | a[3];
		return RT_RK_IP;
	}
	return RT_RK_NONE;
}

/* ---- keys and rows ------------------------------------------------------ */

void
rt_tkey_part(struct rt_buf *key, const char *s, size_t n, int nparts)
{
	if (nparts > 1)
		rt_varint_put(key, n);
	rt_buf_add(key, s, n);
}

void
rt_trow_start(struct rt_trow *r, const struct rt_tcols *c,
    const unsigned char *p, const char **key, size_t *klen)
{
	size_t n = (size_t)rt_varint_get(&p);
	unsigned count;

	*key = (const char *)p;
	*klen = n;
	p += n;
	count = (unsigned)p[0] | (unsigned)p[1] << 8;
	r->dense = count & RT_TROW_DENSE ? c->dense : NULL;
	r->left = count & ~(unsigned)RT_TROW_DENSE;
	r->p = p + 2;
}

int
rt_trow_next(struct rt_trow *r, uint32_t *col, const char **v, size_t *vlen)
{
	const unsigned char *p = r->p;

	if (r->left == 0)
		return 0;
	r->left--;
	if (r->dense)
		*col = *r->dense++;
	else
		*col = (uint32_t)rt_varint_get(&p);
	*vlen = (size_t)rt_varint_get(&p);
	*v = (const char *)p;
	r->p = p + *vlen;
	return 1;
}

/* ---- loading ------------------------------------------------------------ */

static void new_role(struct rt_table *t, uint32_t id, const char *name,
    size_t n);

void
rt_table_init(struct rt_table *t, const struct rt_tspec *s)
{
	memset(t, 0, sizeof *t);
	t->spec = s;
	rt_tcols_init(&t->cols, s->prefix);
	for (int i = 0; i < RT_TABLE_MAXKEY; i++)
		t->keycol[i] = -1;
	/* --select names the columns first, so that their ids are their
	 * order on output. */
	for (int i = 0; i < s->nselect; i++) {
		size_t n = strlen(s->select[i]);
		int isnew;
		uint32_t id = rt_tcols_put(&t->cols, s->select[i], n, &isnew);

		if (isnew)
			new_role(t, id, s->select[i], n);
	}
}

void
rt_table_release(struct rt_table *t)
{
	rt_tcols_release(&t->cols);
	rt_table_free(t->arena, t->acap, 1);
	rt_table_free(t->roff, t->caprows, sizeof *t->roff);
	rt_table_free(t->vf, t->caprows, sizeof *t->vf);
	rt_table_free(t->lo, t->caprows, sizeof *t->lo);
	rt_table_free(t->hi, t->caprows, sizeof *t->hi);
	rt_table_free(t->line, t->caprows, sizeof *t->line);
	rt_table_free(t->slot, t->slot ? t->mask + 1 : 0, sizeof *t->slot);
	rt_table_free(t->gstart, t->gstart ? t->ngroups + 1 : 0,
	    sizeof *t->gstart);
	free(t->role);
	free(t->cache_col);
	free(t->cache_koff);
	free(t->mem);
	rt_buf_release(&t->cache_key);
	rt_buf_release(&t->tmp);
	rt_buf_release(&t->key);
	rt_buf_release(&t->val);
	rt_buf_release(&t->row);
	rt_buf_release(&t->vals);
	free(t->tv);
	rt_buf_release(&t->rej);
	memset(t, 0, sizeof *t);
}

/* The role of a new column id named name[0, n). */
static void
new_role(struct rt_table *t, uint32_t id, const char *name, size_t n)
{
	const struct rt_tspec *s = t->spec;
	struct rt_trole *r;

	if (id >= t->caprole) {
		t->caprole = id >= 2 * t->caprole ? id + 16 : 2 * t->caprole;
		t->role = rt_xreallocarray(t->role, t->caprole,
		    sizeof *t->role);
	}
	r = &t->role[id];
	memset(r, 0, sizeof *r);
	r->keypart = -1;
	for (int i = 0; i < s->nkey; i++)
		if (strlen(s->key[i]) == n && memcmp(s->key[i], name, n) == 0) {
			r->keypart = (int8_t)i;
			t->keycol[i] = (int)id;
		}
	r->store = s->select ? id < (uint32_t)s->nselect : r->keypart < 0;
	t->cols.v[id].out = r->store;
#define IS(x) ((x) && strlen(x) == n && memcmp((x), name, n) == 0)
	r->vf = IS(s->valid_from);
	r->lo = IS(s->lo);
	r->hi = IS(s->hi);
	for (int i = 0; i < s->ntypes; i++)
		if (IS(s->types[i].name))
			r->type = (uint8_t)s->types[i].type;
#undef IS
}

uint32_t
rt_table_column(struct rt_table *t, const char *name, size_t n)
{
	int isnew;
	uint32_t id = rt_tcols_put(&t->cols, name, n, &isnew);

	if (isnew)
		new_role(t, id, name, n);
	return id;
}

/* The column of member key node k (decoded when escaped). */
static uint32_t
member_col(struct rt_table *t, const struct rt_jdoc *d, uint32_t k)
{
	const struct rt_jnode *v = &d->v[k];
	const char *name = rt_jdoc_text(d, k) + 1;
	size_t n = v->len - 2;

	if (v->flags & RT_JF_ESC) {
		t->tmp.len = 0;
		rt_jdoc_str(d, k, &t->tmp);
		name = t->tmp.p;
		n = t->tmp.len;
	}
	return rt_table_column(t, name, n);
}

/* Keep the keys of this row's members for the next row. */
static void
cache_keys(struct rt_table *t, const struct rt_jdoc *d, size_t nm)
{
	size_t i;
	uint32_t k;

	if (nm + 1 > t->capcache) {
		t->capcache = nm + 16;
		t->cache_col = rt_xreallocarray(t->cache_col, t->capcache,
		    sizeof *t->cache_col);
		t->cache_koff = rt_xreallocarray(t->cache_koff, t->capcache,
		    sizeof *t->cache_koff);
	}
	t->cache_key.len = 0;
	for (i = 0, k = rt_jdoc_first(d, 0); i < nm;
	    i++, k = rt_jdoc_after(d, k + 1)) {
		t->cache_koff[i] = t->cache_key.len;
		rt_buf_add(&t->cache_key, rt_jdoc_text(d, k), d->v[k].len);
		t->cache_col[i] = t->mem[i].col;
	}
	t->cache_koff[nm] = t->cache_key.len;
	t->ncache = nm;
}

/* The row's members as (column, value node), duplicate keys folded
 * (the last value wins, in the first one's place, as in jq). */
static size_t
map_members(struct rt_table *t, const struct rt_jdoc *d)
{
	size_t nm = d->v[0].n, i, j;
	int hit = nm == t->ncache;
	uint32_t k;

	if (nm > t->capmem) {
		t->capmem = nm + 16;
		t->mem = rt_xreallocarray(t->mem, t->capmem, sizeof *t->mem);
	}
	for (i = 0, k = rt_jdoc_first(d, 0); i < nm;
	    i++, k = rt_jdoc_after(d, k + 1)) {
		size_t klen = d->v[k].len;

		if (hit && klen == t->cache_koff[i + 1] - t->cache_koff[i] &&
		    rt_bytes_eq(rt_jdoc_text(d, k), t->cache_key.p +
		    t->cache_koff[i], klen)) {
			t->mem[i].col = t->cache_col[i];
		} else {
			hit = 0;
			t->mem[i].col = member_col(t, d, k);
		}
		t->mem[i].node = k + 1;
	}
	if (!hit) {
		cache_keys(t, d, nm);
		/* Fold duplicates; rare, so quadratic is fine. */
		for (i = 0; i < nm; i++)
			for (j = i + 1; j < nm; j++)
				if (t->mem[j].col == t->mem[i].col) {
					t->mem[i].node = t->mem[j].node;
					memmove(&t->mem[j], &t->mem[j + 1],
					    (nm - j - 1) * sizeof *t->mem);
					nm--;
					j--;
				}
	}
	return nm;
}

static int
refuse(struct rt_table *t, uint64_t line, const char *why)
{
	rt_table_refuse(t, line, why);
	return -1;
}

void
rt_table_refuse(struct rt_table *t, uint64_t line, const char *why)
{
	if (t->rejected++ < RT_TABLE_MAXREJ)
		rt_buf_printf(&t->rej, "%llu: %s\n", (unsigned long long)line,
		    why);
}

static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Is s[0, n) a JSON number already (integer: without fraction or
 * exponent)?  The common case, checked before rt_num_clean mends one. */
static int
plain_number(const char *s, size_t n, int integer)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || (s[d] == '0' && i - d > 1))
		return 0;
	if (i < n && s[i] == '.' && !integer) {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* A text value given a type: its JSON text into t->val (null when
 * empty).  NULL, or why not. */
const char *
rt_table_typed_(struct rt_table *t, int type, const char *s, size_t n)
{
	static const char *const yes[] = { "true", "yes", "y", "t", "1", "on" };
	static const char *const no[] = { "false", "no", "n", "f", "0", "off" };
	unsigned fl = t->spec->numflags;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0) {
		rt_buf_adds(&t->val, "null");
		return NULL;
	}
	if (type == RT_TT_BOOL) {
		for (int i = 0; i < 6; i++)
			if (word_is(s, n, yes[i]) || word_is(s, n, no[i])) {
				rt_buf_adds(&t->val, word_is(s, n, yes[i]) ?
				    "true" : "false");
				return NULL;
			}
		return "cannot parse as a boolean";
	}
	if (plain_number(s, n, type == RT_TT_INTEGER) &&
	    !(fl & RT_NUM_DECIMAL_COMMA)) {
		rt_buf_add(&t->val, s, n);
		return NULL;
	}
	if (type == RT_TT_INTEGER)
		fl |= RT_NUM_INTEGER;
	if (rt_num_clean(s, n, fl, &t->val) != NULL)
		return type == RT_TT_INTEGER ? "cannot parse as an integer" :
		    "cannot parse as a number";
	return NULL;
}

/* The JSON text of value node i of a column of type type: *p, *n (in
 * the document or in t->val).  NULL, or why not. */
static const char *
value_text(struct rt_table *t, int type, const struct rt_jdoc *d,
    uint32_t i, const char **p, size_t *n)
{
	const struct rt_jnode *v = &d->v[i];
	const char *why;

	*p = rt_jdoc_text(d, i);
	*n = v->len;
	if (type == RT_TT_NONE || v->type == RT_JNULL ||
	    (v->type == RT_JNUM && type == RT_TT_NUMBER) ||
	    (v->type == RT_JNUM && type == RT_TT_INTEGER &&
	    (v->flags & RT_JF_INT)) ||
	    ((v->type == RT_JTRUE || v->type == RT_JFALSE) &&
	    type == RT_TT_BOOL))
		return NULL;
	t->val.len = 0;
	if (v->type == RT_JSTR) {
		t->tmp.len = 0;
		rt_field_text(d, i, &t->tmp);
		why = rt_table_typed_(t, type, t->tmp.p ? t->tmp.p : "",
		    t->tmp.len);
	} else if (v->type == RT_JNUM && type == RT_TT_INTEGER) {
		why = rt_num_clean(*p, *n, RT_NUM_INTEGER | RT_NUM_PLAIN,
		    &t->val) ? "cannot parse as an integer" : NULL;
	} else {
		why = type == RT_TT_BOOL ? "expected a boolean" :
		    type == RT_TT_INTEGER ? "expected an integer" :
		    "expected a number";
	}
	*p = t->val.p;
	*n = t->val.len;
	return why;
}

/* Refuse a row for column col's reason: "NAME: why". */
int
rt_table_refuse_col_(struct rt_table *t, uint64_t line, uint32_t col,
    const char *why)
{
	size_t n;
	const char *name = rt_tcols_name(&t->cols, col, &n);

	snprintf(t->why, sizeof t->why, "'%.*s': %s", (int)(n > 100 ? 100 : n),
	    name, why);
	return refuse(t, line, t->why);
}

/* The key of the row into t->key; -1 when a key column is missing, null
 * or not a scalar. */
static int
row_key(struct rt_table *t, const struct rt_jdoc *d, size_t nm,
    uint64_t line)
{
	const struct rt_tspec *s = t->spec;
	uint32_t node[RT_TABLE_MAXKEY] = { 0 }, col[RT_TABLE_MAXKEY];
	const char *p, *why;
	size_t n, i;

	for (i = 0; i < nm; i++) {
		int kp = (int)t->role[t->mem[i].col].keypart;

		if (kp >= 0) {
			node[kp] = t->mem[i].node;
			col[kp] = t->mem[i].col;
		}
	}
	t->key.len = 0;
	for (int k = 0; k < s->nkey; k++) {
		int type;

		if (node[k] == 0) {
			snprintf(t->why, sizeof t->why, "no key column '%.100s'",
			    s->key[k]);
			return refuse(t, line, t->why);
		}
		type = d->v[node[k]].type;
		if (type == RT_JNULL || type == RT_JOBJ || type == RT_JARR)
			return refuse_col(t, line, col[k], type == RT_JNULL ?
			    "the key is null" : "the key is not a scalar");
		if ((why = value_text(t, t->role[col[k]].type, d, node[k], &p,
		    &n)) != NULL)
			return refuse_col(t, line, col[k], why);
		if (n == 4 && memcmp(p, "null", 4) == 0)
			return refuse_col(t, line, col[k], "the key is null");
		if (p == rt_jdoc_text(d, node[k]) && type == RT_JSTR) {
			t->tmp.len = 0;
			rt_field_text(d, node[k], &t->tmp);
			p = t->tmp.p ? t->tmp.p : "";
			n = t->tmp.len;
		}
		rt_tkey_part(&t->key, p, n, s->nkey);
	}
	return 0;
}

/* The as-of time and the range bounds of the row, into the arrays at
 * t->nrows; -1 when refused. */
static int
row_extra(struct rt_table *t, const struct rt_jdoc *d, size_t nm,
    uint64_t line)
{
	const struct rt_tspec *s = t->spec;
	uint32_t vf = 0, lo = 0, hi = 0, vfc = 0, loc = 0, hic = 0;
	const char *why;
	size_t i;

	for (i = 0; i < nm; i++) {
		const struct rt_trole *r = &t->role[t->mem[i].col];

		if (r->vf)
			vf = t->mem[i].node, vfc = t->mem[i].col;
		if (r->lo)
			lo = t->mem[i].node, loc = t->mem[i].col;
		if (r->hi)
			hi = t->mem[i].node, hic = t->mem[i].col;
	}
	if (s->valid_from) {
		if (vf == 0 || d->v[vf].type == RT_JNULL) {
			snprintf(t->why, sizeof t->why, "no valid-from time in "
			    "'%.100s'", s->valid_from);
			return refuse(t, line, t->why);
		}
		if ((why = rt_field_time_at(d, vf, s->topt, &t->tmp,
		    &t->cur_vf)) != NULL)
			return refuse_col(t, line, vfc, why);
	}
	if (s->lo) {
		struct rt_u128 *b[2] = { &t->cur_lo, &t->cur_hi };
		uint32_t nd[2] = { lo, hi }, cl[2] = { loc, hic };
		const char *nm2[2] = { s->lo, s->hi };

		for (int k = 0; k < 2; k++) {
			int kind;

			if (nd[k] == 0 || d->v[nd[k]].type == RT_JNULL) {
				snprintf(t->why, sizeof t->why, "no range bound "
				    "in '%.100s'", nm2[k]);
				return refuse(t, line, t->why);
			}
			t->tmp.len = 0;
			rt_field_text(d, nd[k], &t->tmp);
			kind = rt_range_value(t->tmp.p ? t->tmp.p : "",
			    t->tmp.len, d->v[nd[k]].type == RT_JNUM, b[k]);
			if (kind == RT_RK_NONE)
				return refuse_col(t, line, cl[k], "not a number "
				    "or an IP address");
			if (t->rkind == RT_RK_NONE)
				t->rkind = kind;
			if (kind != t->rkind)
				return refuse_col(t, line, cl[k], kind ==
				    RT_RK_IP ? "an IP address in a table of "
				    "numbers" : "a number in a table of IP "
				    "addresses");
		}
		if (rt_u128_cmp(*b[0], *b[1]) > 0) {
			snprintf(t->why, sizeof t->why, "'%.60s' is above "
			    "'%.60s'", s->lo, s->hi);
			return refuse(t, line, t->why);
		}
	}
	return 0;
}

void
rt_table_tv_(struct rt_table *t, size_t n)
{
	if (n > t->captv) {
		t->captv = n + 16;
		t->tv = rt_xreallocarray(t->tv, t->captv, sizeof *t->tv);
	}
}

void
rt_table_members_(struct rt_table *t, size_t n)
{
	struct rt_tcols *c = &t->cols;
	size_t i, at = t->row.len;
	int dense;

	if (!c->dense_set) {	/* the first row's columns */
		c->dense = rt_xreallocarray(NULL, n + 1, sizeof *c->dense);
		for (i = 0; i < n; i++)
			c->dense[i] = t->tv[i].col;
		c->ndense = n;
		c->dense_set = 1;
	}
	dense = n == c->ndense && n < RT_TROW_DENSE;
	for (i = 0; dense && i < n; i++)
		dense = t->tv[i].col == c->dense[i];
	rt_buf_add(&t->row, "\0", 2);
	for (i = 0; i < n; i++) {
		if (!dense)
			rt_varint_put(&t->row, t->tv[i].col);
		rt_varint_put(&t->row, t->tv[i].len);
		rt_buf_add(&t->row, t->vals.p + t->tv[i].off, t->tv[i].len);
	}
	n |= dense ? RT_TROW_DENSE : 0;
	t->row.p[at] = (char)(n & 0xff);
	t->row.p[at + 1] = (char)(n >> 8);
}

static int
mem_cmp(const void *a, const void *b)
{
	const struct rt_tmem *x = a, *y = b;

	return x->col < y->col ? -1 : x->col > y->col;
}

/* The values kept, after the key, into t->row. */
static int
row_values(struct rt_table *t, const struct rt_jdoc *d, size_t nm,
    uint64_t line)
{
	size_t i, count = 0;
	const char *p, *why;
	size_t n;

	if (t->spec->select && nm > 1)
		qsort(t->mem, nm, sizeof *t->mem, mem_cmp);
	rt_table_tv_(t, nm);
	t->vals.len = 0;
	for (i = 0; i < nm; i++) {
		uint32_t c = t->mem[i].col;

		if (!t->role[c].store)
			continue;
		if ((why = value_text(t, t->role[c].type, d, t->mem[i].node, &p,
		    &n)) != NULL)
			return refuse_col(t, line, c, why);
		t->tv[count].col = c;
		t->tv[count].off = t->vals.len;
		t->tv[count++].len = n;
		rt_buf_add(&t->vals, p, n);
	}
	rt_table_members_(t, count);
	return 0;
}

/* Room for one more row in the per-row arrays. */
static void
grow_rows(struct rt_table *t)
{
	const struct rt_tspec *s = t->spec;
	size_t n = t->caprows ? 2 * t->caprows : 1024;

	t->roff = rt_xtable_grow(t->roff, t->caprows, n, sizeof *t->roff);
	if (s->valid_from)
		t->vf = rt_xtable_grow(t->vf, t->caprows, n, sizeof *t->vf);
	if (s->lo) {
		t->lo = rt_xtable_grow(t->lo, t->caprows, n, sizeof *t->lo);
		t->hi = rt_xtable_grow(t->hi, t->caprows, n, sizeof *t->hi);
		t->line = rt_xtable_grow(t->line, t->caprows, n,
		    sizeof *t->line);
	}
	t->caprows = n;
}

/* Append the row built in t->key and t->val to the arena. */
static void
arena_put(struct rt_table *t, const void *p, size_t n)
{
	if (t->acap - t->alen < n) {
		size_t c = t->acap ? 2 * t->acap : 1 << 16;

		while (c - t->alen < n)
			c *= 2;
		t->arena = rt_xtable_grow(t->arena, t->acap, c, 1);
		t->acap = c;
	}
	memcpy(t->arena + t->alen, p, n);
	t->alen += n;
}

int
rt_table_encode(struct rt_table *t, const struct rt_jdoc *d, uint64_t line)
{
	size_t nm;
	struct rt_buf *row = &t->row;

	if (d->v[0].type != RT_JOBJ)
		return refuse(t, line, "not a JSON object");
	nm = map_members(t, d);
	if (row_key(t, d, nm, line) == -1 || row_extra(t, d, nm, line) == -1)
		return -1;
	row->len = 0;
	rt_varint_put(row, t->key.len);
	rt_buf_add(row, t->key.p, t->key.len);
	return row_values(t, d, nm, line);
}

int
rt_table_add(struct rt_table *t, const struct rt_jdoc *d, uint64_t line)
{
	if (rt_table_encode(t, d, line) == -1)
		return -1;
	rt_table_keep_(t, line);
	return 0;
}

void
rt_table_keep_(struct rt_table *t, uint64_t line)
{
	if (t->nrows == t->caprows)
		grow_rows(t);
	if (t->vf)
		t->vf[t->nrows] = t->cur_vf;
	if (t->lo) {
		t->lo[t->nrows] = t->cur_lo;
		t->hi[t->nrows] = t->cur_hi;
		t->line[t->nrows] = line > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)line;
	}
	t->roff[t->nrows++] = t->alen;
	arena_put(t, t->row.p, t->row.len);
}

/* ---- the index ---------------------------------------------------------- */

/* A stable merge sort of idx[0, n) by key[idx[i]] (tmp: n more). */
static void
sort_by_i64(uint32_t *idx, uint32_t *tmp, size_t n, const int64_t *key)
{
	size_t w, i;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t a = i, m = i + w < n ? i + w : n, b = m;
			size_t e = i + 2 * w < n ? i + 2 * w : n, o = i;

			while (a < m && b < e)
				tmp[o++] = key[idx[b]] < key[idx[a]] ?
				    idx[b++] : idx[a++];
			while (a < m)
				tmp[o++] = idx[a++];
			while (b < e)
				tmp[o++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof *idx);
	}
}

/* The same by range bound. */
static void
sort_by_u128(uint32_t *idx, uint32_t *tmp, size_t n, const struct rt_u128 *key)
{
	size_t w, i;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t a = i, m = i + w < n ? i + w : n, b = m;
			size_t e = i + 2 * w < n ? i + 2 * w : n, o = i;

			while (a < m && b < e)
				tmp[o++] = rt_u128_cmp(key[idx[b]],
				    key[idx[a]]) < 0 ? idx[b++] : idx[a++];
			while (a < m)
				tmp[o++] = idx[a++];
			while (b < e)
				tmp[o++] = idx[b++];
		}
		memcpy(idx, tmp, n * sizeof *idx);
	}
}

#define TAG_MASK 0xffffff0000000000ULL
#define VAL_MASK 0x000000ffffffffffULL

static uint64_t
row_hash(const struct rt_table *t, size_t off)
{
	const unsigned char *p = t->arena + off;
	size_t n = (size_t)rt_varint_get(&p);

	return rt_hash(p, n);
}

/* The first row with the key of row r (hash h): r itself when the key is
 * new, its slot then made.  While building, slots hold first rows. */
static uint32_t
index_put(struct rt_table *t, uint32_t r, uint64_t h)
{
	const unsigned char *p = t->arena + t->roff[r], *q;
	size_t n = (size_t)rt_varint_get(&p), i = (size_t)h & t->mask, m;
	uint64_t tag = h & TAG_MASK, s;

	while ((s = t->slot[i]) != 0) {
		if ((s & TAG_MASK) == tag) {
			q = t->arena + t->roff[(s & VAL_MASK) - 1];
			m = (size_t)rt_varint_get(&q);
			if (m == n && memcmp(p, q, n) == 0)
				return (uint32_t)((s & VAL_MASK) - 1);
		}
		i = (i + 1) & t->mask;
	}
	t->slot[i] = tag | ((uint64_t)r + 1);
	return r;
}

/* Rows into groups, numbered in the order of their first row: returns
 * gid, gid[i] the group of row i, or NULL while every key is unique (as
 * in most tables: no array of 4 bytes a row to make).  The slots then
 * hold group ids, or row offsets when unique. */
static uint32_t *
index_build(struct rt_table *t)
{
	size_t size = 16, i;
	uint32_t *gid = NULL, r;

	while (size < 2 * t->nrows)
		size *= 2;
	t->slot = rt_xtable(size, sizeof *t->slot);
	memset(t->slot, 0, size * sizeof *t->slot);	/* small: malloc'd */
	t->mask = size - 1;
	t->ngroups = 0;
	for (i = 0; i < t->nrows; i++) {
		r = index_put(t, (uint32_t)i, row_hash(t, t->roff[i]));
		if (r != i && gid == NULL) {	/* the first key seen twice */
			gid = rt_xtable(t->nrows, sizeof *gid);
			for (size_t k = 0; k < i; k++)
				gid[k] = (uint32_t)k;
		}
		if (gid)
			gid[i] = r == i ? (uint32_t)t->ngroups++ : gid[r];
		else
			t->ngroups++;
	}
	for (i = 0; i < size; i++) {
		uint64_t s = t->slot[i], r1 = s & VAL_MASK;

		if (s == 0)
			continue;
		t->slot[i] = (s & TAG_MASK) | (gid == NULL && !t->vf ?
		    t->roff[r1 - 1] + 1 : (uint64_t)(gid ? gid[r1 - 1] :
		    r1 - 1) + 1);
	}
	return gid;
}

/* Rows of a group next to each other, in file order (a counting sort). */
static void
regroup(struct rt_table *t, uint32_t *gid)
{
	size_t n = t->nrows, g, i;
	uint32_t *start = rt_xtable(t->ngroups + 1, sizeof *start);
	uint64_t *roff;
	int64_t *vf;

	t->gstart = start;
	if (gid == NULL) {	/* one row a group, in file order */
		for (g = 0; g <= t->ngroups; g++)
			start[g] = (uint32_t)g;
		return;
	}
	roff = rt_xtable(t->caprows, sizeof *roff);
	vf = t->vf ? rt_xtable(t->caprows, sizeof *vf) : NULL;
	memset(start, 0, (t->ngroups + 1) * sizeof *start);
	for (i = 0; i < n; i++)
		start[gid[i] + 1]++;
	for (g = 0; g < t->ngroups; g++)
		start[g + 1] += start[g];
	/* gid[i] becomes the place of row i. */
	for (i = 0; i < n; i++)
		gid[i] = start[gid[i]]++;
	for (g = t->ngroups; g > 0; g--)
		start[g] = start[g - 1];
	start[0] = 0;
	for (i = 0; i < n; i++) {
		roff[gid[i]] = t->roff[i];
		if (vf)
			vf[gid[i]] = t->vf[i];
	}
	rt_table_free(t->roff, t->caprows, sizeof *t->roff);
	t->roff = roff;
	if (vf) {
		rt_table_free(t->vf, t->caprows, sizeof *t->vf);
		t->vf = vf;
	}
}

/* Sort one group's rows [a, e) by valid-from time, ties in file order. */
static void
sort_group(struct rt_table *t, size_t a, size_t e, uint32_t *idx,
    uint32_t *tmp, uint64_t *o2, int64_t *v2)
{
	size_t n = e - a, i;

	for (i = a + 1; i < e && t->vf[i - 1] <= t->vf[i]; i++)
		;
	if (i >= e)
		return;		/* already in order, as tables mostly are */
	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	sort_by_i64(idx, tmp, n, t->vf + a);
	for (i = 0; i < n; i++) {
		o2[i] = t->roff[a + idx[i]];
		v2[i] = t->vf[a + idx[i]];
	}
	memcpy(t->roff + a, o2, n * sizeof *o2);
	memcpy(t->vf + a, v2, n * sizeof *v2);
}

static void
sort_groups(struct rt_table *t)
{
	size_t g, big = 0;
	uint32_t *idx, *tmp;
	uint64_t *o2;
	int64_t *v2;

	for (g = 0; g < t->ngroups; g++)
		if (t->gstart[g + 1] - t->gstart[g] > big)
			big = t->gstart[g + 1] - t->gstart[g];
	if (big < 2)
		return;
	idx = rt_xmalloc(big * sizeof *idx);
	tmp = rt_xmalloc(big * sizeof *tmp);
	o2 = rt_xmalloc(big * sizeof *o2);
	v2 = rt_xmalloc(big * sizeof *v2);
	for (g = 0; g < t->ngroups; g++)
		sort_group(t, t->gstart[g], t->gstart[g + 1], idx, tmp, o2, v2);
	free(idx);
	free(tmp);
	free(o2);
	free(v2);
}

/* Range tables: rows by lo; a range that overlaps one before it (by lo,
 * then file order) is refused, so that one row at most holds a value. */
static void
range_build(struct rt_table *t)
{
	size_t n = t->nrows, i, k = 0;
	uint32_t last = 0;
	uint32_t *idx = rt_xtable(n ? n : 1, sizeof *idx);
	uint32_t *tmp = rt_xtable(n ? n : 1, sizeof *tmp);
	uint64_t *roff = rt_xtable(t->caprows, sizeof *roff);
	struct rt_u128 *lo = rt_xtable(t->caprows, sizeof *lo);
	struct rt_u128 *hi = rt_xtable(t->caprows, sizeof *hi);

	for (i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	sort_by_u128(idx, tmp, n, t->lo);
	for (i = 0; i < n; i++) {
		uint32_t r = idx[i];

		if (k > 0 && rt_u128_cmp(t->lo[r], hi[k - 1]) <= 0) {
			snprintf(t->why, sizeof t->why, "its range overlaps "
			    "the range of line %u", t->line[last]);
			rt_table_refuse(t, t->line[r], t->why);
			continue;
		}
		last = r;
		roff[k] = t->roff[r];
		lo[k] = t->lo[r];
		hi[k++] = t->hi[r];
	}
	rt_table_free(idx, n ? n : 1, sizeof *idx);
	rt_table_free(tmp, n ? n : 1, sizeof *tmp);
	rt_table_free(t->roff, t->caprows, sizeof *t->roff);
	rt_table_free(t->lo, t->caprows, sizeof *t->lo);
	rt_table_free(t->hi, t->caprows, sizeof *t->hi);
	t->roff = roff;
	t->lo = lo;
	t->hi = hi;
	t->nrows = k;
}

const char *
rt_table_finish(struct rt_table *t)
{
	uint32_t *gid;

	if (t->caprows == 0)
		grow_rows(t);
	if (t->spec->lo) {
		range_build(t);
	} else {
		gid = index_build(t);
		if (gid || t->vf)	/* duplicates, or as-of: groups */
			regroup(t, gid);
		if (gid)
			rt_table_free(gid, t->nrows, sizeof *gid);
		if (t->vf && t->gstart)
			sort_groups(t);
		if (t->gstart == NULL) {	/* the slots have the offsets */
			rt_table_free(t->roff, t->caprows, sizeof *t->roff);
			t->roff = NULL;
		}
	}
	/* What only loading needed. */
	rt_table_free(t->line, t->caprows, sizeof *t->line);
	t->line = NULL;
	if (t->rejected && t->spec->strict)
		return "rows were refused (--strict)";
	return NULL;
}

int
rt_table_find(const struct rt_table *t, const char *key, size_t klen,
    uint64_t h, struct rt_tmatch *m)
{
	size_t i = (size_t)h & t->mask, n;
	uint64_t tag = h & TAG_MASK, s, off;
	const unsigned char *q;
	uint32_t g, a;

	while ((s = t->slot[i]) != 0) {
		if ((s & TAG_MASK) == tag) {
			if (t->gstart) {
				g = (uint32_t)((s & VAL_MASK) - 1);
				a = t->gstart[g];
				off = t->roff[a];
			} else {
				off = (s & VAL_MASK) - 1;
				a = g = 0;
			}
			q = t->arena + off;
			n = (size_t)rt_varint_get(&q);
			if (n == klen && rt_bytes_eq(q, key, n))
				goto found;
		}
		i = (i + 1) & t->mask;
	}
	return 0;
found:
	m->base = t->arena;
	m->vf = NULL;
	if (t->gstart) {
		m->off = t->roff + a;
		m->n = t->gstart[g + 1] - a;
		if (t->vf)
			m->vf = t->vf + a;
	} else {
		m->one = off;
		m->off = &m->one;
		m->n = 1;
	}
	return 1;
}

void
rt_table_prefetch(const struct rt_table *t, uint64_t h)
{
#ifdef __GNUC__
	if (t->slot)
		__builtin_prefetch(&t->slot[(size_t)h & t->mask]);
#else
	(void)t;
	(void)h;
#endif
}

void
rt_table_prefetch_row(const struct rt_table *t, uint64_t h)
{
#ifdef __GNUC__
	uint64_t s;

	if (t->slot == NULL || t->gstart)
		return;
	s = t->slot[(size_t)h & t->mask];
	if (s && (s & TAG_MASK) == (h & TAG_MASK)) {
		__builtin_prefetch(t->arena + (s & VAL_MASK) - 1);
		__builtin_prefetch(t->arena + (s & VAL_MASK) - 1 + 64);
	}
#else
	(void)t;
	(void)h;
#endif
}

int
rt_table_range(const struct rt_table *t, struct rt_u128 v,
    struct rt_tmatch *m)
{
	size_t a = 0, b = t->nrows;

	/* a: the first row with lo > v. */
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (rt_u128_cmp(t->lo[mid], v) <= 0)
			a = mid + 1;
		else
			b = mid;
	}
	if (a == 0 || rt_u128_cmp(v, t->hi[a - 1]) > 0)
		return 0;
	m->base = t->arena;
	m->off = t->roff + a - 1;
	m->vf = NULL;
	m->n = 1;
	return 1;
}

size_t
rt_table_bytes(const struct rt_table *t)
{
	size_t b = t->alen + (t->roff ? t->nrows * sizeof *t->roff : 0);

	if (t->slot)
		b += (t->mask + 1) * sizeof *t->slot;
	if (t->gstart)
		b += (t->ngroups + 1) * sizeof *t->gstart;
	if (t->vf)
		b += t->nrows * sizeof *t->vf;
	if (t->lo)
		b += 2 * t->nrows * sizeof *t->lo;
	return b;
}
