/*
 * rule.h - rules for rt-classify: a file of "NAME SCORE CONDITION" lines
 * (or NDJSON objects {"name","score","when"}) whose conditions are jq
 * expressions.  Conditions inside a small subset of jq are compiled into
 * a tree evaluated straight on the zero-copy record (the fast path,
 * fast.h); every other condition, and any value the fast path does not
 * handle at run time (deep comparisons of arrays and objects), goes to
 * libjq through jqb.h.  Both give the same answer, jq's semantics and
 * error messages included.  One record's evaluation has a budget.
 * rt-classify(1), "Rules", "The fast path" and "Budget".
 */
#ifndef RT_RULE_H
#define RT_RULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "field.h"
#include "json.h"

struct rt_fnode;		/* a compiled fast-path condition */
struct rt_jqb_prog;

/* How rules are compiled and run. */
struct rt_rule_opts {
	int no_fast;		/* every condition through libjq */
	int env;		/* -1 unset, 0 --no-env ($ENV, env are {}),
				 * 1 --env */
	int keys;		/* messages name object keys (--verbose) */
	int64_t max_eval_us;	/* CPU time of one record's libjq work, 0:
				 * no bound (--max-eval-ms) */
	unsigned long regex_steps;	/* backtracking steps of one regex
					 * search, 0: no cap */
};

#define RT_RULE_EVAL_MS_DEFAULT 100

/* The defaults: fast path, environment unset, 100 ms, jqre.h's steps. */
void rt_rule_opts_init(struct rt_rule_opts *o);

/* After the options: the environment is hidden unless --env, when the
 * tool is confined (sandboxed != 0). */
void rt_rule_opts_done(struct rt_rule_opts *o, int sandboxed);

/* The getopt_long values of the rules' options (rulecli.h's
 * rt_rule_opts), for the tools that take rules (rt-classify, rt-alert
 * --when); tools number theirs from RT_OPT_TOOL, cli.h's own stay
 * below 1090. */
enum {
	RT_OPT_NOENV = 1090, RT_OPT_ENV, RT_OPT_MAXEVAL, RT_OPT_REGEXSTEPS
};

/*
 * Take option opt (a getopt_long value) with its argument arg: 1 when it
 * was one of the rules' options, 0 when not, -1 with a reason in *why
 * when its value is bad.
 */
int rt_rule_opt(struct rt_rule_opts *o, int opt, const char *arg,
    const char **why);

struct rt_rule {
	char *name;
	double score;
	char *cond;		/* the jq text */
	size_t condlen;
	int line;		/* in the rules file */
	struct rt_fnode *fast;	/* NULL: libjq */
	char **fields;		/* top-level fields the condition reads */
	int nfields;
	uint64_t matches, errors;
	int reported;		/* its first error has been reported */
};

struct rt_rules {
	char *path;
	struct rt_rule *r;
	size_t n;
	struct rt_rule_opts opts;
	struct rt_jqb_prog *jq;	/* every rule, for the slow path */
	unsigned char *want, *res;
	/* Errors of the last evaluation: rule i's message is
	 * msg.p + msgoff[i] (NUL-terminated). */
	struct rt_buf msg, tmp;
	size_t *msgoff;
	struct rt_buf scratch;	/* strings built while evaluating */
	size_t nfast;
	long over;		/* the rule over the budget in the last
				 * evaluation, or -1 */
	/* Called (when set) before a record goes to libjq, whose work may
	 * take up to the budget: the tool flushes its output there. */
	void (*before_slow)(void *arg);
	void *before_slow_arg;
	/* Top-level fields the fast path reads, found in one pass over each
	 * record. */
	struct rt_fset fields;
	uint32_t cache[RT_FSET_MAX];
	/* Numbers read from those fields, valid for the record whose
	 * generation numgen holds (rules often test one field twice). */
	double num[RT_FSET_MAX];
	uint64_t numgen[RT_FSET_MAX];
	uint64_t gen;
};

/* Outcomes. */
enum {
	RT_RULE_FALSE = 0, RT_RULE_TRUE = 1, RT_RULE_ERROR = 2,
	RT_RULE_OVER = 3	/* over the budget: the record is not scored */
};

/*
 * Read and compile the rules file path with options o (copied).  Returns
 * 0, or -1 with the reason in err ("rules.txt:3: ...").  A NUL byte in
 * the file is an error ("rules.txt:3: NUL byte").
 */
int rt_rules_load(struct rt_rules *rs, const char *path,
    const struct rt_rule_opts *o, struct rt_buf *err);
/* The same from the open stream f (not closed), named name in messages. */
int rt_rules_read(struct rt_rules *rs, FILE *f, const char *name,
    const struct rt_rule_opts *o, struct rt_buf *err);
/* The rules file's syntax alone (names, scores, continued lines, the
 * NDJSON form), nothing compiled: rs->r[0, rs->n) filled, nothing to
 * evaluate; free with rt_rules_free.  0, or -1 with the reason in err. */
int rt_rules_parse(struct rt_rules *rs, FILE *f, const char *name,
    struct rt_buf *err);
void rt_rules_free(struct rt_rules *rs);

/* One condition cond given on the command line (rt-alert --when), as a
 * rule named "when"; what names it in messages ("--when").  0, or -1
 * with the reason in err. */
int rt_rules_cond(struct rt_rules *rs, const char *what, const char *cond,
    const struct rt_rule_opts *o, struct rt_buf *err);

/*
 * Evaluate every rule on the object record d: res[i] is RT_RULE_TRUE,
 * _FALSE or _ERROR.  When the evaluation goes over the budget (a
 * condition runs out of CPU time, a regular expression out of steps),
 * rs->over is that rule, res[rs->over] is RT_RULE_OVER, and the record
 * counts for no rule; else rs->over is -1.  Counts matches and errors
 * per rule.  Returns the number of errors.
 */
size_t rt_rules_eval(struct rt_rules *rs, const struct rt_jdoc *d,
    unsigned char *res);

/* The worded error of rule i after the last evaluation gave it
 * RT_RULE_ERROR: jq's message with values replaced by their types
 * (jqmsg.h), never record content. */
const char *rt_rules_errmsg(struct rt_rules *rs, size_t i);

#endif
