/*
 * tsql.h - reference tables in SQLite: a query's rows loaded into a
 * table (table.h), or, for a table larger than memory, rows looked up
 * key by key with a prepared statement behind an LRU cache of the keys
 * looked up (found or not).  The database is opened read-only.
 * rt-join(1), "SQLite".
 */
#ifndef RT_TSQL_H
#define RT_TSQL_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

/* The rows of sql (or of every column of table tname) in the database
 * at path, into t (initialised here) as rt_table_load would: NULL, or a
 * message (t released). */
const char *rt_tsql_load(struct rt_table *t, const char *path,
    const char *sql, const char *tname, const struct rt_tspec *s);

struct rt_tsql;

/* Open path for lookups on the key columns of s, from sql (wrapped:
 * SELECT * FROM (sql) WHERE key = ?...) or table tname; cache keeps the
 * rows of that many keys.  The new handle, or NULL with *err (static
 * storage until the next call). */
struct rt_tsql *rt_tsql_open(const char *path, const char *sql,
    const char *tname, const struct rt_tspec *s, size_t cache,
    const char **err);
void rt_tsql_free(struct rt_tsql *q);

/* rt_join_lookup_fn (join.h): the rows of key (rt_tkey_part's encoding)
 * into *m, valid until the next lookup: 1, 0 when none, -1 when SQLite
 * failed (*err). */
int rt_tsql_lookup(void *q, const char *key, size_t klen,
    struct rt_tmatch *m, const char **err);

/* rt_join_prefetch_fn (join.h): start loading what the lookup of a key
 * of hash h will touch (stage 0: the cache's slot; 1: its entry). */
void rt_tsql_prefetch(void *q, uint64_t h, int stage);

/* The columns of the rows looked up. */
const struct rt_tcols *rt_tsql_cols(const struct rt_tsql *q);

/* Lookups answered from the cache, and by SQLite. */
void rt_tsql_counts(const struct rt_tsql *q, uint64_t *hits,
    uint64_t *misses);

#endif
