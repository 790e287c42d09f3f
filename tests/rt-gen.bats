# rt-gen: same seed, same bytes; the documented fields and types; --start
# and --days; the three fraud scenarios checked from the output (scenario 1
# exactly, scenario 2 as whole 28-day windows on a world where every
# terminal is seen every day, scenario 3 as x5 amounts on a third of the
# transactions); the model's rates, times, amounts and radius; the fraud
# rate; --limit; CSV; the messy export and rt-clean mending it exactly;
# --stats; usage and write errors; the man page's examples.
load helpers

# A small world (about 11,000 transactions), used unless a test says.
SMALL="--customers 200 --terminals 400 --days 30"
# A dense world: every customer reaches every terminal, so each terminal
# has about 10 transactions a day and its compromised days can be seen.
DENSE="--customers 1000 --terminals 200 --radius 200 --days 45"
# A mid-size world with the defaults' ratio of customers to terminals.
MID="--customers 1000 --terminals 2000 --days 60"
CLEAN="-i csv --keys snake --time ts --number amount --integer tx_id,customer_id,terminal_id,is_fraud,fraud_scenario --dedupe tx_id"
FIELDS='["tx_id","ts","customer_id","terminal_id","amount","is_fraud","fraud_scenario"]'

# differ A B: both files read, and they differ (a plain "! cmp" would not
# fail a test).
differ() { local rc=0; cmp -s "$1" "$2" || rc=$?; [ "$rc" -eq 1 ]; }
# between LO N HI: LO <= N <= HI.
between() { [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }

@test "same seed, same bytes; another seed, other bytes; -u changes nothing" {
	rt-gen $SMALL --seed 7 > a
	rt-gen $SMALL --seed 7 > b
	rt-gen $SMALL --seed 7 -u > c
	rt-gen $SMALL --seed 8 > d
	[ "$(wc -l < a)" -gt 10000 ]
	cmp a b
	cmp a c
	differ a d
	# Not just shuffled: the seeds give other transactions.
	[ "$(sort a d | uniq -d | wc -l)" -lt 10 ]
	# The default seed is 1; the messy export is seeded too.
	cmp <(rt-gen $SMALL) <(rt-gen $SMALL --seed 1)
	differ <(rt-gen $SMALL) a
	cmp <(rt-gen $SMALL --messy --seed 7) <(rt-gen $SMALL --messy --seed 7)
	differ <(rt-gen $SMALL --messy --seed 7) <(rt-gen $SMALL --messy --seed 8)
	# Seed 0 and the largest seed are seeds like any other.
	[ "$(rt-gen $SMALL --seed 0 | wc -l)" -gt 10000 ]
	[ "$(rt-gen $SMALL --seed 18446744073709551615 | wc -l)" -gt 10000 ]
	differ <(rt-gen $SMALL --seed 0 --limit 100) <(rt-gen $SMALL --seed 18446744073709551615 --limit 100)
}

@test "records: exactly the documented fields, in order, with their types" {
	rt-gen $SMALL > g.ndjson
	[ "$(wc -l < g.ndjson)" -eq 11070 ]
	# The text of every line: key order, integers, RFC 3339 in whole
	# seconds, amounts with two decimals and never negative, 0/1 labels.
	[ "$(grep -cvE '^\{"tx_id":(0|[1-9][0-9]*),"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z","customer_id":(0|[1-9][0-9]*),"terminal_id":(0|[1-9][0-9]*),"amount":(0|[1-9][0-9]*)\.[0-9]{2},"is_fraud":[01],"fraud_scenario":[0-3]\}$' g.ndjson)" -eq 0 ]
	run jq -s -c --argjson s "$(date -d 2018-04-01T00:00:00Z +%s)" '{
		keys: (map(keys_unsorted) | unique),
		ids: ([.[].tx_id] == [range(length)]),
		in_order: ([.[].ts] == ([.[].ts] | sort)),
		from_start: ((.[0].ts | fromdate) >= $s and (.[0].ts | fromdate) < $s + 86400),
		to_end: ((.[-1].ts | fromdate) >= $s + 29 * 86400 and (.[-1].ts | fromdate) < $s + 30 * 86400),
		customers: (map(.customer_id) | [min >= 0, max < 200, (unique | length) > 150]),
		terminals: (map(.terminal_id) | [min >= 0, max < 400, (unique | length) > 250]),
		amounts: (map(.amount) | [min >= 0, max > 220]),
		is_fraud: (map(.is_fraud) | unique),
		scenarios: (map(.fraud_scenario) | unique),
		labels: all(.[]; .is_fraud == (if .fraud_scenario > 0 then 1 else 0 end))
	}' g.ndjson
	[ "$status" -eq 0 ]
	[ "$output" = '{"keys":['"$FIELDS"'],"ids":true,"in_order":true,"from_start":true,"to_end":true,"customers":[true,true,true],"terminals":[true,true,true],"amounts":[true,true],"is_fraud":[0,1],"scenarios":[0,1,2,3],"labels":true}' ]
}

