#!/usr/bin/env python3
"""The server's own partition function, asked over the NATS protocol.

Usage: partmap.py URL KEY...
Publishes each KEY on rtpart.KEY (plain NATS, no client library) to a
server whose account maps rtpart.* to rtpart.{{partition(8,1)}}.{{wildcard(1)}}
(tests/nats/cluster.sh), and prints "KEY P" for each, P as the server chose.
"""
import socket
import sys


def main():
    url, keys = sys.argv[1], sys.argv[2:]
    host, port = url.replace("nats://", "").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    f = s.makefile("rb")
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
    s.sendall(b"SUB rtpart.*.* 1\r\n")
    for k in keys:
        s.sendall(b"PUB rtpart.%s 0\r\n\r\n" % k.encode())
    s.sendall(b"PING\r\n")
    got = {}
    while len(got) < len(keys):
        line = f.readline().decode().strip()
        if line.startswith("MSG"):
            subj = line.split()[1]
            f.readline()
            _, p, key = subj.split(".", 2)
            got[key] = p
        elif line == "PING":
            s.sendall(b"PONG\r\n")
    for k in keys:
        print(k, got[k])


main()
