# rt-merge: exact outputs on small inputs (ties, delay, lateness, tags,
# formats, errors), the model of tests/merge/ as the oracle on seeded
# generated inputs (files and FIFOs), and live FIFOs at different paces.
load helpers

M="$RT_ROOT/tests/merge"

two() {
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","a":1}' \
		'{"ts":"2024-03-01T12:00:02Z","a":2}' \
		'{"ts":"2024-03-01T12:00:04Z","a":3}' > a.ndjson
	printf '%s\n' '{"ts":"2024-03-01T12:00:01Z","b":1}' \
		'{"ts":"2024-03-01T12:00:02Z","b":2}' \
		'{"ts":"2024-03-01T12:00:03Z","b":3}' > b.ndjson
}

@test "merge: two sorted inputs, ties by input, counts" {
	two
	rt_run rt-merge --stats a.ndjson b.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"ts":"2024-03-01T12:00:00Z","a":1}
{"ts":"2024-03-01T12:00:01Z","b":1}
{"ts":"2024-03-01T12:00:02Z","a":2}
{"ts":"2024-03-01T12:00:02Z","b":2}
{"ts":"2024-03-01T12:00:03Z","b":3}
{"ts":"2024-03-01T12:00:04Z","a":3}' ]
	[ "$(stats_of)" = '{"tool":"rt-merge","in":6,"out":6,"rejected":0,"dropped":0,"late":0,"inputs":2,"held_max":2}' ]
	# The operands the other way round: the tie goes the other way.
	rt_run rt-merge b.ndjson a.ndjson
	[ "${lines[2]}" = '{"ts":"2024-03-01T12:00:02Z","b":2}' ]
	[ "${lines[3]}" = '{"ts":"2024-03-01T12:00:02Z","a":2}' ]
}

@test "merge: equal times go by input, then by arrival; forms of time mix" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","k":"a1"}' \
		'{"ts":1709294400,"k":"a2"}' > a.ndjson
	printf '%s\n' '{"ts":"2024-03-01T13:00:00+01:00","k":"b1"}' \
		'{"ts":"2024-03-01T12:00:00.000Z","k":"b2"}' > b.ndjson
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","k":"c1"}' > c.ndjson
	rt_run rt-merge c.ndjson a.ndjson b.ndjson
	[ "$status" -eq 0 ]
	[ "$(jq -r .k <<<"$output" | tr '\n' ' ')" = "c1 a1 a2 b1 b2 " ]
}

@test "merge: --max-delay sorts within an input; beyond it a record is late and rejected" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:10Z","v":1}' \
		'{"ts":"2024-03-01T12:00:08Z","v":2}' \
		'{"ts":"2024-03-01T12:00:12Z","v":3}' \
		'{"ts":"2024-03-01T12:00:07Z","v":4}' \
		'{"ts":"2024-03-01T12:00:11Z","v":5}' > in.ndjson
	rt_run rt-merge --max-delay 3s --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -r .v <<<"$output" | tr '\n' ' ')" = "2 1 5 3 " ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-merge: in.ndjson:4: late: 2s behind the watermark (see --max-delay, --late)" ]
	[ "$(stat_field late)" = 1 ] && [ "$(stat_field rejected)" = 1 ]
	# Without a delay, every record behind the newest is late.
	rt_run rt-merge --stats in.ndjson
	[ "$(jq -r .v <<<"$output" | tr '\n' ' ')" = "1 3 " ]
	[ "$(stat_field late)" = 3 ]
}

@test "merge: --late FILE keeps late records (dropped, exit 0); --late-pass marks them" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:10Z","v":1}' \
		'{"ts":"2024-03-01T12:00:05Z","v":2}' '{"ts":"2024-03-01T12:00:11Z","v":3}' > in.ndjson
	rt_run rt-merge --late late.ndjson --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$(cat late.ndjson)" = '{"ts":"2024-03-01T12:00:05Z","v":2}' ]
	[ "$(stat_field dropped)" = 1 ] && [ "$(stat_field out)" = 2 ] && [ "$(stat_field late)" = 1 ]
	rt_run rt-merge --late-pass --tag src in.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '{"ts":"2024-03-01T12:00:05Z","v":2,"src":"in.ndjson","_late":true}' ]
	[ "${#lines[@]}" -eq 3 ]
	rt_run rt-merge --late x --late-pass in.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-merge: --late and --late-pass exclude each other"* ]]
	rt_run rt-merge --late /no/such/dir/late in.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-merge --late /dev/full in.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"/dev/full: No space left on device"* ]]
}

