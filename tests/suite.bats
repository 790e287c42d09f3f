# What every tool promises (rtpipe(7)): --help, --version, usage errors,
# a man page that documents every option, write errors, unreadable
# operands, bad records, and counts that add up.  The loop runs over the
# tools that were built, so a new tool is held to this at once.
load helpers

# The tools built, one per line.
tools() { (cd "$RT_BIN" && ls rt-*); }

# Tools that make records rather than read them.
is_source() { [ "$1" = rt-gen ] || [ "$1" = rt-top ] || [ "$1" = rt-nats ]; }
# rt-eval consumes records into one report: with no good record, the
# report counts none.
is_report() { [ "$1" = rt-eval ]; }
no_records_out() {
	if is_report "$1"; then
		[ "$(printf '%s\n' "$output" | jq -c '.records')" = 0 ] ||
			{ echo "$1: report '$output'"; return 1; }
	else
		[ -z "$output" ] || { echo "$1 wrote '$output'"; return 1; }
	fi
}

# The least arguments that make TOOL a working filter.
args_for() {
	case $1 in
	rt-validate) echo "--schema $FIX/suite/any.schema.json" ;;
	rt-window) echo "--sliding 1h --time arrival" ;;
	rt-classify) echo "--rules $FIX/suite/any.rules --check-fields 0 --label x=1" ;;
	rt-join) echo "--table $FIX/suite/join.ndjson --on customer_id" ;;
	*) echo "" ;;
	esac
}

@test "suite: the tools are built" {
	local n
	n=$(tools | wc -l)
	[ "$n" -ge 3 ]
	tools | grep -qx rt-clean
}

@test "suite: --help prints usage on stdout and exits 0" {
	local t
	for t in $(tools); do
		run --separate-stderr "$t" --help
		[ "$status" -eq 0 ] || { echo "$t --help: status $status"; return 1; }
		[[ "$output" == "Usage: $t "* ]] || { echo "$t --help: no Usage line"; return 1; }
		[ -z "$stderr" ] || { echo "$t --help wrote to stderr"; return 1; }
		run --separate-stderr "$t" -h
		[ "$status" -eq 0 ] || { echo "$t -h: status $status"; return 1; }
	done
}

