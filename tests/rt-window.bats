# rt-window: exact outputs on small inputs, and sqlite3 as the oracle on
# generated data (many keys, a skewed key distribution, ties, records out
# of order), chunked runs with --state against one run, lateness, keys.
load helpers

W="$RT_ROOT/tests/window"

small() {
	cat > in.ndjson <<'EOF'
{"card":"a","ts":"2024-03-01T12:00:00Z","amount":10,"country":"FR"}
{"card":"b","ts":"2024-03-01T12:10:00Z","amount":5,"country":"DE"}
{"card":"a","ts":"2024-03-01T12:30:00Z","amount":20,"country":"DE"}
{"card":"a","ts":"2024-03-01T13:00:00Z","amount":30,"country":"FR"}
{"card":"a","ts":"2024-03-01T13:45:00Z","amount":1,"country":"FR"}
{"card":"b","ts":"2024-03-01T14:10:00Z","amount":7}
EOF
}

# sql_db: load gen.py's CSV into sqlite3 table t.
sql_db() {
	sqlite3 db.sqlite <<'EOF'
CREATE TABLE t(seq INTEGER, id INTEGER, card TEXT, tm INTEGER, amount REAL, country TEXT);
.mode csv
.import data.csv t
CREATE INDEX tk ON t(card, tm);
EOF
}

# sql_sliding NAME LO_OP LO HI_OP HI: count, sum, avg, min, max over the
# key's records that arrived before (seq) with time in the frame.
sql_sliding() {
	local n=$1 lo_op=$2 lo=$3 hi_op=$4 hi=$5 agg out=""
	for agg in "COUNT(*):count" "SUM(b.amount):sum_amount" \
	    "AVG(b.amount):avg_amount" "MIN(b.amount):min_amount" \
	    "MAX(b.amount):max_amount"; do
		out+=", (SELECT ${agg%%:*} FROM t b WHERE b.card = a.card AND b.seq <= a.seq AND b.tm $lo_op a.tm - $lo AND b.tm $hi_op a.tm - $hi) AS ${agg#*:}_$n"
	done
	printf '%s' "$out"
}

@test "sliding: exact features on a small input" {
	small
	run --separate-stderr rt-window -k card --sliding 1h -a count \
		-a sum:amount -a avg:amount -a max:amount -a min:amount \
		-a distinct:country -a since_prev -a prev:amount --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"card":"a","ts":"2024-03-01T12:00:00Z","amount":10,"country":"FR","count_1h":1,"sum_amount_1h":10,"avg_amount_1h":10,"max_amount_1h":10,"min_amount_1h":10,"distinct_country_1h":1,"since_prev":null,"prev_amount":null}' ]
	[ "${lines[2]}" = '{"card":"a","ts":"2024-03-01T12:30:00Z","amount":20,"country":"DE","count_1h":2,"sum_amount_1h":30,"avg_amount_1h":15,"max_amount_1h":20,"min_amount_1h":10,"distinct_country_1h":2,"since_prev":1800,"prev_amount":10}' ]
	[ "${lines[4]}" = '{"card":"a","ts":"2024-03-01T13:45:00Z","amount":1,"country":"FR","count_1h":2,"sum_amount_1h":31,"avg_amount_1h":15.5,"max_amount_1h":30,"min_amount_1h":1,"distinct_country_1h":1,"since_prev":2700,"prev_amount":30}' ]
	[ "${lines[5]}" = '{"card":"b","ts":"2024-03-01T14:10:00Z","amount":7,"count_1h":1,"sum_amount_1h":7,"avg_amount_1h":7,"max_amount_1h":7,"min_amount_1h":7,"distinct_country_1h":0,"since_prev":7200,"prev_amount":5}' ]
	[ "${#lines[@]}" -eq 6 ]
	[ "$(stat_field in)" = 6 ] && [ "$(stat_field out)" = 6 ]
	[ "$(stat_field keys)" = 2 ]
}

@test "tumbling and session: one record per key and window, at close" {
	small
	run --separate-stderr rt-window -k card --tumble 1h -a sum:amount \
		-a distinct:country --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card":"a","window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T13:00:00.000Z","count":2,"sum_amount":30,"distinct_country":2}
{"card":"b","window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T13:00:00.000Z","count":1,"sum_amount":5,"distinct_country":1}
{"card":"a","window_start":"2024-03-01T13:00:00.000Z","window_end":"2024-03-01T14:00:00.000Z","count":2,"sum_amount":31,"distinct_country":1}
{"card":"b","window_start":"2024-03-01T14:00:00.000Z","window_end":"2024-03-01T15:00:00.000Z","count":1,"sum_amount":7,"distinct_country":0}' ]
	# Input records are taken into windows: counted as dropped.
	[ "$(stat_field in)" = 6 ] && [ "$(stat_field out)" = 0 ]
	[ "$(stat_field dropped)" = 6 ] && [ "$(stat_field windows)" = 4 ]
	run --separate-stderr rt-window -k card --session 31m -a sum:amount \
		-a first:amount -a last:amount in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card":"b","window_start":"2024-03-01T12:10:00.000Z","window_end":"2024-03-01T12:41:00.000Z","count":1,"sum_amount":5,"first_amount":5,"last_amount":5}
{"card":"a","window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T13:31:00.000Z","count":3,"sum_amount":60,"first_amount":10,"last_amount":30}
{"card":"a","window_start":"2024-03-01T13:45:00.000Z","window_end":"2024-03-01T14:16:00.000Z","count":1,"sum_amount":1,"first_amount":1,"last_amount":1}
{"card":"b","window_start":"2024-03-01T14:10:00.000Z","window_end":"2024-03-01T14:41:00.000Z","count":1,"sum_amount":7,"first_amount":7,"last_amount":7}' ]
}

