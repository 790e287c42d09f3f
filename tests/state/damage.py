#!/usr/bin/env python3
"""damage.py - state files damaged at random, then loaded (rtpipe(7), STATE
FILES; issue 14).

usage: damage.py BIN_DIR WORK_DIR [CASES [SEED]]

For several configurations of rt-window and rt-alert, a real state file is
written over the first part of a generated input, and the second part is
run from it once as it is (the reference) and CASES times from a copy
damaged at random, with a seeded generator:

  flip, truncate, insert, delete   bytes changed, the checksum left as it
                                   was: the copy must be refused (status 2,
                                   nothing on stdout, one line on stderr
                                   naming the file), or give the reference
                                   output exactly (the damage hit nothing)
  edit                             a value set to an extreme (INT64_MAX,
                                   -1, 2^53, NaN, a string...) and the
                                   checksum made right: a forged file.  It
                                   must be refused, or run cleanly: status
                                   0 or 1, every output line JSON, no
                                   sanitizer report.  For rt-alert a time
                                   set out of range must be refused.

A refused copy must be left as it was.  Prints the counts per outcome and
the number of failures; exit 1 on any failure."""
import json
import os
import random
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import statefile  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WINDOW = [
    "-k card --sliding 10m --sliding 1h --lag 10m -a count -a sum:amount -a min:amount "
    "-a max:amount -a distinct:country -a stddev:amount -a since_prev -a prev:amount "
    "-a count_if:country=FR --max-delay 15m",
    "-k card --rows 3 -a sum:amount -a first:amount -a last:amount --max-delay 15m --max-keys 20",
    "-k card --tumble 5m -a sum:amount -a distinct:country -a max:amount --max-delay 15m",
    "-k card --hop 5m --size 20m -a avg:amount -a count_if:country=FR --allowed-lateness 15m",
    "-k card --session 2m -a sum:amount -a stddev:amount -a min:amount --max-delay 15m",
]
ALERT = [
    "--time ts -k card_id --suppress 900s --max-delay 100s --top 2 --per 30m",
    "--time ts -k card_id --suppress 10m --rate 5/1h --max-keys 8",
    "--time ts -k card_id --suppress 15m --max-delay 5m",
]
# The members of rt-alert lines that hold times.
ALERT_TIMES = {"t": (2, 5), "r": (), "k": (2,), "h": (1, 3), "p": (1,)}
EXTREME64 = [2**63 - 1, -2**63, -1, 0, 1, 2**53, 2**32 - 1, 2**31, 2**63 - 2,
             253402300800000000, -62167219200000001,
             0x7ff8000000000000, 0x7ff0000000000000, 0xfff0000000000000]
EXTREME_JSON = ["9223372036854775807", "-9223372036854775808", "-1", "0", "1",
                "1e300", "-1e300", "0.5", '"x"', "null", "true", "[]", "{}",
                "253402300800000000", "-62167219200000001", "2", "1e999"]
BAD_TIMES = ["9223372036854775807", "-9223372036854775808", "253402300800000000",
             "-62167219200000001", "1e300"]


def env():
    e = dict(os.environ)
    e["ASAN_OPTIONS"] = (e.get("ASAN_OPTIONS", "") + ":exitcode=99").lstrip(":")
    e["UBSAN_OPTIONS"] = (e.get("UBSAN_OPTIONS", "") + ":exitcode=98:halt_on_error=1").lstrip(":")
    return e


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env())
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def damage_raw(rnd, raw):
    kind = rnd.choice(["flip", "truncate", "insert", "delete"])
    b = bytearray(raw)
    if kind == "flip":
        for _ in range(rnd.choice([1, 1, 2, 3])):
            i = rnd.randrange(len(b))
            b[i] ^= rnd.randrange(1, 256)
    elif kind == "truncate":
        del b[rnd.randrange(len(b)):]
    elif kind == "insert":
        i = rnd.randrange(len(b) + 1)
        b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16)))
    else:
        i = rnd.randrange(len(b))
        del b[i:i + rnd.randint(1, 16)]
    return kind, bytes(b), False


def edit_window(rnd, raw):
    _, head, body = statefile.split(raw)
    if rnd.random() < 0.3:
        # A byte of the body changed, any byte.
        b = bytearray(body)
        i = rnd.randrange(len(b))
        b[i] = (b[i] + rnd.randrange(1, 256)) % 256
        edit_window.desc = "byte %d" % i
        return "edit", statefile.join(head, bytes(b)), False
    off = rnd.randrange(len(body) - 8)
    v = rnd.choice(EXTREME64 + [rnd.getrandbits(64)])
    size = rnd.choice([8, 8, 4])
    b = bytearray(body)
    b[off:off + size] = struct.pack("<Q", v % 2**64)[:size]
    edit_window.desc = "%d bytes at %d = %#x" % (size, off, v % 2**64)
    return "edit", statefile.join(head, bytes(b)), False


