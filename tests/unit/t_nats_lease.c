/*
 * t_nats_lease.c - who may take a lease: free, expired, damaged, one's
 * own; another worker's lease that has not expired is not takeable.
 */
#include <string.h>

#include "nats_lease.h"
#include "tap.h"

static int
can(const char *v, const char *me, int64_t now)
{
	return rt_nlease_takeable(v, strlen(v), me, now);
}

int
main(void)
{
	char v[64];

	ok(can("free", "b", 0), "a free lease");
	ok(!can("a 1000", "b", 999), "a's lease before it expires");
	ok(!can("a 1000", "b", 1000), "a's lease at its expiry");
	ok(can("a 1000", "b", 1001), "a's lease after it expired");
	ok(can("a 1000", "a", 0), "one's own lease");
	ok(!can("a 1000", "aa", 0), "a prefix of the owner is not the owner");
	ok(!can("host one.1 5000", "b", 10), "owners with spaces");
	ok(can("garbage", "b", 0) && can("", "b", 0) && can("a x", "b", 0),
	    "damaged values are takeable");
	rt_nlease_value(v, sizeof v, "w1", 123456);
	ok(strcmp(v, "w1 123456") == 0, "value '%s'", v);
	ok(rt_nlease_wall_ms() > 1600000000000LL, "a wall clock in ms");
	return done_testing();
}
