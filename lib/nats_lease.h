/*
 * nats_lease.h - partitions shared by workers through leases in a
 * JetStream key-value bucket: key p<P> holds "<worker> <expiry ms>" (or
 * "free"); a worker takes a free or expired lease with compare-and-set
 * on the revision, renews it the same way, and treats it as lost when a
 * renewal fails or has not succeeded within the lease less a margin.
 * Workers say they are alive under w.<worker>, so each can take its
 * share.  Expiry is read on the wall clock: hosts' clocks must agree to
 * well within the lease.  rtpipe(7), "Running on several machines".
 */
#ifndef RT_NATS_LEASE_H
#define RT_NATS_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

/* Pure: may me take a lease whose value is v[0, n) at wall time now_ms?
 * 1 when it is free, expired, damaged or already me's. */
int rt_nlease_takeable(const char *v, size_t n, const char *me,
    int64_t now_ms);
/* The value "<me> <expiry ms>" into out (len bytes). */
void rt_nlease_value(char *out, size_t len, const char *me,
    int64_t expiry_ms);

struct rt_nlease {
	uint64_t rev;		/* revision written last */
	int64_t valid_until;	/* rt_nconn_now() after which it is not
				 * ours any more, whatever the bucket says */
};

/* Take lease part: 1 taken (l set), 0 another worker holds it, -1
 * trouble.  lease_us is the lease's length. */
int rt_nlease_take(kvStore *kv, uint32_t part, const char *me,
    int64_t lease_us, struct rt_nlease *l);
/* Renew: 1 renewed, 0 lost (another owner), -1 trouble (try again: the
 * lease stays valid until l->valid_until). */
int rt_nlease_renew(kvStore *kv, uint32_t part, const char *me,
    int64_t lease_us, struct rt_nlease *l);
/* Give it up ("free", compare-and-set): 0, or -1. */
int rt_nlease_release(kvStore *kv, uint32_t part, struct rt_nlease *l);

/* Say me is alive for lease_us more; count the workers alive (me
 * included) into *n.  0, or -1. */
int rt_nlease_alive(kvStore *kv, const char *me, int64_t lease_us, int *n);
/* me stops: its w.<me> key goes.  0, or -1. */
int rt_nlease_leave(kvStore *kv, const char *me);

/* Wall clock, ms since the epoch. */
int64_t rt_nlease_wall_ms(void);

#endif
