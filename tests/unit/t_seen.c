/*
 * t_seen.c - the dedupe set: counts, windows, out-of-order records, and
 * a brute-force oracle on random input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seen.h"
#include "tap.h"

#define S 1000000LL		/* a second in microseconds */

static int
check(struct rt_seen *s, const char *id, int64_t t)
{
	return rt_seen_check(s, id, strlen(id), t);
}

int
main(void)
{
	struct rt_seen s;
	int i, bad;

	/* Without a window: every later record of an id is a duplicate. */
	rt_seen_init(&s, 0, 0);
	ok(check(&s, "a", 0) == 0, "first a kept");
	ok(check(&s, "b", 0) == 0, "first b kept");
	ok(check(&s, "a", 999 * S) == 1, "a again is a duplicate, whenever");
	rt_seen_release(&s);

	/* A count bound forgets the oldest id. */
	rt_seen_init(&s, 2, 0);
	check(&s, "a", 0);
	check(&s, "b", 0);
	check(&s, "c", 0);
	ok(check(&s, "a", 0) == 0, "a forgotten beyond the count, kept again");
	ok(check(&s, "c", 0) == 1, "c still remembered");
	rt_seen_release(&s);

	/* A window of 60 s, bounds inclusive, in both directions. */
	rt_seen_init(&s, 0, 60 * S);
	ok(check(&s, "a", 0) == 0, "a@0 kept");
	ok(check(&s, "a", 60 * S) == 1, "a@60 within the window");
	ok(check(&s, "a", 61 * S) == 0, "a@61 outside: kept");
	ok(check(&s, "a", 0) == 1, "a@0 again, late: the first kept matches");
	ok(check(&s, "a", 120 * S) == 1, "a@120: 59 s after a@61");
	ok(check(&s, "a", -60 * S) == 1, "a@-60: 60 s before a@0");
	ok(check(&s, "a", 122 * S) == 0, "a@122: 61 s after a@61: kept");
	rt_seen_release(&s);

	/* Oracle: random ids and times up to 30 s late, against a list of
	 * every kept record. */
	{
		enum { N = 20000 };
		static int64_t kt[N];
		static int kid[N];
		int nk = 0;
		int64_t now = 0, w = 10 * S;
		char id[16];

		srand(7);
		rt_seen_init(&s, 0, w);
		bad = 0;
		for (i = 0; i < N; i++) {
			int k = rand() % 50, want = 0, j;
			int64_t t;

			now += rand() % (2 * S);
			t = now - (int64_t)(rand() % (int)w);
			for (j = 0; j < nk; j++)
				if (kid[j] == k && t - kt[j] <= w &&
				    kt[j] - t <= w)
					want = 1;
			snprintf(id, sizeof id, "id%d", k);
			if (check(&s, id, t) != want)
				bad++;
			if (!want) {
				kid[nk] = k;
				kt[nk++] = t;
			}
		}
		ok(bad == 0, "random records up to a window late: %d of %d "
		    "decisions differ from the oracle", bad, N);
		rt_seen_release(&s);
	}
	return done_testing();
}
