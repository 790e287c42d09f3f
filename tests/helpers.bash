# Shared set-up for the bats suites: tools from $RT_BIN (set by tests/run),
# bats-support and bats-assert from Debian, a scratch directory per test.
# Load with:  load helpers

bats_require_minimum_version 1.5.0
bats_load_library() { load "/usr/lib/bats/$1/load.bash"; }
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${RT_ROOT:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${RT_BIN:=$RT_ROOT/build/rel/bin}"
: "${RT_CONFORMANCE:=$(cd "$RT_ROOT/.." && pwd)/shared/conformance}"
export PATH="$RT_BIN:$PATH" LC_ALL=C.UTF-8 TZ=UTC
FIX="$RT_ROOT/tests/fixtures"

setup() {
	T="$BATS_TEST_TMPDIR"
	cd "$T" || return 1
}

# rt_run TOOL ARGS... with stdin from $IN (a string) when set.
# Separates stdout ($output) from stderr ($stderr) like bats' --separate-stderr.
rt_run() {
	local err="$T/.stderr"
	if [ -n "${IN+x}" ]; then
		run --separate-stderr "$@" <<<"$IN"
	else
		run --separate-stderr "$@"
	fi
}

# The --stats JSON object printed on stderr (last line starting with '{').
stats_of() { printf '%s\n' "$stderr" | grep '^{' | tail -1; }

# stat FIELD: a member of that object, through jq.
stat_field() { stats_of | jq -r ".$1"; }

# check_man_examples PAGE: run the "$ command" examples of PAGE's EXAMPLES
# section (see tests/man-examples.sh); print differences on fd 3.
check_man_examples() {
	local page=$1 n=0 fail=0 cmd want got
	[ -f "$page" ] || skip "no $page"
	cp -r "$FIX/man/." "$T/" 2>/dev/null || true
	while IFS= read -r -d $'\x1e' ex; do
		cmd=${ex%%$'\n---\n'*}
		want=${ex#*$'\n---\n'}
		want=${want%===$'\n'}
		want=${want%===}
		got=$(cd "$T" && bash -c "$cmd" 2>&1) || true
		n=$((n + 1))
		if [ "$got" != "${want%$'\n'}" ]; then
			fail=$((fail + 1))
			printf 'example %d of %s differs:\n$ %s\n--- expected\n%s\n--- got\n%s\n' \
				"$n" "$page" "$cmd" "$want" "$got"
		fi
	done < <("$RT_ROOT/tests/man-examples.sh" "$page" | awk 'BEGIN{RS="===\n"; ORS="\x1e"} {print}')
	[ "$n" -gt 0 ] || { echo "no runnable examples in $page"; return 1; }
	[ "$fail" -eq 0 ]
}

# slow N: N records, one every 0.3 s.
slow() {
	local i
	for i in $(seq "$1"); do
		printf '{"id":%d,"ts":"2024-01-01T00:00:%02dZ","k":"a"}\n' "$i" "$i"
		sleep 0.3
	done
}
