# rt-clean: exact output, stderr, reject file and exit status for every
# option and rule of rt-clean(1) (see also CLEAN-NOTES.md).
#
# Most tests are tables: each case runs rt-clean apart, every difference is
# printed, and the test fails when any case did.
load helpers

# expect IN OUT ERR RC ARGS...: printf '%s' IN | rt-clean ARGS gives
# exactly OUT on stdout and ERR on stderr (trailing newlines aside) and
# exits RC.
expect() {
	local in=$1 out=$2 err=$3 rc=$4 got gerr grc
	shift 4
	grc=0
	got=$(printf '%s' "$in" | rt-clean "$@" 2>"$T/.err") || grc=$?
	gerr=$(cat "$T/.err")
	if [ "$got" != "$out" ] || [ "$gerr" != "$err" ] || [ "$grc" != "$rc" ]; then
		printf 'rt-clean %s <<< %q\n' "$*" "$in"
		printf '  want (exit %s): %s | %s\n' "$rc" "$out" "$err"
		printf '  got  (exit %s): %s | %s\n' "$grc" "$got" "$gerr"
		nbad=$((nbad + 1))
	fi
	return 0
}

# table FIELD ARGS... < lines "VALUE<TAB>RESULT": the record {"FIELD":VALUE}
# comes out as {"FIELD":RESULT}, or, when RESULT is "!reason", is rejected
# with "rt-clean: stdin:1: FIELD: reason" (exit 1).  Lines starting with
# "#" are comments.
table() {
	local f=$1 v r n=0
	shift
	nbad=0
	while IFS=$'\t' read -r v r; do
		case $v in '#'* | '') continue ;; esac
		n=$((n + 1))
		case $r in
		'!'*) expect "{\"$f\":$v}"$'\n' "" "rt-clean: stdin:1: $f: ${r#!}" 1 "$@" ;;
		*) expect "{\"$f\":$v}"$'\n' "{\"$f\":$r}" "" 0 "$@" ;;
		esac
	done
	[ "$n" -gt 0 ] || { echo "empty table"; return 1; }
	[ "$nbad" -eq 0 ]
}

# usage ARGS... < expected first line of stderr: exit 2, nothing on
# stdout, the message and the --help hint.
usage_is() {
	local want
	want=$(cat)
	rt_run rt-clean "$@" </dev/null
	[ "$status" -eq 2 ] || { echo "rt-clean $*: exit $status"; return 1; }
	[ -z "$output" ] || { echo "rt-clean $*: stdout: $output"; return 1; }
	[ "$stderr" = "$want"$'\n'"Try 'rt-clean --help' for more information." ] ||
		{ printf 'rt-clean %s:\n%s\n' "$*" "$stderr"; return 1; }
}

# stats_add_up: the --stats object of the last rt_run has in = out +
# rejected + dropped, and the given counts (in out rejected dropped).
stats_are() {
	local s
	s=$(stats_of)
	[ -n "$s" ] || { echo "no --stats object on stderr"; return 1; }
	jq -e --argjson i "$1" --argjson o "$2" --argjson r "$3" --argjson d "$4" \
		'.tool == "rt-clean" and .in == $i and .out == $o and
		 .rejected == $r and .dropped == $d and
		 .in == .out + .rejected + .dropped' <<<"$s" >/dev/null ||
		{ echo "stats: $s, want in=$1 out=$2 rejected=$3 dropped=$4"; return 1; }
}

# ---------------------------------------------------------------- input

@test "NDJSON: a record no rule changes passes byte for byte, in order" {
	printf '%s\n' '{"a":1,"b":"x","c":[1, 2],"d":{"e" : null}}' \
		'{"z":true,"y":false,"x":-0.5e-3}' '{}' >in.ndjson
	rt_run rt-clean in.ndjson
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	cmp <(printf '%s\n' "$output") in.ndjson
}

@test "fidelity: untouched values keep their bytes; the top level is compact" {
	# Big integers, exponents, escapes, nested spacing; key order kept.
	IN=' { "id" : 123456789012345678901234567890 , "f":1.0E+10, "neg": -0.000,'
	IN+=' "s":"caf\u00e9 \"q\" \/ \ud83d\ude00 \ud800", "n":{ "a" : [ 1 ,2 ] , "b":{}},'
	IN+=' "z" : null, "t":true, "amount":"12.50" }	'
	rt_run rt-clean --number amount
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = '{"id":123456789012345678901234567890,"f":1.0E+10,"neg":-0.000,"s":"caf\u00e9 \"q\" \/ \ud83d\ude00 \ud800","n":{ "a" : [ 1 ,2 ] , "b":{}},"z":null,"t":true,"amount":12.50}' ]
}

@test "fidelity: the output is valid JSON equal to the input for jq" {
	printf '%s\n' '{"id":9007199254740993,"v":[1,{"k":"v"}],"s":"\u0041\nb"}' \
		'{ "a" : "x" , "b" : [ ] }' >in.ndjson
	rt-clean in.ndjson >out.ndjson
	diff <(jq -c . in.ndjson) <(jq -c . out.ndjson)
	# Big integers are not rounded (jq 1.6 would print 9007199254740992).
	grep -q '"id":9007199254740993' out.ndjson
}

@test "NDJSON: blank lines are not records, BOM skipped, CRLF, no last newline" {
	printf '\xef\xbb\xbf{"a":1}\r\n\n   \n\t\r\n{"a":2}\r\n{"a":3}' >in.ndjson
	rt_run rt-clean --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = $'{"a":1}\n{"a":2}\n{"a":3}' ]
	stats_are 3 3 0 0
	# Every record ends with "\n", the last one too.
	[ "$(rt-clean in.ndjson | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ]
}

@test "NDJSON: a BOM anywhere but at the start is an error; line numbers count blanks" {
	printf '\n{"a":1}\n\xef\xbb\xbf{"a":2}\n' >in.ndjson
	rt_run rt-clean in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":1}' ]
	[ "$stderr" = 'rt-clean: in.ndjson:3: invalid JSON: unexpected character at byte 1' ]
}

@test "CSV: -i csv on stdin, or a .csv operand; TSV likewise; stdin is NDJSON" {
	printf 'a,b\n1,2\n' >in.csv
	printf 'a\tb\n1\t2\n' >in.tsv
	printf 'a,b\n1,2\n' >csv.txt
	nbad=0
	expect $'a,b\n1,2\n' '{"a":"1","b":"2"}' '' 0 -i csv
	expect $'a,b\n1,2\n' '{"a":"1","b":"2"}' '' 0 --input-format=csv
	expect $'a\tb\n1\t2\n' '{"a":"1","b":"2"}' '' 0 -i tsv
	expect '' '{"a":"1","b":"2"}' '' 0 in.csv
	expect '' '{"a":"1","b":"2"}' '' 0 in.tsv
	expect '' '{"a":"1","b":"2"}' '' 0 -i csv csv.txt
	# Without -i: stdin and unknown extensions are NDJSON.
	expect $'a,b\n' '' 'rt-clean: stdin:1: invalid JSON: unexpected character at byte 1' 1
	expect '' '' $'rt-clean: csv.txt:1: invalid JSON: unexpected character at byte 1\nrt-clean: csv.txt:2: invalid JSON: unexpected text after the value at byte 2' 1 csv.txt
	# -i overrides the extension; json and jsonl name NDJSON.
	printf '{"a":1}\n' >j.csv
	expect '' '{"a":1}' '' 0 -i ndjson j.csv
	expect '' '{"a":1}' '' 0 -i json j.csv
	expect '' '{"a":1}' '' 0 -i jsonl j.csv
	[ "$nbad" -eq 0 ]
}

@test "CSV: RFC 4180 quoting, CRLF, BOM, empty fields, spaces, last line" {
	nbad=0
	expect $'a,b\n"x,y","q""r"\n' '{"a":"x,y","b":"q\"r"}' '' 0 -i csv
	expect $'a,b\n"multi\nline",z\n' '{"a":"multi\nline","b":"z"}' '' 0 -i csv
	expect $'a,b\r\n"x\r\ny",3\r\n' '{"a":"x\r\ny","b":"3"}' '' 0 -i csv
	expect $'\xef\xbb\xbfa,b\r\n1,2\r\n' '{"a":"1","b":"2"}' '' 0 -i csv
	expect $'a,b\n,\n' '{"a":"","b":""}' '' 0 -i csv
	expect $'a,b\n1,2' '{"a":"1","b":"2"}' '' 0 -i csv
	expect $'a,b\n"1","2"' '{"a":"1","b":"2"}' '' 0 -i csv
	expect $'a,b\n1,2\n\n3,4\n' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}' '' 0 -i csv
	# The reader keeps spaces; rt-clean trims them unless --no-trim.
	expect $'a , b\n 1 ,"2 "\n' '{"a":"1","b":"2"}' '' 0 -i csv
	expect $'a , b\n 1 ,"2 "\n' '{"a ":" 1 "," b":"2 "}' '' 0 -i csv --no-trim
	expect $'a\tb\n1\t"x\ty"\n' '{"a":"1","b":"x\ty"}' '' 0 -i tsv
	expect $'a,b\n' '' '' 0 -i csv
	expect '' '' '' 0 -i csv
	expect $'caf\xc3\xa9,b\n\xe2\x82\xac,\xf0\x9f\x98\x80\n' \
		$'{"caf\xc3\xa9":"\xe2\x82\xac","b":"\xf0\x9f\x98\x80"}' '' 0 -i csv
	[ "$nbad" -eq 0 ]
}

