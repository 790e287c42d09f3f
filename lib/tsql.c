/*
 * tsql.c - reference tables in SQLite (see tsql.h).  rt-join(1), "SQLite".
 *
 * A result row is made into a JSON object document by hand (the column
 * names as JSON text once, each value as SQLite typed it: integers and
 * reals as numbers, text as strings, NULL as null) and goes through the
 * same row encoding as the other formats, so --select, --prefix, the
 * types and as-of behave the same.
 */
#include "tsql.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"
#include "number.h"

/* A statement's rows as documents. */
struct rows {
	sqlite3 *db;
	sqlite3_stmt *st;
	int ncol;
	struct rt_buf names;	/* "name": of each column */
	size_t *noff;
	unsigned *nflags;
	struct rt_buf json;
	struct rt_jdoc doc;
};

static _Thread_local char errbuf[512];

static const char *
db_error(sqlite3 *db, const char *what)
{
	snprintf(errbuf, sizeof errbuf, "%s: %s", what,
	    db ? sqlite3_errmsg(db) : "out of memory");
	return errbuf;
}

static void
rows_close(struct rows *r)
{
	sqlite3_finalize(r->st);
	sqlite3_close(r->db);
	rt_buf_release(&r->names);
	rt_buf_release(&r->json);
	rt_jdoc_release(&r->doc);
	free(r->noff);
	free(r->nflags);
	memset(r, 0, sizeof *r);
}

/* "name" quoted as an SQL identifier. */
static void
put_ident(struct rt_buf *b, const char *s)
{
	rt_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			rt_buf_addc(b, '"');
		rt_buf_addc(b, *s);
	}
	rt_buf_addc(b, '"');
}

/* The query: sql, or every column of table tname; with keys (lookups)
 * filtered on the key columns. */
static void
make_query(struct rt_buf *q, const char *sql, const char *tname,
    const struct rt_tspec *s, int keys)
{
	rt_buf_adds(q, "SELECT * FROM ");
	if (sql && keys) {
		rt_buf_addc(q, '(');
		rt_buf_adds(q, sql);
		rt_buf_addc(q, ')');
	} else if (sql) {
		q->len = 0;
		rt_buf_adds(q, sql);
	} else {
		put_ident(q, tname);
	}
	for (int i = 0; keys && i < s->nkey; i++) {
		rt_buf_adds(q, i ? " AND " : " WHERE ");
		put_ident(q, s->key[i]);
		rt_buf_printf(q, " = ?%d", i + 1);
	}
	rt_buf_addc(q, '\0');
}

static const char *
rows_open(struct rows *r, const char *path, const char *sql,
    const char *tname, const struct rt_tspec *s, int keys)
{
	struct rt_buf q = RT_BUF_INIT;
	const char *why = NULL;

	memset(r, 0, sizeof *r);
	rt_jdoc_init(&r->doc, 0);
	/* One thread uses a connection: no mutexes.  A page cache of 16
	 * MiB keeps the upper levels of the key's index. */
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return db_error(r->db, "cannot open the database");
	(void)sqlite3_exec(r->db, "PRAGMA temp_store = MEMORY; "
	    "PRAGMA cache_size = -16384", NULL, NULL, NULL);
	make_query(&q, sql, tname, s, keys);
	if (sqlite3_prepare_v2(r->db, q.p, -1, &r->st, NULL) != SQLITE_OK)
		why = db_error(r->db, sql ? "--sql" : "--table-name");
	else if ((r->ncol = sqlite3_column_count(r->st)) == 0)
		why = "the query returns no columns";
	rt_buf_release(&q);
	if (why)
		return why;
	r->noff = rt_xcalloc((size_t)r->ncol + 1, sizeof *r->noff);
	r->nflags = rt_xcalloc((size_t)r->ncol + 1, sizeof *r->nflags);
	for (int i = 0; i < r->ncol; i++) {
		const char *n = sqlite3_column_name(r->st, i);

		r->noff[i] = r->names.len;
		r->nflags[i] = rt_json_put_str_f(&r->names, n ? n : "",
		    n ? strlen(n) : 0, NULL);
		rt_buf_addc(&r->names, ':');
	}
	r->noff[r->ncol] = r->names.len;
	return NULL;
}

