/*
 * csv.h - CSV and TSV rows through libcsv, and the CSV/TSV writer.
 * RFC 4180: header row, quoted delimiters, quotes and newlines; strict
 * about stray quotes.  rtpipe(7), "CSV and TSV".
 */
#ifndef RT_CSV_H
#define RT_CSV_H

#include <stddef.h>
#include <stdint.h>

#include <csv.h>

#include "buf.h"
#include "json.h"
#include "rtio.h"

/*
 * The reader turns each row into a JSON object of strings keyed by the
 * header row, building the document's nodes as libcsv hands over the
 * fields, so the record needs no second parse.
 */
struct rt_csv_rec {
	const char *json;	/* the row as JSON text */
	size_t len;
	const struct rt_jdoc *doc;	/* its nodes */
	const char *raw;	/* the row's original bytes, last terminator cut */
	size_t rawlen;
	uint64_t line;		/* physical line the row starts on */
	const char *bad;	/* non-NULL: the row is malformed (why) */
};

struct rt_csv {
	struct csv_parser p;
	unsigned char delim;
	unsigned char quote;	/* '"' unless rt_csv_set_quote */
	size_t max;		/* longest raw row kept (bytes) */
	/* The header: each key as JSON text followed by ':'. */
	int header_done;
	struct rt_buf keys;
	size_t *keyoff;		/* nkeys + 1 offsets into keys */
	unsigned *keyflags;	/* RT_JF_* of each key */
	size_t nkeys, capkeys;
	/* The row being built. */
	struct rt_buf json;
	struct rt_jdoc *doc;	/* owned */
	size_t nf;		/* fields so far */
	size_t badutf8;		/* fields with invalid UTF-8 */
	int ready;		/* a row was completed by the last feed */
	struct rt_buf raw;	/* raw bytes of a row spanning lines */
	int spanning;		/* a row is open across lines */
	uint64_t line;		/* first line of the open row */
	char why[96];
};

/* delim separates fields (',' for CSV, '\t' for TSV, or any byte but CR
 * and LF).  max bounds the bytes of one row (0: default). */
void rt_csv_init(struct rt_csv *c, char delim, size_t max);
/* Quote fields with q instead of '"' (not CR, LF or the delimiter); call
 * before the first feed. */
void rt_csv_set_quote(struct rt_csv *c, char q);
void rt_csv_release(struct rt_csv *c);

/*
 * Feed one physical line.  Returns 1 when *r holds a record (possibly a
 * bad one: r->bad set, and the parser reset for the next line), 0 when
 * the line only continued a row or was the header.  Pointers in *r stay
 * valid until the next feed.
 */
int rt_csv_feed(struct rt_csv *c, const struct rt_line *l,
    struct rt_csv_rec *r);
/* At end of input: completes a last row that lacks its newline, or
 * reports an unterminated quoted field.  1 or 0, as rt_csv_feed. */
int rt_csv_finish(struct rt_csv *c, struct rt_csv_rec *r);

/*
 * The CSV/TSV writer.  The first record's keys make the header; a record
 * whose keys are all in it is written under it (in the header's order,
 * empty fields for the keys it lacks); a record with a key the header
 * lacks starts a new header block, an empty line and its own keys, as
 * Miller's CSV-lite writer does.  With rt_csvw_set_columns the header is
 * fixed, and such a record is refused instead.
 */
struct rt_csvw {
	char delim;
	char quote;		/* '"' unless rt_csvw_set_quote */
	int started;		/* the header line was written */
	int fixed;		/* rt_csvw_set_columns: the header stays */
	struct rt_buf names;	/* header keys, decoded, back to back */
	size_t *noff;		/* nk + 1 offsets into names */
	size_t nk, cap;		/* columns; room in noff and col */
	uint32_t *col;		/* per column: value node of this record */
	struct rt_buf tmp;
	char why[160];
};

void rt_csvw_init(struct rt_csvw *w, char delim);
/* Quote fields with q instead of '"'. */
void rt_csvw_set_quote(struct rt_csvw *w, char q);
/* Fix the header to the comma-separated names in list.  Returns NULL, or
 * why the list is bad (an empty name, a name twice). */
const char *rt_csvw_set_columns(struct rt_csvw *w, const char *list);
void rt_csvw_release(struct rt_csvw *w);
/* Append the CSV line for the object in d (after a header line when one
 * is due).  Strings are decoded, numbers and literals written as they
 * are, null as an empty field, arrays and objects as JSON text.  Returns
 * NULL, or a reason with nothing appended: not an object, or, with fixed
 * columns, "key 'K' is not in --columns" (K escaped as in JSON, cut at
 * 100 bytes; valid until the next call). */
const char *rt_csvw_put(struct rt_csvw *w, const struct rt_jdoc *d,
    struct rt_buf *out);

/* Append one field for a CSV/TSV writer, quoted when it holds the
 * delimiter, a quote, CR or LF (quotes doubled). */
void rt_csv_put_field(struct rt_buf *b, const char *s, size_t n, char delim);
/* The same with quote q instead of '"'. */
void rt_csv_put_quoted(struct rt_buf *b, const char *s, size_t n, char delim,
    char q);

#endif
