/*
 * t_rtio.c - record input and output (lib/rtio.c).  The reader: tables
 * of inputs (every line end, NUL bytes, a BOM, no final newline, empty
 * lines) with the exact lines, lengths and line numbers, read from a file
 * and from a pipe fed one byte at a time (nowait: a "\r" at the end of
 * what has come waits for the next byte); overlong lines against a small
 * max; a seeded generator against a reference splitter written here.
 * The writer: buffering, reserve and commit, -u, a full disk (sticky),
 * opening a path that cannot be created.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "rtio.h"
#include "tap.h"

static char path[] = "/tmp/t_rtio.XXXXXX";

/* One line as text: "lineno:len/rawlen/fulllen[!]=bytes|". */
static void
show(struct rt_buf *b, const struct rt_line *l)
{
	rt_buf_printf(b, "%llu:%zu/%zu/%zu%s=", (unsigned long long)l->lineno,
	    l->len, l->rawlen, l->fulllen, l->overlong ? "!" : "");
	rt_buf_add(b, l->p, l->len);
	rt_buf_addc(b, '|');
}

/* Read the whole of in into b; the last answer (EOF or ERR). */
static int
drain(struct rt_in *in, struct rt_buf *b)
{
	struct rt_line l;
	int k;

	while ((k = rt_in_next(in, &l)) == RT_IN_LINE)
		show(b, &l);
	return k;
}

static int
read_file(const char *s, size_t n, size_t max, struct rt_buf *b)
{
	struct rt_in in;
	FILE *f = fopen(path, "wb");
	int k;

	b->len = 0;
	if (f == NULL || fwrite(s, 1, n, f) != n || fclose(f) != 0)
		return -9;
	if (rt_in_open(&in, path, max) == -1)
		return -9;
	k = drain(&in, b);
	rt_in_close(&in);
	return k;
}

/* Through a pipe in chunks of at most chunk bytes (0: random, from
 * *seed), in nowait mode: read until a read would block, then write the
 * next chunk. */
static int
read_pipe(const char *s, size_t n, size_t max, size_t chunk, uint64_t *seed,
    struct rt_buf *b)
{
	struct rt_in in;
	struct rt_line l;
	char dev[32];
	int p[2], k = RT_IN_AGAIN;
	size_t at = 0;

	b->len = 0;
	if (pipe(p) != 0)
		return -9;
	snprintf(dev, sizeof dev, "/dev/fd/%d", p[0]);
	if (rt_in_open(&in, dev, max) == -1)
		return -9;
	close(p[0]);
	in.nowait = 1;
	for (;;) {
		while ((k = rt_in_next(&in, &l)) == RT_IN_LINE)
			show(b, &l);
		if (k != RT_IN_AGAIN)
			break;
		if (at == n) {
			close(p[1]);
			p[1] = -1;
			continue;
		}
		size_t c = chunk ? chunk : 1 + tap_xorshift(seed) % 7;

		if (c > n - at)
			c = n - at;
		if (write(p[1], s + at, c) != (ssize_t)c)
			break;
		at += c;
	}
	if (p[1] >= 0)
		close(p[1]);
	rt_in_close(&in);
	return k;
}

#define L(s) s, sizeof s - 1

/* Does b hold exactly want[0, n)? */
static int
same(const struct rt_buf *b, const char *want, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->p, want, n) == 0);
}

static const struct {
	const char *what;
	const char *in;
	size_t n;
	const char *want;
	size_t wn;
} lines[] = {
	{ "empty input: no line", L(""), L("") },
	{ "one newline: one empty line", L("\n"), L("1:0/1/0=|") },
	{ "LF", L("a\nbc\n"), L("1:1/2/1=a|2:2/3/2=bc|") },
	{ "no final newline", L("a\nbc"), L("1:1/2/1=a|2:2/2/2=bc|") },
	{ "CRLF", L("a\r\nb\r\n"), L("1:1/3/1=a|2:1/3/1=b|") },
	{ "a lone CR", L("a\rb\r"), L("1:1/2/1=a|2:1/2/1=b|") },
	{ "CR CR LF: an empty line between", L("a\r\r\nb"),
	  L("1:1/2/1=a|2:0/2/0=|3:1/1/1=b|") },
	{ "LF CR: two line ends", L("a\n\rb"), L("1:1/2/1=a|2:0/1/0=|3:1/1/1=b|") },
	{ "empty lines", L("\n\n\r\n"), L("1:0/1/0=|2:0/1/0=|3:0/2/0=|") },
	{ "NUL bytes are data", L("a\0b\n\0\n"), L("1:3/4/3=a\0b|2:1/2/1=\0|") },
	{ "a BOM at the start is skipped", L("\xEF\xBB\xBFx\n"), L("1:1/2/1=x|") },
	{ "a BOM alone", L("\xEF\xBB\xBF"), L("") },
	{ "a BOM later is data", L("x\n\xEF\xBB\xBFy"),
	  L("1:1/2/1=x|2:4/4/4=\xEF\xBB\xBFy|") },
	{ "half a BOM is data", L("\xEF\xBB\n"), L("1:2/3/2=\xEF\xBB|") },
	{ "a CR at the very end", L("x\r"), L("1:1/2/1=x|") },
};

