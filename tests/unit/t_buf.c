/*
 * t_buf.c - the growable byte buffer (lib/buf.c, lib/buf.h): appends of
 * bytes, NULs included, integers at their limits and printf text longer
 * than the first guess; clearing keeps the storage; reading a whole file
 * descriptor; then rt_bytes_eq against memcmp for every length and
 * differing byte, and random appends against a plain array.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "tap.h"

/* Does b hold exactly want[0, n)? */
static int
holds(const struct rt_buf *b, const char *want, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->p, want, n) == 0);
}

static void
test_empty(void)
{
	struct rt_buf a = RT_BUF_INIT, b;
	const char *s;

	memset(&b, 0x55, sizeof b);
	rt_buf_init(&b);
	ok(a.p == NULL && a.len == 0 && a.cap == 0, "RT_BUF_INIT is empty");
	ok(b.p == NULL && b.len == 0 && b.cap == 0, "rt_buf_init empties");
	rt_buf_add(&a, NULL, 0);
	ok(a.p == NULL && a.len == 0, "adding nothing allocates nothing");
	s = rt_buf_cstr(&a);
	ok(s != NULL && s[0] == '\0' && a.len == 0 && a.cap > 0,
	    "cstr of an empty buffer: \"\", len stays 0");
	rt_buf_release(&a);
	ok(a.p == NULL && a.len == 0 && a.cap == 0, "release empties");
	rt_buf_release(&a);
	ok(a.p == NULL, "release twice is harmless");
}

static void
test_add(void)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *p;
	size_t cap;

	rt_buf_adds(&b, "abc");
	rt_buf_addc(&b, '\0');
	rt_buf_add(&b, "d\0e", 3);
	rt_buf_addc(&b, 'f');
	ok(holds(&b, "abc\0d\0ef", 8), "adds, addc, add keep NUL bytes");
	ok(strcmp(rt_buf_cstr(&b) + 6, "ef") == 0 && b.len == 8 &&
	    b.p[8] == '\0', "cstr ends the text after len, not counted");
	p = b.p;
	cap = b.cap;
	rt_buf_clear(&b);
	ok(b.len == 0 && b.p == p && b.cap == cap, "clear keeps the storage");
	rt_buf_adds(&b, "x");
	ok(holds(&b, "x", 1) && b.p == p, "appends after clear reuse it");
	rt_buf_release(&b);
	rt_buf_adds(&b, "again");
	ok(holds(&b, "again", 5), "a released buffer can be used again");
	rt_buf_release(&b);
}

/* Growing: every reserve leaves room for the bytes asked, every grow
 * for them and the NUL of rt_buf_cstr, and the contents move with the
 * storage. */
static void
test_grow(void)
{
	static const size_t asks[] = { 0, 1, 255, 256, 257, 1000, 65536,
	    1 << 20 };
	struct rt_buf b = RT_BUF_INIT;
	int bad = 0;

	for (int grow = 0; grow < 2; grow++) {
		rt_buf_release(&b);
		for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
			size_t before = b.len;

			if (grow)
				rt_buf_grow(&b, asks[i]);
			else
				rt_buf_reserve(&b, asks[i]);
			if (b.cap - b.len < asks[i] + (size_t)grow)
				bad++;
			if (asks[i])
				memset(b.p + b.len, 'a' + (int)i, asks[i]);
			b.len += asks[i];
			if (before && b.p[before - 1] != 'a' + (int)i - 1)
				bad++;
		}
	}
	ok(bad == 0, "reserve makes room for the bytes, grow for the NUL too, "
	    "contents kept");
	rt_buf_release(&b);
}

