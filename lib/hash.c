/*
 * hash.c - hash function and byte-string map (see hash.h).
 *
 * Linear probing with at most half the slots used; deletion shifts the
 * following run back instead of leaving tombstones, so lookups stay short
 * under churn (dedupe and window keys come and go all the time).
 */
#include "hash.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define K1 0x9E3779B97F4A7C15ULL
#define K2 0xC2B2AE3D27D4EB4FULL

static inline uint64_t
rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 29;
	h *= K1;
	h ^= h >> 32;
	return h;
}

uint64_t
rt_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = K1 ^ (n * K2), w;
	size_t all = n;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = rotl(h ^ (w * K2), 31) * K1;
		s += 8;
		n -= 8;
	}
	/* The last n bytes as a little-endian number (what memcpy into a
	 * zeroed word gives), without a copy of variable length: whole
	 * loads that overlap, shifted into place. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 0) {
		w = 0;
	} else if (all >= 8) {
		memcpy(&w, s + n - 8, 8);
		w >>= 8 * (8 - n);
	} else if (n >= 4) {
		uint32_t lo, hi;

		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		w = lo | (uint64_t)hi << 8 * (n - 4);
	} else {
		w = s[0] | (uint64_t)s[n / 2] << 8 * (n / 2) |
		    (uint64_t)s[n - 1] << 8 * (n - 1);
	}
#else
	w = 0;
	memcpy(&w, s, n);
#endif
	h = rotl(h ^ (w * K2), 27) * K1;
	return mix(h);
}

void
rt_map_init_data(struct rt_map *m, size_t datasize)
{
	memset(m, 0, sizeof *m);
	m->mask = 15;
	m->slot = rt_xtable(m->mask + 1, sizeof *m->slot);
	memset(m->slot, 0, (m->mask + 1) * sizeof *m->slot);
	m->stride = (sizeof(struct rt_map_ent) + datasize + 7) & ~(size_t)7;
	/* An id in whole cache lines when it is close to their size. */
	if (datasize && m->stride > 48)
		m->stride = (m->stride + 63) & ~(size_t)63;
}

void
rt_map_init(struct rt_map *m)
{
	rt_map_init_data(m, 0);
}

#define ENT(m, id) rt_map_ent_(m, id)

static const char *
ent_key(const struct rt_map_ent *e)
{
	return e->len <= RT_MAP_INLINE ? e->key.in : e->key.heap;
}

void
rt_map_release(struct rt_map *m)
{
	uint32_t i;

	for (i = 0; i < m->nid; i++)
		if (ENT(m, i)->live && ENT(m, i)->len > RT_MAP_INLINE)
			free(ENT(m, i)->key.heap);
	rt_table_free(m->slot, m->mask + 1, sizeof *m->slot);
	rt_table_free(m->ent, m->capid, m->stride);
	free(m->freeid);
	memset(m, 0, sizeof *m);
}

static inline uint64_t
tag(uint64_t h)
{
	return h & 0xFFFFFFFF00000000ULL;
}

uint32_t
rt_map_find(const struct rt_map *m, const void *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;; i = (i + 1) & m->mask) {
		uint64_t s = m->slot[i];
		const struct rt_map_ent *e;

		if (s == 0)
			return RT_MAP_NONE;
		if ((s & 0xFFFFFFFF00000000ULL) != tag(h))
			continue;
		e = ENT(m, (uint32_t)s - 1);
		if (e->len == n && rt_bytes_eq(ent_key(e), k, n))
			return (uint32_t)s - 1;
	}
}

uint32_t
rt_map_guess(const struct rt_map *m, uint64_t h)
{
	size_t i = (size_t)h & m->mask;

	for (;; i = (i + 1) & m->mask) {
		uint64_t s = m->slot[i];

		if (s == 0)
			return RT_MAP_NONE;
		if ((s & 0xFFFFFFFF00000000ULL) == tag(h))
			return (uint32_t)s - 1;
	}
}

void
rt_map_prefetch_ent(const struct rt_map *m, uint64_t h, size_t n)
{
#ifdef __GNUC__
	uint32_t id = rt_map_guess(m, h);
	const unsigned char *e = m->ent + (size_t)id * m->stride;

	if (id == RT_MAP_NONE)
		return;
	if (n > m->stride)
		n = m->stride;
	for (size_t o = 0; o < n; o += 64)
		__builtin_prefetch(e + o);
#else
	(void)m;
	(void)h;
	(void)n;
#endif
}

static void
map_place(struct rt_map *m, uint32_t id)
{
	uint64_t h = ENT(m, id)->hash;
	size_t i = (size_t)h & m->mask;

	while (m->slot[i] != 0)
		i = (i + 1) & m->mask;
	m->slot[i] = tag(h) | ((uint64_t)id + 1);
}

static void
map_grow(struct rt_map *m)
{
	size_t i, old = m->mask + 1;
	uint64_t *os = m->slot;

	m->mask = old * 2 - 1;
	m->slot = rt_xtable(m->mask + 1, sizeof *m->slot);
	memset(m->slot, 0, (m->mask + 1) * sizeof *m->slot);
	for (i = 0; i < old; i++)
		if (os[i])
			map_place(m, (uint32_t)os[i] - 1);
	rt_table_free(os, old, sizeof *os);
}

uint32_t
rt_map_put(struct rt_map *m, const void *k, size_t n, uint64_t h, int *isnew)
{
	uint32_t id = rt_map_find(m, k, n, h);
	struct rt_map_ent *e;

	*isnew = id == RT_MAP_NONE;
	if (!*isnew)
		return id;
	if ((size_t)(m->count + 1) * 2 > m->mask + 1)
		map_grow(m);
	if (m->nfree > 0) {
		id = m->freeid[--m->nfree];
	} else {
		if (m->nid == m->capid) {
			uint32_t oc = m->capid;

			m->capid = m->capid ? m->capid * 2 : 16;
			m->ent = rt_xtable_grow(m->ent, oc, m->capid,
			    m->stride);
			/* Every id can be free at once: size them alike. */
			m->freeid = rt_xreallocarray(m->freeid, m->capid,
			    sizeof *m->freeid);
		}
		id = m->nid++;
	}
	e = ENT(m, id);
	e->hash = h;
	e->len = (uint32_t)n;
	e->live = 1;
	if (n <= RT_MAP_INLINE)
		memcpy(e->key.in, k, n);
	else
		e->key.heap = rt_xmemdup(k, n);
	map_place(m, id);
	m->count++;
	return id;
}

void
rt_map_del(struct rt_map *m, uint32_t id)
{
	struct rt_map_ent *e = ENT(m, id);
	size_t i = (size_t)e->hash & m->mask, j;

	while ((uint32_t)m->slot[i] - 1 != id)
		i = (i + 1) & m->mask;
	/* Shift back the entries whose probe run passes through slot i. */
	for (j = (i + 1) & m->mask; m->slot[j] != 0; j = (j + 1) & m->mask) {
		size_t home = (size_t)ENT(m, (uint32_t)m->slot[j] - 1)->hash &
		    m->mask;

		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i] = 0;
	if (e->len > RT_MAP_INLINE)
		free(e->key.heap);
	e->live = 0;
	e->len = 0;
	m->freeid[m->nfree++] = id;
	m->count--;
}

const char *
rt_map_key(const struct rt_map *m, uint32_t id, size_t *n)
{
	*n = ENT(m, id)->len;
	return ent_key(ENT(m, id));
}