@test "CSV: bad rows are rejected with their line and reason; reading goes on" {
	printf 'a,b\n1,2\n1,2,3\n4\n"bad"x,1\n"multi\nline",ok\n  sp  ,\xff\n5,6\n"open,1\n7,8' >bad.csv
	rt_run rt-clean --stats --reject rej.ndjson bad.csv
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":"1","b":"2"}\n{"a":"multi\\nline","b":"ok"}\n{"a":"5","b":"6"}' ]
	stats_are 8 3 5 0
	run jq -c '[.line, .reason]' rej.ndjson
	[ "$output" = '[3,"row has 3 fields, the header has 2"]
[4,"row has 1 field, the header has 2"]
[5,"malformed CSV (stray quote)"]
[8,"invalid UTF-8"]
[10,"unterminated quoted field"]' ]
	# raw is the row's original text; a multi-line row keeps its line ends.
	[ "$(jq -r 'select(.line == 10) | .raw' rej.ndjson)" = $'"open,1\n7,8' ]
	[ "$(jq -r 'select(.line == 3) | .raw' rej.ndjson)" = '1,2,3' ]
	[ "$(jq -r 'select(.line == 8) | .raw_base64' rej.ndjson | base64 -d | od -An -tx1)" = \
		"$(printf '  sp  ,\xff' | od -An -tx1)" ]
}

@test "CSV: a multi-line row rejected by a rule has its lines in raw" {
	printf 'a,b\n"x\r\ny\nz",1\n2,"3\n\n4"\n5,6\n' >ml.csv
	rt_run rt-clean --number b --reject rej.ndjson ml.csv
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":"x\\r\\ny\\nz","b":1}\n{"a":"5","b":6}' ]
	[ -z "$stderr" ]
	[ "$(jq -c '[.source, .line, .reason]' rej.ndjson)" = '["ml.csv",5,"b: cannot parse as a number: not a number"]' ]
	jq -j .raw rej.ndjson >raw
	cmp raw <(printf '2,"3\n\n4"')
}

@test "CSV differential: rt-clean -i csv --no-trim equals Python's csv.DictReader" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	cat >gen.py <<'EOF'
import csv, random, sys
rnd = random.Random(int(sys.argv[2]))
delim = sys.argv[1]
alphabet = ["a", "b", "Z", "0", "9", " ", ",", '"', "\n", "\r\n", "\t", ";",
            "é", "€", "😀", "中", "\u00a0", "'", "\\", "/", "{", "}", ":"]
def text(n):
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, n)))
ncol = rnd.randint(2, 6)
header = ["k%d%s" % (i, text(3).replace("\n", "").replace("\r", "")) for i in range(ncol)]
w = csv.writer(sys.stdout, delimiter=delim, lineterminator=rnd.choice(["\n", "\r\n"]),
               quoting=rnd.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
w.writerow(header)
for _ in range(rnd.randint(1, 60)):
    row = [text(12) for _ in range(ncol)]
    if all(v.strip(" \t\r\n") == "" for v in row):
        row[0] = "x"          # a blank line is no record for rt-clean
    w.writerow(row)
EOF
	cat >oracle.py <<'EOF'
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f, delimiter=sys.argv[2]):
        print(json.dumps(row, ensure_ascii=False))
EOF
	local seed d ext n=0 rows=0
	for seed in $(seq 1 40); do
		if [ $((seed % 4)) -eq 0 ]; then d=$'\t' ext=tsv; else d=, ext=csv; fi
		python3 gen.py "$d" "$seed" >"in$seed.$ext"
		python3 oracle.py "in$seed.$ext" "$d" | jq -cS . >want
		rt-clean --no-trim "in$seed.$ext" >got.ndjson 2>err || {
			echo "seed $seed: exit $?"; cat err; return 1; }
		[ ! -s err ] || { echo "seed $seed:"; cat err; return 1; }
		jq -cS . got.ndjson >got
		diff want got || { echo "seed $seed differs"; return 1; }
		rows=$((rows + $(wc -l <want)))
		n=$((n + 1))
	done
	[ "$n" -eq 40 ]
	[ "$rows" -gt 500 ]
}

# ---------------------------------------------- line ends, blank lines (14)

@test "CSV: a line of only spaces or tabs is a record; only an empty line is not (issue 14)" {
	printf 'name\nann\n  \nbob\n' >one.csv
	rt_run rt-clean -i csv --no-trim --stats one.csv
	[ "$status" -eq 0 ]
	[ "$output" = $'{"name":"ann"}\n{"name":"  "}\n{"name":"bob"}' ]
	stats_are 3 3 0 0
	nbad=0
	# One column: a value ("  " kept with --no-trim, "" trimmed).
	expect $'name\nann\n  \nbob\n' $'{"name":"ann"}\n{"name":""}\n{"name":"bob"}' '' 0 -i csv
	expect $'name\n\t \t\n' '{"name":"\t \t"}' '' 0 -i csv --no-trim
	expect $'name\n  ' '{"name":"  "}' '' 0 -i csv --no-trim
	expect $'name\r\n \r\n' '{"name":" "}' '' 0 -i csv --no-trim
	expect $'name\n  \n' '{"name":"  "}' '' 0 -i tsv --no-trim
	# Two columns: one field, a reject; the stream goes on.
	expect $'a,b\n1,2\n  \n3,4\n' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}' \
		'rt-clean: stdin:3: row has 1 field, the header has 2' 1 -i csv
	expect $'a,b\n\t\n' '' 'rt-clean: stdin:2: row has 1 field, the header has 2' 1 -i csv
	# TSV: a line of one tab is a row of two empty fields.
	expect $'a\tb\n\t\n' '{"a":"","b":""}' '' 0 -i tsv
	# A line of spaces before the header is the header.
	expect $'  \n1\n' '{"  ":"1"}' '' 0 -i csv --no-trim
	# Empty lines (LF, CRLF, CR) are not records, anywhere.
	expect $'\n\na\n\n1\r\n\r\n2\n\n' $'{"a":"1"}\n{"a":"2"}' '' 0 -i csv
	[ "$nbad" -eq 0 ]
	# The reject's raw is the line itself.
	printf 'a,b\n  \n' >two.csv
	rt_run rt-clean --reject rej.ndjson --stats two.csv
	[ "$status" -eq 1 ]
	stats_are 1 0 1 0
	[ "$(jq -c '[.line, .reason, .raw]' rej.ndjson)" = '[2,"row has 1 field, the header has 2","  "]' ]
}

@test "lone CR line ends (old Mac files) end lines in CSV, TSV and NDJSON (issue 14)" {
	nbad=0
	expect $'a,b\r1,2\r3,4\r' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}' '' 0 -i csv
	expect $'a,b\r1,2\r3,4' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}' '' 0 -i csv
	expect $'a\tb\r1\t2\r' '{"a":"1","b":"2"}' '' 0 -i tsv
	expect $'{"a":1}\r{"a":2}\r' $'{"a":1}\n{"a":2}' '' 0
	expect $'{"a":1}\r{"a":2}' $'{"a":1}\n{"a":2}' '' 0
	# Mixed line ends; empty lines of any kind are skipped.
	expect $'a,b\r\n1,2\r3,4\n\r\r\n5,6' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}\n{"a":"5","b":"6"}' '' 0 -i csv
	# Inside quotes a CR (alone or before LF) is data.
	expect $'a,b\r"x\ry",1\r"p\r\nq",2\r' $'{"a":"x\\ry","b":"1"}\n{"a":"p\\r\\nq","b":"2"}' '' 0 -i csv
	# Line numbers count CR-ended lines.
	expect $'a,b\r1,2\rbad\r3,4\r' $'{"a":"1","b":"2"}\n{"a":"3","b":"4"}' \
		'rt-clean: stdin:3: row has 1 field, the header has 2' 1 -i csv
	expect $'{"a":1}\r{"a":\r{"a":3}\r' $'{"a":1}\n{"a":3}' \
		'rt-clean: stdin:2: invalid JSON: unexpected end of text at byte 6' 1
	[ "$nbad" -eq 0 ]
	# Counts add up, raw has no CR.
	printf 'id,v\r1,a\r2\r3,c\r' >mac.csv
	rt_run rt-clean --stats --reject rej.ndjson mac.csv
	[ "$status" -eq 1 ]
	stats_are 3 2 1 0
	[ "$(jq -c '[.line, .raw]' rej.ndjson)" = '[3,"2"]' ]
	# A CR-only file longer than --max-record-bytes is many short lines,
	# and an overlong CR-ended line is rejected, reading resumes after it.
	awk 'BEGIN { ORS = "\r"; print "{\"a\":0}"; for (i = 1; i <= 400; i++) print "{\"a\":" i "}" }' >many.ndjson
	rt_run rt-clean --max-record-bytes 1K --stats many.ndjson
	[ "$status" -eq 0 ]
	stats_are 401 401 0 0
	[ "$(tail -1 <<<"$output")" = '{"a":400}' ]
	{ printf '{"a":1}\r{"a":"%s"}\r' "$(head -c 3000 /dev/zero | tr '\0' x)"
	  printf '{"a":2}\r{"a":3}'; } >long.ndjson
	rt_run rt-clean --max-record-bytes 1K --stats long.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":1}\n{"a":2}\n{"a":3}' ]
	stats_are 4 3 1 0
	[ "$(grep -v '^{' <<<"$stderr")" = 'rt-clean: long.ndjson:2: record exceeds --max-record-bytes (1024)' ]
}

@test "CSV differential: every record, reject and count against Python's csv module (issue 14)" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	# Short by default; CSV_CASES=N or RT_LONG=1 (20000 cases) for more.
	local n=${CSV_CASES:-200}
	[ -z "${RT_LONG:-}" ] || n=${CSV_CASES:-20000}
	run python3 "$RT_ROOT/tests/csv/csvdiff.py" --rt-clean "$RT_BIN/rt-clean" \
		--cases "$n" --seed "${CSV_SEED:-1}"
	printf '# %s\n' "${lines[@]: -1}" >&3
	[ "$status" -eq 0 ] || { printf '%s\n' "$output"; return 1; }
	[[ "${lines[-1]}" == "csvdiff: $n cases ("*"), 0 disagreements" ]]
}

@test "-o csv and -o tsv: header from the first record, quoting; a new key starts a new header block" {
	IN='{"a":"x,y","b":"q\"r","c":null,"d":1.50,"e":[1, 2],"f":{"k":"v"},"g":true,"h":"l1\nl2","i":"t\tab"}
{"b":"2"}
{"a":"3","z":1}
{"i":"é"}
{"z":2,"a":"4"}
[1]'
	rt_run rt-clean -o csv --stats
	[ "$status" -eq 1 ]
	# Like Miller's CSV-lite writer: an empty line, then the new keys.  A
	# record whose keys are all in the header is written under it.
	[ "$output" = 'a,b,c,d,e,f,g,h,i
"x,y","q""r",,1.50,"[1, 2]","{""k"":""v""}",true,"l1
l2",t	ab
,2,,,,,,,

a,z
3,1

i
é

z,a
2,4' ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-clean: stdin:6: not a JSON object" ]
	stats_are 6 5 1 0
	IN='{"a":"x,y","b":"q\"r","c":null,"i":"t\tab"}
{"b":"2"}
{"n":1}'
	rt_run rt-clean --output-format tsv
	[ "$status" -eq 0 ]
	[ "$output" = $'a\tb\tc\ti\nx,y\t"q""r"\t\t"t\tab"\n\t2\t\t\n\nn\n1' ]
}

@test "--columns A,B,C: a fixed header; missing values empty; another key is a reject naming it" {
	IN='{"b":"2","a":"x,y"}
{"a":"3"}
{}
{"a":"4","zz":1,"b":5}
{"c":null,"b":"l1\nl2"}'
	rt_run rt-clean -o csv --columns a,b,c --stats
	[ "$status" -eq 1 ]
	[ "$output" = 'a,b,c
"x,y",2,
3,,
,,
,"l1
l2",' ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-clean: stdin:4: key (member 2) is not in --columns" ]
	stats_are 5 4 1 0
	# The same with the reject file; and TSV.
	rt_run rt-clean -o tsv --columns c,a --reject rej.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = $'c\ta\n\t3\n\t' ]
	[ "$(jq -c '[.line, .reason]' rej.ndjson)" = $'[1,"key \'b\' (member 1) is not in --columns"]\n[4,"key \'zz\' (member 2) is not in --columns"]\n[5,"key \'b\' (member 2) is not in --columns"]' ]
	# One column: empty values are quoted, so the line is not empty.
	IN=$'{"id":""}\n{}'
	rt_run rt-clean -o csv --columns id
	[ "$output" = $'id\n""\n""' ]
	# A key with control characters is escaped in the reason.
	IN='{"a\u001b[31m":1}'
	rt_run rt-clean -o csv --columns a
	[ "$stderr" = "rt-clean: stdin:1: key (member 1) is not in --columns" ]
	rt_run rt-clean -o csv --columns a --verbose
	[ "$stderr" = "rt-clean: stdin:1: key 'a\\u001b[31m' (member 1) is not in --columns" ]
	usage_is --columns a <<<"rt-clean: --columns needs -o csv or -o tsv"
	usage_is -o csv --columns a,,b <<<"rt-clean: --columns: an empty column name: 'a,,b'"
	usage_is -o csv --columns a,b,a <<<"rt-clean: --columns: a column named twice: 'a,b,a'"
}

