#!/usr/bin/env python3
"""Differential tests of rt-validate against Python's jsonschema.

  validate-oracle.py gen N SEED > records
  validate-oracle.py judge SCHEMA < records
      seeded random records against tests/fixtures/validate/oracle.schema.json;
      judge prints one line per record: valid or invalid.
  validate-oracle.py random SEED SCHEMAS [INSTANCES]
      seeded random schemas (draft 2020-12 and draft 7: types, enum, const,
      numeric limits and multipleOf with decimals and big integers, string
      lengths over unicode, simple patterns, object and array keywords,
      allOf/anyOf/oneOf/not, if/then/else, $ref to $defs or definitions,
      uniqueItems, dependentRequired/dependencies) and random instances,
      each judged by rt-validate (from PATH) and by jsonschema with exact
      decimal numbers; prints the counts and every disagreement, exits 1
      on any."""
import decimal
import json
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal


def value(r):
    return r.choice([None, True, 0, -1, 1.5, 2, 1000, 1000.01, 500.5, 12.25,
                     12.3, "", "x", "t1", "t12", "t1234", "EUR", "USD",
                     "card", "abcdef", "é€x", [], ["a"], ["a", "a"],
                     ["a", "b", "c", "d"], [1], {}, {"lat": 1},
                     {"lat": 1, "lon": 2}, {"lat": 1, "alt": 3}, {"lon": 2}])


def record(r):
    keys = ["id", "amount", "qty", "currency", "name", "tags", "geo", "kind",
            "extra"]
    good = {"id": "t%d" % r.randint(0, 999), "amount": r.randint(1, 3996) / 4,
            "tags": ["a", "b"][:r.randint(0, 2)], "kind": "card"}
    rec = dict(good)
    for _ in range(r.randint(0, 3)):
        k = r.choice(keys)
        if r.random() < 0.2:
            rec.pop(k, None)
        else:
            rec[k] = value(r)
    return rec


# ---- random schemas ----

NAMES = ["a", "b", "c", "ab", "ba", "é"]
PATTERNS = ["^a", "b$", "^[a-c]+$", "a.c", "^(ab|ba)", "[0-9]", "^.{2,3}$",
            "x*y", "^[^a]*$", "é", "^$", "(a|b)c?$"]
STRINGS = ["", "a", "b", "ab", "ba", "abc", "aXc", "x", "xy", "y", "é",
           "éé", "😀", "a😀", "12", "a1", "bab", "cab", "ccc", "ac"]


def num(r):
    """A decimal number text: small, big integers, fractions, exponents."""
    k = r.randint(0, 9)
    sign = r.choice(["", "", "-"])
    if k <= 3:
        return sign + str(r.choice([0, 1, 2, 3, 5, 7, 10, 12, 100, 255]))
    if k == 4:
        return sign + str(r.randint(10**18, 10**22))
    if k <= 7:
        return sign + r.choice(["0.5", "1.5", "0.01", "2.25", "0.1", "1.0",
                                "3.000", "0.3", "12.75", "1e2", "2E-1",
                                "1.00000000000000000001", "25e-2"])
    return sign + "%d.%d" % (r.randint(0, 99), r.randint(0, 99))


def posnum(r):
    t = num(r).lstrip("-")
    return t if Decimal(t) > 0 else "0.5"


