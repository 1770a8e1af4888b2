import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/capture-error.js';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { type BlockSpec, epb, frame, idb, pcap, pcapng, shb } from '../support/capture-builder.js';
import { fingerprint, memoryReader, readAll, writeTemp } from './read-all.js';

describe('openCapture', () => {
  it('throws a CaptureError naming a missing file', () => {
    expect(() => openCapture('/nonexistent/dir/x.pcap')).toThrow(CaptureError);
    expect(() => openCapture('/nonexistent/dir/x.pcap')).toThrow('/nonexistent/dir/x.pcap');
  });

  it('rejects files that are not captures', () => {
    for (const [name, bytes] of [
      ['text.pcap', new TextEncoder().encode('just some text\n')],
      ['empty.pcap', new Uint8Array(0)],
      ['tiny.pcap', Uint8Array.of(0xd4, 0xc3)],
      ['shb-bad-bom.pcapng', Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4)],
    ] as const) {
      const path = writeTemp(name, bytes);
      const message = `not a pcap or pcapng file: ${path}`;
      // only an empty file is called empty
      expect(() => openCapture(path)).toThrow(bytes.length === 0 ? `${message} (it is empty)` : new RegExp(`${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
    }
  });

  it('says when a source that is no capture holds flows written earlier (Arrow file or stream, Parquet, flow CSV)', () => {
    const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    for (const [name, bytes, kind] of [
      ['flows.arrow', latin1('ARROW1\0\0\xff\xff\xff\xff'), 'an Arrow IPC file'],
      ['flows.arrows', latin1('\xff\xff\xff\xff\x10\0\0\0'), 'an Arrow IPC stream'],
      ['flows.parquet', latin1('PAR1\x15\x04\x15'), 'a Parquet file'],
      ['flows.csv', latin1('id,expiration_id,src_ip,src_mac\n0,0,"10.0.0.1","aa"\n'), 'a flow CSV file'],
    ] as const) {
      const path = writeTemp(name, bytes);
      expect(() => openCapture(path), name).toThrow(`not a pcap or pcapng file: ${path} (it is ${kind}, flows written earlier: 'flowstream report' reads them)`);
    }
  });

  it('names a capture cut inside its file header as truncated, with what is there (pcap, pcapng)', () => {
    const classic = pcap({ linkType: 1 }, []);
    const ng = pcapng({}, [shb(), idb({ linkType: 1 })]);
    const cutPcap = writeTemp('cut-header.pcap', classic.subarray(0, 10));
    const cutNg = writeTemp('cut-header.pcapng', ng.subarray(0, 10));
    expect(() => openCapture(cutPcap)).toThrow(`${cutPcap}: truncated pcap file header (10 of 24 bytes) at byte offset 0`);
    expect(() => openCapture(cutNg)).toThrow(`${cutNg}: truncated pcapng section header block (10 of at least 28 bytes) at byte offset 0`);
  });

  it('sniffs the format from the magic, not the extension', () => {
    const ng = openCapture(writeTemp('really-pcapng.pcap', pcapng({}, [shb(), idb({ linkType: 1 })])));
    expect(ng.format).toBe('pcapng');
    const classic = openCapture(writeTemp('really-pcap.pcapng', pcap({ linkType: 113 }, [])));
    expect(classic.format).toBe('pcap');
    expect(classic.linkType).toBe(113);
    expect(classic.size).toBe(24);
    ng.close();
    classic.close();
  });

  it('reads files larger than its buffer identically to an in-memory read (compaction across refills)', () => {
    // ~5 MiB with record sizes that do not divide the 4 MiB buffer, so records straddle refills.
    const records = Array.from({ length: 3500 }, (_, i) => ({ tsSec: 1000 + i, tsFrac: i, data: frame(1000 + (i % 997), i) }));
    const bytes = pcap({ linkType: 1 }, records);
    const path = writeTemp('big.pcap', bytes);
    const reader = openCapture(path);
    const fromFile = readAll(reader);
    expect(fromFile.status).toBe(ReadStatus.End);
    expect(fromFile.records).toHaveLength(3500);
    expect(fromFile.records.map(fingerprint)).toEqual(readAll(memoryReader(bytes)).records.map(fingerprint));
    expect(fromFile.records[3499]!.bytes).toEqual(frame(1000 + (3499 % 997), 3499));
    expect(reader.bytesRead).toBe(reader.size);
    reader.close();
    expect(reader.next(new CaptureRecord())).toBe(ReadStatus.End);
  });

  it('reads pcapng blocks that straddle buffer refills', () => {
    const blocks: BlockSpec[] = [shb(), idb({ linkType: 1, tsresol: 9 })];
    for (let i = 0; i < 3000; i++) blocks.push(epb({ timestamp: BigInt(i) * 1_000_000_123n, data: frame(1500 + (i % 13), i) }));
    const bytes = pcapng({ bigEndian: true }, blocks);
    const reader = openCapture(writeTemp('big.pcapng', bytes));
    const { records, status } = readAll(reader);
    expect(status).toBe(ReadStatus.End);
    expect(records.map(fingerprint)).toEqual(readAll(memoryReader(bytes)).records.map(fingerprint));
    expect(records[2999]!.tsNsec).toBe((2999 * 123) % 1_000_000_000);
    reader.close();
  });
});

describe('examples/sample.pcap', () => {
  it('is a clean Ethernet capture of 150–300 packets over about 3 minutes', () => {
    const reader = openCapture(new URL('../../../../examples/sample.pcap', import.meta.url).pathname);
    const { records, status } = readAll(reader);
    expect(status).toBe(ReadStatus.End);
    expect(reader.truncatedAt).toBeNull();
    expect(reader.dlt).toBe(1);
    expect(records.length).toBeGreaterThanOrEqual(150);
    expect(records.length).toBeLessThanOrEqual(300);
    const span = records.at(-1)!.timeMs - records[0]!.timeMs;
    expect(span).toBeGreaterThan(150_000);
    expect(span).toBeLessThan(200_000);
    reader.close();
  });
});
