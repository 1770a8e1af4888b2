import { describe, expect, it } from 'vitest';
import { SnapshotTracker } from '../../src/meter/snapshot-tracker.js';
import type { SnapshotValues } from '../../src/flow/snapshot-batch-writer.js';
import { PAGE_SLOTS } from '../../src/meter/slot-pages.js';

const values = (): SnapshotValues => ({ time: 0, index: 0, s2dPackets: 0, s2dBytes: 0, d2sPackets: 0, d2sBytes: 0 });

function marked(t: SnapshotTracker): number[] {
  const out: number[] = [];
  t.takeMarked((s) => out.push(s));
  return out;
}

describe('SnapshotTracker', () => {
  it('gives each flow deltas since its previous snapshot and counts its snapshots', () => {
    const t = new SnapshotTracker(PAGE_SLOTS);
    const v = values();
    t.init(3);
    t.advance(3, 2, 100, 1, 60, v);
    expect(v).toMatchObject({ index: 1, s2dPackets: 2, s2dBytes: 100, d2sPackets: 1, d2sBytes: 60 });
    t.advance(3, 5, 400, 1, 60, v);
    expect(v).toMatchObject({ index: 2, s2dPackets: 3, s2dBytes: 300, d2sPackets: 0, d2sBytes: 0 });
  });

  it('a flow in a reused slot, or taking a given-back state entry, starts from nothing', () => {
    const t = new SnapshotTracker(PAGE_SLOTS);
    const v = values();
    for (let s = 0; s < 3000; s++) {
      t.init(s);
      t.advance(s, s + 1, 10 * s, 1, 1, v);
    }
    // every flow ends; new flows take the same slots (and the entries given back) in another order
    for (let s = 0; s < 3000; s++) t.release(s);
    for (let s = 2999; s >= 0; s--) {
      t.init(s);
      t.advance(s, 7, 70, 0, 0, v);
      expect(v).toMatchObject({ index: 1, s2dPackets: 7, s2dBytes: 70, d2sPackets: 0, d2sBytes: 0 });
      t.advance(s, 9, 90, 2, 20, v);
      expect(v).toMatchObject({ index: 2, s2dPackets: 2, s2dBytes: 20, d2sPackets: 2, d2sBytes: 20 });
    }
  });

  it('lists marked flows once, in marking order, and skips flows that left', () => {
    const t = new SnapshotTracker(2 * PAGE_SLOTS);
    for (const s of [5, PAGE_SLOTS + 1, 9]) t.init(s);
    t.touch(9);
    t.touch(5);
    t.touch(9);
    t.touch(PAGE_SLOTS + 1);
    t.release(5);
    expect(marked(t)).toEqual([9, PAGE_SLOTS + 1]);
    expect(marked(t)).toEqual([]);
  });

  it('reports the bytes it holds, growing with the flows that had a snapshot', () => {
    const t = new SnapshotTracker(PAGE_SLOTS);
    const before = t.byteLength;
    const v = values();
    for (let s = 0; s < 5000; s++) {
      if (s >= PAGE_SLOTS) t.grow(s + 1);
      t.init(s);
      t.advance(s, 1, 1, 0, 0, v);
    }
    expect(t.byteLength).toBeGreaterThanOrEqual(before + 5000 * SnapshotTracker.BYTES_PER_SNAPSHOTTED_FLOW);
  });
});
