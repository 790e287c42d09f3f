#!/usr/bin/env python3
"""Differential test of rt-validate: seeded random records against
tests/fixtures/validate/oracle.schema.json, judged by Python's jsonschema.
Usage: validate-oracle.py gen N SEED > records; validate-oracle.py judge
SCHEMA < records prints one line per record: valid or invalid."""
import json
import random
import sys


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


def main():
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
