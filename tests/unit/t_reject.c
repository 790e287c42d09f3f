/*
 * t_reject.c - the reject stream (lib/reject.c): base64 against RFC 4648's
 * vectors and a decoder written here; the reject objects written to a file,
 * byte for byte (key marks resolved, bytes JSON cannot carry kept in
 * raw_base64, extra members); the diagnostics on standard error (keys left
 * out unless verbose, their stand-ins), the limit per kind of reject and
 * its summary; a reject file that cannot be created or written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "reject.h"
#include "tap.h"

#define K RT_REJ_KEY
#define A RT_REJ_KEYALT
#define E RT_REJ_KEYEND

static char tmpdir[] = "/tmp/t_reject.XXXXXX";

/* The whole file at path, NUL-terminated, in b. */
static const char *
slurp(const char *path, struct rt_buf *b)
{
	int fd = open(path, O_RDONLY);

	b->len = 0;
	if (fd >= 0) {
		rt_buf_read_fd(b, fd);
		close(fd);
	}
	return rt_buf_cstr(b);
}

static void
test_base64(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} t[] = {
		{ "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" }, { "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
		{ "\0\xff\xfe", 3, "AP/+" }, { "\xfb\xff", 2, "+/8=" },
		{ "\0", 1, "AA==" },
	};
	struct rt_buf b = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		b.len = 0;
		rt_base64(&b, t[i].in, t[i].n);
		is_str(rt_buf_cstr(&b), t[i].want, "base64 of a vector");
	}
	rt_buf_release(&b);
}

static int
b64val(char c)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(tab, c) : NULL;

	return p ? (int)(p - tab) : -1;
}

/* Decode b64[0, n) into out; the length, or -1 if malformed. */
static long
unbase64(const char *s, size_t n, unsigned char *out)
{
	long o = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64val(s[i + k])) < 0) {
				return -1;
			}
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return o;
}

static void
test_base64_random(void)
{
	struct rt_buf b = RT_BUF_INIT;
	unsigned char in[300], out[300];
	uint64_t seed = 4648;
	int bad = 0;

	for (int i = 0; i < 3000; i++) {
		size_t n = tap_xorshift(&seed) % sizeof in;
		long m;

		for (size_t k = 0; k < n; k++)
			in[k] = (unsigned char)tap_xorshift(&seed);
		b.len = 0;
		rt_base64(&b, in, n);
		m = unbase64(b.p ? b.p : "", b.len, out);
		if (b.len != (n + 2) / 3 * 4 || m != (long)n ||
		    memcmp(in, out, n) != 0)
			bad++;
	}
	ok(bad == 0, "3000 random byte strings: base64 of 4 per 3 bytes, "
	    "decoded back");
	rt_buf_release(&b);
}

static void
test_file(void)
{
	static const struct {
		const char *reason;
		const char *raw;
		size_t rawlen;
		const char *extra;
		const char *want;
	} t[] = {
		{ "amount: cannot parse", "{\"a\":1}", 7, NULL,
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":1,"
		  "\"reason\":\"amount: cannot parse\","
		  "\"raw\":\"{\\\"a\\\":1}\"}" },
		{ "duplicate key " K "'card' " E "(member 3)", "x", 1, NULL,
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":2,"
		  "\"reason\":\"duplicate key 'card' (member 3)\","
		  "\"raw\":\"x\"}" },
		{ "at /" K "4111" A "<member 2>" E ": too long", "", 0, NULL,
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":3,"
		  "\"reason\":\"at /4111: too long\",\"raw\":\"\"}" },
		{ "schema", "a\tb\0c", 5, ",\"errors\":[1]",
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":4,"
		  "\"reason\":\"schema\",\"raw\":\"a\\tb\\u0000c\","
		  "\"errors\":[1]}" },
		{ "invalid UTF-8", "a\xff" "b", 3, NULL,
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":5,"
		  "\"reason\":\"invalid UTF-8\",\"raw\":\"a\xef\xbf\xbd" "b\","
		  "\"raw_base64\":\"Yf9i\"}" },
		{ "caf\xc3\xa9 \"q\"", "\xc3\xa9", 2, ",\"x\":0",
		  "{\"tool\":\"rt-x\",\"source\":\"in.ndjson\",\"line\":6,"
		  "\"reason\":\"caf\xc3\xa9 \\\"q\\\"\",\"raw\":\"\xc3\xa9\","
		  "\"x\":0}" },
	};
	char path[64];
	struct rt_buf want = RT_BUF_INIT, got = RT_BUF_INIT;
	struct rt_rej r;
	int rc = 0;

	snprintf(path, sizeof path, "%s/rej", tmpdir);
	ok(rt_rej_open(&r, "rt-x", path) == 0 && r.tofile == 1,
	    "open a reject file");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		rc |= rt_rej_put(&r, "in.ndjson", i + 1, t[i].reason, t[i].raw,
		    t[i].rawlen, t[i].extra, t[i].extra ? strlen(t[i].extra) :
		    0);
		rt_buf_adds(&want, t[i].want);
		rt_buf_addc(&want, '\n');
	}
	ok(rc == 0 && r.n == 6, "six rejects put, counted");
	ok(rt_rej_flush(&r) == 0, "flush");
	ok(rt_rej_close(&r) == 0, "close");
	is_str(slurp(path, &got), rt_buf_cstr(&want),
	    "the reject file, one object a line");
	rt_buf_release(&want);
	rt_buf_release(&got);
	unlink(path);
}

