/*
 * alert_sel.c - which records rt-alert looks at, and when they happened
 * (see alert.h): --when, or a _class that is not "ok"; the event time,
 * or the arrival time.
 */
#include "alert.h"

#include <stdio.h>
#include <string.h>

#include "rule.h"
#include "state.h"

void
rt_asel_init(struct rt_asel *s, struct rt_rules *when, char **keys,
    int nkeys, const char *time_field, int time_given,
    struct rt_timeopt *topt)
{
	memset(s, 0, sizeof *s);
	s->when = when;
	s->keys = keys;
	s->nkeys = nkeys;
	s->time_field = time_field;
	s->time_given = time_given;
	s->topt = topt;
	/* Names beyond RT_FCHECK_MAX go unchecked. */
	for (int i = 0; i < nkeys && i < RT_FCHECK_MAX; i++)
		s->fc_key[i] = rt_fcheck_add(&s->fc, "-k", keys[i]);
	s->fc_time = time_given && time_field ?
	    rt_fcheck_add(&s->fc, "--time", time_field) : -1;
	rt_jdoc_init(&s->doc, 0);
	rt_fset_init(&s->cls);
	(void)rt_fset_add(&s->cls, "_class", 6);
}

void
rt_asel_release(struct rt_asel *s)
{
	rt_jdoc_release(&s->doc);
	rt_buf_release(&s->tmp);
}

/* Is d worth an alert? */
static int
worthy(struct rt_asel *s, const struct rt_jdoc *d)
{
	uint32_t k;

	if (s->when) {
		rt_rules_eval(s->when, d, s->res);
		if (s->res[0] == RT_RULE_ERROR && !s->when->r[0].reported) {
			s->when->r[0].reported = 1;
			s->note |= RT_ASEL_NOTE_WHEN;
		}
		return s->res[0] == RT_RULE_TRUE;
	}
	rt_fset_find(&s->cls, d, &k);
	if (k == 0 || d->v[k].type == RT_JNULL)
		return 0;
	return !(d->v[k].type == RT_JSTR && rt_jdoc_streq(d, k, "ok", 2));
}

/* Over the first records: are the -k and --time fields there at all? */
static void
check_fields(struct rt_asel *s, const struct rt_jdoc *d, const char *time_err)
{
	if (time_err == NULL || strcmp(time_err, "missing") != 0)
		rt_fcheck_saw(&s->fc, s->fc_time);
	for (int i = 0; i < s->nkeys && i < RT_FCHECK_MAX; i++)
		if (rt_jdoc_get(d, 0, s->keys[i], strlen(s->keys[i])))
			rt_fcheck_saw(&s->fc, s->fc_key[i]);
	if (rt_fcheck_look(&s->fc))
		s->note |= RT_ASEL_NOTE_FC;
}

/* The alert-worthy record d: RT_ASEL_TIMED with its event time in s->t,
 * or RT_ASEL_REJECT with s->why.  Apart from the record path's hot part,
 * which then saves no registers for it. */
static int __attribute__((noinline))
timed(struct rt_asel *s, const struct rt_jdoc *d)
{
	const char *err, *f = s->time_field;

	s->d = d;
	s->worthy++;
	err = f ? rt_field_time(d, f, strlen(f), s->topt, &s->tmp, &s->t) :
	    "missing";
	if (!s->fc.told)
		check_fields(s, d, err);
	if (err && strcmp(err, "missing") == 0 && (f == NULL || !s->time_given)) {
		/* Arrival time: asked for, or without --time for records
		 * with no "ts". */
		s->t = rt_time_now_us();
	} else if (err) {
		snprintf(s->why, sizeof s->why, "%.60s: %s", f,
		    strcmp(err, "missing") == 0 ? "time field missing" : err);
		return RT_ASEL_REJECT;
	}
	if (!rt_state_time_ok(s->t)) {
		/* Beyond what a state file holds (rtpipe(7), STATE FILES). */
		snprintf(s->why, sizeof s->why, "%.60s: time out of range",
		    f ? f : "arrival");
		return RT_ASEL_REJECT;
	}
	return RT_ASEL_TIMED;
}

int
rt_asel_record(struct rt_asel *s, const struct rt_rec *r)
{
	const struct rt_jdoc *d = rt_rec_parse(r, &s->doc);

	if (d == NULL)
		return RT_ASEL_BAD_JSON;
	if (d->v[0].type != RT_JOBJ) {
		snprintf(s->why, sizeof s->why, "not a JSON object");
		return RT_ASEL_REJECT;
	}
	/* Only alert-worthy records are timed: their event time is the
	 * clock of suppression, rates and periods (and others cost no time
	 * parse). */
	if (!worthy(s, d))
		return RT_ASEL_DROP;
	return timed(s, d);
}
