/*
 * t_late.c - what becomes of a late record (lib/late.c), in a small tool
 * run in a child process (standard input, output and error to files):
 * records with a "behind" member are late by that many microseconds.
 * Each way a late record goes is checked byte for byte: to --late FILE
 * (as the edit makes it, without "_late", counted as dropped), passed on
 * with "_late":true, rejected with how far behind it is (to a reject
 * file, or as a diagnostic); and the failures that end the run: a --late
 * file that cannot be created or written.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "field.h"
#include "late.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_late.XXXXXX";
static char in_path[64], out_path[64], err_path[64], rej_path[64],
    late_path[64];

static const char input[] =
    "{\"id\":1}\n"
    "{\"id\":2,\"behind\":1500000}\n"
    "{\"id\":3}\n"
    "{\"id\":4,\"behind\":90000000}\n"
    "{\"id\":5}\n"
    "{\"id\":6}\n";

static void
usage(void)
{
}

/* The tool: every record gets "seen":1; a late one goes to rt_late_put.
 * Exits with rt_cli_finish's status, after its counts on stderr. */
static void
tool(const char *late, int pass, const char *reject)
{
	static char *argv[] = { "rt-t", NULL };
	struct rt_cli c;
	struct rt_late l;
	struct rt_jedit e;
	struct rt_jdoc d;
	struct rt_rec r;
	int st;

	rt_cli_init(&c, "rt-t", usage, NULL);
	c.no_sandbox = 1;
	c.reject_path = reject;
	rt_cli_start(&c, 1, argv, 1);
	rt_late_open(&l, &c, late, pass, "--max-delay");
	rt_jdoc_init(&d, 0);
	rt_jedit_init(&e);
	while (rt_cli_next(&c, &r) == 1) {
		const struct rt_jdoc *doc = rt_cli_object(&c, &r, &d);
		uint32_t k;
		double behind;

		if (doc == NULL)
			continue;
		rt_jedit_start(&e, doc);
		rt_jedit_set(&e, "seen", 4, "1", 1);
		k = rt_jdoc_get(doc, 0, "behind", 6);
		if (k && rt_field_num(doc, k, &behind))
			rt_late_put(&l, &r, &e, (int64_t)behind);
		else
			rt_cli_emit_edit(&c, &r, &e, &c.obuf);
		rt_late_flush(&l);
	}
	rt_late_close(&l);
	st = rt_cli_finish(&c);
	fprintf(stderr, "#late %llu out %llu dropped %llu rejected %llu\n",
	    (unsigned long long)l.n, (unsigned long long)c.st.out,
	    (unsigned long long)c.st.dropped,
	    (unsigned long long)c.st.rejected);
	rt_jedit_release(&e);
	rt_jdoc_release(&d);
	exit(st);
}

