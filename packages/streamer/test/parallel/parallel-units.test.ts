import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureRecord, DecodedPacket, FlowMeter, openCapture, PacketDecoder, ReadStatus } from '@flowstream/core';
import { BatchReceiver, batchMessage, FileCaptureReader, mappedAddress } from '@flowstream/core/internal';
import { PCAPS } from '../support/run-cli.js';
import { ipv4Udp, pcap } from '../../../core/test/support/capture-builder.js';
import { nfstreamPacketHash } from '../../src/parallel/flow-hash.js';
import { MappedSegments } from '../../src/parallel/mapped-segments.js';
import { allocateRing, Ctl, PacketRingReader, PacketRingWriter, RecordKind } from '../../src/parallel/packet-ring.js';

/**
 * The segments a mapped reader lends of a capture of odd length (small segments: many of them),
 * each its own mapping; null where files cannot be mapped (no koffi).
 */
function mappedSegments(): Uint8Array[] | null {
  const records = Array.from({ length: 400 }, (_, i) => ({ tsSec: 1_700_000_000 + i, tsFrac: 0, data: ipv4Udp(0x0a000001 + i, 0xc0a80001, 1024 + i, 53).subarray(0, 43 + (i % 50)) }));
  const file = join(mkdtempSync(join(tmpdir(), 'fs-ring-map-')), 'odd.pcap');
  const bytes = pcap({ linkType: 1 }, records);
  writeFileSync(file, bytes.length % 4 === 0 ? bytes.subarray(0, bytes.length - 1) : bytes);
  const reader = new FileCaptureReader(file, { map: true, mapping: { segmentBytes: 8192, lendBytes: 3000 } });
  if (!reader.mapped) return null;
  const views: Uint8Array[] = [];
  const rec = new CaptureRecord();
  while (reader.next(rec) !== ReadStatus.End) if (views.at(-1) !== rec.data) views.push(rec.data);
  reader.close();
  return views;
}

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
  for (const copyFrames of [false, true]) {
    it(`round-trips records (bytes copied or in a shared chunk), decoded packets, ticks, a dissection thread's packets and flow ends, and frame bytes across many wraps of a small ring (copyFrames ${copyFrames})`, () => {
      const ring = allocateRing(0); // 1 MiB
      // a shared chunk holding the same bytes as the reader-like buffer below
      const shared = new SharedArrayBuffer(8192);
      const chunk = new Uint8Array(shared);
      for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7) & 0xff;
      const reader = new PacketRingReader(ring, [new SharedArrayBuffer(64), shared], copyFrames);
      // mapped file segments (kept reachable by this test, as the run keeps them), the last one ending with the file's odd length
      const segments = mappedSegments() ?? [];
      expect(segments.length > 1 || mappedSegments() === null).toBe(true);
      for (const view of segments) expect(mappedAddress(view)).toBeGreaterThan(0);
      expect((segments.at(-1)?.length ?? 1) % 4).not.toBe(0);
      const out = new CaptureRecord();
      const outPacket = new DecodedPacket();
      const seen: string[] = [];
      const text = (r: CaptureRecord): string => {
        const bytes = Array.from(r.data.subarray(r.offset, r.offset + r.caplen)).join(',');
        return `${r.timeMs}|${r.tsSec}|${r.tsNsec}|${r.caplen}|${r.wireLength}|${r.linkType}|${bytes}`;
      };
      // every field a meter reads from a decoded packet (a Packet record carries no bytes)
      const packetText = (p: DecodedPacket): string =>
        [p.timeMs, p.tsSec, p.tsNsec, p.rawSize, p.ipSize, p.transportSize, p.payloadSize, p.protocol, p.ipVersion, p.vlanId, p.tunnelId, p.srcPort, p.dstPort, p.tcpFlags]
          .concat([p.src0, p.src1, p.src2, p.src3, p.dst0, p.dst1, p.dst2, p.dst3, p.srcMac, p.dstMac])
          .join('|');
      const drain = (): void => {
        const published = Atomics.load(reader.control, Ctl.Write);
        while (reader.available(published)) {
          const kind = reader.next(out, outPacket);
          if (kind === RecordKind.Packet) seen.push(packetText(outPacket));
          else if (kind === RecordKind.Frame) {
            // in place: the ring's or a chunk's shared memory, or a mapped segment's pages
            if (copyFrames) expect(out.data.buffer instanceof SharedArrayBuffer).toBe(false);
            seen.push(text(out));
          } else if (kind === RecordKind.Tick) seen.push(`tick ${reader.tickTime}`);
          else if (kind === RecordKind.Dissect) {
            const bytes = Array.from(outPacket.data.subarray(outPacket.ipOffset, outPacket.ipOffset + outPacket.ipLength)).join(',');
            seen.push(`dissect ${reader.slot}|${reader.flowPackets}|${reader.ticket}|${outPacket.timeMs}|${bytes}`);
          } else if (kind === RecordKind.Expire) seen.push(`expire ${reader.slot}`);
          else seen.push('end');
        }
        reader.release();
      };
      const writer = new PacketRingWriter(ring, () => {
        drain();
        return true;
      });
      const mapped = new MappedSegments([writer]);
      const expected: string[] = [];
      // a source buffer like a reader's: frames at every alignment, one ending at the buffer's odd-sized end
      const source = new Uint8Array(5003).map((_, i) => (i * 7) & 0xff);
      const rec = new CaptureRecord();
      rec.data = source;
      const packet = new DecodedPacket();
      for (let i = 0; i < 60000; i++) {
        if (i % 4 === 3) {
          // a decoded packet between the frames: extreme values of every field
          packet.timeMs = i % 8 === 7 ? -1000 - i : 1.7e12 + i * 0.25;
          packet.tsSec = 1.7e9 + i;
          packet.tsNsec = (i * 999_983) % 1e9;
          packet.rawSize = i % 65536;
          packet.ipSize = (i * 3) % 65536;
          packet.transportSize = (i * 5) % 65536;
          packet.payloadSize = (i * 7) % 65536;
          packet.protocol = i % 256;
          packet.ipVersion = i % 8 === 3 ? 6 : 4;
          packet.vlanId = i % 4096;
          packet.tunnelId = i % 16 === 3 ? 0xffffffff : i * 65537;
          packet.srcPort = 65535 - (i % 65536);
          packet.dstPort = i % 65536;
          packet.tcpFlags = i % 256;
          packet.src0 = 0xffffffff - i;
          packet.dst0 = i * 977;
          // IPv4 packets as the decoder makes them (address words 1–3 zero) go in the compact record,
          // which leaves out the capture timestamp (only plugins read it); the others in full
          const compact = packet.ipVersion === 4 && i % 12 !== 7;
          packet.src1 = compact ? 0 : i * 31;
          packet.src2 = compact ? 0 : 0x80000000 + i;
          packet.src3 = compact ? 0 : i;
          packet.dst1 = compact ? 0 : 0xfffffffe;
          packet.dst2 = 0;
          packet.dst3 = compact ? 0 : 0x7fffffff;
          // a VLAN id or size past 16 bits (none the decoder makes) takes the full record too
          if (i % 24 === 15) packet.ipSize = 65536 + i;
          packet.srcMac = 0xffffffffffff - i;
          packet.dstMac = i % 5 === 0 ? 0 : 0x0000ffff00000000 + i;
          writer.packet(packet);
          const full = !compact || i % 24 === 15;
          expected.push(full ? packetText(packet) : packetText(Object.assign(new DecodedPacket(), packet, { tsSec: NaN, tsNsec: NaN })));
        }
        rec.caplen = i % 5 === 0 ? 1 + (i % 1500) : 60 + (i % 40);
        rec.offset = i % 997 === 0 ? source.length - rec.caplen : i % 3000;
        rec.timeMs = i % 11 === 0 ? -1000 - i : 1.7e12 + i * 0.5;
        rec.tsSec = 1.7e9 + i;
        rec.tsNsec = (i * 999_983) % 1e9;
        rec.wireLength = i % 13 === 0 ? 0xffffffff : rec.caplen + i;
        rec.linkType = i % 17 === 0 ? -1 : 1;
        if (i % 3 === 1) {
          rec.data = chunk;
          writer.sharedFrame(rec, 1);
          rec.data = source;
        } else if (i % 3 === 2 && segments.length > 0) {
          // segments in turn, a few records each; now and then a frame ending at a segment's end
          const view = segments[Math.floor(i / 30) % segments.length]!;
          rec.caplen = Math.min(rec.caplen, view.length);
          rec.offset = i % 7 === 0 ? view.length - rec.caplen : (i * 13) % (view.length - rec.caplen + 1);
          rec.data = view;
          if (view !== mapped.view) expect(mapped.enter(view)).toBe(true);
          writer.mappedFrame(rec, mapped.view!, mapped.address);
        } else writer.frame(rec);
        expected.push(text(rec));
        rec.data = source;
        if (i % 1000 === 0) {
          writer.tick(i);
          expected.push(`tick ${i}`);
        }
        if (i % 5 === 2) {
          // a dissection thread's records: the IP bytes of a packet at any alignment and length, up to a buffer's odd end
          packet.data = source;
          packet.ipLength = i % 35 === 2 ? 0 : 1 + ((i * 37) % 1600);
          packet.ipOffset = i % 7 === 2 ? source.length - packet.ipLength : (i * 11) % (source.length - packet.ipLength);
          packet.timeMs = 1.7e12 + i * 0.125;
          writer.dissect(i % 70000, 1 + (i % 255), i * 3, packet);
          const bytes = Array.from(source.subarray(packet.ipOffset, packet.ipOffset + packet.ipLength)).join(',');
          expected.push(`dissect ${i % 70000}|${1 + (i % 255)}|${i * 3}|${packet.timeMs}|${bytes}`);
          if (i % 10 === 7) {
            writer.expire(i);
            expected.push(`expire ${i}`);
          }
        }
      }
      writer.end();
      expected.push('end');
      drain();
      expect(seen.length).toBe(expected.length);
      expect(seen).toEqual(expected);
    });
  }
});

