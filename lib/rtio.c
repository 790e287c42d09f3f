/*
 * rtio.c - line reader over read(2) and buffered writer (see rtio.h).
 */
#ifdef __linux__
#define _GNU_SOURCE	/* F_SETPIPE_SZ */
#endif
#include "rtio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"

#define IN_CHUNK (128 * 1024)

/*
 * Reading ahead: a thread reads a regular file into a ring of blocks
 * while the records of the block before are worked on, and in_fill
 * copies out of the blocks instead of calling read(2).  The copy out of
 * the page cache (the bulk of reading a file) then runs on another core,
 * and the copy from the block, which the other core has just written,
 * comes from the shared cache.  Files are read to their end as read(2)
 * reads them (a file that grows meanwhile is read on, up to the end the
 * thread meets); pipes and terminals are read in place, where a read may
 * block and output must be flushed first.
 */
#define AHEAD_MIN ((int64_t)4 * 1024 * 1024)	/* files smaller: no thread */
#define AHEAD_BLOCK (256 * 1024)
#define AHEAD_BLOCKS 4

struct rt_ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	int fd;
	char *block[AHEAD_BLOCKS];
	ssize_t len[AHEAD_BLOCKS];	/* bytes in a filled block; 0: end
					 * of file, -1: error (errno in err) */
	int err[AHEAD_BLOCKS];
	unsigned head, count;	/* the block being copied out; filled */
	size_t off;		/* bytes of the head block copied out */
	int stop;		/* the reader is asked to stop */
	int nothread;		/* none could be started: read(2) it is */
};

static void *
ahead_run(void *arg)
{
	struct rt_ahead *a = arg;
	unsigned tail = 0;

	for (;;) {
		ssize_t n;
		int err = 0;

		pthread_mutex_lock(&a->mu);
		while (a->count == AHEAD_BLOCKS && !a->stop)
			pthread_cond_wait(&a->emptied, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		pthread_mutex_unlock(&a->mu);
		do
			n = read(a->fd, a->block[tail], AHEAD_BLOCK);
		while (n == -1 && errno == EINTR);
		if (n == -1)
			err = errno;
		pthread_mutex_lock(&a->mu);
		a->len[tail] = n;
		a->err[tail] = err;
		a->count++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->mu);
		if (n <= 0)
			break;
		tail = (tail + 1) % AHEAD_BLOCKS;
	}
	return NULL;
}

/* Start reading ahead (nothread set when no thread could be started).
 * Signals stay with the main thread. */
static struct rt_ahead *
ahead_start(int fd)
{
	struct rt_ahead *a = rt_xcalloc(1, sizeof *a);
	sigset_t all, old;
	int i, r;

	a->fd = fd;
	for (i = 0; i < AHEAD_BLOCKS; i++)
		a->block[i] = rt_xmalloc(AHEAD_BLOCK);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->emptied, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&a->th, NULL, ahead_run, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	a->nothread = r != 0;
	return a;
}

static void
ahead_stop(struct rt_ahead *a)
{
	int i;

	if (!a->nothread) {
		pthread_mutex_lock(&a->mu);
		a->stop = 1;
		pthread_cond_signal(&a->emptied);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
	}
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->emptied);
	for (i = 0; i < AHEAD_BLOCKS; i++)
		free(a->block[i]);
	free(a);
}

/* read(2) from the blocks: up to room bytes to dst. */
static ssize_t
ahead_read(struct rt_ahead *a, char *dst, size_t room)
{
	ssize_t len;
	size_t n;

	pthread_mutex_lock(&a->mu);
	while (a->count == 0)
		pthread_cond_wait(&a->filled, &a->mu);
	pthread_mutex_unlock(&a->mu);
	/* The head block is ours until it is handed back. */
	len = a->len[a->head];
	if (len <= 0) {
		errno = a->err[a->head];
		return len;	/* stays: every later read sees it too */
	}
	n = (size_t)len - a->off;
	if (n > room)
		n = room;
	memcpy(dst, a->block[a->head] + a->off, n);
	a->off += n;
	if (a->off == (size_t)len) {
		a->off = 0;
		a->head = (a->head + 1) % AHEAD_BLOCKS;
		pthread_mutex_lock(&a->mu);
		a->count--;
		pthread_cond_signal(&a->emptied);
		pthread_mutex_unlock(&a->mu);
	}
	return (ssize_t)n;
}

