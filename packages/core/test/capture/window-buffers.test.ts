import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WindowBuffers } from '../../src/capture/byte-window.js';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import type { CaptureReader } from '../../src/capture/capture-reader.js';
import { StreamCaptureReader } from '../../src/capture/stream-capture-reader.js';
import { copyRecord, fingerprint, readAll } from './read-all.js';
import { PCAPS } from '../../../../test/support/paths.js';

const SAMPLES = ['google_ssl.pcap', 'dhcp.pcapng', 'alexa-app.pcapng', 'rx.pcap', 'fuzz-2021-06-07-c6c72a0a56.pcap'];

/** Hands out fresh buffers of `size` bytes (or more when asked), never reusing one. */
class FreshBuffers implements WindowBuffers {
  readonly handedOut: Uint8Array[] = [];
  constructor(private readonly size: number) {}
  next(size: number): Uint8Array {
    const b = new Uint8Array(Math.max(size, this.size));
    this.handedOut.push(b);
    return b;
  }
}

interface Delivered {
  data: Uint8Array;
  offset: number;
  text: string;
}

/**
 * Reads every record through buffers from `buffers`, keeping where each one was delivered; a
 * stream reader gets the capture's bytes in `chunk`-byte pieces, as it needs them.
 */
function readInPlace(reader: CaptureReader, buffers: FreshBuffers, bytes: Uint8Array | null, chunk: number): Delivered[] {
  reader.useBuffers!(buffers);
  const record = new CaptureRecord();
  const out: Delivered[] = [];
  let at = 0;
  for (;;) {
    const status = reader.next(record);
    if (status === ReadStatus.Record) out.push({ data: record.data, offset: record.offset, text: fingerprint(copyRecord(record)) });
    else if (status === ReadStatus.NeedMore && bytes !== null) {
      const stream = reader as StreamCaptureReader;
      if (at >= bytes.length) stream.end();
      else stream.push(bytes.subarray(at, (at += chunk)));
    } else return out;
  }
}

/** The record delivered at `d`, read back from there now. */
function readBack(d: Delivered, text: string): string {
  const [caplen, wireLength, tsSec, tsNsec, timeMs, linkType, sourceOffset] = text.split(' ').map(Number) as number[];
  const record = Object.assign(new CaptureRecord(), { data: d.data, offset: d.offset, caplen, wireLength, tsSec, tsNsec, timeMs, linkType, sourceOffset });
  return fingerprint(copyRecord(record));
}

// Parallel meters hand records to workers by reference into the reader's buffers: with a buffer
// supplier the window must deliver the same records, each in a buffer the supplier handed out,
// and never write over a record it delivered.
describe('ByteWindow with a buffer supplier', () => {
  for (const name of SAMPLES) {
    it(`${name}: the same records, left intact where they were delivered (file reader, and a stream in small pieces)`, () => {
      const file = join(PCAPS, name);
      const bytes = readFileSync(file);
      const expected = readAll(openCapture(file)).records.map(fingerprint);
      for (const [reader, input] of [[openCapture(file), null], [new StreamCaptureReader('pieces'), bytes]] as const) {
        const buffers = new FreshBuffers(4096);
        const delivered = readInPlace(reader, buffers, input, 1000);
        expect(delivered.map((d) => d.text)).toEqual(expected);
        // (no toContain: a failure would print every buffer)
        expect(delivered.every((d) => buffers.handedOut.includes(d.data))).toBe(true);
        expect(delivered.map((d, i) => readBack(d, expected[i]!))).toEqual(expected);
        if (input !== null) expect(buffers.handedOut.length).toBeGreaterThan(bytes.length / 4096 / 2);
      }
    });
  }
});
