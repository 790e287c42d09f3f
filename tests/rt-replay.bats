# rt-replay: records leave unchanged; --from (inclusive) and --to
# (exclusive) to the microsecond; --stamp; pacing by event time at
# --speed 1 and 10 and by --rate, checked from the stamps and the run's
# wall time (lower bounds only: a loaded machine is slow, never fast); each
# record flushed when due; records without a readable time; usage and
# write errors; the man page's examples.
load helpers

# Kill what a test left running in the background.
teardown() {
	if [ -n "${BG:-}" ]; then
		kill "$BG" 2>/dev/null || true
		wait "$BG" 2>/dev/null || true
	fi
}

# now: the wall clock in microseconds since the epoch.
now() { date +%s%6N; }

# paced N STEP_MS: N records STEP_MS apart in event time, from
# 2024-03-01T12:00:00Z, with the time in various spellings.
paced() {
	python3 - "$1" "$2" <<'EOF'
import sys, datetime
n, step = int(sys.argv[1]), int(sys.argv[2])
t0 = datetime.datetime(2024, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
for i in range(n):
    t = t0 + datetime.timedelta(milliseconds=i * step)
    if i % 3 == 1:      # an offset
        s = t.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat(timespec='milliseconds')
    else:
        s = t.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    print('{"i":%d,"ts":"%s","pad":"%s"}' % (i, s, 'x' * i))
EOF
}

# spaced FILE STEP_US: each stamp (.sent) less the first is at least its
# record's place in the schedule (index * STEP_US) less 2 ms; the stamps
# never go back.  Prints "ok" or what is wrong.
spaced() {
	jq -s -r --argjson step "$2" '
		.[0].sent as $s0
		| [to_entries[] | select(.value.sent - $s0 < .key * $step - 2000)
		   | "record \(.key) at \(.value.sent - $s0) us"]
		+ [range(1; length) as $k | select(.[$k].sent < .[$k - 1].sent) | "stamp \($k) went back"]
		| if length == 0 then "ok" else join(", ") end' "$1"
}

@test "records leave byte for byte, in order; counts and behind_max_us in --stats" {
	cat > in.ndjson <<'EOF'
{"id":1,"ts":"2024-03-01T12:00:00Z","amount":1.50,"big":12345678901234567890}
{ "id" : 2 , "ts":"2024-03-01T13:00:00.001+01:00", "s":"caf\u00e9 \"q\"" }
{"id":3,"ts":"2024-03-01T12:00:00.002Z","nested":{"ts":"1999-01-01T00:00:00Z"},"a":[1,{"b":null}]}
{"ts":"2024-03-01T12:00:00.003Z","id":4,"u":"é"}
EOF
	run --separate-stderr rt-replay --speed max --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat in.ndjson)" ]
	[ "$(stats_of | jq -c 'del(.behind_max_us)')" = '{"tool":"rt-replay","in":4,"out":4,"rejected":0,"dropped":0}' ]
	[ "$(stats_of | jq '.behind_max_us | type == "number" and . >= 0 and floor == .')" = true ]
	# Paced, from stdin, CRLF accepted and written as LF.
	sed 's/$/\r/' in.ndjson > crlf.ndjson
	run --separate-stderr rt-replay --speed 10 < crlf.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat in.ndjson)" ]
	# Several files, one after the other.
	run --separate-stderr rt-replay --speed max in.ndjson in.ndjson
	[ "$output" = "$(cat in.ndjson in.ndjson)" ]
	# Generated transactions: every byte.
	rt-gen --customers 50 --terminals 100 --days 3 > g.ndjson
	rt-replay --speed max g.ndjson > out.ndjson
	[ "$(wc -l < g.ndjson)" -gt 100 ]
	cmp g.ndjson out.ndjson
	# CSV in, CSV out: the same rows.
	printf 'id,ts,amount\n1,2024-03-01T12:00:00Z,1.50\n2,2024-03-01T12:00:00.02Z,"2,000"\n' > in.csv
	run --separate-stderr rt-replay --speed 10 -o csv in.csv
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat in.csv)" ]
}

