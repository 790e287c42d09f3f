# rt-join (issue 17): the bench stream joined with a 100,000-row card
# table (10 columns, every card of the stream) and a 1,000,000-row one
# (CSV, loaded into memory), the table load alone, the same join by
# DuckDB (its hash join, 2 threads, bench/join-duckdb.js) and by Miller
# (mlr join, on the first 100,000 records), and the 1,000,000-row table
# in SQLite looked up through rt-join's LRU cache on the stream's skewed
# card ids.

join_inputs() {
	local stamp="$N join v1"
	[ "$(cat "$OUT/.join-stamp" 2>/dev/null)" = "$stamp" ] &&
		[ -s "$OUT/cards-1m.db" ] && return
	say "generating the card tables (bench/gen-cards.py)..."
	python3 bench/gen-cards.py -n 100000 > "$OUT/cards-100k.csv"
	python3 bench/gen-cards.py -n 1000000 > "$OUT/cards-1m.csv"
	head -n 100000 "$NDJSON" > "$OUT/txns-100k.ndjson"
	rm -f "$OUT/cards-1m.db"
	sqlite3 "$OUT/cards-1m.db" -cmd "CREATE TABLE cards(card_id TEXT PRIMARY KEY,
		customer_id TEXT, name TEXT, tier INTEGER, risk_score REAL,
		home_country TEXT, opened TEXT, credit_limit INTEGER, segment TEXT,
		email TEXT)" ".import --csv --skip 1 $OUT/cards-1m.csv cards"
	echo "$stamp" > "$OUT/.join-stamp"
}

# have_duckdb: install @duckdb/node-api into bench/ when missing.
have_duckdb() {
	[ -d "$ROOT/bench/node_modules/@duckdb/node-api" ] && return 0
	command -v npm >/dev/null || return 1
	say "installing @duckdb/node-api into bench/ (npm install --prefix bench)"
	npm install --prefix "$ROOT/bench" --no-audit --no-fund >&2
}

