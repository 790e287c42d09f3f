/*
 * fuzz_time.c - event time (lib/rtime.c) on any bytes, for every
 * --time-unit, every kind of --tz (UTC, fixed offsets, a named zone) and
 * --time-format.  The first byte picks the mode and the options:
 *   mode 0: each line of the rest is a time text: rt_time_read with every
 *     unit and zone, the ISO fast path against the full parser, epoch
 *     numbers against an exact decimal reference written here, the strict
 *     RFC 3339 checks against a reference (and what they accept the
 *     parser reads as timegm does), durations against a reference and
 *     back through rt_dur_fmt, a fixed --tz spec;
 *   mode 1: the rest is 8-byte times: rt_time_fmt and formats written
 *     here with strftime read back to the same time (parse(format(t)) ==
 *     t) in every zone, epoch text in every unit too;
 *   mode 2: the rest is a --time-format, a NUL, then lines read with it.
 * Always: no crash, no UB, results in range.
 */
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_time: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

#define US 1000000LL
#define DAY_US (86400 * US)

/* The zones: UTC, +05:30, -08:00 and a named one (one per process). */
static struct rt_tzone zones[4];
static int named;		/* zones[3] is Europe/Paris (else -01:00) */
/* Years 0 to 9999 with a day to spare, in microseconds. */
static int64_t lo_us, hi_us;
static regex_t dur_re;

static void
init(void)
{
	static const char *const spec[4] = { "UTC", "+05:30", "-0800",
	    "Europe/Paris" };
	int i;

	for (i = 0; i < 3; i++)
		CHECK(rt_tz_parse(&zones[i], spec[i]) == NULL);
	named = rt_tz_parse(&zones[3], spec[3]) == NULL;
	if (!named)
		CHECK(rt_tz_parse(&zones[3], "-01:00") == NULL);
	lo_us = (rt_days_from_civil(0, 1, 1) - 1) * DAY_US;
	hi_us = (rt_days_from_civil(10000, 1, 1) + 1) * DAY_US;
	/* RFC 3339 Appendix A. */
	CHECK(regcomp(&dur_re, "^P(("
	    "[0-9]+D|[0-9]+M([0-9]+D)?|[0-9]+Y([0-9]+M([0-9]+D)?)?)"
	    "(T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S))?"
	    "|T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S)"
	    "|[0-9]+W)$", REG_EXTENDED | REG_NOSUB) == 0);
}

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * An epoch number, exactly: [+-] digits [. digits] [eE [+-] digits], a
 * digit at least before the exponent, read in units of 10^-scale s and
 * cut toward zero to microseconds.  0 and *us, 1 out of range (beyond
 * INT64_MAX in magnitude), -1 not a number.
 */
static int
ref_epoch(const char *s, size_t n, int scale, int64_t *us)
{
	char sig[80];
	size_t i = 0, ns = 0, j, keep;
	long e10 = scale, exp = 0;
	int neg = 0, any = 0, eneg = 0;
	unsigned __int128 v = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && dig(s[i]); i++, any = 1)
		if (ns || s[i] != '0') {
			if (ns < sizeof sig)
				sig[ns++] = s[i];
			else
				e10++;
		}
	if (i < n && s[i] == '.')
		for (i++; i < n && dig(s[i]); i++, any = 1)
			if (ns < sizeof sig) {
				if (ns || s[i] != '0')
					sig[ns++] = s[i];
				e10--;
			}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i >= n || !dig(s[i]))
			return -1;
		for (; i < n && dig(s[i]); i++)
			if (exp < 1000000)
				exp = exp * 10 + (s[i] - '0');
	}
	if (!any || i != n)
		return -1;
	e10 += eneg ? -exp : exp;
	if (ns == 0) {
		*us = 0;
		return 0;
	}
	if (e10 >= 0 && (long)ns + e10 > 19)
		return 1;
	keep = e10 >= 0 ? ns : -e10 >= (long)ns ? 0 : ns - (size_t)-e10;
	if (keep > 19)
		return 1;	/* a first digit at 10^19 or above */
	for (j = 0; j < keep; j++)
		v = v * 10 + (unsigned)(sig[j] - '0');
	for (long k = 0; e10 > 0 && k < e10; k++)
		v *= 10;
	if (v > INT64_MAX)
		return 1;
	*us = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

