/*
 * jqb.c - the libjq bridge (see jqb.h): one jq state, conditions compiled
 * together, ~/.jq and library paths kept out, error text worded safely,
 * evaluation halted when over its budget.
 */
#define _GNU_SOURCE	/* gettid, SIGEV_THREAD_ID */
#include "jqb.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jq.h>

#include "bigstack.h"
#include "jqmsg.h"
#include "jqre.h"
#include "mem.h"
#include "number.h"

#define RT_XSTR(x) #x
#define RT_STR(x) RT_XSTR(x)

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

struct rt_jqb_prog {
	char *text;		/* the whole program */
	size_t n;		/* conditions */
	unsigned flags;		/* RT_JQB_* */
	int ok;			/* -1 unknown, 0 does not compile, 1 compiles */
	jv all;			/* [true, true, ...]: every condition wanted */
	struct rt_buf msg;	/* worded errors of the last run */
	size_t *msgoff, *msglen;
};

static jq_state *jqs;				/* the one jq state */
static const struct rt_jqb_prog *loaded;	/* its compiled program */
static struct rt_buf errs;			/* from the error callback */

/* The budget: a CPU-time timer of the evaluating thread whose signal
 * halts jq (jq_halt only sets fields that jq_next reads before each
 * instruction, so it is safe between any two of them). */
static int64_t budget_us;
static int timer_made;		/* 1 made, -1 could not be */
static timer_t timer;
static volatile sig_atomic_t in_eval, fired;

/*
 * Definitions put before every condition: builtins that would write to
 * standard error themselves (stderr, debug) become identities, and those
 * that would stop the whole program (halt, input) become errors.  The
 * match wrapper: true when an output is true, without computing more.
 * Under a budget, the builtins whose single step can take long from
 * small inputs are bounded (jqb.h): string repetition (_multiply, behind
 * every "*", evaluated in jq's order: right operand first) and
 * assignment to an array index (setpath, and jq 1.6's own _assign and
 * _modify, behind "=", "|=", "+=" ..., restated to call the bounded
 * setpath).
 */
static const char prelude[] =
    "def stderr: .; def debug: .; "
    "def input: error(\"input is not available in rules\"); "
    "def halt: error(\"halt is not available in rules\"); "
    "def halt_error: halt; def halt_error($c): halt; "
    "def _rt_m(f): try ([first(f | select(.))] | length > 0) catch [.];\n";

/* With RT_JQB_BOUNDED (a budget in force), after the prelude. */
static const char bounded_defs[] =
    "def _rt_over: error(\"" RT_JQB_OVER_MSG "\"); "
    "def _rt_mul($a; $b): $a * $b; "
    "def _rt_big($s; $n): $n - 1 >= 1 and (($s | utf8bytelength) * $n | "
    ". > " RT_STR(RT_JQB_REPEAT_MAX) " and . <= 2147483647); "
    "def _multiply(a; b): b as $b | a as $a | if ($a | type) == \"string\" "
    "and ($b | type) == \"number\" and _rt_big($a; $b) or ($a | type) == "
    "\"number\" and ($b | type) == \"string\" and _rt_big($b; $a) then "
    "_rt_over else _rt_mul($a; $b) end; "
    "def _rt_setpath($p; $v): if ($p | type) == \"array\" and any($p[]; "
    "type == \"number\" and . >= " RT_STR(RT_JQB_INDEX_MAX) ") then "
    "_rt_over else setpath($p; $v) end; "
    "def setpath($p; $v): _rt_setpath($p; $v); "
    "def _assign(paths; value): value as $v | reduce path(paths) as $p "
    "(.; _rt_setpath($p; $v)); "
    "def _modify(paths; update): reduce path(paths) as $p (.; label $out | "
    "(_rt_setpath($p; getpath($p) | update) | ., break $out), "
    "delpaths([$p]));\n";

