# rt-alert: exact alerts on small inputs; suppression, rate summaries, top K
# and --max-delay against an independent Python model (tests/alert/oracle.py)
# on generated records with late arrivals; chunked --state runs byte-
# identical to one run; formats; --exec delivery that succeeds, fails,
# times out and succeeds on retry; --exit-status; latency; rejects.
load helpers

A="$RT_ROOT/tests/alert"

small() {
	cat > s.ndjson <<'EOF'
{"id":1,"ts":"2024-01-01T10:00:00Z","card_id":"A","_score":50,"_rules":["r1"],"_class":"review"}
{"id":2,"ts":"2024-01-01T10:05:00Z","card_id":"A","_score":90,"_rules":["r1","r2"],"_class":"fraud"}
{"id":3,"ts":"2024-01-01T10:06:00Z","card_id":"B","_score":0,"_rules":[],"_class":"ok"}
{"id":4,"ts":"2024-01-01T10:40:00Z","card_id":"A","_score":50,"_rules":["r1"],"_class":"review"}
{"id":5,"ts":"2024-01-01T10:02:00.5Z","card_id":"B","_score":60,"_rules":["r3"],"_class":"review"}
{"id":6,"ts":"2024-01-01T10:07:00Z","card_id":"C","amount":3}
EOF
}

# oracle_cmp ARGS...: rt-alert and the model agree on g.ndjson (alerts in
# order, all but alert_id, and the counts).
oracle_cmp() {
	python3 "$A/oracle.py" "$@" g.ndjson > o.out
	run --separate-stderr rt-alert --time ts --stats "$@" g.ndjson
	[ "$status" -le 1 ]
	printf '%s\n' "$output" | jq -c 'del(.alert_id)' > c.out
	head -n -1 o.out | jq -c . > o.alerts
	diff c.out o.alerts
	local want got
	want=$(tail -1 o.out | jq -c '.stats | [.in, .out, .rejected, .dropped, .worthy, .raised, .suppressed, .throttled, .outranked, .late, .summaries]')
	got=$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .worthy, .raised, .suppressed, .throttled, .outranked, .late, .summaries]')
	[ "$got" = "$want" ]
	# Nothing lost: in = out + rejected + dropped.
	[ "$(stats_of | jq '.in == .out + .rejected + .dropped')" = true ]
}

@test "one alert per incident: exact alerts, suppressed counts, counts add up" {
	small
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --stats s.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "$output" | jq -c 'del(.alert_id)' | head -1)" = '{"time":"2024-01-01T10:00:00Z","key":{"card_id":"A"},"class":"review","score":50,"rules":["r1"],"suppressed":0,"record":{"id":1,"ts":"2024-01-01T10:00:00Z","card_id":"A","_score":50,"_rules":["r1"],"_class":"review"}}' ]
	# Record 2 is suppressed; record 4 (40 min later) says so.
	[ "$(printf '%s\n' "$output" | jq -c '[.record.id, .suppressed, .time]' | tr '\n' ' ')" = '[1,0,"2024-01-01T10:00:00Z"] [4,1,"2024-01-01T10:40:00Z"] [5,0,"2024-01-01T10:02:00.500Z"] ' ]
	# The record inside the alert is byte for byte the input line.
	[ "$(printf '%s\n' "${lines[1]}" | sed 's/.*,"record"://; s/}$//')" = "$(sed -n 4p s.ndjson)" ]
	[[ "${lines[0]}" =~ ^\{\"alert_id\":\"[0-9a-f]{16}\", ]]
	[ "$(stats_of | jq -c '[.in,.out,.rejected,.dropped,.worthy,.raised,.suppressed,.keys]')" = '[6,3,0,3,4,3,1,2]' ]
	# Same input, same ids.
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts s.ndjson
	[ "$(printf '%s\n' "$output" | jq -r .alert_id | tr '\n' ' ')" = "$(rt-alert -k card_id --suppress 30m --time ts s.ndjson | jq -r .alert_id | tr '\n' ' ')" ]
}

@test "suppression by event time agrees with the model on 3000 records with late arrivals" {
	python3 "$A/gen.py" 3000 1 > g.ndjson
	oracle_cmp --key card_id --suppress 1800s
	oracle_cmp --key card_id --suppress 300s
	[ "$(stat_field suppressed)" -gt 100 ]
}

@test "--rate caps alerts per period and reports what it held back in summaries" {
	python3 "$A/gen.py" 3000 2 > g.ndjson
	oracle_cmp --key card_id --suppress 600s --rate 5/3600s
	[ "$(stat_field summaries)" -gt 5 ] && [ "$(stat_field throttled)" -gt 100 ]
	# Every held-back alert is in some summary.
	[ "$(printf '%s\n' "$output" | jq -s '[.[] | select(.summary) | .throttled] | add')" = "$(stat_field throttled)" ]
}

@test "--top K --per DUR keeps the best alerts of each period; late ones are rejected" {
	python3 "$A/gen.py" 3000 3 > g.ndjson
	oracle_cmp --top 3 --per 3600s
	[ "$(stat_field outranked)" -gt 100 ] && [ "$(stat_field late)" -gt 0 ]
	oracle_cmp --key card_id --suppress 900s --max-delay 100s --top 2 --per 1800s
}

@test "--max-delay puts late records back in order: the same alerts as sorted input" {
	python3 "$A/gen.py" 3000 4 > g.ndjson
	oracle_cmp --key card_id --suppress 900s --max-delay 600s
	jq -c -s 'sort_by(.ts) | .[]' g.ndjson > sorted.ndjson
	rt-alert --time ts -k card_id --suppress 900s sorted.ndjson | jq -c '[.record.id, .suppressed]' | sort > a
	rt-alert --time ts -k card_id --suppress 900s --max-delay 600s g.ndjson | jq -c '[.record.id, .suppressed]' | sort > b
	cmp a b
	# Without it, arrival order changes some decisions.
	rt-alert --time ts -k card_id --suppress 900s g.ndjson | jq -c '[.record.id, .suppressed]' | sort > c
	! cmp -s a c
}

@test "--state: chunked runs give byte-identical alerts to one run" {
	python3 "$A/gen.py" 3000 5 > g.ndjson
	split -l 1000 -d g.ndjson part.
	for opts in "-k card_id --suppress 900s --max-delay 100s --top 2 --per 30m" \
		"-k card_id --suppress 10m --rate 5/1h" "-k card_id --suppress 15m --max-delay 5m"; do
		rt-alert --time ts $opts g.ndjson > whole.out 2>/dev/null || true
		rm -f st
		{
			rt-alert --time ts $opts --state st part.00
			rt-alert --time ts $opts --state st part.01
			rt-alert --time ts $opts --state st --flush part.02
		} > chunked.out 2>/dev/null || true
		[ -s whole.out ]
		cmp whole.out chunked.out
	done
	# A state file written with other options is refused.
	run --separate-stderr rt-alert --time ts -k card_id --suppress 1h --state st part.00
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"st: written with other options"* ]]
}

