# rt-join: exact outputs on small tables (CSV, TSV, NDJSON, SQLite):
# appended and nested columns, --select, --prefix, types, misses,
# defaults, --many, as-of and range lookups, composite keys, rows
# refused at load, usage errors, reloading on SIGHUP and --watch under
# the sandbox; then sqlite3 as the oracle on seeded generated streams and
# tables, and a stream joined while its table is replaced.
load helpers

J="$RT_ROOT/tests/join"

# The Landlock ABI of the kernel, 0 without it.
landlock_abi() {
	python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.syscall(444, None, 0, 1); print(r if r > 0 else 0)'
}

cards() {
	cat > cards.csv <<-'EOF'
	card_id,name,tier,limit,vip
	c1,Alice,3,1000.50,yes
	c2,Bob,1,,no
	c3,"Zoë, Z",2,250,no
	EOF
	printf '%s\n' '{"card_id":"c1","amount":10}' '{"card_id":"c9","amount":5}' \
		'{"amount":1}' '{"card_id":null,"amount":2}' \
		'{"card_id":"c3","amount":7}' > txns.ndjson
}

@test "join: a CSV table's columns appended, typed; misses pass unchanged; counts" {
	cards
	rt_run rt-join --table cards.csv --on card_id --integer tier --number limit \
		--bool vip --stats txns.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card_id":"c1","amount":10,"name":"Alice","tier":3,"limit":1000.50,"vip":true}
{"card_id":"c9","amount":5}
{"amount":1}
{"card_id":null,"amount":2}
{"card_id":"c3","amount":7,"name":"Zoë, Z","tier":2,"limit":250,"vip":false}' ]
	[ "$(stats_of)" = '{"tool":"rt-join","in":5,"out":5,"rejected":0,"dropped":0,"matched":2,"missing":3,"extra":0,"reloads":0,"reload_failures":0,"table_rows":3,"table_rejected":0}' ]
	# Untyped, CSV values are strings; an empty one with a type is null.
	rt_run rt-join --table cards.csv --on card_id --number limit txns.ndjson
	[ "${lines[0]}" = '{"card_id":"c1","amount":10,"name":"Alice","tier":"3","limit":1000.50,"vip":"yes"}' ]
	IN='{"card_id":"c2"}' rt_run rt-join --table cards.csv --on card_id --number limit
	[ "$output" = '{"card_id":"c2","name":"Bob","tier":"1","limit":null,"vip":"no"}' ]
}

@test "join: --as nests, --select picks and orders, --prefix renames" {
	cards
	rt_run rt-join --table cards.csv --on card_id --as card --select tier,name \
		--prefix c_ --integer tier txns.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"card_id":"c1","amount":10,"card":{"c_tier":3,"c_name":"Alice"}}' ]
	[ "${lines[1]}" = '{"card_id":"c9","amount":5}' ]
	[ "${lines[4]}" = '{"card_id":"c3","amount":7,"card":{"c_tier":2,"c_name":"Zoë, Z"}}' ]
	# A member the record has is replaced in place; spacing is kept.
	IN='{"name":"old", "card_id":"c1" , "x":[1]}' rt_run rt-join --table cards.csv \
		--on card_id --select tier,name
	[ "$output" = '{"name":"Alice", "card_id":"c1" , "x":[1],"tier":"3"}' ]
	IN=' { "card_id":"c1" } ' rt_run rt-join --table cards.csv --on card_id --select tier
	[ "$output" = ' { "card_id":"c1" ,"tier":"3"} ' ]
	IN='{"card":{"old":1},"card_id":"c2"}' rt_run rt-join --table cards.csv --on card_id \
		--as card --select name
	[ "$output" = '{"card":{"name":"Bob"},"card_id":"c2"}' ]
	rt_run rt-join --table cards.csv --on card_id --select nope txns.ndjson
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-join: cards.csv: no column 'nope'" ]
}