@test "merge: --tag appends the input's name, replaces it in place, --tag-names" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","src":"old","x":1}' \
		'{"ts":"2024-03-01T12:00:01Z" }' ' {"ts":"2024-03-01T12:00:02Z"}  ' > a.ndjson
	printf '%s\n' '{"ts":"2024-03-01T12:00:03Z","y":{"z":[1]}}' > b.ndjson
	rt_run rt-merge --tag src a.ndjson b.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"ts":"2024-03-01T12:00:00Z","src":"a.ndjson","x":1}
{"ts":"2024-03-01T12:00:01Z" ,"src":"a.ndjson"}
 {"ts":"2024-03-01T12:00:02Z","src":"a.ndjson"}  
{"ts":"2024-03-01T12:00:03Z","y":{"z":[1]},"src":"b.ndjson"}' ]
	rt_run rt-merge --tag from --tag-names 'auth,caf"é' a.ndjson b.ndjson
	[ "${lines[3]}" = '{"ts":"2024-03-01T12:00:03Z","y":{"z":[1]},"from":"caf\"é"}' ]
	IN='{"ts":"2024-03-01T12:00:00Z"}' rt_run rt-merge --tag src
	[ "$output" = '{"ts":"2024-03-01T12:00:00Z","src":"stdin"}' ]
	rt_run rt-merge --tag src --tag-names a a.ndjson b.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-merge: --tag-names: fewer names than inputs"* ]]
	rt_run rt-merge --tag src --tag-names a,b,c a.ndjson b.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-merge --tag-names a,b a.ndjson b.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-merge: --tag-names goes with --tag"* ]]
}

@test "merge: formats per input: FMT: prefixes, extensions, -i" {
	printf 'ts,k\n2024-03-01T12:00:01Z,c1\n2024-03-01T12:00:03Z,c2\n' > c.csv
	printf 'ts\tk\n2024-03-01T12:00:02Z\tt1\n' > t.txt
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","k":"n1"}' > n.ndjson
	rt_run rt-merge --tag src c.csv tsv:t.txt n.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"ts":"2024-03-01T12:00:00Z","k":"n1","src":"n.ndjson"}
{"ts":"2024-03-01T12:00:01Z","k":"c1","src":"c.csv"}
{"ts":"2024-03-01T12:00:02Z","k":"t1","src":"t.txt"}
{"ts":"2024-03-01T12:00:03Z","k":"c2","src":"c.csv"}' ]
	rt_run rt-merge n.ndjson csv:- < c.csv
	[ "$(jq -r .k <<<"$output" | tr '\n' ' ')" = "n1 c1 c2 " ]
	cp c.csv c.dat
	rt_run rt-merge -i csv c.dat ndjson:n.ndjson
	[ "$(jq -r .k <<<"$output" | tr '\n' ' ')" = "n1 c1 c2 " ]
	# A path with a colon that is no format is a path.
	cp n.ndjson 'x:n.ndjson'
	rt_run rt-merge 'x:n.ndjson'
	[ "$status" -eq 0 ] && [ "$output" = "$(cat n.ndjson)" ]
	rt_run rt-merge - - < n.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-merge: standard input ('-') given twice"* ]]
	rt_run rt-merge -o csv c.csv n.ndjson
	[ "$output" = 'ts,k
2024-03-01T12:00:00Z,n1
2024-03-01T12:00:01Z,c1
2024-03-01T12:00:03Z,c2' ]
}

