/*
 * suggest.c - "did you mean": near words by prefix and edit distance
 * (see suggest.h).
 */
#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int
same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

size_t
rt_suggest_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[3][64], i, j;

	if (n >= 64 || m >= 64 || (n > m ? n - m : m - n) > 3)
		return 99;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		size_t *cur = d[i % 3];
		const size_t *prev = d[(i + 2) % 3], *pp = d[(i + 1) % 3];

		cur[0] = i;
		for (j = 1; j <= m; j++) {
			size_t c = prev[j - 1] + !same(a[i - 1], b[j - 1]);

			c = prev[j] + 1 < c ? prev[j] + 1 : c;
			c = cur[j - 1] + 1 < c ? cur[j - 1] + 1 : c;
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) && pp[j - 2] + 1 < c)
				c = pp[j - 2] + 1;
			cur[j] = c;
		}
	}
	return d[n % 3][m];
}

void
rt_suggest_init(struct rt_suggest *s, const char *w, size_t n)
{
	memset(s, 0, sizeof *s);
	s->w = w;
	s->n = n;
	s->neard = n < 2 ? 0 : n < 5 ? 1 : 2;	/* the farthest suggested */
}

void
rt_suggest_add(struct rt_suggest *s, const char *word)
{
	size_t m = strlen(word), d, i;

	for (i = 0; i < s->n && i < m && same(s->w[i], word[i]); i++)
		;
	if (i == s->n && m == s->n && !s->exact) {
		/* Right but for case: the one suggestion. */
		s->exact = 1;
		s->near[0] = word;
		s->nnear = 1;
		return;
	}
	if (s->exact)
		return;
	if (i == s->n && s->n > 0) {
		if (s->npre < RT_SUGGEST_MAX)
			s->pre[s->npre] = word;
		s->npre++;
		return;
	}
	if (i == m && m > s->headn) {
		s->head = word;
		s->headn = m;
	}
	d = rt_suggest_distance(s->w, s->n, word, m);
	if (d == 0 || d > s->neard)
		return;
	if (d < s->neard || s->nnear == 0) {
		s->neard = d;
		s->nnear = 0;
	}
	if (s->nnear < RT_SUGGEST_MAX)
		s->near[s->nnear++] = word;
}

size_t
rt_suggest_get(const struct rt_suggest *s, const char **out)
{
	size_t i, k;

	if (s->exact || (s->npre == 0 && s->nnear)) {
		for (i = 0; i < s->nnear; i++)
			out[i] = s->near[i];
		return s->nnear;
	}
	if (s->npre == 0) {
		out[0] = s->head;
		return s->head != NULL;
	}
	k = s->npre < RT_SUGGEST_MAX ? s->npre : RT_SUGGEST_MAX;
	for (i = 0; i < k; i++)
		out[i] = s->pre[i];
	return s->npre;
}

/* Append to msg (size cap) "; did you mean 'Aw', 'Bw' or 'Cw'?" for the
 * words s suggests, each after pre ("--" for options), or "; use A, B or
 * C" (all of words, when given) if none is near. */
void
rt_suggest_append(char *msg, size_t cap, const struct rt_suggest *s,
    const char *pre, const char *const words[])
{
	const char *w[RT_SUGGEST_MAX];
	size_t n = rt_suggest_get(s, w), k, i, len = strlen(msg);

	k = n < RT_SUGGEST_MAX ? n : RT_SUGGEST_MAX;
	if (n == 0 && words) {
		for (k = 0; words[k]; k++)
			;
		for (i = 0; i < k && len < cap; i++, len = strlen(msg))
			snprintf(msg + len, cap - len, "%s%s", i == 0 ? "; use " :
			    i + 1 == k ? " or " : ", ", words[i]);
		return;
	}
	for (i = 0; i < k && len < cap; i++, len = strlen(msg))
		snprintf(msg + len, cap - len, "%s'%s%s'", i == 0 ?
		    "; did you mean " : i + 1 == k && n == k ? " or " : ", ",
		    pre, w[i]);
	if (n && len < cap)
		snprintf(msg + len, cap - len, "%s?", n > k ? ", ..." : "");
}

void
rt_suggest_value(char *msg, size_t cap, const char *opt, const char *arg,
    const char *const words[])
{
	struct rt_suggest s;

	rt_suggest_init(&s, arg, strlen(arg));
	for (size_t i = 0; words[i]; i++)
		rt_suggest_add(&s, words[i]);
	snprintf(msg, cap, "unknown value '%.100s' for %s", arg, opt);
	rt_suggest_append(msg, cap, &s, "", words);
}