@test "oracle: look-back windows (two sizes, lag, closed both) match sqlite3 on 3000 records with ties" {
	python3 "$W/gen.py" 3000 7 --csv data.csv > data.ndjson
	sql_db
	rt-window -k card --sliding 10m --sliding 1h --sliding 1h --lag 30m \
		-a count -a sum:amount -a avg:amount -a min:amount -a max:amount \
		data.ndjson > got.ndjson
	sqlite3 -json db.sqlite "SELECT a.id $(sql_sliding 10m '>' 600000 '<=' 0)$(sql_sliding 1h '>' 3600000 '<=' 0)$(sql_sliding 1h_lag30m '>' 5400000 '<=' 1800000) FROM t a ORDER BY a.seq" > want.json
	run python3 "$W/compare.py" got.ndjson want.json id \
		count_10m sum_amount_10m avg_amount_10m min_amount_10m max_amount_10m \
		count_1h sum_amount_1h avg_amount_1h min_amount_1h max_amount_1h \
		count_1h_lag30m sum_amount_1h_lag30m avg_amount_1h_lag30m \
		min_amount_1h_lag30m max_amount_1h_lag30m
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "3000 records, 15 fields compared, 0 differences" ]]
	rt-window -k card --sliding 10m --closed both -a count -a sum:amount \
		data.ndjson > got2.ndjson
	sqlite3 -json db.sqlite "SELECT a.id $(sql_sliding 10m '>=' 600000 '<=' 0) FROM t a ORDER BY a.seq" > want2.json
	run python3 "$W/compare.py" got2.ndjson want2.json id count_10m sum_amount_10m
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "oracle: records out of order within --max-delay match sqlite3 (arrival order among the earlier)" {
	python3 "$W/gen.py" 3000 11 0.05 --csv data.csv > data.ndjson
	sql_db
	run --separate-stderr rt-window -k card --sliding 1h -a count \
		-a sum:amount -a max:amount --max-delay 10m --stats data.ndjson
	[ "$status" -eq 0 ]
	[ "$(stat_field late)" = 0 ]
	printf '%s\n' "$output" > got.ndjson
	sqlite3 -json db.sqlite "SELECT a.id $(sql_sliding 1h '>' 3600000 '<=' 0) FROM t a ORDER BY a.seq" > want.json
	run python3 "$W/compare.py" got.ndjson want.json id count_1h sum_amount_1h max_amount_1h
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "oracle: rows windows and distinct match sqlite3" {
	python3 "$W/gen.py" 2000 3 --csv data.csv > data.ndjson
	sql_db
	rt-window -k card --rows 5 --sliding 1h -a count -a sum:amount \
		-a distinct:country data.ndjson > got.ndjson
	sqlite3 -json db.sqlite "SELECT a.id,
	  (SELECT COUNT(*) FROM (SELECT 1 FROM t b WHERE b.card = a.card AND b.seq <= a.seq ORDER BY b.seq DESC LIMIT 5)) AS count_5rows,
	  (SELECT SUM(x) FROM (SELECT b.amount AS x FROM t b WHERE b.card = a.card AND b.seq <= a.seq ORDER BY b.seq DESC LIMIT 5)) AS sum_amount_5rows,
	  (SELECT COUNT(DISTINCT b.country) FROM t b WHERE b.card = a.card AND b.seq <= a.seq ORDER BY b.seq DESC LIMIT 5) AS ignored,
	  (SELECT COUNT(DISTINCT country) FROM (SELECT b.country FROM t b WHERE b.card = a.card AND b.seq <= a.seq ORDER BY b.seq DESC LIMIT 5)) AS distinct_country_5rows,
	  (SELECT COUNT(DISTINCT b.country) FROM t b WHERE b.card = a.card AND b.seq <= a.seq AND b.tm > a.tm - 3600000) AS distinct_country_1h
	  FROM t a ORDER BY a.seq" > want.json
	run python3 "$W/compare.py" got.ndjson want.json id count_5rows \
		sum_amount_5rows distinct_country_5rows distinct_country_1h
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "oracle: tumbling and hopping windows match sqlite3 GROUP BY" {
	python3 "$W/gen.py" 3000 5 --csv data.csv > data.ndjson
	sql_db
	rt-window -k card --tumble 5m -a sum:amount -a avg:amount -a min:amount \
		-a max:amount data.ndjson > got.ndjson
	sqlite3 -json db.sqlite "SELECT card, strftime('%Y-%m-%dT%H:%M:%fZ', (tm / 300000) * 300, 'unixepoch') AS window_start,
	  COUNT(*) AS count, SUM(amount) AS sum_amount, AVG(amount) AS avg_amount,
	  MIN(amount) AS min_amount, MAX(amount) AS max_amount
	  FROM t GROUP BY card, tm / 300000" > want.json
	run python3 "$W/compare.py" got.ndjson want.json card,window_start \
		count sum_amount avg_amount min_amount max_amount
	echo "$output"
	[ "$status" -eq 0 ]
	# Hopping: 1h windows every 15m; each record is in 4 of them.
	rt-window -k card --hop 15m --size 1h -a sum:amount data.ndjson > got.ndjson
	sqlite3 -json db.sqlite "WITH h(k) AS (VALUES (0), (1), (2), (3))
	  SELECT card, strftime('%Y-%m-%dT%H:%M:%fZ', (tm / 900000 - k) * 900, 'unixepoch') AS window_start,
	  COUNT(*) AS count, SUM(amount) AS sum_amount
	  FROM t, h GROUP BY card, tm / 900000 - k" > want.json
	run python3 "$W/compare.py" got.ndjson want.json card,window_start count sum_amount
	echo "$output"
	[ "$status" -eq 0 ]
	# Windows close in order of their end.
	run bash -c "jq -r .window_end got.ndjson | sort -c"
	[ "$status" -eq 0 ]
}

@test "state: chunked runs give byte-identical output for every window kind" {
	python3 "$W/gen.py" 4000 9 0.02 > data.ndjson
	split -l 1100 data.ndjson chunk.
	local spec
	for spec in "--sliding 10m --sliding 1h --lag 10m -a count -a sum:amount -a min:amount -a max:amount -a distinct:country -a stddev:amount -a since_prev -a prev:amount --max-delay 15m" \
	    "--rows 3 -a sum:amount -a first:amount -a last:amount --max-delay 15m" \
	    "--tumble 5m -a sum:amount -a distinct:country -a max:amount --max-delay 15m" \
	    "--hop 5m --size 20m -a avg:amount -a count_if:country=FR --allowed-lateness 15m" \
	    "--session 2m -a sum:amount -a stddev:amount -a min:amount --max-delay 15m"; do
		rt-window -k card $spec data.ndjson > whole.ndjson 2>/dev/null
		rm -f st
		: > parts.ndjson
		for c in chunk.*; do
			rt-window -k card $spec --state st "$c" >> parts.ndjson 2>/dev/null
		done
		# The state keeps open windows; --flush says the input ends.
		rt-window -k card $spec --state st --flush /dev/null >> parts.ndjson
		cmp parts.ndjson whole.ndjson || { echo "differs: $spec"; diff parts.ndjson whole.ndjson | head -5; return 1; }
		[ -s whole.ndjson ]
	done
}

@test "state: refused when written with other options; damaged state is an error" {
	small
	rt-window -k card --sliding 1h --state st in.ndjson > /dev/null
	run --separate-stderr rt-window -k card --sliding 2h --state st in.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"st: written with other options"* ]]
	head -c 60 st > st2
	run --separate-stderr rt-window -k card --sliding 1h --state st2 in.ndjson
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "late records: rejected by default, --late FILE, --late-pass, --allowed-lateness" {
	cat > in.ndjson <<'EOF'
{"k":1,"ts":"2024-03-01T12:00:00Z"}
{"k":1,"ts":"2024-03-01T12:10:00Z"}
{"k":1,"ts":"2024-03-01T12:05:00Z"}
{"k":1,"ts":"2024-03-01T12:11:00Z"}
EOF
	run --separate-stderr rt-window -k k --sliding 1h --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$stderr" == *"in.ndjson:3: late: 5m behind the watermark"* ]]
	[ "$(stat_field late)" = 1 ] && [ "$(stat_field rejected)" = 1 ]
	run --separate-stderr rt-window -k k --sliding 1h --late late.ndjson --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$(cat late.ndjson)" = '{"k":1,"ts":"2024-03-01T12:05:00Z"}' ]
	[ "$(stat_field dropped)" = 1 ] && [ "$(stat_field out)" = 3 ]
	run --separate-stderr rt-window -k k --sliding 1h --late-pass in.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = '{"k":1,"ts":"2024-03-01T12:05:00Z","_late":true}' ]
	run --separate-stderr rt-window -k k --sliding 1h -a count --allowed-lateness 5m in.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = '{"k":1,"ts":"2024-03-01T12:05:00Z","count_1h":2}' ]
	[ "${lines[3]}" = '{"k":1,"ts":"2024-03-01T12:11:00Z","count_1h":4}' ]
}