/* Column i of the current row as a JSON value node. */
static void
put_value(struct rows *r, int i)
{
	struct rt_jdoc *d = &r->doc;
	size_t at = r->json.len;
	unsigned fl = 0;
	int type = RT_JNUM;
	const char *p;

	switch (sqlite3_column_type(r->st, i)) {
	case SQLITE_INTEGER:
		rt_buf_addi(&r->json, sqlite3_column_int64(r->st, i));
		fl = RT_JF_INT;
		break;
	case SQLITE_FLOAT:
		rt_num_fmt(&r->json, sqlite3_column_double(r->st, i));
		if (!memchr(r->json.p + at, '.', r->json.len - at) &&
		    !memchr(r->json.p + at, 'e', r->json.len - at))
			fl = RT_JF_INT;
		if (r->json.len - at == 4 && memcmp(r->json.p + at, "null",
		    4) == 0)
			type = RT_JNULL;
		break;
	case SQLITE_NULL:
		rt_buf_adds(&r->json, "null");
		type = RT_JNULL;
		break;
	default:	/* text, and blobs as text */
		p = (const char *)sqlite3_column_text(r->st, i);
		fl = rt_json_put_str_f(&r->json, p ? p : "",
		    (size_t)sqlite3_column_bytes(r->st, i), NULL);
		type = RT_JSTR;
	}
	rt_jdoc_push(d, (unsigned)type, at, r->json.len - at, fl);
}

/* The current row as an object document. */
static const struct rt_jdoc *
row_doc(struct rows *r)
{
	struct rt_jdoc *d = &r->doc;

	rt_jdoc_clear(d);
	r->json.len = 0;
	rt_jdoc_push(d, RT_JOBJ, 0, 0, 0);
	rt_buf_addc(&r->json, '{');
	for (int i = 0; i < r->ncol; i++) {
		size_t kl = r->noff[i + 1] - r->noff[i];

		if (i)
			rt_buf_addc(&r->json, ',');
		rt_jdoc_push(d, RT_JSTR, r->json.len, kl - 1, r->nflags[i]);
		rt_buf_add(&r->json, r->names.p + r->noff[i], kl);
		put_value(r, i);
	}
	rt_buf_addc(&r->json, '}');
	d->v[0].len = (uint32_t)r->json.len;
	d->v[0].next = d->nv;
	d->v[0].n = (uint32_t)r->ncol;
	d->p = r->json.p;
	d->len = r->json.len;
	return d;
}

/* The statement's columns, checked against what the spec names, and
 * given their roles in t. */
static const char *
columns(struct rows *r, struct rt_table *t)
{
	const char **names = rt_xcalloc((size_t)r->ncol, sizeof *names);
	size_t *lens = rt_xcalloc((size_t)r->ncol, sizeof *lens);
	const char *why;

	for (int i = 0; i < r->ncol; i++) {
		names[i] = sqlite3_column_name(r->st, i);
		names[i] = names[i] ? names[i] : "";
		lens[i] = strlen(names[i]);
		(void)rt_table_column(t, names[i], lens[i]);
	}
	why = rt_table_header(t, names, lens, (size_t)r->ncol);
	free(names);
	free(lens);
	return why;
}

const char *
rt_tsql_load(struct rt_table *t, const char *path, const char *sql,
    const char *tname, const struct rt_tspec *s)
{
	struct rows r;
	const char *why;
	uint64_t line = 0;
	int k;

	rt_table_init(t, s);
	t->source = path;
	why = rows_open(&r, path, sql, tname, s, 0);
	if (why == NULL)
		why = columns(&r, t);
	while (why == NULL && (k = sqlite3_step(r.st)) == SQLITE_ROW)
		(void)rt_table_add(t, row_doc(&r), ++line);
	if (why == NULL && k != SQLITE_DONE)
		why = db_error(r.db, "reading the rows");
	if (why == NULL)
		why = rt_table_finish(t);
	if (why) {
		if (why != errbuf)
			snprintf(errbuf, sizeof errbuf, "%s", why);
		why = errbuf;
		rt_table_release(t);
	}
	rows_close(&r);
	return why;
}

