/*
 * child.h - run a piece of a unit test in a child process, for the lib
 * functions that print and exit (cli.h and what builds on it): standard
 * input from given bytes, standard output and error caught in files, the
 * exit status and both streams handed back.  The files are removed.
 */
#ifndef RT_CHILD_H
#define RT_CHILD_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

struct child {
	int status;		/* exit status; -1 if killed or not run */
	struct rt_buf out, err;	/* NUL-terminated by child_run */
};

/* The whole of file path appended to b, NUL-terminated. */
static inline void
child_slurp(const char *path, struct rt_buf *b)
{
	int fd = open(path, O_RDONLY);

	b->len = 0;
	if (fd >= 0) {
		rt_buf_read_fd(b, fd);
		close(fd);
	}
	rt_buf_cstr(b);
}

static inline int
child_tmp(char *path, size_t n, const char *what)
{
	snprintf(path, n, "/tmp/t_child.%s.XXXXXX", what);
	return mkstemp(path);
}

/* Run fn(arg) in a child with in[0, inlen) on standard input (NULL: the
 * child's standard input is /dev/null); stdout "/dev/full" when full is
 * set.  fn returning is exit 0.  0, or -1 when the child could not be
 * started. */
static inline int
child_run_ex(struct child *r, void (*fn)(void *), void *arg, const char *in,
    size_t inlen, int full)
{
	char ip[64], op[64], ep[64];
	int ifd = child_tmp(ip, sizeof ip, "in");
	int ofd = child_tmp(op, sizeof op, "out");
	int efd = child_tmp(ep, sizeof ep, "err");
	pid_t pid;
	int st;

	r->status = -1;
	if (ifd < 0 || ofd < 0 || efd < 0)
		return -1;
	if (in && write(ifd, in, inlen) != (ssize_t)inlen)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		int i = in ? open(ip, O_RDONLY) : open("/dev/null", O_RDONLY);
		int o = full ? open("/dev/full", O_WRONLY) : ofd;

		if (i < 0 || o < 0)
			_exit(99);
		dup2(i, 0);
		dup2(o, 1);
		dup2(efd, 2);
		fn(arg);
		exit(0);
	}
	if (waitpid(pid, &st, 0) != -1 && WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	close(ifd);
	close(ofd);
	close(efd);
	child_slurp(op, &r->out);
	child_slurp(ep, &r->err);
	unlink(ip);
	unlink(op);
	unlink(ep);
	return 0;
}

static inline int
child_run(struct child *r, void (*fn)(void *), void *arg, const char *in)
{
	return child_run_ex(r, fn, arg, in, in ? strlen(in) : 0, 0);
}

static inline void
child_release(struct child *r)
{
	rt_buf_release(&r->out);
	rt_buf_release(&r->err);
}

#endif
