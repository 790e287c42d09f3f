/*
 * t_alert_state.c - rt-alert's engines to and from a state file
 * (lib/alert_state.c): the options' text the header fingerprints, the
 * body saved word for word at two points of a stream (records held for
 * --max-delay in the order they go out, keys least recent first, the
 * rate period), the state file written and read back, and read refused:
 * other options, another tool, a flipped byte, a bad line (named); no
 * file is no state.  The round trips through cuts are t_alert.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "state.h"
#include "tap.h"

#define S 1000000LL

static char *keys[] = { "k" };

struct got {
	char out[256];
};

static void
on_emit(void *arg, const char *json, size_t n, uint64_t line, int summary)
{
	struct got *g = arg;
	size_t k = strlen(g->out);

	(void)json;
	(void)n;
	snprintf(g->out + k, sizeof g->out - k, "%s%s%llu", k ? " " : "",
	    summary ? "S" : "", (unsigned long long)line);
}

static void
on_drop(void *arg)
{
	(void)arg;
}

static void
on_broken(void *arg, const char *what)
{
	(void)arg;
	fprintf(stderr, "broken: %s\n", what);
	abort();
}

static void
start(struct rt_alert *a, struct got *g, int64_t suppress)
{
	struct rt_alert_conf c = { .suppress = suppress, .max_delay = 5 * S,
	    .rate_n = 2, .rate_per = 10 * S, .keys = keys, .nkeys = 1,
	    .by = "_score", .when = "", .time_field = "" };
	struct rt_alert_hooks h = { on_emit, on_drop, on_broken, g };

	memset(g, 0, sizeof *g);
	rt_alert_init(a, &c, &h);
}

static void
add(struct rt_alert *a, const char *key, int64_t t, uint64_t line)
{
	char rec[64];
	struct rt_jdoc d;

	snprintf(rec, sizeof rec, "{\"k\":\"%s\"}", key);
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, rec, strlen(rec)) != 0)
		abort();
	rt_alert_add(a, &d, rec, strlen(rec), t, line);
	rt_jdoc_release(&d);
}

static const char body1[] =
    "[\"t\",1,13000000,3,0,0]\n"
    "[\"r\",0,0,0,0,0]\n"
    "[\"p\",10000000,1,1,{\"k\":\"a\"}]\n"
    "[\"p\",12000000,2,2,{\"k\":\"b\"}]\n"
    "[\"p\",13000000,3,3,{\"k\":\"a\"}]\n";

/* a@10 and b@12 raised (the rate period's two), a@13 suppressed (a's
 * count waits), b gone at watermark 25, c@30 and a@31 held. */
static const char body2[] =
    "[\"t\",1,31000000,5,0,0]\n"
    "[\"r\",1,1,2,0,0]\n"
    "[\"k\",\"a\",10000000,1]\n"
    "[\"p\",30000000,4,4,{\"k\":\"c\"}]\n"
    "[\"p\",31000000,5,5,{\"k\":\"a\"}]\n";

static void
save_cases(void)
{
	struct rt_alert a;
	struct got g;
	struct rt_buf b = RT_BUF_INIT;

	start(&a, &g, 10 * S);
	rt_alert_config(&a, &b);
	is_str(rt_buf_cstr(&b), "when=;time=;suppress=10000000;"
	    "max-delay=5000000;rate=2/10000000;top=0/0;by=_score;keys=k,",
	    "config: the options a state depends on");
	b.len = 0;
	rt_alert_save(&a, &b);
	is_str(rt_buf_cstr(&b), "[\"t\",0,0,0,0,0]\n[\"r\",0,0,0,0,0]\n",
	    "save before any record: the clock not started");
	add(&a, "a", 10 * S, 1);
	add(&a, "b", 12 * S, 2);
	add(&a, "a", 13 * S, 3);
	b.len = 0;
	rt_alert_save(&a, &b);
	is_str(rt_buf_cstr(&b), body1, "save: three records held, in order");
	add(&a, "c", 30 * S, 4);
	add(&a, "a", 31 * S, 5);
	is_str(g.out, "1 2", "a@10 and b@12 raised");
	b.len = 0;
	rt_alert_save(&a, &b);
	is_str(rt_buf_cstr(&b), body2, "save: the rate period, key a with "
	    "its count, two held");
	rt_alert_release(&a);
	rt_buf_release(&b);
}

