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
/*
 * Tables that may grow large (a key map's entries): n elements of size
 * bytes, 64-byte aligned.  From 2 MiB on they are mapped pages marked for
 * transparent huge pages (random lookups in them then do not miss the TLB
 * on every one), and growing one moves its pages instead of copying them:
 * no moment with the old and the new table both in memory.  Growth keeps
 * the contents and zeroes what is added; free with rt_table_free and the
 * same size.
 */
void *rt_xtable(size_t n, size_t size);
void *rt_xtable_grow(void *p, size_t oldn, size_t n, size_t size);
void rt_table_free(void *p, size_t n, size_t size);
char *rt_xstrdup(const char *s);
/* A NUL-terminated copy of n bytes at p. */
char *rt_xmemdup(const void *p, size_t n);

/* Report out of memory and exit(2). */
void rt_oom(void) __attribute__((noreturn));

#endif