/* n digits at s as a number, or -1. */
static long
num(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!dig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
mdays(long y, long m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 :
	    d[m - 1];
}

/*
 * RFC 3339 section 5.6 date-time, strictly: YYYY-MM-DD, T or t,
 * hh:mm:ss, optional . and digits, Z, z or +hh:mm/-hh:mm; fields in range,
 * :60 only at 23:59 UTC.  1 and the time (timegm) in *us, or 0.
 */
static int
ref_rfc3339(const char *s, size_t n, int64_t *us)
{
	long y, mo, d, h, mi, sec, oh = 0, om = 0, frac = 0, scale = 100000;
	size_t i = 19;
	int sign = 0;
	struct tm tm;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' &&
	    s[10] != 't') || s[13] != ':' || s[16] != ':')
		return 0;
	if ((y = num(s, 4)) < 0 || (mo = num(s + 5, 2)) < 1 || mo > 12 ||
	    (d = num(s + 8, 2)) < 1 || d > mdays(y, mo) ||
	    (h = num(s + 11, 2)) < 0 || h > 23 || (mi = num(s + 14, 2)) < 0 ||
	    mi > 59 || (sec = num(s + 17, 2)) < 0 || sec > 60)
		return 0;
	if (s[i] == '.') {
		if (++i >= n || !dig(s[i]))
			return 0;
		for (; i < n && dig(s[i]); i++, scale /= 10)
			frac += (s[i] - '0') * scale;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		sign = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':') {
		sign = s[i] == '-' ? -1 : 1;
		if ((oh = num(s + i + 1, 2)) < 0 || oh > 23 ||
		    (om = num(s + i + 4, 2)) < 0 || om > 59)
			return 0;
	} else {
		return 0;
	}
	if (sec == 60 && ((h * 60 + mi - sign * (oh * 60 + om)) % 1440 + 1440) %
	    1440 != 23 * 60 + 59)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	*us = ((int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60)) * US + frac;
	return 1;
}

/*
 * A duration: one or more <digits>[.<digits>]<unit> (ns us µs ms s m h d
 * w), digits after the 18th of a fraction ignored, each part cut toward
 * zero to microseconds (ns: the part's nanoseconds / 1000), the sum within
 * INT64_MAX.  0 and *us, 1 too long, -1 not a duration.
 */
static int
ref_dur(const char *s, int64_t *us)
{
	static const struct {
		const char *u;
		__int128 ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "\xC2\xB5s", 1000 },
	    { "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000LL },
	    { "h", 3600000000000LL }, { "d", 86400000000000LL },
	    { "w", 604800000000000LL } };
	__int128 total = 0;

	if (strcmp(s, "0") == 0) {
		*us = 0;
		return 0;
	}
	if (*s == '\0')
		return -1;
	while (*s) {
		__int128 ip = 0, fp = 0, fs = 1, part;
		size_t ul = 0, i;

		if (!dig(*s))
			return -1;
		for (; dig(*s); s++)
			if ((ip = ip * 10 + (*s - '0')) > INT64_MAX)
				return 1;
		if (*s == '.')
			for (s++; dig(*s); s++)
				if (fs < 1000000000000000000LL)
					fp = fp * 10 + (*s - '0'), fs *= 10;
		while ((s[ul] >= 'a' && s[ul] <= 'z') ||
		    (unsigned char)s[ul] >= 0x80)
			ul++;
		for (i = 0; i < sizeof units / sizeof units[0]; i++)
			if (strlen(units[i].u) == ul &&
			    memcmp(units[i].u, s, ul) == 0)
				break;
		if (ul == 0 || i == sizeof units / sizeof units[0])
			return -1;
		s += ul;
		part = (ip * units[i].ns + fp * units[i].ns / fs) / 1000;
		if (part > INT64_MAX || (total += part) > INT64_MAX)
			return 1;
	}
	*us = (int64_t)total;
	return 0;
}

