/*
 * t_uri.c - URI references (lib/uri.c): splitting into parts, absent
 * and empty told apart; resolution against a base with the examples of
 * RFC 3986 section 5.4 (normal and abnormal) and the shapes schema $id
 * and $ref take; the fragment cut; percent-decoding, malformed escapes
 * kept.  Then random paths of ".", ".." and names against the RFC's
 * remove_dot_segments written out step by step (section 5.2.4).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "uri.h"
#include "tap.h"

/* A part as "[text]", or "-" when absent. */
static size_t
part(char *out, size_t cap, const char *p, size_t n)
{
	if (p == NULL)
		return (size_t)snprintf(out, cap, "-");
	return (size_t)snprintf(out, cap, "[%.*s]", (int)n, p);
}

static void
test_split(void)
{
	static const struct {
		const char *s;
		const char *want;	/* scheme auth path query frag */
	} t[] = {
		{ "http://u@h:1/p/q?x=y#f", "[http] [u@h:1] [/p/q] [x=y] [f]" },
		{ "", "- - [] - -" },
		{ "?", "- - [] [] -" },
		{ "#", "- - [] - []" },
		{ "?#", "- - [] [] []" },
		{ "a:", "[a] - [] - -" },
		{ "a:b:c", "[a] - [b:c] - -" },
		{ "1a:b", "- - [1a:b] - -" },
		{ ":x", "- - [:x] - -" },
		{ "a+b.c-d:x", "[a+b.c-d] - [x] - -" },
		{ "a_b:x", "- - [a_b:x] - -" },
		{ "//", "- [] [] - -" },
		{ "//h", "- [h] [] - -" },
		{ "//h?q", "- [h] [] [q] -" },
		{ "/a//b", "- - [/a//b] - -" },
		{ "urn:isbn:1#x#y", "[urn] - [isbn:1] - [x#y]" },
		{ "g?y#s?t", "- - [g] [y] [s?t]" },
		{ "http:g", "[http] - [g] - -" },
		{ "file:///etc/x", "[file] [] [/etc/x] - -" },
	};
	struct rt_uri u;
	char got[200];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t at = 0;

		memset(&u, 0x55, sizeof u);
		rt_uri_split(t[i].s, strlen(t[i].s), &u);
		at += part(got + at, sizeof got - at, u.scheme, u.nscheme);
		got[at++] = ' ';
		at += part(got + at, sizeof got - at, u.auth, u.nauth);
		got[at++] = ' ';
		at += part(got + at, sizeof got - at, u.path, u.npath);
		got[at++] = ' ';
		at += part(got + at, sizeof got - at, u.query, u.nquery);
		got[at++] = ' ';
		part(got + at, sizeof got - at, u.frag, u.nfrag);
		ok(strcmp(got, t[i].want) == 0, "split '%s': %s", t[i].s, got);
	}
	rt_uri_split("a:b#c\0d", 7, &u);
	ok(u.nfrag == 3 && memcmp(u.frag, "c\0d", 3) == 0,
	    "split goes by the length given, NUL bytes included");
}

