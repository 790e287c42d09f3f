#!/usr/bin/env python3
"""Differential test of rt-window against SQLite, on seeded random cases.

usage: diff.py   (environment: CASES, default 20; SEED, default 1; N,
records per case, default 200; RT_WINDOW, the binary, default rt-window)

Each case draws a window configuration (sliding with sizes, --lag and
--closed both; --rows; tumbling with --offset; hopping; sessions), some
aggregates (count, sum, avg, min, max, stddev, distinct, first, last,
count_if, prev, since_prev), a key (one field, two, or none), a scale
for the numbers (ordinary, 1e300, 1e-140 or 1e-300, signs mixed or
not), non-numbers among them, and, for some, records out of order with
--max-delay, --allowed-lateness and a late policy (reject, --late FILE,
--late-pass).  The data comes from gen.py; rt-window's output is compared
(compare.py) with SQLite's:
  - look-back windows on records in time order: window functions over a
    frame RANGE BETWEEN ... PRECEDING AND CURRENT ROW (or ROWS), ordered
    by time and arrival so that of records with equal times each sees
    those that came before it (see rt-window(1));
  - on records out of order, and for distinct, first and last, which
    SQLite's window functions do not have: correlated subqueries over the
    records that have arrived so far;
  - tumbling and hopping windows: GROUP BY; sessions: the gaps between a
    key's records found with LAG, numbered with SUM() OVER, then GROUP BY;
  - prev and since_prev: LAG over the key's records in arrival order.
Which records are late (the watermark, the one thing computed here) is
simulated in Python; the standard deviation is a Python aggregate in
exact rational arithmetic, as a SQLite window function.
Prints the number of cases, of values compared and of disagreements;
exit 1 on any disagreement."""
import json, math, os, random, sqlite3, subprocess, sys, tempfile
from datetime import datetime, timezone
from decimal import Decimal, getcontext
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import gen  # noqa: E402

getcontext().prec = 40
K = 1 << 10          # arrival order inside a time: the order key
                     # (tm - T0) * K + seq, exact in a double (SQLite
                     # compares RANGE bounds as REAL); see setup_db
RT = os.environ.get('RT_WINDOW', 'rt-window')
DURS = [('1s', 1000), ('7s', 7000), ('60s', 60000), ('1m', 60000), ('10m', 600000),
        ('1h', 3600000), ('90m', 5400000), ('3h', 10800000)]


class StdDev:
    """Sample standard deviation, exact (Fractions), with inverse for
    window frames."""
    def __init__(self):
        self.xs = {}
        self.n = 0

    def step(self, x):
        if x is not None:
            f = Fraction(x)
            self.xs[f] = self.xs.get(f, 0) + 1
            self.n += 1

    def inverse(self, x):
        if x is not None:
            f = Fraction(x)
            self.xs[f] -= 1
            if self.xs[f] == 0:
                del self.xs[f]
            self.n -= 1

    def value(self):
        if self.n < 2:
            return None
        m = sum(x * c for x, c in self.xs.items()) / self.n
        v = sum((x - m) ** 2 * c for x, c in self.xs.items()) / (self.n - 1)
        d = (Decimal(v.numerator) / Decimal(v.denominator)).sqrt()
        return float(d)

    finalize = value


def pick_aggs(rnd, closing, session, nulls):
    pool = ['count', 'sum', 'avg', 'min', 'max', 'stddev', 'count_if']
    if not session:
        pool.append('distinct')
    pool += ['first', 'last']
    if not closing:
        pool += ['prev', 'since_prev']
    aggs = rnd.sample(pool, rnd.randint(2, min(6, len(pool))))
    return aggs


def agg_arg(a):
    return {'count': 'count', 'sum': 'sum:amount', 'avg': 'avg:amount', 'min': 'min:amount',
            'max': 'max:amount', 'stddev': 'stddev:amount', 'distinct': 'distinct:country',
            'first': 'first:amount', 'last': 'last:amount', 'count_if': 'count_if:country=FR',
            'prev': 'prev:amount', 'since_prev': 'since_prev'}[a]


def agg_member(a):
    return {'count': 'count', 'sum': 'sum_amount', 'avg': 'avg_amount', 'min': 'min_amount',
            'max': 'max_amount', 'stddev': 'stddev_amount', 'distinct': 'distinct_country',
            'first': 'first_amount', 'last': 'last_amount', 'count_if': 'count_if_country_FR',
            'prev': 'prev_amount', 'since_prev': 'since_prev'}[a]


