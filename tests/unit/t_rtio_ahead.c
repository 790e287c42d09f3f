/*
 * t_rtio_ahead.c - the line reader (lib/rtio.c) reading a file ahead in
 * a thread hands out the lines read(2) in place hands out: the same
 * bytes, lengths, line numbers and overlong flags, for files of every
 * kind of line (CRLF, empty, overlong, a BOM, no final newline), and
 * the same end of file.  An overlong line's prefix is the same however
 * the reads fell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtio.h"
#include "tap.h"

static char path[] = "/tmp/t_rtio_ahead.XXXXXX";
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static unsigned
next(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

/* A file of about size bytes of lines of every kind. */
static void
make_file(size_t size, int bom, int final_nl)
{
	FILE *f = fopen(path, "wb");
	size_t n = 0;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	if (bom)
		n += fwrite("\xEF\xBB\xBF", 1, 3, f);
	while (n < size) {
		unsigned kind = next(100);
		size_t len = kind < 2 ? 3000 + next(5000) :	/* overlong */
		    kind < 5 ? 0 : 1 + next(400);
		char buf[8200];

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)('a' + next(26));
		if (kind >= 5 && len > 10)
			buf[next((unsigned)len)] = '\r';	/* inside */
		n += fwrite(buf, 1, len, f);
		if (n >= size && !final_nl)
			break;
		n += fwrite(kind % 7 == 0 ? "\r\n" : "\n", 1,
		    kind % 7 == 0 ? 2 : 1, f);
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* Read the file with and without the thread, line against line.
 * Returns the lines that differ (the line count in *lines). */
static int
compare(size_t max, int *lines, int *threaded)
{
	struct rt_in a, b;
	struct rt_line la, lb;
	int bad = 0, ra, rb;

	*lines = 0;
	if (rt_in_open(&a, path, max) == -1 || rt_in_open(&b, path, max) == -1)
		return -1;
	b.size = 0;		/* small as far as b knows: read in place */
	for (;;) {
		ra = rt_in_next(&a, &la);
		rb = rt_in_next(&b, &lb);
		if (ra != rb) {
			bad++;
			break;
		}
		if (ra != RT_IN_LINE)
			break;
		++*lines;
		if (la.len != lb.len || la.rawlen != lb.rawlen ||
		    la.lineno != lb.lineno || la.fulllen != lb.fulllen ||
		    la.overlong != lb.overlong ||
		    memcmp(la.p, lb.p, la.len) != 0)
			bad++;
		/* An overlong line's prefix is its first bytes, as many as
		 * are kept, however the reads fell. */
		else if (la.overlong && la.len != (la.fulllen < RT_OVERLONG_KEEP ?
		    la.fulllen : RT_OVERLONG_KEEP))
			bad++;
	}
	*threaded = a.ahead != NULL && b.ahead == NULL;
	rt_in_close(&a);
	rt_in_close(&b);
	return bad;
}

int
main(void)
{
	int fd = mkstemp(path), lines, threaded, bad;

	if (fd == -1) {
		perror(path);
		return 2;
	}
	close(fd);
	for (int i = 0; i < 4; i++) {
		make_file((size_t)(5 + 3 * i) * 1024 * 1024, i % 2, i < 2);
		bad = compare(i == 3 ? 1000 : 4096, &lines, &threaded);
		ok(bad == 0 && threaded, "file %d: %d lines read ahead in a "
		    "thread as read(2) reads them (%d differ)", i, lines, bad);
	}
	/* Closed after a few lines: the thread, waiting for room or in a
	 * read, is stopped and joined. */
	{
		struct rt_in in;
		struct rt_line l;
		int n = 0;

		make_file((size_t)8 * 1024 * 1024, 0, 1);
		if (rt_in_open(&in, path, 4096) == -1)
			return 2;
		while (n < 10 && rt_in_next(&in, &l) == RT_IN_LINE)
			n++;
		threaded = in.ahead != NULL;
		rt_in_close(&in);
		ok(n == 10 && threaded, "a file read ahead can be closed "
		    "midway");
	}
	/* A small file is read in place. */
	make_file(100000, 0, 1);
	bad = compare(4096, &lines, &threaded);
	ok(bad == 0 && !threaded, "a small file is read without a thread "
	    "(%d lines, %d differ)", lines, bad);
	unlink(path);
	return done_testing();
}
