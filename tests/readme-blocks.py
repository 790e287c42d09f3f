#!/usr/bin/env python3
"""The README's shell blocks, for tests/readme.bats.

Usage: readme-blocks.py README.md DIR
Writes DIR/N.sh for the Nth ```sh block, and DIR/N.out when the block is
followed (only blank lines between) by a ```text block: its expected
standard output.  Prints the number of blocks.
"""
import os
import sys


def blocks(text):
    """(kind, body, line after the block's end) for each fenced block."""
    lines = text.split("\n")
    i, out = 0, []
    while i < len(lines):
        if lines[i].startswith("```"):
            kind = lines[i][3:].strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append((kind, "\n".join(lines[i + 1:j]) + "\n", i, j))
            i = j + 1
        else:
            i += 1
    return out, lines


def main():
    text = open(sys.argv[1]).read()
    d = sys.argv[2]
    bs, lines = blocks(text)
    n = 0
    for k, (kind, body, start, end) in enumerate(bs):
        if kind != "sh":
            continue
        n += 1
        with open(os.path.join(d, "%d.sh" % n), "w") as f:
            f.write(body)
        if k + 1 < len(bs) and bs[k + 1][0] == "text":
            between = lines[end + 1:bs[k + 1][2]]
            if all(l.strip() == "" for l in between):
                with open(os.path.join(d, "%d.out" % n), "w") as f:
                    f.write(bs[k + 1][1])
    print(n)


main()