@test "keys: composite keys, no key, --max-keys evicts the least recent, --ttl forgets idle keys" {
	cat > in.ndjson <<'EOF'
{"a":1,"b":"x","ts":"2024-03-01T12:00:00Z"}
{"a":1,"b":"y","ts":"2024-03-01T12:01:00Z"}
{"a":1,"b":"x","ts":"2024-03-01T12:02:00Z"}
{"a":2,"b":"x","ts":"2024-03-01T12:03:00Z"}
{"a":1,"b":"y","ts":"2024-03-01T12:04:00Z"}
EOF
	run rt-window -k a,b --sliding 1h -a count in.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 1 2 1 2 " ]
	run rt-window --sliding 1h -a count in.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 2 3 4 5 " ]
	run --separate-stderr rt-window -k a,b --sliding 1h -a count --max-keys 2 --stats in.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 1 2 1 1 " ]
	[ "$(stat_field evicted)" = 2 ] && [ "$(stat_field keys)" = 2 ]
	run --separate-stderr rt-window -k a,b --sliding 1h -a count --ttl 150s --stats in.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 1 2 1 1 " ]
	[ "$(stat_field expired)" = 1 ]
}

@test "keys: a key field written twice, spaced or escaped keys its record by what it holds (the key read ahead for prefetching is only a hint)" {
	cat > in.ndjson <<'EOF'
{"card":"a","ts":"2024-03-01T12:00:00Z"}
{"card":"b","ts":"2024-03-01T12:01:00Z"}
{"card" : "a","ts":"2024-03-01T12:02:00Z"}
{"card":"x","card":"a","ts":"2024-03-01T12:03:00Z"}
{"card":"x","ts":"2024-03-01T12:04:00Z"}
{"card":"a","card":"x","ts":"2024-03-01T12:05:00Z"}
{"card":"a","ts":"2024-03-01T12:06:00Z"}
{"card":"a\"b","ts":"2024-03-01T12:07:00Z"}
{"card":"a\"b","ts":"2024-03-01T12:08:00Z"}
{"card":"a","ts":"2024-03-01T12:09:00Z"}
EOF
	run rt-window -k card --sliding 1h -a count in.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 1 2 3 1 2 4 1 2 5 " ]
	# The same through a pipe, records arriving as they are read.
	run sh -c 'cat in.ndjson | rt-window -k card --sliding 1h -a count'
	[ "$(printf '%s\n' "$output" | jq -c '.count_1h' | tr '\n' ' ')" = "1 1 2 3 1 2 4 1 2 5 " ]
}

