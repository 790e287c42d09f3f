/*
 * execproc.c - see execproc.h.  The tool and the delivery process talk
 * over a stream socket pair in fixed headers followed by their bytes
 * (both ends are the same program: native layout).  The tool writes
 * requests blocking, which cannot deadlock: the delivery process never
 * blocks but in poll, reads whenever there is something, and keeps its
 * reports until the socket takes them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execproc.h"
#include "mem.h"
#include "sandbox.h"

enum { REQ_SUBMIT = 1, REQ_ADD, REQ_FLUSH };

struct req {
	uint32_t kind, nenv;
	uint64_t tag, len;	/* the item's bytes follow the variables */
	uint64_t envlen;	/* nenv NUL-terminated "NAME=value" */
};

struct rep {
	uint32_t ok, whylen;
	uint64_t tag, len;	/* why, then (failed only) the item */
	uint64_t delivered, retried;
};

/* Write all of b[0, n) to fd, blocking; -1 when the peer is gone. */
static int
send_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read what there is without blocking onto b: 1 read, 0 nothing now,
 * -1 end (or error). */
static int
recv_some(int fd, struct rt_buf *b)
{
	ssize_t r;

	rt_buf_reserve(b, 65536);
	do
		r = recv(fd, b->p + b->len, b->cap - b->len, MSG_DONTWAIT);
	while (r == -1 && errno == EINTR);
	if (r > 0) {
		b->len += (size_t)r;
		return 1;
	}
	if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return -1;
}

