/*
 * format.c - JSON Schema format checks (see format.h).  Plain ASCII
 * grammars from the RFCs each format names; nothing is looked up.
 */
#include "format.h"

#include <string.h>

#include "regex.h"
#include "rtime.h"

static const struct {
	const char *name;
	enum rt_format f;
} formats[] = {
	{ "date-time", RT_FORMAT_DATETIME }, { "date", RT_FORMAT_DATE },
	{ "time", RT_FORMAT_TIME }, { "duration", RT_FORMAT_DURATION },
	{ "email", RT_FORMAT_EMAIL }, { "hostname", RT_FORMAT_HOSTNAME },
	{ "ipv4", RT_FORMAT_IPV4 }, { "ipv6", RT_FORMAT_IPV6 },
	{ "uri", RT_FORMAT_URI }, { "uri-reference", RT_FORMAT_URIREF },
	{ "uuid", RT_FORMAT_UUID }, { "regex", RT_FORMAT_REGEX },
	{ "json-pointer", RT_FORMAT_JSONPTR },
	{ "relative-json-pointer", RT_FORMAT_RELJSONPTR },
};

enum rt_format
rt_format_lookup(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strlen(formats[i].name) == n &&
		    memcmp(formats[i].name, name, n) == 0)
			return formats[i].f;
	return RT_FORMAT_NONE;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hexdig(char c)
{
	return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int
alnum(char c)
{
	return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

int
rt_format_ipv4(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t start = i;
		unsigned v = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			start = ++i;
		}
		while (i < n && digit(s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return 0;
	}
	return i == n;
}

int
rt_format_ipv6(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0, gap = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 1;
		i = 2;
		if (i == n)
			return 1;
	} else if (n > 0 && s[0] == ':') {
		return 0;
	}
	for (;;) {
		size_t start = i;

		while (i < n && hexdig(s[i]) && i - start < 5)
			i++;
		if (i < n && s[i] == '.') {
			/* An IPv4 tail counts as two groups. */
			if (!rt_format_ipv4(s + start, n - start))
				return 0;
			groups += 2;
			break;
		}
		if (i == start || i - start > 4)
			return 0;
		groups++;
		if (i == n)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < n && s[i] == ':') {
			if (gap)
				return 0;
			gap = 1;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return 0;
		}
	}
	return gap ? groups < 8 : groups == 8;
}

int
rt_format_hostname(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > 253)
		return 0;
	while (i <= n) {
		size_t start = i;

		while (i < n && (alnum(s[i]) || s[i] == '-'))
			i++;
		if (i == start || i - start > 63 || s[start] == '-' ||
		    s[i - 1] == '-')
			return 0;
		/* "ab--" is reserved for A-labels ("xn--"). */
		if (i - start >= 4 && s[start + 2] == '-' && s[start + 3] == '-' &&
		    ((s[start] | 0x20) != 'x' || (s[start + 1] | 0x20) != 'n'))
			return 0;
		if (i == n)
			return 1;
		if (s[i] != '.')
			return 0;
		i++;
		if (i == n)
			return 0;
	}
	return 0;
}

static int
atext(char c)
{
	return alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int
rt_format_email(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++) {
			if (s[i] == '\\')
				i++;
			else if ((unsigned char)s[i] < 0x20)
				return 0;
		}
		if (i >= n)
			return 0;
		i++;
	} else {
		int dot = 1;

		for (; i < n && s[i] != '@'; i++) {
			if (s[i] == '.') {
				if (dot)
					return 0;
				dot = 1;
			} else if (atext(s[i])) {
				dot = 0;
			} else {
				return 0;
			}
		}
		if (i == 0 || dot)
			return 0;
	}
	if (i >= n || s[i] != '@')
		return 0;
	s += i + 1;
	n -= i + 1;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n > 7 && memcmp(s + 1, "IPv6:", 5) == 0)
			return rt_format_ipv6(s + 6, n - 7);
		return rt_format_ipv4(s + 1, n - 2);
	}
	return rt_format_hostname(s, n);
}

