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
#include "rtio.h"

/* One parsed row: fields are (pointer, length) into the reader's storage,
 * valid until the next feed. */
struct rt_csv_row {
	size_t nf;
	const char **f;
	size_t *flen;
	const char *raw;	/* the row's original bytes, terminators cut */
	size_t rawlen;
	uint64_t line;		/* physical line the row starts on */
};

struct rt_csv {
	struct csv_parser p;
	unsigned char delim;
	size_t max;		/* longest raw row kept (bytes) */
	/* Fields of completed rows, back to back. */
	struct rt_buf data;
	size_t *off, *len;	/* per field: offset into data, length */
	size_t nfield, capfield;
	/* Completed rows: index of their first field. */
	size_t *rowstart;
	size_t nrow, caprow, nextrow;
	size_t nf_open;		/* fields of the row in progress */
	struct rt_buf raw;	/* raw bytes of a row spanning lines */
	int spanning;		/* a row is open across lines */
	uint64_t line;		/* first line of the open row */
	const char *lineraw;	/* the last line fed (borrowed) */
	size_t linelen;
	int toobig;		/* the open row outgrew max */
	const char **fptr;	/* per field pointers handed out */
	size_t capfptr;
};

/* delim is ',' or '\t'.  max bounds the bytes of one row (0: default). */
void rt_csv_init(struct rt_csv *c, char delim, size_t max);
void rt_csv_release(struct rt_csv *c);

/* Feed one physical line (with its terminator, rawlen bytes).  Returns the
 * number of rows completed (usually 0 or 1), or -1 with *err set when the
 * row is malformed; the malformed row's raw bytes are in *row and the
 * parser is reset for the next line. */
int rt_csv_feed(struct rt_csv *c, const struct rt_line *l, const char **err,
    struct rt_csv_row *bad);
/* At end of input: completes a last row without a newline.  Returns rows
 * completed or -1 (an unterminated quoted field), as rt_csv_feed. */
int rt_csv_finish(struct rt_csv *c, const char **err, struct rt_csv_row *bad);
/* Take the next completed row; 1, or 0 when none is left. */
int rt_csv_row(struct rt_csv *c, struct rt_csv_row *row);

/* The CSV/TSV writer: the first record's keys make the header. */
struct rt_jdoc;

struct rt_csvw {
	char delim;
	int started;		/* the header line was written */
	struct rt_buf names;	/* header keys, decoded, back to back */
	size_t *noff;		/* nk + 1 offsets into names */
	size_t nk;
	uint32_t *col;		/* per column: value node of this record */
	struct rt_buf tmp;
};

void rt_csvw_init(struct rt_csvw *w, char delim);
void rt_csvw_release(struct rt_csvw *w);
/* Append the CSV line for the object in d (after the header line, the
 * first time).  Strings are decoded, numbers and literals written as
 * they are, null as an empty field, arrays and objects as JSON text.
 * Returns NULL, or a reason (not an object, a key the header lacks) with
 * nothing appended. */
const char *rt_csvw_put(struct rt_csvw *w, const struct rt_jdoc *d,
    struct rt_buf *out);

/* Append one field for a CSV/TSV writer, quoted when it holds the
 * delimiter, a quote, CR or LF (quotes doubled). */
void rt_csv_put_field(struct rt_buf *b, const char *s, size_t n, char delim);

#endif
