/*
 * t_suggest.c - "did you mean" (lib/suggest.c): the edit distance against
 * a plain dynamic-programming reference on random words, and the choice of
 * suggestions: case, prefixes, ties, distance limits, the longest head.
 */
#include <stdio.h>
#include <string.h>

#include "suggest.h"
#include "tap.h"

static size_t
min3(size_t a, size_t b, size_t c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* Optimal string alignment distance, the textbook way (full matrix). */
static size_t
ref_distance(const char *a, size_t n, const char *b, size_t m)
{
	static size_t d[20][20];

	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[n][m];
}

/* The suggestions for w among words, joined with '|'. */
static const char *
sugg(const char *w, const char *const *words)
{
	static char out[256];
	const char *got[RT_SUGGEST_MAX];
	struct rt_suggest s;
	size_t n, i;

	rt_suggest_init(&s, w, strlen(w));
	for (; *words; words++)
		rt_suggest_add(&s, *words);
	n = rt_suggest_get(&s, got);
	out[0] = '\0';
	for (i = 0; i < n && i < RT_SUGGEST_MAX; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
		    i ? "|" : "", got[i]);
	if (n > RT_SUGGEST_MAX)
		snprintf(out + strlen(out), sizeof out - strlen(out), "|+%zu",
		    n - RT_SUGGEST_MAX);
	return out;
}

static void
distance_vs_reference(void)
{
	uint64_t seed = 0x5eed;
	int bad = 0, cases = 0;

	for (int k = 0; k < 20000; k++) {
		char a[16], b[16];
		size_t n = tap_xorshift(&seed) % 9, m = tap_xorshift(&seed) % 9;
		size_t want, got;

		/* A small alphabet, so that swaps and matches are common. */
		for (size_t i = 0; i < n; i++)
			a[i] = (char)('a' + tap_xorshift(&seed) % 3);
		for (size_t i = 0; i < m; i++)
			b[i] = (char)('a' + tap_xorshift(&seed) % 3);
		want = ref_distance(a, n, b, m);
		got = rt_suggest_distance(a, n, b, m);
		cases++;
		if (want <= 3 ? got != want : got <= 3)
			bad++;
	}
	ok(bad == 0, "distance: %d random pairs, %d disagreements with the "
	    "reference", cases, bad);
	ok(rt_suggest_distance("NDJSON", 6, "ndjson", 6) == 0,
	    "distance ignores case");
	ok(rt_suggest_distance("sliding", 7, "silding", 7) == 1,
	    "a swap of neighbours counts 1");
	ok(rt_suggest_distance("a", 1, "abcdefg", 7) > 3, "far: over 3");
}

static void
choices(void)
{
	static const char *const opts[] = { "sliding", "session", "stats",
		"stats-every", "stats-dir", "strict", "time", "time-unit",
		"tumble", "id", NULL };
	static const char *const fmts[] = { "ndjson", "csv", "tsv", NULL };
	static const char *const units[] = { "s", "ms", "us", "ns", NULL };

	ok(!strcmp(sugg("slidng", opts), "sliding"), "one deletion");
	ok(!strcmp(sugg("silding", opts), "sliding"), "a swap");
	ok(!strcmp(sugg("sesion", opts), "session"), "one deletion (2)");
	ok(!strcmp(sugg("stat", opts), "stats|stats-every|stats-dir"),
	    "a prefix of several: all of them");
	ok(!strcmp(sugg("st", opts), "stats|stats-every|stats-dir|+1"),
	    "a prefix of more than the max: counted");
	ok(!strcmp(sugg("tumbel", opts), "tumble"), "a swap at the end");
	ok(!strcmp(sugg("time-units", opts), "time-unit"), "one insertion");
	ok(!strcmp(sugg("ix", opts), "id"), "two bytes: distance 1");
	ok(!strcmp(sugg("zzzzzz", opts), ""), "nothing near");
	ok(!strcmp(sugg("ndjsn", fmts), "ndjson"), "value: one deletion");
	ok(!strcmp(sugg("NDJSON", fmts), "ndjson"), "value: case");
	ok(!strcmp(sugg("nd", fmts), "ndjson"), "value: a unique prefix");
	ok(!strcmp(sugg("xsv", fmts), "csv|tsv"), "value: a tie, both");
	ok(!strcmp(sugg("xml", fmts), ""), "value: nothing near");
	ok(!strcmp(sugg("sec", units), "s"), "value: the longest head");
	ok(!strcmp(sugg("msec", units), "ms"), "value: the longest head (2)");
	ok(!strcmp(sugg("h", units), ""), "one byte: no guess");
	ok(!strcmp(sugg("", units), ""), "empty: no guess");
	ok(!strcmp(sugg("slidingwindow", opts), "sliding"),
	    "far by distance, but begins with a word");
}

int
main(void)
{
	distance_vs_reference();
	choices();
	return done_testing();
}
