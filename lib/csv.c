/*
 * csv.c - CSV/TSV rows through libcsv (see csv.h).
 *
 * libcsv is a push parser that copies each field into its own buffer and
 * calls back per field and per row.  rtpipe feeds it one physical line at
 * a time, so a row's raw text (for rejects) is the line itself unless a
 * quoted field spans lines; only then are lines copied.
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"
#include "opttab.h"
#include "reject.h"

/* libcsv would trim spaces around unquoted fields: rtpipe keeps every
 * byte (rt-clean trims, by choice). */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Only "\n" ends a row: the caller cuts the line ends ("\n", "\r\n" or a
 * lone "\r") and feeds "\n" for them, or the terminator itself as data
 * inside quotes (csv-spectrum's newlines_crlf). */
static int
is_term(unsigned char c)
{
	return c == '\n';
}

static void
parser_start(struct rt_csv *c)
{
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		rt_oom();
	csv_set_delim(&c->p, c->delim);
	csv_set_quote(&c->p, c->quote);
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
	c->quote = '"';
	c->max = max ? max : RT_MAX_RECORD_DEFAULT;
	c->doc = rt_xmalloc(sizeof *c->doc);
	rt_jdoc_init(c->doc, 0);
	parser_start(c);
}

void
rt_csv_set_quote(struct rt_csv *c, char q)
{
	c->quote = (unsigned char)q;
	csv_set_quote(&c->p, c->quote);
}

void
rt_csv_release(struct rt_csv *c)
{
	csv_free(&c->p);
	rt_buf_release(&c->keys);
	rt_buf_release(&c->json);
	rt_buf_release(&c->raw);
	rt_jdoc_release(c->doc);
	free(c->doc);
	free(c->keyoff);
	free(c->keyflags);
	memset(c, 0, sizeof *c);
}

static void
header_field(struct rt_csv *c, const char *s, size_t n)
{
	if (c->nkeys + 1 >= c->capkeys) {
		c->capkeys = c->capkeys ? c->capkeys * 2 : 16;
		c->keyoff = rt_xreallocarray(c->keyoff, c->capkeys,
		    sizeof *c->keyoff);
		c->keyflags = rt_xreallocarray(c->keyflags, c->capkeys,
		    sizeof *c->keyflags);
	}
	c->keyoff[c->nkeys] = c->keys.len;
	c->keyflags[c->nkeys] = rt_json_put_str_f(&c->keys, s, n, NULL);
	rt_buf_addc(&c->keys, ':');
	c->nkeys++;
	c->keyoff[c->nkeys] = c->keys.len;
}

/* A field: its key and value go straight into the row's JSON. */
static void
add_field(struct rt_csv *c, const char *s, size_t n)
{
	size_t klen, at, bad;
	unsigned fl;

	if (!c->header_done) {
		header_field(c, s, n);
		return;
	}
	if (c->nf >= c->nkeys) {	/* too many: counted, not kept */
		c->nf++;
		return;
	}
	if (c->nf == 0) {
		c->json.len = 0;
		rt_jdoc_clear(c->doc);
		rt_jdoc_push(c->doc, RT_JOBJ, 0, 0, 0);
		rt_buf_addc(&c->json, '{');
	} else {
		rt_buf_addc(&c->json, ',');
	}
	klen = c->keyoff[c->nf + 1] - c->keyoff[c->nf];
	rt_jdoc_push(c->doc, RT_JSTR, c->json.len, klen - 1, c->keyflags[c->nf]);
	rt_buf_add(&c->json, c->keys.p + c->keyoff[c->nf], klen);
	at = c->json.len;
	fl = rt_json_put_str_f(&c->json, s, n, &bad);
	rt_jdoc_push(c->doc, RT_JSTR, at, c->json.len - at, fl);
	c->badutf8 += bad;
	c->nf++;
}

static void
on_field(void *s, size_t n, void *arg)
{
	add_field(arg, s, n);
}

static void
on_row(int term, void *arg)
{
	struct rt_csv *c = arg;
	struct rt_jdoc *d = c->doc;

	(void)term;
	if (!c->header_done) {
		c->header_done = 1;
		return;
	}
	if (c->nf == 0) {	/* no field at all: cannot happen with n >= 1 */
		c->json.len = 0;
		rt_jdoc_clear(d);
		rt_jdoc_push(d, RT_JOBJ, 0, 0, 0);
		rt_buf_addc(&c->json, '{');
	}
	rt_buf_addc(&c->json, '}');
	d->v[0].len = (uint32_t)c->json.len;
	d->v[0].next = d->nv;
	d->v[0].n = (uint32_t)(c->nf < c->nkeys ? c->nf : c->nkeys);
	d->p = c->json.p;
	d->len = c->json.len;
	c->ready = 1;
}

static void
reset_parser(struct rt_csv *c)
{
	csv_free(&c->p);
	parser_start(c);
	c->spanning = 0;
	c->nf = 0;
	c->badutf8 = 0;
}

/* Fill *r with the row just completed or refused (why). */
static int
hand_out(struct rt_csv *c, const struct rt_line *l, const char *why,
    struct rt_csv_rec *r)
{
	memset(r, 0, sizeof *r);
	r->line = c->line;
	if (c->raw.len > 0) {
		r->raw = c->raw.p;
		r->rawlen = c->raw.len;
	} else if (l) {
		r->raw = l->p;
		r->rawlen = l->len;
	}
	if (why == NULL && c->nf != c->nkeys) {
		snprintf(c->why, sizeof c->why,
		    "row has %zu field%s, the header has %zu", c->nf,
		    c->nf == 1 ? "" : "s", c->nkeys);
		why = c->why;
	} else if (why == NULL && c->badutf8) {
		why = "invalid UTF-8";
	}
	r->bad = why;
	if (why) {
		r->json = r->raw;
		r->len = r->rawlen;
	} else {
		r->json = c->json.p;
		r->len = c->json.len;
		r->doc = c->doc;
	}
	c->nf = 0;
	c->badutf8 = 0;
	c->ready = 0;
	c->spanning = 0;
	return 1;
}

static int
refuse(struct rt_csv *c, const struct rt_line *l, const char *why,
    struct rt_csv_rec *r)
{
	reset_parser(c);
	return hand_out(c, l, why, r);
}

/* Inside a quoted field, where a line break is data? */
static int
in_quotes(const struct rt_csv *c)
{
	return c->p.pstate == 2 /* FIELD_BEGUN */ && c->p.quoted;
}

/* A line without a quote character holds only plain fields: split it at
 * the delimiters, which is all libcsv would do with it, at memchr speed. */
static int
split_plain(struct rt_csv *c, const struct rt_line *l, struct rt_csv_rec *r)
{
	const char *p = l->p, *end = l->p + l->len, *d;

	c->line = l->lineno;
	c->raw.len = 0;
	c->ready = 0;
	for (;;) {
		d = memchr(p, c->delim, (size_t)(end - p));
		if (d == NULL)
			break;
		add_field(c, p, (size_t)(d - p));
		p = d + 1;
	}
	add_field(c, p, (size_t)(end - p));
	on_row('\n', c);
	if (!c->ready)
		return 0;	/* the header */
	return hand_out(c, l, NULL, r);
}

int
rt_csv_feed(struct rt_csv *c, const struct rt_line *l, struct rt_csv_rec *r)
{
	size_t n = l->len, tn = l->rawlen - l->len;
	const char *term = l->p + l->len;

	if (!c->spanning && tn > 0 && memchr(l->p, c->quote, n) == NULL)
		return split_plain(c, l, r);

	if (!c->spanning) {
		c->line = l->lineno;
		c->raw.len = 0;
	} else {
		rt_buf_add(&c->raw, l->p, l->len);
		if (c->raw.len > c->max) {
			if (c->raw.len > RT_OVERLONG_KEEP)
				c->raw.len = RT_OVERLONG_KEEP;
			return refuse(c, NULL, "record exceeds "
			    "--max-record-bytes (unterminated quote?)", r);
		}
	}
	c->ready = 0;
	if (csv_parse(&c->p, l->p, n, on_field, on_row, c) != n)
		return refuse(c, l, "malformed CSV (stray quote)", r);
	if (tn == 0) {		/* the last line, without a newline */
		if (!c->spanning)	/* keep it: the view dies at EOF */
			rt_buf_add(&c->raw, l->p, l->len);
		return 0;
	}
	if (in_quotes(c)) {
		/* The line break belongs to the field: "\r\n" or "\n". */
		if (csv_parse(&c->p, term, tn, on_field, on_row, c) != tn)
			return refuse(c, l, "malformed CSV (stray quote)", r);
		if (!c->spanning) {
			c->spanning = 1;
			rt_buf_add(&c->raw, l->p, l->len);
		}
		rt_buf_add(&c->raw, term, tn);
		return 0;
	}
	if (csv_parse(&c->p, "\n", 1, on_field, on_row, c) != 1)
		return refuse(c, l, "malformed CSV (stray quote)", r);
	if (!c->ready) {	/* the header, maybe over several lines */
		c->spanning = 0;
		c->raw.len = 0;
		return 0;
	}
	return hand_out(c, c->spanning ? NULL : l, NULL, r);
}

int
rt_csv_finish(struct rt_csv *c, struct rt_csv_rec *r)
{
	c->ready = 0;
	if (csv_fini(&c->p, on_field, on_row, c) != 0) {
		/* The raw row ends before its last line's terminator, as
		 * every raw row does. */
		if (c->raw.len > 0 && c->raw.p[c->raw.len - 1] == '\n')
			c->raw.len--;
		if (c->raw.len > 0 && c->raw.p[c->raw.len - 1] == '\r')
			c->raw.len--;
		return refuse(c, NULL, "unterminated quoted field", r);
	}
	if (!c->ready)
		return 0;
	return hand_out(c, NULL, NULL, r);
}

void
rt_csv_put_quoted(struct rt_buf *b, const char *s, size_t n, char delim,
    char q)
{
	size_t i;
	int quote = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == delim || ch == q || ch == '\n' || ch == '\r') {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		rt_buf_add(b, s, n);
		return;
	}
	rt_buf_reserve(b, n + 2);
	rt_buf_addc(b, q);
	for (i = 0; i < n; i++) {
		if (s[i] == q)
			rt_buf_addc(b, q);
		rt_buf_addc(b, s[i]);
	}
	rt_buf_addc(b, q);
}

