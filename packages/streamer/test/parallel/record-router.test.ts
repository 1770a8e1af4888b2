import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureRecord, DecodedPacket, IgnoreReason, PacketDecoder, ReadStatus, openCapture } from '@flowstream/core';
import { forEachCorpusRecord } from '../../../core/test/support/corpus-records.js';
import { nfstreamPacketHash } from '../../src/parallel/flow-hash.js';
import { RecordRouter } from '../../src/parallel/record-router.js';
import { PCAPS } from '../support/run-cli.js';

/** A meter count so large that `hash % METERS` keeps 31 bits of the hash: routes are compared almost hash for hash. */
const METERS = 0x7fffffff;

/** Every DecodedPacket field a meter reads (not where the bytes are: `data`, `ipOffset`). */
function fields(p: DecodedPacket): number[] {
  return [
    p.timeMs, p.tsSec, p.tsNsec, p.rawSize, p.ipSize, p.transportSize, p.payloadSize, p.protocol, p.ipVersion,
    p.vlanId, p.tunnelId, p.srcPort, p.dstPort, p.tcpFlags, p.src0, p.src1, p.src2, p.src3, p.dst0, p.dst1,
    p.dst2, p.dst3, p.srcMac, p.dstMac, p.ipLength,
  ];
}

/**
 * The record as a worker gets it: only its first `copied` bytes, in a buffer whose other bytes are
 * garbage (a ring holds older records there), at another offset.
 */
function asWorkerSees(rec: CaptureRecord, copied: number, into: CaptureRecord): void {
  const shift = 3;
  const data = new Uint8Array(shift + rec.caplen + 64).fill(0xa5);
  data.set(rec.data.subarray(rec.offset, rec.offset + copied), shift);
  Object.assign(into, rec);
  into.data = data;
  into.offset = shift;
}

// The main thread accounts and routes every record from the router's answer alone, and a worker
// decodes only the bytes it was given: on every corpus frame the router must agree with the full
// decoder (ignore reason, or NFStream's hash of the decoded packet), and a header prefix must
// decode exactly as the whole frame.
describe('RecordRouter agrees with the decoder (spec §7)', () => {
  for (const decodeTunnels of [true, false]) {
    it(`on every corpus frame (decodeTunnels ${decodeTunnels})`, () => {
      const router = new RecordRouter(METERS, decodeTunnels, false);
      const decoder = new PacketDecoder({ decodeTunnels });
      const seen = new CaptureRecord();
      const whole = new DecodedPacket();
      const prefix = new DecodedPacket();
      const kinds = { prefix: 0, fragment: 0, nonIp: 0, decodedVlan: 0, decodedTunnel: 0, decodedIpv6: 0, ignoredOther: 0 };
      const total = forEachCorpusRecord((rec, file, index) => {
        const where = `${file} record ${index}`;
        const reason = decoder.decode(rec, whole);
        const route = router.route(rec);
        if (reason !== IgnoreReason.None) {
          if (route !== -reason) expect(route, where).toBe(-reason);
          if (reason === IgnoreReason.Ipv4Fragment) kinds.fragment++;
          else if (reason === IgnoreReason.NonIp) kinds.nonIp++;
          else kinds.ignoredOther++;
          return;
        }
        const owner = nfstreamPacketHash(whole) % METERS;
        if (route !== owner) expect(route, where).toBe(owner);
        const copied = router.copyLength;
        if (copied === rec.caplen) {
          if (whole.vlanId !== 0) kinds.decodedVlan++;
          if (whole.tunnelId !== 0) kinds.decodedTunnel++;
          if (whole.ipVersion === 6) kinds.decodedIpv6++;
          return;
        }
        kinds.prefix++;
        expect(copied, where).toBeLessThan(rec.caplen);
        asWorkerSees(rec, copied, seen);
        const again = decoder.decode(seen, prefix);
        const a = fields(whole);
        const b = fields(prefix);
        if (again !== 0 || a.some((v, i) => v !== b[i])) {
          expect(again, where).toBe(0);
          expect(b, where).toEqual(a);
        }
      });
      // the corpus exercises every way a record goes: header walk, cheap ignores, and the full decoder
      expect(kinds.prefix).toBeGreaterThan(total / 2);
      expect(kinds.fragment).toBeGreaterThan(0);
      expect(kinds.nonIp).toBeGreaterThan(0);
      expect(kinds.decodedVlan).toBeGreaterThan(0);
      expect(kinds.decodedIpv6).toBeGreaterThan(0);
      expect(kinds.ignoredOther).toBeGreaterThan(0);
      if (decodeTunnels) expect(kinds.decodedTunnel).toBeGreaterThan(0);
    });
  }

  it('gives whole frames when plugins or nDPI read payloads', () => {
    const router = new RecordRouter(2, true, true);
    const rec = new CaptureRecord();
    const reader = openCapture(join(PCAPS, 'google_ssl.pcap'));
    let packets = 0;
    try {
      while (reader.next(rec) === ReadStatus.Record) {
        if (router.route(rec) < 0) continue;
        packets++;
        expect(router.copyLength).toBe(rec.caplen);
      }
    } finally {
      reader.close();
    }
    expect(packets).toBeGreaterThan(0);
  });
});
