/*
 * fuzz_number.c - numbers as text (lib/number.c): the JSON number reader,
 * the double printer and rt-clean's money coercion (rt_num_clean) on any
 * bytes.  The first byte picks the mode:
 *   mode 0: each line is a text: rt_num_parse against a JSON grammar
 *     written here and strtod in the C locale, rt_num_int64 against
 *     strtoll; rt_num_clean under every flag: what it accepts is a JSON
 *     number (an integer under RT_NUM_INTEGER) whose value is strtod's
 *     wherever strtod reads the whole text as a plain decimal (and a
 *     plain decimal is always accepted), the decimal comma is the point
 *     with '.' and ',' swapped, and RT_NUM_PLAIN accepts less, the same;
 *   mode 1: 8-byte doubles: rt_num_fmt writes JSON that reads back to the
 *     same double, with no more digits than the shortest %.*g that does;
 *   mode 2: numbers written dirty from the bytes (currency signs before
 *     or after, parentheses, signs, blanks and no-break spaces, digit
 *     groups of ',', '\'', ' ' or '.', a decimal comma, an exponent) must
 *     clean back to the number.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_number: %s:%d: %s\n", \
	__FILE__, __LINE__, #c); abort(); } } while (0)

static struct rt_buf a, b, tmp;

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

/* Is s[0, n) a JSON number (RFC 8259 section 6)?  With integer set, one
 * without fraction or exponent. */
static int
json_num(const char *s, size_t n, int integer)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && dig(s[i]))
			i++;
	else
		return 0;
	if (integer)
		return i == n;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && dig(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && dig(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* A plain decimal strtod reads whole: [+-] digits [. digits] [e [+-]
 * digits], a digit before the exponent. */
static int
plain_decimal(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n && dig(s[i]); i++)
		d++;
	if (i < n && s[i] == '.')
		for (i++; i < n && dig(s[i]); i++)
			d++;
	if (d == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (e = i; i < n && dig(s[i]); i++)
			;
		if (i == e)
			return 0;
	}
	return i == n;
}

/* strtod of s[0, n) in a NUL-terminated copy. */
static double
c_strtod(const char *s, size_t n)
{
	tmp.len = 0;
	rt_buf_add(&tmp, s, n);
	return strtod(rt_buf_cstr(&tmp), NULL);
}

static int
same_bits(double x, double y)
{
	return memcmp(&x, &y, sizeof x) == 0;
}

/* ---- Mode 0. ---- */

static void
check_parse(const char *s, size_t n)
{
	double v = 0;
	int64_t k = 0;
	long long ll;

	if (json_num(s, n, 0)) {
		CHECK(rt_num_parse(s, n, &v) == 0);
		CHECK(same_bits(v, c_strtod(s, n)));
		CHECK(same_bits(rt_num_parse_json(s, n), v));
	} else {
		CHECK(rt_num_parse(s, n, &v) == -1);
	}
	if (json_num(s, n, 1)) {
		c_strtod(s, 0);
		rt_buf_add(&tmp, s, n);
		errno = 0;
		ll = strtoll(rt_buf_cstr(&tmp), NULL, 10);
		if (errno == 0)
			CHECK(rt_num_int64(s, n, &k) == 0 && k == ll);
		else
			CHECK(rt_num_int64(s, n, &k) == -1);
	} else {
		CHECK(rt_num_int64(s, n, &k) == -1);
	}
}

/* '.' and ',' swapped. */
static void
swap_points(const char *s, size_t n, struct rt_buf *out)
{
	out->len = 0;
	rt_buf_add(out, s, n);
	for (size_t i = 0; i < n; i++)
		if (out->p[i] == '.')
			out->p[i] = ',';
		else if (out->p[i] == ',')
			out->p[i] = '.';
}

/* rt_num_clean of s under flags f and the checks of its output; the
 * output stays in a.  Returns the reason, or NULL. */
static const char *
clean(const char *s, size_t n, unsigned f)
{
	const char *err;
	double v;

	a.len = 0;
	err = rt_num_clean(s, n, f, &a);
	if (err) {
		CHECK(a.len == 0);
		return err;
	}
	CHECK(json_num(a.p, a.len, (f & RT_NUM_INTEGER) != 0));
	CHECK(rt_num_parse(a.p, a.len, &v) == 0);
	if (!(f & RT_NUM_DECIMAL_COMMA) && plain_decimal(s, n))
		CHECK(v == c_strtod(s, n));
	if (f & RT_NUM_INTEGER)
		CHECK(!isfinite(v) || v == floor(v));
	return NULL;
}

static void
check_clean(const char *s, size_t n)
{
	for (unsigned f = 0; f < 8; f++) {
		const char *err = clean(s, n, f), *e2;

		if (plain_decimal(s, n) && !(f & RT_NUM_DECIMAL_COMMA) &&
		    !(f & RT_NUM_INTEGER) && n < 300)
			CHECK(err == NULL);
		b.len = 0;
		if (err == NULL)
			rt_buf_add(&b, a.p, a.len);
		if (f & RT_NUM_DECIMAL_COMMA) {
			/* The same as the text with its points swapped. */
			struct rt_buf sw = RT_BUF_INIT;

			swap_points(s, n, &sw);
			e2 = clean(sw.p, sw.len, f & ~RT_NUM_DECIMAL_COMMA);
			CHECK((e2 == NULL) == (err == NULL));
			CHECK(err ? strcmp(err, e2) == 0 : a.len == b.len &&
			    memcmp(a.p, b.p, a.len) == 0);
			rt_buf_release(&sw);
		}
		if ((f & RT_NUM_PLAIN) && err == NULL) {
			CHECK(clean(s, n, f & ~RT_NUM_PLAIN) == NULL);
			CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
		}
	}
}

static void
mode_text(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		check_parse(p, n);
		check_clean(p, n);
		p += n + 1;
	}
}

