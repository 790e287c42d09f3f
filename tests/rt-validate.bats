# rt-validate: exact output, diagnostics, reject objects, --annotate, CSV
# typed by the schema, --stats per keyword, bad schemas, and agreement with
# Python's jsonschema on generated records.  Conformance against the
# JSON-Schema-Test-Suite is tests/unit/t_schema.c.
load helpers

V="$RT_ROOT/tests/fixtures/validate"

input() {
	printf '%s\n' '{"id":"t1","amount":5,"card":"c-1234"}' \
		'{"id":"x","amount":12000,"zz":1}' \
		'{"id":"t3","amount":"5"}' \
		'{"id":"t4","amount":1,"card":"c"}' > in.ndjson
}

@test "valid records pass byte for byte, exit 0" {
	IN='{"id":"t1", "amount":5.50,"currency":"EUR","n":null}
{"amount":1e3,"id":"t22"}'
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_success
	assert_output "$IN"
	assert_equal "$stderr" ""
}

@test "invalid records: one diagnostic each, no values, exit 1" {
	input
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V" in.ndjson
	assert_failure 1
	assert_output '{"id":"t1","amount":5,"card":"c-1234"}'
	assert_equal "$stderr" 'rt-validate: in.ndjson:2: /id: pattern: does not match pattern "^t[0-9]+$" (and 2 more)
rt-validate: in.ndjson:3: /amount: type: expected number, got string
rt-validate: in.ndjson:4: /card: minLength: must be at least 4 characters long'
}

@test "--verbose puts values in the diagnostic" {
	IN='{"id":"t1","amount":12000}'
	rt_run rt-validate --verbose --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" 'rt-validate: stdin:1: /amount: maximum: 12000 is greater than maximum 10000'
	IN='{"id":"t1","amount":12000}'
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_equal "$stderr" 'rt-validate: stdin:1: /amount: maximum: must be <= 10000'
}

@test "--reject: every error with location, keyword, schema location, message; --max-errors" {
	input
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V" \
		--reject rej.ndjson --max-errors 2 in.ndjson
	assert_failure 1
	assert_output '{"id":"t1","amount":5,"card":"c-1234"}'
	assert_equal "$stderr" "rt-validate: warning: 3 of 4 records were rejected"
	run cat rej.ndjson
	assert_output '{"tool":"rt-validate","source":"in.ndjson","line":2,"reason":"/id: pattern: does not match pattern \"^t[0-9]+$\" (and 1 more)","raw":"{\"id\":\"x\",\"amount\":12000,\"zz\":1}","errors":[{"instanceLocation":"/id","keyword":"pattern","schemaLocation":"#/properties/id/pattern","message":"does not match pattern \"^t[0-9]+$\""},{"instanceLocation":"/amount","keyword":"maximum","schemaLocation":"#/properties/amount/maximum","message":"12000 is greater than maximum 10000"}]}
{"tool":"rt-validate","source":"in.ndjson","line":3,"reason":"/amount: type: expected number, got string","raw":"{\"id\":\"t3\",\"amount\":\"5\"}","errors":[{"instanceLocation":"/amount","keyword":"type","schemaLocation":"#/properties/amount/type","message":"expected number, got string"}]}
{"tool":"rt-validate","source":"in.ndjson","line":4,"reason":"/card: minLength: must be at least 4 characters long","raw":"{\"id\":\"t4\",\"amount\":1,\"card\":\"c\"}","errors":[{"instanceLocation":"/card","keyword":"minLength","schemaLocation":"defs.schema.json#/$defs/card/minLength","message":"must be at least 4 characters long"}]}'
	# Each reject is JSON, and its raw replays to the same verdict.
	run jq -r '.raw' rej.ndjson
	assert_equal "$(sed -n 2,4p in.ndjson)" "$output"
}

@test "--stats: counts add up, invalid records per keyword" {
	input
	rt_run rt-validate --stats --reject /dev/null --schema "$V/txn.schema.json" \
		--schema-dir "$V" in.ndjson
	assert_failure 1
	assert_equal "$(stats_of)" '{"tool":"rt-validate","in":4,"out":1,"rejected":3,"dropped":0,"invalid":3,"keywords":{"pattern":1,"maximum":1,"additionalProperties":1,"type":1,"minLength":1}}'
	# Per record, a keyword counts once however many errors it raised.
	IN='{"id":"t1","amount":1,"a":1,"b":2}
{"id":"t2","amount":1,"c":3}'
	rt_run rt-validate --stats --reject /dev/null --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_equal "$(stat_field keywords.additionalProperties)" 2
	assert_equal "$(stat_field invalid)" 2
}

