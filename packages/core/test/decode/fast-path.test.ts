import { describe, expect, it } from 'vitest';
import { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { FastPathDecoder } from '../../src/decode/fast-path.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';
import { forEachCorpusRecord } from '../support/corpus-records.js';

/** Every DecodedPacket field the fast path claims to fill. */
function fields(p: DecodedPacket): unknown[] {
  return [
    p.timeMs, p.tsSec, p.tsNsec, p.rawSize, p.ipSize, p.transportSize, p.payloadSize, p.protocol, p.ipVersion,
    p.vlanId, p.tunnelId, p.srcPort, p.dstPort, p.tcpFlags, p.src0, p.src1, p.src2, p.src3, p.dst0, p.dst1,
    p.dst2, p.dst3, p.srcMac, p.dstMac, p.ipOffset, p.ipLength,
  ];
}

// The decoder trusts the fast path's "parses" and its fields: on every corpus frame it takes, the
// staged decoder must agree exactly.
describe('FastPathDecoder agrees with the staged decoder', () => {
  for (const decodeTunnels of [true, false]) {
    it(`on every corpus frame it accepts (decodeTunnels ${decodeTunnels})`, () => {
      const fast = new FastPathDecoder(decodeTunnels);
      const decoder = new PacketDecoder({ decodeTunnels });
      const a = new DecodedPacket();
      const b = new DecodedPacket();
      let taken = 0;
      const total = forEachCorpusRecord((rec, file, index) => {
        if (!fast.parse(rec, a)) return;
        taken++;
        const reason = decoder.decodeStaged(rec, b);
        const fa = fields(a);
        const fb = fields(b);
        // expect() per frame is slow over the corpus: compare first, report a mismatch in full
        if (reason !== 0 || a.data !== b.data || fa.some((v, i) => v !== fb[i])) {
          expect(reason, `${file} record ${index}`).toBe(0);
          expect(a.data === b.data, `${file} record ${index}: data`).toBe(true);
          expect(fa, `${file} record ${index}`).toEqual(fb);
        }
      });
      // the shortcut must actually cover most of the corpus to be worth having
      expect(taken).toBeGreaterThan(total / 2);
    });
  }
});
