# The README's shell blocks run as they are written (issue 16): each in a
# fresh directory holding a copy of examples/, with the status 0, no
# warning from any tool (a pipeline that rejects most of its records says
# so), and the output the README shows after it.
load helpers

@test "readme: every shell block runs, warns of nothing, and prints what is shown" {
	local n blk
	n=$(python3 "$RT_ROOT/tests/readme-blocks.py" "$RT_ROOT/README.md" "$T")
	[ "$n" -ge 3 ] || { echo "only $n shell blocks"; return 1; }
	for blk in $(seq "$n"); do
		rm -rf "$T/run$blk" && mkdir "$T/run$blk" && cp -r "$RT_ROOT/examples" "$T/run$blk/"
		cd "$T/run$blk"
		run --separate-stderr bash -e "$T/$blk.sh"
		cd "$T"
		[ "$status" -eq 0 ] || { echo "block $blk: status $status: $stderr"; cat "$T/$blk.sh"; return 1; }
		! grep -q 'warning:' <<<"$stderr" || { echo "block $blk: $stderr"; return 1; }
		if [ -f "$T/$blk.out" ]; then
			[ "$output" = "$(cat "$T/$blk.out")" ] ||
				{ printf 'block %d printed:\n%s\nnot:\n%s\nstderr:\n%s\n' "$blk" "$output" "$(cat "$T/$blk.out")" "$stderr"; return 1; }
		fi
	done
}

@test "readme: the first pipeline is the demo's: alerts, and almost nothing rejected" {
	python3 "$RT_ROOT/tests/readme-blocks.py" "$RT_ROOT/README.md" "$T" >/dev/null
	cp -r "$RT_ROOT/examples" "$T/"
	cd "$T"
	run --separate-stderr bash -e 1.sh
	[ "$status" -eq 0 ]
	[ "$(wc -l <alerts.ndjson)" -gt 100 ]
	[ "$(wc -l <bad.ndjson)" -lt 100 ]
	# The demo runs the same stages with the same options.
	local stage
	while IFS= read -r stage; do
		grep -qF -- "$stage" "$RT_ROOT/examples/demo.sh" ||
			{ echo "not in demo.sh: $stage"; return 1; }
	done < <(sed -n 's/^ *| *//p; s/^ *\(--integer.*\) --dedupe tx_id \\$/\1/p' 1.sh | sed 's/ *\\$//; s/ *> alerts.ndjson$//; s/ --reject bad.ndjson//')
}
