#!/usr/bin/env python3
"""Seeded test data for rt-window: many keys with a skewed distribution,
timestamps with ties, a few records out of order when asked.

usage: gen.py N SEED [shuffle_fraction] > data.ndjson   (also writes data.csv
for sqlite3 when given --csv PATH)"""
import json, random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
shuffle = float(sys.argv[3]) if len(sys.argv) > 3 and not sys.argv[3].startswith('--') else 0.0
csv = sys.argv[sys.argv.index('--csv') + 1] if '--csv' in sys.argv else None
rnd = random.Random(seed)
t = 1709294400 * 1000  # 2024-03-01T12:00:00Z in ms
rows = []
for i in range(n):
    # ties: a third of the records share the previous timestamp
    if rnd.random() > 0.33:
        t += rnd.choice([1, 7, 60, 450, 3000, 20000, 90000, 400000])
    card = 'c%d' % min(int(rnd.paretovariate(1.2)), 60)
    amount = round(rnd.uniform(0.5, 500), 2)
    country = rnd.choice(['FR', 'DE', 'FR', 'ES', 'IT', 'US'])
    rows.append([i, card, t, amount, country])
# a few records delayed (arrive later than their time)
for i in range(int(n * shuffle)):
    a = rnd.randrange(n - 3)
    rows[a], rows[a + 2] = rows[a + 2], rows[a]
with open(csv, 'w') if csv else open('/dev/null', 'w') as f:
    for seq, (i, card, tm, amount, country) in enumerate(rows):
        f.write('%d,%d,%s,%d,%.2f,%s\n' % (seq, i, card, tm, amount, country))
for i, card, tm, amount, country in rows:
    ts = '%s.%03dZ' % (__import__('time').strftime('%Y-%m-%dT%H:%M:%S', __import__('time').gmtime(tm // 1000)), tm % 1000)
    print(json.dumps({'id': i, 'card': card, 'ts': ts, 'amount': amount, 'country': country}, separators=(',', ':')))
