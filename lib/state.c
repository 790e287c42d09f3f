/*
 * state.c - crash-safe, checked and locked state files (see state.h).
 */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"

#define MAGIC "rtpipe-state "
#define MAGIC_LEN 13
/* " <16 hex length> <8 hex crc>\n" ends the header line. */
#define TAIL_LEN (1 + 16 + 1 + 8 + 1)
#define HEADER_MAX 256

int
rt_state_time_ok(int64_t t)
{
	return t >= RT_STATE_TIME_MIN && t <= RT_STATE_TIME_MAX;
}

/* ---- CRC-32C ------------------------------------------------------------ */

/* Slicing by 8: table[k][b] is the CRC of byte b followed by k zero
 * bytes, so eight bytes cost eight lookups and no loop-carried shift. */
static uint32_t crc_table[8][256];
static int crc_ready;

static void
crc_init(void)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;

		for (int i = 0; i < 8; i++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][b] = c;
	}
	for (uint32_t b = 0; b < 256; b++)
		for (int k = 1; k < 8; k++)
			crc_table[k][b] = (crc_table[k - 1][b] >> 8) ^
			    crc_table[0][crc_table[k - 1][b] & 0xff];
	crc_ready = 1;
}

uint32_t
rt_state_crc32c(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (n >= 8) {
		uint32_t lo = crc ^ ((uint32_t)s[0] | (uint32_t)s[1] << 8 |
		    (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][s[4]] ^ crc_table[2][s[5]] ^
		    crc_table[1][s[6]] ^ crc_table[0][s[7]];
		s += 8;
		n -= 8;
	}
	while (n-- > 0)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *s++) & 0xff];
	return ~crc;
}

/* ---- the header ------------------------------------------------------- */

/* The length of the header line at the start of p[0, n) (newline
 * included) if it has the shape of a version-2 header, else 0. */
static size_t
header_len(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n < HEADER_MAX ? n : HEADER_MAX);
	size_t hl;

	if (nl == NULL || n < MAGIC_LEN + 2 || memcmp(p, MAGIC "2 ",
	    MAGIC_LEN + 2) != 0)
		return 0;
	hl = (size_t)(nl - p) + 1;
	if (hl < MAGIC_LEN + 2 + 1 + 1 + 16 + TAIL_LEN ||
	    p[hl - TAIL_LEN] != ' ' || p[hl - 10] != ' ')
		return 0;
	return hl;
}

/* The CRC a file with header line h[0, hl) and body must carry: of the
 * header up to its crc field, then of the body. */
static uint32_t
file_crc(const char *h, size_t hl, const char *body, size_t n)
{
	return rt_state_crc32c(rt_state_crc32c(0, h, hl - 9), body, n);
}

void
rt_state_header(struct rt_buf *b, const char *tool, const char *config,
    size_t n)
{
	rt_buf_printf(b, MAGIC "%d %s %016llx %016llx %08x\n",
	    RT_STATE_VERSION, tool, (unsigned long long)rt_hash(config, n),
	    0ULL, 0u);
}

/* Parse hex digits p[0, n) into *v; 0, or -1 if they are not all hex. */
static int
hex_field(const char *p, size_t n, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' :
		    p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 : -1;

		if (d < 0)
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return 0;
}

/* The version a file claims, or -1: "rtpipe-state N ". */
static long
file_version(const struct rt_buf *b)
{
	long v = 0;
	size_t i = MAGIC_LEN;

	if (b->len < MAGIC_LEN + 2 || memcmp(b->p, MAGIC, MAGIC_LEN) != 0)
		return -1;
	for (; i < b->len && i < MAGIC_LEN + 6 && b->p[i] >= '0' &&
	    b->p[i] <= '9'; i++)
		v = v * 10 + (b->p[i] - '0');
	return i > MAGIC_LEN && i < b->len && b->p[i] == ' ' ? v : -1;
}

/* Is the header's length and checksum right for the body after it? */
static const char *
check_sum(const struct rt_buf *b, size_t hl)
{
	uint64_t len, crc;

	if (hex_field(b->p + hl - 26, 16, &len) == -1 ||
	    hex_field(b->p + hl - 9, 8, &crc) == -1)
		return "damaged header";
	if (len != b->len - hl)
		return len > b->len - hl ? "damaged: truncated" :
		    "damaged: longer than its header says";
	if (crc != file_crc(b->p, hl, b->p + hl, b->len - hl))
		return "damaged: checksum mismatch";
	return NULL;
}

