/*
 * t_tstate.c - a tool's --state over the run (lib/tstate.c), in a small
 * counting tool run in child processes: its state (the sum of the "n" of
 * the records so far) saved at the end and loaded by the next run; saved
 * at a barrier with the output before it already written; refused with
 * exit 2 and the reason when written by another tool, with other
 * options, damaged, or not understood by the tool; a state in use by
 * another run; the lock gone at rt_tstate_close; nothing at all without
 * a path.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "field.h"
#include "state.h"
#include "tstate.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_tstate.XXXXXX";
static char in_path[64], out_path[64], err_path[64], st_path[64];

static void
usage(void)
{
}

static void
save_sum(void *arg, struct rt_buf *b)
{
	struct stat sb;

	rt_buf_printf(b, "sum=%lld", *(long long *)arg);
	/* What the output holds when the state is written. */
	if (fstat(1, &sb) == 0)
		fprintf(stderr, "#save sum=%lld out=%lld\n", *(long long *)arg,
		    (long long)sb.st_size);
}

static const char *
load_sum(void *arg, const char *p, size_t n)
{
	char tmp[32];

	if (n >= sizeof tmp || n < 5 || memcmp(p, "sum=", 4) != 0)
		return "body not understood";
	memcpy(tmp, p + 4, n - 4);
	tmp[n - 4] = '\0';
	*(long long *)arg = strtoll(tmp, NULL, 10);
	return NULL;
}

/* The tool: writes {"sum":S} after each record's "n"; with a state file
 * the sum goes on from the last run.  Then the lock before and after
 * rt_tstate_close on stderr. */
static void
tool(const char *name, const char *path, const char *config)
{
	static char *argv[] = { "rt-t", NULL };
	struct rt_tstate s;
	struct rt_cli c;
	struct rt_jdoc d;
	struct rt_rec r;
	long long sum = 0;
	int st, before, after;

	rt_cli_init(&c, name, usage, NULL);
	c.no_sandbox = 1;
	rt_tstate_open(&s, &c, path, name, config, strlen(config), save_sum,
	    load_sum, &sum);
	if (path == NULL)
		fprintf(stderr, "#no path: lock %d control %d\n", s.lock_fd,
		    c.control != NULL);
	fprintf(stderr, "#loaded sum=%lld\n", sum);
	rt_cli_start(&c, 1, argv, 1);
	rt_jdoc_init(&d, 0);
	while (rt_cli_next(&c, &r) == 1) {
		const struct rt_jdoc *doc = rt_cli_object(&c, &r, &d);
		uint32_t k;
		double x;
		char line[64];

		if (doc == NULL)
			continue;
		k = rt_jdoc_get(doc, 0, "n", 1);
		if (k && rt_field_num(doc, k, &x))
			sum += (long long)x;
		snprintf(line, sizeof line, "{\"sum\":%lld}", sum);
		rt_cli_emit(&c, &r, line, strlen(line));
	}
	if (path)
		rt_tstate_save(&s);
	st = rt_cli_finish(&c);
	before = path ? rt_state_lock(path) : -2;
	if (before >= 0)
		close(before);
	rt_tstate_close(&s);
	after = path ? rt_state_lock(path) : -2;
	if (after >= 0)
		close(after);
	fprintf(stderr, "#lock before close %s, after %s\n",
	    before == -1 ? "held" : before == -2 ? "-" : "free",
	    after == -1 ? "held" : after == -2 ? "-" : "free");
	rt_jdoc_release(&d);
	exit(st);
}

