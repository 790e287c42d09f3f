/*
 * t_json.c - the JSON scanner, decoding, escaping and member editing
 * (lib/json.c, lib/jedit.c), and JSONTestSuite's parsing corpus.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jedit.h"
#include "json.h"
#include "tap.h"

static struct rt_jdoc doc;

static int
parses(const char *s)
{
	return rt_jdoc_parse(&doc, s, strlen(s)) == 0;
}

static void
test_accept_reject(void)
{
	static const char *good[] = { "{}", "[]", "0", "-0", "1.5e-3", "\"\"",
	    " {\"a\" : [1, true, false, null, {\"b\":\"c\"}]} ", "\"\\u00e9\"",
	    "\"\\ud83d\\ude00\"", "\"\\ud800\"", "[-1E+2]", "\"\xc3\xa9\"",
	    "\"\xef\xbf\xbf\"", "{\"a\":1,\"a\":2}" };
	static const char *bad[] = { "", " ", "{", "}", "[1,]", "{\"a\":1,}",
	    "01", "1.", ".5", "+1", "1e", "tru", "nul", "\"a", "'a'",
	    "{a:1}", "[1 2]", "{\"a\" 1}", "\"\\x\"", "\"\\u12\"", "NaN",
	    "\"a\tb\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xc0\xaf\"",
	    "\"\xf4\x90\x80\x80\"", "1 2", "[1]x", "\"\x01\"" };
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ok(parses(good[i]), "accepts %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(!parses(bad[i]), "rejects [%s]", bad[i]);
	ok(rt_jdoc_parse(&doc, "\"a\0b\"", 5) == -1 &&
	    strcmp(doc.err, "NUL byte in string") == 0, "a raw NUL is refused");
	ok(rt_jdoc_parse(&doc, "[1,\0]", 5) == -1, "NUL outside strings too");
}

static void
test_depth(void)
{
	char deep[2 * RT_JSON_MAXDEPTH + 8];
	size_t i;

	for (i = 0; i < RT_JSON_MAXDEPTH; i++) {
		deep[i] = '[';
		deep[2 * RT_JSON_MAXDEPTH - 1 - i] = ']';
	}
	ok(rt_jdoc_parse(&doc, deep, 2 * RT_JSON_MAXDEPTH) == 0,
	    "depth %d is accepted", RT_JSON_MAXDEPTH);
	memmove(deep + 1, deep, 2 * RT_JSON_MAXDEPTH);
	deep[0] = '[';
	deep[2 * RT_JSON_MAXDEPTH + 1] = ']';
	ok(rt_jdoc_parse(&doc, deep, 2 * RT_JSON_MAXDEPTH + 2) == -1 &&
	    strcmp(doc.err, "nesting too deep") == 0,
	    "depth %d is refused", RT_JSON_MAXDEPTH + 1);
}

static void
test_nodes(void)
{
	const char *s = "{\"a\":1,\"b\":[true,{\"c\":null}],\"d\\u0041\":\"x\","
	    "\"a\":-2.5e1}";
	uint32_t a, b, c, e;
	struct rt_buf t = RT_BUF_INIT;

	ok(parses(s), "parses the nested record");
	ok(doc.v[0].type == RT_JOBJ && doc.v[0].n == 4 && doc.v[0].len ==
	    strlen(s) && doc.v[0].next == doc.nv, "root node");
	a = rt_jdoc_get(&doc, 0, "a", 1);
	ok(a && doc.v[a].type == RT_JNUM &&
	    memcmp(rt_jdoc_text(&doc, a), "-2.5e1", 6) == 0 &&
	    doc.v[a].len == 6 && !(doc.v[a].flags & RT_JF_INT),
	    "the last of duplicate keys wins, as in jq");
	b = rt_jdoc_get(&doc, 0, "b", 1);
	ok(b && doc.v[b].type == RT_JARR && doc.v[b].n == 2, "array node");
	e = rt_jdoc_index(&doc, b, 1);
	c = rt_jdoc_get(&doc, e, "c", 1);
	ok(c && doc.v[c].type == RT_JNULL, "nested member through index");
	ok(rt_jdoc_index(&doc, b, 2) == 0, "index out of range is 0");
	ok(rt_jdoc_get(&doc, 0, "dA", 2) != 0, "escaped keys match decoded");
	ok(rt_jdoc_get(&doc, 0, "zz", 2) == 0, "absent key is 0");
	rt_jdoc_str(&doc, rt_jdoc_get(&doc, 0, "dA", 2), &t);
	ok(t.len == 1 && t.p[0] == 'x', "string value decodes");
	rt_buf_release(&t);
	ok(parses("7") && doc.v[0].type == RT_JNUM && (doc.v[0].flags & RT_JF_INT),
	    "a scalar text is one node");
}

static void
test_unescape(void)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *in = "a\\n\\t\\\"\\\\\\/\\u00e9\\ud83d\\ude00\\ud800x\\u0000";
	const char *want = "a\n\t\"\\/\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx";

	rt_json_unescape(in, strlen(in), &b);
	ok(b.len == strlen(want) + 1 && memcmp(b.p, want, strlen(want)) == 0 &&
	    b.p[b.len - 1] == '\0', "unescape: pairs, lone surrogate, NUL");
	rt_buf_release(&b);
}

static void
test_put_str(void)
{
	struct rt_buf b = RT_BUF_INIT;
	size_t bad;
	unsigned fl;

	bad = rt_json_put_str(&b, "a\"b\\c\n\x01\xc3\xa9", 9);
	ok(bad == 0 && b.len == strlen("\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"") &&
	    memcmp(b.p, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"", b.len) == 0,
	    "escapes quotes, backslashes and controls; keeps UTF-8");
	b.len = 0;
	bad = rt_json_put_str(&b, "x\xff\xc3", 3);
	ok(bad == 2 && b.len == 9 && memcmp(b.p,
	    "\"x\xef\xbf\xbd\xef\xbf\xbd\"", 9) == 0,
	    "invalid UTF-8 becomes U+FFFD and is counted");
	b.len = 0;
	fl = rt_json_put_str_f(&b, "0123456789abcdef0123\"", 21, &bad);
	ok(fl == RT_JF_ESC && b.len == 24, "long strings, flags");
	ok(rt_jdoc_parse(&doc, b.p, b.len) == 0 && doc.v[0].flags == RT_JF_ESC,
	    "put_str output parses with the same flags");
	rt_buf_release(&b);
}

/* Every length up to 40 (the 16-, 8-byte and overlapping checks), with
 * one special byte (or none) at every place: the output is the input in
 * quotes when nothing needs escaping, and decodes back to it otherwise. */