@test "-o csv output reads back through -i csv to the same strings" {
	IN='{"a":"x,y","b":"q\"r\"","c":"l1\r\nl2","d":"é ; \\"}
{"a":"","b":"1","c":"2","d":"3"}'
	rt-clean -o csv <<<"$IN" >out.csv
	rt-clean -i csv --no-trim out.csv >back.ndjson
	diff <(jq -c . <<<"$IN") <(jq -c . back.ndjson)
}

# ------------------------------------------------- CSV variants (issue 16)

@test "-d/--delimiter C and --quote C for CSV input (;  |  tab, any byte)" {
	nbad=0
	expect $'a;b\n1;"x;y"\n' '{"a":"1","b":"x;y"}' '' 0 -i csv -d ';'
	expect $'a;b\n1;2\n' '{"a":"1","b":"2"}' '' 0 -i csv --delimiter ';'
	expect $'a;b\n1;2\n' '{"a":"1","b":"2"}' '' 0 -i csv --delimiter=';'
	expect $'a|b\n"x|y"|2\n' '{"a":"x|y","b":"2"}' '' 0 -i csv -d '|'
	expect $'a\tb\n1\t2\n' '{"a":"1","b":"2"}' '' 0 -i csv -d tab
	expect $'a\tb\n1\t2\n' '{"a":"1","b":"2"}' '' 0 -i csv -d $'\t'
	expect $'a\tb\n1\t2\n' '{"a":"1","b":"2"}' '' 0 -i csv -d '\t'
	expect $'a\x01b\n1\x01,2\n' '{"a":"1","b":",2"}' '' 0 -i csv -d $'\x01'
	expect $'a b\n1 "2 3"\n' '{"a":"1","b":"2 3"}' '' 0 -i csv -d ' '
	# -d overrides TSV's tab too; commas are then data.
	expect $'a;b\n1,5;2\n' '{"a":"1,5","b":"2"}' '' 0 -i tsv -d ';'
	# A comma is data with another delimiter; ragged rows still reject.
	expect $'a;b\n1,2\n' '' 'rt-clean: stdin:2: row has 1 field, the header has 2' 1 -i csv -d ';'
	# --quote: the quote character; '"' is then data.
	expect $'a,b\n\'x,y\',\'it\'\'s\'\n' '{"a":"x,y","b":"it'"'"'s"}' '' 0 -i csv --quote "'"
	expect $'a,b\n"q",\'"\'\n' '{"a":"\"q\"","b":"\""}' '' 0 -i csv --quote "'"
	expect $'a;b\n\'1;2\';\'x\ny\'\n' '{"a":"1;2","b":"x\ny"}' '' 0 -i csv -d ';' --quote "'"
	expect $'a,b\nx\'y,1\n' '' 'rt-clean: stdin:2: malformed CSV (stray quote)' 1 -i csv --quote "'"
	# A .csv operand takes them as well.
	printf 'a;b\n1;2\n' >semi.csv
	expect '' '{"a":"1","b":"2"}' '' 0 -d ';' semi.csv
	[ "$nbad" -eq 0 ]
	# A semicolon export with decimal commas, in one command.
	printf 'id;amount;when\n1;1.234,56;2024-03-01\n2;"12,5";2024-03-02\n3;-0,75;2024-03-03\n' >export.csv
	rt_run rt-clean -i csv -d ';' --decimal-comma --number amount export.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"1","amount":1234.56,"when":"2024-03-01"}
{"id":"2","amount":12.5,"when":"2024-03-02"}
{"id":"3","amount":-0.75,"when":"2024-03-03"}' ]
}

@test "-d/--delimiter and --quote for -o csv and -o tsv; round trip" {
	IN='{"a":"x;y","b":"1,5","c":"it'"'"'s","d":"q\"r"}'
	rt_run rt-clean -o csv -d ';'
	[ "$status" -eq 0 ]
	[ "$output" = $'a;b;c;d\n"x;y";1,5;it\'s;"q""r"' ]
	rt_run rt-clean -o csv -d ';' --quote "'"
	[ "$output" = $'a;b;c;d\n\'x;y\';1,5;\'it\'\'s\';q"r' ]
	rt_run rt-clean -o tsv -d '|'
	[ "$output" = $'a|b|c|d\nx;y|1,5|it\'s|"q""r"' ]
	rt_run rt-clean -o csv -d tab
	[ "$output" = $'a\tb\tc\td\nx;y\t1,5\tit\'s\t"q""r"' ]
	# What -o csv -d C --quote Q writes, -i csv -d C --quote Q reads back.
	IN='{"a":"x;y","b":"l1\r\nl2","c":"it'"'"'s","d":"q\"r;\"","e":"","f":"\t"}
{"a":"","b":"","c":"","d":"","e":"","f":""}'
	local d q
	for d in ';' '|' tab ','; do
		for q in '"' "'"; do
			rt-clean -o csv -d "$d" --quote "$q" --no-trim <<<"$IN" >out.csv
			rt-clean -i csv -d "$d" --quote "$q" --no-trim out.csv >back.ndjson
			diff <(jq -c . <<<"$IN") <(jq -c . back.ndjson) ||
				{ echo "-d $d --quote $q"; cat out.csv; return 1; }
		done
	done
}

@test "-d/--delimiter and --quote: bad values are usage errors" {
	usage_is -d ';;' <<<"rt-clean: --delimiter: ';;' is not one byte (or tab)"
	usage_is -d '' <<<"rt-clean: --delimiter: '' is not one byte (or tab)"
	usage_is -d 'é' <<<"rt-clean: --delimiter: 'é' is not one byte (or tab)"
	usage_is -d $'\n' <<<"rt-clean: --delimiter: a line end cannot be the delimiter"
	usage_is -d $'\r' <<<"rt-clean: --delimiter: a line end cannot be the delimiter"
	usage_is --quote "''" <<<"rt-clean: --quote: '''' is not one byte"
	usage_is --quote $'\n' <<<"rt-clean: --quote: a line end cannot be the quote"
	usage_is -d "'" --quote "'" <<<"rt-clean: --delimiter and --quote are the same byte"
	usage_is --quote , <<<"rt-clean: --delimiter and --quote are the same byte"
	usage_is -d <<<"rt-clean: option '-d' needs a value"
}

# ------------------------------------------------------------------ keys

@test "--keys snake, lower, asis; keys are trimmed unless --no-trim" {
	nbad=0
	local k want
	while IFS='|' read -r k want; do
		expect "{\"$k\":1}"$'\n' "{\"$want\":1}" '' 0 --keys snake
	done <<'EOF'
Card ID|card_id
cardID|card_id
HTTPServer|http_server
  Amount (EUR) |amount_eur
already_snake|already_snake
a--b|a_b
ABC|abc
userID2|user_id2
x.y.z|x_y_z
__a__|a
isFraud|is_fraud
Tx-Id|tx_id
getHTTPResponseCode|get_http_response_code
A1B2|a1_b2
9lives|9lives
EOF
	expect '{"Card ID":1,"cardId":2," HTTPServer ":3}' '{"card id":1,"cardid":2,"httpserver":3}' '' 0 --keys lower
	expect '{"Card ID":1,"cardId":2," HTTPServer ":3}' '{"Card ID":1,"cardId":2,"HTTPServer":3}' '' 0 --keys asis
	expect '{"Card ID":1,"cardId":2," HTTPServer ":3}' '{"Card ID":1,"cardId":2,"HTTPServer":3}' '' 0
	expect '{" A ":1}' '{" a ":1}' '' 0 --keys lower --no-trim
	expect '{" A ":1}' '{" A ":1}' '' 0 --no-trim
	expect '{"\u0041b":1}' '{"ab":1}' '' 0 --keys lower
	[ "$nbad" -eq 0 ]
}

@test "duplicate keys reject the record: in the input or after normalisation" {
	nbad=0
	expect '{"a":1,"a":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1
	expect '{"a":1,"\u0061":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1
	expect '{"a":1," a":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1
	expect '{"a":1," a":2}' '{"a":1," a":2}' '' 0 --no-trim
	expect '{"Card ID":1,"cardID":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1 --keys snake
	expect '{"A":1,"a":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1 --keys lower
	expect '{"A":1,"a":2}' '{"A":1,"a":2}' '' 0
	expect '{"a":1,"b":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1 --rename a=b
	# A dropped duplicate is still a duplicate in the input.
	expect '{"a":1,"a":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1 --drop a
	expect $'a,a\n1,2\n' '' "rt-clean: stdin:2: duplicate key (member 2)" 1 -i csv
	[ "$nbad" -eq 0 ]
}

