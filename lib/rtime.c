/*
 * rtime.c - timestamps and durations (see rtime.h, rtpipe(7) "Event time").
 */
#include "rtime.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

#define US_PER_DAY (86400LL * RT_US_PER_S)

void
rt_timeopt_init(struct rt_timeopt *o)
{
	memset(o, 0, sizeof *o);
	o->unit = RT_TU_S;
}

void
rt_timeopt_release(struct rt_timeopt *o)
{
	rt_tz_release(&o->tz);
}

int
rt_tunit_parse(const char *s, enum rt_tunit *u)
{
	if (strcmp(s, "s") == 0)
		*u = RT_TU_S;
	else if (strcmp(s, "ms") == 0)
		*u = RT_TU_MS;
	else if (strcmp(s, "us") == 0 || strcmp(s, "\xC2\xB5s") == 0)
		*u = RT_TU_US;
	else if (strcmp(s, "ns") == 0)
		*u = RT_TU_NS;
	else
		return -1;
	return 0;
}

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, counting years
 * from March so that the leap day ends the year; 400-year eras repeat.
 */
int64_t
rt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
rt_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Broken-down time as parsed, before the zone is applied. */
struct tparts {
	int64_t year;
	unsigned mon, day, hour, min, sec;
	int64_t frac_us;	/* 0 .. 999999 */
	int has_off;		/* an offset or Z was given */
	int off;		/* seconds east of UTC */
};

static const char *
parts_check(const struct tparts *t)
{
	if (t->mon < 1 || t->mon > 12)
		return "month out of range";
	if (t->day < 1 || t->day > days_in_month(t->year, t->mon))
		return "day out of range";
	if (t->hour > 23)
		return "hour out of range";
	if (t->min > 59)
		return "minute out of range";
	if (t->sec > 60)
		return "second out of range";
	return NULL;
}

/* Seconds since the epoch of the wall-clock time in t, as if UTC. */
static int64_t
parts_local_seconds(const struct tparts *t)
{
	int64_t days = rt_days_from_civil(t->year, t->mon, t->day);

	/* A leap second (:60) is read as the first instant of the next
	 * minute, as POSIX time does. */
	return days * 86400 + (int64_t)t->hour * 3600 + (int64_t)t->min * 60 +
	    t->sec;
}

/* Offset of the named zone at a local time (seconds, as if UTC). */
static int
tz_named_offset(struct rt_tzone *z, int64_t local)
{
	int64_t key = local >= 0 ? local / 900 : (local - 899) / 900;
	unsigned slot = (unsigned)(key & 63);
	struct tm tm;
	int64_t y;
	unsigned m, d;
	int64_t days = key * 900 >= 0 ? key * 900 / 86400 :
	    (key * 900 - 86399) / 86400;
	int64_t sod = key * 900 - days * 86400;
	time_t utc;

	if (z->cache_key[slot] == key && z->cache_key[slot] != INT64_MIN)
		return z->cache_off[slot];
	rt_civil_from_days(days, &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)(sod / 3600);
	tm.tm_min = (int)(sod % 3600 / 60);
	tm.tm_isdst = -1;
	utc = mktime(&tm);
	z->cache_key[slot] = key;
	z->cache_off[slot] = utc == (time_t)-1 ? 0 : (int)(key * 900 - utc);
	return z->cache_off[slot];
}

static const char *
parts_to_us(const struct tparts *t, struct rt_tzone *tz, int64_t *us)
{
	const char *err = parts_check(t);
	int64_t s;

	if (err)
		return err;
	s = parts_local_seconds(t);
	if (t->has_off)
		s -= t->off;
	else if (tz && tz->kind == 1)
		s -= tz->offset;
	else if (tz && tz->kind == 2)
		s -= tz_named_offset(tz, s);
	*us = s * RT_US_PER_S + t->frac_us;
	return NULL;
}

