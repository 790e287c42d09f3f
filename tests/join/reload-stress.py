#!/usr/bin/env python3
"""A stream joined while its table is replaced, over and over.

Usage: reload-stress.py [--records N] [--replacements R] [--rows K]
                        [--bin PATH]

Table generation g has K rows, every one with gen = g and check = 7 * g
+ its key number.  The stream (N records, keys k0..kK-1) goes to rt-join
--watch through a pipe; R times along the way a new generation is
written beside the table and renamed over it (half of the times with a
SIGHUP as well).  Every output record must carry gen and check from one
generation (never neither, never half of one table and half of the
next), generations must never go back, and the counts must add up.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time


def write_gen(path, g, rows):
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write("k,gen,check\n")
        for i in range(rows):
            f.write("k%d,%d,%d\n" % (i, g, 7 * g + i))
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--replacements", type=int, default=100)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--bin", default="rt-join")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    table = os.path.join(tmp, "t.csv")
    write_gen(table, 0, a.rows)
    p = subprocess.Popen([a.bin, "--table", table, "--on", "k", "--integer",
                          "gen,check", "--watch", "--watch-interval", "10ms",
                          "--stats"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    result = {}

    def reader():
        bad = neither = back = n = 0
        last = -1
        gens = set()
        for line in p.stdout:
            r = json.loads(line)
            n += 1
            g = r.get("gen")
            if g is None:
                neither += 1
                continue
            if r.get("check") != 7 * g + int(r["k"][1:]):
                bad += 1
            if g < last:
                back += 1
            last = max(last, g)
            gens.add(g)
        result.update(n=n, bad=bad, neither=neither, back=back, gens=gens)

    th = threading.Thread(target=reader)
    th.start()
    t0 = time.time()
    chunk = a.records // (a.replacements + 1)
    sent = g = 0
    while sent < a.records:
        m = min(chunk, a.records - sent)
        p.stdin.write("".join('{"id":%d,"k":"k%d"}\n' % (sent + i,
                              (sent + i) * 7919 % a.rows)
                              for i in range(m)).encode())
        p.stdin.flush()
        sent += m
        if g < a.replacements:
            g += 1
            write_gen(table, g, a.rows)
            if g % 2 == 0:
                p.send_signal(signal.SIGHUP)
    p.stdin.close()
    th.join()
    err = p.stderr.read().decode()
    rc = p.wait()
    secs = time.time() - t0
    stats = json.loads(err.strip().splitlines()[-1])
    print("%d records, %d replacements, %.1f s; rt-join exit %d" %
          (result["n"], a.replacements, secs, rc))
    print("stats: %s" % json.dumps(stats))
    print("%d generations seen in the output" % len(result["gens"]))
    print("%d records joined with neither table" % result["neither"])
    print("%d records with columns of two tables" % result["bad"])
    print("%d records joined with an older table than one before" %
          result["back"])
    ok = (rc == 0 and result["n"] == a.records and result["neither"] == 0
          and result["bad"] == 0 and result["back"] == 0 and
          stats["in"] == stats["out"] == stats["matched"] == a.records and
          stats["reloads"] >= 1 and len(result["gens"]) >= 2)
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
