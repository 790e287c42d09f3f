#!/usr/bin/env python3
"""rt-eval's figures computed independently, for the tests.
usage: oracle.py SCORED.ndjson [ALERTS.ndjson] [--skip-days N] [--top K]
       [--period-days N] [--curves]
ROC AUC by pairs (ties half), average precision as scikit-learn's
average_precision_score, card precision@k per day as the Le Borgne et al.
handbook's card_precision_top_k (known compromised cards left out, the list
restarting with each period of N days counted from the earliest day plus the
skipped days), ties among cards broken by first appearance in the input.  Alerts count
when they are on an evaluated record.  --curves adds what rt-eval --plot draws:
the ROC points, the precision-recall steps, each day's card precision and
that of a perfect score, and the histogram of scores by class (20 bins)."""
import argparse, datetime, json
ap = argparse.ArgumentParser()
ap.add_argument('scored'); ap.add_argument('alerts', nargs='?')
ap.add_argument('--skip-days', type=int, default=0)
ap.add_argument('--top', type=int, default=100)
ap.add_argument('--period-days', type=int, default=7)
ap.add_argument('--curves', action='store_true')
o = ap.parse_args()

def day_of(ts):
    d = datetime.datetime.fromisoformat(ts.replace('Z', '+00:00'))
    return (d - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)).days

allrecs = []
for line in open(o.scored):
    r = json.loads(line)
    allrecs.append((float(r.get('_score', float('-inf'))), int(r['is_fraud']),
                    day_of(r['ts']), r['customer_id'], r['tx_id']))
first = min(x[2] for x in allrecs)
recs = [x for x in allrecs if x[2] >= first + o.skip_days]

pos = sum(y for _, y, *_ in recs); neg = len(recs) - pos
# AUC: rank-sum with average ranks for ties.
srt = sorted(recs, key=lambda x: x[0])
rank_sum, i = 0.0, 0
while i < len(srt):
    j = i
    while j < len(srt) and srt[j][0] == srt[i][0]:
        j += 1
    avg = (i + 1 + j) / 2
    rank_sum += avg * sum(1 for x in srt[i:j] if x[1])
    i = j
auc = (rank_sum - pos * (pos + 1) / 2) / (pos * neg)
# AP: sum over thresholds (distinct scores, high to low) of dR * P.
desc = sorted(recs, key=lambda x: -x[0])
tp = fp = 0; apv = 0.0; prev_r = 0.0; i = 0
roc, prc = [(0.0, 0.0)], []
while i < len(desc):
    j = i
    while j < len(desc) and desc[j][0] == desc[i][0]:
        j += 1
    gp = sum(1 for x in desc[i:j] if x[1]); tp += gp; fp += (j - i) - gp
    if gp:
        r = tp / pos; apv += (r - prev_r) * tp / (tp + fp); prev_r = r
        prc.append((r, tp / (tp + fp)))
    roc.append((fp / neg if neg else 0, tp / pos if pos else 0))
    i = j
# Card precision@k.
order, days = {}, {}
for x in allrecs:
    order.setdefault(x[3], len(order))
for s, y, d, c, _ in recs:
    dd = days.setdefault(d, {})
    ps, py = dd.get(c, (float('-inf'), 0))
    dd[c] = (max(ps, s), max(py, y))
cps, det, period = [], set(), None
daily, best_det = [], set()
for d in sorted(days):
    if (d - first - o.skip_days) // o.period_days != period:
        period = (d - first - o.skip_days) // o.period_days
        det, best_det = set(), set()
    items = sorted(((s, y, c) for c, (s, y) in days[d].items() if c not in det),
                   key=lambda x: (-x[0], order[x[2]]))[:o.top]
    cps.append(sum(y for _, y, _ in items) / o.top)
    det |= {c for _, y, c in items if y}
    # A perfect score: the compromised cards not found yet, best first.
    best = sorted(((s, c) for c, (s, y) in days[d].items() if y and c not in best_det),
                  key=lambda x: (-x[0], order[x[1]]))[:o.top]
    best_det |= {c for _, c in best}
    daily.append([d, cps[-1], len(best) / o.top])
out = {'records': len(recs), 'frauds': pos, 'roc_auc': round(auc, 4),
       'average_precision': round(apv, 4), 'days': len(cps),
       'card_precision': round(sum(cps) / len(cps), 4)}
if o.alerts:
    ids = set()
    for line in open(o.alerts):
        a = json.loads(line)
        if 'record' in a:
            ids.add(str(a['record']['tx_id']))
    ids &= {str(t) for s, y, d, c, t in recs}
    fraud_ids = {str(t) for s, y, d, c, t in recs if y}
    fc = {c for s, y, d, c, t in recs if y}
    fca = {c for s, y, d, c, t in recs if y and str(t) in ids}
    out['alerts'] = len(ids)
    out['alerts_on_fraud'] = len(ids & fraud_ids)
    out['alert_card_recall'] = round(len(fca) / len(fc), 4)
if o.curves:
    out['roc'] = roc
    out['pr'] = prc
    out['daily'] = daily
    fin = [x[0] for x in recs if x[0] != float('-inf')]
    hist = [[0] * 20, [0] * 20]
    unscored = [0, 0]
    if fin:
        lo, hi = min(fin), max(fin)
        hi = hi if hi > lo else lo + 1
        for s, y, *_ in recs:
            if s == float('-inf'):
                unscored[y] += 1
            else:
                hist[y][min(int((s - lo) / (hi - lo) * 20), 19)] += 1
    else:
        unscored = [len(recs) - pos, pos]
    out['hist'] = hist
    out['unscored'] = unscored
print(json.dumps(out))
