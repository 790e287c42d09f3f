/*
 * format.h - the JSON Schema "format" checks that rt-validate asserts with
 * --formats: date-time, date, time, duration (RFC 3339, see rtime.h),
 * email, hostname, ipv4, ipv6, uri, uri-reference, uuid, regex,
 * json-pointer, relative-json-pointer.  rt-validate(1), "Formats".
 */
#ifndef RT_FORMAT_H
#define RT_FORMAT_H

#include <stddef.h>

enum rt_format {
	RT_FORMAT_NONE = 0,	/* unknown: an annotation only */
	RT_FORMAT_DATETIME, RT_FORMAT_DATE, RT_FORMAT_TIME, RT_FORMAT_DURATION,
	RT_FORMAT_EMAIL, RT_FORMAT_HOSTNAME, RT_FORMAT_IPV4, RT_FORMAT_IPV6,
	RT_FORMAT_URI, RT_FORMAT_URIREF, RT_FORMAT_UUID, RT_FORMAT_REGEX,
	RT_FORMAT_JSONPTR, RT_FORMAT_RELJSONPTR
};

/* The format named name[0, n), or RT_FORMAT_NONE when rtpipe does not
 * check it. */
enum rt_format rt_format_lookup(const char *name, size_t n);

/* Is the UTF-8 text s[0, n) valid for format f?  1 or 0 (always 1 for
 * RT_FORMAT_NONE). */
int rt_format_check(enum rt_format f, const char *s, size_t n);

/* The parts, for other callers. */
int rt_format_ipv4(const char *s, size_t n);
int rt_format_ipv6(const char *s, size_t n);
int rt_format_hostname(const char *s, size_t n);
int rt_format_email(const char *s, size_t n);
/* RFC 3986 URI (absolute: a scheme is required) or URI reference. */
int rt_format_uri(const char *s, size_t n, int absolute);

#endif
