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

# jq_outcomes RULES IN: each record's per-rule outcome by the jq binary,
# as rt-classify's _outcomes ("t", "f", or "e:" and the typed message
# for jq errors, which these tests compare only as "e").
jq_outcomes() {
	local prog
	prog=$(python3 - "$1" <<'PY'
import sys
conds = [l.rstrip('\n').split(None, 2)[2] for l in open(sys.argv[1])
         if l.strip() and not l.startswith('#')]
parts = ['(try (if ([first((%s\n) | select(.))] | length > 0) then "t" else "f" end) catch "e")' % c for c in conds]
print('[' + ', '.join(parts) + ']')
PY
)
	jq -c "$prog" "$2"
}

# rt_outcomes ARGS...: rt-classify's outcomes, errors as "e".
rt_outcomes() {
	RT_CLASSIFY_OUTCOMES=1 rt-classify --label x=1 "$@" 2>/dev/null |
		jq -c '[._outcomes[] | if startswith("e:") then "e" else . end]'
}

@test "regexes are jq's (Oniguruma): folding, \\h, \\pL, POSIX classes, marks, flags" {
	cat > re.rules <<'EOF2'
fold     1 .s | test("ß"; "i")
fold2    1 .s | test("SS"; "i")
h        1 .s | test("\\h")
v        1 .s | test("\\v")
pL       1 .s | test("\\pL")
pLb      1 .s | test("\\p{L}")
lower_i  1 .s | test("^[[:lower:]]+$"; "i")
w_mark   1 .s | test("^\\w+$")
alpha    1 .s | test("[[:alpha:]]")
kelvin   1 .s | test("k"; "i")
digit    1 .s | test("^\\d$")
dot_m    1 .s | test("a.b"; "m")
dot_s    1 .s | test("a.b"; "s")
caret    1 .s | test("^b")
ext      1 .s | test("a b"; "x")
longest  1 .s | test("a|ab"; "l")
nonempty 1 .s | test("x*"; "n")
nullflag 1 .s | test("S"; null)
EOF2
	printf '%s\n' '{"s":"SS"}' '{"s":"ß"}' '{"s":"ss"}' '{"s":"h"}' '{"s":"\t"}' \
		'{"s":"é"}' '{"s":"ÉCOLE"}' '{"s":"a\u0301"}' '{"s":"Ⅻ"}' '{"s":"\u212a"}' \
		'{"s":"٣"}' '{"s":"a\nb"}' '{"s":"ab"}' '{"s":"v"}' '{"s":1}' > in.ndjson
	run --separate-stderr rt-classify --rules re.rules --label x=1 --stats in.ndjson
	[ "$(stat_field fast_rules)" = 18 ]
	rt_outcomes --rules re.rules in.ndjson > fast
	rt_outcomes --rules re.rules --no-fast-path in.ndjson > slow
	jq_outcomes re.rules in.ndjson > jq
	cmp fast slow
	cmp fast jq
	# The cases PCRE2 got wrong, by jq 1.6.
	[ "$(sed -n 1p fast)" = '["t","t","f","f","f","t","t","t","t","f","f","f","f","f","f","f","f","t"]' ]
	[ "$(sed -n 2p fast | jq -c '.[0:2]')" = '["t","t"]' ]	# ß, SS
	[ "$(sed -n 4p fast | jq -c '.[2]')" = '"t"' ]		# \h is h
	[ "$(sed -n 6p fast | jq -c '.[4:6]')" = '["f","t"]' ]	# \pL, \p{L}
	[ "$(sed -n 8p fast | jq -c '.[7]')" = '"t"' ]		# \w on a mark
	[ "$(sed -n 9p fast | jq -c '.[8]')" = '"t"' ]		# [[:alpha:]]
	[ "$(sed -n 10p fast | jq -c '.[9]')" = '"t"' ]		# Kelvin sign
	[ "$(sed -n 15p fast)" = '["e","e","e","e","e","e","e","e","e","e","e","e","e","e","e","e","e","e"]' ]
}

