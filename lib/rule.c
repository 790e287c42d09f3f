/*
 * rule.c - see rule.h: the rules file, its compilation into fast-path
 * trees (fast.h) and one libjq program (jqb.h), and the evaluation of
 * every rule on a record within the budget.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast.h"
#include "jqb.h"
#include "jqre.h"
#include "mem.h"
#include "number.h"
#include "rule.h"

/* ---- options -------------------------------------------------------- */

void
rt_rule_opts_init(struct rt_rule_opts *o)
{
	memset(o, 0, sizeof *o);
	o->env = -1;
	o->max_eval_us = (int64_t)RT_RULE_EVAL_MS_DEFAULT * 1000;
	o->regex_steps = RT_JQRE_SEARCH_STEPS;
}

void
rt_rule_opts_done(struct rt_rule_opts *o, int sandboxed)
{
	if (o->env == -1)
		o->env = !sandboxed;
}

/* A count in [0, max]: 0, or -1. */
static int
count(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end || errno || *v > max ? -1 : 0;
}

int
rt_rule_opt(struct rt_rule_opts *o, int opt, const char *arg,
    const char **why)
{
	unsigned long long v;

	switch (opt) {
	case RT_OPT_NOENV: o->env = 0; return 1;
	case RT_OPT_ENV: o->env = 1; return 1;
	case RT_OPT_MAXEVAL:
		if (count(arg, 86400000, &v) != 0) {
			*why = "--max-eval-ms: not a count of milliseconds "
			    "(0 to 86400000)";
			return -1;
		}
		o->max_eval_us = (int64_t)v * 1000;
		return 1;
	case RT_OPT_REGEXSTEPS:
		if (count(arg, 1000000000000ULL, &v) != 0) {
			*why = "--max-regex-steps: not a count";
			return -1;
		}
		o->regex_steps = (unsigned long)v;
		return 1;
	default:
		return 0;
	}
}

/* ---- the rules file ------------------------------------------------- */

static void
rule_free(struct rt_rule *r)
{
	free(r->name);
	free(r->cond);
	rt_fast_free(r->fast);
	for (int i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
}

void
rt_rules_free(struct rt_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	rt_jqb_prog_free(rs->jq);
	free(rs->want);
	free(rs->res);
	free(rs->path);
	free(rs->msgoff);
	rt_buf_release(&rs->msg);
	rt_buf_release(&rs->scratch);
	rt_buf_release(&rs->tmp);
	memset(rs, 0, sizeof *rs);
}

/* Do the conditions compile (jq is the judge)?  0, or -1 naming the
 * first rule whose condition does not. */
static int
check_conds(struct rt_rules *rs, struct rt_buf *err)
{
	const char **conds = rt_xcalloc(rs->n + 1, sizeof *conds);
	size_t *lens = rt_xcalloc(rs->n + 1, sizeof *lens);
	size_t i;
	int rc = 0;

	for (i = 0; i < rs->n; i++) {
		conds[i] = rs->r[i].cond;
		lens[i] = rs->r[i].condlen;
	}
	if (rt_jqb_check_all(conds, lens, rs->n) != 0) {
		for (i = 0; i < rs->n; i++) {
			struct rt_rule *r = &rs->r[i];

			if (rt_jqb_check(r->cond, r->condlen, &rs->tmp) == 0)
				continue;
			rt_buf_printf(err, "%s:%d: rule '%s': the condition does "
			    "not compile: %.*s", rs->path, r->line, r->name,
			    (int)rs->tmp.len, rs->tmp.p);
			rs->tmp.len = 0;
			rc = -1;
			break;
		}
		if (rc == 0) {
			/* Each compiles alone, not together: say so. */
			rt_buf_printf(err, "%s: the conditions do not compile "
			    "together (an unbalanced bracket?)", rs->path);
			rc = -1;
		}
	}
	free(conds);
	free(lens);
	return rc;
}

/* Is name[0, n) a rule name?  0, or -1 with the reason in err. */
static int
check_name(struct rt_rules *rs, const char *name, size_t n, int line,
    struct rt_buf *err)
{
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_' ||
		    name[i] == '-' || name[i] == '.')) {
			rt_buf_printf(err, "%s:%d: rule name '%.*s': use "
			    "letters, digits, '_', '-' and '.'", rs->path, line,
			    (int)n, name);
			return -1;
		}
	for (size_t i = 0; i < rs->n; i++)
		if (strlen(rs->r[i].name) == n &&
		    memcmp(rs->r[i].name, name, n) == 0) {
			rt_buf_printf(err, "%s:%d: rule '%.*s' is already "
			    "defined at line %d", rs->path, line, (int)n, name,
			    rs->r[i].line);
			return -1;
		}
	return 0;
}

