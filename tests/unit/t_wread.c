/*
 * t_wread.c - a record read as a window event (lib/wread.c): a table of
 * records with the exact event out (time, key texts joined by NULs,
 * numbers or NAN, distinct hashes of the value text or 0, condition
 * bits, previous values' JSON text), or why it has none (no time, the
 * -k field missing); arrival time; the -k and --time fields' verdict due
 * once, at the 1000th record; more fields than one pass finds (looked up
 * by name).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "tap.h"
#include "wapply.h"
#include "wread.h"

#define S 1000000LL

static const char *const opt[] = { "-k", "user,card", "--sliding", "10",
    "-a", "sum:amt", "-a", "distinct:merchant", "-a",
    "count_if:status=declined", "-a", "prev:amt", NULL };

struct tcase {
	const char *name;
	const char *rec;
	/* "t=...|k=...|x=...|d=...|c=...|p=..." (k: NULs as '~'; d: the
	 * text hashed, or 0), or "time: why", or "nokey N". */
	const char *want;
};

static const struct tcase cases[] = {
	{ "every field", "{\"ts\":100,\"user\":\"u1\",\"card\":7,\"amt\":12.5,"
	    "\"merchant\":\"m\",\"status\":\"declined\"}",
	    "t=100000000|k=\"u1\"~7|x=12.5|d=m|c=1|p=12.5" },
	{ "fields absent: NAN, 0, no condition, no previous",
	    "{\"ts\":1,\"user\":\"u\",\"card\":0}",
	    "t=1000000|k=\"u\"~0|x=nan|d=0|c=0|p=-" },
	{ "null, true and a string: not numbers; null has no value",
	    "{\"ts\":1,\"user\":null,\"card\":true,\"amt\":true,"
	    "\"merchant\":null,\"status\":null}",
	    "t=1000000|k=null~true|x=nan|d=0|c=0|p=true" },
	{ "a number as a string is a number", "{\"ts\":1,\"user\":1,"
	    "\"card\":1,\"amt\":\"12\",\"merchant\":1}",
	    "t=1000000|k=1~1|x=12|d=1|c=0|p=\"12\"" },
	{ "the value text: \"1\" and 1 hash alike", "{\"ts\":1,\"user\":1,"
	    "\"card\":1,\"merchant\":\"1\"}",
	    "t=1000000|k=1~1|x=nan|d=1|c=0|p=-" },
	{ "the condition compares the text exactly", "{\"ts\":1,\"user\":1,"
	    "\"card\":1,\"status\":\"DECLINED\"}",
	    "t=1000000|k=1~1|x=nan|d=0|c=0|p=-" },
	{ "keys as their JSON text, objects too", "{\"ts\":1,"
	    "\"user\":{\"a\": [1]},\"card\":\"x\\u0041\"}",
	    "t=1000000|k={\"a\": [1]}~\"x\\u0041\"|x=nan|d=0|c=0|p=-" },
	{ "duplicate members: the last wins", "{\"ts\":1,\"ts\":2,\"user\":1,"
	    "\"card\":1,\"amt\":1,\"amt\":3}",
	    "t=2000000|k=1~1|x=3|d=0|c=0|p=3" },
	{ "an ISO time", "{\"ts\":\"1970-01-01T00:01:40.5Z\",\"user\":1,"
	    "\"card\":1}", "t=100500000|k=1~1|x=nan|d=0|c=0|p=-" },
	{ "the last second of 9999", "{\"ts\":253402300799,\"user\":1,"
	    "\"card\":1}", "t=253402300799000000|k=1~1|x=nan|d=0|c=0|p=-" },
	{ "the first second of 10000: out of range",
	    "{\"ts\":253402300800,\"user\":1,\"card\":1}",
	    "time: time out of range" },
	{ "before year 0: out of range", "{\"ts\":-62167219201,\"user\":1,"
	    "\"card\":1}", "time: time out of range" },
	{ "no time", "{\"user\":1,\"card\":1}", "time: time field missing" },
	{ "a time that is no time", "{\"ts\":\"soon\",\"user\":1,\"card\":1}",
	    "time: not a date-time" },
	{ "the second -k field missing", "{\"ts\":1,\"user\":1}", "nokey 1" },
	{ "both missing: the first named", "{\"ts\":1}", "nokey 0" },
	{ "no time and no key: the time first", "{}",
	    "time: time field missing" },
};

static void
event_text(const struct rt_wev *ev, int st, const struct rt_wread *r,
    struct rt_buf *b)
{
	const char *dtexts[] = { "m", "1" };

	b->len = 0;
	if (st == RT_WR_BADTIME) {
		rt_buf_printf(b, "time: %s", r->why);
		return;
	}
	if (st == RT_WR_NOKEY) {
		rt_buf_printf(b, "nokey %d", r->nokey);
		return;
	}
	rt_buf_printf(b, "t=%lld|k=", (long long)ev->t);
	for (size_t i = 0; i < ev->klen; i++)
		rt_buf_addc(b, ev->key[i] ? ev->key[i] : '~');
	if (isnan(ev->num[0]))
		rt_buf_adds(b, "|x=nan");
	else
		rt_buf_printf(b, "|x=%g", ev->num[0]);
	if (ev->dh[0] == 0) {
		rt_buf_adds(b, "|d=0");
	} else {
		const char *d = "?";

		for (size_t i = 0; i < 2; i++)
			if ((rt_hash(dtexts[i], strlen(dtexts[i])) | 1) ==
			    ev->dh[0])
				d = dtexts[i];
		rt_buf_printf(b, "|d=%s", d);
	}
	rt_buf_printf(b, "|c=%u|p=", ev->cond);
	if (ev->prev[0])
		rt_buf_add(b, ev->prev[0], ev->prevlen[0]);
	else
		rt_buf_adds(b, "-");
}

