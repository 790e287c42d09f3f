#!/usr/bin/env python3
"""rt-join against SQLite, on seeded generated streams and tables.

Usage: oracle.py [--cases N] [--seed S] [--bin PATH] [--records N]

Each case makes a table (CSV, NDJSON, an SQLite file loaded, or the same
file looked up through --cache) and a stream, runs rt-join, and asks
SQLite (Python's sqlite3 module: the library itself) for the same join:

  exact:  LEFT JOIN t ON t.k = s.k (--many all: every row, in rowid
          order; first/last: the row with the least/greatest rowid)
  as-of:  LEFT JOIN t ON t.rowid = (SELECT rowid FROM t WHERE k = s.k
          AND vf <= s.ts ORDER BY vf DESC, rowid ASC|DESC LIMIT 1)
  range:  LEFT JOIN r ON r.lo <= s.x AND s.x <= r.hi (numbers, IPv4)

with COALESCE for --default.  Keys are skewed, some are missing from
the table, some records lack the key or hold null, the table repeats
keys and has rows without a key, and keys include unicode, quotes and
escapes.  Every output record is compared.  Prints "N cases, M
disagreements" and exits 1 on any.
"""
import argparse
import csv
import ipaddress
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

KEYS = ["c1", "c2", "k-3", "ké", "日本", "ß", 'q"uote', "a,b", "tab\tx",
        "back\\slash", "7", "42", "x" * 40, "Ωmega", "e\u0301"]


def key_pool(rnd, n):
    pool = list(KEYS)
    while len(pool) < n:
        pool.append("k%05d" % rnd.randrange(10**5))
    rnd.shuffle(pool)
    return pool[:n]


def skewed(rnd, pool):
    return pool[int(len(pool) * rnd.random() ** 2)]


def val3(rnd):
    return None if rnd.random() < 0.15 else round(rnd.uniform(-1000, 1000), 3)


def make_rows(rnd, mode, nrows, pool, fmt):
    rows = []
    for i in range(nrows):
        r = {"k": skewed(rnd, pool), "v1": rnd.randrange(-500, 500),
             "v2": "t%d-%s" % (i, rnd.choice(["é", "\"", ",", "x", "日"])),
             "v3": val3(rnd)}
        if fmt == "ndjson" and rnd.random() < 0.05:
            r["k"] = None if rnd.random() < 0.5 else r.pop("k")
        if fmt == "ndjson" and rnd.random() < 0.1:
            r["v2"] = None
        if mode == "asof":
            r["vf"] = rnd.randrange(0, 100)
        rows.append(r)
    return rows


def make_ranges(rnd, n, ip):
    rows, at = [], rnd.randrange(0, 50)
    for i in range(n):
        lo = at + rnd.randrange(0, 20)
        hi = lo + rnd.randrange(0, 30)
        at = hi + 1
        if ip:
            base = 0x0A000000
            rows.append({"lo": str(ipaddress.IPv4Address(base + lo)),
                         "hi": str(ipaddress.IPv4Address(base + hi)),
                         "cc": "r%d" % i, "_lo": lo, "_hi": hi})
        else:
            rows.append({"lo": lo, "hi": hi, "cc": "r%d" % i,
                         "_lo": lo, "_hi": hi})
    return rows, at + 20


def make_stream(rnd, mode, n, pool, top, ip):
    recs = []
    for i in range(n):
        r = {"id": i, "pad": rnd.choice(["a", "é", "z" * 30])}
        if mode == "range":
            x = rnd.randrange(0, top)
            r["x"] = str(ipaddress.IPv4Address(0x0A000000 + x)) if ip else x
            r["_x"] = x
        else:
            u = rnd.random()
            if u < 0.05:
                pass                    # no key
            elif u < 0.1:
                r["k"] = None
            elif u < 0.25:
                r["k"] = "absent-%d" % rnd.randrange(50)
            else:
                k = skewed(rnd, pool)
                r["k"] = int(k) if k.isdigit() and rnd.random() < 0.5 else k
            r["ts"] = rnd.randrange(-10, 110)
        recs.append(r)
    return recs


def write_table(path, fmt, rows, cols):
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for r in rows:
                w.writerow(["" if r.get(c) is None else r[c] for c in cols])
    elif fmt == "ndjson":
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({c: r[c] for c in cols if c in r},
                                   ensure_ascii=random.random() < 0.5) + "\n")
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE t(%s)" % ", ".join(
            '"%s" %s' % (c, "TEXT" if c in ("k", "v2", "cc") else "")
            for c in cols))
        db.executemany("INSERT INTO t VALUES(%s)" % ",".join("?" * len(cols)),
                       [[r.get(c) for c in cols] for r in rows])
        db.commit()
        db.close()