@test "--from is inclusive and --to exclusive, to the microsecond, whatever the spelling" {
	cat > in.ndjson <<'EOF'
{"id":1,"ts":"2024-03-01T12:00:00.999999Z"}
{"id":2,"ts":"2024-03-01T12:00:01Z"}
{"id":3,"ts":"2024-03-01T13:00:01.000001+01:00"}
{"id":4,"ts":"2024-03-01T12:00:01.999999Z"}
{"id":5,"ts":"2024-03-01T12:00:02.000Z"}
{"id":6,"ts":"2024-03-01T12:00:02.000001Z"}
{"id":7,"ts":"2024-03-01T12:00:00Z"}
EOF
	ids() { printf '%s\n' "$output" | jq -r .id | tr '\n' ' '; }
	run --separate-stderr rt-replay --speed max --stats --from 2024-03-01T12:00:01Z --to 2024-03-01T12:00:02Z in.ndjson
	[ "$status" -eq 0 ]
	[ "$(ids)" = "2 3 4 " ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,3,0,4]" ]
	# The records in range leave unchanged.
	[ "$output" = "$(sed -n 2,4p in.ndjson)" ]
	run --separate-stderr rt-replay --speed max --from 2024-03-01T12:00:01Z in.ndjson
	[ "$(ids)" = "2 3 4 5 6 " ]
	run --separate-stderr rt-replay --speed max --to 2024-03-01T12:00:01Z in.ndjson
	[ "$(ids)" = "1 7 " ]
	run --separate-stderr rt-replay --speed max --from 2024-03-01T12:00:01.000001Z --to 2024-03-01T12:00:02.000001Z in.ndjson
	[ "$(ids)" = "3 4 5 " ]
	# The bounds in another zone, or without one (--tz, default UTC).
	run --separate-stderr rt-replay --speed max --from 2024-03-01T14:00:01+02:00 --to 2024-03-01T07:00:02-05:00 in.ndjson
	[ "$(ids)" = "2 3 4 " ]
	run --separate-stderr rt-replay --speed max --from 2024-03-01T12:00:01 --to '2024-03-01 12:00:02' in.ndjson
	[ "$(ids)" = "2 3 4 " ]
	run --separate-stderr rt-replay --speed max --tz +01:00 --from 2024-03-01T13:00:01 --to 2024-03-01T13:00:02 in.ndjson
	[ "$(ids)" = "2 3 4 " ]
	# An empty range: everything dropped, nothing rejected.
	run --separate-stderr rt-replay --speed max --stats --from 2024-03-01T12:00:02Z --to 2024-03-01T12:00:01Z in.ndjson
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,0,0,7]" ]
	# Epoch numbers (--time-unit) in another field (--time); --rate too.
	printf '{"id":%d,"at":%s}\n' 1 1709294400999 2 1709294401000 3 1709294401999 4 1709294402000 > ms.ndjson
	run --separate-stderr rt-replay --time at --time-unit ms --rate 1000 --stats --from 2024-03-01T12:00:01Z --to 2024-03-01T12:00:02Z ms.ndjson
	[ "$status" -eq 0 ]
	[ "$(ids)" = "2 3 " ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[4,2,0,2]" ]
}