/* ---- lookups through an LRU cache ------------------------------------- */

struct entry {
	struct rt_buf rows;	/* the rows, encoded */
	uint64_t *off;
	int64_t *vf;
	uint32_t n, cap;
};

/* The LRU list, most recent first, apart from the entries: a hit moves
 * three links, in a small array that stays in cache. */
struct link {
	uint32_t prev, next;
};

struct rt_tsql {
	struct rows r;
	struct rt_table tmpl;	/* no rows: the columns and the encoding */
	const struct rt_tspec *spec;
	struct rt_map map;	/* key -> entry id */
	struct entry *e;
	struct link *l;
	size_t max;
	uint32_t head, tail;	/* RT_MAP_NONE when empty */
	uint64_t hits, misses;
	struct rt_buf part;
};

struct rt_tsql *
rt_tsql_open(const char *path, const char *sql, const char *tname,
    const struct rt_tspec *s, size_t cache, const char **err)
{
	struct rt_tsql *q = rt_xcalloc(1, sizeof *q);

	rt_table_init(&q->tmpl, s);
	q->spec = s;
	if ((*err = rows_open(&q->r, path, sql, tname, s, 1)) != NULL ||
	    (*err = columns(&q->r, &q->tmpl)) != NULL) {
		if (*err != errbuf)
			snprintf(errbuf, sizeof errbuf, "%s", *err);
		*err = errbuf;
		rows_close(&q->r);
		rt_table_release(&q->tmpl);
		free(q);
		return NULL;
	}
	rt_map_init(&q->map);
	q->max = cache;
	q->e = rt_xcalloc(cache, sizeof *q->e);
	q->l = rt_xcalloc(cache, sizeof *q->l);
	q->head = q->tail = RT_MAP_NONE;
	return q;
}

void
rt_tsql_free(struct rt_tsql *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->max; i++) {
		rt_buf_release(&q->e[i].rows);
		free(q->e[i].off);
		free(q->e[i].vf);
	}
	free(q->e);
	free(q->l);
	rt_map_release(&q->map);
	rows_close(&q->r);
	rt_table_release(&q->tmpl);
	rt_buf_release(&q->part);
	free(q);
}

const struct rt_tcols *
rt_tsql_cols(const struct rt_tsql *q)
{
	return &q->tmpl.cols;
}

void
rt_tsql_counts(const struct rt_tsql *q, uint64_t *hits, uint64_t *misses)
{
	*hits = q->hits;
	*misses = q->misses;
}

static void
unlink_entry(struct rt_tsql *q, uint32_t id)
{
	struct link *e = &q->l[id];

	if (e->prev != RT_MAP_NONE)
		q->l[e->prev].next = e->next;
	else
		q->head = e->next;
	if (e->next != RT_MAP_NONE)
		q->l[e->next].prev = e->prev;
	else
		q->tail = e->prev;
}

static void
push_front(struct rt_tsql *q, uint32_t id)
{
	struct link *e = &q->l[id];

	e->prev = RT_MAP_NONE;
	e->next = q->head;
	if (q->head != RT_MAP_NONE)
		q->l[q->head].prev = id;
	q->head = id;
	if (q->tail == RT_MAP_NONE)
		q->tail = id;
}

void
rt_tsql_prefetch(void *arg, uint64_t h, int stage)
{
	struct rt_tsql *q = arg;
	uint32_t id;

	if (stage == 2) {
		rt_map_prefetch(&q->map, h);
		return;
	}
	if ((id = rt_map_guess(&q->map, h)) == RT_MAP_NONE || id >= q->max)
		return;
#ifdef __GNUC__
	if (stage == 1) {
		rt_map_prefetch_ent(&q->map, h, 32);
		__builtin_prefetch(&q->e[id]);
		__builtin_prefetch(&q->l[id]);
	} else if (q->e[id].rows.p) {
		__builtin_prefetch(q->e[id].rows.p);
	}
#endif
}

/* Bind the parts of key: an integer as an integer (so that INTEGER
 * columns compare as numbers), anything else as text. */
