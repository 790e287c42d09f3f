/*
 * buf.h - a growable byte buffer, the scratch space of every record built.
 * Reused across records: clearing keeps the storage, so the steady state
 * does not allocate.
 */
#ifndef RT_BUF_H
#define RT_BUF_H

#include <stddef.h>
#include <string.h>

struct rt_buf {
	char *p;	/* owned storage; NULL until the first append */
	size_t len;	/* bytes in use */
	size_t cap;	/* bytes allocated */
};

#define RT_BUF_INIT { NULL, 0, 0 }

void rt_buf_init(struct rt_buf *b);
/* Free the storage; the buffer can be reused after rt_buf_init. */
void rt_buf_release(struct rt_buf *b);
/* Make room for extra more bytes (never fails: out of memory exits). */
void rt_buf_grow(struct rt_buf *b, size_t extra);
/* Append printf-formatted text. */
void rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append the decimal text of a signed or unsigned 64-bit integer. */
void rt_buf_addi(struct rt_buf *b, long long v);
void rt_buf_addu(struct rt_buf *b, unsigned long long v);
/* A NUL-terminated view of the contents (the NUL is not counted in len). */
const char *rt_buf_cstr(struct rt_buf *b);
/* Append everything fd holds until end of file.  0, or -1 with errno
 * (what was read stays appended). */
int rt_buf_read_fd(struct rt_buf *b, int fd);

/* Are a[0, n) and b[0, n) the same bytes?  For the short keys and values
 * records are made of, inline words beat a call to memcmp. */
static inline int
rt_bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	/* Whole words, the last one overlapping the one before: no byte
	 * loop for the tail. */
	if (n >= 8) {
		unsigned long long u, v;

		while (n > 8) {
			memcpy(&u, x, 8);
			memcpy(&v, y, 8);
			if (u != v)
				return 0;
			x += 8;
			y += 8;
			n -= 8;
		}
		memcpy(&u, x + n - 8, 8);
		memcpy(&v, y + n - 8, 8);
		return u == v;
	}
	if (n >= 4) {
		unsigned u0, v0, u1, v1;

		memcpy(&u0, x, 4);
		memcpy(&v0, y, 4);
		memcpy(&u1, x + n - 4, 4);
		memcpy(&v1, y + n - 4, 4);
		return u0 == v0 && u1 == v1;
	}
	if (n >= 2) {
		unsigned short u0, v0, u1, v1;

		memcpy(&u0, x, 2);
		memcpy(&v0, y, 2);
		memcpy(&u1, x + n - 2, 2);
		memcpy(&v1, y + n - 2, 2);
		return u0 == v0 && u1 == v1;
	}
	return n == 0 || x[0] == y[0];
}

static inline void
rt_buf_reserve(struct rt_buf *b, size_t extra)
{
	if (b->cap - b->len < extra)
		rt_buf_grow(b, extra);
}

static inline void
rt_buf_add(struct rt_buf *b, const void *p, size_t n)
{
	rt_buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void
rt_buf_addc(struct rt_buf *b, char c)
{
	rt_buf_reserve(b, 1);
	b->p[b->len++] = c;
}

static inline void
rt_buf_adds(struct rt_buf *b, const char *s)
{
	rt_buf_add(b, s, strlen(s));
}

static inline void
rt_buf_clear(struct rt_buf *b)
{
	b->len = 0;
}

#endif
