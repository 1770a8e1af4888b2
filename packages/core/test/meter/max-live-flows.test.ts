import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_METERING_OPTIONS,
  DecodedPacket,
  EXPIRED_EVICTED,
  EXPIRED_IDLE,
  FlowMeter,
  PacketDecoder,
  ReadStatus,
  openCapture,
  type NFlow,
} from '../../src/index.js';
import { CapturePump, FlowTable, PacketAccounting, meterConfig, validateMeteringOption } from '../../src/internal.js';
import { writeFloodCapture } from './flood-capture.js';

function meter(maxLiveFlows: number, idleTimeout = 120): FlowMeter {
  return new FlowMeter(meterConfig({ ...DEFAULT_METERING_OPTIONS, idleTimeout, maxLiveFlows, nDissections: 0 }, null, false));
}

/** A UDP packet 10.0.0.<host>:<port> → 10.0.0.254:53 at `timeMs`. */
function udp(host: number, timeMs: number, reverse = false): DecodedPacket {
  const p = new DecodedPacket();
  const a = (0x0a000000 | host) >>> 0;
  const b = 0x0a0000fe;
  p.timeMs = timeMs;
  p.tsSec = Math.floor(timeMs / 1000);
  p.tsNsec = (timeMs % 1000) * 1e6;
  p.protocol = 17;
  p.ipVersion = 4;
  p.src0 = reverse ? b : a;
  p.dst0 = reverse ? a : b;
  p.srcPort = reverse ? 53 : 40000 + host;
  p.dstPort = reverse ? 40000 + host : 53;
  p.rawSize = p.ipSize = 60;
  p.transportSize = 40;
  p.payloadSize = 32;
  return p;
}

describe('maxLiveFlows: bounded flow cache', () => {
  it('evicts the least recently seen flow, not the oldest one, with expiration id 2', () => {
    const m = meter(2);
    m.process(udp(1, 1000)); // A
    m.process(udp(2, 1001)); // B
    m.process(udp(1, 1002, true)); // A again: B is now the least recently seen
    m.process(udp(3, 1003)); // C: evicts B
    const evicted = m.drain();
    expect(evicted.map((f) => [f.src_ip, f.expiration_id, f.bidirectional_packets])).toEqual([['10.0.0.2', EXPIRED_EVICTED, 1]]);
    expect(m.evictions).toBe(1);
    expect(m.liveFlowCount).toBe(2);
    m.process(udp(4, 1004)); // D: evicts A (seen at 1002) before C (1003)
    expect(m.drain().map((f) => f.src_ip)).toEqual(['10.0.0.1']);
    m.flush();
    expect(m.drain().map((f) => [f.src_ip, f.expiration_id])).toEqual([
      ['10.0.0.3', EXPIRED_IDLE],
      ['10.0.0.4', EXPIRED_IDLE],
    ]);
    expect(m.evictions).toBe(2);
  });

  it('leaves NFStream behaviour unchanged when 0 (unlimited) and keeps the idle scan in creation order', () => {
    const m = meter(0, 1);
    for (let i = 0; i < 50; i++) m.process(udp(i, 1000 + i));
    m.process(udp(0, 1060, true)); // the oldest flow stays at the cache head (spec §6.1)
    expect(m.liveFlowCount).toBe(50);
    m.process(udp(99, 2055)); // idle scan from the head: flow 0 is not idle, so the scan stops there (quirk 18)
    expect(m.drain()).toHaveLength(0);
    expect(m.evictions).toBe(0);
  });

  it('is validated like the other options', () => {
    expect(validateMeteringOption('maxLiveFlows', 100000)).toBe(100000);
    expect(() => validateMeteringOption('maxLiveFlows', -1)).toThrowError(/maxLiveFlows.*0 to 2\^31-1/);
    expect(() => validateMeteringOption('maxLiveFlows', 1.5)).toThrowError(TypeError);
    expect(() => validateMeteringOption('maxLiveFlows', '10')).toThrowError(/maxLiveFlows/);
  });

  it('meters a flood of 3 million single-packet flows in bounded memory, emitting every flow', () => {
    const flows = 3_000_000;
    const bound = 100_000;
    const path = join(tmpdir(), `flowstream-flood-${process.pid}.pcap`);
    writeFloodCapture(path, flows);
    try {
      const m = meter(bound);
      const accounting = new PacketAccounting();
      const pump = new CapturePump(new PacketDecoder({ decodeTunnels: true }), m, accounting);
      const reader = openCapture(path);
      let emitted = 0;
      let evicted = 0;
      let maxLive = 0;
      let idGaps = 0;
      const take = (batch: NFlow[]) => {
        // plain counters: an expect() per flow would dominate the run time
        for (let i = 0; i < batch.length; i++) {
          const f = batch[i]!;
          if (f.expiration_id === EXPIRED_EVICTED) evicted++;
          if (f.id !== emitted + i) idGaps++;
        }
        emitted += batch.length;
      };
      for (;;) {
        const status = pump.pump(reader, 65536);
        if (m.liveFlowCount > maxLive) maxLive = m.liveFlowCount;
        take(m.drain());
        if (status !== ReadStatus.Record) break;
      }
      reader.close();
      while (!m.flush(4096)) take(m.drain());
      take(m.drain());
      expect(accounting.read).toBe(flows);
      expect(accounting.processed).toBe(flows);
      expect(maxLive).toBe(bound);
      expect(emitted).toBe(flows);
      expect(idGaps).toBe(0);
      // the capture spans 3 s (< idle timeout): every flow beyond the bound evicts exactly one
      expect(m.evictions).toBe(flows - bound);
      expect(evicted).toBe(flows - bound);
    } finally {
      rmSync(path, { force: true });
    }
  }, 120_000);
});

describe('flow table hash seed', () => {
  it('differs per table, so keys colliding under one seed spread under another', () => {
    const a = new FlowTable(16);
    const b = new FlowTable(16);
    expect(a.seed).not.toBe(b.seed);
    // keys an attacker precomputed to share one bucket of a 256-bucket index under a known seed
    const known = 12345;
    const colliding: DecodedPacket[] = [];
    for (let host = 0; colliding.length < 200 && host < 1 << 20; host++) {
      const p = udp(host & 0xffff, 0);
      p.src0 = (0x0a000000 | host) >>> 0;
      if ((FlowTable.hashPacket(p, known) & 0xff) === 0) colliding.push(p);
    }
    expect(colliding).toHaveLength(200);
    const buckets = new Map<number, number>();
    for (const p of colliding) {
      const bucket = FlowTable.hashPacket(p, a.seed === known ? b.seed : a.seed) & 0xff;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
    expect(Math.max(...buckets.values())).toBeLessThan(12);
    expect(buckets.size).toBeGreaterThan(100);
  });

  it('is symmetric and does not change what the meter emits', () => {
    const t = new FlowTable(16);
    expect(t.hash(udp(7, 0))).toBe(t.hash(udp(7, 0, true)));
    const run = () => {
      const m = meter(0, 1);
      for (let i = 0; i < 3000; i++) m.process(udp(i % 700, 1000 + i * 3, i % 3 === 0));
      m.flush();
      return m.drain().map((f) => `${f.id} ${f.src_ip} ${f.expiration_id} ${f.bidirectional_packets}`);
    };
    expect(run()).toEqual(run());
  });
});
