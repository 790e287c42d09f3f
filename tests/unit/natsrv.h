/*
 * natsrv.h - a nats-server of a unit test's own, for the tests of the
 * nats modules: on 127.0.0.1 at a free port, JetStream with its store
 * and log in a mkdtemp(3) directory, a user and password if asked.  At
 * exit, after a timeout (60 s) or on SIGINT or SIGTERM the server is
 * stopped and the directory removed; it dies with the test in any case
 * (PR_SET_PDEATHSIG).  The test defines _XOPEN_SOURCE 700 (nftw) before
 * its first #include.
 */
#ifndef RT_NATSRV_H
#define RT_NATSRV_H

#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 500
#error "natsrv.h: define _XOPEN_SOURCE 700 (nftw) before any #include"
#endif

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The server: its process, port and directory (store and log).  url
 * connects (with the user and password in it, if any), bare is the same
 * without them. */
static struct {
	pid_t pid, owner;
	int port;
	const char *user, *pass;	/* NULL: no authentication */
	char dir[64], url[160], bare[96];
} natsrv;

/* A port nothing listens on now (the kernel's pick for port 0), or
 * -1. */
static inline int
natsrv_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &n) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static inline int
natsrv_accepting(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), k;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	k = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (fd >= 0)
		close(fd);
	return k;
}

/* In the child: run nats-server on port; the log goes to natsrv.dir/log.
 * It dies with this process (PR_SET_PDEATHSIG), whatever becomes of the
 * test. */
static inline void
natsrv_exec(int port)
{
	char p[16], sd[96], log[96];
	const char *argv[16] = { "nats-server", "-a", "127.0.0.1", "-p", p,
	    "-js", "-sd", sd };
	int fd, n = 8;

	snprintf(p, sizeof p, "%d", port);
	snprintf(sd, sizeof sd, "%s/js", natsrv.dir);
	snprintf(log, sizeof log, "%s/log", natsrv.dir);
	if (natsrv.user) {
		argv[n++] = "--user";
		argv[n++] = natsrv.user;
		argv[n++] = "--pass";
		argv[n++] = natsrv.pass;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/* Start the server on port (0: a free one) and wait until it accepts
 * connections; natsrv.port, url and bare say where.  0, or -1. */
static inline int
natsrv_start(int port)
{
	int tries, i, st;

	for (tries = 0; tries < 5; tries++) {
		natsrv.port = port ? port : natsrv_free_port();
		if (natsrv.port <= 0 || (natsrv.pid = fork()) == -1)
			return -1;
		if (natsrv.pid == 0)
			natsrv_exec(natsrv.port);
		for (i = 0; i < 1000; i++) {	/* 10 s */
			if (natsrv_accepting(natsrv.port))
				break;
			if (waitpid(natsrv.pid, &st, WNOHANG) == natsrv.pid) {
				natsrv.pid = 0;	/* the port was taken? */
				break;
			}
			usleep(10000);
		}
		if (natsrv.pid > 0 && i < 1000)
			break;
		if (natsrv.pid > 0)
			kill(natsrv.pid, SIGKILL);
		natsrv.pid = 0;
	}
	snprintf(natsrv.bare, sizeof natsrv.bare, "nats://127.0.0.1:%d",
	    natsrv.port);
	if (natsrv.user)
		snprintf(natsrv.url, sizeof natsrv.url,
		    "nats://%s:%s@127.0.0.1:%d", natsrv.user, natsrv.pass,
		    natsrv.port);
	else
		snprintf(natsrv.url, sizeof natsrv.url, "%s", natsrv.bare);
	return natsrv.pid > 0 ? 0 : -1;
}

/* Stop the server (SIGTERM), also one a test stopped (SIGSTOP), and
 * wait for it.  The directory stays, for natsrv_start on the same
 * port. */
static inline void
natsrv_stop(void)
{
	if (natsrv.pid <= 0)
		return;
	kill(natsrv.pid, SIGTERM);
	kill(natsrv.pid, SIGCONT);
	waitpid(natsrv.pid, NULL, 0);
	natsrv.pid = 0;
}

static inline int
natsrv_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* At exit, also after a failed check: the server stopped, its
 * directory removed.  Not in a child (one that forked and exits). */
static inline void
natsrv_cleanup(void)
{
	if (getpid() != natsrv.owner)
		return;
	natsrv_stop();
	if (natsrv.dir[0])
		nftw(natsrv.dir, natsrv_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A test that hangs (or is interrupted): the server killed and its
 * directory removed all the same, with async-signal-safe calls only,
 * and a failed exit.  A child (child.h's) just ends. */
static inline void
natsrv_on_alarm(int sig)
{
	static const char msg[] = "Bail out! timed out or interrupted\n";
	pid_t pid;

	(void)sig;
	if (getpid() != natsrv.owner)
		_exit(124);
	(void)!write(STDOUT_FILENO, msg, sizeof msg - 1);
	if (natsrv.pid > 0) {
		kill(natsrv.pid, SIGKILL);
		waitpid(natsrv.pid, NULL, 0);
	}
	if ((pid = fork()) == 0) {
		execlp("rm", "rm", "-rf", natsrv.dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	_exit(1);
}

/* Once, before the first check that needs it: the directory
 * /tmp/NAME.XXXXXX made, the cleanup at exit and the signal handlers in
 * place, a 60 s alarm set, and the server started on a free port, with
 * user and password (both static, or NULL for none).  0, or -1. */
static inline int
natsrv_setup(const char *name, const char *user, const char *pass)
{
	natsrv.owner = getpid();
	natsrv.user = user;
	natsrv.pass = pass;
	snprintf(natsrv.dir, sizeof natsrv.dir, "/tmp/%s.XXXXXX", name);
	if (mkdtemp(natsrv.dir) == NULL) {
		natsrv.dir[0] = '\0';
		return -1;
	}
	atexit(natsrv_cleanup);
	signal(SIGALRM, natsrv_on_alarm);
	signal(SIGINT, natsrv_on_alarm);
	signal(SIGTERM, natsrv_on_alarm);
	alarm(60);
	return natsrv_start(0);
}

#endif
