/*
 * reject.h - the reject stream: one JSON object per record a tool could
 * not handle, with the reason and the original bytes, or (without
 * --reject) one diagnostic line per reject on standard error, never with
 * the record's content.  rtpipe(7), "Rejects".
 */
#ifndef RT_REJECT_H
#define RT_REJECT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "rtio.h"

/*
 * A reason may name record keys between RT_REJ_KEY and RT_REJ_KEYEND
 * ("duplicate key " RT_REJ_KEY "'%s' " RT_REJ_KEYEND "(member 3)"): the
 * reject file keeps the text without the marks, a diagnostic on standard
 * error leaves it out unless verbose (a record's keys can be data too:
 * card numbers, e-mail addresses).  Inside the marks, RT_REJ_KEYALT
 * starts what a diagnostic shows instead ("/" RT_REJ_KEY "4111"
 * RT_REJ_KEYALT "<member 2>" RT_REJ_KEYEND).
 */
#define RT_REJ_KEY "\001"
#define RT_REJ_KEYALT "\003"
#define RT_REJ_KEYEND "\002"

/* Kinds of reject told apart for the diagnostics' limit. */
#define RT_REJ_KINDS 32

struct rt_rej_kind {
	uint64_t hash;		/* of the reason without its digits */
	uint64_t n;		/* rejects of this kind */
	char reason[80];	/* the first one's reason, cut */
};

struct rt_rej {
	const char *tool;
	int tofile;		/* 1: JSON objects to out; 0: diagnostics */
	int verbose;		/* diagnostics name record keys */
	struct rt_out out;
	struct rt_buf line;	/* scratch */
	struct rt_buf why;	/* scratch: a reason, marks resolved */
	uint64_t n;		/* rejects so far */
	/* Diagnostics: the first `limit` of each kind are printed, the
	 * others counted for rt_rej_summary (0: print all). */
	uint64_t limit;
	struct rt_rej_kind kind[RT_REJ_KINDS + 1];	/* the last: others */
	int nkind;
};

/* Rejects go to path (created or truncated; "-" is standard output is not
 * allowed: the caller checks), or to diagnostics when path is NULL.
 * Returns 0, or -1 with errno when path cannot be created. */
int rt_rej_open(struct rt_rej *r, const char *tool, const char *path);

/*
 * Reject one record.  source and line say where it came from; reason is a
 * short text without record content ("amount: cannot parse number");
 * raw[0, rawlen) is the original record.  extra, when not NULL, is more
 * JSON members to add to the reject object (",\"errors\":[...]").  The
 * reject object is:
 *   {"tool":T,"source":S,"line":N,"reason":R,"raw":"..."<extra>}
 * and, when raw is not valid UTF-8, also "raw_base64" with the exact
 * bytes.  Returns 0, or -1 when writing the reject file failed (errno in
 * r->out.err).
 */
int rt_rej_put(struct rt_rej *r, const char *source, uint64_t line,
    const char *reason, const char *raw, size_t rawlen, const char *extra,
    size_t extralen);

/* Without a reject file: one line on standard error for each kind of
 * reject whose diagnostics were cut by the limit, with the count. */
void rt_rej_summary(struct rt_rej *r);

/* Were any diagnostics left out by the limit? */
int rt_rej_cut(const struct rt_rej *r);

/* Flush the reject file (before blocking).  0 or -1. */
int rt_rej_flush(struct rt_rej *r);
/* Flush and close.  0, or -1 if anything written was lost. */
int rt_rej_close(struct rt_rej *r);

/* Append the standard base64 encoding of p[0, n). */
void rt_base64(struct rt_buf *b, const void *p, size_t n);

#endif
