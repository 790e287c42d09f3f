/*
 * source.h - records from the operands (or standard input) in NDJSON, CSV
 * or TSV, all handed out as JSON text with their original bytes beside.
 * rtpipe(7), "Records" and "CSV and TSV".
 */
#ifndef RT_SOURCE_H
#define RT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csv.h"
#include "json.h"
#include "rtio.h"

enum rt_fmt { RT_FMT_AUTO = 0, RT_FMT_NDJSON, RT_FMT_CSV, RT_FMT_TSV };

/* "ndjson" ("json", "jsonl"), "csv", "tsv": the format, or -1. */
int rt_fmt_parse(const char *s);
/* The format a file's name implies: .csv, .tsv, else NDJSON. */
enum rt_fmt rt_fmt_of_path(const char *path);

/* One record.  Every pointer is valid until the next rt_src_next. */
struct rt_rec {
	const char *p;		/* the record as JSON text (for CSV: an
				 * object of strings keyed by the header) */
	size_t len;
	const char *raw;	/* the original bytes, for rejects */
	size_t rawlen;
	const char *source;	/* "stdin" or the operand */
	uint64_t line;		/* where the record starts (1-based) */
	const char *bad;	/* non-NULL: the record could not be read
				 * (overlong, malformed CSV): the reason */
	size_t fulllen;		/* overlong records: their whole length */
	const struct rt_jdoc *doc;	/* already parsed (CSV rows), or NULL */
};

/* The record parsed: r->doc when the source built it, else r's text
 * parsed into scratch.  Returns the document, or NULL when the text is
 * not JSON (scratch->err and erroff say why). */
const struct rt_jdoc *rt_rec_parse(const struct rt_rec *r,
    struct rt_jdoc *scratch);

struct rt_src {
	char *const *paths;	/* operands (borrowed); none means stdin */
	int npaths, next;
	enum rt_fmt fmt;	/* forced by -i, or AUTO */
	size_t max;		/* --max-record-bytes */
	char delim, quote;	/* CSV/TSV: --delimiter, --quote; 0: ',' or
				 * tab, and '"' */
	void (*idle)(void *);	/* passed to each reader (rtio.h) */
	void *idle_arg;
	int nowait;		/* return RT_IN_AGAIN rather than block */
	/* The operand being read. */
	int open;
	enum rt_fmt cur;
	struct rt_in in;
	struct rt_csv csv;
	char why[96];		/* reason text built for a bad record */
	int at_eof;		/* CSV: rt_csv_finish done */
	/* After rt_src_next returns -1: */
	const char *errname;
	int err;
};

void rt_src_init(struct rt_src *s, char *const *paths, int npaths,
    enum rt_fmt fmt, size_t max);
void rt_src_release(struct rt_src *s);

/*
 * The next record: 1, or 0 when every operand is done.  -1 means an
 * operand could not be opened or read (s->errname, s->err): it is
 * skipped, and the next call goes on with the following one.  With
 * s->nowait set, RT_IN_AGAIN when a read would block.  NDJSON lines of
 * blanks and empty CSV/TSV lines are not records (a CSV line of spaces
 * is).  Lines end at "\n", "\r\n" or a lone "\r" (rtio.h).  A record
 * with r->bad set must be rejected by the caller.
 */
int rt_src_next(struct rt_src *s, struct rt_rec *r);

/* The file descriptor being read, or -1 (for poll loops). */
int rt_src_fd(const struct rt_src *s);

/* The NDJSON bytes read but not handed out yet, after the last record
 * (none for CSV and TSV): a hint for prefetching what the next records
 * will touch, never a record.  Valid until the next rt_src_next. */
size_t rt_src_ahead(const struct rt_src *s, const char **p);

#endif
