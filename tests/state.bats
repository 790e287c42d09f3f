# State files under damage and crashes (rtpipe(7), STATE FILES; issue 14):
# real rt-window and rt-alert state files damaged at random by a seeded
# generator must be refused or change nothing, and runs killed with
# SIGKILL at random moments of their saves must leave the old state or
# the new, never a torn one, and no temporary files.  RT_LONG=1 runs the
# long versions (5000 damaged files, 1000 kills); CASES and KILLS set
# them.
load helpers

S="$RT_ROOT/tests/state"

@test "state: randomly damaged state files are refused (status 2) or change nothing; forged values never crash" {
	local cases=${CASES:-240}
	[ -n "${RT_LONG:-}" ] && cases=${CASES:-5000}
	run python3 "$S/damage.py" "$RT_BIN" "$T/work" "$cases" "${SEED:-14}"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "damage: $cases cases over 8 configurations"*"; 0 failures" ]]
}

@test "state: runs killed with SIGKILL during their saves leave the old state or the new, never a torn one" {
	local kills=${KILLS:-200}
	[ -n "${RT_LONG:-}" ] && kills=${KILLS:-1000}
	run python3 "$S/crashloop.py" "$RT_BIN" "$T/work" "$kills" "${SEED:-14}"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == *", 0 failures" ]]
	# At least as many kills as asked, half of them at least during saves.
	local k s
	for tool in rt-window rt-alert; do
		k=$(printf '%s\n' "${lines[@]}" | sed -n "s/^crashloop: $tool: \([0-9]*\) kills (\([0-9]*\) during.*/\1 \2/p")
		read -r k s <<<"$k"
		[ "$k" -ge $(( (kills + 1) / 2 )) ] && [ "$s" -gt 0 ] || { echo "$tool: $k kills, $s in saves"; return 1; }
	done
}