# cpu ID RECORDS CMD: the median CPU time (user + system, every process
# of the command) of RUNS runs, and RECORDS over it, into cpu.tsv: on a
# machine shared with other work, the wall-clock figures wait for a core.
cpu() {
	local id=$1 recs=$2 cmd=$3 i u s
	local -a t=()
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f "%U %S" -o "$OUT/.cpu" bash -c "cd \"$OUT\" && $cmd" \
			> /dev/null 2>&1 || return 1
		read -r u s < "$OUT/.cpu"
		t+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
	done
	u=$(printf '%s\n' "${t[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	say "  $id: $u s of CPU"
	printf '| %s | %s | %s |\n' "$id" "$u" \
		"$(awk -v n="$recs" -v s="$u" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
		>> "$OUT/cpu.md"
}

# secs_of ID: the median seconds measured for ID.
secs_of() {
	awk -F'\t' -v id="$1" '$1 == id { s = $2 } END { print s }' "$OUT/results.tsv"
}

# join_rate ID LOAD_ID: records/s of the join alone (the table's load
# time taken off).
join_rate() {
	awk -v n="$N" -v a="$(secs_of "$1")" -v b="$(secs_of "$2")" \
		'BEGIN { printf "%.0f", (a > b ? n / (a - b) : 0) }'
}

# rss_target ID FILE: "met" when ID's peak RSS is at most 1.5 times the
# file's size plus 16 MiB.
rss_target() {
	awk -F'\t' -v id="$1" -v size="$(stat -c %s "$2")" '$1 == id { r = $5 }
	END { lim = (1.5 * size + 16 * 1048576) / 1024
	      printf "%s (%.1f MiB, limit %.1f MiB)", r <= lim ? "met" : "MISSED",
	          r / 1024, lim / 1024 }' "$OUT/results.tsv"
}

section_join() {
	join_inputs
	local types="--integer tier,credit_limit --number risk_score" t
	for t in 100k 1m; do
		measure "rt-join-load-$t" "$([ $t = 1m ] && echo 1000000 || echo 100000)" \
			"$(stat -c %s "$OUT/cards-$t.csv")" \
			"rt-join --table cards-$t.csv --on card_id $types < /dev/null"
		measure "rt-join-$t" "$N" "$NDJSON_BYTES" \
			"rt-join --table cards-$t.csv --on card_id $types txns.ndjson"
	done
	measure rt-join-100k-as "$N" "$NDJSON_BYTES" \
		"rt-join --table cards-100k.csv --on card_id $types --as card txns.ndjson"
	measure rt-join-sqlite-cache "$N" "$NDJSON_BYTES" \
		"rt-join --table cards-1m.db --table-name cards --on card_id --cache 100000 txns.ndjson"
	measure mlr-join-100k 100000 "$(stat -c %s "$OUT/txns-100k.ndjson")" \
		"mlr --ijsonl --ojsonl join --ur -i csv -f cards-100k.csv -j card_id txns-100k.ndjson"
	: > "$OUT/cpu.md"
	cpu rt-join-load-1m 1000000 "rt-join --table cards-1m.csv --on card_id $types < /dev/null"
	cpu rt-join-100k "$N" "rt-join --table cards-100k.csv --on card_id $types txns.ndjson"
	cpu rt-join-1m "$N" "rt-join --table cards-1m.csv --on card_id $types txns.ndjson"
	cpu rt-join-sqlite-cache "$N" \
		"rt-join --table cards-1m.db --table-name cards --on card_id --cache 100000 txns.ndjson"
	if have_duckdb; then
		for t in 100k 1m; do
			measure "duckdb-2t-$t" "$N" "$NDJSON_BYTES" \
				"node ../join-duckdb.js 2 txns.ndjson cards-$t.csv /dev/null"
			cpu "duckdb-2t-$t" "$N" \
				"node ../join-duckdb.js 2 txns.ndjson cards-$t.csv /dev/null"
		done
	fi

	cat <<MD
## rt-join (issue 17)

The 1,000,000 bench records joined on card_id with a card table of
100,000 rows (every card of the stream) or 1,000,000 rows, 10 columns
(bench/gen-cards.py), CSV with three typed columns, loaded into memory;
the load alone (no records); the same join by DuckDB's hash join on 2
threads (bench/join-duckdb.js: read_json LEFT JOIN read_csv, COPY to
NDJSON) and by Miller (\`mlr join\`, on the first 100,000 records: its
ratio is of records/s); the 1,000,000-row table in SQLite, looked up key
by key through an LRU cache of 100,000 keys.

$(header)
$(row rt-join-load-100k)
$(row rt-join-load-1m)
$(row rt-join-100k duckdb-2t-100k)
$(row rt-join-100k-as duckdb-2t-100k)
$(row rt-join-1m duckdb-2t-1m)
$(row rt-join-sqlite-cache)
$(row duckdb-2t-100k)
$(row duckdb-2t-1m)
$(row mlr-join-100k)

CPU time (user and system, median of the runs; DuckDB's on both of its
threads) and the records (rows, for the load) per CPU second:

| benchmark | CPU s | per CPU s |
|---|---|---|
$(cat "$OUT/cpu.md")

The rates of whole commands include loading the table.  The join alone
(the load's time taken off): $(join_rate rt-join-100k rt-join-load-100k)
records/s with the 100,000-row table, $(join_rate rt-join-1m rt-join-load-1m)
with the 1,000,000-row one.

Targets: at least 2,000,000 records/s, 100,000-row table (whole
command): $(rate_target rt-join-100k 2000000); table load at least
2,000,000 rows/s (1,000,000 rows): $(rate_target rt-join-load-1m 2000000);
faster than DuckDB on 2 threads: $(ratio rt-join-100k duckdb-2t-100k) (100,000 rows),
$(ratio rt-join-1m duckdb-2t-1m) (1,000,000 rows); 20x Miller:
$(ratio rt-join-100k mlr-join-100k); SQLite with --cache at least 500,000
records/s: $(rate_target rt-join-sqlite-cache 500000); memory at most 1.5x
the table file + 16 MiB: $(rss_target rt-join-1m "$OUT/cards-1m.csv") (1,000,000 rows),
$(rss_target rt-join-100k "$OUT/cards-100k.csv") (100,000 rows).

MD
}