/* ---- Mode 1. ---- */

/* Significant digits of a JSON number text. */
static int
sig_digits(const char *s, size_t n)
{
	int first = -1, last = -1;
	size_t i;

	for (i = 0; i < n && s[i] != 'e' && s[i] != 'E'; i++)
		if (dig(s[i]) && s[i] != '0') {
			if (first < 0)
				first = (int)i;
			last = (int)i;
		}
	if (first < 0)
		return 1;
	/* Digits between first and last, the point not counted. */
	return last - first + 1 - (memchr(s + first, '.',
	    (size_t)(last - first)) != NULL);
}

static void
mode_doubles(const uint8_t *p, const uint8_t *end)
{
	for (; end - p >= 8; p += 8) {
		double v, back = 0;
		char t[40];
		int prec;

		memcpy(&v, p, 8);
		a.len = 0;
		rt_num_fmt(&a, v);
		b.len = 0;
		rt_num_fmt(&b, v);	/* the memo of the last number */
		CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
		if (!isfinite(v)) {
			CHECK(a.len == 4 && memcmp(a.p, "null", 4) == 0);
			continue;
		}
		CHECK(json_num(a.p, a.len, 0));
		CHECK(rt_num_parse(a.p, a.len, &back) == 0);
		CHECK(same_bits(back, v == 0 ? 0.0 : v));
		for (prec = 1; prec < 17; prec++) {
			snprintf(t, sizeof t, "%.*g", prec, v);
			if (strtod(t, NULL) == v)
				break;
		}
		CHECK(sig_digits(a.p, a.len) <= prec);
	}
}

/* ---- Mode 2: dirty numbers. ---- */

static const char *const blanks[5] = { "", " ", "\t", "\xC2\xA0",
    "\xE2\x80\xAF" };
static const struct {
	const char *text;
	int after;		/* after the digits */
} money[8] = { { "", 0 }, { "$", 0 }, { "\xE2\x82\xAC ", 0 },
    { " \xE2\x82\xAC", 1 }, { "\xC2\xA3", 0 }, { "\xC2\xA5", 1 },
    { "\xE2\x82\xB9 ", 0 }, { "\xC2\xA2", 1 } };
static const char *const exps[4] = { "", "e5", "E-3", "e+0" };
static const int expv[4] = { 0, 5, -3, 0 };

/* The number rt_num_clean must make of digits ip.fp * 10^e (sign neg),
 * from the rules in number.h; NULL when it must refuse (not whole). */
