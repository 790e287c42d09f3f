/*
 * t_clean_keycache.c - rt-clean's key cache (lib/clean.c) is bounded and
 * cleared when full; a clear must never lose the duplicate-key check of
 * the record being cleaned.
 */
#include <stdio.h>
#include <string.h>

#include "clean.h"
#include "reject.h"
#include "source.h"
#include "tap.h"

static int
clean(struct rt_clean *c, const char *text, const char **why)
{
	struct rt_rec r;

	memset(&r, 0, sizeof r);
	r.p = r.raw = text;
	r.len = r.rawlen = strlen(text);
	r.source = "t";
	r.line = 1;
	return rt_clean_record(c, &r, why);
}

int
main(void)
{
	struct rt_timeopt topt;
	struct rt_clean c;
	const char *why = NULL;
	char rec[64];
	int i, k, allok = 1;

	rt_timeopt_init(&topt);
	/* Each fill of the cache (65536 distinct keys) lands the clear at
	 * a different member of the record under test. */
	for (k = 0; k < 3; k++) {
		rt_clean_init(&c, &topt);
		for (i = 0; i < 65536 - 1 - k; i++) {
			snprintf(rec, sizeof rec, "{\"k%d\":1}", i);
			allok &= clean(&c, rec, &why) == RT_CLEAN_OUT;
		}
		ok(allok, "%d records with distinct keys pass", i);
		ok(clean(&c, "{\"x\":1,\"y\":1,\"z\":1,\"x\":2}", &why) ==
		    RT_CLEAN_REJECT && strcmp(why, "duplicate key " RT_REJ_KEY "'x' " RT_REJ_KEYEND
		    "(member 4)") == 0,
		    "a duplicate key is found across a cache clear (%d)", k);
		ok(clean(&c, "{\"x\":1,\"y\":1}", &why) == RT_CLEAN_OUT &&
		    c.reslen == 13 && memcmp(c.res, "{\"x\":1,\"y\":1}", 13) == 0,
		    "the next record is cleaned as before");
		rt_clean_release(&c);
	}
	rt_timeopt_release(&topt);
	return done_testing();
}
