#!/usr/bin/env bash
# icount.sh OLD_BIN_DIR NEW_BIN_DIR [N]: instructions per record of two
# builds, counted by callgrind (the same on every run, unlike time) over
# the first N (default 100000) bench records (bench/gen-txns.py, seed
# 42) through a pipe, for each stage of the bench's five-stage pipeline
# on the previous stage's output (made by the old build), and for
# rt-join, rt-replay and rt-eval.  Prints a table (stage, old, new,
# change) and exits 1 when a stage of the new build runs more than 3%
# above the old.  Issue 15: reshaping the code must not cost speed.
set -u
if [ $# -lt 2 ]; then
	echo "usage: bench/icount.sh OLD_BIN NEW_BIN [N]" >&2
	exit 2
fi
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd) n=${3:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
python3 "$root/bench/gen-txns.py" -n "$n" >txns.ndjson || exit 2
jq -r .card_id txns.ndjson | sort -u | awk 'NR % 2 { print $0 "," NR }' |
	sed '1i card_id,limit' >cards.csv

# stage NAME INPUT OUTPUT CMD...: count both builds over INPUT; the old
# build's output goes to OUTPUT for the next stage.
fail=0
ir() {
	local input=$1
	shift
	cat "$input" | valgrind --tool=callgrind --callgrind-out-file=/dev/null \
	    "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
stage() {
	local name=$1 input=$2 output=$3 tool=$4 a b
	shift 4
	if [ ! -x "$old/$tool" ] || [ ! -x "$new/$tool" ]; then
		echo "| $name | - | - | not in both builds |"
		return
	fi
	"$old/$tool" "$@" <"$input" >"$output" 2>/dev/null
	a=$(ir "$input" "$old/$tool" "$@")
	b=$(ir "$input" "$new/$tool" "$@")
	awk -v s="$name" -v a="$a" -v b="$b" -v n="$n" 'BEGIN {
		printf "| %-12s | %8.0f | %8.0f | %+6.2f%% |\n", s, a / n, b / n,
		    (b - a) * 100 / a }'
	if [ "$(awk -v a="$a" -v b="$b" 'BEGIN { print (b > a * 1.03) }')" = 1 ]; then
		fail=1
	fi
}
echo "Instructions per record, $n bench records through a pipe:"
echo
echo "| stage        |      old |      new | change  |"
echo "|---|---|---|---|"
stage rt-clean txns.ndjson s1 rt-clean --time ts --number amount
stage rt-validate s1 s2 rt-validate --schema "$root/examples/transaction.schema.json"
stage rt-window s2 s3 rt-window -k card_id --sliding 1h --max-delay 5s \
    -a count -a sum:amount
stage rt-classify s3 s4 rt-classify --rules "$root/bench/classify.rules" \
    --label fraud=80 --label review=40
# The bench's alert input: 1% alert-worthy.
"$old/rt-classify" --rules "$root/bench/alert.rules" --label fraud=50 \
    <txns.ndjson >scored.ndjson 2>/dev/null
stage rt-alert scored.ndjson s5 rt-alert -k card_id --suppress 30m --time ts
stage rt-join txns.ndjson j rt-join --table cards.csv --on card_id
stage rt-replay txns.ndjson r rt-replay --speed max
stage rt-eval scored.ndjson e rt-eval --label is_fraud --card card_id
exit $fail
