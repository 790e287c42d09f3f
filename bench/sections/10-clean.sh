# rt-clean (issue 2): NDJSON and CSV ingestion against jq and Miller, and the
# latency of a three-stage pipeline fed one record at a time.

# mem_target MIB ID...: "met" when every ID peaked under MIB MiB.
mem_target() {
	local lim=$1
	shift
	awk -F'\t' -v lim="$lim" -v ids=" $* " '
	index(ids, " " $1 " ") { if ($5 / 1024 > max) max = $5 / 1024 }
	END { printf "%s (%.1f MiB)", max < lim ? "met" : "MISSED", max }' \
		"$OUT/results.tsv"
}

# target ID PEER MIN_RATIO MIN_MBS: "met" or "MISSED" against the figures.
target() {
	awk -F'\t' -v id="$1" -v peer="$2" -v ratio="$3" -v mbs="${4:-0}" '
	$1 == id { s = $2; mb = $4 } $1 == peer { ps = $2 }
	END { ok = (ps / s >= ratio) && (mb >= mbs)
	      printf "%s (%.1fx, %s MB/s)", ok ? "met" : "MISSED", ps / s, mb }' \
		"$OUT/results.tsv"
}

section_clean() {
	measure rt-clean-ndjson "$N" "$NDJSON_BYTES" \
		"rt-clean --time ts --number amount txns.ndjson"
	measure jq-c "$N" "$NDJSON_BYTES" "jq -c . txns.ndjson"
	measure rt-clean-csv "$N" "$CSV_BYTES" "rt-clean -i csv txns.csv"
	measure mlr-csv-jsonl "$N" "$CSV_BYTES" "mlr --icsv --ojsonl cat txns.csv"
	latency "rt-clean x3" 2000 1000 "rt-clean | rt-clean | rt-clean"
	latency "jq --unbuffered x3" 2000 1000 \
		"jq -c --unbuffered . | jq -c --unbuffered . | jq -c --unbuffered ."

	cat <<MD
## rt-clean (issue 2)

| benchmark | median s | records/s | MB/s | peak MiB | vs peer | command |
|---|---|---|---|---|---|---|
$(row jq-c)
$(row rt-clean-ndjson jq-c)
$(row mlr-csv-jsonl)
$(row rt-clean-csv mlr-csv-jsonl)

Targets: NDJSON at least 10x jq and 400 MB/s: $(target rt-clean-ndjson jq-c 10 400);
CSV at least 5x Miller: $(target rt-clean-csv mlr-csv-jsonl 5);
peak memory under 16 MiB on both: $(mem_target 16 rt-clean-ndjson rt-clean-csv).

Latency, 2000 records written one every millisecond, delay from write to
the last stage's output (microseconds; the first 10 records not counted):

| pipeline | p50 us | p99 us | max us | command |
|---|---|---|---|---|
$(cat "$OUT/latency.md")

MD
	: > "$OUT/latency.md"
}
