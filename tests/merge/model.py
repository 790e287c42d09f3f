#!/usr/bin/env python3
"""A model of rt-merge(1), written from the man page, for differential tests.

The merge reads one record at a time from the input at the frontier (the
least (watermark, input) pair among the inputs that have not ended), holds
records in a heap keyed by (time, input, arrival), and lets a record go
when (time, input) <= the frontier.  A record older than its input's
watermark (newest time - max delay) is late.  Without --idle-timeout this
schedule depends only on the inputs' contents, so the model predicts every
output byte, the late file and the rejects.

Usage as a program (for a look at one case):
    model.py [--max-delay DUR] [--tag F] [--tag-names A,B] [--late-pass]
             [--time F] FILE...
prints the expected output; the rejects and counts go to stderr.
"""
import csv
import heapq
import io
import json
import re
import sys
from datetime import datetime, timezone

NEG = float("-inf")

_DUR = re.compile(r"(\d+(?:\.\d+)?)(ns|us|ms|s|m|h|d|w)")
_UNIT_US = {"ns": 0.001, "us": 1, "ms": 1000, "s": 10**6, "m": 60 * 10**6,
            "h": 3600 * 10**6, "d": 86400 * 10**6, "w": 7 * 86400 * 10**6}


def parse_dur(s):
    """'250ms', '1h30m', '0' -> microseconds."""
    if s == "0":
        return 0
    total, pos = 0, 0
    for m in _DUR.finditer(s):
        if m.start() != pos:
            raise ValueError(s)
        total += int(round(float(m.group(1)) * _UNIT_US[m.group(2)]))
        pos = m.end()
    if pos != len(s) or pos == 0:
        raise ValueError(s)
    return total


def fmt_dur(us):
    """The shortest text rt_dur_fmt gives: 1h30m, 250ms, 1s500ms."""
    if us <= 0:
        return "0"
    parts = []
    for name, size in (("d", 86400 * 10**6), ("h", 3600 * 10**6),
                       ("m", 60 * 10**6), ("s", 10**6), ("ms", 1000),
                       ("us", 1)):
        if us >= size:
            parts.append("%d%s" % (us // size, name))
            us %= size
    return "".join(parts)


_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
                  r"(Z|[+-]\d\d:\d\d)$")


def parse_time(v, unit_us=10**6):
    """A time member's value -> (microseconds, None) or (None, reason)."""
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        return None, "not a string or a number"
    if isinstance(v, (int, float)):
        return int(v * unit_us), None
    m = _ISO.match(v)
    if not m:
        return None, "not a date-time"
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "")[:6].ljust(6, "0")
    dt = datetime(y, mo, d, h, mi, s, tzinfo=timezone.utc)
    us = int(dt.timestamp()) * 10**6 + int(frac)
    z = m.group(8)
    if z != "Z":
        off = (int(z[1:3]) * 60 + int(z[4:6])) * 60 * 10**6
        us -= off if z[0] == "+" else -off
    return us, None