static void
test_put_str_lengths(void)
{
	static const char special[] = { 0, '"', '\\', '\n', 0x1f, (char)0xc3 };
	struct rt_buf b = RT_BUF_INIT, back = RT_BUF_INIT;
	char s[41];
	int fails = 0, cases = 0;

	for (size_t n = 0; n <= 40; n++)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < sizeof special; k++) {
				int plain = at == n || k == 0;

				if (k == 0 && at > 0)
					continue;
				for (size_t i = 0; i < n; i++)
					s[i] = (char)('a' + i % 26);
				if (!plain)
					s[at] = special[k];
				/* A lone lead byte: make it a whole é. */
				if (!plain && k == 5 && at + 1 < n)
					s[at + 1] = (char)0xa9;
				else if (!plain && k == 5)
					s[at] = '~', plain = 1;
				b.len = back.len = 0;
				rt_json_put_str(&b, s, n);
				cases++;
				if (plain ? b.len != n + 2 || b.p[0] != '"' ||
				    memcmp(b.p + 1, s, n) != 0 ||
				    b.p[n + 1] != '"' :
				    rt_jdoc_parse(&doc, b.p, b.len) != 0 ||
				    (rt_jdoc_str(&doc, 0, &back), back.len != n) ||
				    memcmp(back.p, s, n) != 0)
					fails++;
			}
	ok(fails == 0, "put_str: %d strings of every length to 40 with a "
	    "special byte at every place (%d wrong)", cases, fails);
	rt_buf_release(&b);
	rt_buf_release(&back);
}

static void
check_edit(const char *in, const char *want, const char *name)
{
	struct rt_jedit e;
	struct rt_buf out = RT_BUF_INIT;

	rt_jedit_init(&e);
	if (!ok(parses(in), "edit input parses: %s", name))
		return;
	rt_jedit_start(&e, &doc);
	rt_jedit_set(&e, "_score", 6, "40", 2);
	rt_jedit_set(&e, "a", 1, "\"new\"", 5);
	rt_buf_add(rt_jedit_key(&e, "_rules", 6), "[\"r1\"]", 6);
	rt_jedit_finish(&e, &out);
	is_str(rt_buf_cstr(&out), want, name);
	rt_buf_release(&out);
	rt_jedit_release(&e);
}

static void
test_jedit(void)
{
	check_edit("{}", "{\"_score\":40,\"a\":\"new\",\"_rules\":[\"r1\"]}",
	    "edit: empty object gets members appended");
	check_edit("{\"x\": 1.50 ,\"a\":1}",
	    "{\"x\": 1.50 ,\"a\":\"new\",\"_score\":40,\"_rules\":[\"r1\"]}",
	    "edit: existing member replaced in place, bytes kept");
	check_edit(" {\"_score\":1,\"b\":{\"a\":2}} ",
	    "{\"_score\":40,\"b\":{\"a\":2},\"a\":\"new\",\"_rules\":[\"r1\"]}",
	    "edit: nested keys untouched, top-level replaced");
}

