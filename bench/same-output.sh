#!/usr/bin/env bash
# Same output, old binaries and new (issue 15: a reshaping changes no
# byte): rt-window over seeded rt-gen data with many option sets --
# sliding, rows, lag, tumbling, hopping, session, --emit both, --max-delay
# and lateness on shuffled input, --late, --late-pass, --max-keys, --ttl,
# CSV input, --state in chunks, --idle-timeout on a paused pipe -- with
# stdout, stderr (--stats), exit status, --late files and state files
# compared byte for byte.  With -i FILE, also the instructions each
# binary spends (callgrind) on the bench commands over FILE (the bench's
# 1M records), old against new, which must be within 3%.
#
# Usage: bench/same-output.sh [-i BENCH_NDJSON] OLD_BIN_DIR NEW_BIN_DIR
# Prints "N cases, 0 differences" (VERBOSE=1: each case's lines out and
# last counts); exit status 1 on any difference.
set -u
bench=
if [ "${1:-}" = "-i" ]; then
	bench=$2
	shift 2
fi
if [ $# -ne 2 ]; then
	echo "usage: bench/same-output.sh [-i BENCH_NDJSON] OLD_BIN NEW_BIN" >&2
	exit 2
fi
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd)
export LC_ALL=C.UTF-8 TZ=UTC
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=0 diffs=0

# Data: three seeds of rt-gen (in event-time order), each also shuffled
# (records held back up to 3 lines: some minutes late, some hours), and
# CSV.
for seed in 1 7 42; do
	"$old/rt-gen" --seed "$seed" --customers 200 --terminals 300 --days 30 \
	    > "$work/in$seed.ndjson" || exit 2
	awk -v seed="$seed" 'BEGIN { srand(seed) }
	{ held[NR] = $0; due[NR] = NR + int(rand() * rand() * 4) }
	END {
		for (i = 1; i <= NR; i++) order[i] = i
		# a stable sort by due line
		for (i = 2; i <= NR; i++) {
			x = order[i]; j = i - 1
			while (j >= 1 && due[order[j]] > due[x]) {
				order[j + 1] = order[j]; j--
			}
			order[j + 1] = x
		}
		for (i = 1; i <= NR; i++) print held[order[i]]
	}' "$work/in$seed.ndjson" > "$work/shuf$seed.ndjson"
done
"$old/rt-gen" --seed 3 --customers 30 --terminals 50 --days 10 -o csv \
    > "$work/in3.csv" || exit 2

# run_one DIR TAG ARGS...: rt-window ARGS in DIR (stdin: $input), its
# stdout, stderr and status into DIR/TAG.*.
run_one() {
	local dir=$1 tag=$2
	shift 2
	(cd "$dir" && "$bin/rt-window" "$@" < "$input" > "$tag.out" \
	    2> "$tag.err"; echo $? > "$tag.rc")
}

# compare DIR_OLD DIR_NEW NAME: every file the same in both.
compare() {
	local a=$1 b=$2 name=$3 f
	cases=$((cases + 1))
	if [ -n "${VERBOSE:-}" ]; then
		echo "$name: $(cat "$a"/*.out | wc -l) lines out: $(cat "$a"/*.err |
		    grep -o '"in":[0-9]*.*"late":[0-9]*' | tail -1)"
	fi
	for f in "$a"/* "$b"/*; do
		f=${f##*/}
		if ! cmp -s "$a/$f" "$b/$f"; then
			echo "DIFFERENT: $name: $f" >&2
			diffs=$((diffs + 1))
			return
		fi
	done
}

# same NAME INPUT ARGS...: one run each, compared.
same() {
	local name=$1
	input=$2
	shift 2
	rm -rf "$work/o" "$work/n"
	mkdir "$work/o" "$work/n"
	bin=$old run_one "$work/o" r "$@"
	bin=$new run_one "$work/n" r "$@"
	compare "$work/o" "$work/n" "$name"
}

# chunked NAME INPUT ARGS...: the input in three chunks through one
# --state file, the last with --flush; each chunk's output and the state
# after it compared.
chunked() {
	local name=$1 in=$2 n i
	shift 2
	n=$(wc -l < "$in")
	rm -rf "$work/o" "$work/n"
	mkdir "$work/o" "$work/n"
	for i in 0 1 2; do
		input=$work/chunk
		awk -v a=$((i * n / 3)) -v b=$(((i + 1) * n / 3)) \
		    'NR > a && NR <= b' "$in" > "$input"
		local more=()
		[ $i -eq 2 ] && more=(--flush)
		bin=$old run_one "$work/o" "c$i" --state st "$@" "${more[@]}"
		bin=$new run_one "$work/n" "c$i" --state st "$@" "${more[@]}"
		cp "$work/o/st" "$work/o/st$i"
		cp "$work/n/st" "$work/n/st$i"
	done
	compare "$work/o" "$work/n" "$name"
}

