/*
 * state.c - crash-safe state files (see state.h).
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "mem.h"

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
	if (write_all(fd, data, n) == -1 || fsync(fd) == -1) {
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

void
rt_state_header(struct rt_buf *b, const char *tool, const char *config,
    size_t n)
{
	rt_buf_printf(b, "rtpipe-state 1 %s %016llx\n", tool,
	    (unsigned long long)rt_hash(config, n));
}

const char *
rt_state_check(const struct rt_buf *b, const char *tool, const char *config,
    size_t n, size_t *body)
{
	struct rt_buf want = RT_BUF_INIT;
	const char *nl = b->len ? memchr(b->p, '\n', b->len) : NULL;
	const char *err = NULL;
	size_t tl = strlen(tool), hl;

	if (nl == NULL || b->len < 15 || memcmp(b->p, "rtpipe-state 1 ", 15) != 0)
		return "not an rtpipe state file";
	hl = (size_t)(nl - b->p) + 1;
	if (hl < 15 + tl + 1 || memcmp(b->p + 15, tool, tl) != 0 ||
	    b->p[15 + tl] != ' ')
		return "written by another tool";
	rt_state_header(&want, tool, config, n);
	if (want.len != hl || memcmp(want.p, b->p, hl) != 0)
		err = "written with other options";
	rt_buf_release(&want);
	if (err == NULL)
		*body = hl;
	return err;
}