@test "--start and --days: the same transactions, moved to the new start; days are a prefix" {
	rt-gen $SMALL --days 3 > a
	# 06:00 at +02:00 is 04:00Z; the three days cross 2024-02-29.
	rt-gen $SMALL --days 3 --start 2024-02-28T06:00:00+02:00 > b
	local shift
	shift=$(( $(date -d 2024-02-28T04:00:00Z +%s) - $(date -d 2018-04-01T00:00:00Z +%s) ))
	jq -c --argjson k "$shift" '.ts |= (fromdate + $k | todate)' a > a.moved
	jq -c . b > b.norm
	[ "$(wc -l < b.norm)" -gt 1000 ]
	cmp a.moved b.norm
	[ "$(head -1 b | jq -r .ts)" \> 2024-02-28T03:59:59Z ]
	[ "$(tail -1 b | jq -r .ts)" \< 2024-03-02T04:00:00Z ]
	[ "$(jq -r '.ts[:10]' b | uniq | tr '\n' ' ')" = "2024-02-28 2024-02-29 2024-03-01 2024-03-02 " ]
	# The default start, however it is written.
	cmp <(rt-gen $SMALL --days 3 --start 2018-04-01) a
	cmp <(rt-gen $SMALL --days 3 --start 2018-04-01T02:00:00+02:00) a
	# Fewer days: the first days of a longer run, byte for byte.
	rt-gen $SMALL > all30
	[ "$(jq -r '.ts[:10]' all30 | uniq | wc -l)" -eq 30 ]
	cmp a <(head -n "$(wc -l < a)" all30)
	[ "$(sed -n "$(( $(wc -l < a) + 1 ))p" all30 | jq -r '.ts[:10]')" = 2018-04-04 ]
}

@test "scenario 1: every amount over 220 is fraud; when several apply, the later scenario names it" {
	rt-gen $SMALL > small.ndjson
	rt-gen $DENSE > dense.ndjson
	rt-gen $MID > mid.ndjson
	cat > s1.py <<'EOF'
import json, sys, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
# Over 220 is always fraud; scenario 1 is always over 220.
unlabelled = sum(1 for r in recs if r['amount'] > 220 and r['is_fraud'] == 0)
low_s1 = sum(1 for r in recs if r['fraud_scenario'] == 1 and r['amount'] <= 220)
# The amounts over 220 by scenario: 1, or a later one (2: the terminal is
# compromised; 3: the amount was multiplied by 5).
over = collections.Counter(r['fraud_scenario'] for r in recs if r['amount'] > 220)
# 3 over 1: an amount over 220 before it was multiplied by 5.
s3_over_1 = sum(1 for r in recs if r['fraud_scenario'] == 3 and r['amount'] > 1100)
# 3 over 2: scenario 3 at a terminal on a day it is compromised (it has a
# scenario-2 transaction that day; terminals are compromised by the day).
s2 = {(r['terminal_id'], r['ts'][:10]) for r in recs if r['fraud_scenario'] == 2}
s3_over_2 = sum(1 for r in recs if r['fraud_scenario'] == 3 and (r['terminal_id'], r['ts'][:10]) in s2)
print(unlabelled, low_s1, ' '.join('%d:%d' % kv for kv in sorted(over.items())), s3_over_1, s3_over_2)
EOF
	run python3 s1.py small.ndjson
	[ "$output" = "0 0 1:2 2:1 3:294 0 34" ]
	run python3 s1.py dense.ndjson
	[ "$output" = "0 0 1:52 2:7 3:591 0 202" ]
	run python3 s1.py mid.ndjson
	[ "$output" = "0 0 1:54 2:2 3:697 1 24" ]
}

