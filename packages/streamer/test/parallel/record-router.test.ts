import { describe, expect, it } from 'vitest';
import { DecodedPacket, IgnoreReason, PacketDecoder } from '@flowstream/core';
import { FastPathDecoder } from '../../../core/src/decode/fast-path.js';
import { forEachCorpusRecord } from '../../../core/test/support/corpus-records.js';
import { nfstreamPacketHash } from '../../src/parallel/flow-hash.js';
import { meterBuckets } from '../../src/parallel/meter-buckets.js';
import { RecordRouter } from '../../src/parallel/record-router.js';

// The main thread accounts and routes every record from the router's answer alone: on every
// corpus frame the router must agree with the full decoder (ignore reason, or NFStream's hash of
// the decoded packet and that hash's meter), whether its header walk or the decoder itself settled the frame.
describe('RecordRouter agrees with the decoder (spec §7)', () => {
  for (const decodeTunnels of [true, false]) {
    it(`on every corpus frame (decodeTunnels ${decodeTunnels})`, () => {
      const buckets = meterBuckets(3, 0.2);
      const router = new RecordRouter(buckets, decodeTunnels);
      const decoder = new PacketDecoder({ decodeTunnels });
      const fast = new FastPathDecoder(decodeTunnels);
      const packet = new DecodedPacket();
      const kinds = { fastPath: 0, fragment: 0, nonIp: 0, decodedVlan: 0, decodedTunnel: 0, decodedIpv6: 0, ignoredOther: 0 };
      const total = forEachCorpusRecord((rec, file, index) => {
        const route = router.route(rec);
        const reason = decoder.decode(rec, packet);
        if (reason !== IgnoreReason.None) {
          if (route !== -reason) expect(route, `${file} record ${index}`).toBe(-reason);
          if (reason === IgnoreReason.Ipv4Fragment) kinds.fragment++;
          else if (reason === IgnoreReason.NonIp) kinds.nonIp++;
          else kinds.ignoredOther++;
          return;
        }
        // the hash itself is compared, not just its bucket's meter
        const hash = nfstreamPacketHash(packet);
        if (router.hash !== hash) expect(router.hash, `${file} record ${index}`).toBe(hash);
        if (route !== buckets[hash & (buckets.length - 1)]) expect(route, `${file} record ${index}`).toBe(buckets[hash & (buckets.length - 1)]);
        if (fast.parse(rec, packet)) kinds.fastPath++;
        if (packet.vlanId !== 0) kinds.decodedVlan++;
        if (packet.tunnelId !== 0) kinds.decodedTunnel++;
        if (packet.ipVersion === 6) kinds.decodedIpv6++;
      });
      // the corpus exercises every way a record goes: header walk, cheap ignores, and the full decoder
      expect(kinds.fastPath).toBeGreaterThan(total / 2);
      expect(kinds.fragment).toBeGreaterThan(0);
      expect(kinds.nonIp).toBeGreaterThan(0);
      expect(kinds.decodedVlan).toBeGreaterThan(0);
      expect(kinds.decodedIpv6).toBeGreaterThan(0);
      expect(kinds.ignoredOther).toBeGreaterThan(0);
      if (decodeTunnels) expect(kinds.decodedTunnel).toBeGreaterThan(0);
    });
  }
});

/** Every field of a decoded packet but its bytes (the record's buffer). */
function fields(p: DecodedPacket): string {
  const { data: _data, ...rest } = p;
  return JSON.stringify(rest);
}

// With decodeEvery the router decodes each record into the pump's packet (the workers then take
// its fields): the same verdict and owner as its header walk, and the decoder's packet.
describe('RecordRouter with decodeEvery', () => {
  it('gives the header walk’s verdicts and owners, and leaves the decoded packet in the pump’s', () => {
    const buckets = meterBuckets(3, 0.2);
    const walk = new RecordRouter(buckets, true);
    const decoding = new RecordRouter(buckets, true, true);
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const expected = new DecodedPacket();
    const out = new DecodedPacket();
    let packets = 0;
    forEachCorpusRecord((rec, file, index) => {
      const route = walk.route(rec);
      const reason = decoding.decode(rec, out);
      if (route < 0) {
        if (reason !== -route) expect(reason, `${file} record ${index}`).toBe(-route);
        return;
      }
      packets++;
      if (reason !== IgnoreReason.None || decoding.owner !== route || decoding.hash !== walk.hash) {
        expect([reason, decoding.owner, decoding.hash], `${file} record ${index}`).toEqual([IgnoreReason.None, route, walk.hash]);
      }
      decoder.decode(rec, expected);
      if (fields(out) !== fields(expected) || out.data !== expected.data) expect(fields(out), `${file} record ${index}`).toBe(fields(expected));
    });
    expect(packets).toBeGreaterThan(1000);
  });
});
