/**
 * Flows to a polars DataFrame, then a group-by: traffic per destination port, the usual first
 * look at a capture.
 *
 * Usage: npx tsx --conditions=source examples/to-polars.ts [CAPTURE]
 * Needs the optional peer dependency nodejs-polars (`npm install nodejs-polars`).
 */
import { fileURLToPath } from 'node:url';
import pl from 'nodejs-polars';
import { NFStreamer } from '@flowstream/streamer';

const source = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
const streamer = new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0 });

// Through Arrow IPC, so polars gets the exact column types (UInt16 ports, Int64 counters…)
// instead of guessing them from JavaScript numbers: NFStream's to_pandas().
const df = await streamer.toPolars();
console.log(`rows: ${df.height}`);

const perPort = df
  .groupBy(['protocol', 'dst_port'])
  .agg(
    pl.len().alias('flows'),
    pl.col('bidirectional_packets').sum().alias('packets'),
    pl.col('bidirectional_bytes').sum().alias('bytes'),
    pl.col('bidirectional_duration_ms').max().alias('longest_ms'),
  )
  .sort('bytes', true);
console.log(perPort.toString());
