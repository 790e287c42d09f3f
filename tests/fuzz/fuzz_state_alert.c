/*
 * fuzz_state_alert.c - rt-alert's state reader (rt_astate_next,
 * lib/astate.c) on arbitrary bodies.  The first byte picks one of the
 * configurations the seed corpus was written with (tests/state/corpus.sh);
 * the rest is the body, without the header (whose checksum would stop the
 * fuzzer at the door).  A body the reader accepts must hold only values in
 * range, must write back (rt_astate_put) to a body it accepts again, and
 * that body must write back to itself.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astate.h"
#include "state.h"

#define MIN_US 60000000LL

static const struct rt_astate_conf confs[] = {
	{ 15 * MIN_US, 100000000LL, 0, 0, 2, 30 * MIN_US, 0 },
	{ 10 * MIN_US, 0, 5, 60 * MIN_US, 0, 0, 8 },
	{ 15 * MIN_US, 5 * MIN_US, 0, 0, 0, 0, 0 },
	{ 0, 0, 0, 0, 0, 0, 0 },
};
#define NCONF (sizeof confs / sizeof confs[0])

/* The values a line the reader accepted may hold. */
static void
check_line(const struct rt_astate_conf *c, const struct rt_aline *l,
    const struct rt_aline *clock)
{
	switch (l->tag) {
	case 't':
		if (!rt_state_time_ok(l->maxt) || l->have_t > 1 ||
		    l->have_closed > 1)
			abort();
		break;
	case 'k':
		if (!c->suppress || !rt_state_time_ok(l->ta) ||
		    l->ta > clock->maxt || l->supp > clock->seq)
			abort();
		break;
	case 'h':
	case 'p':
		if (!rt_state_time_ok(l->t) || l->t > clock->maxt ||
		    isnan(l->score) || l->hseq == 0 || l->hseq > clock->seq ||
		    l->len < 2 || l->json[0] != '{')
			abort();
		break;
	}
}

/* Read body p[0, n) with c, writing what was read to out; 0 if the
 * whole body was accepted. */
static int
read_all(const struct rt_astate_conf *c, const char *p, size_t n,
    struct rt_buf *out, int check)
{
	struct rt_aread r;
	struct rt_aline l, clock;
	int k;

	memset(&l, 0, sizeof l);
	memset(&clock, 0, sizeof clock);
	rt_astate_init(&r, p, n, c);
	while ((k = rt_astate_next(&r, &l)) == 1) {
		if (l.tag == 't')
			clock = l;
		if (check)
			check_line(c, &l, &clock);
		rt_astate_put(out, &l);
	}
	if (k == -1 && (r.err == NULL || strncmp(r.err, "damaged: line ", 14) != 0))
		abort();
	rt_astate_release(&r);
	rt_buf_release(&l.key);
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct rt_astate_conf *c;
	struct rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;
	int k;

	if (size < 1)
		return 0;
	c = &confs[data[0] % NCONF];
	k = read_all(c, (const char *)data + 1, size - 1, &a, 1);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "config %u: %s\n", data[0] % (unsigned)NCONF,
		    k == 0 ? "loaded" : "refused");
	if (k == 0) {
		/* Written back, read again, written back the same. */
		if (read_all(c, a.p ? a.p : "", a.len, &b, 1) != 0 ||
		    a.len != b.len || (a.len && memcmp(a.p, b.p, a.len) != 0))
			abort();
	}
	rt_buf_release(&a);
	rt_buf_release(&b);
	return 0;
}
