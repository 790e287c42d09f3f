/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <unistd.h>

#include "mem.h"

void
rt_buf_init(struct rt_buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void
rt_buf_release(struct rt_buf *b)
{
	free(b->p);
	rt_buf_init(b);
}

void
rt_buf_grow(struct rt_buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 256;

	if (extra > (size_t)-1 / 2 - b->len)
		rt_oom();
	while (cap - b->len < extra + 1)	/* +1: room for rt_buf_cstr */
		cap *= 2;
	b->p = rt_xrealloc(b->p, cap);
	b->cap = cap;
}

void
rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	rt_buf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		rt_buf_reserve(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
rt_buf_addu(struct rt_buf *b, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rt_buf_add(b, tmp + i, sizeof tmp - i);
}

void
rt_buf_addi(struct rt_buf *b, long long v)
{
	if (v < 0) {
		rt_buf_addc(b, '-');
		rt_buf_addu(b, 0ULL - (unsigned long long)v);
	} else {
		rt_buf_addu(b, (unsigned long long)v);
	}
}

const char *
rt_buf_cstr(struct rt_buf *b)
{
	rt_buf_reserve(b, 1);
	b->p[b->len] = '\0';
	return b->p;
}

int
rt_buf_read_fd(struct rt_buf *b, int fd)
{
	ssize_t r;

	for (;;) {
		rt_buf_reserve(b, 65536);
		r = read(fd, b->p + b->len, b->cap - b->len);
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->len += (size_t)r;
	}
}
