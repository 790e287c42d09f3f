/*
 * nats_part.c - partitions, batches and message ids for rt-nats; see
 * nats_part.h and rt-nats(1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nats_part.h"

uint32_t
rt_fnv1a32(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

void
rt_nbatch_init(struct rt_nbatch *b)
{
	memset(b, 0, sizeof *b);
	rt_buf_init(&b->b);
	rt_buf_init(&b->first);
	rt_buf_init(&b->last);
}

void
rt_nbatch_release(struct rt_nbatch *b)
{
	rt_buf_release(&b->b);
	rt_buf_release(&b->first);
	rt_buf_release(&b->last);
}

void
rt_nbatch_clear(struct rt_nbatch *b)
{
	b->b.len = 0;
	b->first.len = 0;
	b->last.len = 0;
	b->nrec = 0;
	b->first_pos = 0;
}

void
rt_nbatch_add(struct rt_nbatch *b, const char *p, size_t n, const char *id,
    size_t idlen, uint64_t pos)
{
	rt_buf_reserve(&b->b, n + 1);
	memcpy(b->b.p + b->b.len, p, n);
	b->b.p[b->b.len + n] = '\n';
	b->b.len += n + 1;
	if (b->nrec == 0) {
		b->first_pos = pos;
		if (id)
			rt_buf_add(&b->first, id, idlen);
	}
	if (id) {
		b->last.len = 0;
		rt_buf_add(&b->last, id, idlen);
	}
	b->nrec++;
}

void
rt_nbatch_msgid(const struct rt_nbatch *b, uint32_t part, struct rt_buf *out)
{
	out->len = 0;
	rt_buf_addu(out, part);
	rt_buf_addc(out, ':');
	rt_buf_add(out, b->first.p, b->first.len);
	rt_buf_addc(out, ':');
	rt_buf_add(out, b->last.p, b->last.len);
	rt_buf_addc(out, ':');
	rt_buf_addu(out, b->nrec);
	rt_buf_cstr(out);
}

void
rt_npart_outid(struct rt_buf *out, const char *subject, uint64_t first)
{
	out->len = 0;
	rt_buf_adds(out, subject);
	rt_buf_addc(out, ':');
	rt_buf_addu(out, first);
	rt_buf_cstr(out);
}

void
rt_npart_outhdr(struct rt_buf *out, uint64_t first, uint64_t n)
{
	out->len = 0;
	rt_buf_addu(out, first);
	rt_buf_addc(out, ' ');
	rt_buf_addu(out, n);
	rt_buf_cstr(out);
}

/* An unsigned decimal at *s, moved past it: 0, or -1. */
static int
u64_at(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*v = x;
	return 0;
}

int
rt_npart_outhdr_parse(const char *s, uint64_t *first, uint64_t *n)
{
	if (s == NULL || u64_at(&s, first) == -1 || *s++ != ' ' ||
	    u64_at(&s, n) == -1 || *s != '\0')
		return -1;
	return 0;
}

uint64_t
rt_npart_lines(const char *p, size_t n)
{
	const char *end = p + n, *nl;
	uint64_t k = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = nl + 1;
	}
	return k + (p < end);
}
