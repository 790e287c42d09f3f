/*
 * t_decimal.c - exact decimals on JSON number texts (lib/decimal.c):
 * reading digits and exponents in place, comparison, hashing, whole
 * numbers, multiples (64-bit and long division), saturated exponents.
 * The differential test against Python is tests/validate-decimal.py.
 */
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "tap.h"

static struct rt_dec
D(const char *s)
{
	struct rt_dec d;

	rt_dec_parse(&d, s, strlen(s));
	return d;
}

static int
cmp(const char *a, const char *b)
{
	struct rt_dec x = D(a), y = D(b);

	return rt_dec_cmp(&x, &y);
}

static int
multiple(const char *a, const char *b)
{
	struct rt_dec x = D(a), y = D(b);
	struct rt_decdiv dv;
	uint32_t work[64];
	int r;

	rt_decdiv_init(&dv, &y);
	r = rt_decdiv_work(&dv) <= 64 ? rt_dec_multiple(&x, &dv, work) : -1;
	rt_decdiv_release(&dv);
	return r;
}

static void
test_parse(void)
{
	struct rt_dec d = D("-12.3400e+1");

	ok(d.n == 4 && d.exp == -1 && d.neg && d.dot == 2 &&
	    rt_dec_digit(&d, 2) == 3, "-12.3400e+1 is -1234e-1");
	d = D("1200");
	ok(d.n == 2 && d.exp == 2 && d.dot == UINT32_MAX, "1200 is 12e2");
	d = D("0.000");
	ok(d.n == 0 && !d.neg, "0.000 is zero");
	d = D("-0");
	ok(d.n == 0 && !d.neg, "-0 is zero, not negative");
	d = D("0.0500");
	ok(d.n == 1 && d.exp == -2, "0.0500 is 5e-2");
	d = D("1e99999999999999999999999");
	ok(d.exp == RT_DEC_EXPSAT && !rt_dec_in_range(&d),
	    "a huge exponent saturates, out of a schema's range");
	d = D("1e-1000000000000000");
	ok(rt_dec_in_range(&d), "1e-10^15 is in range");
	d = D("1e-1000000000000001");
	ok(!rt_dec_in_range(&d), "1e-(10^15+1) is not");
}

static void
test_cmp(void)
{
	ok(cmp("1", "1.000") == 0 && cmp("10e-1", "1") == 0 &&
	    cmp("0.1e1", "1") == 0, "equal texts of one number");
	ok(cmp("12345678901234567891", "12345678901234567890") > 0,
	    "beyond double precision");
	ok(cmp("1.00000000000000000001", "1") > 0, "long fractions");
	ok(cmp("-1.5", "-1.25") < 0 && cmp("-1", "0") < 0 && cmp("0", "-0") == 0,
	    "signs");
	ok(cmp("1e400", "1e399") > 0 && cmp("1e-400", "1e-401") > 0,
	    "exponents beyond doubles");
	ok(cmp("1e99999999999999999999", "1e1000000000000000") > 0,
	    "a saturated exponent stays beyond every schema number");
	ok(cmp("1.5", "1.50000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000001") < 0,
	    "more than 96 digits");
}

static void
test_hash_int(void)
{
	struct rt_dec a = D("1.0"), b = D("10e-1"), c = D("1"), e = D("-1");

	ok(rt_dec_hash(&a) == rt_dec_hash(&b) && rt_dec_hash(&b) ==
	    rt_dec_hash(&c) && rt_dec_hash(&c) != rt_dec_hash(&e),
	    "hash: equal numbers, equal hashes");
	a = D("1.0");
	b = D("1e400");
	c = D("1.5e1");
	e = D("1.25e1");
	ok(rt_dec_is_int(&a) && rt_dec_is_int(&b) && rt_dec_is_int(&c) &&
	    !rt_dec_is_int(&e), "whole numbers");
}

static void
test_multiple(void)
{
	ok(multiple("12345678901234567891", "2") == 0 &&
	    multiple("12345678901234567890", "2") == 1, "big integers");
	ok(multiple("1.00000000000000000001", "0.01") == 0 &&
	    multiple("151.92", "0.01") == 1, "cents");
	ok(multiple("1e400", "0.01") == 1 && multiple("1e-400", "0.01") == 0,
	    "exponents beyond doubles");
	ok(multiple("1e1000000000000", "3") == 0 &&
	    multiple("1e1000000000000", "2") == 1 &&
	    multiple("1e1000000000000", "1024") == 1, "a million million zeros");
	ok(multiple("7e99999999999999999999", "0.5") == 1 &&
	    multiple("1e-99999999999999999999", "0.5") == 0,
	    "saturated exponents");
	ok(multiple("0", "7") == 1 && multiple("-0.0", "0.3") == 1, "zero");
	ok(multiple("-21", "7") == 1 && multiple("4.5", "1.5") == 1 &&
	    multiple("4.5", "0.7") == 0, "fractions");
	ok(multiple("18446744073709551615", "18446744073709551615") == 1 &&
	    multiple("36893488147419103230", "18446744073709551615") == 1 &&
	    multiple("36893488147419103231", "18446744073709551615") == 0,
	    "the largest 64-bit divisor");
	ok(multiple("1219326311370217952237463801111263526900",
	    "12345678901234567890123456789") == 0 &&
	    multiple("152415787532388367504953515625361987875019051998750190521",
	    "12345678901234567890123456789") == 1,
	    "long division by a 29-digit divisor");
	ok(multiple("4096e50", "1.28e-20") == 1 &&
	    multiple("3e1", "1.28e-20") == 1 && multiple("3", "1.28e2") == 0,
	    "divisors with powers of 2 and 5");
	ok(multiple("1180591620717411303424", "590295810358705651712") == 1 &&
	    multiple("1180591620717411303424e-1", "590295810358705651712") == 0,
	    "a divisor of 2^69");
}

int
main(void)
{
	test_parse();
	test_cmp();
	test_hash_int();
	test_multiple();
	return done_testing();
}
