/*
 * fcheck.h - field names the user gave (-k, --time, ...) that the records
 * never have: a misspelt name gives no error on any one record, so a tool
 * counts, over the first records it looks at, how often each name was
 * there, and says once which never were.  rtpipe(7), "Diagnostics".
 */
#ifndef RT_FCHECK_H
#define RT_FCHECK_H

#include <stddef.h>
#include <stdint.h>

#define RT_FCHECK_MAX 16	/* names checked */
#define RT_FCHECK_N 1000	/* records looked at before the verdict */

struct rt_fcheck {
	const char *opt[RT_FCHECK_MAX];		/* the option ("-k"), borrowed */
	const char *name[RT_FCHECK_MAX];	/* the field, borrowed */
	uint64_t seen[RT_FCHECK_MAX];
	int n;
	uint64_t looked;	/* records looked at */
	int told;		/* the verdict was given */
};

/* Check name, given with option opt; returns its slot, or -1 when full
 * (the name then goes unchecked). */
int rt_fcheck_add(struct rt_fcheck *f, const char *opt, const char *name);

/* One more record looked at: 1 when the verdict is due now. */
static inline int
rt_fcheck_look(struct rt_fcheck *f)
{
	return !f->told && ++f->looked == RT_FCHECK_N;
}

/* The record looked at has the field of slot. */
static inline void
rt_fcheck_saw(struct rt_fcheck *f, int slot)
{
	if (slot >= 0 && !f->told)
		f->seen[slot]++;
}

/* After the verdict is due, or at the end: the next name never seen, from
 * *i on (start at 0), with its option in *opt; NULL when no more. */
const char *rt_fcheck_unseen(const struct rt_fcheck *f, int *i,
    const char **opt);

#endif