static int
add_rule(struct rt_rules *rs, const char *name, size_t nlen, double score,
    const char *cond, size_t clen, int line, struct rt_buf *err)
{
	struct rt_rule *r;

	if (check_name(rs, name, nlen, line, err) != 0)
		return -1;
	if (memchr(cond, '\0', clen) != NULL) {
		/* An NDJSON rule's "\u0000": jq would read up to it. */
		rt_buf_printf(err, "%s:%d: NUL byte", rs->path, line);
		return -1;
	}
	while (clen && isspace((unsigned char)cond[clen - 1]))
		clen--;
	if (clen == 0) {
		rt_buf_printf(err, "%s:%d: rule '%.*s' has no condition",
		    rs->path, line, (int)nlen, name);
		return -1;
	}
	/* Whether the condition compiles is checked for all rules at once
	 * (check_conds). */
	rs->r = rt_xreallocarray(rs->r, rs->n + 1, sizeof *rs->r);
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->name = rt_xmemdup(name, nlen);
	r->score = score;
	r->cond = rt_xmemdup(cond, clen);
	r->condlen = clen;
	r->line = line;
	return 0;
}

/* One NDJSON rule object. */
static int
json_rule(struct rt_rules *rs, const char *p, size_t n, int line,
    struct rt_buf *err)
{
	struct rt_jdoc d;
	uint32_t kn, ks, kw;
	struct rt_buf name = RT_BUF_INIT, when = RT_BUF_INIT;
	double score;
	int rc = -1;

	rt_jdoc_init(&d, 0);
	if (rt_jdoc_parse(&d, p, n) != 0 || d.v[0].type != RT_JOBJ) {
		rt_buf_printf(err, "%s:%d: not a JSON rule object", rs->path,
		    line);
		goto out;
	}
	kn = rt_jdoc_get(&d, 0, "name", 4);
	ks = rt_jdoc_get(&d, 0, "score", 5);
	kw = rt_jdoc_get(&d, 0, "when", 4);
	if (!kn || d.v[kn].type != RT_JSTR || !kw || d.v[kw].type != RT_JSTR ||
	    !ks || d.v[ks].type != RT_JNUM) {
		rt_buf_printf(err, "%s:%d: a rule object needs \"name\" and "
		    "\"when\" (strings) and \"score\" (a number)", rs->path, line);
		goto out;
	}
	rt_jdoc_str(&d, kn, &name);
	rt_jdoc_str(&d, kw, &when);
	rt_num_parse(rt_jdoc_text(&d, ks), d.v[ks].len, &score);
	rc = add_rule(rs, name.p ? name.p : "", name.len, score,
	    when.p ? when.p : "", when.len, line, err);
out:
	rt_buf_release(&name);
	rt_buf_release(&when);
	rt_jdoc_release(&d);
	return rc;
}

/* A text rule p (NUL-terminated) that started at line: NAME SCORE COND. */
static int
text_rule(struct rt_rules *rs, const char *p, int line, struct rt_buf *err)
{
	size_t nl = strcspn(p, " \t");
	const char *q = p + nl + strspn(p + nl, " \t");
	char *end;
	double score = strtod(q, &end);

	if (end == q || !(*end == ' ' || *end == '\t') || !isfinite(score)) {
		rt_buf_printf(err, "%s:%d: expected NAME SCORE CONDITION",
		    rs->path, line);
		return -1;
	}
	q = end + strspn(end, " \t");
	return add_rule(rs, p, nl, score, q, strlen(q), line, err);
}

/* The reading of a rules file, line by line. */
struct rf {
	struct rt_rules *rs;
	struct rt_buf cur;	/* the text rule being read */
	int start;		/* its first line */
	int json;		/* -1 not known yet, 0 text, 1 NDJSON */
	struct rt_buf *err;
};

static int
blank_or_comment(const char *line)
{
	size_t k = strspn(line, " \t");

	return line[k] == '\0' || line[k] == '#';
}

/* The text rule read so far is complete. */
static int
end_rule(struct rf *f)
{
	int rc = 0;

	if (f->cur.len)
		rc = text_rule(f->rs, rt_buf_cstr(&f->cur), f->start, f->err);
	f->cur.len = 0;
	return rc;
}

/* One line (NUL-terminated, without its end) of the file.  0 or -1. */
static int
one_line(struct rf *f, const char *line, size_t len, int lineno)
{
	int cont = len > 0 && (line[0] == ' ' || line[0] == '\t');

	if (f->json == -1 && !blank_or_comment(line))
		f->json = line[strspn(line, " \t")] == '{';
	if (f->json == 1)
		return blank_or_comment(line) ? 0 :
		    json_rule(f->rs, line, len, lineno, f->err);
	/* Lines that start with white space continue the condition; '#'
	 * lines are comments. */
	if (cont && f->cur.len) {
		rt_buf_addc(&f->cur, '\n');
		rt_buf_add(&f->cur, line, len);
		return 0;
	}
	if (end_rule(f) != 0)
		return -1;
	if (cont) {
		if (blank_or_comment(line))
			return 0;
		rt_buf_printf(f->err, "%s:%d: a continuation line without a "
		    "rule before it", f->rs->path, lineno);
		return -1;
	}
	if (len == 0 || line[0] == '#')
		return 0;
	rt_buf_add(&f->cur, line, len);
	f->start = lineno;
	return 0;
}

