/*
 * t_schema.c - lib/schema.c and lib/sval.c against the official
 * JSON-Schema-Test-Suite (../shared/conformance/json-schema-test-suite):
 * every required test of draft 2020-12 and draft 7 (remote $refs are read
 * from its remotes/ folder, never the network), then optional/format with
 * format assertion on.  Prints the counts; lists every failure with its
 * reason from tests/fixtures/validate-known-failures.txt; fails on a
 * failure not listed there or when a count drops below its floor.  Tests
 * listed with a "network:" reason need a remote $ref over the network
 * (the draft meta-schemas): they are counted as excluded.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "schema.h"
#include "tap.h"

#define KNOWN "tests/fixtures/validate-known-failures.txt"

/* Floors: the pass counts this code reached when they were recorded. */
struct suite {
	const char *name;	/* "draft2020-12" */
	const char *sub;	/* "" or "optional/format" */
	int draft, formats;
	int floor;
};

/* A document reused from one instance to the next, as in a stream. */
static struct rt_jdoc warm;

static struct rt_buf known;	/* the known-failures file, NUL-terminated */

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct rt_buf b = RT_BUF_INIT;
	size_t r;

	if (f == NULL)
		return NULL;
	do {
		rt_buf_reserve(&b, 65536);
		r = fread(b.p + b.len, 1, b.cap - b.len, f);
		b.len += r;
	} while (r > 0);
	fclose(f);
	*n = b.len;
	rt_buf_cstr(&b);
	return b.p;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The reason a test is known to fail, or NULL.  Lines are
 * "ID<TAB>reason", ID being "draft/file: case / test". */
static const char *
known_reason(const char *id, char *reason, size_t rlen)
{
	const char *p = known.p;
	size_t n = strlen(id);

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > n && memcmp(p, id, n) == 0 && p[n] == '\t') {
			snprintf(reason, rlen, "%.*s", (int)(len - n - 1),
			    p + n + 1);
			return reason;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

struct counts {
	int pass, fail, unexpected;
	int excluded;	/* need a remote $ref over the network */
};

static void
one_test(const struct suite *su, const char *file, const char *cdesc,
    struct rt_sval *v, const struct rt_jdoc *d, uint32_t t,
    struct counts *c)
{
	struct rt_jdoc inst;
	struct rt_buf desc = RT_BUF_INIT, id = RT_BUF_INIT;
	uint32_t data = rt_jdoc_get(d, t, "data", 4);
	uint32_t valid = rt_jdoc_get(d, t, "valid", 5);
	int want = d->v[valid].type == RT_JTRUE, got = -1, errs_ok = 1;
	char reason[256];
	const char *why;

	rt_jdoc_str(d, rt_jdoc_get(d, t, "description", 11), &desc);
	rt_buf_printf(&id, "%s%s%s/%s: %s / %.*s", su->name, *su->sub ? "/" :
	    "", su->sub, file, cdesc, (int)desc.len, desc.p);
	rt_jdoc_init(&inst, 0);
	if (v && rt_jdoc_parse(&inst, rt_jdoc_text(d, data), d->v[data].len)
	    == 0) {
		size_t nerr, wn[3];
		int wgot[3] = { -1, -1, -1 };

		/* First through a document that parsed the instances before
		 * it, as in a stream, three times (so that its keys repeat
		 * and the validator keeps what it found for the last one):
		 * it must agree with a fresh document. */
		for (int rep = 0; rep < 3; rep++) {
			wn[rep] = 0;
			if (rt_jdoc_parse(&warm, rt_jdoc_text(d, data),
			    d->v[data].len) == 0) {
				wgot[rep] = rt_sval_check(v, &warm);
				wn[rep] = rt_sval_errors(v, &warm, 100);
			}
		}
		got = rt_sval_check(v, &inst);
		/* The error pass must agree with the fast pass. */
		nerr = rt_sval_errors(v, &inst, 100);
		errs_ok = (nerr == 0) == (got == 1);
		for (int rep = 0; rep < 3; rep++)
			if (wgot[rep] != got || wn[rep] != nerr)
				errs_ok = 0;
	}
	if (got == want && errs_ok) {
		c->pass++;
	} else {
		why = known_reason(rt_buf_cstr(&id), reason, sizeof reason);
		if (why && strncmp(why, "network:", 8) == 0)
			c->excluded++;
		else
			c->fail++;
		if (why == NULL)
			c->unexpected++;
		diag("%s %s: %s (want %s, got %s%s)", why && strncmp(why,
		    "network:", 8) == 0 ? "EXCLUDED" : "FAIL", id.p, why ? why :
		    "UNEXPECTED", want ? "valid" : "invalid", got == -1 ?
		    "no schema" : got ? "valid" : "invalid", errs_ok ? "" :
		    "; the error pass or a reused document disagrees");
	}
	rt_jdoc_release(&inst);
	rt_buf_release(&desc);
	rt_buf_release(&id);
}

static void
one_case(const struct suite *su, const char *file, const char *remotes,
    const struct rt_jdoc *d, uint32_t k, struct counts *c)
{
	struct rt_schema_opts o = { su->draft, remotes, su->formats, 0 };
	struct rt_buf cdesc = RT_BUF_INIT, err = RT_BUF_INIT;
	uint32_t sch = rt_jdoc_get(d, k, "schema", 6);
	uint32_t tests = rt_jdoc_get(d, k, "tests", 5), t;
	struct rt_schema *s;
	struct rt_sval *v = NULL;

	rt_jdoc_str(d, rt_jdoc_get(d, k, "description", 11), &cdesc);
	rt_buf_cstr(&cdesc);
	s = rt_schema_compile(rt_jdoc_text(d, sch), d->v[sch].len, file, &o,
	    &err);
	if (s)
		v = rt_sval_new(s);
	else
		diag("%s: %s: schema refused: %.*s", file, cdesc.p,
		    (int)err.len, err.p);
	for (t = tests + 1; t < d->v[tests].next; t = d->v[t].next)
		one_test(su, file, cdesc.p, v, d, t, c);
	rt_sval_free(v);
	rt_schema_free(s);
	rt_buf_release(&cdesc);
	rt_buf_release(&err);
}

static void
one_file(const struct suite *su, const char *dir, const char *file,
    const char *remotes, struct counts *c)
{
	char path[16384];
	struct rt_jdoc d;
	size_t n;
	char *text;
	uint32_t k;

	if (snprintf(path, sizeof path, "%s/%s", dir, file) >=
	    (int)sizeof path || (text = slurp(path, &n)) == NULL) {
		ok(0, "read %s", path);
		return;
	}
	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, text, n) == 0 && d.v[0].type == RT_JARR)
		for (k = 1; k < d.v[0].next; k = d.v[k].next)
			one_case(su, file, remotes, &d, k, c);
	else
		ok(0, "parse %s", path);
	rt_jdoc_release(&d);
	free(text);
}

