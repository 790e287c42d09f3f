#!/usr/bin/env python3
"""mutate.py - conservation under mutation (issue 14): every tool that
reads records, on records mutated at random, keeps in = out + rejected +
dropped, never crashes, and gives back each rejected record's bytes.

usage: mutate.py BIN_DIR WORK_DIR [CASES [SEED [TOOL...]]]

Each case takes a configuration from CONFIGS (in turn), makes seeded
transaction records (NDJSON, or CSV for the -i csv configurations),
mutates them (bytes deleted, duplicated, flipped, inserted; fields given
another type, removed or doubled; records cut, emptied or replaced; line
ends changed, a BOM in front, no final newline) and runs the tool with
--stats and --reject.  Every run must:

  - exit 0 when nothing was rejected, 1 when something was (never 2, never
    a signal);
  - print --stats whose in = out + rejected + dropped, whose in is the
    number of records of the input (lines that are not blank), and whose
    rejected is the number of objects in the reject file;
  - write as many output lines as out (for the tools where each output
    line is a record), each a JSON value;
  - write rejects whose "raw" (or "raw_base64" when it is set) is the
    record's bytes exactly, at the line the reject names.

Prints one line per failure (the case, its seed, the command; the inputs
are kept in WORK_DIR/fail-N/), then "mutation: N cases over T
configurations (R records, J rejects), F failures".  TOOL arguments run
only the configurations of those tools.  To add a tool, add its
configuration to CONFIGS."""
import base64
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys

# A configuration: the tool, its arguments ({work} is WORK_DIR), the input
# format, how many inputs (file operands; 0: standard input), whether each
# output line is one of the `out` records.
CONFIGS = [
    dict(tool="rt-clean", args="--number amount --integer tx_id --time ts "
         "--bool flag --require card --dedupe tx_id"),
    dict(tool="rt-clean", fmt="csv", args="-i csv --number amount --time ts "
         "--drop-empty"),
    dict(tool="rt-validate", args="--schema {work}/txn.schema.json --formats"),
    dict(tool="rt-validate", fmt="csv", args="-i csv --schema "
         "{work}/csv.schema.json"),
    dict(tool="rt-window", args="-k card --sliding 1h -a count -a sum:amount "
         "-a distinct:country -a prev:amount --max-delay 5m"),
    dict(tool="rt-window", args="-k card --tumble 10m -a count -a avg:amount "
         "--emit both", lines=False),
    dict(tool="rt-window", args="--session 5m -a count -a max:amount "
         "--late-pass", lines=False),
    dict(tool="rt-classify", args="--rules {work}/txn.rules --label fraud=70"),
    dict(tool="rt-classify", args="--rules {work}/txn.rules --no-fast-path"),
    dict(tool="rt-alert", args="-k card --suppress 10m"),
    dict(tool="rt-alert", args="--when '._score > 50' --rate 3/1h -k card",
         lines=False),
    dict(tool="rt-merge", inputs=2, args="--time ts --max-delay 1m"),
    dict(tool="rt-join", args="--table {work}/cards.csv --on card "
         "--number limit"),
    dict(tool="rt-join", args="--table {work}/cards.ndjson --on card=id "
         "--missing reject --as card_info"),
    dict(tool="rt-join", args="--table {work}/cards.csv --on card "
         "--missing drop --select home"),
    dict(tool="rt-replay", args="--speed max"),
    dict(tool="rt-eval", args="--card card --id tx_id --top 3", lines=False),
]

# rt-nats, when RT_MUTATE_NATS names a server (tests/rt-nats.bats): pub
# into a stream of the case's own ({case}), then `readback` (a sub of it)
# must give every record pub counted out, byte for byte.
NATS_CONFIGS = [
    dict(tool="rt-nats", args="pub --server {nats} --stream MU{case} --create "
         "--subject mu{case} --key card --partitions 4 --batch-bytes 2K",
         lines=False, readback="sub --server {nats} --stream MU{case} "
         "--subject mu{case}.>"),
    dict(tool="rt-nats", args="pub --server {nats} --stream MU{case} --create "
         "--subject mu{case} --msg-id tx_id --batch-bytes 1K",
         lines=False, readback="sub --server {nats} --stream MU{case} "
         "--subject mu{case}"),
]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["tx_id", "ts", "card", "amount"],
    "properties": {
        "tx_id": {"type": "integer", "minimum": 0},
        "ts": {"type": "string", "format": "date-time"},
        "card": {"type": "string", "pattern": "^c[0-9]+$"},
        "amount": {"type": "number", "minimum": 0, "multipleOf": 0.01},
        "country": {"enum": ["FR", "DE", "ES", "IT"]},
        "flag": {"type": "string"},
        "_score": {"type": "number"},
        "_class": {"type": "string"},
        "is_fraud": {"enum": [0, 1]},
    },
}
CSV_SCHEMA = {
    "type": "object",
    "required": ["tx_id", "ts", "card"],
    "properties": {"tx_id": {"type": "string", "pattern": "^[0-9]+$"},
                   "card": {"type": "string", "maxLength": 8}},
}
RULES = """big        50  .amount > 500
foreign    30  .country != "FR"
night      20  (.ts | test("T0[0-5]"))
round      10  (.amount | floor) == .amount
"""
FIELDS = ["tx_id", "ts", "card", "amount", "country", "flag", "_score",
          "_class", "is_fraud"]


