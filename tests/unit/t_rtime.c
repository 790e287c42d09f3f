/*
 * t_rtime.c - event time (lib/rtime.c): RFC 3339 / ISO 8601 text, epoch
 * numbers, --time-format, --tz (fixed and named), formatting, durations,
 * the civil calendar, and the JSON-Schema-Test-Suite's RFC 3339 formats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "rtime.h"
#include "tap.h"

static struct rt_timeopt opt;

/* The result of a read as text: the time (6 digits) or "ERR reason". */
static const char *
show(const char *err, int64_t us)
{
	static char out[128];

	if (err)
		snprintf(out, sizeof out, "ERR %s", err);
	else
		rt_time_fmt(us, 6, out);
	return out;
}

/* rt_time_read of text (number: a JSON number) with the current opt. */
static void
rd(const char *text, int number, const char *want)
{
	int64_t us = 0;
	const char *err = rt_time_read(text, strlen(text), number, &opt, &us);
	char name[256];

	snprintf(name, sizeof name, "read%s '%s'%s%s", number ? " number" : "",
	    text, opt.format ? " with format " : "",
	    opt.format ? opt.format : "");
	is_str(show(err, us), want, name);
}

static void
test_iso(void)
{
	static const char *t[][2] = {
		{ "2024-03-01T12:00:00Z", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01T12:00:00.5+01:00", "2024-03-01T11:00:00.500000Z" },
		{ "2024-03-01T12:00:00,25-02:30", "2024-03-01T14:30:00.250000Z" },
		{ "2024-03-01 12:00:00", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01t12:00:00z", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01T12:00", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01T12:00Z", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01T12:00:00+01", "2024-03-01T11:00:00.000000Z" },
		{ "2024-03-01T12:00:00+0130", "2024-03-01T10:30:00.000000Z" },
		{ "2024-03-01 12:00:00 +0100", "2024-03-01T11:00:00.000000Z" },
		{ "2024-03-01 12:00:00 Z", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00.000000Z" },
		{ "2024-03-01T23:30:00-01:00", "2024-03-02T00:30:00.000000Z" },
		{ "2024-03-01T12:00:00.1234567Z", "2024-03-01T12:00:00.123456Z" },
		{ "2024-03-01T12:00:00.9999999Z", "2024-03-01T12:00:00.999999Z" },
		{ "2024-03-01T12:00:00.000001Z", "2024-03-01T12:00:00.000001Z" },
		{ "20240301T120000Z", "2024-03-01T12:00:00.000000Z" },
		{ "20240301T120000.123+0100", "2024-03-01T11:00:00.123000Z" },
		{ "20240301T1200", "2024-03-01T12:00:00.000000Z" },
		{ "2024-03-01", "2024-03-01T00:00:00.000000Z" },
		{ "2016-12-31T23:59:60Z", "2017-01-01T00:00:00.000000Z" },
		{ "2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00.500000Z" },
		{ "2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000Z" },
		{ "2000-02-29", "2000-02-29T00:00:00.000000Z" },
		{ "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500000Z" },
		{ "1900-01-01T00:00:00Z", "1900-01-01T00:00:00.000000Z" },
		{ "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z" },
		{ "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z" },
		{ "2023-02-29", "ERR day out of range" },
		{ "1900-02-29", "ERR day out of range" },
		{ "2024-04-31", "ERR day out of range" },
		{ "2024-00-10", "ERR month out of range" },
		{ "2024-13-01", "ERR month out of range" },
		{ "2024-03-00", "ERR day out of range" },
		{ "2024-03-01T24:00:00Z", "ERR hour out of range" },
		{ "2024-03-01T12:60:00Z", "ERR minute out of range" },
		{ "2024-03-01T12:00:61Z", "ERR second out of range" },
		{ "2024-03-01T12:00:00+24:00", "ERR bad time zone offset" },
		{ "2024-03-01T12:00:00+01:60", "ERR bad time zone offset" },
		{ "2024-03-01T12:00:00 PST", "ERR bad time zone offset" },
		{ "2024-03-01T12:00:00Zjunk", "ERR not a date-time" },
		{ "2024-3-1", "ERR not a date-time" },
		{ "2024-03-01T", "ERR not a date-time" },
		{ "2024-03-01T12", "ERR not a date-time" },
		{ "2024-03-01T12:00:00.", "ERR not a date-time" },
		{ "2024-03-01X", "ERR not a date-time" },
		{ " 2024-03-01", "ERR not a date-time" },
		{ "2024-0301", "ERR not a date-time" },
		{ "2024/03/01", "ERR not a date-time" },
		{ "", "ERR not a date-time" },
		{ "12abc", "ERR not a date-time" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		rd(t[i][0], 0, t[i][1]);
}

static void
test_epoch(void)
{
	static const struct {
		enum rt_tunit u;
		int number;
		const char *in, *want;
	} t[] = {
		{ RT_TU_S, 1, "1709294400", "2024-03-01T12:00:00.000000Z" },
		{ RT_TU_S, 1, "1709294400.123456789", "2024-03-01T12:00:00.123456Z" },
		{ RT_TU_S, 1, "1.7e9", "2023-11-14T22:13:20.000000Z" },
		{ RT_TU_S, 1, "17E+8", "2023-11-14T22:13:20.000000Z" },
		{ RT_TU_S, 1, "1709294400000e-3", "2024-03-01T12:00:00.000000Z" },
		{ RT_TU_S, 1, "0", "1970-01-01T00:00:00.000000Z" },
		{ RT_TU_S, 1, "-1", "1969-12-31T23:59:59.000000Z" },
		{ RT_TU_S, 1, "-1.5", "1969-12-31T23:59:58.500000Z" },
		{ RT_TU_S, 1, "-86400", "1969-12-31T00:00:00.000000Z" },
		{ RT_TU_S, 0, "1709294400", "2024-03-01T12:00:00.000000Z" },
		{ RT_TU_S, 0, "+1709294400.5", "2024-03-01T12:00:00.500000Z" },
		{ RT_TU_S, 0, "20240301", "1970-08-23T06:18:21.000000Z" },
		{ RT_TU_MS, 1, "1709294400123", "2024-03-01T12:00:00.123000Z" },
		{ RT_TU_MS, 1, "1709294400123.9", "2024-03-01T12:00:00.123900Z" },
		{ RT_TU_MS, 1, "-1", "1969-12-31T23:59:59.999000Z" },
		{ RT_TU_MS, 1, "-0.5", "1969-12-31T23:59:59.999500Z" },
		{ RT_TU_MS, 0, "1709294400123", "2024-03-01T12:00:00.123000Z" },
		{ RT_TU_US, 1, "1709294400123456", "2024-03-01T12:00:00.123456Z" },
		{ RT_TU_US, 1, "1709294400123456.9", "2024-03-01T12:00:00.123456Z" },
		{ RT_TU_US, 1, "-1", "1969-12-31T23:59:59.999999Z" },
		{ RT_TU_NS, 1, "1709294400123456789", "2024-03-01T12:00:00.123456Z" },
		{ RT_TU_NS, 1, "1709294400123456789.99", "2024-03-01T12:00:00.123456Z" },
		{ RT_TU_NS, 1, "999", "1970-01-01T00:00:00.000000Z" },
		{ RT_TU_NS, 1, "1000", "1970-01-01T00:00:00.000001Z" },
		{ RT_TU_NS, 1, "0.5e4", "1970-01-01T00:00:00.000005Z" },
		/* Sub-microsecond parts are cut toward zero. */
		{ RT_TU_NS, 1, "-1500", "1969-12-31T23:59:59.999999Z" },
		{ RT_TU_S, 1, "9223372036854.775807",
		    "+294247-01-10T04:00:54.775807Z" },
		{ RT_TU_S, 1, "9223372036855", "ERR time out of range" },
		{ RT_TU_S, 1, "99999999999999999999", "ERR time out of range" },
		{ RT_TU_S, 1, "1e300", "ERR time out of range" },
		{ RT_TU_S, 1, "1e", "ERR not a number" },
		{ RT_TU_S, 1, "1e+", "ERR not a number" },
		{ RT_TU_S, 1, "", "ERR not a number" },
		{ RT_TU_S, 1, "-", "ERR not a number" },
		{ RT_TU_S, 1, "12abc", "ERR not a number" },
		{ RT_TU_S, 0, "1e", "ERR not a date-time" },
		/* fuzz_time, against an exact reference: every significant
		 * digit counts (not the first 18 after the point), an integer
		 * part of 20 digits may be brought back by its exponent, and
		 * the last digits of int64 are in range. */
		{ RT_TU_S, 1, "0.0000000000000000001e25",
		    "1970-01-12T13:46:40.000000Z" },
		{ RT_TU_S, 1, "0.00000000000000000000000000000000000000017e44",
		    "1970-01-01T04:43:20.000000Z" },
		{ RT_TU_S, 1, "100000000000000000000e-10",
		    "2286-11-20T17:46:40.000000Z" },
		{ RT_TU_NS, 1, "9223372036854775807",
		    "2262-04-11T23:47:16.854775Z" },
		{ RT_TU_NS, 1, "-9223372036854775807",
		    "1677-09-21T00:12:43.145225Z" },
		{ RT_TU_US, 1, "9223372036854775807",
		    "+294247-01-10T04:00:54.775807Z" },
		{ RT_TU_US, 1, "9223372036854775808", "ERR time out of range" },
		{ RT_TU_US, 1, "-9223372036854775808", "ERR time out of range" },
		{ RT_TU_NS, 1, "1e-100000000000", "1970-01-01T00:00:00.000000Z" },
		{ RT_TU_S, 1, "0e100000000000", "1970-01-01T00:00:00.000000Z" },
		{ RT_TU_S, 1, "1e100000000000", "ERR time out of range" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		opt.unit = t[i].u;
		rd(t[i].in, t[i].number, t[i].want);
	}
	opt.unit = RT_TU_S;
}

static void
test_units(void)
{
	enum rt_tunit u = RT_TU_S;

	ok(rt_tunit_parse("ms", &u) == 0 && u == RT_TU_MS, "unit ms");
	ok(rt_tunit_parse("us", &u) == 0 && u == RT_TU_US, "unit us");
	ok(rt_tunit_parse("\xC2\xB5s", &u) == 0 && u == RT_TU_US, "unit µs");
	ok(rt_tunit_parse("ns", &u) == 0 && u == RT_TU_NS, "unit ns");
	ok(rt_tunit_parse("s", &u) == 0 && u == RT_TU_S, "unit s");
	ok(rt_tunit_parse("sec", &u) == -1 && rt_tunit_parse("", &u) == -1 &&
	    rt_tunit_parse("MS", &u) == -1, "unknown units are refused");
}

static void
test_format(void)
{
	static const char *t[][3] = {
		{ "%d/%m/%Y %H:%M:%S", "01/03/2024 12:00:00",
		    "2024-03-01T12:00:00.000000Z" },
		{ "%Y-%m-%dT%H:%M:%S.%f%z", "2024-03-01T12:00:00.250+0100",
		    "2024-03-01T11:00:00.250000Z" },
		{ "%Y-%m-%dT%H:%M:%S%z", "2024-03-01T12:00:00-05:30",
		    "2024-03-01T17:30:00.000000Z" },
		{ "%b %e %Y %I:%M %p", "Mar  1 2024 01:30 PM",
		    "2024-03-01T13:30:00.000000Z" },
		{ "%b %e %Y %I:%M %p", "mar 1 2024 12:05 am",
		    "2024-03-01T00:05:00.000000Z" },
		{ "%b %e %Y %I:%M %p", "MAR 1 2024 12:05 PM",
		    "2024-03-01T12:05:00.000000Z" },
		{ "%B %d, %Y", "March 01, 2024", "2024-03-01T00:00:00.000000Z" },
		{ "%B %d, %Y", "September 30, 2024",
		    "2024-09-30T00:00:00.000000Z" },
		{ "%a, %d %b %Y %T %Z", "Fri, 01 Mar 2024 12:00:00 GMT",
		    "2024-03-01T12:00:00.000000Z" },
		{ "%A %d %h %Y %T%Z", "Friday 01 Mar 2024 12:00:00Z",
		    "2024-03-01T12:00:00.000000Z" },
		{ "%Y-%j", "2024-061", "2024-03-01T00:00:00.000000Z" },
		{ "%Y-%j", "2023-365", "2023-12-31T00:00:00.000000Z" },
		{ "%Y-%j", "2024-366", "2024-12-31T00:00:00.000000Z" },
		{ "%Y-%j", "2023-366", "ERR day out of range" },
		{ "%Y-%j", "2024-000", "ERR day out of range" },
		{ "%s", "1709294400", "2024-03-01T12:00:00.000000Z" },
		{ "%s.%f", "1709294400.5", "2024-03-01T12:00:00.500000Z" },
		{ "%s.%f", "-1.5", "1969-12-31T23:59:58.500000Z" },
		{ "%s.%f", "-0.25", "1969-12-31T23:59:59.750000Z" },
		{ "%F %T", "2024-03-01 12:34:56", "2024-03-01T12:34:56.000000Z" },
		{ "%y%m%d", "240301", "2024-03-01T00:00:00.000000Z" },
		{ "%y%m%d", "690101", "1969-01-01T00:00:00.000000Z" },
		{ "%y%m%d", "680101", "2068-01-01T00:00:00.000000Z" },
		{ "%%%Y", "%2024", "2024-01-01T00:00:00.000000Z" },
		{ "%H:%M", "13:45", "1970-01-01T13:45:00.000000Z" },
		{ "%d.%m.%Y %H:%M:%S", "29.02.2024 23:59:60",
		    "2024-03-01T00:00:00.000000Z" },
		{ "%d/%m/%Y", "31/04/2024", "ERR day out of range" },
		{ "%d/%m/%Y", "01-03-2024", "ERR does not match --time-format" },
		{ "%d/%m/%Y", "01/03/2024x", "ERR does not match --time-format" },
		{ "%d/%m/%Y", "01/03/", "ERR does not match --time-format" },
		{ "%Y", "-2024", "ERR does not match --time-format" },
		{ "%b %Y", "Foo 2024", "ERR does not match --time-format" },
		{ "%I:%M", "01:30", "ERR hour out of range" },
		{ "%I:%M %p", "13:30 PM", "ERR hour out of range" },
		{ "%Y %Q", "2024 x", "ERR bad --time-format directive" },
		{ "%s", "", "ERR does not match --time-format" },
		/* fuzz_time: the fraction took an epoch at the edge past
		 * int64 (signed overflow). */
		{ "%s.%f", "9223372036854.775807",
		    "+294247-01-10T04:00:54.775807Z" },
		{ "%s.%f", "9223372036854.999999", "ERR time out of range" },
		{ "%s.%f", "-9223372036854.999999", "ERR time out of range" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		opt.format = t[i][0];
		rd(t[i][1], 0, t[i][2]);
	}
	opt.format = NULL;
}

static void
test_fixed_tz(void)
{
	struct rt_tzone z;

	ok(rt_tz_parse(&z, "UTC") == NULL && z.kind == 0, "tz UTC");
	ok(rt_tz_parse(&z, "Z") == NULL && z.kind == 0, "tz Z");
	ok(rt_tz_parse(&z, "Etc/UTC") == NULL && z.kind == 0, "tz Etc/UTC");
	ok(rt_tz_parse(&z, "+02:00") == NULL && z.kind == 1 &&
	    z.offset == 7200, "tz +02:00");
	ok(rt_tz_parse(&z, "-0530") == NULL && z.kind == 1 &&
	    z.offset == -19800, "tz -0530");
	ok(rt_tz_parse(&z, "+05") == NULL && z.kind == 1 && z.offset == 18000,
	    "tz +05");
	is_str(rt_tz_parse(&z, "Nowhere/City"), "unknown time zone",
	    "tz unknown name");
	is_str(rt_tz_parse(&z, "../../etc/passwd"), "unknown time zone",
	    "tz path escape refused");
	is_str(rt_tz_parse(&z, "/etc/localtime"), "unknown time zone",
	    "tz absolute path refused");
	is_str(rt_tz_parse(&z, ""), "unknown time zone", "tz empty");
	is_str(rt_tz_parse(&z, "+25:00"), "unknown time zone", "tz +25:00");

	rt_tz_parse(&opt.tz, "+02:00");
	rd("2024-03-01T12:00:00", 0, "2024-03-01T10:00:00.000000Z");
	rd("2024-03-01", 0, "2024-02-29T22:00:00.000000Z");
	rd("2024-03-01T12:00:00Z", 0, "2024-03-01T12:00:00.000000Z");
	rd("2024-03-01T12:00:00-01:00", 0, "2024-03-01T13:00:00.000000Z");
	rd("1709294400", 0, "2024-03-01T12:00:00.000000Z");
	opt.format = "%d/%m/%Y %H:%M";
	rd("01/03/2024 12:00", 0, "2024-03-01T10:00:00.000000Z");
	opt.format = NULL;
	rt_tz_release(&opt.tz);
	rt_tz_parse(&opt.tz, "-0530");
	rd("2024-03-01T12:00:00", 0, "2024-03-01T17:30:00.000000Z");
	rt_tz_release(&opt.tz);
	rt_tz_parse(&opt.tz, "UTC");
}

static int
have_zone(const char *name)
{
	char path[512];
	const char *dir = getenv("TZDIR");

	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo",
	    name);
	return access(path, R_OK) == 0;
}

static void
test_named_tz(void)
{
	static const char *paris[][2] = {
		{ "2024-01-15T12:00:00", "2024-01-15T11:00:00.000000Z" },
		{ "2024-07-15T12:00:00", "2024-07-15T10:00:00.000000Z" },
		{ "2024-03-31T01:59:59", "2024-03-31T00:59:59.000000Z" },
		/* 02:00-03:00 does not exist: read with the offset before. */
		{ "2024-03-31T02:30:00", "2024-03-31T01:30:00.000000Z" },
		{ "2024-03-31T03:00:00", "2024-03-31T01:00:00.000000Z" },
		{ "2024-03-31T03:00:00.25", "2024-03-31T01:00:00.250000Z" },
		{ "2024-10-27T01:59:59", "2024-10-26T23:59:59.000000Z" },
		/* 02:00-03:00 happens twice: the first one (CEST). */
		{ "2024-10-27T02:30:00", "2024-10-27T00:30:00.000000Z" },
		{ "2024-10-27T03:00:00", "2024-10-27T02:00:00.000000Z" },
		{ "2024-10-27", "2024-10-26T22:00:00.000000Z" },
		{ "2024-10-28", "2024-10-27T23:00:00.000000Z" },
		{ "2024-07-15T12:00:00Z", "2024-07-15T12:00:00.000000Z" },
		{ "2024-07-15T12:00:00+05:00", "2024-07-15T07:00:00.000000Z" },
		{ "1900-01-01T00:00:00", "1899-12-31T23:50:39.000000Z" },
		/* Again, from the cache. */
		{ "2024-01-15T12:00:00", "2024-01-15T11:00:00.000000Z" },
		{ "2024-07-15T12:14:59", "2024-07-15T10:14:59.000000Z" },
	};
	static const char *ny[][2] = {
		{ "2024-01-15T12:00:00", "2024-01-15T17:00:00.000000Z" },
		{ "2024-07-15T12:00:00", "2024-07-15T16:00:00.000000Z" },
		{ "2024-03-10T01:30:00", "2024-03-10T06:30:00.000000Z" },
		{ "2024-03-10T02:30:00", "2024-03-10T07:30:00.000000Z" },
		{ "2024-03-10T03:30:00", "2024-03-10T07:30:00.000000Z" },
		{ "2024-11-03T01:30:00", "2024-11-03T05:30:00.000000Z" },
		{ "2024-11-03T02:00:00", "2024-11-03T07:00:00.000000Z" },
		{ "1850-01-01T00:00:00", "1850-01-01T04:56:02.000000Z" },
	};
	size_t i;

	if (!have_zone("Europe/Paris") || !have_zone("America/New_York")) {
		skip("tz database (Europe/Paris, America/New_York) not found");
		return;
	}
	rt_tz_release(&opt.tz);
	ok(rt_tz_parse(&opt.tz, "Europe/Paris") == NULL && opt.tz.kind == 2 &&
	    strcmp(opt.tz.name, "Europe/Paris") == 0, "tz Europe/Paris");
	for (i = 0; i < sizeof paris / sizeof *paris; i++)
		rd(paris[i][0], 0, paris[i][1]);
	opt.format = "%d/%m/%Y %H:%M";
	rd("31/03/2024 03:15", 0, "2024-03-31T01:15:00.000000Z");
	opt.format = NULL;
	/* One named zone per process: the next one replaces it. */
	rt_tz_release(&opt.tz);
	ok(rt_tz_parse(&opt.tz, "America/New_York") == NULL &&
	    opt.tz.kind == 2, "tz America/New_York");
	for (i = 0; i < sizeof ny / sizeof *ny; i++)
		rd(ny[i][0], 0, ny[i][1]);
	rt_tz_release(&opt.tz);
	rt_tz_parse(&opt.tz, "UTC");
}

static void
test_fmt(void)
{
	static const struct {
		int64_t us;
		int digits;
		const char *want;
	} t[] = {
		{ 0, 0, "1970-01-01T00:00:00Z" },
		{ 0, 3, "1970-01-01T00:00:00.000Z" },
		{ 0, 6, "1970-01-01T00:00:00.000000Z" },
		{ 1709294400123456LL, 0, "2024-03-01T12:00:00Z" },
		{ 1709294400123456LL, 3, "2024-03-01T12:00:00.123Z" },
		{ 1709294400123456LL, 6, "2024-03-01T12:00:00.123456Z" },
		{ 1709294400999999LL, 3, "2024-03-01T12:00:00.999Z" },
		{ -1, 6, "1969-12-31T23:59:59.999999Z" },
		{ -1, 3, "1969-12-31T23:59:59.999Z" },
		{ -1, 0, "1969-12-31T23:59:59Z" },
		{ -86400000000LL, 3, "1969-12-31T00:00:00.000Z" },
		{ -86400000001LL, 6, "1969-12-30T23:59:59.999999Z" },
		{ -2208988800000000LL, 3, "1900-01-01T00:00:00.000Z" },
		{ -62135596800000000LL, 3, "0001-01-01T00:00:00.000Z" },
		{ -62135596800000001LL, 6, "0000-12-31T23:59:59.999999Z" },
		{ -62167219200000000LL, 0, "0000-01-01T00:00:00Z" },
		{ -62167219200000001LL, 0, "-00001-12-31T23:59:59Z" },
		{ 253402300799999999LL, 6, "9999-12-31T23:59:59.999999Z" },
		{ 253402300800000000LL, 3, "+10000-01-01T00:00:00.000Z" },
		{ 951782400000000LL, 0, "2000-02-29T00:00:00Z" },
		{ INT64_MAX, 6, "+294247-01-10T04:00:54.775807Z" },
		{ INT64_MIN + 1, 6, "-290308-12-21T19:59:05.224193Z" },
		{ INT64_MIN, 6, "-290308-12-21T19:59:05.224192Z" },
	};
	size_t i;
	char out[48];

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		size_t n = rt_time_fmt(t[i].us, t[i].digits, out);

		ok(n == strlen(t[i].want) && strcmp(out, t[i].want) == 0,
		    "fmt %lld (%d digits) is %s", (long long)t[i].us,
		    t[i].digits, t[i].want);
		if (strcmp(out, t[i].want) != 0)
			diag("got '%s'", out);
	}
}

static void
test_fmt_roundtrip(void)
{
	uint64_t x = 88172645463325252ULL;
	int i, bad = 0;
	char out[48];

	/* Times from year 1 to 9999 written and read back exactly. */
	for (i = 0; i < 20000; i++) {
		int64_t us, back = 0;
		size_t n;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		us = -62135596800000000LL + (int64_t)(x % 315537897600000000ULL);
		n = rt_time_fmt(us, 6, out);
		if (rt_time_parse_iso(out, n, NULL, &back) != NULL ||
		    back != us) {
			if (bad++ < 5)
				diag("%lld -> %s -> %lld", (long long)us, out,
				    (long long)back);
		}
	}
	ok(bad == 0, "20000 random times from year 1 to 9999 round-trip");
}

static void
test_dur(void)
{
	static const struct {
		const char *in;
		int64_t us;
		const char *err;
	} t[] = {
		{ "250ms", 250000, NULL },
		{ "30s", 30000000, NULL },
		{ "5m", 300000000, NULL },
		{ "1h30m", 5400000000LL, NULL },
		{ "90m", 5400000000LL, NULL },
		{ "7d", 604800000000LL, NULL },
		{ "2w", 1209600000000LL, NULL },
		{ "0.5w", 302400000000LL, NULL },
		{ "1.5s", 1500000, NULL },
		{ "1.5ms", 1500, NULL },
		{ "1.25h", 4500000000LL, NULL },
		{ "1d12h", 129600000000LL, NULL },
		{ "1h0m", 3600000000LL, NULL },
		{ "0", 0, NULL },
		{ "0s", 0, NULL },
		{ "1us", 1, NULL },
		{ "1\xC2\xB5s", 1, NULL },
		{ "1500ns", 1, NULL },
		{ "999ns", 0, NULL },
		{ "1.123456789d", 97066666569LL, NULL },
		{ "1.999999999w", 1209599999395LL, NULL },
		{ "2562047788h", 9223372036800000000LL, NULL },
		/* fuzz_time: fraction digits past the 9th count (to the
		 * 18th), and nanoseconds reach the end of int64. */
		{ "1.0000000001w", 604800000060LL, NULL },
		{ "1.000000000000000001w", 604800000000LL, NULL },
		{ "9223372036854775807ns", 9223372036854775LL, NULL },
		{ "9223372036854775807us", INT64_MAX, NULL },
		{ "9223372036854775808us", 0, "duration too long" },
		{ "", 0, "empty duration" },
		{ "5", 0, "duration needs a unit (ms, s, m, h, d)" },
		{ "1h30", 0, "duration needs a unit (ms, s, m, h, d)" },
		{ "5 s", 0, "duration needs a unit (ms, s, m, h, d)" },
		{ "5S", 0, "duration needs a unit (ms, s, m, h, d)" },
		{ "5x", 0, "unknown duration unit" },
		{ "5sec", 0, "unknown duration unit" },
		{ "-5s", 0, "bad duration" },
		{ "s", 0, "bad duration" },
		{ " 5s", 0, "bad duration" },
		{ "99999999999999999999s", 0, "duration too long" },
		{ "9999999999999w", 0, "duration too long" },
		{ "2562047788.5h", 0, "duration too long" },
		{ "2562047788h1h", 0, "duration too long" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		int64_t us = -7;
		const char *err = rt_dur_parse(t[i].in, &us);

		if (t[i].err)
			is_str(err, t[i].err, t[i].in);
		else if (!ok(err == NULL && us == t[i].us, "duration '%s' is "
		    "%lld us", t[i].in, (long long)t[i].us))
			diag("got %s, %lld", err ? err : "ok", (long long)us);
	}
}

static void
test_dur_fmt(void)
{
	static const struct {
		int64_t us;
		const char *want;
	} t[] = {
		{ 0, "0" }, { -5, "0" }, { 1, "1us" }, { 250000, "250ms" },
		{ 1500000, "1s500ms" }, { 30000000, "30s" },
		{ 5400000000LL, "1h30m" }, { 604800000000LL, "7d" },
		{ 1209600000000LL, "14d" }, { 90061001001LL, "1d1h1m1s1ms1us" },
		{ INT64_MAX, "106751991d4h54s775ms807us" },
	};
	uint64_t x = 0x2545F4914F6CDD1DULL;
	size_t i;
	int bad = 0;
	char out[48];

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		size_t n = rt_dur_fmt(t[i].us, out);

		ok(n == strlen(t[i].want) && strcmp(out, t[i].want) == 0,
		    "dur_fmt %lld is %s", (long long)t[i].us, t[i].want);
	}
	for (i = 0; i < 20000; i++) {
		int64_t us, back = -1;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		us = (int64_t)(x >> (1 + x % 60));
		rt_dur_fmt(us, out);
		if (rt_dur_parse(out, &back) != NULL || back != us)
			if (bad++ < 5)
				diag("%lld -> %s -> %lld", (long long)us, out,
				    (long long)back);
	}
	ok(bad == 0, "20000 random durations: parse(fmt(d)) == d");
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void
test_civil(void)
{
	static const struct {
		int64_t y;
		unsigned m, d;
		int64_t days;
	} t[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 }, { 2000, 3, 1, 11017 },
		{ 2024, 3, 1, 19783 }, { 0, 3, 1, -719468 }, { 1, 1, 1, -719162 },
		{ -1, 1, 1, -719893 }, { 1600, 2, 29, -135081 },
		{ 9999, 12, 31, 2932896 }, { 10000, 1, 1, 2932897 },
		{ -4713, 11, 24, -2440588 }, { 294247, 1, 10, 106751991 },
		{ -290308, 12, 21, -106751992 },
	};
	static const unsigned dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int64_t z, y = -2000, yy;
	unsigned m = 1, d = 1, mm, dd;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		rt_civil_from_days(t[i].days, &yy, &mm, &dd);
		ok(rt_days_from_civil(t[i].y, t[i].m, t[i].d) == t[i].days &&
		    yy == t[i].y && mm == t[i].m && dd == t[i].d,
		    "civil %lld-%02u-%02u is day %lld", (long long)t[i].y,
		    t[i].m, t[i].d, (long long)t[i].days);
	}
	/* Walk day by day from -2000-01-01 to 3000-01-01 with a naive
	 * calendar: both directions agree at every step. */
	z = rt_days_from_civil(y, m, d);
	for (; y < 3000; z++) {
		rt_civil_from_days(z, &yy, &mm, &dd);
		if ((yy != y || mm != m || dd != d ||
		    rt_days_from_civil(y, m, d) != z) && bad++ < 5)
			diag("day %lld: %lld-%u-%u vs %lld-%u-%u", (long long)z,
			    (long long)yy, mm, dd, (long long)y, m, d);
		if (++d > (m == 2 && leap(y) ? 29 : dim[m - 1])) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	ok(bad == 0 && z == 376200, "civil calendar, day by day, years "
	    "-2000 to 2999 (%lld days)", (long long)z);
	/* Far days round-trip. */
	bad = 0;
	for (z = -4000000000LL; z <= 4000000000LL; z += 9876543) {
		rt_civil_from_days(z, &yy, &mm, &dd);
		if (rt_days_from_civil(yy, mm, dd) != z || mm < 1 || mm > 12 ||
		    dd < 1 || dd > 31)
			bad++;
	}
	ok(bad == 0, "civil round trip over +-4e9 days");
}

static void
test_rfc3339_own(void)
{
	static const struct {
		int (*f)(const char *, size_t);
		const char *s;
		int want;
	} t[] = {
		{ rt_rfc3339_datetime, "2024-03-01T12:00:00Z", 1 },
		{ rt_rfc3339_datetime, "2024-03-01 12:00:00Z", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T12:00:00", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T12:00:00+0100", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T12:00:00,5Z", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T12:00:00.Z", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T00:30:60+00:30", 0 },
		{ rt_rfc3339_datetime, "2024-03-01T00:29:60+00:30", 1 },
		{ rt_rfc3339_datetime, "2024-03-01T00:29:60-23:30", 1 },
		{ rt_rfc3339_date, "2024-02-29", 1 },
		{ rt_rfc3339_date, "2024-02-29T00:00:00Z", 0 },
		{ rt_rfc3339_time, "00:00:00z", 1 },
		{ rt_rfc3339_time, "00:00:00", 0 },
		{ rt_rfc3339_duration, "P1W", 1 },
		{ rt_rfc3339_duration, "PT1H1S", 0 },
		{ rt_rfc3339_duration, "P1DT", 0 },
		{ rt_rfc3339_duration, "P1YT1S", 1 },
		{ rt_rfc3339_duration, "PW", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ok(t[i].f(t[i].s, strlen(t[i].s)) == t[i].want,
		    "rfc3339 '%s' is %s", t[i].s, t[i].want ? "valid" : "invalid");
	ok(rt_rfc3339_date("2024-03-01\0", 11) == 0, "a NUL after a date");
}

/* Read a whole file; NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct rt_buf b = RT_BUF_INIT;
	size_t k;

	if (f == NULL)
		return NULL;
	do {
		rt_buf_reserve(&b, 65536);
		k = fread(b.p + b.len, 1, b.cap - b.len, f);
		b.len += k;
	} while (k > 0);
	fclose(f);
	*n = b.len;
	rt_buf_addc(&b, '\0');
	return b.p;
}

/* One JSON-Schema-Test-Suite format file: every string case through f. */
static void
suite_file(const char *dir, const char *name, int (*f)(const char *, size_t))
{
	char path[4096];
	struct rt_jdoc d;
	struct rt_buf s = RT_BUF_INIT, desc = RT_BUF_INIT;
	size_t len;
	char *p;
	uint32_t g, gi, ti, t;
	int nstr = 0, nother = 0, nbad = 0, nvalid = 0;

	snprintf(path, sizeof path, "%s/%s.json", dir, name);
	if ((p = slurp(path, &len)) == NULL) {
		skip("%s not found", path);
		return;
	}
	rt_jdoc_init(&d, 0);
	if (!ok(rt_jdoc_parse(&d, p, len) == 0 && d.v[0].type == RT_JARR,
	    "%s.json parses as an array", name))
		goto out;
	for (gi = 0; (g = rt_jdoc_index(&d, 0, gi)) != 0; gi++) {
		uint32_t tests = rt_jdoc_get(&d, g, "tests", 5);

		for (ti = 0; tests && (t = rt_jdoc_index(&d, tests, ti)); ti++) {
			uint32_t data = rt_jdoc_get(&d, t, "data", 4);
			uint32_t valid = rt_jdoc_get(&d, t, "valid", 5);
			uint32_t de = rt_jdoc_get(&d, t, "description", 11);
			int want, got;

			if (!data || !valid)
				continue;
			if (d.v[data].type != RT_JSTR) {
				nother++;	/* formats ignore non-strings */
				continue;
			}
			s.len = 0;
			rt_jdoc_str(&d, data, &s);
			want = d.v[valid].type == RT_JTRUE;
			got = f(s.p, s.len);
			nstr++;
			nvalid += want;
			if (got != want) {
				nbad++;
				desc.len = 0;
				if (de)
					rt_jdoc_str(&d, de, &desc);
				diag("%s: '%.*s' (%.*s): want %s", name,
				    (int)s.len, s.p, (int)desc.len,
				    desc.p ? desc.p : "", want ? "valid" :
				    "invalid");
			}
		}
	}
	diag("JSON-Schema-Test-Suite %s: %d string cases (%d valid, %d "
	    "invalid), %d agree, %d non-string cases not applicable", name,
	    nstr, nvalid, nstr - nvalid, nstr - nbad, nother);
	ok(nstr > 0 && nbad == 0, "format %s: all %d string cases agree",
	    name, nstr);
out:
	rt_jdoc_release(&d);
	rt_buf_release(&s);
	rt_buf_release(&desc);
	free(p);
}

static void
test_schema_suite(void)
{
	char dir[4096];

	snprintf(dir, sizeof dir, "%s/json-schema-test-suite/tests/"
	    "draft2020-12/optional/format", conformance_dir());
	if (access(dir, R_OK) != 0) {
		skip("JSON-Schema-Test-Suite formats not found at %s", dir);
		return;
	}
	suite_file(dir, "date-time", rt_rfc3339_datetime);
	suite_file(dir, "date", rt_rfc3339_date);
	suite_file(dir, "time", rt_rfc3339_time);
	suite_file(dir, "duration", rt_rfc3339_duration);
}

/* The shortcut for YYYY-MM-DDTHH:MM:SS[.f]Z against the general parser:
 * random dates (leap days, month ends, leap seconds, fractions of 0 to 9
 * digits) and the same with a byte changed, cut or added, in runs that
 * share a date (the shortcut keeps the last date). */
static void
test_iso_shortcut(void)
{
	unsigned r = 3, y = 2024, mo = 2, d = 29;
	int bad = 0, cases = 0, good = 0;

	for (int i = 0; i < 200000; i++) {
		char t[48];
		size_t n;
		int64_t a = 0, b = 0;
		const char *ea, *eb;
		unsigned h, mi, sec, fd;

		r = r * 1103515245u + 12345u;
		if ((r >> 28) % 2) {	/* a new date, or the last one */
			y = 1900 + (r >> 8) % 300;
			r = r * 1103515245u + 12345u;
			mo = (r >> 8) % 14;	/* 0 and 13 too */
			d = (r >> 12) % 33;
		}
		r = r * 1103515245u + 12345u;
		h = (r >> 8) % 26;
		mi = (r >> 13) % 62;
		sec = (r >> 19) % 62;
		fd = (r >> 25) % 11;
		n = (size_t)snprintf(t, sizeof t,
		    "%04u-%02u-%02uT%02u:%02u:%02u", y, mo, d, h, mi, sec);
		if (fd) {
			t[n++] = '.';
			for (unsigned k = 1; k < fd; k++) {
				r = r * 1103515245u + 12345u;
				t[n++] = (char)('0' + (r >> 16) % 10);
			}
		}
		t[n++] = 'Z';
		r = r * 1103515245u + 12345u;
		switch ((r >> 16) % 6) {
		case 0:
			t[(r >> 4) % n] = "0Z:-.Tx 9\x80"[(r >> 20) % 10];
			break;
		case 1:
			n = (r >> 4) % n;
			break;
		case 2:
			t[n++] = "Z0.+ "[(r >> 20) % 5];
			break;
		}
		cases++;
		ea = rt_time_parse_iso(t, n, NULL, &a);
		eb = rt_time_parse_iso_full(t, n, NULL, &b);
		if (ea == NULL)
			good++;
		if (ea != eb || (ea == NULL && a != b))
			bad++;
	}
	ok(bad == 0 && good > 20000, "ISO shortcut: %d date-times (%d valid) "
	    "read as the general parser reads them (%d differ)", cases, good,
	    bad);
}

int
main(void)
{
	rt_timeopt_init(&opt);
	test_iso();
	test_epoch();
	test_units();
	test_format();
	test_fixed_tz();
	test_named_tz();
	test_fmt();
	test_fmt_roundtrip();
	test_dur();
	test_dur_fmt();
	test_civil();
	test_rfc3339_own();
	test_iso_shortcut();
	test_schema_suite();
	rt_timeopt_release(&opt);
	return done_testing();
}
