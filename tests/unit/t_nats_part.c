/*
 * t_nats_part.c - FNV-1a against published vectors and against the
 * partitions nats-server's partition(8,1) mapping gave (tests/nats/
 * partmap.py), batches, message ids and the output header.
 */
#include <stdio.h>
#include <string.h>

#include "nats_part.h"
#include "tap.h"

static uint32_t
fnv(const char *s)
{
	return rt_fnv1a32(s, strlen(s));
}

int
main(void)
{
	struct rt_nbatch b;
	struct rt_buf id;
	uint64_t f, n;
	int full;

	ok(fnv("") == 0x811c9dc5u, "FNV-1a 32 of nothing is the offset basis");
	ok(fnv("a") == 0xe40c292cu, "FNV-1a 32 of 'a'");
	ok(fnv("foobar") == 0xbf9cf968u, "FNV-1a 32 of 'foobar'");
	/* What nats-server 2.9.10 answered for rtpart.<key>. */
	ok(rt_npart_of("a", 1, 8) == 4, "a -> 4 as the server maps it");
	ok(rt_npart_of("1234", 4, 8) == 5, "1234 -> 5");
	ok(rt_npart_of("C0042", 5, 8) == 0, "C0042 -> 0");
	ok(rt_npart_of("hello", 5, 8) == 3, "hello -> 3");
	ok(rt_npart_of("x", 1, 1) == 0, "one partition: always 0");

	rt_nbatch_init(&b);
	rt_buf_init(&id);
	ok(!rt_nbatch_full(&b, 100, 10), "an empty batch takes a long record");
	rt_nbatch_add(&b, "{\"k\":1}", 7, "t1", 2, 5);
	full = rt_nbatch_full(&b, 7, 16);
	ok(!full, "8 + 8 bytes fit 16");
	rt_nbatch_add(&b, "{\"k\":2}", 7, "t2", 2, 6);
	ok(rt_nbatch_full(&b, 1, 16), "a third record does not fit");
	ok(b.b.len == 16 && memcmp(b.b.p, "{\"k\":1}\n{\"k\":2}\n", 16) == 0,
	    "records with their newlines");
	ok(b.first_pos == 5 && b.nrec == 2, "first position and count");
	rt_nbatch_msgid(&b, 3, &id);
	ok(strcmp(id.p, "3:t1:t2:2") == 0, "msg-id '%s'", id.p);
	rt_nbatch_clear(&b);
	ok(b.b.len == 0 && b.nrec == 0, "cleared");

	rt_npart_outid(&id, "alerts.3", 42);
	ok(strcmp(id.p, "alerts.3:42") == 0, "output id '%s'", id.p);
	rt_npart_outhdr(&id, 42, 7);
	ok(strcmp(id.p, "42 7") == 0, "output header '%s'", id.p);
	ok(rt_npart_outhdr_parse("42 7", &f, &n) == 0 && f == 42 && n == 7,
	    "header read back");
	ok(rt_npart_outhdr_parse("42", &f, &n) == -1 &&
	    rt_npart_outhdr_parse("4 2 ", &f, &n) == -1 &&
	    rt_npart_outhdr_parse(NULL, &f, &n) == -1 &&
	    rt_npart_outhdr_parse("99999999999999999999 1", &f, &n) == -1,
	    "bad headers refused");
	ok(rt_npart_lines("a\nb\n", 4) == 2 && rt_npart_lines("a\nb", 3) == 2 &&
	    rt_npart_lines("", 0) == 0, "lines counted");
	rt_nbatch_release(&b);
	rt_buf_release(&id);
	return done_testing();
}