static int
read_rules(struct rt_rules *rs, FILE *fp, struct rt_buf *err)
{
	struct rf f = { rs, RT_BUF_INIT, 0, -1, err };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			rt_buf_printf(err, "%s:%d: NUL byte", rs->path, lineno);
			rc = -1;
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		rc = one_line(&f, line, (size_t)len, lineno);
	}
	if (rc == 0 && ferror(fp)) {
		rt_buf_printf(err, "%s: %s", rs->path, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = end_rule(&f);
	free(line);
	rt_buf_release(&f.cur);
	return rc;
}

/* Compile: the fast path where it can, libjq for the rest (and for
 * values the fast path meets at run time that it does not handle). */
static void
compile(struct rt_rules *rs)
{
	const char **conds = rt_xcalloc(rs->n, sizeof *conds);
	size_t *lens = rt_xcalloc(rs->n, sizeof *lens);
	unsigned flags = 0;

	rt_fset_init(&rs->fields);
	for (size_t i = 0; i < rs->n; i++) {
		struct rt_rule *r = &rs->r[i];

		conds[i] = r->cond;
		lens[i] = r->condlen;
		r->fast = rt_fast_compile(r->cond, r->condlen, &r->fields,
		    &r->nfields);
		if (rs->opts.no_fast && r->fast) {
			rt_fast_free(r->fast);
			r->fast = NULL;
		}
		if (r->fast) {
			rs->nfast++;
			rt_fast_slots(r->fast, &rs->fields);
		}
	}
	if (rs->opts.env == 0)
		flags |= RT_JQB_NO_ENV;
	if (rs->opts.keys)
		flags |= RT_JQB_KEYS;
	if (rs->opts.max_eval_us > 0)
		flags |= RT_JQB_BOUNDED;
	rs->jq = rt_jqb_prog_new(conds, lens, rs->n, flags);
	free(conds);
	free(lens);
	rs->want = rt_xcalloc(rs->n, 1);
	rs->res = rt_xcalloc(rs->n, 1);
	rs->msgoff = rt_xcalloc(rs->n, sizeof *rs->msgoff);
	rs->over = -1;
	rt_jqre_set_steps(rs->opts.regex_steps);
	rt_jqb_set_budget(rs->opts.max_eval_us);
}

/* The end of loading: rules there, conditions that compile. */
static int
finish(struct rt_rules *rs, int rc, struct rt_buf *err)
{
	if (rc == 0 && rs->n == 0) {
		rt_buf_printf(err, "%s: no rules", rs->path);
		rc = -1;
	}
	if (rc == 0 && check_conds(rs, err) != 0)
		rc = -1;
	if (rc) {
		rt_rules_free(rs);
		return -1;
	}
	compile(rs);
	return 0;
}

int
rt_rules_read(struct rt_rules *rs, FILE *f, const char *name,
    const struct rt_rule_opts *o, struct rt_buf *err)
{
	memset(rs, 0, sizeof *rs);
	rs->path = rt_xstrdup(name);
	rs->opts = *o;
	return finish(rs, read_rules(rs, f, err), err);
}

int
rt_rules_parse(struct rt_rules *rs, FILE *f, const char *name,
    struct rt_buf *err)
{
	int rc;

	memset(rs, 0, sizeof *rs);
	rs->path = rt_xstrdup(name);
	rt_rule_opts_init(&rs->opts);
	if ((rc = read_rules(rs, f, err)) != 0)
		rt_rules_free(rs);
	return rc;
}

int
rt_rules_load(struct rt_rules *rs, const char *path,
    const struct rt_rule_opts *o, struct rt_buf *err)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		memset(rs, 0, sizeof *rs);
		rt_buf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = rt_rules_read(rs, f, path, o, err);
	fclose(f);
	return rc;
}

int
rt_rules_cond(struct rt_rules *rs, const char *what, const char *cond,
    const struct rt_rule_opts *o, struct rt_buf *err)
{
	memset(rs, 0, sizeof *rs);
	rs->path = rt_xstrdup(what);
	rs->opts = *o;
	return finish(rs, add_rule(rs, "when", 4, 1, cond, strlen(cond), 1,
	    err), err);
}

/* ---- evaluation ----------------------------------------------------- */