static void
run_suite(const char *root, const struct suite *su)
{
	char dir[8192], remotes[8192];
	struct counts c = { 0, 0, 0, 0 };
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, i;
	DIR *dp;

	if (snprintf(dir, sizeof dir, "%s/tests/%s%s%s", root, su->name,
	    *su->sub ? "/" : "", su->sub) >= (int)sizeof dir ||
	    snprintf(remotes, sizeof remotes, "%s/remotes", root) >=
	    (int)sizeof remotes || (dp = opendir(dir)) == NULL) {
		skip("JSON-Schema-Test-Suite %s not found at %s", su->name, dir);
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
			names = realloc(names, (nn + 1) * sizeof *names);
			names[nn++] = strdup(e->d_name);
		}
	}
	closedir(dp);
	qsort(names, nn, sizeof *names, cmp_names);
	for (i = 0; i < nn; i++) {
		one_file(su, dir, names[i], remotes, &c);
		free(names[i]);
	}
	free(names);
	printf("# %s%s%s: %d passed, %d failed (%.1f%%), %d excluded (remote "
	    "$ref over the network)\n", su->name, *su->sub ? " " : "",
	    su->sub, c.pass, c.fail, 100.0 * c.pass / (c.pass + c.fail ?
	    c.pass + c.fail : 1), c.excluded);
	ok(c.unexpected == 0, "%s%s%s: no failure outside %s", su->name,
	    *su->sub ? " " : "", su->sub, KNOWN);
	ok(c.pass >= su->floor, "%s%s%s: %d passed, floor %d", su->name,
	    *su->sub ? " " : "", su->sub, c.pass, su->floor);
}

/* The errors of d as one text in b; their count. */
static size_t
errors_text(struct rt_sval *v, const struct rt_jdoc *d, struct rt_buf *b)
{
	size_t n = rt_sval_errors(v, d, 10);

	b->len = 0;
	for (size_t k = 0; k < n; k++)
		rt_buf_printf(b, "%s|%s|%s|%s;", rt_sval_error(v, k)->inst,
		    rt_sval_error(v, k)->schema, rt_sval_error(v, k)->msg,
		    rt_sval_error(v, k)->vmsg);
	return n;
}

