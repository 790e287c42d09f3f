# rt-classify (issue 5): ten rules (bench/classify.rules, all inside the
# compiled fast path) on every record, against the same rules run by libjq
# (--no-fast-path) and by the jq binary (one program built from the rules
# by tests/classify/jqprog.py, same _score/_rules/_class).

section_classify() {
	python3 tests/classify/jqprog.py bench/classify.rules fraud=80 review=40 \
		> "$OUT/classify.jq"
	cp bench/classify.rules "$OUT/classify.rules"
	measure rt-classify "$N" "$NDJSON_BYTES" \
		"rt-classify --rules classify.rules --label fraud=80 --label review=40 txns.ndjson"
	# libjq and the jq binary take minutes on the whole file: they run on
	# its first 100,000 records (records/s compare; seconds do not).
	head -n 100000 "$NDJSON" > "$OUT/txns-100k.ndjson"
	local b100k
	b100k=$(stat -c %s "$OUT/txns-100k.ndjson")
	measure rt-classify-libjq 100000 "$b100k" \
		"rt-classify --rules classify.rules --label fraud=80 --label review=40 --no-fast-path txns-100k.ndjson"
	measure jq-rules 100000 "$b100k" "jq -c -f classify.jq txns-100k.ndjson"

	cat <<MD
## rt-classify (issue 5)

Ten rules (bench/classify.rules) scored on each of the 1,000,000 records,
adding _score, _rules and _class; the jq binary runs the same rules as one
program (tests/classify/jqprog.py).  libjq (--no-fast-path) and jq run on
the first 100,000 records only.

$(header)
$(row jq-rules)
$(row rt-classify-libjq jq-rules)
$(row rt-classify jq-rules)

Targets: at least 1,500,000 records/s with fast-path rules:
$(rate_target rt-classify 1500000); the fast path against libjq in the same
tool $(ratio rt-classify rt-classify-libjq).

MD
}
