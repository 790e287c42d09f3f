/*
 * json.c - validating zero-copy JSON scanner, string decoding and escaping
 * (see json.h; the policy is in rtpipe(7), "Records").
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mem.h"

/* Character classes inside a string. */
enum { C_PLAIN, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };

/* Class of each byte inside a string (values of the enum above). */
static const unsigned char strclass[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Nonzero when the 8 bytes in x hold a quote, a backslash, a control
 * character or a byte >= 0x80 (may also be nonzero above a real hit). */
static inline uint64_t
special8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"');
	uint64_t b = x ^ (ONES * '\\');

	return ((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((x - ONES * 0x20) & ~x) | x;
}

/* Past the whole words of 8 bytes at s with nothing special8 finds. */
static inline const unsigned char *
skip_plain8(const unsigned char *s, const unsigned char *end)
{
	while (end - s >= 8) {
		uint64_t x;

		memcpy(&x, s, 8);
		if (special8(x) & HIGHS)
			break;
		s += 8;
	}
	return s;
}

size_t
rt_utf8_seqlen(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (avail < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		unsigned lo = 0x80, hi = 0xBF;

		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;	/* no UTF-16 surrogates */
		if (avail < 3 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c < 0xF5) {
		unsigned lo = 0x80, hi = 0xBF;

		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;	/* nothing above U+10FFFF */
		if (avail < 4 || s[1] < lo || s[1] > hi ||
		    (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

int
rt_utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	const unsigned char *end = s + n;

	while (s < end) {
		size_t k;

		while (end - s >= 8) {
			uint64_t x;

			memcpy(&x, s, 8);
			if (x & HIGHS)
				break;
			s += 8;
		}
		if (s == end)
			break;
		if (*s < 0x80) {
			s++;
			continue;
		}
		k = rt_utf8_seqlen(s, (size_t)(end - s));
		if (k == 0)
			return 0;
		s += k;
	}
	return 1;
}

/* The document's keys are not known to be the last record's. */
static void
new_keys(struct rt_jdoc *d)
{
	static _Thread_local uint64_t gen;

	d->keygen = ++gen;
	d->keyn = UINT32_MAX;
}

void
rt_jdoc_init(struct rt_jdoc *d, unsigned maxdepth)
{
	memset(d, 0, sizeof *d);
	d->maxdepth = maxdepth ? maxdepth : RT_JSON_MAXDEPTH;
	d->cap = 64;
	d->v = rt_xmalloc(d->cap * sizeof *d->v);
	d->stack = rt_xmalloc(d->maxdepth * sizeof *d->stack);
	d->km = rt_xcalloc(RT_JKEYMEMO, sizeof *d->km);
	new_keys(d);
}

void
rt_jdoc_release(struct rt_jdoc *d)
{
	free(d->v);
	free(d->stack);
	free(d->km);
	d->v = NULL;
	d->stack = NULL;
	d->km = NULL;
}

void
rt_jdoc_grow(struct rt_jdoc *d)
{
	d->cap *= 2;
	d->v = rt_xreallocarray(d->v, d->cap, sizeof *d->v);
}

/* The scanner's state for one parse.  The node array and its counts are
 * copied here from the document (and back at the end): every helper is
 * inlined into rt_jdoc_parse, so all of it can live in registers, where
 * the document's fields would be reloaded after every node written. */
struct scan {
	struct rt_jdoc *d;
	const unsigned char *base, *s, *end;
	const char *err;
	struct rt_jnode *v;
	uint32_t nv, cap;
	uint32_t hits;		/* top-level keys found in the memo */
	int roomy;		/* cap is over the text's length: every node
				 * takes a byte of text, so no check is due
				 * (a constant where the scanner is inlined) */
};

#define SCAN_INLINE static inline __attribute__((always_inline))

SCAN_INLINE void
skip_ws(struct scan *sc)
{
	const unsigned char *s = sc->s, *end = sc->end;

	while (s < end && *s <= ' ' &&
	    (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
		s++;
	sc->s = s;
}

/* The next node's index, with room for it. */
SCAN_INLINE uint32_t
node_room(struct scan *sc)
{
	uint32_t i = sc->nv++;

	if (!sc->roomy && i == sc->cap) {
		sc->d->cap = sc->cap;
		rt_jdoc_grow(sc->d);
		sc->v = sc->d->v;
		sc->cap = sc->d->cap;
	}
	return i;
}

/* Node i, whole (one store of the struct, not a field at a time). */
SCAN_INLINE void
put_node(struct scan *sc, uint32_t i, unsigned type, const unsigned char *at,
    size_t len, unsigned flags)
{
	struct rt_jnode v = { (uint32_t)(at - sc->base), (uint32_t)len, i + 1,
	    0, (uint8_t)type, (uint8_t)flags };

	sc->v[i] = v;
}

SCAN_INLINE uint32_t
new_node(struct scan *sc, unsigned type, const unsigned char *at)
{
	uint32_t i = node_room(sc);

	put_node(sc, i, type, at, 0, 0);
	return i;
}

SCAN_INLINE int
fail(struct scan *sc, const char *msg)
{
	sc->err = msg;
	return -1;
}

static inline int
hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	return -1;
}

/* s points after a backslash. */
SCAN_INLINE int
scan_escape(struct scan *sc)
{
	const unsigned char *s = sc->s;

	if (s >= sc->end)
		return fail(sc, "unterminated string");
	switch (*s) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n':
	case 'r': case 't':
		sc->s = s + 1;
		return 0;
	case 'u':
		if (sc->end - s < 5 || hexval(s[1]) < 0 || hexval(s[2]) < 0 ||
		    hexval(s[3]) < 0 || hexval(s[4]) < 0)
			return fail(sc, "invalid \\u escape in string");
		sc->s = s + 5;
		return 0;
	default:
		return fail(sc, "invalid escape in string");
	}
}

/* sc->s at the opening quote.  Adds a string node.  Inlined: it runs for
 * every key and most values. */
SCAN_INLINE int
scan_string(struct scan *sc)
{
	const unsigned char *start = sc->s;
	const unsigned char *s = start + 1, *end = sc->end;
	uint32_t i = node_room(sc);
	unsigned flags = 0;

	for (;;) {
#ifdef __SSE2__
		/* 16 bytes at a time: signed compare with 0x20 also flags
		 * bytes >= 0x80, which need a UTF-8 check anyway. */
		while (end - s >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
			__m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
			__m128i m = _mm_or_si128(_mm_or_si128(q,
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
			    _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);

			if (bits) {
				s += __builtin_ctz(bits);
				/* The first special byte a quote: the end,
				 * without reading it back. */
				if ((unsigned)_mm_movemask_epi8(q) &
				    (bits & -bits)) {
					s++;
					goto close;
				}
				goto found;
			}
			s += 16;
		}
#endif
		s = skip_plain8(s, end);
		if (s >= end) {
			sc->s = s;
			return fail(sc, "unterminated string");
		}
#ifdef __SSE2__
found:
#endif
		switch (strclass[*s]) {
		case C_PLAIN:
			s++;
			break;
		case C_QUOTE:
			s++;
#ifdef __SSE2__
close:
#endif
			put_node(sc, i, RT_JSTR, start, (size_t)(s - start),
			    flags);
			sc->s = s;
			return 0;
		case C_BSLASH:
			flags |= RT_JF_ESC;
			sc->s = s + 1;
			if (scan_escape(sc) == -1)
				return -1;
			s = sc->s;
			break;
		case C_CTRL:
			sc->s = s;
			return fail(sc, *s ? "control character in string" :
			    "NUL byte in string");
		default: {
			size_t k = rt_utf8_seqlen(s, (size_t)(end - s));

			if (k == 0) {
				sc->s = s;
				return fail(sc, "invalid UTF-8 in string");
			}
			flags |= RT_JF_UTF8;
			s += k;
		}
		}
	}
}

static inline int
isdigit_(unsigned c)
{
	return c - '0' < 10;
}

SCAN_INLINE int
scan_number(struct scan *sc)
{
	const unsigned char *start = sc->s, *s = start, *end = sc->end;
	uint32_t i = node_room(sc);
	unsigned flags = RT_JF_INT;

	if (s < end && *s == '-')
		s++;
	if (s < end && *s == '0') {
		s++;
	} else if (s < end && *s >= '1' && *s <= '9') {
		s++;
		while (s < end && isdigit_(*s))
			s++;
	} else {
		sc->s = s;
		return fail(sc, "invalid number");
	}
	if (s < end && *s == '.') {
		s++;
		if (s >= end || !isdigit_(*s)) {
			sc->s = s;
			return fail(sc, "invalid number");
		}
		while (s < end && isdigit_(*s))
			s++;
		flags = 0;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		if (s >= end || !isdigit_(*s)) {
			sc->s = s;
			return fail(sc, "invalid number");
		}
		while (s < end && isdigit_(*s))
			s++;
		flags = 0;
	}
	put_node(sc, i, RT_JNUM, start, (size_t)(s - start), flags);
	sc->s = s;
	return 0;
}

SCAN_INLINE int
scan_literal(struct scan *sc, const char *word, size_t n, unsigned type)
{
	uint32_t i;

	if ((size_t)(sc->end - sc->s) < n || memcmp(sc->s, word, n) != 0)
		return fail(sc, "invalid literal");
	i = node_room(sc);
	put_node(sc, i, type, sc->s, n, 0);
	sc->s += n;
	return 0;
}

/* A scalar or the opening of a container at sc->s (whitespace skipped).
 * Returns 0 for a scalar, 1 for an opened container, -1 on error. */
SCAN_INLINE int
scan_value(struct scan *sc, unsigned depth)
{
	uint32_t i;

	if (sc->s >= sc->end)
		return fail(sc, "unexpected end of text");
	switch (*sc->s) {
	case '{':
	case '[':
		if (depth >= sc->d->maxdepth)
			return fail(sc, "nesting too deep");
		i = new_node(sc, *sc->s == '{' ? RT_JOBJ : RT_JARR, sc->s);
		sc->d->stack[depth] = i;
		sc->s++;
		return 1;
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true", 4, RT_JTRUE);
	case 'f':
		return scan_literal(sc, "false", 5, RT_JFALSE);
	case 'n':
		return scan_literal(sc, "null", 4, RT_JNULL);
	default:
		if (*sc->s == '-' || isdigit_(*sc->s))
			return scan_number(sc);
		return fail(sc, "unexpected character");
	}
}

/* Finish container node i: sc->s is at its closing bracket. */
SCAN_INLINE void
close_container(struct scan *sc, uint32_t i)
{
	struct rt_jnode *v = &sc->v[i];

	sc->s++;
	v->len = (uint32_t)(sc->s - sc->base) - v->off;
	v->next = sc->nv;
}

/* Are the len bytes at s (16 or 32 of them readable) those of m? */
SCAN_INLINE int
memo_match(const unsigned char *s, const struct rt_jkeymemo *m)
{
#ifdef __SSE2__
	unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)(const void *)s),
	    _mm_loadu_si128((const __m128i *)(const void *)m->b)));

	if (m->len > 16)
		eq |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(s + 16)),
		    _mm_loadu_si128((const __m128i *)(const void *)
		    (m->b + 16)))) << 16;
	return (~eq & (m->len == 32 ? ~0u : (1u << m->len) - 1)) == 0;
#else
	return memcmp(s, m->b, m->len) == 0;
#endif
}