/* Diagnostics: stderr goes to a file while f runs. */
struct dcase {
	const char *reason;
	int verbose;
	const char *want;	/* the line after "rt-x: src:7: " */
};

static const struct dcase dcases[] = {
	{ "amount: cannot parse", 0, "amount: cannot parse" },
	{ "duplicate key " K "'card' " E "(member 3)", 0,
	  "duplicate key (member 3)" },
	{ "duplicate key " K "'card' " E "(member 3)", 1,
	  "duplicate key 'card' (member 3)" },
	{ "at /" K "4111" A "<member 2>" E "/x", 0, "at /<member 2>/x" },
	{ "at /" K "4111" A "<member 2>" E "/x", 1, "at /4111/x" },
	{ "/" K "a" E "/" K "b" A "#2" E, 0, "//#2" },
	{ "/" K "a" E "/" K "b" A "#2" E, 1, "/a/b" },
	{ "cut " K "key", 0, "cut " },
	{ "cut " K "key", 1, "cut key" },
	{ "", 0, "" },
};

static void
test_diag(void)
{
	char path[64];
	struct rt_buf got = RT_BUF_INIT, want = RT_BUF_INIT;
	int save = dup(2), fd;

	snprintf(path, sizeof path, "%s/err", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || save < 0) {
		ok(0, "stderr to a file");
		return;
	}
	fflush(stderr);
	dup2(fd, 2);
	for (size_t i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
		struct rt_rej r;

		rt_rej_open(&r, "rt-x", NULL);
		r.verbose = dcases[i].verbose;
		rt_rej_put(&r, "src", 7, dcases[i].reason, "secret", 6, NULL,
		    0);
		rt_rej_close(&r);
		rt_buf_printf(&want, "rt-x: src:7: %s\n", dcases[i].want);
	}
	dup2(save, 2);
	close(save);
	close(fd);
	slurp(path, &got);
	ok(strstr(got.p, "secret") == NULL,
	    "diagnostics never show the record");
	is_str(got.p, rt_buf_cstr(&want), "diagnostics, keys shown only "
	    "when verbose");
	rt_buf_release(&got);
	rt_buf_release(&want);
	unlink(path);
}

