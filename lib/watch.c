/*
 * watch.c - periodic reports of a running tool (see watch.h).
 */
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "json.h"
#include "mem.h"
#include "rtime.h"

volatile sig_atomic_t rt_watch_due;

#define TICK_US 1000000		/* the stats file and progress: each second */

static void
on_alarm(int sig)
{
	(void)sig;
	rt_watch_due = 1;
}

static void
arm(int64_t us)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	it.it_interval.tv_sec = us / 1000000;
	it.it_interval.tv_usec = us % 1000000;
	it.it_value = it.it_interval;
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *
dir_file(struct rt_watch *w, const char *name)
{
	size_t n = strlen(w->dir) + strlen(name) + 48;

	if (access(w->dir, W_OK | X_OK) == -1)
		return strerror(errno);
	w->path = rt_xmalloc(n);
	w->tmp = rt_xmalloc(n + 8);
	snprintf(w->path, n, "%s/%s.%ld.json", w->dir, name, (long)getpid());
	snprintf(w->tmp, n + 8, "%s.tmp", w->path);
	return NULL;
}

const char *
rt_watch_start(struct rt_watch *w, const char *name)
{
	struct sigaction sa;
	const char *why;
	int64_t tick = TICK_US;

	w->name = name;
	w->statm = -1;
	w->tty = w->progress && isatty(STDERR_FILENO);
	if (w->every == 0 && w->dir == NULL && !w->tty)
		return NULL;
	if (w->dir && (why = dir_file(w, name)) != NULL)
		return why;
	w->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	w->started = rt_time_now_us();
	w->last_wall = w->started;
	w->next_every = w->started + w->every;
	if (w->every && (w->every < tick || (w->dir == NULL && !w->tty)))
		tick = w->every;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);	/* no SA_RESTART: a blocked read returns */
	sigaction(SIGALRM, &sa, NULL);
	arm(tick);
	w->on = 1;
	return NULL;
}

const char *
rt_watch_file(const struct rt_watch *w)
{
	return w->path;
}

static void
say(const struct rt_buf *b)
{
	ssize_t r;

	do
		r = write(STDERR_FILENO, b->p, b->len);
	while (r < 0 && errno == EINTR);
}

/* Resident memory in KiB, or 0. */
static uint64_t
rss_kb(const struct rt_watch *w)
{
	char s[128];
	unsigned long long size, res;
	ssize_t n = w->statm < 0 ? -1 : pread(w->statm, s, sizeof s - 1, 0);

	if (n <= 0)
		return 0;
	s[n] = '\0';
	if (sscanf(s, "%llu %llu", &size, &res) != 2)
		return 0;
	return res * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024);
}

/* The stats file: written whole to a temporary, then renamed over. */
static void
put_file(struct rt_watch *w, const struct rt_watch_info *wi, int final,
    int64_t now)
{
	struct rt_buf *b = &w->b;
	int fd;

	b->len = 0;
	rt_buf_adds(b, "{\"name\":");
	rt_json_put_str(b, w->name, strlen(w->name));
	rt_buf_printf(b, ",\"pid\":%ld,\"state\":\"%s\",\"started\":%lld,"
	    "\"updated\":%lld,\"rate\":%.0f,\"rss_kb\":%llu", (long)getpid(),
	    final ? "done" : "running", (long long)(w->started / 1000),
	    (long long)(now / 1000), w->rate,
	    (unsigned long long)rss_kb(w));
	if (wi->evtime != INT64_MIN)
		rt_buf_printf(b, ",\"lag_ms\":%lld",
		    (long long)((now - wi->evtime) / 1000));
	if (wi->total > 0)
		rt_buf_printf(b, ",\"progress\":%.4f",
		    (double)wi->done / (double)wi->total);
	rt_buf_adds(b, ",\"stats\":");
	rt_stats_json(wi->st, b);
	rt_buf_adds(b, "}\n");
	fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;		/* a lost report is not lost data */
	if (write(fd, b->p, b->len) == (ssize_t)b->len)
		(void)rename(w->tmp, w->path);
	else
		(void)unlink(w->tmp);
	close(fd);
}

/* "rt-clean: 43% 1234567 records 850000/s ETA 0:12" over itself. */
static void
put_progress(struct rt_watch *w, const struct rt_watch_info *wi,
    int final)
{
	struct rt_buf *b = &w->b;
	char t[40];

	b->len = 0;
	rt_buf_adds(b, "\r\033[K");
	if (!final) {
		rt_buf_printf(b, "%s: ", wi->st->tool);
		if (wi->total > 0)
			rt_buf_printf(b, "%.0f%% ", 100.0 * (double)wi->done /
			    (double)wi->total);
		if (wi->nfiles > 1)
			rt_buf_printf(b, "(file %d of %d) ", wi->file,
			    wi->nfiles);
		rt_buf_printf(b, "%llu records, %.0f/s",
		    (unsigned long long)wi->st->in, w->rate);
		if (wi->total > 0 && w->rate > 0 && wi->st->in > 0) {
			double per = (double)wi->done / (double)wi->st->in;
			double left = (double)(wi->total - wi->done) / per /
			    w->rate;

			rt_buf_printf(b, ", ETA %d:%02d", (int)left / 60,
			    (int)left % 60);
		}
		if (wi->evtime != INT64_MIN) {
			rt_time_fmt(wi->evtime, 0, t);
			rt_buf_printf(b, ", at %s", t);
		}
	}
	say(b);
	w->shown = !final;
}

void
rt_watch_tick(struct rt_watch *w, const struct rt_watch_info *wi, int final)
{
	int64_t now;

	rt_watch_due = 0;
	if (!w->on)
		return;
	now = rt_time_now_us();
	if (now > w->last_wall) {
		w->rate = (double)(wi->st->in - w->last_in) * 1e6 /
		    (double)(now - w->last_wall);
		w->last_in = wi->st->in;
		w->last_wall = now;
	}
	if (w->every && !final && now >= w->next_every) {
		w->b.len = 0;
		rt_stats_json(wi->st, &w->b);
		rt_buf_addc(&w->b, '\n');
		if (w->shown)
			put_progress(w, wi, 1);
		say(&w->b);
		while (w->next_every <= now)
			w->next_every += w->every;
	}
	if (w->path)
		put_file(w, wi, final, now);
	if (w->tty && (!final || w->shown))
		put_progress(w, wi, final);
}

void
rt_watch_release(struct rt_watch *w)
{
	if (w->on)
		arm(0);
	/* A watch never started is all zeros: its statm is no descriptor. */
	if (w->on && w->statm >= 0)
		close(w->statm);
	free(w->path);
	free(w->tmp);
	rt_buf_release(&w->b);
	memset(w, 0, sizeof *w);
	w->statm = -1;
}
