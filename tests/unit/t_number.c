/*
 * t_number.c - numbers as text (lib/number.c): JSON number text to
 * double against strtod, exact int64, shortest round-trip printing, and
 * the mending of messy numbers (rt-clean --number / --integer).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "number.h"
#include "tap.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t
next(void)
{
	return tap_xorshift(&rng);
}

static int
same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* rt_num_parse agrees bit for bit with glibc's correctly rounded strtod. */
static int
parse_agrees(const char *s)
{
	double a = 0, b = strtod(s, NULL);

	return rt_num_parse(s, strlen(s), &a) == 0 && same_double(a, b);
}

static void
test_parse_edges(void)
{
	static const char *good[] = { "0", "-0", "1", "-1", "0.1", "0.5",
	    "1e0", "1E+2", "1e-2", "123456789", "9007199254740992",
	    "9007199254740993", "9007199254740995", "18446744073709551615",
	    "18446744073709551616", "1234567890123456789", "12345678901234567890",
	    "0.30000000000000004", "1.7976931348623157e308",
	    "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
	    "2.2250738585072011e-308", "2.2250738585072012e-308",
	    "2.2250738585072014e-308", "4.9406564584124654e-324", "5e-324",
	    "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
	    "-1e-400", "1e22", "1e23", "9007199254740992e22",
	    "9007199254740993e-22", "0.000000000000000000000000000001",
	    "100000000000000000000000", "3.14159265358979323846264338327950288",
	    "1e99999", "1e-99999", "0e99999", "-0.0e-0", "123.456e-7",
	    "0.1000000000000000055511151231257827", "4503599627370496.5",
	    "4503599627370497.5", "1.00000000000000011102230246251565404236316680908203125",
	    "1.00000000000000011102230246251565404236316680908203124",
	    "1.00000000000000011102230246251565404236316680908203126" };
	static const char *bad[] = { "", "-", "+1", "01", "-01", "1.", ".5",
	    "1.e5", "1e", "1e+", "1e-", "--1", "0x10", "NaN", "Infinity",
	    "-Infinity", " 1", "1 ", "1,5", "1_000", "1e5.5", "00", "1ee5",
	    "١" };
	size_t i;
	double v = 7;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ok(parse_agrees(good[i]), "parse '%s' as strtod does", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(rt_num_parse(bad[i], strlen(bad[i]), &v) == -1,
		    "parse refuses '%s'", bad[i]);
	ok(rt_num_parse("-0", 2, &v) == 0 && v == 0 && signbit(v),
	    "-0 keeps its sign");
	ok(rt_num_parse("12", 1, &v) == 0 && v == 1, "reads only n bytes");
	ok(rt_num_parse("1e400", 5, &v) == 0 && isinf(v) && v > 0,
	    "1e400 is +inf, the nearest double");
}

/* Random decimal text in JSON grammar: 1-25 digits, a point, an
 * exponent, both fast and slow paths. */
static void
random_number(char *s)
{
	int nd = 1 + (int)(next() % 25), i, k = 0, point;

	if (next() % 2)
		s[k++] = '-';
	point = next() % 3 ? (int)(next() % (unsigned)nd) : -1;
	for (i = 0; i < nd; i++) {
		char d = (char)('0' + next() % 10);

		if (i == 0 && d == '0' && point != 0)
			d = '1' + (char)(next() % 9);
		s[k++] = d;
		if (i == point && i + 1 < nd)
			s[k++] = '.';
	}
	if (next() % 2)
		k += sprintf(s + k, "e%d", (int)(next() % 700) - 350);
	s[k] = '\0';
}

static void
test_parse_random(void)
{
	char s[64];
	int i, bad = 0;

	for (i = 0; i < 100000; i++) {
		random_number(s);
		if (!parse_agrees(s) && bad++ < 5)
			diag("differs from strtod: %s", s);
	}
	ok(bad == 0, "100000 random decimal texts parse as strtod does");
	bad = 0;
	for (i = 0; i < 100000; i++) {
		uint64_t bits = next();
		double d;

		memcpy(&d, &bits, sizeof d);
		if (isnan(d) || isinf(d))
			continue;
		/* %g writes "1e+05": JSON allows the exponent's zeros. */
		snprintf(s, sizeof s, "%.*g", 1 + (int)(next() % 17), d);
		if (!parse_agrees(s) && bad++ < 5)
			diag("differs from strtod: %s", s);
	}
	ok(bad == 0, "100000 random doubles printed by %%g parse back as "
	    "strtod does");
}

static void
test_int64(void)
{
	static const struct {
		const char *s;
		int ok;
		int64_t v;
	} t[] = {
		{ "0", 1, 0 }, { "-0", 1, 0 }, { "7", 1, 7 }, { "-12", 1, -12 },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "-9223372036854775807", 1, -INT64_MAX },
		{ "9223372036854775808", 0, 0 },
		{ "-9223372036854775809", 0, 0 },
		{ "18446744073709551616", 0, 0 },
		{ "99999999999999999999", 0, 0 },
		{ "01", 0, 0 }, { "-01", 0, 0 }, { "00", 0, 0 }, { "1.0", 0, 0 },
		{ "1e3", 0, 0 }, { "", 0, 0 }, { "-", 0, 0 }, { "+1", 0, 0 },
		{ " 1", 0, 0 }, { "1 ", 0, 0 }, { "12a", 0, 0 }, { "0x1", 0, 0 },
	};
	size_t i;
	int bad = 0;
	char s[32];

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		int64_t v = 42;
		int r = rt_num_int64(t[i].s, strlen(t[i].s), &v);

		ok(t[i].ok ? r == 0 && v == t[i].v : r == -1,
		    "int64 '%s' %s", t[i].s, t[i].ok ? "reads exactly" :
		    "is refused");
	}
	for (i = 0; i < 100000; i++) {
		int64_t want = (int64_t)(next() >> (next() % 64)), got = 0;

		if (next() % 2)
			want = -want;
		snprintf(s, sizeof s, "%lld", (long long)want);
		if ((rt_num_int64(s, strlen(s), &got) != 0 || got != want) &&
		    bad++ < 5)
			diag("int64 %s read as %lld", s, (long long)got);
	}
	ok(bad == 0, "100000 random int64 read back exactly");
}