/* Exactly n ASCII digits at *p, advancing it; -1 if not. */
static int64_t
digits(const char **p, const char *end, int n)
{
	const char *s = *p;
	int64_t v = 0;
	int i;

	if (end - s < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*p = s + n;
	return v;
}

/* A fraction after '.' or ',': 1 or more digits, kept to microseconds. */
static int
fraction(const char **p, const char *end, int64_t *us)
{
	const char *s = *p;
	int64_t v = 0;
	int k = 0;

	while (s < end && *s >= '0' && *s <= '9') {
		if (k < 6) {
			v = v * 10 + (*s - '0');
			k++;
		}
		s++;
	}
	if (s == *p)
		return -1;
	while (k++ < 6)
		v *= 10;
	*us = v;
	*p = s;
	return 0;
}

/* Zone designator: Z, z, +hh:mm, +hhmm, +hh (colon only in strict form). */
static int
zone(const char **p, const char *end, int strict, int *off)
{
	const char *s = *p;
	int64_t h, m = 0;
	int sign;

	if (s < end && (*s == 'Z' || *s == 'z')) {
		*off = 0;
		*p = s + 1;
		return 0;
	}
	if (s >= end || (*s != '+' && *s != '-'))
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if ((h = digits(&s, end, 2)) < 0)
		return -1;
	if (s < end && *s == ':') {
		s++;
		if ((m = digits(&s, end, 2)) < 0)
			return -1;
	} else if (strict || (end - s >= 2 && (m = digits(&s, end, 2)) < 0)) {
		return -1;	/* RFC 3339 wants the colon */
	}
	if (m < 0)
		m = 0;
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (int)(h * 3600 + m * 60);
	*p = s;
	return 0;
}

/* Two digits at s as a number, or -1. */
static inline int
two(const char *s)
{
	unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');

	return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

/*
 * The shape nearly every feed has, YYYY-MM-DDTHH:MM:SS[.f...]Z, read
 * without the general parser, the date's day number kept from the last
 * call.  1 with *us set, or 0: let the general parser decide (and word
 * any error).
 */
static int
iso_utc(const char *s, size_t n, int64_t *us)
{
	static _Thread_local struct {
		char text[10];
		int64_t days;
	} memo = { "", 0 };
	int y1, y2, mo, d, h, mi, sec;
	int64_t days, frac = 0;
	size_t i, k = 0;

	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[n - 1] != 'Z')
		return 0;
	if (n > 20) {
		if (s[19] != '.' || n == 21)
			return 0;
		for (i = 20; i < n - 1; i++) {
			unsigned c = (unsigned)(s[i] - '0');

			if (c > 9)
				return 0;
			if (k < 6) {
				frac = frac * 10 + c;
				k++;
			}
		}
		while (k++ < 6)
			frac *= 10;
	}
	if ((h = two(s + 11)) < 0 || (mi = two(s + 14)) < 0 ||
	    (sec = two(s + 17)) < 0 || h > 23 || mi > 59 || sec > 60)
		return 0;
	if (memcmp(s, memo.text, 10) == 0) {
		days = memo.days;
	} else {
		if ((y1 = two(s)) < 0 || (y2 = two(s + 2)) < 0 ||
		    (mo = two(s + 5)) < 0 || (d = two(s + 8)) < 0 ||
		    mo < 1 || mo > 12 || d < 1 ||
		    (unsigned)d > days_in_month(y1 * 100 + y2, (unsigned)mo))
			return 0;
		days = rt_days_from_civil(y1 * 100 + y2, (unsigned)mo,
		    (unsigned)d);
		memcpy(memo.text, s, 10);
		memo.days = days;
	}
	*us = (days * 86400 + h * 3600 + mi * 60 + sec) * RT_US_PER_S + frac;
	return 1;
}

const char *
rt_time_parse_iso(const char *s, size_t n, struct rt_tzone *tz, int64_t *us)
{
	if (iso_utc(s, n, us))
		return NULL;
	return rt_time_parse_iso_full(s, n, tz, us);
}

const char *
rt_time_parse_iso_full(const char *s, size_t n, struct rt_tzone *tz,
    int64_t *us)
{
	const char *p = s, *end = s + n;
	struct tparts t;
	int basic;
	int64_t v;

	memset(&t, 0, sizeof t);
	if ((t.year = digits(&p, end, 4)) < 0)
		return "not a date-time";
	basic = !(p < end && *p == '-');
	p += !basic;
	if ((v = digits(&p, end, 2)) < 0)
		return "not a date-time";
	t.mon = (unsigned)v;
	if (!basic && (p >= end || *p++ != '-'))
		return "not a date-time";
	if ((v = digits(&p, end, 2)) < 0)
		return "not a date-time";
	t.day = (unsigned)v;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if ((v = digits(&p, end, 2)) < 0)
			return "not a date-time";
		t.hour = (unsigned)v;
		if (!basic && (p >= end || *p++ != ':'))
			return "not a date-time";
		if ((v = digits(&p, end, 2)) < 0)
			return "not a date-time";
		t.min = (unsigned)v;
		if (p < end && (basic ? (*p >= '0' && *p <= '9') : *p == ':')) {
			p += !basic;
			if ((v = digits(&p, end, 2)) < 0)
				return "not a date-time";
			t.sec = (unsigned)v;
			if (p < end && (*p == '.' || *p == ',')) {
				p++;
				if (fraction(&p, end, &t.frac_us) < 0)
					return "not a date-time";
			}
		}
		if (p < end && *p == ' ' && end - p > 1 &&
		    (p[1] == '+' || p[1] == '-' || p[1] == 'Z'))
			p++;	/* "2024-03-01 12:00:00 +0100" */
		if (p < end) {
			if (zone(&p, end, 0, &t.off) < 0)
				return "bad time zone offset";
			t.has_off = 1;
		}
	}
	if (p != end)
		return "not a date-time";
	return parts_to_us(&t, tz, us);
}

