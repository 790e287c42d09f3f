# rt-nats (rt-nats(1)): pub, sub and run against a 3-node JetStream
# cluster of its own on 127.0.0.1 (tests/nats/cluster.sh).  The
# distributed runs must equal the golden run (the same pipeline over the
# whole input in one process each, split by partition afterwards) byte
# for byte, partition by partition, through the faults too.
load helpers
load nats/lib

setup_file() {
	nats_up
	cd "$BATS_FILE_TMPDIR" || return 1
	rt-gen --customers 300 --terminals 200 --days 20 --seed 5 >txns.ndjson
	golden txns.ndjson 8
	head -3800 txns.ndjson >first.ndjson
	tail -n +3801 txns.ndjson >second.ndjson
}

teardown_file() {
	nats_down
}

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
	cp "$BATS_FILE_TMPDIR"/{txns,first,second}.ndjson "$BATS_FILE_TMPDIR"/golden.* .
	pipeline_rules
	S=t$BATS_TEST_NUMBER
}

teardown() {
	local p
	for p in $(jobs -p); do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	wait 2>/dev/null || true
	"$RT_ROOT/tests/nats/cluster.sh" heal "$NATS_DIR"
}

# pub FILE [ARGS]: publish FILE into stream $S, 8 partitions by customer.
pub() {
	local f=$1
	shift
	rt-nats pub --server "$NATS_URLS" --stream "$S" --create --replicas 3 \
		--subject "$S" --key customer_id --partitions 8 --batch-bytes 4K "$@" "$f"
}

# worker NAME [ENV=V...]: a worker in the background, stats in NAME.err.
worker() {
	local name=$1
	shift
	env "$@" rt-nats run --worker "$name" --server "$NATS_URLS" --stream "$S" \
		--subject "$S" --partitions 8 --out-subject "o$S" --create --replicas 3 \
		--lease 2s --checkpoint-every 5 --state-dir "st.$name" --stats \
		--kv-value-max "${KVMAX:-1M}" \
		-- "$PIPELINE" 2>>"$name.err" &
	eval "PID_$name=$!"
}

# stop_workers: SIGTERM every worker and wait.
stop_workers() {
	local p
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null || true
}

# died NAME: wait (at most 60 s) for worker NAME to die by its fault.
died() {
	local i pid
	eval "pid=\$PID_$1"
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; return 0; }
		sleep 0.1
	done
	echo "worker $1 did not die" >&2
	return 1
}