static void
table(void)
{
	struct rt_wopts o;
	struct rt_wread r;
	struct rt_timeopt to;
	struct rt_jdoc d;
	struct rt_buf b = RT_BUF_INIT;
	const char *err;

	rt_wopts_init(&o);
	if ((err = wapply(&o, opt, (double)S)) != NULL) {
		ok(0, "options: %s", err);
		return;
	}
	memset(&to, 0, sizeof to);
	rt_wread_init(&r, &o.c, "ts", NULL, NULL);
	rt_jdoc_init(&d, 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		struct rt_wev ev;
		int st;

		memset(&ev, 0, sizeof ev);
		if (rt_jdoc_parse(&d, c->rec, strlen(c->rec)) != 0) {
			ok(0, "%s: parses", c->name);
			continue;
		}
		st = rt_wread_record(&r, &d, &to, &ev);
		event_text(&ev, st, &r, &b);
		is_str(rt_buf_cstr(&b), c->want, c->name);
	}
	rt_jdoc_release(&d);
	rt_wread_release(&r);
	rt_wopts_release(&o);
	rt_buf_release(&b);
}

/* No time field: the arrival time; no -k: an empty key, no hash. */
static void
arrival(void)
{
	static const char *const o2[] = { "--sliding", "10", "-a", "count",
	    NULL };
	struct rt_wopts o;
	struct rt_wread r;
	struct rt_timeopt to;
	struct rt_jdoc d;
	struct rt_wev ev;
	int64_t before, after;
	int st;

	rt_wopts_init(&o);
	if (wapply(&o, o2, (double)S) != NULL) {
		ok(0, "options");
		return;
	}
	memset(&to, 0, sizeof to);
	rt_wread_init(&r, &o.c, NULL, NULL, NULL);
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, "{\"ts\":5}", 8);
	before = rt_time_now_us();
	st = rt_wread_record(&r, &d, &to, &ev);
	after = rt_time_now_us();
	ok(st == RT_WR_OK && ev.t >= before && ev.t <= after && ev.klen == 0 &&
	    ev.hash == 0, "no --time: the arrival time, not the record's ts");
	rt_jdoc_release(&d);
	rt_wread_release(&r);
	rt_wopts_release(&o);
}

/* The fields' verdict: due once, at the 1000th record. */
static void
verdict(void)
{
	struct rt_wopts o;
	struct rt_wread r;
	struct rt_timeopt to;
	struct rt_jdoc d;
	int due = 0, at = -1;

	rt_wopts_init(&o);
	if (wapply(&o, opt, (double)S) != NULL) {
		ok(0, "options");
		return;
	}
	memset(&to, 0, sizeof to);
	rt_wread_init(&r, &o.c, "ts", NULL, NULL);
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, "{\"ts\":5,\"user\":1}", 17);
	for (int i = 1; i <= 3000; i++) {
		struct rt_wev ev;

		rt_wread_record(&r, &d, &to, &ev);
		if (r.fc_due) {
			due++;
			at = i;
			r.fc.told = 1;	/* the caller reports it */
		}
	}
	ok(due == 1 && at == RT_FCHECK_N, "the -k and --time verdict: due "
	    "once, at record %d", at);
	ok(r.fc.seen[r.fc_key[0]] == RT_FCHECK_N &&
	    r.fc.seen[r.fc_key[1]] == 0 && r.fc.seen[r.fc_time] ==
	    RT_FCHECK_N, "user and ts seen in each, card never");
	rt_jdoc_release(&d);
	rt_wread_release(&r);
	rt_wopts_release(&o);
}

/* More fields than the one-pass set holds: those past it looked up by
 * name, with the same values. */
static void
many_fields(void)
{
	const char *o2[2 * 80 + 4];
	char names[80][16], rec[4096];
	struct rt_wopts o;
	struct rt_wread r;
	struct rt_timeopt to;
	struct rt_jdoc d;
	struct rt_wev ev;
	size_t n = 0;
	int k = 0, bad = 0;
	const char *err;

	o2[k++] = "--sliding";
	o2[k++] = "10";
	for (int i = 0; i < 70; i++) {
		snprintf(names[i], sizeof names[i], "sum:f%d", i);
		o2[k++] = "-a";
		o2[k++] = names[i];
	}
	o2[k] = NULL;
	rt_wopts_init(&o);
	if ((err = wapply(&o, o2, (double)S)) != NULL) {
		ok(0, "70 sums: %s", err);
		rt_wopts_release(&o);
		return;
	}
	n += (size_t)snprintf(rec + n, sizeof rec - n, "{\"ts\":3");
	for (int i = 69; i >= 0; i--)
		n += (size_t)snprintf(rec + n, sizeof rec - n, ",\"f%d\":%d", i,
		    i * 3);
	snprintf(rec + n, sizeof rec - n, "}");
	memset(&to, 0, sizeof to);
	rt_wread_init(&r, &o.c, "ts", NULL, NULL);
	rt_jdoc_init(&d, 0);
	rt_jdoc_parse(&d, rec, strlen(rec));
	if (rt_wread_record(&r, &d, &to, &ev) != RT_WR_OK || o.c.nnum != 70)
		bad++;
	for (int i = 0; i < o.c.nnum && !bad; i++) {
		int f = atoi(o.c.numf[i] + 1);

		bad += ev.num[i] != f * 3;
	}
	ok(bad == 0 && ev.t == 3 * S, "70 numeric fields (past the %d of one "
	    "pass): each its own value", RT_FSET_MAX);
	rt_jdoc_release(&d);
	rt_wread_release(&r);
	rt_wopts_release(&o);
}

int
main(void)
{
	table();
	arrival();
	verdict();
	many_fields();
	return done_testing();
}
