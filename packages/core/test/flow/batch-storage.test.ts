import { describe, expect, it } from 'vitest';
import { DEFAULT_METERING_OPTIONS, DecodedPacket, FlowMeter, type FlowBatch } from '../../src/index.js';
import { meterConfig } from '../../src/internal.js';
import { traceDeopt } from '../support/trace-deopt.js';

// A meter's writer hands out full batches and writes on in other memory; once a batch is released,
// its memory takes later rows. The next batch's storage is made when a full batch is handed out,
// not at the next row: V8 compiles `append` long before the first batch fills, and a branch it
// had never seen taken would throw that code away.

/** Single-packet UDP flows, 1 ms apart, expiring after 1 s idle: `onBatch` sees every full batch. */
const METER_LOOP = (packets: number, onBatch: string) => `
const m = new FlowMeter(meterConfig({ ...DEFAULT_METERING_OPTIONS, idleTimeout: 1, nDissections: 0 }, null, false));
const p = new DecodedPacket();
p.protocol = 17; p.ipVersion = 4; p.dst0 = 0x0a0000fe; p.dstPort = 53;
p.rawSize = p.ipSize = 60; p.transportSize = 40; p.payloadSize = 32;
for (let i = 0; i < ${packets}; i++) {
  const t = 1_700_000_000_000 + i;
  p.timeMs = t; p.tsSec = Math.floor(t / 1000); p.tsNsec = (t % 1000) * 1e6;
  p.src0 = (0x0b000000 | i) >>> 0; p.srcPort = 40000 + (i & 0x3ff);
  m.process(p);
  for (const b of m.drainFullBatches()) { ${onBatch} }
}
`;

function fullBatches(packets: number, release: (b: FlowBatch, index: number) => boolean): FlowBatch[] {
  const batches: FlowBatch[] = [];
  new Function('FlowMeter', 'meterConfig', 'DEFAULT_METERING_OPTIONS', 'DecodedPacket', 'keep', METER_LOOP(packets, 'keep(b);'))(
    FlowMeter,
    meterConfig,
    DEFAULT_METERING_OPTIONS,
    DecodedPacket,
    (b: FlowBatch) => {
      if (release(b, batches.length)) b.release();
      batches.push(b);
    },
  );
  return batches;
}

const ports = (b: FlowBatch) => [...(b.columns[b.indexOf('src_port')] as { values: Float64Array }).values];
const memory = (b: FlowBatch) => (b.columns[b.indexOf('src_port')] as { values: Float64Array }).values.buffer;

describe('flow batch storage', () => {
  it('keeps a full batch as it was while later rows are written, and reuses its memory only once it is released', () => {
    const kept = fullBatches(20000, () => false);
    const before = kept.map(ports);
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(new Set(kept.map(memory)).size).toBe(kept.length);
    expect(kept.map(ports)).toEqual(before);

    const reused = fullBatches(20000, (_, i) => i === 0);
    // the first batch, released at once, takes the rows after the next one (made as that one was handed out)
    expect(memory(reused[2]!)).toBe(memory(reused[0]!));
    expect(memory(reused[1]!)).not.toBe(memory(reused[0]!));
  });

  it('V8 keeps the compiled `append` when the first full batch is handed out', () => {
    const trace = traceDeopt(`import { DEFAULT_METERING_OPTIONS, DecodedPacket, FlowMeter } from './packages/core/src/index.ts';
import { meterConfig } from './packages/core/src/internal.ts';
${METER_LOOP(200000, 'b.release();')}`);
    expect(trace).toMatch(/deoptimizing/); // the trace is on: other code of the loop is compiled again
    expect(trace).not.toMatch(/deoptimizing [^\n]*<JSFunction append /);
  });
});
