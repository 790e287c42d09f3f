# rt-merge (issue 17): the bench file split by card into 4 inputs, each
# sorted by time, merged back into one stream in event time, against
# sort -m (the same merge of sorted files, same output); the same four
# inputs left as the bench file has them (up to 5 s out of order) merged
# with --max-delay 5s; and the latency of a trickle through rt-merge next
# to cat.

# merge_inputs: bench/out/merge-K.ndjson (sorted by time) and
# merge-raw-K.ndjson (in file order), K = card number mod 4.
merge_inputs() {
	local stamp="$N merge v1" k
	[ "$(cat "$OUT/.merge-stamp" 2>/dev/null)" = "$stamp" ] &&
		[ -s "$OUT/merge-3.ndjson" ] && [ -s "$OUT/merge-raw-3.ndjson" ] && return
	rm -f "$OUT"/merge-raw-?.ndjson
	awk -F'"' -v out="$OUT" '{ n = substr($12, 3) + 0
		print > (out "/merge-raw-" (n % 4) ".ndjson") }' "$NDJSON"
	for k in 0 1 2 3; do
		LC_ALL=C sort -s -t'"' -k8,8 "$OUT/merge-raw-$k.ndjson" \
			> "$OUT/merge-$k.ndjson"
	done
	echo "$stamp" > "$OUT/.merge-stamp"
}

# p50_within ID_A ID_B US: "met"/"MISSED" when A's p50 is at most US over
# B's, from the latency rows written so far.
p50_within() {
	awk -F'|' -v a="$1" -v b="$2" -v us="$3" '
	{ id = $2; gsub(/^ +| +$/, "", id) }
	id == a { pa = $3 + 0 } id == b { pb = $3 + 0 }
	END { printf "%s (%d us vs %d us)", (pa - pb <= us ? "met" : "MISSED"), pa, pb }' \
		"$OUT/latency.md"
}

section_merge() {
	merge_inputs
	local four="merge-0.ndjson merge-1.ndjson merge-2.ndjson merge-3.ndjson"
	local raw="merge-raw-0.ndjson merge-raw-1.ndjson merge-raw-2.ndjson merge-raw-3.ndjson"
	measure rt-merge-4 "$N" "$NDJSON_BYTES" "rt-merge $four"
	measure rt-merge-4-tag "$N" "$NDJSON_BYTES" \
		"rt-merge --tag src --tag-names a,b,c,d $four"
	measure rt-merge-4-max-delay "$N" "$NDJSON_BYTES" \
		"rt-merge --max-delay 5s $raw"
	measure sort-m-4 "$N" "$NDJSON_BYTES" "sort -m -s -t'\"' -k8,8 $four"
	: > "$OUT/latency.md"
	latency "cat" 2000 1000 "cat" "$OUT/merge-0.ndjson"
	latency "rt-merge" 2000 1000 "rt-merge" "$OUT/merge-0.ndjson"
	latency "rt-merge - /dev/null" 2000 1000 "rt-merge - /dev/null" \
		"$OUT/merge-0.ndjson"

	cat <<MD
## rt-merge (issue 17)

The 1,000,000 bench records split by card into four files, each sorted by
time, merged back into one stream in event time (the output is
byte for byte that of \`sort -m\` on the time field); with a tag member
naming each input; and the four files in the bench file's own order (up
to 5 s out of order) merged with --max-delay 5s.

$(header)
$(row sort-m-4)
$(row rt-merge-4 sort-m-4)
$(row rt-merge-4-tag sort-m-4)
$(row rt-merge-4-max-delay sort-m-4)

Target: 4 inputs at least 3,000,000 records/s: $(rate_target rt-merge-4 3000000).

Latency, 2000 records (sorted by time) written one every millisecond,
delay from write to rt-merge's output (microseconds; the first 10 records
not counted):

| pipeline | p50 us | p99 us | max us | command |
|---|---|---|---|---|
$(cat "$OUT/latency.md")

Target: p50 within 100 us of cat: $(p50_within rt-merge cat 100).

MD
	: > "$OUT/latency.md"
}