def edit_alert(rnd, raw):
    _, head, body = statefile.split(raw)
    lines = body.split(b"\n")[:-1]
    k = rnd.randrange(len(lines))
    if rnd.random() < 0.25:
        b = bytearray(lines[k])
        i = rnd.randrange(len(b))
        b[i] = rnd.randrange(32, 127)
        lines[k] = bytes(b)
        must = False
    else:
        a = json.loads(lines[k])
        i = rnd.randrange(1, len(a))
        times = ALERT_TIMES[a[0]]
        if times and rnd.random() < 0.4:
            i = rnd.choice(times)
            v = rnd.choice(BAD_TIMES)
            must = True
        else:
            v = rnd.choice(EXTREME_JSON)
            must = i in times and v in BAD_TIMES
        lines[k] = (json.dumps(a[:i], separators=(",", ":"))[:-1] +
                    ("," if i > 0 else "") + v + "," +
                    json.dumps(a[i + 1:], separators=(",", ":"))[1:]).encode()
        if i == len(a) - 1:
            lines[k] = lines[k].replace(b",]", b"]")
    return "edit", statefile.join(head, b"\n".join(lines) + b"\n"), must


def setup(work, tool, spec, n):
    """Data, the state after its first part, the reference run."""
    os.makedirs(work, exist_ok=True)
    if tool == "rt-window":
        data = subprocess.run([sys.executable, ROOT + "/tests/window/gen.py", str(n), "11", "0.02"],
                              capture_output=True, check=True).stdout
    else:
        data = subprocess.run([sys.executable, ROOT + "/tests/alert/gen.py", str(n), "11", "30"],
                              capture_output=True, check=True).stdout
    lines = data.split(b"\n")
    cut = len(lines) * 2 // 3
    open(work + "/a.ndjson", "wb").write(b"\n".join(lines[:cut]) + b"\n")
    open(work + "/b.ndjson", "wb").write(b"\n".join(lines[cut:]))
    return spec.split()


def main(argv):
    bindir, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    cases = int(argv[3]) if len(argv) > 3 else 200
    seed = int(argv[4]) if len(argv) > 4 else 14
    rnd = random.Random(seed)
    configs = [("rt-window", s, 600) for s in WINDOW] + [("rt-alert", s, 900) for s in ALERT]
    counts, failures, total = {}, 0, 0
    for ci, (tool, spec, n) in enumerate(configs):
        d = "%s/c%d" % (work, ci)
        args = setup(d, tool, spec, n)
        exe = os.path.join(bindir, tool)
        for f in ("st", "st.lock"):
            if os.path.exists(os.path.join(d, f)):
                os.remove(os.path.join(d, f))
        rc, _, err = run([exe] + args + ["--state", "st", "a.ndjson"], d)
        if rc > 1:
            print("%s %s: first part: status %d: %s" % (tool, spec, rc, err))
            return 1
        raw = open(d + "/st", "rb").read()
        shutil.copy(d + "/st", d + "/ref")
        rc0, out0, _ = run([exe] + args + ["--state", "ref", "b.ndjson"], d)
        per = cases // len(configs) + (ci < cases % len(configs))
        for _ in range(per):
            total += 1
            if rnd.random() < 0.55:
                kind, bad, must = damage_raw(rnd, raw)
            elif tool == "rt-window":
                kind, bad, must = edit_window(rnd, raw)
            else:
                kind, bad, must = edit_alert(rnd, raw)
            open(d + "/dmg", "wb").write(bad)
            rc, out, err = run([exe] + args + ["--state", "dmg", "b.ndjson"], d)
            ok, what = judge(tool, kind, must, rc, out, err, rc0, out0)
            if rc == 2 and open(d + "/dmg", "rb").read() != bad:
                ok, what = False, "a refused file was changed"
            counts[kind + ":" + what] = counts.get(kind + ":" + what, 0) + 1
            if os.environ.get("DAMAGE_VERBOSE") and what == "changed":
                print("changed:", tool, ci, getattr(edit_window, "desc", ""))
            if not ok:
                failures += 1
                if failures <= 10:
                    keep = "%s/fail%d" % (work, failures)
                    shutil.copy(d + "/dmg", keep)
                    print("FAIL %s %s (%s, kept as %s): status %d, %s; stderr: %s" %
                          (tool, spec, kind, keep, rc, what, err.strip()[:300]))
    print("damage: %d cases over %d configurations (seed %d): %s; %d failures" %
          (total, len(configs), seed, ", ".join("%s %d" % kv for kv in sorted(counts.items())),
           failures))
    return 1 if failures else 0


def judge(tool, kind, must, rc, out, err, rc0, out0):
    """(passed, outcome) of one damaged copy."""
    if "Sanitizer" in err or "runtime error" in err or rc >= 98 or rc < 0:
        return False, "crashed or sanitizer report"
    if rc == 2:
        lines = err.strip().split("\n")
        if out or len(lines) != 1 or not lines[0].startswith(tool + ": dmg: "):
            return False, "refused badly"
        return True, "refused"
    if must:
        return False, "accepted an out-of-range time"
    if rc == rc0 and out == out0:
        return True, "identical"
    if kind != "edit":
        return False, "accepted damage"
    try:
        for ln in out.split(b"\n"):
            if ln:
                json.loads(ln)
    except ValueError:
        return False, "invalid output"
    return (rc in (0, 1)), "changed"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