def pick_case(rnd, n):
    c = {}
    c['kind'] = rnd.choice(['sliding', 'sliding', 'rows', 'tumble', 'hop', 'session'])
    c['disorder'] = rnd.random() < 0.4
    c['keys'] = rnd.choice([['card'], ['card'], ['card', 'country'], []])
    c['scale'], c['signs'] = rnd.choice([(1.0, False), (1.0, True), (1e300, False),
                                         (1e-140, True), (1e-300, False), (1.0, False)])
    c['nulls'] = rnd.random() < 0.3
    closing = c['kind'] in ('tumble', 'hop', 'session')
    c['aggs'] = pick_aggs(rnd, closing, c['kind'] == 'session', c['nulls'])
    if c['scale'] < 1e-200:
        c['aggs'] = [a for a in c['aggs'] if a != 'stddev'] or ['count']  # see rt-window(1)
    c['steps'] = rnd.choice([(1, 7, 60, 450, 3000, 20000, 90000, 400000), (0, 1, 1000, 2000),
                             (60000, 600000, 3600000)])
    c['wins'] = []
    if c['kind'] == 'sliding':
        for _ in range(rnd.randint(1, 2)):
            name, ms = rnd.choice(DURS)
            lag = rnd.choice([None, None, ('30s', 30000), ('1h', 3600000)])
            c['wins'].append(('sliding', name, ms, lag))
        # Names must differ: one window of each spelling.
        seen = set()
        c['wins'] = [w for w in c['wins'] if not (w[1], w[3]) in seen and not seen.add((w[1], w[3]))]
        c['closed_both'] = rnd.random() < 0.3
    elif c['kind'] == 'rows':
        c['wins'].append(('rows', None, rnd.choice([1, 2, 5, 50]), None))
        c['closed_both'] = False
    else:
        c['closed_both'] = False
    if c['kind'] == 'tumble':
        c['size'] = rnd.choice(DURS[:7])
        c['offset'] = rnd.choice([None, ('30s', 30000), ('7m', 420000)])
    elif c['kind'] == 'hop':
        c['hop'] = rnd.choice([('1m', 60000), ('10m', 600000), ('5s', 5000)])
        c['size'] = (str(c['hop'][1] * 3 // 1000) + 's', c['hop'][1] * 3)
        c['offset'] = rnd.choice([None, ('1s', 1000)])
    elif c['kind'] == 'session':
        c['gap'] = rnd.choice([('1s', 1000), ('30s', 30000), ('10m', 600000)])
    if c['disorder']:
        c['max_delay'] = rnd.choice([('0', 0), ('1s', 1000), ('10s', 10000), ('5m', 300000)])
        c['lateness'] = rnd.choice([('0', 0), ('0', 0), ('30s', 30000)])
        c['late'] = rnd.choice(['reject', 'file', 'pass'])
    return c


def make_rows(rnd, c, n, seed):
    rows = gen.rows(n, seed, 0.08 if c['disorder'] else 0.0, c['steps'])
    if c['disorder']:
        # And a few records much later than their time.
        for _ in range(n // 40):
            a = rnd.randrange(n - 20)
            rows.insert(a + rnd.randint(5, 19), rows.pop(a))
    out = []
    for i, card, tm, amount, country in rows:
        x = amount * c['scale']
        if c['signs'] and rnd.random() < 0.3:
            x = -x
        if c['nulls'] and rnd.random() < 0.15:
            x = rnd.choice([None, 'n/a', True])
        out.append([i, card, tm, x, country])
    return out


def late_flags(rows, max_delay, lateness):
    """The records rt-window finds late: older than the newest accepted
    time minus --max-delay, minus --allowed-lateness."""
    flags, maxt = [], None
    for r in rows:
        late = maxt is not None and r[2] < maxt - max_delay - lateness
        flags.append(late)
        if not late and (maxt is None or r[2] > maxt):
            maxt = r[2]
    return flags


def args_of(c):
    a = []
    if c['keys']:
        a += ['-k', ','.join(c['keys'])]
    for kind, name, ms, lag in c['wins']:
        if kind == 'sliding':
            a += ['--sliding', name]
            if lag:
                a += ['--lag', lag[0]]
        else:
            a += ['--rows', str(ms)]
    if c.get('closed_both'):
        a += ['--closed', 'both']
    if c['kind'] == 'tumble':
        a += ['--tumble', c['size'][0]]
    elif c['kind'] == 'hop':
        a += ['--hop', c['hop'][0], '--size', c['size'][0]]
    elif c['kind'] == 'session':
        a += ['--session', c['gap'][0]]
    if c.get('offset'):
        a += ['--offset', c['offset'][0]]
    if c['disorder']:
        a += ['--max-delay', c['max_delay'][0], '--allowed-lateness', c['lateness'][0]]
    for g in c['aggs']:
        a += ['-a', agg_arg(g)]
    return a


def setup_db(rows, flags):
    db = sqlite3.connect(':memory:')
    db.create_window_function('sd', 1, StdDev)
    db.execute('CREATE TABLE t(seq INTEGER, id INTEGER, card TEXT, country TEXT, tm INTEGER, '
               'amount REAL, late INTEGER, o INTEGER)')
    data = []
    for seq, (r, late) in enumerate(zip(rows, flags)):
        x = r[3] if isinstance(r[3], float) else None
        data.append((seq, r[0], r[1], r[4], r[2], x, int(late), (r[2] - gen.T0) * K + seq))
    db.executemany('INSERT INTO t VALUES (?,?,?,?,?,?,?,?)', data)
    db.execute('CREATE INDEX tk ON t(card, tm)')
    return db


def part(keys, a='a', b='b'):
    return ''.join(' AND %s.%s = %s.%s' % (b, k, a, k) for k in keys)


def sql_frame(agg, frame, keys):
    """Aggregate agg over a window-function frame (records in time order)."""
    pb = 'PARTITION BY %s' % ','.join(keys) if keys else ''
    w = 'OVER (%s ORDER BY o %s)' % (pb, frame)
    return {'count': 'COUNT(*) ' + w, 'sum': 'SUM(amount) ' + w, 'avg': 'AVG(amount) ' + w,
            'min': 'MIN(amount) ' + w, 'max': 'MAX(amount) ' + w, 'stddev': 'sd(amount) ' + w,
            'count_if': "COALESCE(SUM(country = 'FR') %s, 0)" % w}.get(agg)


def sql_sub(agg, cond):
    """Aggregate agg over the records b (already arrived) that cond holds for."""
    base = 'FROM t b WHERE b.late = 0 AND b.seq <= a.seq AND ' + cond
    return {'count': 'SELECT COUNT(*) ' + base, 'sum': 'SELECT SUM(b.amount) ' + base,
            'avg': 'SELECT AVG(b.amount) ' + base, 'min': 'SELECT MIN(b.amount) ' + base,
            'max': 'SELECT MAX(b.amount) ' + base, 'stddev': 'SELECT sd(b.amount) ' + base,
            'count_if': "SELECT COUNT(*) %s AND b.country = 'FR'" % base,
            'distinct': 'SELECT COUNT(DISTINCT b.country) ' + base,
            'first': 'SELECT b.amount %s AND b.amount IS NOT NULL ORDER BY b.tm, b.seq LIMIT 1' % base,
            'last': 'SELECT b.amount %s AND b.amount IS NOT NULL ORDER BY b.tm DESC, b.seq DESC LIMIT 1' % base,
            }[agg]


def oracle_enrich(db, c):
    """The look-back features of every record that is not late."""
    cols = []
    for kind, name, ms, lag in c['wins']:
        label = '%srows' % ms if kind == 'rows' else name + ('_lag' + lag[0] if lag else '')
        lagms = lag[1] if lag else 0
        for g in c['aggs']:
            if g in ('prev', 'since_prev'):
                continue
            member = agg_member(g) + '_' + label
            if kind == 'rows':
                cond = ('b.rowid IN (SELECT r.rowid FROM t r WHERE r.late = 0 AND r.seq <= a.seq '
                        'AND r.tm <= a.tm%s ORDER BY r.tm DESC, r.seq DESC LIMIT %d)' % (part(c['keys'], 'a', 'r'), ms))
                frame = 'ROWS BETWEEN %d PRECEDING AND CURRENT ROW' % (ms - 1)
            else:
                lo = '>=' if c['closed_both'] else '>'
                cond = 'b.tm %s a.tm - %d AND b.tm <= a.tm - %d' % (lo, ms + lagms, lagms)
                far = (ms + lagms) * K + (K - 1 if c['closed_both'] else -1)
                near = 'CURRENT ROW' if lagms == 0 else '%d PRECEDING' % (lagms * K - 1)
                frame = 'RANGE BETWEEN %d PRECEDING AND %s' % (far, near)
            # Window functions for records in time order; the rest (and
            # distinct, first, last) by subqueries.
            # (Python 3.11's sqlite3 crashes on a Python window function
            # over a frame that starts empty, as lag frames do; SQLite
            # 3.40's MIN and MAX over a RANGE frame can miss a row.)
            expr = None if c['disorder'] or (g == 'stddev' and lagms) or \
                (g in ('min', 'max') and kind != 'rows') else \
                sql_frame(g, frame, c['keys'])
            if expr is None:
                expr = '(%s)' % sql_sub(g, cond + part(c['keys']))
            cols.append((member, expr))
    for g in c['aggs']:
        pb = 'PARTITION BY %s' % ','.join(c['keys']) if c['keys'] else ''
        if g == 'prev':
            cols.append(('prev_amount', 'LAG(amount) OVER (%s ORDER BY seq)' % pb))
            cols.append(('_prev_raw', 'LAG(id) OVER (%s ORDER BY seq)' % pb))
        elif g == 'since_prev':
            cols.append(('since_prev', '(tm - LAG(tm) OVER (%s ORDER BY seq)) / 1000.0' % pb))
    # Window functions see only the records that are not late.
    q = 'SELECT id, %s FROM t a WHERE late = 0 ORDER BY seq' % ', '.join('%s AS "%s"' % (e, m) for m, e in cols)
    cur = db.execute(q)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()], [m for m, _ in cols if not m.startswith('_')]


def oracle_close(db, c):
    keys = c['keys']
    kc = ''.join('%s, ' % k for k in keys)
    aggs = []
    for g in c['aggs']:
        m = agg_member(g)
        if g == 'count':
            continue
        e = {'sum': 'SUM(amount)', 'avg': 'AVG(amount)', 'min': 'MIN(amount)', 'max': 'MAX(amount)',
             'stddev': 'sd(amount)', 'count_if': "SUM(country = 'FR')", 'distinct': 'COUNT(DISTINCT country)',
             'first': 'NULL', 'last': 'NULL'}[g]
        aggs.append((m, e))
    if c['kind'] in ('tumble', 'hop'):
        size = c['size'][1]
        hop = c['hop'][1] if c['kind'] == 'hop' else size
        off = c['offset'][1] if c.get('offset') else 0
        nh = size // hop
        src = ('SELECT t.*, ((tm - %d - h.k * %d) / %d) * %d + %d AS ws FROM t, '
               '(WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k + 1 < %d) SELECT k FROM h) h '
               'WHERE late = 0' % (off, hop, hop, hop, off, nh))
        # Integer division floors for the times here (all after the epoch
        # and the offset): window start = floor((t - off) / hop) * hop + off,
        # and the windows of a record are those starts minus k hops.
        src = ('SELECT *, ws + %d AS we FROM (%s)' % (size, src))
    else:
        gap = c['gap'][1]
        pb = 'PARTITION BY %s' % ','.join(keys) if keys else ''
        src = ('SELECT *, SUM(new) OVER (%s ORDER BY tm, seq ROWS UNBOUNDED PRECEDING) AS sid FROM '
               '(SELECT t.*, CASE WHEN tm - LAG(tm) OVER (%s ORDER BY tm, seq) < %d THEN 0 ELSE 1 END AS new '
               'FROM t WHERE late = 0)' % (pb, pb, gap))
        src = ('SELECT *, MIN(tm) OVER (PARTITION BY %ssid) AS ws, MAX(tm) OVER (PARTITION BY %ssid) + %d AS we '
               'FROM (%s)' % (kc, kc, gap, src))
    grp = '%sws, we' % kc
    q = ('SELECT %sws AS window_start, we AS window_end, COUNT(*) AS count%s, '
         '(SELECT amount FROM (%s) f WHERE f.ws = g.ws%s AND f.amount IS NOT NULL ORDER BY f.tm, f.seq LIMIT 1) AS first_amount, '
         '(SELECT amount FROM (%s) f WHERE f.ws = g.ws%s AND f.amount IS NOT NULL ORDER BY f.tm DESC, f.seq DESC LIMIT 1) AS last_amount '
         'FROM (%s) g GROUP BY %s' % (
             kc, ''.join(', %s AS "%s"' % (e, m) for m, e in aggs),
             src, part(keys, 'g', 'f'), src, part(keys, 'g', 'f'), src, grp))
    cur = db.execute(q)
    names = [d[0] for d in cur.description]
    out = [dict(zip(names, r)) for r in cur.fetchall()]
    fields = ['window_end', 'count'] + [agg_member(g) for g in c['aggs'] if g != 'count']
    return out, fields


def ms_of(s):
    return int(datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=timezone.utc).timestamp() * 1000 + 0.5)


def run_case(ci, seed, n, tmp, say):
    rnd = random.Random(seed)
    c = pick_case(rnd, n)
    rows = make_rows(rnd, c, n, seed)
    flags = late_flags(rows, c['max_delay'][1], c['lateness'][1]) if c['disorder'] else [False] * len(rows)
    inp = os.path.join(tmp, 'in.ndjson')
    with open(inp, 'w') as f:
        for r in rows:
            f.write(gen.ndjson(r, r[3]) + '\n')
    args = [RT] + args_of(c) + ['--stats']
    if c['disorder'] and c['late'] == 'file':
        args += ['--late', os.path.join(tmp, 'late.ndjson')]
    elif c['disorder'] and c['late'] == 'pass':
        args += ['--late-pass']
    p = subprocess.run(args + [inp], capture_output=True, text=True)
    desc = 'case %d (seed %d): %s' % (ci, seed, ' '.join(args[1:]))
    bad = 0
    nlate = sum(flags)
    late_ids = sorted(r[0] for r, l in zip(rows, flags) if l)
    if p.returncode != (1 if nlate and (not c['disorder'] or c['late'] == 'reject') else 0):
        say('%s: exit status %d: %s' % (desc, p.returncode, p.stderr.strip()[:300]))
        return 1, 0
    got = [json.loads(l) for l in p.stdout.splitlines()]
    stats = json.loads(p.stderr.strip().splitlines()[-1])
    if stats['late'] != nlate:
        say('%s: late %d, oracle %d' % (desc, stats['late'], nlate))
        bad += 1
    db = setup_db(rows, flags)
    scale = c['scale']
    msgs = []
    late_got = [g for g in got if g.get('_late')]
    got = [g for g in got if not g.get('_late')]
    if c['disorder'] and c['late'] == 'pass':
        # Passed on as they came, with "_late":true and nothing else.
        if sorted(g['id'] for g in late_got) != late_ids or any(len(g) != 6 for g in late_got):
            say('%s: --late-pass records differ' % desc)
            bad += 1
    elif late_got:
        say('%s: records marked late without --late-pass' % desc)
        bad += 1
    sd = [agg_member(g) for g in c['aggs'] if g == 'stddev']
    if c['kind'] in ('sliding', 'rows'):
        want, fields = oracle_enrich(db, c)
        for w in want:
            if 'prev_amount' in w and w.get('_prev_raw') is not None and w['prev_amount'] is None:
                # prev gives the previous record's value as it was written.
                prev = next(r for r in rows if r[0] == w['_prev_raw'])
                w['prev_amount'] = prev[3] if isinstance(prev[3], (float, int, bool, str)) else None
        keys = ['id']
    else:
        want, fields = oracle_close(db, c)
        for g in got:
            g['window_start'] = ms_of(g['window_start'])
            g['window_end'] = ms_of(g['window_end'])
        keys = c['keys'] + ['window_start']
    # The standard deviation to 1e-6 (rt-window(1) promises 7 digits).
    sdf = [f for f in fields if any(f.startswith(m) for m in sd)]
    bad += compare.compare(got, want, keys, [f for f in fields if f not in sdf], scale, msgs.append)
    if sdf:
        bad += compare.compare(got, want, keys, sdf, scale, msgs.append, rel=1e-6)
    values = len(want) * len(fields)
    if c['disorder'] and c['late'] == 'file':
        lf = open(os.path.join(tmp, 'late.ndjson')).read().splitlines()
        if sorted(json.loads(l)['id'] for l in lf) != late_ids:
            say('%s: --late file differs' % desc)
            bad += 1
    if bad:
        say(desc)
        for m in msgs:
            say('  ' + m)
    return bad, values


def main():
    global K
    cases = int(os.environ.get('CASES', '20'))
    seed0 = int(os.environ.get('SEED', '1'))
    n = int(os.environ.get('N', '200'))
    while K < n + 2:
        K *= 2
    bad_cases = disagreements = values = 0
    with tempfile.TemporaryDirectory() as tmp:
        for ci in range(cases):
            b, v = run_case(ci, seed0 * 100003 + ci, n, tmp, print)
            values += v
            disagreements += b
            bad_cases += b > 0
    print('%d cases, %d values compared, %d disagreements (%d cases disagree)' % (
        cases, values, disagreements, bad_cases))
    sys.exit(1 if disagreements else 0)


if __name__ == '__main__':
    main()