@test "a record's keys stay off stderr unless --verbose; the reject file names them (issue 14)" {
	IN='{"id":1,"4111111111111111":2,"4111111111111111":3}'
	rt_run rt-clean
	[ "$status" -eq 1 ]
	[ "$stderr" = "rt-clean: stdin:1: duplicate key (member 3)" ]
	rt_run rt-clean --verbose
	[ "$stderr" = "rt-clean: stdin:1: duplicate key '4111111111111111' (member 3)" ]
	rt_run rt-clean --reject rej.ndjson
	[ "$status" -eq 1 ]
	[ "$(jq -r .reason rej.ndjson)" = "duplicate key '4111111111111111' (member 3)" ]
	# Cut diagnostics are summed up by kind, whatever the keys.
	IN=$(for i in 1 2 3 4; do echo "{\"k$i\":1,\"k$i\":2}"; done)
	rt_run rt-clean --max-diagnostics 1
	[ "$stderr" = "rt-clean: stdin:1: duplicate key (member 2)
rt-clean: 3 more rejects like 'duplicate key (member 2)' not shown (see --reject, --stats, --max-diagnostics)
rt-clean: warning: 4 of 4 records were rejected" ]
}

@test "--rename OLD=NEW (OLD as --keys made it), --select and --drop by the new name" {
	nbad=0
	expect '{"a":1,"b":2,"c":3}' '{"x":1,"b":2,"c":3}' '' 0 --rename a=x
	expect '{"a":1,"b":2,"c":3}' '{"x":1,"c":3}' '' 0 --rename a=x --select x,c
	expect '{"a":1,"b":2,"c":3}' '{"x":1,"c":3}' '' 0 --rename a=x --select x --select c
	expect '{"a":1,"b":2,"c":3}' '{"b":2,"c":3}' '' 0 --rename a=x --select a,b,c
	expect '{"a":1,"b":2,"c":3}' '{"a":1,"c":3}' '' 0 --drop b
	expect '{"a":1,"b":2,"c":3}' '{"a":1}' '' 0 --drop b,c
	expect '{"a":1,"b":2,"c":3}' '{"b":2,"c":3}' '' 0 --rename a=x --drop x
	expect '{"a":1,"b":2}' '{}' '' 0 --select z
	expect '{"a":1,"b":2}' '{"b":2}' '' 0 --select a,b --drop a
	expect '{"Card ID":"1"}' '{"card":"1"}' '' 0 --keys snake --rename card_id=card
	expect '{"Card ID":"1"}' '{"card_id":"1"}' '' 0 --keys snake --rename 'Card ID=card'
	expect '{"Amount (EUR)":"1,5"}' '{"amount_eur":1.5}' '' 0 --keys snake --number amount_eur --decimal-comma
	expect '{"A":" usd "}' '{"cur":"USD"}' '' 0 --keys lower --rename a=cur --upper cur
	[ "$nbad" -eq 0 ]
}

@test "--rename OLD=NEW,OLD=NEW: a comma-separated list, and the option repeats (issue 16)" {
	nbad=0
	expect '{"ts":1,"kartennummer":"c1","x":2}' '{"time":1,"card":"c1","x":2}' '' 0 \
		--rename ts=time,kartennummer=card
	expect '{"ts":1,"kartennummer":"c1","x":2}' '{"time":1,"card":"c1","x":2}' '' 0 \
		--rename ts=time --rename kartennummer=card
	expect '{"ts":1,"kartennummer":"c1","x":2}' '{"time":1,"card":"c1","y":2}' '' 0 \
		--rename ts=time,kartennummer=card --rename x=y
	# Three in one, with --keys snake and the new names in other options.
	expect '{"Card ID":"c1","Amount":"1,5","When":0}' '{"card":"c1","amt":1.5,"at":"1970-01-01T00:00:00.000Z"}' '' 0 \
		--keys snake --rename card_id=card,amount=amt,when=at --number amt --decimal-comma --time at
	# Two names made one: a duplicate key, as with one pair at a time.
	expect '{"a":1,"b":2}' '' "rt-clean: stdin:1: duplicate key (member 2)" 1 --rename a=c,b=c
	[ "$nbad" -eq 0 ]
	# A bad pair in a list is a usage error naming that pair.
	usage_is --rename a=b,c <<<"rt-clean: --rename: expected NAME=VALUE: 'c'"
	usage_is --rename a=b, <<<"rt-clean: --rename: expected NAME=VALUE: ''"
	usage_is --rename ,a=b <<<"rt-clean: --rename: expected NAME=VALUE: ''"
	usage_is --rename a=b,c= <<<"rt-clean: --rename: expected OLD=NEW: 'c='"
}

# ---------------------------------------------------------------- values

@test "trim: ASCII whitespace and NBSP at both ends of strings; --no-trim" {
	IN='{"a":" x ","b":"\t y\u00a0","c":"\u0020z","d":"  ","e":" \u00a0 ","f":"a  b","g":"x","h":1,"i":"\n\r\f\u000bq\t"}'
	rt_run rt-clean
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":"x","b":"y","c":"z","d":"","e":"","f":"a  b","g":"x","h":1,"i":"q"}' ]
	rt_run rt-clean --no-trim
	[ "$status" -eq 0 ]
	[ "$output" = "$IN" ]
	# Only the ends: nested strings are not touched.
	IN='{"a":[" x "],"b":{"c":" y "}}'
	rt_run rt-clean
	[ "$output" = "$IN" ]
}

@test "--drop-empty removes \"\" and null (after trimming), unless a default applies" {
	nbad=0
	expect '{"a":"","b":null,"c":0,"d":false,"e":[],"f":{},"g":"  ","h":"x"}' '{"c":0,"d":false,"e":[],"f":{},"h":"x"}' '' 0 --drop-empty
	expect '{"g":"  "}' '{"g":"  "}' '' 0 --drop-empty --no-trim
	expect '{"a":"","b":null}' '{"a":"x"}' '' 0 --drop-empty --default a=x
	expect '{"a":""}' '{}' '' 0 --drop-empty
	[ "$nbad" -eq 0 ]
}

@test "--default F=V: JSON if V parses, else a string; missing, null or \"\"" {
	nbad=0
	expect '{"a":"","b":null}' '{"a":"x","b":1,"c":{"k":[1]},"d":null,"e":"q","f":""}' '' 0 \
		--default a=x --default b=1 --default c='{"k":[1]}' --default d=null --default e='"q"' --default f=
	# Defaults for missing fields are appended, in the order given.
	expect '{"z":0}' '{"z":0,"b":true,"a":[]}' '' 0 --default b=true --default a='[]'
	# A present, non-empty value is kept.
	expect '{"a":"y","b":0,"c":false}' '{"a":"y","b":0,"c":false}' '' 0 --default a=x --default b=1 --default c=true
	# The value is trimmed like any other (missing or empty alike), not with --no-trim.
	expect $'{"a":"  "}\n{"a":null}\n{}' $'{"a":"dflt"}\n{"a":"dflt"}\n{"a":"dflt"}' '' 0 --default 'a= dflt '
	expect $'{"a":""}\n{}' $'{"a":" dflt "}\n{"a":" dflt "}' '' 0 --default 'a= dflt ' --no-trim
	# The default then goes through the field's type and case rules.
	expect $'{"n":""}\n{}' $'{"n":1234}\n{"n":1234}' '' 0 --default n=' 1,234 ' --number n
	expect $'{"n":""}\n{}' $'{"n":true}\n{"n":true}' '' 0 --default n=' yes ' --bool n
	expect $'{"c":null}\n{}' $'{"c":"USD"}\n{"c":"USD"}' '' 0 --default c=usd --upper c
	expect '{}' '{"t":"1970-01-01T00:00:00.000Z"}' '' 0 --default t=0 --time t
	expect '{"a":1}' '' 'rt-clean: stdin:1: n: cannot parse as a number: not a number' 1 --default n=abc --number n
	# No default for a field --drop or --select removes.
	expect '{"a":1}' '{"a":1,"c":3}' '' 0 --drop b --default b=2 --default c=3
	expect '{"a":1}' '{"a":1,"b":2}' '' 0 --select a,b --default b=2 --default c=3
	[ "$nbad" -eq 0 ]
}

@test "--require F: missing, null or \"\" (after trim) is a reject" {
	nbad=0
	expect '{"x":1}' '' 'rt-clean: stdin:1: a: required field is missing' 1 --require a
	expect '{"a":""}' '' 'rt-clean: stdin:1: a: required field is empty' 1 --require a
	expect '{"a":null}' '' 'rt-clean: stdin:1: a: required field is empty' 1 --require a
	expect '{"a":" \u00a0"}' '' 'rt-clean: stdin:1: a: required field is empty' 1 --require a
	expect '{"a":"  "}' '{"a":"  "}' '' 0 --require a --no-trim
	expect '{"a":0}' '{"a":0}' '' 0 --require a
	expect '{"a":false}' '{"a":false}' '' 0 --require a
	expect '{"a":[]}' '{"a":[]}' '' 0 --require a
	expect '{"a":"x","b":1}' '{"a":"x","b":1}' '' 0 --require a,b
	expect '{"a":"x"}' '' 'rt-clean: stdin:1: b: required field is missing' 1 --require a --require b
	expect '{}' '{"a":"d"}' '' 0 --require a --default a=d
	expect '{"a":""}' '' 'rt-clean: stdin:1: a: required field is missing' 1 --require a --drop-empty
	# The check sees the input's field even when the output drops it.
	expect '{"id":1,"v":1}' '{"v":1}' '' 0 --require id --drop id
	expect '{"id":1,"v":1}' '{"v":1}' '' 0 --require id --select v
	expect '{"v":1}' '' 'rt-clean: stdin:1: id: required field is missing' 1 --require id --select v
	expect '{"id":"","v":1}' '' 'rt-clean: stdin:1: id: required field is empty' 1 --require id --drop id
	[ "$nbad" -eq 0 ]
}

@test "--number: messy numbers are mended without floats" {
	table x --number x <<'EOF'
"1,234.50"	1234.50
"$12"	12
"€ 12.00"	12.00
"12 €"	12
"£3"	3
"(12.00)"	-12.00
"+.5"	0.5
"007"	7
"00.5"	0.5
"-007.10"	-7.10
"1.5e3"	1.5e3
"1,234,567.891"	1234567.891
"1 234"	1234
" 12 "	12
"-$5"	-5
"$-5"	-5
"12."	12
"-0"	-0
"0.0"	0.0
"123456789012345678901234567890.000000000000000000001"	123456789012345678901234567890.000000000000000000001
"\u0031\u0032"	12
# JSON numbers and null pass untouched
12.50	12.50
1e400	1e400
-0.0	-0.0
123456789012345678901234567890	123456789012345678901234567890
null	null
# rejects
"12,3,4"	!cannot parse as a number: bad digit grouping
"1,23"	!cannot parse as a number: bad digit grouping
"1,2345"	!cannot parse as a number: bad digit grouping
"12,50"	!cannot parse as a number: bad digit grouping
",123"	!cannot parse as a number: not a number
"."	!cannot parse as a number: not a number
""	!cannot parse as a number: not a number
"abc"	!cannot parse as a number: not a number
"--5"	!cannot parse as a number: not a number
"0x10"	!cannot parse as a number: not a number
"Infinity"	!cannot parse as a number: not a number
"NaN"	!cannot parse as a number: not a number
"1e"	!cannot parse as a number: not a number
"-(3)"	!cannot parse as a number: not a number
true	!expected a number
{}	!expected a number
[1]	!expected a number
EOF
}

@test "--number --decimal-comma: 12,50 and 1.234,50" {
	table x --number x --decimal-comma <<'EOF'
"12,50"	12.50
"1.234,50"	1234.50
"1.234.567,8"	1234567.8
"€ 12,00"	12.00
"(1,5)"	-1.5
"1 234,5"	1234.5
"1.234"	1234
"12"	12
12.5	12.5
"12.50"	!cannot parse as a number: bad digit grouping
"1,234.50"	!cannot parse as a number: not a number
EOF
}

@test "--integer: whole numbers only" {
	table x --integer x <<'EOF'
"12.00"	12
"1.2e3"	1200
"1.20e1"	12
"120e-1"	12
"1,234"	1234
"$12.00"	12
"(7)"	-7
"-0.0"	0
"99999999999999999999999"	99999999999999999999999
12	12
-3	-3
12.0	12
1e3	1000
null	null
"12.5"	!cannot parse as an integer: not an integer
"1e-1"	!cannot parse as an integer: not an integer
1.5	!cannot parse as an integer: not an integer
"x"	!cannot parse as an integer: not a number
true	!expected an integer
EOF
}

@test "--bool: yes/no words in any case, 1 and 0" {
	table x --bool x <<'EOF'
"yes"	true
"No"	false
"Y"	true
"n"	false
"T"	true
"f"	false
"1"	true
"0"	false
"ON"	true
"off"	false
"TRUE"	true
"False"	false
" yes "	true
"\u0079es"	true
1	true
0	false
true	true
false	false
null	null
2	!cannot parse as a boolean
1.0	!cannot parse as a boolean
"maybe"	!cannot parse as a boolean
""	!cannot parse as a boolean
"yes please"	!cannot parse as a boolean
[]	!expected a boolean
{}	!expected a boolean
EOF
}

@test "--time: RFC 3339 / ISO 8601 and epoch seconds to RFC 3339 UTC, milliseconds" {
	table t --time t <<'EOF'
"2024-03-01T12:00:00.5+01:00"	"2024-03-01T11:00:00.500Z"
"2024-03-01 12:00:00"	"2024-03-01T12:00:00.000Z"
"20240301T120000Z"	"2024-03-01T12:00:00.000Z"
"2024-03-01"	"2024-03-01T00:00:00.000Z"
"2024-03-01T12:00:00.123456Z"	"2024-03-01T12:00:00.123Z"
"2024-03-01T12:00:00.9999Z"	"2024-03-01T12:00:00.999Z"
"2024-03-01t12:00:00z"	"2024-03-01T12:00:00.000Z"
"2024-03-01T12:00:00-05:30"	"2024-03-01T17:30:00.000Z"
"2024-03-01T12:00:00+0100"	"2024-03-01T11:00:00.000Z"
"2024-03-01T12:00Z"	"2024-03-01T12:00:00.000Z"
"2024-02-29T23:59:59Z"	"2024-02-29T23:59:59.000Z"
"2024-12-31T23:59:60Z"	"2025-01-01T00:00:00.000Z"
"1969-12-31T23:59:59.999Z"	"1969-12-31T23:59:59.999Z"
"0001-01-01T00:00:00Z"	"0001-01-01T00:00:00.000Z"
"9999-12-31T23:59:59Z"	"9999-12-31T23:59:59.000Z"
" 2024-03-01 "	"2024-03-01T00:00:00.000Z"
1709294400	"2024-03-01T12:00:00.000Z"
"1709294400"	"2024-03-01T12:00:00.000Z"
1709294400.5	"2024-03-01T12:00:00.500Z"
0	"1970-01-01T00:00:00.000Z"
-1	"1969-12-31T23:59:59.000Z"
-1.5	"1969-12-31T23:59:58.500Z"
1e9	"2001-09-09T01:46:40.000Z"
null	null
"2024-02-30T00:00:00Z"	!cannot parse as a time: day out of range
"2023-02-29"	!cannot parse as a time: day out of range
"2024-13-01"	!cannot parse as a time: month out of range
"2024-03-01T25:00:00Z"	!cannot parse as a time: hour out of range
"2024-03-01T12"	!cannot parse as a time: not a date-time
"yesterday"	!cannot parse as a time: not a date-time
""	!cannot parse as a time: not a date-time
true	!expected a time
[]	!expected a time
EOF
}

@test "--time --time-unit ms, us, ns (numbers and numeric strings)" {
	table t --time t --time-unit ms <<'EOF'
1709294400123	"2024-03-01T12:00:00.123Z"
"1709294400123"	"2024-03-01T12:00:00.123Z"
-1	"1969-12-31T23:59:59.999Z"
1.0005	"1970-01-01T00:00:00.001Z"
EOF
	table t --time t --time-unit us <<'EOF'
1709294400123456	"2024-03-01T12:00:00.123Z"
"1709294400123999"	"2024-03-01T12:00:00.123Z"
EOF
	table t --time t --time-unit ns <<'EOF'
1709294400123456789	"2024-03-01T12:00:00.123Z"
EOF
	# 1e9 ns is 1970, 1e9 s is 2001: a unit mixed up, most likely.
	nbad=0
	expect '{"t":1e9}' '{"t":"1970-01-01T00:00:01.000Z"}' \
		'rt-clean: stdin:1: warning: epoch times read in ns fall before 1990 or after 2099; in s they would not (--time-unit s?)' \
		0 --time t --time-unit ns
	[ "$nbad" -eq 0 ]
	table t --time t --time-unit s <<'EOF'
1709294400	"2024-03-01T12:00:00.000Z"
1709294400123456	!cannot parse as a time: time out of range
EOF
	# Text with an offset is not an epoch, whatever the unit.
	table t --time t --time-unit ms <<'EOF'
"2024-03-01T12:00:00Z"	"2024-03-01T12:00:00.000Z"
EOF
}

@test "--tz: offset-less text in a fixed offset or a named zone (DST)" {
	table t --time t --tz +02:00 <<'EOF'
"2024-03-01 12:00:00"	"2024-03-01T10:00:00.000Z"
"2024-03-01"	"2024-02-29T22:00:00.000Z"
"2024-03-01T12:00:00Z"	"2024-03-01T12:00:00.000Z"
"2024-03-01T12:00:00-01:00"	"2024-03-01T13:00:00.000Z"
1709294400	"2024-03-01T12:00:00.000Z"
EOF
	table t --time t --tz -0530 <<'EOF'
"2024-03-01 12:00:00"	"2024-03-01T17:30:00.000Z"
EOF
	table t --time t --tz UTC <<'EOF'
"2024-07-01 12:00:00"	"2024-07-01T12:00:00.000Z"
EOF
	table t --time t --tz Europe/Paris <<'EOF'
"2024-03-01 12:00:00"	"2024-03-01T11:00:00.000Z"
"2024-07-01T12:00:00"	"2024-07-01T10:00:00.000Z"
"2024-07-01T12:00:00.250"	"2024-07-01T10:00:00.250Z"
"2024-03-01"	"2024-02-29T23:00:00.000Z"
"2024-03-31 01:59:59"	"2024-03-31T00:59:59.000Z"
"2024-03-31 03:00:00"	"2024-03-31T01:00:00.000Z"
"2024-10-27 01:59:59"	"2024-10-26T23:59:59.000Z"
"2024-10-27 03:00:00"	"2024-10-27T02:00:00.000Z"
"2024-07-01T12:00:00Z"	"2024-07-01T12:00:00.000Z"
"2024-07-01T12:00:00+05:00"	"2024-07-01T07:00:00.000Z"
1709294400	"2024-03-01T12:00:00.000Z"
EOF
	table t --time t --tz America/New_York <<'EOF'
"2024-01-15 08:00:00"	"2024-01-15T13:00:00.000Z"
"2024-07-15 08:00:00"	"2024-07-15T12:00:00.000Z"
EOF
}

@test "--tz named zones agree with Python's zoneinfo on many local times" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 -c 'import zoneinfo' 2>/dev/null || skip "python3 has no zoneinfo"
	cat >tz.py <<'EOF'
import json, random, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
z = ZoneInfo(sys.argv[1]); rnd = random.Random(7)
ins, outs = open("tz.in", "w"), open("tz.want", "w")
n = 0
while n < 400:
    t = datetime(1990, 1, 1) + timedelta(seconds=rnd.randrange(0, 40 * 366 * 86400))
    a, b = t.replace(tzinfo=z, fold=0), t.replace(tzinfo=z, fold=1)
    if a.utcoffset() != b.utcoffset():
        continue            # in a DST gap or overlap: no single answer
    u = a.astimezone(timezone.utc)
    ins.write(json.dumps({"t": t.strftime("%Y-%m-%d %H:%M:%S")}) + "\n")
    outs.write(json.dumps({"t": u.strftime("%Y-%m-%dT%H:%M:%S.000Z")}, separators=(",", ":")) + "\n")
    n += 1
EOF
	local z
	for z in Europe/Paris America/New_York Australia/Lord_Howe Asia/Kathmandu; do
		python3 tz.py "$z"
		rt-clean --time t --tz "$z" tz.in >tz.got || { echo "$z: exit $?"; return 1; }
		diff tz.want tz.got || { echo "$z differs"; return 1; }
	done
}

