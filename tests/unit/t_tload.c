/*
 * t_tload.c - reference tables from files (lib/tload.c), beside
 * t_table.c: a table file's format by its name or SQLite's magic; a
 * line without quotes goes a fast path of its own (split at the
 * delimiters), a line with quotes through the CSV reader, and the two
 * must keep the same rows: seeded tables (typed columns, bad values,
 * empty fields, CRLF, TSV) written plain and written with every field
 * quoted give the same rows for every key, byte for byte, and the same
 * refusals with the same lines and reasons; invalid UTF-8 refused on
 * both paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "table.h"
#include "tap.h"

static char dir[] = "/tmp/t_tload.XXXXXX";

static const char *
file(const char *name, const char *text, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(text, 1, n, f) != n)
		exit(1);
	fclose(f);
	return path;
}

static void
format_cases(void)
{
	static const struct {
		const char *name, *text;
		int fmt, want;
	} fc[] = {
		{ "a.csv", "x", RT_TF_AUTO, RT_TF_CSV },
		{ "a.CSV", "x", RT_TF_AUTO, RT_TF_CSV },
		{ "a.tsv", "x", RT_TF_AUTO, RT_TF_TSV },
		{ "a.tab", "x", RT_TF_AUTO, RT_TF_TSV },
		{ "a.ndjson", "x", RT_TF_AUTO, RT_TF_NDJSON },
		{ "a.jsonl", "x", RT_TF_AUTO, RT_TF_NDJSON },
		{ "a.json", "x", RT_TF_AUTO, RT_TF_NDJSON },
		{ "a", "x", RT_TF_AUTO, RT_TF_NDJSON },
		{ "a.db", "x", RT_TF_AUTO, RT_TF_SQLITE },
		{ "a.sqlite3", "x", RT_TF_AUTO, RT_TF_SQLITE },
		{ "m.csv", "SQLite format 3\0rest", RT_TF_AUTO, RT_TF_SQLITE },
		{ "short.db3", "SQLite format", RT_TF_AUTO, RT_TF_NDJSON },
		{ "a.csv", "x", RT_TF_TSV, RT_TF_TSV },
		{ "a.tsvx", "x", RT_TF_AUTO, RT_TF_NDJSON },
	};

	for (size_t i = 0; i < sizeof fc / sizeof fc[0]; i++) {
		size_t n = strcmp(fc[i].name, "m.csv") == 0 ? 20 :
		    strlen(fc[i].text);
		const char *p = file(fc[i].name, fc[i].text, n);

		ok(rt_table_format(p, fc[i].fmt) == fc[i].want, "format of "
		    "'%s' (given %d): %d", fc[i].name, fc[i].fmt, fc[i].want);
		unlink(p);
	}
	{
		char path[256];

		snprintf(path, sizeof path, "%s/none.csv", dir);
		ok(rt_table_format(path, RT_TF_AUTO) == RT_TF_CSV,
		    "a file not there: by its name");
	}
}

/* Every row of t as text, key by key in key order, into out. */
static void
dump(const struct rt_table *t, char **keys, int nk, struct rt_buf *out)
{
	out->len = 0;
	for (int i = 0; i < nk; i++) {
		struct rt_tmatch m;
		const char *k = keys[i];

		if (!rt_table_find(t, k, strlen(k), rt_hash(k, strlen(k)), &m))
			continue;
		rt_buf_printf(out, "%s:", k);
		for (uint32_t j = 0; j < m.n; j++) {
			struct rt_trow r;
			const char *v, *kk;
			size_t vn, kn, jn;
			uint32_t c;

			rt_trow_start(&r, &t->cols, m.base + m.off[j], &kk, &kn);
			rt_buf_addc(out, '{');
			while (rt_trow_next(&r, &c, &v, &vn)) {
				const char *jname = rt_tcols_jname(&t->cols, c,
				    &jn);

				rt_buf_add(out, jname, jn);
				rt_buf_add(out, v, vn);
				rt_buf_addc(out, ';');
			}
			rt_buf_addc(out, '}');
		}
		rt_buf_addc(out, '\n');
	}
	rt_buf_printf(out, "rows %zu rejected %llu\n%s", t->nrows,
	    (unsigned long long)t->rejected, t->rej.p ? rt_buf_cstr(
	    (struct rt_buf *)&t->rej) : "");
}

