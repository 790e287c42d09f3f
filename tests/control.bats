# Control records (rtpipe(7), "Control records"): a line beginning
# {"$rt":" passes through every tool at once and in order, is never
# counted, validated, rejected or windowed; a barrier makes a stateful
# tool write its --state before passing it on.
load helpers

tools() { (cd "$RT_BIN" && ls rt-*); }

# Arguments that make TOOL pass the test records on unchanged in number.
args_for() {
	case $1 in
	rt-validate) echo "--schema $FIX/suite/any.schema.json" ;;
	rt-window) echo "--sliding 1h" ;;
	rt-classify) echo "--rules $FIX/suite/any.rules --check-fields 0" ;;
	rt-alert) echo "--when true" ;;
	rt-replay) echo "--rate 1000000" ;;
	rt-join) echo "--table $FIX/suite/join.ndjson --on id" ;;
	*) echo "" ;;
	esac
}

records() {
	printf '%s\n' '{"id":1,"ts":"2024-01-01T00:00:00Z","is_fraud":0,"_score":1}' \
		'{"$rt":"barrier","id":7}' \
		'{"id":2,"ts":"2024-01-01T00:00:01Z","is_fraud":1,"_score":2}' \
		'{"$rt":"flush","note":"x"}' \
		'{"id":3,"ts":"2024-01-01T00:00:02Z","is_fraud":0,"_score":0}'
}

@test "control: every filter passes control records in order, uncounted" {
	local t
	records >in.ndjson
	for t in $(tools); do
		case $t in rt-gen | rt-top | rt-eval | rt-nats) continue ;; esac
		run --separate-stderr "$t" $(args_for "$t") --stats in.ndjson
		[ "$status" -eq 0 ] || { echo "$t: status $status: $stderr"; return 1; }
		[ "$(sed -n 2p <<<"$output")" = '{"$rt":"barrier","id":7}' ] ||
			{ echo "$t: barrier not second: $output"; return 1; }
		[ "$(sed -n 4p <<<"$output")" = '{"$rt":"flush","note":"x"}' ] ||
			{ echo "$t: other control record not fourth: $output"; return 1; }
		[ "$(grep -c '"id":[123],"ts"' <<<"$output")" = 3 ] ||
			{ echo "$t: records: $output"; return 1; }
		[ "$(stat_field in)" = 3 ] || { echo "$t: $(stats_of)"; return 1; }
	done
}

@test "control: a barrier comes out at once, before the input ends" {
	local t line
	for t in rt-clean rt-window rt-classify rt-alert; do
		mkfifo "f-$t"
		# shellcheck disable=SC2046
		"$t" $(args_for "$t") <"f-$t" >"o-$t" &
		exec 5>"f-$t"
		records | head -2 >&5
		line=
		for _ in $(seq 100); do
			line=$(grep -c '"\$rt"' "o-$t" || true)
			[ "$line" = 1 ] && break
			sleep 0.05
		done
		exec 5>&-
		wait
		[ "$line" = 1 ] || { echo "$t held the barrier back"; return 1; }
	done
}

@test "control: rt-eval, a report, keeps them; -o csv does not write them" {
	records >in.ndjson
	run --separate-stderr rt-eval in.ndjson
	[ "$status" -eq 0 ]
	[ "$(jq -r .records <<<"$output")" = 3 ]
	! grep -q '"\$rt"' <<<"$output"
	run --separate-stderr rt-clean -o csv --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = $'id,ts,is_fraud,_score\n1,2024-01-01T00:00:00Z,0,1\n2,2024-01-01T00:00:01Z,1,2\n3,2024-01-01T00:00:02Z,0,0' ]
}

@test "control: only the exact form is a control record; the rest is data" {
	printf '%s\n' '{ "$rt":"barrier","id":1}' '{"$rt":1}' '{"$rt":"barrier","id":-1}' \
		'{"$rt":"barrier"' >in.ndjson
	run --separate-stderr rt-classify --rules "$FIX/suite/any.rules" --check-fields 0 --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -c '._rules' <<<"$output" | tr '\n' ' ')" = '["any"] ["any"] ["any"] ' ]
	[ "$(stat_field in)" = 4 ]
	[ "$(stat_field rejected)" = 1 ]
}

@test "control: rt-merge aligns barriers: one goes out once every input delivered it" {
	printf '%s\n' '{"ts":1}' '{"ts":5}' '{"$rt":"barrier","id":1}' '{"ts":9}' '{"$rt":"x"}' >a.ndjson
	printf '%s\n' '{"ts":2}' '{"ts":3}' '{"ts":6}' '{"$rt":"barrier","id":1}' '{"ts":7}' >b.ndjson
	printf '%s\n' '{"ts":4}' >c.ndjson
	run --separate-stderr rt-merge --time-unit s --stats a.ndjson b.ndjson c.ndjson
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = '{"ts":1} {"ts":2} {"ts":3} {"ts":4} {"ts":5} {"ts":6} {"$rt":"barrier","id":1} {"ts":7} {"ts":9} {"$rt":"x"} ' ]
	[ "$(stat_field in)" = 8 ]
	[ "$(stat_field out)" = 8 ]
}

# snap: the state written at each barrier is the state chunked runs
# write at the same record (tests/control/snap.py).
snap() {
	run python3 "$RT_ROOT/tests/control/snap.py" in.ndjson "$@"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == *" barriers, 0 disagreements" ]]
}

@test "control: rt-window's state at each barrier equals a chunked run's" {
	rt-gen --days 6 --seed 5 --customers 150 --terminals 100 >in.ndjson
	snap 25 1 -- rt-window -k customer_id --sliding 1d -a count -a sum:amount -a distinct:terminal_id
	snap 25 2 -- rt-window -k customer_id --tumble 1h -a count -a max:amount -a distinct:terminal_id
	snap 25 3 -- rt-window -k customer_id --hop 1h --size 3h -a avg:amount
	snap 25 4 -- rt-window -k customer_id --session 30m -a count -a min:amount
	snap 25 5 -- rt-window -k terminal_id --rows 5 -a first:amount -a last:amount -a stddev:amount
}

@test "control: rt-alert's state at each barrier equals a chunked run's" {
	rt-gen --days 6 --seed 6 --customers 150 --terminals 100 >in.ndjson
	snap 25 1 -- rt-alert -k customer_id --suppress 1d --when '.amount > 80'
	snap 25 2 -- rt-alert -k customer_id --suppress 1h --when '.amount > 50' --max-delay 1h
}

@test "control: rt-clean --dedupe --state at each barrier equals a chunked run's" {
	rt-gen --days 3 --seed 2 --customers 50 --terminals 50 --messy |
		rt-clean -i csv --keys snake --integer tx_id 2>/dev/null >in.ndjson
	snap 20 1 -- rt-clean --dedupe tx_id
	snap 20 2 -- rt-clean --dedupe tx_id --dedupe-window 1h --time ts
}