# total FIELD: the sum of FIELD over the workers' stats lines.
total() { cat ./*.err | grep '^{' | jq -s "map(.$1) | add"; }

golden_n() { wc -l <golden.all; }

@test "rt-nats: pub's partitions are the server's partition(8,1) mapping" {
	local p k bad=0 n=0
	pub txns.ndjson
	for ((p = 0; p < 8; p++)); do
		for k in $(rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.$p" |
			jq -r .customer_id | sort -u | head -5); do
			n=$((n + 1))
			[ "$(python3 "$RT_ROOT/tests/nats/partmap.py" "$NATS_URL1" "$k")" = "$k $p" ] ||
				{ echo "key $k: rt-nats $p, server $(python3 "$RT_ROOT/tests/nats/partmap.py" "$NATS_URL1" "$k")"; bad=$((bad + 1)); }
		done
	done
	echo "$n cases, $bad disagreements"
	[ "$n" -ge 30 ] && [ "$bad" -eq 0 ]
}

@test "rt-nats: pub batches, waits for every ack, counts; sub returns the records" {
	run --separate-stderr pub txns.ndjson --stats
	[ "$status" -eq 0 ]
	[ "$(stat_field in)" = 7778 ] && [ "$(stat_field out)" = 7778 ]
	[ "$(stat_field messages)" -gt 100 ] || { echo "$stderr"; return 1; }
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" >all
	[ "$(sort all | cmp - <(sort txns.ndjson) && echo same)" = same ]
	# Each partition keeps the input's order.
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.3" >p3
	cmp p3 <(python3 "$RT_ROOT/tests/nats/split.py" 8 customer_id in <txns.ndjson; cat in.3)
}

@test "rt-nats: sub of a large stream (130 MB) returns every record, every time" {
	# A fetch that timed out while its messages were on their way lost
	# them (the client drops what an earlier fetch asked for): sub
	# ended with part of the stream, status 0, one run in two or three.
	rt-gen --customers 18000 --terminals 3000 --days 30 --seed 9 >big.ndjson
	local n i
	n=$(wc -l <big.ndjson)
	pub big.ndjson --batch-bytes 256K
	# The input is the oracle: the first run's records, sorted, are its.
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" |
		LC_ALL=C sort | cmp - <(LC_ALL=C sort big.ndjson)
	for i in 1 2 3 4 5; do
		rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" \
			--stats 2>err | wc -l >n || { cat err; return 1; }
		grep -qx '{"tool":"rt-nats","in":'"$n"',"out":'"$n"',"rejected":0,"dropped":0}' err ||
			{ echo "run $i of $n records: $(cat err)"; return 1; }
		[ "$(cat n)" = "$n" ]
	done
	# Eight durable readers at once, one partition each: a fetch ended
	# at its byte limit by a status that came after the client stopped
	# waiting made the next fetch fail ("Message Size Exceeds
	# MaxBytes"): sub exited 2 with part of its partition.
	local p pids rc
	for i in 1 2; do
		pids=() rc=0
		for p in 0 1 2 3 4 5 6 7; do
			rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.$p" \
				--durable "d$i$p" >"p$p.out" 2>"p$p.err" &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait "$p" || rc=1; done
		[ "$rc" = 0 ] || { cat p?.err; return 1; }
		[ "$(cat p?.out | wc -l)" = "$n" ] || { cat p?.err; return 1; }
	done
}

@test "rt-nats: pub --msg-id: a re-run after a crash is deduplicated" {
	# A crash: killed while the input still comes; only whole batches
	# were sent (with --msg-id, batches depend on the records only).
	{ cat first.ndjson; sleep 5; } | pub - --msg-id tx_id &
	sleep 1.5
	kill -9 %1
	wait %1 || true
	n=$(count_out "$S" "$S.*")
	[ "$n" -gt 1000 ] && [ "$n" -lt 3800 ] || { echo "$n before the crash"; return 1; }
	run --separate-stderr pub txns.ndjson --msg-id tx_id --stats
	[ "$status" -eq 0 ]
	[ "$(stat_field duplicate_records)" = "$n" ] || { echo "$stderr"; return 1; }
	[ "$(count_out "$S" "$S.*")" = 7778 ]
	# Again, whole: every batch a duplicate.
	run --separate-stderr pub txns.ndjson --msg-id tx_id --stats
	[ "$(stat_field duplicate_records)" = 7778 ] && [ "$(stat_field out)" = 7778 ]
	[ "$(count_out "$S" "$S.*")" = 7778 ]
}

@test "rt-nats: pub rejects records without the key; exit 1, counts add up" {
	printf '%s\n' '{"customer_id":1,"a":1}' '{"a":2}' 'SECRET' '{"customer_id":"x"}' >in.ndjson
	run --separate-stderr pub in.ndjson --stats
	[ "$status" -eq 1 ]
	[ "$(stat_field in)" = 4 ] && [ "$(stat_field out)" = 2 ] && [ "$(stat_field rejected)" = 2 ]
	grep -q "^rt-nats: in.ndjson:2: customer_id: key field missing" <<<"$stderr"
	! grep -q SECRET <<<"$stderr"
}

@test "rt-nats: pub and sub under mutation: counts add up, rejects keep their bytes, sub gives back every record" {
	# tests/mutation/mutate.py with its NATS configurations: seeded
	# mutated records published by key and by msg-id (duplicates dropped
	# by the stream), each case into a stream of its own, read back.
	local cases=${CASES:-200}
	[ -n "${RT_LONG:-}" ] && cases=${CASES:-4000}
	RT_MUTATE_NATS=$NATS_URLS run python3 "$RT_ROOT/tests/mutation/mutate.py" "$RT_BIN" "$T/work" "$cases" "${SEED:-18}" rt-nats
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^mutation:\ $cases\ cases\ over\ 2\ configurations\ \([0-9]+\ records,\ [0-9]+\ rejects\),\ 0\ failures$ ]]
	# The read-back check can fail: a sub that loses its last record.
	mkdir bin
	cat >bin/rt-nats <<-EOF
	#!/bin/sh
	if [ "\$1" = sub ]; then "$RT_BIN/rt-nats" "\$@" | head -n -1; else exec "$RT_BIN/rt-nats" "\$@"; fi
	EOF
	chmod +x bin/rt-nats
	RT_MUTATE_NATS=$NATS_URLS run python3 "$RT_ROOT/tests/mutation/mutate.py" "$T/bin" "$T/work2" 4 18 rt-nats
	[ "$status" -eq 1 ]
	[[ "$output" == *"readback gives "*" records, out "* ]]
	[[ "${lines[-1]}" == *", 4 failures" ]]
}

@test "rt-nats: sub --from-seq, --durable resumes, --follow waits" {
	pub first.ndjson
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" --durable d1 >a
	[ "$(wc -l <a)" = 3800 ]
	pub second.ndjson
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" --durable d1 >b
	[ "$(wc -l <b)" = 3978 ]
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" --durable d1 --from-start >c
	[ "$(wc -l <c)" = 7778 ]
	n=$(rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" --from-seq 10 | wc -l)
	[ "$n" -lt 7778 ] && [ "$n" -gt 7000 ]
	rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.0" --follow >f &
	sleep 1
	kill -0 $! # still waiting
	kill $!
	wait $! || true
}

@test "rt-nats: run, two workers, P=8: each output partition equals the golden run" {
	pub txns.ndjson
	worker a
	worker b
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	[ "$(total partitions_taken)" -ge 8 ]
	[ "$(total checkpoints)" -gt 0 ]
	[ "$(total in)" = 7778 ]
	[ "$(total out)" = "$(golden_n)" ]
}

@test "rt-nats: run --verbose: workers started together split the partitions, say so" {
	pub txns.ndjson
	for w in a b; do
		rt-nats run --worker "$w" --server "$NATS_URLS" --stream "$S" \
			--subject "$S" --partitions 8 --out-subject "o$S" --create \
			--replicas 3 --state-dir "st.$w" --stats --verbose \
			-- "$PIPELINE" 2>>"$w.err" &
	done
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	for w in a b; do
		grep -q "^rt-nats: worker $w, [0-9.]* s: connected$" "$w.err"
		grep -q "^rt-nats: worker $w, [0-9.]* s: buckets ready, [12] worker(s) seen$" "$w.err"
		# Four each, each from the start, none handed over.
		[ "$(grep -c "^rt-nats: worker $w, [0-9.]* s: partition [0-7] started, after input sequence 0 (checkpoint barrier 0)$" "$w.err")" = 4 ]
		[ "$(grep -c "^rt-nats: worker $w, [0-9.]* s: partition [0-7] released$" "$w.err")" = 4 ]
		! grep -q "handed over\|lost" "$w.err"
		[ "$(grep '^{' "$w.err" | jq .partitions_taken)" = 4 ]
	done
	# Between them, every partition once.
	[ "$(cat a.err b.err | sed -n 's/.* partition \([0-7]\) started.*/\1/p' | sort -u | wc -l)" = 8 ]
}