@test "--annotate: every record passes, invalid ones with _errors; exit 1" {
	input
	rt_run rt-validate --annotate --stats --schema "$V/txn.schema.json" --schema-dir "$V" in.ndjson
	assert_failure 1
	assert_output '{"id":"t1","amount":5,"card":"c-1234"}
{"id":"x","amount":12000,"zz":1,"_errors":[{"instanceLocation":"/id","keyword":"pattern","schemaLocation":"#/properties/id/pattern","message":"does not match pattern \"^t[0-9]+$\""},{"instanceLocation":"/amount","keyword":"maximum","schemaLocation":"#/properties/amount/maximum","message":"12000 is greater than maximum 10000"},{"instanceLocation":"/zz","keyword":"additionalProperties","schemaLocation":"#/additionalProperties","message":"property is not allowed"}]}
{"id":"t3","amount":"5","_errors":[{"instanceLocation":"/amount","keyword":"type","schemaLocation":"#/properties/amount/type","message":"expected number, got string"}]}
{"id":"t4","amount":1,"card":"c","_errors":[{"instanceLocation":"/card","keyword":"minLength","schemaLocation":"defs.schema.json#/$defs/card/minLength","message":"must be at least 4 characters long"}]}'
	assert_equal "$(stat_field out)" 4
	assert_equal "$(stat_field rejected)" 0
	assert_equal "$(stat_field invalid)" 3
}

@test "any JSON value is a record; bad JSON is rejected and the stream goes on" {
	printf '{}\n' > any.json
	IN='1
"x"
[1,2]
null
not json
true'
	rt_run rt-validate --schema any.json
	assert_failure 1
	assert_output '1
"x"
[1,2]
null
true'
	assert_equal "$stderr" 'rt-validate: stdin:5: invalid JSON: invalid literal at byte 1'
	IN='[1,2]'
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_failure 1
	assert_equal "$stderr" 'rt-validate: stdin:1: /: type: expected object, got array'
}

@test "-i csv: fields typed by the schema (number, boolean, null), others stay strings" {
	IN='id,amount,ok,n,currency
t1,12.5,true,,EUR
t2,-1,yes,3.5,GBP
t3,7,false,4,USD'
	rt_run rt-validate -i csv --verbose --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_failure 1
	assert_output '{"id":"t1","amount":12.5,"ok":true,"n":null,"currency":"EUR"}
{"id":"t3","amount":7,"ok":false,"n":4,"currency":"USD"}'
	assert_equal "$stderr" 'rt-validate: stdin:3: /amount: minimum: -1 is less than minimum 0 (and 3 more)'
	printf 'id,amount\nt1,abc\n' > in.csv
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V" --reject rej.ndjson in.csv
	assert_failure 1
	run jq -c '[.line, .errors[0].keyword, .errors[0].message]' rej.ndjson
	assert_output '[2,"type","expected number, got string"]'
}

@test "-i csv: the benchmark generator's CSV reads back as its NDJSON (types from type, enum, \$ref)" {
	python3 "$RT_ROOT/bench/gen-txns.py" -n 500 --csv > t.csv
	python3 "$RT_ROOT/bench/gen-txns.py" -n 500 > want.ndjson
	rt_run rt-validate --formats --stats --schema "$RT_ROOT/examples/transaction.schema.json" t.csv
	assert_success
	assert_equal "$(stat_field out)" 500
	printf '%s\n' "$output" > got.ndjson
	run diff want.ndjson got.ndjson
	assert_success
}

@test "--formats asserts format; without it format is an annotation" {
	IN='{"id":"t1","amount":1,"ts":"2024-02-30T00:00:00Z"}'
	rt_run rt-validate --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_success
	rt_run rt-validate --formats --schema "$V/txn.schema.json" --schema-dir "$V"
	assert_failure 1
	assert_equal "$stderr" 'rt-validate: stdin:1: /ts: format: not a valid date-time'
}