/* A stream of records with the same keys, valid and not in turn, through
 * one document (the validator keeps which schema each member met while
 * the keys repeat) and through a fresh document each: the same verdicts
 * and the same errors, word for word. */
static void
test_stream(void)
{
	static const char schema[] = "{\"type\":\"object\","
	    "\"properties\":{\"a\":{\"type\":\"integer\"},"
	    "\"b\":{\"enum\":[\"x\",\"y\"]},\"n\":{\"required\":[\"q\"]}},"
	    "\"required\":[\"a\"],\"minProperties\":2,"
	    "\"additionalProperties\":{\"type\":\"boolean\"}}";
	static const char *recs[] = {
	    "{\"a\":1,\"b\":\"x\",\"c\":true}",
	    "{\"a\":2,\"b\":\"y\",\"c\":5}",
	    "{\"a\":\"s\",\"b\":\"x\",\"c\":false}",
	    "{\"a\":3,\"b\":\"z\",\"c\":true}",
	    "{\"a\":4,\"b\":\"x\",\"c\":{}}",
	    "{\"a\":5,\"b\":\"x\",\"c\":[true]}",
	    "{\"b\":\"x\",\"c\":true}",
	    "{\"a\":1}",
	    "{\"a\":1,\"n\":{\"q\":1}}",
	    "{\"a\":1,\"n\":{}}",
	    "{\"a\":1,\"b\":\"x\",\"b\":\"q\"}",
	};
	struct rt_schema_opts o = { RT_DRAFT_2020, NULL, 0, 0 };
	struct rt_buf err = RT_BUF_INIT, a = RT_BUF_INIT, b = RT_BUF_INIT;
	struct rt_schema *s = rt_schema_compile(schema, strlen(schema),
	    "stream.json", &o, &err);
	struct rt_sval *v1, *v2;
	struct rt_jdoc w, f;
	unsigned r = 11;
	int bad = 0, invalid = 0;

	if (!ok(s != NULL, "stream schema compiles"))
		return;
	v1 = rt_sval_new(s);
	v2 = rt_sval_new(s);
	rt_jdoc_init(&w, 0);
	for (int i = 0; i < 20000; i++) {
		const char *t;
		size_t n1, n2;

		r = r * 1103515245u + 12345u;
		/* Mostly the first six (one set of keys), now and then another. */
		t = recs[(r >> 16) % 8 < 6 ? (r >> 20) % 6 :
		    (r >> 20) % (sizeof recs / sizeof *recs)];
		rt_jdoc_init(&f, 0);
		if (rt_jdoc_parse(&w, t, strlen(t)) != 0 ||
		    rt_jdoc_parse(&f, t, strlen(t)) != 0) {
			bad++;
			rt_jdoc_release(&f);
			continue;
		}
		if (rt_sval_check(v1, &w) != rt_sval_check(v2, &f))
			bad++;
		n1 = errors_text(v1, &w, &a);
		n2 = errors_text(v2, &f, &b);
		invalid += n1 > 0;
		if (n1 != n2 || a.len != b.len ||
		    (a.len && memcmp(a.p, b.p, a.len) != 0))
			bad++;
		rt_jdoc_release(&f);
	}
	ok(bad == 0 && invalid > 5000, "a stream of 20000 records through one "
	    "document: verdicts and errors as with a fresh document each "
	    "(%d invalid, %d differ)", invalid, bad);
	rt_jdoc_release(&w);
	rt_sval_free(v1);
	rt_sval_free(v2);
	rt_schema_free(s);
	rt_buf_release(&err);
	rt_buf_release(&a);
	rt_buf_release(&b);
}

int
main(void)
{
	static const struct suite suites[] = {
		{ "draft2020-12", "", RT_DRAFT_2020, 0, 1299 },
		{ "draft7", "", RT_DRAFT_7, 0, 927 },
		{ "draft2020-12", "optional/format", RT_DRAFT_2020, 1, 663 },
		{ "draft7", "optional/format", RT_DRAFT_7, 1, 575 },
	};
	char root[4096];
	size_t n, i;
	char *k;

	snprintf(root, sizeof root, "%s/json-schema-test-suite",
	    conformance_dir());
	rt_buf_init(&known);
	if ((k = slurp(KNOWN, &n)) != NULL) {
		rt_buf_add(&known, k, n);
		free(k);
	}
	rt_buf_cstr(&known);
	rt_jdoc_init(&warm, 0);
	test_stream();
	for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
		run_suite(root, &suites[i]);
	rt_jdoc_release(&warm);
	rt_buf_release(&known);
	return done_testing();
}
