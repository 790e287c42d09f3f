# Unknown options and option values (rtpipe(7), "Common options"): every
# tool suggests the option or the value meant, from its own table, through
# one place (lib/cli.c, lib/suggest.c); the usage error exits 2 and writes
# nothing on stdout.
load helpers

tools() { (cd "$RT_BIN" && ls rt-*); }

# usage_is TOOL ARGS...: a usage error whose first line is stdin.
usage_is() {
	local want
	want=$(cat)
	run --separate-stderr "$@" </dev/null
	[ "$status" -eq 2 ] || { echo "$*: exit $status"; return 1; }
	[ -z "$output" ] || { echo "$*: stdout: $output"; return 1; }
	[ "$stderr" = "$want"$'\n'"Try '$1 --help' for more information." ] ||
		{ printf '%s:\n%s\n' "$*" "$stderr"; return 1; }
}

# The word with its first two different neighbours after the first byte
# swapped: "sliding" -> "sldiing".
swap() {
	local w=$1 i
	for ((i = 1; i + 1 < ${#w}; i++)); do
		if [ "${w:i:1}" != "${w:i+1:1}" ]; then
			echo "${w:0:i}${w:i+1:1}${w:i:1}${w:i+2}"
			return
		fi
	done
	echo "$w"
}

@test "options: each long option of each tool, misspelt, is suggested" {
	local t o m n=0 bad=0
	for t in $(tools); do
		for o in $("$t" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			o=${o#--} m=$(swap "$o")
			[ "$m" = "$o" ] && continue
			run --separate-stderr "$t" "--$m" </dev/null
			n=$((n + 1))
			if [ "$status" -ne 2 ] || [[ "${stderr%%$'\n'*}" != "$t: unknown option '--$m'; did you mean "*"'--$o'"*"?" ]]; then
				bad=$((bad + 1))
				echo "$t --$m: status $status: ${stderr%%$'\n'*}"
			fi
		done
	done
	echo "$n misspellings, $bad without the option meant"
	[ "$n" -gt 150 ]
	[ "$bad" -eq 0 ]
}

@test "options: the suggestion, exactly, in every tool" {
	usage_is rt-window --slidng 1h <<<"rt-window: unknown option '--slidng'; did you mean '--sliding'?"
	usage_is rt-clean --dedpue tx_id <<<"rt-clean: unknown option '--dedpue'; did you mean '--dedupe'?"
	usage_is rt-validate --shcema s.json <<<"rt-validate: unknown option '--shcema'; did you mean '--schema'?"
	usage_is rt-classify --rulse r <<<"rt-classify: unknown option '--rulse'; did you mean '--rules'?"
	usage_is rt-alert --supress 1h <<<"rt-alert: unknown option '--supress'; did you mean '--suppress'?"
	usage_is rt-replay --sped 2 <<<"rt-replay: unknown option '--sped'; did you mean '--speed'?"
	usage_is rt-gen --costumers 5 <<<"rt-gen: unknown option '--costumers'; did you mean '--customers'?"
	usage_is rt-eval --scroe s <<<"rt-eval: unknown option '--scroe'; did you mean '--score'?"
	usage_is rt-merge --max-dely 1s <<<"rt-merge: unknown option '--max-dely'; did you mean '--max-delay'?"
	usage_is rt-top --intervall 1s <<<"rt-top: unknown option '--intervall'; did you mean '--interval'?"
	# Nothing near, nothing suggested.
	usage_is rt-eval --zzzzzz <<<"rt-eval: unknown option '--zzzzzz'"
	usage_is rt-eval -Z <<<"rt-eval: unknown option '-Z'"
	# The common options come from the same table.
	usage_is rt-merge --rejcet r <<<"rt-merge: unknown option '--rejcet'; did you mean '--reject'?"
	usage_is rt-clean --unbufferd <<<"rt-clean: unknown option '--unbufferd'; did you mean '--unbuffered'?"
	# An option of another tool is not suggested.
	usage_is rt-gen --sliding 1h <<<"rt-gen: unknown option '--sliding'"
}

@test "options: an ambiguous prefix names the options it begins; a value to an option that takes none" {
	usage_is rt-clean --dedup tx_id <<<"rt-clean: option '--dedup' is ambiguous; did you mean '--dedupe', '--dedupe-window' or '--dedupe-max'?"
	usage_is rt-eval --stat <<<"rt-eval: option '--stat' is ambiguous; did you mean '--stats', '--stats-every' or '--stats-dir'?"
	usage_is rt-eval --s <<<"rt-eval: option '--s' is ambiguous; did you mean '--stats', '--strict', '--stats-every', ...?"
	usage_is rt-eval --stats=1 <<<"rt-eval: option '--stats' takes no value"
	usage_is rt-clean --verb=1 <<<"rt-clean: option '--verbose' takes no value"
	usage_is rt-gen --messy=yes <<<"rt-gen: option '--messy' takes no value"
	# A unique prefix is the option, as getopt_long has it.
	rt_run rt-gen --lim 1 --cust 5 --term 10 --rad 30 --days 1
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	# A missing value is still said so.
	usage_is rt-eval --score <<<"rt-eval: option '--score' needs a value"
}

@test "options: -i, -o and --time-unit values, in every tool that takes them" {
	local t
	for t in $(tools); do
		[ "$t" = rt-top ] && continue
		usage_is "$t" -o ndjsn <<<"$t: unknown value 'ndjsn' for -o; did you mean 'ndjson'?"
		usage_is "$t" --output-format=NDJSON <<<"$t: unknown value 'NDJSON' for -o; did you mean 'ndjson'?"
		usage_is "$t" -o xml <<<"$t: unknown value 'xml' for -o; use ndjson, csv or tsv"
		[ "$t" = rt-gen ] && continue
		usage_is "$t" -i cvs <<<"$t: unknown value 'cvs' for -i; did you mean 'csv'?"
		usage_is "$t" -i xsv <<<"$t: unknown value 'xsv' for -i; did you mean 'csv' or 'tsv'?"
		usage_is "$t" -i c <<<"$t: unknown value 'c' for -i; did you mean 'csv'?"
	done
	for t in rt-clean rt-window rt-alert rt-replay rt-merge rt-eval; do
		usage_is "$t" --time-unit sec <<<"$t: unknown value 'sec' for --time-unit; did you mean 's'?"
		usage_is "$t" --time-unit msec <<<"$t: unknown value 'msec' for --time-unit; did you mean 'ms'?"
		usage_is "$t" --time-unit h <<<"$t: unknown value 'h' for --time-unit; use s, ms, us or ns"
	done
	# The other spellings still read.
	rt_run rt-clean -i json --time-unit µs </dev/null
	[ "$status" -eq 0 ]
}

@test "options: each tool's own word lists" {
	usage_is rt-clean --keys snak <<<"rt-clean: unknown value 'snak' for --keys; did you mean 'snake'?"
	usage_is rt-clean --keys camel <<<"rt-clean: unknown value 'camel' for --keys; use asis, lower or snake"
	usage_is rt-validate --schema x --draft 2020-2 <<<"rt-validate: unknown value '2020-2' for --draft; did you mean '2020-12'?"
	usage_is rt-validate --schema x --draft 4 <<<"rt-validate: unknown value '4' for --draft; use 2020-12 or 7"
	usage_is rt-classify --rules x --combine mx <<<"rt-classify: unknown value 'mx' for --combine; did you mean 'max'?"
	usage_is rt-classify --rules x --label-by porb <<<"rt-classify: unknown value 'porb' for --label-by; did you mean 'prob'?"
	usage_is rt-alert --format jsno <<<"rt-alert: unknown value 'jsno' for --format; did you mean 'json'?"
	usage_is rt-alert --format=TEXT <<<"rt-alert: unknown value 'TEXT' for --format; did you mean 'text'?"
	usage_is rt-alert --syslog=locl3 <<<"rt-alert: unknown value 'locl3' for --syslog; did you mean 'local3'?"
	usage_is rt-window --sliding 1h --closed bth <<<"rt-window: unknown value 'bth' for --closed; did you mean 'both'?"
	usage_is rt-window --tumble 1h --emit enrch <<<"rt-window: unknown value 'enrch' for --emit; did you mean 'enrich'?"
	usage_is rt-window --sliding 1h -a coutn <<<"rt-window: unknown value 'coutn' for --agg; did you mean 'count'?"
	usage_is rt-window --sliding 1h -a sume:amount <<<"rt-window: unknown value 'sume' for --agg; did you mean 'sum'?"
	usage_is rt-window --sliding 1h -a median:amount <<<"rt-window: unknown value 'median' for --agg; use count, sum, avg, min, max, stddev, distinct, first, last, count_if, prev or since_prev"
	# The words themselves still work.
	IN='{"k":1,"ts":"2024-01-01T00:00:00Z"}' rt_run rt-window -k k --sliding 1h --closed both -a count -a distinct:k
	[ "$status" -eq 0 ]
	[ "$output" = '{"k":1,"ts":"2024-01-01T00:00:00Z","count_1h":1,"distinct_k_1h":1}' ]
}