void
rt_csv_put_field(struct rt_buf *b, const char *s, size_t n, char delim)
{
	rt_csv_put_quoted(b, s, n, delim, '"');
}

void
rt_csvw_init(struct rt_csvw *w, char delim)
{
	memset(w, 0, sizeof *w);
	w->delim = delim;
	w->quote = '"';
}

void
rt_csvw_set_quote(struct rt_csvw *w, char q)
{
	w->quote = q;
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

/* A line of one column holding "" would be an empty line, which readers
 * skip, and one of only blanks is skipped by some: quote the field.
 * (With two columns or more a line holds a delimiter.) */
static void
csvw_not_blank(struct rt_buf *out, size_t line, char delim, char q)
{
	size_t i;

	for (i = line; i < out->len; i++)
		if ((out->p[i] != ' ' && out->p[i] != '\t') || out->p[i] == delim)
			return;
	rt_buf_addc(out, q);
	memmove(out->p + line + 1, out->p + line, out->len - line - 1);
	out->p[line] = q;
	rt_buf_addc(out, q);
}

/* Room for n columns. */
static void
csvw_reserve(struct rt_csvw *w, size_t n)
{
	if (n + 1 <= w->cap)
		return;
	w->cap = n + 1;
	w->noff = rt_xreallocarray(w->noff, w->cap, sizeof *w->noff);
	w->col = rt_xreallocarray(w->col, w->cap, sizeof *w->col);
}

/* The header becomes the keys of d. */
static void
csvw_keys(struct rt_csvw *w, const struct rt_jdoc *d)
{
	uint32_t k;
	size_t i = 0;

	csvw_reserve(w, d->v[0].n);
	w->names.len = 0;
	for (k = 1; k < d->v[0].next; k = d->v[k + 1].next) {
		w->noff[i++] = w->names.len;
		rt_jdoc_str(d, k, &w->names);
	}
	w->noff[i] = w->names.len;
	w->nk = i;
}

static void
csvw_header(struct rt_csvw *w, struct rt_buf *out)
{
	size_t line = out->len, i;

	for (i = 0; i < w->nk; i++) {
		if (i > 0)
			rt_buf_addc(out, w->delim);
		rt_csv_put_quoted(out, w->names.p + w->noff[i],
		    w->noff[i + 1] - w->noff[i], w->delim, w->quote);
	}
	csvw_not_blank(out, line, w->delim, w->quote);
	rt_buf_addc(out, '\n');
	w->started = 1;
}

/* Is p[0, n) one of w's column names? */
static int
csvw_named(const struct rt_csvw *w, const char *p, size_t n)
{
	for (size_t i = 0; i < w->nk; i++)
		if (w->noff[i + 1] - w->noff[i] == n &&
		    memcmp(w->names.p + w->noff[i], p, n) == 0)
			return 1;
	return 0;
}

/* Add p[0, n) to w's column names. */
static void
csvw_name(struct rt_csvw *w, const char *p, size_t n)
{
	csvw_reserve(w, w->nk + 1);
	w->noff[w->nk] = w->names.len;
	rt_buf_add(&w->names, p, n);
	w->noff[++w->nk] = w->names.len;
}

const char *
rt_csvw_set_columns(struct rt_csvw *w, const char *list)
{
	char *copy = rt_xstrdup(list), *at = copy, *p;
	const char *why = NULL;
	size_t n;

	w->names.len = 0;
	w->nk = 0;
	while (why == NULL && (p = rt_opttab_item(&at)) != NULL) {
		n = strlen(p);
		if (n == 0)
			why = "an empty column name";
		else if (csvw_named(w, p, n))
			why = "a column named twice";
		else
			csvw_name(w, p, n);
	}
	free(copy);
	if (why == NULL)
		w->fixed = 1;
	return why;
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
		rt_csv_put_quoted(out, w->tmp.p, w->tmp.len, w->delim,
		    w->quote);
		break;
	default:
		rt_csv_put_quoted(out, d->p + n->off, n->len, w->delim,
		    w->quote);
	}
}