def oracle(mode, many, rows, recs, cols, defaults):
    """The join by SQLite: per record id, the list of value tuples."""
    db = sqlite3.connect(":memory:")
    tcols = cols + (["_lo", "_hi"] if mode == "range" else [])
    db.execute("CREATE TABLE t(rid INTEGER PRIMARY KEY, %s)" % ", ".join(
        '"%s"' % c for c in tcols))
    db.executemany("INSERT INTO t VALUES(?, %s)" % ",".join("?" * len(tcols)),
                   [[i + 1] + [r.get(c) for c in tcols]
                    for i, r in enumerate(rows)])
    db.execute("CREATE TABLE s(id INTEGER, k TEXT, ts INTEGER, x INTEGER)")
    db.executemany("INSERT INTO s VALUES(?, ?, ?, ?)", [
        (r["id"], None if r.get("k") is None else str(r["k"]), r.get("ts"),
         r.get("_x")) for r in recs])
    out = [c for c in cols if c not in ("k", "_lo", "_hi")]
    sel = ", ".join("COALESCE(t.\"%s\", %s)" % (c, defaults[c])
                    if c in defaults else "t.\"%s\"" % c for c in out)
    if mode == "range":
        on = "t._lo <= s.x AND s.x <= t._hi"
    elif mode == "asof":
        on = ("t.rid = (SELECT rid FROM t t2 WHERE t2.k = s.k AND t2.vf <= "
              "s.ts ORDER BY t2.vf DESC, t2.rid %s LIMIT 1)" %
              ("DESC" if many == "last" else "ASC"))
    elif many == "all":
        on = "t.k = s.k"
    else:
        on = "t.rid = (SELECT %s(rid) FROM t t2 WHERE t2.k = s.k)" % (
            "min" if many == "first" else "max")
    q = "SELECT s.id, %s FROM s LEFT JOIN t ON %s ORDER BY s.id, t.rid" % (
        sel, on)
    res = {}
    for row in db.execute(q):
        res.setdefault(row[0], []).append(tuple(row[1:]))
    return res, out


def norm(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(
        v, bool) else v


def one_case(args, case, tmp):
    rnd = random.Random(args.seed * 1000003 + case)
    mode = ["exact", "exact", "asof", "range"][case % 4]
    fmt = ["csv", "ndjson", "sqlite", "cache"][(case // 4) % 4]
    if mode == "range" and fmt == "cache":
        fmt = "csv"
    many = rnd.choice(["first", "last"] + (["all"] if mode == "exact" else []))
    pool = key_pool(rnd, rnd.choice([5, 20, 60]))
    ip = mode == "range" and rnd.random() < 0.5
    if mode == "range":
        rows, top = make_ranges(rnd, rnd.randrange(1, 40), ip)
        cols = ["lo", "hi", "cc"]
    else:
        rows, top = make_rows(rnd, mode, rnd.randrange(0, 80), pool,
                              fmt), 0
        cols = ["k", "v1", "v2", "v3"] + (["vf"] if mode == "asof" else [])
    recs = make_stream(rnd, mode, args.records, pool, top, ip)
    defaults = {}
    if mode != "range" and rnd.random() < 0.3:
        defaults = {"v3": "-1", "v1": "0"}
    table = os.path.join(tmp, "t%d.%s" % (case, {"csv": "csv", "ndjson":
                                                  "ndjson"}.get(fmt, "db")))
    write_table(table, "sqlite" if fmt == "cache" else fmt, rows, cols)
    stream = os.path.join(tmp, "s%d.ndjson" % case)
    with open(stream, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({k: v for k, v in r.items() if k[0] != "_"},
                               ensure_ascii=rnd.random() < 0.3) + "\n")
    cmd = [args.bin, "--table", table, "--stats"]
    if mode == "range":
        cmd += ["--on", "x", "--range", "lo,hi"]
    else:
        cmd += ["--on", "k", "--many", many]
    if mode == "asof":
        cmd += ["--as-of", "ts", "--valid-from", "vf", "--time-unit", "s"]
    if fmt == "csv" and mode != "range":
        cmd += ["--integer", "v1" + (",vf" if mode == "asof" else ""),
                "--number", "v3"]
    if fmt == "csv" and mode == "range" and not ip:
        cmd += ["--integer", "lo,hi"]
    if fmt in ("sqlite", "cache"):
        cmd += ["--table-name", "t"]
    if fmt == "cache":
        cmd += ["--cache", str(rnd.choice([1, 3, 100]))]
    for c, v in defaults.items():
        cmd += ["--default", "%s=%s" % (c, v)]
    cmd.append(stream)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return 1, "case %d: %s: exit %d: %s" % (case, " ".join(cmd),
                                                 p.returncode, p.stderr)
    want, out = oracle(mode, many, rows, recs, cols, defaults)
    got = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        got.setdefault(r["id"], []).append(tuple(r.get(c) for c in out))
    bad = 0
    for r in recs:
        w = [tuple(norm(v) for v in t) for t in want.get(r["id"], [])]
        g = [tuple(norm(v) for v in t) for t in got.get(r["id"], [])]
        if w != g:
            if bad < 3:
                print("case %d (%s %s %s) record %d: rt-join %r, sqlite %r"
                      % (case, mode, fmt, many, r["id"], g, w))
            bad += 1
    stats = json.loads(p.stderr.strip().splitlines()[-1])
    if stats["in"] != len(recs) or stats["out"] != len(recs) or \
            stats["matched"] + stats["missing"] != len(recs):
        print("case %d: counts do not add up: %s" % (case, stats))
        bad += 1
    return bad, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=12)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--records", type=int, default=300)
    ap.add_argument("--bin", default="rt-join")
    args = ap.parse_args()
    dis = compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(args.cases):
            bad, err = one_case(args, case, tmp)
            if err:
                print(err)
            dis += bad
            compared += args.records
    print("%d records compared" % compared)
    print("%d cases, %d disagreements" % (args.cases, dis))
    return 1 if dis else 0


if __name__ == "__main__":
    sys.exit(main())