@test "--when: a jq condition; the fast path and libjq agree; a bad one is a usage error" {
	python3 "$A/gen.py" 2000 6 > g.ndjson
	rt-alert --time ts --when '._score >= 70 and .amount > 100' -k card_id --suppress 10m g.ndjson > fast.out
	rt-alert --time ts --when '._score >= 70 and .amount > 100' -k card_id --suppress 10m --no-fast-path g.ndjson > slow.out
	cmp fast.out slow.out
	[ "$(jq -s 'map(select(.record._score < 70 or .record.amount <= 100)) | length' fast.out)" = 0 ]
	[ "$(wc -l < fast.out)" -gt 50 ]
	python3 "$A/oracle.py" --when-score-ge 70 g.ndjson | tail -1 > o.stats
	run --separate-stderr rt-alert --time ts --when '._score >= 70' --stats g.ndjson
	[ "$(stat_field worthy)" = "$(jq .stats.worthy o.stats)" ]
	run --separate-stderr rt-alert --when '._score >=' g.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --when:1: rule 'when': the condition does not compile"* ]]
}

@test "formats: text, template and CSV" {
	small
	run rt-alert -k card_id --suppress 30m --time ts --format text s.ndjson
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^ALERT\ [0-9a-f]{16}\ 2024-01-01T10:40:00Z\ key=A\ class=review\ score=50\ rules=r1\ suppressed=1$ ]]
	run rt-alert --time ts --template '{card_id} {amount} {_rules} {{x}} {suppressed}' s.ndjson
	[ "$output" = "$(printf 'A  r1 {x} 0\nA  r1,r2 {x} 0\nA  r1 {x} 0\nB  r3 {x} 0')" ]
	run rt-alert -k card_id --time ts --format csv s.ndjson
	[ "${lines[0]}" = "alert_id,time,key,class,score,rules,suppressed,throttled" ]
	[ "$(printf '%s\n' "${lines[2]}" | cut -d, -f2-)" = "2024-01-01T10:05:00Z,A,fraud,90,r1;r2,0," ]
	[ "${#lines[@]}" -eq 5 ]
}

@test "--exec: the alert on stdin and in RT_ALERT_*, argv without a shell" {
	small
	cat > hook <<'EOF'
#!/bin/sh
printf '%s %s %s %s|' "$RT_ALERT_ID" "$RT_ALERT_KEY" "$RT_ALERT_CLASS" "$1" >> got
jq -c .record.id >> got
EOF
	chmod +x hook
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --exec './hook $HOME;x' --stats s.ndjson
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(wc -l < got)" -eq 3 ]
	grep -qE '^[0-9a-f]{16} A review \$HOME;x\|1$' got
	grep -qE '^[0-9a-f]{16} B review \$HOME;x\|5$' got
	[ "$(stats_of | jq -c '[.out, .rejected, .deliveries, .delivery_failures]')" = '[3,0,3,0]' ]
}