@test "scenario 2: a compromised terminal's transactions are all fraud, for windows of exactly 28 days" {
	rt-gen $DENSE > dense.ndjson
	rt-gen $SMALL > small.ndjson
	# On the dense world (nearly) every terminal-day is seen: 'C' (a scenario-2
	# transaction: compromised), 'N' (a scenario 0 or 1 transaction: not
	# compromised) or '?' (none, or only scenario 3).  A compromised
	# window lies in a stretch of days with no 'N'; a stretch with a 'C'
	# that ends before the last day holds a whole window: 28 days or more.
	cat > windows.py <<'EOF'
import json, sys, datetime, collections
path, days = sys.argv[1], int(sys.argv[2])
d0 = datetime.date(2018, 4, 1).toordinal()
C = collections.defaultdict(set); N = collections.defaultdict(set)
for line in open(path):
    r = json.loads(line)
    d = datetime.date.fromisoformat(r['ts'][:10]).toordinal() - d0
    if r['fraud_scenario'] == 2:
        C[r['terminal_id']].add(d)
    elif r['fraud_scenario'] in (0, 1):
        N[r['terminal_id']].add(d)
mixed = sum(len(C[t] & N[t]) for t in C)
lengths = []            # stretches with a 'C', ending before the last day
for t in C:
    d = 0
    while d < days:
        if d in N[t]:
            d += 1
            continue
        e = d
        while e + 1 < days and e + 1 not in N[t]:
            e += 1
        if C[t] & set(range(d, e + 1)) and e < days - 1:
            lengths.append(e - d + 1)
        d = e + 1
# At most 2 new terminals a day: at most 2 (d + 1) compromised on day d,
# and 56 once windows end.
per_day = collections.Counter(d for t in C for d in C[t])
over = sum(1 for d, n in per_day.items() if n > 2 * min(d + 1, 28))
print('mixed', mixed, 'short', sum(1 for n in lengths if n < 28),
      'min', min(lengths), 'exactly28', sum(1 for n in lengths if n == 28) >= 10,
      'over', over)
EOF
	run python3 windows.py dense.ndjson 45
	[ "$status" -eq 0 ]
	[ "$output" = "mixed 0 short 0 min 28 exactly28 True over 0" ]
	# On the sparse world terminals are seen now and then; still no
	# terminal-day mixes scenario 2 with scenarios 0 or 1, and every
	# stretch without 'N' around a 'C' is 28 days or more.
	run python3 windows.py small.ndjson 30
	[ "$status" -eq 0 ]
	[[ "$output" == "mixed 0 short 0 min "*" over 0" ]]
	[ "$(jq -c 'select(.fraud_scenario == 2)' small.ndjson | wc -l)" -eq 944 ]
}

@test "scenario 3: a third of a compromised customer's transactions, with 5 times the amount" {
	rt-gen $SMALL > g.ndjson
	run python3 - g.ndjson <<'EOF'
import json, sys, datetime, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
d0 = datetime.date(2018, 4, 1).toordinal()
for r in recs:
    r['d'] = datetime.date.fromisoformat(r['ts'][:10]).toordinal() - d0
s3 = [r for r in recs if r['fraud_scenario'] == 3]
# Amounts multiplied by 5: whole multiples of 5 cents.
div5 = all(round(r['amount'] * 100) % 5 == 0 for r in s3)
# The customer's usual amount: the mean of its scenario-0 transactions.
byc = collections.defaultdict(list)
for r in recs:
    byc[r['customer_id']].append(r)
num = den = 0.0
for r in s3:
    usual = [x['amount'] for x in byc[r['customer_id']] if x['fraud_scenario'] == 0]
    num += r['amount']
    den += sum(usual) / len(usual)
ratio = num / den
# The share of fraud in a compromise: days strictly between a customer's
# first and last scenario-3 day, when they are at most 13 days apart.
n = k = 0
for c, l in byc.items():
    ds = [r['d'] for r in l if r['fraud_scenario'] == 3]
    if not ds or max(ds) - min(ds) > 13:
        continue
    for r in l:
        if min(ds) < r['d'] < max(ds) and r['fraud_scenario'] in (0, 3):
            n += 1
            k += r['fraud_scenario'] == 3
share = k / n
# At most 3 new customers a day, compromised for 14 days.
per_day = collections.Counter()
for d in {(r['customer_id'], r['d']) for r in s3}:
    per_day[d[1]] += 1
over = sum(1 for d, m in per_day.items() if m > 3 * min(d + 1, 14))
print(len(s3), div5, 4.5 < ratio < 5.5, n > 300 and 0.28 < share < 0.39, over)
EOF
	[ "$status" -eq 0 ]
	[ "$output" = "583 True True True 0" ]
	# The other amounts are not all multiples of 5 cents.
	[ "$(jq -c 'select(.fraud_scenario == 0 and ((.amount * 100 | round) % 5) != 0)' g.ndjson | wc -l)" -gt 5000 ]
}