@test "stddev, first, last, count_if agree with python" {
	python3 "$W/gen.py" 1500 4 > data.ndjson
	rt-window -k card --sliding 30m -a stddev:amount -a first:amount \
		-a last:amount -a count_if:country=FR data.ndjson > got.ndjson
	python3 - data.ndjson > want.ndjson <<'EOF'
import json, sys, statistics, datetime
recs = [json.loads(l) for l in open(sys.argv[1])]
def t(s): return datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S.%fZ').timestamp()
seen = {}
for r in recs:
    h = seen.setdefault(r['card'], [])
    h.append(r)
    w = [x for x in h if t(x['ts']) > t(r['ts']) - 1800]
    a = [x['amount'] for x in w]
    print(json.dumps({'id': r['id'], 'stddev_amount_30m': statistics.stdev(a) if len(a) > 1 else None,
        'first_amount_30m': a[0], 'last_amount_30m': a[-1],
        'count_if_country_FR_30m': sum(1 for x in w if x['country'] == 'FR')}))
EOF
	run python3 "$W/compare.py" got.ndjson want.ndjson id stddev_amount_30m \
		first_amount_30m last_amount_30m count_if_country_FR_30m
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "more fields than a field set holds (70 sums): every one right" {
	python3 - > wide.ndjson <<'PY'
import json
for i in range(50):
    r = {"ts": "2024-03-01T00:00:%02dZ" % i, "k": "a"}
    for j in range(70):
        r["f%d" % j] = i * 100 + j
    print(json.dumps(r, separators=(",", ":")))
PY
	args=()
	for j in $(seq 0 69); do args+=(-a "sum:f$j"); done
	rt-window -k k --sliding 1h "${args[@]}" wide.ndjson > got.ndjson
	[ "$(wc -l < got.ndjson)" -eq 50 ]
	# The last record's window holds all 50: the sum of i * 100 + j.
	for j in 0 1 63 64 65 69; do
		[ "$(tail -1 got.ndjson | jq ".sum_f${j}_1h")" -eq $((122500 + 50 * j)) ]
	done
}

@test "bad records are rejected with a reason; usage errors exit 2" {
	printf '%s\n' '{"k":1,"ts":"2024-03-01T12:00:00Z"}' '{"k":1}' '[1]' \
		'{"ts":"2024-03-01T12:00:00Z"}' '{"k":2,"ts":"soon"}' > in.ndjson
	run --separate-stderr rt-window -k k --sliding 1h --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$stderr" == *"in.ndjson:2: ts: time field missing"* ]]
	[[ "$stderr" == *"in.ndjson:3: not a JSON object"* ]]
	[[ "$stderr" == *"in.ndjson:4: k: key field missing"* ]]
	[[ "$stderr" == *"in.ndjson:5: ts: "* ]]
	[ "$(stat_field rejected)" = 4 ]
	run --separate-stderr rt-window -k k in.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == *"no window"* ]]
	run --separate-stderr rt-window --sliding 1h -a median:amount in.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == *"unknown value"*" for --agg"* ]]
	run --separate-stderr rt-window --sliding 1h -a sum in.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == *"sum needs a field"* ]]
	run --separate-stderr rt-window --sliding 1x in.ndjson
	[ "$status" -eq 2 ]
	run --separate-stderr rt-window --sliding 1h -a sum:x -a sum:x in.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == *"both be named 'sum_x_1h'"* ]]
	run --separate-stderr rt-window --hop 5m in.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == *"--hop needs --size"* ]]
}