@test "rt-nats: run: a worker that fails at its start is not counted by the others" {
	pub txns.ndjson
	# No output stream and no --create: exit 2, after its heartbeat.
	run rt-nats run --worker ghost --server "$NATS_URLS" --stream "$S" \
		--subject "$S" --partitions 8 --out-subject "o$S" \
		--out-stream "nope$S" -- cat
	[ "$status" = 2 ]
	[[ "$output" == *"output stream 'nope$S': not found (--create makes it)"* ]]
	rt-nats run --worker a --server "$NATS_URLS" --stream "$S" \
		--subject "$S" --partitions 8 --out-subject "o$S" --create \
		--replicas 3 --state-dir st.a --stats --verbose \
		-- "$PIPELINE" 2>>a.err &
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	grep -q "^rt-nats: worker a, [0-9.]* s: buckets ready, 1 worker(s) seen$" a.err
	[ "$(grep -c "^rt-nats: worker a, [0-9.]* s: partition [0-7] started" a.err)" = 8 ]
}

@test "rt-nats: kill -9 a worker after a checkpoint, restart it: equal to golden (chunked state)" {
	pub txns.ndjson
	worker a RT_NATS_FAULT=checkpoint:4
	died a
	worker b
	grep -q '^{' a.err && { echo "a was not killed"; return 1; }
	KVMAX=1K worker a
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
}