@test "the model: daily rates, time of day, amounts per customer, the radius" {
	rt-gen $SMALL > g.ndjson
	run python3 - g.ndjson <<'EOF'
import json, sys, statistics as st, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
sec = [int(r['ts'][11:13]) * 3600 + int(r['ts'][14:16]) * 60 + int(r['ts'][17:19]) for r in recs]
# N(12:00, 20000 s) cut to the day: mean 43200, deviation about 18200.
tod = 42400 < st.mean(sec) < 44000 and 17400 < st.pstdev(sec) < 19000
# Rates U(0, 4): about 2 a day, less the times outside the day and the
# customers with no terminal in reach.
rate = 1.6 < len(recs) / (200 * 30) < 2.0
byc = collections.defaultdict(list)
for r in recs:
    if r['fraud_scenario'] == 0:
        byc[r['customer_id']].append(r['amount'])
# Means U(5, 100), deviation half the mean (a little less: no negatives).
ms, cv = [], []
for a in byc.values():
    if len(a) >= 20:
        ms.append(st.mean(a))
        cv.append(st.pstdev(a) / st.mean(a))
means = len(ms) > 100 and 3 < min(ms) < 15 and 85 < max(ms) < 130
print(tod, rate, means, 0.40 < st.median(cv) < 0.52)
EOF
	[ "$status" -eq 0 ]
	[ "$output" = "True True True True" ]
	# One terminal: only the customers closer than the radius use it.
	local r
	for r in 5 20 200; do
		rt-gen --customers 2000 --terminals 1 --days 30 --radius $r > r$r
		[ "$(jq -r .terminal_id r$r | sort -u)" = 0 ]
		jq -r .customer_id r$r | sort -u > c$r
	done
	between 5 "$(wc -l < c5)" 35          # 2000 pi 5^2 / 100^2 = 16
	between 120 "$(wc -l < c20)" 260      # 2000 pi 20^2 / 100^2 = 251
	between 1950 "$(wc -l < c200)" 2000   # all but rates near 0
	# A customer reaching every terminal uses all of them.
	rt-gen --customers 200 --terminals 5 --radius 200 --days 30 > all5
	[ "$(jq -s -c 'group_by(.customer_id) | map(select(length >= 30) | map(.terminal_id) | unique | length) | unique' all5)" = "[5]" ]
}

@test "fraud rate: about 0.85% with the defaults (the Handbook's run), higher in smaller worlds" {
	# The defaults: about 1.76 million transactions, 0.85% fraud (rt-gen(1)).
	run --separate-stderr bash -c 'rt-gen --stats > /dev/null'
	[ "$status" -eq 0 ]
	[ "$(stats_of | jq -c '[.in >= 1700000, .in <= 1820000, .out == .in, .rejected, .dropped, (.fraud / .in * 10000 | floor | . >= 75 and . <= 95)]')" = "[true,true,true,0,0,true]" ]
	# The same 2 terminals and 3 customers a day compromised in a world 5
	# times smaller: about 4 times the rate (3.4% here).
	run --separate-stderr rt-gen $MID --stats
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > mid.ndjson
	local fraud n
	fraud=$(grep -c '"is_fraud":1' mid.ndjson) n=$(wc -l < mid.ndjson)
	[ "$fraud" -eq "$(stat_field fraud)" ]
	[ "$n" -eq "$(stat_field out)" ]
	[ "$(python3 -c "print(0.025 < $fraud / $n < 0.045)")" = True ]
	# Other seeds, same band.
	local s f
	for s in 2 3 4; do
		run --separate-stderr bash -c "rt-gen $MID --seed $s --stats > /dev/null"
		f=$(stat_field fraud) n=$(stat_field in)
		between 25 $((f * 1000 / n)) 44
	done
}

