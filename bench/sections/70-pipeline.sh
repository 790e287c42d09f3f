# The whole system (issue 7): the five-stage detection pipeline on the
# bench data, against the pipe limit (cat x5) and the same job done with
# jq stages where jq can (no event-time window: jq has none); latency with
# rt-replay at 1,000 records/s into the pipeline, measured by rt-alert from
# rt-replay's stamp, and the same with jq --unbuffered stages.

section_pipeline() {
	cp examples/transaction.schema.json "$OUT/schema.json"
	printf 'many 1 .amount > 50\n' > "$OUT/lat.rules"
	jq '.properties._sent = {"type": "integer"}' examples/transaction.schema.json \
		> "$OUT/schema-lat.json"
	local five="rt-clean --time ts --number amount txns.ndjson | rt-validate --schema schema.json | rt-window -k card_id --sliding 1h --max-delay 5s -a count -a sum:amount | rt-classify --rules classify.rules --label fraud=80 --label review=40 | rt-alert -k card_id --suppress 30m --time ts"
	# The generator and the evaluator, on their own.
	local gen_n=1760053
	measure rt-gen "$gen_n" 0 "rt-gen"
	measure rt-gen-messy "$gen_n" 0 "rt-gen --messy"
	measure rt-eval "$N" "$(stat -c %s "$OUT/scored.ndjson")" \
		"rt-eval --label is_fraud --card card_id scored.ndjson"
	measure pipeline-5 "$N" "$NDJSON_BYTES" "$five"
	measure cat-5 "$N" "$NDJSON_BYTES" "cat txns.ndjson | cat | cat | cat | cat"
	head -n 100000 "$NDJSON" > "$OUT/txns-100k.ndjson"
	local b100k
	b100k=$(stat -c %s "$OUT/txns-100k.ndjson")
	measure jq-4 100000 "$b100k" "jq -c '.amount |= tonumber' txns-100k.ndjson | jq -c 'select(type == \"object\" and (.amount | type) == \"number\")' | jq -c -f classify.jq | jq -c 'select(._class != \"ok\")'"

	# Latency: 3,000 records at 1,000/s; about half are alert-worthy.
	head -n 3010 "$NDJSON" > "$OUT/lat.ndjson"
	local lat_rt lat_jq
	# The stages start first (schemas and rules compiled), then records flow.
	lat_rt=$(cd "$OUT" && { sleep 1; rt-replay --rate 1000 --stamp _sent lat.ndjson; } |
		rt-clean --time ts --number amount | rt-validate --schema schema-lat.json |
		rt-window -k card_id --sliding 1h --max-delay 5s -a count -a sum:amount |
		rt-classify --rules lat.rules --label fraud=1 |
		rt-alert --latency-from _sent --stats 2>&1 >/dev/null | tail -1)
	lat_jq=$(cd "$OUT" && { sleep 1; rt-replay --rate 1000 --stamp _sent lat.ndjson; } |
		jq -c --unbuffered '.amount |= tonumber' |
		jq -c --unbuffered 'select(type == "object")' |
		jq -c --unbuffered . |
		jq -c --unbuffered '. + {_score: (if .amount > 50 then 1 else 0 end)} | . + {_class: (if ._score >= 1 then "fraud" else "ok" end)}' |
		rt-alert --latency-from _sent --stats 2>&1 >/dev/null | tail -1)
	: > "$OUT/latency.md"
	latency "cat x5 (the machine's floor)" 2000 1000 "cat | cat | cat | cat | cat"
	latency "rt-clean x5" 2000 1000 "rt-clean | rt-clean | rt-clean | rt-clean | rt-clean"
	say "  latency rt: $lat_rt"
	say "  latency jq: $lat_jq"

	cat <<MD
## The whole pipeline (issue 7)

Five stages on the 1,000,000 bench records, on $(nproc) cores:

    $five

against five cats (the pipe limit) and four jq stages doing what jq can of
the same job (no event-time window) on the first 100,000 records.

The generator (rt-gen's defaults: 1,760,053 transactions, 183 days) and
the evaluator (ROC AUC, average precision, card precision@100 over the
scored bench file of the rt-alert section):

$(header)
$(row rt-gen)
$(row rt-gen-messy)
$(row rt-eval)

Target: rt-gen at least 1,000,000 records/s: $(rate_target rt-gen 1000000).

The pipeline:

$(header)
$(row cat-5)
$(row jq-4)
$(row pipeline-5 jq-4)

Target: at least 500,000 records/s end to end: $(rate_target pipeline-5 500000).

Latency: 3,000 records sent by \`rt-replay --rate 1000 --stamp _sent\`
through the five stages (a rule that makes about half of them alerts);
rt-alert measures stamp to alert written (\`--latency-from _sent\`).
Target p99 under 1 ms.

| pipeline | alerts | p50 us | p99 us | max us |
|---|---|---|---|---|
| rtpipe, 5 stages | $(jq -r .latency_us.n <<<"$lat_rt") | $(jq -r .latency_us.p50 <<<"$lat_rt") | $(jq -r .latency_us.p99 <<<"$lat_rt") | $(jq -r .latency_us.max <<<"$lat_rt") |
| jq --unbuffered x4, then rt-alert | $(jq -r .latency_us.n <<<"$lat_jq") | $(jq -r .latency_us.p50 <<<"$lat_jq") | $(jq -r .latency_us.p99 <<<"$lat_jq") | $(jq -r .latency_us.max <<<"$lat_jq") |

The same machine's floor, 2000 records one every millisecond through five
processes that only copy (bench/latency, the first 10 not counted):

| pipeline | p50 us | p99 us | max us | command |
|---|---|---|---|---|
$(cat "$OUT/latency.md")

MD
	: > "$OUT/latency.md"
}
