# rt-validate (issue 3): JSON Schema validation of the NDJSON file with
# examples/transaction.schema.json, against ajv (Node) and Python's
# jsonschema.  Commands run in bench/out/ (run.sh).  Python runs on the first 100k records only (about 100 s per
# million), so the comparison is by records/s.

# vrow ID PEER: a table row; "vs peer" is the ratio of records/s.
vrow() {
	awk -F'\t' -v id="$1" -v peer="${2:-}" '
	$1 == peer { pr = $3 }
	$1 == id { s = $2; r = $3; mb = $4; rss = $5; cmd = $6 }
	END {
		ratio = (peer != "" && pr > 0) ? sprintf("%.1fx", r / pr) : ""
		gsub(/\|/, "\\|", cmd)
		printf "| %s | %s | %s | %s | %.1f | %s | `%s` |\n", id, s, r, mb, rss / 1024, ratio, cmd
	}' "$OUT/results.tsv"
}

# vtarget ID: "met"/"MISSED" for >= 1M records/s, > ajv, < 16 MiB.
vtarget() {
	awk -F'\t' -v id="$1" '
	$1 == id { r = $3; mb = $4; rss = $5 } $1 == "ajv" { ar = $3 }
	END {
		printf "at least 1,000,000 records/s: %s (%d/s, %s MB/s); ", (r >= 1e6 ? "met" : "MISSED"), r, mb
		printf "faster than ajv: %s (%.1fx); ", ((ar > 0 && r > ar) ? "met" : "MISSED"), (ar > 0 ? r / ar : 0)
		printf "peak memory under 16 MiB: %s (%.1f MiB)", (rss / 1024 < 16 ? "met" : "MISSED"), rss / 1024
	}' "$OUT/results.tsv"
}

section_validate() {
	local schema=../../examples/transaction.schema.json small=$OUT/txns-100k.ndjson
	local have_ajv=1 have_py=1
	if [ ! -d "$ROOT/bench/node_modules/ajv" ]; then
		say "installing ajv into bench/ (npm install --prefix bench)"
		npm install --prefix "$ROOT/bench" --no-audit --no-fund >&2 || have_ajv=0
	fi
	python3 -c 'import jsonschema' 2>/dev/null || have_py=0
	head -n 100000 "$NDJSON" > "$small"

	measure rt-validate "$N" "$NDJSON_BYTES" \
		"rt-validate --schema $schema --formats txns.ndjson"
	measure rt-validate-noformats "$N" "$NDJSON_BYTES" \
		"rt-validate --schema $schema txns.ndjson"
	[ "$have_ajv" = 1 ] && measure ajv "$N" "$NDJSON_BYTES" \
		"node ../validate-ajv.js $schema txns.ndjson"
	[ "$have_py" = 1 ] && RUNS=1 measure python-jsonschema-100k 100000 \
		"$(stat -c %s "$small")" \
		"python3 ../validate-py.py $schema txns-100k.ndjson"

	cat <<MD
## rt-validate (issue 3)

Schema: examples/transaction.schema.json (11 properties: types, required,
ranges, enums, a pattern, a date-time format, a \$ref; additionalProperties
false).  Python's jsonschema runs once on the first 100,000 records.

| benchmark | median s | records/s | MB/s | peak MiB | vs peer (records/s) | command |
|---|---|---|---|---|---|---|
$(vrow ajv)
$(vrow python-jsonschema-100k)
$(vrow rt-validate ajv)
$(vrow rt-validate-noformats ajv)

Targets: $(vtarget rt-validate).
Against Python's jsonschema: $(vrow rt-validate python-jsonschema-100k | awk -F'|' '{print $7}' | tr -d ' ') the records/s.

MD
}