/* ---- Mode 0: a line as a time text. ---- */

static const int scales[4] = { 6, 3, 0, -3 };

static void
check_epoch(const char *s, size_t n)
{
	for (int u = RT_TU_S; u <= RT_TU_NS; u++) {
		int64_t us = 0, want = 0;
		const char *err = rt_time_parse_epoch(s, n, (enum rt_tunit)u, &us);
		int r = ref_epoch(s, n, scales[u], &want);

		if (r == 0)
			CHECK(err == NULL && us == want);
		else if (r == 1)
			CHECK(err && strcmp(err, "time out of range") == 0);
		else
			CHECK(err && strcmp(err, "not a number") == 0);
	}
}

/* rt_time_read in every unit and zone, as text and as a JSON number; the
 * ISO fast path against the full parser. */
static void
check_read(const char *s, size_t n, unsigned o)
{
	for (int z = 0; z < 4; z++) {
		struct rt_timeopt opt;
		int64_t a = 0, b = 0;
		const char *ea, *eb;

		rt_timeopt_init(&opt);
		opt.tz = zones[z];
		opt.check = (int)(o >> 3 & 1);
		for (int u = RT_TU_S; u <= RT_TU_NS; u++) {
			opt.unit = (enum rt_tunit)u;
			for (int number = 0; number < 2; number++)
				if (rt_time_read(s, n, number, &opt, &a) == NULL)
					CHECK(a != RT_TIME_NONE);
		}
		if (opt.odd)
			CHECK(opt.odd_unit >= RT_TU_S && opt.odd_unit <= RT_TU_NS);
		ea = rt_time_parse_iso(s, n, &zones[z], &a);
		eb = rt_time_parse_iso_full(s, n, &zones[z], &b);
		CHECK((ea == NULL) == (eb == NULL));
		if (ea == NULL)
			CHECK(a == b && a >= lo_us && a <= hi_us);
	}
}

/* The strict RFC 3339 checks against the reference. */
static void
check_rfc3339(const char *s, size_t n)
{
	char t[96];
	int64_t want = 0, got = 0;
	int r = ref_rfc3339(s, n, &want), z;

	CHECK(rt_rfc3339_datetime(s, n) == r);
	if (r)
		for (z = 0; z < 4; z++)
			CHECK(rt_time_parse_iso(s, n, &zones[z], &got) == NULL &&
			    got == want);
	if (n + 11 < sizeof t) {
		memcpy(t, "1970-01-01T", 11);
		memcpy(t + 11, s, n);
		CHECK(rt_rfc3339_time(s, n) == ref_rfc3339(t, n + 11, &want));
	}
	if (n == 10 && n + 10 < sizeof t) {
		memcpy(t, s, n);
		memcpy(t + n, "T00:00:00Z", 10);
		r = ref_rfc3339(t, n + 10, &want);
		CHECK(rt_rfc3339_date(s, n) == r);
		if (r)
			CHECK(rt_time_parse_iso(s, n, &zones[0], &got) == NULL &&
			    got == want);
	} else {
		CHECK(!rt_rfc3339_date(s, n));
	}
}

