# rt-top(1): the live view of the stats directory (rtpipe(7), "Watching
# a pipeline"): one table with --once, a refreshing one in a real
# terminal (tmux), its options and errors.
load helpers

@test "rt-top: --once shows the stages, their counts and a bad sum" {
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

@test "rt-top: in a terminal refreshes as the pipeline runs, and q quits" {
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

@test "rt-top: --help, a misspelt option, a bad --interval, a missing directory" {
	rt_run rt-top --help
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output")" = "Usage: rt-top [OPTION]... [DIR]" ]
	grep -q -- '--once' <<<"$output"
	rt_run rt-top --onse "$T"
	[ "$status" -eq 2 ]
	[ "$(sed -n 1p <<<"$stderr")" = "rt-top: unknown option '--onse'; did you mean '--once'?" ]
	rt_run rt-top --interval soon "$T"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-top: --interval: "*"'soon'"* ]] || { echo "$stderr"; return 1; }
	rt_run rt-top --once "$T/none"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-top: $T/none: No such file or directory" ]
}

@test "rt-top: an empty directory gives the header and says so" {
	mkdir sd
	rt_run rt-top --once sd
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p <<<"$output" | tr -s ' ')" = 'NAME TOOL PID STATE IN OUT REJ DROP REC/S LAG RSS_MB DONE' ]
	[ "$(sed -n 2p <<<"$output")" = "(no stages in sd)" ]
	[ "$(wc -l <<<"$output")" = 2 ]
}
