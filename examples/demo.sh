#!/usr/bin/env bash
# make demo: generate a month of labelled transactions as a messy CSV
# export, run the whole detection pipeline on it, and report what went
# where and how well the rules detect fraud.
#
# Environment: BUILD (default build/rel), DAYS (default 31), SEED
# (default 7), SKIP (days left out of the quality figures while the
# windows fill, default 14), KEEP=DIR to keep the intermediate files in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BIN=${BUILD:-build/rel}/bin
export PATH=$root/$BIN:$PATH LC_ALL=C.UTF-8 TZ=UTC
DAYS=${DAYS:-31}
SEED=${SEED:-7}
SKIP=${SKIP:-14}
if [ -n "${KEEP:-}" ]; then
	out=$KEEP
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
ex=$root/examples

cat <<EOF
== rtpipe demo: $DAYS days of synthetic card transactions (rt-gen --seed $SEED),
   written as a messy CSV export, through the detection pipeline:

  rt-gen --messy --days $DAYS --seed $SEED
  | rt-clean -i csv --keys snake --time ts --number amount \\
      --integer tx_id,customer_id,terminal_id,is_fraud,fraud_scenario --dedupe tx_id
  | rt-validate --schema examples/txn.schema.json
  | rt-window -k customer_id --sliding 1d --sliding 7d --sliding 30d -a count -a avg:amount
  | rt-window -k terminal_id --sliding 7d --lag 7d -a count -a avg:is_fraud
  | rt-classify --rules examples/fraud.rules --combine max --label fraud=80 --label review=50
  | tee scored.ndjson
  | rt-alert -k customer_id --suppress 1d --time ts > alerts.ndjson

EOF

start=$(date +%s%N)
rt-gen --messy --days "$DAYS" --seed "$SEED" --stats 2> "$out/st-gen.json" |
	rt-clean -i csv --keys snake --time ts --number amount \
		--integer tx_id,customer_id,terminal_id,is_fraud,fraud_scenario \
		--dedupe tx_id --reject "$out/rej-clean.ndjson" --stats 2> "$out/st-clean.json" |
	rt-validate --schema "$ex/txn.schema.json" --reject "$out/rej-validate.ndjson" \
		--stats 2> "$out/st-validate.json" |
	rt-window -k customer_id --sliding 1d --sliding 7d --sliding 30d \
		-a count -a avg:amount --stats 2> "$out/st-window-customer.json" |
	rt-window -k terminal_id --sliding 7d --lag 7d -a count -a avg:is_fraud \
		--stats 2> "$out/st-window-terminal.json" |
	rt-classify --rules "$ex/fraud.rules" --combine max --label fraud=80 \
		--label review=50 --stats 2> "$out/st-classify.json" |
	tee "$out/scored.ndjson" |
	rt-alert -k customer_id --suppress 1d --time ts --stats \
		> "$out/alerts.ndjson" 2> "$out/st-alert.json" || true
end=$(date +%s%N)

stat() { tail -1 "$out/st-$1.json" | jq -r "$2"; }
generated=$(stat gen .out)
printf '%-22s %9s %9s %9s %9s\n' stage in out rejected dropped
for s in clean validate window-customer window-terminal classify alert; do
	printf '%-22s %9s %9s %9s %9s\n' "rt-$s" "$(stat "$s" .in)" "$(stat "$s" .out)" \
		"$(stat "$s" .rejected)" "$(stat "$s" .dropped)"
done
ms=$(( (end - start) / 1000000 ))
echo
dups=$(stat gen .duplicates)
echo "rt-gen wrote $generated transactions, $dups of them twice and $(stat gen .broken) rows"
echo "broken on purpose: $((generated + dups)) rows, all read by rt-clean ($(stat clean .in))."
echo "$(stat clean .in) records, $ms ms end to end."
echo
echo "Rejected, by reason (rt-clean, rt-validate):"
{ cat "$out/rej-clean.ndjson" "$out/rej-validate.ndjson"; } |
	jq -r '.reason | sub("[0-9]+"; "N")' | sort | uniq -c | sort -rn | head -8 |
	sed 's/^/  /'
echo "Dropped by rt-clean: $(stat clean .dropped) duplicated tx_id (--dedupe);"
echo "by rt-alert: $(stat alert .suppressed) suppressed (one alert per customer per day),"
echo "  $(( $(stat alert .dropped) - $(stat alert .suppressed) )) not alert-worthy (class ok)."
echo
echo "Alerts raised: $(stat alert .raised); the first three:"
head -3 "$out/alerts.ndjson" |
	jq -r '"  \(.time) customer \(.key.customer_id) \(.class) score \(.score) \(.rules | join(",")) amount \(.record.amount)"'
echo
echo "Counts add up at every stage (in = out + rejected + dropped, and each"
echo "stage reads what the one before wrote):"
ok=yes
[ "$(stat clean .in)" -eq $((generated + dups)) ] || ok=no
prev=clean
for s in validate window-customer window-terminal classify alert; do
	[ "$(stat "$s" .in)" -eq "$(stat "$prev" .out)" ] || ok=no
	prev=$s
done
for s in clean validate window-customer window-terminal classify alert; do
	jq -e '.in == .out + .rejected + .dropped' "$out/st-$s.json" > /dev/null || ok=no
done
echo "  $ok"
echo
echo "Detection quality (rt-eval, the first $SKIP days left out while the"
echo "windows fill; card precision@100 as in the Le Borgne et al. handbook):"
rt-eval --skip-days "$SKIP" --alerts "$out/alerts.ndjson" "$out/scored.ndjson" > "$out/eval.json"
if [ "$(jq .records "$out/eval.json")" -eq 0 ]; then
	echo "  no records after the first $SKIP days: run with more DAYS or a smaller SKIP"
	exit 0
fi
jq -r '
  "  records \(.records), frauds \(.frauds) (\(.fraud_rate * 100 | . * 100 | round / 100)%)",
  "  ROC AUC \(.roc_auc), average precision \(.average_precision)",
  "  card precision@100 \(.card_precision) (a perfect score: \(.card_precision_ceiling);",
  "    the handbook'"'"'s logistic-regression baseline: 0.297)",
  "  alerts: precision \(.alert_precision), compromised customers alerted \(.alert_card_recall)"
' "$out/eval.json"