@test "names: NAME=AGG, and --emit both with --tumble enriches and closes" {
	small
	run rt-window -k card --tumble 1h --emit both -a total=sum:amount in.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"card":"a","ts":"2024-03-01T12:00:00Z","amount":10,"country":"FR","total":10}' ]
	[ "${lines[3]}" = '{"card":"a","window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T13:00:00.000Z","count":2,"total":30}' ]
	[ "${#lines[@]}" -eq 10 ]
}

@test "a record leaves at once on a live stream; --idle-timeout closes windows without input" {
	mkfifo f
	( printf '%s\n' '{"k":1,"ts":"2024-03-01T12:00:00Z","amount":1}'; sleep 3 ) > f &
	rt-window -k k --tumble 1s --idle-timeout 500ms -a sum:amount < f > out.ndjson &
	local pid=$!
	sleep 2
	# Still running (the writer holds the pipe), and the window is out.
	kill -0 "$pid"
	[ "$(cat out.ndjson)" = '{"k":1,"window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T12:00:01.000Z","count":1,"sum_amount":1}' ]
	wait "$pid"
}

@test "man: rt-window.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-window.1"
}

# ---- state files, locks and signals (rtpipe(7), STATE FILES, SIGNALS) ----

S="$RT_ROOT/tests/state"

# dead_pid: a PID that was a process and is no more.
dead_pid() { sh -c 'echo $$'; }

@test "state: a killed save's temporary file is removed at start; only stale ones of the same state" {
	small
	rt-window -k card --sliding 1h --state st in.ndjson > /dev/null
	local dead
	dead=$(dead_pid)
	head -c 100000 /dev/zero > "st.tmp.$dead"
	: > st.tmp.1		# init is alive: not ours to judge
	: > "other.tmp.$dead"
	: > st.tmp.x12
	run --separate-stderr rt-window -k card --sliding 1h --state st in.ndjson
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ ! -e "st.tmp.$dead" ]
	[ -e st.tmp.1 ] && [ -e "other.tmp.$dead" ] && [ -e st.tmp.x12 ]
	[ "$(ls st.tmp.* | sort | tr '\n' ' ')" = "st.tmp.1 st.tmp.x12 " ]
}

@test "state: a second run with the same --state fails at once (status 2); the lock survives the rename" {
	small
	mkfifo f
	rt-window -k card --sliding 1h --state st < f > first.out 3>&- &
	local pid=$!
	exec 8> f
	head -2 in.ndjson >&8
	# Once it has written a record, it has the lock.
	local i=0
	while [ "$(wc -l < first.out)" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	run ! flock -n st.lock true
	SECONDS=0
	run --separate-stderr timeout 10 rt-window -k card --sliding 1h --state st in.ndjson
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "rt-window: st: in use by another run (st.lock is locked)" ]
	[ "$SECONDS" -le 2 ]
	tail -n +3 in.ndjson >&8
	exec 8>&-
	wait "$pid"
	# The state is the first run's: a run on nothing more adds nothing.
	rt-window -k card --sliding 1h in.ndjson > whole.out
	cmp first.out whole.out
	[ -e st.lock ]
	# A save renamed a new st over the old: the lock is still one file.
	rt-window -k card --sliding 1h --state st < /dev/null
	run ! ls st.tmp.*
}