@test "rt-nats: kill -9 after a publish, before its ack: the new owner drops what was stored" {
	pub txns.ndjson
	worker a RT_NATS_FAULT=publish:3
	died a
	worker b
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	[ "$(total duplicates)" -gt 0 ] || { cat b.err; return 1; }
	[ "$(total leases_lost)" = 0 ]
}

@test "rt-nats: the stream leader's server killed mid-run: equal to golden" {
	local l
	pub first.ndjson
	worker a
	worker b
	wait_out "${S}_out" "o$S.*" 100 60
	l=$("$RT_ROOT/tests/nats/cluster.sh" leader "$NATS_DIR" "$S")
	"$RT_ROOT/tests/nats/cluster.sh" kill "$NATS_DIR" "$l"
	pub second.ndjson
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 90
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	# (teardown starts the server again)
}

@test "rt-nats: consumers deleted under a worker are made again: equal to golden" {
	local c api="$RT_ROOT/tests/nats/jsapi.py"
	pub first.ndjson
	worker a
	wait_out "${S}_out" "o$S.*" 100 60
	# Every consumer of the input, deleted (as when their server is lost:
	# they have one copy, in memory).
	for c in $("$api" "$NATS_URL1" "\$JS.API.CONSUMER.NAMES.$S" '{}' | jq -r '.consumers[]'); do
		"$api" "$NATS_URL1" "\$JS.API.CONSUMER.DELETE.$S.$c" | jq -e .success >/dev/null
	done
	[ -z "$("$api" "$NATS_URL1" "\$JS.API.CONSUMER.NAMES.$S" '{}' | jq -r '.consumers[]')" ]
	pub second.ndjson
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 90
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	[ "$(total consumers_remade)" -ge 8 ] || { cat a.err; return 1; }
	[ "$(total leases_lost)" = 0 ]
}

@test "rt-nats: a worker paused past its lease (SIGSTOP) writes nothing after it" {
	pub first.ndjson
	worker a
	wait_out "${S}_out" "o$S.*" 100 60
	worker b
	sleep 3	# a hands half its partitions over
	kill -STOP "$PID_a"
	pub second.ndjson
	sleep 3.5
	kill -CONT "$PID_a"
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	sleep 1
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	[ "$(grep '^{' a.err | jq .leases_lost)" -gt 0 ] || { cat a.err; return 1; }
}

@test "rt-nats: lines that are not JSON go to the reject subject, sourced by stream sequence" {
	pub first.ndjson
	printf '%s\n' '{"customer_id":7,"ts":"2018-04-25T00:00:00Z","amount":999}' 'SECRET not json' >bad
	python3 "$RT_ROOT/tests/nats/rawpub.py" "$NATS_URL1" "$S.5" bad
	seq=$(rt-nats sub --server "$NATS_URLS" --stream "$S" --subject "$S.*" | wc -l)
	worker a
	wait_out "${S}_out" "o$S.rejects" 1 60
	sleep 0.5
	stop_workers
	rt-nats sub --server "$NATS_URLS" --stream "${S}_out" --subject "o$S.rejects" >rej
	[ "$(jq -r '[.tool, .line, .raw] | @tsv' rej)" = "rt-nats	2	SECRET not json" ]
	jq -r .source rej | grep -qx "$S:[0-9]*"
	[ "$(grep '^{' a.err | jq .rejected)" = 1 ]
	! grep -q SECRET a.err
	# The good line of that message was fed: its alert came out.
	rt-nats sub --server "$NATS_URLS" --stream "${S}_out" --subject "o$S.*" | grep -q '"amount":999'
}

