/*
 * jqb.c - the libjq bridge (see jqb.h): one jq state, conditions compiled
 * together, ~/.jq and library paths kept out, error text worded safely.
 */
#include "jqb.h"

#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "mem.h"
#include "number.h"

struct rt_jqb_prog {
	char *text;		/* the whole program */
	size_t n;		/* conditions */
	int ok;			/* -1 unknown, 0 does not compile, 1 compiles */
	jv all;			/* [true, true, ...]: every condition wanted */
	struct rt_buf msg;	/* worded errors of the last run */
	size_t *msgoff, *msglen;
};

static jq_state *jqs;				/* the one jq state */
static const struct rt_jqb_prog *loaded;	/* its compiled program */
static struct rt_buf errs;			/* from the error callback */

/*
 * Definitions put before every condition: builtins that would write to
 * standard error themselves (stderr, debug) become identities, and those
 * that would stop the whole program (halt, input) become errors.  The
 * match wrapper: true when an output is true, without computing more.
 */
static const char prelude[] =
    "def stderr: .; def debug: .; "
    "def input: error(\"input is not available in rules\"); "
    "def halt: error(\"halt is not available in rules\"); "
    "def halt_error: halt; def halt_error($c): halt; "
    "def _rt_m(f): try ([first(f | select(.))] | length > 0) catch [.];\n";

static void
on_error(void *arg, jv msg)
{
	(void)arg;
	if (jv_get_kind(msg) == JV_KIND_STRING && errs.len == 0)
		rt_buf_adds(&errs, jv_string_value(msg));
	jv_free(msg);
}

static void
on_debug(void *arg, jv msg)
{
	(void)arg;
	jv_free(msg);
}

static void
on_nomem(void *arg)
{
	(void)arg;
	rt_oom();
}

static void
state(void)
{
	if (jqs)
		return;
	jqs = jq_init();
	if (jqs == NULL)
		rt_oom();
	jq_set_nomem_handler(jqs, on_nomem, NULL);
	jq_set_error_cb(jqs, on_error, NULL);
	jq_set_debug_cb(jqs, on_debug, NULL);
	/* No library search path: import and include find nothing. */
	jq_set_attr(jqs, jv_string("JQ_LIBRARY_PATH"), jv_array());
	jq_set_attr(jqs, jv_string("JQ_ORIGIN"), jv_string("/nonexistent"));
	jq_set_attr(jqs, jv_string("PROGRAM_ORIGIN"),
	    jv_string("/nonexistent"));
}

/*
 * Compile text into the jq state.  jq 1.6 imports ~/.jq into every
 * program when $HOME is set, so HOME is hidden for the compile (the
 * tools are single-threaded) and put back after.  1 or 0.
 */
static int
compile(const char *text)
{
	const char *home = getenv("HOME");
	char *saved = home ? rt_xstrdup(home) : NULL;
	int ok;

	state();
	errs.len = 0;
	unsetenv("HOME");
	ok = jq_compile(jqs, text) != 0;
	if (saved) {
		setenv("HOME", saved, 1);
		free(saved);
	}
	loaded = NULL;
	return ok;
}

/* jq's compile complaint, first line, without prefix and location. */
static void
complaint(struct rt_buf *why)
{
	const char *p = rt_buf_cstr(&errs), *end;
	static const char *const cut[] = {
		" at <top-level>", " (Unix shell quoting issues?)", "\n"
	};
	size_t i, n;

	if (strncmp(p, "jq: error: ", 11) == 0)
		p += 11;
	n = strlen(p);
	for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
		if ((end = strstr(p, cut[i])) != NULL && (size_t)(end - p) < n)
			n = (size_t)(end - p);
	if (n == 0) {
		rt_buf_adds(why, "does not compile");
		return;
	}
	rt_buf_add(why, p, n);
}

/* Append "(COND\n)": the newline ends a comment the condition may hold. */
static void
wrap(struct rt_buf *b, const char *cond, size_t n)
{
	rt_buf_addc(b, '(');
	rt_buf_add(b, cond, n);
	rt_buf_adds(b, "\n)");
}

int
rt_jqb_check(const char *cond, size_t n, struct rt_buf *why)
{
	struct rt_buf b = RT_BUF_INIT;
	int ok;

	rt_buf_adds(&b, prelude);
	wrap(&b, cond, n);
	ok = compile(rt_buf_cstr(&b));
	rt_buf_release(&b);
	if (!ok)
		complaint(why);
	return ok ? 0 : -1;
}

int
rt_jqb_check_all(const char *const *conds, const size_t *lens, size_t n)
{
	struct rt_buf b = RT_BUF_INIT;
	int ok;

	rt_buf_adds(&b, prelude);
	rt_buf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			rt_buf_adds(&b, ",\n");
		wrap(&b, conds[i], lens[i]);
	}
	rt_buf_addc(&b, ']');
	ok = compile(rt_buf_cstr(&b));
	rt_buf_release(&b);
	return ok ? 0 : -1;
}

