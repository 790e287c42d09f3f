#!/usr/bin/env python3
"""Records with every JSON type in every field, for the rt-classify
differential tests.  usage: gen.py N SEED"""
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
def val(depth=0):
    k = rnd.randrange(12 if depth == 0 else 8)
    return [None, True, False, 0, rnd.randint(-5, 5), rnd.choice([1.5, -2.25, 1e300, 5000, 5000.5, 12]),
            rnd.choice(['', 'a', 'A', 'abc', 'Fraud', 'été', 'x\u0000y', '12', 'c-1', 'c-2', 'C-1', 'tab\there']),
            rnd.choice(['FR', 'DE', 'US']),
            [], [rnd.randint(0, 3), 'a'] if depth == 0 else [1],
            {} , {'k': val(1), 'j': 'z'} if depth == 0 else {'k': 1}][k]
for i in range(n):
    r = {}
    for f in ['a', 'b', 's', 'n', 'x', 'o', 'country', 'card_country']:
        if rnd.random() < 0.85:
            r[f] = val()
    print(json.dumps(r, ensure_ascii=rnd.random() < 0.5))
