/*
 * uri.c - RFC 3986 references: split, resolve, percent-decode (see uri.h).
 */
#include "uri.h"

#include <string.h>

static int
scheme_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
	    c == '.');
}

void
rt_uri_split(const char *s, size_t n, struct rt_uri *u)
{
	const char *end = s + n, *p = s, *q;

	memset(u, 0, sizeof *u);
	for (q = p; q < end && scheme_char(*q, q == p); q++)
		;
	if (q < end && q > p && *q == ':') {
		u->scheme = p;
		u->nscheme = (size_t)(q - p);
		p = q + 1;
	}
	if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
		p += 2;
		for (q = p; q < end && *q != '/' && *q != '?' && *q != '#'; q++)
			;
		u->auth = p;
		u->nauth = (size_t)(q - p);
		p = q;
	}
	for (q = p; q < end && *q != '?' && *q != '#'; q++)
		;
	u->path = p;
	u->npath = (size_t)(q - p);
	p = q;
	if (p < end && *p == '?') {
		for (q = ++p; q < end && *q != '#'; q++)
			;
		u->query = p;
		u->nquery = (size_t)(q - p);
		p = q;
	}
	if (p < end && *p == '#') {
		u->frag = p + 1;
		u->nfrag = (size_t)(end - p - 1);
	}
}

/* Append path[0, n) to out with "." and ".." segments removed. */
static void
put_path(struct rt_buf *out, const char *in, size_t n)
{
	size_t start = out->len;
	const char *p = in, *end = in + n;

	while (p < end) {
		if (end - p >= 3 && memcmp(p, "../", 3) == 0) {
			p += 3;
		} else if ((end - p >= 2 && memcmp(p, "./", 2) == 0) ||
		    (end - p >= 3 && memcmp(p, "/./", 3) == 0)) {
			p += 2;
		} else if (end - p == 2 && memcmp(p, "/.", 2) == 0) {
			rt_buf_addc(out, '/');
			p = end;
		} else if ((end - p >= 4 && memcmp(p, "/../", 4) == 0) ||
		    (end - p == 3 && memcmp(p, "/..", 3) == 0)) {
			p += 3;
			while (out->len > start && out->p[out->len - 1] != '/')
				out->len--;
			if (out->len > start)
				out->len--;
			if (p == end)
				rt_buf_addc(out, '/');
		} else if ((end - p == 1 && *p == '.') ||
		    (end - p == 2 && memcmp(p, "..", 2) == 0)) {
			p = end;
		} else {
			const char *q = p + (*p == '/');

			while (q < end && *q != '/')
				q++;
			rt_buf_add(out, p, (size_t)(q - p));
			p = q;
		}
	}
}

static void
put_part(struct rt_buf *out, char lead, const char *p, size_t n)
{
	if (p == NULL)
		return;
	if (lead)
		rt_buf_addc(out, lead);
	rt_buf_add(out, p, n);
}

void
rt_uri_resolve(const char *base, size_t nbase, const char *ref,
    size_t nref, struct rt_buf *out)
{
	struct rt_uri b, r;

	if (nbase == 0) {
		rt_buf_add(out, ref, nref);
		return;
	}
	rt_uri_split(base, nbase, &b);
	rt_uri_split(ref, nref, &r);
	if (r.scheme) {
		rt_buf_add(out, r.scheme, r.nscheme);
		rt_buf_addc(out, ':');
		if (r.auth) {
			rt_buf_adds(out, "//");
			rt_buf_add(out, r.auth, r.nauth);
		}
		put_path(out, r.path, r.npath);
		put_part(out, '?', r.query, r.nquery);
		put_part(out, '#', r.frag, r.nfrag);
		return;
	}
	if (b.scheme) {
		rt_buf_add(out, b.scheme, b.nscheme);
		rt_buf_addc(out, ':');
	}
	if (r.auth) {
		rt_buf_adds(out, "//");
		rt_buf_add(out, r.auth, r.nauth);
		put_path(out, r.path, r.npath);
		put_part(out, '?', r.query, r.nquery);
	} else {
		if (b.auth) {
			rt_buf_adds(out, "//");
			rt_buf_add(out, b.auth, b.nauth);
		}
		if (r.npath == 0) {
			rt_buf_add(out, b.path, b.npath);
			if (r.query)
				put_part(out, '?', r.query, r.nquery);
			else
				put_part(out, '?', b.query, b.nquery);
		} else {
			if (r.path[0] == '/') {
				put_path(out, r.path, r.npath);
			} else {
				struct rt_buf m = RT_BUF_INIT;
				const char *slash = NULL;
				size_t i;

				for (i = b.npath; i > 0; i--)
					if (b.path[i - 1] == '/') {
						slash = b.path + i - 1;
						break;
					}
				if (b.auth && b.npath == 0)
					rt_buf_addc(&m, '/');
				else if (slash)
					rt_buf_add(&m, b.path,
					    (size_t)(slash + 1 - b.path));
				rt_buf_add(&m, r.path, r.npath);
				put_path(out, m.p, m.len);
				rt_buf_release(&m);
			}
			put_part(out, '?', r.query, r.nquery);
		}
	}
	put_part(out, '#', r.frag, r.nfrag);
}

size_t
rt_uri_nofrag(const char *s, size_t n)
{
	const char *h = memchr(s, '#', n);

	return h ? (size_t)(h - s) : n;
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void
rt_uri_unescape(const char *s, size_t n, struct rt_buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int h, l;

		if (s[i] == '%' && i + 2 < n &&
		    (h = hexv((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexv((unsigned char)s[i + 2])) >= 0) {
			rt_buf_addc(out, (char)(h * 16 + l));
			i += 2;
		} else {
			rt_buf_addc(out, s[i]);
		}
	}
}