@test "draft 7 by \$schema and by --draft" {
	printf '{"$schema":"http://json-schema.org/draft-07/schema#","items":[{"type":"integer"}],"additionalItems":false}\n' > d7.json
	printf '{"items":[{"type":"integer"}],"additionalItems":false}\n' > plain.json
	IN='[1]
[1,2]'
	rt_run rt-validate --schema d7.json
	assert_failure 1
	assert_output '[1]'
	assert_equal "$stderr" 'rt-validate: stdin:2: /1: additionalItems: item is not allowed'
	rt_run rt-validate --draft 7 --schema plain.json
	assert_failure 1
	assert_output '[1]'
	# In 2020-12 an array "items" is not a schema: refused.
	rt_run rt-validate --schema plain.json
	assert_failure 2
}

@test "bad schemas exit 2 naming the place" {
	printf '{"type":"object",\n' > bad1.json
	printf '{"$schema":"https://example.com/s"}\n' > bad2.json
	printf '{"properties":{"a":{"$ref":"#/$defs/nope"}}}\n' > bad3.json
	printf '{"properties":{"a":{"pattern":"(["}}}\n' > bad4.json
	printf '{"properties":{"a":{"minimum":"x"}}}\n' > bad5.json
	IN='{}'
	nbad=0
	for i in 1 2 3 4 5; do
		rt_run rt-validate --schema bad$i.json
		[ "$status" -eq 2 ] && [ -z "$output" ] || nbad=$((nbad + 1))
		printf '%s\n' "$stderr" >> err.txt
	done
	assert_equal "$nbad" 0
	run cat err.txt
	assert_output "rt-validate: bad1.json: invalid JSON: expected a string key at byte 19
rt-validate: bad2.json: #: unknown \$schema 'https://example.com/s' (rt-validate knows draft 2020-12 and draft 7)
rt-validate: bad3.json: #/properties/a/\$ref: cannot resolve '#/\$defs/nope' (other schema files: --schema-dir)
rt-validate: bad4.json: #/properties/a/pattern: invalid regular expression '([': unterminated character class
rt-validate: bad5.json: #/properties/a/minimum: type: expected number, got string (the draft 2020-12 meta-schema)"
	rt_run rt-validate --schema nosuch.json
	assert_failure 2
	assert_equal "$stderr" "rt-validate: nosuch.json: No such file or directory"
	rt_run rt-validate
	assert_failure 2
	assert_equal "$stderr" "rt-validate: --schema FILE is required
Try 'rt-validate --help' for more information."
	rt_run rt-validate --schema "$V/txn.schema.json" --max-errors 0
	assert_failure 2
	# A $ref to another file needs --schema-dir.
	rt_run rt-validate --schema "$V/txn.schema.json"
	assert_failure 2
	assert_equal "$stderr" "rt-validate: $V/txn.schema.json: #/properties/card/\$ref: cannot resolve 'defs.schema.json#/\$defs/card' (other schema files: --schema-dir)"
}

@test "more than 64 patternProperties all apply" {
	python3 -c 'import json; print(json.dumps({"patternProperties": {"^p%d$" % i: {"type": "integer"} for i in range(70)}, "additionalProperties": False}))' > pp.json
	IN='{"p0":1}
{"p69":1}
{"p69":"x"}
{"p70":1}
{"p65":1,"p3":"y"}'
	rt_run rt-validate --schema pp.json
	assert_failure 1
	assert_output '{"p0":1}
{"p69":1}'
	# Keys the schema does not name are data: their member number stands
	# for them (--verbose and the reject file name them).
	assert_equal "$stderr" 'rt-validate: stdin:3: /<member 1>: type: expected integer, got string
rt-validate: stdin:4: /<member 1>: additionalProperties: property is not allowed
rt-validate: stdin:5: /<member 2>: type: expected integer, got string'
	rt_run rt-validate --schema pp.json --verbose
	assert_equal "$stderr" 'rt-validate: stdin:3: /p69: type: expected integer, got string
rt-validate: stdin:4: /p70: additionalProperties: property is not allowed
rt-validate: stdin:5: /p3: type: expected integer, got string'
}

