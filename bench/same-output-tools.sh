#!/usr/bin/env bash
# same-output-tools.sh OLD_BIN_DIR NEW_BIN_DIR: run two builds of the
# record tools other than rt-window and rt-alert (same-output.sh and
# same-output-alert.sh take those) over the same data with many option
# sets, and compare byte for byte what each run leaves: standard output,
# standard error (--stats), exit status and the reject file.  Issue 15:
# moving the tools' main loops into lib/loop.c must change no byte.
#
# Data: rt-gen (two seeds) and rt-gen --messy, each with bad lines, a
# barrier control record and blank lines mixed in; CSV exports; the
# bundled fixtures.  Input on standard input through a pipe and as file
# operands.  rt-replay's behind_max_us (the wall clock's) is not
# compared.  Prints "N cases, 0 differences" (VERBOSE=1: each case's
# lines out and status); exit status 1 on any difference.
set -u
if [ $# -ne 2 ]; then
	echo "usage: bench/same-output-tools.sh OLD_BIN NEW_BIN" >&2
	exit 2
fi
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
export LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=0 diffs=0
fix=$root/examples

for seed in 3 11; do
	"$old/rt-gen" --seed "$seed" --customers 150 --terminals 200 --days 15 \
	    >"$work/g$seed.ndjson" || exit 2
done
"$old/rt-gen" --seed 5 --messy --customers 100 --days 10 >"$work/messy.csv" || exit 2
# Bad lines, a barrier and blank lines among the records.
awk 'NR % 97 == 0 { print "{\"broken\":" }
     NR % 211 == 0 { print "{\"$rt\":\"barrier\",\"id\":" NR "}" }
     NR % 301 == 0 { print "" }
     { print }' "$work/g3.ndjson" >"$work/mixed.ndjson"
# The demo's features, for the rules and rt-eval.
"$old/rt-window" -k customer_id --sliding 1d --sliding 7d --sliding 30d \
	-a count -a avg:amount "$work/g11.ndjson" |
	"$old/rt-window" -k terminal_id --sliding 7d --lag 7d -a count -a avg:is_fraud |
	"$old/rt-classify" --rules "$fix/fraud.rules" --combine max --label fraud=80 \
	--label review=50 >"$work/scored.ndjson" || exit 2
"$old/rt-window" -k customer_id --sliding 1d -a count -a avg:amount \
	"$work/mixed.ndjson" >"$work/mixed-feat.ndjson" 2>/dev/null
cp "$fix/txns-messy.csv" "$fix/bank-export.csv" "$work/"
cat >"$work/cards.csv" <<-EOF
	customer_id,limit,home
EOF
jq -r '.customer_id' "$work/g3.ndjson" | sort -u | awk 'NR % 3 { print $0 "," NR * 100 ",FR" }' \
	>>"$work/cards.csv"

# one NAME INPUT TOOL ARGS...: run both builds, INPUT on a pipe ("-"
# after the arguments when INPUT is a file to give as an operand: FILE@).
one() {
	local name=$1 input=$2 tool=$3 b f
	shift 3
	cases=$((cases + 1))
	for b in old new; do
		local bin dir=$work/run.$b
		[ $b = old ] && bin=$old || bin=$new
		rm -rf "$dir"
		mkdir -p "$dir"
		(
			cd "$dir" || exit 2
			if [ "${input%@}" != "$input" ]; then
				"$bin/$tool" "$@" --reject rej.ndjson --stats "${input%@}" \
				    >out 2>err
			else
				cat "$input" | "$bin/$tool" "$@" --reject rej.ndjson --stats \
				    >out 2>err
			fi
			echo $? >status
			# How far behind its schedule rt-replay fell is the clock's.
			sed -i -E 's/"behind_max_us":[0-9]+/"behind_max_us":_/' err
		)
	done
	for f in out err status rej.ndjson; do
		if ! cmp -s "$work/run.old/$f" "$work/run.new/$f"; then
			echo "differs: $name: $f ($tool $*)"
			diffs=$((diffs + 1))
			return
		fi
	done
	[ -n "${VERBOSE:-}" ] && echo "same: $name: $(wc -l <"$work/run.new/out") lines, $(cat "$work/run.new/status")"
}

w=$work
for in in "$w/g3.ndjson" "$w/mixed.ndjson" "$w/mixed.ndjson@"; do
	n=$(basename "$in")
	one "clean $n" "$in" rt-clean --time ts --number amount
	one "clean-typed $n" "$in" rt-clean --number amount --integer tx_id \
	    --time ts --require customer_id --dedupe tx_id
	one "clean-drop $n" "$in" rt-clean --drop-empty --keys snake
	one "clean-csv-out $n" "$in" rt-clean --time ts -o csv
	one "validate $n" "$in" rt-validate --schema "$fix/txn.schema.json" --formats
	one "validate-annotate $n" "$in" rt-validate --schema "$fix/txn.schema.json" --annotate
	one "classify $n" "$in" rt-classify --rules "$root/bench/classify.rules" \
	    --label fraud=80 --label review=40
	one "classify-libjq $n" "$in" rt-classify --rules "$root/bench/classify.rules" \
	    --label fraud=50 --no-fast-path
	one "join $n" "$in" rt-join --table "$w/cards.csv" --on customer_id --number limit
	one "join-reject $n" "$in" rt-join --table "$w/cards.csv" --on customer_id \
	    --missing reject --select home
	one "replay $n" "$in" rt-replay --speed max
	one "replay-from $n" "$in" rt-replay --speed max --from 2018-04-03T00:00:00Z
done
for c in messy.csv txns-messy.csv bank-export.csv; do
	one "clean-csv $c" "$w/$c" rt-clean -i csv --keys snake --time ts --number amount
	one "clean-csv-op $c" "$w/$c@" rt-clean -i csv --no-trim --drop-empty
	one "validate-csv $c" "$w/$c" rt-validate -i csv --schema "$fix/bank.schema.json"
done
one "classify-demo" "$w/mixed-feat.ndjson" rt-classify --rules "$fix/fraud.rules" \
    --combine max --label fraud=80 --label review=50
one "classify-demo-libjq" "$w/mixed-feat.ndjson@" rt-classify --rules "$fix/fraud.rules" \
    --label fraud=80 --no-fast-path
one "eval" "$w/scored.ndjson" rt-eval --label is_fraud --card card_id
one "eval-top" "$w/scored.ndjson@" rt-eval --card card_id --id tx_id --top 5
one "classify-scored" "$w/scored.ndjson" rt-classify --rules "$fix/fraud.rules" \
    --label fraud=50
# rt-clean --dedupe --state in three chunks, the state compared too.
cases=$((cases + 1))
for b in old new; do
	[ $b = old ] && bin=$old || bin=$new
	d=$work/st.$b
	rm -rf "$d"
	mkdir -p "$d"
	split -n l/3 "$w/mixed.ndjson" "$d/part."
	for p in "$d"/part.*; do
		"$bin/rt-clean" --dedupe tx_id --state "$d/seen" --stats <"$p" \
		    >>"$d/out" 2>>"$d/err"
		echo $? >>"$d/status"
	done
	rm -f "$d"/part.*
done
for f in out err status seen; do
	cmp -s "$work/st.old/$f" "$work/st.new/$f" ||
		{ echo "differs: clean --dedupe --state chunks: $f"; diffs=$((diffs + 1)); break; }
done
echo "$cases cases, $diffs differences"
[ "$diffs" -eq 0 ]
