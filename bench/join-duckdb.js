// DuckDB's hash join for the rt-join benchmark (bench/sections/90-join.sh):
// the NDJSON stream LEFT JOIN a CSV card table, written as NDJSON, on the
// number of threads given.  Usage: node join-duckdb.js THREADS TXNS CARDS OUT
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
	const [threads, txns, cards, out] = process.argv.slice(2);
	const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
	const c = await db.connect();
	const q = (s) => s.replace(/'/g, "''");
	await c.run(`COPY (SELECT t.*, c.* EXCLUDE (card_id)
		FROM read_json('${q(txns)}', format = 'newline_delimited') t
		LEFT JOIN read_csv('${q(cards)}', header = true) c USING (card_id))
		TO '${q(out)}' (FORMAT json)`);
}

main().catch((e) => { console.error(e.message); process.exit(2); });
