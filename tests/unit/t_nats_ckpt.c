/*
 * t_nats_ckpt.c - checkpoint blobs: state files and positions round
 * trip, locks and temporaries stay out, damage is refused, manifests.
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
	snprintf(path, sizeof path, "rm -rf %s %s", a, b);
	if (system(path) != 0)
		return 1;
	return done_testing();
}