def records(rnd, n):
    """n transactions in roughly increasing time, some ids repeated."""
    t = 1709294400 + rnd.randrange(86400)
    out = []
    for i in range(n):
        t += rnd.randrange(0, 400)
        frac = ".%03d" % rnd.randrange(1000) if rnd.random() < 0.5 else ""
        r = {
            "tx_id": i if rnd.random() < 0.9 else rnd.randrange(max(i, 1)),
            "ts": "%sZ" % (format_ts(t) + frac),
            "card": "c%d" % rnd.randrange(6),
            "amount": round(rnd.uniform(0, 900), 2),
            "country": rnd.choice(["FR", "DE", "ES", "IT"]),
            "flag": rnd.choice(["yes", "no", "1", "0"]),
            "_score": rnd.randrange(100),
            "_class": rnd.choice(["ok", "ok", "review", "fraud"]),
            "is_fraud": int(rnd.random() < 0.2),
        }
        out.append(r)
    return out


def format_ts(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


# Values of another type for a field.
ODD = [b'null', b'true', b'[]', b'{}', b'"12"', b'12', b'-0', b'1e400',
       b'"\\u0000"', b'"\xff"', b'[[[[[[1]]]]]]', b'"' + b'x' * 300 + b'"',
       b'{"a":{"b":[1,{"c":null}]}}', b'123456789012345678901234567890',
       b'"2024-13-45T99:99:99Z"', b'"\\ud800"', b'""', b'" 1,234.50 "',
       b'"$12"', b'0.1e-999', b'-', b'"', b'{"$rt":1}']


def mutate_field(rnd, line):
    """Give a field of the JSON line another value, drop it or double it."""
    try:
        obj = json.loads(line)
    except ValueError:
        return line
    if not isinstance(obj, dict) or not obj:
        return line
    key = rnd.choice(list(obj))
    parts = []
    how = rnd.randrange(4)
    for k, v in obj.items():
        kj = json.dumps(k).encode()
        vj = json.dumps(v).encode()
        if k == key and how == 0:
            continue                            # removed
        if k == key and how in (1, 2):
            vj = rnd.choice(ODD)                # another type
        parts.append(kj + b':' + vj)
        if k == key and how == 3:
            parts.append(kj + b':' + rnd.choice(ODD))   # twice
    return b'{' + b','.join(parts) + b'}'


def mutate_bytes(rnd, line):
    if not line:
        return bytes([rnd.randrange(256)])
    i = rnd.randrange(len(line))
    k = rnd.randrange(1, 4)
    how = rnd.randrange(6)
    if how == 0:                                # delete
        return line[:i] + line[i + k:]
    if how == 1:                                # duplicate
        return line[:i] + line[i:i + k] + line[i:]
    if how == 2:                                # flip bits
        return line[:i] + bytes([line[i] ^ (1 << rnd.randrange(8))]) + line[i + 1:]
    if how == 3:                                # a random byte
        return line[:i] + bytes([rnd.randrange(256)]) + line[i + 1:]
    if how == 4:                                # insert odd bytes
        ins = rnd.choice([b'\x00', b'\xff', b'\xc3', b'\xef\xbb\xbf', b'\t',
                          b'\r', b'"', b'\\', b',', b'\x1b', b'\xe2\x82'])
        return line[:i] + ins + line[i:]
    return line[:i]                             # cut


def mutate_line(rnd, line, fmt):
    r = rnd.random()
    if r < 0.45:
        return line
    if r < 0.65 and fmt == "ndjson":
        return mutate_field(rnd, line)
    if r < 0.93:
        for _ in range(rnd.randrange(1, 3)):
            line = mutate_bytes(rnd, line)
        return line
    return rnd.choice([b'', b'  \t', b'[]', b'null', b'{}', b'"x"', b'7',
                       b'{"a":1', line + line])


def render(rnd, recs, fmt):
    """The records as NDJSON or CSV lines (CSV: the header first)."""
    if fmt == "ndjson":
        return [json.dumps(r, separators=(",", ":")).encode() for r in recs]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FIELDS)
    for r in recs:
        w.writerow([r[f] for f in FIELDS])
    return [ln.encode() for ln in buf.getvalue().split("\n")[:-1]]


