#!/usr/bin/env python3
"""An independent model of rt-alert's decisions, for the tests.

usage: oracle.py [--key F,..] [--suppress S] [--rate N/S] [--top K --per S]
                 [--by F] [--max-delay S] [--when-score-ge X] FILE

Reads NDJSON records written compactly (json.dumps(separators=(',',':'))),
prints the alerts rt-alert should raise, in order, without alert_id, one
compact JSON object per line, then a last line {"stats": {...}}.
Durations are in seconds ("90" or "90s").  Semantics (rt-alert(1)):
- worthy: _class present, not null and not "ok" (or _score >= X);
- the clock is the event time (ts) of worthy records; watermark = max - delay;
- suppression per key: |t - ta| < S suppresses (counted), else an alert
  carrying the key's suppressed count; ta = max(ta, t); a key is forgotten
  when the watermark passes ta + S with no count pending;
- rate: at most N alerts per epoch-aligned period of S seconds; the rest are
  throttled and reported in one summary when a later period starts or the
  watermark passes the period's end;
- top: per period, the K best by score (then earlier, then first read),
  emitted best first when the watermark passes the period's end; a worthy
  record of a period already closed is rejected (late).
"""
import argparse, datetime, heapq, json, math, sys

ap = argparse.ArgumentParser()
ap.add_argument('--key', default='')
def secs(v):
    return float(v[:-1] if v.endswith('s') else v)
ap.add_argument('--suppress', type=secs, default=0)
ap.add_argument('--rate', default='')
ap.add_argument('--top', type=int, default=0)
ap.add_argument('--per', type=secs, default=0)
ap.add_argument('--by', default='_score')
ap.add_argument('--max-delay', type=secs, default=0)
ap.add_argument('--when-score-ge', type=float, default=None)
ap.add_argument('file')
o = ap.parse_args()

US = 1000000
keys = [k for k in o.key.split(',') if k]
sup = round(o.suppress * US)
delay = round(o.max_delay * US)
rate_n, rate_per = 0, 0
if o.rate:
    n, s = o.rate.split('/')
    rate_n, rate_per = int(n), round(secs(s) * US)
per = round(o.per * US)

def parse_ts(s):
    d = datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
    e = d - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (e.days * 86400 + e.seconds) * US + e.microseconds

def fmt_ts(us):
    sec, frac = divmod(us, US)
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=sec)
    s = d.strftime('%Y-%m-%dT%H:%M:%S')
    if frac == 0:
        return s + 'Z'
    if frac % 1000 == 0:
        return s + '.%03dZ' % (frac // 1000)
    return s + '.%06dZ' % frac

def dump(v):
    return json.dumps(v, separators=(',', ':'), ensure_ascii=False)

stats = dict(worthy=0, raised=0, suppressed=0, throttled=0, outranked=0,
             late=0, summaries=0, rejected=0, dropped=0)
out = []
maxt = None
wm = None
ta, supp = {}, {}
rhave, rcur, rcount, rthr, rthr_supp = False, 0, 0, 0, 0
periods = {}          # start -> list of (sortkey, alert)
closed_upto = None
pend = []             # (t, seq, line)
seq = 0

def key_text(r):
    parts = []
    for k in keys:
        if k not in r:
            parts.append('\x01missing')
        else:
            v = r[k]
            parts.append(v if isinstance(v, str) else dump(v))
    return '\0'.join(parts)

def alert(r, line, t, pending):
    a = {'time': fmt_ts(t),
         'key': {k: r.get(k) for k in keys},
         'class': r.get('_class'),
         'score': r.get(o.by),
         'rules': r.get('_rules', []),
         'suppressed': pending,
         'record': r}
    return a

def emit(a):
    out.append(a)

def summary():
    global rthr, rthr_supp
    s = rcur * rate_per
    emit({'time': fmt_ts(s + rate_per), 'summary': 'throttled',
          'window_start': fmt_ts(s), 'window_end': fmt_ts(s + rate_per),
          'throttled': rthr, 'suppressed': rthr_supp})
    stats['summaries'] += 1
    rthr = rthr_supp = 0

def close_period(start):
    global closed_upto
    items = sorted(periods.pop(start), key=lambda x: x[0])
    for _, a in items:
        emit(a)
        stats['raised'] += 1
    if closed_upto is None or start + per > closed_upto:
        closed_upto = start + per

def process(r, line, t, sq):
    global rhave, rcur, rcount, rthr, rthr_supp
    pending = 0
    if sup:
        k = key_text(r)
        if k in ta and abs(t - ta[k]) < sup:
            supp[k] += 1
            stats['suppressed'] += 1
            stats['dropped'] += 1
            return
        if k in ta:
            pending = supp[k]
            ta[k] = max(ta[k], t)
        else:
            ta[k] = t
        supp[k] = 0
    if rate_n:
        pi = t // rate_per
        if not rhave or pi > rcur:
            if rhave and rthr:
                summary()
            rcur, rcount, rhave = pi, 0, True
        if rcount >= rate_n:
            rthr += 1
            rthr_supp += pending
            stats['throttled'] += 1
            stats['dropped'] += 1
            return
        rcount += 1
    a = alert(r, line, t, pending)
    if o.top:
        s = r.get(o.by)
        if not isinstance(s, (int, float)) or isinstance(s, bool):
            try:
                s = float(s) if isinstance(s, str) else -sys.float_info.max
            except ValueError:
                s = -sys.float_info.max
        start = (t // per) * per
        lst = periods.setdefault(start, [])
        item = ((-s, t, sq), a)
        if len(lst) < o.top:
            lst.append(item)
            return
        stats['outranked'] += 1
        stats['dropped'] += 1
        w = max(range(len(lst)), key=lambda i: lst[i][0])
        if item[0] < lst[w][0]:
            lst[w] = item
        return
    emit(a)
    stats['raised'] += 1

def advance():
    while pend and pend[0][0] <= wm:
        t, sq, line = heapq.heappop(pend)
        process(json.loads(line), line, t, sq)
    if sup:
        for k in [k for k in ta if ta[k] + sup <= wm and supp[k] == 0]:
            del ta[k], supp[k]
    if rate_n and rhave and rthr and (rcur + 1) * rate_per <= wm:
        summary()
    while o.top and periods and min(periods) + per <= wm:
        close_period(min(periods))

nin = 0
for line in open(o.file, encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip():
        continue
    nin += 1
    r = json.loads(line)
    if o.when_score_ge is not None:
        sc = r.get('_score')
        w = isinstance(sc, (int, float)) and sc >= o.when_score_ge
    else:
        w = r.get('_class') is not None and r.get('_class') != 'ok'
    if not w:
        stats['dropped'] += 1
        continue
    stats['worthy'] += 1
    t = parse_ts(r['ts'])
    seq += 1
    if maxt is None or t > maxt:
        maxt = t
        wm = t - delay
        advance()
    if o.top and closed_upto is not None and (t // per) * per + per <= closed_upto:
        stats['late'] += 1
        stats['rejected'] += 1
        continue
    if delay and t > wm:
        heapq.heappush(pend, (t, seq, line))
        continue
    process(r, line, t, seq)

while pend:
    t, sq, line = heapq.heappop(pend)
    process(json.loads(line), line, t, sq)
while o.top and periods:
    close_period(min(periods))
if rate_n and rthr:
    summary()
stats['in'] = nin
stats['out'] = stats['raised']
for a in out:
    print(dump(a))
print(dump({'stats': stats}))
