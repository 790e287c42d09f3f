#!/usr/bin/env bash
# Run the libFuzzer harnesses built by `make fuzz-build`, each for SECONDS
# from a scratch copy of its seed corpus tests/fuzz/corpus/NAME/ (so that a
# run never writes into the repository).
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [NAME...]   (default: all)
# Prints one line per harness: executions, coverage (cov, ft: libFuzzer's
# edges and features at the end), crashes.  A crash, leak, timeout or
# out-of-memory is kept under BUILD_DIR/findings/NAME/ and named; the exit
# status is then 1.  FUZZ_JOBS=N runs N harnesses at once (default 1);
# FUZZ_RUNS=N stops each after N executions (SECONDS still bounds it).
set -u
cd "$(dirname "$0")/../.." || exit 2
build=${1:?usage: run.sh BUILD_DIR SECONDS [NAME...]}
secs=${2:?usage: run.sh BUILD_DIR SECONDS [NAME...]}
shift 2
export LC_ALL=C TZ=UTC
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/}
		names+=("${n%.c}")
	done
fi

# run_one NAME: run a harness; writes its summary line to $tmp/NAME.line.
run_one() {
	local name=$1 bin=$build/$1 dir corpus log st execs rate cov ft art
	dir=$(mktemp -d "${TMPDIR:-/tmp}/rtfuzz.$name.XXXXXX") || return 2
	corpus=$dir/corpus
	mkdir -p "$corpus"
	if [ ! -x "$bin" ]; then
		echo "$name: not built ($bin): make fuzz-build" >"$tmp/$name.line"
		echo 1 >"$tmp/$name.rc"
		rm -rf "$dir"
		return
	fi
	[ -d "tests/fuzz/corpus/${name#fuzz_}" ] &&
		cp -R "tests/fuzz/corpus/${name#fuzz_}/." "$corpus/"
	log=$dir/log
	"$bin" -max_total_time="$secs" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
		-print_final_stats=1 -timeout=25 \
		-rss_limit_mb=2048 -artifact_prefix="$dir/" "$corpus" \
		>"$log" 2>&1 </dev/null
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -Eo '(DONE|pulse|NEW|REDUCE|INITED) +cov: [0-9]+ ft: [0-9]+' "$log" |
		tail -1 | sed 's/.*cov: \([0-9]*\) ft: \([0-9]*\)/\1 \2/')
	ft=${cov#* }
	cov=${cov% *}
	art=$(cd "$dir" && ls -d crash-* leak-* timeout-* oom-* slow-unit-* 2>/dev/null | grep -v '^slow-unit-')
	if [ $st -ne 0 ] || [ -n "$art" ]; then
		local keep=$build/findings/$name
		mkdir -p "$keep"
		cp "$log" "$keep/log"
		for a in $art; do cp "$dir/$a" "$keep/"; done
		printf '%s: %s executions (%s/s), cov %s, ft %s, CRASH (status %d): %s\n' \
			"$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$st" \
			"$(for a in $art; do printf '%s ' "$keep/$a"; done)log $keep/log" \
			>"$tmp/$name.line"
		grep -m1 -E 'ERROR: |runtime error: |deadly signal' "$log" \
			>>"$tmp/$name.line"
		echo 1 >"$tmp/$name.rc"
	else
		printf '%s: %s executions (%s/s), cov %s, ft %s, 0 crashes\n' \
			"$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
			>"$tmp/$name.line"
		echo 0 >"$tmp/$name.rc"
	fi
	rm -rf "$dir"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rtfuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
jobs=${FUZZ_JOBS:-1}
running=0
for n in "${names[@]}"; do
	run_one "$n" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
status=0
for n in "${names[@]}"; do
	cat "$tmp/$n.line"
	[ "$(cat "$tmp/$n.rc" 2>/dev/null)" = 0 ] || status=1
done
exit $status
