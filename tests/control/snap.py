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
import json


def canon(state):
    """The state with what only names where a record was read left out:
    rt-alert keeps each held record's input line number, which counts
    from 1 in every chunk (and counts the barrier lines in one run).  The
    header's checksum covers those numbers, so it goes too."""
    if not state.startswith(b"rtpipe-state 2 rt-alert "):
        return state
    out = []
    for line in state.split(b"\n")[1:]:
        if line.startswith(b'["p",') or line.startswith(b'["h",'):
            v = json.loads(line)
            v[3 if v[0] == "p" else 5] = None
            line = json.dumps(v).encode()
        out.append(line)
    return b"\n".join(out)


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
            if canon(w) != canon(g):
                bad += 1
                print("barrier %d (after record %d): state differs" % (i + 1, cuts[i]))
        data = [l for l in out if not l.startswith('{"$rt":')]
        if "".join(data) != "".join(chunk_out):
            bad += 1
            print("output with barriers differs from the chunked runs' output")
        stats = [l for l in err.splitlines() if l.startswith("{")]
        st = json.loads(stats[-1])
        if st["in"] != len(lines):
            bad += 1
            print("stats count %d in, not %d: barriers counted?" % (st["in"], len(lines)))
    print("%d barriers, %d disagreements" % (len(cuts), bad))
    sys.exit(1 if bad else 0)


main()
