/*
 * reject.c - the reject stream (see reject.h).
 */
#include "reject.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

int
rt_rej_open(struct rt_rej *r, const char *tool, const char *path)
{
	memset(r, 0, sizeof *r);
	r->tool = tool;
	if (path == NULL)
		return 0;
	if (rt_out_open(&r->out, path) == -1)
		return -1;
	r->tofile = 1;
	return 0;
}

void
rt_base64(struct rt_buf *b, const void *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = { tab[s[i] >> 2], tab[(s[i] & 3) << 4 | s[i + 1] >> 4],
		    tab[(s[i + 1] & 15) << 2 | s[i + 2] >> 6], tab[s[i + 2] & 63] };

		rt_buf_add(b, q, 4);
	}
	if (n - i == 1) {
		char q[4] = { tab[s[i] >> 2], tab[(s[i] & 3) << 4], '=', '=' };

		rt_buf_add(b, q, 4);
	} else if (n - i == 2) {
		char q[4] = { tab[s[i] >> 2], tab[(s[i] & 3) << 4 | s[i + 1] >> 4],
		    tab[(s[i + 1] & 15) << 2], '=' };

		rt_buf_add(b, q, 4);
	}
}

static void
say(struct rt_buf *b)
{
	ssize_t w;

	do
		w = write(STDERR_FILENO, b->p, b->len);
	while (w < 0 && errno == EINTR);
}

/* Append reason to b without the key marks (reject.h): with the keys
 * they mark when keys, else with their stand-ins. */
static void
put_reason(struct rt_buf *b, const char *reason, int keys)
{
	const char *p = reason, *m;

	while ((m = strchr(p, RT_REJ_KEY[0])) != NULL) {
		const char *e = m + 1 + strcspn(m + 1, RT_REJ_KEYEND);
		const char *alt = memchr(m + 1, RT_REJ_KEYALT[0],
		    (size_t)(e - m - 1));

		rt_buf_add(b, p, (size_t)(m - p));
		if (keys)
			rt_buf_add(b, m + 1, (size_t)((alt ? alt : e) - m - 1));
		else if (alt)
			rt_buf_add(b, alt + 1, (size_t)(e - alt - 1));
		p = *e ? e + 1 : e;
	}
	rt_buf_adds(b, p);
}

/* The kind of a reason: its text without digits (byte offsets, line
 * numbers and durations vary within one kind) and without the keys it
 * names. */
static struct rt_rej_kind *
kind_of(struct rt_rej *r, const char *reason)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *p;
	int i, inkey = 0;

	for (p = (const unsigned char *)reason; *p; p++)
		if (*p == (unsigned char)RT_REJ_KEY[0])
			inkey = 1;
		else if (*p == (unsigned char)RT_REJ_KEYEND[0])
			inkey = 0;
		else if (!inkey && (*p < '0' || *p > '9'))
			h = (h ^ *p) * 1099511628211ULL;
	for (i = 0; i < r->nkind; i++)
		if (r->kind[i].hash == h)
			return &r->kind[i];
	if (r->nkind == RT_REJ_KINDS)
		return &r->kind[RT_REJ_KINDS];
	r->kind[i].hash = h;
	r->why.len = 0;
	put_reason(&r->why, reason, r->verbose);
	snprintf(r->kind[i].reason, sizeof r->kind[i].reason, "%.*s",
	    (int)r->why.len, r->why.p);
	r->nkind++;
	return &r->kind[i];
}

void
rt_rej_summary(struct rt_rej *r)
{
	struct rt_buf *b = &r->line;
	int i;

	for (i = 0; r->limit && i <= RT_REJ_KINDS; i++) {
		const struct rt_rej_kind *k = &r->kind[i];

		if (k->n <= r->limit)
			continue;
		b->len = 0;
		rt_buf_printf(b, "%s: %llu more rejects ", r->tool,
		    (unsigned long long)(k->n - r->limit));
		if (i < RT_REJ_KINDS)
			rt_buf_printf(b, "like '%s'", k->reason);
		else
			rt_buf_adds(b, "of other kinds");
		rt_buf_adds(b, " not shown (see --reject, --stats, "
		    "--max-diagnostics)\n");
		say(b);
	}
}

int
rt_rej_cut(const struct rt_rej *r)
{
	int i;

	for (i = 0; r->limit && i <= RT_REJ_KINDS; i++)
		if (r->kind[i].n > r->limit)
			return 1;
	return 0;
}

static int
diag(struct rt_rej *r, const char *source, uint64_t line, const char *reason)
{
	struct rt_buf *b = &r->line;

	if (r->limit && ++kind_of(r, reason)->n > r->limit)
		return 0;
	b->len = 0;
	rt_buf_adds(b, r->tool);
	rt_buf_adds(b, ": ");
	rt_buf_adds(b, source);
	rt_buf_addc(b, ':');
	rt_buf_addu(b, line);
	rt_buf_adds(b, ": ");
	put_reason(b, reason, r->verbose);
	rt_buf_addc(b, '\n');
	say(b);
	return 0;	/* a lost diagnostic is not lost data */
}

int
rt_rej_put(struct rt_rej *r, const char *source, uint64_t line,
    const char *reason, const char *raw, size_t rawlen, const char *extra,
    size_t extralen)
{
	struct rt_buf *b = &r->line;
	size_t bad;

	r->n++;
	if (!r->tofile)
		return diag(r, source, line, reason);
	b->len = 0;
	rt_buf_adds(b, "{\"tool\":");
	rt_json_put_str(b, r->tool, strlen(r->tool));
	rt_buf_adds(b, ",\"source\":");
	rt_json_put_str(b, source, strlen(source));
	rt_buf_adds(b, ",\"line\":");
	rt_buf_addu(b, line);
	rt_buf_adds(b, ",\"reason\":");
	r->why.len = 0;
	put_reason(&r->why, reason, 1);
	rt_json_put_str(b, r->why.p, r->why.len);
	rt_buf_adds(b, ",\"raw\":");
	bad = rt_json_put_str(b, raw, rawlen);
	if (bad) {
		/* JSON cannot carry these bytes: keep them exactly too. */
		rt_buf_adds(b, ",\"raw_base64\":\"");
		rt_base64(b, raw, rawlen);
		rt_buf_addc(b, '"');
	}
	if (extra)
		rt_buf_add(b, extra, extralen);
	rt_buf_adds(b, "}\n");
	if (rt_out_write(&r->out, b->p, b->len) == -1)
		return -1;
	return rt_out_end(&r->out);
}

int
rt_rej_flush(struct rt_rej *r)
{
	return r->tofile ? rt_out_flush(&r->out) : 0;
}

int
rt_rej_close(struct rt_rej *r)
{
	int rc = 0;

	if (r->tofile)
		rc = rt_out_close(&r->out);
	rt_buf_release(&r->line);
	rt_buf_release(&r->why);
	r->tofile = 0;
	return rc;
}
