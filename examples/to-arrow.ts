/**
 * Flows to Apache Arrow: an in-memory Table (print its schema and first rows), then an Arrow IPC
 * file (Feather v2) that pandas, polars, DuckDB or R read without conversion.
 *
 * Usage: npx tsx --conditions=source examples/to-arrow.ts [CAPTURE] [OUT.arrow]
 *   (defaults: examples/sample.pcap, flows.arrow)
 * Read it back from Python: /usr/bin/python3 examples/python/read_feather.py flows.arrow
 */
import { fileURLToPath } from 'node:url';
import { NFStreamer } from '@flowstream/streamer';

const source = process.argv[2] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
const out = process.argv[3] ?? 'flows.arrow';

const streamer = new NFStreamer({ source, statisticalAnalysis: true, spltAnalysis: 4, nDissections: 0 });

// Every column is typed up front (Uint16 ports, Int64 counters, Uint64 times, List<Int32> SPLT…),
// so even a capture without flows gives a typed, empty table.
const table = await streamer.toArrow();
console.log(`table: ${table.numRows} rows x ${table.numCols} columns`);
for (const field of table.schema.fields.slice(0, 12)) console.log(`  ${field.name}: ${field.type}`);
console.log(`  … ${table.numCols - 12} more`);
for (const row of table.slice(0, 3)) {
  const r = row!.toJSON();
  console.log(`  row ${r.id}: ${r.src_ip}:${r.src_port} -> ${r.dst_ip}:${r.dst_port} bytes=${r.bidirectional_bytes} splt_ps=${JSON.stringify([...(r.splt_ps as Iterable<number>)])}`);
}

// A file export is a second run over the capture (every run starts afresh), written batch by
// batch while flows arrive: memory stays bounded whatever the capture size. toArrow() above keeps
// everything in memory — fine for a small capture, not for a day of traffic.
// The file's footer says how it was made and what was read: the manifest (version, parameters,
// plugins, sources with their SHA-256) under `flowstream`, the packet accounting under
// `flowstream.summary`.
const rows = await streamer.toArrowFile(out);
console.log(`rows: ${rows} -> ${out} (packets read: ${streamer.summary!.packets.read})`);
