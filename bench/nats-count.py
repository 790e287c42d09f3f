#!/usr/bin/env python3
"""Count lines on standard input until N have come: print the wall-clock
time (seconds since the epoch) of the first line and of the N-th, one
a line, then exit.  For rt-nats sub --follow in the benchmark: one
subscriber counts the output instead of reading the stream again and
again.

Usage: nats-count.py N
"""
import sys
import time


def main():
    want = int(sys.argv[1])
    n = 0
    for _ in sys.stdin:
        n += 1
        if n == 1:
            print("%.6f" % time.time(), flush=True)
        if n >= want:
            print("%.6f" % time.time(), flush=True)
            return


main()