@test "--limit N writes exactly the first N transactions" {
	rt-gen $SMALL > all
	local n
	for n in 1 2 100 5000; do
		rt-gen $SMALL --limit $n > part
		[ "$(wc -l < part)" -eq $n ]
		cmp part <(head -n $n all)
		rt-gen $SMALL --limit $n -o csv > part.csv
		[ "$(wc -l < part.csv)" -eq $((n + 1)) ]
	done
	# More than there are: all of them.
	cmp <(rt-gen $SMALL --limit 1000000) all
	# 0: nothing at all, not even a header.
	[ "$(rt-gen $SMALL --limit 0 | wc -c)" -eq 0 ]
	[ "$(rt-gen $SMALL --limit 0 -o csv | wc -c)" -eq 0 ]
	[ "$(rt-gen $SMALL --limit 0 --messy | wc -c)" -eq 0 ]
	# --messy: N transactions, the duplicates besides.
	run --separate-stderr rt-gen $SMALL --limit 3000 --messy --stats
	[ "$(stats_of | jq -c '[.in, .out]')" = "[3000,3000]" ]
	[ "$(printf '%s\n' "$output" | tail -n +2 | grep -c .)" -eq $((3000 + $(stat_field duplicates))) ]
	[ "$(printf '%s\n' "$output" | tail -1 | cut -d, -f1)" = 2999 ]
}

@test "-o csv: the header and a row per record with the NDJSON values' text" {
	rt-gen $SMALL > g.ndjson
	rt-gen $SMALL -o csv > g.csv
	[ "$(head -1 g.csv)" = "tx_id,ts,customer_id,terminal_id,amount,is_fraud,fraud_scenario" ]
	[ "$(wc -l < g.csv)" -eq $(( $(wc -l < g.ndjson) + 1 )) ]
	sed -E 's/^\{"tx_id":([^,]*),"ts":"([^"]*)","customer_id":([^,]*),"terminal_id":([^,]*),"amount":([^,]*),"is_fraud":([^,]*),"fraud_scenario":([^,]*)\}$/\1,\2,\3,\4,\5,\6,\7/' g.ndjson > want.csv
	cmp want.csv <(tail -n +2 g.csv)
	# Amounts keep both decimals, as in the NDJSON.
	grep -q ',[0-9]*\.[0-9]0,[01],[0-3]$' g.csv
	# --messy writes CSV unless -o says otherwise.
	cmp <(rt-gen $SMALL --messy -o csv) <(rt-gen $SMALL --messy)
}