/* Multiply a non-negative v by 10^k with an overflow check. */
static int
mul_pow10(int64_t *v, int k)
{
	while (k-- > 0) {
		if (*v > INT64_MAX / 10)
			return -1;
		*v *= 10;
	}
	return 0;
}

const char *
rt_time_parse_epoch(const char *s, size_t n, enum rt_tunit u, int64_t *us)
{
	static const int scale[] = { 6, 3, 0, -3 };	/* to microseconds */
	const char *p = s, *end = s + n;
	int neg = 0, k = scale[u], exp = 0, any = 0;
	int64_t ip = 0, fp = 0;
	int fdig = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
		if (ip > (INT64_MAX - 9) / 10)
			return "time out of range";
		ip = ip * 10 + (*p - '0');
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, any = 1) {
			if (fdig < 18) {
				fp = fp * 10 + (*p - '0');
				fdig++;
			}
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end)
			return "not a number";
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 100)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	if (!any || p != end)
		return "not a number";
	/* value = (ip + fp / 10^fdig) * 10^k microseconds, truncated toward
	 * zero; with k < 0 the fraction cannot change the integer part. */
	k += exp;
	if (k >= 0) {
		int64_t f = fp;

		if (mul_pow10(&ip, k) < 0)
			return "time out of range";
		if (fdig <= k) {
			if (mul_pow10(&f, k - fdig) < 0)
				return "time out of range";
		} else {
			int i;

			for (i = 0; i < fdig - k; i++)
				f /= 10;
		}
		if (ip > INT64_MAX - f)
			return "time out of range";
		ip += f;
	} else {
		int i;

		for (i = 0; i < -k && ip != 0; i++)
			ip /= 10;
	}
	*us = neg ? -ip : ip;
	return NULL;
}

/* Case-insensitive English month name at *p (3 letters, or the full name
 * when full).  1..12 or 0. */
