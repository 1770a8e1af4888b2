/**
 * Flows as an RxJS stream: drop single-packet flows (scans, lone DNS retries…), batch the rest,
 * and keep a running total of flows and bytes per transport protocol with `scan`.
 *
 * Usage: npx tsx --conditions=source examples/rxjs-pipeline.ts [CAPTURE] [--packets]
 *   --packets  build the flows with `packets(...).pipe(meter(...))` instead of `streamer.flows$`
 *              (the packet-level pipeline: put your own operators before `meter`)
 *
 * Needs `rxjs` resolvable from your project (`npm install rxjs`).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bufferTime, filter, lastValueFrom, map, scan, tap, type Observable } from 'rxjs';
import { NFStreamer, meter, packets } from '@flowstream/streamer';
import type { NFlow } from '@flowstream/core';

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

interface Totals {
  [protocol: string]: { flows: number; bytes: number };
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { packets: { type: 'boolean' } } });
const source = positionals[0] ?? fileURLToPath(new URL('sample.pcap', import.meta.url));

// Two ways to get an Observable<NFlow>: the streamer (all features, nDPI when available), or the
// packet stream metered by the `meter` operator (no nDPI; lets you filter/transform packets first).
const flows$: Observable<NFlow> = values.packets
  ? packets(source).pipe(meter({ statisticalAnalysis: false }))
  : new NFStreamer({ source, nDissections: 0 }).flows$;

let batchNo = 0;
const totals$ = flows$.pipe(
  filter((flow) => flow.bidirectional_packets > 1),
  // bufferTime is wall-clock time, not capture time: a file is read much faster than it was
  // captured, so a whole small capture may land in one buffer, and idle periods give empty
  // buffers. The size cap (3rd argument) bounds the batch either way — tiny here so that the
  // sample capture spans several batches; use thousands in practice. To window by *capture* time,
  // group on the flows' own timestamps (e.g. bidirectional_first_seen_ms) instead.
  bufferTime(1000, null, 4),
  filter((batch) => batch.length > 0),
  // Running aggregate: one emission per batch, each a snapshot of the totals so far.
  scan((acc: Totals, batch: NFlow[]) => {
    const next = structuredClone(acc);
    for (const flow of batch) {
      const name = PROTOCOLS[flow.protocol] ?? `proto ${flow.protocol}`;
      const t = (next[name] ??= { flows: 0, bytes: 0 });
      t.flows++;
      t.bytes += flow.bidirectional_bytes;
    }
    return next;
  }, {}),
  tap((running) => {
    batchNo++;
    const bytes = Object.values(running).reduce((s, t) => s + t.bytes, 0);
    console.log(`after batch ${batchNo}: ${bytes} bytes in ${Object.keys(running).length} protocols`);
  }),
  map((running) => Object.entries(running).sort(([, a], [, b]) => b.bytes - a.bytes)),
);

// lastValueFrom subscribes (which starts the run) and resolves with the final snapshot;
// the default covers captures where every flow was filtered out.
const final = await lastValueFrom(totals$, { defaultValue: [] });
for (const [name, t] of final) console.log(`${name.padEnd(8)} flows=${t.flows} bytes=${t.bytes}`);
