#!/usr/bin/env bash
# corpus.sh BIN_DIR: write the seed corpora of the state-loader fuzz
# harnesses (tests/fuzz/fuzz_state_window.c, fuzz_state_alert.c) from real
# state files: each seed is the configuration's number (one byte, the
# harness's table, which follows tests/state/damage.py) and the body of a
# state file written with that configuration.
set -eu
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

window=(
	"-k card --sliding 10m --sliding 1h --lag 10m -a count -a sum:amount -a min:amount -a max:amount -a distinct:country -a stddev:amount -a since_prev -a prev:amount -a count_if:country=FR --max-delay 15m"
	"-k card --rows 3 -a sum:amount -a first:amount -a last:amount --max-delay 15m --max-keys 20"
	"-k card --tumble 5m -a sum:amount -a distinct:country -a max:amount --max-delay 15m"
	"-k card --hop 5m --size 20m -a avg:amount -a count_if:country=FR --allowed-lateness 15m"
	"-k card --session 2m -a sum:amount -a stddev:amount -a min:amount --max-delay 15m"
	"--sliding 1h -a count --ttl 1h"
)
alert=(
	"--time ts -k card_id --suppress 900s --max-delay 100s --top 2 --per 30m"
	"--time ts -k card_id --suppress 10m --rate 5/1h --max-keys 8"
	"--time ts -k card_id --suppress 15m --max-delay 5m"
	"--time ts"
)

# seed DIR NAME CONF STATE: byte CONF, then STATE after its header line.
seed() {
	{ printf "\\$(printf '%03o' "$3")"; tail -n +2 "$4"; } > "$out/$1/$2"
}

rm -f "$out"/state_window/seed-* "$out"/state_alert/seed-*
mkdir -p "$out/state_window" "$out/state_alert"
for i in "${!window[@]}"; do
	for n in 0 12 60; do
		python3 "$root/tests/window/gen.py" "$n" "$((i + n))" 0.05 > in.ndjson
		rm -f st
		"$bin/rt-window" ${window[$i]} --state st in.ndjson > /dev/null 2>&1 || true
		seed state_window "seed-$i-$n" "$i" st
	done
done
for i in "${!alert[@]}"; do
	for n in 0 30 150; do
		python3 "$root/tests/alert/gen.py" "$n" "$((i + n))" 6 > in.ndjson
		rm -f st
		"$bin/rt-alert" ${alert[$i]} --state st in.ndjson > /dev/null 2>&1 || true
		seed state_alert "seed-$i-$n" "$i" st
	done
done
ls -l "$out/state_window" "$out/state_alert" | awk 'NR>1 && $5 {s+=$5} END {print s " bytes of seeds"}'