/* With RT_JQB_NO_ENV, after the prelude and before the conditions. */
static const char no_env_defs[] = "def env: {}; ";
static const char no_env_bind[] = "{} as $ENV | ";

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
	rt_jqre_init();		/* the step cap of jq's regexes too */
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
 * Every call into the jq state runs on the big stack (bigstack.h): jq
 * frees, compares and prints nested values recursively, and a value
 * nested deep within the budget would overflow the process's stack when
 * the next jq_start (or the compile of the next program, or the
 * teardown) frees it.
 */
struct on_stack {
	const char *text;	/* compile */
	int ok;
	struct rt_jqb_prog *p;	/* run */
	jv in;
	unsigned char *res;
	size_t nerr;
};

static void
compile_call(void *a)
{
	struct on_stack *c = a;

	c->ok = jq_compile(jqs, c->text) != 0;
}

static int
on_big_stack_compile(const char *text)
{
	struct on_stack c;

	c.text = text;
	rt_bigstack_call(compile_call, &c);
	return c.ok;
}

static size_t outputs(struct rt_jqb_prog *p, unsigned char *res);

static void
run_call(void *a)
{
	struct on_stack *c = a;

	jq_start(jqs, c->in, 0);
	c->nerr = outputs(c->p, c->res);
}

static void
teardown_call(void *a)
{
	(void)a;
	jq_teardown(&jqs);
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
	ok = on_big_stack_compile(text);
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
	rt_buf_adds(&b, bounded_defs);
	rt_buf_adds(&b, no_env_defs);
	rt_buf_adds(&b, no_env_bind);
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
	rt_buf_adds(&b, bounded_defs);
	rt_buf_adds(&b, no_env_defs);
	rt_buf_adds(&b, no_env_bind);
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

/*
 * The program: the prelude, then one output per condition, in order
 * (null for those not wanted), so that the condition running when the
 * budget halts jq is known by the outputs already given.
 */
struct rt_jqb_prog *
rt_jqb_prog_new(const char *const *conds, const size_t *lens, size_t n,
    unsigned flags)
{
	struct rt_jqb_prog *p = rt_xcalloc(1, sizeof *p);
	struct rt_buf b = RT_BUF_INIT;
	size_t i;

	rt_buf_adds(&b, prelude);
	if (flags & RT_JQB_BOUNDED)
		rt_buf_adds(&b, bounded_defs);
	if (flags & RT_JQB_NO_ENV) {
		rt_buf_adds(&b, no_env_defs);
		rt_buf_adds(&b, no_env_bind);
	}
	rt_buf_adds(&b, ".[0] as $_rt_w | .[1] |\n");
	for (i = 0; i < n; i++) {
		rt_buf_printf(&b, "%s(if $_rt_w[%zu] then _rt_m(", i ? ",\n" :
		    "", i);
		wrap(&b, conds[i], lens[i]);
		rt_buf_adds(&b, ") else null end)");
	}
	p->text = rt_xmemdup(b.p, b.len);
	rt_buf_release(&b);
	p->n = n;
	p->flags = flags;
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

/* Record the worded error of condition i; e is jq's error value
 * (consumed). */
static void
set_error(struct rt_jqb_prog *p, size_t i, jv e)
{
	p->msgoff[i] = p->msg.len;
	if (jv_get_kind(e) == JV_KIND_STRING)
		rt_jqmsg_typed(jv_string_value(e),
		    (size_t)jv_string_length_bytes(jv_copy(e)),
		    (p->flags & RT_JQB_KEYS) != 0, &p->msg);
	else
		rt_jqmsg_typed(NULL, 0, 0, &p->msg);
	p->msglen[i] = p->msg.len - p->msgoff[i];
	jv_free(e);
}

/* Is e (borrowed) the error of a step over the budget: the prelude's, or
 * a regular expression over the step cap? */
static int
over_error(jv e)
{
	const char *m;

	if (jv_get_kind(e) != JV_KIND_STRING)
		return 0;
	m = jv_string_value(e);
	return strcmp(m, RT_JQB_OVER_MSG) == 0 ||
	    strcmp(m, rt_jqre_over_msg()) == 0;
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

static void
on_budget(int sig)
{
	(void)sig;
	if (in_eval && jqs && !jq_halted(jqs)) {
		fired = 1;
		jq_halt(jqs, jv_invalid(), jv_invalid());
	}
}

/* The timer, made at the first budgeted run: 0, or -1 (no budget then:
 * the kernel or the sandbox refused it). */
static int
timer_make(void)
{
	struct sigaction sa;
	struct sigevent ev;

	if (timer_made)
		return timer_made > 0 ? 0 : -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_budget;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGRTMIN;
	ev.sigev_notify_thread_id = gettid();
	if (sigaction(SIGRTMIN, &sa, NULL) == -1 ||
	    timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &timer) == -1) {
		timer_made = -1;
		return -1;
	}
	timer_made = 1;
	return 0;
}

/* Arm (us > 0) or disarm (0) the timer. */
static void
timer_arm(int64_t us)
{
	struct itimerspec it;

	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = us / 1000000;
	it.it_value.tv_nsec = (long)(us % 1000000) * 1000;
	timer_settime(timer, 0, &it, NULL);
}

void
rt_jqb_set_budget(int64_t us)
{
	budget_us = us > 0 ? us : 0;
}

/* Output i of the program (consumed) into res[i] and the messages. */
static int
take(struct rt_jqb_prog *p, size_t i, jv r, unsigned char *res)
{
	int err = 0;
	jv e;

	switch (jv_get_kind(r)) {
	case JV_KIND_TRUE:
		res[i] = RT_JQB_TRUE;
		break;
	case JV_KIND_FALSE:
		res[i] = RT_JQB_FALSE;
		break;
	case JV_KIND_ARRAY:
		e = jv_array_get(jv_copy(r), 0);
		if (over_error(e)) {
			jv_free(e);
			res[i] = RT_JQB_OVER;
			break;
		}
		res[i] = RT_JQB_ERROR;
		set_error(p, i, e);
		err = 1;
		break;
	default:
		break;
	}
	jv_free(r);
	return err;
}

/* Run the started program: its outputs, in order, while within the
 * budget.  Returns the number of errors. */
static size_t
outputs(struct rt_jqb_prog *p, unsigned char *res)
{
	size_t i, nerr = 0;
	int timed = budget_us > 0 && timer_make() == 0;

	fired = 0;
	if (timed)
		timer_arm(budget_us);
	for (i = 0; i < p->n; i++) {
		jv out;

		in_eval = 1;
		out = jq_next(jqs);
		in_eval = 0;
		if (!jv_is_valid(out)) {
			/* Halted by the timer, or a program that lost its
			 * way: never a half answer. */
			jv_free(out);
			res[i] = fired ? RT_JQB_OVER : RT_JQB_ERROR;
			if (!fired) {
				set_error(p, i, jv_string("error"));
				nerr++;
			}
			break;
		}
		nerr += (size_t)take(p, i, out, res);
		if (res[i] == RT_JQB_OVER)
			break;
	}
	if (timed)
		timer_arm(0);
	for (i++; i < p->n; i++)
		res[i] = RT_JQB_SKIP;
	return nerr;
}

size_t
rt_jqb_run(struct rt_jqb_prog *p, jv rec, const unsigned char *want,
    unsigned char *res)
{
	size_t i;

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
	{
		struct on_stack c;

		c.p = p;
		c.in = JV_ARRAY(want_array(p, want), rec);
		c.res = res;
		rt_bigstack_call(run_call, &c);
		if (fired)
			rt_bigstack_trim();	/* perhaps deep, surely rare */
		return c.nerr;
	}
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

int
rt_jqb_active(void)
{
	return jqs != NULL;
}

void
rt_jqb_shutdown(void)
{
	if (timer_made > 0)
		timer_delete(timer);
	timer_made = 0;
	if (jqs)
		rt_bigstack_call(teardown_call, NULL);
	jqs = NULL;
	loaded = NULL;
	rt_buf_release(&errs);
}
