/*
 * wapply.h - rt-window's options in words onto a struct rt_wopts, for the
 * window unit tests (t_window.c, t_wopts.c): "-k K", "-a AGG", durations
 * as numbers of unit microseconds ("--sliding 10" with a unit of a
 * second), spelt as given for the member names.
 */
#ifndef RT_WAPPLY_H
#define RT_WAPPLY_H

#include <stdlib.h>
#include <string.h>

#include "wopts.h"

/* Apply the options a[] (option, value, ..., NULL) and finish: the first
 * usage error, or NULL. */
static inline const char *
wapply(struct rt_wopts *o, const char *const *a, double unit)
{
	const char *err = NULL;

	for (; *a && err == NULL; a += 2) {
		const char *k = a[0], *v = a[1];
		int64_t us = (int64_t)(atof(v) * unit);

		if (strcmp(k, "-k") == 0)
			rt_wopts_keys(o, v);
		else if (strcmp(k, "-a") == 0)
			err = rt_wopts_agg(o, v);
		else if (strcmp(k, "--sliding") == 0)
			err = rt_wopts_sliding(o, us, v);
		else if (strcmp(k, "--rows") == 0)
			rt_wopts_rows(o, (uint32_t)atoi(v));
		else if (strcmp(k, "--lag") == 0)
			err = (err = rt_wopts_lag_ok(o)) ? err : rt_wopts_lag(o,
			    us, v);
		else if (strcmp(k, "--closed") == 0)
			err = rt_wopts_closed(o, v);
		else if (strcmp(k, "--emit") == 0)
			err = rt_wopts_emit(o, v);
		else if (strcmp(k, "--size") == 0)
			o->size = us;
		else if (strcmp(k, "--offset") == 0)
			o->offset_given = 1, o->c.offset = us;
		else if (strcmp(k, "--distinct-cap") == 0)
			o->dcap_given = 1, o->c.distinct_cap = (uint32_t)atoi(v);
		else if (strcmp(k, "--max-delay") == 0)
			o->c.max_delay = us;
		else if (strcmp(k, "--allowed-lateness") == 0)
			o->c.lateness = us;
		else if (strcmp(k, "--ttl") == 0)
			o->c.ttl = us;
		else if (strcmp(k, "--max-keys") == 0)
			o->c.max_keys = (uint32_t)atoi(v);
		else if (strcmp(k, "--flush") == 0)
			o->flush = 1;
		else if (strcmp(k, "--late") == 0)
			o->late_path = v;
		else if (strcmp(k, "--late-pass") == 0)
			o->late_pass = 1;
		else if (strcmp(k, "--time") == 0)
			o->time_field = v;
		else if ((err = rt_wopts_close(o, strcmp(k, "--tumble") == 0 ?
		    RT_WC_TUMBLE : strcmp(k, "--hop") == 0 ? RT_WC_HOP :
		    RT_WC_SESSION)) == NULL)
			err = rt_wopts_close_size(o, us, v);
	}
	return err ? err : rt_wopts_finish(o);
}

#endif