/* Texts without a NUL: durations, the RFC 3339 duration, a --tz spec. */
static void
check_cstr(const char *s)
{
	int64_t us = -1, want = -1, back = -1;
	const char *err = rt_dur_parse(s, &us);
	int r = ref_dur(s, &want);
	struct rt_tzone z;
	char out[48];

	if (r == 0) {
		CHECK(err == NULL && us == want);
		if (us > 0) {
			CHECK(rt_dur_fmt(us, out) < sizeof out);
			CHECK(rt_dur_parse(out, &back) == NULL && back == us);
		}
	} else {
		CHECK(err != NULL && (r == 1) ==
		    (strcmp(err, "duration too long") == 0));
	}
	CHECK(rt_rfc3339_duration(s, strlen(s)) ==
	    (regexec(&dur_re, s, 0, NULL, 0) == 0));
	if (*s == '+' || *s == '-') {
		/* +hh, +hhmm, +hh:mm: a fixed offset, or refused. */
		size_t n = strlen(s);
		long h = n >= 3 ? num(s + 1, 2) : -1, m = 0;

		if (n == 6 && s[3] == ':')
			m = num(s + 4, 2);
		else if (n == 5)
			m = num(s + 3, 2);
		else if (n != 3)
			h = -1;
		err = rt_tz_parse(&z, s);
		if (h >= 0 && h <= 23 && m >= 0 && m <= 59)
			CHECK(err == NULL && z.kind == 1 && z.offset ==
			    (*s == '-' ? -1 : 1) * (int)(h * 3600 + m * 60));
		else
			CHECK(err != NULL);
		rt_tz_release(&z);
	}
}

static void
mode_text(const char *p, const char *end, unsigned o)
{
	char c[128];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		check_epoch(p, n);
		check_read(p, n, o);
		check_rfc3339(p, n);
		if (n < sizeof c && memchr(p, '\0', n) == NULL) {
			memcpy(c, p, n);
			c[n] = '\0';
			check_cstr(c);
		}
		p += n + 1;
	}
}

/* ---- Mode 1: times written and read back. ---- */

static const char *const mon[12] = { "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December" };
static const char *const wday[7] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

/*
 * Write fmt for the wall-clock time tm (with frac microseconds, offset
 * off seconds east, and for %s the time t) into out, by hand (gmtime's
 * fields, not the library's calendar).  Returns 0, or -1 when the time
 * cannot be written so (a %y year outside 1969-2068).
 */
static int
put_fmt(char *out, size_t cap, const char *fmt, const struct tm *tm,
    long frac, int off, int64_t t)
{
	size_t n = 0;
	long y = tm->tm_year + 1900L;
	int h12 = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;

#define PUT(...) n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__)
	for (; *fmt && n < cap - 40; fmt++) {
		if (*fmt != '%') {
			out[n++] = *fmt;
			continue;
		}
		switch (*++fmt) {
		case 'Y': PUT("%04ld", y); break;
		case 'y':
			if (y < 1969 || y > 2068)
				return -1;
			PUT("%02ld", y % 100);
			break;
		case 'm': PUT("%02d", tm->tm_mon + 1); break;
		case 'd': PUT("%02d", tm->tm_mday); break;
		case 'e': PUT("%2d", tm->tm_mday); break;
		case 'j': PUT("%03d", tm->tm_yday + 1); break;
		case 'H': PUT("%02d", tm->tm_hour); break;
		case 'I': PUT("%02d", h12); break;
		case 'p': PUT("%s", tm->tm_hour < 12 ? "AM" : "PM"); break;
		case 'M': PUT("%02d", tm->tm_min); break;
		case 'S': PUT("%02d", tm->tm_sec); break;
		case 'f': PUT("%06ld", frac); break;
		case 'b': case 'h': PUT("%.3s", mon[tm->tm_mon]); break;
		case 'B': PUT("%s", mon[tm->tm_mon]); break;
		case 'a': PUT("%.3s", wday[tm->tm_wday]); break;
		case 'A': PUT("%s", wday[tm->tm_wday]); break;
		case 'z':
			PUT("%c%02d%02d", off < 0 ? '-' : '+', abs(off) / 3600,
			    abs(off) / 60 % 60);
			break;
		case 'Z': PUT("UTC"); break;
		case 'T': PUT("%02d:%02d:%02d", tm->tm_hour, tm->tm_min,
		    tm->tm_sec); break;
		case 'F': PUT("%04ld-%02d-%02d", y, tm->tm_mon + 1,
		    tm->tm_mday); break;
		case 's':
			PUT("%s%lld", t < 0 ? "-" : "", (long long)(t < 0 ?
			    -(t / US) : t / US));
			break;
		case '%': out[n++] = '%'; break;
		}
	}
#undef PUT
	out[n] = '\0';
	return 0;
}

