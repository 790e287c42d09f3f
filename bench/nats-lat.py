#!/usr/bin/env python3
"""Latency at the end of rt-nats: read alerts (rt-alert's JSON, the
record under "record") from standard input, and for the first N print
p50, p99 and max of (arrival - record[FIELD]) in microseconds, as JSON.
The stamp is rt-replay --stamp's: wall-clock microseconds.

Usage: nats-lat.py N FIELD
"""
import json
import sys
import time


def main():
    n, field = int(sys.argv[1]), sys.argv[2]
    lat = []
    for line in sys.stdin:
        now = time.time() * 1e6
        rec = json.loads(line)
        rec = rec.get("record", rec)
        if field in rec:
            lat.append(now - rec[field])
        if len(lat) >= n:
            break
    lat.sort()
    pick = lambda q: int(lat[min(len(lat) - 1, int(q * len(lat)))]) if lat else 0
    print(json.dumps({"n": len(lat), "p50_us": pick(0.5), "p99_us": pick(0.99),
                      "max_us": int(lat[-1]) if lat else 0}))


main()
