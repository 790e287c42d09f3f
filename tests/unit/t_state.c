/*
 * t_state.c - state files (lib/state.c): CRC-32C against known values, a
 * header and body saved and checked, every bit flip and every truncation
 * of a small file refused, other tools, options and versions refused, the
 * lock exclusive, and only stale temporary files of the same state
 * removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "tap.h"

static char dir[] = "/tmp/t_state.XXXXXX";

static char *
at(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
test_crc(void)
{
	unsigned char z[32], o[32], inc[32];

	memset(z, 0, sizeof z);
	memset(o, 0xff, sizeof o);
	for (int i = 0; i < 32; i++)
		inc[i] = (unsigned char)i;
	/* RFC 3720, B.4, and the usual check value. */
	ok(rt_state_crc32c(0, "123456789", 9) == 0xe3069283u, "crc32c check value");
	ok(rt_state_crc32c(0, z, 32) == 0x8a9136aau, "crc32c of 32 zeros");
	ok(rt_state_crc32c(0, o, 32) == 0x62a8ab43u, "crc32c of 32 0xff");
	ok(rt_state_crc32c(0, inc, 32) == 0x46dd794eu, "crc32c of 0..31");
	ok(rt_state_crc32c(rt_state_crc32c(0, inc, 13), inc + 13, 19) ==
	    0x46dd794eu, "crc32c continues across calls");
}

/* Save a state with body, load it back; the loaded file. */
static void
save_load(const char *path, const char *tool, const char *cfg,
    const char *body, size_t n, struct rt_buf *out)
{
	struct rt_buf b = RT_BUF_INIT;

	rt_state_header(&b, tool, cfg, strlen(cfg));
	rt_buf_add(&b, body, n);
	if (rt_state_save(path, b.p, b.len) == -1)
		perror("save");
	rt_buf_release(&b);
	out->len = 0;
	if (rt_state_load(path, out) == -1)
		perror("load");
}

static void
test_check(void)
{
	struct rt_buf f = RT_BUF_INIT, c = RT_BUF_INIT;
	char body[300];
	size_t off = 0, bad = 0, trunc = 0;
	const char *why;
	uint64_t s = 42;

	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (char)tap_xorshift(&s);
	save_load(at("st"), "rt-window", "w=1", body, sizeof body, &f);
	why = rt_state_check(&f, "rt-window", "w=1", 3, &off);
	ok(why == NULL && f.len - off == sizeof body &&
	    memcmp(f.p + off, body, sizeof body) == 0,
	    "a saved state checks, body intact (%s)", why ? why : "ok");
	ok(strncmp(f.p, "rtpipe-state 2 rt-window ", 25) == 0,
	    "header names version 2 and the tool");
	for (size_t i = 0; i < f.len * 8; i++) {
		rt_buf_clear(&c);
		rt_buf_add(&c, f.p, f.len);
		c.p[i / 8] ^= (char)(1 << (i % 8));
		if (rt_state_check(&c, "rt-window", "w=1", 3, &off) == NULL)
			bad++;
	}
	ok(bad == 0, "every one of %zu bit flips refused (%zu accepted)",
	    f.len * 8, bad);
	for (size_t i = 0; i < f.len; i++) {
		rt_buf_clear(&c);
		rt_buf_add(&c, f.p, i);
		if (rt_state_check(&c, "rt-window", "w=1", 3, &off) == NULL)
			trunc++;
	}
	rt_buf_clear(&c);
	rt_buf_add(&c, f.p, f.len);
	rt_buf_addc(&c, '\n');
	ok(trunc == 0 && rt_state_check(&c, "rt-window", "w=1", 3, &off) &&
	    strcmp(rt_state_check(&c, "rt-window", "w=1", 3, &off),
	    "damaged: longer than its header says") == 0,
	    "every truncation refused, and a byte appended");
	why = rt_state_check(&f, "rt-alert", "w=1", 3, &off);
	ok(why && strcmp(why, "written by another tool") == 0, "other tool: %s",
	    why);
	why = rt_state_check(&f, "rt-window", "w=2", 3, &off);
	ok(why && strcmp(why, "written with other options") == 0,
	    "other options: %s", why);
	rt_buf_clear(&c);
	rt_buf_adds(&c, "rtpipe-state 1 rt-window 0123456789abcdef\nRTWIN1");
	why = rt_state_check(&c, "rt-window", "w=1", 3, &off);
	ok(why && strstr(why, "format version 1") != NULL, "version 1: %s", why);
	rt_buf_clear(&c);
	rt_buf_adds(&c, "rtpipe-state 3 rt-window x\n");
	why = rt_state_check(&c, "rt-window", "w=1", 3, &off);
	ok(why && strstr(why, "unknown format version") != NULL,
	    "version 3: %s", why);
	rt_buf_clear(&c);
	rt_buf_adds(&c, "{\"a\":1}\n");
	why = rt_state_check(&c, "rt-window", "w=1", 3, &off);
	ok(why && strcmp(why, "not an rtpipe state file") == 0, "not state: %s",
	    why);
	/* An empty body is a state too. */
	save_load(at("st0"), "rt-alert", "", "", 0, &f);
	ok(rt_state_check(&f, "rt-alert", "", 0, &off) == NULL && off == f.len,
	    "empty body checks");
	/* Data without a header is written as it is. */
	ok(rt_state_save(at("plain"), "hello\n", 6) == 0, "plain save");
	rt_buf_clear(&f);
	ok(rt_state_load(at("plain"), &f) == 0 && f.len == 6 &&
	    memcmp(f.p, "hello\n", 6) == 0, "plain data kept as is");
	rt_buf_release(&f);
	rt_buf_release(&c);
}

