#!/usr/bin/env python3
"""Run the JSON-Schema-Test-Suite through the built rt-validate binary:
one run per test case (its tests as NDJSON lines; rejected line numbers
are the invalid ones).  Prints "SUITE: P passed, F failed, X excluded" per
suite (excluded: known failures whose reason starts "network:") and
every failure with its reason from tests/fixtures/validate-known-failures.txt;
exits 1 when a failure is not listed there.
Usage: validate-suite.py CONFORMANCE_DIR [--formats]"""
import json
import os
import subprocess
import sys
import tempfile


def known(root):
    out = {}
    with open(os.path.join(root, "tests/fixtures/validate-known-failures.txt")) as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            k, r = line.rstrip("\n").split("\t", 1)
            out[k] = r
    return out


def run_case(schema, tests, draft, remotes, formats, tmp):
    path = os.path.join(tmp, "schema.json")
    with open(path, "w") as f:
        json.dump(schema, f)
    rej = os.path.join(tmp, "rej.ndjson")
    args = ["rt-validate", "--schema", path, "--schema-dir", remotes,
            "--draft", draft, "--reject", rej]
    if formats:
        args.append("--formats")
    data = "".join(json.dumps(t["data"], ensure_ascii=False) + "\n" for t in tests)
    p = subprocess.run(args, input=data.encode(), capture_output=True)
    if p.returncode == 2:
        return None
    bad = set()
    with open(rej) as f:
        for line in f:
            bad.add(json.loads(line)["line"])
    return [i + 1 not in bad for i in range(len(tests))]


def main():
    conf = os.path.join(sys.argv[1], "json-schema-test-suite")
    formats = "--formats" in sys.argv
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    kn = known(root)
    unexpected = 0
    sub = "optional/format" if formats else ""
    with tempfile.TemporaryDirectory() as tmp:
        for suite, draft in (("draft2020-12", "2020-12"), ("draft7", "7")):
            d = os.path.join(conf, "tests", suite, sub)
            passed = failed = excluded = 0
            for name in sorted(os.listdir(d)):
                if not name.endswith(".json"):
                    continue
                for case in json.load(open(os.path.join(d, name))):
                    got = run_case(case["schema"], case["tests"], draft,
                                   os.path.join(conf, "remotes"), formats, tmp)
                    for i, t in enumerate(case["tests"]):
                        if got is not None and got[i] == t["valid"]:
                            passed += 1
                            continue
                        tid = "%s%s/%s: %s / %s" % (suite, "/" + sub if sub else "",
                                                    name, case["description"],
                                                    t["description"])
                        why = kn.get(tid)
                        if why is None:
                            unexpected += 1
                        if why and why.startswith("network:"):
                            excluded += 1
                            print("  EXCLUDED %s: %s" % (tid, why))
                        else:
                            failed += 1
                            print("  FAIL %s: %s" % (tid, why or "UNEXPECTED"))
            print("%s%s: %d passed, %d failed, %d excluded (remote $ref over the network)"
                  % (suite, " " + sub if sub else "", passed, failed, excluded))
    sys.exit(1 if unexpected else 0)


main()
