#!/usr/bin/env python3
"""Differential test: rt-clean's CSV/TSV reading against Python's csv module.

Each case is a seeded random file: random delimiters (, tab ; |) and
quote characters (" '), random quoting, embedded quotes,
quoted line breaks (LF, CRLF, CR), line ends of every kind, a BOM, ragged
rows, lines of blanks, empty lines, empty fields, unicode, NUL bytes,
stray quotes and a missing final newline.  rt-clean reads it with
--no-trim and --reject; Python's csv module (strict) is the oracle for
how the bytes split into rows and fields.  rtpipe's own rules are
applied on top of what Python parsed, as rtpipe(7) "CSV and TSV" states
them:

  - the header is the first row that is not an empty line;
  - a row whose field count differs from the header's is a reject;
  - a quote inside a field that does not start with one is a stray quote
    (Python keeps it as data; RFC 4180 does not allow it): the generator
    knows where it wrote one, and the row is expected as a reject;
  - a csv.Error is a reject ("unexpected end of data" is an unterminated
    quoted field).

Every record is compared: the values (as strings, keys in header order)
of each output record, and the line, reason and raw bytes of each reject,
and the --stats counts.  Prints the case and disagreement counts; exits 1
on any disagreement.

Usage: csvdiff.py [--cases N] [--seed S] [--rt-clean PATH] [--show N]
"""
import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ALPHABET = ["a", "b", "Z", "0", "9", " ", " ", "\t", "x y", "é", "€", "😀",
            "中", "\u00a0", "'", "\\", "/", "{", "}", ":", "[", "]", "\x01",
            ",", ";", "|", '"']
# Characters that force quoting (or make a stray quote), chosen at times.
SPECIAL = ['"', "\n", "\r\n", "\r", ","]
EOLS = ["\n"] * 6 + ["\r\n"] * 3 + ["\r"] * 2


class Case:
    """One generated file, and what only its writer knows."""

    def __init__(self, rnd, delim, quote):
        self.rnd = rnd
        self.delim = delim
        self.quote = quote
        self.stray_lines = set()  # physical lines starting a stray-quote row
        self.parts = []
        self.line = 1             # physical line the next row starts on

    def text(self, n):
        rnd = self.rnd
        out = []
        for _ in range(rnd.randint(0, n)):
            r = rnd.random()
            if r < 0.12:
                out.append(rnd.choice(SPECIAL).replace(",", self.delim)
                           .replace('"', self.quote))
            elif r < 0.14:
                out.append("\x00")
            else:
                out.append(rnd.choice(ALPHABET))
        return "".join(out)

    def needs_quotes(self, v):
        return (self.delim in v or self.quote in v or "\n" in v or
                "\r" in v)

    def quoted(self, v):
        q = self.quote
        return q + v.replace(q, q + q) + q

    def field(self, v):
        """v written plainly when it can be, quoted at times anyway."""
        if self.needs_quotes(v) or self.rnd.random() < 0.2:
            return self.quoted(v)
        return v

    def emit(self, s, eol):
        if s == "" and eol == "\n" and self.parts and \
                self.parts[-1].endswith("\r"):
            eol = "\r\n"      # "\r" then "\n" would be one CRLF
        self.parts.append(s + eol)
        self.line += (s + eol).count("\n") + len(re.findall(r"\r(?!\n)", s + eol))

    def plain(self, n):
        """A value with no quote, delimiter or line break."""
        v = self.text(n)
        for ch in (self.quote, self.delim, "\n", "\r"):
            v = v.replace(ch, "")
        return v

    def row(self, ncol, eol):
        rnd = self.rnd
        kind = rnd.random()
        if kind < 0.06:                       # an empty line
            self.emit("", eol)
        elif kind < 0.14:                     # a line of blanks
            self.emit(rnd.choice([" ", "  ", "\t", " \t ", "\u00a0"]), eol)
        elif kind < 0.20:                     # a stray quote, unquoted field
            vals = [self.plain(6) for _ in range(ncol)]
            i = rnd.randrange(ncol)
            v = vals[i]
            k = rnd.randint(0, len(v))
            v = v[:k] + self.quote + v[k:]
            if k == 0:
                v = " " + v                   # not at the field's start
            vals[i] = v
            self.stray_lines.add(self.line)
            self.emit(self.delim.join(vals), eol)
        elif kind < 0.24:                     # text after a closing quote
            vals = [self.field(self.plain(5)) for _ in range(ncol)]
            i = rnd.randrange(ncol)
            vals[i] = self.quoted(self.plain(4)) + rnd.choice(["x", " ", "ab"])
            for j in range(i + 1, ncol):
                vals[j] = self.plain(4)
            self.emit(self.delim.join(vals), eol)
        else:                                 # a good row, or a ragged one
            n = ncol
            if kind < 0.32:
                n = max(1, ncol + rnd.choice([-2, -1, 1, 2]))
            vals = [self.field(self.text(10)) for _ in range(n)]
            self.emit(self.delim.join(vals), eol)

    def header(self, ncol, eol):
        names = []
        while len(names) < ncol:
            v = "k%d%s" % (len(names), self.text(4))
            if v not in names:
                names.append(v)
        self.emit(self.delim.join(self.field(v) for v in names), eol)


