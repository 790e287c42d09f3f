#!/usr/bin/env python3
"""Seeded card reference table for the rt-join benchmark (CSV or NDJSON).

Usage: gen-cards.py [-n ROWS] [--seed S] [--ndjson] > cards.csv
Ten columns; card ids c-0000000 ... as gen-txns.py writes them, so the
first 100,000 rows hold every card of the benchmark stream.
"""
import argparse
import json
import random
import sys

COUNTRIES = ["FR", "DE", "ES", "IT", "GB", "US", "NL", "BE", "PT", "PL"]
SEGMENTS = ["retail", "premium", "business", "student"]
NAMES = ["Alice", "Bob", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo",
         "Inès", "Jules", "Karl", "Léa", "Marc", "Nora", "Oscar", "Paula"]
COLS = ["card_id", "customer_id", "name", "tier", "risk_score", "home_country",
        "opened", "credit_limit", "segment", "email"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ndjson", action="store_true")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    w = sys.stdout.write
    if not a.ndjson:
        w(",".join(COLS) + "\n")
    for i in range(a.n):
        name = NAMES[rnd.randrange(len(NAMES))]
        row = ["c-%07d" % i, "u-%08d" % rnd.randrange(10**8), name,
               rnd.randrange(1, 6), round(rnd.random(), 3),
               COUNTRIES[rnd.randrange(len(COUNTRIES))],
               "20%02d-%02d-%02d" % (rnd.randrange(10, 24),
                                     rnd.randrange(1, 13),
                                     rnd.randrange(1, 29)),
               rnd.randrange(5, 200) * 100,
               SEGMENTS[rnd.randrange(len(SEGMENTS))],
               "%s.%d@example.com" % (name.lower(), i)]
        if a.ndjson:
            w(json.dumps(dict(zip(COLS, row)), ensure_ascii=False,
                         separators=(",", ":")) + "\n")
        else:
            w(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    main()