static unsigned
month_name(const char **p, const char *end)
{
	static const char *names[12] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	unsigned i;

	for (i = 0; i < 12; i++) {
		size_t full = strlen(names[i]);

		if ((size_t)(end - *p) >= full &&
		    strncasecmp(*p, names[i], full) == 0) {
			*p += full;
			return i + 1;
		}
		if (end - *p >= 3 && strncasecmp(*p, names[i], 3) == 0) {
			*p += 3;
			return i + 1;
		}
	}
	return 0;
}

static int
day_name(const char **p, const char *end)
{
	static const char *names[7] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday" };
	unsigned i;

	for (i = 0; i < 7; i++) {
		size_t full = strlen(names[i]);

		if ((size_t)(end - *p) >= full &&
		    strncasecmp(*p, names[i], full) == 0) {
			*p += full;
			return 0;
		}
		if (end - *p >= 3 && strncasecmp(*p, names[i], 3) == 0) {
			*p += 3;
			return 0;
		}
	}
	return -1;
}

/* 1 to max digits at *p. */
static int64_t
upto_digits(const char **p, const char *end, int max)
{
	const char *s = *p;
	int64_t v = 0;
	int k = 0;

	while (s < end && k < max && *s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		k++;
	}
	if (k == 0)
		return -1;
	*p = s;
	return v;
}

/* The directives rt_time_parse_fmt reads (keep the two in step). */
static const char fmt_directives[] = "YymdejHIMSfpbhBaAzZsTF%";

const char *
rt_time_fmt_check(const char *fmt)
{
	for (; *fmt; fmt++)
		if (*fmt == '%' && (*++fmt == '\0' ||
		    strchr(fmt_directives, *fmt) == NULL))
			return "unknown directive";
	return NULL;
}

/* What a --time-format has read so far. */
struct fstate {
	struct tparts t;
	unsigned yday, pm, twelve, has_yday;	/* pm: 2 = no %p */
	int64_t epoch;		/* %s, or INT64_MIN */
	int epoch_neg;
};

#define FMT_BAD INT64_MIN	/* an unknown directive */

static const char *fmt_read(struct fstate *f, const char **pp,
    const char *end, const char *fmt);

/* A numeric directive: its value, or -1 when the text has none. */
static int64_t
fmt_number(struct fstate *f, char c, const char **p, const char *end)
{
	unsigned *field;
	int64_t v;

	switch (c) {
	case 'Y':
		if (*p < end && (**p == '-' || **p == '+'))
			return -1;
		return f->t.year = upto_digits(p, end, 4);
	case 'y':
		v = upto_digits(p, end, 2);
		f->t.year = v < 0 ? v : v + (v < 69 ? 2000 : 1900);
		return v;
	case 'f':
		return fraction(p, end, &f->t.frac_us);
	case 'j':
		f->has_yday = 1;
		v = upto_digits(p, end, 3);
		f->yday = (unsigned)v;
		return v;
	case 'e':
		if (*p < end && **p == ' ')
			(*p)++;
		/* FALLTHROUGH */
	case 'd': field = &f->t.day; break;
	case 'm': field = &f->t.mon; break;
	case 'I':
		f->twelve = 1;
		/* FALLTHROUGH */
	case 'H': field = &f->t.hour; break;
	case 'M': field = &f->t.min; break;
	case 'S': field = &f->t.sec; break;
	default:
		return FMT_BAD;
	}
	v = upto_digits(p, end, 2);
	*field = (unsigned)v;
	return v;
}

/* %s: seconds since the epoch, with a sign. */
static int64_t
fmt_epoch(struct fstate *f, const char **p, const char *end)
{
	const char *q = *p;

	if (q < end && *q == '-')
		q++, f->epoch_neg = 1;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (rt_time_parse_epoch(*p, (size_t)(q - *p), RT_TU_S,
	    &f->epoch) != NULL)
		return -1;
	*p = q;
	return 0;
}