/* Drop b's first n bytes. */
static void
consume(struct rt_buf *b, size_t n)
{
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

/* ---- the delivery process ------------------------------------------- */

struct server {
	int fd;
	struct rt_exec x;
	struct rt_buf in, out;
	int eof;
};

static void
report(void *arg, const char *data, size_t n, uint64_t tag, int ok,
    const char *why)
{
	struct server *s = arg;
	struct rep h;

	memset(&h, 0, sizeof h);
	h.ok = (uint32_t)ok;
	h.whylen = (uint32_t)strlen(why ? why : "");
	h.tag = tag;
	h.len = ok ? 0 : n;
	h.delivered = s->x.delivered;
	h.retried = s->x.retried;
	rt_buf_add(&s->out, &h, sizeof h);
	rt_buf_add(&s->out, why ? why : "", h.whylen);
	rt_buf_add(&s->out, data, (size_t)h.len);
}

/* Split a request's variables into a vector (pointers into buf). */
static char **
env_vec(char *buf, size_t len, uint32_t nenv)
{
	char **v = rt_xcalloc((size_t)nenv + 1, sizeof *v);
	size_t off = 0;

	for (uint32_t i = 0; i < nenv && off < len; i++) {
		v[i] = buf + off;
		off += strlen(buf + off) + 1;
	}
	return v;
}

/* Do the whole requests read so far. */
static void
take_requests(struct server *s)
{
	size_t off = 0;
	struct req h;

	while (s->in.len - off >= sizeof h) {
		memcpy(&h, s->in.p + off, sizeof h);
		if (s->in.len - off - sizeof h < h.envlen + h.len)
			break;
		char *env = s->in.p + off + sizeof h, *data = env + h.envlen;

		if (h.kind == REQ_SUBMIT) {
			char **v = env_vec(env, (size_t)h.envlen, h.nenv);

			rt_exec_submit(&s->x, data, (size_t)h.len, v, h.nenv,
			    h.tag);
			free(v);
		} else if (h.kind == REQ_ADD) {
			rt_exec_add(&s->x, data, (size_t)h.len, h.tag);
		} else {
			rt_exec_flush(&s->x);
		}
		off += sizeof h + (size_t)(h.envlen + h.len);
	}
	consume(&s->in, off);
}

/* Send what the socket takes of the reports. */
static void
put_reports(struct server *s)
{
	while (s->out.len > 0) {
		ssize_t w = send(s->fd, s->out.p, s->out.len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {	/* the tool is gone: nobody to tell */
			s->out.len = 0;
			return;
		}
		consume(&s->out, (size_t)w);
	}
}

/* The delivery process's loop; never returns. */
static void
serve(struct server *s)
{
	struct pollfd pfd[64];

	for (;;) {
		int n = 1, timeout = -1;

		if (!s->eof) {
			int r;

			while ((r = recv_some(s->fd, &s->in)) == 1)
				;
			if (r == -1) {
				s->eof = 1;
				rt_exec_flush(&s->x);
			}
			take_requests(s);
		}
		rt_exec_service(&s->x);
		put_reports(s);
		if (s->eof && rt_exec_pending(&s->x) == 0)
			_exit(0);
		pfd[0].fd = s->fd;
		pfd[0].events = (short)((s->eof ? 0 : POLLIN) |
		    (s->out.len ? POLLOUT : 0));
		pfd[0].revents = 0;
		n += rt_exec_pollfds(&s->x, pfd + 1, 63, &timeout);
		if (poll(pfd, (nfds_t)n, timeout) == -1 && errno != EINTR)
			_exit(2);
	}
}

/* In the child: nothing of the tool's but standard error and fd. */
static void
child(int fd, const struct rt_exec *cfg, int confine)
{
	static struct server s;
	struct rt_sandbox sb;
	int null = open("/dev/null", O_RDWR);

	if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(fd, 3) == -1)
		_exit(2);
	close_range(4, ~0U, 0);
	fcntl(3, F_SETFD, FD_CLOEXEC);	/* not the commands' */
	s.fd = 3;
	if (rt_exec_init(&s.x, cfg->argv) == -1)
		_exit(2);
	s.x.timeout_us = cfg->timeout_us;
	s.x.concurrency = cfg->concurrency;
	s.x.retries = cfg->retries;
	s.x.backoff_us = cfg->backoff_us;
	s.x.batch_max = cfg->batch_max;
	s.x.batch_us = cfg->batch_us;
	s.x.done = report;
	s.x.done_arg = &s;
	if (confine) {
		rt_sandbox_init(&sb);
		sb.allow = RT_SB_ALLOW_EXEC | RT_SB_ALLOW_NET | RT_SB_ALLOW_FS;
		(void)rt_sandbox_enter(&sb);	/* the tool warned already,
						 * if it could not */
	}
	serve(&s);
}

/* ---- the tool's side ------------------------------------------------ */

int
rt_execproc_start(struct rt_execproc *p, const struct rt_exec *cfg,
    int confine)
{
	sigset_t set, old;
	int sv[2], e;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	/* The tool's signals are the tool's (it ends the child by closing
	 * the socket): blocked in the child from its first instruction. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	p->pid = fork();
	if (p->pid == 0) {
		close(sv[0]);
		child(sv[1], cfg, confine);
	}
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	if (p->pid == -1) {
		close(sv[0]);
		errno = e;
		return -1;
	}
	p->fd = sv[0];
	return 0;
}

/* Send a request with its variables and item. */
static int
request(struct rt_execproc *p, uint32_t kind, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag)
{
	struct req h;
	size_t at;

	memset(&h, 0, sizeof h);
	h.kind = kind;
	h.nenv = (uint32_t)nenv;
	h.tag = tag;
	h.len = n;
	p->out.len = 0;
	rt_buf_add(&p->out, &h, sizeof h);
	at = p->out.len;
	for (size_t i = 0; i < nenv; i++)
		rt_buf_add(&p->out, env[i], strlen(env[i]) + 1);
	h.envlen = p->out.len - at;
	memcpy(p->out.p, &h, sizeof h);
	rt_buf_add(&p->out, data, n);
	return send_all(p->fd, p->out.p, p->out.len);
}

int
rt_execproc_submit(struct rt_execproc *p, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag)
{
	p->pending++;
	return request(p, REQ_SUBMIT, data, n, env, nenv, tag);
}

int
rt_execproc_add(struct rt_execproc *p, const char *data, size_t n,
    uint64_t tag)
{
	p->pending++;
	p->open = 1;
	return request(p, REQ_ADD, data, n, NULL, 0, tag);
}

int
rt_execproc_flush(struct rt_execproc *p)
{
	if (!p->open)
		return 0;
	p->open = 0;
	return request(p, REQ_FLUSH, NULL, 0, NULL, 0, 0);
}

int
rt_execproc_pollfds(struct rt_execproc *p, struct pollfd *pfd, int max)
{
	if (max < 1 || p->fd < 0)
		return 0;
	pfd[0].fd = p->fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return 1;
}

int
rt_execproc_service(struct rt_execproc *p)
{
	size_t off = 0;
	struct rep h;
	int r;

	while ((r = recv_some(p->fd, &p->in)) == 1)
		;
	while (p->in.len - off >= sizeof h) {
		memcpy(&h, p->in.p + off, sizeof h);
		if (p->in.len - off - sizeof h < h.whylen + h.len)
			break;
		const char *why = p->in.p + off + sizeof h;
		char *w = rt_xmemdup(why, h.whylen + 1);

		w[h.whylen] = '\0';
		p->delivered = h.delivered;
		p->retried = h.retried;
		if (p->pending)
			p->pending--;
		p->done(p->done_arg, why + h.whylen, (size_t)h.len, h.tag,
		    (int)h.ok, w);
		free(w);
		off += sizeof h + h.whylen + (size_t)h.len;
	}
	consume(&p->in, off);
	return r == -1 && p->pending ? -1 : 0;
}

void
rt_execproc_stop(struct rt_execproc *p)
{
	int st;

	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
		while (waitpid(p->pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	rt_buf_release(&p->in);
	rt_buf_release(&p->out);
}