class Gen:
    def __init__(self, r, d7):
        self.r, self.d7, self.ndefs = r, d7, r.randint(0, 2)

    def value(self, depth=0):
        r = self.r
        k = r.randint(0, 9 if depth < 2 else 5)
        if k == 0:
            return r.choice([None, True, False])
        if k <= 2:
            return Decimal(num(r)) if r.random() < 0.7 else int(num(r).split(".")[0].split("e")[0].split("E")[0] or 0)
        if k <= 5:
            return r.choice(STRINGS)
        if k == 6 and r.random() < 0.5:
            # Equal or not: 1, 1.0 and true; [1] and [true]; 1e0.
            pool = [1, Decimal("1.0"), True, "1", [1], [True],
                    {"a": 1}, {"a": Decimal("1.00")}, Decimal("1E0"), False, 0]
            return [r.choice(pool) for _ in range(r.randint(1, 3))]
        if k <= 7:
            return [self.value(depth + 1) for _ in range(r.randint(0, 3))]
        return {n: self.value(depth + 1) for n in r.sample(NAMES, r.randint(0, 3))}

    def schema(self, depth=0):
        r = self.r
        if r.random() < 0.1:
            return r.choice([True, False, True])
        s = {}
        kws = r.sample(self.keywords(), r.randint(1, 4 if depth < 2 else 2))
        for kw in kws:
            self.add(s, kw, depth)
        return s

    def keywords(self):
        common = ["type", "enum", "const", "minimum", "maximum",
                  "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                  "minLength", "maxLength", "pattern", "required",
                  "properties", "additionalProperties", "patternProperties",
                  "items", "contains", "allOf", "anyOf", "oneOf", "not",
                  "if", "uniqueItems", "minItems", "maxItems",
                  "minProperties", "maxProperties", "deps", "multipleOf"]
        if self.ndefs:
            common += ["$ref", "$ref"]
        if not self.d7:
            common += ["prefixItems", "minContains", "maxContains"]
        return common

    def add(self, s, kw, depth):
        r, sub = self.r, lambda: self.schema(depth + 1)
        types = ["null", "boolean", "integer", "number", "string", "array",
                 "object"]
        if kw == "type":
            s["type"] = r.choice(types) if r.random() < 0.6 else \
                r.sample(types, r.randint(1, 3))
        elif kw == "enum":
            s["enum"] = [self.value(1) for _ in range(r.randint(1, 4))]
        elif kw == "const":
            s["const"] = self.value(1)
        elif kw in ("minimum", "maximum", "exclusiveMinimum",
                    "exclusiveMaximum"):
            s[kw] = Decimal(num(r))
        elif kw == "multipleOf":
            s[kw] = Decimal(posnum(r))
        elif kw in ("minLength", "maxLength", "minItems", "maxItems",
                    "minProperties", "maxProperties", "minContains",
                    "maxContains"):
            s[kw] = r.randint(0, 3)
        elif kw == "pattern":
            s[kw] = r.choice(PATTERNS)
        elif kw == "required":
            s[kw] = r.sample(NAMES, r.randint(0, 3))
        elif kw == "properties":
            s[kw] = {n: sub() for n in r.sample(NAMES, r.randint(1, 3))}
        elif kw == "additionalProperties":
            s[kw] = r.choice([False, True]) if r.random() < 0.5 else sub()
        elif kw == "patternProperties":
            s[kw] = {p: sub() for p in r.sample(PATTERNS[:6], r.randint(1, 2))}
        elif kw == "items":
            if self.d7 and r.random() < 0.4:
                s[kw] = [sub() for _ in range(r.randint(1, 2))]
                if r.random() < 0.5:
                    s["additionalItems"] = r.choice([False, sub()])
            else:
                s[kw] = sub()
        elif kw == "prefixItems":
            s[kw] = [sub() for _ in range(r.randint(1, 2))]
        elif kw == "contains":
            s[kw] = sub()
        elif kw in ("allOf", "anyOf", "oneOf"):
            s[kw] = [sub() for _ in range(r.randint(1, 3))]
        elif kw == "not":
            s[kw] = sub()
        elif kw == "if":
            s["if"] = sub()
            if r.random() < 0.8:
                s["then"] = sub()
            if r.random() < 0.6:
                s["else"] = sub()
        elif kw == "uniqueItems":
            s[kw] = r.random() < 0.8
        elif kw == "deps":
            deps = {n: r.sample(NAMES, r.randint(0, 2))
                    for n in r.sample(NAMES, r.randint(1, 2))}
            s["dependencies" if self.d7 else "dependentRequired"] = deps
        elif kw == "$ref":
            s[kw] = "#/%s/d%d" % ("definitions" if self.d7 else "$defs",
                                  r.randrange(self.ndefs))

    def root(self):
        s = self.schema()
        if not isinstance(s, dict):
            s = {"allOf": [s]}
        s["$schema"] = "http://json-schema.org/draft-07/schema#" if self.d7 \
            else "https://json-schema.org/draft/2020-12/schema"
        if self.ndefs:
            # Definitions refer only to earlier ones: no cycle in place.
            defs = {}
            for i in range(self.ndefs):
                nd, self.ndefs = self.ndefs, i
                defs["d%d" % i] = self.schema(1)
                self.ndefs = nd
            s["definitions" if self.d7 else "$defs"] = defs
        return s

    def instance(self, schema):
        """Random values, biased towards the schema's own numbers."""
        r = self.r
        nums = []

        def walk(x):
            if isinstance(x, dict):
                for k, v in x.items():
                    if k in ("minimum", "maximum", "exclusiveMinimum",
                             "exclusiveMaximum", "multipleOf") and \
                            isinstance(v, Decimal):
                        nums.append(v)
                    walk(v)
            elif isinstance(x, list):
                for v in x:
                    walk(v)
        walk(schema)
        v = self.value()
        if nums and r.random() < 0.4:
            d = r.choice(nums)
            v = r.choice([d, d * r.randint(-3, 7), d + Decimal("0.01"),
                          d * Decimal("1.0"), d * 12345678901234567891])
            if r.random() < 0.3:
                v = {n: v for n in r.sample(NAMES, r.randint(1, 2))}
            elif r.random() < 0.2:
                v = [v, self.value(1)]
        return v


