import { appendFileSync, readFileSync, utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowBuffers } from '../../src/capture/byte-window.js';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { FileCaptureReader, type FileReadOptions } from '../../src/capture/file-capture-reader.js';
import { faultsPay, MAP_MIN_BYTES, mappedAddress, mappingPays, releaseMappedSegment, viewMappedSegment } from '../../src/capture/file-mapping.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { CORPUS_FILES } from '../support/corpus-records.js';
import { copyRecord, fingerprint, readAll, writeTemp } from './read-all.js';

/** Small segments and lends: a corpus capture crosses hundreds of segment boundaries. */
const SMALL: FileReadOptions = { map: true, mapping: { segmentBytes: 8192, lendBytes: 3000 } };

function fingerprints(path: string, options: FileReadOptions): { texts: string[]; status: ReadStatus; error: string | null; truncatedAt: number | null; mapped: boolean } {
  const reader = new FileCaptureReader(path, options);
  const mapped = reader.mapped;
  const { records, status } = readAll(reader);
  const result = { texts: records.map(fingerprint), status, error: reader.error?.message ?? null, truncatedAt: reader.truncatedAt, mapped };
  reader.close();
  return result;
}

describe('mapped capture files', () => {
  // the rule itself is tested here: a FLOWSTREAM_MAP of the caller's would override it
  const callers = process.env.FLOWSTREAM_MAP;
  beforeAll(() => {
    delete process.env.FLOWSTREAM_MAP;
  });
  afterAll(() => {
    if (callers !== undefined) process.env.FLOWSTREAM_MAP = callers;
  });

  it('give every corpus capture the records, end and errors of reading it', () => {
    let records = 0;
    for (const file of CORPUS_FILES) {
      const read = fingerprints(file, { map: false });
      for (const options of [SMALL, { map: true } satisfies FileReadOptions]) {
        const mapped = fingerprints(file, options);
        expect(mapped.mapped, file).toBe(true);
        expect(mapped.texts, file).toEqual(read.texts);
        expect([mapped.status, mapped.error, mapped.truncatedAt], file).toEqual([read.status, read.error, read.truncatedAt]);
      }
      records += read.texts.length;
    }
    expect(records).toBeGreaterThan(10_000);
  });

  it('are read, not mapped, when small or recently modified, unless forced', () => {
    const file = CORPUS_FILES.find((f) => f.endsWith('google_ssl.pcap'))!;
    const copy = writeTemp('recent.pcap', readFileSync(file));
    expect(new FileCaptureReader(copy).mapped).toBe(false);
    expect(new FileCaptureReader(copy, { map: true }).mapped).toBe(true);
    expect(new FileCaptureReader(copy, { map: false }).mapped).toBe(false);
  });

  it('follow FLOWSTREAM_MAP: never reads every file, always maps every regular one', () => {
    const copy = writeTemp('policy.pcap', readFileSync(CORPUS_FILES.find((f) => f.endsWith('google_ssl.pcap'))!));
    try {
      process.env.FLOWSTREAM_MAP = 'always';
      expect(new FileCaptureReader(copy).mapped).toBe(true);
      process.env.FLOWSTREAM_MAP = 'never';
      expect(new FileCaptureReader(copy, { map: true }).mapped).toBe(false);
      process.env.FLOWSTREAM_MAP = 'sometimes';
      expect(new FileCaptureReader(copy).mapped).toBe(false);
    } finally {
      delete process.env.FLOWSTREAM_MAP;
    }
  });

  it('go on reading what a file grew by after it was opened', () => {
    const bytes = readFileSync(CORPUS_FILES.find((f) => f.endsWith('google_ssl.pcap'))!);
    const all = readAll(new FileCaptureReader(writeTemp('whole.pcap', bytes), { map: false })).records.map(fingerprint);
    // cut inside a record: the mapping ends mid-record, and reads complete it
    const cut = 24 + 16 + Math.floor((bytes.length - 40) / 2);
    const path = writeTemp('growing.pcap', bytes.subarray(0, cut));
    const reader = new FileCaptureReader(path, SMALL);
    expect(reader.mapped).toBe(true);
    appendFileSync(path, bytes.subarray(cut));
    const texts = readAll(reader).records.map(fingerprint);
    expect(reader.mapped).toBe(false);
    expect(texts).toEqual(all);
    expect(reader.truncatedAt).toBeNull();
  });

  it('hand records to buffers that keep them from the moment they are asked to, mid-file', () => {
    for (const file of CORPUS_FILES.filter((f) => /(google_ssl\.pcap|alexa-app\.pcapng|dhcp\.pcapng)$/.test(f))) {
      const expected = readAll(new FileCaptureReader(file, { map: false })).records.map(fingerprint);
      const reader = new FileCaptureReader(file, SMALL);
      const record = new CaptureRecord();
      const texts: string[] = [];
      const kept: { data: Uint8Array; offset: number; bytes: Uint8Array }[] = [];
      const half = Math.floor(expected.length / 2);
      for (let i = 0; i < half && reader.next(record) === ReadStatus.Record; i++) texts.push(fingerprint(copyRecord(record)));
      const asked: number[] = [];
      const buffers: WindowBuffers = { next: (size) => (asked.push(size), new Uint8Array(Math.max(size, 4096))) };
      reader.useBuffers(buffers);
      expect(reader.mapped, file).toBe(false);
      // the bytes the mapping lent ahead are read again into the buffers, not carried over as a copy
      expect(asked, file).toEqual([0]);
      while (reader.next(record) === ReadStatus.Record) {
        const copy = copyRecord(record);
        texts.push(fingerprint(copy));
        kept.push({ data: record.data, offset: record.offset, bytes: copy.bytes });
      }
      expect(texts, file).toEqual(expected);
      // every record handed out after useBuffers is still intact where it was delivered
      for (const k of kept) expect(k.data.subarray(k.offset, k.offset + k.bytes.length)).toEqual(k.bytes);
      reader.close();
    }
  });

  it('share their segments with other threads: each record is at its segment\'s address, read there whole', () => {
    for (const file of CORPUS_FILES.filter((f) => /(google_ssl\.pcap|alexa-app\.pcapng)$/.test(f))) {
      const expected = readAll(new FileCaptureReader(file, { map: false })).records.map(fingerprint);
      const read = new FileCaptureReader(file, { map: false });
      expect(read.shareMapping()).toBe(false);
      read.close();
      const reader = new FileCaptureReader(file, SMALL);
      expect(reader.shareMapping()).toBe(true);
      const record = new CaptureRecord();
      const texts: string[] = [];
      // what another thread sees: a view of each segment at its address (kept reachable here)
      const segments = new Map<Uint8Array, Uint8Array>();
      while (reader.next(record) === ReadStatus.Record) {
        texts.push(fingerprint(copyRecord(record)));
        let other = segments.get(record.data);
        if (other === undefined) {
          expect(mappedAddress(record.data), file).toBeGreaterThan(0);
          other = viewMappedSegment(mappedAddress(record.data), record.data.length);
          segments.set(record.data, other);
        }
        expect(other.subarray(record.offset, record.offset + record.caplen)).toEqual(record.data.subarray(record.offset, record.offset + record.caplen));
      }
      expect(texts, file).toEqual(expected);
      expect(segments.size, file).toBeGreaterThan(1);
      expect(mappedAddress(new Uint8Array(16)), file).toBe(0);
      reader.close();
      // the caller gives the pages back, whole pages only; the bytes read again are the file's
      for (const [view, other] of segments) {
        const copy = view.slice();
        const whole = view.length - (view.length % 4096);
        expect(releaseMappedSegment(view, 1, 4095)).toBe(1);
        expect(releaseMappedSegment(view, 1, 8192 + 17)).toBe(whole >= 8192 ? 8192 : 1);
        // never past the segment's end, whatever asked
        expect(releaseMappedSegment(view, 0, view.length + 8192)).toBe(whole);
        expect(releaseMappedSegment(view)).toBe(whole);
        expect(other).toEqual(copy);
        expect(releaseMappedSegment(new Uint8Array(8192))).toBe(0);
      }
    }
  });

  it('are mapped where walking mapped pages costs at most 0.8 of copying as many bytes, else read', () => {
    // measured: 2–7 µs faults for 64 KiB against 10–11 µs copies, mapping won; ~11 µs faults
    // against a copy as costly, mapping lost threefold
    expect(faultsPay(6.6, 10.3)).toBe(true);
    expect(faultsPay(8, 10)).toBe(true);
    expect(faultsPay(8.5, 10)).toBe(false);
    expect(faultsPay(11, 10)).toBe(false);
    // a copy that could not be timed: read (the reads report what failed, at its offset)
    expect(faultsPay(1, 0)).toBe(false);
  });

  it('map large files once they have not been modified for a while', () => {
    const bytes = readFileSync(CORPUS_FILES.find((f) => f.endsWith('google_ssl.pcap'))!);
    const records = bytes.subarray(24);
    const parts = [bytes.subarray(0, 24)];
    for (let size = 24; size < MAP_MIN_BYTES; size += records.length) parts.push(records);
    const path = writeTemp('large.pcap', Buffer.concat(parts));
    expect(new FileCaptureReader(path).mapped).toBe(false);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const reader = new FileCaptureReader(path);
    // mapped where page faults proved cheap (timed on this file's first pages), else read
    expect(mappingPays()).toBeTypeOf('boolean');
    expect(reader.mapped).toBe(mappingPays());
    const mapped = readAll(reader).records.map(fingerprint);
    expect(mapped).toEqual(readAll(new FileCaptureReader(path, { map: false })).records.map(fingerprint));
    expect(mapped.length).toBeGreaterThan(1000);
  });
});
