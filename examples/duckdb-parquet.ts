/**
 * Flows to Parquet, then SQL over the file with DuckDB: the columnar file is the hand-off point
 * between capture processing and analysis (DuckDB, Spark, pandas, polars all read it directly).
 *
 * Usage: npx tsx --conditions=source examples/duckdb-parquet.ts [CAPTURE] [OUT.parquet]
 *   (defaults: examples/sample.pcap, flows.parquet)
 * Needs @duckdb/node-api (`npm install @duckdb/node-api`).
 */
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { NFStreamer } from '@flowstream/streamer';

const source = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
const out = process.argv[3] ?? 'flows.parquet';

const streamer = new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0 });
// One row group per 65536 flows, zstd (the default), written while flows arrive. The footer holds
// the manifest (`flowstream`) and the packet accounting known only after the last flow
// (`flowstream.summary`).
const { flows } = await streamer.export('parquet', out, { compression: 'zstd' });
console.log(`wrote ${flows} flows -> ${out}`);

const db = await DuckDBInstance.create(':memory:');
const sql = await db.connect();
try {
  // Parameters ($1) instead of string interpolation: paths may contain quotes.
  const count = await sql.runAndReadAll('SELECT count(*) AS flows FROM read_parquet($1)', [out]);
  console.log(`rows: ${count.getRowObjects()[0]!.flows}`);

  const top = await sql.runAndReadAll(
    `SELECT src_ip, count(*) AS flows, sum(bidirectional_bytes) AS bytes, max(bidirectional_duration_ms) AS longest_ms
       FROM read_parquet($1)
      GROUP BY src_ip
      ORDER BY bytes DESC
      LIMIT 5`,
    [out],
  );
  console.log('top talkers:');
  // BIGINT columns come back as bigint: fine for printing, convert with Number() for arithmetic.
  for (const r of top.getRowObjects()) console.log(`  ${r.src_ip}  flows=${r.flows}  bytes=${r.bytes}  longest=${r.longest_ms}ms`);

  // The run's packet accounting travels with the data, in the Parquet footer.
  const kv = await sql.runAndReadAll(
    "SELECT decode(value) AS summary FROM parquet_kv_metadata($1) WHERE decode(key) = 'flowstream.summary'",
    [out],
  );
  const summary = JSON.parse(String(kv.getRowObjects()[0]!.summary)) as { packets: { read: number } };
  console.log(`packets read (from the footer): ${summary.packets.read}`);
} finally {
  sql.closeSync();
  db.closeSync();
}