@test "--messy -o ndjson: the same dirt as the CSV, as JSON text and numbers (issue 16)" {
	rt-gen $SMALL --messy > m.csv
	run --separate-stderr rt-gen $SMALL --messy -o ndjson --stats
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > m.ndjson
	[ "$(stats_of | jq -c '[.in, .out, .duplicates, .broken, .blank_lines]')" = "[11070,11070,118,7,55]" ]
	[ "$(head -1 m.ndjson)" = '{"TX_ID":0," TS ":"2018-04-01 00:52:16","Customer ID":186,"TerminalID":214,"Amount":"$14.90","Is Fraud":0,"Fraud_Scenario":0}' ]
	# Line for line: the CSV's fields are the JSON values' text, a
	# string exactly where the CSV value is quoted or not a number; a row
	# missing its last field is a line cut short.
	run python3 - m.csv m.ndjson <<'EOF2'
import csv, json, re, sys
raw = open(sys.argv[1]).read().split('\n')[1:-1]
rows = list(csv.reader(open(sys.argv[1], newline='')))
hdr, rows = rows[0], rows[1:]
assert len(raw) == len(rows)
lines = open(sys.argv[2]).read().split('\n')[:-1]
assert len(rows) == len(lines), (len(rows), len(lines))
num = re.compile(r'-?\d+(\.\d+)?')
n = cut = strs = 0
for r, l, w in zip(rows, lines, raw):
    if not r:
        assert l == '', l
        continue
    if len(r) == 6:
        try:
            json.loads(l)
            raise SystemExit('a cut line parses: ' + l)
        except ValueError:
            cut += 1
        l += ',"Fraud_Scenario":0}'
        r = r + ['0']
    o = json.loads(l)
    assert list(o) == hdr, list(o)
    for f, (k, v) in zip(r, o.items()):
        assert isinstance(v, str) == (not num.fullmatch(f) or '"%s"' % f in w), (k, f, v)
        strs += isinstance(v, str) and k != ' TS '
        assert (v if isinstance(v, str) else l.split('"%s":' % k)[1].split(',')[0].rstrip('}')) == f, (k, f, v)
    n += 1
print(n, cut, strs > 1000)
EOF2
	[ "$status" -eq 0 ]
	[ "$output" = "11188 3 True" ]
	# rt-clean mends both into the same records, rejecting the same rows.
	rt-clean $CLEAN --reject r1.ndjson m.csv > c1.ndjson || true
	rt-clean ${CLEAN#-i csv } --reject r2.ndjson m.ndjson > c2.ndjson || true
	cmp c1.ndjson c2.ndjson
	[ "$(wc -l < c2.ndjson)" -eq $((11070 - 7)) ]
	[ "$(jq -r .line r1.ndjson | tr '\n' ' ')" = "$(jq -r '.line + 1' r2.ndjson | tr '\n' ' ')" ]
	[ "$(jq -r .reason r2.ndjson | sed 's/ at byte.*//' | sort | uniq -c | awk '{$1 = $1; print}' | tr '\n' '|')" = "4 amount: cannot parse as a number: not a number|3 invalid JSON: unexpected end of text|" ]
	# -o tsv is still refused; --limit 0 writes nothing.
	[ "$(rt-gen $SMALL --messy -o ndjson --limit 0 | wc -c)" -eq 0 ]
}

@test "--messy: the documented dirt is there, and the rows add up to the counts" {
	run --separate-stderr rt-gen $SMALL --messy --stats
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > m.csv
	[ "$(stats_of | jq -c 'keys_unsorted')" = '["tool","in","out","rejected","dropped","fraud","duplicates","broken","blank_lines"]' ]
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .fraud, .duplicates, .broken, .blank_lines]')" = "[11070,11070,0,0,1529,118,7,55]" ]
	[ "$(head -1 m.csv)" = "TX_ID, TS ,Customer ID,TerminalID,Amount,Is Fraud,Fraud_Scenario" ]
	[ "$(grep -c '^$' m.csv)" -eq 55 ]
	# Rows, less the header and the blank lines: out + duplicates.
	[ "$(tail -n +2 m.csv | grep -c .)" -eq $((11070 + 118)) ]
	run python3 - m.csv <<'EOF'
import csv, sys, re, collections
rows = [r for r in csv.reader(open(sys.argv[1], newline=''))][1:]
rows = [r for r in rows if r]
ids = collections.Counter(r[0] for r in rows)
twice = sum(1 for n in ids.values() if n == 2)
thrice = sum(1 for n in ids.values() if n > 2)
na = [r for r in rows if len(r) == 7 and r[4] == 'n/a']
short = [r for r in rows if len(r) == 6]
broken_once = all(ids[r[0]] == 1 for r in na + short)
ts = collections.Counter('epoch' if re.fullmatch(r'\d{10}', r[1]) else
                         'space' if re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', r[1]) else
                         'rfc3339' if re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', r[1]) else 'other'
                         for r in rows)
padded = sum(1 for r in rows if re.fullmatch(r' \d+ ', r[2]))
dollar = sum(1 for r in rows if len(r) >= 5 and r[4].startswith('$'))
grouped = sum(1 for r in rows if len(r) >= 5 and re.fullmatch(r'\d{1,3}(,\d{3})+\.\d\d', r[4]))
print(len(rows), sum(1 for r in rows if len(r) not in (6, 7)), twice, thrice, len(na), len(short), broken_once,
      ts['other'], ts['epoch'] > 0, ts['space'] > 0, ts['rfc3339'] > 0,
      padded > 0, dollar > 0, grouped > 0)
EOF
	[ "$status" -eq 0 ]
	# Every row has 7 fields (or 6: broken), so "1,234.50" is always
	# quoted; 118 ids written twice, none more; 7 broken rows (4 with an
	# amount of n/a, 3 with the last field missing), each its
	# transaction's only row.
	[ "$output" = "11188 0 118 0 4 3 True 0 True True True True True True" ]
	grep -q ',"[0-9]*\.[0-9][0-9]",' m.csv
	grep -qE ',"[0-9]{1,3},[0-9]{3}\.[0-9]{2}",' m.csv
}

