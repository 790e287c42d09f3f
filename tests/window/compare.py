#!/usr/bin/env python3
"""Compare rt-window's output with an oracle's, field by field.

usage: compare.py GOT ORACLE KEYFIELDS FIELDS...
GOT and ORACLE hold JSON objects (NDJSON or a JSON array).  Records are
matched by KEYFIELDS (comma-separated); every FIELD must be equal, numbers
to 1e-9 relative.  Prints the first differences; exit 1 on any.

As a module (diff.py): compare(got, want, keys, fields, scale, say) gives
the number of differences between two lists of records; numbers agree to
1e-9 relative to the larger of the value and scale (the magnitude of the
data, so that tiny numbers are not all equal)."""
import json, sys


def load(path):
    text = open(path).read().strip()
    if text.startswith('['):
        return json.loads(text)
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def same(a, b, scale=1.0, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= rel * max(scale, abs(float(b)))


def compare(got, want, keys, fields, scale=1.0, say=print, rel=1e-9):
    def k(r):
        return tuple(str(r.get(x)) for x in keys)
    gm = {k(r): r for r in got}
    bad = 0
    if len(got) != len(want):
        say('count: got %d records, oracle %d' % (len(got), len(want)))
        bad += 1
    for w in want:
        g = gm.get(k(w))
        if g is None:
            bad += 1
            if bad < 10:
                say('missing %s' % (k(w),))
            continue
        for f in fields:
            if not same(g.get(f), w.get(f), scale, rel):
                bad += 1
                if bad < 10:
                    say('differ %s %s got %s oracle %s' % (k(w), f, g.get(f), w.get(f)))
    return bad


def main():
    got, want = load(sys.argv[1]), load(sys.argv[2])
    keys = sys.argv[3].split(',')
    fields = sys.argv[4:]
    bad = compare(got, want, keys, fields)
    print('%d records, %d fields compared, %d differences' % (len(want), len(fields), bad))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
