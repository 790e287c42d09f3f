# Diagnostics (rtpipe(7), "--max-diagnostics"): the first N rejects of
# each kind get a line on stderr, then one summary line per kind; a run
# that rejected most of its records out of sight says so at exit.
load helpers

tools() { (cd "$RT_BIN" && ls rt-*); }

args_for() {
	case $1 in
	rt-validate) echo "--schema $FIX/suite/any.schema.json" ;;
	rt-window) echo "--sliding 1h --time arrival" ;;
	rt-classify) echo "--rules $FIX/suite/any.rules --check-fields 0 --label x=1" ;;
	rt-join) echo "--table $FIX/suite/join.ndjson --on a=id" ;;
	*) echo "" ;;
	esac
}

@test "diagnostics: the first 10 of a kind, then one line with the count" {
	{ for i in $(seq 25); do echo "x$i"; done
	  for i in $(seq 12); do echo '[1'; done
	  echo '{"a":1}'; } >in.ndjson
	rt_run rt-clean in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":1}' ]
	[ "$(grep -c '^rt-clean: in.ndjson:[0-9]*: invalid JSON: unexpected character at byte 1$' <<<"$stderr")" = 10 ]
	[ "$(grep -c '^rt-clean: in.ndjson:[0-9]*: invalid JSON: unexpected end of text at byte 3$' <<<"$stderr")" = 10 ]
	[ "$(tail -3 <<<"$stderr")" = "rt-clean: 15 more rejects like 'invalid JSON: unexpected character at byte 1' not shown (see --reject, --stats, --max-diagnostics)
rt-clean: 2 more rejects like 'invalid JSON: unexpected end of text at byte 3' not shown (see --reject, --stats, --max-diagnostics)
rt-clean: warning: 37 of 38 records were rejected" ]
	[ "$(wc -l <<<"$stderr")" = 23 ]
}

@test "diagnostics: --max-diagnostics N and 0, --verbose shows all" {
	for i in $(seq 30); do echo "x$i"; done >in.ndjson
	rt_run rt-clean --max-diagnostics 3 in.ndjson
	[ "$(wc -l <<<"$stderr")" = 5 ]
	[ "$(sed -n 4p <<<"$stderr")" = "rt-clean: 27 more rejects like 'invalid JSON: unexpected character at byte 1' not shown (see --reject, --stats, --max-diagnostics)" ]
	rt_run rt-clean --max-diagnostics 0 --stats in.ndjson
	[ "$(grep -c '^rt-clean: in.ndjson:' <<<"$stderr")" = 30 ]
	[ "$(stat_field rejected)" = 30 ]
	! grep -q warning <<<"$stderr"
	rt_run rt-clean --verbose in.ndjson
	[ "$(grep -c '^rt-clean: in.ndjson:' <<<"$stderr")" = 30 ]
	rt_run rt-clean --max-diagnostics x in.ndjson
	[ "$status" -eq 2 ]
}

@test "diagnostics: every tool warns once when most records were rejected out of sight" {
	local t
	printf '%s\n' 'bad' 'bad' '{"a":1,"arrival":"2024-01-01T00:00:00Z","ts":"2024-01-01T00:00:00Z","is_fraud":0,"_score":1}' >most.ndjson
	printf '%s\n' 'bad' '{"a":1,"arrival":"2024-01-01T00:00:00Z","ts":"2024-01-01T00:00:00Z","is_fraud":0,"_score":1}' '{"a":2,"arrival":"2024-01-01T00:00:01Z","ts":"2024-01-01T00:00:01Z","is_fraud":1,"_score":2}' >few.ndjson
	for t in $(tools); do
		case $t in rt-gen | rt-top | rt-nats) continue ;; esac
		run --separate-stderr "$t" $(args_for "$t") --reject r.ndjson most.ndjson
		[ "$status" -eq 1 ] || { echo "$t: status $status"; return 1; }
		[ "$stderr" = "$t: warning: 2 of 3 records were rejected" ] ||
			{ echo "$t most: '$stderr'"; return 1; }
		run --separate-stderr "$t" $(args_for "$t") --reject r.ndjson few.ndjson
		[ -z "$stderr" ] || { echo "$t few: '$stderr'"; return 1; }
		# Every reject shown on stderr: no need to say it again.
		run --separate-stderr "$t" $(args_for "$t") most.ndjson
		[ "$(wc -l <<<"$stderr")" = 2 ] || { echo "$t shown: '$stderr'"; return 1; }
	done
}

@test "diagnostics: epoch seconds read with --time-unit ms are said to fall in 1970, once" {
	printf '%s\n' '{"ts":1709294400,"k":1}' '{"ts":1709294460,"k":1}' >in.ndjson
	rt_run rt-window -k k --sliding 1h --time-unit ms in.ndjson
	[ "$status" -eq 0 ]
	[ "$stderr" = 'rt-window: in.ndjson:1: warning: epoch times read in ms fall before 1990 or after 2099; in s they would not (--time-unit s?)' ]
	rt_run rt-alert -k k --when true --time-unit ms in.ndjson
	[ "$stderr" = 'rt-alert: in.ndjson:1: warning: epoch times read in ms fall before 1990 or after 2099; in s they would not (--time-unit s?)' ]
	# Milliseconds read as seconds: after 2100, rejected as out of range too.
	printf '%s\n' '{"ts":1709294400123,"k":1}' >ms.ndjson
	rt_run rt-clean --time ts ms.ndjson
	[[ "$stderr" == *"in ms they would not (--time-unit ms?)"* ]]
	# The right unit, or a 1970 that no unit makes plausible: nothing.
	rt_run rt-window -k k --sliding 1h in.ndjson
	[ -z "$stderr" ]
	IN='{"ts":0,"k":1}'
	rt_run rt-window -k k --sliding 1h
	[ -z "$stderr" ]
}

@test "diagnostics: a -k or --time field no record has is named once (rt-window, rt-alert)" {
	local i
	for i in 1 2 3; do
		printf '{"customer_id":%d,"ts":"2024-01-01T00:00:0%dZ","_class":"fraud","_score":1}\n' "$i" "$i"
	done >in.ndjson
	# rt-alert would raise alerts keyed null: it says why at the end.
	rt_run rt-alert -k customer in.ndjson
	[ "$status" -eq 0 ]
	[ "$stderr" = "rt-alert: warning: -k: field 'customer' is in none of the 3 records" ]
	rt_run rt-alert -k customer_id --time when in.ndjson
	[ "$(tail -1 <<<"$stderr")" = "rt-alert: warning: --time: field 'when' is in none of the 3 records" ]
	rt_run rt-window -k customer --sliding 1h in.ndjson
	[ "$(tail -1 <<<"$stderr")" = "rt-window: warning: -k: field 'customer' is in none of the 3 records" ]
	# At the 1000th record, not only at the end (a live stream).
	for i in $(seq 1001); do echo '{"customer_id":1,"ts":"2024-01-01T00:00:00Z","_class":"fraud","_score":1}'; done >many.ndjson
	mkfifo f
	rt-alert -k custmer_id <f >/dev/null 2>err &
	exec 5>f
	cat many.ndjson >&5
	for i in $(seq 50); do grep -q warning err && break; sleep 0.1; done
	grep -qx "rt-alert: warning: -k: field 'custmer_id' is in none of the first 1000 records" err
	exec 5>&-
	wait
	[ "$(grep -c warning err)" = 1 ]
	# Fields that are there: nothing.
	rt_run rt-window -k customer_id --sliding 1h in.ndjson
	[ -z "$stderr" ]
}
