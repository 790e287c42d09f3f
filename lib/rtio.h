/*
 * rtio.h - record input and output: a line reader that hands out views into
 * one large buffer, and a buffered writer that checks every write.
 * Buffering and flushing rules are in rtpipe(7), "Buffering".
 */
#ifndef RT_RTIO_H
#define RT_RTIO_H

#include <stddef.h>
#include <stdint.h>

/* Bytes readable past the end of any line view (for word-at-a-time scans). */
#define RT_IN_PAD 64
/* Default longest line, --max-record-bytes. */
#define RT_MAX_RECORD_DEFAULT (1024 * 1024)
/* How much of an overlong line is kept for its reject. */
#define RT_OVERLONG_KEEP 4096

/* One physical line: it ends at "\n", "\r\n" or a lone "\r" (old Mac
 * files), or at the end of the input.  p is valid until the next call to
 * rt_in_next. */
struct rt_line {
	const char *p;		/* first byte; BOM already skipped */
	size_t len;		/* bytes before the "\n", "\r\n" or "\r" */
	size_t rawlen;		/* len plus the terminator's bytes (0, 1 or 2) */
	uint64_t lineno;	/* 1-based physical line number */
	size_t fulllen;		/* overlong lines: the whole length; else len */
	int overlong;		/* 1: longer than max; p holds only a prefix */
};

enum {
	RT_IN_ERR = -1,		/* read error, errno in err */
	RT_IN_EOF = 0,
	RT_IN_LINE = 1,
	RT_IN_AGAIN = 2		/* nowait mode: a read would block */
};

struct rt_in {
	int fd;
	int owned;		/* close fd in rt_in_close */
	int regular;		/* a regular file: reads never block */
	const char *name;	/* "stdin" or the path, for messages (borrowed) */
	char *buf;		/* owned; unread bytes are buf[start, end) */
	size_t cap, start, end;
	/* The first '\n' and the first '\r' in the unread bytes, as offsets
	 * from start; while not found (nlfound, crfound 0), the bytes from
	 * start known to hold none. */
	size_t nlat, crat;
	int nlfound, crfound;
	size_t max;		/* longest line accepted */
	uint64_t lineno;
	int eof;
	int err;		/* errno of a failed read */
	int at_start;		/* the BOM check is still due */
	int skipping;		/* discarding the rest of an overlong line */
	char *keep;		/* prefix of the overlong line (owned) */
	size_t keeplen, skiplen;
	/* Called before a read that could block (flush output there), and
	 * after a read interrupted by a signal. */
	void (*idle)(void *arg);
	void *idle_arg;
	int nowait;		/* return RT_IN_AGAIN instead of blocking */
	/* A regular file of some size is read ahead by a thread (rtio.c),
	 * so that the copies out of the page cache run beside the work on
	 * the records; NULL: read(2) in place. */
	struct rt_ahead *ahead;
	int64_t size;		/* regular file: its size when opened */
};

/* Open path for reading ("-" or NULL: standard input).  max is the longest
 * line accepted (0: the default).  Returns 0, or -1 with errno set. */
int rt_in_open(struct rt_in *in, const char *path, size_t max);
/* Release the buffer and close the file (standard input stays open). */
void rt_in_close(struct rt_in *in);
/* Next line into *l.  Returns RT_IN_LINE, RT_IN_EOF, RT_IN_ERR (in->err),
 * or RT_IN_AGAIN in nowait mode.  An overlong line comes back with
 * l->overlong set and a prefix of at most RT_OVERLONG_KEEP bytes; reading
 * resumes at the next line, in memory bounded by max.  A last line without
 * a terminator is returned; a UTF-8 BOM at the start of the stream is
 * skipped.  A "\r" not followed by "\n" ends a line as "\n" does.
 * Bytes p[len .. len + RT_IN_PAD) may be read (not written) safely. */
int rt_in_next(struct rt_in *in, struct rt_line *l);

/* The buffered writer. */
struct rt_out {
	int fd;
	int owned;		/* close fd in rt_out_close */
	const char *name;	/* "stdout" or the path, for messages */
	char *buf;
	size_t len, cap;
	int unbuffered;		/* flush at the end of every record */
	int err;		/* errno of the first failed write; sticky */
};

#define RT_OUT_BUFSIZE (128 * 1024)

/* Write to fd (not owned). */
void rt_out_init(struct rt_out *o, int fd, const char *name);
/* Create or truncate path; -1 with errno on failure. */
int rt_out_open(struct rt_out *o, const char *path);
/* Append bytes; returns 0, or -1 once any write has failed (o->err). */
int rt_out_write(struct rt_out *o, const void *p, size_t n);
/* Room for n bytes at the end of the buffer (flushed first if need be),
 * for the caller to write in place and then rt_out_commit; NULL after a
 * failed write, or when n is over half the buffer (use rt_out_write). */
char *rt_out_reserve(struct rt_out *o, size_t n);
void rt_out_commit(struct rt_out *o, size_t n);
/* Write out what is buffered; 0 or -1. */
int rt_out_flush(struct rt_out *o);
/* Mark the end of a record: flushes when unbuffered.  0 or -1. */
int rt_out_end(struct rt_out *o);
/* Flush, close if owned, free.  0, or -1 if any write or the close failed. */
int rt_out_close(struct rt_out *o);

static inline int
rt_out_putc(struct rt_out *o, char c)
{
	if (o->len < o->cap) {
		o->buf[o->len++] = c;
		return 0;
	}
	return rt_out_write(o, &c, 1);
}

#endif
