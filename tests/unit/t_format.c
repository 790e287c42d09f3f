/*
 * t_format.c - the JSON Schema "format" checks (lib/format.c): the names
 * rt_format_lookup knows, then a table of texts for each format with the
 * verdict the RFC's grammar gives (boundaries, empty text, NUL bytes and
 * other bytes no grammar allows); then every dotted quad of random
 * numbers against a reference reading of RFC 2673's dotted-decimal.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "tap.h"

static void
test_lookup(void)
{
	static const struct {
		const char *name;
		enum rt_format f;
	} t[] = {
		{ "date-time", RT_FORMAT_DATETIME }, { "date", RT_FORMAT_DATE },
		{ "time", RT_FORMAT_TIME }, { "duration", RT_FORMAT_DURATION },
		{ "email", RT_FORMAT_EMAIL },
		{ "hostname", RT_FORMAT_HOSTNAME },
		{ "ipv4", RT_FORMAT_IPV4 }, { "ipv6", RT_FORMAT_IPV6 },
		{ "uri", RT_FORMAT_URI }, { "uri-reference", RT_FORMAT_URIREF },
		{ "uuid", RT_FORMAT_UUID }, { "regex", RT_FORMAT_REGEX },
		{ "json-pointer", RT_FORMAT_JSONPTR },
		{ "relative-json-pointer", RT_FORMAT_RELJSONPTR },
		{ "", RT_FORMAT_NONE }, { "Date", RT_FORMAT_NONE },
		{ "dat", RT_FORMAT_NONE }, { "date-", RT_FORMAT_NONE },
		{ "idn-email", RT_FORMAT_NONE }, { "iri", RT_FORMAT_NONE },
		{ "uri-template", RT_FORMAT_NONE },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (rt_format_lookup(t[i].name, strlen(t[i].name)) != t[i].f) {
			diag("lookup '%s'", t[i].name);
			bad++;
		}
	ok(bad == 0, "lookup: the 14 names, nothing else");
	ok(rt_format_lookup("date\0", 5) == RT_FORMAT_NONE &&
	    rt_format_lookup("uri-reference", 3) == RT_FORMAT_URI,
	    "lookup goes by the length given");
}

struct fcase {
	enum rt_format f;
	const char *s;
	int len;		/* -1: strlen */
	int want;
};

#define L(s) (int)(sizeof s - 1)	/* the length of a literal with NULs */

