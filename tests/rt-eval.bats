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

# png_size FILE: "WIDTHxHEIGHT" of a PNG, or nothing when it is not one.
png_size() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read(24)
if d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR":
    print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"
}

@test "--plot: an SVG that renders, whose curves are the figures (issue 16)" {
	command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing (scripts/deps.sh test)"; return 1; }
	gen 4000 3 > s.ndjson
	for args in "" "--skip-days 3 --top 10" "--top 5 --period-days 2"; do
		python3 "$O" --curves $args s.ndjson > want.json
		run --separate-stderr rt-eval $args --plot p.svg s.ndjson
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		printf '%s\n' "$output" > got.json
		# The report is the same with or without the plot.
		[ "$output" = "$(rt-eval $args s.ndjson)" ]
		rsvg-convert -o p.png p.svg
		[ "$(png_size p.png)" = 960x720 ]
		run python3 "$RT_ROOT/tests/eval/plot.py" p.svg got.json want.json
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *" checks, 0 disagreements" ]]
		[ "${output%% *}" -gt 100 ]
	done
	# The man page's records, worked by hand there.
	rt-eval --top 2 --plot m.svg "$FIX/man/eval-scored.ndjson" > got.json
	python3 "$O" --top 2 --curves "$FIX/man/eval-scored.ndjson" > want.json
	python3 "$RT_ROOT/tests/eval/plot.py" m.svg got.json want.json
	grep -q '>ROC curve: AUC 0.7639<' m.svg
	grep -q '>Precision-recall: AP 0.7746<' m.svg
	grep -q '>Card precision@2 by day: mean 0.5000<' m.svg
}

@test "--plot: a million thresholds make a small plot, the ROC thinned within 0.001" {
	python3 - > s.ndjson <<'PY'
import json, random
rnd = random.Random(5)
for i in range(200000):
    y = 1 if rnd.random() < 0.02 else 0
    print(json.dumps({"tx_id": i, "ts": "2024-03-%02dT12:00:00Z" % (1 + i % 28),
                      "customer_id": i % 5000, "_score": rnd.random() + 0.3 * y, "is_fraud": y}))
PY
	rt-eval --plot p.svg s.ndjson > got.json
	python3 "$O" --curves s.ndjson > want.json
	run python3 "$RT_ROOT/tests/eval/plot.py" p.svg got.json want.json
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s p.svg)" -lt 400000 ]
	rsvg-convert -o p.png p.svg
	[ "$(png_size p.png)" = 960x720 ]
}

@test "--plot: no records, one class; the file is opened before the sandbox; write errors" {
	: > empty.ndjson
	rt-eval --plot p.svg empty.ndjson > got.json
	[ "$(jq -c '[.records, .roc_auc, .days]' got.json)" = '[0,null,0]' ]
	python3 "$RT_ROOT/tests/eval/plot.py" p.svg got.json
	rsvg-convert -o p.png p.svg
	grep -q 'no curve: needs frauds and legitimate records' p.svg
	jq -c 'select(.is_fraud == 0)' "$FIX/man/eval-scored.ndjson" > legit.ndjson
	rt-eval --plot p.svg legit.ndjson > got.json
	python3 "$RT_ROOT/tests/eval/plot.py" p.svg got.json
	grep -q 'no curve: no frauds' p.svg
	rsvg-convert -o p.png p.svg
	# Confined (the default): the plot goes where it was asked, and
	# nowhere else can be written.
	mkdir out
	RT_SANDBOX_PROBE=$PWD/out/probe run --separate-stderr rt-eval --plot out/p.svg "$FIX/man/eval-scored.ndjson"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"probe: create '$PWD/out/probe.new': "* ]]
	[[ "$stderr" != *"probe: create '$PWD/out/probe.new': allowed"* ]] || grep -q 'running unconfined' <<<"$stderr"
	rsvg-convert -o out/p.png out/p.svg
	run --separate-stderr rt-eval --plot no/such/dir/p.svg "$FIX/man/eval-scored.ndjson"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "rt-eval: no/such/dir/p.svg: No such file or directory" ]
	run --separate-stderr rt-eval --plot /dev/full "$FIX/man/eval-scored.ndjson"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-eval: /dev/full: No space left on device" ]
}

@test "-o csv|tsv: the report as a header and one row; -o ndjson the JSON (issue 16)" {
	local f="$FIX/man/eval-scored.ndjson"
	run --separate-stderr rt-eval --top 2 -o csv "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "records,frauds,fraud_rate,roc_auc,average_precision,days,card_precision_at,card_precision,card_precision_ceiling
12,6,0.5000,0.7639,0.7746,2,2,0.5000,0.7500" ]
	[ "$(rt-eval --top 2 -o tsv "$f")" = "$(rt-eval --top 2 -o csv "$f" | tr , '\t')" ]
	[ "$(rt-eval --top 2 -o ndjson "$f")" = "$(rt-eval --top 2 "$f")" ]
	# With --alerts, the alert columns; the columns are the JSON members,
	# in order, null an empty field; -d sets the separator.
	for args in "--alerts $FIX/man/eval-alerts.ndjson" "--skip-days 1"; do
		rt-eval --top 2 $args "$f" > r.json
		rt-eval --top 2 $args -o csv "$f" > r.csv
		run python3 -c '
import csv, json, sys
rows = list(csv.reader(open(sys.argv[2])))
o = json.loads(open(sys.argv[1]).read(), parse_float=str)
print(len(rows), rows[0] == list(o), rows[1] == ["" if v is None else str(v) for v in o.values()])' r.json r.csv
		[ "$output" = "2 True True" ]
	done
	jq -c 'select(.is_fraud == 0)' "$f" > legit.ndjson
	[ "$(rt-eval -o csv -d ';' legit.ndjson | tail -1)" = "6;0;0.0000;;;2;100;0.0000;0.0000" ]
	run --separate-stderr rt-eval -o csv --columns records "$f"
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "rt-eval: --columns: the report has its own columns" ]
	run --separate-stderr rt-eval -o xml "$f"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "man: rt-eval.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-eval.1"
}
