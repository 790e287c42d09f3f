#!/usr/bin/env python3
"""Compare two NDJSON files record by record as JSON values (numbers by
value).  Prints the count and the first differences; exit 1 on any."""
import json, sys
a = open(sys.argv[1]).read().splitlines()
b = open(sys.argv[2]).read().splitlines()
bad = 0
if len(a) != len(b):
    print('records: %d and %d' % (len(a), len(b))); bad += 1
for i, (x, y) in enumerate(zip(a, b)):
    if json.loads(x) != json.loads(y):
        bad += 1
        if bad < 5:
            print('record %d differs:\n  %s\n  %s' % (i + 1, x[:300], y[:300]))
print('%d records compared, %d differ' % (min(len(a), len(b)), bad))
sys.exit(1 if bad else 0)
