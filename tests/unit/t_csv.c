/*
 * t_csv.c - CSV and TSV through the record source (lib/source.c,
 * lib/csv.c) over real files: csv-spectrum, RFC 4180 corners, bad rows
 * and their raw bytes, the CSV/TSV writer, and a differential round trip
 * against an independent quoting.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csv.h"
#include "reject.h"
#include "json.h"
#include "source.h"
#include "tap.h"

static char tmpdir[] = "/tmp/t_csv.XXXXXX";
static char tmppath[64];
static struct rt_jdoc scratch;

static const char *
put_file(const char *name, const char *p, size_t n)
{
	FILE *f;

	snprintf(tmppath, sizeof tmppath, "%s/%s", tmpdir, name);
	f = fopen(tmppath, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(tmppath);
		exit(2);
	}
	return tmppath;
}

/* Bytes made visible: \r \n \t \0 and \xHH for the rest below 0x20 or
 * above 0x7e. */
static void
visible(struct rt_buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r')
			rt_buf_adds(b, "\\r");
		else if (c == '\n')
			rt_buf_adds(b, "\\n");
		else if (c == '\t')
			rt_buf_adds(b, "\\t");
		else if (c < 0x20 || c > 0x7e)
			rt_buf_printf(b, "\\x%02x", c);
		else
			rt_buf_addc(b, (char)c);
	}
}

/* Every record of path (format fmt, --max-record-bytes max) as lines:
 * "L<line> <json>" or "L<line> BAD <reason> [<raw>]". */
static char *
read_all(const char *path, enum rt_fmt fmt, size_t max)
{
	struct rt_src s;
	struct rt_rec r;
	struct rt_buf b = RT_BUF_INIT;
	char *paths[1];
	int k;

	paths[0] = (char *)(uintptr_t)path;
	rt_src_init(&s, paths, 1, fmt, max);
	while ((k = rt_src_next(&s, &r)) != 0) {
		if (k == -1) {
			rt_buf_printf(&b, "ERROR %s\n", strerror(s.err));
			continue;
		}
		rt_buf_printf(&b, "L%llu ", (unsigned long long)r.line);
		if (r.bad) {
			rt_buf_printf(&b, "BAD %s [", r.bad);
			visible(&b, r.raw, r.rawlen);
			rt_buf_adds(&b, "]\n");
		} else {
			if (rt_rec_parse(&r, &scratch) == NULL)
				rt_buf_adds(&b, "(not JSON) ");
			visible(&b, r.p, r.len);
			/* The source's own document must match its text. */
			if (r.doc && (r.doc->p != r.p || r.doc->len != r.len ||
			    rt_jdoc_parse(&scratch, r.p, r.len) != 0 ||
			    scratch.nv != r.doc->nv))
				rt_buf_adds(&b, " (doc differs)");
			rt_buf_adds(&b, " [");
			visible(&b, r.raw, r.rawlen);
			rt_buf_adds(&b, "]\n");
		}
	}
	rt_src_release(&s);
	rt_buf_addc(&b, '\0');
	return b.p;
}

static void
csv_is(const char *name, enum rt_fmt fmt, size_t max, const char *in,
    size_t n, const char *want)
{
	const char *path = put_file(fmt == RT_FMT_TSV ? "t.tsv" : "t.csv", in, n);
	char *got = read_all(path, fmt, max);

	if (!ok(strcmp(got, want) == 0, "%s", name))
		diag("got:\n%s# want:\n%s", got, want);
	free(got);
}

#define CSV(name, in, want) csv_is(name, RT_FMT_CSV, 0, in, sizeof in - 1, want)
#define TSV(name, in, want) csv_is(name, RT_FMT_TSV, 0, in, sizeof in - 1, want)