@test "a regex that backtracks for ever: jq's own error per attempt, a reject over the step cap" {
	printf 'cat 1 .s | test("(x+x+)+y")\n' > cat.rules
	printf '{"s":"%s"}\n' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxxxxxxx > in.ndjson
	# One attempt over Oniguruma's 10M steps: jq 1.6 says so too.
	[ "$(jq -c 'try (.s | test("(x+x+)+y")) catch .' in.ndjson | head -1)" = '"Regex failure: retry-limit-in-match over"' ]
	run --separate-stderr rt-classify --rules cat.rules --label x=1 --stats in.ndjson
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"rule 'cat': jq error: Regex failure: retry-limit-in-match over"* ]]
	[ "$(stat_field errors.cat)" = 1 ]
	# A whole search over --max-regex-steps: over the budget, in both paths.
	for f in "" --no-fast-path; do
		run --separate-stderr rt-classify --rules cat.rules --label x=1 $f \
			--max-regex-steps 100000 --stats in.ndjson
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"in.ndjson:2: rule cat: over the evaluation budget"* ]]
		[ "$(stat_field rejected)" = 2 ]
	done
}

@test "an object with a duplicate key: jq's length, last value, has" {
	cat > dup.rules <<'EOF2'
len2   1 length == 2
lenk   1 (.o | length) == 1
last   1 .k == 2
ok     1 .o.a == "y"
has    1 .o | has("a")
esc    1 (.e | length) == 1
EOF2
	printf '%s\n' '{"k":1,"k":2,"o":{"a":"x","a":"y"},"e":{"a":1,"\u0061":2}}' > in.ndjson
	rt_outcomes --rules dup.rules in.ndjson > fast
	rt_outcomes --rules dup.rules --no-fast-path in.ndjson > slow
	jq_outcomes dup.rules in.ndjson > jq
	[ "$(cat fast)" = '["f","t","t","t","t","t"]' ]
	cmp fast slow
	cmp fast jq
}

@test "NaN sorts below every number and itself, as in jq 1.6" {
	cat > nan.rules <<'EOF2'
lt0   1 .a * 10 - .a * 10 < 0
gt0   1 .a * 10 - .a * 10 > 0
le    1 (.a * 10 - .a * 10) <= (.b * 10 - .b * 10)
ge    1 (.a * 10 - .a * 10) >= (.b * 10 - .b * 10)
lt    1 (.a * 10 - .a * 10) < (.b * 10 - .b * 10)
eq    1 (.a * 10 - .a * 10) == (.b * 10 - .b * 10)
ne    1 (.a * 10 - .a * 10) != (.b * 10 - .b * 10)
zgt   1 0 > .a * 10 - .a * 10
zlt   1 0 < .a * 10 - .a * 10
in    1 .a * 10 - .a * 10 | IN(0, 1)
minf  1 (.a * 10 - .a * 10) < -.a * 10
EOF2
	printf '%s\n' '{"a":1e308,"b":1e308}' '{"a":1,"b":1e308}' '{"a":1e308,"b":1}' > in.ndjson
	rt_outcomes --rules nan.rules in.ndjson > fast
	rt_outcomes --rules nan.rules --no-fast-path in.ndjson > slow
	jq_outcomes nan.rules in.ndjson > jq
	[ "$(sed -n 1p fast)" = '["t","f","t","f","t","f","t","t","f","f","t"]' ]
	cmp fast slow
	cmp fast jq
}

