/*
 * t_source.c - records from operands (lib/source.c): format names and
 * the format a path implies; then files read to a transcript of every
 * record (source, line, text, and the reason of a bad one): NDJSON with
 * blank lines and each line ending, CSV and TSV rows as JSON objects,
 * a forced format and delimiter, an operand that cannot be opened
 * between two that can, overlong records, standard input; the parsed
 * record, the descriptor and the bytes read ahead.  Then random NDJSON
 * files against the generator's own list of records and lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_source.XXXXXX";

static void
test_names(void)
{
	static const struct {
		const char *s;
		int want;
	} f[] = {
		{ "ndjson", RT_FMT_NDJSON }, { "json", RT_FMT_NDJSON },
		{ "jsonl", RT_FMT_NDJSON }, { "csv", RT_FMT_CSV },
		{ "tsv", RT_FMT_TSV }, { "", -1 }, { "CSV", -1 },
		{ "ndjson ", -1 }, { "auto", -1 }, { "js", -1 },
	};
	static const struct {
		const char *path;
		enum rt_fmt want;
	} p[] = {
		{ "a.csv", RT_FMT_CSV }, { "dir/a.tsv", RT_FMT_TSV },
		{ "x.csv.gz", RT_FMT_NDJSON }, { "a.CSV", RT_FMT_NDJSON },
		{ ".csv", RT_FMT_NDJSON }, { "a.ndjson", RT_FMT_NDJSON },
		{ "csv", RT_FMT_NDJSON }, { "-", RT_FMT_NDJSON },
		{ "a.tsvx", RT_FMT_NDJSON }, { "b.csv", RT_FMT_CSV },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (rt_fmt_parse(f[i].s) != f[i].want) {
			diag("fmt '%s'", f[i].s);
			bad++;
		}
	ok(bad == 0, "rt_fmt_parse: ndjson, json, jsonl, csv, tsv only");
	bad = 0;
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (rt_fmt_of_path(p[i].path) != p[i].want) {
			diag("path '%s'", p[i].path);
			bad++;
		}
	ok(bad == 0 && rt_fmt_of_path(NULL) == RT_FMT_NDJSON,
	    "rt_fmt_of_path: .csv, .tsv, else NDJSON");
}

/* Write text[0, n) to tmpdir/name; the path in out. */
static const char *
put_file(const char *name, const char *text, size_t n, char *out,
    size_t cap)
{
	int fd;

	snprintf(out, cap, "%s/%s", tmpdir, name);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		diag("cannot write %s", out);
	if (fd >= 0)
		close(fd);
	return out;
}

/* Every record of s as "line:text" (with "!reason" when bad, the source
 * when it changes), "E:name:errno" for an operand that failed, joined
 * by " | ". */
static void
transcript(struct rt_src *s, struct rt_buf *out)
{
	const char *last = NULL;
	struct rt_rec r;
	int k, guard = 0;

	out->len = 0;
	while ((k = rt_src_next(s, &r)) != 0 && guard++ < 1000) {
		if (out->len)
			rt_buf_adds(out, " | ");
		if (k == -1) {
			const char *b = strrchr(s->errname, '/');

			rt_buf_printf(out, "E:%s:%s", b ? b + 1 : s->errname,
			    s->err == ENOENT ? "ENOENT" : "other");
			continue;
		}
		if (last == NULL || strcmp(last, r.source) != 0) {
			const char *b = strrchr(r.source, '/');

			rt_buf_printf(out, "[%s] ", b ? b + 1 : r.source);
			last = r.source;
		}
		rt_buf_printf(out, "%llu:%.*s", (unsigned long long)r.line,
		    (int)r.len, r.p);
		if (r.bad)
			rt_buf_printf(out, "!%s(%zu)", r.bad, r.fulllen);
	}
	rt_buf_cstr(out);
}

struct scase {
	const char *what;
	const char *name;	/* file name: its extension picks a format */
	const char *text;
	int fmt;		/* enum rt_fmt */
	char delim;
	size_t max;
	const char *want;
};

