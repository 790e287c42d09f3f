#!/usr/bin/env bash
# make bench: generate the seeded data, time every tool against its peers
# in the same run, and write the figures with their commands to
# bench/RESULTS.md.
#
# Environment: BUILD (build dir, default build/rel), RUNS (runs per
# benchmark, default 5; the median is reported), N (records, default
# 1000000), ONLY (a regular expression: run only matching sections).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build/rel}
BIN=$ROOT/$BUILD/bin
OUT=$ROOT/bench/out
RUNS=${RUNS:-5}
N=${N:-1000000}
ONLY=${ONLY:-.}
export PATH=$BIN:$PATH LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }

# --- data -------------------------------------------------------------------
data() {
	local stamp="n=$N seed=42 v1"
	if [ "$(cat "$OUT/.stamp" 2>/dev/null)" != "$stamp" ] ||
	    [ ! -s "$OUT/txns.ndjson" ] || [ ! -s "$OUT/txns.csv" ]; then
		say "generating $N records (bench/gen-txns.py, seed 42)..."
		python3 bench/gen-txns.py -n "$N" > "$OUT/txns.ndjson"
		python3 bench/gen-txns.py -n "$N" --csv > "$OUT/txns.csv"
		echo "$stamp" > "$OUT/.stamp"
	fi
	NDJSON=$OUT/txns.ndjson
	CSV=$OUT/txns.csv
	NDJSON_BYTES=$(stat -c %s "$NDJSON")
	CSV_BYTES=$(stat -c %s "$CSV")
}

# --- measuring ----------------------------------------------------------------
# measure ID RECORDS BYTES CMD: run CMD (through bash, output to /dev/null)
# RUNS times; sets SECS (median wall seconds) and RSS (largest peak RSS of
# any process in the command, KiB, median over runs).
measure() {
	local id=$1 recs=$2 bytes=$3 cmd=$4 i t m
	local -a secs=() rss=()
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f "%e %M" -o "$OUT/.time" bash -c "cd \"$OUT\" && $cmd" > /dev/null 2> "$OUT/.err" || {
			say "FAILED: $cmd"; tail -5 "$OUT/.err" >&2; SECS=nan RSS=0; return 1; }
		read -r t m < "$OUT/.time"
		secs+=("$t"); rss+=("$m")
	done
	SECS=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	RSS=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	RATE=$(awk -v n="$recs" -v s="$SECS" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}')
	MBS=$(awk -v b="$bytes" -v s="$SECS" 'BEGIN {printf "%.0f", (s > 0 ? b / s / 1e6 : 0)}')
	say "  $id: $SECS s, $RATE rec/s, $MBS MB/s, $((RSS / 1024)) MiB"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$SECS" "$RATE" "$MBS" "$RSS" "$cmd" >> "$OUT/results.tsv"
}

# row ID: the table row of a measured benchmark; ratio against PEER when
# given ("x times the peer's records/s": peers may run on fewer records).
row() {
	local id=$1 peer=${2:-}
	awk -F'\t' -v id="$id" -v peer="$peer" '
	$1 == peer { pr = $3 }
	$1 == id { s = $2; r = $3; mb = $4; rss = $5; cmd = $6 }
	END {
		ratio = (peer != "" && pr > 0 && r > 0) ? sprintf("%.1fx", r / pr) : ""
		gsub(/\|/, "\\|", cmd)
		printf "| %s | %s | %s | %s | %.1f | %s | `%s` |\n", id, s, r, mb, rss / 1024, ratio, cmd
	}' "$OUT/results.tsv"
}

header() {
	printf '| benchmark | median s | records/s | MB/s | peak MiB | vs peer | command |\n'
	printf '|---|---|---|---|---|---|---|\n'
}

# latency ID N INTERVAL_US PIPELINE [INPUT]: p50/p99/max through
# bench/latency (INPUT: the records, default the bench data).
latency() {
	local id=$1 n=$2 iv=$3 pipeline=$4 input=${5:-$NDJSON} res
	res=$(cd "$OUT" && head -n "$n" "$input" | "$OUT/latency" "$n" "$iv" "$pipeline")
	say "  $id: $res"
	printf '| %s | %s | %s | %s | `%s` |\n' "$id" \
		"$(jq -r .p50_us <<<"$res")" "$(jq -r .p99_us <<<"$res")" \
		"$(jq -r .max_us <<<"$res")" "${pipeline//|/\\|}" >> "$OUT/latency.md"
}

# ratio A B: A's records/s over B's.
ratio() {
	awk -F'\t' -v a="$1" -v b="$2" '$1 == a { x = $3 } $1 == b { y = $3 }
	END { printf "%.1fx", (y > 0 ? x / y : 0) }' "$OUT/results.tsv"
}

# rate_target ID MIN: "met"/"MISSED (N/s)".
rate_target() {
	awk -F'\t' -v id="$1" -v min="$2" '$1 == id { r = $3 }
	END { printf "%s (%d/s)", (r >= min ? "met" : "MISSED"), r }' "$OUT/results.tsv"
}

# --- sections -------------------------------------------------------------------
# Each bench/sections/*.sh defines one function named after the file that
# runs its measurements and prints its part of RESULTS.md.
data
: > "$OUT/results.tsv"
: > "$OUT/latency.md"
cc -O2 -o "$OUT/latency" bench/latency.c
report=$OUT/report.md
: > "$report"
for s in bench/sections/*.sh; do
	name=$(basename "$s" .sh)
	[[ $name =~ $ONLY ]] || continue
	say "== $name"
	# shellcheck disable=SC1090
	source "$s"
	"section_${name#*-}" >> "$report"
done

{
	echo "# rtpipe benchmark results"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d)."
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr);"
	echo "$(gcc --version | head -1); jq $(jq --version 2>&1 | sed 's/jq-//'); Miller $(mlr --version 2>&1 | awk '{print $2}')."
	echo "Data: bench/gen-txns.py, seed 42: $N records, NDJSON $((NDJSON_BYTES / 1000000)) MB, CSV $((CSV_BYTES / 1000000)) MB."
	echo "Each figure is the median of $RUNS runs; peak memory is the largest"
	echo "resident set of any process of the command. Commands run in bench/out/."
	echo
	cat "$report"
} > bench/RESULTS.md
say "wrote bench/RESULTS.md"