@test "join: --missing drop and reject, --default, a key missing or null is a miss" {
	cards
	rt_run rt-join --table cards.csv --on card_id --missing drop --select name --stats txns.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card_id":"c1","amount":10,"name":"Alice"}
{"card_id":"c3","amount":7,"name":"Zoë, Z"}' ]
	[ "$(stat_field dropped)" = 3 ] && [ "$(stat_field missing)" = 3 ]
	rt_run rt-join --table cards.csv --on card_id --missing reject --select name --stats txns.ndjson
	[ "$status" -eq 1 ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-join: txns.ndjson:2: no match for card_id
rt-join: txns.ndjson:3: no match for card_id
rt-join: txns.ndjson:4: no match for card_id" ]
	[ "$(stat_field rejected)" = 3 ] && [ "$(stat_field out)" = 2 ]
	rt_run rt-join --table cards.csv --on card_id --missing reject --reject rej.ndjson txns.ndjson
	[ "$status" -eq 1 ]
	[ "$(sed -n 2p rej.ndjson)" = '{"tool":"rt-join","source":"txns.ndjson","line":3,"reason":"no match for card_id","raw":"{\"amount\":1}"}' ]
	rt_run rt-join --table cards.csv --on card_id --select name,limit --number limit \
		--default name=unknown --default limit=0 --default 'flags=["new"]' txns.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card_id":"c1","amount":10,"name":"Alice","limit":1000.50,"flags":["new"]}
{"card_id":"c9","amount":5,"name":"unknown","limit":0,"flags":["new"]}
{"amount":1,"name":"unknown","limit":0,"flags":["new"]}
{"card_id":null,"amount":2,"name":"unknown","limit":0,"flags":["new"]}
{"card_id":"c3","amount":7,"name":"Zoë, Z","limit":250,"flags":["new"]}' ]
	# A null value in a row takes the default too.
	IN='{"card_id":"c2"}' rt_run rt-join --table cards.csv --on card_id --select limit \
		--number limit --default limit=-1 --as c
	[ "$output" = '{"card_id":"c2","c":{"limit":-1}}' ]
}

@test "join: --many first, last, all (a record per row, or an array under --as)" {
	printf 'k,v\na,1\nb,2\na,3\na,4\n' > t.csv
	printf '%s\n' '{"k":"a"}' '{"k":"b"}' '{"k":"z"}' > s.ndjson
	rt_run rt-join --table t.csv --on k --integer v s.ndjson
	[ "$output" = '{"k":"a","v":1}
{"k":"b","v":2}
{"k":"z"}' ]
	rt_run rt-join --table t.csv --on k --integer v --many last s.ndjson
	[ "${lines[0]}" = '{"k":"a","v":4}' ]
	rt_run rt-join --table t.csv --on k --integer v --many all --stats s.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"k":"a","v":1}
{"k":"a","v":3}
{"k":"a","v":4}
{"k":"b","v":2}
{"k":"z"}' ]
	[ "$(stats_of)" = '{"tool":"rt-join","in":3,"out":3,"rejected":0,"dropped":0,"matched":2,"missing":1,"extra":2,"reloads":0,"reload_failures":0,"table_rows":4,"table_rejected":0}' ]
	rt_run rt-join --table t.csv --on k --integer v --many all --as rows s.ndjson
	[ "$output" = '{"k":"a","rows":[{"v":1},{"v":3},{"v":4}]}
{"k":"b","rows":[{"v":2}]}
{"k":"z"}' ]
	rt_run rt-join --table t.csv --on k --many most s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: unknown value 'most' for --many; use first, last or all"* ]]
}

@test "join: composite keys, F=COL, numbers and strings, TSV and NDJSON tables" {
	printf 'card\tmcc\tlimit\nc1\t5411\t10\nc1\t5812\t20\n' > lim.tsv
	printf '%s\n' '{"card_id":"c1","mcc":5812}' '{"card_id":"c1","mcc":"5411"}' \
		'{"card_id":"c1","mcc":1}' '{"mcc":5812}' > s.ndjson
	rt_run rt-join --table lim.tsv --on card_id=card,mcc --integer limit \
		--missing reject s.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"card_id":"c1","mcc":5812,"limit":20}
{"card_id":"c1","mcc":"5411","limit":10}' ]
	[ "$stderr" = "rt-join: s.ndjson:3: no match for card_id,mcc
rt-join: s.ndjson:4: no match for card_id,mcc" ]
	printf '%s\n' '{"id":7,"seg":{"a":[1]}}' '{"id":"x\u00e9","seg":null}' > t.ndjson
	printf '%s\n' '{"u":7}' '{"u":"7"}' '{"u":"xé"}' '{"u":7.0}' > s.ndjson
	rt_run rt-join --table t.ndjson --on u=id s.ndjson
	[ "$output" = '{"u":7,"seg":{"a":[1]}}
{"u":"7","seg":{"a":[1]}}
{"u":"xé","seg":null}
{"u":7.0}' ]
	rt_run rt-join --table t.ndjson --on u=id,v=id,w,x,y,z,a,b,c s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: --on: too many names:"* ]]
}

@test "join: rows refused at load are named by line; the rest of the table serves" {
	printf '%s\n' '{"id":1,"v":"a"}' '{"v":"b"}' '{"id":null}' 'oops' '[2]' \
		'{"id":2,"v":"c"}' > t.ndjson
	IN='{"id":2}' rt_run rt-join --table t.ndjson --on id --stats
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":2,"v":"c"}' ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-join: t.ndjson:2: no key column 'id' (row skipped)
rt-join: t.ndjson:3: 'id': the key is null (row skipped)
rt-join: t.ndjson:4: invalid JSON: unexpected character at byte 1 (row skipped)
rt-join: t.ndjson:5: not a JSON object (row skipped)" ]
	[ "$(stat_field table_rows)" = 2 ] && [ "$(stat_field table_rejected)" = 4 ]
	# --strict: the table must be clean.
	IN='{"id":2}' rt_run rt-join --table t.ndjson --on id --strict
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"rt-join: t.ndjson: rows were refused (--strict)" ]]
	printf 'id,n\n1,x\n2,3\n3\n' > t.csv
	IN='{"id":"2"}' rt_run rt-join --table t.csv --on id --integer n
	[ "$output" = '{"id":"2","n":3}' ]
	[ "$stderr" = "rt-join: t.csv:2: 'n': cannot parse as an integer (row skipped)
rt-join: t.csv:4: row has 1 field, the header has 2 (row skipped)" ]
	seq 1 20 | sed 's/.*/{"x":&}/' > many.ndjson
	IN='{"id":1}' rt_run rt-join --table many.ndjson --on id
	[ "$(grep -c 'row skipped' <<<"$stderr")" = 5 ]
	[ "$(tail -1 <<<"$stderr")" = "rt-join: many.ndjson: 15 more rows skipped" ]
}

@test "join: --schema types CSV columns; -d and --table-delimiter" {
	printf 'id;n;ok;s\na;1;true;x\n' > t.txt
	printf '%s\n' '{"properties":{"n":{"type":["integer","null"]},"ok":{"type":"boolean"},"s":{"type":"string"}}}' > t.schema.json
	IN='{"id":"a"}' rt_run rt-join --table t.txt --table-format csv --table-delimiter ';' \
		--on id --schema t.schema.json
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"a","n":1,"ok":true,"s":"x"}' ]
	printf 'id;v\na;1\n' > in.csv
	rt_run rt-join -d ';' --table t.txt --table-format csv --on id --select n in.csv
	[ "$output" = '{"id":"a","v":"1","n":"1"}' ]
	printf '[1]' > bad.json
	IN='{}' rt_run rt-join --table t.txt --table-format csv --on id --schema bad.json
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-join: bad.json: not a JSON Schema with properties" ]
}

@test "join: as-of: the row valid at the record's event time" {
	cat > rates.csv <<-'EOF'
	cur,valid_from,rate
	USD,2024-03-01T00:00:00Z,1.08
	USD,2024-03-02T00:00:00Z,1.09
	GBP,2024-03-01T00:00:00Z,0.85
	USD,2024-03-01T12:00:00Z,1.085
	USD,yesterday,9
	EOF
	printf '%s\n' '{"ts":"2024-03-01T06:00:00Z","cur":"USD"}' \
		'{"ts":"2024-03-01T12:00:00Z","cur":"USD"}' \
		'{"ts":"2024-03-09T00:00:00+01:00","cur":"USD"}' \
		'{"ts":"2024-02-05T00:00:00Z","cur":"USD"}' \
		'{"ts":1709600000,"cur":"GBP"}' '{"cur":"GBP"}' > s.ndjson
	rt_run rt-join --table rates.csv --on cur --as-of ts --valid-from valid_from \
		--number rate --select rate --stats s.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"ts":"2024-03-01T06:00:00Z","cur":"USD","rate":1.08}
{"ts":"2024-03-01T12:00:00Z","cur":"USD","rate":1.085}
{"ts":"2024-03-09T00:00:00+01:00","cur":"USD","rate":1.09}
{"ts":"2024-02-05T00:00:00Z","cur":"USD"}
{"ts":1709600000,"cur":"GBP","rate":0.85}' ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-join: rates.csv:6: 'valid_from': not a date-time (row skipped)
rt-join: s.ndjson:6: ts: time field missing" ]
	[ "$(stat_field matched)" = 4 ] && [ "$(stat_field missing)" = 1 ]
	rt_run rt-join --table rates.csv --on cur --as-of ts s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: --as-of and --valid-from go together"* ]]
}