static const char *
expect(struct rt_buf *out, int neg, const char *ip, size_t in,
    const char *fp, size_t fn, int e, int integer)
{
	size_t i, start;
	long point = (long)in + e;

	out->len = 0;
	if (neg)
		rt_buf_addc(out, '-');
	start = out->len;
	if (!integer) {
		for (i = 0; i + 1 < in && ip[i] == '0'; i++)
			;
		rt_buf_add(out, ip + i, in - i);
		if (in == 0)
			rt_buf_addc(out, '0');
		if (fn > 0) {
			rt_buf_addc(out, '.');
			rt_buf_add(out, fp, fn);
		}
		if (e != 0)
			rt_buf_printf(out, "e%d", e);
		return "";
	}
	for (i = 0; i < in + fn; i++)
		if ((long)i >= point && (i < in ? ip[i] : fp[i - in]) != '0')
			return NULL;
	for (i = 0; (long)i < point; i++)
		if (out->len > start || (i < in ? ip[i] : i < in + fn ?
		    fp[i - in] : '0') != '0')
			rt_buf_addc(out, i < in ? ip[i] : i < in + fn ?
			    fp[i - in] : '0');
	if (out->len == start) {
		out->len = 0;
		rt_buf_addc(out, '0');
	}
	return "";
}

/* Build the dirty text of the number that 10 bytes at p describe in
 * *text, and check rt_num_clean makes the number of it. */
static void
dirty_one(const uint8_t *p)
{
	char ip[10], fp[5];
	size_t in = p[0] % 10, fn = p[1] % 5, i;
	uint32_t r;
	unsigned sign = p[6] % 5, cur = p[7] & 7, grp = p[8] & 3;
	unsigned sp = p[9] % 5, ex = p[9] >> 4 & 3;
	int dc = p[8] >> 3 & 1, integer = p[9] >> 6 & 1, neg;
	char point = dc ? ',' : '.', sep = ",' "[grp ? grp - 1 : 0];
	struct rt_buf text = RT_BUF_INIT, want = RT_BUF_INIT;
	const char *err;

	memcpy(&r, p + 2, 4);
	if (in == 0 && fn == 0)
		in = 1;
	for (i = 0; i < in + fn; i++) {
		r = r * 1103515245u + 12345u;
		(i < in ? ip : fp)[i < in ? i : i - in] = (char)('0' + r % 10);
	}
	if (grp && dc && sep == ',')
		sep = '.';
	if (grp && in > 3 && ip[0] == '0')
		ip[0] = '1';
	neg = sign == 1 || sign == 3 || sign == 4;
	rt_buf_adds(&text, blanks[sp]);
	if (sign == 3)
		rt_buf_addc(&text, '(');
	if (sign == 1 || sign == 2)
		rt_buf_addc(&text, sign == 1 ? '-' : '+');
	if (!money[cur].after)
		rt_buf_adds(&text, money[cur].text);
	if (sign == 4)
		rt_buf_addc(&text, '-');
	for (i = 0; i < in; i++) {
		if (grp && in > 3 && i > 0 && (in - i) % 3 == 0)
			rt_buf_addc(&text, sep);
		rt_buf_addc(&text, ip[i]);
	}
	if (fn > 0 || (p[1] & 8))
		rt_buf_addc(&text, point);
	rt_buf_add(&text, fp, fn);
	rt_buf_adds(&text, exps[ex]);
	if (money[cur].after)
		rt_buf_adds(&text, money[cur].text);
	if (sign == 3)
		rt_buf_addc(&text, ')');
	rt_buf_adds(&text, blanks[sp]);
	err = rt_num_clean(text.p, text.len, (dc ? RT_NUM_DECIMAL_COMMA : 0) |
	    (integer ? RT_NUM_INTEGER : 0), &a);
	if (expect(&want, neg, ip, in, fp, fn, expv[ex], integer) == NULL) {
		CHECK(err && strcmp(err, "not an integer") == 0);
	} else if (err || a.len != want.len || memcmp(a.p, want.p, a.len)) {
		fprintf(stderr, "fuzz_number: '%.*s' (flags %d) cleans to "
		    "'%.*s' (%s), not '%.*s'\n", (int)text.len, text.p,
		    dc | integer << 2, (int)a.len, a.p, err ? err : "ok",
		    (int)want.len, want.p);
		abort();
	}
	a.len = 0;
	rt_buf_release(&text);
	rt_buf_release(&want);
}

static void
mode_dirty(const uint8_t *p, const uint8_t *end)
{
	for (; end - p >= 10; p += 10) {
		a.len = 0;
		dirty_one(p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 20000)
		return 0;
	switch (data[0] % 3) {
	case 0:
		mode_text((const char *)data + 1, (const char *)data + size);
		break;
	case 1: mode_doubles(data + 1, data + size); break;
	case 2: mode_dirty(data + 1, data + size); break;
	}
	return 0;
}
