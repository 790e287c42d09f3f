/*
 * t_nats_ckpt.c - checkpoint blobs: state files and positions round
 * trip, locks and temporaries stay out, damage is refused, manifests;
 * packed (compressed) blobs round trip, earlier blobs load as they are,
 * damaged packed ones are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nats_ckpt.h"
#include "tap.h"

static void
put(const char *dir, const char *name, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	fwrite(text, 1, n, f);
	fclose(f);
}

static int
same(const char *dir, const char *name, const char *text, size_t n)
{
	char path[512], buf[256];
	FILE *f;
	size_t k;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	k = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return k == n && memcmp(buf, text, n) == 0;
}

/* Blobs of every size up to 70,000 bytes, compressible and not, packed
 * and unpacked again; the damaged ones refused. */
static void
packing(void)
{
	struct rt_buf raw, packed, back;
	uint64_t seed = 42;
	size_t n, i, j, bad = 0, refused = 0, smaller = 0, cand = 0;
	int kind;

	rt_buf_init(&raw);
	rt_buf_init(&packed);
	rt_buf_init(&back);
	for (i = 0; i < 300; i++) {
		n = (size_t)(tap_xorshift(&seed) % 70000);
		kind = (int)(i % 3);	/* text-like, random, zeros */
		raw.len = 0;
		for (j = 0; j < n; j++)
			rt_buf_addc(&raw, kind == 0 ? (char)('a' + j % 7) :
			    kind == 1 ? (char)tap_xorshift(&seed) : 0);
		packed.len = 0;
		if (rt_nckpt_pack(raw.p, raw.len, &packed) != 0 ||
		    rt_nckpt_unpack(packed.p, packed.len, &back) != NULL ||
		    back.len != raw.len || memcmp(back.p, raw.p, raw.len) != 0)
			bad++;
		if (kind != 1 && n > 1000) {
			cand++;
			smaller += packed.len < n / 4;
		}
		/* A byte changed in the frame, or the frame cut short. */
		if (packed.len > 20) {
			j = 16 + (size_t)(tap_xorshift(&seed) %
			    (packed.len - 16));
			packed.p[j] ^= 0x5a;
			if (rt_nckpt_unpack(packed.p, packed.len, &back) !=
			    NULL)
				refused++;
			else if (back.len != raw.len ||
			    memcmp(back.p, raw.p, raw.len) != 0)
				bad++;	/* damage that went through */
		}
	}
	ok(bad == 0, "300 blobs packed and unpacked (%zu bad)", bad);
	ok(cand > 150 && smaller == cand,
	    "compressible blobs shrink to a quarter (%zu of %zu)", smaller,
	    cand);
	ok(refused == 300, "damaged packed blobs refused (%zu of 300)", refused);
	ok(rt_nckpt_unpack("RTCKPT1\npart 1", 14, &back) == NULL &&
	    back.len == 14 && memcmp(back.p, "RTCKPT1\npart 1", 14) == 0,
	    "an unpacked blob (an earlier release's) as it is");
	ok(rt_nckpt_unpack("RTCKPZ1 x\n", 10, &back) != NULL,
	    "a packed header without a length");
	ok(rt_nckpt_unpack("RTCKPZ1 99999999999999999\n", 26, &back) != NULL,
	    "a packed header claiming a petabyte: refused, not allocated");
	packed.len = 0;
	rt_nckpt_pack("hello", 5, &packed);
	ok(rt_nckpt_unpack(packed.p, packed.len - 1, &back) != NULL,
	    "a packed blob cut short");
	packed.p[8] = '6';	/* the length: "5" -> "6" */
	ok(rt_nckpt_unpack(packed.p, packed.len, &back) != NULL,
	    "a packed blob whose length disagrees with its frame");
	rt_buf_release(&raw);
	rt_buf_release(&packed);
	rt_buf_release(&back);
}

int
main(void)
{
	char a[] = "/tmp/t_nats_ckpt.XXXXXX", b[] = "/tmp/t_nats_ckpt.XXXXXX";
	struct rt_nckpt c = { 3, 17, 12345, 99, "host.42" }, d;
	struct rt_buf blob;
	char tag[RT_NCKPT_TAGLEN], path[512];
	uint32_t nch;
	uint64_t total;

	if (!mkdtemp(a) || !mkdtemp(b))
		return 1;
	put(a, "w", "window\0state", 12);
	put(a, "a", "", 0);
	put(a, "w.lock", "x", 1);
	put(a, "a.tmp.123", "x", 1);
	put(b, "old", "gone", 4);
	rt_buf_init(&blob);
	ok(rt_nckpt_encode(&c, a, &blob) == 0, "encoded");
	ok(rt_nckpt_decode(blob.p, blob.len, &d, b) == NULL, "decoded");
	ok(d.part == 3 && d.barrier == 17 && d.in_seq == 12345 && d.out_n == 99 &&
	    strcmp(d.owner, "host.42") == 0, "positions and owner round trip");
	ok(same(b, "w", "window\0state", 12) && same(b, "a", "", 0),
	    "state files round trip, bytes and empty files");
	snprintf(path, sizeof path, "%s/w.lock", b);
	ok(access(path, F_OK) == -1, "locks are not carried");
	snprintf(path, sizeof path, "%s/old", b);
	ok(access(path, F_OK) == -1, "the directory is emptied first");

	blob.p[blob.len / 2] ^= 1;
	ok(rt_nckpt_decode(blob.p, blob.len, &d, NULL) != NULL,
	    "a flipped bit is refused: %s",
	    rt_nckpt_decode(blob.p, blob.len, &d, NULL));
	ok(rt_nckpt_decode("RTCKPT1\n", 8, &d, NULL) != NULL, "a short blob");
	ok(rt_nckpt_decode("hello there, this is no checkpoint", 34, &d, NULL) !=
	    NULL, "another format");
	blob.len = 0;
	ok(rt_nckpt_encode(&c, NULL, &blob) == 0 &&
	    rt_nckpt_decode(blob.p, blob.len, &d, NULL) == NULL &&
	    d.in_seq == 12345, "no directory: positions only");

	blob.len = 0;
	rt_nckpt_manifest(&blob, 3, 2500000, "18ffx2an3");
	ok(rt_nckpt_is_manifest(blob.p, blob.len, &nch, &total, tag,
	    sizeof tag) == 0 && nch == 3 && total == 2500000 &&
	    strcmp(tag, "18ffx2an3") == 0, "manifest round trip");
	ok(rt_nckpt_is_manifest("RTCKPT1\npart", 12, &nch, &total, tag,
	    sizeof tag) == -1, "a blob is no manifest");
	rt_nckpt_chunk_key(path, sizeof path, 5, "t", 2);
	ok(strcmp(path, "p5.c.t.2") == 0, "chunk key '%s'", path);
	rt_buf_release(&blob);
	packing();
	snprintf(path, sizeof path, "rm -rf %s %s", a, b);
	if (system(path) != 0)
		return 1;
	return done_testing();
}