@test "--exec: failures and timeouts go to the reject stream; a retry can succeed" {
	small
	run --separate-stderr rt-alert -k card_id --time ts --exec 'false' --retries 1 --retry-delay 10ms --reject rej.ndjson --stats s.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -r .reason rej.ndjson | sort -u)" = "delivery failed: exit status 1 (2 attempts)" ]
	[ "$(jq -s length rej.ndjson)" = 4 ]
	[ "$(jq -r .raw rej.ndjson | jq -r .record.id | tr '\n' ' ')" = "1 2 4 5 " ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .delivery_failures, .retries]')" = '[6,0,4,2,4,4]' ]
	run --separate-stderr rt-alert --time ts --exec 'sleep 5' --exec-timeout 100ms --retries 0 --exec-concurrency 4 --reject rej.ndjson s.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -r .reason rej.ndjson | sort -u)" = "delivery failed: timed out after 100 ms (1 attempt)" ]
	# A command that goes away after the start cannot be run: a failure.
	printf '#!/bin/sh\nrm -f "$0"; exit 1\n' > gone
	chmod +x gone
	run --separate-stderr rt-alert --time ts --exec './gone' --retries 0 --reject rej.ndjson s.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -r .reason rej.ndjson | sort | uniq -c | tr -s ' ')" = "$(printf ' 3 delivery failed: cannot run ./gone: No such file or directory (1 attempt)\n 1 delivery failed: exit status 1 (1 attempt)')" ]
	# Fails the first time for each alert, succeeds the second.
	cat > flaky <<'EOF'
#!/bin/sh
cat > /dev/null
if [ -e "seen.$RT_ALERT_ID" ]; then echo "$RT_ALERT_ID" >> delivered; exit 0; fi
touch "seen.$RT_ALERT_ID"; exit 3
EOF
	chmod +x flaky
	run --separate-stderr rt-alert --time ts --exec ./flaky --retries 2 --retry-delay 10ms --exec-concurrency 2 --stats s.ndjson
	[ "$status" -eq 0 ]
	[ "$(sort delivered | uniq | wc -l)" -eq 4 ]
	[ "$(stats_of | jq -c '[.out, .rejected, .retries, .deliveries]')" = '[4,0,4,4]' ]
}

@test "--exit-status: 0 when an alert was raised, 1 when none, 2 on trouble" {
	small
	run rt-alert --exit-status s.ndjson
	[ "$status" -eq 0 ]
	run rt-alert --exit-status --when '.amount > 1000' s.ndjson
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run rt-alert --exit-status --suppress x s.ndjson
	[ "$status" -eq 2 ]
}

@test "--syslog: alerts go to syslog, not stdout; a bad facility is a usage error" {
	small
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --syslog=local3 --stats s.ndjson
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .raised]')" = '[6,3,0,3,3]' ]
	run --separate-stderr rt-alert --syslog=nowhere s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: unknown value 'nowhere' for --syslog; use user, daemon, auth, authpriv, local0, local1, local2, local3, local4, local5, local6 or local7"* ]]
	run --separate-stderr rt-alert --syslog --exec true s.ndjson
	[ "$status" -eq 2 ]
}

@test "--latency-from reports stamp-to-alert delays" {
	small
	jq -c --argjson now "$(date +%s%6N)" '. + {_sent: $now}' s.ndjson > st.ndjson
	run --separate-stderr rt-alert --time ts --latency-from _sent --stats st.ndjson
	[ "$(stat_field latency_us.n)" = 4 ]
	[ "$(stats_of | jq '.latency_us | .p50 >= 0 and .p50 <= .p99 and .p99 <= .max')" = true ]
}

@test "bad records are rejected with a reason; stdout errors exit 2" {
	small
	printf '%s\n' '{"id":9,"card_id":"A","_class":"fraud"}' 'nope' '{"id":10,"ts":"yesterday","_class":"fraud"}' >> s.ndjson
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --stats s.ndjson
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"s.ndjson:7: ts: time field missing"* ]]
	[[ "$stderr" == *"s.ndjson:8: invalid JSON"* ]]
	[[ "$stderr" == *"s.ndjson:9: ts: "* ]]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped]')" = '[9,3,3,3]' ]
	run bash -c 'rt-alert s.ndjson > /dev/full'
	[ "$status" -eq 2 ]
	[[ "$output" == *"rt-alert: stdout: No space left on device"* ]]
}

@test "an alert leaves at once while the input stays open" {
	mkfifo f
	exec 4<>f
	rt-alert > out 2> err 4>&- < f &
	local pid=$!
	echo '{"id":1,"_class":"fraud","_score":90}' >&4
	for i in $(seq 50); do [ -s out ] && break; sleep 0.1; done
	[ "$(jq -c .record.id out)" = 1 ]
	exec 4>&-
	wait "$pid"
}

@test "man: rt-alert.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-alert.1"
}

