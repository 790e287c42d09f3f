# rt-classify: exact outputs, both rule formats, the fast path against
# libjq (--no-fast-path) and against the jq binary on generated records
# with every type in every field, rule file errors, run-time jq errors,
# the model, and live reload.
load helpers

C="$RT_ROOT/tests/classify"

@test "scores, rules and classes on a small input" {
	cp "$FIX/man/classify.rules" "$FIX/man/classify-txns.ndjson" .
	run --separate-stderr rt-classify --rules classify.rules --label fraud=80 \
		--label review=40 --stats classify-txns.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"id":1,"amount":6200,"country":"FR","card_country":"FR","card_id":"c-7","count_1h":2,"_score":40,"_rules":["large_amount"],"_class":"review"}' ]
	[ "${lines[1]}" = '{"id":2,"amount":80,"country":"US","card_country":"FR","card_id":"c-8","count_1h":12,"_score":100,"_rules":["foreign","card_velocity","big_and_foreign"],"_class":"fraud"}' ]
	[ "${lines[2]}" = '{"id":3,"amount":15,"country":"FR","card_country":"FR","card_id":"c-1","count_1h":1,"_score":100,"_rules":["blocked_card"],"_class":"fraud"}' ]
	[ "$(stat_field 'matches.large_amount')" = 2 ]
	[ "$(stat_field 'classes.fraud')" = 2 ] && [ "$(stat_field 'classes.ok')" = 0 ]
	[ "$(stat_field fast_rules)" = 4 ]
	# --combine max, --default-label
	run --separate-stderr rt-classify --rules classify.rules --combine max --default-label fine classify-txns.ndjson
	[ "$(printf '%s\n' "$output" | jq -c '[._score, ._class]' | tr '\n' ' ')" = '[40,"fine"] [50,"fine"] [100,"fine"] [40,"fine"] ' ]
	# Without --label every record gets the default label: said at start.
	[ "$stderr" = "rt-classify: warning: no --label: every record will be labelled 'fine', so rt-alert raises nothing on _class (give --label NAME=THRESHOLD, e.g. --label fraud=50)" ]
}

@test "NDJSON rules give the same result as text rules" {
	cp "$FIX/man/classify-txns.ndjson" .
	cat > r.ndjson <<'EOF'
{"name":"large_amount","score":40,"when":".amount > 5000"}
{"name":"foreign","score":20,"when":".country != .card_country"}
{"name":"card_velocity","score":50,"when":".count_1h >= 10"}
{"name":"blocked_card","score":100,"when":".card_id | IN(\"c-1\", \"c-2\")"}
{"name":"big_and_foreign","score":30,"when":"(.amount | tonumber? // 0) > 50\n and .country != .card_country"}
EOF
	rt-classify --rules r.ndjson classify-txns.ndjson > a
	rt-classify --rules "$FIX/man/classify.rules" classify-txns.ndjson > b
	cmp a b
	[ "$(wc -l < a)" -eq 4 ]
}

@test "fast path and libjq agree exactly on 3000 records with every type in every field" {
	python3 "$C/gen.py" 3000 1 > in.ndjson
	run --separate-stderr rt-classify --rules "$C/diff.rules" --check-fields 0 --stats in.ndjson
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > fast.out
	fast=$(stats_of | jq -c '[.matches, .errors]')
	[ "$(stat_field fast_rules)" -ge 30 ]
	run --separate-stderr rt-classify --rules "$C/diff.rules" --check-fields 0 --no-fast-path --stats in.ndjson
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > slow.out
	[ "$(stat_field fast_rules)" = 0 ]
	[ "$(stats_of | jq -c '[.matches, .errors]')" = "$fast" ]
	cmp fast.out slow.out
	# Every rule matched somewhere and failed to match somewhere.
	[ "$(jq -c '[.matches[] | select(. == 0 or . == 3000)] | length' <<<"$(stats_of)")" = 0 ]
}

@test "the jq binary agrees: same scores, rules and classes on 3000 records" {
	python3 "$C/gen.py" 3000 2 > in.ndjson
	python3 "$C/jqprog.py" "$C/diff.rules" fraud=80 review=40 > prog.jq
	jq -c -f prog.jq in.ndjson > jq.out
	rt-classify --rules "$C/diff.rules" --check-fields 0 --label fraud=80 \
		--label review=40 in.ndjson > rt.out 2>/dev/null
	run python3 "$C/same.py" rt.out jq.out
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "3000 records compared, 0 differ" ]
}

@test "rule files: errors name the file and line; nothing runs (exit 2)" {
	printf 'a 1 .x > 1\nb 2 .y ==\n' > bad1.rules
	run --separate-stderr rt-classify --rules bad1.rules </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad1.rules:2: rule 'b': the condition does not compile"* ]]
	printf 'a 1 .x > 1\n# c\na 3 .z\n' > bad2.rules
	run --separate-stderr rt-classify --rules bad2.rules </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad2.rules:3: rule 'a' is already defined at line 1"* ]]
	printf 'a x .x\n' > bad3.rules
	run --separate-stderr rt-classify --rules bad3.rules </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad3.rules:1: expected NAME SCORE CONDITION"* ]]
	run --separate-stderr rt-classify --rules nonexistent.rules </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nonexistent.rules: No such file or directory"* ]]
	run --separate-stderr rt-classify </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--rules FILE is required"* ]]
}

