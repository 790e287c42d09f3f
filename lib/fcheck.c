/*
 * fcheck.c - field names that never occur (see fcheck.h).
 */
#include "fcheck.h"

int
rt_fcheck_add(struct rt_fcheck *f, const char *opt, const char *name)
{
	if (f->n == RT_FCHECK_MAX)
		return -1;
	f->opt[f->n] = opt;
	f->name[f->n] = name;
	f->seen[f->n] = 0;
	return f->n++;
}

const char *
rt_fcheck_unseen(const struct rt_fcheck *f, int *i, const char **opt)
{
	for (; *i < f->n; (*i)++)
		if (f->seen[*i] == 0 && f->looked > 0) {
			*opt = f->opt[*i];
			return f->name[(*i)++];
		}
	return NULL;
}
