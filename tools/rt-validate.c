/*
 * rt-validate - check each record against a JSON Schema (draft 2020-12 or
 * draft 7); valid records pass untouched, invalid ones are rejected with
 * every error.  See rt-validate(1); the validator lives in lib/schema.c
 * and lib/sval.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "loop.h"
#include "jedit.h"
#include "mem.h"
#include "number.h"
#include "schema.h"

enum {
	OPT_SCHEMA = RT_OPT_TOOL, OPT_SCHEMA_DIR, OPT_DRAFT, OPT_FORMATS,
	OPT_MAX_ERRORS, OPT_ANNOTATE, OPT_QUIET_UNKNOWN
};

static const struct rt_optdef opts[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	RT_OPTTAB_ARG("schema", OPT_SCHEMA,
	    "FILE", "the schema (required)"),
	RT_OPTTAB_ARG("schema-dir", OPT_SCHEMA_DIR,
	    "DIR", "resolve other $ref'd documents from DIR"),
	RT_OPTTAB_ARG("draft", OPT_DRAFT,
	    "2020-12|7", "draft of a schema without $schema\n"
	    "(default 2020-12)"),
	RT_OPTTAB_FLAG("formats", OPT_FORMATS,
	    "assert \"format\" (else an annotation)"),
	RT_OPTTAB_ARG("max-errors", OPT_MAX_ERRORS,
	    "N", "errors kept per record (default 10)"),
	RT_OPTTAB_FLAG("annotate", OPT_ANNOTATE,
	    "pass invalid records too, with _errors"),
	RT_OPTTAB_FLAG("quiet-unknown", OPT_QUIET_UNKNOWN,
	    "no warning for unknown schema keywords"),
	RT_OPTTAB_END
};

/* Keywords counted for --stats: one count per invalid record and
 * keyword, in the order they were first seen. */
#define MAXKW 48

struct validate {
	struct rt_cli *cli;
	const char *schema_path;
	struct rt_schema_opts so;
	size_t max_errors;
	int annotate, verbose, quiet_unknown;
	struct rt_schema *schema;
	struct rt_sval *val;
	struct rt_jdoc doc, tdoc;	/* the record; a typed CSV row */
	struct rt_buf typed;		/* a typed CSV row's text */
	struct rt_buf errs;		/* ,"errors":[...] or [...] */
	struct rt_buf reason;
	struct rt_buf out;
	struct rt_jedit ed;
	const char *kw[MAXKW];
	uint64_t kwcount[MAXKW];
	size_t nkw;
	uint64_t ninvalid;
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-validate --schema FILE [OPTION]... [FILE]...\n"
	    "Check each record against a JSON Schema (draft 2020-12 or 7):\n"
	    "valid records pass untouched, invalid ones are rejected with\n"
	    "every error.\n\n", opts, "\n",
	    RT_CLI_GROUPS(rt_cli_common_opts),
	    "\nExit status: 0 all records valid, 1 some invalid, "
	    "2 trouble.\nSee rt-validate(1) and rtpipe(7).\n");
}

/* --schema-dir must name a directory: a typo would otherwise only show
 * as a $ref that does not resolve, or not at all. */
