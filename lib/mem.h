/*
 * mem.h - allocation that cannot fail: out of memory ends the process.
 * The one place where the library exits (status 2), as rtpipe(7) says.
 */
#ifndef RT_MEM_H
#define RT_MEM_H

#include <stddef.h>

/* Name used in the out-of-memory message; tools set it to their own name. */
extern const char *rt_progname;

/* Like malloc/calloc/realloc/strdup, but never return NULL: on failure they
 * print "<progname>: out of memory" and exit(2).  rt_xrealloc(p, 0) frees p
 * and returns NULL. */
void *rt_xmalloc(size_t n);
void *rt_xcalloc(size_t n, size_t size);
void *rt_xrealloc(void *p, size_t n);
/* Resize an array of n elements of size bytes, checking the product. */
void *rt_xreallocarray(void *p, size_t n, size_t size);
/* n elements of size bytes at an address aligned to align (a power of
 * two, at least sizeof(void *)); freed with free(). */
void *rt_xaligned(size_t align, size_t n, size_t size);
/* The same with align 64 for tables that may grow large: from 2 MiB on,
 * aligned to 2 MiB and marked for transparent huge pages, so that random
 * lookups in them do not miss the TLB on every one. */
void *rt_xtable(size_t n, size_t size);
char *rt_xstrdup(const char *s);
/* A NUL-terminated copy of n bytes at p. */
char *rt_xmemdup(const void *p, size_t n);

/* Report out of memory and exit(2). */
void rt_oom(void) __attribute__((noreturn));

#endif
