# The man pages' EXAMPLES are run, so the documentation cannot drift:
# every "$ command" line of an EXAMPLES literal block must print exactly
# the lines that follow it.  Input files come from tests/fixtures/man/.
# Each tool's own .bats runs its page; this file runs the overview and
# checks that no page is without examples.
load helpers

@test "man: rtpipe.7 examples run" {
	check_man_examples "$RT_ROOT/man/rtpipe.7"
}

@test "man: every page has runnable examples and passes mandoc -Tlint" {
	local p n
	for p in "$RT_ROOT"/man/*.[17]; do
		n=$("$RT_ROOT/tests/man-examples.sh" "$p" | grep -c '^===$' || true)
		[ "$n" -gt 0 ] || { echo "$p has no runnable examples"; return 1; }
		if command -v mandoc >/dev/null; then
			mandoc -Tlint -Wwarning "$p" || return 1
		fi
	done
}
