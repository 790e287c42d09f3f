/*
 * score.h - what rt-classify adds to a record from its rules' outcomes:
 * _score (the matched rules' scores added up, or the greatest), _rules
 * (their names), _prob (a model's), and _class (the label of the highest
 * threshold met, or the default label); and the counts of --stats.
 * rt-classify(1), "Labels".
 */
#ifndef RT_SCORE_H
#define RT_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "jedit.h"
#include "rule.h"

struct rt_label {
	char *name;		/* owned */
	double t;		/* the threshold */
};

struct rt_score {
	int combine_max;	/* --combine max */
	int by_prob;		/* --label-by prob */
	struct rt_label *labels;	/* owned, in the order given */
	size_t nlabels;
	const char *deflabel;	/* borrowed; "ok" by default */
	uint64_t *classes;	/* records per label, then the default */
	/* The names of the rules, then of the labels and the default label,
	 * as JSON strings: name i is jnames.p[joff[i], joff[i + 1]). */
	struct rt_buf jnames;
	size_t *joff;
	size_t nrules;
};

void rt_score_init(struct rt_score *s);
void rt_score_release(struct rt_score *s);

/* Add the label of --label NAME=THRESHOLD (arg): 0, or -1 with a static
 * reason in *why. */
int rt_score_label(struct rt_score *s, const char *arg, const char **why);

/* The rules are rs (again after a reload): their names, escaped once. */
void rt_score_rules(struct rt_score *s, const struct rt_rules *rs);

/* Add _score, _rules, _prob (when prob is not NULL) and _class to the
 * edit e of a record whose outcomes are res; counts its class. */
void rt_score_apply(struct rt_score *s, const struct rt_rules *rs,
    const unsigned char *res, const double *prob, struct rt_jedit *e);

/* For the differential tests: _outcomes, each rule's "t", "f" or
 * "e:MESSAGE". */
void rt_score_outcomes(struct rt_rules *rs, const unsigned char *res,
    struct rt_jedit *e);

/* The --stats members: matches and errors per rule, records per class. */
void rt_score_stats(const struct rt_score *s, const struct rt_rules *rs,
    struct rt_buf *b);

#endif