static struct rt_buf fmtbuf;

static const char *
fmt(double v)
{
	fmtbuf.len = 0;
	rt_num_fmt(&fmtbuf, v);
	return rt_buf_cstr(&fmtbuf);
}

/* The reference: %.15g, %.16g, %.17g, the first that reads back. */
static void
slow_fmt(double v, char *t, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(t, n, "%.*g", prec, v);
		if (prec == 17 || strtod(t, NULL) == v)
			return;
	}
}

static void
test_fmt_vs_printf(void)
{
	char want[64];
	int bad = 0, i;

	/* Averages and ratios: values with long expansions, across the
	 * magnitudes the exact path covers and beyond. */
	for (i = 0; i < 400000; i++) {
		uint64_t x = next();
		double v;

		switch (i % 4) {
		case 0:
			v = (double)(x % 100000000) / (double)(1 + next() % 997);
			break;
		case 1:
			v = ldexp((double)(x >> 11), (int)(next() % 120) - 100);
			break;
		case 2: {
			uint64_t bits = x;

			memcpy(&v, &bits, sizeof v);
			if (isnan(v) || isinf(v))
				continue;
			break;
		}
		default:
			v = (double)(x % 1000000) / 3.0 * ((x >> 40) & 1 ? -1 : 1);
		}
		slow_fmt(v, want, sizeof want);
		if (strtod(fmt(v), NULL) != v) {
			if (bad++ < 5)
				diag("%.17g printed as %s: does not read back", v,
				    fmt(v));
			continue;
		}
		/* The reference's text, or shorter (the few-decimals path may
		 * find fewer digits than %g's 15). */
		if ((strlen(fmt(v)) > strlen(want) ||
		    (strlen(fmt(v)) == strlen(want) && strcmp(fmt(v), want) != 0))
		    && bad++ < 5)
			diag("%.17g printed as %s, %%g gives %s", v, fmt(v), want);
	}
	ok(bad == 0, "400000 random doubles print shortest and read back");
}

/* Values with at most 9 decimals print as those decimals (the
 * few-decimals filter must never turn one away). */
/* What v = k / 10^d prints as: %.*f without the trailing zeros (and
 * the point when none is left), "-0" as "0". */
static void
decimals_text(double v, int d, char *want, size_t cap)
{
	size_t n;

	snprintf(want, cap, "%.*f", d, v);
	n = strlen(want);
	if (memchr(want, '.', n)) {
		while (want[n - 1] == '0')
			n--;
		if (want[n - 1] == '.')
			n--;
	}
	want[n] = '\0';
	if (strcmp(want, "-0") == 0)
		strcpy(want, "0");
}