/* The state file itself. */
static void
file_cases(void)
{
	char dir[] = "/tmp/t_alert_state.XXXXXX", path[64];
	struct rt_alert a, c;
	struct got g, h;
	struct rt_buf b = RT_BUF_INIT, why = RT_BUF_INIT, f = RT_BUF_INIT;
	FILE *fp;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/alert.state", dir);
	start(&a, &g, 10 * S);
	ok(rt_alert_read(&a, path, &why) == 0 && why.len == 0 &&
	    !rt_clock_started(&a.clock), "read: no file is no state");
	add(&a, "a", 10 * S, 1);
	add(&a, "b", 12 * S, 2);
	add(&a, "a", 13 * S, 3);
	add(&a, "c", 30 * S, 4);
	add(&a, "a", 31 * S, 5);
	ok(rt_alert_write(&a, path) == 0, "write: 0");
	rt_alert_release(&a);

	start(&c, &h, 10 * S);
	ok(rt_alert_read(&c, path, &why) == 0, "read back: 0 (%s)",
	    rt_buf_cstr(&why));
	rt_alert_save(&c, &b);
	is_str(rt_buf_cstr(&b), body2, "read back: the same body");
	add(&c, "a", 36 * S, 6);	/* wm 31: c@30 and a@31 go */
	is_str(h.out, "4 5", "read back: runs on (c@30 and a@31, 21s after "
	    "a's last alert, raised in a new rate period)");
	rt_alert_flush(&c);
	rt_alert_release(&c);

	start(&c, &h, 11 * S);
	why.len = 0;
	ok(rt_alert_read(&c, path, &why) == -1, "read with --suppress 11s: "
	    "-1");
	is_str(rt_buf_cstr(&why), "written with other options",
	    "read with other options: the reason");
	rt_alert_release(&c);

	/* The file as it is, damaged in place. */
	rt_state_load(path, &f);
	for (int k = 0; k < 2; k++) {
		struct rt_buf d = RT_BUF_INIT;
		const char *want = NULL, *name = NULL;
		char *nl = memchr(f.p, '\n', f.len);
		size_t body = nl ? (size_t)(nl + 1 - f.p) : 0;

		rt_buf_add(&d, f.p, f.len);
		if (k == 0) {
			d.p[body + 3] ^= 4;
			want = "damaged: checksum mismatch";
			name = "a flipped bit in the body";
		} else {
			d.len--;
			want = "damaged: truncated";
			name = "the last byte gone";
		}
		fp = fopen(path, "wb");
		if (fp == NULL || fwrite(d.p, 1, d.len, fp) != d.len) {
			ok(0, "rewrite %s", path);
		}
		if (fp)
			fclose(fp);
		start(&c, &h, 10 * S);
		why.len = 0;
		ok(rt_alert_read(&c, path, &why) == -1 &&
		    strcmp(rt_buf_cstr(&why), want) == 0, "read %s state: "
		    "'%s'", name, rt_buf_cstr(&why));
		rt_alert_release(&c);
		rt_buf_release(&d);
	}
	/* Another tool's state, whole and checked. */
	{
		struct rt_buf cfg = RT_BUF_INIT, d = RT_BUF_INIT;

		start(&c, &h, 10 * S);
		rt_alert_config(&c, &cfg);
		rt_state_header(&d, "rt-window", cfg.p, cfg.len);
		rt_buf_adds(&d, body2);
		why.len = 0;
		ok(rt_state_save(path, d.p, d.len) == 0 &&
		    rt_alert_read(&c, path, &why) == -1, "read rt-window's "
		    "state: -1");
		is_str(rt_buf_cstr(&why), "written by another tool",
		    "read rt-window's state: the reason");
		rt_alert_release(&c);
		rt_buf_release(&cfg);
		rt_buf_release(&d);
	}
	/* A checked file whose body has a bad line: refused, named. */
	{
		struct rt_buf cfg = RT_BUF_INIT, d = RT_BUF_INIT;

		start(&c, &h, 10 * S);
		rt_alert_config(&c, &cfg);
		rt_state_header(&d, "rt-alert", cfg.p, cfg.len);
		rt_buf_adds(&d, "[\"t\",1,31000000,5,0,0]\n[\"r\",1,1,2,0,0]\n"
		    "[\"k\",\"a\",40000000,1]\n");
		ok(rt_state_save(path, d.p, d.len) == 0, "a state with a key "
		    "alerting after the newest time written");
		why.len = 0;
		ok(rt_alert_read(&c, path, &why) == -1, "read: -1");
		is_str(rt_buf_cstr(&why), "damaged: line 3: bad value",
		    "read: the line and what is wrong");
		rt_alert_release(&c);
		rt_buf_release(&cfg);
		rt_buf_release(&d);
	}
	/* A directory where the file should be: the system's reason. */
	start(&c, &h, 10 * S);
	why.len = 0;
	ok(rt_alert_read(&c, dir, &why) == -1 && why.len > 0,
	    "read a directory: -1, '%s'", rt_buf_cstr(&why));
	rt_alert_release(&c);
	unlink(path);
	snprintf(path, sizeof path, "%s/alert.state.lock", dir);
	unlink(path);
	rmdir(dir);
	rt_buf_release(&b);
	rt_buf_release(&why);
	rt_buf_release(&f);
}

int
main(void)
{
	save_cases();
	file_cases();
	return done_testing();
}
