/**
 * NFStream-identical CSV (`NFStreamer.to_csv`): same columns, order and value formatting, so
 * existing pandas notebooks keep working. Identifying columns can be anonymised with keyed
 * BLAKE2b-512 hashes (a fresh random key per export: equal values hash equally inside one file,
 * but cannot be linked across files).
 *
 * Usage: npx tsx --conditions=source examples/to-csv.ts [CAPTURE] [OUT.csv] [--anonymize COLS] [--flows-per-file N]
 *   --anonymize   comma-separated columns (default src_ip,src_mac,dst_ip,dst_mac; "" = none)
 *   --flows-per-file  split into OUT.0.csv, OUT.1.csv… (NFStream's chunk naming)
 * Read it back from Python: /usr/bin/python3 examples/python/read_csv.py flows.csv
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NFStreamer } from '@flowstream/streamer';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    anonymize: { type: 'string', default: 'src_ip,src_mac,dst_ip,dst_mac' },
    'flows-per-file': { type: 'string', default: '0' },
  },
});
const source = positionals[0] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));
const out = positionals[1] ?? 'flows.csv';
const columnsToAnonymize = values.anonymize.split(',').map((c) => c.trim()).filter((c) => c !== '');

const streamer = new NFStreamer({ source, statisticalAnalysis: true, nDissections: 0 });
// NFStream's to_csv(path, columns_to_anonymize, flows_per_file): one run, written as flows expire.
// No flows ⇒ no file, as in NFStream.
const rows = await streamer.toCsv(out, { columnsToAnonymize, flowsPerFile: Number(values['flows-per-file']) });
console.log(`rows: ${rows} -> ${out}${columnsToAnonymize.length > 0 ? ` (anonymised: ${columnsToAnonymize.join(', ')})` : ''}`);