static void
test_lines(void)
{
	struct rt_buf b = RT_BUF_INIT;
	uint64_t seed = 1;

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		size_t wn = lines[i].wn;
		int k;

		k = read_file(lines[i].in, lines[i].n, 0, &b);
		ok(k == RT_IN_EOF && same(&b, lines[i].want, wn), "file: %s",
		    lines[i].what);
		if (b.len != wn)
			diag("got '%.*s'", (int)b.len, b.p);
		k = read_pipe(lines[i].in, lines[i].n, 0, 1, &seed, &b);
		ok(k == RT_IN_EOF && same(&b, lines[i].want, wn),
		    "pipe, a byte at a time: %s", lines[i].what);
		if (b.len != wn)
			diag("got '%.*s'", (int)b.len, b.p);
	}
	rt_buf_release(&b);
}

/* Overlong lines with max 4: each is cut to a prefix, counted, and the
 * next line comes whole. */
static void
test_overlong(void)
{
	static const struct {
		const char *what, *in, *want;
	} t[] = {
		{ "up to max: whole", "abcd\nabcd\r\n",
		  "1:4/5/4=abcd|2:4/6/4=abcd|" },
		{ "max + 1: overlong", "abcde\nxy\n",
		  "1:5/5/5!=abcde|2:2/3/2=xy|" },
		{ "long, CRLF, then short", "0123456789\r\nz",
		  "1:10/10/10!=0123456789|2:1/1/1=z|" },
		{ "long at the end, no newline", "x\n0123456789",
		  "1:1/2/1=x|2:10/10/10!=0123456789|" },
		{ "long with a lone CR", "0123456789\rq\n",
		  "1:10/10/10!=0123456789|2:1/2/1=q|" },
	};
	struct rt_buf b = RT_BUF_INIT, big = RT_BUF_INIT;
	uint64_t seed = 2;
	char want[128];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int k = read_file(t[i].in, strlen(t[i].in), 4, &b);

		ok(k == RT_IN_EOF && is_str(rt_buf_cstr(&b), t[i].want, "  "),
		    "file, max 4: %s", t[i].what);
		k = read_pipe(t[i].in, strlen(t[i].in), 4, 0, &seed, &b);
		ok(k == RT_IN_EOF && is_str(rt_buf_cstr(&b), t[i].want, "  "),
		    "pipe, max 4: %s", t[i].what);
	}
	/* A line of 100000 bytes with the default max... fits; with max
	 * 10000 its prefix is RT_OVERLONG_KEEP bytes. */
	for (int i = 0; i < 100000; i++)
		rt_buf_addc(&big, (char)('a' + i % 26));
	rt_buf_adds(&big, "\nok\n");
	read_file(big.p, big.len, 0, &b);
	ok(b.len == 100000 + 24 + 11 && memcmp(b.p, "1:100000/100001/100000=",
	    23) == 0 && memcmp(b.p + 23, big.p, 100000) == 0,
	    "100000 bytes under the default max: whole");
	read_file(big.p, big.len, 10000, &b);
	snprintf(want, sizeof want, "1:%d/%d/100000!=", RT_OVERLONG_KEEP,
	    RT_OVERLONG_KEEP);
	ok(b.len == strlen(want) + RT_OVERLONG_KEEP + 1 + 11 &&
	    memcmp(b.p, want, strlen(want)) == 0 &&
	    memcmp(b.p + strlen(want), big.p, RT_OVERLONG_KEEP) == 0 &&
	    memcmp(b.p + b.len - 11, "2:2/3/2=ok|", 11) == 0,
	    "100000 bytes over max 10000: a prefix of %d, then the next line",
	    RT_OVERLONG_KEEP);
	read_pipe(big.p, big.len, 10000, 0, &seed, &b);
	ok(b.len == strlen(want) + RT_OVERLONG_KEEP + 1 + 11 &&
	    memcmp(b.p + strlen(want), big.p, RT_OVERLONG_KEEP) == 0,
	    "the same through a pipe in small chunks");
	rt_buf_release(&big);
	rt_buf_release(&b);
}

/* The reference: the same rules, written plainly. */
static void
ref_split(const char *s, size_t n, size_t max, struct rt_buf *b)
{
	struct rt_line l;
	size_t pos = 0;
	uint64_t no = 0;

	b->len = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < n) {
		size_t e = pos, t = 0;

		while (e < n && s[e] != '\n' && s[e] != '\r')
			e++;
		if (e < n)
			t = s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1;
		l.p = s + pos;
		l.len = l.fulllen = e - pos;
		l.rawlen = l.len + t;
		l.lineno = ++no;
		l.overlong = l.len > max;
		if (l.overlong) {
			if (l.len > RT_OVERLONG_KEEP)
				l.len = RT_OVERLONG_KEEP;
			l.rawlen = l.len;
		}
		show(b, &l);
		pos = e + t;
	}
}

