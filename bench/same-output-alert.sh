#!/usr/bin/env bash
# same-output-alert.sh OLD_BIN_DIR NEW_BIN_DIR [WORK_DIR]: run two builds
# of rt-alert over the same generated data with many option sets and
# compare, byte for byte, what each run leaves: standard output, standard
# error (--stats), exit status, the reject file, the state file after
# every chunk of a chunked run, and what --exec commands were given.
# Issue 15: the reshaping of rt-alert must change no output byte.
#
# Data: rt-gen piped through rt-window and rt-classify (as examples/demo.sh
# and tests/pipeline.bats do), disordered a little and with a few bad
# lines, and tests/alert/gen.py's records; SEEDS (default "1 2 3"; "" none).
# Only deterministic options are used: no --idle-timeout, no arrival
# time, no --exec-batch DUR, no concurrency above 1.
# Prints "N cases, 0 differences" and exits 1 on any difference.
#
# ICOUNT=FILE (the bench's scored records, e.g. bench/out/scored.ndjson):
# also count, with callgrind, the instructions each build's rt-alert runs
# over FILE through a pipe, for the bench's option sets; a build more
# than 3% above the old one is a difference.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_BIN_DIR NEW_BIN_DIR [WORK_DIR]" >&2; exit 2; }
old=$(cd "$1" && pwd) new=$(cd "$2" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/same-alert.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
export LC_ALL=C.UTF-8 TZ=UTC
SEEDS=${SEEDS-"1 2 3"}
cases=0 diffs=0

# The hook --exec runs: it appends its RT_ALERT_* variables and its input
# to the file it is given, so each delivery's data is kept in order.
cat > "$work/hook.sh" <<'EOF'
#!/bin/sh
{ env | grep '^RT_ALERT_' | LC_ALL=C sort; cat; echo '--'; } >> "$1"
EOF
chmod +x "$work/hook.sh"

# Disorder stdin a little (seeded): a tenth of the records move up to 40
# lines later; a few bad lines and a barrier go in.
disorder() {
	python3 -c '
import random, sys
rnd = random.Random(int(sys.argv[1]))
lines = sys.stdin.read().splitlines()
for i in range(len(lines) - 1, 0, -1):
    if rnd.random() < 0.1:
        j = min(len(lines) - 1, i + rnd.randrange(1, 40))
        lines.insert(j, lines.pop(i))
bad = ["not json", "[1,2]", "{\"ts\":\"yesterday\",\"_class\":\"fraud\"}",
       "{\"$rt\":\"barrier\"}"]
for b in bad:
    lines.insert(rnd.randrange(len(lines)), b)
print("\n".join(lines))
' "$1"
}

data() {
	local s=$1 d=$work/data/$s
	mkdir -p "$d"
	[ -s "$d/pipe.ndjson" ] && return
	"$old/rt-gen" --seed "$s" --customers 300 --terminals 600 --days 30 |
		"$old/rt-window" -k customer_id --sliding 1d --sliding 7d \
			--sliding 30d -a count -a avg:amount |
		"$old/rt-window" -k terminal_id --sliding 7d --lag 7d -a count \
			-a avg:is_fraud |
		"$old/rt-classify" --rules "$root/examples/fraud.rules" \
			--combine max --label fraud=80 --label review=50 \
		> "$d/pipe.ndjson"
	disorder "$s" < "$d/pipe.ndjson" > "$d/mixed.ndjson"
	python3 "$root/tests/alert/gen.py" 4000 "$s" 15 > "$d/gen.ndjson"
}

# compare NAME: the two runs' directories must hold the same bytes.
compare() {
	cases=$((cases + 1))
	if ! diff -r "$work/old/$1" "$work/new/$1" > "$work/diff.txt" 2>&1; then
		diffs=$((diffs + 1))
		echo "DIFFERENT: $1" >&2
		head -20 "$work/diff.txt" >&2
	fi
}

# one NAME INPUT ARGS...: one run of each build.
one() {
	local name=$1 input=$2 b
	shift 2
	for b in old new; do
		local dir=$work/$b/$name bin
		[ $b = old ] && bin=$old || bin=$new
		rm -rf "$dir"; mkdir -p "$dir"
		(cd "$dir" && set +e && "$bin/rt-alert" "$@" --stats \
			--reject rej.ndjson "$input" > out 2> err; echo $? > rc)
	done
	compare "$name"
}

# chunked NAME INPUT N ARGS...: the input in N chunks, one run each with
# the same --state file (the last with --flush when FLUSH=1); every
# chunk's output and the state after it are kept.
chunked() {
	local name=$1 input=$2 n=$3 b
	shift 3
	for b in old new; do
		local dir=$work/$b/$name bin i flush
		[ $b = old ] && bin=$old || bin=$new
		rm -rf "$dir"; mkdir -p "$dir"
		(cd "$dir" && set +e && split -n l/"$n" -d "$input" chunk. &&
		for ((i = 0; i < n; i++)); do
			flush=
			[ "${FLUSH:-0}" = 1 ] && [ $i -eq $((n - 1)) ] && flush=--flush
			"$bin/rt-alert" "$@" $flush --state st --stats \
				--reject rej.$i chunk.0$i > out.$i 2> err.$i
			echo $? > rc.$i
			cp st st.$i
		done; rm -f chunk.*)
	done
	compare "$name"
}

# usage NAME ARGS...: a run on no input (help, usage errors, bad state).
usage() {
	local name=$1 b
	shift
	for b in old new; do
		local dir=$work/$b/$name bin
		[ $b = old ] && bin=$old || bin=$new
		rm -rf "$dir"; mkdir -p "$dir"
		(cd "$dir" && set +e && "$bin/rt-alert" "$@" < /dev/null > out \
			2> err; echo $? > rc)
	done
	compare "$name"
}
n=0
while IFS= read -r line; do
	n=$((n + 1))
	eval "usage u$n $line"
done <<'EOF'
--help
--top 3
--per 1h
--top 1 --per 1h --rate 1/1h
--flush
--max-keys 3
--suppress 20000000d
--max-delay 0
--rate 5
--rate x/1h
--rate 5/x
--rate 0/1h
--rate 123456789012345678901234567890123456789/1h
--rate 10/h --top 2
--format xml
--template '{'
--template 'a}'
--template 'x{}'
--template '{{a}}{b'
--exec ''
--retries 1
--retry-delay 1s --exec true --retries 0
--no-fast-path
--no-fast-path --retries 1
--no-fast-path --tee
--tee
--template x --format json
--exec true --syslog
--exec true --format text
--exec true --template x
--syslog --format csv
--syslog=foo
-o csv --format text
-o tsv --template x
-k ''
-k ,
--exec no-such-command-here
--when '.['
--when '.a' --no-fast-path --exec no-such-command-here
--exec-batch 0 --exec true
--exec-batch x --exec true
--exec-batch 5/x --exec true
--exec-timeout 0 --exec true
--syslog=local9 --tee
--bogus
-k
--state st --top 2
--state st --flush --suppress 1h --max-keys 2
--idle-timeout 1h --suppress 1h --rate 2/1h
--stats --suppress 1h --exec true
EOF
# A state file, whole, damaged, or read with other options.
mkdir -p "$work/st"
printf '{"ts":"2024-01-01T00:00:00Z","_class":"x","k":1}\n' |
	(cd "$work/st" && "$old/rt-alert" -k k --suppress 1h --state st \
		> /dev/null 2>&1 || true)
sed 's/"k",/"k", /' "$work/st/st" > "$work/st/damaged"
for v in st damaged; do
	for args in "-k k --suppress 1h" "-k k --suppress 2h" \
	    "-k k --top 1 --per 1h"; do
		n=$((n + 1))
		for b in old new; do
			mkdir -p "$work/$b"
			cp "$work/st/$v" "$work/$b/u$n.st"
		done
		usage "u$n" --state "../u$n.st" $args
	done
done

for s in $SEEDS; do
	data "$s"
	d=$work/data/$s P=$d/pipe.ndjson M=$d/mixed.ndjson G=$d/gen.ndjson
	K="-k customer_id --time ts"
	H="$work/hook.sh delivered"
	one "$s-default" "$P" $K
	one "$s-when" "$P" $K --when '.amount > 150' --by amount
	one "$s-nofast" "$P" $K --when '._score >= 50' --no-fast-path
	one "$s-suppress" "$P" $K --suppress 1h
	one "$s-suppress-1d" "$M" $K --suppress 1d
	one "$s-maxkeys" "$P" $K --suppress 6h --max-keys 40
	one "$s-rate" "$P" $K --rate 5/1h
	one "$s-rate-h" "$M" $K --suppress 10m --rate 3/h
	one "$s-top" "$P" $K --top 3 --per 1d
	one "$s-top-supp" "$M" $K --top 2 --per 6h --suppress 1h
	one "$s-delay" "$M" $K --max-delay 10m
	one "$s-delay-all" "$M" $K --max-delay 30m --suppress 1h --rate 10/1h
	one "$s-delay-top" "$M" $K --max-delay 5m --top 3 --per 1h
	one "$s-text" "$P" $K --suppress 1h --format text
	one "$s-csv" "$M" $K --suppress 1h --rate 4/1h --format csv
	one "$s-tsv" "$P" $K --suppress 2h -o tsv
	one "$s-template" "$M" $K --suppress 1h --rate 2/1h \
		--template 'A {alert_id} {key} {amount} {_rules} {{x}} {window_start}'
	one "$s-strict" "$M" $K --suppress 1h --strict
	one "$s-exec" "$P" $K --suppress 1h --exec "$H"
	one "$s-exec-rate" "$M" $K --suppress 30m --rate 3/1h --exec "$H"
	one "$s-exec-batch" "$P" $K --suppress 1h --exec-batch 7 --exec "$H"
	one "$s-exec-batch-top" "$M" $K --top 2 --per 1d --exec-batch 3/1h --exec "$H"
	one "$s-exec-tee" "$M" $K --suppress 1h --rate 5/1h --exec "$H" --tee --format text
	one "$s-exec-fail" "$P" $K --suppress 1d --exec false --retries 1 --retry-delay 1ms
	one "$s-syslog-tee" "$P" $K --suppress 1d --syslog=local3 --tee
	one "$s-exit-status" "$P" $K --suppress 1h --exit-status
	one "$s-gen" "$G" -k card_id --suppress 30m --max-delay 10m --rate 8/1h
	one "$s-gen-top" "$G" -k card_id --time ts --max-delay 10m --top 4 --per 2h
	one "$s-gen-nokey" "$G" --suppress 5m --max-delay 1m
	one "$s-gen-maxkeys" "$G" -k card_id,_class --suppress 2h --max-keys 5
	chunked "$s-st-suppress" "$M" 3 $K --suppress 1h
	chunked "$s-st-maxkeys" "$M" 4 $K --suppress 6h --max-keys 30
	chunked "$s-st-rate" "$M" 3 $K --suppress 10m --rate 3/1h
	chunked "$s-st-top" "$M" 3 $K --top 3 --per 1d
	chunked "$s-st-delay" "$M" 5 $K --max-delay 20m --suppress 1h --rate 6/1h
	chunked "$s-st-delay-top" "$G" 3 -k card_id --max-delay 10m --top 2 --per 1h
	FLUSH=1 chunked "$s-st-flush" "$M" 3 $K --max-delay 10m --suppress 1h --rate 3/1h
	FLUSH=1 chunked "$s-st-flush-top" "$G" 4 -k card_id --max-delay 5m --top 3 --per 3h
	chunked "$s-st-exec" "$M" 3 $K --suppress 1h --rate 4/1h --exec "$H"
done
# icount BIN ARGS...: callgrind's instruction count of rt-alert on ICOUNT.
icount() {
	local bin=$1
	shift
	cat "$ICOUNT" | valgrind --tool=callgrind \
		--callgrind-out-file="$work/callgrind.out" "$bin/rt-alert" "$@" \
		2>&1 > /dev/null | sed -n 's/.*Collected : //p'
}
if [ -n "${ICOUNT:-}" ]; then
	echo "| options | old | new | change |"
	echo "|---|---|---|---|"
	while IFS= read -r args; do
		o=$(icount "$old" $args) n=$(icount "$new" $args)
		cases=$((cases + 1))
		awk -v o="$o" -v n="$n" -v a="$args" 'BEGIN {
			printf "| %s | %.0f | %.0f | %+.2f%% |\n", a, o, n,
			    (n - o) * 100 / o; exit !(n <= o * 1.03) }' ||
			diffs=$((diffs + 1))
	done <<'EOF'
--key card_id --suppress 30m --time ts
--key card_id --suppress 30m --time ts --format text
--key card_id --suppress 30m --time ts --format csv
--key card_id --suppress 30m --time ts --rate 100/1h
--key card_id --time ts --top 10 --per 1h
--key card_id --suppress 30m --time ts --max-delay 10m
EOF
fi
echo "$cases cases, $diffs differences"
[ "$diffs" -eq 0 ]
