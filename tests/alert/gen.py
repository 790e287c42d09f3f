#!/usr/bin/env python3
"""Scored records for the rt-alert tests: usage gen.py N SEED [KEYS]
Event times advance about 20 s a record, some records arrive up to 10
minutes late; a third are alert-worthy."""
import datetime, json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
nkeys = int(sys.argv[3]) if len(sys.argv) > 3 else 12
rnd = random.Random(seed)
t0 = datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc)
t = 0.0
for i in range(n):
    t += rnd.expovariate(1 / 20)
    ts = t - (rnd.uniform(0, 600) if rnd.random() < 0.1 else 0)
    ts = round(ts * 1000) / 1000 if rnd.random() < 0.5 else round(ts)
    cls = rnd.choice(['ok', 'ok', 'review', 'fraud'])
    score = {'ok': rnd.randint(0, 39), 'review': rnd.randint(40, 79),
             'fraud': rnd.randint(80, 100)}[cls]
    r = {'id': i, 'ts': (t0 + datetime.timedelta(seconds=ts)).strftime(
        '%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z',
         'card_id': 'c-%d' % rnd.randrange(nkeys), 'amount': rnd.randint(1, 900),
         '_score': score, '_rules': ['r%d' % rnd.randrange(3)] if score else [],
         '_class': cls}
    if rnd.random() < 0.02:
        del r['card_id']
    print(json.dumps(r, separators=(',', ':')))