int
rt_in_open(struct rt_in *in, const char *path, size_t max)
{
	struct stat st;

	memset(in, 0, sizeof *in);
	if (path == NULL || strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = "stdin";
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd == -1)
			return -1;
		in->owned = 1;
		in->name = path;
	}
	if (fstat(in->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rt_in_close(in);
			errno = EISDIR;
			return -1;
		}
		in->regular = S_ISREG(st.st_mode);
		in->size = in->regular ? (int64_t)st.st_size : 0;
	}
	in->max = max ? max : RT_MAX_RECORD_DEFAULT;
	in->cap = IN_CHUNK;
	in->buf = rt_xmalloc(in->cap + RT_IN_PAD);
	in->at_start = 1;
	return 0;
}

void
rt_in_close(struct rt_in *in)
{
	if (in->ahead)
		ahead_stop(in->ahead);
	in->ahead = NULL;
	if (in->owned && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	free(in->buf);
	free(in->keep);
	in->buf = NULL;
	in->keep = NULL;
}

/* Would a read block right now?  Regular files never do. */
static int
in_would_block(struct rt_in *in)
{
	struct pollfd pfd;

	if (in->regular)
		return 0;
	pfd.fd = in->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 0;
}

/* Make room after end: slide unread bytes to the front, grow up to the
 * line limit.  Returns the free space. */
static size_t
in_make_room(struct rt_in *in)
{
	size_t unread = in->end - in->start;

	if (in->start > 0 && (in->cap - in->end < IN_CHUNK / 4 || unread == 0)) {
		memmove(in->buf, in->buf + in->start, unread);
		in->start = 0;
		in->end = unread;
	}
	if (in->end == in->cap && in->cap < in->max + 2) {
		size_t cap = in->cap * 2;

		if (cap > in->max + 2)
			cap = in->max + 2;	/* the line, "\r\n" */
		in->buf = rt_xrealloc(in->buf, cap + RT_IN_PAD);
		in->cap = cap;
		memset(in->buf + in->end, 0, RT_IN_PAD);
	}
	return in->cap - in->end;
}

/* Read once into the buffer.  Returns bytes read, 0 at EOF, -1 error,
 * -2 when nowait and no data is ready. */
static ssize_t
in_fill(struct rt_in *in)
{
	size_t room = in_make_room(in);
	ssize_t n;

	if (room == 0)
		return -3;	/* caller handles a full buffer */
	for (;;) {
		if (in_would_block(in)) {
			if (in->idle)
				in->idle(in->idle_arg);
			if (in->nowait)
				return -2;
		}
		if (in->ahead == NULL && in->regular && in->size >= AHEAD_MIN)
			in->ahead = ahead_start(in->fd);
		if (in->ahead && !in->ahead->nothread)
			n = ahead_read(in->ahead, in->buf + in->end, room);
		else
			n = read(in->fd, in->buf + in->end, room);
		if (n >= 0)
			break;
		if (errno == EINTR) {
			if (in->idle)
				in->idle(in->idle_arg);
			continue;
		}
		if (errno == EAGAIN) {
			/* Someone made our input non-blocking: wait here. */
			struct pollfd pfd = { in->fd, POLLIN, 0 };

			if (in->nowait)
				return -2;
			poll(&pfd, 1, -1);
			continue;
		}
		in->err = errno;
		return -1;
	}
	in->end += (size_t)n;
	/* Word-at-a-time scanners may read past a line's end: keep the bytes
	 * after the data defined. */
	memset(in->buf + in->end, 0, RT_IN_PAD);
	return n;
}

/* The unread bytes before start moved on by n: the line ends found
 * after them stay found. */
static void
in_consume(struct rt_in *in, size_t n)
{
	in->start += n;
	if (in->nlat >= n) {
		in->nlat -= n;
	} else {
		in->nlat = 0;
		in->nlfound = 0;
	}
	if (in->crat >= n) {
		in->crat -= n;
	} else {
		in->crat = 0;
		in->crfound = 0;
	}
}

/* Forget what is known of the unread bytes (they were replaced). */
static void
in_forget(struct rt_in *in)
{
	in->nlat = in->crat = 0;
	in->nlfound = in->crfound = 0;
}

static void
in_skip_bom(struct rt_in *in)
{
	static const char bom[] = "\xEF\xBB\xBF";
	size_t have = in->end - in->start;

	if (have >= 3 || in->eof) {
		if (have >= 3 && memcmp(in->buf + in->start, bom, 3) == 0)
			in_consume(in, 3);
		in->at_start = 0;
	}
}

/* The first ch in the unread bytes at or after *at (searched once: what
 * is known is kept in *at and *found).  Returns its offset from start,
 * or the unread length when there is none. */
static size_t
in_find(const struct rt_in *in, char ch, size_t *at, int *found)
{
	const char *p = in->buf + in->start;
	size_t have = in->end - in->start;

	if (!*found && *at < have) {
		const char *q = memchr(p + *at, ch, have - *at);

		*found = q != NULL;
		*at = q ? (size_t)(q - p) : have;
	}
	return *found ? *at : have;
}

/*
 * The end of the first unread line: 1 with its length (terminator
 * excluded) in *len and the terminator's in *tlen, or 0 when the bytes
 * read so far hold no line end.  "\n", "\r\n" and a lone "\r" end lines;
 * a "\r" that is the last byte read ends one only at end of input (a "\n"
 * may follow).  Each byte is searched once for each of the two, however
 * many lines the buffer holds.
 */
static int
in_find_eol(struct rt_in *in, size_t *len, size_t *tlen)
{
	size_t have = in->end - in->start;
	size_t nl = in_find(in, '\n', &in->nlat, &in->nlfound);
	size_t cr = in_find(in, '\r', &in->crat, &in->crfound);

	if (cr < nl && (cr + 1 < nl || (nl == have && in->eof))) {
		*len = cr;	/* a lone CR */
		*tlen = 1;
		return 1;
	}
	if (nl == have)
		return 0;
	*len = nl - (cr + 1 == nl);
	*tlen = nl + 1 - *len;
	return 1;
}

/* Hand out buf[start, start + len) as a line, its terminator of tlen
 * bytes after it. */
static void
in_emit(struct rt_in *in, struct rt_line *l, size_t len, size_t tlen)
{
	l->p = in->buf + in->start;
	l->len = len;
	l->rawlen = len + tlen;
	l->lineno = ++in->lineno;
	l->fulllen = len;
	l->overlong = 0;
	in_consume(in, len + tlen);
	/* A line that fit in the buffer may still be over the limit (the
	 * buffer is larger than a small max, and holds max + 2 bytes). */
	if (len > in->max) {
		l->overlong = 1;
		if (l->len > RT_OVERLONG_KEEP)
			l->len = RT_OVERLONG_KEEP;
		l->rawlen = l->len;
	}
}

/* Keep the first bytes of an overlong line (n bytes at start) for its
 * reject. */
static void
in_keep_prefix(struct rt_in *in, size_t n)
{
	if (in->keep == NULL)
		in->keep = rt_xmalloc(RT_OVERLONG_KEEP + RT_IN_PAD);
	in->keeplen = n < RT_OVERLONG_KEEP ? n : RT_OVERLONG_KEEP;
	memcpy(in->keep, in->buf + in->start, in->keeplen);
	memset(in->keep + in->keeplen, 0, RT_IN_PAD);
}

/* Add the line's next n bytes, at start, to its kept prefix while it is
 * short of RT_OVERLONG_KEEP: the prefix is the line's first bytes
 * whatever the reads brought in at a time. */
static void
in_keep_more(struct rt_in *in, size_t n)
{
	size_t k = RT_OVERLONG_KEEP - in->keeplen;

	if (k > n)
		k = n;
	memcpy(in->keep + in->keeplen, in->buf + in->start, k);
	in->keeplen += k;
	memset(in->keep + in->keeplen, 0, RT_IN_PAD);
}

/* Hand out the kept prefix of an overlong line of full bytes (its
 * terminator excluded). */
static void
in_emit_overlong(struct rt_in *in, struct rt_line *l, size_t full)
{
	if (in->keeplen > full)
		in->keeplen = full;	/* a kept '\r' was the terminator's */
	l->p = in->keep;
	l->len = in->keeplen;
	l->rawlen = in->keeplen;
	l->fulllen = full;
	l->overlong = 1;
	l->lineno = ++in->lineno;
}

/* Drop the unread bytes of the line being skipped, except a last '\r',
 * which may begin the "\r\n" ending it.  Returns the bytes dropped. */
static size_t
in_drop(struct rt_in *in)
{
	size_t n = in->end - in->start;
	int cr = n > 0 && in->buf[in->end - 1] == '\r';

	in_keep_more(in, n - (size_t)cr);
	in->buf[0] = '\r';
	in->start = 0;
	in->end = (size_t)cr;
	in_forget(in);
	return n - (size_t)cr;
}

/* Start discarding an overlong line, keeping a prefix for its reject. */
static void
in_begin_skip(struct rt_in *in)
{
	in_keep_prefix(in, 0);
	in->skiplen = in_drop(in);
	in->skipping = 1;
}

/* While skipping: look for the end of the overlong line. */
static int
in_skip(struct rt_in *in, struct rt_line *l)
{
	size_t len, tlen;

	if (!in_find_eol(in, &len, &tlen)) {
		if (!in->eof) {
			in->skiplen += in_drop(in);
			return 0;
		}
		len = in->end - in->start;
		tlen = 0;
	}
	in->skiplen += len;
	in_keep_more(in, len);
	in_consume(in, len + tlen);
	in->skipping = 0;
	in_emit_overlong(in, l, in->skiplen);
	return 1;
}

/* Cut the next line out of what is buffered: 1 when *l holds one, 0 when
 * more must be read first. */
static int
in_cut(struct rt_in *in, struct rt_line *l)
{
	size_t have = in->end - in->start, len, tlen;

	if (in_find_eol(in, &len, &tlen)) {
		if (len <= in->max) {
			in_emit(in, l, len, tlen);
			return 1;
		}
		/* Too long, though it came in whole. */
		in_keep_prefix(in, len);
		in_consume(in, len + tlen);
		in_emit_overlong(in, l, len);
		return 1;
	}
	if (have > in->max + 1 || (have == in->max + 1 &&
	    in->buf[in->end - 1] != '\r')) {
		in_begin_skip(in);
		return 0;
	}
	if (in->eof && have > 0) {
		in_emit(in, l, have, 0);
		return 1;
	}
	return 0;
}

int
rt_in_next(struct rt_in *in, struct rt_line *l)
{
	for (;;) {
		ssize_t r;

		/* Skip the BOM before measuring what is unread: it moves
		 * start. */
		if (in->at_start)
			in_skip_bom(in);
		if (!in->at_start) {
			int skipping = in->skipping;

			if (skipping ? in_skip(in, l) : in_cut(in, l))
				return RT_IN_LINE;
			if (!skipping && in->skipping)
				continue;	/* in_cut began skipping */
		}
		if (in->eof)
			return RT_IN_EOF;
		r = in_fill(in);
		if (r == 0)
			in->eof = 1;
		else if (r == -1)
			return RT_IN_ERR;
		else if (r == -2)
			return RT_IN_AGAIN;
		else if (r == -3)
			in_begin_skip(in);
	}
}

/*
 * A pipe between two stages holds 64 KiB by default: a fast writer fills
 * it in a few hundred records and both sides switch at every fill.  A
 * larger pipe (up to the unprivileged limit, /proc/sys/fs/pipe-max-size)
 * lets each stage run longer per wakeup.  Latency does not change: output
 * is still flushed before any read that could block.
 */
static void
pipe_widen(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#else
	(void)fd;
#endif
}

void
rt_out_init(struct rt_out *o, int fd, const char *name)
{
	memset(o, 0, sizeof *o);
	o->fd = fd;
	o->name = name;
	o->cap = RT_OUT_BUFSIZE;
	o->buf = rt_xmalloc(o->cap);
	pipe_widen(fd);
}

int
rt_out_open(struct rt_out *o, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd == -1)
		return -1;
	rt_out_init(o, fd, path);
	o->owned = 1;
	return 0;
}