/* A field's text: a word, a number, a bool, empty, or (bad) a value
 * the typed columns refuse. */
static const char *
field_text(uint64_t z, int col, char *buf, size_t cap)
{
	static const char *const words[] = { "alpha", "b c", "Zo\xc3\xab",
	    "", "x-1", "7", "tr" };
	static const char *const nums[] = { "1", "-2.5", "1e3", "", " 4 ",
	    "0x1", "12", "n/a" };
	static const char *const ints[] = { "3", "-0", "", "18446744073709551616",
	    "2.0", "9", " 5" };
	static const char *const bools[] = { "yes", "no", "true", "0", "",
	    "maybe", "N" };

	switch (col) {
	case 0:
		snprintf(buf, cap, "k%d", (int)(z % 40));
		break;
	case 1:
		snprintf(buf, cap, "%s", words[z % 7]);
		break;
	case 2:
		snprintf(buf, cap, "%s", nums[z % 8]);
		break;
	case 3:
		snprintf(buf, cap, "%s", ints[z % 7]);
		break;
	default:
		snprintf(buf, cap, "%s", bools[z % 7]);
	}
	return buf;
}

static void
seeded(uint64_t seed, int tsv, int crlf)
{
	enum { ROWS = 600, COLS = 5 };
	static const char *const hdr[COLS] = { "id", "name", "amount", "n",
	    "flag" };
	struct rt_ttype ty[] = { { "amount", RT_TT_NUMBER },
	    { "n", RT_TT_INTEGER }, { "flag", RT_TT_BOOL } };
	struct rt_buf plain = RT_BUF_INIT, quoted = RT_BUF_INIT;
	struct rt_buf d1 = RT_BUF_INIT, d2 = RT_BUF_INIT;
	struct rt_tspec s;
	struct rt_table t1, t2;
	const char *why1, *why2, *eol = crlf ? "\r\n" : "\n";
	char delim = tsv ? '\t' : ',', name1[32], name2[32];
	char *keys[40], kb[40][8];
	uint64_t s0 = seed;

	for (int c = 0; c < COLS; c++) {
		rt_buf_printf(&plain, "%s%s", c ? (tsv ? "\t" : ",") : "",
		    hdr[c]);
		rt_buf_printf(&quoted, "%s%s", c ? (tsv ? "\t" : ",") : "",
		    hdr[c]);
	}
	rt_buf_adds(&plain, eol);
	rt_buf_adds(&quoted, eol);
	for (int r = 0; r < ROWS; r++) {
		uint64_t z = tap_xorshift(&seed);
		int ncol = z % 50 == 0 ? COLS - 1 : COLS;	/* short rows */

		if (z % 97 == 0) {	/* an empty line: no row */
			rt_buf_adds(&plain, eol);
			rt_buf_adds(&quoted, eol);
			continue;
		}
		for (int c = 0; c < ncol; c++) {
			char f[48];

			field_text(tap_xorshift(&seed), c, f, sizeof f);
			if (c) {
				rt_buf_addc(&plain, delim);
				rt_buf_addc(&quoted, delim);
			}
			rt_buf_adds(&plain, f);
			rt_buf_printf(&quoted, "\"%s\"", f);
		}
		rt_buf_adds(&plain, eol);
		rt_buf_adds(&quoted, eol);
	}
	memset(&s, 0, sizeof s);
	s.key[0] = "id";
	s.nkey = 1;
	s.types = ty;
	s.ntypes = 3;
	snprintf(name1, sizeof name1, "plain.%s", tsv ? "tsv" : "csv");
	snprintf(name2, sizeof name2, "quoted.%s", tsv ? "tsv" : "csv");
	why1 = rt_table_load(&t1, file(name1, plain.p, plain.len), &s);
	why2 = rt_table_load(&t2, file(name2, quoted.p, quoted.len), &s);
	if (why1 || why2) {
		ok(0, "seeded %llu: loads (%s, %s)", (unsigned long long)s0,
		    why1 ? why1 : "ok", why2 ? why2 : "ok");
		goto out;
	}
	for (int i = 0; i < 40; i++) {
		snprintf(kb[i], sizeof kb[i], "k%d", i);
		keys[i] = kb[i];
	}
	dump(&t1, keys, 40, &d1);
	dump(&t2, keys, 40, &d2);
	ok(t1.nrows > 300 && t1.rejected > 20 && d1.len == d2.len &&
	    memcmp(d1.p, d2.p, d1.len) == 0, "seeded %llu%s%s: %zu rows, %llu "
	    "refused: plain and quoted lines keep the same rows and refusals",
	    (unsigned long long)s0, tsv ? ", TSV" : "", crlf ? ", CRLF" : "",
	    t1.nrows, (unsigned long long)t1.rejected);
	if (d1.len != d2.len || memcmp(d1.p, d2.p, d1.len) != 0) {
		size_t k = 0;

		while (k < d1.len && k < d2.len && d1.p[k] == d2.p[k])
			k++;
		diag("first difference at %zu: plain '%.60s' quoted '%.60s'", k,
		    d1.p + k, d2.p + k);
	}
	rt_table_release(&t1);
	rt_table_release(&t2);
out:
	unlink(file(name1, "", 0));
	unlink(file(name2, "", 0));
	rt_buf_release(&plain);
	rt_buf_release(&quoted);
	rt_buf_release(&d1);
	rt_buf_release(&d2);
}