@test "join: --range on IPv4 and IPv6 text and on numbers, by binary search" {
	cat > ip.csv <<-'EOF'
	start,end,cc
	10.0.1.0,10.0.1.255,DE
	10.0.0.0,10.0.0.255,FR
	10.0.0.128,10.0.0.200,XX
	2001:db8::,2001:db8::ffff,NL
	EOF
	printf '%s\n' '{"ip":"10.0.0.5"}' '{"ip":"10.0.1.255"}' '{"ip":"10.0.2.0"}' \
		'{"ip":"2001:db8::1:0"}' '{"ip":"2001:db8::abc"}' '{"ip":"::ffff:10.0.0.9"}' \
		'{"ip":"nope"}' '{"ip":167772160}' > s.ndjson
	rt_run rt-join --table ip.csv --on ip --range start,end --select cc s.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"ip":"10.0.0.5","cc":"FR"}
{"ip":"10.0.1.255","cc":"DE"}
{"ip":"10.0.2.0"}
{"ip":"2001:db8::1:0"}
{"ip":"2001:db8::abc","cc":"NL"}
{"ip":"::ffff:10.0.0.9","cc":"FR"}
{"ip":"nope"}
{"ip":167772160}' ]
	[ "$stderr" = "rt-join: ip.csv:4: its range overlaps the range of line 3 (row skipped)" ]
	printf 'lo,hi,band\n0,99.5,low\n100,1e3,mid\n-50,-1,neg\n' > n.csv
	printf '%s\n' '{"x":99.5}' '{"x":99.7}' '{"x":"500"}' '{"x":-1}' '{"x":1001}' > s.ndjson
	rt_run rt-join --table n.csv --on x --range lo,hi --select band s.ndjson
	[ "$output" = '{"x":99.5,"band":"low"}
{"x":99.7}
{"x":"500","band":"mid"}
{"x":-1,"band":"neg"}
{"x":1001}' ]
	rt_run rt-join --table n.csv --on x,y --range lo,hi s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: --range takes one --on field"* ]]
}

