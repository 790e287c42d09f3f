# Watching a running pipeline (rtpipe(7), "Watching a pipeline"):
# --name, --stats-every, the stats directory and --progress; rt-top(1),
# which reads that directory, has tests/rt-top.bats.
load helpers

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