static void
check_dir(struct validate *v)
{
	struct stat st;

	if (stat(v->so.dir, &st) == -1)
		rt_cli_usage_error(v->cli, "--schema-dir: '%s': %s", v->so.dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		rt_cli_usage_error(v->cli, "--schema-dir: '%s': %s", v->so.dir,
		    strerror(ENOTDIR));
}

static void
options(struct validate *v, int argc, char **argv)
{
	const char *err;
	long long n;
	int opt, li;

	while ((opt = rt_cli_getopt(v->cli, argc, argv, &li)) != -1) {
		err = NULL;
		switch (opt) {
		case OPT_SCHEMA: v->schema_path = optarg; break;
		case OPT_SCHEMA_DIR: v->so.dir = optarg; break;
		case OPT_DRAFT:
			v->so.draft = rt_cli_word(v->cli, "--draft", optarg,
			    (const char *const[]){ "2020-12", "7", NULL }) ?
			    RT_DRAFT_7 : RT_DRAFT_2020;
			break;
		case OPT_FORMATS: v->so.formats = 1; break;
		case OPT_MAX_ERRORS:
			n = rt_cli_size(optarg);
			if (n < 1 || n > 100000)
				err = "expected a count from 1";
			v->max_errors = (size_t)n;
			break;
		case OPT_ANNOTATE: v->annotate = 1; break;
		case OPT_QUIET_UNKNOWN: v->quiet_unknown = 1; break;
		default:
			rt_cli_other(v->cli, argv, opt, optarg);
		}
		if (err)
			rt_cli_usage_error(v->cli, "--%s: %s: '%s'",
			    v->cli->longopts[li].name, err, optarg);
	}
	if (v->schema_path == NULL)
		rt_cli_usage_error(v->cli, "--schema FILE is required");
	if (v->so.dir)
		check_dir(v);
}

/* Load the schema: its errors (one a line) end the run; its warnings
 * are said once. */
static void
load_schema(struct validate *v)
{
	struct rt_buf err;
	char *line, *nl;
	size_t i;

	rt_buf_init(&err);
	v->schema = rt_schema_load(v->schema_path, &v->so, &err);
	if (v->schema == NULL) {
		rt_buf_addc(&err, '\0');
		for (line = err.p; (nl = strchr(line, '\n')) != NULL;
		    line = nl + 1) {
			*nl = '\0';
			rt_cli_warn(v->cli, "%s", line);
		}
		rt_cli_fatal(v->cli, "%s", line);
	}
	rt_buf_release(&err);
	for (i = 0; !v->quiet_unknown && i < rt_schema_nwarnings(v->schema);
	    i++)
		rt_cli_warn(v->cli, "%s", rt_schema_warning(v->schema, i));
	v->val = rt_sval_new(v->schema);
}

/* --stats: ,"invalid":N,"keywords":{"maximum":3,...} (invalid records
 * per keyword). */
static void
stats_extra(struct rt_buf *b, void *arg)
{
	struct validate *v = arg;
	size_t i;

	rt_stats_member(b, "invalid", v->ninvalid);
	rt_buf_adds(b, ",\"keywords\":{");
	for (i = 0; i < v->nkw; i++)
		rt_buf_printf(b, "%s\"%s\":%llu", i ? "," : "", v->kw[i],
		    (unsigned long long)v->kwcount[i]);
	rt_buf_addc(b, '}');
}

static void
count_keywords(struct validate *v, size_t nerr)
{
	size_t i, k, j;

	for (i = 0; i < nerr; i++) {
		const char *kw = rt_sval_error(v->val, i)->keyword;

		for (j = 0; j < i; j++)
			if (strcmp(rt_sval_error(v->val, j)->keyword, kw) == 0)
				break;
		if (j < i)
			continue;	/* once per record */
		for (k = 0; k < v->nkw && strcmp(v->kw[k], kw) != 0; k++)
			;
		if (k == v->nkw) {
			if (v->nkw == MAXKW)
				continue;
			v->kw[v->nkw++] = kw;
		}
		v->kwcount[k]++;
	}
}

static void
put_member(struct rt_buf *b, const char *name, const char *val, int comma)
{
	if (comma)
		rt_buf_addc(b, ',');
	rt_buf_addc(b, '"');
	rt_buf_adds(b, name);
	rt_buf_adds(b, "\":");
	rt_json_put_str(b, val, strlen(val));
}

/* The errors of the record as a JSON array, in v->errs. */
static void
errors_json(struct validate *v, size_t nerr)
{
	size_t i;

	rt_buf_clear(&v->errs);
	rt_buf_addc(&v->errs, '[');
	for (i = 0; i < nerr; i++) {
		const struct rt_serr *e = rt_sval_error(v->val, i);

		rt_buf_adds(&v->errs, i ? ",{" : "{");
		put_member(&v->errs, "instanceLocation", e->inst, 0);
		put_member(&v->errs, "keyword", e->keyword, 1);
		put_member(&v->errs, "schemaLocation", e->schema, 1);
		put_member(&v->errs, "message", e->vmsg, 1);
		rt_buf_addc(&v->errs, '}');
	}
	rt_buf_addc(&v->errs, ']');
}

/* The reason of a reject: the first error, with values from the record
 * only under --verbose ("/amount: maximum: must be <= 10000"). */
static const char *
reason(struct validate *v, const struct rt_jdoc *d, size_t nerr)
{
	const struct rt_serr *e = rt_sval_error(v->val, 0);

	rt_buf_clear(&v->reason);
	rt_sval_where(v->schema, d, e->inst, v->verbose, &v->reason, &v->out);
	rt_buf_adds(&v->reason, ": ");
	rt_buf_adds(&v->reason, e->keyword);
	rt_buf_adds(&v->reason, ": ");
	rt_buf_adds(&v->reason, v->verbose ? e->vmsg : e->msg);
	if (nerr > 1) {
		char more[40];

		snprintf(more, sizeof more, " (and %zu more)", nerr - 1);
		rt_buf_adds(&v->reason, more);
	}
	rt_buf_addc(&v->reason, '\0');
	return v->reason.p;
}

static void
invalid(struct validate *v, const struct rt_rec *r, const struct rt_jdoc *d)
{
	size_t nerr = rt_sval_errors(v->val, d, v->max_errors);
	const char *why;

	if (nerr == 0)	/* the two passes disagree: a bug, say so */
		rt_cli_fatal(v->cli, "internal error: record judged invalid "
		    "without errors");
	v->ninvalid++;
	count_keywords(v, nerr);
	errors_json(v, nerr);
	if (v->annotate && d->v[0].type == RT_JOBJ) {
		rt_jedit_start(&v->ed, d);
		rt_jedit_set(&v->ed, "_errors", 7, v->errs.p, v->errs.len);
		rt_buf_clear(&v->out);
		rt_jedit_finish(&v->ed, &v->out);
		rt_cli_emit(v->cli, r, v->out.p, v->out.len);
		return;
	}
	if (v->annotate) {	/* not an object: nowhere to put _errors */
		rt_cli_emit(v->cli, r, d->p, d->len);
		return;
	}
	why = reason(v, d, nerr);	/* before out: it is scratch there */
	rt_buf_clear(&v->out);
	rt_buf_adds(&v->out, ",\"errors\":");
	rt_buf_add(&v->out, v->errs.p, v->errs.len);
	rt_cli_reject_ex(v->cli, r, why, v->out.p, v->out.len);
}

static void
validate_one(struct validate *v, const struct rt_rec *r)
{
	const struct rt_jdoc *d = rt_rec_parse(r, &v->doc);

	if (d == NULL) {
		rt_cli_reject_json(v->cli, r, &v->doc);
		return;
	}
	if (r->doc != NULL && d->v[0].type == RT_JOBJ)
		d = rt_schema_type_row(v->schema, d, &v->typed, &v->tdoc);
	if (rt_sval_check(v->val, d) == 1) {
		if (d == &v->tdoc)
			rt_cli_emit(v->cli, r, d->p, d->len);
		else
			rt_cli_emit(v->cli, r, r->p, r->len);
		return;
	}
	invalid(v, r, d);
}

static void
on_record(void *v, struct rt_rec *r)
{
	validate_one(v, r);
}

int
main(int argc, char *argv[])
{
	struct rt_cli cli;
	struct validate v;
	uint64_t ninvalid;
	int status;

	memset(&v, 0, sizeof v);
	v.cli = &cli;
	v.so.draft = RT_DRAFT_2020;
	v.max_errors = 10;
	rt_cli_init(&cli, "rt-validate", usage, opts);
	options(&v, argc, argv);
	load_schema(&v);
	rt_jdoc_init(&v.doc, 0);
	rt_jdoc_init(&v.tdoc, 0);
	rt_buf_init(&v.typed);
	rt_buf_init(&v.errs);
	rt_buf_init(&v.reason);
	rt_buf_init(&v.out);
	rt_jedit_init(&v.ed);
	rt_cli_report(&cli, stats_extra, NULL, &v);
	v.verbose = cli.verbose;
	rt_cli_start(&cli, argc, argv, optind);
	rt_loop_run(&cli, &(struct rt_loop){ .record = on_record, .arg = &v });
	ninvalid = v.ninvalid;
	rt_jedit_release(&v.ed);
	rt_buf_release(&v.out);
	rt_buf_release(&v.reason);
	rt_buf_release(&v.errs);
	rt_buf_release(&v.typed);
	rt_jdoc_release(&v.tdoc);
	rt_jdoc_release(&v.doc);
	rt_sval_free(v.val);
	rt_schema_free(v.schema);
	/* --annotate passes invalid records, but CI still wants to know. */
	status = rt_cli_finish(&cli);
	return status == RT_EXIT_OK && ninvalid ? RT_EXIT_REJECTS : status;
}
