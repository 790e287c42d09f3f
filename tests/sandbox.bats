# The sandbox (rtpipe(7), "Sandbox"): once a tool has opened what it
# needs it cannot read or create other files, open network sockets or run
# programs.  RT_SANDBOX_PROBE makes the real binary try, after it is
# confined, and say what was refused.
load helpers

tools() { (cd "$RT_BIN" && ls rt-*); }

args_for() {
	case $1 in
	rt-validate) echo "--schema $FIX/suite/any.schema.json" ;;
	rt-window) echo "--sliding 1h" ;;
	rt-classify) echo "--rules $FIX/suite/any.rules --check-fields 0" ;;
	rt-join) echo "--table $FIX/suite/join.ndjson --on a" ;;
	*) echo "" ;;
	esac
}

# The Landlock ABI of the kernel, 0 without it.
landlock_abi() {
	python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.syscall(444, None, 0, 1); print(r if r > 0 else 0)'
}

@test "sandbox: a confined tool cannot open an unlisted file, a socket or a program" {
	local t abi
	abi=$(landlock_abi)
	echo secret >secret.txt
	echo '{"a":1}' >in.ndjson
	for t in $(tools); do
		case $t in rt-gen | rt-top | rt-nats) continue ;; esac
		RT_SANDBOX_PROBE=$T/secret.txt run --separate-stderr "$t" $(args_for "$t") in.ndjson
		[ "$status" -le 1 ] || { echo "$t: status $status: $stderr"; return 1; }
		grep -qx "$t: probe: inet socket: Operation not permitted" <<<"$stderr" ||
			{ echo "$t: socket: $stderr"; return 1; }
		grep -qx "$t: probe: exec: Operation not permitted" <<<"$stderr" ||
			{ echo "$t: exec: $stderr"; return 1; }
		if [ "$abi" -gt 0 ]; then
			grep -qx "$t: probe: read '$T/secret.txt': Permission denied" <<<"$stderr" ||
				{ echo "$t: read: $stderr"; return 1; }
			grep -qx "$t: probe: create '$T/secret.txt.new': Permission denied" <<<"$stderr" ||
				{ echo "$t: create: $stderr"; return 1; }
		fi
		[ ! -e secret.txt.new ]
		# --no-sandbox: everything allowed.
		RT_SANDBOX_PROBE=$T/secret.txt run --separate-stderr "$t" $(args_for "$t") --no-sandbox in.ndjson
		[ "$(grep -c ': allowed$' <<<"$stderr")" = 4 ] ||
			{ echo "$t --no-sandbox: $stderr"; return 1; }
	done
	[ "$abi" -gt 0 ] || skip "no Landlock in this kernel: files were not checked"
}

@test "sandbox: state files are still saved and replaced inside the sandbox" {
	local s
	printf '%s\n' '{"k":"a","ts":"2024-01-01T00:00:00Z","x":1}' >in.ndjson
	mkdir st
	run --separate-stderr rt-window -k k --sliding 1h -a sum:x --state st/w in.ndjson
	[ "$status" -eq 0 ]
	run --separate-stderr rt-window -k k --sliding 1h -a sum:x --state st/w in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"k":"a","ts":"2024-01-01T00:00:00Z","x":1,"sum_x_1h":2}' ]
	run --separate-stderr rt-alert -k k --when true --state st/a in.ndjson
	[ "$status" -eq 0 ]
	[ -s st/a ]
	[ "$(ls st | wc -l)" -le 4 ]
}

@test "sandbox: rt-classify reads its rules again on SIGHUP, replaced by rename" {
	printf 'big 10 .x > 5\n' >r.rules
	mkfifo f
	rt-classify --rules r.rules --check-fields 0 <f >out.ndjson 2>err &
	local pid=$!
	exec 5>f
	echo '{"x":7}' >&5
	for _ in $(seq 100); do [ -s out.ndjson ] && break; sleep 0.05; done
	printf 'big 20 .x > 5\n' >r.new && mv r.new r.rules
	kill -HUP $pid
	sleep 0.3
	echo '{"x":7}' >&5
	exec 5>&-
	wait $pid
	[ "$(jq -c ._score out.ndjson | tr '\n' ' ')" = "10 20 " ] || { cat out.ndjson err; return 1; }
}

@test "sandbox: rt-alert --exec runs its command from a process of its own; rt-alert stays confined" {
	local abi
	abi=$(landlock_abi)
	echo secret >secret.txt
	printf '%s\n' '{"k":"a","ts":"2024-01-01T00:00:00Z"}' >in.ndjson
	printf '#!/bin/sh\ncat %s/secret.txt >%s/got\ncat >>%s/got\n' "$T" "$T" "$T" >deliver.sh
	chmod +x deliver.sh
	RT_SANDBOX_PROBE=$T/secret.txt run --separate-stderr rt-alert --when true --exec "$T/deliver.sh" in.ndjson
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	# The tool that reads the records can run nothing and open no socket.
	grep -qx "rt-alert: probe: exec: Operation not permitted" <<<"$stderr" || { echo "$stderr"; return 1; }
	grep -qx "rt-alert: probe: inet socket: Operation not permitted" <<<"$stderr" || { echo "$stderr"; return 1; }
	if [ "$abi" -gt 0 ]; then
		grep -qx "rt-alert: probe: read '$T/secret.txt': Permission denied" <<<"$stderr" || { echo "$stderr"; return 1; }
	fi
	# The command (a shell script running cat) reads what it needs.
	[ "$(head -1 got)" = secret ]
	[ "$(sed -n 2p got | jq -r .record.k)" = a ]
	[ "$(wc -l <got)" -eq 2 ]
	# The delivery process (the command's parent) holds none of the
	# tool's descriptors (input, state lock), the command not its socket.
	printf '#!/bin/sh\nls -l /proc/$PPID/fd >%s/fds\nreadlink /proc/$$/fd/* >%s/cmdfds\ncat >/dev/null\n' "$T" "$T" >fds.sh
	chmod +x fds.sh
	mkdir st
	rt-alert --when true --state st/a --exec "$T/fds.sh" <in.ndjson | cat >out
	[ -s fds ] && [ -s cmdfds ]
	! grep -E "in.ndjson|st/a" fds || return 1
	[ "$(grep -c -- '->' fds)" -ge 4 ] || { cat fds; return 1; }
	! grep -q "socket:" cmdfds || { cat cmdfds; return 1; }
	# syslog: a local socket is allowed, an inet one is not.
	RT_SANDBOX_PROBE=$T/x run --separate-stderr rt-alert --when true --syslog in.ndjson
	[ "$status" -eq 0 ]
	grep -qx "rt-alert: probe: inet socket: Operation not permitted" <<<"$stderr"
	grep -qx "rt-alert: probe: exec: Operation not permitted" <<<"$stderr"
}
