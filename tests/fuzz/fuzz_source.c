/*
 * fuzz_source.c - the record source (lib/source.c, lib/csv.c, lib/rtio.c)
 * on any bytes: NDJSON, CSV or TSV, any delimiter and quote, a small
 * --max-record-bytes, every line end.  The first byte picks the options.
 * Checks: no crash, a CSV/TSV record that is not bad is valid JSON whose
 * parse matches the document the source built, and raw is never longer
 * than what was read; NDJSON records without a size limit are the lines
 * of a model written here (a BOM at the start skipped, lines ended by
 * "\n", "\r\n", a lone "\r" or the end, blank lines left out), byte for
 * byte and at their line numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char delims[] = { 0, ';', '|', ' ', '\t', '"', 'a', '\0' };
static const char quotes[] = { 0, '\'', '"', 'x' };

/* The NDJSON lines still to come. */
struct model {
	const uint8_t *p, *end;
	uint64_t line;
};

/* The next line that is not blank: 1 with its bytes and number, or 0. */
static int
model_next(struct model *m, const uint8_t **at, size_t *len, uint64_t *line)
{
	while (m->p < m->end) {
		const uint8_t *s = m->p, *e = s, *b;

		while (e < m->end && *e != '\n' && *e != '\r')
			e++;
		m->p = e + (e < m->end) + (e + 1 < m->end && e[0] == '\r' &&
		    e[1] == '\n');
		m->line++;
		for (b = s; b < e && (*b == ' ' || *b == '\t'); b++)
			;
		if (b == e)
			continue;
		*at = s;
		*len = (size_t)(e - s);
		*line = m->line;
		return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_src s;
	struct rt_rec r;
	struct rt_jdoc scratch;
	char path[32], *paths[1] = { path };
	unsigned o;
	int fds[2], k;
	size_t total = 0, len;
	struct model m = { data + 1, data + size, 0 };
	const uint8_t *at;
	uint64_t line;
	int model;

	if (size < 1 || size > 60000 || pipe(fds) == -1)
		return 0;
	o = data[0];
	if (write(fds[1], data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	close(fds[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
	rt_src_init(&s, paths, 1, (enum rt_fmt)(1 + o % 3),
	    (o & 0x80) ? 16 + (o >> 3 & 7) * 8 : 0);
	s.delim = delims[(o >> 2) & 7];
	s.quote = quotes[(o >> 5) & 3];
	if (s.delim && s.delim == (s.quote ? s.quote : '"'))
		s.quote = 0, s.delim = 0;
	model = o % 3 == 0 && !(o & 0x80);
	if (size >= 4 && memcmp(data + 1, "\xEF\xBB\xBF", 3) == 0)
		m.p += 3;
	rt_jdoc_init(&scratch, 0);
	while ((k = rt_src_next(&s, &r)) != 0) {
		if (k != 1)
			continue;
		if (model && (!model_next(&m, &at, &len, &line) ||
		    r.rawlen != len || memcmp(r.raw, at, len) != 0 ||
		    r.line != line || r.bad))
			abort();
		total += r.rawlen;
		if (r.rawlen > size)
			abort();
		if (r.bad || r.doc == NULL)
			continue;
		if (rt_jdoc_parse(&scratch, r.p, r.len) != 0 ||
		    scratch.nv != r.doc->nv || r.doc->p != r.p)
			abort();
	}
	if (total > size || (model && model_next(&m, &at, &len, &line)))
		abort();
	rt_src_release(&s);
	rt_jdoc_release(&scratch);
	close(fds[0]);
	return 0;
}