@test "merge: bad records are rejected with their reason; an input that fails is reported, the others go on" {
	printf '%s\n' '{"ts":"2024-03-01T12:00:00Z","v":1}' '{"v":2}' '{"ts":true}' \
		'{"ts":"yesterday"}' '[1]' '{"ts":' '{"ts":"2024-03-01T12:00:01Z","v":3}' > a.ndjson
	rt_run rt-merge --stats a.ndjson
	[ "$status" -eq 1 ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-merge: a.ndjson:2: ts: time field missing
rt-merge: a.ndjson:3: ts: not a string or a number
rt-merge: a.ndjson:4: ts: not a date-time
rt-merge: a.ndjson:5: not a JSON object
rt-merge: a.ndjson:6: invalid JSON: unexpected end of text at byte 7" ]
	[ "$(stat_field in)" = 7 ] && [ "$(stat_field out)" = 2 ] && [ "$(stat_field rejected)" = 5 ]
	two
	# A read error (EIO) and a directory: reported; the rest is merged.
	rt_run rt-merge --stats a.ndjson /proc/self/mem . b.ndjson
	[ "$status" -eq 2 ]
	grep -qx 'rt-merge: /proc/self/mem: Input/output error' <<<"$stderr"
	grep -qx 'rt-merge: .: Is a directory' <<<"$stderr"
	[ "${#lines[@]}" -eq 6 ] && [ "$(stat_field out)" = 6 ]
	rt_run rt-merge --strict --stats a.ndjson b.ndjson
	[ "$status" -eq 0 ]
	[ "$(stat_field rejected)" = 0 ] && [ "$(stat_field late)" = 0 ]
	printf '%s\n' '{"ts":"2024-03-01T12:00:05Z"}' '{"ts":"2024-03-01T12:00:06Z"}' 'x' > c.ndjson
	rt_run rt-merge --strict --stats b.ndjson c.ndjson
	[ "$status" -eq 1 ]
	[ "$(stat_field rejected)" = 1 ]
	[ "${#lines[@]}" -eq 5 ]	# what was held is written
}

@test "merge: --time, --time-unit; stdin, process substitution, empty inputs" {
	printf '%s\n' '{"at":1709294401000,"v":1}' '{"at":1709294403000,"v":3}' > a.ndjson
	printf '%s\n' '{"at":1709294402000,"v":2}' > b.ndjson
	rt_run rt-merge --time at --time-unit ms a.ndjson b.ndjson
	[ "$(jq -r .v <<<"$output" | tr '\n' ' ')" = "1 2 3 " ]
	rt_run bash -c 'rt-merge --time at --time-unit ms <(cat a.ndjson) - /dev/null < b.ndjson'
	[ "$status" -eq 0 ]
	[ "$(jq -r .v <<<"$output" | tr '\n' ' ')" = "1 2 3 " ]
	: > empty.ndjson
	rt_run rt-merge --stats empty.ndjson empty.ndjson
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ "$(stat_field in)" = 0 ]
}

@test "merge: records held across many reads and large ones come out intact" {
	python3 - <<'EOF'
import json
big = "x" * 50000
with open("a.ndjson", "w") as a, open("b.ndjson", "w") as b:
    for k in range(20000):
        rec = {"ts": 1709294400 + k, "k": k, "pad": big if k % 997 == 0 else "p" * (k % 300)}
        a.write(json.dumps(rec) + "\n")
    b.write(json.dumps({"ts": 1709294400 + 30000, "k": -1}) + "\n")
EOF
	# With a delay over the whole span everything is held to the end.
	rt_run rt-merge --max-delay 10h --stats b.ndjson a.ndjson
	[ "$status" -eq 0 ]
	[ "$(stat_field held_max)" -ge 20000 ]
	cat a.ndjson b.ndjson > want.ndjson
	[ "$output" = "$(cat want.ndjson)" ]
	# --max-delay with disorder, through a FIFO: against a sort.
	python3 -c '
import json, random
r = random.Random(5)
for k in range(30000):
    print(json.dumps({"ts": 1709294400000 + k * 10 - r.randrange(0, 5000), "k": k}))' > d.ndjson
	rt_run bash -c 'rt-merge --time-unit ms --max-delay 5s --stats <(cat d.ndjson)'
	[ "$status" -eq 0 ]
	[ "$(stat_field late)" = 0 ] && [ "$(stat_field out)" = 30000 ]
	[ "$(jq -r .k <<<"$output" | md5sum)" = "$(jq -r '[.ts, .k] | @tsv' d.ndjson | sort -s -n -k1,1 | cut -f2 | md5sum)" ]
}

@test "oracle: rt-merge matches the model on seeded inputs (files and FIFOs)" {
	run python3 "$M/check.py" "$RT_BIN/rt-merge" "${CASES:-300}" "${SEED:-17}"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == *" 0 disagreements" ]]
}

@test "live: FIFOs at different paces; a quiet input with --idle-timeout does not hold the other back" {
	run python3 "$M/live.py" "$RT_BIN/rt-merge"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^ok' <<<"$output")" -eq 9 ]
}

@test "merge: the man page examples run" {
	check_man_examples "$RT_ROOT/man/rt-merge.1"
}
