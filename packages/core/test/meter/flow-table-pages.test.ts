import { describe, expect, it } from 'vitest';
import { DEFAULT_METERING_OPTIONS, DecodedPacket, FlowMeter } from '../../src/index.js';
import { FlowTable, NO_SLOT, meterConfig } from '../../src/internal.js';
import { PAGE_SLOTS } from '../../src/meter/slot-pages.js';

/** A TCP packet 10.<i>:<port> → 192.168.0.1:443 (or back) at `timeMs`, `size` bytes. */
function tcp(i: number, timeMs: number, size: number, reverse = false): DecodedPacket {
  const p = new DecodedPacket();
  const a = (0x0a000000 | i) >>> 0;
  const b = 0xc0a80001;
  p.timeMs = timeMs;
  p.protocol = 6;
  p.ipVersion = 4;
  p.src0 = reverse ? b : a;
  p.dst0 = reverse ? a : b;
  p.srcPort = reverse ? 443 : 1024 + (i & 0x7fff);
  p.dstPort = reverse ? 1024 + (i & 0x7fff) : 443;
  p.tcpFlags = reverse ? 0x12 : 0x10;
  p.rawSize = p.ipSize = size;
  p.transportSize = size - 20;
  p.payloadSize = size - 40;
  return p;
}

function walk(t: FlowTable): number[] {
  const out: number[] = [];
  for (let s = t.head; s !== NO_SLOT; s = t.next(s)) out.push(s);
  return out;
}

describe('flow table pages', () => {
  for (const recency of [false, true]) {
    it(`grows page by page; slots stay put while their flow is live${recency ? ' (recency list)' : ''}`, () => {
      const t = new FlowTable(undefined, recency, 7);
      const grown: number[] = [];
      t.onGrow = (c) => grown.push(c);
      const n = 3 * PAGE_SLOTS + 5;
      const slots: number[] = [];
      for (let i = 0; i < n; i++) {
        const p = tcp(i, 0, 60);
        slots.push(t.insert(p, t.hash(p)));
      }
      expect(t.size).toBe(n);
      expect(t.capacity).toBe(4 * PAGE_SLOTS);
      expect(grown).toEqual([2 * PAGE_SLOTS, 3 * PAGE_SLOTS, 4 * PAGE_SLOTS]);
      expect(new Set(slots).size).toBe(n);
      // after every page was added, each flow is found at the slot it got, in both directions
      for (let i = 0; i < n; i++) {
        const back = tcp(i, 0, 60, true);
        expect(t.find(back, t.hash(back))).toBe(slots[i]);
        expect(t.lastDirection).toBe(1);
        expect(t.srcWord(slots[i]!, 0)).toBe((0x0a000000 | i) >>> 0);
        expect(t.srcPort(slots[i]!)).toBe(1024 + (i & 0x7fff));
      }
      expect(walk(t)).toEqual(slots);
      // removed slots are taken again before any new page
      for (let i = 0; i < n; i += 2) t.remove(slots[i]!);
      expect(walk(t)).toEqual(slots.filter((_, i) => i % 2 === 1));
      const reused = new Set<number>();
      for (let i = n; i < n + Math.ceil(n / 2); i++) {
        const p = tcp(i, 0, 60);
        reused.add(t.insert(p, t.hash(p)));
      }
      expect(t.capacity).toBe(4 * PAGE_SLOTS);
      expect(reused).toEqual(new Set(slots.filter((_, i) => i % 2 === 0)));
      if (recency) {
        t.touch(slots[1]!);
        expect(t.lruHead).toBe(slots[3]);
        expect(t.lruTail).toBe(slots[1]);
      }
    });
  }

  it('removals keep every other flow findable: random churn in a small index, probe chains wrapping past its end', () => {
    for (const seed of [1, 7, 99]) {
      const t = new FlowTable(undefined, false, seed);
      const live = new Map<number, number>();
      const wrong: string[] = [];
      let x = seed;
      const rand = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % n;
      // at most 7 live flows: the index keeps its 16 pairs, so chains collide and wrap often
      for (let step = 0; step < 4000; step++) {
        const i = rand(40);
        const p = tcp(i, 0, 60);
        const h = t.hash(p);
        if (live.has(i)) {
          t.remove(live.get(i)!);
          live.delete(i);
        } else if (live.size < 7) live.set(i, t.insert(p, h));
        for (let k = 0; k < 40; k++) {
          const q = tcp(k, 0, 60, (k + step) % 2 === 1);
          const found = t.find(q, t.hash(q));
          if (found !== (live.get(k) ?? NO_SLOT)) wrong.push(`seed ${seed} step ${step} flow ${k}: ${found}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(t.size).toBe(live.size);
    }
  });

  it('the meter keeps every flow’s counters, statistics and SPLT across pages', () => {
    const m = new FlowMeter(meterConfig({ ...DEFAULT_METERING_OPTIONS, statisticalAnalysis: true, spltAnalysis: 3, nDissections: 0 }, null, false));
    const n = 2 * PAGE_SLOTS + 100;
    // flow i: 1 + i % 4 packets, alternating directions, sizes 60 + i % 50 + k; interleaved across flows
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < n; i++) if (k <= i % 4) m.process(tcp(i, 1000 + k * 10, 60 + (i % 50) + k, k % 2 === 1));
    }
    m.flush();
    const flows = m.drain();
    expect(flows).toHaveLength(n);
    flows.forEach((f, i) => {
      const packets = 1 + (i % 4);
      const sizes = Array.from({ length: packets }, (_, k) => 60 + (i % 50) + k);
      expect(f.src_ip).toBe(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      expect(f.bidirectional_packets).toBe(packets);
      expect(f.src2dst_packets).toBe(Math.ceil(packets / 2));
      expect(f.dst2src_packets).toBe(Math.floor(packets / 2));
      expect(f.bidirectional_bytes).toBe(sizes.reduce((a, b) => a + b, 0));
      expect(f.bidirectional_max_ps).toBe(sizes.at(-1));
      expect(f.bidirectional_min_ps).toBe(sizes[0]);
      expect(f.bidirectional_duration_ms).toBe((packets - 1) * 10);
      expect(f.dst2src_syn_packets).toBe(Math.floor(packets / 2));
      expect(f.bidirectional_ack_packets).toBe(packets);
      expect(f.splt_ps).toEqual([...sizes, -1, -1, -1].slice(0, 3));
      expect(f.splt_direction).toEqual([0, 1, 0, 1, -1, -1].slice(0, packets).concat([-1, -1, -1]).slice(0, 3));
    });
  });

  it('a partial flush drops the index; packets after it still find their flows', () => {
    const m = new FlowMeter(meterConfig({ ...DEFAULT_METERING_OPTIONS, nDissections: 0 }, null, false));
    const n = PAGE_SLOTS + 10;
    for (let i = 0; i < n; i++) m.process(tcp(i, 1000, 60));
    expect(m.flush(100)).toBe(false);
    expect(m.drain().map((f) => f.id)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // flows 100… are live: their second packet is counted, not a new flow
    for (let i = 100; i < n; i++) m.process(tcp(i, 1001, 70, true));
    expect(m.liveFlowCount).toBe(n - 100);
    m.flush();
    const rest = m.drain();
    expect(rest).toHaveLength(n - 100);
    expect(rest.every((f) => f.bidirectional_packets === 2 && f.dst2src_bytes === 70)).toBe(true);
  });
});