static void
test_ints(void)
{
	static const struct {
		long long v;
		const char *want;
	} si[] = {
		{ 0, "0" }, { 7, "7" }, { -1, "-1" }, { 10, "10" },
		{ -10, "-10" }, { 1000000007, "1000000007" },
		{ LLONG_MAX, "9223372036854775807" },
		{ LLONG_MIN, "-9223372036854775808" },
		{ LLONG_MIN + 1, "-9223372036854775807" },
	};
	static const struct {
		unsigned long long v;
		const char *want;
	} ui[] = {
		{ 0, "0" }, { 9, "9" }, { 10, "10" }, { 99, "99" },
		{ 100, "100" }, { 1ULL << 63, "9223372036854775808" },
		{ ULLONG_MAX, "18446744073709551615" },
	};
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof si / sizeof si[0]; i++) {
		rt_buf_clear(&b);
		rt_buf_addi(&b, si[i].v);
		is_str(rt_buf_cstr(&b), si[i].want, "addi");
	}
	for (size_t i = 0; i < sizeof ui / sizeof ui[0]; i++) {
		rt_buf_clear(&b);
		rt_buf_addu(&b, ui[i].v);
		is_str(rt_buf_cstr(&b), ui[i].want, "addu");
	}
	rt_buf_clear(&b);
	rt_buf_adds(&b, "n=");
	rt_buf_addi(&b, -42);
	rt_buf_addc(&b, ',');
	rt_buf_addu(&b, 42);
	is_str(rt_buf_cstr(&b), "n=-42,42", "integers append after text");
	rt_buf_release(&b);
}

static void
test_printf(void)
{
	struct rt_buf b = RT_BUF_INIT;
	char big[1001], want[1100];

	rt_buf_printf(&b, "%d-%s", 12, "ab");
	is_str(rt_buf_cstr(&b), "12-ab", "printf into an empty buffer");
	rt_buf_printf(&b, "%s", "");
	ok(b.len == 5, "printf of nothing appends nothing");
	rt_buf_printf(&b, "a%cb", 0);
	ok(holds(&b, "12-aba\0b", 8), "printf of a NUL character counts it");
	memset(big, 'z', 1000);
	big[1000] = '\0';
	rt_buf_clear(&b);
	rt_buf_adds(&b, "<");
	rt_buf_printf(&b, "%s|%05d", big, 42);
	snprintf(want, sizeof want, "<%s|00042", big);
	ok(b.len == 1007 && strcmp(rt_buf_cstr(&b), want) == 0,
	    "printf longer than the room at hand: formatted again, whole");
	/* Text of 0 to 129 bytes at every room left from 1 to 256 (the
	 * first guess of 64 too small, just right, and too large). */
	for (size_t room = 1, bad = 0; room <= 257; room++) {
		for (int m = 0; m < 130; m += 1 + (int)(room % 7)) {
			size_t before;

			rt_buf_release(&b);
			rt_buf_reserve(&b, 1);
			before = b.cap - (room <= b.cap ? room : b.cap);
			memset(b.p, 'q', before);
			b.len = before;
			rt_buf_printf(&b, "%.*s", m, big);
			if (b.len != before + (size_t)m ||
			    (before && b.p[before - 1] != 'q') ||
			    (m && (b.p[before] != 'z' ||
			    b.p[b.len - 1] != 'z')) || b.cap < b.len)
				bad++;
		}
		if (room == 257)
			ok(bad == 0, "printf at every room left in the buffer");
	}
	rt_buf_release(&b);
}

/* rt_buf_read_fd: a file larger than one read, appended after what the
 * buffer holds; an empty file; a bad descriptor. */
static void
test_read_fd(void)
{
	char path[] = "/tmp/t_buf.XXXXXX";
	struct rt_buf b = RT_BUF_INIT;
	size_t n = 200003, i;
	char *data = malloc(n);
	int fd = mkstemp(path), bad = 0;

	if (fd < 0 || data == NULL) {
		ok(0, "mkstemp");
		free(data);
		return;
	}
	unlink(path);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 7 + i / 251);
	if (write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		bad = 1;
	rt_buf_adds(&b, "head");
	ok(!bad && rt_buf_read_fd(&b, fd) == 0 && b.len == n + 4 &&
	    memcmp(b.p, "head", 4) == 0 && memcmp(b.p + 4, data, n) == 0,
	    "read_fd: the whole file after what was there");
	ok(rt_buf_read_fd(&b, fd) == 0 && b.len == n + 4,
	    "read_fd at end of file: 0, nothing added");
	close(fd);
	errno = 0;
	ok(rt_buf_read_fd(&b, fd) == -1 && errno == EBADF && b.len == n + 4,
	    "read_fd of a closed descriptor: -1, EBADF, contents kept");
	free(data);
	rt_buf_release(&b);
}

