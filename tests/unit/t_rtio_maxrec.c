/*
 * t_rtio_maxrec.c - the line reader (lib/rtio.c): --max-record-bytes holds for
 * every line, whether or not it fits in the read buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtio.h"
#include "tap.h"

static char path[] = "/tmp/t_rtio.XXXXXX";

/* Write n bytes of s to the scratch file. */
static void
put(const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(s, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* A line of n 'x' bytes followed by term. */
static char *
line_of(size_t n, const char *term, size_t *len)
{
	size_t t = strlen(term);
	char *s = malloc(n + t + 1);

	if (s == NULL)
		exit(2);
	memset(s, 'x', n);
	memcpy(s + n, term, t + 1);
	*len = n + t;
	return s;
}

/* Read the scratch file with max; report line k's overlong flag and
 * length in *over and *len.  Returns the number of lines. */
static int
scan(size_t max, int k, int *over, size_t *len, size_t *full)
{
	struct rt_in in;
	struct rt_line l;
	int n = 0;

	if (rt_in_open(&in, path, max) == -1)
		return -1;
	while (rt_in_next(&in, &l) == RT_IN_LINE) {
		if (++n == k) {
			*over = l.overlong;
			*len = l.len;
			*full = l.fulllen;
		}
	}
	rt_in_close(&in);
	return n;
}

static void
test_small_max(void)
{
	static const char *terms[] = { "\n", "\r\n", "" };
	size_t i, len, got, full;
	int over, n;
	char *s;

	for (i = 0; i < 3; i++) {
		const char *tn = i == 0 ? "LF" : i == 1 ? "CRLF" : "no newline";

		s = line_of(16, terms[i], &len);
		put(s, len);
		free(s);
		n = scan(16, 1, &over, &got, &full);
		ok(n == 1 && !over && got == 16,
		    "max 16: a 16-byte line (%s) is accepted", tn);
		s = line_of(17, terms[i], &len);
		put(s, len);
		free(s);
		n = scan(16, 1, &over, &got, &full);
		ok(n == 1 && over && got == 17 && full == 17,
		    "max 16: a 17-byte line (%s) is overlong", tn);
	}
	s = line_of(16, "\r", &len);
	put(s, len);
	free(s);
	n = scan(16, 1, &over, &got, &full);
	ok(n == 1 && !over, "max 16: a last line of 16 bytes and a CR is accepted");
	s = line_of(5000, "\nab\n", &len);
	put(s, len);
	free(s);
	n = scan(100, 1, &over, &got, &full);
	ok(n == 2 && over && got == RT_OVERLONG_KEEP && full == 5000,
	    "an overlong line inside the buffer keeps a %d-byte prefix",
	    RT_OVERLONG_KEEP);
	n = scan(100, 2, &over, &got, &full);
	ok(n == 2 && !over && got == 2, "reading resumes at the next line");
}

static void
test_default_max(void)
{
	size_t len, got, full;
	int over, n;
	char *s;

	/* max + 1 bytes and "\n" fill a buffer grown to max + 2 exactly. */
	s = line_of(RT_MAX_RECORD_DEFAULT + 1, "\nab\n", &len);
	put(s, len);
	free(s);
	n = scan(0, 1, &over, &got, &full);
	ok(n == 2 && over && full == RT_MAX_RECORD_DEFAULT + 1,
	    "default max: a line of max + 1 bytes is overlong");
	s = line_of(RT_MAX_RECORD_DEFAULT, "\nab\n", &len);
	put(s, len);
	free(s);
	n = scan(0, 1, &over, &got, &full);
	ok(n == 2 && !over && got == RT_MAX_RECORD_DEFAULT,
	    "default max: a line of max bytes is accepted");
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd == -1) {
		perror("mkstemp");
		return 2;
	}
	close(fd);
	test_small_max();
	test_default_max();
	unlink(path);
	return done_testing();
}
