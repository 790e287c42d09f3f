/*
 * seen.c - ids seen, in bounded memory (see seen.h).
 */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

void
rt_seen_init(struct rt_seen *s, size_t max, int64_t window)
{
	memset(s, 0, sizeof *s);
	rt_map_init(&s->map);
	s->max = max ? max : RT_SEEN_MAX_DEFAULT;
	s->window = window;
	s->maxt = INT64_MIN;
}

void
rt_seen_release(struct rt_seen *s)
{
	rt_map_release(&s->map);
	free(s->t);
	free(s->ring);
	memset(s, 0, sizeof *s);
}

static void
ring_push(struct rt_seen *s, uint32_t id)
{
	if (s->n == s->ringcap) {
		size_t cap = s->ringcap ? s->ringcap * 2 : 1024, i;
		uint32_t *r = rt_xreallocarray(NULL, cap, sizeof *r);

		for (i = 0; i < s->n; i++)
			r[i] = s->ring[(s->head + i) % s->ringcap];
		free(s->ring);
		s->ring = r;
		s->ringcap = cap;
		s->head = 0;
	}
	s->ring[(s->head + s->n) % s->ringcap] = id;
	s->n++;
}

static void
ring_pop(struct rt_seen *s)
{
	rt_map_del(&s->map, s->ring[s->head]);
	s->head = (s->head + 1) % s->ringcap;
	s->n--;
}

/* Forget ids beyond the count, and ids whose time fell out of the window
 * (from the oldest kept, as far as they are in order). */
static void
evict(struct rt_seen *s)
{
	while (s->n > s->max)
		ring_pop(s);
	if (s->window == 0)
		return;
	while (s->n > 0 && s->t[s->ring[s->head]] < s->maxt - s->window)
		ring_pop(s);
}

int
rt_seen_check(struct rt_seen *s, const void *idp, size_t n, int64_t t)
{
	uint64_t h = rt_hash(idp, n);
	int isnew;
	uint32_t id;

	if (s->window && t > s->maxt)
		s->maxt = t;
	id = rt_map_put(&s->map, idp, n, h, &isnew);
	if (id >= s->capt) {
		s->capt = rt_map_idcap(&s->map) * 2;
		s->t = rt_xreallocarray(s->t, s->capt, sizeof *s->t);
	}
	if (!isnew) {
		int64_t d = t - s->t[id];

		if (s->window == 0 || (d <= s->window && d >= -s->window))
			return 1;
		s->t[id] = t;	/* seen before, but long ago: keep it */
		return 0;
	}
	s->t[id] = t;
	ring_push(s, id);
	evict(s);
	return 0;
}