static void
test_rows(void)
{
	CSV("plain rows", "a,b,c\n1,2,3\n4,5,6\n",
	    "L2 {\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"} [1,2,3]\n"
	    "L3 {\"a\":\"4\",\"b\":\"5\",\"c\":\"6\"} [4,5,6]\n");
	CSV("header only", "a,b\n", "");
	CSV("empty file", "", "");
	CSV("empty fields", "a,b,c\n,,\n\"\",\"\",\"\"\n",
	    "L2 {\"a\":\"\",\"b\":\"\",\"c\":\"\"} [,,]\n"
	    "L3 {\"a\":\"\",\"b\":\"\",\"c\":\"\"} [\"\",\"\",\"\"]\n");
	CSV("spaces in unquoted fields are kept", "a,b\n 1 ,  x y  \n",
	    "L2 {\"a\":\" 1 \",\"b\":\"  x y  \"} [ 1 ,  x y  ]\n");
	CSV("a quote after spaces is a stray quote", "a,b\n 1 , \" 2 \" \n",
	    "L2 BAD malformed CSV (stray quote) [ 1 , \" 2 \" ]\n");
	CSV("quoted delimiter and doubled quotes",
	    "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n",
	    "L2 {\"a\":\"x,y\",\"b\":\"say \\\"hi\\\"\"} "
	    "[\"x,y\",\"say \"\"hi\"\"\"]\n");
	CSV("JSON special characters are escaped", "k,v\n\\,\"a\x01" "b\"\n",
	    "L2 {\"k\":\"\\\\\",\"v\":\"a\\u0001b\"} [\\,\"a\\x01b\"]\n");
	CSV("CRLF rows", "a,b\r\n1,2\r\n3,4\r\n",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L3 {\"a\":\"3\",\"b\":\"4\"} [3,4]\n");
	CSV("a lone CR ends a line (old Mac files)", "a,b\n1\r2,3\n",
	    "L2 BAD row has 1 field, the header has 2 [1]\n"
	    "L3 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("CR-only line ends", "a,b\r1,2\r\r3,4\r",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L4 {\"a\":\"3\",\"b\":\"4\"} [3,4]\n");
	CSV("a lone CR inside quotes is data", "a,b\r\"x\ry\",\"\r\"\r",
	    "L2 {\"a\":\"x\\ry\",\"b\":\"\\r\"} [\"x\\ry\",\"\\r\"]\n");
	CSV("empty lines are not rows, lines of blanks are", "a,b\n\n1,2\n\n \t\n3,4\n\n",
	    "L3 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L5 BAD row has 1 field, the header has 2 [ \\t]\n"
	    "L6 {\"a\":\"3\",\"b\":\"4\"} [3,4]\n");
	CSV("one column: a line of blanks is a value", "a\n \n\t\n\n",
	    "L2 {\"a\":\" \"} [ ]\n"
	    "L3 {\"a\":\"\\t\"} [\\t]\n");
	TSV("TSV: a line of one tab is two empty fields", "a\tb\n\t\n  \n",
	    "L2 {\"a\":\"\",\"b\":\"\"} [\\t]\n"
	    "L3 BAD row has 1 field, the header has 2 [  ]\n");
	CSV("blank lines before the header", "\n\na,b\n1,2\n",
	    "L4 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n");
	CSV("BOM at the start", "\xEF\xBB\xBF" "a,b\n1,2\n",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n");
	CSV("BOM later is data", "a,b\n\xEF\xBB\xBF" "1,2\n",
	    "L2 {\"a\":\"\\xef\\xbb\\xbf1\",\"b\":\"2\"} [\\xef\\xbb\\xbf1,2]\n");
	CSV("last line without newline", "a,b\n1,2\n3,4",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L3 {\"a\":\"3\",\"b\":\"4\"} [3,4]\n");
	CSV("last line without newline, quoted", "a,b\n1,\"x,y\"",
	    "L2 {\"a\":\"1\",\"b\":\"x,y\"} [1,\"x,y\"]\n");
	CSV("last line without newline, wrong count", "a,b\n1",
	    "L2 BAD row has 1 field, the header has 2 [1]\n");
	CSV("NUL byte in a field", "a,b\n1,x\0y\n",
	    "L2 {\"a\":\"1\",\"b\":\"x\\u0000y\"} [1,x\\x00y]\n");
	CSV("one column", "id\n7\n8\n",
	    "L2 {\"id\":\"7\"} [7]\nL3 {\"id\":\"8\"} [8]\n");
	CSV("duplicate header names are kept", "a,a\n1,2\n",
	    "L2 {\"a\":\"1\",\"a\":\"2\"} [1,2]\n");
	CSV("a header key needing escapes", "\"k\"\"1\",k\\2\nx,y\n",
	    "L2 {\"k\\\"1\":\"x\",\"k\\\\2\":\"y\"} [x,y]\n");
}

static void
test_bad_rows(void)
{
	CSV("wrong field counts", "a,b\n1\n1,2,3\n1,2\n,\n",
	    "L2 BAD row has 1 field, the header has 2 [1]\n"
	    "L3 BAD row has 3 fields, the header has 2 [1,2,3]\n"
	    "L4 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L5 {\"a\":\"\",\"b\":\"\"} [,]\n");
	CSV("wrong count in a quoted row", "a,b\n\"1\"\n\"1\",\"2\",\"3\"\n",
	    "L2 BAD row has 1 field, the header has 2 [\"1\"]\n"
	    "L3 BAD row has 3 fields, the header has 2 [\"1\",\"2\",\"3\"]\n");
	CSV("stray quote in an unquoted field", "a,b\n1,x\"y\n2,3\n",
	    "L2 BAD malformed CSV (stray quote) [1,x\"y]\n"
	    "L3 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("text after a closing quote", "a,b\n\"1\"x,2\n2,3\n",
	    "L2 BAD malformed CSV (stray quote) [\"1\"x,2]\n"
	    "L3 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("stray quote on the second line of a row",
	    "a,b\n1,\"x\ny\"z\n2,3\n",
	    "L2 BAD malformed CSV (stray quote) [1,\"x\\ny\"z]\n"
	    "L4 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("unterminated quote at EOF", "a,b\n1,2\n3,\"abc\ndef\n",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1,2]\n"
	    "L3 BAD unterminated quoted field [3,\"abc\\ndef]\n");
	CSV("unterminated quote at EOF, CR line ends", "a,b\r3,\"abc\rdef\r",
	    "L2 BAD unterminated quoted field [3,\"abc\\rdef]\n");
	CSV("unterminated quote at EOF without newline", "a,b\n3,\"abc",
	    "L2 BAD unterminated quoted field [3,\"abc]\n");
	CSV("invalid UTF-8", "a,b\n1,\xff\n2,\"\xc3(\"\n3,\xc3\xa9\n",
	    "L2 BAD invalid UTF-8 [1,\\xff]\n"
	    "L3 BAD invalid UTF-8 [2,\"\\xc3(\"]\n"
	    "L4 {\"a\":\"3\",\"b\":\"\\xc3\\xa9\"} [3,\\xc3\\xa9]\n");
	CSV("invalid UTF-8 and a wrong count: the count", "a,b\n\xff\n",
	    "L2 BAD row has 1 field, the header has 2 [\\xff]\n");
	CSV("invalid UTF-8 in the header becomes U+FFFD", "a\xff,b\n1,2\n",
	    "L2 {\"a\\xef\\xbf\\xbd\":\"1\",\"b\":\"2\"} [1,2]\n");
}

static void
test_multiline(void)
{
	CSV("raw bytes of a multi-line row",
	    "a,b\n1,\"x\r\ny\"\r\n2,3\n",
	    "L2 {\"a\":\"1\",\"b\":\"x\\r\\ny\"} [1,\"x\\r\\ny\"]\n"
	    "L4 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("blank lines inside quotes are data", "a,b\n1,\"x\n\n \ny\"\n2,3\n",
	    "L2 {\"a\":\"1\",\"b\":\"x\\n\\n \\ny\"} [1,\"x\\n\\n \\ny\"]\n"
	    "L6 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("three lines, quotes doubled across them",
	    "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
	    "L2 {\"a\":\"1\",\"b\":\"ha \\n\\\"ha\\\" \\nha\"} "
	    "[1,\"ha \\n\"\"ha\"\" \\nha\"]\n"
	    "L5 {\"a\":\"3\",\"b\":\"4\"} [3,4]\n");
	CSV("a multi-line row with a wrong count keeps its raw lines",
	    "a,b\n\"x\r\ny\"\r\n2,3\n",
	    "L2 BAD row has 1 field, the header has 2 [\"x\\r\\ny\"]\n"
	    "L4 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	CSV("a multi-line header field",
	    "\"a\nb\",c\n1,2\n3,4\n",
	    "L3 {\"a\\nb\":\"1\",\"c\":\"2\"} [1,2]\n"
	    "L4 {\"a\\nb\":\"3\",\"c\":\"4\"} [3,4]\n");
	CSV("a multi-line header field, then a quoted row",
	    "\"a\nb\",c\n\"1\",2\n",
	    "L3 {\"a\\nb\":\"1\",\"c\":\"2\"} [\"1\",2]\n");
	CSV("a multi-line row as the last line without newline",
	    "a,b\n1,\"x\ny\"",
	    "L2 {\"a\":\"1\",\"b\":\"x\\ny\"} [1,\"x\\ny\"]\n");
}

static void
test_max(void)
{
	struct rt_buf in = RT_BUF_INIT, want = RT_BUF_INIT;
	size_t i;
	char *got;

	/* A one-line row over the limit: its prefix, and reading goes on. */
	rt_buf_adds(&in, "a,b\n1,");
	for (i = 0; i < 200; i++)
		rt_buf_addc(&in, 'x');
	rt_buf_adds(&in, "\n2,3\n");
	got = read_all(put_file("m.csv", in.p, in.len), RT_FMT_CSV, 100);
	rt_buf_adds(&want, "L2 BAD record exceeds --max-record-bytes (100) [");
	rt_buf_add(&want, in.p + 4, 202);
	rt_buf_adds(&want, "]\nL3 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	rt_buf_addc(&want, '\0');
	if (!ok(strcmp(got, want.p) == 0, "a row over --max-record-bytes"))
		diag("got:\n%s# want:\n%s", got, want.p);
	free(got);

	/* A quoted field running on over the limit (an unterminated quote):
	 * rejected with the lines so far, shorter than the kept prefix. */
	in.len = want.len = 0;
	rt_buf_adds(&in, "a,b\n1,\"");
	for (i = 0; i < 60; i++)
		rt_buf_addc(&in, 'x');
	rt_buf_addc(&in, '\n');
	for (i = 0; i < 60; i++)
		rt_buf_addc(&in, 'y');
	rt_buf_adds(&in, "\n2,3\n");
	got = read_all(put_file("m.csv", in.p, in.len), RT_FMT_CSV, 100);
	rt_buf_adds(&want, "L2 BAD record exceeds --max-record-bytes "
	    "(unterminated quote?) [1,\"");
	for (i = 0; i < 60; i++)
		rt_buf_addc(&want, 'x');
	rt_buf_adds(&want, "\\n");
	for (i = 0; i < 60; i++)
		rt_buf_addc(&want, 'y');
	rt_buf_adds(&want, "]\nL4 {\"a\":\"2\",\"b\":\"3\"} [2,3]\n");
	rt_buf_addc(&want, '\0');
	if (!ok(strcmp(got, want.p) == 0, "a quoted field running over "
	    "--max-record-bytes"))
		diag("got:\n%s# want:\n%s", got, want.p);
	free(got);
	rt_buf_release(&in);
	rt_buf_release(&want);
}

static void
test_tsv(void)
{
	TSV("TSV rows", "a\tb\n1\t2\n",
	    "L2 {\"a\":\"1\",\"b\":\"2\"} [1\\t2]\n");
	TSV("TSV: commas are data", "a\tb\n1,5\tx,y\n",
	    "L2 {\"a\":\"1,5\",\"b\":\"x,y\"} [1,5\\tx,y]\n");
	TSV("TSV: quoted tabs and newlines", "a\tb\n\"x\ty\"\t\"p\nq\"\n",
	    "L2 {\"a\":\"x\\ty\",\"b\":\"p\\nq\"} [\"x\\ty\"\\t\"p\\nq\"]\n");
	TSV("TSV: wrong count", "a\tb\n1\t2\t3\n",
	    "L2 BAD row has 3 fields, the header has 2 [1\\t2\\t3]\n");
	TSV("TSV: CRLF and empty fields", "a\tb\r\n\t\r\n",
	    "L2 {\"a\":\"\",\"b\":\"\"} [\\t]\n");
}

/* Read a whole file into a NUL-terminated buffer; NULL if unreadable. */
static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct rt_buf b = RT_BUF_INIT;
	size_t k;

	if (f == NULL)
		return NULL;
	do {
		rt_buf_reserve(&b, 65536);
		k = fread(b.p + b.len, 1, b.cap - b.len, f);
		b.len += k;
	} while (k > 0);
	fclose(f);
	*n = b.len;
	rt_buf_addc(&b, '\0');
	return b.p;
}

/* Do the records of csvpath equal the objects of the JSON array in
 * jsonpath, key by key (order and decoded values)?  1 or 0. */
static int
spectrum_case(const char *csvpath, const char *jsonpath, const char *name)
{
	struct rt_jdoc want, got;
	struct rt_src s;
	struct rt_rec r;
	struct rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;
	char *paths[1], *text;
	size_t len;
	uint32_t i = 0, o;
	int good = 1, k;

	if ((text = slurp(jsonpath, &len)) == NULL) {
		diag("%s: no expected output", name);
		return 0;
	}
	rt_jdoc_init(&want, 0);
	rt_jdoc_init(&got, 0);
	if (rt_jdoc_parse(&want, text, len) != 0 || want.v[0].type != RT_JARR)
		good = 0;
	paths[0] = (char *)(uintptr_t)csvpath;
	rt_src_init(&s, paths, 1, RT_FMT_AUTO, 0);
	while (good && (k = rt_src_next(&s, &r)) == 1) {
		const struct rt_jdoc *d;
		uint32_t kk, gv;

		o = rt_jdoc_index(&want, 0, i++);
		d = r.bad ? NULL : rt_rec_parse(&r, &got);
		if (o == 0 || d == NULL || d->v[0].n != want.v[o].n) {
			diag("%s: record %u: %s", name, i, r.bad ? r.bad :
			    o == 0 ? "one too many" : "member count");
			good = 0;
			break;
		}
		for (kk = o + 1; kk < want.v[o].next; kk = want.v[kk + 1].next) {
			a.len = b.len = 0;
			rt_jdoc_str(&want, kk, &a);
			gv = rt_jdoc_get(d, 0, a.p, a.len);
			a.len = 0;
			rt_jdoc_str(&want, kk + 1, &a);
			if (gv)
				rt_jdoc_str(d, gv, &b);
			if (!gv || a.len != b.len || memcmp(a.p, b.p, a.len)) {
				diag("%s: record %u: a value differs", name, i);
				good = 0;
			}
		}
		/* Same key order too. */
		for (kk = 1, o = o + 1; good && kk < d->v[0].next;
		    kk = d->v[kk + 1].next, o = want.v[o + 1].next)
			if (!rt_jdoc_streq(d, kk, want.p + want.v[o].off + 1,
			    want.v[o].len - 2))
				good = 0;
	}
	if (good && rt_jdoc_index(&want, 0, i) != 0) {
		diag("%s: only %u records", name, i);
		good = 0;
	}
	rt_src_release(&s);
	rt_jdoc_release(&want);
	rt_jdoc_release(&got);
	rt_buf_release(&a);
	rt_buf_release(&b);
	free(text);
	return good;
}

static void
test_spectrum(void)
{
	char dir[4096], csvpath[8192], jsonpath[8192];
	struct dirent *de;
	DIR *dp;
	int n = 0, good = 0;

	snprintf(dir, sizeof dir, "%s/csv/csv-spectrum", conformance_dir());
	snprintf(csvpath, sizeof csvpath, "%s/csvs", dir);
	if ((dp = opendir(csvpath)) == NULL) {
		skip("csv-spectrum not found at %s", dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".csv") != 0)
			continue;
		snprintf(csvpath, sizeof csvpath, "%s/csvs/%s", dir, de->d_name);
		snprintf(jsonpath, sizeof jsonpath, "%s/json/%.*s.json", dir,
		    (int)(l - 4), de->d_name);
		n++;
		if (ok(spectrum_case(csvpath, jsonpath, de->d_name),
		    "csv-spectrum %s", de->d_name))
			good++;
	}
	closedir(dp);
	diag("csv-spectrum: %d/%d cases give their expected records", good, n);
	ok(n == 11, "csv-spectrum: all 11 cases ran (%d)", n);
}

