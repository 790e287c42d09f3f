/*
 * t_reload.c - loading a file again (lib/reload.c): on SIGHUP, on a
 * change seen by --watch (a file renamed over, one written in place),
 * a failed load, a file that goes away and comes back, and stopping
 * with a result nobody took.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reload.h"
#include "tap.h"

static char dir[] = "/tmp/t_reload.XXXXXX";
static char path[256];
static int loads, drops;

/* The object is the file's first line, or a failure when it is "bad". */
static void *
load(void *arg, char *err, size_t errlen)
{
	char line[64] = "";
	FILE *f = fopen(path, "r");

	(void)arg;
	loads++;
	if (f == NULL || fgets(line, sizeof line, f) == NULL ||
	    strncmp(line, "bad", 3) == 0) {
		snprintf(err, errlen, "cannot read '%s'", path);
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

static void
drop(void *arg, void *obj)
{
	(void)arg;
	drops++;
	free(obj);
}

static void
put(const char *text, int by_rename)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(by_rename ? tmp : path, "w");
	fputs(text, f);
	fclose(f);
	if (by_rename)
		rename(tmp, path);
}

/* Wait (up to 3 s) for a result: 1 and *s (freed by the caller), -1 and
 * the reason, 0 none. */
static int
wait_take(struct rt_reload *r, char **s, const char **err)
{
	struct pollfd p = { rt_reload_fd(r), POLLIN, 0 };
	void *obj = NULL;
	int k;

	if (poll(&p, 1, 3000) <= 0)
		return 0;
	k = rt_reload_take(r, &obj, err);
	*s = obj;
	return k;
}

int
main(void)
{
	struct rt_reload r;
	const char *err;
	char *s = NULL;
	void *obj;
	int k;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/table", dir);
	put("one\n", 0);
	ok(rt_reload_init(&r, path, 20000, load, drop, NULL) == 0 &&
	    rt_reload_start(&r) == 0, "started, looking every 20ms");
	ok(!rt_reload_ready(&r) && rt_reload_take(&r, &obj, &err) == 0,
	    "nothing to take at first");
	kill(getpid(), SIGHUP);
	ok(wait_take(&r, &s, &err) == 1 && s && strcmp(s, "one") == 0,
	    "SIGHUP: loaded again");
	free(s);
	put("two\n", 1);
	ok(wait_take(&r, &s, &err) == 1 && s && strcmp(s, "two") == 0,
	    "renamed over: loaded");
	free(s);
	{
		/* Written in place with the same size, a second later. */
		struct timespec ts = { 1, 100000000 };

		nanosleep(&ts, NULL);
	}
	put("thr\n", 0);
	ok(wait_take(&r, &s, &err) == 1 && s && strcmp(s, "thr") == 0,
	    "written in place: loaded");
	free(s);
	put("bad\n", 1);
	k = wait_take(&r, &s, &err);
	ok(k == -1 && strstr(err, "cannot read"),
	    "a failed load is reported: %s", err);
	unlink(path);
	ok(wait_take(&r, &s, &err) == 0, "a file gone is no reload");
	put("four\n", 1);
	ok(wait_take(&r, &s, &err) == 1 && s && strcmp(s, "four") == 0,
	    "back: loaded");
	free(s);
	put("five\n", 1);
	{
		struct pollfd p = { rt_reload_fd(&r), POLLIN, 0 };

		ok(poll(&p, 1, 3000) == 1, "a result waits");
	}
	rt_reload_stop(&r);
	ok(drops == 1, "stop drops the result nobody took (%d)", drops);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
