/*
 * table.h - a reference table held compactly for lookups: every row's
 * key and values in one arena, an open-addressing index from keys to the
 * rows that share them, rows sorted by valid-from time for as-of lookups
 * or by their [lo, hi] range for range lookups.  Loaded from CSV, TSV or
 * NDJSON here, from SQLite through tsql.h.  rt-join(1), "Tables".
 */
#ifndef RT_TABLE_H
#define RT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"
#include "json.h"
#include "rtime.h"

/* Types given to text values (CSV has no other): --number, --integer,
 * --bool, or a schema's "type". */
enum { RT_TT_NONE, RT_TT_NUMBER, RT_TT_INTEGER, RT_TT_BOOL };

/* Table formats. */
enum { RT_TF_AUTO, RT_TF_CSV, RT_TF_TSV, RT_TF_NDJSON, RT_TF_SQLITE };

#define RT_TABLE_MAXKEY 8	/* columns in one composite key */
#define RT_TABLE_MAXREJ 5	/* row rejects kept with their reason */

struct rt_ttype {
	const char *name;	/* borrowed */
	int type;		/* RT_TT_* */
};

/* What to load and how.  Every pointer is borrowed and must outlive the
 * tables loaded with it. */
struct rt_tspec {
	int fmt;			/* RT_TF_*; AUTO: by the extension */
	char delim, quote;		/* CSV/TSV; 0: the format's own */
	size_t max_record;		/* longest row (0: the default) */
	const char *key[RT_TABLE_MAXKEY];	/* key columns */
	int nkey;
	const char **select;		/* columns to keep, in order; NULL:
					 * all but the key columns */
	int nselect;
	const char *prefix;		/* put before every column name */
	const struct rt_ttype *types;
	int ntypes;
	unsigned numflags;		/* rt_num_clean flags (number.h) */
	const char *valid_from;		/* as-of: the time column, or NULL */
	const char *lo, *hi;		/* range: the bound columns, or NULL */
	struct rt_timeopt *topt;	/* reads valid_from */
	int strict;			/* a bad row fails the load */
};

/* A column: its name and the member text it is written with. */
struct rt_tcol {
	size_t name, namelen;	/* decoded name, in cols->text */
	size_t jname, jnamelen;	/* "prefix+name": in cols->text */
	int out;		/* written with the rows (not a key column,
				 * or --select named it) */
};

struct rt_tcols {
	struct rt_tcol *v;
	size_t n, cap;
	struct rt_buf text;
	struct rt_map map;	/* decoded name -> column id */
	const char *prefix;
	/* The columns of the first row kept, in order: a row with just
	 * these is written without its column ids ("dense"). */
	uint32_t *dense;
	size_t ndense;
	int dense_set;
};

void rt_tcols_init(struct rt_tcols *c, const char *prefix);
void rt_tcols_release(struct rt_tcols *c);
/* The id of column name[0, n), added when new (*isnew: it was). */
uint32_t rt_tcols_put(struct rt_tcols *c, const char *name, size_t n,
    int *isnew);
/* The id of a column, or RT_MAP_NONE. */
uint32_t rt_tcols_find(const struct rt_tcols *c, const char *name, size_t n);

static inline const char *
rt_tcols_jname(const struct rt_tcols *c, uint32_t id, size_t *n)
{
	*n = c->v[id].jnamelen;
	return c->text.p + c->v[id].jname;
}

static inline const char *
rt_tcols_name(const struct rt_tcols *c, uint32_t id, size_t *n)
{
	*n = c->v[id].namelen;
	return c->text.p + c->v[id].name;
}

/* A 128-bit unsigned value: IPv6 (IPv4 as ::ffff:a.b.c.d) or a number in
 * an order-keeping encoding, for range lookups. */
struct rt_u128 {
	uint64_t hi, lo;
};