def dump(v):
    """JSON text with decimals written exactly."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        t = str(v)
        return t if "E" in t or "." in t or t.lstrip("-").isdigit() else t
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(dump(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(x)
                          for k, x in v.items()) + "}"


def loads(t):
    return json.loads(t, parse_float=Decimal)


def whole(v):
    """Decimals of whole value as ints: jsonschema's "integer" is int (or
    a float), and its other keywords treat the two alike."""
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    if isinstance(v, list):
        return [whole(x) for x in v]
    if isinstance(v, dict):
        return {k: whole(x) for k, x in v.items()}
    return v


def validator_for(jsonschema, schema, d7):
    base = jsonschema.Draft7Validator if d7 else jsonschema.Draft202012Validator
    return base(whole(schema))


def random_main(seed, nschemas, ninst):
    import jsonschema
    ctx = decimal.getcontext()
    ctx.prec, ctx.Emax, ctx.Emin = 100000, decimal.MAX_EMAX, decimal.MIN_EMIN
    r = random.Random(seed)
    cases = bad = schemas = nvalid = oracle_err = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.json")
        for n in range(nschemas):
            g = Gen(r, r.random() < 0.3)
            text = dump(g.root())
            schema = loads(text)
            with open(path, "w") as f:
                f.write(text)
            insts = [dump(g.instance(schema)) for _ in range(ninst)]
            rej = os.path.join(tmp, "rej.ndjson")
            p = subprocess.run(["rt-validate", "--schema", path, "--reject", rej],
                               input="".join(i + "\n" for i in insts).encode(),
                               capture_output=True)
            if p.returncode == 2:
                bad += 1
                print("  SCHEMA REFUSED %s: %s" % (text, p.stderr.decode().strip()))
                continue
            schemas += 1
            with open(rej) as f:
                rejected = {json.loads(line)["line"] for line in f}
            v = validator_for(jsonschema, schema, g.d7)
            for i, inst in enumerate(insts):
                try:
                    want = v.is_valid(whole(loads(inst)))
                except TypeError:
                    # jsonschema 4.10 sorts the extra items to word its
                    # additionalItems error, and fails on mixed types.
                    oracle_err += 1
                    continue
                got = i + 1 not in rejected
                cases += 1
                nvalid += want
                if got != want:
                    bad += 1
                    if bad <= int(os.environ.get("SHOW", "10")):
                        print("  DISAGREE schema %s\n    instance %s: python %s, "
                              "rt-validate %s" % (text, inst, want, got))
    print("random schemas: %d schemas, %d cases (%d valid, %d invalid), "
          "%d disagreements" % (schemas, cases, nvalid, cases - nvalid, bad))
    if oracle_err:
        print("  (%d more cases skipped: jsonschema itself failed on them)"
              % oracle_err)
    sys.exit(1 if bad else 0)


def main():
    if sys.argv[1] == "random":
        random_main(int(sys.argv[2]), int(sys.argv[3]),
                    int(sys.argv[4]) if len(sys.argv) > 4 else 20)
        return
    if sys.argv[1] == "gen":
        r = random.Random(int(sys.argv[3]))
        for _ in range(int(sys.argv[2])):
            print(json.dumps(record(r), ensure_ascii=False, separators=(",", ":")))
        return
    import jsonschema
    schema = json.load(open(sys.argv[2]))
    v = jsonschema.Draft202012Validator(schema)
    for line in sys.stdin:
        print("valid" if v.is_valid(json.loads(line)) else "invalid")


main()
