/*
 * exec.c - see exec.h.  Each job is an item or a batch of items waiting
 * (until not_before), or a running child with a pipe on its standard
 * input and a deadline.
 * Children are reaped by pid with WNOHANG; a SIGCHLD writes a byte to a
 * self-pipe so that a caller blocked in poll wakes up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "mem.h"

extern char **environ;

volatile sig_atomic_t rt_exec_wake;
static int chld_fd = -1;

struct rt_exec_job {
	char *data;
	size_t n, off;		/* bytes written to the child so far */
	size_t cap;		/* of data */
	size_t *ioff;		/* item i is data[ioff[i], ioff[i + 1]) */
	uint64_t *itag;
	size_t nitem, capitem;
	char **env;		/* NULL-terminated: environ plus additions */
	char **extra;		/* the additions (owned) */
	size_t nextra;
	int attempts;
	int64_t not_before;	/* waiting: start no earlier (us) */
	pid_t pid;		/* running: > 0 */
	int in;			/* running: write end of its stdin, or -1 */
	int64_t deadline;	/* running: kill after (0: none) */
	int killed;
	char why[96];		/* the last attempt's failure */
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
on_chld(int sig)
{
	int e = errno;
	char c = 0;

	(void)sig;
	rt_exec_wake = 1;
	if (chld_fd >= 0 && write(chld_fd, &c, 1) == -1) {
		/* The pipe is full: a wake-up is pending anyway. */
	}
	errno = e;
}

int
rt_exec_init(struct rt_exec *x, char **argv)
{
	struct sigaction sa;

	memset(x, 0, sizeof *x);
	x->argv = argv;
	x->concurrency = 1;
	x->batch_max = 1;
	if (pipe2(x->sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	chld_fd = x->sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
job_free(struct rt_exec_job *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->nextra; i++)
		free(j->extra[i]);
	free(j->extra);
	free(j->env);
	free(j->data);
	free(j->ioff);
	free(j->itag);
	free(j);
}

static struct rt_exec_job *
job_new(void)
{
	struct rt_exec_job *j = rt_xcalloc(1, sizeof *j);

	j->in = -1;
	j->ioff = rt_xcalloc(2, sizeof *j->ioff);
	j->itag = rt_xcalloc(1, sizeof *j->itag);
	j->capitem = 1;
	return j;
}

/* Append an item to j. */
static void
job_item(struct rt_exec_job *j, const char *data, size_t n, uint64_t tag)
{
	if (j->n + n + 1 > j->cap) {
		j->cap = j->n + n + 1 > 2 * j->cap ? j->n + n + 1 : 2 * j->cap;
		j->data = rt_xreallocarray(j->data, j->cap, 1);
	}
	memcpy(j->data + j->n, data, n);
	j->n += n;
	j->data[j->n] = '\0';
	if (j->nitem == j->capitem) {
		j->capitem *= 2;
		j->ioff = rt_xreallocarray(j->ioff, j->capitem + 1,
		    sizeof *j->ioff);
		j->itag = rt_xreallocarray(j->itag, j->capitem,
		    sizeof *j->itag);
	}
	j->itag[j->nitem++] = tag;
	j->ioff[j->nitem] = j->n;
}

/* The child's environment: ours, with env[0, nenv) added (they win over
 * inherited variables of the same name). */
static void
job_env(struct rt_exec_job *j, char *const *env, size_t nenv)
{
	size_t ne = 0, i;

	j->extra = rt_xcalloc(nenv + 1, sizeof *j->extra);
	for (i = 0; i < nenv; i++)
		j->extra[i] = rt_xstrdup(env[i]);
	j->nextra = nenv;
	while (environ && environ[ne])
		ne++;
	j->env = rt_xcalloc(ne + nenv + 1, sizeof *j->env);
	ne = 0;
	for (i = 0; environ && environ[i]; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t k, nl = eq ? (size_t)(eq - environ[i]) + 1 : 0;

		for (k = 0; nl && k < nenv; k++)
			if (strncmp(env[k], environ[i], nl) == 0)
				break;
		if (!nl || k == nenv)
			j->env[ne++] = environ[i];
	}
	for (i = 0; i < nenv; i++)
		j->env[ne++] = j->extra[i];
}

/* Tell the caller how each item of j ended. */
static void
job_done(struct rt_exec *x, struct rt_exec_job *j, int ok, const char *why)
{
	for (size_t i = 0; i < j->nitem; i++)
		x->done(x->done_arg, j->data + j->ioff[i], j->ioff[i + 1] -
		    j->ioff[i], j->itag[i], ok, why);
}

static void
queue(struct rt_exec *x, struct rt_exec_job *j)
{
	if (x->nq == x->capq) {
		x->capq = x->capq ? 2 * x->capq : 16;
		x->q = rt_xreallocarray(x->q, x->capq,
		    sizeof(struct rt_exec_job *));
	}
	x->q[x->nq++] = j;
}

/* Split on blanks: no quoting, no shell. */
char **
rt_exec_split(const char *s)
{
	/* Leading blanks go first, so that v[0] is the start of the copy,
	 * which the caller frees. */
	char *copy = rt_xstrdup(s + strspn(s, " \t")), *tok, *save = NULL;
	char **v = NULL;
	size_t n = 0;

	for (tok = strtok_r(copy, " \t", &save); tok;
	    tok = strtok_r(NULL, " \t", &save)) {
		v = rt_xreallocarray(v, n + 2, sizeof *v);
		v[n++] = tok;
		v[n] = NULL;
	}
	if (n == 0)
		free(copy);
	return v;
}

const char *
rt_exec_check(const char *cmd)
{
	const char *path = getenv("PATH"), *p, *e;
	struct stat st;
	char buf[4096];
	int denied = 0;

	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) == -1)
			return strerror(errno);
		if (S_ISDIR(st.st_mode))
			return strerror(EISDIR);
		return access(cmd, X_OK) == 0 ? NULL : strerror(errno);
	}
	if (*cmd == '\0')
		return "command not found";
	/* As posix_spawnp searches: each PATH entry ("" is "."). */
	for (p = path ? path : "/bin:/usr/bin"; ; p = e + 1) {
		size_t dl;

		e = strchr(p, ':');
		dl = e ? (size_t)(e - p) : strlen(p);
		if (snprintf(buf, sizeof buf, "%.*s%s%s", (int)dl, p,
		    dl ? "/" : "", cmd) < (int)sizeof buf &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return NULL;
			denied = 1;
		}
		if (e == NULL)
			break;
	}
	return denied ? strerror(EACCES) : "command not found";
}

