/*
 * hash.h - a hash function and an open-addressing map from byte strings
 * (keys: card ids, composite window keys) to dense integer ids, so that a
 * tool keeps per-key state in plain arrays indexed by id.
 */
#ifndef RT_HASH_H
#define RT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit hash of p[0, n) (not cryptographic; stable across runs, so
 * state files and outputs do not depend on it). */
uint64_t rt_hash(const void *p, size_t n);

#define RT_MAP_NONE UINT32_MAX
#define RT_MAP_INLINE 16	/* keys up to this long are stored inline */

struct rt_map_ent {
	uint64_t hash;
	uint32_t len;
	uint32_t live;
	union {
		char in[RT_MAP_INLINE];
		char *heap;
	} key;
};

/*
 * The map owns copies of its keys.  Ids are dense: 0 .. rt_map_idcap()-1,
 * reused after deletion, so callers can size parallel arrays by idcap, or
 * keep per-key data in the map itself (rt_map_init_data): then a key and
 * its data share cache lines, and a lookup that has compared the key has
 * already brought in the data.
 */
struct rt_map {
	uint64_t *slot;		/* 0 empty, else hash high bits | (id + 1) */
	size_t mask;
	unsigned char *ent;	/* by id: struct rt_map_ent, then data */
	size_t stride;		/* bytes per id */
	uint32_t nid;		/* ids handed out (high-water mark) */
	uint32_t capid;
	uint32_t count;		/* live keys */
	uint32_t *freeid;	/* deleted ids, for reuse */
	uint32_t nfree;
};

void rt_map_init(struct rt_map *m);
/* A map with datasize bytes of data per id (zeroed when the id is first
 * handed out; a deleted id's data stays as it was, for its next key). */
void rt_map_init_data(struct rt_map *m, size_t datasize);
void rt_map_release(struct rt_map *m);

/* Id of key, or RT_MAP_NONE.  h must be rt_hash(k, n). */
uint32_t rt_map_find(const struct rt_map *m, const void *k, size_t n,
    uint64_t h);
/* Id of key, inserting it if absent (*isnew says which). */
uint32_t rt_map_put(struct rt_map *m, const void *k, size_t n, uint64_t h,
    int *isnew);
/* Forget id (it will be handed out again). */
void rt_map_del(struct rt_map *m, uint32_t id);
/* The key of a live id. */
const char *rt_map_key(const struct rt_map *m, uint32_t id, size_t *n);

static inline uint32_t
rt_map_idcap(const struct rt_map *m)
{
	return m->nid;
}

static inline struct rt_map_ent *
rt_map_ent_(const struct rt_map *m, uint32_t id)
{
	return (struct rt_map_ent *)(void *)(m->ent + (size_t)id * m->stride);
}

static inline int
rt_map_live(const struct rt_map *m, uint32_t id)
{
	return id < m->nid && rt_map_ent_(m, id)->live;
}

/* Hints, for a caller that knows the keys it will look up next: start
 * loading the slot of hash h; later, with that slot loaded, the first
 * bytes (up to n) of the entry whose tag matches h. */
static inline void
rt_map_prefetch(const struct rt_map *m, uint64_t h)
{
#ifdef __GNUC__
	__builtin_prefetch(&m->slot[(size_t)h & m->mask]);
#else
	(void)m;
	(void)h;
#endif
}

void rt_map_prefetch_ent(const struct rt_map *m, uint64_t h, size_t n);
/* For such hints: the first id whose tag matches h (probably its key, not
 * compared), or RT_MAP_NONE. */
uint32_t rt_map_guess(const struct rt_map *m, uint64_t h);

/* The data of id (rt_map_init_data).  It moves when the map grows. */
static inline void *
rt_map_data(const struct rt_map *m, uint32_t id)
{
	return m->ent + (size_t)id * m->stride + sizeof(struct rt_map_ent);
}

#endif
