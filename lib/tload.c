/*
 * tload.c - reference tables from files: CSV and TSV (a header row),
 * NDJSON.  rt-join(1), "Tables".
 *
 * A CSV line without a quote character is split at the delimiters and
 * its fields go straight into the row's encoding, by their place in the
 * header; a line with quotes (or a row over several lines) goes through
 * the CSV reader of csv.h and becomes a row from its document, which
 * encodes the same.
 */
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "mem.h"
#include "rtio.h"
#include "source.h"
#include "table_int.h"

static int
ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

int
rt_table_format(const char *path, int fmt)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	FILE *f;
	size_t n = 0;

	if (fmt != RT_TF_AUTO)
		return fmt;
	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(head, 1, sizeof head, f);
		fclose(f);
	}
	if (n == sizeof head && memcmp(head, magic, sizeof head) == 0)
		return RT_TF_SQLITE;
	if (ends_with(path, ".csv"))
		return RT_TF_CSV;
	if (ends_with(path, ".tsv") || ends_with(path, ".tab"))
		return RT_TF_TSV;
	if (ends_with(path, ".db") || ends_with(path, ".sqlite") ||
	    ends_with(path, ".sqlite3"))
		return RT_TF_SQLITE;
	return RT_TF_NDJSON;
}

const char *
rt_table_header(struct rt_table *t, const char *const *names,
    const size_t *lens, size_t n)
{
	const struct rt_tspec *s = t->spec;
	const char *want[RT_TABLE_MAXKEY + 3 + 64];
	int nw = 0;

	for (int i = 0; i < s->nkey; i++)
		want[nw++] = s->key[i];
	for (int i = 0; i < s->nselect && i < 64; i++)
		want[nw++] = s->select[i];
	if (s->valid_from)
		want[nw++] = s->valid_from;
	if (s->lo) {
		want[nw++] = s->lo;
		want[nw++] = s->hi;
	}
	for (int w = 0; w < nw; w++) {
		size_t i, wl = strlen(want[w]);

		for (i = 0; i < n; i++)
			if (lens[i] == wl && memcmp(names[i], want[w], wl) == 0)
				break;
		if (i == n) {
			snprintf(t->why, sizeof t->why, "no column '%.100s'",
			    want[w]);
			return t->why;
		}
	}
	return NULL;
}

/* A CSV table's header: each field's column, where the key parts are,
 * and the fields kept in the order of their columns. */
struct hdr {
	uint32_t *col;
	size_t n;
	size_t keyat[RT_TABLE_MAXKEY];
	size_t *order;
	size_t nstore;
	struct field {
		const char *p;
		size_t n;
	} *f;
};

static void
hdr_release(struct hdr *h)
{
	free(h->col);
	free(h->order);
	free(h->f);
	memset(h, 0, sizeof *h);
}

/* The names of the header the CSV reader read, decoded into b. */
static void
header_names(const struct rt_csv *c, struct rt_buf *b, size_t *at,
    size_t *lens)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const char *k = c->keys.p + c->keyoff[i];
		size_t kn = c->keyoff[i + 1] - c->keyoff[i];

		at[i] = b->len;
		rt_json_unescape(k + 1, kn - 3, b);	/* "key": */
		lens[i] = b->len - at[i];
	}
}

/* Check the header, make its columns and fill h. */
static const char *
header(struct rt_table *t, const struct rt_csv *c, struct hdr *h)
{
	struct rt_buf b = RT_BUF_INIT;
	size_t n = c->nkeys, i, k;
	const char **names = rt_xcalloc(n + 1, sizeof *names);
	size_t *lens = rt_xcalloc(n + 1, sizeof *lens);
	size_t *at = rt_xcalloc(n + 1, sizeof *at);
	const char *why;

	header_names(c, &b, at, lens);
	for (i = 0; i < n; i++)
		names[i] = b.p + at[i];
	why = rt_table_header(t, names, lens, n);
	h->n = n;
	h->col = rt_xcalloc(n + 1, sizeof *h->col);
	h->order = rt_xcalloc(n + 1, sizeof *h->order);
	h->f = rt_xcalloc(n + 1, sizeof *h->f);
	for (i = 0; why == NULL && i < n; i++) {
		const struct rt_trole *r;

		h->col[i] = rt_table_column(t, names[i], lens[i]);
		r = &t->role[h->col[i]];
		if (r->keypart >= 0)
			h->keyat[r->keypart] = i;
		if (!r->store)
			continue;
		/* Insertion by column id: --select's order. */
		for (k = h->nstore++; k > 0 && h->col[h->order[k - 1]] >
		    h->col[i]; k--)
			h->order[k] = h->order[k - 1];
		h->order[k] = i;
	}
	free(names);
	free(lens);
	free(at);
	rt_buf_release(&b);
	return why;
}

