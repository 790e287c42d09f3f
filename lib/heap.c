/*
 * heap.c - see heap.h.  Sift up on push, sift down on pop, moving the
 * element being placed only once.
 */
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "mem.h"

#define AT(h, i) ((h)->v + (i) * (h)->size)

void
rt_heap_init(struct rt_heap *h, size_t size,
    int (*less)(const void *x, const void *y))
{
	memset(h, 0, sizeof *h);
	h->size = size;
	h->less = less;
}

void
rt_heap_release(struct rt_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

void
rt_heap_push(struct rt_heap *h, const void *e)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		/* One spare slot: the element being placed. */
		h->v = rt_xreallocarray(h->v, h->cap + 1, h->size);
	}
	i = h->n++;
	while (i > 0 && h->less(e, AT(h, (i - 1) / 2))) {
		memcpy(AT(h, i), AT(h, (i - 1) / 2), h->size);
		i = (i - 1) / 2;
	}
	memcpy(AT(h, i), e, h->size);
}

void
rt_heap_pop(struct rt_heap *h, void *out)
{
	char *last;
	size_t i = 0, c;

	if (out)
		memcpy(out, AT(h, 0), h->size);
	last = AT(h, h->cap);	/* the spare slot */
	memcpy(last, AT(h, --h->n), h->size);
	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->less(AT(h, c + 1), AT(h, c)))
			c++;
		if (!h->less(AT(h, c), last))
			break;
		memcpy(AT(h, i), AT(h, c), h->size);
		i = c;
	}
	if (h->n)
		memcpy(AT(h, i), last, h->size);
}