static const char *const fmts[] = { "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f%z", "%d/%m/%Y %I:%M:%S %p", "%s.%f", "%s",
    "%Y %j %H:%M:%S.%f", "%b %e %Y %T", "%a, %d %b %Y %H:%M:%S %z",
    "%F %T.%f", "%y%m%d%H%M%S", "%A %B %d %Y %H:%M:%S %Z",
    "%Y%m%d%H%M%S%%", "%e-%h-%Y %I%p" };
#define NFMTS (sizeof fmts / sizeof fmts[0])

/* Format k for time t (in range) read back in zone z; the offset for %z
 * is off.  Exact for UTC and fixed zones; in the named zone, the time
 * read shows the same wall clock again (a hour that repeats may be read
 * as either). */
static void
fmt_back(unsigned k, int z, int64_t t, int off)
{
	const char *f = fmts[k];
	int explicit = strstr(f, "%z") != NULL, utc = strstr(f, "%Z") != NULL;
	int epoch = strstr(f, "%s") != NULL, hasfrac = strstr(f, "%f") != NULL;
	int wall = !explicit && !utc && !epoch;
	int hasmin = strstr(f, "%M") || strstr(f, "%T");
	int64_t secs, want, got = 0;
	long frac = (long)(t - floordiv(t, US) * US);
	struct tm tm, back;
	time_t tt;
	char text[160];
	const char *err;

	if (!explicit)
		off = utc || epoch ? 0 : z < 3 || !named ? zones[z].offset : 0;
	secs = floordiv(t, US);
	tt = (time_t)(secs + off);
	if (wall && z == 3 && named) {
		tt = (time_t)secs;
		CHECK(localtime_r(&tt, &tm) != NULL);
	} else {
		CHECK(gmtime_r(&tt, &tm) != NULL);
	}
	if (!hasmin)	/* "%I%p": the hour alone */
		tm.tm_min = tm.tm_sec = 0, frac = 0;
	if (epoch)
		frac = (long)((t < 0 ? -t : t) % US);
	if (put_fmt(text, sizeof text, f, &tm, frac, off, t) < 0)
		return;
	CHECK(rt_time_fmt_check(f) == NULL);
	if ((err = rt_time_parse_fmt(text, strlen(text), f, &zones[z],
	    &got)) != NULL) {
		fprintf(stderr, "fuzz_time: '%s' as '%s' in zone %d: %s\n",
		    text, f, z, err);
		abort();
	}
	if (epoch) {
		want = hasfrac ? t : t / US * US;
	} else if (wall && z == 3 && named) {
		tt = (time_t)floordiv(got, US);
		CHECK(localtime_r(&tt, &back) != NULL);
		CHECK(back.tm_year == tm.tm_year && back.tm_yday == tm.tm_yday &&
		    back.tm_hour == tm.tm_hour && back.tm_min == tm.tm_min &&
		    back.tm_sec == tm.tm_sec);
		CHECK(got - floordiv(got, US) * US == (hasfrac ? frac : 0));
		return;
	} else {
		want = (hasmin ? secs : floordiv(secs + off, 3600) * 3600 - off) *
		    US + (hasfrac ? frac : 0);
	}
	if (got != want) {
		fprintf(stderr, "fuzz_time: '%s' as '%s' in zone %d: %lld, "
		    "not %lld\n", text, f, z, (long long)got, (long long)want);
		abort();
	}
}

