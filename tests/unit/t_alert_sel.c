/*
 * t_alert_sel.c - which records rt-alert looks at, and when (lib/
 * alert_sel.c): a table of records, with and without --time given, each
 * dropped, rejected with its exact reason, or timed at its exact event
 * time; the arrival time for records without one; --when instead of
 * _class, its first error noted once; the -k and --time fields' verdict
 * due once, at the 1000th alert-worthy record.
 */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "fcheck.h"
#include "rule.h"
#include "tap.h"

#define S 1000000LL

static char *keys[] = { "card" };

struct tcase {
	const char *name;
	int time_given;
	const char *rec;
	int want;		/* RT_ASEL_* */
	const char *why;	/* REJECT: the reason */
	int64_t t;		/* TIMED: the event time (-1: arrival) */
};

static const struct tcase cases[] = {
	{ "_class fraud: timed", 0, "{\"_class\":\"fraud\",\"ts\":10}",
	    RT_ASEL_TIMED, NULL, 10 * S },
	{ "_class ok: dropped", 0, "{\"_class\":\"ok\",\"ts\":10}",
	    RT_ASEL_DROP, NULL, 0 },
	{ "_class \"\\u006fk\" is \"ok\": dropped", 0,
	    "{\"_class\":\"\\u006fk\",\"ts\":10}", RT_ASEL_DROP, NULL, 0 },
	{ "no _class: dropped", 0, "{\"ts\":10}", RT_ASEL_DROP, NULL, 0 },
	{ "_class null: dropped", 0, "{\"_class\":null}", RT_ASEL_DROP, NULL,
	    0 },
	{ "_class false: not \"ok\", timed", 0,
	    "{\"_class\":false,\"ts\":1}", RT_ASEL_TIMED, NULL, 1 * S },
	{ "_class \"OK\": not \"ok\", timed", 0,
	    "{\"_class\":\"OK\",\"ts\":1}", RT_ASEL_TIMED, NULL, 1 * S },
	{ "the last _class wins", 0,
	    "{\"_class\":\"fraud\",\"_class\":\"ok\"}", RT_ASEL_DROP, NULL, 0 },
	{ "an ISO time", 0, "{\"_class\":\"x\",\"ts\":\"2024-03-01T00:00:00Z\"}",
	    RT_ASEL_TIMED, NULL, 1709251200 * S },
	{ "no ts, --time not given: arrival", 0, "{\"_class\":\"x\"}",
	    RT_ASEL_TIMED, NULL, -1 },
	{ "no ts, --time given: rejected", 1, "{\"_class\":\"x\"}",
	    RT_ASEL_REJECT, "ts: time field missing", 0 },
	{ "a ts that is no time: rejected, given or not", 0,
	    "{\"_class\":\"x\",\"ts\":\"later\"}", RT_ASEL_REJECT,
	    "ts: not a date-time", 0 },
	{ "a ts past 9999: out of range", 0,
	    "{\"_class\":\"x\",\"ts\":253402300800}", RT_ASEL_REJECT,
	    "ts: time out of range", 0 },
	{ "the last second of 9999: timed", 1,
	    "{\"_class\":\"x\",\"ts\":253402300799}", RT_ASEL_TIMED, NULL,
	    253402300799 * S },
	{ "a dropped record is not timed: no reason for its ts", 1,
	    "{\"_class\":\"ok\",\"ts\":\"later\"}", RT_ASEL_DROP, NULL, 0 },
	{ "an array: not a JSON object", 0, "[1]", RT_ASEL_REJECT,
	    "not a JSON object", 0 },
	{ "a string: not a JSON object", 0, "\"x\"", RT_ASEL_REJECT,
	    "not a JSON object", 0 },
	{ "not JSON", 0, "{\"_class\":", RT_ASEL_BAD_JSON, NULL, 0 },
};

static int
judge(struct rt_asel *s, const char *text)
{
	struct rt_rec r;

	memset(&r, 0, sizeof r);
	r.p = r.raw = text;
	r.len = r.rawlen = strlen(text);
	r.source = "t";
	r.line = 1;
	return rt_asel_record(s, &r);
}