/* The same at the edges of the digit counts (one digit to nine, with
 * every place of the point, zeros before the digits), where the word of
 * eight digits gives way to the general path. */
static void
test_fmt_digit_edges(void)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	char want[64];
	int bad = 0, total = 0;

	for (int d = 0; d <= 9; d++)
		for (int e = 0; e <= 9; e++)
			for (int64_t dk = -1; dk <= 1; dk++)
				for (int neg = 0; neg < 2; neg++) {
					int64_t k = (int64_t)p10[e] + dk;
					double v;

					if (k < 0)
						continue;
					v = (double)(neg ? -k : k) / p10[d];
					decimals_text(v, d, want, sizeof want);
					total++;
					if (strcmp(fmt(v), want) != 0 && bad++ < 5)
						diag("%s%lld / 10^%d printed as %s, "
						    "want %s", neg ? "-" : "",
						    (long long)k, d, fmt(v), want);
				}
	ok(bad == 0, "%d values at the edges of digit counts print as their "
	    "decimals", total);
}

static void
test_fmt_decimals(void)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	char want[64];
	int bad = 0, i;

	for (i = 0; i < 400000; i++) {
		int d = (int)(next() % 10);
		uint64_t lim = i % 2 ? 1000000 : 1000000000000000ULL;
		int64_t k = (int64_t)(next() % lim);
		double v;

		if (next() & 1)
			k = -k;
		v = (double)k / p10[d];
		if (fabs(v) >= 9e15)
			continue;
		decimals_text(v, d, want, sizeof want);
		if (strcmp(fmt(v), want) != 0 && bad++ < 5)
			diag("%lld / 10^%d printed as %s, want %s",
			    (long long)k, d, fmt(v), want);
	}
	ok(bad == 0, "400000 values of up to 9 decimals print as those "
	    "decimals");
}

static void
test_fmt_exact(void)
{
	static const struct {
		double v;
		const char *want;
	} t[] = {
		{ 0.0, "0" }, { -0.0, "0" }, { 1, "1" }, { -1, "-1" },
		{ 0.1, "0.1" }, { 0.5, "0.5" }, { -0.25, "-0.25" },
		{ 1234.5, "1234.5" }, { 1234.50, "1234.5" }, { 12.34, "12.34" },
		{ 100, "100" }, { 1e15, "1000000000000000" },
		{ 9007199254740991.0, "9007199254740991" },
		{ 9007199254740992.0, "9007199254740992" },
		{ 4503599627370497.0, "4503599627370497" },
		{ 8999999999999999.0, "8999999999999999" },
		{ 1e16, "1e+16" }, { 1e21, "1e+21" }, { 1e22, "1e+22" },
		{ 1e23, "1e+23" }, { 123456789012345680000.0,
		    "1.2345678901234568e+20" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 0.3, "0.3" },
		{ 1.0 / 3, "0.3333333333333333" }, { 2.0 / 3, "0.6666666666666666" },
		{ 0.000001, "0.000001" }, { 1e-7, "0.0000001" },
		{ 1e-10, "1e-10" }, { 1.5e-10, "1.5e-10" }, { 123.456, "123.456" },
		{ 99.99, "99.99" }, { 19.99 * 3, "59.97" },
		{ 1e300, "1e+300" }, { -1e-300, "-1e-300" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ DBL_MIN, "2.2250738585072014e-308" },
		{ 5e-324, "5e-324" }, { -5e-324, "-5e-324" },
		{ 1e-323, "1e-323" }, { 2.5e-323, "2.5e-323" },
		{ 4.9406564584124654e-320, "4.9407e-320" },
		{ NAN, "null" }, { INFINITY, "null" }, { -INFINITY, "null" },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		char name[64];

		snprintf(name, sizeof name, "fmt %.17g", t[i].v);
		is_str(fmt(t[i].v), t[i].want, name);
	}
	for (i = 0; i <= 53; i++) {
		double v = ldexp(1, (int)i);
		char want[32];

		snprintf(want, sizeof want, "%.0f", v);
		if (!is_str(fmt(v), want, "2^k prints as an integer"))
			diag("k = %zu", i);
	}
}

