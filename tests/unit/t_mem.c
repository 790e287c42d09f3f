/*
 * t_mem.c - allocation that cannot fail (lib/mem.c): sizes of zero,
 * realloc to zero frees, copies of bytes with NULs; the large tables:
 * 64-byte aligned, grown in place or across the 2 MiB line into mapped
 * pages with their contents kept and what is added zeroed, over a random
 * walk of sizes; and, in child processes, the sizes that overflow: the
 * message "<progname>: out of memory" and exit status 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "tap.h"

static void
test_basic(void)
{
	unsigned char *p, *z;
	char *s;
	int zero = 1;

	p = rt_xmalloc(0);
	ok(p != NULL, "xmalloc(0): a pointer, not NULL");
	free(p);
	z = rt_xcalloc(0, 8);
	ok(z != NULL, "xcalloc(0, 8): a pointer");
	free(z);
	z = rt_xcalloc(1000, 3);
	for (int i = 0; i < 3000; i++)
		zero &= z[i] == 0;
	ok(zero, "xcalloc: zeroed");
	p = rt_xrealloc(NULL, 10);
	memcpy(p, "0123456789", 10);
	p = rt_xrealloc(p, 100000);
	ok(memcmp(p, "0123456789", 10) == 0, "xrealloc keeps the contents");
	ok(rt_xrealloc(p, 0) == NULL, "xrealloc(p, 0) frees p: NULL");
	z = rt_xreallocarray(z, 10, 4);
	ok(z[0] == 0 && z[39] == 0, "xreallocarray: 10 x 4 bytes, kept");
	ok(rt_xreallocarray(z, 0, 4) == NULL && rt_xreallocarray(NULL, 5, 0)
	    == NULL, "xreallocarray to no bytes: freed, NULL");
	s = rt_xmemdup("a\0b", 3);
	ok(memcmp(s, "a\0b", 4) == 0, "xmemdup copies NULs and ends the copy");
	free(s);
	s = rt_xmemdup(NULL, 0);
	ok(s != NULL && s[0] == '\0', "xmemdup of nothing: \"\"");
	free(s);
	s = rt_xstrdup("hello");
	ok(strcmp(s, "hello") == 0, "xstrdup");
	free(s);
}

/* Fill t[from, to) with values that depend on the index. */
static void
fill(uint32_t *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		t[i] = (uint32_t)(i * 2654435761u) | 1;
}

/* t[0, keep) as fill made it, t[keep, n) zero. */
static int
check(const uint32_t *t, size_t keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] != (i < keep ? ((uint32_t)(i * 2654435761u) | 1) : 0))
			return 0;
	return 1;
}

static void
test_table(void)
{
	static const struct {
		size_t from, to;	/* elements of 4 bytes */
		const char *what;
	} t[] = {
		{ 1, 16, "small to small" },
		{ 16, 1000, "small to larger" },
		{ 1000, 600000, "small to mapped (2.4 MB)" },
		{ 600000, 2000000, "mapped to mapped (8 MB)" },
		{ 524288, 524289, "from exactly 2 MiB, one more" },
		{ 524287, 524288, "to exactly 2 MiB" },
		{ 0, 10, "from nothing" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint32_t *p = rt_xtable(t[i].from, 4);

		ok(((uintptr_t)p & 63) == 0, "table of %zu: 64-byte aligned",
		    t[i].from);
		fill(p, 0, t[i].from);
		p = rt_xtable_grow(p, t[i].from, t[i].to, 4);
		ok(((uintptr_t)p & 63) == 0 && check(p, t[i].from, t[i].to),
		    "grow %s: kept, the rest zero, aligned", t[i].what);
		rt_table_free(p, t[i].to, 4);
	}
	rt_table_free(NULL, 10, 4);	/* a no-op (the sanitizers watch) */
}

/* A random walk of sizes up to 1.5M elements, each grown table filled
 * to its end before the next growth. */
static void
test_table_random(void)
{
	uint64_t seed = 31337;
	size_t n = 1 + tap_xorshift(&seed) % 100;
	uint32_t *p = rt_xtable(n, 4);
	int bad = 0, mapped = 0;

	memset(p, 0, n * 4);
	fill(p, 0, n);
	for (int i = 0; i < 40; i++) {
		size_t m = n + 1 + tap_xorshift(&seed) % (n < 700000 ? n * 2 :
		    1000);

		p = rt_xtable_grow(p, n, m, 4);
		if (!check(p, n, m) || ((uintptr_t)p & 63) != 0)
			bad++;
		mapped += m * 4 >= 2 * 1024 * 1024;
		fill(p, n, m);
		n = m;
	}
	ok(bad == 0 && mapped > 0, "40 random growths to %zu elements "
	    "(%d mapped): kept and zeroed", n, mapped);
	rt_table_free(p, n, 4);
}

/* Run f in a child with stderr to a pipe: its exit status and what it
 * wrote. */
static int
child(void (*f)(void), char *out, size_t cap)
{
	int fd[2], st;
	ssize_t r;
	size_t at = 0;
	pid_t pid;

	if (pipe(fd) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 2);
		rt_progname = "t_mem";
		f();
		_exit(0);
	}
	close(fd[1]);
	while (at + 1 < cap && (r = read(fd[0], out + at, cap - 1 - at)) > 0)
		at += (size_t)r;
	out[at] = '\0';
	close(fd[0]);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
oom_array(void)
{
	rt_xreallocarray(NULL, SIZE_MAX / 2, 4);
}

static void
oom_table(void)
{
	rt_xtable(SIZE_MAX / 8, 8);
}

static void
oom_grow(void)
{
	uint64_t *p = rt_xtable(4, 8);

	rt_xtable_grow(p, 4, SIZE_MAX / 16, 16);
}

static void
oom_call(void)
{
	rt_oom();
}

static void
no_oom(void)
{
	free(rt_xreallocarray(NULL, SIZE_MAX / 8, 0));
}

static void
test_oom(void)
{
	static const struct {
		void (*f)(void);
		const char *what;
		int status;
		const char *err;
	} t[] = {
		{ oom_array, "xreallocarray of SIZE_MAX/2 x 4", 2,
		  "t_mem: out of memory\n" },
		{ oom_table, "xtable of SIZE_MAX/8 x 8", 2,
		  "t_mem: out of memory\n" },
		{ oom_grow, "xtable_grow to SIZE_MAX/16 x 16", 2,
		  "t_mem: out of memory\n" },
		{ oom_call, "rt_oom", 2, "t_mem: out of memory\n" },
		{ no_oom, "xreallocarray of many x 0 bytes", 0, "" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int st = child(t[i].f, err, sizeof err);

		ok(st == t[i].status && strcmp(err, t[i].err) == 0,
		    "%s: exit %d", t[i].what, st);
		if (strcmp(err, t[i].err) != 0)
			diag("stderr: '%.*s'", (int)strcspn(err, "\n"), err);
	}
}

int
main(void)
{
	test_basic();
	test_table();
	test_table_random();
	test_oom();
	return done_testing();
}
