# rt-window (issue 4): look-back features per card over the last hour,
# with and without a distinct count, and tumbling 5-minute windows, against
# Miller (the nearest it has: step with shift_lag and ewma per card, and
# stats1 per card and 5-minute bucket) and a sqlite3 window query over the
# same data (import included).  The bench file's records are up to 5 s
# out of order, hence --max-delay 5s.

section_window() {
	local aggs="-a count -a sum:amount -a avg:amount -a max:amount"
	measure rt-window-sliding "$N" "$NDJSON_BYTES" \
		"rt-window --key card_id --sliding 1h --max-delay 5s $aggs txns.ndjson"
	measure rt-window-sliding-distinct "$N" "$NDJSON_BYTES" \
		"rt-window --key card_id --sliding 1h --max-delay 5s $aggs -a distinct:country txns.ndjson"
	measure rt-window-tumble "$N" "$NDJSON_BYTES" \
		"rt-window --key card_id --tumble 5m --max-delay 5s $aggs txns.ndjson"
	measure mlr-step "$N" "$NDJSON_BYTES" \
		"mlr --ijsonl --ojsonl step -a shift_lag,ewma -d 0.1 -f amount -g card_id txns.ndjson"
	measure mlr-stats1-5m "$N" "$NDJSON_BYTES" \
		"mlr --ijsonl --ojsonl put '\$w = strftime(roundm(strptime(\$ts, \"%Y-%m-%dT%H:%M:%SZ\"), 300), \"%Y-%m-%dT%H:%M:%SZ\")' then stats1 -a count,sum,mean,max -f amount -g card_id,w txns.ndjson"
	measure sqlite-window "$N" "$CSV_BYTES" \
		"rm -f w.db && sqlite3 w.db -cmd '.mode csv' -cmd '.import txns.csv t' \"SELECT COUNT(*) OVER w, SUM(amount) OVER w, AVG(amount) OVER w, MAX(amount) OVER w FROM t WINDOW w AS (PARTITION BY card_id ORDER BY julianday(ts) * 86400.0 RANGE BETWEEN 3600 PRECEDING AND CURRENT ROW)\""

	cat <<MD
## rt-window (issue 4)

Features per card (about 100,000 cards) over the last hour: count, sum,
avg and max of the amount, added to each of the 1,000,000 records.

$(header)
$(row rt-window-sliding)
$(row rt-window-sliding-distinct)
$(row rt-window-tumble)
$(row mlr-step)
$(row mlr-stats1-5m)
$(row sqlite-window)

Ratios (records/s): rt-window sliding vs Miller step $(ratio rt-window-sliding mlr-step),
vs sqlite3 window query $(ratio rt-window-sliding sqlite-window);
tumbling vs Miller stats1 $(ratio rt-window-tumble mlr-stats1-5m).
Targets: sliding at least 1,000,000 records/s: $(rate_target rt-window-sliding 1000000);
with distinct at least 600,000: $(rate_target rt-window-sliding-distinct 600000);
tumbling at least 1,500,000: $(rate_target rt-window-tumble 1500000).

MD
}