@test "--idle-timeout: a quiet input lets event time move on, so periods close on a live stream" {
	mkfifo f
	exec 4<>f
	rt-alert --top 1 --per 1s --idle-timeout 200ms --template '{id}' > out 2> err 4>&- < f &
	local pid=$!
	printf '%s\n' '{"id":1,"ts":"2024-01-01T10:00:00Z","_class":"fraud","_score":5}' \
		'{"id":2,"ts":"2024-01-01T10:10:00Z","_class":"fraud","_score":9}' >&4
	# Record 2's period ends a second of event time later: with the input
	# quiet, the wall clock carries event time there.
	for i in $(seq 100); do [ "$(wc -l < out)" -ge 2 ] && break; sleep 0.1; done
	[ "$(tr '\n' ' ' < out)" = "1 2 " ]
	exec 4>&-
	wait "$pid"
	# Without it, record 2 waits for the end of input.
	printf '%s\n' '{"id":1,"ts":"2024-01-01T10:00:00Z","_class":"fraud","_score":5}' \
		'{"id":2,"ts":"2024-01-01T10:10:00Z","_class":"fraud","_score":9}' |
		rt-alert --top 1 --per 1s --template '{id}' > out2
	[ "$(tr '\n' ' ' < out2)" = "1 2 " ]
}

# ---- state files, locks, signals and --max-keys (rtpipe(7), STATE FILES) ----

S="$RT_ROOT/tests/state"

# wait_in N PID ERR: send SIGUSR1 to PID until the --stats it writes to
# ERR count at least N records in (at most 10 s).
wait_in() {
	local i=0 n
	while [ $i -lt 200 ]; do
		kill -USR1 "$2"
		sleep 0.05
		n=$(grep '^{' "$3" | tail -1 | jq -r '.in // 0')
		[ "${n:-0}" -ge "$1" ] && return 0
		i=$((i + 1))
	done
	echo "only ${n:-0} of $1 records in"
	return 1
}

@test "--state: a killed save's temporary file is removed at start, a second run is refused at once" {
	small
	rt-alert -k card_id --suppress 30m --time ts --state st s.ndjson > /dev/null
	local dead
	dead=$(sh -c 'echo $$')
	head -c 100000 /dev/zero > "st.tmp.$dead"
	: > st.tmp.1
	: > "sx.tmp.$dead"
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --state st s.ndjson
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ ! -e "st.tmp.$dead" ] && [ -e st.tmp.1 ] && [ -e "sx.tmp.$dead" ]
	mkfifo f
	rt-alert -k card_id --suppress 30m --time ts --state st < f > first.out 3>&- &
	local pid=$!
	exec 8> f
	# Once it has written an alert, it has the lock.
	head -1 s.ndjson | sed 's/"A"/"Z"/' >&8
	local i=0
	while [ ! -s first.out ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	run ! flock -n st.lock true
	run --separate-stderr timeout 10 rt-alert -k card_id --suppress 30m --time ts --state st s.ndjson
	exec 8>&-
	wait "$pid"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "$stderr" = "rt-alert: st: in use by another run (st.lock is locked)" ]
}

@test "--state: damaged, truncated, old or out-of-range state is refused with status 2" {
	python3 "$A/gen.py" 600 3 > g.ndjson
	local opts="--time ts -k card_id --suppress 15m --max-delay 5m --top 2 --per 30m"
	rt-alert $opts --state st g.ndjson > /dev/null || true
	python3 "$S/statefile.py" check st
	grep -q '^\["p"' st && grep -q '^\["h"' st && grep -q '^\["k"' st
	local o=$(( $(head -1 st | wc -c) ))
	cp st flip; printf 'X' | dd of=flip bs=1 seek=$((o + 3)) conv=notrunc 2>/dev/null
	run --separate-stderr rt-alert $opts --state flip g.ndjson
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "$stderr" = "rt-alert: flip: damaged: checksum mismatch" ]
	head -c -3 st > short
	run --separate-stderr rt-alert $opts --state short g.ndjson
	[ "$status" -eq 2 ] && [ "$stderr" = "rt-alert: short: damaged: truncated" ]
	printf 'rtpipe-state 1 rt-alert 0123456789abcdef\n' > old
	run --separate-stderr rt-alert $opts --state old g.ndjson
	[ "$status" -eq 2 ] && [[ "$stderr" == "rt-alert: old: format version 1"* ]]
	# Values edited, the checksum made right: each is refused, naming the line.
	local e tag i v
	for e in "t 2 9223372036854775807" "t 2 -9223372036854775808" "t 2 253402300800000000" \
	    "k 2 9223372036854775807" "k 2 -1e300" "k 3 -1" "k 3 1.5" "k 1 7" \
	    "p 1 9223372036854775807" "p 4 \"x\"" "h 1 9223372036854775807" "h 2 null" \
	    "h 6 [1]" "r 1 1" "t 1 2" "t 3 -5"; do
		read -r tag i v <<<"$e"
		cp st edited
		python3 "$S/statefile.py" alert edited "$tag" "$i" "$v"
		run --separate-stderr rt-alert $opts --state edited g.ndjson
		[ "$status" -eq 2 ] && [ -z "$output" ] || { echo "accepted: $e ($status)"; return 1; }
		[[ "$stderr" == "rt-alert: edited: damaged: line "* ]] || { echo "$e: $stderr"; return 1; }
	done
	python3 "$S/statefile.py" check st
	# With --rate: the period and its counts.
	opts="--time ts -k card_id --suppress 15m --rate 3/1h"
	rt-alert $opts --state rst g.ndjson > /dev/null
	for e in "r 2 9223372036854775807" "r 2 -9223372036854775808" "r 3 4" "r 4 -1" "r 1 2"; do
		read -r tag i v <<<"$e"
		cp rst edited
		python3 "$S/statefile.py" alert edited "$tag" "$i" "$v"
		run --separate-stderr rt-alert $opts --state edited g.ndjson
		[ "$status" -eq 2 ] && [ -z "$output" ] || { echo "accepted: $e ($status)"; return 1; }
		[[ "$stderr" == "rt-alert: edited: damaged: line 2: bad value" ]] || { echo "$e: $stderr"; return 1; }
	done
}