static void
table(void)
{
	struct rt_timeopt to;

	memset(&to, 0, sizeof to);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		struct rt_asel s;
		int64_t before = rt_time_now_us(), after;
		int got, good;

		rt_asel_init(&s, NULL, keys, 1, "ts", c->time_given, &to);
		got = judge(&s, c->rec);
		after = rt_time_now_us();
		good = got == c->want;
		if (good && got == RT_ASEL_REJECT)
			good = strcmp(s.why, c->why) == 0;
		if (good && got == RT_ASEL_TIMED)
			good = c->t == -1 ? s.t >= before && s.t <= after :
			    s.t == c->t;
		ok(good, "%s", c->name);
		if (!good)
			diag("got %d, why '%s', t %lld", got,
			    got == RT_ASEL_REJECT ? s.why : "", (long long)s.t);
		ok(s.worthy == (c->want == RT_ASEL_TIMED ||
		    (c->want == RT_ASEL_REJECT && c->rec[0] == '{')),
		    "%s: counted alert-worthy or not", c->name);
		rt_asel_release(&s);
	}
}

/* --when: its verdict instead of _class; its first error noted once. */
static void
when_cases(void)
{
	struct rt_rules rs;
	struct rt_rule_opts o;
	struct rt_buf err = RT_BUF_INIT;
	struct rt_timeopt to;
	struct rt_asel s;
	int notes = 0;

	rt_rule_opts_init(&o);
	if (rt_rules_cond(&rs, "--when", ".amount + 0 > 100", &o, &err) != 0) {
		ok(0, "--when compiles: %s", rt_buf_cstr(&err));
		rt_buf_release(&err);
		return;
	}
	memset(&to, 0, sizeof to);
	rt_asel_init(&s, &rs, keys, 1, NULL, 0, &to);
	ok(judge(&s, "{\"amount\":101,\"_class\":\"ok\"}") == RT_ASEL_TIMED,
	    "--when true: timed, whatever _class says");
	ok(judge(&s, "{\"amount\":100,\"_class\":\"fraud\"}") == RT_ASEL_DROP,
	    "--when false: dropped, whatever _class says");
	ok(s.note == 0, "no note yet");
	for (int i = 0; i < 3; i++) {
		s.note = 0;
		ok(judge(&s, "{\"amount\":{\"a\":1}}") == RT_ASEL_DROP,
		    "--when error %d: dropped", i + 1);
		notes += (s.note & RT_ASEL_NOTE_WHEN) != 0;
	}
	ok(notes == 1, "the first error noted, once (%d)", notes);
	rt_asel_release(&s);
	rt_rules_free(&rs);
	rt_buf_release(&err);
}

/* The fields' verdict, over the first alert-worthy records. */
static void
verdict(void)
{
	struct rt_timeopt to;
	struct rt_asel s;
	int due = 0, at = -1;

	memset(&to, 0, sizeof to);
	rt_asel_init(&s, NULL, keys, 1, "ts", 1, &to);
	for (int i = 1; i <= 2500; i++) {
		s.note = 0;
		judge(&s, i % 2 ? "{\"_class\":\"x\",\"ts\":5}" :
		    "{\"_class\":\"ok\",\"ts\":5,\"card\":1}");
		if (s.note & RT_ASEL_NOTE_FC) {
			due++;
			at = i;
			s.fc.told = 1;
		}
	}
	ok(due == 1 && at == 2 * RT_FCHECK_N - 1, "the verdict: due once, at "
	    "the %dth worthy record (record %d)", RT_FCHECK_N, at);
	ok(s.fc.seen[s.fc_key[0]] == 0 && s.fc.seen[s.fc_time] ==
	    RT_FCHECK_N, "ts seen in each worthy record, card never (only "
	    "in dropped ones)");
	rt_asel_release(&s);
}

int
main(void)
{
	table();
	when_cases();
	verdict();
	return done_testing();
}