def make_input(rnd, fmt):
    lines = render(rnd, records(rnd, rnd.randrange(5, 60)), fmt)
    head = lines[:1] if fmt == "csv" else []
    body = lines[len(head):]
    body = [mutate_line(rnd, ln, fmt) for ln in body]
    ends = rnd.choice([b'\n'] * 6 + [b'\r\n', b'\r'])
    data = ends.join(head + body)
    if rnd.random() < 0.8:
        data += ends
    if rnd.random() < 0.15:
        data = b'\xef\xbb\xbf' + data
    return data


def split_lines(data):
    """Physical lines as rtpipe reads them: a BOM at the start skipped,
    ends at \\n, \\r\\n or a lone \\r; (offset, bytes) of each."""
    i = 3 if data.startswith(b'\xef\xbb\xbf') else 0
    out = []
    while i < len(data):
        j = i
        while j < len(data) and data[j] not in b'\r\n':
            j += 1
        out.append((i, data[i:j]))
        if j < len(data) and data[j:j + 2] == b'\r\n':
            j += 1
        i = j + 1
    return out


def blank(line):
    return line.strip(b' \t') == b''


def count_records(data, fmt):
    """Records in an NDJSON input (lines not blank); None for CSV, whose
    rows may span lines."""
    if fmt != "ndjson":
        return None
    return sum(1 for _, ln in split_lines(data) if not blank(ln))


def check_reject(rej, inputs, fmt):
    """The reject's raw bytes against the input it names; a message or
    None."""
    src = rej.get("source")
    if src not in inputs:
        return "reject names source %r" % src
    data = inputs[src]
    lines = split_lines(data)
    n = rej.get("line")
    if not isinstance(n, int) or n < 1 or n > len(lines):
        return "reject names line %r of %d" % (n, len(lines))
    if "raw_base64" in rej:
        raw = base64.b64decode(rej["raw_base64"])
    else:
        raw = rej.get("raw", "").encode("utf-8", "surrogatepass")
    off, line = lines[n - 1]
    if fmt == "ndjson":
        if raw != line:
            return "raw of line %d is %r, not %r" % (n, raw[:80], line[:80])
        return None
    # CSV: a row may span lines; it starts at its line and ends at a line
    # end (or the end of the input).
    end = off + len(raw)
    if data[off:end] != raw or (end < len(data) and data[end] not in b'\r\n'):
        return "raw of row at line %d is %r, not the input there" % (n, raw[:80])
    return None


