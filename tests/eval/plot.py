#!/usr/bin/env python3
"""Read rt-eval --plot's SVG back and check it against the figures.
usage: plot.py PLOT.svg REPORT.json [ORACLE.json]
The curves' points are mapped back to data through their frame's domain
(data-x0 .. data-y1) and compared: the ROC's trapezoids with roc_auc (within
0.001 when thinned, else within rounding), the precision-recall steps with
average_precision, the days with card_precision; with ORACLE.json (oracle.py
--curves), every ROC point (unless thinned), every step, every day and every
histogram bar against the independent computation.  Prints "N checks, M
disagreements" and what disagreed; exit status 1 on any."""
import json, sys
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'
svg = ET.parse(sys.argv[1]).getroot()
rep = json.load(open(sys.argv[2]))
orc = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
checks = bad = 0

def check(ok, what):
    global checks, bad
    checks += 1
    if not ok:
        bad += 1
        print('disagree:', what)

def by_id(i):
    for e in svg.iter():
        if e.get('id') == i:
            return e
    return None

def points(curve, frame):
    f, c = by_id(frame), by_id(curve)
    if c is None:
        return None
    x, y, w, h = (float(f.get(k)) for k in ('x', 'y', 'width', 'height'))
    x0, x1, y0, y1 = (float(f.get('data-' + k)) for k in ('x0', 'x1', 'y0', 'y1'))
    out = []
    for p in c.get('points').split():
        px, py = map(float, p.split(','))
        out.append((x0 + (px - x) / w * (x1 - x0), y0 + (y + h - py) / h * (y1 - y0)))
    return out, (x1 - x0) / w * 0.0005, (y1 - y0) / h * 0.0005

def area(pts):
    return sum((b[0] - a[0]) * (a[1] + b[1]) / 2 for a, b in zip(pts, pts[1:]))

def near(a, b, tol):
    return abs(a - b) <= tol

# ROC.
roc = points('roc-curve', 'roc-frame')
if rep['roc_auc'] is None:
    check(roc is None, 'a ROC curve without an AUC')
else:
    pts, ex, ey = roc
    thinned = orc is not None and len(pts) < len(orc['roc'])
    check(pts[0] == (0, 0) and near(pts[-1][0], 1, ex) and near(pts[-1][1], 1, ey),
          'ROC from (0, 0) to (1, 1): %s %s' % (pts[0], pts[-1]))
    check(near(area(pts), rep['roc_auc'], 0.001 if thinned else 0.00006),
          'ROC area %.6f, roc_auc %s' % (area(pts), rep['roc_auc']))
    if orc is not None and not thinned:
        check(len(pts) == len(orc['roc']), 'ROC points %d, oracle %d' % (len(pts), len(orc['roc'])))
        for (a, b), (c, d) in zip(pts, orc['roc']):
            check(near(a, c, ex) and near(b, d, ey), 'ROC point %s, oracle %s' % ((a, b), (c, d)))
    if orc is not None and thinned:
        check(len(pts) < 4100, 'a thinned ROC of %d points' % len(pts))
# Precision-recall steps: (R_(n-1), P_n) to (R_n, P_n).
pr = points('pr-curve', 'pr-frame')
if rep['average_precision'] is None:
    check(pr is None, 'a precision-recall curve without frauds')
else:
    pts, ex, ey = pr
    check(near(area(pts), rep['average_precision'], 0.00006),
          'PR area %.6f, average_precision %s' % (area(pts), rep['average_precision']))
    steps = pts[1::2]
    if orc is not None:
        check(len(steps) == len(orc['pr']), 'PR steps %d, oracle %d' % (len(steps), len(orc['pr'])))
        for (a, b), (c, d) in zip(steps, orc['pr']):
            check(near(a, c, ex) and near(b, d, ey), 'PR step %s, oracle %s' % ((a, b), (c, d)))
# Card precision by day.
cp = points('cp-curve', 'cp-frame')
if rep['days'] == 0:
    check(cp is None, 'a card precision curve without days')
else:
    pts, ex, ey = cp
    ceil = points('cp-ceiling', 'cp-frame')[0]
    check(len(pts) == rep['days'], 'days drawn %d, days %d' % (len(pts), rep['days']))
    check(near(sum(y for _, y in pts) / len(pts), rep['card_precision'], 0.00006),
          'mean of the days %.6f, card_precision %s' % (sum(y for _, y in pts) / len(pts), rep['card_precision']))
    check(near(sum(y for _, y in ceil) / len(ceil), rep['card_precision_ceiling'], 0.00006),
          'mean of the ceilings, card_precision_ceiling %s' % rep['card_precision_ceiling'])
    if orc is not None:
        for (a, b), (c, d), (day, want, wceil) in zip(pts, ceil, orc['daily']):
            check(near(a, day, ex) and near(b, want, ey) and near(d, wceil, ey),
                  'day %s: %s %s, oracle %s' % (day, b, d, (want, wceil)))
# The histogram: every bar's count, and its height as the share of its class.
f = by_id('hist-frame')
bars = [e for e in svg.iter(NS + 'rect') if e.get('class') == 'bar']
got = [[0] * 20, [0] * 20]
for e in bars:
    got[int(e.get('data-class'))][int(e.get('data-bin'))] = int(e.get('data-count'))
if orc is not None:
    check(got == orc['hist'], 'histogram %s, oracle %s' % (got, orc['hist']))
    if bars:
        h, y1 = float(f.get('height')), float(f.get('data-y1'))
        for e in bars:
            y, n = int(e.get('data-class')), int(e.get('data-count'))
            share = n / sum(orc['hist'][y]) if sum(orc['hist'][y]) else 0
            check(near(float(e.get('height')) / h * y1, share, 0.0001),
                  'bar %s/%s: height for %s' % (y, e.get('data-bin'), share))
print('%d checks, %d disagreements' % (checks, bad))
sys.exit(1 if bad else 0)