/* Read a whole file; NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

static void
test_suite(void)
{
	char dir[4096], path[8192];
	struct dirent *de;
	DIR *dp;
	int y = 0, ybad = 0, n = 0, nbad = 0, i = 0, iacc = 0;

	snprintf(dir, sizeof dir, "%s/json-test-suite/test_parsing",
	    conformance_dir());
	if ((dp = opendir(dir)) == NULL) {
		skip("JSONTestSuite not found at %s", dir);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t len;
		char *p;
		int r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((p = slurp(path, &len)) == NULL)
			continue;
		r = rt_jdoc_parse(&doc, p, len);
		switch (de->d_name[0]) {
		case 'y':
			y++;
			if (r != 0) {
				ybad++;
				diag("rejected %s: %s", de->d_name, doc.err);
			}
			break;
		case 'n':
			n++;
			if (r == 0) {
				nbad++;
				diag("accepted %s", de->d_name);
			}
			break;
		case 'i':
			i++;
			iacc += r == 0;
		}
		free(p);
	}
	closedir(dp);
	diag("JSONTestSuite: y_ %d/%d accepted, n_ %d/%d rejected, "
	    "i_ %d run (%d accepted)", y - ybad, y, n - nbad, n, i, iacc);
	ok(y == 95 && ybad == 0, "JSONTestSuite: all %d y_ files accepted", y);
	ok(n == 188 && nbad == 0, "JSONTestSuite: all %d n_ files rejected", n);
	ok(i == 35, "JSONTestSuite: all %d i_ files ran without a crash", i);
}

/* The key memo (records repeating their keys are parsed by matching the
 * last record's key bytes): a document parsing a stream must give the
 * same result, error and nodes as a document without memos, for records
 * whose keys repeat, change, grow, lose a byte, sit near the end of the
 * text, carry escapes, whitespace or UTF-8, and for broken records. */
static int
same_parse(struct rt_jdoc *a, struct rt_jdoc *b, const char *s, size_t n)
{
	int ra = rt_jdoc_parse(a, s, n), rb = rt_jdoc_parse(b, s, n);

	if (ra != rb)
		return 0;
	if (ra != 0)
		return a->err == b->err && a->erroff == b->erroff;
	return a->nv == b->nv &&
	    memcmp(a->v, b->v, a->nv * sizeof *a->v) == 0;
}

static void
test_key_memo(void)
{
	static const char *keys[] = { "a", "ts", "tx_id", "card_id",
	    "merchant_id", "card_country", "abcdefghijklm", "abcdefghijklmn",
	    "abcdefghijklmno", "abcdefghijklmnopqrstuvwxyz01234",
	    "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz0123456",
	    "caf\xc3\xa9", "q\\\"uote", "\\u0041", "tx_i", "tx_idx", "" };
	static const char *vals[] = { "1", "\"x\"", "-2.5e3", "true", "null",
	    "[1,{\"a\":2}]", "{\"tx_id\":1}", "\"\"" };
	struct rt_jdoc warm, cold;
	char rec[2048];
	unsigned r = 99;
	int bad = 0, cases = 0, errors = 0;
	size_t nk = sizeof keys / sizeof *keys;

	rt_jdoc_init(&warm, 0);
	rt_jdoc_init(&cold, 0);
	free(cold.km);
	cold.km = NULL;
	for (int i = 0; i < 20000; i++) {
		size_t n = 0, members;
		int shape;

		r = r * 1103515245u + 12345u;
		shape = (int)(r >> 16) % 4;	/* 0, 1: the usual keys */
		r = r * 1103515245u + 12345u;
		members = shape < 2 ? 8 : (r >> 16) % 12;
		rec[n++] = '{';
		for (size_t m = 0; m < members; m++) {
			const char *k, *v;

			r = r * 1103515245u + 12345u;
			k = shape < 2 ? keys[m % 8] : keys[(r >> 16) % nk];
			r = r * 1103515245u + 12345u;
			v = vals[(r >> 16) % (sizeof vals / sizeof *vals)];
			n += (size_t)snprintf(rec + n, sizeof rec - n,
			    "%s\"%s\"%s:%s", m ? "," : "", k,
			    shape == 3 && (r >> 20) % 5 == 0 ? " " : "", v);
		}
		rec[n++] = '}';
		/* Now and then a broken byte, or a cut. */
		r = r * 1103515245u + 12345u;
		if ((r >> 16) % 4 == 0 && n > 2) {
			size_t at = (r >> 8) % n;

			r = r * 1103515245u + 12345u;
			if ((r >> 16) % 2)
				rec[at] = "\"\\:,{}[] x\x01\x80"[(r >> 20) % 13];
			else
				n = at;
		}
		cases++;
		if (rt_jdoc_parse(&cold, rec, n) != 0)
			errors++;
		if (!same_parse(&warm, &cold, rec, n))
			bad++;
	}
	ok(bad == 0 && errors > 1000 && errors < cases,
	    "key memo: %d records (%d broken) parse as without memos (%d "
	    "differ)", cases, errors, bad);
	rt_jdoc_release(&warm);
	rt_jdoc_release(&cold);
}

int
main(void)
{
	rt_jdoc_init(&doc, 0);
	test_accept_reject();
	test_depth();
	test_nodes();
	test_unescape();
	test_put_str();
	test_put_str_lengths();
	test_key_memo();
	test_jedit();
	test_suite();
	rt_jdoc_release(&doc);
	return done_testing();
}