@test "--time-format: strptime-like directives, with --tz" {
	nbad=0
	local f v want
	while IFS='|' read -r f v want; do
		expect "{\"t\":$v}" "{\"t\":$want}" '' 0 --time t --time-format "$f"
	done <<'EOF'
%d/%m/%Y %H:%M|"01/03/2024 12:30"|"2024-03-01T12:30:00.000Z"
%Y-%m-%d %H:%M:%S.%f|"2024-03-01 12:00:00.123456"|"2024-03-01T12:00:00.123Z"
%b %e %Y %I:%M %p|"Mar  1 2024 01:05 PM"|"2024-03-01T13:05:00.000Z"
%b %e %Y %I:%M %p|"mar  1 2024 12:05 am"|"2024-03-01T00:05:00.000Z"
%B %d, %Y|"March 01, 2024"|"2024-03-01T00:00:00.000Z"
%a, %d %b %Y %T %z|"Fri, 01 Mar 2024 12:00:00 +0100"|"2024-03-01T11:00:00.000Z"
%a, %d %b %Y %T %Z|"Fri, 01 Mar 2024 12:00:00 GMT"|"2024-03-01T12:00:00.000Z"
%F %T|"2024-03-01 12:00:00"|"2024-03-01T12:00:00.000Z"
%Y%j|"2024061"|"2024-03-01T00:00:00.000Z"
%s|"1709294400"|"2024-03-01T12:00:00.000Z"
%y-%m-%d|"24-03-01"|"2024-03-01T00:00:00.000Z"
%y-%m-%d|"69-03-01"|"1969-03-01T00:00:00.000Z"
%y-%m-%d|"68-03-01"|"2068-03-01T00:00:00.000Z"
%Y-%m-%d %%|"2024-03-01 %"|"2024-03-01T00:00:00.000Z"
%Y-%m-%dT%H:%M:%S%z|"2024-03-01T12:00:00+01:00"|"2024-03-01T11:00:00.000Z"
%Y-%m-%dT%H:%M:%S%z|"2024-03-01T12:00:00Z"|"2024-03-01T12:00:00.000Z"
%d/%m/%Y|1709294400|"2024-03-01T12:00:00.000Z"
EOF
	expect '{"t":"01/03/2024 12:30"}' '{"t":"2024-03-01T11:30:00.000Z"}' '' 0 --time t --time-format '%d/%m/%Y %H:%M' --tz Europe/Paris
	expect '{"t":"01/07/2024 12:30"}' '{"t":"2024-07-01T10:30:00.000Z"}' '' 0 --time t --time-format '%d/%m/%Y %H:%M' --tz Europe/Paris
	expect '{"t":"2024-03-01T12:00:00Z"}' '' 'rt-clean: stdin:1: t: cannot parse as a time: does not match --time-format' 1 --time t --time-format '%d/%m/%Y %H:%M'
	expect '{"t":"01/03/2024 trailing"}' '' 'rt-clean: stdin:1: t: cannot parse as a time: does not match --time-format' 1 --time t --time-format '%d/%m/%Y'
	expect '{"t":"31/02/2024"}' '' 'rt-clean: stdin:1: t: cannot parse as a time: day out of range' 1 --time t --time-format '%d/%m/%Y'
	expect '{"t":"13:05 PM"}' '' 'rt-clean: stdin:1: t: cannot parse as a time: hour out of range' 1 --time t --time-format '%I:%M %p'
	[ "$nbad" -eq 0 ]
}

