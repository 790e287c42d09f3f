/*
 * rtime.h - event time: timestamps and durations to and from text.
 * Inside rtpipe a time is an int64 count of microseconds since
 * 1970-01-01T00:00:00Z, never a float.  rtpipe(7), "Event time".
 */
#ifndef RT_RTIME_H
#define RT_RTIME_H

#include <stddef.h>
#include <stdint.h>

#define RT_US_PER_S	1000000LL
#define RT_TIME_NONE	INT64_MIN	/* "no time" marker for callers */

/* Unit of an epoch number. */
enum rt_tunit { RT_TU_S, RT_TU_MS, RT_TU_US, RT_TU_NS };

/* The zone given to times written without an offset. */
struct rt_tzone {
	int kind;		/* 0 UTC, 1 fixed offset, 2 named (tz database) */
	int offset;		/* kind 1: seconds east of UTC */
	char *name;		/* kind 2: owned copy of the zone name */
	int64_t cache_key[64];	/* kind 2: local quarter-hour -> offset */
	int cache_off[64];
};

/* How a tool reads a time field: --time-unit, --time-format, --tz. */
struct rt_timeopt {
	enum rt_tunit unit;	/* epoch numbers (default seconds) */
	const char *format;	/* strptime-like format, or NULL */
	struct rt_tzone tz;	/* for text without an offset (default UTC) */
	/* With check set, the first RT_TIME_CHECKN times read are checked
	 * for a plausible year (from 1990 to 2099): an epoch number outside
	 * it that another unit would have read inside sets odd, and
	 * odd_unit to that unit (an epoch in seconds read as milliseconds
	 * falls in 1970). */
	int check;
	unsigned nchecked;
	int odd, odd_unit;
};

#define RT_TIME_CHECKN 1000

/* Defaults: seconds, no format, UTC. */
void rt_timeopt_init(struct rt_timeopt *o);
void rt_timeopt_release(struct rt_timeopt *o);

/* "s", "ms", "us" (or "µs"), "ns".  0 or -1. */
int rt_tunit_parse(const char *s, enum rt_tunit *u);

/* A zone: "UTC", "Z", "+02:00", "-0530", or a tz database name such as
 * "Europe/Paris" (which must exist).  NULL on success, else a message.
 * Named zones set the process's TZ: one named zone per process. */
const char *rt_tz_parse(struct rt_tzone *z, const char *spec);
void rt_tz_release(struct rt_tzone *z);

/*
 * Read a time value.  text[0, n) is either an epoch number (when number is
 * set, or when the text is numeric) in unit o->unit, or a date-time:
 * RFC 3339 / ISO 8601 ("2024-03-01T12:00:00.5+01:00", "2024-03-01
 * 12:00:00", "20240301T120000Z", "2024-03-01"), or o->format when set.
 * Offset-less text is read in o->tz.  Fractions below a microsecond are
 * truncated.  Returns NULL and sets *us, or returns a short reason.
 */
const char *rt_time_read(const char *text, size_t n, int number,
    struct rt_timeopt *o, int64_t *us);

/* The parts of rt_time_read, for callers that know the form. */
const char *rt_time_parse_iso(const char *s, size_t n, struct rt_tzone *tz,
    int64_t *us);
/* The same without the shortcut for the common shape
 * (YYYY-MM-DDTHH:MM:SS[.fff]Z); the tests compare the two. */
const char *rt_time_parse_iso_full(const char *s, size_t n,
    struct rt_tzone *tz, int64_t *us);
const char *rt_time_parse_epoch(const char *s, size_t n, enum rt_tunit u,
    int64_t *us);
const char *rt_time_parse_fmt(const char *s, size_t n, const char *fmt,
    struct rt_tzone *tz, int64_t *us);
/* Check a --time-format before any record: NULL, or a message when a
 * directive is unknown (or a '%' ends the format). */
const char *rt_time_fmt_check(const char *fmt);

/* The wall clock (CLOCK_REALTIME) in microseconds since the epoch. */
int64_t rt_time_now_us(void);
/* Microseconds on the monotonic clock (only differences mean anything). */
int64_t rt_time_mono_us(void);

/* a / b rounded towards minus infinity (b > 0): the epoch-aligned period
 * or day that time a falls in. */
static inline int64_t
rt_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return a % b != 0 && a < 0 ? q - 1 : q;
}

/* Write us as RFC 3339 UTC with digits (0, 3, 6) fractional digits:
 * "2024-03-01T12:00:00.123Z".  Returns the length; out needs 40 bytes. */
size_t rt_time_fmt(int64_t us, int digits, char *out);

/* Strict RFC 3339 checks (JSON Schema formats "date-time", "date",
 * "time"), leap seconds included.  1 valid, 0 not. */
int rt_rfc3339_datetime(const char *s, size_t n);
int rt_rfc3339_date(const char *s, size_t n);
int rt_rfc3339_time(const char *s, size_t n);
/* RFC 3339 Appendix A "duration" (ISO 8601 "P1DT2H"). */
int rt_rfc3339_duration(const char *s, size_t n);

/* Durations: "250ms", "30s", "5m", "1h30m", "7d", "2w", "1.5s", "0";
 * units ns, us, ms, s, m, h, d, w.  NULL and *us, or a reason. */
const char *rt_dur_parse(const char *s, int64_t *us);
/* The shortest such text for us ("1h30m", "250ms"); out needs 48 bytes. */
size_t rt_dur_fmt(int64_t us, char *out);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t rt_days_from_civil(int64_t y, unsigned m, unsigned d);
void rt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