@test "--messy | rt-clean: the clean records of the same seed, less exactly the broken rows" {
	run --separate-stderr rt-gen $SMALL --messy --stats
	printf '%s\n' "$output" > m.csv
	local broken dups out
	broken=$(stat_field broken) dups=$(stat_field duplicates) out=$(stat_field out)
	[ "$broken" -eq 7 ]
	[ "$dups" -eq 118 ]
	run --separate-stderr rt-clean $CLEAN --stats --reject rej.ndjson m.csv
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" > mended.ndjson
	# Nothing lost: every row passed, rejected (broken) or dropped (a
	# duplicate); the blank lines are not records.
	[ "$(stats_of | jq -c '[.in, .out, .rejected, .dropped, .in == .out + .rejected + .dropped]')" = "[$((out + dups)),$((out - broken)),$broken,$dups,true]" ]
	[ "$(jq -r .reason rej.ndjson | sort | uniq -c | awk '{$1 = $1; print}' | tr '\n' '|')" = "4 amount: cannot parse as a number: not a number|3 row has 6 fields, the header has 7|" ]
	# The clean output, typed the same way, less the broken transactions:
	# byte for byte, in order.
	rt-gen $SMALL | rt-clean --time ts --number amount --integer tx_id,customer_id,terminal_id,is_fraud,fraud_scenario > truth.ndjson
	local ids
	ids=$(jq -r '.raw | split(",")[0]' rej.ndjson | paste -sd'|')
	[ "$(jq -r '.raw | split(",")[0]' rej.ndjson | tr '\n' ' ')" = "11 597 1544 2100 4313 5793 8852 " ]
	grep -vE "^\{\"tx_id\":($ids),\"" truth.ndjson > want.ndjson
	[ "$(wc -l < want.ndjson)" -eq $((out - broken)) ]
	cmp want.ndjson mended.ndjson
	# The first record, as the cleaner writes it.
	[ "$(head -1 mended.ndjson)" = '{"tx_id":0,"ts":"2018-04-01T00:52:16.000Z","customer_id":186,"terminal_id":214,"amount":14.90,"is_fraud":0,"fraud_scenario":0}' ]
}

@test "--stats: in and out are the transactions, fraud the labelled ones" {
	run --separate-stderr rt-gen $SMALL --stats
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > g.ndjson
	[ "$(stats_of | jq -c 'keys_unsorted')" = '["tool","in","out","rejected","dropped","fraud"]' ]
	[ "$(stats_of)" = '{"tool":"rt-gen","in":11070,"out":11070,"rejected":0,"dropped":0,"fraud":1529}' ]
	[ "$(wc -l < g.ndjson)" -eq 11070 ]
	[ "$(grep -c '"is_fraud":1' g.ndjson)" -eq 1529 ]
	# The stats are the only thing on stderr; without --stats, nothing.
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr rt-gen $SMALL --limit 10
	[ -z "$stderr" ]
	# With --limit, what was written.
	run --separate-stderr rt-gen $SMALL --limit 10 --stats
	[ "$(stats_of | jq -c '[.in, .out, .fraud]')" = "[10,10,$(printf '%s\n' "$output" | grep -c '"is_fraud":1')]" ]
	run --separate-stderr rt-gen $SMALL --limit 0 --stats
	[ "$(stats_of)" = '{"tool":"rt-gen","in":0,"out":0,"rejected":0,"dropped":0,"fraud":0}' ]
}