@test "--state: SIGHUP, SIGINT and SIGTERM each save the state and end the run; the resumed run equals one run" {
	python3 "$A/gen.py" 2000 5 > g.ndjson
	local opts="--time ts -k card_id --suppress 900s --max-delay 100s --top 2 --per 30m"
	rt-alert $opts g.ndjson > whole.out 2>/dev/null || true
	head -1000 g.ndjson > a.ndjson
	tail -n +1001 g.ndjson > b.ndjson
	local sig
	for sig in HUP INT TERM; do
		rm -f st f out err
		mkfifo f
		rt-alert $opts --stats --state st < f > out 2> err 3>&- &
		local pid=$!
		exec 8> f
		cat a.ndjson >&8
		wait_in 1000 "$pid" err
		kill -"$sig" "$pid"
		local rc=0
		wait "$pid" || rc=$?
		exec 8>&-
		# Not killed: the status of a run that ended (late records: 1).
		[ "$rc" -le 1 ] || { echo "SIG$sig: exit $rc"; return 1; }
		python3 "$S/statefile.py" check st
		rt-alert $opts --state st --flush b.ndjson >> out || true
		cmp out whole.out || { echo "SIG$sig: output differs"; return 1; }
	done
}

@test "--max-keys N: the least recently alerted key is forgotten (counted as evicted); chunked runs equal one run" {
	printf '%s\n' '{"ts":"2024-01-01T10:00:00Z","card_id":"A","_class":"fraud"}' \
	    '{"ts":"2024-01-01T10:01:00Z","card_id":"B","_class":"fraud"}' \
	    '{"ts":"2024-01-01T10:02:00Z","card_id":"A","_class":"fraud"}' \
	    '{"ts":"2024-01-01T10:03:00Z","card_id":"C","_class":"fraud"}' \
	    '{"ts":"2024-01-01T10:04:00Z","card_id":"B","_class":"fraud"}' \
	    '{"ts":"2024-01-01T10:05:00Z","card_id":"A","_class":"fraud"}' > m.ndjson
	run --separate-stderr rt-alert --time ts -k card_id --suppress 1h --stats m.ndjson
	[ "$(printf '%s\n' "$output" | jq -r .key.card_id | tr -d '\n')" = "ABC" ]
	[ "$(stat_field keys)" = 3 ] && [ "$(stat_field evicted)" = null ]
	# Two keys: C pushes out B (A, suppressed at 10:02, was seen later),
	# B comes back and pushes out A, A comes back and pushes out C.
	run --separate-stderr rt-alert --time ts -k card_id --suppress 1h --max-keys 2 --stats m.ndjson
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -r .key.card_id | tr -d '\n')" = "ABCBA" ]
	[ "$(printf '%s\n' "$output" | jq -c -s 'map(.suppressed)')" = "[0,0,0,0,0]" ]
	[ "$(stat_field keys)" = 2 ] && [ "$(stat_field evicted)" = 3 ]
	[ "$(stat_field suppressed)" = 1 ] && [ "$(stat_field dropped)" = 1 ]
	# Many keys: bounded, and --state keeps the order of recency.
	python3 "$A/gen.py" 3000 7 400 > g.ndjson
	local opts="--time ts -k card_id --suppress 2h --max-keys 50"
	run --separate-stderr rt-alert $opts --stats g.ndjson
	[ "$(stat_field keys)" = 50 ] && [ "$(stat_field evicted)" -gt 100 ]
	printf '%s\n' "$output" > whole.out
	split -l 700 -d g.ndjson part.
	rm -f st; : > chunked.out
	for p in part.*; do rt-alert $opts --state st "$p" >> chunked.out; done
	cmp whole.out chunked.out
	run --separate-stderr rt-alert --time ts -k card_id --max-keys 5 m.ndjson
	[ "$status" -eq 2 ] && [ "${stderr%%$'\n'*}" = "rt-alert: --max-keys goes with --suppress" ]
	run --separate-stderr rt-alert --time ts -k card_id --suppress 1h --max-keys 0 m.ndjson
	[ "$status" -eq 2 ]
}