/* Keep rule i's message msg[0, n). */
static void
keep_msg(struct rt_rules *rs, size_t i, const char *msg, size_t n)
{
	rs->msgoff[i] = rs->msg.len;
	rt_buf_add(&rs->msg, msg, n);
	rt_buf_addc(&rs->msg, '\0');
}

/* The fast path on every rule that has one; the others (and those it
 * hands over) are marked in rs->want.  Counts matches and errors.
 * Returns how many are wanted, or (size_t)-1 when one went over the
 * budget. */
static size_t
run_fast(struct rt_rules *rs, const struct rt_jdoc *d, unsigned char *res)
{
	struct rt_fast_ev e;
	size_t slow = 0;

	e.d = d;
	e.sc = &rs->scratch;
	e.cache = NULL;
	e.num = rs->num;
	e.numgen = rs->numgen;
	e.gen = ++rs->gen;
	e.keys = rs->opts.keys;
	e.msg = &rs->tmp;
	if (rs->fields.n) {
		rt_fset_find(&rs->fields, d, rs->cache);
		e.cache = rs->cache;
	}
	for (size_t i = 0; i < rs->n; i++) {
		struct rt_rule *r = &rs->r[i];
		int st = r->fast ? rt_fast_quick(&e, r->fast) : RT_FAST_SLOW;

		if (st < 0)
			st = rt_fast_run(&e, r->fast);

		rs->want[i] = 0;
		if (st <= RT_FAST_TRUE) {	/* RT_RULE_FALSE, _TRUE */
			res[i] = (unsigned char)st;
			r->matches += (uint64_t)st;
		} else if (st == RT_FAST_SLOW) {
			rs->want[i] = 1;
			slow++;
		} else if (st == RT_FAST_ERROR) {
			res[i] = RT_RULE_ERROR;
			r->errors++;
			keep_msg(rs, i, rs->tmp.p, rs->tmp.len);
		} else {
			res[i] = RT_RULE_OVER;
			rs->over = (long)i;
			return (size_t)-1;
		}
	}
	return slow;
}

/* libjq on the rules marked in rs->want.  Counts matches and errors. */
static void
run_slow(struct rt_rules *rs, const struct rt_jdoc *d, unsigned char *res)
{
	jv rec = rt_jqb_from_doc(d, 0, &rs->tmp);
	unsigned char *jr = rs->res;
	const char *m;
	size_t n;

	rt_jqb_run(rs->jq, rec, rs->want, jr);
	for (size_t i = 0; i < rs->n; i++) {
		if (!rs->want[i])
			continue;
		switch (jr[i]) {
		case RT_JQB_TRUE:
			res[i] = RT_RULE_TRUE;
			rs->r[i].matches++;
			break;
		case RT_JQB_ERROR:
			res[i] = RT_RULE_ERROR;
			rs->r[i].errors++;
			m = rt_jqb_errmsg(rs->jq, i, &n);
			keep_msg(rs, i, m, n);
			break;
		case RT_JQB_OVER:
			res[i] = RT_RULE_OVER;
			rs->over = (long)i;
			return;
		default:
			res[i] = RT_RULE_FALSE;
		}
	}
}

/* A record over the budget counts for no rule: take back what the rules
 * before the one over counted. */
static void
uncount(struct rt_rules *rs, const unsigned char *res)
{
	for (size_t i = 0; i < (size_t)rs->over; i++) {
		rs->r[i].matches -= res[i] == RT_RULE_TRUE;
		rs->r[i].errors -= res[i] == RT_RULE_ERROR;
	}
	/* Those after it that the fast path counted. */
	for (size_t i = (size_t)rs->over + 1; i < rs->n; i++)
		if (!rs->want[i]) {
			rs->r[i].matches -= res[i] == RT_RULE_TRUE;
			rs->r[i].errors -= res[i] == RT_RULE_ERROR;
		}
}

size_t
rt_rules_eval(struct rt_rules *rs, const struct rt_jdoc *d,
    unsigned char *res)
{
	size_t slow, nerr = 0;

	rs->scratch.len = 0;
	rt_buf_reserve(&rs->scratch, d->len * 2 + 256);
	rs->msg.len = 0;
	rs->over = -1;
	slow = run_fast(rs, d, res);
	if (slow != (size_t)-1 && slow > 0) {
		if (rs->before_slow)
			rs->before_slow(rs->before_slow_arg);
		run_slow(rs, d, res);
	}
	if (rs->over >= 0) {
		uncount(rs, res);
		return 0;
	}
	if (rs->msg.len)	/* some error was kept */
		for (size_t i = 0; i < rs->n; i++)
			nerr += res[i] == RT_RULE_ERROR;
	return nerr;
}

const char *
rt_rules_errmsg(struct rt_rules *rs, size_t i)
{
	return rs->msg.p + rs->msgoff[i];
}
