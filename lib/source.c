/*
 * source.c - records from operands in NDJSON, CSV or TSV (see source.h).
 */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mem.h"

int
rt_fmt_parse(const char *s)
{
	if (strcmp(s, "ndjson") == 0 || strcmp(s, "json") == 0 ||
	    strcmp(s, "jsonl") == 0)
		return RT_FMT_NDJSON;
	if (strcmp(s, "csv") == 0)
		return RT_FMT_CSV;
	if (strcmp(s, "tsv") == 0)
		return RT_FMT_TSV;
	return -1;
}

enum rt_fmt
rt_fmt_of_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
		return RT_FMT_CSV;
	if (n > 4 && strcmp(path + n - 4, ".tsv") == 0)
		return RT_FMT_TSV;
	return RT_FMT_NDJSON;
}

void
rt_src_init(struct rt_src *s, char *const *paths, int npaths,
    enum rt_fmt fmt, size_t max)
{
	memset(s, 0, sizeof *s);
	s->paths = paths;
	s->npaths = npaths;
	s->fmt = fmt;
	s->max = max ? max : RT_MAX_RECORD_DEFAULT;
}

const struct rt_jdoc *
rt_rec_parse(const struct rt_rec *r, struct rt_jdoc *scratch)
{
	if (r->doc)
		return r->doc;
	return rt_jdoc_parse(scratch, r->p, r->len) == 0 ? scratch : NULL;
}

static void
src_close(struct rt_src *s)
{
	if (!s->open)
		return;
	rt_in_close(&s->in);
	if (s->cur != RT_FMT_NDJSON)
		rt_csv_release(&s->csv);
	s->open = 0;
}

void
rt_src_release(struct rt_src *s)
{
	src_close(s);
}

int
rt_src_fd(const struct rt_src *s)
{
	return s->open ? s->in.fd : -1;
}

size_t
rt_src_ahead(const struct rt_src *s, const char **p)
{
	if (!s->open || s->cur != RT_FMT_NDJSON || s->in.skipping ||
	    s->in.at_start)
		return 0;
	*p = s->in.buf + s->in.start;
	return s->in.end - s->in.start;
}

/* Open the next operand.  1 opened, 0 none left, -1 failed. */
static int
src_open(struct rt_src *s)
{
	const char *path;

	if (s->next >= (s->npaths > 0 ? s->npaths : 1))
		return 0;
	path = s->npaths > 0 ? s->paths[s->next] : "-";
	s->next++;
	if (rt_in_open(&s->in, path, s->max) == -1) {
		s->errname = path;
		s->err = errno;
		return -1;
	}
	s->in.idle = s->idle;
	s->in.idle_arg = s->idle_arg;
	s->in.nowait = s->nowait;
	s->cur = s->fmt != RT_FMT_AUTO ? s->fmt :
	    strcmp(path, "-") == 0 ? RT_FMT_NDJSON : rt_fmt_of_path(path);
	if (s->cur != RT_FMT_NDJSON) {
		rt_csv_init(&s->csv, s->delim ? s->delim :
		    s->cur == RT_FMT_TSV ? '\t' : ',', s->max);
		if (s->quote)
			rt_csv_set_quote(&s->csv, s->quote);
	}
	s->at_eof = 0;
	s->open = 1;
	return 1;
}

/* An NDJSON line of blanks (spaces, tabs, CRs) is no record. */
static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static void
rec_from_line(struct rt_src *s, const struct rt_line *l, struct rt_rec *r)
{
	r->p = r->raw = l->p;
	r->len = r->rawlen = l->len;
	r->source = s->in.name;
	r->line = l->lineno;
	r->bad = NULL;
	r->doc = NULL;
	r->fulllen = l->fulllen;
	if (l->overlong) {
		snprintf(s->why, sizeof s->why,
		    "record exceeds --max-record-bytes (%zu)", s->max);
		r->bad = s->why;
	}
}

static void
rec_from_csv(struct rt_src *s, const struct rt_csv_rec *cr, struct rt_rec *r)
{
	r->p = cr->json;
	r->len = cr->len;
	r->raw = cr->raw;
	r->rawlen = cr->rawlen;
	r->source = s->in.name;
	r->line = cr->line;
	r->bad = cr->bad;
	r->doc = cr->doc;
	r->fulllen = cr->rawlen;
}

static int
csv_next(struct rt_src *s, struct rt_rec *r)
{
	struct rt_csv_rec cr;
	struct rt_line l;
	int k;

	for (;;) {
		if (s->at_eof)
			return RT_IN_EOF;
		k = rt_in_next(&s->in, &l);
		if (k == RT_IN_EOF) {
			s->at_eof = 1;
			if (rt_csv_finish(&s->csv, &cr)) {
				rec_from_csv(s, &cr, r);
				return 1;
			}
			continue;
		}
		if (k != RT_IN_LINE)
			return k;
		if (l.overlong) {
			rec_from_line(s, &l, r);
			return 1;
		}
		/* Only an empty line is no row: a line of blanks is one
		 * field (a value in a one-column file, else a reject). */
		if (!s->csv.spanning && l.len == 0)
			continue;
		if (rt_csv_feed(&s->csv, &l, &cr)) {
			rec_from_csv(s, &cr, r);
			return 1;
		}
	}
}

static int
ndjson_next(struct rt_src *s, struct rt_rec *r)
{
	struct rt_line l;
	int k;

	for (;;) {
		k = rt_in_next(&s->in, &l);
		if (k != RT_IN_LINE)
			return k;
		if (!l.overlong && blank(l.p, l.len))
			continue;
		rec_from_line(s, &l, r);
		return 1;
	}
}

int
rt_src_next(struct rt_src *s, struct rt_rec *r)
{
	int k;

	for (;;) {
		if (!s->open) {
			k = src_open(s);
			if (k <= 0)
				return k;
		}
		k = s->cur == RT_FMT_NDJSON ? ndjson_next(s, r) : csv_next(s, r);
		if (k == 1 || k == RT_IN_AGAIN)
			return k;
		if (k == RT_IN_ERR) {
			s->errname = s->in.name;
			s->err = s->in.err;
			src_close(s);
			return -1;
		}
		src_close(s);
	}
}