/* The limit per kind: kinds differ in more than digits and keys. */
static void
test_limit(void)
{
	char path[64], reason[64];
	struct rt_buf got = RT_BUF_INIT;
	struct rt_rej r;
	int save = dup(2), fd, lines = 0;

	snprintf(path, sizeof path, "%s/err", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || save < 0) {
		ok(0, "stderr to a file");
		return;
	}
	dup2(fd, 2);
	rt_rej_open(&r, "rt-x", NULL);
	r.limit = 2;
	for (int i = 0; i < 5; i++) {
		snprintf(reason, sizeof reason, "bad at byte %d", i * 11);
		rt_rej_put(&r, "s", (uint64_t)i, reason, "", 0, NULL, 0);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(reason, sizeof reason, "key " K "k%d" E " bad", i);
		rt_rej_put(&r, "s", 9, reason, "", 0, NULL, 0);
	}
	rt_rej_put(&r, "s", 9, "once", "", 0, NULL, 0);
	ok(rt_rej_cut(&r) == 1, "cut: some diagnostics were left out");
	rt_rej_summary(&r);
	rt_rej_close(&r);
	dup2(save, 2);
	close(save);
	close(fd);
	slurp(path, &got);
	is_str(got.p,
	    "rt-x: s:0: bad at byte 0\n"
	    "rt-x: s:1: bad at byte 11\n"
	    "rt-x: s:9: key  bad\n"
	    "rt-x: s:9: key  bad\n"
	    "rt-x: s:9: once\n"
	    "rt-x: 3 more rejects like 'bad at byte 0' not shown (see "
	    "--reject, --stats, --max-diagnostics)\n"
	    "rt-x: 1 more rejects like 'key  bad' not shown (see --reject, "
	    "--stats, --max-diagnostics)\n",
	    "two of each kind, then a summary of each kind cut");
	for (const char *p = got.p; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ok(lines == 7 && r.n == 9, "9 rejects, 7 lines");
	rt_buf_release(&got);
	unlink(path);
}

/* More kinds than RT_REJ_KINDS: the rest share the last slot. */
static void
test_kinds(void)
{
	char path[64], reason[64];
	struct rt_buf got = RT_BUF_INIT;
	struct rt_rej r;
	int save = dup(2), fd;
	const char *p;

	snprintf(path, sizeof path, "%s/err", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || save < 0) {
		ok(0, "stderr to a file");
		return;
	}
	dup2(fd, 2);
	rt_rej_open(&r, "rt-x", NULL);
	r.limit = 1;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < RT_REJ_KINDS + 3; i++) {
			snprintf(reason, sizeof reason, "kind %c%c",
			    'a' + i % 26, 'a' + i / 26);
			rt_rej_put(&r, "s", 1, reason, "", 0, NULL, 0);
		}
	rt_rej_summary(&r);
	rt_rej_close(&r);
	dup2(save, 2);
	close(save);
	close(fd);
	slurp(path, &got);
	p = strstr(got.p, "rt-x: 5 more rejects of other kinds not shown");
	ok(r.nkind == RT_REJ_KINDS && p != NULL,
	    "kinds past %d: one count, 'of other kinds'", RT_REJ_KINDS);
	ok(strstr(got.p, "rt-x: 1 more rejects like 'kind aa'") != NULL &&
	    strstr(got.p, "like 'kind fb'") != NULL &&
	    strstr(got.p, "like 'kind gb'") == NULL,
	    "each of the first %d kinds by its reason", RT_REJ_KINDS);
	rt_buf_release(&got);
	unlink(path);
}

static void
test_nolimit(void)
{
	struct rt_rej r;

	rt_rej_open(&r, "rt-x", NULL);
	r.limit = 0;
	r.kind[0].n = 100;	/* counts are kept only with a limit */
	ok(rt_rej_cut(&r) == 0 && rt_rej_flush(&r) == 0,
	    "no limit: nothing cut; flush without a file: 0");
	rt_rej_close(&r);
}

static void
test_fail(void)
{
	struct rt_rej r;
	int put;

	errno = 0;
	ok(rt_rej_open(&r, "rt-x", "/nonexistent-dir/x/rej") == -1 &&
	    errno == ENOENT, "a reject file that cannot be created: -1, "
	    "ENOENT");
	if (rt_rej_open(&r, "rt-x", "/dev/full") != 0) {
		ok(0, "open /dev/full");
		return;
	}
	put = rt_rej_put(&r, "s", 1, "why", "raw", 3, NULL, 0);
	ok(put == 0, "a put to /dev/full, buffered: 0");
	ok(rt_rej_close(&r) == -1 && r.out.err == ENOSPC,
	    "closing a reject file on a full disk: -1, ENOSPC");
	if (rt_rej_open(&r, "rt-x", "/dev/full") != 0)
		return;
	r.out.unbuffered = 1;
	ok(rt_rej_put(&r, "s", 1, "why", "raw", 3, NULL, 0) == -1,
	    "unbuffered: the put itself fails");
	rt_rej_close(&r);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_base64();
	test_base64_random();
	test_file();
	test_diag();
	test_limit();
	test_kinds();
	test_nolimit();
	test_fail();
	rmdir(tmpdir);
	return done_testing();
}