/* Significant digits of a decimal text ("0.00120" -> 2, "1.5e-10" -> 2). */
static int
sig_digits(const char *s)
{
	int n = 0, zeros = 0, started = 0;

	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s == '0' && !started)
			continue;
		started = 1;
		if (*s == '0') {
			zeros++;
		} else {
			n += zeros + 1;
			zeros = 0;
		}
	}
	return n ? n : 1;
}

/* Fewest significant digits that read back as v. */
static int
shortest(double v)
{
	char t[40];
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(t, sizeof t, "%.*g", p, v);
		if (strtod(t, NULL) == v)
			break;
	}
	return p;
}

static void
check_fmt(double v, int *bad)
{
	const char *s = fmt(v);
	double back = strtod(s, NULL), parsed = 0;

	if (!same_double(back, v) && v != 0) {
		if ((*bad)++ < 5)
			diag("%.17g printed as %s reads back as %.17g", v, s, back);
	} else if (rt_num_parse(s, strlen(s), &parsed) != 0 ||
	    parsed != v) {
		if ((*bad)++ < 5)
			diag("%.17g printed as %s: not JSON", v, s);
	} else if (sig_digits(s) > shortest(v)) {
		if ((*bad)++ < 5)
			diag("%.17g printed as %s: %d digits, %d would do", v, s,
			    sig_digits(s), shortest(v));
	}
}

static void
test_fmt_random(void)
{
	int i, bad = 0;

	for (i = 0; i < 30000; i++) {
		uint64_t bits = next();
		double d;

		memcpy(&d, &bits, sizeof d);
		if (!isnan(d) && !isinf(d))
			check_fmt(d, &bad);
	}
	ok(bad == 0, "30000 random doubles: fmt reads back exactly, JSON, "
	    "fewest digits");
	bad = 0;
	for (i = 0; i < 30000; i++) {
		/* Amounts: cents and thousandths, as money and rates are. */
		double d = (double)(int64_t)(next() % 2000000001) /
		    (i % 2 ? 100 : 1000);

		check_fmt(next() % 2 ? d : -d, &bad);
	}
	ok(bad == 0, "30000 random amounts: fmt reads back exactly, fewest "
	    "digits");
	bad = 0;
	for (i = 0; i < 3000; i++) {
		uint64_t bits = next() & 0x000FFFFFFFFFFFFFULL;	/* subnormal */
		double d;

		memcpy(&d, &bits, sizeof d);
		if (d != 0)
			check_fmt(d, &bad);
	}
	ok(bad == 0, "3000 random subnormals: fmt reads back exactly, fewest "
	    "digits");
}

static void
clean_is(const char *in, unsigned flags, const char *want)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *err;
	char got[1024], name[1024];

	rt_buf_adds(&b, "pre:");
	err = rt_num_clean(in, strlen(in), flags, &b);
	if (err)
		snprintf(got, sizeof got, "ERR %s%s", err,
		    b.len == 4 ? "" : " (but appended)");
	else
		snprintf(got, sizeof got, "%.*s", (int)b.len - 4, b.p + 4);
	snprintf(name, sizeof name, "clean '%s'%s%s%s -> %s", in,
	    flags & RT_NUM_DECIMAL_COMMA ? " decimal-comma" : "",
	    flags & RT_NUM_INTEGER ? " integer" : "",
	    flags & RT_NUM_PLAIN ? " plain" : "", want);
	is_str(got, want, name);
	rt_buf_release(&b);
}