const char *
rt_state_check(const struct rt_buf *b, const char *tool, const char *config,
    size_t n, size_t *body)
{
	struct rt_buf want = RT_BUF_INIT;
	long v = file_version(b);
	size_t tl = strlen(tool), hl;
	const char *err;

	if (v < 0)
		return "not an rtpipe state file";
	if (v == 1)
		return "format version 1 (without a checksum) is no longer "
		    "read: remove the file to start afresh";
	if (v != RT_STATE_VERSION)
		return "unknown format version (this is version 2)";
	if ((hl = header_len(b->p, b->len)) == 0)
		return "damaged header";
	if ((err = check_sum(b, hl)) != NULL)
		return err;
	if (hl != MAGIC_LEN + 2 + tl + 1 + 16 + TAIL_LEN ||
	    memcmp(b->p + MAGIC_LEN + 2, tool, tl) != 0)
		return "written by another tool";
	rt_state_header(&want, tool, config, n);
	err = memcmp(want.p, b->p, hl - TAIL_LEN) != 0 ?
	    "written with other options" : NULL;
	rt_buf_release(&want);
	if (err == NULL)
		*body = hl;
	return err;
}

/* ---- saving and loading ---------------------------------------------- */

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write data[0, n) to fd, the header's length and checksum filled in. */
static int
write_state(int fd, const char *data, size_t n)
{
	char h[HEADER_MAX + 1];
	size_t hl = header_len(data, n);

	if (hl == 0)
		return write_all(fd, data, n);
	memcpy(h, data, hl);
	snprintf(h + hl - 26, 27, "%016llx %08x\n",
	    (unsigned long long)(n - hl), 0u);
	snprintf(h + hl - 9, 10, "%08x\n", (unsigned)file_crc(h, hl,
	    data + hl, n - hl));
	if (write_all(fd, h, hl) == -1)
		return -1;
	return write_all(fd, data + hl, n - hl);
}

/* fsync the directory holding path, so the rename itself is durable. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? rt_xmemdup(path, (size_t)(slash - path) + 1) :
	    rt_xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	free(dir);
	if (fd == -1)
		return -1;
	if (fsync(fd) == -1 && errno != EINVAL)
		r = -1;
	close(fd);
	return r;
}

int
rt_state_save(const char *path, const void *data, size_t n)
{
	size_t len = strlen(path) + 32;
	char *tmp = rt_xmalloc(len);
	int fd, e;

	snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		goto fail;
	if (write_state(fd, data, n) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		goto fail;
	}
	free(tmp);
	return sync_dir(path);
fail:
	free(tmp);
	return -1;
}

int
rt_state_load(const char *path, struct rt_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	ssize_t r;

	if (fd == -1)
		return -1;
	for (;;) {
		rt_buf_reserve(b, 65536);
		r = read(fd, b->p + b->len, b->cap - b->len);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		b->len += (size_t)r;
	}
	close(fd);
	return 0;
}

/* ---- locking and cleaning ------------------------------------------- */

/* The PID in name if it is base ".tmp." digits, else 0. */
static long
tmp_pid(const char *name, const char *base, size_t bl)
{
	const char *p = name + bl + 5;
	long pid = 0;

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) != 0)
		return 0;
	if (*p == '\0' || *p == '0')
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || pid > 99999999)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return pid;
}

/* May the temporary file of pid go?  Not while pid runs (unless it is
 * us: we hold the lock and are not saving). */
static int
tmp_stale(long pid)
{
	if (pid == (long)getpid())
		return 1;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

int
rt_state_clean(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? rt_xmemdup(path, (size_t)(slash - path) + 1) :
	    rt_xstrdup(".");
	size_t bl = strlen(base);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	free(dir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		long pid = tmp_pid(de->d_name, base, bl);
		struct stat st;

		if (pid == 0 || !tmp_stale(pid) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
rt_state_lock(const char *path)
{
	size_t len = strlen(path) + 8;
	char *lk = rt_xmalloc(len);
	int fd, e;

	snprintf(lk, len, "%s.lock", path);
	fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	free(lk);
	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		e = errno;
		close(fd);
		errno = e == EAGAIN ? EWOULDBLOCK : e;
		return -1;
	}
	(void)rt_state_clean(path);
	return fd;
}
