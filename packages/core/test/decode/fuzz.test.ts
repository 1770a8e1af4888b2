// decode() on arbitrary bytes never throws and returns a known reason; a decoded packet's offsets
// stay inside the capture.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { DecodedPacket } from '../../src/decode/decoded-packet.js';
import { IGNORE_REASON_COUNT, IgnoreReason } from '../../src/decode/ignore-reason.js';
import { SUPPORTED_DLTS } from '../../src/decode/link/link-registry.js';
import { PacketDecoder } from '../../src/decode/packet-decoder.js';

describe('decode on random bytes', () => {
  for (const decodeTunnels of [true, false]) {
    it(`never throws (decodeTunnels=${decodeTunnels})`, () => {
      const decoder = new PacketDecoder({ decodeTunnels });
      const p = new DecodedPacket();
      const rec = new CaptureRecord();
      fc.assert(
        fc.property(
          fc.constantFrom(...SUPPORTED_DLTS, -1, 105, 300),
          fc.uint8Array({ minLength: 0, maxLength: 200 }),
          fc.nat(8),
          fc.nat(0xffffffff),
          (dlt, bytes, offset, wire) => {
            const buf = new Uint8Array(offset + bytes.length);
            buf.set(bytes, offset);
            rec.data = buf;
            rec.offset = offset;
            rec.caplen = bytes.length;
            rec.wireLength = wire;
            rec.linkType = dlt;
            const r = decoder.decode(rec, p);
            expect(Number.isInteger(r) && r >= 0 && r < IGNORE_REASON_COUNT).toBe(true);
            if (r === IgnoreReason.None) {
              expect(p.ipOffset).toBeGreaterThanOrEqual(offset);
              expect(p.ipOffset).toBeLessThan(offset + bytes.length);
              expect(p.ipVersion === 4 || p.ipVersion === 6).toBe(true);
              expect(p.rawSize).toBe(wire & 0xffff);
            }
          },
        ),
        { numRuns: 20000 },
      );
    });
  }

  it('structured fuzz: valid Ethernet/IPv4/UDP headers with random tails', () => {
    const decoder = new PacketDecoder({ decodeTunnels: true });
    const p = new DecodedPacket();
    const rec = new CaptureRecord();
    const port = fc.constantFrom(2152, 37008, 5247, 53);
    fc.assert(
      fc.property(port, port, fc.uint8Array({ maxLength: 120 }), fc.nat(130), (sp, dp, tail, cut) => {
        const f = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45, 0, 0, 200, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        f.push(sp >> 8, sp & 0xff, dp >> 8, dp & 0xff, 0, 100, 0, 0, ...tail);
        const buf = Uint8Array.from(f);
        rec.data = buf;
        rec.offset = 0;
        rec.caplen = Math.min(buf.length, 28 + cut);
        rec.linkType = 1;
        const r = decoder.decode(rec, p);
        expect(r >= 0 && r < IGNORE_REASON_COUNT).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });
});