void
rt_exec_release(struct rt_exec *x)
{
	job_free(x->open);
	x->open = NULL;
	for (size_t i = 0; i < x->nq; i++)
		job_free(x->q[i]);
	free(x->q);
	x->q = NULL;
	x->nq = 0;
	signal(SIGCHLD, SIG_DFL);
	chld_fd = -1;
	close(x->sigpipe[0]);
	close(x->sigpipe[1]);
}

void
rt_exec_submit(struct rt_exec *x, const char *data, size_t n,
    char *const *env, size_t nenv, uint64_t tag)
{
	struct rt_exec_job *j = job_new();

	job_item(j, data, n, tag);
	job_env(j, env, nenv);
	queue(x, j);
	rt_exec_service(x);
}

/* Move the open batch to the queue. */
static void
queue_open(struct rt_exec *x)
{
	char count[40];
	char *env[1] = { count };

	if (x->open == NULL)
		return;
	snprintf(count, sizeof count, "RT_ALERT_COUNT=%zu", x->open->nitem);
	job_env(x->open, env, 1);
	queue(x, x->open);
	x->open = NULL;
}

void
rt_exec_add(struct rt_exec *x, const char *data, size_t n, uint64_t tag)
{
	int64_t now = x->batch_us ? now_us() : 0;

	if (x->open == NULL) {
		x->open = job_new();
		x->open_since = now;
	}
	job_item(x->open, data, n, tag);
	if (x->open->nitem >= x->batch_max ||
	    (x->batch_us && now - x->open_since >= x->batch_us))
		rt_exec_flush(x);
}

void
rt_exec_flush(struct rt_exec *x)
{
	if (x->open == NULL)
		return;
	queue_open(x);
	rt_exec_service(x);
}

/* Start j; on failure to spawn, j->why is set and -1 returned. */
static int
start(struct rt_exec *x, struct rt_exec_job *j, int64_t now)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int p[2], e;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(j->why, sizeof j->why, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	/* The child's output goes to our standard error: standard output
	 * belongs to the pipeline. */
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGCHLD);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawnp(&pid, x->argv[0], &fa, &at, x->argv, j->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[0]);
	if (e != 0) {
		close(p[1]);
		snprintf(j->why, sizeof j->why, "cannot run %.40s: %s",
		    x->argv[0], strerror(e));
		return -1;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	j->pid = pid;
	j->in = p[1];
	j->off = 0;
	j->killed = 0;
	j->deadline = x->timeout_us ? now + x->timeout_us : 0;
	x->running++;
	x->started++;
	return 0;
}

