# Conservation under mutation (issue 14): every tool that reads records,
# on seeded records mutated at random (tests/mutation/mutate.py), keeps
# in = out + rejected + dropped, exits 0 or 1 as its rejects say (never 2,
# never a signal), and each reject's raw is the input record byte for
# byte.  CASES and SEED set the run (RT_LONG=1: 20000 cases).
load helpers

M="$RT_ROOT/tests/mutation/mutate.py"

@test "mutation: every tool keeps its counts, its status and the rejected bytes on mutated records" {
	local cases=${CASES:-260}
	[ -n "${RT_LONG:-}" ] && cases=${CASES:-20000}
	run python3 "$M" "$RT_BIN" "$T/work" "$cases" "${SEED:-14}"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^mutation:\ $cases\ cases\ over\ [0-9]+\ configurations\ \([0-9]+\ records,\ [0-9]+\ rejects\),\ 0\ failures$ ]]
}

@test "mutation: every configured tool is built" {
	run python3 -c "
import sys; sys.path.insert(0, '$RT_ROOT/tests/mutation'); import mutate, os
print('\n'.join(sorted({c['tool'] for c in mutate.CONFIGS})))"
	[ "$status" -eq 0 ]
	local t
	for t in "${lines[@]}"; do
		[ -x "$RT_BIN/$t" ] || { echo "$t: not built"; return 1; }
	done
	[ "${#lines[@]}" -ge 7 ]
}

# The checks can fail: a tool that loses its last output line, one that
# changes a rejected record's bytes, and one that crashes are caught.
@test "mutation: a lost record, a changed reject and a crash are caught" {
	mkdir bin
	cat >bin/rt-replay <<-EOF
	#!/bin/sh
	"$RT_BIN/rt-replay" "\$@" | head -n -1
	EOF
	cat >bin/rt-clean <<-EOF
	#!/bin/sh
	"$RT_BIN/rt-clean" "\$@"; s=\$?
	sed -i 's/"raw":"{/"raw":"{ /' "$T/work/rej.ndjson"
	exit \$s
	EOF
	cat >bin/rt-classify <<-EOF
	#!/bin/sh
	kill -SEGV \$\$
	EOF
	chmod +x bin/*
	run python3 "$M" "$T/bin" "$T/work" 26 14 rt-replay
	[ "$status" -eq 1 ]
	[[ "$output" == *"output lines, out "* ]]
	run python3 "$M" "$T/bin" "$T/work" 26 14 rt-clean
	[ "$status" -eq 1 ]
	[[ "$output" == *"raw of "*", not "* ]]
	run python3 "$M" "$T/bin" "$T/work" 4 14 rt-classify
	[ "$status" -eq 1 ]
	[[ "$output" == *"exit status -11"* ]]
	[[ "${lines[-1]}" == *", 4 failures" ]]
}
