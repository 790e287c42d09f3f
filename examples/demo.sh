#!/usr/bin/env bash
# make demo: run rtpipe on the bundled data in examples/ and report.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BUILD:-build/rel}/bin
export PATH=$PWD/$BIN:$PATH LC_ALL=C.UTF-8 TZ=UTC
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== rt-clean: a messy CSV export (examples/txns-messy.csv) into canonical NDJSON"
echo '$ rt-clean -i csv --keys snake --time timestamp --number amount \'
echo '    --upper currency --lower channel --dedupe tx_id --reject rejects.ndjson --stats'
rc=0
rt-clean -i csv --keys snake --time timestamp --number amount \
	--upper currency --lower channel --dedupe tx_id \
	--reject "$out/rejects.ndjson" --stats \
	examples/txns-messy.csv > "$out/clean.ndjson" 2> "$out/stats.json" || rc=$?
cat "$out/clean.ndjson"
echo
echo "rejected (reason, line):"
jq -r '"  line \(.line): \(.reason)"' "$out/rejects.ndjson"
echo "counts: $(tail -1 "$out/stats.json")"
jq -e '.in == .out + .rejected + .dropped' "$out/stats.json" > /dev/null &&
	echo "every record is accounted for: in = out + rejected + dropped"
echo "exit status $rc (1: some records were rejected)"
