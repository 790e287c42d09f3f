#!/usr/bin/env python3
"""Turn an rt-classify text rules file into one jq program doing the same
job with the jq binary: . + {_score, _rules, _class}.  A condition matches
when one of its outputs is neither false nor null; an error means no
match.  usage: jqprog.py RULES [NAME=THRESHOLD...]"""
import sys
rules, cur = [], None
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line[:1] in (' ', '\t') and cur is not None and line.strip() and not line.strip().startswith('#'):
        cur[2] += '\n' + line
        continue
    if not line.strip() or line.startswith('#'):
        continue
    name, score, cond = line.split(None, 2)
    cur = [name, score, cond]
    rules.append(cur)
labels = [(a.split('=')[0], float(a.split('=')[1])) for a in sys.argv[2:]]
m = ['([try ((%s\n) | select(. != null and . != false) | true) catch false] | any)' % c for _, _, c in rules]
score = ' + '.join('(if %s then %s else 0 end)' % (x, s) for x, (_, s, _) in zip(m, rules))
names = ', '.join('(if %s then "%s" else empty end)' % (x, n) for x, (n, _, _) in zip(m, rules))
cls = '"ok"'
for n, t in sorted(labels, key=lambda x: x[1]):
    cls = 'if $s >= %r then "%s" else %s end' % (t, n, cls)
print('(0 + %s) as $s | . + {_score: $s, _rules: [%s], _class: (%s)}' % (score, names, cls))
