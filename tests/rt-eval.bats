# rt-eval: figures against an independent computation (tests/eval/oracle.py)
# on shuffled input, the handbook's card precision protocol on a small case
# worked by hand, alerts, rejects; the man page's examples.
load helpers

O="$RT_ROOT/tests/eval/oracle.py"

# gen N SEED: scored, labelled records over about three weeks.
gen() {
	python3 - "$1" "$2" <<'PY'
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
for i in range(n):
    day = rnd.randrange(21)
    y = 1 if rnd.random() < 0.05 else 0
    s = round(rnd.random() * 60 + (30 if y else 0)) if rnd.random() < 0.9 else rnd.choice([0, 50, 90])
    print(json.dumps({"tx_id": i, "ts": "2024-03-%02dT%02d:%02d:00Z" % (day + 1, rnd.randrange(24), rnd.randrange(60)),
                      "customer_id": rnd.randrange(150), "_score": s, "is_fraud": y}))
PY
}

@test "figures agree with an independent computation, input in any order" {
	gen 4000 1 > s.ndjson
	for args in "" "--skip-days 3" "--top 10 --period-days 3" "--top 5 --skip-days 2 --period-days 1"; do
		python3 "$O" $args s.ndjson > want.json
		run --separate-stderr rt-eval $args --stats s.ndjson
		[ "$status" -eq 0 ]
		[ "$(jq -c '[.records, .frauds, .roc_auc, .average_precision, .days, .card_precision]' <<<"$output")" = \
		  "$(jq -c '[.records, .frauds, .roc_auc, .average_precision, .days, .card_precision]' want.json)" ]
		[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = '[4000,0,0,4000]' ]
	done
	# Not sorted by time: the same figures as sorted.
	jq -c -s 'sort_by(.ts) | .[]' s.ndjson > sorted.ndjson
	[ "$(rt-eval --skip-days 2 s.ndjson)" = "$(rt-eval --skip-days 2 sorted.ndjson | sed 's/x/x/')" ] || {
		# Ties among cards are broken by first appearance: compare all
		# but card precision.
		[ "$(rt-eval --skip-days 2 s.ndjson | jq -c 'del(.card_precision, .card_precision_ceiling)')" = \
		  "$(rt-eval --skip-days 2 sorted.ndjson | jq -c 'del(.card_precision, .card_precision_ceiling)')" ]
	}
}

@test "card precision@k: known compromised cards leave the list until the period ends" {
	# Card A: a fraud on days 1 and 3; card B: legitimate.  Top 1.
	cat > s.ndjson <<'EOF2'
{"tx_id":1,"ts":"2024-01-01T10:00:00Z","customer_id":"A","_score":90,"is_fraud":1}
{"tx_id":2,"ts":"2024-01-01T11:00:00Z","customer_id":"B","_score":10,"is_fraud":0}
{"tx_id":3,"ts":"2024-01-03T10:00:00Z","customer_id":"A","_score":90,"is_fraud":1}
{"tx_id":4,"ts":"2024-01-03T11:00:00Z","customer_id":"B","_score":10,"is_fraud":0}
EOF2
	# One 7-day period: day 1 finds A (1/1); day 3 A is left out, B is
	# not compromised (0/1): 0.5.
	[ "$(rt-eval --top 1 s.ndjson | jq -c '[.days, .card_precision, .card_precision_ceiling]')" = '[2,0.5,0.5]' ]
	# Periods of 2 days: day 3 starts a new period (day 2 has no record),
	# A counts again: 1.
	[ "$(rt-eval --top 1 --period-days 2 s.ndjson | jq -c '[.card_precision]')" = '[1]' ]
	python3 "$O" --top 1 --period-days 2 s.ndjson | jq -e '.card_precision == 1'
}

@test "--alerts: precision over the alerts on evaluated records, recall over compromised cards" {
	gen 3000 2 > s.ndjson
	jq -c 'select(._score >= 70) | {alert_id: "x", record: .}' s.ndjson > alerts.ndjson
	echo '{"alert_id":"s","summary":"throttled","throttled":3}' >> alerts.ndjson
	for args in "" "--skip-days 5"; do
		python3 "$O" $args s.ndjson alerts.ndjson > want.json
		rt-eval $args --alerts alerts.ndjson s.ndjson > got.json
		[ "$(jq -c '[.alerts, .alerts_on_fraud, .alert_card_recall]' got.json)" = \
		  "$(jq -c '[.alerts, .alerts_on_fraud, .alert_card_recall]' want.json)" ]
	done
	[ "$(jq .alerts got.json)" -gt 50 ]
}

@test "records without a label or time are rejected; the report still comes" {
	printf '%s\n' '{"tx_id":1,"ts":"2024-01-01T10:00:00Z","customer_id":1,"_score":1,"is_fraud":1}' \
		'{"tx_id":2,"ts":"2024-01-01T10:00:00Z","customer_id":2,"_score":1}' \
		'{"tx_id":3,"customer_id":2,"_score":1,"is_fraud":0}' 'nope' > s.ndjson
	run --separate-stderr rt-eval --stats s.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -c '[.records, .frauds]' <<<"$output")" = '[1,1]' ]
	[[ "$stderr" == *"s.ndjson:2: is_fraud: no label"* ]]
	[[ "$stderr" == *"s.ndjson:3: ts: "* ]]
	[ "$(stats_of | jq -c '[.in, .rejected, .dropped]')" = '[4,3,1]' ]
	run --separate-stderr rt-eval --top 0 s.ndjson
	[ "$status" -eq 2 ]
}

@test "man: rt-eval.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-eval.1"
}
