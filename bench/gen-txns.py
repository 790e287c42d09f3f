#!/usr/bin/env python3
"""Seeded synthetic card transactions for the benchmark (NDJSON or CSV).

Usage: gen-txns.py [-n N] [--seed S] [--cards C] [--csv] > out
About 200 bytes a record; ~C distinct cards with a skewed distribution;
event time rises ~30 ms a record with a little disorder.
"""
import argparse
import random
import sys

COUNTRIES = ["FR", "DE", "ES", "IT", "GB", "US", "NL", "BE", "PT", "PL"]
CHANNELS = ["pos", "ecom", "atm", "moto"]
MCCS = ["5411", "5812", "5999", "4111", "5732", "7011", "5541", "6011"]
FIELDS = ["tx_id", "ts", "card_id", "amount", "currency", "merchant_id",
          "mcc", "country", "card_country", "channel", "is_fraud"]


def rfc3339(us):
    s, frac = divmod(us, 1_000_000)
    days, sod = divmod(s, 86400)
    # days since 1970-01-01 to a civil date
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (m <= 2)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        y, m, d, sod // 3600, sod % 3600 // 60, sod % 60, frac // 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--csv", action="store_true")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t = 1_709_251_200_000_000  # 2024-03-01T00:00:00Z in microseconds
    home = [COUNTRIES[rnd.randrange(len(COUNTRIES))] for _ in range(a.cards)]
    out = sys.stdout
    if a.csv:
        out.write(",".join(FIELDS) + "\n")
    w = out.write
    for i in range(a.n):
        t += rnd.randrange(0, 60_000)
        ts = t - (rnd.randrange(0, 5_000_000) if rnd.random() < 0.02 else 0)
        # a skewed card distribution: a few busy cards, a long tail
        c = int(a.cards * rnd.random() ** 2)
        card = "c-%07d" % c
        cc = home[c]
        country = cc if rnd.random() < 0.9 else COUNTRIES[rnd.randrange(10)]
        amount = "%.2f" % (rnd.lognormvariate(3.5, 1.2))
        fraud = 1 if rnd.random() < 0.01 else 0
        vals = ["tx-%09d" % i, rfc3339(ts), card, amount, "EUR",
                "m-%06d" % rnd.randrange(50_000), MCCS[rnd.randrange(8)],
                country, cc, CHANNELS[rnd.randrange(4)], str(fraud)]
        if a.csv:
            w(",".join(vals) + "\n")
        else:
            w('{"tx_id":"%s","ts":"%s","card_id":"%s","amount":%s,'
              '"currency":"%s","merchant_id":"%s","mcc":"%s","country":"%s",'
              '"card_country":"%s","channel":"%s","is_fraud":%s}\n' % tuple(vals))


if __name__ == "__main__":
    main()