@test "state: damaged, truncated, old or out-of-range state is refused with status 2 and nothing written" {
	small
	rt-window -k card --sliding 1h -a sum:amount --state st in.ndjson > /dev/null
	python3 "$S/statefile.py" check st
	local o=$(( $(head -1 st | wc -c) ))
	cp st flip; printf '\x55' | dd of=flip bs=1 seek=$((o + 40)) conv=notrunc 2>/dev/null
	run --separate-stderr rt-window -k card --sliding 1h -a sum:amount --state flip in.ndjson
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "$stderr" = "rt-window: flip: damaged: checksum mismatch" ]
	head -c -7 st > short
	run --separate-stderr rt-window -k card --sliding 1h -a sum:amount --state short in.ndjson
	[ "$status" -eq 2 ] && [ "$stderr" = "rt-window: short: damaged: truncated" ]
	printf 'rtpipe-state 1 rt-window 0123456789abcdef\nRTWIN1' > old
	run --separate-stderr rt-window -k card --sliding 1h -a sum:amount --state old in.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-window: old: format version 1 (without a checksum) is no longer read"* ]]
	# The newest time (8 bytes after "RTWIN1") edited, checksum made right.
	for v in 0x7fffffffffffffff 0x7ffffffffffffff0 -0x7fffffffffffffff 253402300800000000; do
		cp st edited
		python3 "$S/statefile.py" set64 edited 6 "$v"
		run --separate-stderr rt-window -k card --sliding 1h -a sum:amount --state edited in.ndjson
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[ "$stderr" = "rt-window: edited: damaged: a time out of range" ]
	done
	# The state is untouched by the refusals.
	python3 "$S/statefile.py" check st
}

@test "state: SIGHUP, SIGINT and SIGTERM each save the state and end the run; the resumed run equals one run" {
	python3 "$W/gen.py" 400 5 0 > data.ndjson
	local spec="-k card --sliding 10m -a count -a sum:amount -a prev:amount"
	rt-window $spec data.ndjson > whole.out
	head -200 data.ndjson > a.ndjson
	tail -n +201 data.ndjson > b.ndjson
	local sig
	for sig in HUP INT TERM; do
		rm -f st f out
		mkfifo f
		rt-window $spec --state st < f > out 3>&- &
		local pid=$!
		exec 8> f
		cat a.ndjson >&8
		# Every record of the first half is out: all are in the windows.
		local i=0
		while [ "$(wc -l < out)" -lt 200 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		kill -"$sig" "$pid"
		local rc=0
		wait "$pid" || rc=$?
		exec 8>&-
		[ "$rc" -eq 0 ] || { echo "SIG$sig: exit $rc"; return 1; }
		[ -s st ] || { echo "SIG$sig: no state"; return 1; }
		rt-window $spec --state st b.ndjson >> out
		cmp out whole.out || { echo "SIG$sig: output differs"; return 1; }
	done
}

@test "state: --flush without --state is a usage error" {
	small
	run --separate-stderr rt-window -k card --tumble 1h --flush in.ndjson
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "${stderr%%$'\n'*}" = "rt-window: --flush goes with --state" ]
}

@test "state: event times outside years 0000-9999 are rejected, so every state saved loads again" {
	printf '%s\n' '{"k":1,"ts":9223372036854775799,"amount":1}' \
	    '{"k":1,"ts":253402300800000000,"amount":1}' \
	    '{"k":1,"ts":-62167219200000001,"amount":1}' \
	    '{"k":1,"ts":253402300799999999,"amount":2}' > in.ndjson
	run --separate-stderr rt-window --time-unit us -k k --sliding 1h -a sum:amount --state st in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"k":1,"ts":253402300799999999,"amount":2,"sum_amount_1h":2}' ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'ts: time out of range')" -eq 3 ]
	run --separate-stderr rt-window --time-unit us -k k --sliding 1h -a sum:amount --state st /dev/null
	[ "$status" -eq 0 ]
}

@test "state: durations over 10000 years are usage errors (time arithmetic cannot overflow)" {
	small
	local o
	for o in "--sliding 4000000d" "--sliding 1h --lag 4000000d" "--tumble 4000000d" \
	    "--sliding 1h --max-delay 4000000d" "--sliding 1h --ttl 4000000d"; do
		run --separate-stderr rt-window -k card $o in.ndjson
		[ "$status" -eq 2 ] && [ -z "$output" ] || { echo "$o: $status"; return 1; }
		[[ "$stderr" == "rt-window: a "*" longer than 10000 years"* ]] || { echo "$o: $stderr"; return 1; }
	done
	run --separate-stderr rt-window -k card --sliding 3000000d in.ndjson
	[ "$status" -eq 0 ]
}

# ---- issues 14 and 16: overflow, bounds on work, names, options --------