static void
bind_key(struct rt_tsql *q, const char *key, size_t klen)
{
	const unsigned char *p = (const unsigned char *)key;
	const unsigned char *end = p + klen;
	int n = q->spec->nkey;
	int64_t iv;

	sqlite3_reset(q->r.st);
	for (int i = 0; i < n; i++) {
		size_t len = n > 1 ? (size_t)rt_varint_get(&p) : klen;

		if (p + len > end)
			len = (size_t)(end - p);
		if (rt_num_int64((const char *)p, len, &iv) == 0)
			sqlite3_bind_int64(q->r.st, i + 1, iv);
		else
			sqlite3_bind_text(q->r.st, i + 1, (const char *)p,
			    (int)len, SQLITE_TRANSIENT);
		p += len;
	}
}

/* Sort an entry's rows by valid-from time, ties in their order. */
static void
sort_entry(struct entry *e)
{
	for (uint32_t i = 1; i < e->n; i++)
		for (uint32_t k = i; k > 0 && e->vf[k - 1] > e->vf[k]; k--) {
			int64_t v = e->vf[k];
			uint64_t o = e->off[k];

			e->vf[k] = e->vf[k - 1];
			e->off[k] = e->off[k - 1];
			e->vf[k - 1] = v;
			e->off[k - 1] = o;
		}
}

/* The rows of key from SQLite into entry e: 0, or -1. */
static int
fetch(struct rt_tsql *q, struct entry *e, const char *key, size_t klen,
    const char **err)
{
	int k;

	e->n = 0;
	e->rows.len = 0;
	bind_key(q, key, klen);
	while ((k = sqlite3_step(q->r.st)) == SQLITE_ROW) {
		if (rt_table_encode(&q->tmpl, row_doc(&q->r), e->n + 1) == -1)
			continue;
		if (e->n == e->cap) {
			e->cap = e->cap ? 2 * e->cap : 4;
			e->off = rt_xreallocarray(e->off, e->cap,
			    sizeof *e->off);
			e->vf = rt_xreallocarray(e->vf, e->cap, sizeof *e->vf);
		}
		e->off[e->n] = e->rows.len;
		e->vf[e->n++] = q->tmpl.cur_vf;
		rt_buf_add(&e->rows, q->tmpl.row.p, q->tmpl.row.len);
	}
	if (k != SQLITE_DONE) {
		*err = db_error(q->r.db, "lookup");
		e->n = 0;
		sqlite3_reset(q->r.st);
		return -1;
	}
	sqlite3_reset(q->r.st);
	/* Rows refused by the encoding are the table's, not the run's. */
	q->tmpl.rejected = 0;
	q->tmpl.rej.len = 0;
	if (q->spec->valid_from)
		sort_entry(e);
	return 0;
}

int
rt_tsql_lookup(void *arg, const char *key, size_t klen, struct rt_tmatch *m,
    const char **err)
{
	struct rt_tsql *q = arg;
	uint64_t h = rt_hash(key, klen);
	uint32_t id = rt_map_find(&q->map, key, klen, h);
	struct entry *e;
	int isnew;

	if (id != RT_MAP_NONE) {
		q->hits++;
		unlink_entry(q, id);
	} else {
		q->misses++;
		if (q->map.count == q->max) {
			uint32_t old = q->tail;
			/* A key with many rows gives its memory back. */
			if (q->e[old].cap > 64) {
				free(q->e[old].off);
				free(q->e[old].vf);
				rt_buf_release(&q->e[old].rows);
				memset(&q->e[old], 0, sizeof q->e[old]);
			}

			unlink_entry(q, old);
			rt_map_del(&q->map, old);
		}
		id = rt_map_put(&q->map, key, klen, h, &isnew);
		if (fetch(q, &q->e[id], key, klen, err) == -1) {
			rt_map_del(&q->map, id);
			return -1;
		}
	}
	push_front(q, id);
	e = &q->e[id];
	if (e->n == 0)
		return 0;
	m->base = (const unsigned char *)e->rows.p;
	m->off = e->off;
	m->vf = q->spec->valid_from ? e->vf : NULL;
	m->n = e->n;
	return 1;
}