/* Any directive: 0 or a value when it matched, -1 when not, FMT_BAD. */
static int64_t
fmt_directive(struct fstate *f, char c, const char **p, const char *end)
{
	size_t left = (size_t)(end - *p);
	int64_t v = -1;

	switch (c) {
	case 'p':
		if (left >= 2 && (strncasecmp(*p, "am", 2) == 0 ||
		    strncasecmp(*p, "pm", 2) == 0))
			f->pm = (**p | 0x20) == 'p', *p += 2, v = 0;
		return v;
	case 'b': case 'h': case 'B':
		f->t.mon = month_name(p, end);
		return f->t.mon ? 0 : -1;
	case 'a': case 'A':
		return day_name(p, end);
	case 'z':
		v = zone(p, end, 0, &f->t.off);
		f->t.has_off = v == 0;
		return v;
	case 'Z':
		if (left >= 3 && (strncmp(*p, "UTC", 3) == 0 ||
		    strncmp(*p, "GMT", 3) == 0))
			*p += 3, v = 0;
		else if (left >= 1 && **p == 'Z')
			(*p)++, v = 0;
		f->t.has_off = v == 0;
		f->t.off = 0;
		return v;
	case 's':
		return fmt_epoch(f, p, end);
	case 'T':
		return fmt_read(f, p, end, "%H:%M:%S") ? -1 : 0;
	case 'F':
		return fmt_read(f, p, end, "%Y-%m-%d") ? -1 : 0;
	case '%':
		if (left >= 1 && **p == '%')
			(*p)++, v = 0;
		return v;
	}
	return fmt_number(f, c, p, end);
}

