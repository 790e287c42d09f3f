/*
 * reload.h - a file loaded again when asked (SIGHUP) or when it changes
 * (its inode, size or modification time, looked at every interval): a
 * thread waits in poll(2) (no busy loop), loads the file with the
 * caller's function while the records go on, and hands the result over;
 * the main thread takes it between two records.  rt-join(1), "Reloading".
 */
#ifndef RT_RELOAD_H
#define RT_RELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Load path: the new object, or NULL with a reason in err[0, errlen).
 * Runs in the reload thread. */
typedef void *(*rt_reload_fn)(void *arg, char *err, size_t errlen);
/* Free an object load made that nobody took. */
typedef void (*rt_reload_drop_fn)(void *arg, void *obj);

struct rt_reload {
	const char *path;		/* borrowed */
	int64_t interval;		/* microseconds; 0: SIGHUP only */
	rt_reload_fn load;
	rt_reload_drop_fn drop;
	void *arg;
	pthread_t th;
	int running;
	int wake[2];			/* SIGHUP and stop wake the thread */
	int note[2];			/* readable: a result is ready */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int ready;		/* a result waits to be taken */
	int stop;
	void *result;			/* NULL: the load failed (err) */
	char err[512];
	struct stat last;		/* the file as last loaded */
	int exists;
};

/* Note how path is now (before the first load, so that a change made
 * during it is seen) and make the pipes.  0, or -1 with errno. */
int rt_reload_init(struct rt_reload *r, const char *path, int64_t interval,
    rt_reload_fn load, rt_reload_drop_fn drop, void *arg);

/* Start the thread (after the sandbox: it inherits it) and make SIGHUP
 * wake it.  One reloader per process.  0, or -1 with errno. */
int rt_reload_start(struct rt_reload *r);

/* A result waits (cheap: one atomic load, for every record). */
static inline int
rt_reload_ready(struct rt_reload *r)
{
	return atomic_load_explicit(&r->ready, memory_order_acquire);
}

/* The descriptor that is readable while a result waits (for poll). */
static inline int
rt_reload_fd(const struct rt_reload *r)
{
	return r->note[0];
}

/* Take the waiting result: 1 and *obj (now the caller's), -1 when the
 * load failed (*err: why, valid until the next call), 0 when none. */
int rt_reload_take(struct rt_reload *r, void **obj, const char **err);

/* Stop the thread (a load under way is finished first), drop a result
 * not taken, close the pipes. */
void rt_reload_stop(struct rt_reload *r);

#endif