static int
out_write_all(struct rt_out *o, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { o->fd, POLLOUT, 0 };

				poll(&pfd, 1, -1);
				continue;
			}
			o->err = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
rt_out_flush(struct rt_out *o)
{
	if (o->err) {
		o->len = 0;
		return -1;
	}
	if (o->len == 0)
		return 0;
	if (out_write_all(o, o->buf, o->len) == -1) {
		o->len = 0;
		return -1;
	}
	o->len = 0;
	return 0;
}

int
rt_out_write(struct rt_out *o, const void *p, size_t n)
{
	if (o->err)
		return -1;
	if (n <= o->cap - o->len) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return 0;
	}
	if (rt_out_flush(o) == -1)
		return -1;
	if (n >= o->cap / 2)
		return out_write_all(o, p, n);
	memcpy(o->buf, p, n);
	o->len = n;
	return 0;
}

char *
rt_out_reserve(struct rt_out *o, size_t n)
{
	if (o->err || n > o->cap / 2)
		return NULL;
	if (n > o->cap - o->len && rt_out_flush(o) == -1)
		return NULL;
	return o->buf + o->len;
}

void
rt_out_commit(struct rt_out *o, size_t n)
{
	o->len += n;
}

int
rt_out_end(struct rt_out *o)
{
	if (o->err)
		return -1;
	return o->unbuffered ? rt_out_flush(o) : 0;
}

int
rt_out_close(struct rt_out *o)
{
	int r = rt_out_flush(o);

	if (o->owned && o->fd >= 0) {
		if (close(o->fd) == -1 && r == 0) {
			o->err = errno;
			r = -1;
		}
		o->fd = -1;
	}
	free(o->buf);
	o->buf = NULL;
	o->cap = o->len = 0;
	return r;
}
