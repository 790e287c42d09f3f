/*
 * score.c - _score, _rules, _prob and _class of rt-classify (score.h).
 */
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "number.h"

void
rt_score_init(struct rt_score *s)
{
	memset(s, 0, sizeof *s);
	s->deflabel = "ok";
}

void
rt_score_release(struct rt_score *s)
{
	for (size_t i = 0; i < s->nlabels; i++)
		free(s->labels[i].name);
	free(s->labels);
	free(s->classes);
	free(s->joff);
	rt_buf_release(&s->jnames);
	memset(s, 0, sizeof *s);
}

int
rt_score_label(struct rt_score *s, const char *arg, const char **why)
{
	const char *eq = strrchr(arg, '=');
	struct rt_label *l;
	char *end;

	if (eq == NULL || eq == arg) {
		*why = "use NAME=THRESHOLD";
		return -1;
	}
	s->labels = rt_xreallocarray(s->labels, s->nlabels + 1,
	    sizeof *s->labels);
	l = &s->labels[s->nlabels];
	l->t = strtod(eq + 1, &end);
	if (*end || end == eq + 1 || !isfinite(l->t)) {
		*why = "the threshold is not a number";
		return -1;
	}
	l->name = rt_xmemdup(arg, (size_t)(eq - arg));
	s->nlabels++;
	free(s->classes);
	s->classes = rt_xcalloc(s->nlabels + 1, sizeof *s->classes);
	return 0;
}

void
rt_score_rules(struct rt_score *s, const struct rt_rules *rs)
{
	size_t i, n = rs->n + s->nlabels + 1;

	if (s->classes == NULL)
		s->classes = rt_xcalloc(s->nlabels + 1, sizeof *s->classes);
	s->nrules = rs->n;
	s->jnames.len = 0;
	free(s->joff);
	s->joff = rt_xreallocarray(NULL, n + 1, sizeof *s->joff);
	for (i = 0; i < n; i++) {
		const char *p = i < rs->n ? rs->r[i].name :
		    i < rs->n + s->nlabels ? s->labels[i - rs->n].name :
		    s->deflabel;

		s->joff[i] = s->jnames.len;
		rt_json_put_str(&s->jnames, p, strlen(p));
	}
	s->joff[n] = s->jnames.len;
}

/* Append name i of rt_score_rules. */
static inline void
put_name(const struct rt_score *s, struct rt_buf *b, size_t i)
{
	rt_buf_add(b, s->jnames.p + s->joff[i], s->joff[i + 1] - s->joff[i]);
}

/* The label of the highest threshold by meets (the first of equal
 * ones), or nlabels for the default. */
static size_t
label_of(const struct rt_score *s, double by)
{
	size_t bi = s->nlabels;

	for (size_t i = 0; i < s->nlabels; i++)
		if (by >= s->labels[i].t &&
		    (bi == s->nlabels || s->labels[i].t > s->labels[bi].t))
			bi = i;
	return bi;
}

void
rt_score_apply(struct rt_score *s, const struct rt_rules *rs,
    const unsigned char *res, const double *prob, struct rt_jedit *e)
{
	double score = 0;
	struct rt_buf *v;
	size_t i, nl = 0, bi;

	for (i = 0; i < rs->n; i++)
		if (res[i] == RT_RULE_TRUE) {
			double x = rs->r[i].score;

			score = !s->combine_max ? score + x :
			    nl == 0 || x > score ? x : score;
			nl++;
		}
	rt_num_fmt(rt_jedit_key_plain(e, "_score", 6), score);
	v = rt_jedit_key_plain(e, "_rules", 6);
	rt_buf_addc(v, '[');
	for (i = 0, nl = 0; i < rs->n; i++)
		if (res[i] == RT_RULE_TRUE) {
			if (nl++)
				rt_buf_addc(v, ',');
			put_name(s, v, i);
		}
	rt_buf_addc(v, ']');
	if (prob)
		rt_num_fmt(rt_jedit_key_plain(e, "_prob", 5), *prob);
	bi = label_of(s, s->by_prob && prob ? *prob : score);
	s->classes[bi]++;
	put_name(s, rt_jedit_key_plain(e, "_class", 6), rs->n + bi);
}

void
rt_score_outcomes(struct rt_rules *rs, const unsigned char *res,
    struct rt_jedit *e)
{
	struct rt_buf *v = rt_jedit_key_plain(e, "_outcomes", 9);
	struct rt_buf m = RT_BUF_INIT;

	rt_buf_addc(v, '[');
	for (size_t i = 0; i < rs->n; i++) {
		if (i)
			rt_buf_addc(v, ',');
		m.len = 0;
		if (res[i] == RT_RULE_ERROR) {
			rt_buf_adds(&m, "e:");
			rt_buf_adds(&m, rt_rules_errmsg(rs, i));
		} else {
			rt_buf_adds(&m, res[i] == RT_RULE_TRUE ? "t" : "f");
		}
		rt_json_put_str(v, m.p, m.len);
	}
	rt_buf_addc(v, ']');
	rt_buf_release(&m);
}

/* ,"key":{"name":count,...} for each rule or label. */
static void
counts(struct rt_buf *b, const char *key, size_t n,
    const char *(*name)(const void *, size_t), uint64_t (*val)(const void *,
    size_t), const void *arg)
{
	rt_buf_printf(b, ",\"%s\":{", key);
	for (size_t i = 0; i < n; i++) {
		const char *p = name(arg, i);

		if (i)
			rt_buf_addc(b, ',');
		rt_json_put_str(b, p, strlen(p));
		rt_buf_printf(b, ":%llu", (unsigned long long)val(arg, i));
	}
	rt_buf_addc(b, '}');
}

static const char *
rule_name(const void *rs, size_t i)
{
	return ((const struct rt_rules *)rs)->r[i].name;
}

static uint64_t
rule_matches(const void *rs, size_t i)
{
	return ((const struct rt_rules *)rs)->r[i].matches;
}

static uint64_t
rule_errors(const void *rs, size_t i)
{
	return ((const struct rt_rules *)rs)->r[i].errors;
}

static const char *
class_name(const void *s, size_t i)
{
	const struct rt_score *sc = s;

	return i < sc->nlabels ? sc->labels[i].name : sc->deflabel;
}

static uint64_t
class_count(const void *s, size_t i)
{
	return ((const struct rt_score *)s)->classes[i];
}

void
rt_score_stats(const struct rt_score *s, const struct rt_rules *rs,
    struct rt_buf *b)
{
	counts(b, "matches", rs->n, rule_name, rule_matches, rs);
	counts(b, "errors", rs->n, rule_name, rule_errors, rs);
	counts(b, "classes", s->nlabels + 1, class_name, class_count, s);
}