/* Inside object node o: a key, a colon, then the value is due. */
SCAN_INLINE int
scan_key(struct scan *sc, uint32_t o)
{
	const unsigned char *start;
	struct rt_jkeymemo *m = NULL;

	skip_ws(sc);
	/* A top-level key as the last record had it: the same bytes are
	 * the same valid string, and its colon follows. */
	if (o == 0 && sc->d->km && sc->v[0].n < RT_JKEYMEMO) {
		m = &sc->d->km[sc->v[0].n];
		if (m->len && (sc->end - sc->s >= (m->len > 16 ? 32 : 16) ?
		    memo_match(sc->s, m) : sc->end - sc->s >= m->len &&
		    memcmp(sc->s, m->b, m->len) == 0)) {
			uint32_t i = node_room(sc);

			put_node(sc, i, RT_JSTR, sc->s, m->len - 1u, m->flags);
			sc->s += m->len;
			sc->v[0].n++;
			sc->hits++;
			return 0;
		}
	}
	start = sc->s;
	if (sc->s >= sc->end || *sc->s != '"')
		return fail(sc, "expected a string key");
	if (scan_string(sc) == -1)
		return -1;
	if (m && sc->s < sc->end && *sc->s == ':' && sc->s - start < 32) {
		m->len = (uint8_t)(sc->s + 1 - start);
		m->flags = sc->v[sc->nv - 1].flags;
		memcpy(m->b, start, m->len);
	}
	skip_ws(sc);
	if (sc->s >= sc->end || *sc->s != ':')
		return fail(sc, "expected ':' after key");
	sc->s++;
	sc->v[o].n++;
	return 0;
}

