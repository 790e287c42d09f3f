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

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

void
rt_seen_save(const struct rt_seen *s, struct rt_buf *b)
{
	uint64_t k;
	size_t n;
	const char *id;

	rt_buf_printf(b, "seen %zu %lld\n", s->n, (long long)s->maxt);
	for (k = s->head; k < s->head + s->n; k++) {
		const struct rt_seen_ent *e = ent(s, k);

		id = rt_map_key(&s->map, e->id, &n);
		rt_buf_printf(b, "%lld %zu ", (long long)e->t, n);
		rt_buf_add(b, id, n);
		rt_buf_addc(b, '\n');
	}
}

/* A decimal integer at *p (before end), then one byte sep.  0 or -1. */
static int
load_int(const char **p, const char *end, char sep, long long *v)
{
	char buf[32], *e;
	size_t i = 0;

	while (*p + i < end && i < sizeof buf - 1 && (*p)[i] != sep)
		i++;
	if (*p + i >= end || i == 0 || (*p)[i] != sep)
		return -1;
	memcpy(buf, *p, i);
	buf[i] = '\0';
	errno = 0;
	*v = strtoll(buf, &e, 10);
	if (errno || *e)
		return -1;
	*p += i + 1;
	return 0;
}

/* One kept record: "T LEN bytes\n". */
static const char *
load_ent(struct rt_seen *s, const char **p, const char *end)
{
	long long t, len;
	uint32_t id;
	int isnew;

	if (load_int(p, end, ' ', &t) == -1 || load_int(p, end, ' ', &len) == -1 ||
	    len < 0 || len >= end - *p || (*p)[len] != '\n')
		return "malformed seen ids";
	if (s->window && t > s->maxt)
		return "a seen id is newer than the newest time";
	id = rt_map_put(&s->map, *p, (size_t)len, rt_hash(*p, (size_t)len),
	    &isnew);
	if (id >= s->capid) {
		s->capid = rt_map_idcap(&s->map) * 2;
		s->first = rt_xreallocarray(s->first, s->capid,
		    sizeof *s->first);
		s->last = rt_xreallocarray(s->last, s->capid, sizeof *s->last);
	}
	if (isnew)
		s->first[id] = NONE;
	else if (s->window == 0)
		return "a seen id twice";
	ring_push(s, id, (int64_t)t);
	*p += len + 1;
	return NULL;
}

const char *
rt_seen_load(struct rt_seen *s, const char *p, size_t n)
{
	const char *end = p + n, *why;
	long long count, maxt, i;

	if (n < 5 || memcmp(p, "seen ", 5) != 0)
		return "malformed seen ids";
	p += 5;
	if (load_int(&p, end, ' ', &count) == -1 ||
	    load_int(&p, end, '\n', &maxt) == -1 || count < 0)
		return "malformed seen ids";
	if ((unsigned long long)count > s->max)
		return "more seen ids than --dedupe-max";
	if (s->window == 0 && maxt != INT64_MIN)
		return "malformed seen ids";
	s->maxt = (int64_t)maxt;
	for (i = 0; i < count; i++)
		if ((why = load_ent(s, &p, end)) != NULL)
			return why;
	if (p != end)
		return "malformed seen ids";
	return NULL;
}
