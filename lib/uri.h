/*
 * uri.h - URI references (RFC 3986): splitting, resolving a reference
 * against a base, and percent-decoding.  Used to name schema resources
 * ($id, $ref); nothing here touches a network.  rt-validate(1).
 */
#ifndef RT_URI_H
#define RT_URI_H

#include <stddef.h>

#include "buf.h"

/* The parts of a URI reference, as spans of the text (absent: NULL). */
struct rt_uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t nscheme, nauth, npath, nquery, nfrag;
};

/* Split s[0, n) into its parts (never fails: anything is a reference). */
void rt_uri_split(const char *s, size_t n, struct rt_uri *u);

/* Append to out the resolution of reference ref[0, nref) against the
 * absolute base[0, nbase) (RFC 3986 section 5.2, dot segments removed).
 * An empty base leaves ref as it is. */
void rt_uri_resolve(const char *base, size_t nbase, const char *ref,
    size_t nref, struct rt_buf *out);

/* Length of s[0, n) without its fragment ("#..." cut). */
size_t rt_uri_nofrag(const char *s, size_t n);

/* Append the percent-decoding of s[0, n) ("%25" -> "%"); malformed
 * escapes are copied as they are. */
void rt_uri_unescape(const char *s, size_t n, struct rt_buf *out);

#endif