static void
test_clean(void)
{
	static const struct {
		const char *in;
		unsigned flags;
		const char *want;
	} t[] = {
		{ "1,234.50", 0, "1234.50" },
		{ "$12", 0, "12" },
		{ "\xE2\x82\xAC 12.00", 0, "12.00" },
		{ "12 \xE2\x82\xAC", 0, "12" },
		{ "12\xE2\x82\xAC", 0, "12" },
		{ "\xC2\xA3" "5", 0, "5" },
		{ "\xC2\xA5" "1,000", 0, "1000" },
		{ "(12.00)", 0, "-12.00" },
		{ "($1,234.50)", 0, "-1234.50" },
		{ "( 12 )", 0, "-12" },
		{ "+.5", 0, "0.5" },
		{ ".5", 0, "0.5" },
		{ "-.5", 0, "-0.5" },
		{ "5.", 0, "5" },
		{ "007", 0, "7" },
		{ "-007.50", 0, "-7.50" },
		{ "0", 0, "0" },
		{ "000", 0, "0" },
		{ "-0", 0, "-0" },
		{ "1.5e3", 0, "1.5e3" },
		{ "1.5E+03", 0, "1.5e3" },
		{ "2e-3", 0, "2e-3" },
		{ "  42  ", 0, "42" },
		{ "\xC2\xA0" "42\xC2\xA0", 0, "42" },
		{ "\t-3\t", 0, "-3" },
		{ "-$12", 0, "-12" },
		{ "$-12", 0, "-12" },
		{ "$ -12", 0, "-12" },
		{ "+12", 0, "12" },
		{ "1 234 567", 0, "1234567" },
		{ "1'234.5", 0, "1234.5" },
		{ "1,234,567.891", 0, "1234567.891" },
		{ "12,3,4", 0, "ERR bad digit grouping" },
		{ "1,23", 0, "ERR bad digit grouping" },
		{ "1234,567", 0, "ERR bad digit grouping" },
		{ "1,234,56", 0, "ERR bad digit grouping" },
		{ "1,234.567,8", 0, "ERR not a number" },
		{ "1,234 567", 0, "ERR not a number" },
		{ ",123", 0, "ERR not a number" },
		{ "1,", 0, "ERR not a number" },
		{ "", 0, "ERR not a number" },
		{ "   ", 0, "ERR not a number" },
		{ "-", 0, "ERR not a number" },
		{ "$", 0, "ERR not a number" },
		{ "()", 0, "ERR not a number" },
		{ ".", 0, "ERR not a number" },
		{ "e5", 0, "ERR not a number" },
		{ "1e", 0, "ERR not a number" },
		{ "1e+", 0, "ERR not a number" },
		{ "(-12)", 0, "ERR not a number" },
		{ "--12", 0, "ERR not a number" },
		{ "+-12", 0, "ERR not a number" },
		{ "12-", 0, "ERR not a number" },
		{ "12 USD", 0, "ERR not a number" },
		{ "abc", 0, "ERR not a number" },
		{ "0x1F", 0, "ERR not a number" },
		{ "1.2.3", 0, "ERR not a number" },
		{ "NaN", 0, "ERR not a number" },
		{ "12,50", RT_NUM_DECIMAL_COMMA, "12.50" },
		{ "1.234,50", RT_NUM_DECIMAL_COMMA, "1234.50" },
		{ "1 234,5", RT_NUM_DECIMAL_COMMA, "1234.5" },
		{ "1.234.567", RT_NUM_DECIMAL_COMMA, "1234567" },
		{ "1,234", RT_NUM_DECIMAL_COMMA, "1.234" },
		{ "\xE2\x82\xAC 1.234,50", RT_NUM_DECIMAL_COMMA, "1234.50" },
		{ "1.23,4", RT_NUM_DECIMAL_COMMA, "ERR bad digit grouping" },
		{ "12.00", RT_NUM_INTEGER, "12" },
		{ "1.2e3", RT_NUM_INTEGER, "1200" },
		{ "1,200", RT_NUM_INTEGER, "1200" },
		{ "100e-2", RT_NUM_INTEGER, "1" },
		{ "-0.0", RT_NUM_INTEGER, "0" },
		{ "-000", RT_NUM_INTEGER, "0" },
		{ "0e-5", RT_NUM_INTEGER, "0" },
		{ "007", RT_NUM_INTEGER, "7" },
		{ "(3)", RT_NUM_INTEGER, "-3" },
		{ "$1e2", RT_NUM_INTEGER, "100" },
		{ "123456789012345678901234567890", RT_NUM_INTEGER,
		    "123456789012345678901234567890" },
		{ "12.5", RT_NUM_INTEGER, "ERR not an integer" },
		{ "1e-1", RT_NUM_INTEGER, "ERR not an integer" },
		{ "0.001e2", RT_NUM_INTEGER, "ERR not an integer" },
		{ "1e401", RT_NUM_INTEGER, "ERR number out of range" },
		{ "12,50", RT_NUM_INTEGER | RT_NUM_DECIMAL_COMMA,
		    "ERR not an integer" },
		{ "12,00", RT_NUM_INTEGER | RT_NUM_DECIMAL_COMMA, "12" },
		{ "12.50", RT_NUM_PLAIN, "12.50" },
		{ "-1e3", RT_NUM_PLAIN, "-1e3" },
		{ "1,234", RT_NUM_PLAIN, "ERR not a number" },
		{ "$12", RT_NUM_PLAIN, "ERR not a number" },
		{ "(12)", RT_NUM_PLAIN, "ERR not a number" },
		{ "1.0", RT_NUM_PLAIN | RT_NUM_INTEGER, "1" },
		{ "1e3", RT_NUM_PLAIN | RT_NUM_INTEGER, "1000" },
		{ "1.5", RT_NUM_PLAIN | RT_NUM_INTEGER, "ERR not an integer" },
	};
	size_t i;
	struct rt_buf big = RT_BUF_INIT;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		clean_is(t[i].in, t[i].flags, t[i].want);
	for (i = 0; i < 400; i++)
		rt_buf_addc(&big, '9');
	rt_buf_addc(&big, '\0');
	clean_is(big.p, 0, big.p);
	big.p[400] = '9';
	rt_buf_addc(&big, '\0');
	clean_is(big.p, 0, "ERR number too long");
	rt_buf_release(&big);
}

