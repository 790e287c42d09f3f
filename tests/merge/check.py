#!/usr/bin/env python3
"""Differential test of rt-merge against the model (model.py).

Seeded cases: 1 to 5 inputs with ties within and across inputs, disorder
within and beyond --max-delay, inputs that start late, end early or hold
nothing, bad records, CSV inputs, tags; every output byte, the late file,
the rejects and the counts are compared.  Some cases feed the inputs
through FIFOs written in random pieces at random paces: the output must
not change (without --idle-timeout the merge reads in an order fixed by
the data).

Usage: check.py RT_MERGE [CASES] [SEED]   (CASES also from $CASES)
Prints "N cases, M disagreements"; exit status 1 on any disagreement.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402

BASE = 1709294400 * 10**6   # 2024-03-01T12:00:00Z
DELAYS = ["0", "500ms", "1s", "2500ms", "5s"]
NAMES = ["auth", "logins", "café", "dev ices", "x"]


def iso(us, rng):
    """us as RFC 3339 text (or an epoch number when whole seconds)."""
    r = rng.random()
    if r < 0.1 and us % 10**6 == 0:
        return us // 10**6          # a JSON number
    s, frac = divmod(us, 10**6)
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
    if r < 0.2:
        # The same instant with an offset of +01:00.
        t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s + 3600))
        return "%s.%06d+01:00" % (t, frac)
    return "%s.%03dZ" % (t, frac // 1000) if frac % 1000 == 0 else \
        "%s.%06dZ" % (t, frac)


def times(rng, n, delay_us):
    """n event times: mostly rising on a coarse grid (ties), with some
    disorder within the delay, some beyond it, and some jumps."""
    t = BASE + rng.randrange(0, 20) * 500000
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.25:
            pass                                    # a tie
        elif r < 0.85:
            t += rng.choice([500000, 1000000, 1500000, rng.randrange(1, 3000) * 1000])
        elif r < 0.9:
            t += rng.randrange(10, 60) * 10**6      # quiet in event time
        x = t
        r = rng.random()
        if r < 0.12 and delay_us:
            x = t - rng.randrange(0, delay_us + 1)  # within the delay
        elif r < 0.2:
            x = t - delay_us - rng.randrange(1, 5000) * 1000  # beyond: late
        out.append(x)
    return out


BAD = [b'{"ts":"2024-03-01T12:00:00Z","v":', b'not json', b'[1,2]',
       b'{"v":1}', b'{"ts":true}', b'{"ts":"garbage"}', b'"str"']


def ndjson_input(rng, k, n, delay_us, tag):
    lines = []
    for j, t in enumerate(times(rng, n, delay_us)):
        if rng.random() < 0.04:
            lines.append(rng.choice(BAD))
            continue
        if rng.random() < 0.02:
            lines.append(b"  ")
        rec = {"ts": iso(t, rng), "id": "%d-%d" % (k, j), "v": j}
        if tag and rng.random() < 0.1:
            rec[tag] = "old"
        if rng.random() < 0.05:
            rec = {"id": "%d-%d" % (k, j), "ts": rec["ts"], "n": {"a": [1, 2]}}
        lines.append(json.dumps(rec, ensure_ascii=False,
                                separators=(",", ":")).encode("utf-8"))
    sep = b"\r\n" if rng.random() < 0.1 else b"\n"
    data = sep.join(lines)
    if lines and rng.random() < 0.85:
        data += sep
    return data


def csv_input(rng, k, n, delay_us):
    rows = ["ts,id,amount"]
    for j, t in enumerate(times(rng, n, delay_us)):
        s, frac = divmod(t, 10**6)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + \
            ".%06dZ" % frac
        rows.append("%s,%d-%d,%d.%02d" % (ts, k, j, j, j % 100))
    return ("\n".join(rows) + "\n").encode()


def gen_case(rng, big):
    ninputs = rng.choice([1, 2, 2, 3, 4, 5])
    delay = rng.choice(DELAYS)
    delay_us = model.parse_dur(delay)
    tag = rng.choice([None, None, "src"])
    late = rng.choice(["reject", "pass", "file"])
    files, args = [], ["--max-delay", delay]
    for k in range(ninputs):
        n = rng.choice([0, 1, 3, rng.randrange(5, 60), rng.randrange(5, 200)])
        if big:
            n = rng.randrange(2000, 20000)
        if rng.random() < 0.15 and not big:
            files.append(("in%d.csv" % k, csv_input(rng, k, n, delay_us)))
        else:
            files.append(("in%d.ndjson" % k, ndjson_input(rng, k, n, delay_us, tag)))
    names = None
    if tag:
        args += ["--tag", tag]
        if rng.random() < 0.5:
            names = rng.sample(NAMES, ninputs)
            args += ["--tag-names", ",".join(names)]
    if late == "pass":
        args.append("--late-pass")
    elif late == "file":
        args += ["--late", "late.ndjson"]
    return dict(files=files, args=args, delay=delay_us, tag=tag,
                names=names, late=late)


def expected(case):
    inputs = [(name, list(model.records_of(name, data)))
              for name, data in case["files"]]
    return model.merge(inputs, case["delay"], "ts", case["tag"],
                       case["names"], case["late"])


def feed(path, data, rng):
    """Write data into the FIFO path in random pieces at random paces."""
    with open(path, "wb", buffering=0) as fh:
        pos = 0
        while pos < len(data):
            k = rng.choice([1, 7, 100, 4096, 70000])
            fh.write(data[pos:pos + k])
            pos += k
            if rng.random() < 0.05:
                time.sleep(rng.random() * 0.003)


def run_case(tool, case, d, fifo, rng):
    names = []
    threads = []
    for name, data in case["files"]:
        path = os.path.join(d, name)
        if os.path.exists(path):
            os.unlink(path)
        if fifo:
            os.mkfifo(path)
            th = threading.Thread(target=feed, args=(path, data,
                                  random.Random(rng.random())))
            th.start()
            threads.append(th)
        else:
            with open(path, "wb") as fh:
                fh.write(data)
        names.append(name)
    for f in ("late.ndjson", "rej.ndjson"):
        if os.path.exists(os.path.join(d, f)):
            os.unlink(os.path.join(d, f))
    p = subprocess.run([tool, "--stats", "--reject", "rej.ndjson"] +
                       case["args"] + names, cwd=d, capture_output=True,
                       timeout=60)
    for th in threads:
        th.join()
    return p


def compare(case, p, d, tot):
    """The disagreements between rt-merge's run p and the model."""
    want = expected(case)
    for k in tot:
        tot[k] += want.stats[k]
    bad = []
    out = b"".join(line + b"\n" for line in want.out)
    if p.stdout != out:
        got = p.stdout.split(b"\n")
        for i, w in enumerate(want.out):
            if i >= len(got) or got[i] != w:
                bad.append("stdout line %d: want %r got %r" %
                           (i + 1, w, got[i] if i < len(got) else None))
                break
        else:
            bad.append("stdout: %d lines, want %d" % (len(got) - 1,
                                                      len(want.out)))
    if case["late"] == "file":
        with open(os.path.join(d, "late.ndjson"), "rb") as fh:
            lf = fh.read()
        if lf != b"".join(line + b"\n" for line in want.late_file):
            bad.append("late file differs")
    rej = []
    with open(os.path.join(d, "rej.ndjson"), "rb") as fh:
        for line in fh:
            o = json.loads(line)
            why = o["reason"]
            if why.startswith("invalid JSON"):
                why = "invalid JSON"
            rej.append((o["source"], o["line"], why))
    if sorted(rej) != sorted(want.rejects):
        bad.append("rejects: want %r got %r" % (want.rejects[:5], rej[:5]))
    st = json.loads(p.stderr.decode().strip().split("\n")[-1])
    for k, v in want.stats.items():
        if st.get(k) != v:
            bad.append("stats %s: want %d got %s" % (k, v, st.get(k)))
    if st.get("in") != st.get("out", 0) + st.get("rejected", 0) + \
            st.get("dropped", 0):
        bad.append("in != out + rejected + dropped: %r" % st)
    status = 1 if want.stats["rejected"] else 0
    if p.returncode != status:
        bad.append("exit %d, want %d: %s" % (p.returncode, status,
                                             p.stderr.decode()[-300:]))
    return bad


def main():
    tool = os.path.abspath(sys.argv[1])
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else \
        int(os.environ.get("CASES", "300"))
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 17
    disagree = nfifo = 0
    tot = {"in": 0, "late": 0, "rejected": 0}
    with tempfile.TemporaryDirectory() as d:
        for c in range(cases):
            rng = random.Random(seed * 1000003 + c)
            case = gen_case(rng, big=(c % 100 == 7))
            fifo = c % 10 == 3
            nfifo += fifo
            p = run_case(tool, case, d, fifo, rng)
            bad = compare(case, p, d, tot)
            if bad:
                disagree += 1
                if disagree <= 5:
                    print("case %d (seed %d)%s: %s" % (
                        c, seed, " fifo" if fifo else "", case["args"]))
                    for b in bad[:4]:
                        print("   ", b)
    print("%d records (%d late, %d rejected) in %d cases (%d through "
          "FIFOs), %d disagreements" % (tot["in"], tot["late"],
                                         tot["rejected"], cases, nfifo,
                                         disagree))
    sys.exit(1 if disagree else 0)


if __name__ == "__main__":
    main()