/* The members of a top-level object (a record) while their values are
 * strings and numbers, without the general loop's dispatch: 1 when a
 * container opened, 0 at anything but a comma (the end of the object),
 * -1 on an error. */
SCAN_INLINE int
scan_flat(struct scan *sc, unsigned depth)
{
	int r;

	for (;;) {
		if (scan_key(sc, 0) == -1)
			return -1;
		skip_ws(sc);
		if (sc->s < sc->end && *sc->s == '"') {
			r = scan_string(sc);
		} else if (sc->s < sc->end &&
		    (*sc->s == '-' || isdigit_(*sc->s))) {
			r = scan_number(sc);
		} else {
			r = scan_value(sc, depth);
			if (r == 1)
				return 1;
		}
		if (r == -1)
			return -1;
		skip_ws(sc);
		if (sc->s >= sc->end || *sc->s != ',')
			return 0;
		sc->s++;
	}
}

/* The whole text: a value, nested containers walked with an explicit
 * stack (no recursion, so depth costs no C stack). */
SCAN_INLINE int
scan_text(struct scan *sc)
{
	const struct rt_jdoc *d = sc->d;
	unsigned depth = 0;
	uint32_t c;
	int r;

value:
	skip_ws(sc);
	r = scan_value(sc, depth);
	if (r == -1)
		return -1;
	if (r == 1) {
opened:
		c = d->stack[depth++];
		skip_ws(sc);
		if (sc->s < sc->end &&
		    *sc->s == (sc->v[c].type == RT_JOBJ ? '}' : ']')) {
			close_container(sc, c);
			depth--;
			goto after;
		}
		if (c == 0 && sc->v[c].type == RT_JOBJ)
			goto flat;
		if (sc->v[c].type == RT_JOBJ) {
			if (scan_key(sc, c) == -1)
				return -1;
		} else {
			sc->v[c].n++;
		}
		goto value;
	}
	goto after;
flat:
	r = scan_flat(sc, depth);
	if (r == -1)
		return -1;
	if (r == 1)
		goto opened;
after:
	skip_ws(sc);
	if (depth > 0) {
		c = d->stack[depth - 1];
		if (sc->s >= sc->end)
			return fail(sc, "unexpected end of text");
		if (*sc->s == ',') {
			sc->s++;
			if (sc->v[c].type == RT_JOBJ) {
				if (scan_key(sc, c) == -1)
					return -1;
			} else {
				sc->v[c].n++;
			}
			goto value;
		}
		if (*sc->s != (sc->v[c].type == RT_JOBJ ? '}' : ']'))
			return fail(sc, sc->v[c].type == RT_JOBJ ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		close_container(sc, c);
		depth--;
		goto after;
	}
	if (sc->s != sc->end)
		return fail(sc, "unexpected text after the value");
	return 0;
}

int
rt_jdoc_parse(struct rt_jdoc *d, const char *p, size_t n)
{
	struct scan sc;
	int r;
	uint32_t lastn = d->keyn;
	uint64_t lastgen = d->keygen;

	d->p = p;
	d->len = n;
	d->nv = 0;
	d->err = NULL;
	d->erroff = 0;
	new_keys(d);
	if (n > UINT32_MAX - 1) {
		d->err = "text too long";
		return -1;
	}
	sc.d = d;
	sc.base = (const unsigned char *)p;
	sc.s = sc.base;
	sc.end = sc.base + n;
	sc.err = NULL;
	sc.v = d->v;
	sc.nv = 0;
	sc.cap = d->cap;
	sc.hits = 0;
	/* Room for a node a byte for texts of records' size, so that the
	 * scanner need not check (65536 bytes: 1.3 MB of nodes at most). */
	if (d->cap <= n && n < 65536) {
		while (d->cap <= n)
			rt_jdoc_grow(d);
		sc.v = d->v;
		sc.cap = d->cap;
	}
	if (sc.cap > n) {
		sc.roomy = 1;
		r = scan_text(&sc);
	} else {
		sc.roomy = 0;
		r = scan_text(&sc);
	}
	if (r == -1) {
		d->err = sc.err;
		d->erroff = (size_t)(sc.s - sc.base);
		d->nv = 0;
		return -1;
	}
	d->nv = sc.nv;
	/* Every key a memo hit: the keys are the memo's, which are those of
	 * the last record if all of its keys were hits too. */
	if (sc.v[0].type == RT_JOBJ && sc.hits == sc.v[0].n) {
		if (lastn == sc.v[0].n)
			d->keygen = lastgen;	/* the same keys */
		d->keyn = sc.v[0].n;
	}
	return 0;
}

int
rt_json_valid(const char *p, size_t n, const char **err, size_t *erroff)
{
	struct rt_jdoc d;
	int r;

	rt_jdoc_init(&d, 0);
	r = rt_jdoc_parse(&d, p, n);
	if (err)
		*err = d.err;
	if (erroff)
		*erroff = d.erroff;
	rt_jdoc_release(&d);
	return r;
}

/* Encode code point c as UTF-8 into t; returns the length. */
static size_t
utf8_encode(unsigned long c, char t[4])
{
	if (c < 0x80) {
		t[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		t[0] = (char)(0xC0 | c >> 6);
		t[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		t[0] = (char)(0xE0 | c >> 12);
		t[1] = (char)(0x80 | (c >> 6 & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	t[0] = (char)(0xF0 | c >> 18);
	t[1] = (char)(0x80 | (c >> 12 & 0x3F));
	t[2] = (char)(0x80 | (c >> 6 & 0x3F));
	t[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Four hex digits, already validated by the scanner. */
static unsigned long
hex4(const char *p)
{
	return (unsigned long)hexval((unsigned char)p[0]) << 12 |
	    (unsigned long)hexval((unsigned char)p[1]) << 8 |
	    (unsigned long)hexval((unsigned char)p[2]) << 4 |
	    (unsigned long)hexval((unsigned char)p[3]);
}

/* The code point of the \\uXXXX escape at p (a surrogate pair counts as
 * one; an unpaired surrogate is U+FFFD).  Returns the end of the escape. */
static const char *
unicode_escape(const char *p, const char *end, unsigned long *cp)
{
	unsigned long c = hex4(p + 2);

	p += 6;
	if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' &&
	    p[1] == 'u') {
		unsigned long lo = hex4(p + 2);

		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
	}
	if (c >= 0xD800 && c <= 0xDFFF)
		c = 0xFFFD;
	*cp = c;
	return p;
}

/* Decode the one escape at bs into t; returns its length in *len and the
 * end of the escape. */
static const char *
unescape_one(const char *bs, const char *end, char t[4], size_t *len)
{
	static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
	const char *at;
	unsigned long c;

	if (bs[1] == 'u') {
		bs = unicode_escape(bs, end, &c);
		*len = utf8_encode(c, t);
		return bs;
	}
	at = strchr(from, bs[1]);
	t[0] = at ? to[at - from] : bs[1];
	*len = 1;
	return bs + 2;
}

/* Does the escaped string text p[0, n) decode to key[0, klen)?  Decodes
 * as it compares, so a lookup never allocates. */
static int
streq_escaped(const char *p, size_t n, const char *key, size_t klen)
{
	const char *end = p + n;

	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p), k;
		char t[4];

		if (run > klen || memcmp(p, key, run) != 0)
			return 0;
		key += run;
		klen -= run;
		if (bs == NULL)
			break;
		p = unescape_one(bs, end, t, &k);
		if (k > klen || memcmp(t, key, k) != 0)
			return 0;
		key += k;
		klen -= k;
	}
	return klen == 0;
}

void
rt_json_unescape(const char *p, size_t n, struct rt_buf *out)
{
	const char *end = p + n;

	rt_buf_reserve(out, n);
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		unsigned long c;

		if (bs == NULL) {
			rt_buf_add(out, p, (size_t)(end - p));
			return;
		}
		rt_buf_add(out, p, (size_t)(bs - p));
		p = bs + 1;
		switch (*p++) {
		case 'b': rt_buf_addc(out, '\b'); continue;
		case 'f': rt_buf_addc(out, '\f'); continue;
		case 'n': rt_buf_addc(out, '\n'); continue;
		case 'r': rt_buf_addc(out, '\r'); continue;
		case 't': rt_buf_addc(out, '\t'); continue;
		case 'u': break;
		default: rt_buf_addc(out, p[-1]); continue;
		}
		p = unicode_escape(p - 2, end, &c);
		{
			char t[4];
			size_t k = utf8_encode(c, t);

			rt_buf_add(out, t, k);
		}
	}
}

int
rt_jdoc_streq_esc(const struct rt_jdoc *d, uint32_t k, const char *key,
    size_t klen)
{
	const struct rt_jnode *v = &d->v[k];

	return streq_escaped(d->p + v->off + 1, v->len - 2, key, klen);
}

uint32_t
rt_jdoc_get(const struct rt_jdoc *d, uint32_t obj, const char *key,
    size_t klen)
{
	uint32_t k, end = d->v[obj].next, found = 0;

	if (d->v[obj].type != RT_JOBJ)
		return 0;
	for (k = obj + 1; k < end; k = d->v[k + 1].next)
		if (rt_jdoc_streq(d, k, key, klen))
			found = k + 1;
	return found;
}

uint32_t
rt_jdoc_index(const struct rt_jdoc *d, uint32_t arr, uint32_t i)
{
	uint32_t e, end = d->v[arr].next;

	if (d->v[arr].type != RT_JARR || i >= d->v[arr].n)
		return 0;
	for (e = arr + 1; e < end && i > 0; e = d->v[e].next)
		i--;
	return e;
}

void
rt_jdoc_str(const struct rt_jdoc *d, uint32_t i, struct rt_buf *out)
{
	const struct rt_jnode *v = &d->v[i];

	if (v->flags & RT_JF_ESC)
		rt_json_unescape(d->p + v->off + 1, v->len - 2, out);
	else
		rt_buf_add(out, d->p + v->off + 1, v->len - 2);
}

/* Escapes for bytes below 0x20; 0 means "\u00XX". */
static const char ctrl_esc[32] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
};

/* The first byte at or after s that a JSON string cannot hold as it is
 * (a quote, a backslash, a control or a non-ASCII byte), or end. */
static inline const unsigned char *
skip_plain(const unsigned char *s, const unsigned char *end, size_t n)
{
#ifdef __SSE2__
	while (end - s >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i m = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		    _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits)
			return skip_plain8(s + __builtin_ctz(bits), end);
		s += 16;
	}
#endif
	/* Short names (most keys): eight bytes at a time, then the fewer
	 * than eight left by the last eight of p (overlapping bytes
	 * already found plain). */
	s = skip_plain8(s, end);
	if (s < end && end - s < 8 && n >= 8) {
		uint64_t x;

		memcpy(&x, end - 8, 8);
		if (!(special8(x) & HIGHS))
			return end;
	}
	while (s < end && strclass[*s] == C_PLAIN)
		s++;
	return s;
}

/* Append the byte or UTF-8 sequence at s (not plain) escaped; returns
 * its length, adds to *flags and counts a bad byte in *bad. */
static size_t
put_special(struct rt_buf *b, const unsigned char *s,
    const unsigned char *end, unsigned *flags, size_t *bad)
{
	static const char hex[] = "0123456789abcdef";
	unsigned c = *s;
	size_t k;

	if (c == '"' || c == '\\' || (c < 0x20 && ctrl_esc[c])) {
		char e[2] = { '\\', c < 0x20 ? ctrl_esc[c] : (char)c };

		rt_buf_add(b, e, 2);
		*flags |= RT_JF_ESC;
		return 1;
	}
	if (c < 0x20) {
		char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		rt_buf_add(b, e, 6);
		*flags |= RT_JF_ESC;
		return 1;
	}
	*flags |= RT_JF_UTF8;
	k = rt_utf8_seqlen(s, (size_t)(end - s));
	if (k == 0) {
		rt_buf_add(b, "\xEF\xBF\xBD", 3);
		(*bad)++;
		return 1;
	}
	rt_buf_add(b, s, k);
	return k;
}

unsigned
rt_json_put_str_f(struct rt_buf *b, const char *p, size_t n, size_t *badp)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	size_t bad = 0;
	unsigned flags = 0;

	rt_buf_reserve(b, n + 2);
	rt_buf_addc(b, '"');
	while (s < end) {
		const unsigned char *run = s;

		s = skip_plain(s, end, n);
		rt_buf_add(b, run, (size_t)(s - run));
		if (s == end)
			break;
		s += put_special(b, s, end, &flags, &bad);
	}
	rt_buf_addc(b, '"');
	if (badp)
		*badp = bad;
	return flags;
}

size_t
rt_json_put_str(struct rt_buf *b, const char *p, size_t n)
{
	size_t bad;

	rt_json_put_str_f(b, p, n, &bad);
	return bad;
}

void
rt_jdoc_clear(struct rt_jdoc *d)
{
	new_keys(d);
	d->nv = 0;
	d->err = NULL;
	d->erroff = 0;
}