static void
test_resolve(void)
{
	static const char rfc[] = "http://a/b/c/d;p?q";
	static const struct {
		const char *base, *ref, *want;
	} t[] = {
		/* RFC 3986 5.4.1 */
		{ rfc, "g:h", "g:h" },
		{ rfc, "g", "http://a/b/c/g" },
		{ rfc, "./g", "http://a/b/c/g" },
		{ rfc, "g/", "http://a/b/c/g/" },
		{ rfc, "/g", "http://a/g" },
		{ rfc, "//g", "http://g" },
		{ rfc, "?y", "http://a/b/c/d;p?y" },
		{ rfc, "g?y", "http://a/b/c/g?y" },
		{ rfc, "#s", "http://a/b/c/d;p?q#s" },
		{ rfc, "g#s", "http://a/b/c/g#s" },
		{ rfc, "g?y#s", "http://a/b/c/g?y#s" },
		{ rfc, ";x", "http://a/b/c/;x" },
		{ rfc, "g;x", "http://a/b/c/g;x" },
		{ rfc, "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ rfc, "", "http://a/b/c/d;p?q" },
		{ rfc, ".", "http://a/b/c/" },
		{ rfc, "./", "http://a/b/c/" },
		{ rfc, "..", "http://a/b/" },
		{ rfc, "../", "http://a/b/" },
		{ rfc, "../g", "http://a/b/g" },
		{ rfc, "../..", "http://a/" },
		{ rfc, "../../", "http://a/" },
		{ rfc, "../../g", "http://a/g" },
		/* RFC 3986 5.4.2 */
		{ rfc, "../../../g", "http://a/g" },
		{ rfc, "../../../../g", "http://a/g" },
		{ rfc, "/./g", "http://a/g" },
		{ rfc, "/../g", "http://a/g" },
		{ rfc, "g.", "http://a/b/c/g." },
		{ rfc, ".g", "http://a/b/c/.g" },
		{ rfc, "g..", "http://a/b/c/g.." },
		{ rfc, "..g", "http://a/b/c/..g" },
		{ rfc, "./../g", "http://a/b/g" },
		{ rfc, "./g/.", "http://a/b/c/g/" },
		{ rfc, "g/./h", "http://a/b/c/g/h" },
		{ rfc, "g/../h", "http://a/b/c/h" },
		{ rfc, "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ rfc, "g;x=1/../y", "http://a/b/c/y" },
		{ rfc, "g?y/./x", "http://a/b/c/g?y/./x" },
		{ rfc, "g?y/../x", "http://a/b/c/g?y/../x" },
		{ rfc, "g#s/./x", "http://a/b/c/g#s/./x" },
		{ rfc, "g#s/../x", "http://a/b/c/g#s/../x" },
		{ rfc, "http:g", "http:g" },
		/* Schema shapes */
		{ "https://example.com/schemas/root.json", "item.json#/$defs/x",
		  "https://example.com/schemas/item.json#/$defs/x" },
		{ "https://example.com/schemas/root.json", "#foo",
		  "https://example.com/schemas/root.json#foo" },
		{ "https://example.com/a/b.json#frag", "",
		  "https://example.com/a/b.json" },
		{ "https://example.com", "x.json",
		  "https://example.com/x.json" },
		{ "https://example.com", "", "https://example.com" },
		{ "urn:example:root", "#/defs/a", "urn:example:root#/defs/a" },
		{ "urn:example:root", "other", "urn:other" },
		{ "http://a/b/", "//h/./x/../y?q#f", "http://h/y?q#f" },
		{ "http://a/b/", "HTTPS://H/./x", "HTTPS://H/x" },
		{ "http://a/b/", "x:/a/./b/../c", "x:/a/c" },
		/* No base: the reference as it is, dots and all. */
		{ "", "../a/./b", "../a/./b" },
		{ "", "", "" },
	};
	struct rt_buf out = RT_BUF_INIT;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char name[160];

		out.len = 0;
		rt_buf_adds(&out, "=");	/* resolve appends */
		rt_uri_resolve(t[i].base, strlen(t[i].base), t[i].ref,
		    strlen(t[i].ref), &out);
		snprintf(name, sizeof name, "'%s' against '%s'", t[i].ref,
		    t[i].base);
		ok(out.len > 0 && out.p[0] == '=' &&
		    out.len - 1 == strlen(t[i].want) &&
		    memcmp(out.p + 1, t[i].want, out.len - 1) == 0, "%s: %.*s",
		    name, (int)out.len - 1, out.p + 1);
	}
	rt_buf_release(&out);
}

static void
test_nofrag(void)
{
	static const struct {
		const char *s;
		size_t want;
	} t[] = {
		{ "a#b", 1 }, { "abc", 3 }, { "#", 0 }, { "", 0 },
		{ "a#b#c", 1 }, { "http://h/p?q#", 12 },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (rt_uri_nofrag(t[i].s, strlen(t[i].s)) != t[i].want)
			bad++;
	ok(bad == 0, "nofrag: the length before the first '#'");
	ok(rt_uri_nofrag("ab#c", 2) == 2, "nofrag looks no further than n");
}

static void
test_unescape(void)
{
	static const struct {
		const char *s, *want;
		size_t wlen;
	} t[] = {
		{ "%25", "%", 1 }, { "%41%62c", "Abc", 3 }, { "%4", "%4", 2 },
		{ "%", "%", 1 }, { "%zz", "%zz", 3 }, { "%4g", "%4g", 3 },
		{ "%g4", "%g4", 3 }, { "a%2", "a%2", 3 }, { "x%41", "xA", 2 },
		{ "%00", "\0", 1 }, { "%fF", "\xff", 1 }, { "%%41", "%A", 2 },
		{ "%2541", "%41", 3 }, { "", "", 0 }, { "a+b", "a+b", 3 },
		{ "%C3%A9", "\xc3\xa9", 2 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rt_buf out = RT_BUF_INIT;

		rt_buf_addc(&out, '<');
		rt_uri_unescape(t[i].s, strlen(t[i].s), &out);
		ok(out.len == t[i].wlen + 1 && memcmp(out.p + 1, t[i].want,
		    t[i].wlen) == 0, "unescape '%s'", t[i].s);
		rt_buf_release(&out);
	}
}

/* RFC 3986 5.2.4, step by step, on NUL-terminated strings. */
static void
ref_remove_dots(const char *path, char *out)
{
	char in[512];
	size_t o = 0;

	snprintf(in, sizeof in, "%s", path);
	while (in[0]) {
		if (strncmp(in, "../", 3) == 0)
			memmove(in, in + 3, strlen(in + 3) + 1);
		else if (strncmp(in, "./", 2) == 0)
			memmove(in, in + 2, strlen(in + 2) + 1);
		else if (strncmp(in, "/./", 3) == 0)
			memmove(in, in + 2, strlen(in + 2) + 1);
		else if (strcmp(in, "/.") == 0)
			strcpy(in, "/");
		else if (strncmp(in, "/../", 4) == 0 ||
		    strcmp(in, "/..") == 0) {
			memmove(in, in + 3, strlen(in + 3) + 1);
			if (in[0] == '\0')
				strcpy(in, "/");
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			in[0] = '\0';
		} else {
			size_t k = in[0] == '/';

			while (in[k] && in[k] != '/')
				k++;
			memcpy(out + o, in, k);
			o += k;
			memmove(in, in + k, strlen(in + k) + 1);
		}
	}
	out[o] = '\0';
}

static void
test_random(void)
{
	static const char *const seg[] = { "a", "bc", ".", "..", "", "x.y",
	    "..." };
	struct rt_buf out = RT_BUF_INIT;
	uint64_t seed = 99;
	int bad = 0, tried = 0;

	for (int i = 0; i < 4000; i++) {
		char ref[256], merged[300], want[400], dots[300];
		int nseg = 1 + (int)(tap_xorshift(&seed) % 8);
		int abs = (int)(tap_xorshift(&seed) % 2);
		size_t at = 0;

		for (int k = 0; k < nseg; k++)
			at += (size_t)snprintf(ref + at, sizeof ref - at,
			    "%s%s", k || abs ? "/" : "",
			    seg[tap_xorshift(&seed) % 7]);
		/* Not a network-path ("//h"), an empty reference, or a
		 * first segment with a colon (a scheme). */
		abs = ref[0] == '/';
		if (ref[0] == '\0' || (abs && ref[1] == '/') ||
		    (!abs && strchr(ref, ':')))
			continue;
		/* Against http://h/x/y: an absolute path as it is, a
		 * relative one after "/x/" (RFC 3986 5.2.3). */
		snprintf(merged, sizeof merged, "%s%s", abs ? "" : "/x/", ref);
		ref_remove_dots(merged, dots);
		snprintf(want, sizeof want, "http://h%s", dots);
		tried++;
		out.len = 0;
		rt_uri_resolve("http://h/x/y", 12, ref, strlen(ref), &out);
		if (out.len != strlen(want) || memcmp(out.p, want,
		    out.len) != 0) {
			if (bad++ < 5)
				diag("'%s': got '%.*s', want '%s'", ref,
				    (int)out.len, out.p, want);
		}
	}
	ok(bad == 0 && tried > 3000, "%d random paths resolve as "
	    "remove_dot_segments says", tried);
	rt_buf_release(&out);
}

int
main(void)
{
	test_split();
	test_resolve();
	test_nofrag();
	test_unescape();
	test_random();
	return done_testing();
}
