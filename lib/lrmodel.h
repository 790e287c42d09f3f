/*
 * lrmodel.h - a logistic regression over numeric fields of a record (the
 * model of rt-classify --model): a JSON file {"intercept": b, "features":
 * [{"name", "mean", "std", "weight"}, ...]}, as a scikit-learn
 * StandardScaler and LogisticRegression export it.
 * rt-classify(1), "The model".
 */
#ifndef RT_LRMODEL_H
#define RT_LRMODEL_H

#include <stddef.h>

#include "buf.h"
#include "json.h"

struct rt_lrfeature {
	char *name;		/* a top-level field (owned) */
	double mean, std, weight;
};

struct rt_lrmodel {
	int on;			/* loaded */
	double intercept;
	struct rt_lrfeature *f;	/* owned */
	size_t n;
};

/* Read the model file path into m.  0, or -1 with the reason in err
 * ("PATH: feature 2: needs ...") and m empty.  A std of 0 is taken as 1. */
int rt_lrmodel_load(struct rt_lrmodel *m, const char *path,
    struct rt_buf *err);
void rt_lrmodel_free(struct rt_lrmodel *m);

/* 1 / (1 + exp(-(b + sum of w * (x - mean) / std))) for record d, x the
 * feature's field as a number (rt_field_num), or its mean when missing
 * or not a number. */
double rt_lrmodel_prob(const struct rt_lrmodel *m, const struct rt_jdoc *d);

#endif
