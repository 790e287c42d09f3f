#!/usr/bin/env python3
"""Compare rt-window's output with an oracle's, field by field.

usage: compare.py GOT ORACLE KEYFIELDS FIELDS...
GOT and ORACLE hold JSON objects (NDJSON or a JSON array).  Records are
matched by KEYFIELDS (comma-separated); every FIELD must be equal, numbers
to 1e-9 relative.  Prints the first differences; exit 1 on any."""
import json, sys

def load(path):
    text = open(path).read().strip()
    if text.startswith('['):
        return json.loads(text)
    return [json.loads(l) for l in text.splitlines() if l.strip()]

got, want = load(sys.argv[1]), load(sys.argv[2])
keys = sys.argv[3].split(',')
fields = sys.argv[4:]
def k(r): return tuple(str(r[x]) for x in keys)
gm = {k(r): r for r in got}
bad = 0
if len(got) != len(want):
    print('count: got %d records, oracle %d' % (len(got), len(want)))
    bad += 1
for w in want:
    g = gm.get(k(w))
    if g is None:
        print('missing', k(w)); bad += 1; continue
    for f in fields:
        a, b = g.get(f), w.get(f)
        if a is None or b is None:
            ok = a is None and b is None
        else:
            ok = abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
        if not ok:
            bad += 1
            if bad < 10:
                print('differ', k(w), f, 'got', a, 'oracle', b)
print('%d records, %d fields compared, %d differences' % (len(want), len(fields), bad))
sys.exit(1 if bad else 0)