@test "a rule over the evaluation budget rejects its record; the stream goes on" {
	cat > slow.rules <<'EOF2'
quick  1 .n > 0
range  5 .k == "r" and last(range(1e9)) > 0
rec    5 .k == "d" and (def f: f; f)
rep    5 .k == "l" and ([limit(.n; repeat(1))] | length) > 0
str    5 .k == "s" and (("x" * .n) | length) > 0
far    5 .k == "a" and ((.z[.n] = 1) | length) > 0
EOF2
	printf '%s\n' '{"n":1}' '{"k":"r","n":1}' '{"k":"d","n":1}' '{"k":"l","n":1e12}' \
		'{"k":"l","n":3}' '{"k":"s","n":100000000}' '{"k":"s","n":3}' \
		'{"k":"a","n":100000000}' '{"k":"a","n":3}' '{"n":2}' > in.ndjson
	run --separate-stderr rt-classify --rules slow.rules --label x=1 --max-eval-ms 50 --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | jq -c '._rules' | tr '\n' ' ')" = '["quick"] ["quick","rep"] ["quick","str"] ["quick","far"] ["quick"] ' ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'over the evaluation budget')" -eq 5 ]
	[[ "$stderr" == *"in.ndjson:2: rule range: over the evaluation budget"* ]]
	[[ "$stderr" == *"in.ndjson:3: rule rec: over the evaluation budget"* ]]
	[[ "$stderr" == *"in.ndjson:4: rule rep: over the evaluation budget"* ]]
	[[ "$stderr" == *"in.ndjson:6: rule str: over the evaluation budget"* ]]
	[[ "$stderr" == *"in.ndjson:8: rule far: over the evaluation budget"* ]]
	[ "$(stat_field in)" = 10 ] && [ "$(stat_field out)" = 5 ] && [ "$(stat_field rejected)" = 5 ]
	# A record over the budget counts for no rule.
	[ "$(stat_field matches.quick)" = 5 ]
	# The reject file says why, with the record as it was.
	rt-classify --rules slow.rules --label x=1 --max-eval-ms 50 --reject rej.ndjson in.ndjson > /dev/null || true
	[ "$(jq -r 'select(.line == 2) | .reason' rej.ndjson)" = "rule range: over the evaluation budget" ]
	[ "$(jq -r 'select(.line == 2) | .raw' rej.ndjson)" = '{"k":"r","n":1}' ]
	# Bad values.
	run --separate-stderr rt-classify --rules slow.rules --max-eval-ms x </dev/null
	[ "$status" -eq 2 ] && [[ "$stderr" == *"--max-eval-ms: not a count"* ]]
}

@test "before a slow record, what is already scored is written out" {
	printf 'slow 1 if .slow then last(range(1e9)) > 0 else false end\n' > slow.rules
	mkfifo f
	exec 4<>f
	rt-classify --rules slow.rules --label x=1 --max-eval-ms 4000 < f > out 2>/dev/null 4>&- &
	local pid=$!
	# Both in one write: the first is scored while the second waits.
	printf '%s\n%s\n' '{"id":1,"slow":false}' '{"id":2,"slow":true}' >&4
	for i in $(seq 30); do [ -s out ] && break; sleep 0.1; done
	[ "$(jq -c .id out)" = 1 ]
	exec 4>&-
	wait "$pid" || true
	[ "$(jq -c .id out)" = 1 ]
}

@test "rt-alert --when has the budget too" {
	printf '%s\n' '{"ts":"2024-01-01T00:00:00Z","n":1}' '{"ts":"2024-01-01T00:00:01Z","n":2}' > in.ndjson
	run --separate-stderr rt-alert --when 'if .n == 1 then last(range(1e9)) > 0 else true end' \
		--max-eval-ms 50 --stats in.ndjson
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"in.ndjson:1: --when: over the evaluation budget"* ]]
	[ "$(stat_field rejected)" = 1 ]
	[ "$(printf '%s\n' "$output" | jq -c '._alert.count // 1' | wc -l)" -eq 1 ]
}

@test "a NUL byte in a rules file is an error, not a cut rule" {
	printf 'a 1 .a\0 == 1\n' > nul.rules
	run --separate-stderr rt-classify --rules nul.rules </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-classify: nul.rules:1: NUL byte" ]
	printf 'ok 1 .a == 1\n# a comment\0\n' > nul2.rules
	run --separate-stderr rt-classify --rules nul2.rules </dev/null
	[ "$status" -eq 2 ] && [ "$stderr" = "rt-classify: nul2.rules:2: NUL byte" ]
	printf '{"name":"a","score":1,"when":".a\\u0000 == 1"}\n' > nul.ndjson
	run --separate-stderr rt-classify --rules nul.ndjson </dev/null
	[ "$status" -eq 2 ] && [ "$stderr" = "rt-classify: nul.ndjson:1: NUL byte" ]
}