/* RFC 3986 character classes. */
static int
unreserved(char c)
{
	return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
subdelim(char c)
{
	return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* Characters of s[i, end) are pchar-like (extra allowed too); percent
 * escapes must be complete. */
static int
chars_ok(const char *s, size_t i, size_t end, const char *extra)
{
	for (; i < end; i++) {
		char c = s[i];

		if (c == '%') {
			if (end - i < 3)
				return 0;
			if (!hexdig(s[i + 1]) || !hexdig(s[i + 2]))
				return 0;
			i += 2;
		} else if (!unreserved(c) && !subdelim(c) &&
		    (c == '\0' || strchr(extra, c) == NULL)) {
			return 0;
		}
	}
	return 1;
}

static int
authority_ok(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i = 0, h;

	if (at) {
		if (!chars_ok(s, 0, (size_t)(at - s), ":"))
			return 0;
		i = (size_t)(at - s) + 1;
	}
	if (i < n && s[i] == '[') {
		const char *close = memchr(s + i, ']', n - i);

		if (close == NULL || !rt_format_ipv6(s + i + 1,
		    (size_t)(close - s - i - 1)))
			return 0;
		h = (size_t)(close - s) + 1;
	} else {
		h = i;
		while (h < n && s[h] != ':')
			h++;
		if (!chars_ok(s, i, h, ""))
			return 0;
	}
	if (h < n) {
		if (s[h] != ':')
			return 0;
		for (h++; h < n; h++)
			if (!digit(s[h]))
				return 0;
	}
	return 1;
}

int
rt_format_uri(const char *s, size_t n, int absolute)
{
	size_t i = 0, j;

	for (j = 0; j < n && s[j] != ':' && s[j] != '/' && s[j] != '?' &&
	    s[j] != '#'; j++)
		;
	if (j < n && s[j] == ':') {
		if (j == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
			return 0;
		for (i = 1; i < j; i++)
			if (!alnum(s[i]) && s[i] != '+' && s[i] != '-' &&
			    s[i] != '.')
				return 0;
		i = j + 1;
	} else if (absolute) {
		return 0;
	}
	if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		for (j = i; j < n && s[j] != '/' && s[j] != '?' && s[j] != '#'; j++)
			;
		if (!authority_ok(s + i, j - i))
			return 0;
		i = j;
	}
	for (j = i; j < n && s[j] != '#'; j++)
		;
	if (!chars_ok(s, i, j, ":@/?"))
		return 0;
	return j == n || chars_ok(s, j + 1, n, ":@/?");
}

static int
uuid_ok(const char *s, size_t n)
{
	size_t i;

	if (n != 36)
		return 0;
	for (i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!hexdig(s[i])) {
			return 0;
		}
	}
	return 1;
}

static int
jsonptr_ok(const char *s, size_t n)
{
	size_t i;

	if (n > 0 && s[0] != '/')
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' &&
		    s[i + 1] != '1')))
			return 0;
	return 1;
}

static int
reljsonptr_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && digit(s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return 0;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		size_t k = ++i;

		while (i < n && digit(s[i]))
			i++;
		if (i == k || (s[k] == '0' && i - k > 1) || (s[k] == '0' &&
		    s[k - 1] == '-'))
			return 0;
	}
	if (i < n && s[i] == '#')
		return i + 1 == n;
	return jsonptr_ok(s + i, n - i);
}

int
rt_format_check(enum rt_format f, const char *s, size_t n)
{
	switch (f) {
	case RT_FORMAT_DATETIME: return rt_rfc3339_datetime(s, n);
	case RT_FORMAT_DATE: return rt_rfc3339_date(s, n);
	case RT_FORMAT_TIME: return rt_rfc3339_time(s, n);
	case RT_FORMAT_DURATION: return rt_rfc3339_duration(s, n);
	case RT_FORMAT_EMAIL: return rt_format_email(s, n);
	case RT_FORMAT_HOSTNAME: return rt_format_hostname(s, n);
	case RT_FORMAT_IPV4: return rt_format_ipv4(s, n);
	case RT_FORMAT_IPV6: return rt_format_ipv6(s, n);
	case RT_FORMAT_URI: return rt_format_uri(s, n, 1);
	case RT_FORMAT_URIREF: return rt_format_uri(s, n, 0);
	case RT_FORMAT_UUID: return uuid_ok(s, n);
	case RT_FORMAT_REGEX: return rt_regex_valid(s, n);
	case RT_FORMAT_JSONPTR: return jsonptr_ok(s, n);
	case RT_FORMAT_RELJSONPTR: return reljsonptr_ok(s, n);
	default: return 1;
	}
}
