#!/usr/bin/env python3
"""Barriers and state: feed a stateful tool records with barriers between
them, copy its --state file the moment each barrier comes out of it, and
compare each copy with the state a chunked run writes over the records up
to that barrier.  Also checks that the output is the records' output with
the barriers in place, that barriers are never counted, and that the
chunked run gives the same output.

Usage: snap.py INPUT CASES SEED -- TOOL ARGS...   (ARGS without --state)
Prints "N barriers, N disagreements"; exit 1 on any disagreement.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile


def run_chunked(cmd, lines, cuts, d):
    """State after lines[:cut] for each cut, by chunked runs."""
    st = os.path.join(d, "chunked.state")
    states, outs, prev = [], [], 0
    for cut in cuts + [len(lines)]:
        p = subprocess.run(cmd + ["--state", st], input="".join(lines[prev:cut]),
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit("chunked run failed: %s" % p.stderr)
        outs.append(p.stdout)
        with open(st, "rb") as f:
            states.append(f.read())
        prev = cut
    return states[:-1], outs


def run_barriers(cmd, lines, cuts, d):
    """Copies of the state file as each barrier came out, and the output."""
    st = os.path.join(d, "live.state")
    p = subprocess.Popen(cmd + ["--state", st, "--stats"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, bufsize=1)
    snaps, out, prev = [], [], 0
    for i, cut in enumerate(cuts):
        p.stdin.write("".join(lines[prev:cut]))
        p.stdin.write('{"$rt":"barrier","id":%d}\n' % (i + 1))
        p.stdin.flush()
        while True:
            line = p.stdout.readline()
            if not line:
                sys.exit("the tool ended before barrier %d came out" % (i + 1))
            out.append(line)
            if line.startswith('{"$rt":"barrier"'):
                break
        if line != '{"$rt":"barrier","id":%d}\n' % (i + 1):
            sys.exit("barrier %d came out as %r" % (i + 1, line))
        with open(st, "rb") as f:
            snaps.append(f.read())
        prev = cut
    p.stdin.write("".join(lines[prev:]))
    p.stdin.close()
    out.extend(p.stdout.readlines())
    err = p.stderr.read()
    p.wait()
    return snaps, out, err, p.returncode


def main():
    inp, cases, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with open(inp) as f:
        lines = f.readlines()
    rnd = random.Random(seed)
    cuts = sorted(rnd.sample(range(1, len(lines)), cases))
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        want, chunk_out = run_chunked(cmd, lines, cuts, d)
        got, out, err, rc = run_barriers(cmd, lines, cuts, d)
        for i, (w, g) in enumerate(zip(want, got)):
            if w != g:
                bad += 1
                print("barrier %d (after record %d): state differs" % (i + 1, cuts[i]))
        data = [l for l in out if not l.startswith('{"$rt":')]
        if "".join(data) != "".join(chunk_out):
            bad += 1
            print("output with barriers differs from the chunked runs' output")
        stats = [l for l in err.splitlines() if l.startswith("{")]
        import json
        st = json.loads(stats[-1])
        if st["in"] != len(lines):
            bad += 1
            print("stats count %d in, not %d: barriers counted?" % (st["in"], len(lines)))
    print("%d barriers, %d disagreements" % (len(cuts), bad))
    sys.exit(1 if bad else 0)


main()