static const struct scase scases[] = {
	{ "NDJSON: blanks skipped, each line ending", "a.ndjson",
	  "{\"a\":1}\n\n  \t\n{\"b\":2}\r\n{\"c\":3}\r{\"d\":4}", RT_FMT_AUTO,
	  0, 0, "[a.ndjson] 1:{\"a\":1} | 4:{\"b\":2} | 5:{\"c\":3} | "
	  "6:{\"d\":4}" },
	{ "NDJSON: not JSON is still a record", "b.json", "x\n \n[1]\n",
	  RT_FMT_AUTO, 0, 0, "[b.json] 1:x | 3:[1]" },
	{ "NDJSON: an empty file", "e.ndjson", "", RT_FMT_AUTO, 0, 0, "" },
	{ "NDJSON: a byte-order mark dropped", "bom.ndjson",
	  "\xef\xbb\xbf{\"a\":1}\n", RT_FMT_AUTO, 0, 0, "[bom.ndjson] "
	  "1:{\"a\":1}" },
	{ "NDJSON: overlong", "long.ndjson",
	  "{\"a\":1}\n{\"a\":\"0123456789abcdef\"}\n{\"b\":2}\n", RT_FMT_AUTO,
	  0, 16, "[long.ndjson] 1:{\"a\":1} | 2:{\"a\":\"0123456789abcdef\"}!"
	  "record exceeds --max-record-bytes (16)(24) | 3:{\"b\":2}" },
	{ "CSV: rows as objects, quotes, an empty line", "t.csv",
	  "a,b\n1,2\n\n3,\"x,y\"\n\"4\",\"\"\"\"\n", RT_FMT_AUTO, 0, 0,
	  "[t.csv] 2:{\"a\":\"1\",\"b\":\"2\"} | "
	  "4:{\"a\":\"3\",\"b\":\"x,y\"} | 5:{\"a\":\"4\",\"b\":\"\\\"\"}" },
	{ "CSV: a line of blanks in one column is a value", "one.csv",
	  "a\n  \nz", RT_FMT_AUTO, 0, 0,
	  "[one.csv] 2:{\"a\":\"  \"} | 3:{\"a\":\"z\"}" },
	{ "CSV: a quoted field over two lines", "span.csv",
	  "a,b\n\"x\ny\",2\n", RT_FMT_AUTO, 0, 0,
	  "[span.csv] 2:{\"a\":\"x\\ny\",\"b\":\"2\"}" },
	{ "TSV", "t.tsv", "a\tb\n1\t2,3\n", RT_FMT_AUTO, 0, 0,
	  "[t.tsv] 2:{\"a\":\"1\",\"b\":\"2,3\"}" },
	{ "CSV forced on an .ndjson name", "forced.ndjson", "a,b\n1,2\n",
	  RT_FMT_CSV, 0, 0, "[forced.ndjson] 2:{\"a\":\"1\",\"b\":\"2\"}" },
	{ "NDJSON forced on a .csv name", "forced.csv", "a,b\n",
	  RT_FMT_NDJSON, 0, 0, "[forced.csv] 1:a,b" },
	{ "CSV with ';'", "semi.csv", "a;b\n1;2,5\n", RT_FMT_AUTO, ';', 0,
	  "[semi.csv] 2:{\"a\":\"1\",\"b\":\"2,5\"}" },
};

static void
test_read(void)
{
	struct rt_buf got = RT_BUF_INIT;
	char path[128];

	for (size_t i = 0; i < sizeof scases / sizeof scases[0]; i++) {
		const struct scase *c = &scases[i];
		char *paths[1];
		struct rt_src s;

		paths[0] = (char *)put_file(c->name, c->text, strlen(c->text),
		    path, sizeof path);
		rt_src_init(&s, paths, 1, (enum rt_fmt)c->fmt, c->max);
		s.delim = c->delim;
		transcript(&s, &got);
		is_str(got.p, c->want, c->what);
		ok(rt_src_fd(&s) == -1, "  closed at the end");
		rt_src_release(&s);
		unlink(path);
	}
	rt_buf_release(&got);
}

/* Several operands, one missing: it is reported and skipped. */
static void
test_operands(void)
{
	char p1[128], p2[128], p3[128];
	char *paths[3];
	struct rt_buf got = RT_BUF_INIT;
	struct rt_src s;

	paths[0] = (char *)put_file("one.ndjson", "1\n2\n", 4, p1, sizeof p1);
	snprintf(p2, sizeof p2, "%s/missing.ndjson", tmpdir);
	paths[1] = p2;
	paths[2] = (char *)put_file("three.csv", "k\nv\n", 4, p3, sizeof p3);
	rt_src_init(&s, paths, 3, RT_FMT_AUTO, 0);
	transcript(&s, &got);
	is_str(got.p, "[one.ndjson] 1:1 | 2:2 | E:missing.ndjson:ENOENT | "
	    "[three.csv] 2:{\"k\":\"v\"}", "three operands, the middle one "
	    "missing: its error, then the next");
	ok(rt_src_next(&s, &(struct rt_rec){ 0 }) == 0,
	    "at the end it stays at the end");
	rt_src_release(&s);
	unlink(p1);
	unlink(p3);
	rt_buf_release(&got);
}

/* No operands: standard input, NDJSON whatever -i AUTO would guess. */
static void
test_stdin(void)
{
	char p[128];
	struct rt_buf got = RT_BUF_INIT;
	struct rt_src s;
	int save = dup(0), fd;

	put_file("in", "{\"x\":1}\n\n{\"y\":2}\n", 17, p, sizeof p);
	fd = open(p, O_RDONLY);
	if (fd < 0 || save < 0) {
		ok(0, "open %s", p);
		return;
	}
	dup2(fd, 0);
	close(fd);
	rt_src_init(&s, NULL, 0, RT_FMT_AUTO, 0);
	transcript(&s, &got);
	dup2(save, 0);
	close(save);
	is_str(got.p, "[stdin] 1:{\"x\":1} | 3:{\"y\":2}", "standard input");
	rt_src_release(&s);
	unlink(p);
	rt_buf_release(&got);
}