/* The exact rows of a small table, both paths mixed in one file. */
static void
small_table(void)
{
	static const char text[] = "id,name,amount\n"
	    "a,plain,1\n"
	    "b,\"quoted, with a comma\",2\n"
	    "c,\"two\nlines\",3\n"
	    "a,again,\n"
	    "d,short\n"
	    "e,last,5";			/* no newline at the end */
	struct rt_ttype ty[] = { { "amount", RT_TT_NUMBER } };
	struct rt_tspec s;
	struct rt_table t;
	struct rt_buf d = RT_BUF_INIT;
	char *keys[] = { "a", "b", "c", "d", "e" };
	const char *why;

	memset(&s, 0, sizeof s);
	s.key[0] = "id";
	s.nkey = 1;
	s.types = ty;
	s.ntypes = 1;
	why = rt_table_load(&t, file("small.csv", text, sizeof text - 1), &s);
	if (why) {
		ok(0, "small table loads: %s", why);
		return;
	}
	dump(&t, keys, 5, &d);
	is_str(rt_buf_cstr(&d),
	    "a:{\"name\":\"plain\";\"amount\":1;}{\"name\":\"again\";"
	    "\"amount\":null;}\n"
	    "b:{\"name\":\"quoted, with a comma\";\"amount\":2;}\n"
	    "c:{\"name\":\"two\\nlines\";\"amount\":3;}\n"
	    "e:{\"name\":\"last\";\"amount\":5;}\n"
	    "rows 5 rejected 1\n"
	    "7: row has 2 fields, the header has 3\n",
	    "a small table: rows by key in file order, a row over two lines, "
	    "the last without a newline");
	rt_table_release(&t);
	rt_buf_release(&d);
	unlink(file("small.csv", "", 0));
}

/* Invalid UTF-8 in a value: the row refused on its line by both paths.
 * (The reasons differ: the fast path names the column, the CSV reader
 * refuses the record as a whole; not compared here.) */
static void
bad_utf8(void)
{
	static const char text[] = "id,name\n"
	    "a,x\xff\n"
	    "b,\"x\xff\"\n"
	    "c,ok\n";
	struct rt_tspec s;
	struct rt_table t;
	const char *why;

	memset(&s, 0, sizeof s);
	s.key[0] = "id";
	s.nkey = 1;
	why = rt_table_load(&t, file("u.csv", text, sizeof text - 1), &s);
	if (why) {
		ok(0, "invalid UTF-8 table loads: %s", why);
		return;
	}
	ok(t.nrows == 1 && t.rejected == 2 && strncmp(rt_buf_cstr(&t.rej),
	    "2: ", 3) == 0 && strstr(t.rej.p, "\n3: ") != NULL,
	    "invalid UTF-8, plain and quoted: both rows refused, lines 2 and "
	    "3");
	rt_table_release(&t);
	unlink(file("u.csv", "", 0));
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	format_cases();
	small_table();
	bad_utf8();
	seeded(1, 0, 0);
	seeded(2, 0, 1);
	seeded(3, 1, 0);
	seeded(4, 1, 1);
	rmdir(dir);
	return done_testing();
}
