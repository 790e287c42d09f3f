# rt-nats (issue 18), on a 3-node JetStream cluster on this machine
# (tests/nats/cluster.sh): pub -> stream -> sub throughput with 3 copies
# and with 1; the window | classify | alert pipeline run by two workers
# over 8 partitions against the same pipeline fed from the file, with
# checkpoints every second and (nearly) never; the latency at 1,000
# records/s from rt-nats pub through a worker to the output stream; the
# takeover time after kill -9.

NATS_BENCH=$OUT/nats
NATS_PIPE='rt-window -k card_id --sliding 1h --max-delay 5s -a count -a sum:amount | rt-classify --rules classify.rules --label fraud=80 --label review=40 | rt-alert -k card_id --suppress 30m'
# The same for rt-nats run, with the stateful stages' state.
NATS_RUNPIPE='rt-window -k card_id --sliding 1h --max-delay 5s -a count -a sum:amount --state "$RT_STATE/w" | rt-classify --rules classify.rules --label fraud=80 --label review=40 | rt-alert -k card_id --suppress 30m --state "$RT_STATE/a"'

# nats_e2e STREAM REPLICAS: pub the bench file (8 partitions by card)
# while sub reads them, until every record came out; sets SECS.
nats_e2e() {
	local s=$1 r=$2 t0 t1 i sub
	rt-nats pub --stream "$s" --create --replicas "$r" --subject "$s" --key card_id \
		--partitions 8 < /dev/null
	rt-nats sub --stream "$s" --subject "$s.*" --follow > "$NATS_BENCH/$s.out" 2>/dev/null &
	sub=$!
	t0=$(date +%s.%N)
	( cd "$OUT" && rt-nats pub --stream "$s" --subject "$s" --key card_id --partitions 8 \
		--batch-bytes 1M txns.ndjson )
	for ((i = 0; i < 6000; i++)); do
		[ "$(wc -l < "$NATS_BENCH/$s.out")" -ge "$N" ] && break
		sleep 0.01
	done
	t1=$(date +%s.%N)
	kill "$sub" || true; wait "$sub" 2>/dev/null || true
	rm -f "$NATS_BENCH/$s.out"
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

# nats_cpu: the CPU seconds the three servers have used so far.
nats_cpu() {
	local n t=0
	for n in 1 2 3; do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$(cat "$NATS_BENCH/n$n.pid")/stat")))
	done
	awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# nats_workers STREAM CKPT: two workers over the stream (8 partitions,
# filled before), until the output holds WANT alerts; sets SECS (from
# their start) and STEADY (from the first alert out to the last).  One
# subscriber follows the output and counts it (bench/nats-count.py).
nats_workers() {
	local s=$1 ck=$2 t0 t1 tf w i
	rt-nats pub --stream "${s}_out" --create --replicas 3 --subject "o$s" \
		--key card_id --partitions 8 < /dev/null
	: > "$NATS_BENCH/$s.count"
	rt-nats sub --stream "${s}_out" --subject "o$s.*" --follow 2>/dev/null |
		python3 bench/nats-count.py "$WANT" > "$NATS_BENCH/$s.count" &
	c0=$(nats_cpu)
	t0=$(date +%s.%N)
	for w in a b; do
		( cd "$OUT" && exec /usr/bin/time -f "%U %S" -o "$NATS_BENCH/$s-$w.time" \
			rt-nats run --worker "$w" --stream "$s" --subject "$s" \
			--partitions 8 --out-subject "o$s" --out-stream "${s}_out" --create \
			--replicas 3 --checkpoint-every "$ck" --state-dir "$NATS_BENCH/st-$s-$w" \
			--stats -- "$NATS_RUNPIPE" 2>>"$NATS_BENCH/$s-$w.err" ) &
	done
	# (bash's own mapfile: no process a poll to load the machine)
	local lines=()
	for ((i = 0; i < 6000; i++)); do
		mapfile -t lines < "$NATS_BENCH/$s.count"
		[ "${#lines[@]}" -ge 2 ] && break
		sleep 0.02
	done
	SRVCPU=$(awk -v a="$c0" -v b="$(nats_cpu)" 'BEGIN { printf "%.2f", b - a }')
	# The workers end (SIGTERM: a last checkpoint each); their CPU time
	# holds their pipelines'.
	pkill -TERM -f "^rt-nats run --worker [ab] --stream $s " || true
	for ((i = 0; i < 600; i++)); do
		pgrep -f "^rt-nats run --worker [ab] --stream $s " >/dev/null || break
		sleep 0.05
	done
	kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
	WCPU=$(cat "$NATS_BENCH/$s-a.time" "$NATS_BENCH/$s-b.time" 2>/dev/null |
		awk '{ t += $1 + $2 } END { printf "%.2f", t }')
	tf=$(sed -n 1p "$NATS_BENCH/$s.count")
	t1=$(sed -n 2p "$NATS_BENCH/$s.count")
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	STEADY=$(awk -v a="$tf" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	[ -n "$t1" ] || SECS=nan
}

# nats_measure STREAM OUTSTREAM RATE: the records of nats-lat.ndjson
# at RATE a second into STREAM, their alerts read back from OUTSTREAM;
# sets RES (nats-lat.py's JSON).  The workers run already.
nats_measure() {
	local s=$1 o=$2 rate=$3 sub
	rt-nats sub --stream "$o" --subject '>' --follow 2>/dev/null |
		python3 bench/nats-lat.py 2990 _sent > "$NATS_BENCH/$s.lat" &
	sub=$!
	sleep 0.5
	( cd "$OUT" && rt-replay --rate "$rate" --stamp _sent nats-lat.ndjson |
		rt-nats pub --stream "$s" --subject "$s" --key card_id --partitions 8 )
	for ((i = 0; i < 600; i++)); do
		[ -s "$NATS_BENCH/$s.lat" ] && break
		sleep 0.1
	done
	RES=$(cat "$NATS_BENCH/$s.lat" 2>/dev/null || echo '{}')
}

# nats_worker NAME STREAM: a worker of the latency pipeline (every
# record an alert), its pid in WPID.
nats_worker() {
	( cd "$OUT" && exec rt-nats run --worker "$1" --stream "$2" --subject "$2" \
		--partitions 8 --out-subject "o$2" --out-stream "$2_out" --create \
		--replicas 3 --state-dir "$NATS_BENCH/st-$2-$1" \
		-- 'rt-classify --rules nats-lat.rules --label fraud=1 | rt-alert' \
		2>>"$NATS_BENCH/$2-$1.err" ) &
	WPID=$!
}

# nats_latency: 3,000 records at 1,000/s, pub -> worker -> output stream.
nats_latency() {
	rt-nats pub --stream LAT --create --replicas 3 --subject LAT --key card_id \
		--partitions 8 < /dev/null
	nats_worker a LAT
	sleep 4
	nats_measure LAT LAT_out 1000
	LAT=$RES
	kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
}

# nats_takeover: two workers, records at 200/s; kill -9 one after 5 s;
# the longest wait of a record is the takeover time (lease 5 s).
nats_takeover() {
	local a
	rt-nats pub --stream TKO --create --replicas 3 --subject TKO --key card_id \
		--partitions 8 < /dev/null
	nats_worker a TKO
	a=$WPID
	nats_worker b TKO
	sleep 5
	( sleep 5; kill -9 "$a" ) &
	nats_measure TKO TKO_out 200
	TKO=$RES
	kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
}

section_nats() {
	rm -rf "$NATS_BENCH"
	cp bench/classify.rules "$OUT/classify.rules"
	printf 'every 1 .amount > 0\n' > "$OUT/nats-lat.rules"
	head -n 3000 "$NDJSON" > "$OUT/nats-lat.ndjson"
	tests/nats/cluster.sh start "$NATS_BENCH" >&2
	# shellcheck disable=SC1091
	. "$NATS_BENCH/env"
	export NATS_URL=$NATS_URLS
	local e2e3 e2e1 file wr1 wr0 st1 st0
	trap 'tests/nats/cluster.sh stop "$NATS_BENCH" >/dev/null 2>&1 || true' EXIT
	nats_e2e E3 3; e2e3=$SECS
	nats_e2e E1 1; e2e1=$SECS
	say "  pub->sub R3: $e2e3 s, R1: $e2e1 s"
	# The pipeline from the file, and its alerts: what the workers must
	# write.
	measure nats-file-pipeline "$N" "$NDJSON_BYTES" "cat txns.ndjson | $NATS_PIPE"
	file=$SECS
	FILECPU=$(cd "$OUT" && { /usr/bin/time -f "%U %S" bash -c "cat txns.ndjson | $NATS_PIPE > /dev/null"; } 2>&1 |
		awk 'END { printf "%.2f", $1 + $2 }')
	WANT=$(cd "$OUT" && eval "cat txns.ndjson | $NATS_PIPE" | wc -l)
	# RUNS runs of each, in turns (the cluster's own load drifts as it
	# holds more), each on a stream of its own; the medians.
	local s i w1=() s1=() w0=() s0=() c1=() c0=() p1=() p0=()
	for ((i = 0; i < RUNS; i++)); do
		# A fresh cluster for each pair of runs: the streams of the
		# runs before, hundreds of MB each, do not load it.
		tests/nats/cluster.sh stop "$NATS_BENCH" >&2
		rm -rf "$NATS_BENCH"/n[123]
		tests/nats/cluster.sh start "$NATS_BENCH" >&2
		# shellcheck disable=SC1091
		. "$NATS_BENCH/env"
		export NATS_URL=$NATS_URLS
		for s in "W1x$i" "W0x$i"; do
			( cd "$OUT" && rt-nats pub --stream "$s" --create --replicas 3 \
				--subject "$s" --key card_id --partitions 8 --batch-bytes 256K \
				txns.ndjson )
		done
		sleep 2	# the third copies catch up
		nats_workers "W1x$i" 1s; w1+=("$SECS") s1+=("$STEADY") c1+=("$SRVCPU") p1+=("$WCPU")
		nats_workers "W0x$i" 1000000; w0+=("$SECS") s0+=("$STEADY") c0+=("$SRVCPU") p0+=("$WCPU")
		say "  workers run $((i + 1)): ckpt 1s ${w1[i]} s (${s1[i]} s steady; CPU s: servers ${c1[i]}, workers ${p1[i]}), none ${w0[i]} s (${s0[i]} s; ${c0[i]}, ${p0[i]})"
	done
	med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
	wr1=$(med "${w1[@]}") st1=$(med "${s1[@]}")
	wr0=$(med "${w0[@]}") st0=$(med "${s0[@]}")
	local sc1 sc0 pc1 pc0
	sc1=$(med "${c1[@]}") sc0=$(med "${c0[@]}") pc1=$(med "${p1[@]}") pc0=$(med "${p0[@]}")
	say "  workers: ckpt 1s $wr1 s ($st1 s steady), no ckpt $wr0 s ($st0 s), file $file s ($WANT alerts)"
	nats_latency
	say "  latency: $LAT"
	nats_takeover
	say "  takeover: $TKO"
	tests/nats/cluster.sh stop "$NATS_BENCH" >&2
	rate() { awk -v n="$N" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
	pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'; }
	cat <<MD
## rt-nats (issue 18)

Three nats-server 2.9.10 on this machine (all on its $(nproc) cores with
the tools), JetStream file storage, the $N bench records.

| what | figure | target |
|---|---|---|
| pub -> 3 copies -> sub, records/s (1 MB messages) | $(rate "$e2e3") ($e2e3 s) | 300,000 |
| pub -> 1 copy -> sub, records/s | $(rate "$e2e1") ($e2e1 s) | 600,000 |
| window \| classify \| alert from the file, records/s | $(rate "$file") ($file s) | |
| the same, two workers, P = 8, checkpoint every 1 s, from their start | $(rate "$wr1") ($wr1 s), $(pct "$file" "$wr1") of the file's rate | >= 60% |
| the same, from the first alert out to the last | $(rate "$st1") ($st1 s), $(pct "$file" "$st1") | >= 60% |
| checkpoints every 1,000,000 messages (none) | $(rate "$wr0") ($wr0 s; $st0 s from the first alert); every 1 s costs $(awk -v a="$wr1" -v b="$wr0" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * (a - b) / b : 0) }') | <= 10% |
| CPU seconds, checkpoint every 1 s: servers, workers with their pipelines | $sc1, $pc1 (the file's pipeline: $FILECPU) | |
| CPU seconds, no checkpoint | $sc0, $pc0 | |
| latency at 1,000 records/s, pub -> worker -> output stream | p50 $(jq -r .p50_us <<<"$LAT") us, p99 $(jq -r .p99_us <<<"$LAT") us, max $(jq -r .max_us <<<"$LAT") us | p50 <= 5 ms, p99 <= 20 ms |
| kill -9 of one of two workers (lease 5 s): the longest wait | $(jq -r .max_us <<<"$TKO") us | <= lease + 2 s |

The CPU seconds say why the workers' rate stays below the target
here: the file's pipeline keeps both cores busy on its own (its CPU
seconds over its wall time), and the workers must do the same work
eight times over in smaller pipelines, the servers deliver every byte
from their file store through eight filtered consumers of one stream
(each reads the blocks that hold the other partitions' messages too),
on the same two cores. The servers' and workers' CPU seconds add up to
more than 60% of the file's rate allows (2 cores x the file's time /
0.6), however the work is arranged among them.

The workers' time runs from their start to the last alert stored (their
start, leases and consumers included), the median of $RUNS runs of each
(in turns, each on a stream of its own); the file's is the median of
$RUNS runs of the same three stages. The latency is from rt-replay's stamp to the alert read
back from the output stream by \`rt-nats sub --follow\`; the takeover
figure is the longest such wait of a record while the survivor takes
the dead worker's partitions over.

The peers' published figures, for scale (their workloads and machines,
not run here): Alibaba Cloud's Nexmark white paper for its Flink
(https://www.alibabacloud.com/help/en/flink/realtime-flink/support/nexmark-performance-testing,
8 CU, an in-memory source and a blackhole sink, no broker) gives 4 to
6.5 million records/s for the pass-through and simple queries (q0-q2),
0.5-0.8 million a core, and 150,000 to 630,000 for the aggregation and
window queries (q4, q5, q16), 19,000-79,000 a core. The workers' steady
rate above, per core of this machine (servers included), is
$(awk -v n="$N" -v s="$st1" 'BEGIN { printf "%.0f", (s > 0 ? n / s / 2 : 0) }') records/s. No figure of the Flink fraud-detection demo's alert
latency budget could be found to quote.

MD
}
