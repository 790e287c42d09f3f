#!/usr/bin/env python3
"""The Python jsonschema peer of rt-validate for make bench: read NDJSON
line by line, json.loads and validate each record (draft 2020-12, formats
asserted like rt-validate --formats), print the valid lines.
Usage: python3 bench/validate-py.py SCHEMA [FILE]"""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    v = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    src = open(sys.argv[2], "rb") if len(sys.argv) > 2 else sys.stdin.buffer
    out = sys.stdout.buffer
    invalid = 0
    for line in src:
        if v.is_valid(json.loads(line)):
            out.write(line)
        else:
            invalid += 1
    print("invalid: %d" % invalid, file=sys.stderr)
    sys.exit(1 if invalid else 0)


main()
