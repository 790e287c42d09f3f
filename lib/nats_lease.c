/*
 * nats_lease.c - partition leases in a key-value bucket; see
 * nats_lease.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nats_conn.h"
#include "nats_lease.h"

int64_t
rt_nlease_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rt_nlease_takeable(const char *v, size_t n, const char *me, int64_t now_ms)
{
	char s[256], *sp, *end;
	long long exp;
	size_t ml = strlen(me);

	if (n == 4 && memcmp(v, "free", 4) == 0)
		return 1;
	if (n == 0 || n >= sizeof s)
		return 1;
	memcpy(s, v, n);
	s[n] = '\0';
	if ((sp = strrchr(s, ' ')) == NULL)
		return 1;
	exp = strtoll(sp + 1, &end, 10);
	if (*end || end == sp + 1)
		return 1;
	if ((size_t)(sp - s) == ml && memcmp(s, me, ml) == 0)
		return 1;
	return now_ms > exp;
}

void
rt_nlease_value(char *out, size_t len, const char *me, int64_t expiry_ms)
{
	snprintf(out, len, "%s %" PRId64, me, expiry_ms);
}

static void
key_of(char *key, size_t len, uint32_t part)
{
	snprintf(key, len, "p%" PRIu32, part);
}

/* Write "<me> <expiry>" with compare-and-set on rev (0: create). */
static natsStatus
write_lease(kvStore *kv, const char *key, const char *me, int64_t lease_us,
    struct rt_nlease *l, uint64_t rev)
{
	char v[256];
	uint64_t nrev = 0;
	int64_t sent = rt_nconn_now();
	natsStatus s;

	rt_nlease_value(v, sizeof v, me, rt_nlease_wall_ms() + lease_us / 1000);
	if (rev == 0)
		s = kvStore_Create(&nrev, kv, key, v, (int)strlen(v));
	else
		s = kvStore_Update(&nrev, kv, key, v, (int)strlen(v), rev);
	if (s == NATS_OK) {
		l->rev = nrev;
		/* Counted from before the write; less a margin for the time
		 * the takers' clocks may differ from ours. */
		l->valid_until = sent + lease_us - lease_us / 5;
	}
	return s;
}

int
rt_nlease_take(kvStore *kv, uint32_t part, const char *me, int64_t lease_us,
    struct rt_nlease *l)
{
	char key[32];
	kvEntry *e = NULL;
	natsStatus s;
	uint64_t rev = 0;

	key_of(key, sizeof key, part);
	s = kvStore_Get(&e, kv, key);
	if (s != NATS_OK && s != NATS_NOT_FOUND)
		return -1;
	if (s == NATS_OK) {
		int k = rt_nlease_takeable(kvEntry_Value(e),
		    (size_t)kvEntry_ValueLen(e), me, rt_nlease_wall_ms());

		rev = kvEntry_Revision(e);
		kvEntry_Destroy(e);
		if (!k)
			return 0;
	}
	s = write_lease(kv, key, me, lease_us, l, rev);
	return s == NATS_OK ? 1 : 0;
}

int
rt_nlease_renew(kvStore *kv, uint32_t part, const char *me, int64_t lease_us,
    struct rt_nlease *l)
{
	char key[32];
	kvEntry *e = NULL;
	natsStatus s;
	uint64_t rev;

	key_of(key, sizeof key, part);
	if (write_lease(kv, key, me, lease_us, l, l->rev) == NATS_OK)
		return 1;
	/* Lost, or only the server's trouble? */
	s = kvStore_Get(&e, kv, key);
	if (s != NATS_OK)
		return s == NATS_NOT_FOUND ? 0 : -1;
	rev = kvEntry_Revision(e);
	kvEntry_Destroy(e);
	return rev == l->rev ? -1 : 0;
}

int
rt_nlease_release(kvStore *kv, uint32_t part, struct rt_nlease *l)
{
	char key[32];
	uint64_t nrev;

	key_of(key, sizeof key, part);
	l->valid_until = 0;
	return kvStore_Update(&nrev, kv, key, "free", 4, l->rev) == NATS_OK ?
	    0 : -1;
}

/*
 * The workers' keys are read by a watch of w.* alone, bounded in time:
 * kvStore_Keys watches the whole bucket, where the leases' renewals keep
 * coming, and waited for the end of the initial values with no bound
 * (a worker's main loop hung there, past SIGTERM and its leases).
 */
#define ALIVE_WAIT_MS 2000

int
rt_nlease_alive(kvStore *kv, const char *me, int64_t lease_us, int *n)
{
	char key[300], v[32];
	kvWatchOptions o;
	kvWatcher *w = NULL;
	kvEntry *e;
	int alive = 0, rc = -1;
	int64_t now = rt_nlease_wall_ms(), until = rt_nconn_now() +
	    ALIVE_WAIT_MS * 1000LL, left;

	snprintf(key, sizeof key, "w.%s", me);
	snprintf(v, sizeof v, "%" PRId64, now + lease_us / 1000);
	if (kvStore_PutString(NULL, kv, key, v) != NATS_OK)
		return -1;
	kvWatchOptions_Init(&o);
	o.IgnoreDeletes = true;
	if (kvStore_Watch(&w, kv, "w.*", &o) != NATS_OK)
		return -1;
	while ((left = (until - rt_nconn_now()) / 1000) > 0) {
		e = NULL;
		if (kvWatcher_Next(&e, w, left) != NATS_OK)
			break;
		if (e == NULL) {	/* the initial values are all in */
			rc = 0;
			break;
		}
		alive += strtoll(kvEntry_ValueString(e), NULL, 10) >= now;
		kvEntry_Destroy(e);
	}
	kvWatcher_Destroy(w);
	if (rc == 0)
		*n = alive > 0 ? alive : 1;
	return rc;
}

int
rt_nlease_leave(kvStore *kv, const char *me)
{
	char key[300];

	snprintf(key, sizeof key, "w.%s", me);
	return kvStore_Delete(kv, key) == NATS_OK ? 0 : -1;
}