@test "--state: event times outside years 0000-9999 are rejected, so every state saved loads again" {
	printf '%s\n' '{"ts":9223372036854775799,"_class":"fraud","k":1}' \
	    '{"ts":253402300800000000,"_class":"fraud","k":1}' \
	    '{"ts":253402300799999999,"_class":"fraud","k":1}' > in.ndjson
	run --separate-stderr rt-alert --time-unit us -k k --suppress 5m --state st in.ndjson
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ] && [ "$(printf '%s\n' "$output" | jq -r .time)" = "9999-12-31T23:59:59.999999Z" ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'ts: time out of range')" -eq 2 ]
	run --separate-stderr rt-alert --time-unit us -k k --suppress 5m --state st /dev/null
	[ "$status" -eq 0 ]
}

@test "durations over 10000 years are usage errors (time arithmetic cannot overflow)" {
	small
	local o
	for o in "--suppress 4000000d" "--max-delay 4000000d" "--rate 1/4000000d" "--top 1 --per 4000000d"; do
		run --separate-stderr rt-alert -k card_id --time ts $o s.ndjson
		[ "$status" -eq 2 ] && [ -z "$output" ] || { echo "$o: $status"; return 1; }
		[[ "$stderr" == "rt-alert: --"*": longer than 10000 years"* ]] || { echo "$o: $stderr"; return 1; }
	done
	run --separate-stderr rt-alert -k card_id --time ts --suppress 3000000d s.ndjson
	[ "$status" -eq 0 ]
}

# ---- issues 14 and 16: text escaping, delivery, options -----------------

# ctl_records: one alert-worthy record per C0 control, DEL, U+0085, U+2028,
# U+2029 and a backslash, each inside a key value that tries to forge a
# second alert line.
ctl_records() {
	python3 - > ctl.ndjson <<'PY'
import json
vals = [chr(c) for c in range(0x20)] + ['\x7f', '\u0085', '\u2028', '\u2029', '\\']
for i, v in enumerate(vals):
    print(json.dumps({"id": i, "ts": "2024-01-01T10:00:%02dZ" % i,
                      "card": "c1" + v + "ALERT ffffffffffffffff key=c9 class=fraud",
                      "_class": "fraud", "_score": 1, "_rules": ["r" + v]}))
PY
}

# no_raw_controls FILE: fails on any byte below 0x20 but the line ends, a
# DEL, a C1 control, U+2028 or U+2029; prints the number of lines.
no_raw_controls() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
bad = [c for c in b if (c < 0x20 and c != 0x0a) or c == 0x7f]
bad += [c for c in b.decode('utf-8') if 0x80 <= ord(c) <= 0x9f or c in '\u2028\u2029']
assert not bad, bad
print(b.count(b'\n'))
PY
}

@test "text alerts escape control characters: a newline in a value forges no alert line" {
	ctl_records
	run --separate-stderr rt-alert -k card --format text ctl.ndjson
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.txt
	[ "$(no_raw_controls out.txt)" -eq 37 ]
	[ "$(grep -c '^ALERT' out.txt)" -eq 37 ]
	[[ "${lines[10]}" =~ ^ALERT\ [0-9a-f]{16}\ 2024-01-01T10:00:10Z\ key=c1\\nALERT\ ffffffffffffffff\ key=c9\ class=fraud\ class=fraud\ score=1\ rules=r\\n\ suppressed=0$ ]]
	[[ "${lines[13]}" == *'key=c1\rALERT '* ]]
	[[ "${lines[9]}" == *'key=c1\tALERT '* ]]
	[[ "${lines[27]}" == *'key=c1\x1bALERT '* ]]
	[[ "${lines[0]}" == *'key=c1\x00ALERT '* ]]
	[[ "${lines[32]}" == *'key=c1\x7fALERT '* ]]
	[[ "${lines[33]}" == *'key=c1\u0085ALERT '* ]]
	[[ "${lines[34]}" == *'key=c1\u2028ALERT '* ]]
	[[ "${lines[35]}" == *'key=c1\u2029ALERT '* ]]
	[[ "${lines[36]}" == *'key=c1\\ALERT '* ]]
	# A template's own text is written as it is; the values are escaped.
	run rt-alert --template $'{card}\t|' ctl.ndjson
	printf '%s\n' "$output" | tr -d '\t' > out2.txt
	[ "$(no_raw_controls out2.txt)" -eq 37 ]
	[ "${lines[10]}" = $'c1\\nALERT ffffffffffffffff key=c9 class=fraud\t|' ]
}