/* Read the text at *pp as fmt says; NULL, or why not. */
static const char *
fmt_read(struct fstate *f, const char **pp, const char *end, const char *fmt)
{
	const char *p = *pp;
	int64_t v;

	for (; *fmt; fmt++) {
		if (*fmt == ' ') {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (*fmt != '%') {
			if (p >= end || *p != *fmt)
				return "does not match --time-format";
			p++;
			continue;
		}
		v = fmt_directive(f, *++fmt, &p, end);
		if (v == FMT_BAD)
			return "bad --time-format directive";
		if (v < 0)
			return "does not match --time-format";
	}
	*pp = p;
	return NULL;
}

const char *
rt_time_parse_fmt(const char *s, size_t n, const char *fmt,
    struct rt_tzone *tz, int64_t *us)
{
	const char *p = s, *end = s + n, *err;
	struct fstate f;

	memset(&f, 0, sizeof f);
	f.t.year = 1970;
	f.t.mon = 1;
	f.t.day = 1;
	f.pm = 2;
	f.epoch = INT64_MIN;
	if ((err = fmt_read(&f, &p, end, fmt)) != NULL)
		return err;
	if (p != end)
		return "does not match --time-format";
	if (f.epoch != INT64_MIN) {
		/* "-1.5" is -1 s and then half a second more, back in time. */
		*us = f.epoch_neg ? f.epoch - f.t.frac_us : f.epoch + f.t.frac_us;
		return NULL;
	}
	if (f.twelve) {
		if (f.t.hour < 1 || f.t.hour > 12 || f.pm == 2)
			return "hour out of range";
		f.t.hour = f.t.hour % 12 + (f.pm ? 12 : 0);
	}
	if (f.has_yday) {
		int64_t d0 = rt_days_from_civil(f.t.year, 1, 1);
		int64_t yy;

		if (f.yday < 1 || f.yday > (is_leap(f.t.year) ? 366u : 365u))
			return "day out of range";
		rt_civil_from_days(d0 + f.yday - 1, &yy, &f.t.mon, &f.t.day);
	}
	return parts_to_us(&f.t, tz, us);
}

/* Is the text a plain decimal number ("-12", "1.5", "1.7e9")?  Such
 * strings are epoch times; "20240301" is one too, not a basic-format date. */
static int
numeric(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
	if (d == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n)
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/* 1990-01-01 and 2100-01-01, in microseconds. */
#define PLAUSIBLE_LO 631152000000000LL
#define PLAUSIBLE_HI 4102444800000000LL

static int
plausible(int64_t us)
{
	return us >= PLAUSIBLE_LO && us < PLAUSIBLE_HI;
}

/* One of the first times read: is its year plausible?  For an epoch
 * number, which unit would have made it so? */
static void
check_time(struct rt_timeopt *o, const char *text, size_t n, int epoch,
    int64_t us)
{
	int64_t t;

	o->nchecked++;
	if (!epoch || plausible(us) || o->odd)
		return;
	for (int u = RT_TU_S; u <= RT_TU_NS; u++)
		if (rt_time_parse_epoch(text, n, (enum rt_tunit)u, &t) == NULL &&
		    plausible(t)) {
			o->odd = 1;
			o->odd_unit = u;
			break;
		}
}

const char *
rt_time_read(const char *text, size_t n, int number, struct rt_timeopt *o,
    int64_t *us)
{
	const char *err;
	int epoch = number || (o->format == NULL && numeric(text, n));

	if (epoch)
		err = rt_time_parse_epoch(text, n, o->unit, us);
	else if (o->format)
		err = rt_time_parse_fmt(text, n, o->format, &o->tz, us);
	else
		err = rt_time_parse_iso(text, n, &o->tz, us);
	if (err == NULL && o->check && o->nchecked < RT_TIME_CHECKN)
		check_time(o, text, n, epoch, *us);
	return err;
}

/* Write v as exactly n decimal digits. */
static char *
put_digits(char *p, int64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* The date part of the last time formatted (per thread). */
static _Thread_local struct {
	int64_t days;
	size_t n;
	char text[24];
} date_memo;

size_t
rt_time_fmt(int64_t us, int digits_, char *out)
{
	int64_t days, sod, y, frac;
	unsigned m, d;
	char *p = out;

	/* Floor division: times before 1970 count back from midnight.
	 * (Neither -us nor days * US_PER_DAY: both overflow near
	 * INT64_MIN.) */
	days = us / US_PER_DAY;
	sod = us % US_PER_DAY;
	if (sod < 0) {
		sod += US_PER_DAY;
		days--;
	}
	frac = sod % RT_US_PER_S;
	sod /= RT_US_PER_S;
	if (days == date_memo.days && date_memo.n) {
		/* A stream's times mostly share their day. */
		memcpy(p, date_memo.text, date_memo.n);
		p += date_memo.n;
	} else {
		rt_civil_from_days(days, &y, &m, &d);
		if (y < 0 || y > 9999) {
			/* Outside RFC 3339's years: still readable, with a
			 * sign. */
			p += snprintf(p, 16, "%+06lld", (long long)y);
		} else {
			p = put_digits(p, y, 4);
		}
		*p++ = '-';
		p = put_digits(p, m, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		date_memo.days = days;
		date_memo.n = (size_t)(p - out);
		memcpy(date_memo.text, out, date_memo.n);
	}
	*p++ = 'T';
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod % 3600 / 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	if (digits_ == 3) {
		*p++ = '.';
		p = put_digits(p, frac / 1000, 3);
	} else if (digits_ == 6) {
		*p++ = '.';
		p = put_digits(p, frac, 6);
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - out);
}

/* Strict RFC 3339 pieces. */
static int
strict_date(const char **p, const char *end, struct tparts *t)
{
	int64_t v;

	if ((t->year = digits(p, end, 4)) < 0 || *p >= end || *(*p)++ != '-')
		return -1;
	if ((v = digits(p, end, 2)) < 0 || *p >= end || *(*p)++ != '-')
		return -1;
	t->mon = (unsigned)v;
	if ((v = digits(p, end, 2)) < 0)
		return -1;
	t->day = (unsigned)v;
	if (t->mon < 1 || t->mon > 12 || t->day < 1 ||
	    t->day > days_in_month(t->year, t->mon))
		return -1;
	return 0;
}

static int
strict_time(const char **p, const char *end, struct tparts *t)
{
	int64_t h, m, s, utcmin;

	if ((h = digits(p, end, 2)) < 0 || *p >= end || *(*p)++ != ':')
		return -1;
	if ((m = digits(p, end, 2)) < 0 || *p >= end || *(*p)++ != ':')
		return -1;
	if ((s = digits(p, end, 2)) < 0)
		return -1;
	if (*p < end && **p == '.') {
		(*p)++;
		if (fraction(p, end, &t->frac_us) < 0)
			return -1;
	}
	if (zone(p, end, 1, &t->off) < 0)
		return -1;
	if (h > 23 || m > 59 || s > 60)
		return -1;
	if (s == 60) {
		/* A leap second happens at 23:59:60 UTC only. */
		utcmin = ((h * 60 + m - t->off / 60) % 1440 + 1440) % 1440;
		if (utcmin != 23 * 60 + 59)
			return -1;
	}
	t->hour = (unsigned)h;
	t->min = (unsigned)m;
	t->sec = (unsigned)s;
	return 0;
}

int
rt_rfc3339_date(const char *s, size_t n)
{
	struct tparts t;
	const char *p = s;

	memset(&t, 0, sizeof t);
	return strict_date(&p, s + n, &t) == 0 && p == s + n;
}

int
rt_rfc3339_time(const char *s, size_t n)
{
	struct tparts t;
	const char *p = s;

	memset(&t, 0, sizeof t);
	return strict_time(&p, s + n, &t) == 0 && p == s + n;
}

int
rt_rfc3339_datetime(const char *s, size_t n)
{
	struct tparts t;
	const char *p = s, *end = s + n;

	memset(&t, 0, sizeof t);
	if (strict_date(&p, end, &t) < 0 || p >= end ||
	    (*p != 'T' && *p != 't'))
		return 0;
	p++;
	return strict_time(&p, end, &t) == 0 && p == end;
}

/* One "<digits><unit>" element of an RFC 3339 duration; returns the unit
 * letter, or 0. */
static char
dur_elem(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (s == *p || s >= end)
		return 0;
	*p = s + 1;
	return *s;
}

int
rt_rfc3339_duration(const char *s, size_t n)
{
	static const char dunits[] = "YMD", tunits[] = "HMS";
	const char *p = s, *end = s + n;
	int di = 0, ti = 0, last = -1, any = 0;

	if (p >= end || *p++ != 'P')
		return 0;
	if (end - p >= 2 && p[end - p - 1] == 'W') {
		const char *q = p;

		return dur_elem(&q, end) == 'W' && q == end;
	}
	/* dur-date: Y [M [D]] | M [D] | D: consecutive units only. */
	while (p < end && *p != 'T') {
		char u = dur_elem(&p, end);
		const char *at = u ? strchr(dunits, u) : NULL;

		if (at == NULL || (last >= 0 && at - dunits != last + 1) ||
		    at - dunits < di)
			return 0;
		last = (int)(at - dunits);
		di = last + 1;
		any = 1;
	}
	if (p < end) {		/* 'T' dur-time: H [M [S]] | M [S] | S */
		p++;
		last = -1;
		if (p == end)
			return 0;
		while (p < end) {
			char u = dur_elem(&p, end);
			const char *at = u ? strchr(tunits, u) : NULL;

			if (at == NULL || (last >= 0 && at - tunits != last + 1) ||
			    at - tunits < ti)
				return 0;
			last = (int)(at - tunits);
			ti = last + 1;
		}
		any = 1;
	}
	return any;
}

const char *
rt_dur_parse(const char *s, int64_t *us)
{
	static const struct {
		const char *name;
		int64_t us;
		int div;	/* nanoseconds: 1000 per microsecond */
	} units[] = {
		{ "ns", 1, 1000 }, { "us", 1, 1 }, { "\xC2\xB5s", 1, 1 },
		{ "ms", 1000, 1 }, { "s", RT_US_PER_S, 1 },
		{ "m", 60 * RT_US_PER_S, 1 }, { "h", 3600 * RT_US_PER_S, 1 },
		{ "d", US_PER_DAY, 1 }, { "w", 7 * US_PER_DAY, 1 },
	};
	int64_t total = 0;
	const char *p = s;

	if (*p == '\0')
		return "empty duration";
	if (strcmp(p, "0") == 0) {
		*us = 0;
		return NULL;
	}
	while (*p) {
		int64_t ip = 0, fp = 0, fscale = 1, part, frac;
		const char *u;
		size_t ul, i, best = 0, bestlen = 0;

		if (*p < '0' || *p > '9')
			return "bad duration";
		for (; *p >= '0' && *p <= '9'; p++) {
			if (ip > INT64_MAX / 10 - 1)
				return "duration too long";
			ip = ip * 10 + (*p - '0');
		}
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++)
				if (fscale < 1000000000LL) {
					fp = fp * 10 + (*p - '0');
					fscale *= 10;
				}
		}
		u = p;
		while ((*p >= 'a' && *p <= 'z') || (unsigned char)*p >= 0x80)
			p++;
		ul = (size_t)(p - u);
		if (ul == 0)
			return "duration needs a unit (ms, s, m, h, d)";
		for (i = 0; i < sizeof units / sizeof units[0]; i++)
			if (strlen(units[i].name) == ul &&
			    memcmp(units[i].name, u, ul) == 0) {
				best = i;
				bestlen = ul;
			}
		if (bestlen == 0)
			return "unknown duration unit";
		/* The fraction's share, fp * us / fscale, without the
		 * product (it overflows for "1.123456789d"): fp < fscale
		 * <= 1e9, so fp * (us % fscale) fits. */
		frac = fp * (units[best].us / fscale) +
		    fp * (units[best].us % fscale) / fscale;
		if (ip > (INT64_MAX - frac) / units[best].us)
			return "duration too long";
		part = (ip * units[best].us + frac) / units[best].div;
		if (total > INT64_MAX - part)
			return "duration too long";
		total += part;
	}
	*us = total;
	return NULL;
}

size_t
rt_dur_fmt(int64_t us, char *out)
{
	static const struct {
		const char *name;
		int64_t us;
	} units[] = {
		{ "d", US_PER_DAY }, { "h", 3600 * RT_US_PER_S },
		{ "m", 60 * RT_US_PER_S }, { "s", RT_US_PER_S },
		{ "ms", 1000 }, { "us", 1 },
	};
	size_t len = 0, i;

	if (us <= 0) {
		out[0] = '0';
		out[1] = '\0';
		return 1;
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (us >= units[i].us) {
			len += (size_t)snprintf(out + len, 48 - len, "%lld%s",
			    (long long)(us / units[i].us), units[i].name);
			us %= units[i].us;
		}
	}
	return len;
}

const char *
rt_tz_parse(struct rt_tzone *z, const char *spec)
{
	const char *p = spec;
	char path[4096];
	const char *dir = getenv("TZDIR");
	int off;
	unsigned i;

	memset(z, 0, sizeof *z);
	if (strcmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0 ||
	    strcmp(spec, "GMT") == 0 || strcmp(spec, "Etc/UTC") == 0)
		return NULL;
	if ((*p == '+' || *p == '-') && zone(&p, spec + strlen(spec), 0,
	    &off) == 0 && *p == '\0') {
		z->kind = 1;
		z->offset = off;
		return NULL;
	}
	if (spec[0] == '\0' || spec[0] == '/' || strstr(spec, ".."))
		return "unknown time zone";
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/usr/share/zoneinfo",
	    spec);
	if (access(path, R_OK) != 0)
		return "unknown time zone";
	z->kind = 2;
	z->name = rt_xstrdup(spec);
	for (i = 0; i < 64; i++)
		z->cache_key[i] = INT64_MIN;
	setenv("TZ", spec, 1);
	tzset();
	return NULL;
}

void
rt_tz_release(struct rt_tzone *z)
{
	free(z->name);
	z->name = NULL;
}

int64_t
rt_time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * RT_US_PER_S + ts.tv_nsec / 1000;
}

int64_t
rt_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * RT_US_PER_S + ts.tv_nsec / 1000;
}
