import { openCapture, CaptureRecord, DecodedPacket, PacketDecoder, FlowMeter, ReadStatus } from '@flowstream/core';
const path = process.argv[2]!;
const stage = process.argv[3]!;
const rec = new CaptureRecord(); const pkt = new DecodedPacket();
const dec = new PacketDecoder({ decodeTunnels: true });
const meter = new FlowMeter({ decodeTunnels: true, idleTimeoutMs: 120000, activeTimeoutMs: 1800000, accountingMode: 0, statisticalAnalysis: false, spltAnalysis: 0, plugins: [], dissector: null, systemVisibility: false });
const t0 = performance.now(); const m0 = process.memoryUsage();
if (process.argv[4] === "nomat") { const dummy = (meter as any).materializer.create(0); (meter as any).materializer.create = () => dummy; }
const r = openCapture(path); let n = 0; let flows = 0;
while (r.next(rec) === ReadStatus.Record) {
  n++;
  if (stage === 'read') continue;
  if (dec.decode(rec, pkt) !== 0) continue;
  if (stage === 'decode') continue;
  meter.process(pkt);
  if (meter.emitted.length > 4096) flows += meter.drain().length;
}
meter.flush(); flows += meter.drain().length;
const secs = (performance.now() - t0) / 1000;
console.log(stage, n, 'records', flows, 'flows', secs.toFixed(2), 's', (n / secs / 1e6).toFixed(2), 'Mpps');