@test "--stamp F adds an integer F: the send time, never going back, within the run" {
	paced 11 1 > in.ndjson
	local t0 t1
	t0=$(now)
	run --separate-stderr rt-replay --stamp sent in.ndjson
	t1=$(now)
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.ndjson
	[ "${#lines[@]}" -eq 11 ]
	# The record, then ,"sent":<integer>: nothing else changes.
	[ "$(grep -cvE ',"sent":[1-9][0-9]{15}\}$' out.ndjson)" -eq 0 ]
	sed -E 's/,"sent":[0-9]+\}$/}/' out.ndjson | cmp - in.ndjson
	[ "$(jq -s --argjson a "$t0" --argjson b "$t1" '[.[].sent] | (. == sort) and .[0] >= $a and .[-1] <= $b' out.ndjson)" = true ]
	# A member of that name is replaced where it stands.
	printf '%s\n' '{"sent":"x","ts":"2024-03-01T12:00:00Z","id":1}' > s.ndjson
	run --separate-stderr rt-replay --speed max --stamp sent s.ndjson
	[[ "$output" =~ ^\{\"sent\":[1-9][0-9]{15},\"ts\":\"2024-03-01T12:00:00Z\",\"id\":1\}$ ]]
	# CSV out: a last column.
	run --separate-stderr rt-replay --speed max --stamp sent -o csv s.ndjson
	[ "${lines[0]}" = "sent,ts,id" ]
	[[ "${lines[1]}" =~ ^[1-9][0-9]{15},2024-03-01T12:00:00Z,1$ ]]
}

@test "pacing: 11 records 100 ms apart take a second at --speed 1, a tenth at --speed 10" {
	paced 11 100 > in.ndjson
	local t0 t1
	t0=$(now)
	rt-replay --speed 1 --stamp sent in.ndjson > out1.ndjson
	t1=$(now)
	[ $((t1 - t0)) -ge 900000 ]
	[ "$(wc -l < out1.ndjson)" -eq 11 ]
	[ "$(spaced out1.ndjson 100000)" = ok ]
	# The last record leaves a second after the first.
	[ $(( $(tail -1 out1.ndjson | jq .sent) - $(head -1 out1.ndjson | jq .sent) )) -ge 998000 ]
	t0=$(now)
	rt-replay --speed 10 --stamp sent in.ndjson > out10.ndjson
	t1=$(now)
	[ $((t1 - t0)) -ge 90000 ]
	[ "$(spaced out10.ndjson 10000)" = ok ]
	# Fractional speeds: 0.2 s of event time at half speed take 0.4 s.
	paced 3 100 > short.ndjson
	rt-replay --speed 0.5 --stamp sent short.ndjson > half.ndjson
	[ "$(spaced half.ndjson 200000)" = ok ]
	# Stamps aside, the records are the input.
	sed -E 's/,"sent":[0-9]+\}$/}/' out10.ndjson | cmp - in.ndjson
}

@test "pacing: a record earlier than the one before does not wait; the next ones keep the schedule" {
	cat > in.ndjson <<'EOF'
{"i":0,"ts":"2024-03-01T12:00:00Z"}
{"i":1,"ts":"2024-03-01T12:00:00.300Z"}
{"i":2,"ts":"2024-03-01T12:00:00.100Z"}
{"i":3,"ts":"2024-03-01T11:59:00Z"}
{"i":4,"ts":"2024-03-01T12:00:00.600Z"}
EOF
	local t0 t1
	t0=$(now)
	run --separate-stderr rt-replay --stamp sent --stats in.ndjson
	t1=$(now)
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.ndjson
	[ "$(jq -r .i out.ndjson | tr '\n' ' ')" = "0 1 2 3 4 " ]
	[ $((t1 - t0)) -ge 580000 ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[5,5,0,0]" ]
	# Send times from the first: at least 0, 300, 300, 300 and 600 ms.
	[ "$(jq -s -c '.[0].sent as $s | map(.sent - $s) | [.[1] >= 298000, .[2] >= .[1], .[3] >= .[2], .[4] >= 598000]' out.ndjson)" = "[true,true,true,true]" ]
}

@test "--rate N: N records a second, whatever their times" {
	# Times all the same, out of order, missing: --rate does not read them.
	for i in $(seq 0 10); do
		case $((i % 3)) in
		0) printf '{"i":%d,"ts":"2024-03-01T12:00:00Z"}\n' "$i" ;;
		1) printf '{"i":%d,"ts":"2020-01-01T00:00:00Z"}\n' "$i" ;;
		2) printf '{"i":%d}\n' "$i" ;;
		esac
	done > in.ndjson
	local t0 t1
	t0=$(now)
	run --separate-stderr rt-replay --rate 20 --stamp sent --stats in.ndjson
	t1=$(now)
	[ "$status" -eq 0 ]
	[ $((t1 - t0)) -ge 450000 ]
	printf '%s\n' "$output" > out.ndjson
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[11,11,0,0]" ]
	[ "$(spaced out.ndjson 50000)" = ok ]
	sed -E 's/,"sent":[0-9]+\}$/}/' out.ndjson | cmp - in.ndjson
	# N/s is the same; fractions are allowed.
	t0=$(now)
	rt-replay --rate 20/s in.ndjson > out2.ndjson
	t1=$(now)
	[ $((t1 - t0)) -ge 450000 ]
	cmp out2.ndjson in.ndjson
	head -3 in.ndjson > three.ndjson
	rt-replay --rate 6.5 --stamp sent three.ndjson > out3.ndjson
	[ "$(spaced out3.ndjson 153846)" = ok ]
}

@test "each record leaves when it is due, flushed: a reader has it while the next is an hour away" {
	# The second record is an hour earlier than the first: it is late,
	# and leaves at once; the third is an hour later.
	printf '%s\n' '{"id":1,"ts":"2024-03-01T12:00:00Z"}' '{"id":2,"ts":"2024-03-01T11:00:00Z"}' \
		'{"id":3,"ts":"2024-03-01T13:00:00Z"}' > in.ndjson
	mkfifo out.fifo
	rt-replay --speed 1 in.ndjson > out.fifo 2>/dev/null 3>&- &
	BG=$!
	exec 4< out.fifo
	local one= two=
	IFS= read -r -t 30 one <&4 || true
	IFS= read -r -t 30 two <&4 || true
	exec 4<&-
	[ "$one" = '{"id":1,"ts":"2024-03-01T12:00:00Z"}' ]
	[ "$two" = '{"id":2,"ts":"2024-03-01T11:00:00Z"}' ]
	# Still waiting for the third record's time.
	kill -0 "$BG"
}

@test "records without a readable time are rejected (not with --rate alone); the stream goes on" {
	cat > in.ndjson <<'EOF'
{"id":1,"ts":"2024-03-01T12:00:00Z"}
{"id":2}
{"id":3,"ts":"yesterday"}
{"id":4,"ts":null}
[1,2]
not json
{"id":7,"ts":"2024-03-01T12:00:00.010Z"}
EOF
	run --separate-stderr rt-replay --speed 10 --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = "$(sed -n '1p;7p' in.ndjson)" ]
	[ "$(printf '%s\n' "$stderr" | grep -v '^{')" = "rt-replay: in.ndjson:2: ts: time field missing
rt-replay: in.ndjson:3: ts: not a date-time
rt-replay: in.ndjson:4: ts: time field is not a string or a number
rt-replay: in.ndjson:5: not a JSON object
rt-replay: in.ndjson:6: invalid JSON: invalid literal at byte 1" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,2,5,0]" ]
	# --reject: the raw lines, verbatim.
	run --separate-stderr rt-replay --speed max --reject rej.ndjson in.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = 'rt-replay: warning: 5 of 7 records were rejected' ]
	[ "$(jq -r .raw rej.ndjson)" = "$(sed -n 2,6p in.ndjson)" ]
	[ "$(jq -c '[.tool, .source, .line]' rej.ndjson | tr '\n' ' ')" = '["rt-replay","in.ndjson",2] ["rt-replay","in.ndjson",3] ["rt-replay","in.ndjson",4] ["rt-replay","in.ndjson",5] ["rt-replay","in.ndjson",6] ' ]
	# --strict: stops at the first.
	run --separate-stderr rt-replay --speed max --strict in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = "$(sed -n 1p in.ndjson)" ]
	# --rate alone reads no time: every line passes, as it is.
	run --separate-stderr rt-replay --rate 1000 --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat in.ndjson)" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,7,0,0]" ]
	# --rate with --stamp needs objects; with --from it needs the time.
	run --separate-stderr rt-replay --rate 1000 --stamp sent --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "1 2 3 4 7 " ]
	[ "$(printf '%s\n' "$output" | jq -r '.sent | type' | sort -u)" = number ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,5,2,0]" ]
	run --separate-stderr rt-replay --rate 1000 --from 2024-03-01T12:00:00.005Z --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = "$(sed -n 7p in.ndjson)" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = "[7,1,5,1]" ]
	# The man page's file: record 4 has no time.
	cp "$FIX/man/replay-txns.ndjson" .
	run --separate-stderr rt-replay --speed max replay-txns.ndjson
	[ "$status" -eq 1 ]
	[ "$stderr" = "rt-replay: replay-txns.ndjson:4: ts: time field missing" ]
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "1 2 3 5 " ]
}

