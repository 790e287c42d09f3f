#!/usr/bin/env bash
# A 3-node JetStream cluster on 127.0.0.1 for the tests and the benchmark:
# free ports of its own, store directories under DIR, nothing outside.
#   tests/nats/cluster.sh start DIR   start it, wait until JetStream has a
#                                     meta leader; DIR/env says where
#   tests/nats/cluster.sh stop DIR    stop the servers it started
#   tests/nats/cluster.sh kill DIR N  kill -9 server N (1-3)
#   tests/nats/cluster.sh restart DIR N   start server N again
#   tests/nats/cluster.sh heal DIR      start again the servers not running
#   tests/nats/cluster.sh leader DIR STREAM   the node (1-3) leading STREAM
# DIR/env sets NATS_URLS (all three), NATS_URL1..3 and NATS_HTTP1..3.
# The servers' account maps rtpart.<key> to rtpart.<p>.<key> with
# partition(8,1), the server's own partition function (tests/rt-nats.bats).
set -eu
cmd=${1:?usage: cluster.sh start|stop|kill|restart|leader DIR}
dir=${2:?usage: cluster.sh $cmd DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

free_ports() {
	python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# conf N: the configuration of node N.
conf() {
	local n=$1 routes="" k
	for k in 1 2 3; do
		[ "$k" = "$n" ] && continue
		eval "routes=\"\$routes nats-route://127.0.0.1:\$CPORT$k\""
	done
	eval "cat <<CONF
server_name: n$n
listen: 127.0.0.1:\$PORT$n
http: 127.0.0.1:\$HPORT$n
max_payload: 4MB
jetstream {
  store_dir: \"$dir/n$n\"
  max_memory_store: 256MB
  max_file_store: 4GB
}
cluster {
  name: rtpipe
  listen: 127.0.0.1:\$CPORT$n
  routes: [$(echo $routes | sed 's/ /, /g')]
}
mappings = {
  \"rtpart.*\": \"rtpart.{{partition(8,1)}}.{{wildcard(1)}}\"
}
CONF"
}

start_one() {
	local n=$1
	nats-server -c "$dir/n$n.conf" >>"$dir/n$n.log" 2>&1 &
	echo $! >"$dir/n$n.pid"
}

# wait_ready N: wait until N nodes see a JetStream meta leader and say
# they are healthy (/healthz: a restarted node has caught up with its
# streams, so the next test does not meet it half ready).
wait_ready() {
	local i n ok
	for ((i = 0; i < 300; i++)); do
		ok=0
		for n in 1 2 3; do
			[ -f "$dir/n$n.pid" ] || continue
			eval "curl -fsS http://127.0.0.1:\$HPORT$n/jsz" 2>/dev/null |
				grep -q '"leader": *"n[123]"' &&
				eval "curl -fsS http://127.0.0.1:\$HPORT$n/healthz" >/dev/null 2>&1 &&
				ok=$((ok + 1))
		done
		[ "$ok" -ge "${1:-3}" ] && return 0
		sleep 0.1
	done
	echo "cluster.sh: JetStream has no leader after 30 s (see $dir/n*.log)" >&2
	return 1
}

case $cmd in
start)
	read -r PORT1 PORT2 PORT3 CPORT1 CPORT2 CPORT3 HPORT1 HPORT2 HPORT3 <<<"$(free_ports 9)"
	for n in 1 2 3; do conf "$n" >"$dir/n$n.conf"; done
	{
		echo "NATS_URLS=nats://127.0.0.1:$PORT1,nats://127.0.0.1:$PORT2,nats://127.0.0.1:$PORT3"
		for n in 1 2 3; do
			eval "echo NATS_URL$n=nats://127.0.0.1:\$PORT$n"
			eval "echo NATS_HTTP$n=http://127.0.0.1:\$HPORT$n"
		done
		for v in PORT1 PORT2 PORT3 CPORT1 CPORT2 CPORT3 HPORT1 HPORT2 HPORT3; do
			eval "echo $v=\$$v"
		done
	} >"$dir/env"
	for n in 1 2 3; do start_one "$n"; done
	wait_ready 3
	;;
stop)
	for n in 1 2 3; do
		[ -f "$dir/n$n.pid" ] || continue
		kill "$(cat "$dir/n$n.pid")" 2>/dev/null || true
	done
	for n in 1 2 3; do
		[ -f "$dir/n$n.pid" ] || continue
		pid=$(cat "$dir/n$n.pid")
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$dir/n$n.pid"
	done
	;;
kill)
	n=${3:?node}
	kill -9 "$(cat "$dir/n$n.pid")" 2>/dev/null || true
	rm -f "$dir/n$n.pid"
	;;
restart)
	n=${3:?node}
	# shellcheck disable=SC1091
	. "$dir/env"
	start_one "$n"
	wait_ready 3
	;;
heal)
	# Start again any server that is not running.
	. "$dir/env"
	for n in 1 2 3; do
		if [ ! -f "$dir/n$n.pid" ] || ! kill -0 "$(cat "$dir/n$n.pid")" 2>/dev/null; then
			start_one "$n"
		fi
	done
	wait_ready 3
	;;
leader)
	stream=${3:?stream}
	. "$dir/env"
	for n in 1 2 3; do
		[ -f "$dir/n$n.pid" ] || continue
		eval "url=\$NATS_HTTP$n"
		l=$(curl -fsS "$url/jsz?streams=true" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for a in d.get("account_details", []):
    for s in a.get("stream_detail", []):
        if s["name"] == sys.argv[1]:
            print(s.get("cluster", {}).get("leader", ""))
            sys.exit(0)
' "$stream") || continue
		[ -n "$l" ] && { echo "${l#n}"; exit 0; }
	done
	exit 1
	;;
*)
	echo "cluster.sh: unknown command '$cmd'" >&2
	exit 2
	;;
esac