/* Write what the child's pipe takes. */
static void
feed(struct rt_exec_job *j)
{
	while (j->in >= 0 && j->off < j->n) {
		ssize_t w = write(j->in, j->data + j->off, j->n - j->off);

		if (w > 0) {
			j->off += (size_t)w;
		} else if (w == -1 && errno == EINTR) {
			continue;
		} else if (w == -1 && errno == EAGAIN) {
			return;
		} else {
			/* EPIPE: the child does not read; its exit status
			 * says whether the delivery worked. */
			break;
		}
	}
	if (j->in >= 0) {
		close(j->in);
		j->in = -1;
	}
}

/* j failed (why is set): retry later, or give up.  Returns 1 when it is
 * finished (remove it). */
static int
failed(struct rt_exec *x, struct rt_exec_job *j, int64_t now)
{
	j->attempts++;
	if (j->attempts <= x->retries) {
		int64_t d = x->backoff_us;

		for (int i = 1; i < j->attempts && d < INT64_MAX / 4; i++)
			d *= 2;
		j->not_before = now + d;
		x->retried++;
		return 0;
	}
	{
		size_t l = strlen(j->why);

		snprintf(j->why + l, sizeof j->why - l, " (%d attempt%s)",
		    j->attempts, j->attempts == 1 ? "" : "s");
	}
	x->failed += j->nitem;
	job_done(x, j, 0, j->why);
	return 1;
}

void
rt_exec_service(struct rt_exec *x)
{
	char drain[64];
	int64_t now = now_us();
	size_t i, k;

	rt_exec_wake = 0;
	while (read(x->sigpipe[0], drain, sizeof drain) > 0)
		;
	if (x->open && x->batch_us && now - x->open_since >= x->batch_us)
		queue_open(x);
	for (i = 0; i < x->nq; i++) {
		struct rt_exec_job *j = x->q[i];
		int st, fin = 0;
		pid_t r;

		if (j->pid <= 0)
			continue;
		feed(j);
		r = waitpid(j->pid, &st, WNOHANG);
		if (r == j->pid) {
			x->running--;
			j->pid = 0;
			if (j->in >= 0) {
				close(j->in);
				j->in = -1;
			}
			if (j->killed) {
				snprintf(j->why, sizeof j->why, "timed out "
				    "after %lld ms",
				    (long long)(x->timeout_us / 1000));
				fin = failed(x, j, now);
			} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
				x->delivered += j->nitem;
				job_done(x, j, 1, NULL);
				fin = 1;
			} else {
				if (WIFEXITED(st))
					snprintf(j->why, sizeof j->why,
					    "exit status %d", WEXITSTATUS(st));
				else
					snprintf(j->why, sizeof j->why,
					    "killed by signal %d",
					    WTERMSIG(st));
				fin = failed(x, j, now);
			}
		} else if (j->deadline && now >= j->deadline && !j->killed) {
			kill(j->pid, SIGKILL);
			j->killed = 1;
		}
		if (fin) {
			job_free(j);
			x->q[i] = NULL;
		}
	}
	for (i = k = 0; i < x->nq; i++)
		if (x->q[i])
			x->q[k++] = x->q[i];
	x->nq = k;
	/* Start waiting items, oldest first. */
	for (i = 0; i < x->nq && x->running < x->concurrency; i++) {
		struct rt_exec_job *j = x->q[i];

		if (j->pid > 0 || j->not_before > now)
			continue;
		if (start(x, j, now) == 0) {
			feed(j);
		} else if (failed(x, j, now)) {
			job_free(j);
			memmove(&x->q[i], &x->q[i + 1],
			    (x->nq - i - 1) * sizeof(struct rt_exec_job *));
			x->nq--;
			i--;
		}
	}
}

int
rt_exec_pollfds(struct rt_exec *x, struct pollfd *pfd, int max,
    int *timeout_ms)
{
	int64_t now = now_us(), next = -1;
	int n = 0;

	if (n < max) {
		pfd[n].fd = x->sigpipe[0];
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	for (size_t i = 0; i < x->nq; i++) {
		struct rt_exec_job *j = x->q[i];
		int64_t due = 0;

		if (j->pid > 0) {
			if (j->in >= 0 && n < max) {
				pfd[n].fd = j->in;
				pfd[n].events = POLLOUT;
				pfd[n].revents = 0;
				n++;
			}
			/* Poll for exits too: a SIGCHLD may come before
			 * the poll starts. */
			due = j->deadline && !j->killed ? j->deadline :
			    now + 1000000;
		} else if (x->running < x->concurrency) {
			due = j->not_before;
		} else {
			continue;
		}
		if (next < 0 || due < next)
			next = due;
	}
	if (x->open && x->batch_us && (next < 0 ||
	    x->open_since + x->batch_us < next))
		next = x->open_since + x->batch_us;
	if (next < 0)
		*timeout_ms = -1;
	else
		*timeout_ms = next <= now ? 0 : (int)((next - now + 999) / 1000);
	return n;
}
