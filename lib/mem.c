/*
 * mem.c - allocation that cannot fail (see mem.h, rtpipe(7) EXIT STATUS).
 */
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

void *
rt_xaligned(size_t align, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		rt_oom();
	if (posix_memalign(&p, align, n * size > 0 ? n * size : 1) != 0)
		rt_oom();
	return p;
}

void *
rt_xtable(size_t n, size_t size)
{
	const size_t huge = 2 * 1024 * 1024;
	void *p;

	if (size && n > SIZE_MAX / size)
		rt_oom();
	if (n * size < huge)
		return rt_xaligned(64, n, size);
	p = rt_xaligned(huge, (n * size + huge - 1) / huge, huge);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, (n * size + huge - 1) / huge * huge, MADV_HUGEPAGE);
#endif
	return p;
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
