/**
 * Per-stage timing of the packet path, in process (no CLI start-up, no output): how long reading,
 * reading + decoding, and reading + decoding + metering a capture take. Complements `pnpm bench`,
 * which times whole CLI processes.
 *
 *   npx tsx --conditions=source scripts/stage-bench.ts CAPTURE [read|decode|meter] [nomat]
 *
 * `nomat` replaces flow materialisation (NFlow objects) by a shared dummy, to separate the cost of
 * the flow table from the cost of building flow records.
 */
import { openCapture, CaptureRecord, DecodedPacket, PacketDecoder, FlowMeter, ReadStatus } from '@flowstream/core';

const path = process.argv[2];
const stage = process.argv[3] ?? 'meter';
if (path === undefined || !['read', 'decode', 'meter'].includes(stage)) {
  console.error('usage: stage-bench.ts CAPTURE [read|decode|meter] [nomat]');
  process.exit(2);
}
const rec = new CaptureRecord();
const pkt = new DecodedPacket();
const dec = new PacketDecoder({ decodeTunnels: true });
const meter = new FlowMeter({
  decodeTunnels: true, idleTimeoutMs: 120000, activeTimeoutMs: 1800000, accountingMode: 0,
  statisticalAnalysis: false, spltAnalysis: 0, plugins: [], dissector: null, systemVisibility: false,
});
if (process.argv[4] === 'nomat') {
  const materializer = (meter as unknown as { materializer: { create(slot: number): unknown } }).materializer;
  const dummy = materializer.create(0);
  materializer.create = () => dummy;
}
const t0 = performance.now();
const r = openCapture(path);
let n = 0;
let flows = 0;
while (r.next(rec) === ReadStatus.Record) {
  n++;
  if (stage === 'read') continue;
  if (dec.decode(rec, pkt) !== 0) continue;
  if (stage === 'decode') continue;
  meter.process(pkt);
  if (meter.pendingFlows > 1024) flows += meter.drain().length;
}
meter.flush();
flows += meter.drain().length;
const secs = (performance.now() - t0) / 1000;
console.log(stage, n, 'records', flows, 'flows', secs.toFixed(2), 's', (n / secs / 1e6).toFixed(2), 'Mpps');