static void
field_is(const char *s, size_t n, char delim, const char *want,
    const char *name)
{
	struct rt_buf b = RT_BUF_INIT;

	rt_buf_adds(&b, "<");
	rt_csv_put_field(&b, s, n, delim);
	rt_buf_adds(&b, ">");
	is_str(rt_buf_cstr(&b), want, name);
	rt_buf_release(&b);
}

static void
test_put_field(void)
{
	field_is("abc", 3, ',', "<abc>", "field: plain");
	field_is("", 0, ',', "<>", "field: empty");
	field_is(" x ", 3, ',', "< x >", "field: spaces unquoted");
	field_is("a,b", 3, ',', "<\"a,b\">", "field: delimiter");
	field_is("a\"b", 3, ',', "<\"a\"\"b\">", "field: quote doubled");
	field_is("\"\"", 2, ',', "<\"\"\"\"\"\">", "field: only quotes");
	field_is("a\nb", 3, ',', "<\"a\nb\">", "field: LF");
	field_is("a\rb", 3, ',', "<\"a\rb\">", "field: CR");
	field_is("a\tb", 3, ',', "<a\tb>", "field: tab in CSV is plain");
	field_is("a\tb", 3, '\t', "<\"a\tb\">", "field: tab in TSV");
	field_is("a,b", 3, '\t', "<a,b>", "field: comma in TSV is plain");
	field_is("x\0y", 3, ',', "<x", "field: NUL kept (3 bytes)");
}

