/*
 * fuzz_merge.c - the event-time merge (lib/merge.c) driven by arbitrary
 * bytes: each byte pair is an operation (a record on an input with a time
 * step that may go back, a pin, an input's end, a quiet input, the clock
 * moving on) on up to 4 inputs with a delay and an idle timeout taken
 * from the first bytes.  Whatever the order, what comes out must be in
 * (time, input) order, never a record twice, each intact, and at the end
 * every record taken must have come out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

#define MAXREC 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[MAXREC][16], buf[4][16];
	static unsigned char seen[MAXREC];
	struct rt_merge *m;
	struct rt_mrec r;
	int64_t t[4] = { 0 }, now = 0, last_t = INT64_MIN;
	uint32_t last_in = 0;
	size_t i, n = 0, out = 0;
	int nin, ended[4] = { 0 };

	if (size < 3)
		return 0;
	nin = 1 + data[0] % 4;
	m = rt_merge_new(nin, (int64_t)(data[1] % 8) * 1000,
	    (int64_t)(data[2] % 4) * 5000, 0);
	memset(seen, 0, sizeof seen);
	for (i = 3; i + 1 < size && n < MAXREC; i += 2) {
		int in = data[i] % nin, op = (data[i] >> 2) % 8;
		int64_t step = (int64_t)(data[i + 1] % 16) * 500 - 2000;

		if (ended[in])
			continue;
		if (op < 5) {		/* a record, copied or a view */
			t[in] += step;
			snprintf(text[n], sizeof text[n], "%zu", n);
			rt_merge_pin(m, in);
			memcpy(buf[in], text[n], sizeof buf[in]);
			r.p = op < 3 ? buf[in] : text[n];
			r.len = strlen(text[n]);
			r.t = t[in];
			r.line = n;
			r.input = (uint32_t)in;
			r.aux = 0;
			if (rt_merge_add(m, &r, op == 4, now, NULL) ==
			    RT_MERGE_HELD)
				seen[n] = 1;
			n++;
		} else if (op == 5) {
			rt_merge_pin(m, in);
			rt_merge_end(m, in);
			ended[in] = 1;
		} else if (op == 6) {
			rt_merge_quiet(m, in);
		} else {
			now += (int64_t)data[i + 1] * 100;
		}
		(void)rt_merge_next(m, now);
		while (rt_merge_pop(m, now, 0, &r)) {
			char k[16];
			size_t id;

			snprintf(k, sizeof k, "%.*s", (int)r.len, r.p);
			id = strtoul(k, NULL, 10);
			if (id >= n || seen[id] != 1 || r.line != id ||
			    r.t < last_t || (r.t == last_t && r.input < last_in))
				abort();
			seen[id] = 2;
			last_t = r.t;
			last_in = r.input;
			out++;
		}
	}
	for (i = 0; i < 4; i++)
		rt_merge_pin(m, (int)i % nin);
	while (rt_merge_pop(m, now, 1, &r)) {
		char k[16];
		size_t id;

		snprintf(k, sizeof k, "%.*s", (int)r.len, r.p);
		id = strtoul(k, NULL, 10);
		if (id >= n || seen[id] != 1 || r.t < last_t)
			abort();
		seen[id] = 2;
		last_t = r.t;
	}
	for (i = 0; i < n; i++)
		if (seen[i] == 1)
			abort();
	rt_merge_free(m);
	return 0;
}