struct rt_jqb_prog *
rt_jqb_prog_new(const char *const *conds, const size_t *lens, size_t n)
{
	struct rt_jqb_prog *p = rt_xcalloc(1, sizeof *p);
	struct rt_buf b = RT_BUF_INIT;
	size_t i;

	rt_buf_adds(&b, prelude);
	rt_buf_adds(&b, ".[0] as $_rt_w | .[1] | [\n");
	for (i = 0; i < n; i++) {
		rt_buf_printf(&b, "%s(if $_rt_w[%zu] then _rt_m(", i ? ",\n" :
		    "", i);
		wrap(&b, conds[i], lens[i]);
		rt_buf_adds(&b, ") else null end)");
	}
	rt_buf_adds(&b, "\n]");
	p->text = rt_xmemdup(b.p, b.len);
	rt_buf_release(&b);
	p->n = n;
	p->ok = -1;
	p->all = jv_array_sized((int)n);
	for (i = 0; i < n; i++)
		p->all = jv_array_append(p->all, jv_true());
	p->msgoff = rt_xcalloc(n ? n : 1, sizeof *p->msgoff);
	p->msglen = rt_xcalloc(n ? n : 1, sizeof *p->msglen);
	return p;
}

void
rt_jqb_prog_free(struct rt_jqb_prog *p)
{
	if (p == NULL)
		return;
	if (loaded == p)
		loaded = NULL;
	jv_free(p->all);
	free(p->text);
	rt_buf_release(&p->msg);
	free(p->msgoff);
	free(p->msglen);
	free(p);
}

/* Record the worded error of condition i; e is jq's error value. */
static void
set_error(struct rt_jqb_prog *p, size_t i, jv e)
{
	p->msgoff[i] = p->msg.len;
	if (jv_get_kind(e) == JV_KIND_STRING)
		rt_jqb_safe_msg(jv_string_value(e),
		    (size_t)jv_string_length_bytes(jv_copy(e)), &p->msg);
	else
		rt_buf_adds(&p->msg, "error");
	p->msglen[i] = p->msg.len - p->msgoff[i];
	jv_free(e);
}

/* Every wanted condition failed the same way. */
static size_t
fail_all(struct rt_jqb_prog *p, const unsigned char *want,
    unsigned char *res, const char *why)
{
	size_t i, k = 0;

	for (i = 0; i < p->n; i++) {
		if (want && !want[i])
			continue;
		res[i] = RT_JQB_ERROR;
		p->msgoff[i] = p->msg.len;
		rt_buf_adds(&p->msg, why);
		p->msglen[i] = p->msg.len - p->msgoff[i];
		k++;
	}
	return k;
}

static jv
want_array(const struct rt_jqb_prog *p, const unsigned char *want)
{
	jv w;
	size_t i;

	if (want == NULL)
		return jv_copy(p->all);
	w = jv_array_sized((int)p->n);
	for (i = 0; i < p->n; i++)
		w = jv_array_append(w, jv_bool(want[i] != 0));
	return w;
}

size_t
rt_jqb_run(struct rt_jqb_prog *p, jv rec, const unsigned char *want,
    unsigned char *res)
{
	size_t i, nerr = 0;
	jv out;

	for (i = 0; i < p->n; i++)
		res[i] = RT_JQB_SKIP;
	p->msg.len = 0;
	if (loaded != p) {
		p->ok = compile(p->text);
		if (p->ok)
			loaded = p;
	}
	if (!p->ok) {
		jv_free(rec);
		return fail_all(p, want, res, "the conditions do not compile");
	}
	jq_start(jqs, JV_ARRAY(want_array(p, want), rec), 0);
	out = jq_next(jqs);
	if (jv_get_kind(out) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(out)) != (int)p->n) {
		jv_free(out);
		return fail_all(p, want, res, "error");
	}
	for (i = 0; i < p->n; i++) {
		jv r = jv_array_get(jv_copy(out), (int)i);

		switch (jv_get_kind(r)) {
		case JV_KIND_TRUE:
			res[i] = RT_JQB_TRUE;
			break;
		case JV_KIND_FALSE:
			res[i] = RT_JQB_FALSE;
			break;
		case JV_KIND_ARRAY:
			res[i] = RT_JQB_ERROR;
			set_error(p, i, jv_array_get(jv_copy(r), 0));
			nerr++;
			break;
		default:
			break;
		}
		jv_free(r);
	}
	jv_free(out);
	return nerr;
}

