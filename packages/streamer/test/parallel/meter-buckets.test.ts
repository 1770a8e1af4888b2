import { describe, expect, it } from 'vitest';
import { DecodedPacket, IgnoreReason, PacketDecoder, resolveMeteringOptions } from '@flowstream/core';
import { forEachCorpusRecord } from '../../../core/test/support/corpus-records.js';
import { localShare, workersReadBytes } from '../../src/parallel/local-share.js';
import { meterBuckets } from '../../src/parallel/meter-buckets.js';
import { RecordRouter } from '../../src/parallel/record-router.js';

/** Buckets each meter owns. */
function counts(table: Uint16Array, meters: number): number[] {
  const n = new Array<number>(meters).fill(0);
  for (const m of table) n[m]!++;
  return n;
}

/** The flow a decoded packet belongs to, the same for both directions. */
function flowOf(p: DecodedPacket): string {
  const a = `${p.src0},${p.src1},${p.src2},${p.src3},${p.srcPort}`;
  const b = `${p.dst0},${p.dst1},${p.dst2},${p.dst3},${p.dstPort}`;
  return `${p.ipVersion}|${p.protocol}|${p.vlanId}|${p.tunnelId}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
}

describe('meterBuckets (spec §7)', () => {
  it('gives meter 0 its share of the buckets and the workers equal parts of the rest', () => {
    for (const [meters, share] of [[2, 0], [2, 0.39], [2, 0.5], [3, 0.2], [5, 0.1], [8, 0.125]] as const) {
      const table = meterBuckets(meters, share);
      expect(table.length).toBe(256);
      const n = counts(table, meters);
      expect(n[0]).toBe(Math.round(256 * share));
      const workers = n.slice(1);
      expect(Math.max(...workers) - Math.min(...workers)).toBeLessThanOrEqual(1);
    }
  });

  it('never gives meter 0 more than 1/n, and grows with the meter count', () => {
    expect(counts(meterBuckets(2, 0.9), 2)).toEqual([128, 128]);
    expect(counts(meterBuckets(4, -1), 4)).toEqual([0, 86, 85, 85]);
    const big = meterBuckets(1000, 0.001);
    expect(big.length).toBe(4096);
    expect(Math.min(...counts(big, 1000).slice(1))).toBeGreaterThanOrEqual(4);
  });

  it('spreads meter 0’s buckets over the table (no run of hash values)', () => {
    const table = meterBuckets(2, 0.25);
    for (let quarter = 0; quarter < 4; quarter++) {
      const part = table.subarray(quarter * 64, quarter * 64 + 64);
      expect(part.filter((m) => m === 0).length).toBe(16);
    }
  });
});

describe('localShare: the main thread meters less, the lighter the metering', () => {
  const options = (o: Record<string, unknown>) => resolveMeteringOptions(o);
  const dissector = {};

  it('core fields: the workers meter every flow; nDPI + statistics: close to half', () => {
    expect(localShare(options({ nDissections: 0 }), { nMeters: 2, plugins: [], dissector: null })).toBe(0);
    const heavy = localShare(options({ nDissections: 20, statisticalAnalysis: true }), { nMeters: 2, plugins: [], dissector });
    expect(heavy).toBeGreaterThan(0.35);
    expect(heavy).toBeLessThan(0.45);
    // nDPI requested but unavailable: no dissection cost
    expect(localShare(options({ nDissections: 20 }), { nMeters: 2, plugins: [], dissector: null })).toBe(0);
  });

  it('grows with each per-packet feature and plugin, and stays within 1/n', () => {
    const shares = [
      localShare(options({ nDissections: 20 }), { nMeters: 2, plugins: [], dissector }),
      localShare(options({ nDissections: 20, statisticalAnalysis: true }), { nMeters: 2, plugins: [], dissector }),
      localShare(options({ nDissections: 20, statisticalAnalysis: true, spltAnalysis: 10 }), { nMeters: 2, plugins: [], dissector }),
      localShare(options({ nDissections: 20, statisticalAnalysis: true, spltAnalysis: 10 }), { nMeters: 2, plugins: [1, 2, 3], dissector }),
    ];
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1]!);
    const heavy = (n: number) => localShare(options({ nDissections: 20, statisticalAnalysis: true, spltAnalysis: 10 }), { nMeters: n, plugins: [1, 2, 3, 4, 5, 6], dissector });
    expect(heavy(2)).toBeGreaterThan(0.45);
    expect(heavy(2)).toBeLessThanOrEqual(0.5);
    expect(heavy(3)).toBeGreaterThan(0);
    expect(heavy(3)).toBeLessThanOrEqual(1 / 3);
    // many workers: each meters so little that the main thread only reads and routes
    expect(heavy(16)).toBe(0);
  });

  it('is 0 where the workers read no bytes: the main thread already decodes every packet for them', () => {
    for (const o of [{ nDissections: 0, statisticalAnalysis: true }, { nDissections: 0, statisticalAnalysis: true, spltAnalysis: 10 }, { nDissections: 20, statisticalAnalysis: true }]) {
      const inputs = { nMeters: 2, plugins: [], dissector: o.nDissections > 0 ? null : dissector };
      expect(workersReadBytes(options(o), inputs)).toBe(false);
      expect(localShare(options(o), inputs)).toBe(0);
    }
    // a plugin sees the frames: the workers get raw records, and the main thread meters a share
    const plugin = { nMeters: 2, plugins: [1], dissector: null };
    expect(workersReadBytes(options({ nDissections: 0, statisticalAnalysis: true }), plugin)).toBe(true);
    expect(localShare(options({ nDissections: 0, statisticalAnalysis: true }), plugin)).toBeGreaterThan(0);
  });

  it('depends on the options alone, not on how the input is read (the split decides what each nDPI learns)', () => {
    const ndpi = options({ nDissections: 20, statisticalAnalysis: true });
    const share = localShare(ndpi, { nMeters: 2, plugins: [], dissector });
    // a mapped file (its mapping decided by timing page faults) used to move the share (0.43 against 0.39)
    expect(localShare(ndpi, { nMeters: 2, plugins: [], dissector, mapped: true } as never)).toBe(share);
  });
});

// Every packet of a flow must reach one meter, whatever the table: on every corpus frame the
// router's owner is a function of the flow (both directions), and the shares show in the flows.
describe('RecordRouter with a bucket table, on the corpus', () => {
  for (const [meters, share] of [[2, 0.39], [3, 0.1]] as const) {
    it(`${meters} meters, meter 0 on ${share} of the buckets: one meter per flow`, () => {
      const table = meterBuckets(meters, share);
      const router = new RecordRouter(table, true);
      const decoder = new PacketDecoder({ decodeTunnels: true });
      const packet = new DecodedPacket();
      const owners = new Map<string, number>();
      let packets = 0;
      forEachCorpusRecord((rec, file, index) => {
        const owner = router.route(rec);
        if (decoder.decode(rec, packet) !== IgnoreReason.None) return;
        packets++;
        const flow = flowOf(packet);
        const seen = owners.get(flow);
        if (seen === undefined) owners.set(flow, owner);
        else if (seen !== owner) expect(owner, `${file} record ${index}: ${flow}`).toBe(seen);
      });
      expect(packets).toBeGreaterThan(50_000);
      const perMeter = new Array<number>(meters).fill(0);
      for (const m of owners.values()) perMeter[m]!++;
      expect(perMeter.every((n) => n > 0)).toBe(true);
      // the corpus has thousands of flows: meter 0's part is near its share of the buckets
      expect(perMeter[0]! / owners.size).toBeGreaterThan(share - 0.08);
      expect(perMeter[0]! / owners.size).toBeLessThan(share + 0.08);
    });
  }
});
