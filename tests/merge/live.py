#!/usr/bin/env python3
"""Live tests of rt-merge: inputs are FIFOs written at different paces.

idle:   a fast input (a record every 30 ms) and a slow one (a record,
        2 s of silence, two more), with --idle-timeout 200ms: the fast
        input's records still come out within about the idle timeout of
        being written (bound: 1 s), the slow input's record behind what
        was written is late, the rest is in order.
hold:   the same without --idle-timeout: nothing of the fast input comes
        out before the slow input has spoken (as sort -m).
Assertions are on order and content, and on generous upper bounds of
time only.  Usage: live.py RT_MERGE [idle|hold]...   Exit status 1 on a
failure.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

T0 = 1709294400  # 2024-03-01T12:00:00Z


def ts(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + sec))


def writer(path, plan, sent):
    """plan: list of (delay before, record); sent[id] = write time."""
    with open(path, "w", buffering=1) as fh:
        for delay, rec in plan:
            time.sleep(delay)
            sent[rec["id"]] = time.monotonic()
            fh.write(json.dumps(rec, separators=(",", ":")) + "\n")


def run(tool, args, plans, limit=15):
    """Run tool on FIFOs written by plans; the output lines with the
    time each was read, and the write times."""
    d = tempfile.mkdtemp()
    paths, sent, threads = [], {}, []
    for k, plan in enumerate(plans):
        p = os.path.join(d, "in%d" % k)
        os.mkfifo(p)
        paths.append(p)
    start = time.monotonic()
    proc = subprocess.Popen([tool] + args + paths, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    for p, plan in zip(paths, plans):
        th = threading.Thread(target=writer, args=(p, plan, sent))
        th.start()
        threads.append(th)
    got = []
    timer = threading.Timer(limit, proc.kill)
    timer.start()
    for line in proc.stdout:
        got.append((time.monotonic(), json.loads(line)))
    proc.wait()
    timer.cancel()
    for th in threads:
        th.join()
    err = proc.stderr.read().decode()
    return got, sent, time.monotonic() - start, proc.returncode, err


def check(cond, what, failures):
    print("%s - %s" % ("ok" if cond else "not ok", what))
    if not cond:
        failures.append(what)


def fast_plan(n, pace):
    return [(pace, {"ts": ts(k), "id": "f%d" % k}) for k in range(n)]


def test_idle(tool, failures):
    fast = fast_plan(30, 0.03)
    slow = [(0, {"ts": ts(0), "id": "s0"}),
            (2.0, {"ts": ts(100), "id": "s1"}),
            (0, {"ts": ts(5), "id": "s2"})]
    got, sent, wall, rc, err = run(tool, ["--idle-timeout", "200ms",
                                          "--late-pass", "--tag", "src",
                                          "--tag-names", "fast,slow"],
                                   [fast, slow])
    ids = [r["id"] for _, r in got]
    check(rc == 0, "idle: exit 0 (%d: %s)" % (rc, err.strip()), failures)
    check(sorted(ids) == sorted([r["id"] for _, r in fast + slow]),
          "idle: every record out once", failures)
    late = [r["id"] for _, r in got if r.get("_late")]
    check(late == ["s2"], "idle: the slow input's record behind what was "
          "written is late (%s)" % late, failures)
    order = [(r["ts"], r["src"] == "slow") for _, r in got if not r.get("_late")]
    check(order == sorted(order), "idle: the rest in event-time order",
          failures)
    delays = [t - sent[r["id"]] for t, r in got if r["src"] == "fast"]
    worst = max(delays) if delays else 99
    check(worst < 1.0, "idle: fast records out within 1 s of being written "
          "(worst %.3f s, idle timeout 0.2 s)" % worst, failures)
    check(wall < 10, "idle: done in %.1f s" % wall, failures)


def test_hold(tool, failures):
    fast = fast_plan(10, 0.01)
    slow = [(1.0, {"ts": ts(50), "id": "s0"})]
    got, sent, wall, rc, err = run(tool, [], [fast, slow])
    ids = [r["id"] for _, r in got]
    check(rc == 0 and ids == ["f%d" % k for k in range(10)] + ["s0"],
          "hold: all out, in order (%s)" % ids, failures)
    first = got[0][0] if got else 0
    check(first >= sent.get("s0", 1e18), "hold: nothing before the slow "
          "input spoke", failures)
    check(wall < 10, "hold: done in %.1f s" % wall, failures)


def main():
    tool = sys.argv[1]
    which = sys.argv[2:] or ["idle", "hold"]
    failures = []
    for w in which:
        {"idle": test_idle, "hold": test_hold}[w](tool, failures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
