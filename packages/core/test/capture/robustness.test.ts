import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/capture-error.js';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { createStreamCaptureReader } from '../../src/capture/stream-capture-reader.js';
import { writeTemp } from './read-all.js';
import { PCAPS } from '../../../../test/support/paths.js';


const SAMPLES = ['google_ssl.pcap', 'dhcp.pcap', 'dhcp.pcapng', 'z3950.pcapng'];

const mutation = (length: number) =>
  fc.record({
    keep: fc.integer({ min: 0, max: length }),
    flips: fc.array(fc.record({ at: fc.nat({ max: length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), {
      maxLength: 8,
    }),
  });

function mutate(bytes: Uint8Array, m: { keep: number; flips: { at: number; value: number }[] }): Uint8Array {
  const out = bytes.slice(0, m.keep);
  for (const f of m.flips) if (f.at < out.length) out[f.at] = f.value;
  return out;
}

/** Reads everything; asserts only documented outcomes and no more records than bytes allow. */
function readMutated(bytes: Uint8Array): void {
  const reader = createStreamCaptureReader('mutated');
  reader.push(bytes);
  reader.end();
  const record = new CaptureRecord();
  const maxRecords = Math.floor(bytes.length / 12);
  for (let i = 0; i <= maxRecords + 1; i++) {
    const status = reader.next(record);
    if (status === ReadStatus.Record) {
      expect(record.offset + record.caplen).toBeLessThanOrEqual(record.data.length);
      expect(record.caplen).toBeGreaterThanOrEqual(0);
      continue;
    }
    expect([ReadStatus.End, ReadStatus.Error]).toContain(status);
    if (status === ReadStatus.Error) {
      expect(reader.error).toBeInstanceOf(CaptureError);
      expect(reader.next(record)).toBe(ReadStatus.Error);
    } else {
      expect(reader.next(record)).toBe(ReadStatus.End);
    }
    expect(reader.recordsRead).toBeLessThanOrEqual(maxRecords);
    return;
  }
  expect.fail('reader did not end');
}

describe('robustness against truncated and corrupted captures', () => {
  for (const name of SAMPLES) {
    const bytes = new Uint8Array(readFileSync(join(PCAPS, name)));

    it(`${name}: stream reader ends with End or Error only`, () => {
      fc.assert(
        fc.property(mutation(bytes.length), (m) => readMutated(mutate(bytes, m))),
        { numRuns: 80 },
      );
    });

    it(`${name}: file reader throws only CaptureError at open`, () => {
      fc.assert(
        fc.property(mutation(bytes.length), (m) => {
          const path = writeTemp(`mutated-${name}`, mutate(bytes, m));
          let reader;
          try {
            reader = openCapture(path);
          } catch (e) {
            expect(e).toBeInstanceOf(CaptureError);
            expect((e as CaptureError).message).toContain(path);
            return;
          }
          const record = new CaptureRecord();
          let status: ReadStatus;
          let n = 0;
          while ((status = reader.next(record)) === ReadStatus.Record) n++;
          expect([ReadStatus.End, ReadStatus.Error]).toContain(status);
          expect(n).toBeLessThanOrEqual(m.keep / 12);
          reader.close();
        }),
        { numRuns: 25 },
      );
    });
  }

  it('random bytes behind a valid magic never hang or throw', () => {
    const magics = [
      Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1),
      Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d),
      Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), (magic, rest) => {
        readMutated(new Uint8Array([...magic, ...rest]));
      }),
      { numRuns: 150 },
    );
  });
});