/* Run the tool in a child; its exit status. */
static int
run(const char *late, int pass, const char *reject)
{
	pid_t pid;
	int st;

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
		tool(late, pass, reject);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The file at path, NUL-terminated ("(none)" when it cannot be read). */
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

struct lcase {
	const char *what;
	int late, pass, reject;	/* --late FILE, --late-pass, --reject */
	const char *late_file;	/* instead of late_path */
	int status;
	const char *out, *err, *rej, *latef;
};

#define OUT_ONTIME \
	"{\"id\":1,\"seen\":1}\n{\"id\":3,\"seen\":1}\n" \
	"{\"id\":5,\"seen\":1}\n{\"id\":6,\"seen\":1}\n"

static const struct lcase cases[] = {
	{ "--late FILE: late records go there, counted as dropped", 1, 0, 0,
	  NULL, 0, OUT_ONTIME, "#late 2 out 4 dropped 2 rejected 0\n", "(none)",
	  "{\"id\":2,\"behind\":1500000,\"seen\":1}\n"
	  "{\"id\":4,\"behind\":90000000,\"seen\":1}\n" },
	{ "--late-pass: passed on with \"_late\":true", 0, 1, 0, NULL, 0,
	  "{\"id\":1,\"seen\":1}\n"
	  "{\"id\":2,\"behind\":1500000,\"seen\":1,\"_late\":true}\n"
	  "{\"id\":3,\"seen\":1}\n"
	  "{\"id\":4,\"behind\":90000000,\"seen\":1,\"_late\":true}\n"
	  "{\"id\":5,\"seen\":1}\n{\"id\":6,\"seen\":1}\n",
	  "#late 2 out 6 dropped 0 rejected 0\n", "(none)", "(none)" },
	{ "neither: rejected to the reject file, how far behind", 0, 0, 1,
	  NULL, 1, OUT_ONTIME, "#late 2 out 4 dropped 0 rejected 2\n",
	  "{\"tool\":\"rt-t\",\"source\":\"stdin\",\"line\":2,\"reason\":"
	  "\"late: 1s500ms behind the watermark (see --max-delay, --late)\","
	  "\"raw\":\"{\\\"id\\\":2,\\\"behind\\\":1500000}\"}\n"
	  "{\"tool\":\"rt-t\",\"source\":\"stdin\",\"line\":4,\"reason\":"
	  "\"late: 1m30s behind the watermark (see --max-delay, --late)\","
	  "\"raw\":\"{\\\"id\\\":4,\\\"behind\\\":90000000}\"}\n", "(none)" },
	{ "neither, no reject file: a diagnostic each", 0, 0, 0, NULL, 1,
	  OUT_ONTIME,
	  "rt-t: stdin:2: late: 1s500ms behind the watermark (see --max-delay, "
	  "--late)\n"
	  "rt-t: stdin:4: late: 1m30s behind the watermark (see --max-delay, "
	  "--late)\n#late 2 out 4 dropped 0 rejected 2\n", "(none)",
	  "(none)" },
	{ "--late-pass wins over --late FILE", 1, 1, 0, NULL, 0,
	  "{\"id\":1,\"seen\":1}\n"
	  "{\"id\":2,\"behind\":1500000,\"seen\":1,\"_late\":true}\n"
	  "{\"id\":3,\"seen\":1}\n"
	  "{\"id\":4,\"behind\":90000000,\"seen\":1,\"_late\":true}\n"
	  "{\"id\":5,\"seen\":1}\n{\"id\":6,\"seen\":1}\n",
	  "#late 2 out 6 dropped 0 rejected 0\n", "(none)", "" },
	{ "a --late file that cannot be created: exit 2", 1, 0, 0,
	  "/nonexistent-dir/late", 2, "",
	  "rt-t: /nonexistent-dir/late: No such file or directory\n",
	  "(none)", "(none)" },
	/* Fatal at the first flush: the output held back is not written. */
	{ "a --late file on a full disk: exit 2", 1, 0, 0, "/dev/full", 2, "",
	  "rt-t: /dev/full: No space left on device\n", "(none)", "(none)" },
};

static void
test_cases(void)
{
	struct rt_buf got = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct lcase *c = &cases[i];
		const char *late = c->late ? c->late_file ? c->late_file :
		    late_path : NULL;
		int st;

		unlink(rej_path);
		unlink(late_path);
		st = run(late, c->pass, c->reject ? rej_path : NULL);
		ok(st == c->status, "%s: exit %d", c->what, st);
		is_str(slurp(out_path, &got), c->out, "  stdout");
		is_str(slurp(err_path, &got), c->err, "  stderr");
		is_str(slurp(rej_path, &got), c->rej, "  the reject file");
		is_str(slurp(late_path, &got), c->latef, "  the --late file");
	}
	rt_buf_release(&got);
}

int
main(void)
{
	FILE *f;

	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	snprintf(in_path, sizeof in_path, "%s/in", tmpdir);
	snprintf(out_path, sizeof out_path, "%s/out", tmpdir);
	snprintf(err_path, sizeof err_path, "%s/err", tmpdir);
	snprintf(rej_path, sizeof rej_path, "%s/rej", tmpdir);
	snprintf(late_path, sizeof late_path, "%s/late", tmpdir);
	if ((f = fopen(in_path, "w")) != NULL) {
		fputs(input, f);
		fclose(f);
	}
	test_cases();
	unlink(in_path);
	unlink(out_path);
	unlink(err_path);
	unlink(rej_path);
	unlink(late_path);
	rmdir(tmpdir);
	return done_testing();
}