/* Map the members of d to columns (w->col).  Returns 0, or the node of
 * the first key the header lacks. */
static uint32_t
csvw_map(struct rt_csvw *w, const struct rt_jdoc *d)
{
	size_t i = 0, c;
	uint32_t k;

	for (c = 0; c < w->nk; c++)
		w->col[c] = 0;
	for (k = 1; k < d->v[0].next; k = d->v[k + 1].next, i++) {
		c = csvw_column(w, d, k, i);
		if (c == w->nk)
			return k;
		w->col[c] = k + 1;
	}
	return 0;
}

/* "key 'K' (member N) is not in --columns", K escaped and cut at a
 * character, and marked as a key (reject.h). */
static const char *
csvw_unknown(struct rt_csvw *w, const struct rt_jdoc *d, uint32_t k)
{
	size_t n, member = 1;
	uint32_t j;

	for (j = 1; j < k; j = d->v[j + 1].next)
		member++;

	w->tmp.len = 0;
	rt_jdoc_str(d, k, &w->tmp);
	n = w->tmp.len;
	w->names.len = w->noff[w->nk];	/* scratch after the names */
	rt_json_put_str(&w->names, w->tmp.p, n);
	n = w->names.len - w->noff[w->nk] - 2;
	if (n > 100) {
		n = 100;
		while (n > 0 && ((unsigned char)w->names.p[w->noff[w->nk] + 1 + n]
		    & 0xC0) == 0x80)
			n--;
	}
	snprintf(w->why, sizeof w->why, "key " RT_REJ_KEY "'%.*s%s' "
	    RT_REJ_KEYEND "(member %zu) is not in --columns", (int)n,
	    w->names.p + w->noff[w->nk] + 1,
	    n < w->names.len - w->noff[w->nk] - 2 ? "..." : "", member);
	w->names.len = w->noff[w->nk];
	return w->why;
}

const char *
rt_csvw_put(struct rt_csvw *w, const struct rt_jdoc *d, struct rt_buf *out)
{
	size_t c, line, start = out->len;
	int started = w->started;
	uint32_t k;

	if (d->v[0].type != RT_JOBJ)
		return "not an object: cannot write it as CSV";
	if (!w->started) {
		if (!w->fixed)
			csvw_keys(w, d);
		csvw_reserve(w, w->nk);
		csvw_header(w, out);
	}
	if ((k = csvw_map(w, d)) != 0) {
		if (w->fixed) {
			out->len = start;	/* the header too, if new */
			w->started = started;
			return csvw_unknown(w, d, k);
		}
		/* A new header block. */
		csvw_keys(w, d);
		rt_buf_addc(out, '\n');
		csvw_header(w, out);
		(void)csvw_map(w, d);
	}
	line = out->len;
	for (c = 0; c < w->nk; c++) {
		if (c > 0)
			rt_buf_addc(out, w->delim);
		if (w->col[c])
			csvw_value(w, d, w->col[c], out);
	}
	csvw_not_blank(out, line, w->delim, w->quote);
	rt_buf_addc(out, '\n');
	return NULL;
}