/* rt_rec_parse, rt_src_fd and rt_src_ahead along one file. */
static void
test_parts(void)
{
	char p[128], c[128];
	char *paths[1];
	struct rt_jdoc scratch;
	struct rt_src s;
	struct rt_rec r;
	const char *ahead = NULL;
	size_t n;

	rt_jdoc_init(&scratch, 0);
	paths[0] = (char *)put_file("p.ndjson", "{\"a\":1}\nnot json\n[2]\n",
	    21, p, sizeof p);
	rt_src_init(&s, paths, 1, RT_FMT_AUTO, 0);
	ok(rt_src_fd(&s) == -1, "no descriptor before the first read");
	ok(rt_src_next(&s, &r) == 1 && rt_src_fd(&s) >= 0 && r.doc == NULL &&
	    r.raw == r.p && r.rawlen == r.len, "NDJSON: raw is the text, no "
	    "document yet");
	ok(rt_rec_parse(&r, &scratch) == &scratch &&
	    scratch.v[0].type == RT_JOBJ, "parsed into scratch");
	n = rt_src_ahead(&s, &ahead);
	ok(n == 13 && ahead && memcmp(ahead, "not json\n[2]\n", 13) == 0,
	    "ahead: the 13 bytes not handed out yet");
	ok(rt_src_next(&s, &r) == 1 && rt_rec_parse(&r, &scratch) == NULL &&
	    scratch.err != NULL, "not JSON: NULL, the reason in scratch");
	rt_src_release(&s);
	ok(rt_src_fd(&s) == -1 && rt_src_ahead(&s, &ahead) == 0,
	    "released: no descriptor, nothing ahead");
	paths[0] = (char *)put_file("p.csv", "a\n1\n2\n", 6, c, sizeof c);
	rt_src_init(&s, paths, 1, RT_FMT_AUTO, 0);
	ok(rt_src_next(&s, &r) == 1 && r.doc != NULL &&
	    rt_rec_parse(&r, &scratch) == r.doc && r.rawlen == 1 &&
	    r.raw[0] == '1', "CSV: the row's own document, raw the line");
	ok(rt_src_ahead(&s, &ahead) == 0, "CSV: nothing ahead");
	rt_src_release(&s);
	rt_jdoc_release(&scratch);
	unlink(p);
	unlink(c);
}

/* Random NDJSON files: records between blank lines, with each line
 * ending, against the generator's list. */
static void
test_random(void)
{
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	static const char *const blanks[] = { "", " ", "\t ", "  " };
	struct rt_buf file = RT_BUF_INIT, want = RT_BUF_INIT,
	    got = RT_BUF_INIT;
	uint64_t seed = 123;
	char p[128];
	int bad = 0;

	for (int round = 0; round < 100; round++) {
		char *paths[1];
		struct rt_src s;
		uint64_t line = 0;
		int n = (int)(tap_xorshift(&seed) % 40), cr = 0;

		file.len = want.len = 0;
		for (int i = 0; i < n; i++) {
			uint64_t r = tap_xorshift(&seed);

			line++;
			if (r % 4 == 0) {
				/* Not "" after a lone "\r": with a "\n" next,
				 * the two would be one ending. */
				uint64_t b = (r >> 4) % 4;

				rt_buf_adds(&file,
				    blanks[b ? b : (uint64_t)cr]);
			} else {
				if (want.len)
					rt_buf_adds(&want, " | ");
				else
					rt_buf_adds(&want, "[f.ndjson] ");
				rt_buf_printf(&file,
				    "{\"i\":%d,\"s\":\"%llx\"}", i,
				    (unsigned long long)(r >> 20));
				rt_buf_printf(&want,
				    "%llu:{\"i\":%d,\"s\":\"%llx\"}",
				    (unsigned long long)line, i,
				    (unsigned long long)(r >> 20));
			}
			cr = 0;
			if (i + 1 < n || r % 3) {
				rt_buf_adds(&file, ends[(r >> 8) % 3]);
				cr = (r >> 8) % 3 == 2;
			}
		}
		paths[0] = (char *)put_file("f.ndjson", file.p ? file.p : "",
		    file.len, p, sizeof p);
		rt_src_init(&s, paths, 1, RT_FMT_AUTO, 0);
		transcript(&s, &got);
		if (strcmp(got.p, rt_buf_cstr(&want)) != 0) {
			if (bad++ < 3)
				diag("got '%s', want '%s'", got.p, want.p);
		}
		rt_src_release(&s);
	}
	ok(bad == 0, "100 random NDJSON files: every record, its line");
	unlink(p);
	rt_buf_release(&file);
	rt_buf_release(&want);
	rt_buf_release(&got);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_names();
	test_read();
	test_operands();
	test_stdin();
	test_parts();
	test_random();
	rmdir(tmpdir);
	return done_testing();
}