@test "syslog alerts are the escaped text lines" {
	command -v cc > /dev/null || skip "no C compiler for the syslog shim"
	ctl_records
	# A shim in place of syslog(3): what it is handed goes to standard
	# error (open under the sandbox too), each call on a line of its own
	# after "SYSLOG ".
	printf '%s\n' '#include <stdarg.h>' '#include <stdio.h>' \
	    'static void out(const char *f, va_list ap) { dprintf(2, "SYSLOG "); vdprintf(2, f, ap); dprintf(2, "\n"); }' \
	    'void syslog(int p, const char *f, ...) { va_list ap; (void)p; va_start(ap, f); out(f, ap); va_end(ap); }' \
	    'void __syslog_chk(int p, int fl, const char *f, ...) { va_list ap; (void)p; (void)fl; va_start(ap, f); out(f, ap); va_end(ap); }' > shim.c
	cc -shared -fPIC -o shim.so shim.c
	# (Under ASan the shim may come before its runtime: let it.)
	env LD_PRELOAD="$PWD/shim.so" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    rt-alert -k card --syslog ctl.ndjson > out.txt 2> err.txt
	[ ! -s out.txt ]
	# Every line is a call: a value's newline made none of its own.
	[ "$(grep -vc '^SYSLOG ' err.txt)" -eq 0 ]
	sed 's/^SYSLOG //' err.txt > log.txt
	rt-alert -k card --format text ctl.ndjson > text.txt
	[ "$(no_raw_controls log.txt)" -eq 37 ]
	cmp log.txt text.txt
}

@test "--exec: a 1 MiB alert is delivered on stdin; the environment keeps short fields only" {
	python3 -c '
import json
print(json.dumps({"id": 1, "ts": "2024-01-01T10:00:00Z", "card": "A", "_class": "fraud", "_score": 9, "pad": "x" * (1 << 20)}))
print(json.dumps({"id": 2, "ts": "2024-01-01T10:00:01Z", "card": "B\u0000C", "_class": "fraud", "_score": 9}))
print(json.dumps({"id": 3, "ts": "2024-01-01T10:00:02Z", "card": "k" * 5000, "_class": "fraud", "_score": 9}))
' > big.ndjson
	printf '%s\n' '#!/bin/sh' 'wc -c >> sizes' \
	    'printf "%s|%s|%s|%s|%s\n" "${RT_ALERT-unset}" "${RT_ALERT_KEY-unset}" "$RT_ALERT_CLASS" "${#RT_ALERT_ID}" "$RT_ALERT_SCORE" >> env' > hook
	chmod +x hook
	run --separate-stderr rt-alert -k card --max-record-bytes 4M --exec ./hook --stats big.ndjson
	[ "$status" -eq 0 ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .deliveries]')" = '[3,3,0,3]' ]
	[ "$(head -1 sizes)" -gt 1048576 ]
	[ "$(cat env)" = "$(printf 'unset|A|fraud|16|9\nunset|unset|fraud|16|9\nunset|unset|fraud|16|9')" ]
}

@test "usage errors: options that would do nothing, or not what they say" {
	small
	for args in "--exec-timeout 0s --exec true" "--exec-timeout 0 --exec true" \
	    "--exec-timeout 1s" "--retries 1" "--retry-delay 1s" "--exec-concurrency 2" \
	    "--exec-batch 10" "--tee" "--template {x} --format json" \
	    "--template {x} --format csv" "--exec true --format text" \
	    "--exec true --template {x}"; do
		run --separate-stderr rt-alert $args s.ndjson
		[ "$status" -eq 2 ] || { echo "accepted: $args"; false; }
		[[ "$stderr" == "rt-alert: "* ]]
		[ -z "$output" ]
	done
	run --separate-stderr rt-alert --exec-timeout 0s --exec true s.ndjson
	[[ "$stderr" == "rt-alert: --exec-timeout: '0s' is not a positive duration"* ]]
	run --separate-stderr rt-alert --template '{unclosed' s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --template: the '{' at byte 1 is not closed (write {{ for a brace)"* ]]
	run --separate-stderr rt-alert --template 'a {b} c}' s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --template: the '}' at byte 8 closes nothing (write }} for a brace)"* ]]
	run --separate-stderr rt-alert --template 'x {} y' s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --template: the '{}' at byte 3 names no field"* ]]
	run --separate-stderr rt-alert --template 'x {a{b}' s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --template: the '{' at byte 3 is not closed (write {{ for a brace)"* ]]
	# Still fine: doubled braces, and a template alone means text.
	run rt-alert --time ts --template '{{{id}}} }}{{' s.ndjson
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "{1} }{" ]
}

@test "--exec: a missing command is found at start, before any record" {
	small
	run --separate-stderr rt-alert --exec no-such-command-here s.ndjson
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-alert: --exec: 'no-such-command-here': command not found" ]
	run --separate-stderr rt-alert --exec ./nothere < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-alert: --exec: './nothere': No such file or directory" ]
	printf '#!/bin/sh\n' > notexec
	run --separate-stderr rt-alert --exec ./notexec < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-alert: --exec: './notexec': Permission denied" ]
	mkdir -p d/sub
	run --separate-stderr env PATH="$PWD/d:$PATH" rt-alert --exec sub < /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-alert: --exec: 'sub': command not found" ]
	run --separate-stderr rt-alert --exec true < /dev/null
	[ "$status" -eq 0 ]
}

@test "--exec: each kind of delivery failure is reported once, counted, and summed up at exit" {
	small
	run --separate-stderr rt-alert --time ts --exec false --retries 0 --stats s.ndjson
	[ "$status" -eq 1 ]
	printf '%s\n' "$stderr" | grep -v '^{' > err.txt
	[ "$(cat err.txt)" = "$(printf '%s\n' \
	    "rt-alert: alert:1: delivery failed: exit status 1 (1 attempt); more failures like it are counted in --stats" \
	    "rt-alert: 4 alerts not delivered: exit status 1: 4")" ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .delivery_failures]')" = '[6,0,4,2,4]' ]
	# Every one is in the reject file all the same.
	run --separate-stderr rt-alert --time ts --exec false --retries 0 --reject rej.ndjson s.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -s length rej.ndjson)" = 4 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'delivery failed')" -eq 1 ]
}