static const struct fcase cases[] = {
	/* ipv4 */
	{ RT_FORMAT_IPV4, "0.0.0.0", -1, 1 },
	{ RT_FORMAT_IPV4, "192.168.1.255", -1, 1 },
	{ RT_FORMAT_IPV4, "255.255.255.255", -1, 1 },
	{ RT_FORMAT_IPV4, "256.0.0.1", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3.4.5", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3.4.", -1, 0 },
	{ RT_FORMAT_IPV4, ".1.2.3", -1, 0 },
	{ RT_FORMAT_IPV4, "01.2.3.4", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3.04", -1, 0 },
	{ RT_FORMAT_IPV4, "1234.1.1.1", -1, 0 },
	{ RT_FORMAT_IPV4, "1..2.3", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3.x", -1, 0 },
	{ RT_FORMAT_IPV4, "", -1, 0 },
	{ RT_FORMAT_IPV4, " 1.2.3.4", -1, 0 },
	{ RT_FORMAT_IPV4, "1.2.3.4\0", L("1.2.3.4\0"), 0 },
	{ RT_FORMAT_IPV4, "1.2.3.4", 5, 0 },
	{ RT_FORMAT_IPV4, "\xd9\xa3.1.2.3", -1, 0 },	/* Arabic-Indic 3 */
	/* ipv6 */
	{ RT_FORMAT_IPV6, "::", -1, 1 },
	{ RT_FORMAT_IPV6, "::1", -1, 1 },
	{ RT_FORMAT_IPV6, "1::", -1, 1 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:7:8", -1, 1 },
	{ RT_FORMAT_IPV6, "FFFF:ffff:0:0:0:0:0:abcd", -1, 1 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:7::", -1, 1 },
	{ RT_FORMAT_IPV6, "1::8", -1, 1 },
	{ RT_FORMAT_IPV6, "::ffff:192.0.2.1", -1, 1 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:1.2.3.4", -1, 1 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:7:1.2.3.4", -1, 0 },
	{ RT_FORMAT_IPV6, "1.2.3.4", -1, 0 },
	{ RT_FORMAT_IPV6, "::1.2.3", -1, 0 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:7", -1, 0 },
	{ RT_FORMAT_IPV6, "1:2:3:4:5:6:7:8:9", -1, 0 },
	{ RT_FORMAT_IPV6, "1::2:3:4:5:6:7:8", -1, 0 },
	{ RT_FORMAT_IPV6, "1::2::3", -1, 0 },
	{ RT_FORMAT_IPV6, ":::", -1, 0 },
	{ RT_FORMAT_IPV6, ":1", -1, 0 },
	{ RT_FORMAT_IPV6, "1:", -1, 0 },
	{ RT_FORMAT_IPV6, "12345::", -1, 0 },
	{ RT_FORMAT_IPV6, "g::", -1, 0 },
	{ RT_FORMAT_IPV6, "fe80::1%eth0", -1, 0 },
	{ RT_FORMAT_IPV6, "", -1, 0 },
	{ RT_FORMAT_IPV6, "::1\0", L("::1\0"), 0 },
	/* hostname */
	{ RT_FORMAT_HOSTNAME, "a", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "www.example.com", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "a-b.c-d", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "xn--bcher-kva.example", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "XN--bcher-kva", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "a--b", -1, 1 },
	{ RT_FORMAT_HOSTNAME, "ab--c", -1, 0 },	/* reserved, not xn-- */
	{ RT_FORMAT_HOSTNAME, "-a", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a-", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a.-b", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a..b", -1, 0 },
	{ RT_FORMAT_HOSTNAME, ".a", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a.", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a_b", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a b", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "", -1, 0 },
	{ RT_FORMAT_HOSTNAME, "a\0b", L("a\0b"), 0 },
	{ RT_FORMAT_HOSTNAME, "b\xc3\xbc" "cher", -1, 0 },
	/* 63 and 64 bytes in a label */
	{ RT_FORMAT_HOSTNAME,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaa.b", -1, 1 },
	{ RT_FORMAT_HOSTNAME,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaa.b", -1, 0 },
	/* email */
	{ RT_FORMAT_EMAIL, "joe.bloggs@example.com", -1, 1 },
	{ RT_FORMAT_EMAIL, "a@b", -1, 1 },
	{ RT_FORMAT_EMAIL, "te~st+x=y@example.com", -1, 1 },
	{ RT_FORMAT_EMAIL, "\"joe bloggs\"@example.com", -1, 1 },
	{ RT_FORMAT_EMAIL, "\"a\\\"b\"@example.com", -1, 1 },
	{ RT_FORMAT_EMAIL, "joe@[127.0.0.1]", -1, 1 },
	{ RT_FORMAT_EMAIL, "joe@[IPv6:::1]", -1, 1 },
	{ RT_FORMAT_EMAIL, "joe@[IPv6:1.2.3.4]", -1, 0 },
	{ RT_FORMAT_EMAIL, "joe@[256.0.0.1]", -1, 0 },
	{ RT_FORMAT_EMAIL, "joe@[]", -1, 0 },
	{ RT_FORMAT_EMAIL, ".joe@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "joe.@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "jo..e@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "joe@", -1, 0 },
	{ RT_FORMAT_EMAIL, "joe", -1, 0 },
	{ RT_FORMAT_EMAIL, "a@b@c", -1, 0 },
	{ RT_FORMAT_EMAIL, "jo e@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "\"joe\"x@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "\"joe@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "\"\\\"@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "\"a\tb\"@example.com", -1, 0 },
	{ RT_FORMAT_EMAIL, "a\0@b.c", L("a\0@b.c"), 0 },
	{ RT_FORMAT_EMAIL, "a@b.c\0", L("a@b.c\0"), 0 },
	{ RT_FORMAT_EMAIL, "", -1, 0 },
	/* uri: a scheme is required */
	{ RT_FORMAT_URI, "http://example.com/path?q=1#frag", -1, 1 },
	{ RT_FORMAT_URI, "urn:isbn:0451450523", -1, 1 },
	{ RT_FORMAT_URI, "mailto:joe@example.com", -1, 1 },
	{ RT_FORMAT_URI, "http:", -1, 1 },
	{ RT_FORMAT_URI, "a+b-c.d:x", -1, 1 },
	{ RT_FORMAT_URI, "http://user:pw@host:8080/", -1, 1 },
	{ RT_FORMAT_URI, "http://[::1]:80/", -1, 1 },
	{ RT_FORMAT_URI, "http://host:/", -1, 1 },
	{ RT_FORMAT_URI, "http://h/%41%7e", -1, 1 },
	{ RT_FORMAT_URI, "http://h/?a=b&c=d;e", -1, 1 },
	{ RT_FORMAT_URI, "//example.com", -1, 0 },
	{ RT_FORMAT_URI, "/path", -1, 0 },
	{ RT_FORMAT_URI, "", -1, 0 },
	{ RT_FORMAT_URI, ":x", -1, 0 },
	{ RT_FORMAT_URI, "1http://x", -1, 0 },
	{ RT_FORMAT_URI, "ht_tp://x", -1, 0 },
	{ RT_FORMAT_URI, "http://a b/", -1, 0 },
	{ RT_FORMAT_URI, "http://h/a b", -1, 0 },
	{ RT_FORMAT_URI, "http://h/%4", -1, 0 },
	{ RT_FORMAT_URI, "http://h/%zz", -1, 0 },
	{ RT_FORMAT_URI, "http://h/#a#b", -1, 0 },
	{ RT_FORMAT_URI, "http://h:8a/", -1, 0 },
	{ RT_FORMAT_URI, "http://[::1/", -1, 0 },
	{ RT_FORMAT_URI, "http://[::1]x/", -1, 0 },
	{ RT_FORMAT_URI, "http://[1.2.3.4]/", -1, 0 },
	{ RT_FORMAT_URI, "http://a@b@c/", -1, 0 },
	{ RT_FORMAT_URI, "http://h/\\", -1, 0 },
	{ RT_FORMAT_URI, "http://h/\xc3\xa9", -1, 0 },
	{ RT_FORMAT_URI, "http://h/<>", -1, 0 },
	/* NUL is in no URI grammar: not in a path, a host, a fragment */
	{ RT_FORMAT_URI, "http://a/b\0c", L("http://a/b\0c"), 0 },
	{ RT_FORMAT_URI, "http://a\0b/", L("http://a\0b/"), 0 },
	{ RT_FORMAT_URI, "http://u\0@a/", L("http://u\0@a/"), 0 },
	{ RT_FORMAT_URI, "http://a/#\0", L("http://a/#\0"), 0 },
	{ RT_FORMAT_URI, "x:\0", L("x:\0"), 0 },
	/* uri-reference */
	{ RT_FORMAT_URIREF, "", -1, 1 },
	{ RT_FORMAT_URIREF, "#", -1, 1 },
	{ RT_FORMAT_URIREF, "#/definitions/a", -1, 1 },
	{ RT_FORMAT_URIREF, "//example.com/a", -1, 1 },
	{ RT_FORMAT_URIREF, "../a/b?x", -1, 1 },
	{ RT_FORMAT_URIREF, "a:b", -1, 1 },
	{ RT_FORMAT_URIREF, "1a:b", -1, 0 },
	{ RT_FORMAT_URIREF, "\\\\WINDOWS\\share", -1, 0 },
	{ RT_FORMAT_URIREF, "#a#", -1, 0 },
	{ RT_FORMAT_URIREF, "a\0", L("a\0"), 0 },
	/* uuid */
	{ RT_FORMAT_UUID, "2eb8aa08-aa98-11ea-b4aa-73b441d16380", -1, 1 },
	{ RT_FORMAT_UUID, "2EB8AA08-AA98-11EA-B4AA-73B441D16380", -1, 1 },
	{ RT_FORMAT_UUID, "00000000-0000-0000-0000-000000000000", -1, 1 },
	{ RT_FORMAT_UUID, "2eb8aa08-aa98-11ea-b4aa-73b441d1638", -1, 0 },
	{ RT_FORMAT_UUID, "2eb8aa08-aa98-11ea-b4aa-73b441d163800", -1, 0 },
	{ RT_FORMAT_UUID, "2eb8aa08aa9811eab4aa73b441d16380", -1, 0 },
	{ RT_FORMAT_UUID, "2eb8aa08-aa98-11ea-b4aa_73b441d16380", -1, 0 },
	{ RT_FORMAT_UUID, "2eb8aa0g-aa98-11ea-b4aa-73b441d16380", -1, 0 },
	{ RT_FORMAT_UUID, "2eb8aa0-8aa98-11ea-b4aa-73b441d16380", -1, 0 },
	{ RT_FORMAT_UUID, "", -1, 0 },
	/* json-pointer */
	{ RT_FORMAT_JSONPTR, "", -1, 1 },
	{ RT_FORMAT_JSONPTR, "/", -1, 1 },
	{ RT_FORMAT_JSONPTR, "/a~0b/c~1d/0", -1, 1 },
	{ RT_FORMAT_JSONPTR, "//", -1, 1 },
	{ RT_FORMAT_JSONPTR, "a", -1, 0 },
	{ RT_FORMAT_JSONPTR, "/a~", -1, 0 },
	{ RT_FORMAT_JSONPTR, "/a~2", -1, 0 },
	{ RT_FORMAT_JSONPTR, "#/a", -1, 0 },
	/* relative-json-pointer */
	{ RT_FORMAT_RELJSONPTR, "0", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "1/a/b", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "0#", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "10", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "0+1/a", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "2-3", -1, 1 },
	{ RT_FORMAT_RELJSONPTR, "", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "01", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "/a", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "-1", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "0#/a", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "0##", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "0+", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "0-0", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "0+01", -1, 0 },
	{ RT_FORMAT_RELJSONPTR, "1a", -1, 0 },
	/* the RFC 3339 ones, through rt_format_check */
	{ RT_FORMAT_DATETIME, "2024-03-01T12:00:00Z", -1, 1 },
	{ RT_FORMAT_DATETIME, "2024-03-01t12:00:00.5+01:00", -1, 1 },
	{ RT_FORMAT_DATETIME, "2024-03-01", -1, 0 },
	{ RT_FORMAT_DATETIME, "2024-02-30T12:00:00Z", -1, 0 },
	{ RT_FORMAT_DATE, "2024-02-29", -1, 1 },
	{ RT_FORMAT_DATE, "2023-02-29", -1, 0 },
	{ RT_FORMAT_DATE, "2024-03-01T00:00:00Z", -1, 0 },
	{ RT_FORMAT_TIME, "12:00:00Z", -1, 1 },
	{ RT_FORMAT_TIME, "12:00:00", -1, 0 },
	{ RT_FORMAT_DURATION, "P1D", -1, 1 },
	{ RT_FORMAT_DURATION, "PT1H30M", -1, 1 },
	{ RT_FORMAT_DURATION, "P", -1, 0 },
	{ RT_FORMAT_DURATION, "PT", -1, 0 },
	{ RT_FORMAT_DURATION, "1D", -1, 0 },
	/* regex */
	{ RT_FORMAT_REGEX, "^a+[0-9]{2}$", -1, 1 },
	{ RT_FORMAT_REGEX, "", -1, 1 },
	{ RT_FORMAT_REGEX, "(", -1, 0 },
	{ RT_FORMAT_REGEX, "[a", -1, 0 },
	/* unknown formats assert nothing */
	{ RT_FORMAT_NONE, "", -1, 1 },
	{ RT_FORMAT_NONE, "\0\xff", L("\0\xff"), 1 },
};

static void
test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct fcase *c = &cases[i];
		size_t n = c->len < 0 ? strlen(c->s) : (size_t)c->len;
		char shown[80];
		size_t k, at = 0;

		/* The text with its NULs and high bytes made visible. */
		for (k = 0; k < n && at + 5 < sizeof shown; k++)
			at += (size_t)snprintf(shown + at, sizeof shown - at,
			    (unsigned char)c->s[k] < 0x20 ||
			    (unsigned char)c->s[k] > 0x7e ? "\\x%02x" : "%c",
			    (unsigned char)c->s[k]);
		shown[at] = '\0';
		ok(rt_format_check(c->f, c->s, n) == c->want,
		    "format %d: '%s' is %s", (int)c->f, shown,
		    c->want ? "valid" : "not valid");
	}
}

/* The parts are the same checks as rt_format_check's. */
static void
test_parts(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct fcase *c = &cases[i];
		size_t n = c->len < 0 ? strlen(c->s) : (size_t)c->len;
		int got;

		switch (c->f) {
		case RT_FORMAT_IPV4: got = rt_format_ipv4(c->s, n); break;
		case RT_FORMAT_IPV6: got = rt_format_ipv6(c->s, n); break;
		case RT_FORMAT_HOSTNAME: got = rt_format_hostname(c->s, n);
			break;
		case RT_FORMAT_EMAIL: got = rt_format_email(c->s, n); break;
		case RT_FORMAT_URI: got = rt_format_uri(c->s, n, 1); break;
		case RT_FORMAT_URIREF: got = rt_format_uri(c->s, n, 0); break;
		default: continue;
		}
		if (got != c->want)
			bad++;
	}
	ok(bad == 0, "rt_format_ipv4 ... rt_format_uri agree with the table");
}

/* Dotted quads of random numbers (0 to 999, some written with a
 * leading zero, some with a part missing or extra) against a reading of
 * the grammar: four decimal numbers 0-255 without leading zeros. */
static int
ref_ipv4(const int *part, const int *zero, int nparts)
{
	if (nparts != 4)
		return 0;
	for (int i = 0; i < 4; i++)
		if (part[i] > 255 || zero[i])
			return 0;
	return 1;
}

static void
test_ipv4_random(void)
{
	uint64_t seed = 0x1234567;
	int bad = 0, valid = 0;

	for (int i = 0; i < 5000; i++) {
		int part[5], zero[5];
		int nparts = 3 + (int)(tap_xorshift(&seed) % 3);
		char s[40];
		size_t n = 0;

		for (int k = 0; k < nparts; k++) {
			uint64_t r = tap_xorshift(&seed);

			part[k] = (int)(r % 4 ? r % 256 : r % 1000);
			zero[k] = r % 17 == 0;
			n += (size_t)snprintf(s + n, sizeof s - n, "%s%s%d",
			    k ? "." : "", zero[k] ? "0" : "", part[k]);
		}
		if (rt_format_ipv4(s, n) != ref_ipv4(part, zero, nparts)) {
			diag("'%s'", s);
			bad++;
		}
		valid += ref_ipv4(part, zero, nparts);
	}
	ok(bad == 0, "5000 random dotted quads (%d valid) read as the "
	    "grammar says", valid);
}

int
main(void)
{
	test_lookup();
	test_cases();
	test_parts();
	test_ipv4_random();
	return done_testing();
}
