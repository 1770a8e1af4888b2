/**
 * CovertMark SGD feature rows of a capture, as CovertMark's SGD strategy computes them (spec §7:
 * TCP packets, 60 s segments, client/remote host pairs, 50-packet windows), written as CSV (or
 * Arrow, Parquet, JSON Lines, from the output file's extension).
 *
 * Usage: tsx --conditions=source examples/covertmark-features.ts CAPTURE CLIENT_SUBNET [OUT.csv] [WINDOW_SIZE]
 *   e.g. examples/covertmark-features.ts capture.pcap 192.168.2.0/24 features.csv
 *
 * Needs `packets()` from @flowstream/streamer (an Observable of `{ length, packets: DecodedPacket[] }`
 * batches).
 */
import { packets, writeWindowRows } from '@flowstream/streamer';
import type { DecodedPacket } from '@flowstream/core';
import {
  covertMarkPacketFromIp,
  sgdFeatureRowsFromPackets,
  toWindowPacket,
  type WindowColumn,
  type WindowPacket,
} from '@flowstream/plugins/covertmark';

async function main(): Promise<void> {
  const [source, subnet, out = 'covertmark-features.csv', size = '50'] = process.argv.slice(2);
  if (source === undefined || subnet === undefined) {
    console.error('usage: covertmark-features CAPTURE CLIENT_SUBNET [OUT.csv] [WINDOW_SIZE]');
    process.exit(2);
  }
  // Keep only payload-free summaries: a capture's payloads need not stay in memory.
  const trace: WindowPacket[] = [];
  await new Promise<void>((resolve, reject) => {
    packets(source, {}).subscribe({
      next(batch: { length: number; packets: DecodedPacket[] }) {
        for (let i = 0; i < batch.length; i++) {
          const p = batch.packets[i]!;
          const ip = p.data.subarray(p.ipOffset, p.ipOffset + p.ipLength);
          const record = covertMarkPacketFromIp(ip, p.tsSec, p.tsNsec, p.rawSize);
          if (record?.tcp) trace.push(toWindowPacket(record, true));
        }
      },
      error: reject,
      complete: resolve,
    });
  });
  const result = sgdFeatureRowsFromPackets(trace, { clientSubnets: [subnet], windowSize: Number(size) });
  const columns: WindowColumn[] = [
    { name: 'segment', type: 'int' },
    { name: 'client', type: 'string' },
    { name: 'target', type: 'string' },
    { name: 'window', type: 'int' },
    ...result.keys.map((name) => ({ name, type: 'float' as const })),
  ];
  const rows = result.rows.map((r) => {
    const row: Record<string, unknown> = { segment: r.segment, client: r.client, target: r.target, window: r.window };
    result.keys.forEach((k, i) => (row[k] = r.values[i]));
    return row;
  });
  // Through the output sinks: the format follows the extension (.csv, .arrow, .parquet, .jsonl).
  await writeWindowRows(rows, out, columns);
  console.log(`${rows.length} feature rows (${result.skipped} windows skipped) from ${trace.length} TCP packets -> ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