@test "sums recover once huge numbers have left the window (sum, avg, stddev)" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","x":1e308}' \
	    '{"ts":"2024-03-01T12:01:00Z","x":1e308}' \
	    '{"ts":"2024-03-01T12:10:00Z","x":2}' \
	    '{"ts":"2024-03-01T12:20:00Z","x":5}' \
	    '{"ts":"2024-03-01T12:21:00Z","x":7}' > in.ndjson
	run rt-window --sliding 5m -a sum:x -a avg:x -a stddev:x in.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.sum_x_5m, .avg_x_5m, .stddev_x_5m]' | tr '\n' ' ')" = \
	    "[1e+308,1e+308,null] [null,1e+308,0] [2,2,null] [5,5,null] [12,6,1.4142135623730951] " ]
	# The same in closing windows, and with the numbers mixed.
	run rt-window --tumble 5m -a sum:x -a avg:x in.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '[.count, .sum_x, .avg_x]' | tr '\n' ' ')" = \
	    "[2,null,1e+308] [1,2,2] [2,12,6] " ]
}

@test "huge, tiny and mixed numbers: sum, avg and stddev agree with exact arithmetic" {
	python3 - > in.ndjson <<'PY'
import json, random
# Per key, numbers within 30 orders of magnitude of each other (see
# rt-window(1) on the precision of sums): huge ones whose sums overflow
# and recover, tiny ones, and a range of 1e-10 to 1e12.
r = random.Random(7)
vals = {"huge": [1e308, -1e308, 1.7e308, 9e307, 1e290, -3e300],
        "tiny": [3e-300, 5e-324, 1e-310, -2e-300, 4.5e-299],
        "mid": [1e12, 1.0, 1e-10, -2.5, 123.25, 0.1]}
for i in range(600):
    k = r.choice(list(vals))
    print(json.dumps({"k": k, "ts": 1709294400 + i * 60, "x": r.choice(vals[k]) * r.choice([1, -1, 0.5])}))
PY
	rt-window -k k --time-unit s --sliding 7m --rows 4 -a sum:x -a avg:x -a stddev:x in.ndjson > got.ndjson
	python3 - in.ndjson got.ndjson <<'PY'
import json, math, sys
from decimal import Decimal, getcontext
from fractions import Fraction as F
getcontext().prec = 60
recs = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
def fin(q):
    try:
        f = float(q)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None
def sqrt(q):
    return fin(float((Decimal(q.numerator) / Decimal(q.denominator)).sqrt()))
bad = cases = 0
for i, r in enumerate(recs):
    g = got[i]
    for suf, win in (("7m", [q for q in recs[:i + 1] if q["k"] == r["k"] and q["ts"] > r["ts"] - 420]),
                     ("4rows", [q for q in recs[:i + 1] if q["k"] == r["k"]][-4:])):
        xs = [F(q["x"]) for q in win]
        n, s, mag = len(xs), sum(xs), sum(abs(x) for x in xs)
        m = s / n
        sd = sqrt(sum((x - m) ** 2 for x in xs) / (n - 1)) if n > 1 else None
        if sd is not None and sd < 1e-140:
            sd = "skip"   # squares under 1e-300 underflow: see rt-window(1)
        # Exact results, within the rounding a compensated sum of these
        # magnitudes may leave (cancellation of huge numbers).
        for name, want, slack in (("sum", fin(s), mag / 10 ** 14),
                                  ("avg", fin(m), mag / n / 10 ** 14),
                                  ("stddev", sd, max(abs(x) for x in xs) / 10 ** 6)):
            cases += 1
            have = g.get("%s_x_%s" % (name, suf))
            if want == "skip":
                continue
            if want is None or have is None:
                ok = want is None and have is None
            else:
                ok = abs(F(have) - F(want)) <= abs(F(want)) / 10 ** 9 + slack
            if not ok:
                bad += 1
                if bad < 10:
                    print("record", i, name, suf, "got", have, "want", want)
print("%d values compared, %d disagreements" % (cases, bad))
sys.exit(1 if bad else 0)
PY
}