@test "a record's keys reach stderr only when the schema names them, or with --verbose (issue 14)" {
	cat >k.json <<'EOF2'
{"type":"object","properties":{"id":{"type":"integer"},"cards":{"type":"object","additionalProperties":{"type":"array","items":{"type":"string"}}}},"required":["id"],"propertyNames":{"maxLength":8}}
EOF2
	IN='{"id":"x"}
{"id":1,"cards":{"4111111111111111":["a",2]}}
{"id":1,"cards":{"c/~1":[1]}}
{"id":1,"secret-e-mail":1}'
	rt_run rt-validate --schema k.json --reject rej.ndjson
	assert_failure 1
	assert_equal "$(jq -r .reason rej.ndjson)" '/id: type: expected integer, got string
/cards/4111111111111111/1: type: expected string, got number
/cards/c~1~01/0: type: expected string, got number
/secret-e-mail: propertyNames: property name is invalid'
	rt_run rt-validate --schema k.json
	assert_failure 1
	assert_equal "$stderr" 'rt-validate: stdin:1: /id: type: expected integer, got string
rt-validate: stdin:2: /cards/<member 1>/1: type: expected string, got number
rt-validate: stdin:3: /cards/<member 1>/0: type: expected string, got number
rt-validate: stdin:4: /<member 2>: propertyNames: property name is invalid'
	rt_run rt-validate --schema k.json --verbose
	assert_equal "$(sed -n 4p <<<"$stderr")" "rt-validate: stdin:4: /secret-e-mail: propertyNames: property name 'secret-e-mail' is invalid"
	# The errors in the reject file name the key.
	assert_equal "$(jq -r '.errors[0].message' rej.ndjson | tail -1)" "property name 'secret-e-mail' is invalid"
}

@test "write errors exit 2" {
	IN='{"id":"t1","amount":1}'
	run --separate-stderr bash -c "rt-validate --schema '$V/txn.schema.json' --schema-dir '$V' <<<'$IN' > /dev/full"
	assert_failure 2
	assert_equal "$stderr" "rt-validate: stdout: No space left on device"
}

@test "oracle: agrees with Python's jsonschema on 3000 generated records" {
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	python3 "$RT_ROOT/tests/validate-oracle.py" gen 3000 7 > rec.ndjson
	python3 "$RT_ROOT/tests/validate-oracle.py" judge "$V/oracle.schema.json" < rec.ndjson > want.txt
	rt-validate --annotate --schema "$V/oracle.schema.json" rec.ndjson |
		sed 's/.*"_errors":.*/invalid/; /^{/s/.*/valid/' > got.txt || true
	# Both verdicts occur, and they agree record by record.
	[ "$(grep -c '^valid' want.txt)" -gt 300 ]
	[ "$(grep -c '^invalid' want.txt)" -gt 300 ]
	run diff want.txt got.txt
	assert_success
}

@test "JSON-Schema-Test-Suite through the binary: counts, only known failures" {
	[ -d "$RT_CONFORMANCE/json-schema-test-suite" ] ||
		skip "conformance data not found at $RT_CONFORMANCE"
	run python3 "$RT_ROOT/tests/validate-suite.py" "$RT_CONFORMANCE"
	printf '%s\n' "$output" | grep -v '^  FAIL\|^  EXCLUDED'
	assert_success
	assert_line "draft2020-12: 1299 passed, 0 failed, 0 excluded (remote \$ref over the network)"
	assert_line "draft7: 927 passed, 0 failed, 0 excluded (remote \$ref over the network)"
	run python3 "$RT_ROOT/tests/validate-suite.py" "$RT_CONFORMANCE" --formats
	printf '%s\n' "$output" | grep -v '^  FAIL\|^  EXCLUDED'
	assert_success
	assert_line "draft2020-12 optional/format: 663 passed, 101 failed, 0 excluded (remote \$ref over the network)"
	assert_line "draft7 optional/format: 575 passed, 101 failed, 0 excluded (remote \$ref over the network)"
}

@test "man page examples" {
	check_man_examples "$RT_ROOT/man/rt-validate.1"
}

@test "multipleOf is exact beyond double precision (issue 14)" {
	printf '{"properties":{"a":{"multipleOf":2},"b":{"multipleOf":0.01},"c":{"multipleOf":3}}}\n' > m.json
	IN='{"a":12345678901234567891}
{"a":12345678901234567890}
{"b":1.00000000000000000001}
{"b":151.92}
{"b":1e400}
{"b":1e-400}
{"c":1e99999999999999999999}
{"a":-4e-99999999999999999999}'
	rt_run rt-validate --schema m.json
	assert_failure 1
	assert_output '{"a":12345678901234567890}
{"b":151.92}
{"b":1e400}'
	assert_equal "$stderr" 'rt-validate: stdin:1: /a: multipleOf: must be a multiple of 2
rt-validate: stdin:3: /b: multipleOf: must be a multiple of 0.01
rt-validate: stdin:6: /b: multipleOf: must be a multiple of 0.01
rt-validate: stdin:7: /c: multipleOf: must be a multiple of 3
rt-validate: stdin:8: /a: multipleOf: must be a multiple of 2'
	# A divisor below the doubles is still greater than 0; a schema
	# exponent beyond 10^15 is refused.
	printf '{"multipleOf":1e-5000}\n' > tiny.json
	IN='1e-4999
1e-5001'
	rt_run rt-validate --schema tiny.json
	assert_failure 1
	assert_output '1e-4999'
	printf '{"maximum":1e1000000000000001}\n' > huge.json
	rt_run rt-validate --schema huge.json
	assert_failure 2
	assert_equal "$stderr" 'rt-validate: huge.json: #/maximum: a number'"'"'s exponent is out of range (rt-validate allows -10^15 to 10^15)'
}