@test "join: SQLite tables: --table-name, --sql, --cache lookups" {
	sqlite3 c.db "CREATE TABLE cards(card_id TEXT PRIMARY KEY, name TEXT, tier INTEGER, lim REAL, note);
		INSERT INTO cards VALUES('c1','Alice',3,1000.5,NULL),('c3','Zoë',2,250.0,x'41');
		CREATE TABLE rates(cur TEXT, vf TEXT, rate REAL);
		INSERT INTO rates VALUES('USD','2024-03-01',1.08),('USD','2024-03-02',1.09);"
	cards
	rt_run rt-join --table c.db --table-name cards --on card_id --stats txns.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"card_id":"c1","amount":10,"name":"Alice","tier":3,"lim":1000.5,"note":null}
{"card_id":"c9","amount":5}
{"amount":1}
{"card_id":null,"amount":2}
{"card_id":"c3","amount":7,"name":"Zoë","tier":2,"lim":250,"note":"A"}' ]
	[ "$(stat_field table_rows)" = 2 ]
	rt_run rt-join --table c.db --sql 'SELECT card_id, upper(name) AS n FROM cards' \
		--on card_id --cache 1 --stats txns.ndjson txns.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"card_id":"c1","amount":10,"n":"ALICE"}' ]
	[ "${lines[9]}" = '{"card_id":"c3","amount":7,"n":"ZOë"}' ]
	[ "$(stats_of)" = '{"tool":"rt-join","in":10,"out":10,"rejected":0,"dropped":0,"matched":4,"missing":6,"extra":0,"reloads":0,"reload_failures":0,"cache_hits":0,"cache_misses":6}' ]
	IN='{"cur":"USD","ts":"2024-03-05T00:00:00Z"}' rt_run rt-join --table c.db \
		--table-name rates --on cur --as-of ts --valid-from vf --select rate --cache 10
	[ "$output" = '{"cur":"USD","ts":"2024-03-05T00:00:00Z","rate":1.09}' ]
	IN='{}' rt_run rt-join --table c.db --on card_id
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: an SQLite table needs --sql or --table-name"* ]]
	IN='{}' rt_run rt-join --table c.db --sql 'SELEKT 1' --on card_id
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: c.db: --sql: near \"SELEKT\": syntax error" ]]
	IN='{}' rt_run rt-join --table cards.csv --on card_id --cache 5
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: --sql, --table-name and --cache need an SQLite table"* ]]
}

