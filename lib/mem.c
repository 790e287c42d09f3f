/*
 * mem.c - allocation that cannot fail (see mem.h, rtpipe(7) EXIT STATUS).
 */
#ifdef __linux__
#define _GNU_SOURCE	/* mremap */
#endif
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *rt_progname = "rtpipe";

void
rt_oom(void)
{
	static const char msg[] = ": out of memory\n";

	/* Plain write(2): stdio itself may need memory.  Nothing to do if
	 * even this fails. */
	if (write(STDERR_FILENO, rt_progname, strlen(rt_progname)) >= 0 &&
	    write(STDERR_FILENO, msg, sizeof msg - 1) >= 0)
		_exit(2);
	_exit(2);
}

void *
rt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		rt_oom();
	return p;
}

/* n elements of size bytes at an address aligned to align (a power of
 * two, at least sizeof(void *)); freed with free(). */
static void *
rt_xaligned(size_t align, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		rt_oom();
	if (posix_memalign(&p, align, n * size > 0 ? n * size : 1) != 0)
		rt_oom();
	return p;
}

#define HUGE_PAGE ((size_t)2 * 1024 * 1024)

static size_t
table_bytes(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size - HUGE_PAGE)
		rt_oom();
	return n * size;
}

#if defined(__linux__) && defined(MREMAP_MAYMOVE)
static int
table_mapped(size_t bytes)
{
	return bytes >= HUGE_PAGE;
}

static void *
table_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		rt_oom();
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}
#else
static int
table_mapped(size_t bytes)
{
	(void)bytes;
	return 0;
}
#endif

void *
rt_xtable(size_t n, size_t size)
{
	size_t bytes = table_bytes(n, size);

#if defined(__linux__) && defined(MREMAP_MAYMOVE)
	if (table_mapped(bytes))
		return table_map(bytes);	/* zeroed by the kernel */
#endif
	return rt_xaligned(64, n, size);
}

void *
rt_xtable_grow(void *p, size_t oldn, size_t n, size_t size)
{
	size_t ob = table_bytes(oldn, size), nb = table_bytes(n, size);
	unsigned char *q;

#if defined(__linux__) && defined(MREMAP_MAYMOVE)
	if (table_mapped(ob)) {
		q = mremap(p, ob, nb, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			rt_oom();
#ifdef MADV_HUGEPAGE
		(void)madvise(q, nb, MADV_HUGEPAGE);
#endif
		return q;	/* the new pages read as zeros */
	}
#endif
	q = rt_xtable(n, size);
	if (ob)
		memcpy(q, p, ob);
	if (!table_mapped(nb))
		memset(q + ob, 0, nb - ob);
	rt_table_free(p, oldn, size);
	return q;
}

void
rt_table_free(void *p, size_t n, size_t size)
{
	if (p == NULL)
		return;
	if (table_mapped(n * size))
		(void)munmap(p, n * size);
	else
		free(p);
}

void *
rt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		rt_oom();
	return p;
}

void *
rt_xrealloc(void *p, size_t n)
{
	void *q;

	if (n == 0) {
		free(p);
		return NULL;
	}
	q = realloc(p, n);
	if (q == NULL)
		rt_oom();
	return q;
}

void *
rt_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		rt_oom();
	return rt_xrealloc(p, n * size);
}

char *
rt_xstrdup(const char *s)
{
	return rt_xmemdup(s, strlen(s));
}

char *
rt_xmemdup(const void *p, size_t n)
{
	char *s = rt_xmalloc(n + 1);

	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
