/*
 * fuzz_seen.c - rt-clean's --state memory (rt_seen_load in lib/seen.c) on
 * any bytes.  The first byte picks --dedupe-max and --dedupe-window.
 * Checks: no crash; what loads saves to text that loads again and saves
 * the same; the loaded set still answers rt_seen_check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "seen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_seen s, t;
	struct rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;
	size_t max;
	int64_t window;

	if (size < 1)
		return 0;
	max = 1 + data[0] % 8;
	window = (data[0] & 0x80) ? 60000000 : 0;
	rt_seen_init(&s, max, window);
	if (rt_seen_load(&s, (const char *)data + 1, size - 1) == NULL) {
		rt_seen_save(&s, &a);
		rt_seen_init(&t, max, window);
		if (rt_seen_load(&t, a.p, a.len) != NULL)
			abort();
		rt_seen_save(&t, &b);
		if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
			abort();
		(void)rt_seen_check(&t, "x", 1, 0);
		(void)rt_seen_check(&t, "x", 1, INT64_MAX / 2);
		rt_seen_release(&t);
	}
	rt_seen_release(&s);
	rt_buf_release(&a);
	rt_buf_release(&b);
	return 0;
}