def generate(seed):
    rnd = random.Random(seed)
    delim = rnd.choice([",", ",", ",", "\t", ";", "|"])
    quote = '"' if rnd.random() < 0.8 else "'"
    c = Case(rnd, delim, quote)
    ncol = rnd.choice([1, 1, 2, 3, 4, 6])
    for _ in range(rnd.randint(0, 2)):
        c.emit("", rnd.choice(EOLS))          # empty lines before the header
    c.header(ncol, rnd.choice(EOLS))
    for _ in range(rnd.randint(0, 40)):
        c.row(ncol, rnd.choice(EOLS))
    if rnd.random() < 0.08:                   # an unterminated quote at EOF
        c.parts.append(c.quote + c.text(8).replace(c.quote, ""))
    elif rnd.random() < 0.3 and c.parts:     # no final line end
        last = c.parts[-1]
        c.parts[-1] = re.sub(r"(\r\n|\r|\n)\Z", "", last)
    text = "".join(c.parts)
    bom = rnd.random() < 0.15
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    return c, data


def physical_lines(text):
    """Lines with their terminators: LF, CRLF or a lone CR end one."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)


def cut_eol(s):
    return re.sub(r"(\r\n|\r|\n)\Z", "", s)


def oracle(case, data):
    """What rt-clean must give: ('ok', pairs) and ('rej', line, reason, raw)."""
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = physical_lines(text)
    used = [0]

    def feed():
        for ln in lines:
            used[0] += 1
            yield ln

    rd = csv.reader(feed(), delimiter=case.delim, quotechar=case.quote,
                    strict=True)
    header = None
    out = []
    while True:
        start = used[0] + 1
        try:
            row = next(rd)
            err = None
        except StopIteration:
            break
        except csv.Error as e:
            row, err = None, str(e)
        raw = cut_eol("".join(lines[start - 1:used[0]]))
        if err is None and row == []:
            continue                           # an empty line
        if err is not None:
            why = ("unterminated quoted field" if "unexpected end of data"
                   in err else "malformed CSV (stray quote)")
            out.append(("rej", start, why, raw))
            continue
        if start in case.stray_lines:
            out.append(("rej", start, "malformed CSV (stray quote)", raw))
            continue
        if header is None:
            header = row
            continue
        if len(row) != len(header):
            out.append(("rej", start, "row has %d field%s, the header has %d"
                        % (len(row), "" if len(row) == 1 else "s",
                           len(header)), raw))
            continue
        out.append(("ok", list(zip(header, row))))
    return out


def run_rt_clean(exe, case, data, tmp):
    ext = "tsv" if case.delim == "\t" else "csv"
    path = os.path.join(tmp, "in." + ext)
    rej = os.path.join(tmp, "rej.ndjson")
    with open(path, "wb") as f:
        f.write(data)
    args = [exe, "-i", ext, "--no-trim", "--stats", "--reject", rej]
    if case.delim not in ",\t":
        args += ["-d", case.delim]
    if case.quote != '"':
        args += ["--quote", case.quote]
    args.append(path)
    p = subprocess.run(args, capture_output=True)
    got = []
    for ln in p.stdout.decode("utf-8").splitlines():
        got.append(("ok", json.loads(ln, object_pairs_hook=list)))
    rejs = []
    with open(rej, encoding="utf-8") as f:
        for ln in f:
            o = json.loads(ln)
            rejs.append(("rej", o["line"], o["reason"], o["raw"]))
    stats = None
    for ln in p.stderr.decode("utf-8", "replace").splitlines():
        if ln.startswith("{"):
            stats = json.loads(ln)
    return p.returncode, got, rejs, stats, p.stderr


def compare(case, data, exe, tmp):
    """The differences between rt-clean and the oracle, as text lines."""
    want = oracle(case, data)
    want_ok = [w for w in want if w[0] == "ok"]
    want_rej = [w for w in want if w[0] == "rej"]
    rc, got_ok, got_rej, stats, err = run_rt_clean(exe, case, data, tmp)
    diffs = []
    if got_ok != want_ok:
        for i, (g, w) in enumerate(zip(got_ok + [None] * len(want_ok),
                                       want_ok + [None] * len(got_ok))):
            if g != w:
                diffs.append("record %d: got %r, want %r" % (i + 1, g, w))
                break
        diffs.append("records: got %d, want %d" % (len(got_ok), len(want_ok)))
    if got_rej != want_rej:
        for g, w in zip(got_rej + [None] * len(want_rej),
                        want_rej + [None] * len(got_rej)):
            if g != w:
                diffs.append("reject: got %r, want %r" % (g, w))
                break
        diffs.append("rejects: got %d, want %d" % (len(got_rej), len(want_rej)))
    n = len(want)
    if stats is None:
        diffs.append("no --stats: %r" % err)
    elif (stats["in"], stats["out"], stats["rejected"]) != (
            n, len(want_ok), len(want_rej)) or stats["dropped"] != 0:
        diffs.append("stats %r, want in %d out %d rejected %d" %
                     (stats, n, len(want_ok), len(want_rej)))
    if rc != (1 if want_rej else 0):
        diffs.append("exit %d, want %d" % (rc, 1 if want_rej else 0))
    return diffs, len(want_ok), len(want_rej)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rt-clean", default="rt-clean")
    ap.add_argument("--show", type=int, default=3)
    a = ap.parse_args()
    bad = recs = rejs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.cases):
            seed = a.seed + i
            case, data = generate(seed)
            diffs, nok, nrej = compare(case, data, a.rt_clean, tmp)
            recs += nok
            rejs += nrej
            if diffs:
                bad += 1
                if bad <= a.show:
                    print("case seed %d disagrees:" % seed)
                    print("  input: %r" % data)
                    for d in diffs:
                        print("  " + d)
    print("csvdiff: %d cases (%d records, %d rejects), %d disagreements"
          % (a.cases, recs, rejs, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
