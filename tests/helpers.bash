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
