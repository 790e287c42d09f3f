#!/usr/bin/env python3
"""Differential test of rt-validate's exact numbers: multipleOf, minimum,
maximum, exclusive*, "integer" and number equality (enum) on seeded
random decimals (big integers, long fractions, exponents up to +-5000),
judged exactly by Python's fractions.Fraction over decimal.Decimal.
One schema with one property per divisor or limit; each record tests one
pair.  Prints the case count and the disagreements; exits 1 on any.
Usage: validate-decimal.py [SEED [CASES]]   (rt-validate from PATH)"""
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction


def digits(r, n):
    return str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(n - 1))


def number(r, big=True):
    """A JSON number text: integers of 1..60 digits, fractions, exponents."""
    kind = r.randint(0, 9)
    sign = "-" if r.random() < 0.2 else ""
    if kind == 0:
        return sign + "0" + r.choice(["", ".0", ".000", "e5", "E-3"])
    n = r.choice([1, 2, 3, 5, 15, 17, 19, 20, 21, 25, 40, 60] if big else [1, 2, 3])
    m = digits(r, n)
    if kind <= 3:
        return sign + m
    if kind <= 6:
        cut = r.randint(0, n)
        ip, fp = m[:cut] or "0", m[cut:] or "0"
        return sign + ip + "." + fp + "0" * r.choice([0, 0, 1, 3])
    e = r.choice([1, 2, 3, 10, 20, 30, 300, 400, 5000]) * r.choice([1, -1])
    return sign + m[0] + ("." + m[1:] if n > 1 else "") + r.choice("eE") + \
        r.choice(["", "+"] if e > 0 else [""]) + str(e)


def related(r, d):
    """An instance likely to be a multiple of d, or close to one."""
    f = Fraction(Decimal(d))
    k = r.choice([0, 1, 2, 3, 7, 10, 12345678901234567891, 10**30 + 1])
    x = f * k * r.choice([1, -1])
    if r.random() < 0.3:
        x += Fraction(1, 10 ** r.choice([1, 2, 20, 21, 40, 401]))
    if x.denominator == 1:
        txt = str(x.numerator)
    else:
        # x = a / 10^n exactly (d is decimal): write it as a decimal.
        den, n5 = x.denominator, 0
        while den % 5 == 0:
            den, n5 = den // 5, n5 + 1
        n = max(n5, (den & -den).bit_length() - 1)
        v = x * 10 ** n
        txt = str(v.numerator) + "e-" + str(n)
    if r.random() < 0.3 and "e" not in txt:
        txt += ".000"
    return txt


def same(t):
    """Another text for the same number (a trailing zero added)."""
    i = max(t.find("e"), t.find("E"))
    m, e = (t[:i], t[i:]) if i >= 0 else (t, "")
    return m + ("0" if "." in m else ".0") + e


def exact(t):
    return Fraction(Decimal(t))


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    r = random.Random(seed)
    sys.set_int_max_str_digits(0)
    props, checks = {}, []
    fixed = [("2", "12345678901234567891", False), ("2", "12345678901234567890", True),
             ("0.01", "1.00000000000000000001", False), ("0.01", "151.92", True),
             ("0.01", "1e400", True), ("0.01", "1e-400", False),
             ("1e-5000", "1e-4999", True), ("1e-5000", "1e-5001", False),
             ("3", "1e1000000000000", False), ("2", "1e1000000000000", True),
             
             ("0.5", "7e99999999999999999999", True),
             ("7", "-0.0", True), ("1e308", "1e309", True)]
    for i, (d, x, want) in enumerate(fixed):
        props["f%d" % i] = d  # text, spliced below
        checks.append(("f%d" % i, x, want))
    ndiv = 60
    divs = []
    for i in range(ndiv):
        d = number(r)
        while exact(d) <= 0:
            d = number(r)
        divs.append(d)
        props["m%d" % i] = d
    lims = []
    for i in range(30):
        lims.append((r.choice(["minimum", "maximum", "exclusiveMinimum",
                               "exclusiveMaximum"]), number(r)))
        props["l%d" % i] = lims[-1][1]
    enums = [number(r) for _ in range(10)]
    for _ in range(cases):
        c = r.randint(0, 9)
        if c <= 5:
            i = r.randrange(ndiv)
            x = related(r, divs[i]) if r.random() < 0.7 else number(r)
            checks.append(("m%d" % i, x, (exact(x) / exact(divs[i])).denominator == 1))
        elif c <= 7:
            i = r.randrange(len(lims))
            kw, lim = lims[i]
            x = r.choice([lim, number(r), same(lim), same(same(lim))])
            a, b = exact(x), exact(lim)
            want = {"minimum": a >= b, "maximum": a <= b,
                    "exclusiveMinimum": a > b, "exclusiveMaximum": a < b}[kw]
            checks.append(("l%d" % i, x, want))
        elif c == 8:
            x = r.choice(enums + [number(r), same(r.choice(enums))])
            checks.append(("e", x, any(exact(x) == exact(e) for e in enums)))
        else:
            x = number(r)
            checks.append(("i", x, exact(x).denominator == 1))
    # The schema, as text: numbers are spliced in as they were written.
    parts = []
    for k, t in props.items():
        if k[0] == "l":
            kw = lims[int(k[1:])][0]
            parts.append('"%s":{"%s":%s}' % (k, kw, t))
        else:
            parts.append('"%s":{"multipleOf":%s}' % (k, t))
    parts.append('"e":{"enum":[%s]}' % ",".join(enums))
    parts.append('"i":{"type":"integer"}')
    schema = '{"properties":{%s}}' % ",".join(parts)
    with tempfile.TemporaryDirectory() as tmp:
        sp = os.path.join(tmp, "s.json")
        with open(sp, "w") as f:
            f.write(schema)
        data = "".join('{"%s":%s}\n' % (k, x) for k, x, _ in checks)
        p = subprocess.run(["rt-validate", "--schema", sp, "--annotate"],
                           input=data.encode(), capture_output=True)
        if p.returncode == 2:
            print("rt-validate failed:", p.stderr.decode(), file=sys.stderr)
            sys.exit(1)
        got = [b'"_errors"' not in l for l in p.stdout.splitlines()]
    bad = 0
    for (k, x, want), g in zip(checks, got):
        if g != want:
            bad += 1
            if bad <= 20:
                kw = "enum" if k == "e" else "integer" if k == "i" else \
                    lims[int(k[1:])][0] if k[0] == "l" else "multipleOf"
                lim = props.get(k, "")
                print("  DISAGREE %s %s %s: python %s, rt-validate %s"
                      % (kw, lim, x, want, g))
    if len(got) != len(checks):
        print("  output has %d lines for %d records" % (len(got), len(checks)))
        bad += 1
    print("decimal: %d cases, %d disagreements" % (len(checks), bad))
    sys.exit(1 if bad else 0)


main()
