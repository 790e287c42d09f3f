/*
 * alert_supp.c - rt-alert's suppression per key, in event time (see
 * alert.h): the keys in a map, their recency in a list (--max-keys, and
 * the order of the state file), and a heap of the times they may go.
 */
#include "alert.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static int
aexp_less(const void *x, const void *y)
{
	return ((const struct rt_aexp *)x)->exp <
	    ((const struct rt_aexp *)y)->exp;
}

void
rt_asupp_init(struct rt_asupp *s, int64_t dur, uint32_t max_keys)
{
	memset(s, 0, sizeof *s);
	s->dur = dur;
	s->max_keys = max_keys;
	rt_map_init(&s->keymap);
	s->lru_head = s->lru_tail = RT_MAP_NONE;
	rt_heap_init(&s->expiry, sizeof(struct rt_aexp), aexp_less);
}

void
rt_asupp_release(struct rt_asupp *s)
{
	rt_map_release(&s->keymap);
	rt_heap_release(&s->expiry);
	free(s->ta);
	free(s->supp);
	free(s->lprev);
	free(s->lnext);
}

static void
expire_at(struct rt_asupp *s, int64_t exp, uint32_t id)
{
	struct rt_aexp e = { exp, id };

	rt_heap_push(&s->expiry, &e);
}

/* Recency of the keys: a list through lprev/lnext, least recent first. */
static void
lru_unlink(struct rt_asupp *s, uint32_t id)
{
	if (s->lprev[id] != RT_MAP_NONE)
		s->lnext[s->lprev[id]] = s->lnext[id];
	else
		s->lru_head = s->lnext[id];
	if (s->lnext[id] != RT_MAP_NONE)
		s->lprev[s->lnext[id]] = s->lprev[id];
	else
		s->lru_tail = s->lprev[id];
}

static void
lru_push(struct rt_asupp *s, uint32_t id)
{
	s->lprev[id] = s->lru_tail;
	s->lnext[id] = RT_MAP_NONE;
	if (s->lru_tail != RT_MAP_NONE)
		s->lnext[s->lru_tail] = id;
	else
		s->lru_head = id;
	s->lru_tail = id;
}

static void
key_forget(struct rt_asupp *s, uint32_t id)
{
	lru_unlink(s, id);
	rt_map_del(&s->keymap, id);
	assert((s->lru_head == RT_MAP_NONE) == (s->keymap.count == 0));
}

/* Is expiry entry e still the one of its key (which has not alerted
 * again, nor gone)? */
static int
live_entry(const struct rt_asupp *s, const struct rt_aexp *e)
{
	return rt_map_live(&s->keymap, e->id) &&
	    s->ta[e->id] + s->dur == e->exp;
}

/* Expiry entries that no longer stand for their key (it alerted again,
 * or went): dropped when they outnumber the keys, so --max-keys bounds
 * the heap too. */
static void
expiry_sweep(struct rt_asupp *s)
{
	size_t n = s->expiry.n, k = 0;
	struct rt_aexp *v = rt_xreallocarray(NULL, n + 1, sizeof *v), e;

	while (s->expiry.n) {
		rt_heap_pop(&s->expiry, &e);
		if (live_entry(s, &e))
			v[k++] = e;
	}
	assert(k <= s->keymap.count);
	for (size_t i = 0; i < k; i++)
		rt_heap_push(&s->expiry, &v[i]);
	free(v);
}

static void
key_grow(struct rt_asupp *s, uint32_t id)
{
	uint32_t nc = s->cap ? s->cap : 1024;

	while (nc <= id)
		nc *= 2;
	s->ta = rt_xreallocarray(s->ta, nc, sizeof *s->ta);
	s->supp = rt_xreallocarray(s->supp, nc, sizeof *s->supp);
	s->lprev = rt_xreallocarray(s->lprev, nc, sizeof *s->lprev);
	s->lnext = rt_xreallocarray(s->lnext, nc, sizeof *s->lnext);
	s->cap = nc;
}

uint32_t
rt_asupp_key(struct rt_asupp *s, const char *k, size_t n, int *isnew)
{
	uint32_t id;

	if (k == NULL)
		k = "";
	id = rt_map_put(&s->keymap, k, n, rt_hash(k, n), isnew);
	if (id >= s->cap)
		key_grow(s, id);
	assert(id < s->cap);
	if (*isnew) {
		s->ta[id] = INT64_MIN;
		s->supp[id] = 0;
		lru_push(s, id);
		if (s->max_keys && s->keymap.count > s->max_keys) {
			key_forget(s, s->lru_head);
			s->evicted++;
		}
	} else if (s->max_keys && s->lru_tail != id) {
		lru_unlink(s, id);
		lru_push(s, id);
	}
	assert(s->max_keys == 0 || s->keymap.count <= s->max_keys);
	assert(s->lru_tail == id || !s->max_keys);
	if (s->expiry.n > 2 * (size_t)s->keymap.count + 1024)
		expiry_sweep(s);
	return id;
}

int
rt_asupp_test(struct rt_asupp *s, uint32_t id, int64_t t, uint64_t *pending)
{
	assert(rt_map_live(&s->keymap, id) && s->dur > 0);
	if (s->ta[id] != INT64_MIN &&
	    (t > s->ta[id] ? t - s->ta[id] : s->ta[id] - t) < s->dur) {
		s->supp[id]++;
		return 1;
	}
	*pending = s->supp[id];
	s->supp[id] = 0;
	if (s->ta[id] == INT64_MIN || t > s->ta[id])
		s->ta[id] = t;
	/* The key may go once the watermark passes ta + DUR with no
	 * suppressed count pending. */
	expire_at(s, s->ta[id] + s->dur, id);
	return 0;
}

void
rt_asupp_expire(struct rt_asupp *s, int64_t wm)
{
	while (s->expiry.n &&
	    ((struct rt_aexp *)rt_heap_top(&s->expiry))->exp <= wm) {
		struct rt_aexp e;

		rt_heap_pop(&s->expiry, &e);
		if (!live_entry(s, &e))
			continue;	/* stale: the key alerted again */
		if (s->supp[e.id])
			continue;	/* its count waits for the next alert */
		key_forget(s, e.id);
	}
}

int
rt_asupp_load(struct rt_asupp *s, const char *k, size_t n, int64_t ta,
    uint64_t supp)
{
	int isnew;
	uint32_t id = rt_asupp_key(s, k, n, &isnew);

	if (!isnew)
		return -1;
	s->ta[id] = ta;
	s->supp[id] = supp;
	expire_at(s, ta + s->dur, id);
	return 0;
}
