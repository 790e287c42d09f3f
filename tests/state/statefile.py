#!/usr/bin/env python3
"""statefile.py - read and rewrite rtpipe state files (rtpipe(7), STATE
FILES) for the tests: an independent CRC-32C, the header's fields, and a
header made right again after the body was edited on purpose.

  statefile.py check FILE             print version, tool, length, crc; exit 1 if wrong
  statefile.py fix FILE               recompute the length and checksum
  statefile.py set64 FILE OFF VALUE   write VALUE (int, little-endian, 8 bytes)
                                      at body offset OFF, then fix
  statefile.py alert FILE TAG I VALUE set member I of the first rt-alert line
                                      ["TAG",...] to the JSON text VALUE, then fix
"""
import json
import struct
import sys

_T = []


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli), bit-reflected, table-driven; written from the
    polynomial, independent of lib/state.c."""
    if not _T:
        for b in range(256):
            c = b
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            _T.append(c)
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _T[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def split(raw):
    """(header fields, header bytes, body) of a version-2 file."""
    nl = raw.index(b"\n")
    head = raw[:nl + 1]
    f = head[:-1].split(b" ")
    if len(f) != 6 or f[0] != b"rtpipe-state":
        raise ValueError("not a version-2 header")
    return f, head, raw[nl + 1:]


def join(head, body):
    """The file with header head (its length and crc replaced) and body."""
    f = head[:-1].split(b" ")
    f[4] = b"%016x" % len(body)
    pre = b" ".join(f[:5]) + b" "
    return pre + b"%08x\n" % crc32c(body, crc32c(pre)) + body


def fix(raw):
    _, head, body = split(raw)
    return join(head, body)


def check(raw):
    f, head, body = split(raw)
    pre = head[:-9]
    ok = int(f[4], 16) == len(body) and int(f[5], 16) == crc32c(body, crc32c(pre))
    return f, ok


def set64(raw, off, value):
    _, head, body = split(raw)
    body = bytearray(body)
    body[off:off + 8] = struct.pack("<Q", value & (2**64 - 1))
    return join(head, bytes(body))


def alert_edit(raw, tag, i, value):
    """Set member i of the first ["tag", ...] line of an rt-alert body."""
    _, head, body = split(raw)
    lines = body.split(b"\n")
    for k, ln in enumerate(lines):
        if ln.startswith(b'["%s"' % tag.encode()):
            a = json.loads(ln)
            a[i] = json.loads(value)
            lines[k] = json.dumps(a, separators=(",", ":")).encode()
            break
    else:
        raise ValueError("no %s line" % tag)
    return join(head, b"\n".join(lines))


def main(argv):
    cmd, path = argv[1], argv[2]
    raw = open(path, "rb").read()
    if cmd == "check":
        f, ok = check(raw)
        print(f[1].decode(), f[2].decode(), int(f[4], 16), f[5].decode(),
              "ok" if ok else "BAD")
        return 0 if ok else 1
    if cmd == "fix":
        out = fix(raw)
    elif cmd == "set64":
        out = set64(raw, int(argv[3], 0), int(argv[4], 0))
    elif cmd == "alert":
        out = alert_edit(raw, argv[3], int(argv[4]), argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    open(path, "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