/* Every cleaned number is JSON number text with the value of the input. */
static void
test_clean_random(void)
{
	struct rt_buf b = RT_BUF_INIT;
	char s[64], dirty[96];
	int i, bad = 0;

	for (i = 0; i < 20000; i++) {
		double want, got;
		int k;

		random_number(s);
		/* Dress it: currency, spaces, parentheses for negatives. */
		if (s[0] == '-' && next() % 2)
			k = snprintf(dirty, sizeof dirty, "($%s)", s + 1);
		else
			k = snprintf(dirty, sizeof dirty, "%s%s%s",
			    next() % 2 ? " \xE2\x82\xAC" : "", s,
			    next() % 2 ? " " : "");
		b.len = 0;
		want = strtod(s, NULL);
		if (rt_num_clean(dirty, (size_t)k, 0, &b) != NULL ||
		    rt_num_parse(b.p, b.len, &got) != 0 || !same_double(got, want))
			if (bad++ < 5)
				diag("clean '%s' -> '%.*s'", dirty, (int)b.len, b.p);
	}
	ok(bad == 0, "20000 dressed random numbers clean to JSON text of the "
	    "same value");
	rt_buf_release(&b);
}

/* rt_num_fmt keeps the text of the last number: the same number printed
 * twice (into one buffer, or another) gives the same text, which reads
 * back as the number; zeros of both signs, NaN and a value after it. */
static void
test_fmt_repeat(void)
{
	static const double fixed[] = { 0.0, -0.0, 0.0, 1.5, 1.5, -1.5, NAN,
	    NAN, 1e300, 1e300, 0.1, 0.30000000000000004, 0.1 };
	static const char *want[] = { "0", "0", "0", "1.5", "1.5", "-1.5",
	    "null", "null", "1e+300", "1e+300", "0.1", "0.30000000000000004",
	    "0.1" };
	struct rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;
	unsigned r = 5;
	int bad = 0;

	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		a.len = 0;
		rt_num_fmt(&a, fixed[i]);
		if (a.len != strlen(want[i]) ||
		    memcmp(a.p, want[i], a.len) != 0)
			bad++;
	}
	for (int i = 0; i < 20000; i++) {
		double v, back;
		char t[64];

		r = r * 1103515245u + 12345u;
		v = (double)(r >> 8) / ((r & 3) ? 100.0 : 7.0) * ((r & 4) ?
		    -1 : 1);
		a.len = 0;
		b.len = 0;
		rt_buf_adds(&b, "x");	/* another place in another buffer */
		rt_num_fmt(&a, v);
		rt_num_fmt(&b, v);
		if (a.len + 1 != b.len || memcmp(a.p, b.p + 1, a.len) != 0 ||
		    a.len >= sizeof t) {
			bad++;
			continue;
		}
		memcpy(t, a.p, a.len);
		t[a.len] = 0;
		back = strtod(t, NULL);
		if (back != v)
			bad++;
	}
	ok(bad == 0, "a number printed twice in a row prints the same, and "
	    "reads back (%d wrong)", bad);
	rt_buf_release(&a);
	rt_buf_release(&b);
}

int
main(void)
{
	test_parse_edges();
	test_parse_random();
	test_int64();
	test_fmt_exact();
	test_fmt_random();
	test_fmt_vs_printf();
	test_fmt_decimals();
	test_fmt_digit_edges();
	test_fmt_repeat();
	test_clean();
	test_clean_random();
	rt_buf_release(&fmtbuf);
	return done_testing();
}
