#!/usr/bin/env python3
"""Publish one message over the plain NATS protocol (no client library,
no JetStream ack), for tests that need bytes rt-nats pub would refuse.

Usage: rawpub.py URL SUBJECT FILE
"""
import socket
import sys


def main():
    url, subj, path = sys.argv[1:4]
    data = open(path, "rb").read()
    host, port = url.replace("nats://", "").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    f = s.makefile("rb")
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
    s.sendall(b"PUB %s %d\r\n%s\r\nPING\r\n" % (subj.encode(), len(data), data))
    while f.readline().strip() != b"PONG":
        pass


main()