const char *
rt_jqb_errmsg(const struct rt_jqb_prog *p, size_t i, size_t *len)
{
	*len = p->msglen[i];
	return p->msg.p + p->msgoff[i];
}

static jv
from_str(const struct rt_jdoc *d, uint32_t i, struct rt_buf *tmp)
{
	const struct rt_jnode *v = &d->v[i];

	if (!(v->flags & RT_JF_ESC))
		return jv_string_sized(d->p + v->off + 1, (int)v->len - 2);
	tmp->len = 0;
	rt_jdoc_str(d, i, tmp);
	return jv_string_sized(tmp->p ? tmp->p : "", (int)tmp->len);
}

jv
rt_jqb_from_doc(const struct rt_jdoc *d, uint32_t i, struct rt_buf *tmp)
{
	const struct rt_jnode *v = &d->v[i];
	uint32_t k;
	jv c;

	switch (v->type) {
	case RT_JNULL: return jv_null();
	case RT_JFALSE: return jv_false();
	case RT_JTRUE: return jv_true();
	case RT_JNUM:
		return jv_number(rt_num_parse_json(d->p + v->off, v->len));
	case RT_JSTR:
		return from_str(d, i, tmp);
	case RT_JARR:
		c = jv_array_sized((int)v->n);
		for (k = i + 1; k < v->next; k = d->v[k].next)
			c = jv_array_append(c, rt_jqb_from_doc(d, k, tmp));
		return c;
	default:
		c = jv_object();
		for (k = i + 1; k < v->next; k = d->v[k + 1].next)
			c = jv_object_set(c, from_str(d, k, tmp),
			    rt_jqb_from_doc(d, k + 1, tmp));
		return c;
	}
}

jv
rt_jqb_from_text(const char *p, size_t n)
{
	return jv_parse_sized(p, (int)n);
}

/* Words of jq's own error messages; anything else is dropped. */
static const char *const vocab[] = {
	"Array", "Cannot", "Invalid", "JSON", "No", "Object", "Out", "Range",
	"a", "added", "an", "and", "arguments", "array", "as", "be",
	"because", "boolean", "bounds", "break", "cannot", "check",
	"component", "contain", "converted", "csv", "date", "determine",
	"divided", "divisor", "endswith", "explode", "formatted", "has",
	"implode", "in", "index", "input", "inputs", "is", "it", "iterate",
	"key", "keys", "large", "length", "literal", "matched", "mktime",
	"modifier", "more", "multiplied", "must", "negated", "negative",
	"no", "not", "null", "number", "numeric", "object", "of", "only",
	"or", "over", "parse", "parsed", "path", "regex", "remainder",
	"requires", "reversed", "row", "sorted", "split", "startswith",
	"string", "strings", "strptime", "subtracted", "the", "to", "too",
	"tsv", "use", "valid", "whether", "with", "zero",
};

static int
vocab_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int
in_vocab(const char *w, size_t n)
{
	char tmp[32];

	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	return bsearch(tmp, vocab, sizeof vocab / sizeof vocab[0],
	    sizeof vocab[0], vocab_cmp) != NULL;
}

/* Drop the spans where jq puts values: "..." and '...' outside
 * parentheses, and (...) (nested).  Appends what is left to out. */
static void
drop_spans(const char *s, size_t n, struct rt_buf *out)
{
	size_t i;
	int depth = 0;
	char q = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (q) {
			if (c == '\\' && q == '"')
				i++;
			else if (c == q)
				q = 0;
			continue;
		}
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (depth > 0)
				depth--;
		} else if (depth == 0 && (c == '"' || (c == '\'' &&
		    (i == 0 || s[i - 1] == ' ')))) {
			q = c;
		} else if (depth == 0) {
			rt_buf_addc(out, c);
		}
	}
}

void
rt_jqb_safe_msg(const char *msg, size_t n, struct rt_buf *out)
{
	struct rt_buf left = RT_BUF_INIT;
	size_t i = 0, start = out->len;

	drop_spans(msg, n, &left);
	while (i < left.len) {
		size_t w = i;

		while (w < left.len && ((left.p[w] | 0x20) >= 'a' &&
		    (left.p[w] | 0x20) <= 'z'))
			w++;
		if (w > i && in_vocab(left.p + i, w - i)) {
			if (out->len > start)
				rt_buf_addc(out, ' ');
			rt_buf_add(out, left.p + i, w - i);
		}
		i = w > i ? w : i + 1;
	}
	if (out->len == start)
		rt_buf_adds(out, "error");
	rt_buf_release(&left);
}

int
rt_jqb_active(void)
{
	return jqs != NULL;
}

void
rt_jqb_shutdown(void)
{
	if (jqs)
		jq_teardown(&jqs);
	jqs = NULL;
	loaded = NULL;
	rt_buf_release(&errs);
}