/* Split a line without quotes into h->f: the number of fields. */
static size_t
split(const struct hdr *h, const struct rt_line *l, char delim)
{
	const char *p = l->p, *end = p + l->len, *d;
	size_t nf = 0;

	for (;;) {
		d = memchr(p, delim, (size_t)(end - p));
		if (nf < h->n) {
			h->f[nf].p = p;
			h->f[nf].n = (size_t)((d ? d : end) - p);
		}
		nf++;
		if (d == NULL)
			return nf;
		p = d + 1;
	}
}

/* Append the key of the split row to t->row: 0, or -1 (refused). */
static int
plain_key(struct rt_table *t, const struct hdr *h, uint64_t line)
{
	const struct rt_tspec *s = t->spec;
	const char *why;

	t->key.len = 0;
	for (int k = 0; k < s->nkey; k++) {
		const struct field *f = &h->f[h->keyat[k]];
		uint32_t c = h->col[h->keyat[k]];
		int type = t->role[c].type;

		if (type == RT_TT_NONE) {
			if (!rt_utf8_valid(f->p, f->n))
				return rt_table_refuse_col_(t, line, c,
				    "invalid UTF-8");
			rt_tkey_part(&t->key, f->p, f->n, s->nkey);
			continue;
		}
		t->val.len = 0;
		if ((why = rt_table_typed_(t, type, f->p, f->n)) != NULL)
			return rt_table_refuse_col_(t, line, c, why);
		if (t->val.len == 4 && memcmp(t->val.p, "null", 4) == 0)
			return rt_table_refuse_col_(t, line, c,
			    "the key is null");
		rt_tkey_part(&t->key, t->val.p, t->val.len, s->nkey);
	}
	t->row.len = 0;
	rt_varint_put(&t->row, t->key.len);
	rt_buf_add(&t->row, t->key.p, t->key.len);
	return 0;
}

/* A row from a line without quotes, as rt_table_add would keep it. */
static void
plain_row(struct rt_table *t, const struct hdr *h, const struct rt_line *l,
    char delim)
{
	size_t nf = split(h, l, delim), i, at, bad;
	const char *why;

	if (nf != h->n) {
		snprintf(t->why, sizeof t->why, "row has %zu field%s, the "
		    "header has %zu", nf, nf == 1 ? "" : "s", h->n);
		rt_table_refuse(t, l->lineno, t->why);
		return;
	}
	if (plain_key(t, h, l->lineno) == -1)
		return;
	rt_table_tv_(t, h->nstore);
	t->vals.len = 0;
	for (i = 0; i < h->nstore; i++) {
		const struct field *f = &h->f[h->order[i]];
		uint32_t c = h->col[h->order[i]];
		int type = t->role[c].type;

		t->tv[i].col = c;
		t->tv[i].off = at = t->vals.len;
		if (type == RT_TT_NONE) {
			(void)rt_json_put_str_f(&t->vals, f->p, f->n, &bad);
			why = bad ? "invalid UTF-8" : NULL;
		} else {
			/* rt_table_typed_ appends to t->val. */
			t->val.len = 0;
			why = rt_table_typed_(t, type, f->p, f->n);
			rt_buf_add(&t->vals, t->val.p, t->val.len);
		}
		if (why) {
			(void)rt_table_refuse_col_(t, l->lineno, c, why);
			return;
		}
		t->tv[i].len = t->vals.len - at;
	}
	rt_table_members_(t, h->nstore);
	rt_table_keep_(t, l->lineno);
}

/* A row the CSV reader finished. */
static void
csv_row(struct rt_table *t, const struct rt_csv_rec *r)
{
	if (r->bad)
		rt_table_refuse(t, r->line, r->bad);
	else
		(void)rt_table_add(t, r->doc, r->line);
}