@test "bad options: exit 2 with a message, nothing written" {
	local -a bad=(
		"--customers 0|rt-gen: --customers: '0' is not a whole number from 1 to 10000000"
		"--customers 10000001|rt-gen: --customers: '10000001' is not a whole number from 1 to 10000000"
		"--terminals abc|rt-gen: --terminals: 'abc' is not a whole number from 1 to 10000000"
		"--days 0|rt-gen: --days: '0' is not a whole number from 1 to 100000"
		"--days 100001|rt-gen: --days: '100001' is not a whole number from 1 to 100000"
		"--days 1.5|rt-gen: --days: '1.5' is not a whole number from 1 to 100000"
		"--seed -1|rt-gen: --seed: '-1' is not a whole number from 0 to 18446744073709551615"
		"--seed 18446744073709551616|rt-gen: --seed: '18446744073709551616' is not a whole number from 0 to 18446744073709551615"
		"--limit -1|rt-gen: --limit: '-1' is not a whole number from 0 to 18446744073709551615"
		"--radius 0|rt-gen: --radius: '0' is not a distance over 0 and up to 200"
		"--radius 200.5|rt-gen: --radius: '200.5' is not a distance over 0 and up to 200"
		"--radius 5km|rt-gen: --radius: '5km' is not a distance over 0 and up to 200"
		"--radius nan|rt-gen: --radius: 'nan' is not a distance over 0 and up to 200"
		"--start tomorrow|rt-gen: --start: 'tomorrow' is not a date"
		"--start 2018-02-30|rt-gen: --start: '2018-02-30' is not a date"
		"-o tsv|rt-gen: -o: rt-gen writes ndjson or csv"
		"-o xml|rt-gen: unknown value 'xml' for -o; use ndjson, csv or tsv"
		"--bogus|rt-gen: unknown option '--bogus'"
		"txns.ndjson|rt-gen: unexpected operand 'txns.ndjson' (rt-gen reads no input)"
		"--seed|rt-gen: option '--seed' needs a value"
	)
	local b args want
	for b in "${bad[@]}"; do
		args=${b%%|*} want=${b#*|}
		run --separate-stderr rt-gen $args
		[ "$status" -eq 2 ] || { echo "rt-gen $args: status $status"; return 1; }
		[ -z "$output" ] || { echo "rt-gen $args wrote to stdout"; return 1; }
		[ "$stderr" = "$want
Try 'rt-gen --help' for more information." ] || { echo "rt-gen $args: $stderr"; return 1; }
	done
	# A sign or a blank is not part of a whole number (strtoull would
	# take " -1" as 2^64 - 1).
	for b in " -1" "+5" " 5"; do
		run --separate-stderr rt-gen --seed "$b" --limit 1
		[ "$status" -eq 2 ]
		[ "${stderr%%$'\n'*}" = "rt-gen: --seed: '$b' is not a whole number from 0 to 18446744073709551615" ]
	done
	run --separate-stderr rt-gen --limit " -1" $SMALL
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "write errors: /dev/full exits 2 with a message; a reader that stops ends it by SIGPIPE" {
	run --separate-stderr bash -c "rt-gen $SMALL > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-gen: stdout: No space left on device" ]
	# A single record: the error comes at the last flush.
	run --separate-stderr bash -c "rt-gen $SMALL --limit 1 -o csv > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-gen: stdout: No space left on device" ]
	run --separate-stderr bash -c "rt-gen $SMALL --messy --stats > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "rt-gen: stdout: No space left on device" ]
	# head(1) stops reading: killed by SIGPIPE like cat(1), silently.
	run --separate-stderr bash -c 'rt-gen | head -3 > h; echo "${PIPESTATUS[0]}"'
	[ "$output" = 141 ]
	[ -z "$stderr" ]
	cmp h <(rt-gen --limit 3)
}

@test "man: rt-gen.1 examples run" {
	check_man_examples "$RT_ROOT/man/rt-gen.1"
}
