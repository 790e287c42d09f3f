/*
 * csv.c - CSV/TSV rows through libcsv (see csv.h).
 *
 * libcsv is a push parser that copies each field into its own buffer and
 * calls back per field and per row.  rtpipe feeds it one physical line at
 * a time, so a row's raw text (for rejects) is the line itself unless a
 * quoted field spans lines; only then are lines copied.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"

/* libcsv would trim spaces around unquoted fields: rtpipe keeps every
 * byte (rt-clean trims, by choice). */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
is_term(unsigned char c)
{
	return c == '\n' || c == '\r';
}

static void
parser_start(struct rt_csv *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		rt_oom();
	csv_set_delim(&c->p, c->delim);
	csv_set_space_func(&c->p, no_space);
	csv_set_term_func(&c->p, is_term);
	csv_set_realloc_func(&c->p, rt_xrealloc);
	csv_set_free_func(&c->p, free);
}

void
rt_csv_init(struct rt_csv *c, char delim, size_t max)
{
	memset(c, 0, sizeof *c);
	c->delim = (unsigned char)delim;
	c->max = max ? max : RT_MAX_RECORD_DEFAULT;
	parser_start(c);
}

void
rt_csv_release(struct rt_csv *c)
{
	csv_free(&c->p);
	rt_buf_release(&c->data);
	rt_buf_release(&c->raw);
	free(c->off);
	free(c->len);
	free(c->rowstart);
	free(c->fptr);
	memset(c, 0, sizeof *c);
}

static void
on_field(void *s, size_t n, void *arg)
{
	struct rt_csv *c = arg;

	if (c->nfield == c->capfield) {
		c->capfield = c->capfield ? c->capfield * 2 : 32;
		c->off = rt_xreallocarray(c->off, c->capfield, sizeof *c->off);
		c->len = rt_xreallocarray(c->len, c->capfield, sizeof *c->len);
	}
	c->off[c->nfield] = c->data.len;
	c->len[c->nfield] = n;
	c->nfield++;
	c->nf_open++;
	rt_buf_add(&c->data, s, n);
}

static void
on_row(int term, void *arg)
{
	struct rt_csv *c = arg;

	(void)term;
	if (c->nrow == c->caprow) {
		c->caprow = c->caprow ? c->caprow * 2 : 4;
		c->rowstart = rt_xreallocarray(c->rowstart, c->caprow,
		    sizeof *c->rowstart);
	}
	c->rowstart[c->nrow++] = c->nfield - c->nf_open;
	c->nf_open = 0;
}

/* Forget completed rows that were handed out. */
static void
drop_taken(struct rt_csv *c)
{
	if (c->nextrow < c->nrow || c->nrow == 0)
		return;
	c->nrow = c->nextrow = 0;
	/* Fields of an open row stay: move them to the front. */
	if (c->nf_open > 0) {
		size_t first = c->nfield - c->nf_open, base = c->off[first], i;

		memmove(c->data.p, c->data.p + base, c->data.len - base);
		c->data.len -= base;
		for (i = 0; i < c->nf_open; i++) {
			c->off[i] = c->off[first + i] - base;
			c->len[i] = c->len[first + i];
		}
		c->nfield = c->nf_open;
	} else {
		c->nfield = 0;
		c->data.len = 0;
	}
}

static void
reset_parser(struct rt_csv *c)
{
	csv_free(&c->p);
	parser_start(c);
	c->nfield -= c->nf_open;
	c->nf_open = 0;
	c->spanning = 0;
	c->toobig = 0;
}

static int
bad_row(struct rt_csv *c, const char *why, const char **err,
    struct rt_csv_row *bad)
{
	memset(bad, 0, sizeof *bad);
	bad->line = c->line;
	if (c->spanning) {
		bad->raw = c->raw.p;
		bad->rawlen = c->raw.len;
	} else {
		bad->raw = c->lineraw;
		bad->rawlen = c->linelen;
	}
	*err = why;
	reset_parser(c);
	return -1;
}

int
rt_csv_feed(struct rt_csv *c, const struct rt_line *l, const char **err,
    struct rt_csv_row *bad)
{
	size_t before;

	drop_taken(c);
	if (!c->spanning) {
		c->line = l->lineno;
		c->raw.len = 0;
	}
	c->lineraw = l->p;
	c->linelen = l->len;
	before = c->nrow;
	if (csv_parse(&c->p, l->p, l->rawlen, on_field, on_row, c) != l->rawlen)
		return bad_row(c, "malformed CSV (stray quote)", err, bad);
	if (c->nf_open > 0 || c->p.pstate != 0 || c->p.entry_pos > 0) {
		/* The row goes on: a quoted field holds a newline.  Keep its
		 * lines, terminators and all, for a reject. */
		c->spanning = 1;
		rt_buf_add(&c->raw, l->p, l->rawlen);
		if (c->raw.len > c->max) {
			c->raw.len = RT_OVERLONG_KEEP;
			return bad_row(c, "record exceeds --max-record-bytes "
			    "(unterminated quote?)", err, bad);
		}
	} else if (c->spanning) {
		rt_buf_add(&c->raw, l->p, l->len);	/* the last line */
		c->spanning = 0;
	}
	return (int)(c->nrow - before);
}