/* rt_bytes_eq against memcmp: every length to 40, equal and with each
 * byte changed in turn. */
static void
test_bytes_eq(void)
{
	unsigned char a[48], c[48];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int bad = 0, checked = 0;

	for (int round = 0; round < 20; round++)
		for (size_t n = 0; n <= 40; n++) {
			for (size_t i = 0; i < sizeof a; i++)
				a[i] = c[i] =
				    (unsigned char)tap_xorshift(&seed);
			/* Offset by one: no alignment to lean on. */
			if ((rt_bytes_eq(a + 1, c + 1, n) != 0) != 1)
				bad++;
			for (size_t k = 0; k < n; k++) {
				unsigned char keep = c[1 + k];

				c[1 + k] ^= (unsigned char)(1 +
				    tap_xorshift(&seed) % 255);
				if (rt_bytes_eq(a + 1, c + 1, n) !=
				    (memcmp(a + 1, c + 1, n) == 0))
					bad++;
				checked++;
				c[1 + k] = keep;
			}
			/* A difference just past the end does not count. */
			c[1 + n] ^= 1;
			if (!rt_bytes_eq(a + 1, c + 1, n))
				bad++;
		}
	ok(bad == 0 && checked > 10000,
	    "rt_bytes_eq agrees with memcmp (%d differing cases)", checked);
}

/* Random appends against a plain array. */
static void
test_random(void)
{
	static char ref[1 << 16];
	struct rt_buf b = RT_BUF_INIT;
	uint64_t seed = 42;
	size_t rlen = 0;
	int bad = 0;

	for (int i = 0; i < 5000 && !bad; i++) {
		uint64_t r = tap_xorshift(&seed);
		char tmp[64];
		int n;

		if (rlen > sizeof ref - 200) {
			rt_buf_clear(&b);
			rlen = 0;
		}
		switch (r % 5) {
		case 0:
			tmp[0] = (char)(r >> 8);
			rt_buf_addc(&b, tmp[0]);
			ref[rlen++] = tmp[0];
			break;
		case 1:
			n = (int)((r >> 8) % 64);
			for (int k = 0; k < n; k++)
				tmp[k] = (char)(r >> (k % 56));
			rt_buf_add(&b, tmp, (size_t)n);
			memcpy(ref + rlen, tmp, (size_t)n);
			rlen += (size_t)n;
			break;
		case 2:
			rt_buf_addi(&b, (long long)(r * 0x9e3779b97f4a7c15ULL));
			n = snprintf(tmp, sizeof tmp, "%lld",
			    (long long)(r * 0x9e3779b97f4a7c15ULL));
			memcpy(ref + rlen, tmp, (size_t)n);
			rlen += (size_t)n;
			break;
		case 3:
			rt_buf_addu(&b, r >> (r % 64));
			n = snprintf(tmp, sizeof tmp, "%llu",
			    (unsigned long long)(r >> (r % 64)));
			memcpy(ref + rlen, tmp, (size_t)n);
			rlen += (size_t)n;
			break;
		default:
			rt_buf_printf(&b, "[%x:%.3s]", (unsigned)r, "abcdef");
			n = snprintf(tmp, sizeof tmp, "[%x:%.3s]", (unsigned)r,
			    "abcdef");
			memcpy(ref + rlen, tmp, (size_t)n);
			rlen += (size_t)n;
			break;
		}
		if (!holds(&b, ref, rlen) || b.cap < b.len) {
			diag("step %d: len %zu, want %zu", i, b.len, rlen);
			bad++;
		}
	}
	ok(bad == 0, "5000 random appends match a plain array");
	rt_buf_release(&b);
}

int
main(void)
{
	test_empty();
	test_add();
	test_grow();
	test_ints();
	test_printf();
	test_read_fd();
	test_bytes_eq();
	test_random();
	return done_testing();
}