aggs=(-a count -a sum:amount -a avg:amount -a min:amount -a max:amount
    -a stddev:amount -a distinct:terminal_id -a first:amount
    -a last:amount -a count_if:is_fraud=1 -a prev:amount -a since_prev)
caggs=(-a count -a sum:amount -a avg:amount -a min:amount -a max:amount
    -a stddev:amount -a first:amount -a last:amount -a count_if:is_fraud=1)
sopt=(--stats)

for seed in 1 7 42; do
	in=$work/in$seed.ndjson sh=$work/shuf$seed.ndjson
	same "sliding $seed" "$in" "${sopt[@]}" -k customer_id --sliding 1h \
	    --sliding 1d "${aggs[@]}"
	same "sliding global $seed" "$in" "${sopt[@]}" --sliding 6h \
	    -a count -a sum:amount -a max:amount
	same "rows and lag $seed" "$in" "${sopt[@]}" -k terminal_id --rows 5 \
	    --sliding 7d --lag 7d -a count -a avg:is_fraud -a min:amount
	same "closed both $seed" "$in" "${sopt[@]}" -k customer_id \
	    --sliding 2h --closed both -a count -a sum:amount
	same "two keys $seed" "$in" "${sopt[@]}" -k customer_id,terminal_id \
	    --sliding 3d -a count -a distinct:amount
	same "tumbling $seed" "$in" "${sopt[@]}" -k customer_id --tumble 1h \
	    "${caggs[@]}" -a distinct:terminal_id
	same "tumbling offset, emit both $seed" "$in" "${sopt[@]}" \
	    -k customer_id --tumble 6h --offset 30m --emit both -a count \
	    -a sum:amount
	same "tumbling, emit enrich $seed" "$in" "${sopt[@]}" -k customer_id \
	    --tumble 1d --emit enrich -a count
	same "hopping $seed" "$in" "${sopt[@]}" -k terminal_id --hop 30m \
	    --size 2h "${caggs[@]}"
	same "session $seed" "$in" "${sopt[@]}" -k customer_id --session 2h \
	    "${caggs[@]}"
	same "sliding, max-delay $seed" "$sh" "${sopt[@]}" -k customer_id \
	    --sliding 1h --max-delay 1h "${aggs[@]}"
	same "sliding, lateness, rejects $seed" "$sh" "${sopt[@]}" \
	    -k customer_id --sliding 1h --max-delay 10m --allowed-lateness 10m \
	    -a count -a sum:amount
	same "tumbling, lateness, --late $seed" "$sh" "${sopt[@]}" \
	    -k customer_id --tumble 30m --max-delay 15m \
	    --allowed-lateness 15m --late late.ndjson "${caggs[@]}"
	same "session, --late-pass $seed" "$sh" "${sopt[@]}" -k terminal_id \
	    --session 1h --max-delay 20m --late-pass -a count -a max:amount
	same "hopping, max-delay $seed" "$sh" "${sopt[@]}" -k customer_id \
	    --hop 1h --size 3h --max-delay 30m -a count -a sum:amount
	same "max-keys $seed" "$in" "${sopt[@]}" -k terminal_id --max-keys 10 \
	    --sliding 1d --tumble 6h -a count -a sum:amount
	same "ttl $seed" "$in" "${sopt[@]}" -k customer_id --ttl 1d \
	    --sliding 12h -a count -a last:amount
	chunked "state, sliding $seed" "$sh" -k customer_id --sliding 1h \
	    --max-delay 20m "${aggs[@]}"
	chunked "state, tumbling $seed" "$sh" -k customer_id --tumble 1h \
	    --max-delay 10m --allowed-lateness 20m "${caggs[@]}" \
	    -a distinct:terminal_id
	chunked "state, session $seed" "$in" -k customer_id --session 3h \
	    "${caggs[@]}"
	chunked "state, hopping, rows $seed" "$in" -k terminal_id --rows 3 \
	    --hop 1h --size 4h -a count -a min:amount -a prev:amount
	chunked "state, max-keys, ttl $seed" "$in" -k customer_id \
	    --max-keys 15 --ttl 2d --sliding 1d --tumble 12h -a count
done
same "csv input" "$work/in3.csv" "${sopt[@]}" -i csv -k customer_id \
    --sliding 1h -a count -a sum:amount
same "csv out" "$work/in1.ndjson" -o csv -k customer_id --tumble 1d \
    -a count -a sum:amount
same "bad records" "$work/in1.ndjson" --stats -k no_such --sliding 1h