@test "suite: --version names the tool and the release" {
	local t
	for t in $(tools); do
		run --separate-stderr "$t" --version
		[ "$status" -eq 0 ] || { echo "$t --version: status $status"; return 1; }
		[[ "$output" =~ ^$t\ \(rtpipe\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]] ||
			{ echo "$t --version: '$output'"; return 1; }
	done
}

@test "suite: an unknown option or a missing value is a usage error (exit 2)" {
	local t
	for t in $(tools); do
		for bad in --no-such-option -Z; do
			run --separate-stderr "$t" $bad
			[ "$status" -eq 2 ] || { echo "$t $bad: status $status"; return 1; }
			[ -z "$output" ] || { echo "$t $bad wrote to stdout"; return 1; }
			[[ "$stderr" == "$t: "*"
Try '$t --help' for more information." ]] ||
				{ echo "$t $bad: stderr '$stderr'"; return 1; }
		done
		run --separate-stderr "$t" --stats=x
		[ "$status" -eq 2 ] || { echo "$t --stats=x: status $status"; return 1; }
	done
}

@test "suite: --help into a full disk is a write error (exit 2)" {
	local t
	for t in $(tools); do
		run --separate-stderr bash -c "'$t' --help >/dev/full"
		[ "$status" -eq 2 ] || { echo "$t --help >/dev/full: status $status"; return 1; }
		[[ "$stderr" == *"No space left on device"* ]] ||
			{ echo "$t: '$stderr'"; return 1; }
	done
}

@test "suite: every tool has a man page documenting each of its long options" {
	local t o missing
	for t in $(tools); do
		[ -f "$RT_ROOT/man/$t.1" ] || { echo "no man/$t.1"; return 1; }
		missing=
		for o in $("$t" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			grep -q -- "^\.Fl ${o#-}\|Fl ${o#-}\b\|${o}\b" "$RT_ROOT/man/$t.1" ||
				missing+=" $o"
		done
		[ -z "$missing" ] || { echo "man/$t.1 does not document:$missing"; return 1; }
	done
	[ -f "$RT_ROOT/man/rtpipe.7" ] || { echo "no man/rtpipe.7"; return 1; }
}

@test "suite: filters: empty input gives no output, exit 0, zero counts" {
	local t
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --stats </dev/null
		[ "$status" -eq 0 ] || { echo "$t: status $status: $stderr"; return 1; }
		no_records_out "$t" || return 1
		[ "$(stat_field in)" = 0 ] || { echo "$t: stats '$(stats_of)'"; return 1; }
	done
}

@test "suite: filters: a BOM and one line without a newline is one record (issue 14)" {
	local t want
	for t in $(tools); do
		is_source "$t" && continue
		printf '\357\273\277{"a":1,"arrival":"2024-01-01T00:00:00Z"}' >bom.ndjson
		run --separate-stderr "$t" $(args_for "$t") --stats bom.ndjson
		[ "$status" -le 1 ] || { echo "$t: status $status: $stderr"; return 1; }
		[ "$(stat_field in)" = 1 ] || { echo "$t: stats '$(stats_of)'"; return 1; }
		run --separate-stderr "$t" $(args_for "$t") --stats <bom.ndjson
		[ "$status" -le 1 ] || { echo "$t stdin: status $status: $stderr"; return 1; }
		[ "$(stat_field in)" = 1 ] || { echo "$t stdin: stats '$(stats_of)'"; return 1; }
		# A BOM and a header-only CSV: no records, no rejects.
		printf '\357\273\277a,b' >bom.csv
		run --separate-stderr "$t" $(args_for "$t") --stats bom.csv
		[ "$status" -eq 0 ] || { echo "$t csv: status $status: $stderr"; return 1; }
		[ "$(stat_field in)" = 0 ] && [ "$(stat_field rejected)" = 0 ] ||
			{ echo "$t csv: stats '$(stats_of)'"; return 1; }
	done
	printf '\357\273\277{"a":1}' >bom.ndjson
	run --separate-stderr rt-clean <bom.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":1}' ]
}

@test "suite: filters: bad records are rejected with a reason, never printed; counts add up" {
	local t in out rej drop
	printf '%s\n' '{"card":"4111SECRET","amount":1' 'SECRET' '[1,2' >bad.ndjson
	printf '{"x":"\xffSECRET"}\n' >>bad.ndjson
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --stats bad.ndjson
		[ "$status" -eq 1 ] || { echo "$t: status $status"; return 1; }
		no_records_out "$t" || { echo "$t passed a bad record"; return 1; }
		! grep -q SECRET <<<"$stderr" || { echo "$t printed record content"; return 1; }
		[ "$(grep -c "^$t: bad.ndjson:[1-4]: " <<<"$stderr")" -eq 4 ] ||
			{ echo "$t: rejects not named by source and line: $stderr"; return 1; }
		in=$(stat_field in) rej=$(stat_field rejected)
		[ "$in" = 4 ] && [ "$rej" = 4 ] || { echo "$t: $(stats_of)"; return 1; }
		# The same into a reject file: one JSON object per record.
		run --separate-stderr "$t" $(args_for "$t") --reject rej.ndjson bad.ndjson
		[ "$status" -eq 1 ] || { echo "$t --reject: status $status"; return 1; }
		[ "$(jq -s 'length' rej.ndjson)" = 4 ] || { echo "$t: reject file"; return 1; }
		[ "$(jq -r '[.tool, .source, .line] | @tsv' rej.ndjson | head -1)" = "$t	bad.ndjson	1" ] ||
			{ echo "$t: reject object"; return 1; }
		# --strict stops at the first.
		run --separate-stderr "$t" $(args_for "$t") --strict --stats bad.ndjson
		[ "$status" -eq 1 ] || { echo "$t --strict: status $status"; return 1; }
		[ "$(stat_field rejected)" = 1 ] || { echo "$t --strict: $(stats_of)"; return 1; }
	done
}

@test "suite: filters: an unreadable operand is reported, the others still read (exit 2)" {
	local t
	printf 'SECRET\n' >bad.ndjson
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --stats no-such-file bad.ndjson
		[ "$status" -eq 2 ] || { echo "$t: status $status"; return 1; }
		grep -qx "$t: no-such-file: No such file or directory" <<<"$stderr" ||
			{ echo "$t: '$stderr'"; return 1; }
		[ "$(stat_field in)" = 1 ] || { echo "$t: $(stats_of)"; return 1; }
	done
}

@test "suite: filters: a reject file that cannot be written is trouble (exit 2)" {
	local t
	printf 'SECRET\n' >bad.ndjson
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --reject /dev/full bad.ndjson
		[ "$status" -eq 2 ] || { echo "$t --reject /dev/full: status $status"; return 1; }
		run --separate-stderr "$t" $(args_for "$t") --reject /no/such/dir/rej bad.ndjson
		[ "$status" -eq 2 ] || { echo "$t --reject /no/such/dir: status $status"; return 1; }
	done
}

@test "suite: filters: --max-record-bytes rejects a long line and reads on" {
	local t
	{
		printf '{"a":"%s"}\n' "$(head -c 5000 /dev/zero | tr '\0' x)"
		printf 'SECRET\n'
	} >long.ndjson
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --max-record-bytes 1K --stats long.ndjson
		[ "$status" -eq 1 ] || { echo "$t: status $status"; return 1; }
		grep -q "^$t: long.ndjson:1: record exceeds --max-record-bytes" <<<"$stderr" ||
			{ echo "$t: '$stderr'"; return 1; }
		[ "$(stat_field in)" = 2 ] && [ "$(stat_field rejected)" = 2 ] ||
			{ echo "$t: $(stats_of)"; return 1; }
	done
}

@test "suite: with SIGPIPE ignored, a reader that stops early ends every tool quietly, exit 2 (issue 14)" {
	# 60,000 records: more than a pipe holds, whatever its size.
	rt-gen --seed 3 --limit 60000 | jq -c '. + {_class: "fraud", _score: 1}' > big.ndjson
	local t reader
	for t in $(tools); do
		case $t in rt-top | rt-nats) continue ;; esac	# no records out
		reader="head -1"
		# rt-eval writes one report at the end: its reader has gone.
		is_report "$t" && reader=true
		local args=$(args_for "$t")
		is_source "$t" && args="--limit 60000"
		[ "$t" = rt-replay ] && args="--speed max"
		run --separate-stderr bash -c "trap '' PIPE; '$t' $args $(is_source "$t" || echo big.ndjson) | $reader > /dev/null; echo \"\${PIPESTATUS[0]}\""
		[ "$output" = 2 ] || { echo "$t: status $output, stderr '$stderr'"; return 1; }
		[ -z "$stderr" ] || { echo "$t: stderr '$stderr'"; return 1; }
	done
	# Not ignored: killed by SIGPIPE, as before.
	run --separate-stderr bash -c "rt-clean big.ndjson | head -1 > /dev/null; echo \"\${PIPESTATUS[0]}\""
	[ "$output" = 141 ] && [ -z "$stderr" ]
}

@test "suite: filters: -d and --quote read a semicolon CSV as the comma one (issue 16)" {
	local t want
	printf 'a,arrival,n\n1,2024-01-01T00:00:00Z,"x,y"\n2,2024-01-01T00:00:00Z,z\n' >comma.csv
	printf "a;arrival;n\n1;2024-01-01T00:00:00Z;'x,y'\n2;2024-01-01T00:00:00Z;z\n" >semi.csv
	for t in $(tools); do
		is_source "$t" && continue
		run --separate-stderr "$t" $(args_for "$t") --stats comma.csv
		[ "$status" -le 1 ] || { echo "$t: status $status: $stderr"; return 1; }
		want=$output
		[ "$(stat_field in)" = 2 ] || { echo "$t: stats '$(stats_of)'"; return 1; }
		run --separate-stderr "$t" $(args_for "$t") -d ';' --quote "'" --stats semi.csv
		[ "$status" -le 1 ] || { echo "$t -d: status $status: $stderr"; return 1; }
		[ "$output" = "$want" ] || { echo "$t -d: '$output', want '$want'"; return 1; }
		[ "$(stat_field in)" = 2 ] || { echo "$t -d: stats '$(stats_of)'"; return 1; }
		run --separate-stderr "$t" $(args_for "$t") -d ';;' semi.csv
		[ "$status" -eq 2 ] || { echo "$t -d ';;': status $status"; return 1; }
	done
}