static void
test_random(void)
{
	static const char alpha[] = "ab\n\r\0\xEF";
	struct rt_buf in = RT_BUF_INIT, got = RT_BUF_INIT, want = RT_BUF_INIT;
	uint64_t seed = 42;
	int badf = 0, badp = 0;

	for (int i = 0; i < 2000; i++) {
		size_t n = tap_xorshift(&seed) % 200;
		size_t max = 1 + tap_xorshift(&seed) % 24;

		in.len = 0;
		if (tap_xorshift(&seed) % 8 == 0)
			rt_buf_adds(&in, "\xEF\xBB\xBF");
		for (size_t j = 0; j < n; j++)
			rt_buf_addc(&in, alpha[tap_xorshift(&seed) % 6]);
		ref_split(in.p, in.len, max, &want);
		if (read_file(in.p, in.len, max, &got) != RT_IN_EOF ||
		    !same(&got, want.p, want.len)) {
			if (badf++ == 0)
				diag("file, max %zu: got '%.*s' want '%.*s'", max,
				    (int)got.len, got.p, (int)want.len, want.p);
		}
		if (read_pipe(in.p, in.len, max, 0, &seed, &got) != RT_IN_EOF ||
		    !same(&got, want.p, want.len)) {
			if (badp++ == 0)
				diag("pipe, max %zu: got '%.*s' want '%.*s'", max,
				    (int)got.len, got.p, (int)want.len, want.p);
		}
	}
	ok(badf == 0, "2000 random inputs from a file: as the reference");
	ok(badp == 0, "2000 random inputs through a pipe: as the reference");
	rt_buf_release(&in);
	rt_buf_release(&got);
	rt_buf_release(&want);
}

static void
test_open(void)
{
	struct rt_in in;
	struct rt_out o;

	errno = 0;
	ok(rt_in_open(&in, "/nonexistent/x", 0) == -1 && errno == ENOENT,
	    "open a missing file: -1, ENOENT");
	errno = 0;
	ok(rt_out_open(&o, "/nonexistent/x") == -1 && errno == ENOENT,
	    "create in a missing directory: -1, ENOENT");
}

static void
test_out(void)
{
	struct rt_out o;
	struct rt_buf b = RT_BUF_INIT;
	char *p;
	int fd;

	ok(rt_out_open(&o, path) == 0, "rt_out_open");
	ok(rt_out_write(&o, "ab", 2) == 0 && rt_out_putc(&o, '\0') == 0 &&
	    rt_out_end(&o) == 0, "write, putc, end");
	fd = open(path, O_RDONLY);
	rt_buf_read_fd(&b, fd);
	close(fd);
	ok(b.len == 0, "buffered: nothing in the file yet");
	p = rt_out_reserve(&o, 3);
	ok(p != NULL, "reserve 3");
	if (p)
		memcpy(p, "xyz", 3);
	rt_out_commit(&o, 2);
	ok(rt_out_reserve(&o, RT_OUT_BUFSIZE / 2 + 1) == NULL,
	    "reserve over half the buffer: NULL");
	o.unbuffered = 1;
	ok(rt_out_end(&o) == 0, "end, unbuffered: flushes");
	b.len = 0;
	fd = open(path, O_RDONLY);
	rt_buf_read_fd(&b, fd);
	close(fd);
	ok(b.len == 5 && memcmp(b.p, "ab\0xy", 5) == 0,
	    "the file holds the bytes committed");
	ok(rt_out_close(&o) == 0, "close: 0");

	/* A big write, past the buffer, goes straight out in order. */
	ok(rt_out_open(&o, path) == 0, "rt_out_open again");
	rt_out_write(&o, "<", 1);
	b.len = 0;
	for (int i = 0; i < 300000; i++)
		rt_buf_addc(&b, (char)('0' + i % 10));
	ok(rt_out_write(&o, b.p, b.len) == 0 && rt_out_write(&o, ">", 1) == 0 &&
	    rt_out_close(&o) == 0, "a write of 300000 bytes");
	b.len = 0;
	fd = open(path, O_RDONLY);
	rt_buf_read_fd(&b, fd);
	close(fd);
	ok(b.len == 300002 && b.p[0] == '<' && b.p[1] == '0' &&
	    b.p[300000] == '9' && b.p[300001] == '>', "  in order");

	/* A full disk: the error comes at the flush and stays. */
	fd = open("/dev/full", O_WRONLY);
	rt_out_init(&o, fd, "full");
	ok(rt_out_write(&o, "x", 1) == 0, "full: a buffered write succeeds");
	ok(rt_out_flush(&o) == -1 && o.err == ENOSPC, "full: flush -1, ENOSPC");
	ok(rt_out_write(&o, "y", 1) == -1 && rt_out_end(&o) == -1 &&
	    rt_out_reserve(&o, 1) == NULL, "full: then every call fails");
	ok(rt_out_close(&o) == -1, "full: close -1");
	close(fd);
	rt_buf_release(&b);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0) {
		ok(0, "mkstemp");
		return done_testing();
	}
	close(fd);
	test_lines();
	test_overlong();
	test_random();
	test_open();
	test_out();
	unlink(path);
	return done_testing();
}
