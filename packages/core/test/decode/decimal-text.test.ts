// Decimal digits written straight into output buffers (CSV, flow keys): the text of String(v).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeDigits, writeHighLow, writeUint32 } from '../../src/decode/decimal-text-bytes.js';

const buf = new Uint8Array(32);
const text = (v: number) => Buffer.from(buf.subarray(0, writeDigits(buf, 0, v))).toString('latin1');

describe('writeDigits', () => {
  it('writes String(v) for every integer 0 … 2^53', () => {
    const edges = [0, 9, 10, 99, 100, 4294967295, 4294967296, 999999999999, 1e12, 1600000000000, 9999999999999, 1e13, 2 ** 53];
    for (const v of edges) expect(text(v)).toBe(String(v));
    fc.assert(
      fc.property(
        // millisecond times (13 digits) are the common large value; the rest of the range too
        fc.oneof(fc.integer({ min: 1e12, max: 1e13 - 1 }), fc.integer({ min: 0, max: 2 ** 32 }), fc.maxSafeNat()),
        (v) => {
          expect(text(v)).toBe(String(v));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('writeHighLow writes hi then lo as eight digits; writeUint32 writes String(n)', () => {
    const hl = (hi: number, lo: number) => Buffer.from(buf.subarray(0, writeHighLow(buf, 0, hi, lo))).toString('latin1');
    const u = (n: number) => Buffer.from(buf.subarray(0, writeUint32(buf, 0, n))).toString('latin1');
    for (const [hi, lo] of [[1, 0], [9999, 99999999], [10000, 0], [10000, 7], [99999, 99999999], [100000, 1], [2 ** 32 - 1, 12345678]] as const) {
      expect(hl(hi, lo)).toBe(`${hi}${String(lo).padStart(8, '0')}`);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 1e8 - 1 }), (hi, lo) => {
        expect(hl(hi, lo)).toBe(`${hi}${String(lo).padStart(8, '0')}`);
      }),
      { numRuns: 20000 },
    );
    for (const n of [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]) expect(u(n)).toBe(String(n));
  });
});
