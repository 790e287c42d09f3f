#!/usr/bin/env python3
"""One JetStream API request over the plain NATS protocol (no client
library), its reply on stdout: for tests that do what rt-nats has no
command for (list or delete consumers).

Usage: jsapi.py URL SUBJECT [PAYLOAD]
e.g.   jsapi.py nats://127.0.0.1:4222 '$JS.API.CONSUMER.NAMES.S' '{}'
"""
import socket
import sys


def main():
    url, subj = sys.argv[1:3]
    data = sys.argv[3].encode() if len(sys.argv) > 3 else b""
    host, port = url.replace("nats://", "").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    f = s.makefile("rb")
    f.readline()  # INFO
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n')
    s.sendall(b"SUB _jsapi.reply 1\r\n")
    s.sendall(b"PUB %s _jsapi.reply %d\r\n%s\r\n" % (subj.encode(), len(data), data))
    while True:
        line = f.readline()
        if not line:
            sys.exit("jsapi.py: connection closed before the reply")
        if line.startswith(b"PING"):
            s.sendall(b"PONG\r\n")
        elif line.startswith(b"MSG "):
            n = int(line.split()[-1])
            sys.stdout.write(f.read(n + 2)[:n].decode() + "\n")
            return
        elif line.startswith(b"-ERR"):
            sys.exit("jsapi.py: " + line.decode().strip())


main()