static inline int
rt_u128_cmp(struct rt_u128 a, struct rt_u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

enum { RT_RK_NONE, RT_RK_NUM, RT_RK_IP };

/* A range bound from text or a number: sets *v and returns RT_RK_NUM
 * (a JSON number, or text holding one) or RT_RK_IP (IPv4 or IPv6 text),
 * or RT_RK_NONE. */
int rt_range_value(const char *s, size_t n, int isnum, struct rt_u128 *v);

/*
 * Rows.  A row in the arena is [varint key length][key][u16 member
 * count] then per member [varint column][varint length][JSON text]; when
 * the count has bit 15 set, the members are the columns of cols->dense
 * in order, and each is only [varint length][JSON text].  A key of
 * several columns is, per part, [varint length][text].  Key parts are
 * values' canonical text (field.h): a string's content, another value's
 * JSON text.
 */
#define RT_TROW_DENSE 0x8000
struct rt_table {
	struct rt_tcols cols;
	unsigned char *arena;		/* rt_xtable */
	size_t alen, acap;
	uint64_t *roff;			/* rows' arena offsets, group order */
	size_t nrows, caprows;
	int64_t *vf;			/* as-of: valid from, same order */
	struct rt_u128 *lo, *hi;	/* range: sorted by lo, same order */
	uint64_t *slot;			/* index: a 24-bit tag of the hash,
					 * then 40 bits: the arena offset + 1
					 * of the row when keys are unique,
					 * else the group + 1 */
	size_t mask;
	uint32_t *gstart;		/* ngroups + 1, or NULL: one row each */
	size_t ngroups;
	int rkind;			/* range: RT_RK_* of the bounds */
	/* Loading. */
	const struct rt_tspec *spec;
	int keycol[RT_TABLE_MAXKEY];	/* the spec's key columns' ids */
	uint32_t *line;			/* range: each row's line */
	struct rt_trole *role;		/* by column id */
	size_t caprole;
	uint32_t *cache_col;		/* last row's member i -> column */
	struct rt_buf cache_key, tmp, key, val;
	struct rt_buf row;		/* rt_table_encode's row */
	struct rt_buf vals;		/* its values, before they go in */
	struct rt_tval *tv;		/* and where each is */
	size_t captv;
	int64_t cur_vf;			/* and its valid-from time */
	struct rt_u128 cur_lo, cur_hi;	/* or range */
	size_t *cache_koff;
	size_t ncache, capcache;
	struct rt_tmem *mem;		/* scratch for one row */
	size_t capmem;
	/* What loading said. */
	uint64_t rejected;		/* rows refused */
	struct rt_buf rej;		/* the first ones: "line: why\n" */
	char why[192];
	const char *source;		/* the path, for messages */
};

/* Start an empty table (rows then come through rt_table_add). */
void rt_table_init(struct rt_table *t, const struct rt_tspec *s);
void rt_table_release(struct rt_table *t);

/* Add the row object d read at line.  0, or -1 when the row is refused
 * (a key column missing or null, a value that does not take its type,
 * a bad valid-from time or range): counted, its reason kept among the
 * first RT_TABLE_MAXREJ. */
int rt_table_add(struct rt_table *t, const struct rt_jdoc *d, uint64_t line);
/* The row d encoded as rt_table_add would keep it, into t->row (valid
 * until the next call), its valid-from time in t->cur_vf: 0, or -1 when
 * refused (counted).  For caches of looked-up rows (tsql.h). */
int rt_table_encode(struct rt_table *t, const struct rt_jdoc *d,
    uint64_t line);
/* The id of column name[0, n), added with its role in the load when
 * new (a reader that knows the columns before the rows). */
uint32_t rt_table_column(struct rt_table *t, const char *name, size_t n);
/* Refuse a row the reader could not read (why), as rt_table_add does. */
void rt_table_refuse(struct rt_table *t, uint64_t line, const char *why);

/* Build the index after the last row.  NULL, or why the table cannot be
 * used (strict and a row was refused). */
const char *rt_table_finish(struct rt_table *t);

/* Check the columns a format with a header holds (names[0..n), decoded):
 * NULL, or "no column 'X'" for a key, select, valid-from or range
 * column that is not among them (in t->why). */
const char *rt_table_header(struct rt_table *t, const char *const *names,
    const size_t *lens, size_t n);

/* Load the CSV, TSV or NDJSON file path into t (initialised here).  NULL,
 * or a message (t released).  The file's format: s->fmt, else by its
 * extension. */
const char *rt_table_load(struct rt_table *t, const char *path,
    const struct rt_tspec *s);

/* The format of a table file: s->fmt, else ".csv", ".tsv", ".ndjson",
 * ".jsonl", ".json", SQLite's magic header. */
int rt_table_format(const char *path, int fmt);

/* Bytes the table holds (arena and index), for --stats. */
size_t rt_table_bytes(const struct rt_table *t);

/* Rows that matched a lookup: n rows at base + off[i], in file order, or
 * for as-of tables by valid-from time (vf[i]), ties in file order. */
struct rt_tmatch {
	const unsigned char *base;
	const uint64_t *off;
	const int64_t *vf;	/* NULL unless as-of */
	uint32_t n;
	uint64_t one;		/* off points here for a single row */
};

/* The rows whose key is key[0, klen) (rt_hash(key, klen) is h): 1, or 0
 * when none. */
int rt_table_find(const struct rt_table *t, const char *key, size_t klen,
    uint64_t h, struct rt_tmatch *m);
/* Hints for the lookups of records to come: start loading the index
 * slot of hash h; later, with that slot loaded, the row it points at. */
void rt_table_prefetch(const struct rt_table *t, uint64_t h);
void rt_table_prefetch_row(const struct rt_table *t, uint64_t h);
/* The row whose range holds v: 1, or 0. */
int rt_table_range(const struct rt_table *t, struct rt_u128 v,
    struct rt_tmatch *m);

/* Append one part of a key: the whole key when it has one part, else
 * [varint length][text]. */
void rt_tkey_part(struct rt_buf *key, const char *s, size_t n, int nparts);

/* Reading a row. */
struct rt_trow {
	const unsigned char *p;	/* next member */
	unsigned left;		/* members left */
	const uint32_t *dense;	/* dense row: the columns, else NULL */
};

/* Start reading the row at p of a table with columns c; its key in
 * *key, *klen. */
void rt_trow_start(struct rt_trow *r, const struct rt_tcols *c,
    const unsigned char *p, const char **key, size_t *klen);
/* The next member: 1 with its column and JSON text, or 0 at the end. */
int rt_trow_next(struct rt_trow *r, uint32_t *col, const char **v,
    size_t *vlen);

/* Varints of the row encoding. */
static inline void
rt_varint_put(struct rt_buf *b, uint64_t v)
{
	rt_buf_reserve(b, 10);
	while (v >= 0x80) {
		b->p[b->len++] = (char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (char)v;
}

static inline uint64_t
rt_varint_get(const unsigned char **p)
{
	const unsigned char *q = *p;
	uint64_t v = 0;
	int s = 0;

	while (*q & 0x80) {
		v |= (uint64_t)(*q++ & 0x7f) << s;
		s += 7;
	}
	v |= (uint64_t)*q++ << s;
	*p = q;
	return v;
}

#endif
