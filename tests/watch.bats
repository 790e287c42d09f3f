# Watching a running pipeline (rtpipe(7), "Watching a pipeline"):
# --name, --stats-every, the stats directory, --progress and rt-top(1),
# the live view, driven in a real terminal through tmux.
load helpers

# slow N: N records, one every 0.3 s.
slow() {
	local i
	for i in $(seq "$1"); do
		printf '{"id":%d,"ts":"2024-01-01T00:00:%02dZ","k":"a"}\n' "$i" "$i"
		sleep 0.3
	done
}

@test "watch: --name labels the stats object" {
	IN='{"a":1}'
	rt_run rt-clean --name cleaner --stats
	[ "$(stats_of)" = '{"tool":"rt-clean","name":"cleaner","in":1,"out":1,"rejected":0,"dropped":0}' ]
	rt_run rt-clean --name 'a/b'
	[ "$status" -eq 2 ]
}

@test "watch: --stats-every prints the stats line while the stream runs" {
	slow 6 | rt-clean --stats-every 500ms >/dev/null 2>err
	# Lines while running (in grows), then the one at exit.
	[ "$(grep -c '^{"tool":"rt-clean"' err)" -ge 3 ]
	[ "$(tail -1 err)" = '{"tool":"rt-clean","in":6,"out":6,"rejected":0,"dropped":0}' ]
	[ "$(jq -s 'map(.in) | . == sort' err)" = true ]
	rt_run rt-clean --stats-every 0s </dev/null
	[ "$status" -eq 2 ]
}

@test "watch: each stage keeps its counters in the stats directory" {
	mkdir sd
	slow 8 | RT_STATS_DIR=$T/sd rt-clean --name clean |
		rt-window --stats-dir sd --name win -k k --sliding 1h >/dev/null &
	sleep 1.4
	local f
	f=$(ls sd/win.*.json)
	[ "$(jq -r .state "$f")" = running ]
	[ "$(jq -r '.stats.tool' "$f")" = rt-window ]
	[ "$(jq '.stats.in > 0 and .stats.in < 8' "$f")" = true ]
	[ "$(jq '.lag_ms > 0' "$f")" = true ]
	wait
	[ "$(ls sd | wc -l)" = 2 ]
	[ "$(jq -c '[.name, .state, .stats.in, .stats.out]' sd/clean.*.json)" = '["clean","done",8,8]' ]
	[ "$(jq -c '[.name, .state, .stats.in, .stats.out]' sd/win.*.json)" = '["win","done",8,8]' ]
	# A directory that cannot be written is trouble.
	run --separate-stderr rt-clean --stats-dir "$T/nonexistent" </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-clean: $T/nonexistent: No such file or directory" ]
}

@test "watch: rt-top --once shows the stages, their counts and a bad sum" {
	mkdir sd
	cp "$FIX/man/top-stats/"*.json sd/
	sed 's/"dropped":0/"dropped":5/' sd/window.4102.json >sd/w2.4103.json
	sed -i 's/"name":"window"/"name":"w2"/; s/"pid":4102/"pid":4103/; s/1733140800001/1733140800002/' sd/w2.4103.json
	rt_run rt-top --once sd
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output" | tr -s ' ')" = 'NAME TOOL PID STATE IN OUT REJ DROP REC/S LAG RSS_MB DONE' ]
	[ "$(sed -n 2p <<<"$output" | tr -s ' ')" = 'clean rt-clean 4101 done 299633 296441 295 2897 0 - 3.0 100%' ]
	[ "$(sed -n 4p <<<"$output" | tr -s ' ')" = 'w2 rt-window 4103 done 296441 296441 0 5 0 2.5s 51.0 - *' ]
	rt_run rt-top --once "$T/none"
	[ "$status" -eq 2 ]
	rt_run rt-top --once
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-top: no directory: give DIR or set RT_STATS_DIR"* ]]
}

@test "watch: rt-top in a terminal refreshes as the pipeline runs, and q quits" {
	command -v tmux >/dev/null || skip "no tmux"
	local s="rt-top-$$" screen i
	mkdir sd
	export RT_STATS_DIR=$T/sd
	{ slow 12 | rt-clean --name live-clean >/dev/null; } &
	tmux -L "$s" new-session -d -x 130 -y 20 "rt-top --interval 200ms"
	for i in $(seq 50); do
		screen=$(tmux -L "$s" capture-pane -p)
		grep -q 'live-clean.*running' <<<"$screen" && break
		sleep 0.1
	done
	grep -q '^NAME  *TOOL  *PID  *STATE' <<<"$screen" || { echo "$screen"; return 1; }
	grep -q 'live-clean.*running' <<<"$screen" || { echo "$screen"; return 1; }
	wait
	for i in $(seq 50); do
		screen=$(tmux -L "$s" capture-pane -p)
		grep -q 'live-clean .*done  *12  *12 ' <<<"$screen" && break
		sleep 0.1
	done
	grep -q 'live-clean .*done  *12  *12 ' <<<"$screen" || { echo "$screen"; return 1; }
	tmux -L "$s" send-keys q
	for i in $(seq 30); do
		tmux -L "$s" has-session 2>/dev/null || break
		sleep 0.1
	done
	! tmux -L "$s" has-session 2>/dev/null || { tmux -L "$s" kill-server; echo "q did not quit"; return 1; }
}

@test "watch: --progress keeps a line on a terminal, and none elsewhere" {
	command -v tmux >/dev/null || skip "no tmux"
	local s="rt-prog-$$" screen i
	rt-gen --days 3 --customers 100 --terminals 100 >in.ndjson
	# A regular file read slowly: rt-replay paces it.
	tmux -L "$s" new-session -d -x 150 -y 10 -c "$T" \
		"rt-replay --rate 100 --progress in.ndjson >/dev/null; sleep 5"
	for i in $(seq 60); do
		screen=$(tmux -L "$s" capture-pane -p)
		grep -q '^rt-replay: [0-9]*% [0-9]* records, [0-9]*/s, ETA [0-9]*:[0-9][0-9]$' <<<"$screen" && break
		sleep 0.1
	done
	tmux -L "$s" kill-server
	grep -q '^rt-replay: [0-9]*% [0-9]* records, [0-9]*/s, ETA [0-9]*:[0-9][0-9]$' <<<"$screen" || { echo "$screen"; return 1; }
	# Not a terminal: nothing.
	run --separate-stderr rt-replay --rate 100000 --progress in.ndjson
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}
