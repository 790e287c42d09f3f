/*
 * heap.h - a binary min-heap of fixed-size elements ordered by a caller's
 * "less" function: rt-alert's expiring keys and its records held for
 * --max-delay.  The storage grows by doubling and is kept.
 */
#ifndef RT_HEAP_H
#define RT_HEAP_H

#include <stddef.h>

struct rt_heap {
	char *v;		/* n elements of size bytes */
	size_t n, cap, size;
	int (*less)(const void *x, const void *y);
};

void rt_heap_init(struct rt_heap *h, size_t size,
    int (*less)(const void *x, const void *y));
void rt_heap_release(struct rt_heap *h);

/* Add a copy of the element at e. */
void rt_heap_push(struct rt_heap *h, const void *e);

/* The least element (h->n must be > 0). */
static inline void *
rt_heap_top(const struct rt_heap *h)
{
	return h->v;
}

/* Remove the least element, copying it to out (when not NULL). */
void rt_heap_pop(struct rt_heap *h, void *out);

#endif