static void
mode_times(const uint8_t *p, const uint8_t *end, unsigned o)
{
	for (; end - p >= 8; p += 8) {
		uint64_t raw;
		int64_t t, got = 0;
		char out[48];
		int d, z;

		memcpy(&raw, p, 8);
		t = (int64_t)raw;
		/* rt_time_fmt for any time; years 0-9999 read back. */
		for (d = 0; d <= 6; d += 3) {
			int64_t q = d == 0 ? US : d == 3 ? 1000 : 1;
			size_t n = rt_time_fmt(t, d, out);

			CHECK(n < 40 && strlen(out) == n);
			if (t >= lo_us + DAY_US && t < hi_us - DAY_US)
				CHECK(rt_time_parse_iso(out, n, &zones[o >> 3 & 3],
				    &got) == NULL && got == floordiv(t, q) * q);
		}
		/* Into years 0-9999: epoch text and the formats. */
		t = lo_us + 2 * DAY_US + (int64_t)(raw % (uint64_t)(hi_us -
		    lo_us - 4 * DAY_US));
		for (d = RT_TU_S; d <= RT_TU_NS; d++) {
			uint64_t a = (uint64_t)(t < 0 ? -t : t);

			if (d == RT_TU_S)
				snprintf(out, sizeof out, "%s%llu.%06llu", t < 0 ? "-" :
				    "", (unsigned long long)(a / US),
				    (unsigned long long)(a % US));
			else if (d == RT_TU_MS)
				snprintf(out, sizeof out, "%s%llu.%03llu", t < 0 ? "-" :
				    "", (unsigned long long)(a / 1000),
				    (unsigned long long)(a % 1000));
			else if (d == RT_TU_US)
				snprintf(out, sizeof out, "%lld", (long long)t);
			else
				snprintf(out, sizeof out, "%s%llu%03u", t < 0 ? "-" :
				    "", (unsigned long long)a, (unsigned)(raw % 1000));
			CHECK(rt_time_parse_epoch(out, strlen(out), (enum rt_tunit)d,
			    &got) == NULL && got == t);
		}
		for (z = 0; z < 4; z++)
			fmt_back((unsigned)((raw >> 40) % NFMTS), z, t,
			    (int)((int64_t)(raw >> 48 & 0xFFF) % 2879 - 1439) * 60);
	}
}

/* ---- Mode 2: a --time-format of the input. ---- */

static void
mode_format(const char *p, const char *end, unsigned o)
{
	char fmt[65];
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	size_t fl = (size_t)((nul ? nul : end) - p);
	int checked, epoch;

	if (fl >= sizeof fmt)
		return;
	memcpy(fmt, p, fl);
	fmt[fl] = '\0';
	checked = rt_time_fmt_check(fmt) == NULL;
	epoch = strstr(fmt, "%s") != NULL;
	for (p += fl + 1; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		for (int z = 0; z < 4; z++) {
			struct rt_timeopt opt;
			int64_t us = 0;
			const char *err = rt_time_parse_fmt(p, n, fmt, &zones[z],
			    &us);

			if (checked)
				CHECK(err == NULL || strcmp(err,
				    "bad --time-format directive") != 0);
			if (err == NULL && checked)
				CHECK(us != RT_TIME_NONE && (epoch ||
				    (us >= lo_us && us <= hi_us)));
			rt_timeopt_init(&opt);
			opt.format = fmt;
			opt.tz = zones[z];
			opt.unit = (enum rt_tunit)(o >> 3 & 3);
			if (checked)
				(void)rt_time_read(p, n, (int)(o >> 5 & 1), &opt,
				    &us);
		}
		p += n + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *p = (const char *)data + 1, *end = (const char *)data + size;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1 || size > 20000)
		return 0;
	switch (data[0] % 3) {
	case 0: mode_text(p, end, data[0]); break;
	case 1: mode_times(data + 1, data + size, data[0]); break;
	case 2: mode_format(p, end, data[0]); break;
	}
	return 0;
}