static const char *
put_rec(struct rt_csvw *w, const char *json, struct rt_buf *out)
{
	static struct rt_jdoc d;
	static int init;
	const char *err;

	if (!init) {
		rt_jdoc_init(&d, 0);
		init = 1;
	}
	if (json == NULL) {
		rt_jdoc_release(&d);
		init = 0;
		return NULL;
	}
	if (rt_jdoc_parse(&d, json, strlen(json)) != 0)
		return "bad test JSON";
	out->len = 0;
	rt_buf_adds(out, "pre|");
	err = rt_csvw_put(w, &d, out);
	return err;
}

static void
test_writer(void)
{
	struct rt_csvw w;
	struct rt_buf out = RT_BUF_INIT;
	const char *err;

	rt_csvw_init(&w, ',');
	err = put_rec(&w, "{\"a\":\"x\",\"b\":1.50,\"c\":null,\"d\":[1, 2],"
	    "\"e\":{\"k\":\"v\"},\"f\":true,\"g\":\"q\\\"uote\","
	    "\"h\":\"line\\nbreak\",\"i\":\"\\u00e9\",\"k\\\"ey\":\"\"}", &out);
	ok(err == NULL, "writer: first record");
	is_str(rt_buf_cstr(&out), "pre|a,b,c,d,e,f,g,h,i,\"k\"\"ey\"\n"
	    "x,1.50,,\"[1, 2]\",\"{\"\"k\"\":\"\"v\"\"}\",true,\"q\"\"uote\","
	    "\"line\nbreak\",\xc3\xa9,\n", "writer: header then values");
	err = put_rec(&w, "{\"b\":-2e3,\"a\":\"y\"}", &out);
	ok(err == NULL, "writer: keys in another order, some missing");
	is_str(rt_buf_cstr(&out), "pre|y,-2e3,,,,,,,,\n",
	    "writer: columns follow the header");
	err = put_rec(&w, "{\"a\":\"z\",\"zz\":1}", &out);
	ok(err == NULL, "writer: a new key");
	is_str(rt_buf_cstr(&out), "pre|\na,zz\nz,1\n",
	    "writer: a new key starts a new header block");
	err = put_rec(&w, "{\"zz\":2}", &out);
	is_str(rt_buf_cstr(&out), "pre|,2\n", "writer: under the new header");
	err = put_rec(&w, "[1,2]", &out);
	is_str(err, "not an object: cannot write it as CSV",
	    "writer: not an object");
	is_str(rt_buf_cstr(&out), "pre|", "writer: nothing appended");
	err = put_rec(&w, "{\"a\\u0000\":1}", &out);
	ok(err == NULL && out.len == 10 &&
	    memcmp(out.p, "pre|\na\0\n1\n", out.len) == 0,
	    "writer: a key differing by a NUL is another key (a new header)");
	rt_csvw_release(&w);

	rt_csvw_init(&w, '\t');
	put_rec(&w, "{\"a b\":\"1\\t2\",\"c\":\"x,y\"}", &out);
	is_str(rt_buf_cstr(&out), "pre|a b\tc\n\"1\t2\"\tx,y\n",
	    "TSV writer");
	rt_csvw_release(&w);

	/* One column: an empty value must not become a blank line, which
	 * readers skip. */
	rt_csvw_init(&w, ',');
	put_rec(&w, "{\"id\":\"\"}", &out);
	is_str(rt_buf_cstr(&out), "pre|id\n\"\"\n",
	    "one column: an empty string is written \"\"");
	put_rec(&w, "{\"id\":null}", &out);
	is_str(rt_buf_cstr(&out), "pre|\"\"\n", "one column: null too");
	put_rec(&w, "{\"id\":\"  \"}", &out);
	is_str(rt_buf_cstr(&out), "pre|\"  \"\n", "one column: blanks quoted");
	put_rec(&w, "{}", &out);
	is_str(rt_buf_cstr(&out), "pre|\"\"\n", "one column: missing");
	put_rec(&w, "{\"id\":\"7\"}", &out);
	is_str(rt_buf_cstr(&out), "pre|7\n", "one column: a value");
	rt_csvw_release(&w);

	/* Fixed columns, another quote and delimiter. */
	rt_csvw_init(&w, ';');
	rt_csvw_set_quote(&w, '\'');
	is_str(rt_csvw_set_columns(&w, "a,,b"), "an empty column name",
	    "columns: an empty name");
	is_str(rt_csvw_set_columns(&w, "b,a,b"), "a column named twice",
	    "columns: a name twice");
	is_str(rt_csvw_set_columns(&w, ","), "an empty column name",
	    "columns: only a comma");
	ok(rt_csvw_set_columns(&w, "b,a") == NULL, "columns: b,a");
	err = put_rec(&w, "{\"c\":1}", &out);
	is_str(err, "key " RT_REJ_KEY "'c' " RT_REJ_KEYEND "(member 1) is not in "
	    "--columns", "columns: a key not in them");
	is_str(rt_buf_cstr(&out), "pre|", "columns: nothing, not even the header");
	err = put_rec(&w, "{\"a\":\"x;y\",\"b\":\"it's \\\"q\\\"\"}", &out);
	is_str(rt_buf_cstr(&out), "pre|b;a\n'it''s \"q\"';'x;y'\n",
	    "columns: the header once, quoted with '");
	err = put_rec(&w, "{\"a\":1}", &out);
	is_str(rt_buf_cstr(&out), "pre|;1\n", "columns: a missing value is empty");
	err = put_rec(&w, "{\"a\":1,\"\\u00e9\\u001b\":2}", &out);
	is_str(err, "key " RT_REJ_KEY "'\xc3\xa9\\u001b' " RT_REJ_KEYEND
	    "(member 2) is not in --columns",
	    "columns: the key escaped");
	{
		struct rt_buf k = RT_BUF_INIT;
		int i;

		rt_buf_adds(&k, "{\"a\":1,\"");
		for (i = 0; i < 60; i++)
			rt_buf_adds(&k, "\xc3\xa9");	/* 120 bytes */
		rt_buf_adds(&k, "\":2}");
		err = put_rec(&w, rt_buf_cstr(&k), &out);
		ok(err && strlen(err) == strlen("key \001'' \002(member 2) is not in --columns") +
		    100 + 3 && strstr(err, "\xc3\xa9...'") != NULL,
		    "columns: a long key cut at 100 bytes, on a character");
		rt_buf_release(&k);
	}
	rt_csvw_release(&w);
	put_rec(NULL, NULL, &out);
	rt_buf_release(&out);
}

