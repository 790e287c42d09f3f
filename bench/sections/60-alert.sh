# rt-alert (issue 6): the bench data scored so that 1% of the records
# (the labelled frauds) are alert-worthy, about 100,000 cards; suppression
# per card for 30 minutes of event time.  Peers: jq and Miller selecting
# the same records (they cannot suppress per key in event time, so they
# do less work).  Latency: every record alert-worthy, one written every
# millisecond, delay to its alert on stdout.

section_alert() {
	printf 'labelled 100 .is_fraud == 1\n' > "$OUT/alert.rules"
	if [ ! -s "$OUT/scored.ndjson" ] || [ "$OUT/scored.ndjson" -ot "$NDJSON" ]; then
		rt-classify --rules "$OUT/alert.rules" --label fraud=50 "$NDJSON" \
			> "$OUT/scored.ndjson"
	fi
	head -n 2000 "$NDJSON" | jq -c '. + {_score: 90, _rules: ["x"], _class: "fraud"}' \
		> "$OUT/worthy-2k.ndjson"
	local bytes
	bytes=$(stat -c %s "$OUT/scored.ndjson")
	measure rt-alert "$N" "$bytes" \
		"rt-alert --key card_id --suppress 30m --time ts scored.ndjson"
	measure rt-alert-text "$N" "$bytes" \
		"rt-alert --key card_id --suppress 30m --time ts --format text scored.ndjson"
	measure jq-select "$N" "$bytes" \
		"jq -c 'select(._class != \"ok\")' scored.ndjson"
	measure mlr-filter "$N" "$bytes" \
		"mlr --ijsonl --ojsonl filter '\$_class != \"ok\"' scored.ndjson"
	: > "$OUT/latency.md"
	latency "rt-alert" 2000 1000 "rt-alert" "$OUT/worthy-2k.ndjson"
	latency "rt-classify | rt-alert" 2000 1000 \
		"rt-classify --rules alert.rules --label fraud=0 | rt-alert" "$OUT/worthy-2k.ndjson"
	latency "jq --unbuffered select" 2000 1000 \
		"jq -c --unbuffered 'select(._class != \"ok\")'" "$OUT/worthy-2k.ndjson"

	cat <<MD
## rt-alert (issue 6)

1,000,000 scored records, 1% alert-worthy over about 100,000 cards, one
alert per card per 30 minutes of event time.

$(header)
$(row jq-select)
$(row mlr-filter)
$(row rt-alert jq-select)
$(row rt-alert-text jq-select)

Target: at least 2,000,000 records/s: $(rate_target rt-alert 2000000);
peak memory bounded by the cards with live suppression (stats: keys).

Latency, 2000 alert-worthy records written one every millisecond, delay
from write to the alert on stdout (microseconds; the first 10 not counted);
target p99 under 1 ms:

| pipeline | p50 us | p99 us | max us | command |
|---|---|---|---|---|
$(cat "$OUT/latency.md")

MD
	: > "$OUT/latency.md"
}