@test "window shapes that would make one record cost without bound are usage errors" {
	echo '{"ts":"2024-03-01T12:00:00Z"}' > one.ndjson
	run --separate-stderr timeout 10 rt-window --hop 1us --size 99999d one.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-window: --size is 8639913600000000 times --hop: a record would fall in that many windows (at most 10000)"* ]]
	run --separate-stderr rt-window --hop 1s --size 10001s one.ndjson
	[ "$status" -eq 2 ]
	run rt-window --hop 1s --size 10000s one.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10000 ]
	run --separate-stderr rt-window --session 1s --max-delay 1d one.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-window: --max-delay and --allowed-lateness would keep more than 10000 windows of a key open (86400)"* ]]
	run --separate-stderr rt-window --tumble 1s --allowed-lateness 3h one.ndjson
	[ "$status" -eq 2 ]
	run rt-window --tumble 1s --max-delay 2h one.ndjson
	[ "$status" -eq 0 ]
	# A tiny tumbling window and events a year apart: two windows, at once
	# (no empty window between them is made), bounds to the microsecond.
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z"}' '{"ts":"2025-03-01T12:00:00.000002Z"}' > far.ndjson
	run timeout 10 rt-window --tumble 1us far.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
	    '{"window_start":"2024-03-01T12:00:00.000Z","window_end":"2024-03-01T12:00:00.000001Z","count":1}' \
	    '{"window_start":"2025-03-01T12:00:00.000002Z","window_end":"2025-03-01T12:00:00.000003Z","count":1}')" ]
	run timeout 10 rt-window --session 1us far.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "window names keep the duration as the user spelt it" {
	echo '{"ts":"2024-03-01T12:00:00Z","x":1}' > one.ndjson
	run rt-window --sliding 24h --sliding 60m --sliding 1d --sliding 90s --sliding 1h --lag 60m --rows 3 -a count -a sum:x one.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c 'keys_unsorted')" = '["ts","x","count_24h","sum_x_24h","count_60m","sum_x_60m","count_1d","sum_x_1d","count_90s","sum_x_90s","count_1h_lag60m","sum_x_1h_lag60m","count_3rows","sum_x_3rows"]' ]
	[ "$(printf '%s\n' "$output" | jq .count_24h)" = 1 ]
	run rt-window --tumble 60m --emit both -a n=count one.ndjson
	[ "${lines[0]}" = '{"ts":"2024-03-01T12:00:00Z","x":1,"n":1}' ]
	run rt-window --sliding 1h --tumble 60m --emit both -a n=count one.ndjson
	[ "${lines[0]}" = '{"ts":"2024-03-01T12:00:00Z","x":1,"n_1h":1,"n_60m":1}' ]
	run --separate-stderr rt-window --sliding 1h --sliding 1h one.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"both be named 'count_1h'"* ]]
	run --separate-stderr rt-window --sliding 1h --lag 1m --lag 2m one.ndjson
	[ "$status" -eq 2 ]
}

@test "usage errors: options that would do nothing, or another thing than they say" {
	echo '{"ts":"2024-03-01T12:00:00Z","x":1}' > one.ndjson
	for args in "--sliding 1h --flush" "--sliding 1h --offset 5m" "--session 5m --offset 1m" \
	    "--tumble 1h --closed both" "--sliding 1h --distinct-cap 5" \
	    "--tumble 1h --size 2h" "--size 2h --tumble 1h" "--session 5m --size 1h"; do
		run --separate-stderr rt-window $args one.ndjson
		[ "$status" -eq 2 ] || { echo "accepted: $args"; false; }
		[[ "$stderr" == "rt-window: "* ]]
		[ -z "$output" ]
	done
	run --separate-stderr rt-window --sliding 1h --flush one.ndjson
	[[ "$stderr" == "rt-window: --flush goes with --state"* ]]
	run --separate-stderr rt-window --tumble 1h --size 2h one.ndjson
	[[ "$stderr" == "rt-window: --size goes with --hop"* ]]
	run rt-window --tumble 1h --offset 30m -a distinct:x --distinct-cap 5 one.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"window_start":"2024-03-01T11:30:00.000Z","window_end":"2024-03-01T12:30:00.000Z","count":1,"distinct_x":1}' ]
}

@test "differential: rt-window against SQLite window functions and GROUP BY on seeded random cases" {
	# CASES=N (default 20), SEED=S and N=records scale it up (tests/window/diff.py).
	run python3 "$W/diff.py"
	printf '%s\n' "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^[0-9]+\ cases,\ [0-9]+\ values\ compared,\ 0\ disagreements ]]
}

@test "records out of order within the lateness still see the events their rows and closed-both windows need" {
	# Found by the differential test: events were dropped by their time
	# alone, though a --rows window of a record allowed by the lateness
	# takes the events just before it whatever their time, and a --closed
	# both window reaches its far end inclusive.
	printf '%s\n' '{"ts":0,"x":1}' '{"ts":0,"x":2}' '{"ts":100,"x":4}' '{"ts":101,"x":4}' \
	    '{"ts":102,"x":4}' '{"ts":80,"x":8}' > rows.ndjson
	run rt-window --time-unit s --rows 3 --allowed-lateness 30s -a count -a sum:x rows.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.count_3rows, .sum_x_3rows]' | tr '\n' ' ')" = "[1,1] [2,3] [3,7] [3,10] [3,12] [3,11] " ]
	printf '%s\n' '{"ts":40,"x":1}' '{"ts":100,"x":4}' '{"ts":70,"x":8}' > both.ndjson
	run rt-window --time-unit s --sliding 30s --closed both --allowed-lateness 30s -a count -a sum:x both.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.count_30s, .sum_x_30s]' | tr '\n' ' ')" = "[1,1] [1,4] [2,9] " ]
}

@test "usage error: --max-keys without -k (one key: it would bound nothing)" {
	echo '{"ts":"2024-03-01T12:00:00Z","x":1}' > one.ndjson
	run --separate-stderr rt-window --sliding 1h --max-keys 5 one.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-window: --max-keys goes with -k"* ]]
	[ -z "$output" ]
	run rt-window -k x --sliding 1h --max-keys 5 one.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"ts":"2024-03-01T12:00:00Z","x":1,"count_1h":1}' ]
}
