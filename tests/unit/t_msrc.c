/*
 * t_msrc.c - several inputs read side by side (lib/msrc.c): operands
 * with and without a format prefix, standard input named once only;
 * naming the inputs (too few, too many, empty names skipped, named
 * again) and their JSON labels; records of each input until it ends, an
 * input that cannot be opened; then waiting on pipes that are not ready,
 * become ready, or are not waited for.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msrc.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_msrc.XXXXXX";

static void
test_init(void)
{
	static const struct {
		const char *op;
		const char *path, *name;
		int fmt;	/* the input's enum rt_fmt */
	} t[] = {
		{ "csv:a.txt", "a.txt", "a.txt", RT_FMT_CSV },
		{ "b.csv", "b.csv", "b.csv", RT_FMT_TSV },	/* default */
		{ "ndjson:c.csv", "c.csv", "c.csv", RT_FMT_NDJSON },
		{ "jsonl:x", "x", "x", RT_FMT_NDJSON },
		{ "tsv:", "", "", RT_FMT_TSV },
		{ "weird:x", "weird:x", "weird:x", RT_FMT_TSV },
		{ "toolongname:x", "toolongname:x", "toolongname:x",
		  RT_FMT_TSV },
		{ "C:\\dir\\f", "C:\\dir\\f", "C:\\dir\\f", RT_FMT_TSV },
		{ "csv:tsv:y", "tsv:y", "tsv:y", RT_FMT_CSV },
		{ "json:-", "-", "stdin", RT_FMT_NDJSON },
	};
	enum { N = sizeof t / sizeof t[0] };
	char *ops[N];
	struct rt_msrcs s;
	const char *why;

	for (int i = 0; i < N; i++)
		ops[i] = (char *)t[i].op;
	why = rt_msrcs_init(&s, ops, N, RT_FMT_TSV, 1234);
	ok(why == NULL && s.n == N, "%d operands", N);
	for (int i = 0; i < N && why == NULL; i++)
		ok(strcmp(s.v[i].path, t[i].path) == 0 &&
		    strcmp(s.v[i].name, t[i].name) == 0 &&
		    s.v[i].label == s.v[i].name && (int)s.v[i].src.fmt ==
		    t[i].fmt && s.v[i].src.nowait == 1 &&
		    s.v[i].src.max == 1234 && s.v[i].ended == 0,
		    "operand '%s': path '%s', format %d", t[i].op, s.v[i].path,
		    (int)s.v[i].src.fmt);
	rt_msrcs_release(&s);
	ok(s.n == 0 && s.v == NULL, "released");

	ok(rt_msrcs_init(&s, NULL, 0, RT_FMT_AUTO, 0) == NULL && s.n == 1 &&
	    strcmp(s.v[0].path, "-") == 0 && strcmp(s.v[0].name, "stdin") == 0,
	    "no operands: standard input");
	rt_msrcs_release(&s);
	ops[0] = "-";
	ops[1] = "x";
	ops[2] = "csv:-";
	why = rt_msrcs_init(&s, ops, 3, RT_FMT_AUTO, 0);
	ok(why && strcmp(why, "standard input ('-') given twice") == 0,
	    "'-' and 'csv:-': standard input twice");
	rt_msrcs_release(&s);
}

static void
test_names(void)
{
	static const struct {
		const char *list;
		const char *why;	/* NULL: named */
		const char *labels;	/* the labels after, ',' between */
	} t[] = {
		{ "a,b,c", NULL, "a,b,c" },
		{ "a,,b,c,", NULL, "a,b,c" },
		{ "a,b", "fewer names than inputs", "a,b,z" },
		{ "a,b,c,d", "more names than inputs", "a,b,c" },
		{ "", "fewer names than inputs", "x,y,z" },
		{ ",,,", "fewer names than inputs", "x,y,z" },
		{ "p,q,r", NULL, "p,q,r" },
	};
	static char *ops[] = { "x", "csv:y", "z" };
	struct rt_msrcs s;
	char got[64];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *why;

		rt_msrcs_init(&s, ops, 3, RT_FMT_AUTO, 0);
		why = rt_msrcs_names(&s, t[i].list);
		snprintf(got, sizeof got, "%s,%s,%s", s.v[0].label,
		    s.v[1].label, s.v[2].label);
		if (t[i].why)
			ok(why && strcmp(why, t[i].why) == 0,
			    "names '%s': %s", t[i].list, t[i].why);
		else
			ok(why == NULL, "names '%s'", t[i].list);
		is_str(got, t[i].labels, "  the labels");
		rt_msrcs_release(&s);
	}
	/* Named twice: the second list's names, the rest as they were. */
	rt_msrcs_init(&s, ops, 3, RT_FMT_AUTO, 0);
	rt_msrcs_names(&s, "a,b,c");
	ok(rt_msrcs_names(&s, "one,two,three") == NULL,
	    "named again with as many names");
	snprintf(got, sizeof got, "%s,%s,%s", s.v[0].label, s.v[1].label,
	    s.v[2].label);
	is_str(got, "one,two,three", "  the new names");
	ok(rt_msrcs_names(&s, "solo") != NULL, "named again with too few");
	snprintf(got, sizeof got, "%s,%s,%s", s.v[0].label, s.v[1].label,
	    s.v[2].label);
	is_str(got, "solo,y,z", "  the names given, the others their "
	    "paths (none left pointing at a freed list)");
	s.v[1].label = "t\"ab\t";
	rt_msrcs_jlabels(&s);
	ok(strcmp(rt_buf_cstr(&s.v[0].jlabel), "\"solo\"") == 0 &&
	    strcmp(rt_buf_cstr(&s.v[1].jlabel), "\"t\\\"ab\\t\"") == 0,
	    "jlabels: each label as a JSON string");
	rt_msrcs_jlabels(&s);
	ok(s.v[0].jlabel.len == 6, "jlabels again: replaced, not appended");
	rt_msrcs_release(&s);
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_next(void)
{
	char pa[96], pb[96], pm[96];
	char *ops[3];
	struct rt_msrcs s;
	struct rt_rec r;
	int k;

	snprintf(pa, sizeof pa, "%s/a.ndjson", tmpdir);
	snprintf(pb, sizeof pb, "csv:%s/b.txt", tmpdir);
	snprintf(pm, sizeof pm, "%s/missing", tmpdir);
	put_file(pa, "{\"a\":1}\n{\"a\":2}\n");
	put_file(pb + 4, "k\nv\n");
	ops[0] = pa;
	ops[1] = pb;
	ops[2] = pm;
	rt_msrcs_init(&s, ops, 3, RT_FMT_AUTO, 0);
	ok(rt_msrc_next(&s, 1, &r) == 1 && r.len == 9 &&
	    memcmp(r.p, "{\"k\":\"v\"}", 9) == 0 && r.line == 2,
	    "input 1 first, read as CSV: {\"k\":\"v\"}");
	ok(rt_msrc_next(&s, 0, &r) == 1 && r.len == 7 && r.line == 1,
	    "input 0: its first record");
	ok(rt_msrc_next(&s, 1, &r) == 0 && s.v[1].ended == 1 &&
	    rt_src_fd(&s.v[1].src) == -1, "input 1 ends, closed");
	ok(rt_msrc_next(&s, 1, &r) == 0, "an ended input stays ended");
	ok(rt_msrc_next(&s, 0, &r) == 1 && r.line == 2 &&
	    rt_msrc_next(&s, 0, &r) == 0, "input 0: its second, then the end");
	k = rt_msrc_next(&s, 2, &r);
	ok(k == -1 && s.v[2].ended == 1 && s.v[2].src.err == ENOENT &&
	    strcmp(s.v[2].src.errname, pm) == 0,
	    "a missing input: -1, ENOENT, ended");
	ok(rt_msrc_next(&s, 2, &r) == 0, "  and then the end");
	rt_msrcs_release(&s);
	unlink(pa);
	unlink(pb + 4);
}

