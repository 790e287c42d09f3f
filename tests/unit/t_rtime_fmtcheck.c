/*
 * t_rtime_fmtcheck.c - rt_time_fmt_check (lib/rtime.c): a --time-format
 * is refused before any record when a directive is unknown, and every
 * directive rt_time_parse_fmt reads is accepted.
 */
#include <stdio.h>
#include <string.h>

#include "rtime.h"
#include "tap.h"

int
main(void)
{
	static const char *good[] = { "%Y-%m-%d %H:%M:%S", "%d/%m/%y %I:%M %p",
	    "%b %e %Y", "%B %d, %Y", "%a, %d %b %Y %T %z", "%A %h %Z",
	    "%Y%j", "%s", "%F %T.%f", "100%%", "plain", "" };
	static const char *bad[] = { "%Q", "%Y %Q", "%Y%", "%", "%E", "%c",
	    "%x %%", "%k" };
	struct rt_timeopt o;
	size_t i;

	rt_timeopt_init(&o);
	for (i = 0; i < sizeof good / sizeof *good; i++)
		ok(rt_time_fmt_check(good[i]) == NULL, "accepts '%s'", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(rt_time_fmt_check(bad[i]) != NULL, "refuses '%s'", bad[i]);
	/* What the check accepts, the parser knows: each directive alone
	 * reaches the parser's switch, which must not call it unknown. */
	for (i = 0; i < 128; i++) {
		char f[3] = { '%', (char)i, '\0' };
		const char *err;
		int64_t us;

		if (i == 0 || rt_time_fmt_check(f) != NULL)
			continue;
		err = rt_time_parse_fmt("", 0, f, &o.tz, &us);
		ok(err == NULL || strstr(err, "directive") == NULL,
		    "the parser knows %s", f);
	}
	rt_timeopt_release(&o);
	return done_testing();
}