@test "--tee: alerts on standard output as well as to --exec or --syslog" {
	small
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts s.ndjson
	want=$output
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --exec 'jq -c .alert_id' --tee --stats s.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ "$(stats_of | jq -c '[.out, .deliveries]')" = '[3,3]' ]
	[ "$(printf '%s\n' "$stderr" | grep -c '^"')" -eq 3 ]
	run --separate-stderr rt-alert -k card_id --suppress 30m --time ts --syslog --tee --format text s.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "ALERT "* ]]
}

@test "--exec-batch N|DUR|N/DUR: many alerts per run of the command, as NDJSON on its stdin" {
	python3 -c '
import json
for i in range(250):
    print(json.dumps({"id": i, "ts": "2024-01-01T10:%02d:%02dZ" % (i // 60, i % 60), "card": "c%d" % i, "_class": "fraud", "_score": 1}))
' > many.ndjson
	printf '%s\n' '#!/bin/sh' 'n=$(jq -c .record.id | tee -a ids | wc -l)' \
	    'echo "$n $RT_ALERT_COUNT" >> runs' > hook
	chmod +x hook
	run --separate-stderr rt-alert --exec ./hook --exec-batch 100 --stats many.ndjson
	[ "$status" -eq 0 ]
	[ "$(cat runs)" = "$(printf '100 100\n100 100\n50 50')" ]
	[ "$(sort -n ids | uniq | wc -l)" -eq 250 ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .deliveries]')" = '[250,250,0,250]' ]
	# A batch that fails: each of its alerts is rejected.
	run --separate-stderr rt-alert --exec false --exec-batch 100 --retries 0 --reject rej.ndjson --stats many.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -s length rej.ndjson)" = 250 ]
	[ "$(jq -r .raw rej.ndjson | jq -r .record.id | sort -n | uniq | wc -l)" -eq 250 ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .delivery_failures]')" = '[250,0,250,250]' ]
	# A live stream that pauses: what is batched goes out at the pause.
	rm -f runs ids
	mkfifo f
	( head -5 many.ndjson; sleep 1; sed -n 6,8p many.ndjson ) > f &
	run --separate-stderr rt-alert --exec ./hook --exec-batch 1000/10s < f
	[ "$status" -eq 0 ]
	[ "$(cat runs)" = "$(printf '5 5\n3 3')" ]
	# Under load (a file: never quiet), a batch goes DUR after its first
	# alert, or at the end.
	rm -f runs ids
	run --separate-stderr rt-alert --exec ./hook --exec-batch 1000/1h many.ndjson
	[ "$(cat runs)" = "250 250" ]
	rm -f runs ids
	run --separate-stderr rt-alert --exec ./hook --exec-batch 1000/1us many.ndjson
	[ "$status" -eq 0 ]
	[ "$(wc -l < runs)" -gt 10 ]
	[ "$(sort -n ids | uniq | wc -l)" -eq 250 ]
	run --separate-stderr rt-alert --exec ./hook --exec-batch 0 many.ndjson
	[ "$status" -eq 2 ]
	run --separate-stderr rt-alert --exec ./hook --exec-batch 5x many.ndjson
	[ "$status" -eq 2 ]
}

@test "usage errors: --retry-delay with --retries 0, --no-fast-path without --when" {
	small
	run --separate-stderr rt-alert --exec true --retries 0 --retry-delay 1s s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --retry-delay: there is no retry with --retries 0"* ]]
	[ -z "$output" ]
	run --separate-stderr rt-alert --no-fast-path s.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-alert: --no-fast-path goes with --when"* ]]
	[ -z "$output" ]
	run --separate-stderr rt-alert --time ts --exec true --retries 0 s.ndjson
	[ "$status" -eq 0 ]
	run --separate-stderr rt-alert --time ts --no-fast-path --when '._score > 0' s.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "-k with more fields than are checked: a record with no ts still takes its arrival time" {
	printf '{"_class":"f","ts":"2024-01-01T00:00:00Z","a":1}\n{"_class":"f","a":2}\n' > in.ndjson
	run --separate-stderr rt-alert -k a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -c .key.a <<<"${lines[1]}")" = 2 ]
	[[ "$stderr" == *'"rejected":0'* ]]
	# Names beyond the 16 checked are not reported.
	[[ "$stderr" == *"field 'p' is in none"* ]]
	[[ "$stderr" != *"field 'q' is in none"* ]]
}