@test "decimal differential: multipleOf, limits, integer, enum vs Python's exact fractions" {
	run python3 "$RT_ROOT/tests/validate-decimal.py" 1 "${CASES:-3000}"
	printf '%s\n' "$output" | tail -5
	assert_success
	assert_line --regexp '^decimal: [0-9]+ cases, 0 disagreements$'
}

@test "--schema-dir of a missing directory, or of a file, is a usage error (issue 14)" {
	printf '{}\n' > s.json
	IN='{}'
	rt_run rt-validate --schema s.json --schema-dir nosuch
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "rt-validate: --schema-dir: 'nosuch': No such file or directory
Try 'rt-validate --help' for more information."
	rt_run rt-validate --schema s.json --schema-dir s.json
	assert_failure 2
	assert_equal "$stderr" "rt-validate: --schema-dir: 's.json': Not a directory
Try 'rt-validate --help' for more information."
	rt_run rt-validate --schema s.json --schema-dir .
	assert_success
}

@test "200k properties and 200k required names: load and validate stay linear (issue 14)" {
	python3 - <<'PY'
import json
n = 200000
req = ["p%d" % i for i in range(0, n, 2)] + ["r%d" % i for i in range(n // 2)]
s = {"type": "object", "required": req,
     "properties": {"p%d" % i: {"type": "integer"} for i in range(n)},
     "dependentRequired": {"p1": ["p3"]}}
json.dump(s, open("wide.json", "w"))
full = {"p%d" % i: i for i in range(n)}
full.update({"r%d" % i: 0 for i in range(n // 2)})
with open("wide.ndjson", "w") as f:
    f.write(json.dumps(full) + "\n")
    del full["r77"]
    f.write(json.dumps(full) + "\n")
    f.write('{"p1":1}\n')
    full["r77"] = 1
    del full["p3"]
    f.write(json.dumps(full) + "\n")
    full["p3"] = 3
    full["p5"] = "x"
    f.write(json.dumps(full) + "\n")
PY
	run --separate-stderr timeout 20 rt-validate --schema wide.json \
		--max-record-bytes 64M --stats --reject rej.ndjson wide.ndjson
	assert_failure 1
	assert_equal "$(stats_of)" '{"tool":"rt-validate","in":5,"out":1,"rejected":4,"dropped":0,"invalid":4,"keywords":{"required":2,"dependentRequired":1,"type":1}}'
	run jq -c '[.line, .reason]' rej.ndjson
	assert_output '[2,"/: required: required property '"'"'r77'"'"' is missing"]
[3,"/: required: required property '"'"'p0'"'"' is missing (and 9 more)"]
[4,"/: dependentRequired: property '"'"'p3'"'"' is required when '"'"'p1'"'"' is present"]
[5,"/p5: type: expected integer, got string"]'
}

@test "100k \$refs by pointer, by \$anchor and by \$id: load stays linear (issue 14)" {
	python3 - <<'PY'
import json
n = 100000
d, p = {}, {}
for i in range(n):
    k = i % 3
    d["d%d" % i] = {"type": "integer"} if k == 0 else \
        {"$anchor": "a%d" % i, "type": "integer"} if k == 1 else \
        {"$id": "http://x.test/d%d" % i, "type": "integer"}
    p["p%d" % i] = {"$ref": ["#/$defs/d%d", "#a%d", "http://x.test/d%d"][k] % i}
json.dump({"$defs": d, "properties": p}, open("refs.json", "w"))
PY
	IN='{"p3":1,"p4":2,"p5":3}
{"p3":"x"}
{"p4":"x"}
{"p99998":"x"}'
	run --separate-stderr timeout 20 rt-validate --schema refs.json <<<"$IN"
	assert_failure 1
	assert_output '{"p3":1,"p4":2,"p5":3}'
	assert_equal "$stderr" 'rt-validate: stdin:2: /p3: type: expected integer, got string
rt-validate: stdin:3: /p4: type: expected integer, got string
rt-validate: stdin:4: /p99998: type: expected integer, got string'
}

@test "\$ref cycles that never descend into the instance are refused at load (issue 14)" {
	printf '{"$ref":"#"}\n' > c1.json
	printf '{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"type":"object","$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}\n' > c2.json
	printf '{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"a":{"anyOf":[{"type":"string"},{"$ref":"#/definitions/a"}]}},"properties":{"x":{"$ref":"#/definitions/a"}}}\n' > c3.json
	printf '{"$id":"http://x.test/s","$dynamicAnchor":"m","not":{"$dynamicRef":"#m"}}\n' > c4.json
	printf '{"$defs":{"a":{"if":true,"then":{"dependentSchemas":{"k":{"$ref":"#/$defs/a"}}}}},"items":{"$ref":"#/$defs/a"}}\n' > c5.json
	IN='{}'
	for i in 1 2 3 4 5; do
		rt_run rt-validate --schema c$i.json
		assert_failure 2
		assert_output ""
		printf '%s\n' "$stderr" >> err.txt
	done
	run cat err.txt
	assert_output "rt-validate: c1.json: #/\$ref: a schema cycle that never descends into the instance: # -> #
rt-validate: c2.json: #/\$defs/b/\$ref: a schema cycle that never descends into the instance: #/\$defs/a -> #/\$defs/b -> #/\$defs/a
rt-validate: c3.json: #/definitions/a/anyOf/1/\$ref: a schema cycle that never descends into the instance: #/definitions/a -> #/definitions/a/anyOf/1 -> #/definitions/a
rt-validate: c4.json: #/not/\$dynamicRef: a schema cycle that never descends into the instance: # -> #/not -> #
rt-validate: c5.json: #/\$defs/a/then/dependentSchemas/k/\$ref: a schema cycle that never descends into the instance: #/\$defs/a -> #/\$defs/a/then -> #/\$defs/a/then/dependentSchemas/k -> #/\$defs/a"
	# Recursion through properties and items descends: legal, and it works.
	printf '{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}},"additionalProperties":false}\n' > list.json
	printf '{"type":["array","integer"],"items":{"$ref":"#"}}\n' > tree.json
	IN='{"v":1,"next":{"v":2,"next":{"v":3}}}
{"v":1,"next":{"v":"x"}}'
	rt_run rt-validate --schema list.json
	assert_failure 1
	assert_output '{"v":1,"next":{"v":2,"next":{"v":3}}}'
	assert_equal "$stderr" 'rt-validate: stdin:2: /next/v: type: expected integer, got string'
	IN='[1,[2,[3,[]]]]
[1,[2,["x"]]]'
	rt_run rt-validate --schema tree.json
	assert_failure 1
	assert_output '[1,[2,[3,[]]]]'
}

@test "a schema that fails its meta-schema is refused with the errors (issue 16)" {
	printf '{"type":"object","required":"amount"}\n' > r.json
	printf '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"a":{"type":"strin","minLength":-1}},"definitions":{"x":{"enum":3}}}\n' > d7.json
	printf '{"$defs":{"unused":{"maxItems":1.5}},"properties":{"a":{"$anchor":"9bad"}}}\n' > defs.json
	IN='{"amount":1}'
	rt_run rt-validate --schema r.json
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "rt-validate: r.json: #/required: type: expected array, got string (the draft 2020-12 meta-schema)"
	rt_run rt-validate --schema d7.json
	assert_failure 2
	assert_equal "$stderr" "rt-validate: d7.json: #/properties/a/type: anyOf: does not match any schema of anyOf (the draft 7 meta-schema)
rt-validate: d7.json: #/properties/a/minLength: minimum: must be >= 0 (the draft 7 meta-schema)
rt-validate: d7.json: #/definitions/x/enum: type: expected array, got number (the draft 7 meta-schema)"
	# Subschemas nobody refers to are checked too.
	rt_run rt-validate --schema defs.json
	assert_failure 2
	assert_equal "$stderr" "rt-validate: defs.json: #/\$defs/unused/maxItems: type: expected integer, got number (the draft 2020-12 meta-schema)
rt-validate: defs.json: #/properties/a/\$anchor: pattern: does not match pattern \"^[A-Za-z_][-A-Za-z0-9._]*\$\" (the draft 2020-12 meta-schema)"
}

@test "unknown keywords warn once each, with a suggestion; --quiet-unknown (issue 16)" {
	printf '{"properties":{"x":{"minimun":3,"type":"integer"},"y":{"minimun":1}},"requried":["x"],"x-note":"extensions pass","$comment":"ok"}\n' > u.json
	IN='{"x":1}'
	rt_run rt-validate --schema u.json
	assert_success
	assert_output '{"x":1}'
	assert_equal "$stderr" "rt-validate: u.json: #/properties/x: unknown keyword 'minimun' (did you mean 'minimum'?), ignored (and in 1 more place)
rt-validate: u.json: #: unknown keyword 'requried' (did you mean 'required'?), ignored"
	rt_run rt-validate --quiet-unknown --schema u.json
	assert_success
	assert_equal "$stderr" ""
	# Draft 7 knows its own words, not 2020-12's.
	printf '{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{},"prefixItems":[true]}\n' > u7.json
	rt_run rt-validate --schema u7.json
	assert_success
	assert_equal "$stderr" "rt-validate: u7.json: #: unknown keyword 'prefixItems' (draft 7 has no such keyword), ignored"
}

@test "\$ref to the draft meta-schemas resolves offline (issue 16)" {
	printf '{"$ref":"https://json-schema.org/draft/2020-12/schema"}\n' > m.json
	printf '{"$schema":"http://json-schema.org/draft-07/schema#","$ref":"http://json-schema.org/draft-07/schema#"}\n' > m7.json
	IN='{"minLength":1}
{"minLength":-1}
{"type":"object","properties":{"a":{"$ref":"#/$defs/b"}},"$defs":{"b":{"required":["x"]}}}
{"$defs":{"foo":{"type":1}}}
true'
	rt_run rt-validate --schema m.json
	assert_failure 1
	assert_output '{"minLength":1}
{"type":"object","properties":{"a":{"$ref":"#/$defs/b"}},"$defs":{"b":{"required":["x"]}}}
true'
	assert_equal "$stderr" 'rt-validate: stdin:2: /minLength: minimum: must be >= 0
rt-validate: stdin:4: /$defs/<member 1>/type: anyOf: does not match any schema of anyOf'
	rt_run rt-validate --schema m7.json
	assert_failure 1
	assert_output '{"minLength":1}
{"type":"object","properties":{"a":{"$ref":"#/$defs/b"}},"$defs":{"b":{"required":["x"]}}}
{"$defs":{"foo":{"type":1}}}
true'
}

@test "oracle: random schemas and instances agree with Python's jsonschema, exact decimals (issue 14)" {
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	# CASES scales the run (schemas; 20 instances each).
	run python3 "$RT_ROOT/tests/validate-oracle.py" random "${SEED:-1}" "${CASES:-150}" 20
	printf '%s\n' "$output" | tail -12
	assert_success
	assert_line --regexp '^random schemas: [0-9]+ schemas, [0-9]+ cases \([0-9]+ valid, [0-9]+ invalid\), 0 disagreements$'
}

@test "documents from --schema-dir are checked too: warnings and meta-schema errors name the file (issue 16)" {
	mkdir d
	printf '{"$defs":{"card":{"type":"string","minLenght":4}}}\n' > d/defs.json
	printf '{"$defs":{"card":{"type":"string","maxLength":"4"}}}\n' > d/bad.json
	printf '{"requried":[]}\n' > d/unused.json
	printf '{"properties":{"c":{"$ref":"defs.json#/$defs/card"}}}\n' > main.json
	printf '{"properties":{"c":{"$ref":"bad.json"}}}\n' > main2.json
	IN='{"c":"abc"}'
	rt_run rt-validate --schema main.json --schema-dir d
	assert_success
	assert_equal "$stderr" "rt-validate: d/defs.json: #/\$defs/card: unknown keyword 'minLenght' (did you mean 'minLength'?), ignored"
	rt_run rt-validate --schema main2.json --schema-dir d
	assert_failure 2
	assert_equal "$stderr" "rt-validate: d/bad.json: #/\$defs/card/maxLength: type: expected integer, got string (the draft 2020-12 meta-schema)"
}