@test "join: usage errors and tables that cannot be read exit 2" {
	cards
	rt_run rt-join --on card_id txns.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: --table and --on are required"* ]]
	rt_run rt-join --table no-such.csv --on card_id txns.ndjson
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-join: no-such.csv: No such file or directory" ]
	rt_run rt-join --table - --on card_id txns.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-join --table cards.csv --on card_id --missing maybe txns.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-join: unknown value 'maybe' for --missing; use pass, drop or reject"* ]]
	rt_run rt-join --table cards.csv --on card_id --default nope txns.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-join --table cards.csv --on = txns.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-join --table cards.csv --on card_id --watch-interval 1s txns.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-join --table cards.csv --on card_id --table-format xml txns.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-join --table cards.csv --on card_id txns.ndjson
	[ "$status" -eq 0 ]
	rt_run bash -c 'rt-join --table cards.csv --on card_id txns.ndjson > /dev/full'
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-join: stdout: No space left on device" ]
}

@test "join: CSV streams, -o csv, control records, a misspelt --on field" {
	cards
	printf 'card_id,amount\nc3,7\nc0,1\n' > s.csv
	rt_run rt-join --table cards.csv --on card_id --select name -o csv s.csv
	[ "$output" = 'card_id,amount,name
c3,7,"Zoë, Z"
c0,1,' ]
	printf '%s\n' '{"card_id":"c1"}' '{"$rt":"barrier","id":3}' '{"card_id":"c2"}' > s.ndjson
	rt_run rt-join --table cards.csv --on card_id --select name --stats s.ndjson
	[ "$output" = '{"card_id":"c1","name":"Alice"}
{"$rt":"barrier","id":3}
{"card_id":"c2","name":"Bob"}' ]
	[ "$(stat_field in)" = 2 ]
	rt_run rt-join --table cards.csv --on card=card_id --select name s.ndjson
	[ "$stderr" = "rt-join: warning: --on: field 'card' is in none of the 2 records" ]
}

# A stream that stays open (a FIFO), records written one at a time.
start_fifo() {
	mkfifo in.fifo
	rt-join "$@" < in.fifo > out.ndjson 2> err.txt &
	JPID=$!
	exec 5> in.fifo
}

# wait_lines N: until out.ndjson has N lines (5 s at most).
wait_lines() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(wc -l < out.ndjson)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "join: SIGHUP loads the table again between records; a bad table keeps the old one" {
	printf 'k,v\na,1\n' > t.csv
	start_fifo --table t.csv --on k --stats
	echo '{"k":"a"}' >&5
	wait_lines 1
	printf 'k,v\na,2\n' > t2.csv && mv t2.csv t.csv
	kill -HUP "$JPID"
	sleep 0.5
	echo '{"k":"a"}' >&5
	wait_lines 2
	printf 'x,v\na,3\n' > t2.csv && mv t2.csv t.csv
	kill -HUP "$JPID"
	sleep 0.5
	echo '{"k":"a"}' >&5
	exec 5>&-
	wait "$JPID"
	[ "$(cat out.ndjson)" = '{"k":"a","v":"1"}
{"k":"a","v":"2"}
{"k":"a","v":"2"}' ]
	[ "$(grep -v '^{' err.txt)" = "rt-join: warning: t.csv: reload failed, the table in force stays: no column 'k'" ]
	[ "$(grep '^{' err.txt | jq -c '[.reloads, .reload_failures, .matched]')" = '[1,1,3]' ]
}

@test "join: --watch sees the table replaced (rename) or rewritten, under the sandbox" {
	printf '%s\n' '{"k":"a","v":1}' > t.ndjson
	start_fifo --table t.ndjson --on k --watch --watch-interval 50ms --stats
	echo '{"k":"a"}' >&5
	wait_lines 1
	printf '%s\n' '{"k":"a","v":2}' > t2.ndjson && mv t2.ndjson t.ndjson
	sleep 0.6
	echo '{"k":"a"}' >&5
	wait_lines 2
	sleep 1.1	# a new modification time, the same size
	printf '%s\n' '{"k":"a","v":3}' > t.ndjson
	sleep 0.6
	echo '{"k":"a"}' >&5
	exec 5>&-
	wait "$JPID"
	[ "$(cat out.ndjson)" = '{"k":"a","v":1}
{"k":"a","v":2}
{"k":"a","v":3}' ]
	[ "$(grep '^{' err.txt | jq -c '[.reloads, .reload_failures]')" = '[2,0]' ]
	# The sandbox is on: the table's directory is readable, not writable.
	RT_SANDBOX_PROBE="$T/t.ndjson" IN='{}' rt_run rt-join --table t.ndjson --on k
	grep -qx "rt-join: probe: read '$T/t.ndjson': allowed" <<<"$stderr"
	grep -qx "rt-join: probe: exec: Operation not permitted" <<<"$stderr"
	if [ "$(landlock_abi)" -gt 0 ]; then
		grep -qx "rt-join: probe: create '$T/t.ndjson.new': Permission denied" <<<"$stderr"
	fi
}

@test "join: sqlite3 agrees: LEFT JOIN, as-of by a correlated subquery, range lookup" {
	run python3 "$J/oracle.py" --cases "${JOIN_ORACLE_CASES:-12}" --seed 17 \
		--bin "$RT_BIN/rt-join"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" cases, 0 disagreements" ]]
}

@test "join: a stream joined while its table is replaced: old or new, never neither" {
	run python3 "$J/reload-stress.py" --records "${JOIN_RELOAD_RECORDS:-100000}" \
		--replacements "${JOIN_RELOAD_REPLACEMENTS:-10}" --bin "$RT_BIN/rt-join"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 records joined with neither table"* ]]
}

@test "join: the man page's examples run" {
	check_man_examples "$RT_ROOT/man/rt-join.1"
}