@test "--no-env: conditions see no environment under the sandbox unless --env" {
	printf 'secret 1 $ENV.SECRET == "s3"\nenv 1 env.SECRET == "s3"\ndef 1 (def f: $ENV.SECRET; f) == "s3"\n' > env.rules
	echo '{}' > in.ndjson
	export SECRET=s3
	for f in "" --no-fast-path; do
		[ "$(rt-classify --rules env.rules --label x=1 $f in.ndjson | jq -c ._rules)" = '[]' ]
		[ "$(rt-classify --rules env.rules --label x=1 $f --no-env in.ndjson | jq -c ._rules)" = '[]' ]
		[ "$(rt-classify --rules env.rules --label x=1 $f --env in.ndjson | jq -c ._rules)" = '["secret","env","def"]' ]
		[ "$(rt-classify --rules env.rules --label x=1 $f --no-sandbox in.ndjson | jq -c ._rules)" = '["secret","env","def"]' ]
		[ "$(rt-classify --rules env.rules --label x=1 $f --no-sandbox --no-env in.ndjson | jq -c ._rules)" = '[]' ]
	done
	printf '%s\n' '{"ts":"2024-01-01T00:00:00Z"}' > a.ndjson
	[ "$(rt-alert --when '$ENV.SECRET == "s3"' a.ndjson | wc -l)" -eq 0 ]
	[ "$(rt-alert --when 'env.SECRET == "s3"' --env a.ndjson | wc -l)" -eq 1 ]
	[ "$(rt-alert --when '$ENV.SECRET == "s3"' --no-sandbox a.ndjson | wc -l)" -eq 1 ]
	[ "$(rt-alert --when '$ENV.SECRET == "s3"' --no-sandbox --no-env a.ndjson | wc -l)" -eq 0 ]
}

@test "jq errors: jq's message with values replaced by their types, never record content" {
	cat > err.rules <<'EOF2'
add    1 .s + 1 > 2
index  1 .n.card == 1
neg    1 -.s > 0
own    1 if .s then error(.s) else false end
parse  1 (.s | tonumber) > 0
EOF2
	printf '%s\n' '{"s":"SECRET-4111","n":4111111111111111}' > in.ndjson
	for f in "" --no-fast-path; do
		run --separate-stderr rt-classify --rules err.rules --label x=1 $f in.ndjson
		[ "$status" -eq 0 ]
		! grep -q 'SECRET\|4111' <<<"$stderr"
		[[ "$stderr" == *"rule 'add': jq error: string (...) and number (...) cannot be added ("* ]]
		[[ "$stderr" == *"rule 'index': jq error: Cannot index number with string \"...\" ("* ]]
		[[ "$stderr" == *"rule 'neg': jq error: string (...) cannot be negated ("* ]]
		[[ "$stderr" == *"rule 'own': jq error: error(...) raised by the condition ("* ]]
		[[ "$stderr" == *"rule 'parse': jq error: Invalid numeric literal at EOF at line 1, column 11 (while parsing '...') ("* ]]
		# --verbose names the key (from the rule), still no value.
		run --separate-stderr rt-classify --rules err.rules --label x=1 $f --verbose in.ndjson
		[[ "$stderr" == *"rule 'index': jq error: Cannot index number with string \"card\" ("* ]]
		! grep -q 'SECRET\|4111' <<<"$stderr"
	done
}

@test "no warning about labels when --label is given" {
	printf 'a 1 .n > 0\n' > r.rules
	run --separate-stderr rt-classify --rules r.rules --label fraud=1 <<<'{"n":1}'
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ "$(jq -r ._class <<<"$output")" = fraud ]
}

@test "differential, seeded: fast path, libjq and the jq binary on random rules and records" {
	# 2 rule sets of 30 rules, 100 records each: 6000 cases.
	run python3 "$C/diff.py" --seed "${RT_DIFF_SEED:-7}" --runs 2 --rules 30 --records 100 --bin "$RT_BIN"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "6000 cases, 0 disagreements" ]
}

@test "a value nested a million deep within the budget does not crash libjq's recursive free" {
	printf 'deep 1 .n > 0 and (reduce range(1e9) as $x (null; [.]) | length) > 0\n' > deep.rules
	printf '%s\n' '{"n":1}' '{"n":0}' > in.ndjson
	# jq 1.6 itself dies of this at 300,000 levels on an 8 MiB stack.
	run --separate-stderr rt-classify --rules deep.rules --label x=1 --max-eval-ms 600 in.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = "rt-classify: in.ndjson:1: rule deep: over the evaluation budget" ]
	[ "$(jq -c .n <<<"$output")" = 0 ]
}
