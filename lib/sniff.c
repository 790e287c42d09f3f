/*
 * sniff.c - keys read ahead off the raw bytes (see sniff.h).
 */
#include "sniff.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mem.h"

void
rt_sniff_init(struct rt_sniff *s, char *const *keys, int nkeys,
    rt_sniff_hint_fn *hint, void *arg)
{
	memset(s, 0, sizeof *s);
	s->nkeys = nkeys;
	s->hint = hint;
	s->arg = arg;
	s->needle = rt_xcalloc((size_t)nkeys + 1, sizeof *s->needle);
	s->needle_at = rt_xcalloc((size_t)nkeys + 1, sizeof *s->needle_at);
	for (int j = 0; j < nkeys; j++)
		rt_buf_printf(&s->needle[j], "\"%s\":", keys[j]);
}

void
rt_sniff_release(struct rt_sniff *s)
{
	for (int j = 0; s->needle && j < s->nkeys; j++)
		rt_buf_release(&s->needle[j]);
	free(s->needle);
	free(s->needle_at);
	s->needle = NULL;
	s->needle_at = NULL;
}

/* Where key field i's needle starts in the line p[0, n), or NULL.
 * Records of a stream mostly share their layout: where the field was
 * last time is tried first. */
static const char *
find_needle(struct rt_sniff *s, int i, const char *p, size_t n)
{
	const struct rt_buf *nd = &s->needle[i];
	const char *q = p, *end = p + n;
	size_t at = s->needle_at[i];

	if (at + nd->len < n && memcmp(p + at, nd->p, nd->len) == 0)
		return p + at;
	for (;;) {
		q = memchr(q, '"', (size_t)(end - q));
		if (q == NULL || (size_t)(end - q) <= nd->len)
			return NULL;
		if (q[1] == nd->p[1] && memcmp(q, nd->p, nd->len) == 0)
			break;
		q++;
	}
	s->needle_at[i] = (size_t)(q - p);
	return q;
}

/* The key text of the NDJSON line p[0, n), read off the bytes: each key
 * field's "F": followed by a string without escapes or a bare value.
 * Its length, or 0 when the bytes do not say plainly. */
static size_t
sniff_key(struct rt_sniff *s, const char *p, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	for (int i = 0; i < s->nkeys; i++) {
		const char *q = find_needle(s, i, p, n), *end = p + n, *v, *e;

		if (q == NULL)
			return 0;
		v = q + s->needle[i].len;
		if (*v == '"') {
			e = memchr(v + 1, '"', (size_t)(end - v - 1));
			if (e == NULL || memchr(v, '\\', (size_t)(e - v)))
				return 0;
			e++;
		} else {
			for (e = v; e < end && *e != ',' && *e != '}' &&
			    *e != ' '; e++)
				;
		}
		if (len + (size_t)(e - v) + 1 > cap)
			return 0;
		if (i)
			out[len++] = '\0';
		memcpy(out + len, v, (size_t)(e - v));
		len += (size_t)(e - v);
	}
	return len;
}

/* The line three records ahead in p[0, n): the one after the line the
 * last call sniffed, when the buffer has not moved; else walked to.
 * NULL when the bytes do not hold it whole (*nl: its end). */
static const char *
third_line(struct rt_sniff *s, const char *p, size_t n, const char **nl)
{
	const char *end = p + n, *q;

	if (p != s->ahead_at) {
		q = p;
		for (int i = 0; i < 2; i++) {
			if ((*nl = memchr(q, '\n', (size_t)(end - q))) == NULL) {
				s->ahead_at = NULL;
				return NULL;
			}
			q = *nl + 1;
			if (i == 0)
				s->ahead_at = q;
		}
		s->ahead_third = q;
	} else {
		/* The line after the next is the one sniffed last time. */
		s->ahead_at = s->ahead_sniffed;
	}
	q = s->ahead_third;
	if (q >= end || (*nl = memchr(q, '\n', (size_t)(end - q))) == NULL) {
		s->ahead_at = NULL;
		return NULL;
	}
	s->ahead_sniffed = q;
	s->ahead_third = *nl + 1;
	return q;
}

void
rt_sniff_next(struct rt_sniff *s, const char *p, size_t n)
{
	struct rt_sniffed *sn;
	const char *nl;
	size_t k;

	s->seq++;
	for (int i = 2; i > 0; i--) {
		sn = &s->sniffed[(s->seq + (uint64_t)i) & 3];
		if (sn->seq == s->seq + (uint64_t)i)
			s->hint(s->arg, sn->h, 3 - i);
	}
	if (n == 0 || (p = third_line(s, p, n, &nl)) == NULL)
		return;
	sn = &s->sniffed[(s->seq + 3) & 3];
	if ((k = sniff_key(s, p, (size_t)(nl - p), sn->key,
	    sizeof sn->key)) == 0)
		return;
	sn->seq = s->seq + 3;
	sn->h = rt_hash(sn->key, k);
	sn->len = k;
	s->hint(s->arg, sn->h, 0);
}
