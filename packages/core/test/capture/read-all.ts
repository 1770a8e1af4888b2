import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import type { CaptureReader } from '../../src/capture/capture-reader.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { StreamCaptureReader } from '../../src/capture/stream-capture-reader.js';

/** A record copied out of the reader's reusable buffer. */
export interface RecordCopy {
  bytes: Uint8Array;
  caplen: number;
  wireLength: number;
  tsSec: number;
  tsNsec: number;
  timeMs: number;
  linkType: number;
  sourceOffset: number;
}

export function copyRecord(r: CaptureRecord): RecordCopy {
  return {
    bytes: r.data.slice(r.offset, r.offset + r.caplen),
    caplen: r.caplen,
    wireLength: r.wireLength,
    tsSec: r.tsSec,
    tsNsec: r.tsNsec,
    timeMs: r.timeMs,
    linkType: r.linkType,
    sourceOffset: r.sourceOffset,
  };
}

/** Reads until a non-record status (a stream reader must have been ended). */
export function readAll(reader: CaptureReader, limit = 1e7): { records: RecordCopy[]; status: ReadStatus } {
  const record = new CaptureRecord();
  const records: RecordCopy[] = [];
  for (let i = 0; i < limit; i++) {
    const status = reader.next(record);
    if (status !== ReadStatus.Record) return { records, status };
    records.push(copyRecord(record));
  }
  throw new Error('reader did not end');
}

/** A stream reader holding the whole capture, already ended. */
export function memoryReader(bytes: Uint8Array, name = 'memory'): StreamCaptureReader {
  const reader = new StreamCaptureReader(name);
  reader.push(bytes);
  reader.end();
  return reader;
}

const dir = mkdtempSync(join(tmpdir(), 'flowstream-capture-'));

/** Writes bytes to a temporary file and returns its path. */
export function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Compact text form of a record (fields plus a checksum of the bytes), for comparing many records fast. */
export function fingerprint(r: RecordCopy): string {
  let h = 0x811c9dc5;
  for (const b of r.bytes) h = Math.imul(h ^ b, 0x01000193);
  return `${r.caplen} ${r.wireLength} ${r.tsSec} ${r.tsNsec} ${r.timeMs} ${r.linkType} ${r.sourceOffset} ${h >>> 0}`;
}
