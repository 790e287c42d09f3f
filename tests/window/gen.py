#!/usr/bin/env python3
"""Seeded test data for rt-window: many keys with a skewed distribution,
timestamps with ties, a few records out of order when asked.

usage: gen.py N SEED [shuffle_fraction] > data.ndjson   (also writes data.csv
for sqlite3 when given --csv PATH)

As a module (diff.py): rows(n, seed, shuffle) gives the rows
[id, card, time_ms, amount, country] in arrival order, ndjson(row) a
row's record."""
import json, random, sys, time

T0 = 1709294400 * 1000  # 2024-03-01T12:00:00Z in ms


def rows(n, seed, shuffle=0.0, steps=(1, 7, 60, 450, 3000, 20000, 90000, 400000)):
    rnd = random.Random(seed)
    t = T0
    out = []
    for i in range(n):
        # ties: a third of the records share the previous timestamp
        if rnd.random() > 0.33:
            t += rnd.choice(steps)
        card = 'c%d' % min(int(rnd.paretovariate(1.2)), 60)
        amount = round(rnd.uniform(0.5, 500), 2)
        country = rnd.choice(['FR', 'DE', 'FR', 'ES', 'IT', 'US'])
        out.append([i, card, t, amount, country])
    # a few records delayed (arrive later than their time)
    for i in range(int(n * shuffle)):
        a = rnd.randrange(n - 3)
        out[a], out[a + 2] = out[a + 2], out[a]
    return out


def rfc3339(ms):
    return '%s.%03dZ' % (time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ms // 1000)), ms % 1000)


def ndjson(row, amount=None):
    i, card, tm, a, country = row
    rec = {'id': i, 'card': card, 'ts': rfc3339(tm), 'amount': a if amount is None else amount,
           'country': country}
    return json.dumps(rec, separators=(',', ':'))


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    shuffle = float(sys.argv[3]) if len(sys.argv) > 3 and not sys.argv[3].startswith('--') else 0.0
    csv = sys.argv[sys.argv.index('--csv') + 1] if '--csv' in sys.argv else None
    rs = rows(n, seed, shuffle)
    with open(csv, 'w') if csv else open('/dev/null', 'w') as f:
        for seq, (i, card, tm, amount, country) in enumerate(rs):
            f.write('%d,%d,%s,%d,%.2f,%s\n' % (seq, i, card, tm, amount, country))
    for r in rs:
        print(ndjson(r))


if __name__ == '__main__':
    main()