@test "--upper / --lower: ASCII only, strings only, after the type" {
	nbad=0
	expect '{"c":"usd","d":"ÉtÉ Abc","n":5,"z":null}' '{"c":"USD","d":"ÉTÉ ABC","n":5,"z":null}' '' 0 --upper c,d,n,z
	expect '{"c":"USD","d":"ÉTÉ ABC"}' '{"c":"usd","d":"ÉtÉ abc"}' '' 0 --lower c,d
	expect '{"c":" usd "}' '{"c":"USD"}' '' 0 --upper c
	expect '{"c":" usd "}' '{"c":" USD "}' '' 0 --upper c --no-trim
	expect '{"c":"\u0075sd\n"}' '{"c":"USD"}' '' 0 --upper c
	expect '{"c":"a\"b"}' '{"c":"A\"B"}' '' 0 --upper c
	[ "$nbad" -eq 0 ]
}

@test "options: one type per field, comma lists, usage errors exit 2" {
	usage_is --number a --bool a <<<"rt-clean: --bool: a field can have only one type: 'a'"
	usage_is --time a,b --integer b <<<"rt-clean: --integer: a field can have only one type: 'b'"
	usage_is --keys camel <<<"rt-clean: unknown value 'camel' for --keys; use asis, lower or snake"
	usage_is --rename a <<<"rt-clean: --rename: expected NAME=VALUE: 'a'"
	usage_is --rename =b <<<"rt-clean: --rename: expected NAME=VALUE: '=b'"
	usage_is --rename a= <<<"rt-clean: --rename: expected OLD=NEW: 'a='"
	usage_is --default x <<<"rt-clean: --default: expected NAME=VALUE: 'x'"
	usage_is --time-unit h <<<"rt-clean: unknown value 'h' for --time-unit; use s, ms, us or ns"
	usage_is --tz Mars/Olympus <<<"rt-clean: --tz: unknown time zone 'Mars/Olympus'"
	usage_is --tz +25:00 <<<"rt-clean: --tz: unknown time zone '+25:00'"
	usage_is --time t --time-format '%Y %Q' <<<"rt-clean: --time-format: unknown directive: '%Y %Q'"
	usage_is --time-format '%Y%' <<<"rt-clean: --time-format: unknown directive: '%Y%'"
	usage_is --dedupe-window 5q --dedupe id <<<"rt-clean: --dedupe-window: unknown duration unit: '5q'"
	usage_is --dedupe-window 0 --dedupe id <<<"rt-clean: --dedupe-window: must be more than 0: '0'"
	usage_is --dedupe id --dedupe-max 0 <<<"rt-clean: --dedupe-max: expected a count from 1: '0'"
	usage_is --dedupe-max 2 <<<"rt-clean: --dedupe-window and --dedupe-max need --dedupe"
	usage_is --max-record-bytes 15 <<<"rt-clean: --max-record-bytes: '15' is not a size from 16 to 1G"
	usage_is --max-record-bytes 1X <<<"rt-clean: --max-record-bytes: '1X' is not a size from 16 to 1G"
	usage_is -i xml <<<"rt-clean: unknown value 'xml' for -i; use ndjson, csv or tsv"
	usage_is -o xml <<<"rt-clean: unknown value 'xml' for -o; use ndjson, csv or tsv"
	usage_is --bogus <<<"rt-clean: unknown option '--bogus'"
	usage_is --number <<<"rt-clean: option '--number' needs a value"
	# Field lists and repeated options add up.
	IN='{"a":"1","b":"2","c":"3"}'
	rt_run rt-clean --number a,b --number c
	[ "$output" = '{"a":1,"b":2,"c":3}' ]
	rt_run rt-clean --version
	[ "$status" -eq 0 ]
	[ "$output" = 'rt-clean (rtpipe) 0.1.0' ]
}

# ---------------------------------------------------------------- dedupe

@test "--dedupe F: drops later records whose cleaned F was kept; counted as dropped" {
	IN='{"id":1}
{"id":1}
{"id":"1"}
{"id":2}
{"x":0}
{"x":0}
{"id":1.0}
{"id":" 1"}
{"id":null}
{"id":null}'
	rt_run rt-clean --dedupe id --stats
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":1}
{"id":"1"}
{"id":2}
{"x":0}
{"x":0}
{"id":1.0}
{"id":null}' ]
	stats_are 10 7 0 3
	# The cleaned value: after the type and the case.
	IN='{"id":"1","v":1}
{"id":1,"v":2}
{"id":"1.0","v":3}
{"id":"2","v":4}'
	rt_run rt-clean --dedupe id --integer id --stats
	[ "$output" = $'{"id":1,"v":1}\n{"id":2,"v":4}' ]
	stats_are 4 2 0 2
	IN=$'{"id":" a "}\n{"id":"a"}\n{"id":"A"}'
	rt_run rt-clean --dedupe id --upper id
	[ "$output" = '{"id":"A"}' ]
	IN=$'{"ID":"1","v":1}\n{"ID":"1","v":2}'
	rt_run rt-clean --dedupe id --keys lower
	[ "$output" = '{"id":"1","v":1}' ]
}

@test "--dedupe works on a field the output drops" {
	IN='{"id":"1","v":1}
{"id":"1","v":2}
{"id":" 1","v":3}
{"id":"2","v":4}'
	rt_run rt-clean --dedupe id --drop id --stats
	[ "$status" -eq 0 ]
	[ "$output" = $'{"v":1}\n{"v":4}' ]
	stats_are 4 2 0 2
	rt_run rt-clean --dedupe id --select v --stats
	[ "$output" = $'{"v":1}\n{"v":4}' ]
	stats_are 4 2 0 2
}

@test "--dedupe-window: in event time (ts, or the first --time field), bounds inclusive" {
	IN='{"id":"a","ts":"2024-03-01T00:00:00Z"}
{"id":"a","ts":"2024-03-01T00:00:30Z"}
{"id":"a","ts":"2024-03-01T00:01:01Z"}
{"id":"a","ts":"2024-03-01T00:01:30Z"}
{"id":"b","ts":"2024-03-01T00:01:30Z"}
{"id":"a"}
{"id":"a","ts":null}
{"id":"a","ts":"bad"}
{"ts":"bad"}'
	rt_run rt-clean --dedupe id --dedupe-window 1m --stats
	[ "$status" -eq 1 ]
	[ "$output" = '{"id":"a","ts":"2024-03-01T00:00:00Z"}
{"id":"a","ts":"2024-03-01T00:01:01Z"}
{"id":"b","ts":"2024-03-01T00:01:30Z"}' ]
	[ "$(grep -v '^{' <<<"$stderr")" = 'rt-clean: stdin:6: ts: time needed by --dedupe-window is missing or null
rt-clean: stdin:7: ts: time needed by --dedupe-window is missing or null
rt-clean: stdin:8: ts: cannot parse as a time: not a date-time
rt-clean: stdin:9: ts: cannot parse as a time: not a date-time' ]
	stats_are 9 3 4 2
	# With --time t: t is the event time (and is rewritten).
	IN='{"id":"a","t":1709294400}
{"id":"a","t":1709294460}
{"id":"a","t":1709294461}
{"id":"a","t":1709294400}'
	rt_run rt-clean --dedupe id --dedupe-window 1m --time t --stats
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"a","t":"2024-03-01T12:00:00.000Z"}
{"id":"a","t":"2024-03-01T12:01:01.000Z"}' ]
	stats_are 4 2 0 2
	# The time field may be dropped from the output.
	IN='{"id":"a","ts":"2024-03-01T00:00:00Z"}
{"id":"a","ts":"2024-03-01T00:00:30Z"}
{"id":"a","ts":"2024-03-01T00:02:00Z"}'
	rt_run rt-clean --dedupe id --dedupe-window 1m --drop ts --stats
	[ "$status" -eq 0 ]
	[ "$output" = $'{"id":"a"}\n{"id":"a"}' ]
	stats_are 3 2 0 1
}

@test "--dedupe-max N: the oldest ids are forgotten first" {
	IN=$'{"id":1}\n{"id":2}\n{"id":3}\n{"id":1}\n{"id":3}\n{"id":2}'
	rt_run rt-clean --dedupe id --dedupe-max 2 --stats
	[ "$status" -eq 0 ]
	[ "$output" = $'{"id":1}\n{"id":2}\n{"id":3}\n{"id":1}\n{"id":2}' ]
	stats_are 6 5 0 1
}

@test "--dedupe --state FILE: three chunks in turn give the output and drops of one run (issue 16)" {
	awk 'BEGIN { srand(7); for (i = 0; i < 300; i++)
		printf "{\"id\":\"%d\",\"v\":%d}\n", int(rand() * 80), i }' >all.ndjson
	rt_run rt-clean --dedupe id --stats all.ndjson
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >whole.out
	local drop n=0 d=0 p
	drop=$(stat_field dropped)
	[ "$drop" -gt 50 ]
	split -l 100 all.ndjson part.
	rm -f chunks.out
	for p in part.aa part.ab part.ac; do
		rt_run rt-clean --dedupe id --state st --stats "$p"
		[ "$status" -eq 0 ] || { echo "$p: $stderr"; return 1; }
		[ -n "$output" ] && printf '%s\n' "$output" >>chunks.out
		d=$((d + $(stat_field dropped)))
		n=$((n + 1))
	done
	[ "$n" -eq 3 ]
	cmp whole.out chunks.out
	[ "$d" -eq "$drop" ]
	# Run again over the whole: every id is known, all dropped.
	rt_run rt-clean --dedupe id --state st --stats all.ndjson
	[ -z "$output" ]
	[ "$(stat_field dropped)" -eq 300 ]
}

