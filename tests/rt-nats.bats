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
		-- "$PIPELINE" 2>>"$name.err" &
	eval "PID_$name=$!"
}

# stop_workers: SIGTERM every worker and wait.
stop_workers() {
	local p
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null || true
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
