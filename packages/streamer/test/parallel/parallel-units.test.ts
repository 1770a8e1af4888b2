import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CaptureRecord, DecodedPacket, FlowMeter, openCapture, PacketDecoder, ReadStatus } from '@flowstream/core';
import { BatchReceiver, batchForTransfer } from '@flowstream/core/internal';
import { PCAPS } from '../support/run-cli.js';
import { nfstreamPacketHash } from '../../src/parallel/flow-hash.js';
import { allocateRing, Ctl, PacketRingReader, PacketRingWriter, RecordKind } from '../../src/parallel/packet-ring.js';

function packet(fill: Partial<DecodedPacket>): DecodedPacket {
  return Object.assign(new DecodedPacket(), fill);
}

describe('nfstreamPacketHash (spec §7)', () => {
  it('sums protocol, vlan, LE32 addresses, ports and tunnel id in 32 bits', () => {
    // 10.0.0.1 → bytes 0a 00 00 01 → LE32 0x0100000a; 192.168.1.2 → LE32 0x0201a8c0
    const p = packet({ ipVersion: 4, protocol: 6, vlanId: 5, tunnelId: 1, src0: 0x0a000001, dst0: 0xc0a80102, srcPort: 1234, dstPort: 443 });
    expect(nfstreamPacketHash(p)).toBe((6 + 5 + 0x0100000a + 0x0201a8c0 + 1234 + 443 + 1) >>> 0);
  });

  it('is symmetric and wraps modulo 2^32 (IPv6 uses bytes 8–15)', () => {
    const a = packet({ ipVersion: 6, protocol: 17, src0: 0x20010db8, src2: 0xffffffff, src3: 0xfffffffe, dst2: 0x80000000, dst3: 0x12345678, srcPort: 53, dstPort: 40000 });
    const b = packet({ ipVersion: 6, protocol: 17, src2: 0x80000000, src3: 0x12345678, dst0: 1, dst2: 0xffffffff, dst3: 0xfffffffe, srcPort: 40000, dstPort: 53 });
    const h = nfstreamPacketHash(a);
    expect(h).toBe(nfstreamPacketHash(b));
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(2 ** 32);
    const le = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
    expect(h).toBe((17 + 53 + 40000 + le(0xffffffff) + le(0xfffffffe) + le(0x80000000) + le(0x12345678)) % 2 ** 32);
  });
});

describe('PacketRing', () => {
  it('round-trips packets, ticks and frames across many wraps of a small ring', () => {
    const ring = allocateRing(0); // 1 MiB
    const reader = new PacketRingReader(ring);
    const out = new DecodedPacket();
    const seen: string[] = [];
    const drain = (): void => {
      const published = Atomics.load(reader.control, Ctl.Write);
      while (reader.available(published)) {
        const kind = reader.next(out);
        if (kind === RecordKind.Packet) {
          seen.push(`${out.timeMs}|${out.src0}|${out.dst3}|${out.srcPort}|${out.dstPort}|${out.tcpFlags}|${out.tunnelId}|${out.srcMac}|${out.rawSize}|${out.ipLength}|${out.ipLength > 0 ? out.data[out.ipOffset + out.ipLength - 1] : -1}`);
        } else if (kind === RecordKind.Tick) seen.push(`tick ${reader.tickTime}`);
        else seen.push('end');
      }
      reader.release();
    };
    const writer = new PacketRingWriter(ring, () => {
      drain();
      return true;
    });
    const expected: string[] = [];
    const frame = new Uint8Array(2000).map((_, i) => i & 0xff);
    for (let i = 0; i < 60000; i++) {
      const ipLength = i % 3 === 0 ? i % 1500 : 0;
      const p = packet({ timeMs: 1.7e12 + i * 0.5, src0: 0xfffffff0 + (i % 7), dst3: 0x80000000 + i, srcPort: i & 0xffff, dstPort: 65535, tcpFlags: 0xff, tunnelId: i % 3, srcMac: 0xffffffffffff - i, rawSize: i & 0xffff, data: frame, ipOffset: 14, ipLength });
      if (i % 2 === 0) {
        writer.packet(p, p.timeMs, ipLength > 0);
        expected.push(`${p.timeMs}|${p.src0}|${p.dst3}|${p.srcPort}|65535|255|${p.tunnelId}|${p.srcMac}|${p.rawSize}|${ipLength}|${ipLength > 0 ? frame[14 + ipLength - 1] : -1}`);
      } else {
        writer.compactPacket(p, p.timeMs, p.rawSize);
        expected.push(`${p.timeMs}|${p.src0}|${p.dst3}|${p.srcPort}|65535|255|${p.tunnelId}|${p.srcMac}|${p.rawSize}|0|-1`);
      }
      if (i % 1000 === 0) {
        writer.tick(i);
        expected.push(`tick ${i}`);
      }
    }
    writer.end();
    expected.push('end');
    drain();
    expect(seen.length).toBe(expected.length);
    expect(seen).toEqual(expected);
  });
});

describe('batchForTransfer / BatchReceiver', () => {
  it('rebuilds the meter’s batches from transferred columns: same rows, same JSON', () => {
    const file = join(PCAPS, 'google_ssl.pcap');
    const meter = new FlowMeter({
      decodeTunnels: true,
      idleTimeoutMs: 120_000,
      activeTimeoutMs: 1_800_000,
      accountingMode: 0,
      statisticalAnalysis: true,
      spltAnalysis: 5,
      plugins: [],
      dissector: null,
      systemVisibility: false,
    });
    const reader = openCapture(file);
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const record = new CaptureRecord();
    const packet = new DecodedPacket();
    while (reader.next(record) === ReadStatus.Record) if (decoder.decode(record, packet) === 0) meter.process(packet);
    meter.flush();
    const batches = meter.drainBatches();
    expect(batches.length).toBeGreaterThan(0);
    const receiver = new BatchReceiver();
    for (const b of batches) {
      const expected = b.rows().map((f) => f.toJSON());
      const { message, transfer } = batchForTransfer(b);
      const got = receiver.receive(structuredClone(message, { transfer }));
      expect(got.length).toBe(expected.length);
      expect(got.rows().map((f) => f.toJSON())).toEqual(expected);
      expect((got.column('src_ip')!.values as string[])[0]).toBe(expected[0]!.src_ip);
    }
  });
});
