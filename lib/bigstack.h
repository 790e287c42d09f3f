/*
 * bigstack.h - run a function on a stack of its own, large and committed
 * only as it is used: libjq 1.6 frees (and compares, and prints) nested
 * values recursively, so a condition that nests a value a million levels
 * deep within its budget (reduce range(1e9) as $x (null; [.])) would
 * overflow the 8 MiB stack of the process and crash it.
 * rt-classify(1), "Budget".
 */
#ifndef RT_BIGSTACK_H
#define RT_BIGSTACK_H

#include <stddef.h>

/* Its size: address space reserved once, pages given as touched. */
#define RT_BIGSTACK_SIZE ((size_t)4 << 30)

/*
 * Call fn(arg) on the big stack and return when it does.  Calls may nest
 * (a call made on the big stack runs on it directly).  Where the stack
 * cannot be had (no address space, an architecture without the switch),
 * fn runs on the caller's stack.  Not for several threads at once.
 */
void rt_bigstack_call(void (*fn)(void *), void *arg);

/* Give back the pages a deep call left behind (all but the top MiB of
 * the stack): after a rare deep run, not after every call. */
void rt_bigstack_trim(void);

/* Is the big stack in use (1), or does rt_bigstack_call fall back (0)? */
int rt_bigstack_active(void);

#endif
