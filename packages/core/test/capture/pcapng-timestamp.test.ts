import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { PcapngInterface } from '../../src/capture/pcapng-interface.js';

const MASK64 = (1n << 64n) - 1n;

/** libpcap 1.10 + NFStream engine arithmetic, written independently with BigInt only. */
function reference(t: bigint, exponent: number, binary: boolean, offset: bigint) {
  const resol = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
  const sec = BigInt.asIntN(64, (t / resol + offset) & MASK64);
  const frac = t % resol;
  let usec: bigint;
  if (resol === 1000000n) usec = frac;
  else if (binary) usec = ((frac * 1000000n) & MASK64) / resol;
  else if (resol > 1000000n) usec = frac / (resol / 1000000n);
  else usec = frac * (1000000n / resol);
  const usecInt = BigInt.asIntN(32, usec);
  const ms = BigInt.asUintN(64, sec * 1000n + usecInt / 1000n); // BigInt division truncates like C
  return { tsSec: Number(sec), tsNsec: Number((frac * 1000000000n) / resol), timeMs: Number(BigInt.asIntN(64, ms)) }; // flowstream keeps the uint64 in its signed reading
}

describe('pcapng timestamp conversion', () => {
  it('matches the uint64 reference for any timestamp, resolution and offset', () => {
    const record = new CaptureRecord();
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MASK64 }),
        fc.oneof(
          fc.record({ binary: fc.constant(false), exponent: fc.integer({ min: 0, max: 19 }) }),
          fc.record({ binary: fc.constant(true), exponent: fc.integer({ min: 0, max: 63 }) }),
        ),
        fc.oneof(fc.constant(0n), fc.bigInt({ min: -(1n << 20n), max: 1n << 20n }), fc.bigInt({ min: 0n, max: MASK64 })),
        fc.boolean(),
        (t0, { binary, exponent }, offset, realistic) => {
          // Half the cases use realistic epoch-sized timestamps (the fast path), half any uint64.
          const t = realistic ? t0 % (1n << 61n) : t0;
          const iface = new PcapngInterface(exponent, binary, offset);
          iface.stamp(Number(t >> 32n), Number(t & 0xffffffffn), record);
          expect({ tsSec: record.tsSec, tsNsec: record.tsNsec, timeMs: record.timeMs }).toEqual(
            reference(t, exponent, binary, offset),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is exact on the µs and ns fast paths for epoch timestamps', () => {
    const record = new CaptureRecord();
    const ns = new PcapngInterface(9, false, 0n);
    const t = 1623680697296999999n;
    ns.stamp(Number(t >> 32n), Number(t & 0xffffffffn), record);
    expect([record.tsSec, record.tsNsec, record.timeMs]).toEqual([1623680697, 296999999, 1623680697296]);
    const binary = new PcapngInterface(20, true, 0n);
    const tb = (1700000000n << 20n) + 1048575n;
    binary.stamp(Number(tb >> 32n), Number(tb & 0xffffffffn), record);
    expect([record.tsSec, record.tsNsec, record.timeMs]).toEqual([1700000000, 999999046, 1700000000999]);
  });
});
