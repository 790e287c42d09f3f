/*
 * t_fcheck.c - field names that never occur (lib/fcheck.c): slots up to
 * RT_FCHECK_MAX, then -1; the verdict due at exactly the RT_FCHECK_N-th
 * record and only once; sightings not counted after it; the unseen names
 * in order with their options, none before any record was looked at.
 */
#include <stdio.h>
#include <string.h>

#include "fcheck.h"
#include "tap.h"

/* The unseen names as "opt name|...". */
static const char *
unseen(const struct rt_fcheck *f)
{
	static char b[512];
	const char *name, *opt;
	int i = 0;

	b[0] = '\0';
	while ((name = rt_fcheck_unseen(f, &i, &opt)) != NULL)
		snprintf(b + strlen(b), sizeof b - strlen(b), "%s %s|", opt,
		    name);
	return b;
}

int
main(void)
{
	static const char *const names[] = { "n0", "n1", "n2", "n3", "n4", "n5",
	    "n6", "n7", "n8", "n9", "n10", "n11", "n12", "n13", "n14", "n15" };
	struct rt_fcheck f;
	int slots = 1, due = 0, dueat = 0;

	memset(&f, 0, sizeof f);
	ok(rt_fcheck_add(&f, "-k", "card") == 0 &&
	    rt_fcheck_add(&f, "--time", "ts") == 1 &&
	    rt_fcheck_add(&f, "-k", "amount") == 2, "slots 0, 1, 2");
	is_str(unseen(&f), "", "no record looked at: no verdict");
	/* As the tools do: the record's fields seen, then the look. */
	for (int i = 1; i <= 2 * RT_FCHECK_N; i++) {
		if (i % 2 == 0)
			rt_fcheck_saw(&f, 0);
		if (i == 2 * RT_FCHECK_N)
			rt_fcheck_saw(&f, 2);	/* after the verdict */
		rt_fcheck_saw(&f, -1);		/* a name not checked */
		if (rt_fcheck_look(&f)) {
			due++;
			dueat = i;
			f.told = 1;	/* what rt_cli_fcheck does */
		}
	}
	ok(due == 1 && dueat == RT_FCHECK_N, "the verdict is due once, at "
	    "record %d (%d)", RT_FCHECK_N, dueat);
	ok(f.looked == RT_FCHECK_N && f.seen[0] == RT_FCHECK_N / 2 &&
	    f.seen[2] == 0, "nothing counted after the verdict");
	is_str(unseen(&f), "--time ts|-k amount|", "the names never seen, in "
	    "order, with their options");

	memset(&f, 0, sizeof f);
	for (int i = 0; i < RT_FCHECK_MAX; i++)
		slots &= rt_fcheck_add(&f, "-k", names[i]) == i;
	ok(slots, "%d names get slots", RT_FCHECK_MAX);
	ok(rt_fcheck_add(&f, "-k", "one-more") == -1 && f.n == RT_FCHECK_MAX,
	    "the next one: -1, unchecked");
	rt_fcheck_look(&f);
	for (int i = 0; i < RT_FCHECK_MAX; i++)
		if (i != 7)
			rt_fcheck_saw(&f, i);
	is_str(unseen(&f), "-k n7|", "one record: only n7 is unseen");
	{
		int i = 8;
		const char *opt;

		ok(rt_fcheck_unseen(&f, &i, &opt) == NULL && i == RT_FCHECK_MAX,
		    "from past it: none, *i at the end");
	}
	return done_testing();
}
