# Helpers for the NATS tests (tests/rt-nats.bats) and the benchmark: one
# 3-node cluster per bats file, the golden run, waiting for counts.
# Load after helpers: load nats/lib

NATS_DIR=${NATS_DIR:-}

# nats_up: start the cluster (setup_file); sets and exports NATS_URLS.
nats_up() {
	NATS_DIR=$BATS_FILE_TMPDIR/cluster
	"$RT_ROOT/tests/nats/cluster.sh" start "$NATS_DIR" >&3 2>&1 || return 1
	# shellcheck disable=SC1091
	. "$NATS_DIR/env"
	export NATS_DIR NATS_URLS NATS_URL1 NATS_URL2 NATS_URL3 NATS_HTTP1
}

nats_down() {
	[ -n "$NATS_DIR" ] && "$RT_ROOT/tests/nats/cluster.sh" stop "$NATS_DIR"
}

# count_out STREAM SUBJECT: records on SUBJECT now.
count_out() {
	rt-nats sub --server "$NATS_URLS" --stream "$1" --subject "$2" | wc -l
}

# wait_out STREAM SUBJECT N [SECONDS]: until SUBJECT holds N records.
wait_out() {
	local i n
	for ((i = 0; i < ${4:-60} * 5; i++)); do
		n=$(count_out "$1" "$2")
		[ "$n" -ge "$3" ] && return 0
		sleep 0.2
	done
	echo "wait_out $2: $n of $3 records" >&2
	return 1
}

# The test pipeline, one process per stage, keyed by customer_id.
PIPE_W='rt-window -k customer_id --sliding 1d -a count -a sum:amount'
PIPE_C='rt-classify --rules r.rules --label fraud=60'
PIPE_A='rt-alert -k customer_id --suppress 1h'
pipeline_rules() { printf 'large 90 .amount > 150\nbusy 70 .count_1d >= 4\n' >r.rules; }
# The pipeline as rt-nats run runs it, with state files.
PIPELINE="$PIPE_W --state \"\$RT_STATE/w\" | $PIPE_C | $PIPE_A --state \"\$RT_STATE/a\""

# golden IN P: the pipeline over IN in one run, split into golden.<p>.
golden() {
	pipeline_rules
	$PIPE_W <"$1" | $PIPE_C | $PIPE_A >golden.all
	python3 "$RT_ROOT/tests/nats/split.py" "$2" key.customer_id golden <golden.all
}

# same_as_golden STREAM SUBJECT P: every O.<p> equals golden.<p>.
same_as_golden() {
	local p bad=0
	for ((p = 0; p < $3; p++)); do
		rt-nats sub --server "$NATS_URLS" --stream "$1" --subject "$2.$p" >"got.$p"
		cmp -s "got.$p" "golden.$p" || {
			echo "partition $p differs: $(wc -l <"got.$p") vs $(wc -l <"golden.$p") lines" >&2
			bad=1
		}
	done
	return $bad
}
