/*
 * t_heap.c - the binary heap (lib/heap.c): random keys with many ties,
 * pushes and pops interleaved, against a sorted copy; order among equal
 * keys is the caller's (a sequence number), as rt-alert uses it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "heap.h"
#include "tap.h"

struct el {
	int64_t key;
	uint64_t seq;
};

static int
less(const void *x, const void *y)
{
	const struct el *a = x, *b = y;

	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static int
cmp(const void *x, const void *y)
{
	return less(x, y) ? -1 : less(y, x) ? 1 : 0;
}

int
main(void)
{
	struct rt_heap h;
	struct el *all = malloc(20000 * sizeof *all), *out = malloc(20000 *
	    sizeof *out), e;
	size_t n = 0, m = 0, first, i;
	int bad = 0;
	unsigned r = 12345;

	rt_heap_init(&h, sizeof(struct el), less);
	ok(h.n == 0, "empty at first");
	/* Push 20000, popping one after every third push. */
	for (i = 0; i < 20000; i++) {
		r = r * 1103515245u + 12345u;
		e.key = (int64_t)(r >> 16) % 50 - 25;
		e.seq = i;
		all[n++] = e;
		rt_heap_push(&h, &e);
		if (i % 3 == 2)
			rt_heap_pop(&h, &out[m++]);
	}
	/* Once the pushes end, what is left comes out in order. */
	first = m;
	while (h.n)
		rt_heap_pop(&h, &out[m++]);
	ok(m == n, "every element comes out once");
	for (i = first; i + 1 < m; i++)
		if (less(&out[i + 1], &out[i]))
			bad++;
	ok(bad == 0 && m - first > 10000, "the last pops are in order");
	qsort(all, n, sizeof *all, cmp);
	/* The same elements, sorted, as a multiset. */
	qsort(out, m, sizeof *out, cmp);
	for (i = 0, bad = 0; i < n; i++)
		if (cmp(&out[i], &all[i]) != 0)
			bad++;
	ok(bad == 0, "nothing lost, nothing made up");
	/* Pure heap sort with ties: ordered by (key, seq). */
	for (i = 0; i < n; i++)
		rt_heap_push(&h, &all[n - 1 - i]);
	for (i = 0, bad = 0; i < n; i++) {
		rt_heap_pop(&h, &e);
		if (cmp(&e, &all[i]) != 0)
			bad++;
	}
	ok(bad == 0, "20000 pushes then pops come out sorted by key then seq");
	rt_heap_release(&h);
	free(all);
	free(out);
	return done_testing();
}