static long
dead_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return (long)p;
}

static void
test_lock(void)
{
	char name[64];
	int a, b;
	long dead = dead_pid();

	a = rt_state_lock(at("lk"));
	ok(a >= 0, "first lock taken");
	errno = 0;
	b = rt_state_lock(at("lk"));
	ok(b == -1 && errno == EWOULDBLOCK, "second lock refused at once");
	ok(exists(at("lk.lock")), "the lock file is beside the state");
	/* The lock is on the lock file: a rename of the state changes
	 * nothing. */
	ok(rt_state_save(at("lk"), "x", 1) == 0, "save while locked");
	b = rt_state_lock(at("lk"));
	ok(b == -1, "still locked after the state was replaced");
	close(a);
	b = rt_state_lock(at("lk"));
	ok(b >= 0, "lock free again once closed");
	close(b);
	/* Temporaries: stale ones of this state go, nothing else does. */
	snprintf(name, sizeof name, "cl.tmp.%ld", dead);
	touch(at(name));
	snprintf(name, sizeof name, "cl.tmp.%ld", (long)getpid());
	touch(at(name));
	touch(at("cl.tmp.1"));		/* init: a live process */
	touch(at("cl.tmp.12x"));
	touch(at("cl.tmp."));
	touch(at("cl.tmp.0123"));
	touch(at("clx.tmp.99999999"));
	touch(at("cl.tmp.99999999.bak"));
	mkdir(at("cl.tmp.99999998"), 0755);
	symlink("cl", at("cl.tmp.99999997"));
	a = rt_state_lock(at("cl"));
	ok(a >= 0, "lock cl");
	snprintf(name, sizeof name, "cl.tmp.%ld", dead);
	ok(!exists(at(name)), "a dead run's temporary removed");
	snprintf(name, sizeof name, "cl.tmp.%ld", (long)getpid());
	ok(!exists(at(name)), "our own PID's temporary removed");
	ok(exists(at("cl.tmp.1")), "a live PID's temporary kept");
	ok(exists(at("cl.tmp.12x")) && exists(at("cl.tmp.")) &&
	    exists(at("cl.tmp.0123")) && exists(at("cl.tmp.99999999.bak")),
	    "names not of the pattern kept");
	ok(exists(at("clx.tmp.99999999")), "another state's temporary kept");
	ok(exists(at("cl.tmp.99999998")) && exists(at("cl.tmp.99999997")),
	    "directories and symbolic links kept");
	ok(rt_state_clean(at("nodir/x")) == -1, "clean of a missing directory: -1");
	close(a);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_crc();
	test_check();
	test_lock();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