describe('MappedSegments', () => {
  it.runIf(mappedSegments() !== null)('keeps a segment left until every ring is past its records, then gives its pages back (still readable)', () => {
    const segments = mappedSegments()!;
    const copies = segments.map((v) => v.slice());
    const ring = allocateRing(0);
    const writer = new PacketRingWriter(ring, () => true);
    const reader = new PacketRingReader(ring, [], false);
    const mapped = new MappedSegments([writer]);
    const state = mapped as unknown as { left: unknown[]; released: number };
    const held = (): number => state.left.length;
    const rec = new CaptureRecord();
    rec.caplen = 20;
    const send = (view: Uint8Array): void => {
      rec.data = view;
      if (view !== mapped.view) expect(mapped.enter(view)).toBe(true);
      writer.mappedFrame(rec, mapped.view!, mapped.address);
      writer.publish();
    };
    send(segments[0]!);
    send(segments[1]!);
    // the first segment's record is not consumed yet: it stays
    mapped.prune();
    expect(held()).toBe(1);
    const out = new CaptureRecord();
    expect(reader.next(out, new DecodedPacket())).toBe(RecordKind.Frame);
    expect(out.data.subarray(0, 20)).toEqual(copies[0]!.subarray(0, 20));
    reader.release();
    mapped.prune();
    expect(held()).toBe(0);
    // pages given back come again from the page cache: the bytes are the file's
    expect(segments[0]).toEqual(copies[0]);
    // in the current segment, the pages before a mark go back once the ring is past the mark
    const current = segments[1]!;
    expect(current.length).toBeGreaterThanOrEqual(8192);
    expect(state.released).toBe(0);
    mapped.mark(5000);
    send(current);
    mapped.mark(8192);
    send(current);
    mapped.prune();
    expect(state.released).toBe(0);
    // the record sent before the first mark read: past that mark only, the page wholly before it
    expect(reader.next(out, new DecodedPacket())).toBe(RecordKind.Frame);
    reader.release();
    mapped.prune();
    expect(state.released).toBe(4096);
    expect(reader.next(out, new DecodedPacket())).toBe(RecordKind.Frame);
    reader.release();
    mapped.prune();
    expect(state.released).toBe(8192);
    expect(reader.next(out, new DecodedPacket())).toBe(RecordKind.Frame);
    expect(current).toEqual(copies[1]);
    expect(mapped.enter(new Uint8Array(8))).toBe(false);
    mapped.clear();
    expect(mapped.view).toBeNull();
    for (let i = 0; i < segments.length; i++) expect(segments[i]).toEqual(copies[i]);
  });
});

describe('batchMessage / BatchReceiver', () => {
  it('rebuilds the meter’s batches from the columns sent: same rows, same JSON', () => {
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
      const got = receiver.receive(structuredClone(batchMessage(b)));
      expect(got.length).toBe(expected.length);
      expect(got.rows().map((f) => f.toJSON())).toEqual(expected);
      expect((got.column('src_ip')!.values as string[])[0]).toBe(expected[0]!.src_ip);
    }
  });
});
