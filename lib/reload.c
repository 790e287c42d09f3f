/*
 * reload.c - loading a file again in a thread (see reload.h).
 *
 * The thread sleeps in poll(2) on a pipe: SIGHUP's handler and
 * rt_reload_stop write to it, and with --watch the timeout is the
 * interval at which the file is looked at.  A change seen is let settle
 * (a file written in place is read once its writer has stopped), and a
 * load during which the file changed again is thrown away and done
 * over, so a table is never half of one file and half of the next.
 */
#include "reload.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define SETTLE_MS 50

static int hup_fd = -1;

static void
on_hup(int sig)
{
	int e = errno;

	(void)sig;
	if (hup_fd >= 0)
		(void)!write(hup_fd, "h", 1);
	errno = e;
}

static int
pipe_nb(int p[2])
{
	if (pipe(p) == -1)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
		fcntl(p[i], F_SETFL, O_NONBLOCK);
	}
	return 0;
}

/* Has the file changed from *st (exists: it did exist)? */
static int
changed(const struct stat *a, int ea, const struct stat *b, int eb)
{
	if (ea != eb)
		return 1;
	if (!ea)
		return 0;
	return a->st_ino != b->st_ino || a->st_dev != b->st_dev ||
	    a->st_size != b->st_size ||
	    a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

static int
look(const char *path, struct stat *st)
{
	return stat(path, st) == 0;
}

int
rt_reload_init(struct rt_reload *r, const char *path, int64_t interval,
    rt_reload_fn load, rt_reload_drop_fn drop, void *arg)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->interval = interval;
	r->load = load;
	r->drop = drop;
	r->arg = arg;
	r->wake[0] = r->wake[1] = r->note[0] = r->note[1] = -1;
	atomic_init(&r->ready, 0);
	r->exists = look(path, &r->last);
	if (pipe_nb(r->wake) == -1 || pipe_nb(r->note) == -1)
		return -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return 0;
}

static void
drain(int fd)
{
	char b[64];

	while (read(fd, b, sizeof b) > 0)
		;
}

/* Wait for SIGHUP (1), the interval (0) or stop (-1). */
static int
wait_event(struct rt_reload *r, int ms)
{
	struct pollfd p = { r->wake[0], POLLIN, 0 };
	int k = poll(&p, 1, ms);
	int stop;

	if (k > 0)
		drain(r->wake[0]);
	pthread_mutex_lock(&r->mu);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	if (stop)
		return -1;
	return k > 0;
}

/* Hand the result over and wait until it is taken: 0, or -1 to stop. */
static int
publish(struct rt_reload *r, void *obj)
{
	int stop;

	pthread_mutex_lock(&r->mu);
	r->result = obj;
	atomic_store_explicit(&r->ready, 1, memory_order_release);
	(void)!write(r->note[1], "r", 1);
	while (atomic_load_explicit(&r->ready, memory_order_acquire) &&
	    !r->stop)
		pthread_cond_wait(&r->cv, &r->mu);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	return stop ? -1 : 0;
}

/* Load until a load saw the same file from its start to its end. */
static void *
load_stable(struct rt_reload *r)
{
	struct stat before, after;
	int eb, ea;
	void *obj;

	for (;;) {
		eb = look(r->path, &before);
		r->err[0] = '\0';
		obj = r->load(r->arg, r->err, sizeof r->err);
		ea = look(r->path, &after);
		if (!changed(&before, eb, &after, ea))
			break;
		if (obj)
			r->drop(r->arg, obj);
	}
	r->last = before;
	r->exists = eb;
	return obj;
}

/* A change seen: wait until the file stays as it is for SETTLE_MS.  0
 * when it is back as it was loaded (or gone), 1 to load, -1 to stop. */
static int
settle(struct rt_reload *r, struct stat *st, int *ex)
{
	struct stat now;
	int en, k;

	for (;;) {
		if ((k = wait_event(r, SETTLE_MS)) != 0)
			return k;	/* stop, or SIGHUP: load now */
		en = look(r->path, &now);
		if (!changed(st, *ex, &now, en))
			break;
		*st = now;
		*ex = en;
	}
	if (!*ex) {		/* gone: wait for the next one */
		r->last = *st;
		r->exists = 0;
		return 0;
	}
	return changed(&r->last, r->exists, st, *ex);
}

static void *
loop(void *arg)
{
	struct rt_reload *r = arg;
	int ms = r->interval > 0 ? (int)((r->interval + 999) / 1000) : -1;
	struct stat st;
	int k, ex;

	for (;;) {
		if ((k = wait_event(r, ms)) == -1)
			break;
		if (k == 0) {
			ex = look(r->path, &st);
			if (!changed(&r->last, r->exists, &st, ex))
				continue;
			if ((k = settle(r, &st, &ex)) == -1)
				break;
			if (k == 0)
				continue;
		}
		if (publish(r, load_stable(r)) == -1)
			break;
	}
	return NULL;
}

int
rt_reload_start(struct rt_reload *r)
{
	struct sigaction sa;
	sigset_t all, old;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);	/* signals go to main */
	e = pthread_create(&r->th, NULL, loop, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		errno = e;
		return -1;
	}
	r->running = 1;
	hup_fd = r->wake[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

int
rt_reload_take(struct rt_reload *r, void **obj, const char **err)
{
	int k;

	if (!rt_reload_ready(r))
		return 0;
	pthread_mutex_lock(&r->mu);
	*obj = r->result;
	k = r->result ? 1 : -1;
	*err = r->err[0] ? r->err : "cannot load";
	r->result = NULL;
	drain(r->note[0]);
	atomic_store_explicit(&r->ready, 0, memory_order_release);
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return k;
}

void
rt_reload_stop(struct rt_reload *r)
{
	if (r->running) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_signal(&r->cv);
		pthread_mutex_unlock(&r->mu);
		(void)!write(r->wake[1], "s", 1);
		pthread_join(r->th, NULL);
		r->running = 0;
		hup_fd = -1;
		signal(SIGHUP, SIG_DFL);
	}
	if (r->result)
		r->drop(r->arg, r->result);
	r->result = NULL;
	for (int i = 0; i < 2; i++) {
		if (r->wake[i] >= 0)
			close(r->wake[i]);
		if (r->note[i] >= 0)
			close(r->note[i]);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}