@test "bad options: exit 2 with a message, nothing played" {
	cp "$FIX/man/replay-txns.ndjson" .
	local -a bad=(
		"--speed 0|rt-replay: --speed: '0' is not a positive number or max"
		"--speed -2|rt-replay: --speed: '-2' is not a positive number or max"
		"--speed fast|rt-replay: --speed: 'fast' is not a positive number or max"
		"--speed inf|rt-replay: --speed: 'inf' is not a positive number or max"
		"--speed nan|rt-replay: --speed: 'nan' is not a positive number or max"
		"--speed 2x|rt-replay: --speed: '2x' is not a positive number or max"
		"--rate 0|rt-replay: --rate: '0' is not a positive rate (N or N/s)"
		"--rate 5/m|rt-replay: --rate: '5/m' is not a positive rate (N or N/s)"
		"--rate -1|rt-replay: --rate: '-1' is not a positive rate (N or N/s)"
		"--rate /s|rt-replay: --rate: '/s' is not a positive rate (N or N/s)"
		"--from soon|rt-replay: --from: not a date-time: 'soon'"
		"--to 2024-13-01|rt-replay: --to: month out of range: '2024-13-01'"
		"--time-unit h|rt-replay: unknown value 'h' for --time-unit; use s, ms, us or ns"
		"--bogus|rt-replay: unknown option '--bogus'"
		"-o xml|rt-replay: unknown value 'xml' for -o; use ndjson, csv or tsv"
	)
	local b args want
	for b in "${bad[@]}"; do
		args=${b%%|*} want=${b#*|}
		run --separate-stderr rt-replay $args replay-txns.ndjson
		[ "$status" -eq 2 ] || { echo "rt-replay $args: status $status"; return 1; }
		[ -z "$output" ] || { echo "rt-replay $args wrote to stdout"; return 1; }
		[ "$stderr" = "$want
Try 'rt-replay --help' for more information." ] || { echo "rt-replay $args: $stderr"; return 1; }
	done
	run --separate-stderr rt-replay --speed
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-replay: option '--speed' needs a value
Try 'rt-replay --help' for more information." ]
	# An unreadable operand: trouble, after playing the others.
	run --separate-stderr rt-replay --speed max no-such.ndjson replay-txns.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"rt-replay: no-such.ndjson: No such file or directory"* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "write errors: /dev/full exits 2 with a message, paced or not" {
	cp "$FIX/man/replay-txns.ndjson" .
	local opts
	for opts in "--speed max" "--speed 100" "--rate 1000" "--speed max --stamp sent"; do
		run --separate-stderr bash -c "rt-replay $opts replay-txns.ndjson > /dev/full"
		[ "$status" -eq 2 ] || { echo "$opts: status $status"; return 1; }
		[[ "$stderr" == *"rt-replay: stdout: No space left on device" ]] || { echo "$opts: $stderr"; return 1; }
	done
}

@test "man: rt-replay.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-replay.1"
}

# ---- signals (rtpipe(7), SIGNALS) ----

@test "SIGTERM while a long line is being written: the line is finished, never cut" {
	python3 -c '
import json
for i in range(6):
    print(json.dumps({"i": i, "ts": "2024-03-01T12:00:0%dZ" % i, "pad": "x" * 3000000}))' > big.ndjson
	mkfifo f
	# The reader waits before reading: the writer blocks inside a line.
	{ sleep 1.5; cat; } < f > out &
	local reader=$!
	rt-replay --speed max --max-record-bytes 8M big.ndjson > f 3>&- &
	BG=$!
	sleep 0.7
	kill -TERM "$BG"
	local rc=0
	wait "$BG" || rc=$?
	BG=
	wait "$reader"
	[ "$rc" -eq 0 ]
	[ -s out ]
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
	# Whole records, the first ones of the input, in order.
	local n
	n=$(wc -l < out)
	[ "$n" -lt 6 ]
	head -n "$n" big.ndjson | cmp - out
}

@test "SIGTERM, SIGINT or SIGHUP while waiting for a record's time: exits at once, every line whole" {
	printf '%s\n' '{"i":0,"ts":"2024-03-01T12:00:00Z"}' '{"i":1,"ts":"2024-03-01T13:00:00Z"}' > in.ndjson
	local sig
	for sig in TERM INT HUP; do
		rt-replay --stats in.ndjson > out 2> err 3>&- &
		BG=$!
		sleep 0.5
		SECONDS=0
		kill -"$sig" "$BG"
		local rc=0
		wait "$BG" || rc=$?
		BG=
		[ "$rc" -eq 0 ] || { echo "SIG$sig: exit $rc"; return 1; }
		[ "$SECONDS" -le 1 ]
		[ "$(cat out)" = '{"i":0,"ts":"2024-03-01T12:00:00Z"}' ]
		[ "$(jq -c '[.in, .out]' err)" = "[1,1]" ]
	done
}