/* The differential test: fields from an alphabet rich in trouble,
 * written by the test's own RFC 4180 quoting (quote when needed, and at
 * random when not), read back through the source. */
static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t
next(void)
{
	return tap_xorshift(&rng);
}

#define NF 4
#define NROWS 3000

static void
ref_field(struct rt_buf *b, const char *s, size_t n, char delim, int force)
{
	size_t i;
	int q = force;

	for (i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			q = 1;
	if (q)
		rt_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (q && s[i] == '"')
			rt_buf_addc(b, '"');
		rt_buf_addc(b, s[i]);
	}
	if (q)
		rt_buf_addc(b, '"');
}

static void
differential(char delim, int use_lib)
{
	static const char *alpha[] = { "a", "b", " ", ",", "\"", "\r", "\n",
	    "\xc3\xa9", "\t", "\r\n", "\"\"", "x" };
	struct rt_buf file = RT_BUF_INIT, *fields, dec = RT_BUF_INIT;
	struct rt_src s;
	struct rt_rec r;
	char *paths[1];
	size_t row, f, i, nrec = 0;
	int bad = 0, k;

	fields = calloc(NROWS * NF, sizeof *fields);
	for (f = 0; f < NF; f++) {
		rt_buf_printf(&file, "c%zu", f);
		rt_buf_addc(&file, f + 1 < NF ? delim : '\n');
	}
	for (row = 0; row < NROWS; row++) {
		for (f = 0; f < NF; f++) {
			struct rt_buf *fb = &fields[row * NF + f];
			size_t len = next() % 7;

			for (i = 0; i < len; i++)
				rt_buf_adds(fb, alpha[next() % 12]);
			if (use_lib)
				rt_csv_put_field(&file, fb->p, fb->len, delim);
			else
				ref_field(&file, fb->p, fb->len, delim,
				    next() % 4 == 0);
			if (f + 1 < NF)
				rt_buf_addc(&file, delim);
		}
		rt_buf_adds(&file, next() % 3 == 0 ? "\r\n" : "\n");
	}
	paths[0] = (char *)(uintptr_t)put_file(delim == ',' ? "d.csv" : "d.tsv",
	    file.p, file.len);
	rt_src_init(&s, paths, 1, RT_FMT_AUTO, 0);
	while ((k = rt_src_next(&s, &r)) == 1) {
		const struct rt_jdoc *d = r.bad ? NULL : rt_rec_parse(&r, &scratch);

		row = nrec++;
		if (d == NULL || row >= NROWS || d->v[0].n != NF) {
			if (bad++ < 5)
				diag("row %zu: %s", row, r.bad ? r.bad : "odd");
			continue;
		}
		for (f = 0; f < NF; f++) {
			char key[8];
			uint32_t v;
			struct rt_buf *fb = &fields[row * NF + f];

			snprintf(key, sizeof key, "c%zu", f);
			v = rt_jdoc_get(d, 0, key, strlen(key));
			dec.len = 0;
			if (v)
				rt_jdoc_str(d, v, &dec);
			if (!v || dec.len != fb->len ||
			    (dec.len && memcmp(dec.p, fb->p, dec.len) != 0)) {
				if (bad++ < 5)
					diag("row %zu field %zu differs", row, f);
			}
		}
	}
	rt_src_release(&s);
	ok(bad == 0 && nrec == NROWS, "differential %s, %s quoting: %d rows "
	    "of trouble read back field for field", delim == ',' ? "CSV" :
	    "TSV", use_lib ? "rt_csv_put_field" : "reference", NROWS);
	for (i = 0; i < NROWS * NF; i++)
		rt_buf_release(&fields[i]);
	free(fields);
	rt_buf_release(&file);
	rt_buf_release(&dec);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	rt_jdoc_init(&scratch, 0);
	test_rows();
	test_bad_rows();
	test_multiline();
	test_max();
	test_tsv();
	test_spectrum();
	test_put_field();
	test_writer();
	differential(',', 0);
	differential('\t', 0);
	differential(',', 1);
	differential('\t', 1);
	rt_jdoc_release(&scratch);
	{
		const char *names[] = { "t.csv", "t.tsv", "m.csv", "d.csv",
		    "d.tsv" };
		size_t i;

		for (i = 0; i < sizeof names / sizeof *names; i++) {
			snprintf(tmppath, sizeof tmppath, "%s/%s", tmpdir, names[i]);
			unlink(tmppath);
		}
		rmdir(tmpdir);
	}
	return done_testing();
}