@test "rt-nats: errors: no server, no stream, bad credentials, a failing pipeline (exit 2)" {
	run --separate-stderr rt-nats pub --server nats://127.0.0.1:1 --connect-timeout 500ms --subject x txns.ndjson
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-nats: cannot connect to 'nats://127.0.0.1:1': "* ]]
	# Credentials in a URL are not shown.
	run --separate-stderr rt-nats sub --server "nats://127.0.0.1:1,nats://u:s3cret@127.0.0.1:2,tls://tok@127.0.0.1:3/p" \
		--connect-timeout 0s --stream x --subject x
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-nats: cannot connect to 'nats://127.0.0.1:1,nats://***@127.0.0.1:2,tls://***@127.0.0.1:3/p': "* ]] ||
		{ echo "$stderr"; return 1; }
	run --separate-stderr rt-nats sub --server "$NATS_URLS" --stream nope --subject x
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-nats: stream 'nope' not found (--create makes it)" ]
	run --separate-stderr rt-nats run --server "$NATS_URLS" --stream nope --subject x --out-subject y -- cat
	[ "$status" -eq 2 ]
	[[ "$stderr" == "rt-nats: stream 'nope': not found"* ]]
	run --separate-stderr rt-nats sub --server "$NATS_URLS" --creds /no/such.creds --stream nope --subject x
	[ "$status" -eq 2 ]
	# A server that wants a password.
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	nats-server -a 127.0.0.1 -p "$port" --user u --pass right >auth.log 2>&1 &
	sleep 0.5
	run --separate-stderr rt-nats pub --server "nats://u:wrong@127.0.0.1:$port" --subject x txns.ndjson
	kill %nats-server 2>/dev/null || kill "$(jobs -p | tail -1)"
	[ "$status" -eq 2 ]
	grep -qi "authorization" <<<"$stderr" || { echo "$stderr"; return 1; }
	# A pipeline that fails: reported, its lease released, exit 2.
	pub first.ndjson
	run --separate-stderr timeout 30 rt-nats run --server "$NATS_URLS" --stream "$S" --subject "$S" \
		--partitions 8 --out-subject "o$S" --create --lease 2s -- 'head -c 1 >/dev/null; exit 3'
	[ "$status" -eq 2 ]
	grep -q "^rt-nats: partition [0-7]: pipeline exited with status 3 (lease released, checkpoint kept)" <<<"$stderr" ||
		{ echo "$stderr"; return 1; }
}

@test "rt-nats: the man page's examples run" {
	export NATS_URL=$NATS_URLS
	check_man_examples "$RT_ROOT/man/rt-nats.1"
}

@test "rt-nats: the sandbox: pub may open sockets, not run programs; run may both" {
	echo '{"k":1}' >in.ndjson
	RT_SANDBOX_PROBE=$T/x run --separate-stderr rt-nats pub --server "$NATS_URLS" \
		--subject "$S" --key k in.ndjson
	grep -qx "rt-nats: probe: inet socket: allowed" <<<"$stderr" || { echo "$stderr"; return 1; }
	grep -qx "rt-nats: probe: exec: Operation not permitted" <<<"$stderr" || { echo "$stderr"; return 1; }
	RT_SANDBOX_PROBE=$T/x run --separate-stderr rt-nats run --server "$NATS_URLS" \
		--stream nope --subject x --out-subject y -- cat
	[ "$status" -eq 2 ]
	grep -qx "rt-nats: probe: inet socket: allowed" <<<"$stderr" || { echo "$stderr"; return 1; }
	grep -qx "rt-nats: probe: exec: allowed" <<<"$stderr" || { echo "$stderr"; return 1; }
}

@test "rt-nats: disorder within --max-delay: per-partition watermarks give the global run's output" {
	# Neighbours swapped now and then; rt-window allows 6h of disorder.
	python3 -c '
import random, sys
random.seed(7)
l = sys.stdin.read().splitlines()
for i in range(0, len(l) - 1, 7):
    if random.random() < 0.5:
        l[i], l[i + 1] = l[i + 1], l[i]
print("\n".join(l))' <txns.ndjson >dis.ndjson
	! cmp -s dis.ndjson txns.ndjson
	PIPE_W="$PIPE_W --max-delay 6h"
	PIPELINE="$PIPE_W --state \"\$RT_STATE/w\" | $PIPE_C | $PIPE_A --state \"\$RT_STATE/a\""
	run --separate-stderr golden dis.ndjson 8
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "late in the golden run: $stderr"; return 1; }
	pub dis.ndjson
	worker a
	worker b
	wait_out "${S}_out" "o$S.*" "$(golden_n)" 60
	sleep 0.5
	stop_workers
	same_as_golden "${S}_out" "o$S" 8
	! grep -q late ./*.err
}
