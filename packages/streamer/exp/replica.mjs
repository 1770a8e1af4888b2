// experiment: every meter reads the whole file, routes every record, meters its own
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { FlowMeter, PacketDecoder, openCapture, ReadStatus, loadNdpi, createNdpiDissector } from '@flowstream/core';
import { CapturePump, PacketAccounting, elapsedMs, isLaterTime } from '@flowstream/core/internal';
import { RecordRouter } from '../dist/parallel/record-router.js';
import { meterBuckets } from '../dist/parallel/meter-buckets.js';
const F = process.env.HOME + '/.cache/flowstream-bench/bench-2000000.pcap';
const N = Number(process.env.N ?? 2);
const STATS = process.env.STATS === '1';
class Replica {
  constructor(me, meter, router) { this.me = me; this.meter = meter; this.router = router; this.decoder = new PacketDecoder({ decodeTunnels: true }); this.clock = 0; this.lastScan = 0; this.pendingFlows = 0; }
  process(packet, rec) {
    if (isLaterTime(rec.timeMs, this.clock)) this.clock = rec.timeMs; else rec.timeMs = this.clock;
    if (this.router.owner === this.me) {
      this.decoder.decode(rec, packet);
      this.meter.process(packet);
      if (elapsedMs(this.clock, this.lastScan) >= 10) this.lastScan = this.clock;
    } else if (elapsedMs(this.clock, this.lastScan) >= 10) { this.lastScan = this.clock; this.meter.tickPacket(this.clock); }
    this.pendingFlows = this.meter.pendingFlows;
  }
}
function run(me) {
  const t0 = performance.now();
  const meter = new FlowMeter({ decodeTunnels: true, idleTimeoutMs: 120000, activeTimeoutMs: 1800000, accountingMode: 0, statisticalAnalysis: STATS, spltAnalysis: STATS ? 10 : 0, plugins: [], dissector: process.env.NDPI === '1' ? createNdpiDissector(loadNdpi(), 20) : null, systemVisibility: 0, maxLiveFlows: 0, snapshotIntervalMs: 0, sharedBatches: !isMainThread });
  const router = new RecordRouter(meterBuckets(N, 1 / N), true);
  const sink = new Replica(me, meter, router);
  const acc = new PacketAccounting();
  const pump = new CapturePump(router, sink, acc, null);
  const reader = openCapture(F);
  let flows = 0;
  for (;;) { const s = pump.pump(reader, 8192); for (const b of meter.drainFullBatches()) flows += b.length; if (s !== ReadStatus.Record) break; }
  meter.flush(); for (const b of meter.drainBatches()) flows += b.length;
  return { flows, processed: acc.processed, ms: performance.now() - t0 };
}
if (isMainThread) {
  const t0 = performance.now();
  const ws = [];
  for (let i = 1; i < (process.env.SOLO ? 1 : N); i++) ws.push(new Promise((res) => { const w = new Worker(new URL(import.meta.url), { workerData: i }); w.once('message', res); }));
  const r0 = run(0);
  const rs = await Promise.all(ws);
  console.log(N, 'meters', ((performance.now() - t0)).toFixed(0), 'ms flows', r0.flows + rs.reduce((a, r) => a + r.flows, 0), 'main', r0.flows, 'ms', r0.ms.toFixed(0), rs.map(r=>r.ms.toFixed(0)));
} else parentPort.postMessage(run(workerData));