def run_case(binp, work, conf, rnd, case):
    fmt = conf.get("fmt", "ndjson")
    ninputs = conf.get("inputs", 0)
    inputs = {}
    files = []
    for k in range(max(ninputs, 1)):
        data = make_input(rnd, fmt)
        if ninputs:
            name = os.path.join(work, "in%d.%s" % (k, "csv" if fmt == "csv" else "ndjson"))
            with open(name, "wb") as f:
                f.write(data)
            inputs[name] = data
            files.append(name)
        else:
            inputs["stdin"] = data
    rej = os.path.join(work, "rej.ndjson")
    import shlex
    def fill(a):
        return a.replace("{work}", work).replace("{case}", "%d_%d" % (os.getpid(), case)).replace(
            "{nats}", os.environ.get("RT_MUTATE_NATS", ""))
    args = [fill(a) for a in shlex.split(conf["args"])]
    cmd = [os.path.join(binp, conf["tool"])] + args + ["--stats", "--reject", rej] + files
    try:
        p = subprocess.run(cmd, input=inputs.get("stdin", b''),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return ["still running after 60 s"], cmd, inputs, 0, 0
    fails = []
    rejects = []
    if p.returncode not in (0, 1):
        # The tool's own words (diagnostics hold no record content).
        last = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        fails.append("exit status %d (%s)" % (p.returncode,
                                             last[0][:200] if last else ""))
    stats = None
    for ln in p.stderr.decode("utf-8", "replace").splitlines():
        if ln.startswith("{"):
            try:
                stats = json.loads(ln)
            except ValueError:
                pass
    if stats is None:
        fails.append("no --stats line")
    else:
        i, o, r, d = (stats.get(k) for k in ("in", "out", "rejected", "dropped"))
        if None in (i, o, r, d) or i != o + r + d:
            fails.append("in %s != out %s + rejected %s + dropped %s" % (i, o, r, d))
        want = sum(count_records(v, fmt) or 0 for v in inputs.values()) \
            if fmt == "ndjson" else None
        if want is not None and i != want:
            fails.append("in is %s, the input has %d records" % (i, want))
        if p.returncode in (0, 1) and p.returncode != (1 if r else 0):
            fails.append("exit status %d with %s rejected" % (p.returncode, r))
        try:
            with open(rej, "rb") as f:
                rejects = [json.loads(x) for x in f.read().splitlines()]
        except (OSError, ValueError) as e:
            fails.append("reject file: %s" % e)
        if r is not None and len(rejects) != r:
            fails.append("%d reject objects, rejected %s" % (len(rejects), r))
        for x in rejects:
            m = check_reject(x, inputs, fmt)
            if m:
                fails.append(m)
                break
        out = p.stdout.splitlines()
        if conf.get("lines", True) and o is not None and len(out) != o:
            fails.append("%d output lines, out %s" % (len(out), o))
        for x in out:
            try:
                json.loads(x)
            except ValueError:
                fails.append("output line not JSON: %r" % x[:80])
                break
    if conf.get("readback") and stats is not None and not fails:
        m = readback(binp, conf, fill, inputs, rejects, stats)
        if m:
            fails.append(m)
    return fails, cmd, inputs, len(rejects), \
        sum(len(split_lines(v)) for v in inputs.values())


def readback(binp, conf, fill, inputs, rejects, stats):
    """What the tool stored, read back: the records counted out, each the
    bytes of an input line that was neither rejected nor dropped."""
    cmd = [os.path.join(binp, conf["tool"])] + \
        [fill(a) for a in conf["readback"].split()]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except subprocess.TimeoutExpired:
        return "readback still running after 60 s"
    if p.returncode != 0:
        return "readback exit status %d: %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace")[:200])
    got = p.stdout.split(b"\n")[:-1]
    if len(got) != stats["out"]:
        return "readback gives %d records, out %d" % (len(got), stats["out"])
    data = inputs["stdin"]
    lines = split_lines(data)
    gone = {x.get("line") for x in rejects}
    want = [ln for n, (_, ln) in enumerate(lines, 1)
            if n not in gone and not blank(ln)]
    extra = sorted(set(got) - set(want))
    if extra:
        return "readback holds %r, no input record" % extra[0][:80]
    if stats["dropped"] == 0 and sorted(got) != sorted(want):
        return "readback differs from the records not rejected"
    return None


def setup(work):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "txn.schema.json"), "w") as f:
        json.dump(SCHEMA, f)
    with open(os.path.join(work, "csv.schema.json"), "w") as f:
        json.dump(CSV_SCHEMA, f)
    with open(os.path.join(work, "txn.rules"), "w") as f:
        f.write(RULES)
    # The cards c0-c3 of records (c0-c5): c4 and c5 match no row.
    with open(os.path.join(work, "cards.csv"), "w") as f:
        f.write("card,limit,home\n")
        for i in range(4):
            f.write("c%d,%d,%s\n" % (i, 500 * (i + 1), "FR DE ES IT".split()[i]))
    with open(os.path.join(work, "cards.ndjson"), "w") as f:
        for i in range(4):
            f.write(json.dumps({"id": "c%d" % i, "limit": 500 * (i + 1)}) + "\n")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binp, work = sys.argv[1], os.path.abspath(sys.argv[2])
    cases = int(sys.argv[3]) if len(sys.argv) > 3 else 130
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 14
    only = sys.argv[5:]
    confs = CONFIGS + (NATS_CONFIGS if os.environ.get("RT_MUTATE_NATS") else [])
    confs = [c for c in confs if not only or c["tool"] in only]
    setup(work)
    nrec = nrej = nfail = 0
    for case in range(cases):
        conf = confs[case % len(confs)]
        cseed = seed * 1000003 + case
        rnd = random.Random(cseed)
        fails, cmd, inputs, rj, nl = run_case(binp, work, conf, rnd, case)
        nrec += nl
        nrej += rj
        if fails:
            keep = os.path.join(work, "fail-%d" % nfail)
            os.makedirs(keep, exist_ok=True)
            for name, data in inputs.items():
                with open(os.path.join(keep, os.path.basename(name)), "wb") as f:
                    f.write(data)
            print("FAIL case %d (seed %d): %s: %s [inputs in %s]" % (
                case, cseed, " ".join(cmd[1:]), "; ".join(fails), keep))
            nfail += 1
    print("mutation: %d cases over %d configurations (%d records, %d rejects), "
          "%d failures" % (cases, len(confs), nrec, nrej, nfail))
    sys.exit(1 if nfail else 0)


if __name__ == "__main__":
    main()