@test "--dedupe-window --state: expiry across chunks as in one run; a changed option is refused" {
	# Event times 4 s apart with jitter (out of order at times), ids
	# from a few: duplicates within 1m drop, later ones pass again.
	awk 'BEGIN { srand(11); for (i = 0; i < 400; i++)
		printf "{\"id\":%d,\"ts\":%d}\n", int(rand() * 12), 1709294400 + i * 4 + int(rand() * 9) }' >all.ndjson
	rt_run rt-clean --dedupe id --dedupe-window 1m --stats all.ndjson
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >whole.out
	local drop d=0 p
	drop=$(stat_field dropped)
	[ "$drop" -gt 100 ]
	# Some ids pass more than once (their earlier copy expired).
	[ "$(jq -s 'group_by(.id) | map(length) | max' whole.out)" -gt 3 ]
	split -l 133 all.ndjson part.
	rm -f chunks.out
	for p in part.aa part.ab part.ac part.ad; do
		rt_run rt-clean --dedupe id --dedupe-window 1m --state st --stats "$p"
		[ "$status" -eq 0 ] || { echo "$p: $stderr"; return 1; }
		[ -n "$output" ] && printf '%s\n' "$output" >>chunks.out
		d=$((d + $(stat_field dropped)))
	done
	cmp whole.out chunks.out
	[ "$d" -eq "$drop" ]
	# The state is for these options only.
	for p in "--dedupe-window 2m" "--dedupe-max 5" "--dedupe-window 1m --dedupe v"; do
		rt_run rt-clean --dedupe id $p --state st all.ndjson
		[ "$status" -eq 2 ] || { echo "$p: status $status"; return 1; }
		[ -z "$output" ]
		[ "$stderr" = "rt-clean: st: written with other options" ] || { echo "$p: $stderr"; return 1; }
	done
	printf 'rubbish\n' >bad.st
	rt_run rt-clean --dedupe id --state bad.st all.ndjson
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-clean: bad.st: not an rtpipe state file" ]
	usage_is --state st <<<"rt-clean: --state needs --dedupe"
}

@test "--dedupe --state: SIGTERM saves the state; output is flushed first" {
	mkfifo in.fifo
	rt-clean --dedupe id --state st <in.fifo >out.ndjson 2>err &
	local pid=$!
	exec 4>in.fifo
	printf '{"id":1}\n{"id":2}\n{"id":1}\n' >&4
	local i
	for i in $(seq 50); do [ "$(wc -l <out.ndjson)" -eq 2 ] && break; sleep 0.1; done
	[ "$(cat out.ndjson)" = $'{"id":1}\n{"id":2}' ]
	kill -TERM "$pid"
	local st=0
	wait "$pid" || st=$?
	exec 4>&-
	[ "$st" -eq 0 ]
	[ ! -s err ]
	IN=$'{"id":2}\n{"id":3}\n{"id":1}'
	rt_run rt-clean --dedupe id --state st --stats
	[ "$output" = '{"id":3}' ]
	stats_are 3 1 0 2
}

# ------------------------------------------------------- silent mistakes

