# Pipelines of several tools: records accounted for across stages, and
# records that trickle in leave at once.
load helpers

G="--seed 3 --customers 200 --terminals 400 --days 10"
CLEAN="-i csv --keys snake --time ts --number amount --integer tx_id,customer_id,terminal_id,is_fraud,fraud_scenario --dedupe tx_id"

@test "pipeline: rt-gen --messy | rt-clean: every generated row is passed, rejected or dropped" {
	rt-gen $G --messy --stats >messy.csv 2>gen.json
	rt-gen $G >truth.ndjson
	run --separate-stderr rt-clean $CLEAN --stats --reject rej.ndjson messy.csv
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" >clean.ndjson
	local rows gout dups broken
	rows=$(grep -c . messy.csv)
	gout=$(jq .out gen.json) dups=$(jq .duplicates gen.json) broken=$(jq .broken gen.json)
	[ "$gout" -eq "$(wc -l <truth.ndjson)" ]
	[ "$dups" -gt 0 ] && [ "$broken" -gt 0 ]
	# Rows in the file (less the header) = clean's input.
	[ "$(stat_field in)" -eq $((rows - 1)) ]
	[ "$(stat_field in)" -eq $((gout + dups)) ]
	# Duplicates dropped by the rule, broken rows rejected, the rest out.
	[ "$(stat_field dropped)" -eq "$dups" ]
	[ "$(stat_field rejected)" -eq "$broken" ]
	[ "$(stat_field out)" -eq $((gout - broken)) ]
	[ "$(wc -l <rej.ndjson)" -eq "$broken" ]
	# What comes out is exactly the generated records (times at ms).
	jq -c '.ts |= sub("Z$"; ".000Z")' truth.ndjson | sort >want.sorted
	[ "$(wc -l <want.sorted)" -eq "$gout" ]
	jq -c . clean.ndjson | sort >got.sorted
	[ "$(comm -13 want.sorted got.sorted | wc -l)" -eq 0 ]
	[ "$(comm -23 want.sorted got.sorted | wc -l)" -eq "$broken" ]
}

@test "pipeline: a record trickling into a pipeline leaves at once, without -u" {
	mkfifo in.fifo
	# Keep the pipe open for 3 s; the record must be out within 2.
	(printf '{"a":" x "}\n'; exec sleep 3) >in.fifo 3>&- &
	local writer=$!
	# The first line must arrive while the input is still open.
	run bash -c 'exec 3< <(rt-clean <in.fifo 2>/dev/null | rt-clean --upper a 2>/dev/null)
		IFS= read -r -t 2 line <&3 && printf "%s\n" "$line"' 3>&-
	kill "$writer" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":"X"}' ]
}

@test "pipeline: a reader that stops early ends the stage quietly" {
	run --separate-stderr bash -c 'rt-gen --seed 1 | head -2 >/dev/null; echo "${PIPESTATUS[0]}"'
	[ "$status" -eq 0 ]
	# Killed by SIGPIPE (128 + 13) like cat(1), or exit 2 on EPIPE, never a crash.
	[[ "$output" == 141 || "$output" == 2 ]]
	[ -z "$stderr" ]
}

@test "pipeline: one record every 10 ms into rt-clean x3: each leaves while the writer runs" {
	mkfifo in.fifo
	# 20 records 10 ms apart, then the writer holds the pipe open 3 s.
	(for i in $(seq 1 20); do printf '{"i":%d,"s":" x "}\n' "$i"; sleep 0.01; done
	 exec sleep 3) >in.fifo 3>&- &
	run bash -c 'exec 3< <(rt-clean <in.fifo 2>/dev/null | rt-clean 2>/dev/null |
			rt-clean --upper s 2>/dev/null)
		for i in $(seq 1 20); do
			IFS= read -r -t 2 line <&3 || exit 1
			printf "%s\n" "$line"
		done' 3>&-
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
	[ "${lines[0]}" = '{"i":1,"s":"X"}' ]
	[ "${lines[19]}" = '{"i":20,"s":"X"}' ]
}

@test "pipeline: the demo pipeline on 10 days: every generated row is accounted for at every stage" {
	run env DAYS=10 SEED=3 SKIP=3 KEEP="$T/d" BUILD="${RT_BIN%/bin}" "$RT_ROOT/examples/demo.sh"
	[ "$status" -eq 0 ]
	local s prev=clean gen dups
	gen=$(jq .out d/st-gen.json) dups=$(jq .duplicates d/st-gen.json)
	# rt-gen's rows (duplicates included) are exactly rt-clean's input.
	[ "$(jq .in d/st-clean.json)" -eq $((gen + dups)) ]
	[ "$(jq .dropped d/st-clean.json)" -eq "$dups" ]
	for s in clean validate window-customer window-terminal classify alert; do
		[ "$(jq '.in == .out + .rejected + .dropped' d/st-$s.json)" = true ]
	done
	for s in validate window-customer window-terminal classify alert; do
		[ "$(jq .in d/st-$s.json)" -eq "$(jq .out d/st-$prev.json)" ]
		prev=$s
	done
	# The files agree with the counts: rejects, scored records, alerts.
	[ "$(wc -l < d/rej-clean.ndjson)" -eq "$(jq .rejected d/st-clean.json)" ]
	[ "$(wc -l < d/rej-validate.ndjson)" -eq "$(jq .rejected d/st-validate.json)" ]
	[ "$(wc -l < d/scored.ndjson)" -eq "$(jq .out d/st-classify.json)" ]
	[ "$(wc -l < d/alerts.ndjson)" -eq "$(jq .raised d/st-alert.json)" ]
	[ "$(jq .out d/st-alert.json)" -eq "$(jq .raised d/st-alert.json)" ]
	# Broken rows are rt-clean's rejects (or rt-validate's, for values
	# that parse but break the schema).
	[ "$(jq .broken d/st-gen.json)" -gt 0 ]
	[ "$(jq .rejected d/st-clean.json)" -ge "$(jq .broken d/st-gen.json)" ]
	# Every alert is on a record whose class is not ok, one per customer
	# per day at most.
	[ "$(jq -s 'map(select(.record._class == "ok")) | length' d/alerts.ndjson)" = 0 ]
	[[ "$output" == *"Counts add up at every stage"*"yes"* ]]
	[[ "$output" == *"card precision@100 0."* ]]
}

@test "pipeline: rt-eval agrees with an independent computation on the demo's records" {
	env DAYS=21 SEED=5 KEEP="$T/d" BUILD="${RT_BIN%/bin}" "$RT_ROOT/examples/demo.sh" > /dev/null
	python3 "$RT_ROOT/tests/eval/oracle.py" --skip-days 7 d/scored.ndjson d/alerts.ndjson > want.json
	rt-eval --skip-days 7 --alerts d/alerts.ndjson d/scored.ndjson > got.json
	for f in records frauds roc_auc average_precision days card_precision alerts alerts_on_fraud alert_card_recall; do
		[ "$(jq ".$f" got.json)" = "$(jq ".$f" want.json)" ] || { echo "$f: $(jq -c . got.json) vs $(jq -c . want.json)"; return 1; }
	done
	# Other k and period.
	python3 "$RT_ROOT/tests/eval/oracle.py" --skip-days 3 --top 20 --period-days 3 d/scored.ndjson > want.json
	rt-eval --skip-days 3 --top 20 --period-days 3 d/scored.ndjson > got.json
	[ "$(jq -c '[.records, .roc_auc, .average_precision, .card_precision]' got.json)" = "$(jq -c '[.records, .roc_auc, .average_precision, .card_precision]' want.json)" ]
}
