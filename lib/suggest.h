/*
 * suggest.h - "did you mean": the known words nearest to a misspelt one,
 * for the diagnostics of unknown options and option values (cli.c).
 * rtpipe(7), "Common options".
 */
#ifndef RT_SUGGEST_H
#define RT_SUGGEST_H

#include <stddef.h>

/* Words suggested at most (the nearest, in the order they were added). */
#define RT_SUGGEST_MAX 3

/*
 * A search for the words nearest to w: add every known word, then take
 * the suggestions.  A word is near when, ignoring case, it is w, or w is
 * a prefix of it (the words w begins, when there are any, are the only
 * suggestions), or it is within edit distance 1 of w (w of 2 to 4 bytes)
 * or 2 (w of 5 bytes or more), insertions, deletions, substitutions and
 * swaps of two neighbours counting 1; of those, the nearest.  When none
 * is, the longest word that w begins with ("sec" for "s").  Holds
 * pointers to w and to the words added, which must outlive it.
 */
struct rt_suggest {
	const char *w;
	size_t n;
	const char *pre[RT_SUGGEST_MAX];	/* words w begins */
	size_t npre;			/* how many (may exceed the max) */
	const char *near[RT_SUGGEST_MAX];	/* the nearest by distance */
	size_t nnear, neard;
	const char *head;		/* the longest word w begins with */
	size_t headn;
	int exact;			/* a word equals w but for case */
};

void rt_suggest_init(struct rt_suggest *s, const char *w, size_t n);
void rt_suggest_add(struct rt_suggest *s, const char *word);
/* The suggestions, best first: stores up to RT_SUGGEST_MAX words in
 * out and returns how many there are in all (0: nothing is near; more
 * than RT_SUGGEST_MAX: w is a prefix of that many words). */
size_t rt_suggest_get(const struct rt_suggest *s, const char **out);

/* Append to msg (cap bytes in all) "; did you mean 'A', 'B' or 'C'?" for
 * the words s suggests, each after pre ("--" for options), or "; use A,
 * B or C" (all of words, when given) when none is near. */
void rt_suggest_append(char *msg, size_t cap, const struct rt_suggest *s,
    const char *pre, const char *const words[]);
/* "unknown value 'ARG' for OPT" and that, into msg: the usage error of
 * an option value not among words (NULL-terminated). */
void rt_suggest_value(char *msg, size_t cap, const char *opt,
    const char *arg, const char *const words[]);

/* The edit distance of a and b (n and m bytes), ignoring ASCII case, with
 * swaps of two neighbours counting 1 (optimal string alignment); a number
 * over 3 when it is over 3. */
size_t rt_suggest_distance(const char *a, size_t n, const char *b, size_t m);

#endif