@test "a typed field in none of the first 1000 records: one warning, then, or at exit (issue 16)" {
	awk 'BEGIN { for (i = 0; i < 1500; i++) printf "{\"amount\":\"%d\",\"cur\":\"eur\"}\n", i }' >in.ndjson
	rt_run rt-clean --number amont --upper cur,curr --stats in.ndjson
	[ "$status" -eq 0 ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-clean: warning: field 'amont' is in none of the first 1000 records
rt-clean: warning: field 'curr' is in none of the first 1000 records" ]
	stats_are 1500 1500 0 0
	# Every type and case option; not --require, --default, --select,
	# --drop, --dedupe (rules of the user's, whatever the data).
	local o
	for o in --number --integer --time --bool --upper --lower; do
		IN=$'{"a":"1"}\n{"a":"2"}\n{"a":"3"}'
		rt_run rt-clean $o b
		[ "$status" -eq 0 ] || { echo "$o: $status"; return 1; }
		[ "$stderr" = "rt-clean: warning: field 'b' is in none of the 3 records" ] ||
			{ echo "$o: $stderr"; return 1; }
	done
	IN='{"a":"1"}'
	rt_run rt-clean --drop b --select a,c --default d=1 --dedupe e
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	rt_run rt-clean --number b
	[ "$stderr" = "rt-clean: warning: field 'b' is not in the one record read" ]
	# A default fills the field: no warning.
	rt_run rt-clean --number b --default b=0
	[ -z "$stderr" ]
	# No record read: nothing to say.
	IN=''
	rt_run rt-clean --number b
	unset IN
	[ -z "$stderr" ]
	# The final name counts (after --keys and --rename), in CSV too; a
	# record rejected for another field still shows it.
	printf 'Card ID,Amt\nc1,x\nc2,y\n' >in.csv
	rt_run rt-clean --keys snake --rename amt=amount --number amount --upper card_id in.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "rt-clean: in.csv:2: amount: cannot parse as a number: not a number
rt-clean: in.csv:3: amount: cannot parse as a number: not a number" ]
	IN='{"a":1,"a":2,"b":"x"}'
	rt_run rt-clean --upper b
	[ "$stderr" = "rt-clean: stdin:1: duplicate key (member 2)" ]
	# Seen in the 1000th record only: no warning.
	awk 'BEGIN { for (i = 1; i < 1000; i++) print "{\"a\":1}"; print "{\"b\":\"x\"}"; print "{\"a\":2}" }' >late.ndjson
	rt_run rt-clean --upper b late.ndjson
	[ -z "$stderr" ]
}

@test "the warning about an absent field comes after the 1000th record, while input goes on" {
	mkfifo in.fifo
	rt-clean --number amont <in.fifo >out.ndjson 2>err &
	local pid=$! i
	exec 4>in.fifo
	awk 'BEGIN { for (i = 0; i < 1000; i++) print "{\"amount\":1}" }' >&4
	for i in $(seq 50); do [ -s err ] && break; sleep 0.1; done
	[ "$(cat err)" = "rt-clean: warning: field 'amont' is in none of the first 1000 records" ]
	printf '{"amount":2}\n' >&4
	exec 4>&-
	wait "$pid"
	[ "$(cat err)" = "rt-clean: warning: field 'amont' is in none of the first 1000 records" ]
	[ "$(wc -l <out.ndjson)" -eq 1001 ]
}

# --------------------------------------------------------------- rejects

@test "invalid JSON and non-objects are rejected with the reason; the stream goes on" {
	printf '%s\n' '{"a":1}' '{"a":' '[1]' '"s"' 'null' '42' '{"a":1,}' \
		'{"a":"x	y"}' '{"a":1} x' "{'a':1}" '{"a":NaN}' '{"a":1}' >in.ndjson
	printf '{"a":"\xff"}\n{"a":"\xc3"}\n{"a":"\x00"}\n' >>in.ndjson
	rt_run rt-clean --stats in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":1}\n{"a":1}' ]
	[ "$(grep -v '^{' <<<"$stderr")" = 'rt-clean: in.ndjson:2: invalid JSON: unexpected end of text at byte 6
rt-clean: in.ndjson:3: not a JSON object
rt-clean: in.ndjson:4: not a JSON object
rt-clean: in.ndjson:5: not a JSON object
rt-clean: in.ndjson:6: not a JSON object
rt-clean: in.ndjson:7: invalid JSON: expected a string key at byte 8
rt-clean: in.ndjson:8: invalid JSON: control character in string at byte 8
rt-clean: in.ndjson:9: invalid JSON: unexpected text after the value at byte 9
rt-clean: in.ndjson:10: invalid JSON: expected a string key at byte 2
rt-clean: in.ndjson:11: invalid JSON: unexpected character at byte 6
rt-clean: in.ndjson:13: invalid JSON: invalid UTF-8 in string at byte 7
rt-clean: in.ndjson:14: invalid JSON: invalid UTF-8 in string at byte 7
rt-clean: in.ndjson:15: invalid JSON: NUL byte in string at byte 7' ]
	stats_are 15 2 13 0
}

@test "--reject FILE: tool, source, line, reason, and raw equal to the line byte for byte" {
	printf '%s\n' '{"ok":1}' '{"a":' '  [1, 2]  ' '{"n":"x"}' '{"s":"\u00e9\\ \"q\"	tab"}' >in.ndjson
	printf '{"a":"\x01 ctl"}\r\n{"b":"\xff\xfe"}\n{"c":"\xe2\x82"}\n{"d":"\x00"}\n{"n":"last"}' >>in.ndjson
	rt_run rt-clean --number n --reject rej.ndjson in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = '{"ok":1}' ]
	# Most were rejected, out of sight: one warning says so.
	[ "$stderr" = 'rt-clean: warning: 9 of 10 records were rejected' ]
	run jq -c '[.tool, .source, .line, .reason, has("raw_base64")]' rej.ndjson
	[ "$output" = '["rt-clean","in.ndjson",2,"invalid JSON: unexpected end of text at byte 6",false]
["rt-clean","in.ndjson",3,"not a JSON object",false]
["rt-clean","in.ndjson",4,"n: cannot parse as a number: not a number",false]
["rt-clean","in.ndjson",5,"invalid JSON: control character in string at byte 21",false]
["rt-clean","in.ndjson",6,"invalid JSON: control character in string at byte 7",false]
["rt-clean","in.ndjson",7,"invalid JSON: invalid UTF-8 in string at byte 7",true]
["rt-clean","in.ndjson",8,"invalid JSON: invalid UTF-8 in string at byte 7",true]
["rt-clean","in.ndjson",9,"invalid JSON: NUL byte in string at byte 7",false]
["rt-clean","in.ndjson",10,"n: cannot parse as a number: not a number",false]' ]
	# Each reject's raw (or raw_base64) is its line, byte for byte, without
	# the line terminator ("\n" or "\r\n").
	local i line
	for i in $(seq 2 10); do
		line=$(jq -c "select(.line == $i)" rej.ndjson)
		if jq -e 'has("raw_base64")' <<<"$line" >/dev/null; then
			jq -j .raw_base64 <<<"$line" | base64 -d >got
		else
			jq -j .raw <<<"$line" >got
		fi
		# the original line: split on "\n", drop a "\r" before it
		awk -v n="$i" 'BEGIN { RS = "\n"; ORS = "" } NR == n { sub(/\r$/, ""); print }' in.ndjson >want
		cmp want got || { echo "line $i: raw differs"; od -c want; od -c got; return 1; }
	done
	# raw_base64 comes with a raw that JSON can carry.
	[ "$(jq -r 'select(.line == 7) | .raw' rej.ndjson)" = '{"b":"��"}' ]
	# The file is one JSON object per line.
	[ "$(jq -c . rej.ndjson | wc -l)" -eq 9 ]
	[ "$(wc -l <rej.ndjson)" -eq 9 ]
}

@test "diagnostics name the source and line, never the record's content" {
	printf '%s\n' '{"card":"4111111111111111","amount":"SECRET-1"}' \
		'{"card":"4111111111111111","amount":"SECRET-2",}' \
		'["4111111111111111","SECRET-3"]' \
		'{"card":"4111111111111111","t":"SECRET-4"}' \
		'{"card":"4111111111111111","card":"SECRET-5"}' >in.ndjson
	printf 'card,amount\n4111111111111111,SECRET-6,x\n' >in.csv
	rt_run rt-clean --number amount --time t --bool card --require x in.ndjson in.csv
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$(wc -l <<<"$stderr")" -eq 6 ]
	! grep -q -e SECRET -e 4111 <<<"$stderr"
	# Members are cleaned in their order: the first problem is the reason.
	[ "$stderr" = "rt-clean: in.ndjson:1: card: cannot parse as a boolean
rt-clean: in.ndjson:2: invalid JSON: expected a string key at byte 48
rt-clean: in.ndjson:3: not a JSON object
rt-clean: in.ndjson:4: card: cannot parse as a boolean
rt-clean: in.ndjson:5: card: cannot parse as a boolean
rt-clean: in.csv:2: row has 3 fields, the header has 2" ]
}

@test "overlong records: rejected with the limit, raw is the first 4096 bytes, reading resumes" {
	{
		echo '{"a":1}'
		printf '{"b":"%s"}\n' "$(head -c 3000000 /dev/zero | tr '\0' x)"
		echo '{"c":2}'
		printf '{"d":"%s"}' "$(head -c 1100000 /dev/zero | tr '\0' y)"
	} >big.ndjson
	rt_run rt-clean --stats --reject rej.ndjson big.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":1}\n{"c":2}' ]
	stats_are 4 2 2 0
	run jq -c '[.line, .reason, (.raw | length)]' rej.ndjson
	[ "$output" = '[2,"record exceeds --max-record-bytes (1048576)",4096]
[4,"record exceeds --max-record-bytes (1048576)",4096]' ]
	[ "$(jq -r 'select(.line == 2) | .raw' rej.ndjson)" = "$(head -c 4096 <(sed -n 2p big.ndjson))" ]
	# Through a pipe, and without --reject: one line on stderr.
	rt_run bash -c 'cat big.ndjson | rt-clean'
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":1}\n{"c":2}' ]
	[ "$stderr" = 'rt-clean: stdin:2: record exceeds --max-record-bytes (1048576)
rt-clean: stdin:4: record exceeds --max-record-bytes (1048576)' ]
}

@test "--max-record-bytes N (K, M suffixes): exactly N passes, N + 1 does not" {
	# {"a":"..."} is 8 bytes plus the string: lines of 100 and 101 bytes.
	local s92 s93
	s92=$(head -c 92 /dev/zero | tr '\0' x)
	s93=${s92}x
	printf '{"a":"%s"}\n{"a":"%s"}\n{"a":"%s"}\r\n{"a":"%s"}\r\n{"b":1}\n{"a":"%s"}' \
		"$s92" "$s93" "$s92" "$s93" "$s93" >in.ndjson
	rt_run rt-clean --max-record-bytes 100 --stats --reject rej.ndjson in.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = "{\"a\":\"$s92\"}"$'\n'"{\"a\":\"$s92\"}"$'\n{"b":1}' ]
	stats_are 6 3 3 0
	[ "$(jq -c '[.line, .reason, (.raw | length)]' rej.ndjson)" = '[2,"record exceeds --max-record-bytes (100)",101]
[4,"record exceeds --max-record-bytes (100)",101]
[6,"record exceeds --max-record-bytes (100)",101]' ]
	# Suffixes; and an overlong CSV row is a reject too.
	printf 'a,b\n1,2\n%s,3\n4,5\n' "$(head -c 2000 /dev/zero | tr '\0' z)" >in.csv
	rt_run rt-clean --max-record-bytes 1K in.csv
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":"1","b":"2"}\n{"a":"4","b":"5"}' ]
	[ "$stderr" = 'rt-clean: in.csv:3: record exceeds --max-record-bytes (1024)' ]
	rt_run rt-clean --max-record-bytes 1M in.csv
	[ "$status" -eq 0 ]
}

@test "--stats: in = out + rejected + dropped for several mixes" {
	IN='{"id":1,"n":"1"}
{"id":1,"n":"2"}

{"id":2,"n":"x"}
not json
{"id":3,"n":"3"}
[]
{"id":3,"n":"4"}'
	rt_run rt-clean --dedupe id --number n --stats
	[ "$status" -eq 1 ]
	stats_are 7 2 3 2
	rt_run rt-clean --stats
	stats_are 7 5 2 0
	rt_run rt-clean --stats --reject /dev/null --require z
	stats_are 7 0 7 0
	[ "$stderr" = 'rt-clean: warning: 7 of 7 records were rejected
{"tool":"rt-clean","in":7,"out":0,"rejected":7,"dropped":0}' ]
	IN=''
	rt_run rt-clean --stats
	[ "$status" -eq 0 ]
	stats_are 0 0 0 0
	# Stats come last on stderr, after the diagnostics, as one line.
	IN=$'{"a":1}\nx'
	rt_run rt-clean --stats
	[ "$stderr" = 'rt-clean: stdin:2: invalid JSON: unexpected character at byte 1
{"tool":"rt-clean","in":2,"out":1,"rejected":1,"dropped":0}' ]
}

@test "--strict stops at the first reject: exit 1, earlier output kept" {
	IN=$'{"x":1}\n{"x":"q"}\n{"x":3}\nbad'
	rt_run rt-clean --strict --number x --stats
	[ "$status" -eq 1 ]
	[ "$output" = '{"x":1}' ]
	[ "$stderr" = 'rt-clean: stdin:2: x: cannot parse as a number: not a number
{"tool":"rt-clean","in":2,"out":1,"rejected":1,"dropped":0}' ]
	IN=$'{"x":1}\n{"x":2}'
	rt_run rt-clean --strict --number x
	[ "$status" -eq 0 ]
	[ "$output" = $'{"x":1}\n{"x":2}' ]
	# Dropped duplicates are not rejects.
	IN=$'{"x":1}\n{"x":1}\n{"x":2}'
	rt_run rt-clean --strict --dedupe x --stats
	[ "$status" -eq 0 ]
	stats_are 3 2 0 1
}

@test "exit status: 0 all accepted, 1 some rejected, 2 trouble" {
	IN='{"a":1}'
	rt_run rt-clean
	[ "$status" -eq 0 ]
	IN=$'{"a":1}\n{'
	rt_run rt-clean
	[ "$status" -eq 1 ]
	IN=$'{"a":1}\n{"a":1}'
	rt_run rt-clean --dedupe a
	[ "$status" -eq 0 ]
	IN='{"a":1}'
	rt_run rt-clean nope.ndjson
	[ "$status" -eq 2 ]
	rt_run rt-clean --bogus
	[ "$status" -eq 2 ]
	# A write error on stdout or on the reject file.
	run bash -c 'echo "{\"a\":1}" | rt-clean >/dev/full'
	[ "$status" -eq 2 ]
	[ "$output" = 'rt-clean: stdout: No space left on device' ]
	run bash -c 'echo "{\"a\":\"x\"}" | rt-clean --number a --reject /dev/full'
	[ "$status" -eq 2 ]
	[ "$output" = 'rt-clean: /dev/full: No space left on device' ]
	run bash -c 'echo "{\"a\":1}" | rt-clean --reject /nonexistent/dir/r'
	[ "$status" -eq 2 ]
	[ "$output" = 'rt-clean: /nonexistent/dir/r: No such file or directory' ]
	# Trouble wins over rejects.
	printf '{\n' >bad.ndjson
	rt_run rt-clean bad.ndjson nope.ndjson
	[ "$status" -eq 2 ]
}

@test "operands: an unreadable one in the middle is reported, the others are read" {
	printf '{"a":1}\n' >a.ndjson
	printf '{"b":2}\nbad\n' >b.ndjson
	mkdir adir
	IN='{"s":0}'
	rt_run rt-clean --stats a.ndjson nope.ndjson adir - b.ndjson
	[ "$status" -eq 2 ]
	[ "$output" = $'{"a":1}\n{"s":0}\n{"b":2}' ]
	[ "$stderr" = 'rt-clean: nope.ndjson: No such file or directory
rt-clean: adir: Is a directory
rt-clean: b.ndjson:2: invalid JSON: unexpected character at byte 1
{"tool":"rt-clean","in":4,"out":3,"rejected":1,"dropped":0}' ]
}

@test "\"-\" is standard input, named stdin; line numbers restart per operand" {
	printf '{"a":1}\nx\n' >a.ndjson
	IN=$'{"s":1}\ny'
	rt_run rt-clean a.ndjson - --reject rej.ndjson
	[ "$status" -eq 1 ]
	[ "$output" = $'{"a":1}\n{"s":1}' ]
	[ "$(jq -c '[.source, .line]' rej.ndjson)" = $'["a.ndjson",2]\n["stdin",2]' ]
	# -i csv applies to stdin and to every operand.
	IN=$'k\nv'
	printf 'k\nw\n' >b.txt
	rt_run rt-clean -i csv - b.txt
	[ "$output" = $'{"k":"v"}\n{"k":"w"}' ]
	# A .csv operand and NDJSON stdin in one run.
	printf 'k\nw\n' >c.csv
	IN='{"j":1}'
	rt_run rt-clean c.csv -
	[ "$output" = $'{"k":"w"}\n{"j":1}' ]
	# A BOM at the start of each operand.
	printf '\xef\xbb\xbf{"a":1}\n' >bom1.ndjson
	printf '\xef\xbb\xbf{"b":1}\n' >bom2.ndjson
	rt_run rt-clean bom1.ndjson bom2.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = $'{"a":1}\n{"b":1}' ]
}

@test "SIGUSR1 prints the counts mid-stream; the run goes on" {
	mkfifo in
	rt-clean --stats --number x <in >out 2>err 3>&- &
	local pid=$! i
	exec 5>in
	printf '{"x":1}\n{"x":"q"}\n{"x":3}\n' >&5
	for i in $(seq 200); do [ "$(wc -l <out)" -ge 2 ] && break; sleep 0.01; done
	[ "$(cat out)" = $'{"x":1}\n{"x":3}' ]
	kill -USR1 "$pid"
	for i in $(seq 200); do grep -q '^{' err && break; sleep 0.01; done
	[ "$(grep '^{' err)" = '{"tool":"rt-clean","in":3,"out":2,"rejected":1,"dropped":0}' ]
	kill -0 "$pid"
	printf '{"x":4}\n' >&5
	exec 5>&-
	wait "$pid" || [ $? -eq 1 ]
	[ "$(cat out)" = $'{"x":1}\n{"x":3}\n{"x":4}' ]
	[ "$(cat err)" = 'rt-clean: stdin:2: x: cannot parse as a number: not a number
{"tool":"rt-clean","in":3,"out":2,"rejected":1,"dropped":0}
{"tool":"rt-clean","in":4,"out":3,"rejected":1,"dropped":0}' ]
}

@test "a huge stream of distinct keys keeps finding duplicate keys" {
	# The key cache is bounded (cleared when full); a duplicate must be
	# found whichever record the clear falls in.
	awk 'BEGIN { for (i = 0; i < 65535; i++) printf "{\"k%d\":1}\n", i;
		print "{\"x\":1,\"y\":1,\"x\":2}"; print "{\"x\":1,\"y\":1}" }' >keys.ndjson
	rt_run rt-clean --stats keys.ndjson
	[ "$status" -eq 1 ]
	[ "$(grep -v '^{' <<<"$stderr")" = "rt-clean: keys.ndjson:65536: duplicate key (member 3)" ]
	stats_are 65537 65536 1 0
	[ "$(tail -1 <<<"$output")" = '{"x":1,"y":1}' ]
}

@test "man: rt-clean.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-clean.1"
}
