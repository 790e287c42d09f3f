/*
 * t_bigstack.c - a call on the big stack: recursion far deeper than the
 * process's stack allows, nested calls, a return to the caller's stack.
 */
#include "bigstack.h"

#include <string.h>

#include "tap.h"

/* A frame of about 100 bytes, a million deep: 100 MB of stack. */
static unsigned long
deep(unsigned long n)
{
	volatile char pad[80];

	memset((char *)pad, (int)(n & 0xff), sizeof pad);
	return n == 0 ? 0 : 1 + deep(n - 1) + (pad[n % 80] != (char)(n & 0xff));
}

static unsigned long got;

static void
run_deep(void *arg)
{
	got = deep(*(unsigned long *)arg);
}

static void
nested(void *arg)
{
	unsigned long n = 1000;

	rt_bigstack_call(run_deep, &n);
	*(int *)arg = got == 1000;
}

int
main(void)
{
	unsigned long n = 1000000;
	int inner = 0;

	if (!rt_bigstack_active()) {
		skip("no big stack on this machine");
		return done_testing();
	}
	rt_bigstack_call(run_deep, &n);
	ok(got == n, "a million frames deep: %lu", got);
	rt_bigstack_call(nested, &inner);
	ok(inner, "a call from the big stack runs on it");
	rt_bigstack_trim();
	got = 0;
	rt_bigstack_call(run_deep, &n);
	ok(got == n, "again after a trim");
	return done_testing();
}
