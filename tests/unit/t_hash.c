/*
 * t_hash.c - rt_hash (lib/hash.c) reads the tail of a key with overlapping
 * whole-word loads; its values must stay those of the plain definition
 * below (state files carry a hash of the configuration, and maps' orders
 * follow it), for every length and every alignment.
 */
#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "tap.h"

#define K1 0x9E3779B97F4A7C15ULL
#define K2 0xC2B2AE3D27D4EB4FULL

static uint64_t
rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/* The definition: 8-byte words, then the rest copied into a zeroed
 * word, then a final mix. */
static uint64_t
plain_hash(const unsigned char *s, size_t n)
{
	uint64_t h = K1 ^ (n * K2), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = rotl(h ^ (w * K2), 31) * K1;
	}
	w = 0;
	memcpy(&w, s, n);
	h = rotl(h ^ (w * K2), 27) * K1;
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 29;
	h *= K1;
	h ^= h >> 32;
	return h;
}

int
main(void)
{
	unsigned char buf[96];
	unsigned r = 7;
	int bad = 0, cases = 0;

	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof buf; i++) {
			r = r * 1103515245u + 12345u;
			buf[i] = (unsigned char)(r >> 16);
		}
		for (size_t off = 0; off < 8; off++)
			for (size_t n = 0; n <= 64; n++, cases++)
				if (rt_hash(buf + off, n) !=
				    plain_hash(buf + off, n))
					bad++;
	}
	ok(bad == 0, "rt_hash equals the definition on %d keys of 0 to 64 "
	    "bytes at 8 alignments (%d differ)", cases, bad);
	ok(rt_hash("", 0) != rt_hash("\0", 1) &&
	    rt_hash("a", 1) != rt_hash("a\0", 2),
	    "a trailing NUL changes the hash (the length is mixed in)");
	return done_testing();
}