def lines_of(data):
    """The physical lines of a byte string as rt's reader gives them:
    (line number, text without the terminator); a last line without a
    newline counts; a UTF-8 BOM at the start is skipped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    out = []
    for n, p in enumerate(parts, 1):
        if p.endswith(b"\r"):
            p = p[:-1]
        out.append((n, p))
    return out


class Record:
    """One record read: its JSON text (bytes), where it came from, and its
    parsed object (None with a reason when it cannot be read)."""

    def __init__(self, text, line, obj=None, why=None):
        self.text, self.line, self.obj, self.why = text, line, obj, why


def ndjson_records(data):
    for n, p in lines_of(data):
        if p.strip(b" \t\r") == b"":
            continue
        try:
            obj = json.loads(p.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            yield Record(p, n, why="invalid JSON")
            continue
        yield Record(p, n, obj)


def csv_records(data, delim=","):
    """CSV rows as rt-clean's CSV source writes them: an object of strings
    keyed by the header, compact JSON (simple cells only)."""
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    if not rows:
        return
    header = rows[0]
    for n, row in enumerate(rows[1:], 2):
        obj = dict(zip(header, row))
        t = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        yield Record(t.encode("utf-8"), n, obj)


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def insert_members(text, members):
    """Append members (bytes like b'"k":v') before the closing brace."""
    i = text.rindex(b"}")
    inner = text[:i].rstrip()
    sep = b"" if inner.endswith(b"{") else b","
    return text[:i] + sep + b",".join(members) + text[i:]


def tagged(rec, tag, name, late):
    """The record's text with the tag member (replaced in place when the
    record has it: the generators write it as a plain string) and
    "_late":true appended."""
    text, add = rec.text, []
    if tag is not None:
        val = jstr(name).encode("utf-8")
        if tag in rec.obj:
            key = jstr(tag).encode("utf-8") + b":"
            old = jstr(rec.obj[tag]).encode("utf-8")
            i = text.rindex(key + old)
            text = text[:i + len(key)] + val + text[i + len(key) + len(old):]
        else:
            add.append(jstr(tag).encode("utf-8") + b":" + val)
    if late:
        add.append(b'"_late":true')
    return insert_members(text, add) if add else text


class Result:
    def __init__(self):
        self.out = []          # output lines (bytes, no newline)
        self.late_file = []    # lines of --late FILE
        self.rejects = []      # (source, line, reason)
        self.stats = {"in": 0, "out": 0, "rejected": 0, "dropped": 0,
                      "late": 0}


def merge(inputs, max_delay=0, time_field="ts", tag=None, names=None,
          late="reject", unit_us=10**6):
    """inputs: list of (source name, iterator of Record).  late: 'reject',
    'pass' or 'file'.  Returns a Result."""
    res = Result()
    n = len(inputs)
    wm = [NEG] * n
    newest = [None] * n
    ended = [False] * n
    its = [iter(recs) for _, recs in inputs]
    heap, seq = [], 0
    names = names or [src for src, _ in inputs]

    def frontier():
        live = [(wm[i], i) for i in range(n) if not ended[i]]
        return min(live) if live else None

    def emit(rec, i, late_mark):
        res.out.append(tagged(rec, tag, names[i], late_mark))
        res.stats["out"] += 1

    while True:
        f = frontier()
        while heap and (f is None or (heap[0][0], heap[0][1]) <= f):
            _, i, _, rec = heapq.heappop(heap)
            emit(rec, i, False)
        if f is None:
            break
        i = f[1]
        rec = next(its[i], None)
        if rec is None:
            ended[i] = True
            continue
        res.stats["in"] += 1
        src = inputs[i][0]
        if rec.why:
            res.rejects.append((src, rec.line, rec.why))
            continue
        if not isinstance(rec.obj, dict):
            res.rejects.append((src, rec.line, "not a JSON object"))
            continue
        if time_field not in rec.obj:
            res.rejects.append((src, rec.line,
                                time_field + ": time field missing"))
            continue
        t, why = parse_time(rec.obj[time_field], unit_us)
        if why:
            res.rejects.append((src, rec.line, time_field + ": " + why))
            continue
        if t < wm[i]:
            res.stats["late"] += 1
            if late == "pass":
                emit(rec, i, True)
            elif late == "file":
                res.late_file.append(tagged(rec, tag, names[i], False))
                res.stats["dropped"] += 1
            else:
                res.rejects.append((src, rec.line, "late: %s behind the "
                                    "watermark (see --max-delay, --late)"
                                    % fmt_dur(wm[i] - t)))
            continue
        if newest[i] is None or t > newest[i]:
            newest[i] = t
            wm[i] = max(wm[i], t - max_delay)
        seq += 1
        heapq.heappush(heap, (t, i, seq, rec))
    res.stats["rejected"] = len(res.rejects)
    return res


def records_of(path, data):
    if path.endswith(".csv"):
        return csv_records(data)
    if path.endswith(".tsv"):
        return csv_records(data, "\t")
    return ndjson_records(data)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-delay", default="0")
    ap.add_argument("--time", default="ts")
    ap.add_argument("--tag")
    ap.add_argument("--tag-names")
    ap.add_argument("--late-pass", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    inputs = []
    for p in a.files:
        with open(p, "rb") as fh:
            inputs.append((p, list(records_of(p, fh.read()))))
    res = merge(inputs, parse_dur(a.max_delay), a.time, a.tag,
                a.tag_names.split(",") if a.tag_names else None,
                "pass" if a.late_pass else "reject")
    for line in res.out:
        sys.stdout.buffer.write(line + b"\n")
    for r in res.rejects:
        print("%s:%d: %s" % r, file=sys.stderr)
    print(json.dumps(res.stats), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