static int
run(const char *input, const char *name, const char *path,
    const char *config)
{
	FILE *f = fopen(in_path, "w");
	pid_t pid;
	int st;

	if (f) {
		fputs(input, f);
		fclose(f);
	}
	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		int i = open(in_path, O_RDONLY);
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (i < 0 || o < 0 || e < 0)
			_exit(99);
		dup2(i, 0);
		dup2(o, 1);
		dup2(e, 2);
		setvbuf(stderr, NULL, _IONBF, 0);
		tool(name, path, config);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static const char *
slurp(const char *path, struct rt_buf *b)
{
	int fd = open(path, O_RDONLY);

	b->len = 0;
	if (fd < 0) {
		rt_buf_adds(b, "(none)");
		return rt_buf_cstr(b);
	}
	rt_buf_read_fd(b, fd);
	close(fd);
	return rt_buf_cstr(b);
}

/* The state file's body when it is a state of rt-t with config, else
 * the reason. */
static const char *
body(const char *config, struct rt_buf *b, char *out, size_t cap)
{
	const char *why;
	size_t off = 0;

	b->len = 0;
	if (rt_state_load(st_path, b) == -1) {
		snprintf(out, cap, "(none)");
		return out;
	}
	why = rt_state_check(b, "rt-t", config, strlen(config), &off);
	snprintf(out, cap, "%.*s", why ? (int)strlen(why) : (int)(b->len - off),
	    why ? why : b->p + off);
	return out;
}

static void
test_runs(void)
{
	struct rt_buf got = RT_BUF_INIT, tmp = RT_BUF_INIT;
	char bodytext[128];
	int st;

	unlink(st_path);
	st = run("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", "rt-t", st_path, "w=1");
	ok(st == 0, "first run, no state file yet: exit %d", st);
	is_str(slurp(out_path, &got), "{\"sum\":1}\n{\"sum\":3}\n{\"sum\":6}\n",
	    "  its output");
	is_str(slurp(err_path, &got), "#loaded sum=0\n#save sum=6 out=30\n"
	    "#lock before close held, after free\n", "  saved once at the "
	    "end, after its 30 bytes of output; the lock held until close");
	is_str(body("w=1", &tmp, bodytext, sizeof bodytext), "sum=6",
	    "  the state file: rt-t's, its options, the body");

	st = run("{\"n\":10}\n", "rt-t", st_path, "w=1");
	ok(st == 0, "second run: exit %d", st);
	is_str(slurp(out_path, &got), "{\"sum\":16}\n", "  goes on from the "
	    "state");
	is_str(body("w=1", &tmp, bodytext, sizeof bodytext), "sum=16",
	    "  and saves the new sum");

	st = run("{\"n\":1}\n{\"n\":2}\n{\"$rt\":\"barrier\",\"id\":7}\n"
	    "{\"n\":4}\n", "rt-t", st_path, "w=1");
	ok(st == 0, "a barrier: exit %d", st);
	is_str(slurp(out_path, &got), "{\"sum\":17}\n{\"sum\":19}\n"
	    "{\"$rt\":\"barrier\",\"id\":7}\n{\"sum\":23}\n",
	    "  the barrier passed on in its place");
	is_str(slurp(err_path, &got), "#loaded sum=16\n"
	    "#save sum=19 out=22\n#save sum=23 out=58\n"
	    "#lock before close held, after free\n",
	    "  saved at the barrier after the 22 bytes before it were "
	    "written, and at the end after all 58");
	is_str(body("w=1", &tmp, bodytext, sizeof bodytext), "sum=23",
	    "  the last save");
	rt_buf_release(&got);
	rt_buf_release(&tmp);
}

static void
test_refused(void)
{
	static const struct {
		const char *what;
		const char *file;	/* written first (NULL: a good state) */
		const char *tool, *config;
		const char *why;
	} t[] = {
		{ "written by another tool", NULL, "rt-u", "w=1",
		  "written by another tool" },
		{ "written with other options", NULL, "rt-t", "w=2",
		  "written with other options" },
		{ "not a state file", "hello\n", "rt-t", "w=1",
		  "not an rtpipe state file" },
		{ "a body the tool does not understand", "", "rt-t", "w=1",
		  "body not understood" },
	};
	struct rt_buf got = RT_BUF_INIT, want = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int st;

		unlink(st_path);
		if (t[i].file && t[i].file[0]) {
			FILE *f = fopen(st_path, "w");

			if (f) {
				fputs(t[i].file, f);
				fclose(f);
			}
		} else {
			struct rt_buf b = RT_BUF_INIT;

			rt_state_header(&b, "rt-t", "w=1", 3);
			rt_buf_adds(&b, t[i].file ? "nonsense" : "sum=5");
			rt_state_save(st_path, b.p, b.len);
			rt_buf_release(&b);
		}
		st = run("{\"n\":1}\n", t[i].tool, st_path, t[i].config);
		want.len = 0;
		rt_buf_printf(&want, "%s: %s: %s\n", t[i].tool, st_path,
		    t[i].why);
		ok(st == 2, "%s: exit %d", t[i].what, st);
		is_str(slurp(err_path, &got), rt_buf_cstr(&want),
		    "  the reason");
		is_str(slurp(out_path, &got), "", "  no output");
	}
	unlink(st_path);
	rt_buf_release(&got);
	rt_buf_release(&want);
}

static void
test_locked(void)
{
	struct rt_buf got = RT_BUF_INIT, want = RT_BUF_INIT;
	int lock, st;

	unlink(st_path);
	lock = rt_state_lock(st_path);
	st = run("{\"n\":1}\n", "rt-t", st_path, "w=1");
	rt_buf_printf(&want, "rt-t: %s: in use by another run (%s.lock is "
	    "locked)\n", st_path, st_path);
	ok(lock >= 0 && st == 2, "a state another run holds: exit %d", st);
	is_str(slurp(err_path, &got), rt_buf_cstr(&want), "  the reason");
	ok(access(st_path, F_OK) == -1, "  no state written");
	if (lock >= 0)
		close(lock);
	rt_buf_release(&got);
	rt_buf_release(&want);
}

static void
test_nopath(void)
{
	struct rt_buf got = RT_BUF_INIT;
	int st;

	unlink(st_path);
	st = run("{\"n\":2}\n{\"$rt\":\"barrier\",\"id\":1}\n", "rt-t", NULL,
	    "w=1");
	ok(st == 0, "no --state: exit %d", st);
	is_str(slurp(err_path, &got), "#no path: lock -1 control 0\n"
	    "#loaded sum=0\n#lock before close -, after -\n",
	    "  nothing locked, loaded or saved, no barrier hook");
	is_str(slurp(out_path, &got), "{\"sum\":2}\n"
	    "{\"$rt\":\"barrier\",\"id\":1}\n",
	    "  the barrier still passed on");
	rt_buf_release(&got);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(in_path, sizeof in_path, "%s/in", tmpdir);
	snprintf(out_path, sizeof out_path, "%s/out", tmpdir);
	snprintf(err_path, sizeof err_path, "%s/err", tmpdir);
	snprintf(st_path, sizeof st_path, "%s/st", tmpdir);
	test_runs();
	test_refused();
	test_locked();
	test_nopath();
	unlink(in_path);
	unlink(out_path);
	unlink(err_path);
	unlink(st_path);
	{
		char lockp[80];

		snprintf(lockp, sizeof lockp, "%s.lock", st_path);
		unlink(lockp);
	}
	rmdir(tmpdir);
	return done_testing();
}
