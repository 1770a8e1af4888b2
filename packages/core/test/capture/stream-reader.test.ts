import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import {
  captureRecords,
  createStreamCaptureReader,
  readCaptureStream,
} from '../../src/capture/stream-capture-reader.js';
import { copyRecord, fingerprint, readAll, type RecordCopy } from './read-all.js';
import { PCAPS } from '../../../../test/support/paths.js';


const SAMPLES = ['google_ssl.pcap', 'dhcp.pcapng', 'z3950.pcapng', 'alexa-app.pcapng', 'rx.pcap', 'fuzz-2021-06-07-c6c72a0a56.pcap'];

function fileRecords(name: string): RecordCopy[] {
  const reader = openCapture(join(PCAPS, name));
  const { records, status } = readAll(reader);
  reader.close();
  expect(status).toBe(ReadStatus.End);
  return records;
}

/** Pushes `bytes` in chunks of the given sizes (cycled), reading whenever the reader needs more. */
function pushInChunks(bytes: Uint8Array, sizes: number[], truncateTo = bytes.length) {
  const reader = createStreamCaptureReader('chunks');
  const record = new CaptureRecord();
  const records: RecordCopy[] = [];
  let at = 0;
  let i = 0;
  for (;;) {
    const status = reader.next(record);
    if (status === ReadStatus.Record) {
      records.push(copyRecord(record));
    } else if (status === ReadStatus.NeedMore) {
      if (at >= truncateTo) {
        reader.end();
      } else {
        const n = Math.min(sizes[i++ % sizes.length]!, truncateTo - at);
        reader.push(bytes.subarray(at, at + n));
        at += n;
      }
    } else {
      return { records, status, reader };
    }
  }
}

describe('stream reader', () => {
  for (const name of SAMPLES) {
    it(`yields the file reader's records for ${name} in random chunk sizes`, () => {
      const bytes = new Uint8Array(readFileSync(join(PCAPS, name)));
      const expected = fileRecords(name).map(fingerprint);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 20 }), (sizes) => {
          const { records, status } = pushInChunks(bytes, sizes);
          expect(status).toBe(ReadStatus.End);
          expect(records.map(fingerprint)).toEqual(expected);
        }),
        { numRuns: 10 },
      );
    });
  }

  it('one byte at a time', () => {
    const bytes = new Uint8Array(readFileSync(join(PCAPS, 'dhcp.pcapng')));
    expect(pushInChunks(bytes, [1]).records).toEqual(fileRecords('dhcp.pcapng'));
  });

  it('a stream ending mid-record drops that record like a truncated file', () => {
    const bytes = new Uint8Array(readFileSync(join(PCAPS, 'google_ssl.pcap')));
    const expected = fileRecords('google_ssl.pcap');
    const { records, status, reader } = pushInChunks(bytes, [100], bytes.length - 10);
    expect(status).toBe(ReadStatus.End);
    expect(records).toEqual(expected.slice(0, -1));
    expect(reader.truncatedAt).toBe(expected.at(-1)!.sourceOffset);
  });

  it('reports a non-capture stream and an empty stream as errors', () => {
    for (const bytes of [new TextEncoder().encode('hello world, not a capture'), new Uint8Array(0)]) {
      const reader = createStreamCaptureReader('junk');
      reader.push(bytes);
      reader.end();
      expect(reader.next(new CaptureRecord())).toBe(ReadStatus.Error);
      expect(reader.error!.message).toBe(`not a pcap or pcapng file: junk${bytes.length === 0 ? ' (it is empty)' : ''}`);
    }
  });

  it('readCaptureStream reads a Node Readable with back-pressure', async () => {
    const bytes = readFileSync(join(PCAPS, 'z3950.pcapng'));
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 777) chunks.push(bytes.subarray(i, i + 777));
    const readable = Readable.from(chunks, { objectMode: false, highWaterMark: 1024 });
    const seen: RecordCopy[] = [];
    const reader = await readCaptureStream(readable, 'pipe', (record) => seen.push(copyRecord(record)));
    expect(reader.error).toBeNull();
    expect(seen).toEqual(fileRecords('z3950.pcapng'));
    expect(reader.recordsRead).toBe(seen.length);
  });

  it('captureRecords iterates records and throws the CaptureError of a corrupt stream', async () => {
    const bytes = readFileSync(join(PCAPS, 'google_ssl.pcap'));
    let n = 0;
    for await (const record of captureRecords(Readable.from([bytes]), 'it')) {
      expect(record.caplen).toBeGreaterThan(0);
      n++;
    }
    expect(n).toBe(28);
    const corrupt = Buffer.from(bytes);
    corrupt.writeUInt32LE(0x7fffffff, 24 + 8); // first record's caplen
    await expect(async () => {
      for await (const _ of captureRecords(Readable.from([corrupt]), 'bad')) n++;
    }).rejects.toThrow(/bad: invalid packet capture length/);
  });
});