@test "a rule raising a jq error does not match, is counted, reported once, without record content" {
	printf 'add 10 .s + 1 > 2\nok 1 .n > 0\n' > r.rules
	printf '%s\n' '{"s":"SECRET1","n":1}' '{"s":"SECRET2","n":2}' '{"s":3,"n":0}' > in.ndjson
	for f in "" --no-fast-path; do
		run --separate-stderr rt-classify --rules r.rules $f --stats in.ndjson
		[ "$status" -eq 0 ]
		[ "$(printf '%s\n' "$output" | jq -c '._rules' | tr '\n' ' ')" = '["ok"] ["ok"] ["add"] ' ]
		[ "$(printf '%s\n' "$stderr" | grep -c "rule 'add': jq error")" -eq 1 ]
		[[ "$stderr" == *"r.rules:1: rule 'add': jq error:"*"first at in.ndjson:1"* ]]
		! grep -q SECRET <<<"$stderr"
		[ "$(stat_field errors.add)" = 2 ]
	done
}

@test "rule fields: --fields-from a schema, and a warning for fields absent from the input" {
	printf 'a 1 .amount > 1\nb 1 .amonut > 1\n' > r.rules
	printf '{"properties":{"amount":{"type":"number"}}}' > s.json
	run --separate-stderr rt-classify --rules r.rules --fields-from s.json </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"r.rules:2: rule 'b': field 'amonut' is not a property in s.json"* ]]
	printf '%s\n' '{"amount":2}' '{"amount":3}' > in.ndjson
	run --separate-stderr rt-classify --rules r.rules in.ndjson
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"r.rules:2: rule 'b': field 'amonut' is in none of the first 2 records"* ]]
	[[ "$stderr" != *"'amount'"* ]]
}

@test "model: _prob is the logistic function of the standardised features" {
	cp "$FIX/man/classify.rules" "$FIX/man/classify.model.json" "$FIX/man/classify-txns.ndjson" .
	rt-classify --rules classify.rules --model classify.model.json \
		--label-by prob --label fraud=0.5 classify-txns.ndjson > out
	python3 - <<'EOF'
import json, math
m = json.load(open('classify.model.json'))
for line in open('out'):
    r = json.loads(line)
    z = m['intercept']
    for f in m['features']:
        x = r.get(f['name'])
        x = x if isinstance(x, (int, float)) and not isinstance(x, bool) else f['mean']
        z += f['weight'] * (x - f['mean']) / f['std']
    p = 1 / (1 + math.exp(-z))
    assert abs(p - r['_prob']) < 1e-12, (r, p)
    assert r['_class'] == ('fraud' if p >= 0.5 else 'ok'), r
EOF
	run --separate-stderr rt-classify --rules classify.rules --label-by prob </dev/null
	[ "$status" -eq 2 ]
}

@test "SIGHUP reloads the rules between records; a broken file keeps the old ones" {
	printf 'r1 1 .n > 0\n' > r.rules
	mkfifo f
	exec 4<>f
	rt-classify --rules r.rules --stats < f > out 2> err 4>&- &
	local pid=$!
	echo '{"n":1}' >&4
	for i in $(seq 50); do [ -s out ] && break; sleep 0.1; done
	printf 'r2 5 .n > 0\n' > r.rules
	kill -HUP "$pid"
	sleep 0.3
	echo '{"n":2}' >&4
	for i in $(seq 50); do [ "$(wc -l < out)" -ge 2 ] && break; sleep 0.1; done
	printf 'r3 5 .n >\n' > r.rules
	kill -HUP "$pid"
	sleep 0.3
	echo '{"n":3}' >&4
	exec 4>&-
	wait "$pid"
	[ "$(jq -c '._rules' out | tr '\n' ' ')" = '["r1"] ["r2"] ["r2"] ' ]
	grep -q "reload failed, the rules in force stay: r.rules:1: rule 'r3'" err
	[ "$(tail -1 err | jq .reloads)" = 1 ] && [ "$(tail -1 err | jq .reload_failures)" = 1 ]
}

@test "bad records are rejected; other bytes pass through untouched" {
	printf 'a 1 .n > 0\n' > r.rules
	printf '%s\n' '{"n":1.50,"x":"\u00e9", "y" : [1, 2]}' '[1]' 'nope' > in.ndjson
	run --separate-stderr rt-classify --rules r.rules in.ndjson
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = '{"n":1.50,"x":"\u00e9", "y" : [1, 2],"_score":1,"_rules":["a"],"_class":"ok"}' ]
	[[ "$stderr" == *"in.ndjson:2: not a JSON object"* ]]
	[[ "$stderr" == *"in.ndjson:3: invalid JSON"* ]]
}

@test "man: rt-classify.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-classify.1"
}