/* One physical line of a CSV table. */
static const char *
csv_line(struct rt_table *t, struct rt_csv *c, struct hdr *h,
    const struct rt_line *l, int fast)
{
	struct rt_csv_rec r;
	const char *why = NULL;

	if (l->overlong) {
		snprintf(t->why, sizeof t->why, "record exceeds "
		    "--max-record-bytes (%zu)", c->max);
		rt_table_refuse(t, l->lineno, t->why);
		return NULL;
	}
	if (!c->spanning && l->len == 0)
		return NULL;	/* an empty line is no row */
	if (fast && h->col && !c->spanning && l->rawlen > l->len &&
	    memchr(l->p, c->quote, l->len) == NULL) {
		plain_row(t, h, l, (char)c->delim);
		return NULL;
	}
	if (rt_csv_feed(c, l, &r))
		csv_row(t, &r);
	if (h->col == NULL && c->header_done)
		why = header(t, c, h);
	return why;
}

static const char *
load_csv(struct rt_table *t, const char *path, int tsv)
{
	const struct rt_tspec *s = t->spec;
	int fast = !s->valid_from && !s->lo, k;
	const char *why = NULL;
	struct rt_csv_rec r;
	struct rt_line l;
	struct rt_csv c;
	struct rt_in in;
	struct hdr h;

	memset(&h, 0, sizeof h);
	if (rt_in_open(&in, path, s->max_record) == -1) {
		snprintf(t->why, sizeof t->why, "%s", strerror(errno));
		return t->why;
	}
	rt_csv_init(&c, s->delim ? s->delim : tsv ? '\t' : ',', s->max_record);
	if (s->quote)
		rt_csv_set_quote(&c, s->quote);
	while (why == NULL && (k = rt_in_next(&in, &l)) == RT_IN_LINE)
		why = csv_line(t, &c, &h, &l, fast);
	if (why == NULL && k == RT_IN_ERR) {
		snprintf(t->why, sizeof t->why, "%s", strerror(in.err));
		why = t->why;
	}
	if (why == NULL && rt_csv_finish(&c, &r))
		csv_row(t, &r);
	if (why == NULL && h.col == NULL && c.header_done)
		why = header(t, &c, &h);
	hdr_release(&h);
	rt_csv_release(&c);
	rt_in_close(&in);
	return why;
}

/* Read every row of the NDJSON source into t. */
static const char *
load_rows(struct rt_table *t, struct rt_src *src, struct rt_jdoc *doc)
{
	const struct rt_jdoc *d;
	struct rt_rec r;
	int k;

	while ((k = rt_src_next(src, &r)) == 1) {
		if (r.bad) {
			rt_table_refuse(t, r.line, r.bad);
			continue;
		}
		if ((d = rt_rec_parse(&r, doc)) == NULL) {
			snprintf(t->why, sizeof t->why, "invalid JSON: %s at "
			    "byte %zu", doc->err, doc->erroff + 1);
			rt_table_refuse(t, r.line, t->why);
			continue;
		}
		(void)rt_table_add(t, d, r.line);
	}
	if (k == -1) {
		snprintf(t->why, sizeof t->why, "%s", strerror(src->err));
		return t->why;
	}
	return NULL;
}

const char *
rt_table_load(struct rt_table *t, const char *path, const struct rt_tspec *s)
{
	char *paths[1] = { (char *)path };
	int fmt = rt_table_format(path, s->fmt);
	struct rt_src src;
	struct rt_jdoc doc;
	const char *why;
	/* The reason outlives the table. */
	static _Thread_local char keep[192];

	rt_table_init(t, s);
	t->source = path;
	if (fmt == RT_TF_SQLITE) {
		rt_table_release(t);
		return "an SQLite table (see tsql.h)";
	}
	rt_src_init(&src, paths, 1, RT_FMT_NDJSON, s->max_record);
	rt_jdoc_init(&doc, 0);
	if (fmt == RT_TF_CSV || fmt == RT_TF_TSV)
		why = load_csv(t, path, fmt == RT_TF_TSV);
	else
		why = load_rows(t, &src, &doc);
	if (why == NULL)
		why = rt_table_finish(t);
	if (why) {
		snprintf(keep, sizeof keep, "%s", why);
		why = keep;
		rt_table_release(t);
	}
	rt_jdoc_release(&doc);
	rt_src_release(&src);
	return why;
}