# Usage errors: the same words and status for every misuse.
n=0
while IFS= read -r args; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	same "usage $n: $args" /dev/null $args
done <<'EOF'
--agg bogus --sliding 1h
--agg =count --sliding 1h
--agg count:x --sliding 1h
--agg sum --sliding 1h
--agg count_if:x --sliding 1h
--agg sum: --sliding 1h
--lag 1h
--tumble 1h --lag 1h
--sliding 1h --lag 1h --lag 2h
--sliding 1h --lag 0s
--sliding 1h --closed left
--tumble 1h --session 1h
--tumble 1h --session bogus
--tumble bogus
--hop 1h
--hop 2h --size 1h
--size 1h --sliding 1h
--offset 1m --sliding 1h
--distinct-cap 5 --sliding 1h
--closed both --tumble 1h
--flush --sliding 1h
--max-keys 3 --sliding 1h
--hop 1s --size 1d
--tumble 1s --max-delay 1d
--session 1s --allowed-lateness 1d
--late x --late-pass --sliding 1h
--emit close --sliding 1h
--emit enrich --hop 1h --size 2h
--emit both --session 1h
--emit bogus --tumble 1h
-a s=sum:amount -a s=max:amount --sliding 1h
-a count --sliding 1h --sliding 1h
--sliding 4000000d
--tumble 1h --max-delay 4000000d
--sliding 1h --idle-timeout 4000000d
--session 1h -a distinct:x
--tumble 1h -a prev:x
--rows 0
--rows 5 --lag 1h
--sliding 12345678901234567890123456789012345678901234567890123456789012345678901234567890s
--tumble 123456789012345678901234567890123456789012345678901234567890123456789012345678s
-a count_if:a=1 -a count_if:a=2 -a count_if:a=3 -a count_if:a=4 -a count_if:a=5 -a count_if:a=6 -a count_if:a=7 -a count_if:a=8 -a count_if:a=9 -a count_if:a=10 -a count_if:a=11 -a count_if:a=12 -a count_if:a=13 -a count_if:a=14 -a count_if:a=15 -a count_if:a=16 -a count_if:a=17 -a count_if:a=18 -a count_if:a=19 -a count_if:a=20 -a count_if:a=21 -a count_if:a=22 -a count_if:a=23 -a count_if:a=24 -a count_if:a=25 -a count_if:a=26 -a count_if:a=27 -a count_if:a=28 -a count_if:a=29 -a count_if:a=30 -a count_if:a=31 -a count_if:a=32 -a count_if:a=33 --sliding 1h
--bogus
--sliding
--ttl 0s --sliding 1h
--max-delay -1s --sliding 1h
-k a,b,,c --sliding 1h --max-keys 2
--time-unit bogus --sliding 1h
EOF

# --idle-timeout: records 0.5 s apart, then a pause of 2 s; event time
# moves on with the wall clock and the first 1 s window closes in the
# pause, before the next record comes.
idle_run() {
	local dir=$1
	(cd "$dir" && {
		printf '%s\n' '{"ts":"2024-03-01T00:00:00Z","k":"a"}' \
		    '{"ts":"2024-03-01T00:00:00.500Z","k":"a"}'
		sleep 2
		printf '%s\n' '{"ts":"2024-03-01T00:00:10Z","k":"a"}'
	} | "$bin/rt-window" -k k --tumble 1s --idle-timeout 200ms -u \
	    > r.out 2> r.err; echo $? > r.rc)
	# The window the pause closed comes before the last record's.
	head -1 "$dir/r.out" > "$dir/first"
}
rm -rf "$work/o" "$work/n"
mkdir "$work/o" "$work/n"
bin=$old idle_run "$work/o"
bin=$new idle_run "$work/n"
compare "$work/o" "$work/n" "idle timeout"

echo "$cases cases, $diffs differences"

# Instructions: callgrind over the bench input through a pipe.
fail=0
if [ -n "$bench" ]; then
	ir() {
		cat "$bench" | valgrind --tool=callgrind \
		    --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
	}
	ba="-a count -a sum:amount -a avg:amount -a max:amount"
	for cmd in "--key card_id --sliding 1h --max-delay 5s $ba" \
	    "--key card_id --sliding 1h --max-delay 5s $ba -a distinct:country" \
	    "--key card_id --tumble 5m --max-delay 5s $ba"; do
		# shellcheck disable=SC2086
		a=$(ir "$old/rt-window" $cmd)
		# shellcheck disable=SC2086
		b=$(ir "$new/rt-window" $cmd)
		pct=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.2f", (b - a) * 100 / a }')
		echo "instructions: rt-window $cmd: old $a new $b ($pct%)"
		awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a * 1.03 || b < a * 0.97) }' &&
		    fail=1
	done
fi
[ "$diffs" -eq 0 ] && [ "$fail" -eq 0 ]
