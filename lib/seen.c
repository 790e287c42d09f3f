/*
 * seen.c - ids seen, in bounded memory (see seen.h).
 *
 * Every kept record is an entry (id, event time) in a ring, oldest
 * first; the entries of one id are chained from its oldest to its
 * newest, so a record is checked against every kept record of its id
 * (out-of-order records included), and the ring's head is always the
 * oldest entry of its own id.  Entries are named by sequence number;
 * entry k lives in slot k % cap.
 */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define NONE UINT64_MAX

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
	free(s->first);
	free(s->last);
	free(s->ring);
	memset(s, 0, sizeof *s);
}

static struct rt_seen_ent *
ent(const struct rt_seen *s, uint64_t k)
{
	return &s->ring[k % s->ringcap];
}

static void
ring_push(struct rt_seen *s, uint32_t id, int64_t t)
{
	struct rt_seen_ent *e;
	uint64_t k;

	if (s->n == s->ringcap) {
		size_t cap = s->ringcap ? s->ringcap * 2 : 1024;
		struct rt_seen_ent *r = rt_xreallocarray(NULL, cap, sizeof *r);

		for (k = s->head; k < s->head + s->n; k++)
			r[k % cap] = *ent(s, k);
		free(s->ring);
		s->ring = r;
		s->ringcap = cap;
	}
	k = s->head + s->n++;
	e = ent(s, k);
	e->id = id;
	e->t = t;
	e->next = NONE;
	if (s->first[id] == NONE)
		s->first[id] = k;
	else
		ent(s, s->last[id])->next = k;
	s->last[id] = k;
}

/* Forget the oldest entry, and its id when it was the id's last. */
static void
ring_pop(struct rt_seen *s)
{
	struct rt_seen_ent *e = ent(s, s->head);

	s->first[e->id] = e->next;
	if (e->next == NONE)
		rt_map_del(&s->map, e->id);
	s->head++;
	s->n--;
}

/* Forget entries beyond the count, and entries older than two windows
 * behind the newest event time (from the oldest kept, as far as they
 * are in order): a record up to one window late still finds every
 * entry it could duplicate. */
static void
evict(struct rt_seen *s)
{
	while (s->n > s->max)
		ring_pop(s);
	if (s->window == 0)
		return;
	while (s->n > 0 && ent(s, s->head)->t < s->maxt - 2 * s->window)
		ring_pop(s);
}

int
rt_seen_check(struct rt_seen *s, const void *idp, size_t n, int64_t t)
{
	uint64_t h = rt_hash(idp, n), k;
	int isnew;
	uint32_t id;

	if (s->window && t > s->maxt)
		s->maxt = t;
	id = rt_map_put(&s->map, idp, n, h, &isnew);
	if (id >= s->capid) {
		s->capid = rt_map_idcap(&s->map) * 2;
		s->first = rt_xreallocarray(s->first, s->capid,
		    sizeof *s->first);
		s->last = rt_xreallocarray(s->last, s->capid, sizeof *s->last);
	}
	if (isnew)
		s->first[id] = NONE;
	else if (s->window == 0)
		return 1;
	else
		for (k = s->first[id]; k != NONE; k = ent(s, k)->next) {
			int64_t d = t - ent(s, k)->t;

			if (d <= s->window && d >= -s->window)
				return 1;
		}
	ring_push(s, id, t);
	evict(s);
	return 0;
}
