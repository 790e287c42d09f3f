#!/usr/bin/env python3
"""Split records by partition, as rt-nats pub does: FNV-1a 32 of the key's
text mod P (a string's characters, a number's JSON text).

Usage: split.py P PATH PREFIX < records
PATH is the key's place, dot-separated (key.customer_id); writes
PREFIX.<p> for every p in 0..P-1 (empty when no record went there), the
lines byte for byte.
"""
import json
import sys


def fnv1a32(b):
    h = 0x811C9DC5
    for c in b:
        h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
    return h


def key_text(line, path):
    v = json.loads(line)
    for p in path.split("."):
        v = v[p]
    if isinstance(v, str):
        return v.encode()
    # A number's text as written: find it in the line after the name.
    return json.dumps(v).encode()


def main():
    n, path, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    out = [open("%s.%d" % (prefix, p), "wb") for p in range(n)]
    for raw in sys.stdin.buffer:
        out[fnv1a32(key_text(raw, path)) % n].write(raw)
    for f in out:
        f.close()


main()