/* For rt_msrcs_wait: which inputs are waited for, which were ready. */
struct waits {
	int want[3];
	int ready[3];
};

static int
waiting(void *arg, int i)
{
	return ((struct waits *)arg)->want[i];
}

static void
ready(void *arg, int i)
{
	((struct waits *)arg)->ready[i]++;
}

static void
test_wait(void)
{
	int p[3][2];
	char paths[3][32];
	char *ops[3];
	struct rt_msrcs s;
	struct waits w = { { 1, 1, 1 }, { 0 } };
	struct rt_rec r;
	int again = 0, n;

	for (int i = 0; i < 3; i++) {
		if (pipe(p[i]) == -1) {
			ok(0, "pipe");
			return;
		}
		snprintf(paths[i], sizeof paths[i], "/dev/fd/%d", p[i][0]);
		ops[i] = paths[i];
	}
	rt_msrcs_init(&s, ops, 3, RT_FMT_NDJSON, 0);
	ok(rt_msrcs_wait(&s, -1, waiting, ready, &w) == 0,
	    "none opened yet: nothing to wait for, 0 at once");
	for (int i = 0; i < 3; i++)
		again += rt_msrc_next(&s, i, &r) == RT_IN_AGAIN;
	ok(again == 3, "empty pipes: RT_IN_AGAIN from each");
	ok(rt_msrcs_wait(&s, 0, waiting, ready, &w) == 0 &&
	    w.ready[0] + w.ready[1] + w.ready[2] == 0,
	    "nothing written: a look finds none ready");
	if (write(p[1][1], "{\"b\":1}\n", 8) != 8 ||
	    write(p[2][1], "{\"c\":1}\n", 8) != 8)
		diag("write");
	w.want[2] = 0;
	n = rt_msrcs_wait(&s, 1000, waiting, ready, &w);
	ok(n == 1 && w.ready[0] == 0 && w.ready[1] == 1 && w.ready[2] == 0,
	    "input 1 ready; input 2 is too, but not waited for");
	ok(rt_msrc_next(&s, 1, &r) == 1 && r.len == 7 &&
	    rt_msrc_next(&s, 1, &r) == RT_IN_AGAIN, "input 1: its record, "
	    "then again");
	w.want[2] = 1;
	memset(w.ready, 0, sizeof w.ready);
	close(p[0][1]);
	n = rt_msrcs_wait(&s, 1000, waiting, ready, &w);
	ok(n == 2 && w.ready[0] == 1 && w.ready[2] == 1 && w.ready[1] == 0,
	    "input 0 at end of file and input 2 with a record: both ready");
	ok(rt_msrc_next(&s, 0, &r) == 0 && s.v[0].ended,
	    "input 0 ends");
	memset(w.ready, 0, sizeof w.ready);
	w.want[2] = 0;
	ok(rt_msrcs_wait(&s, 50, waiting, ready, &w) == 0 &&
	    w.ready[0] + w.ready[1] + w.ready[2] == 0,
	    "the ended input is not polled, input 1 has nothing: timeout");
	rt_msrcs_release(&s);
	for (int i = 0; i < 3; i++) {
		close(p[i][0]);
		if (i)
			close(p[i][1]);
	}
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_init();
	test_names();
	test_next();
	test_wait();
	rmdir(tmpdir);
	return done_testing();
}