int
rt_csv_finish(struct rt_csv *c, const char **err, struct rt_csv_row *bad)
{
	size_t before;

	drop_taken(c);
	before = c->nrow;
	if (csv_fini(&c->p, on_field, on_row, c) != 0)
		return bad_row(c, "unterminated quoted field", err, bad);
	c->spanning = 0;
	return (int)(c->nrow - before);
}

int
rt_csv_row(struct rt_csv *c, struct rt_csv_row *row)
{
	size_t first, end, i;

	if (c->nextrow >= c->nrow)
		return 0;
	first = c->rowstart[c->nextrow];
	end = c->nextrow + 1 < c->nrow ? c->rowstart[c->nextrow + 1] :
	    c->nfield - c->nf_open;
	c->nextrow++;
	row->nf = end - first;
	if (row->nf > c->capfptr) {
		c->capfptr = row->nf * 2;
		c->fptr = rt_xreallocarray(c->fptr, c->capfptr,
		    sizeof *c->fptr);
	}
	for (i = 0; i < row->nf; i++)
		c->fptr[i] = c->data.p + c->off[first + i];
	row->f = c->fptr;
	row->flen = c->len + first;
	row->line = c->line;
	if (c->raw.len > 0 && c->nextrow == 1) {
		row->raw = c->raw.p;
		row->rawlen = c->raw.len;
	} else {
		row->raw = c->lineraw;
		row->rawlen = c->linelen;
	}
	return 1;
}

void
rt_csv_put_field(struct rt_buf *b, const char *s, size_t n, char delim)
{
	size_t i;
	int quote = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == delim || ch == '"' || ch == '\n' || ch == '\r') {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		rt_buf_add(b, s, n);
		return;
	}
	rt_buf_reserve(b, n + 2);
	rt_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			rt_buf_addc(b, '"');
		rt_buf_addc(b, s[i]);
	}
	rt_buf_addc(b, '"');
}

void
rt_csvw_init(struct rt_csvw *w, char delim)
{
	memset(w, 0, sizeof *w);
	w->delim = delim;
}

void
rt_csvw_release(struct rt_csvw *w)
{
	rt_buf_release(&w->names);
	rt_buf_release(&w->tmp);
	free(w->noff);
	free(w->col);
	memset(w, 0, sizeof *w);
}

static void
csvw_header(struct rt_csvw *w, const struct rt_jdoc *d, struct rt_buf *out)
{
	uint32_t k, n = d->v[0].n, i = 0;

	w->noff = rt_xreallocarray(NULL, (size_t)n + 1, sizeof *w->noff);
	w->col = rt_xreallocarray(NULL, (size_t)n + 1, sizeof *w->col);
	for (k = 1; k < d->v[0].next; k = d->v[k + 1].next) {
		size_t at = w->names.len;

		w->noff[i++] = at;
		rt_jdoc_str(d, k, &w->names);
		if (i > 1)
			rt_buf_addc(out, w->delim);
		rt_csv_put_field(out, w->names.p + at, w->names.len - at,
		    w->delim);
	}
	w->noff[i] = w->names.len;
	w->nk = i;
	rt_buf_addc(out, '\n');
	w->started = 1;
}

/* Column of key node k, trying position i first; nk if none. */
static size_t
csvw_column(struct rt_csvw *w, const struct rt_jdoc *d, uint32_t k, size_t i)
{
	size_t c;

	if (i < w->nk && rt_jdoc_streq(d, k, w->names.p + w->noff[i],
	    w->noff[i + 1] - w->noff[i]))
		return i;
	for (c = 0; c < w->nk; c++)
		if (rt_jdoc_streq(d, k, w->names.p + w->noff[c],
		    w->noff[c + 1] - w->noff[c]))
			return c;
	return w->nk;
}

static void
csvw_value(struct rt_csvw *w, const struct rt_jdoc *d, uint32_t v,
    struct rt_buf *out)
{
	const struct rt_jnode *n = &d->v[v];

	switch (n->type) {
	case RT_JNULL:
		break;
	case RT_JSTR:
		w->tmp.len = 0;
		rt_jdoc_str(d, v, &w->tmp);
		rt_csv_put_field(out, w->tmp.p, w->tmp.len, w->delim);
		break;
	default:
		rt_csv_put_field(out, d->p + n->off, n->len, w->delim);
	}
}

const char *
rt_csvw_put(struct rt_csvw *w, const struct rt_jdoc *d, struct rt_buf *out)
{
	size_t start = out->len, i = 0, c;
	uint32_t k;

	if (d->v[0].type != RT_JOBJ)
		return "not an object: cannot write it as CSV";
	if (!w->started)
		csvw_header(w, d, out);
	for (c = 0; c < w->nk; c++)
		w->col[c] = 0;
	for (k = 1; k < d->v[0].next; k = d->v[k + 1].next, i++) {
		c = csvw_column(w, d, k, i);
		if (c == w->nk) {
			out->len = start;
			return "a key is not in the CSV header (the first "
			    "record's keys)";
		}
		w->col[c] = k + 1;
	}
	for (c = 0; c < w->nk; c++) {
		if (c > 0)
			rt_buf_addc(out, w->delim);
		if (w->col[c])
			csvw_value(w, d, w->col[c], out);
	}
	rt_buf_addc(out, '\n');
	return NULL;
}
