import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { CaptureError } from '../../src/capture/capture-error.js';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { DLT_RAW } from '../../src/capture/link-types.js';
import { frame, pcap } from '../support/capture-builder.js';
import { memoryReader, readAll, writeTemp } from './read-all.js';

describe('classic pcap', () => {
  for (const bigEndian of [false, true]) {
    for (const nanos of [false, true]) {
      it(`reads records (${bigEndian ? 'BE' : 'LE'}, ${nanos ? 'ns' : 'µs'})`, () => {
        const bytes = pcap({ linkType: 1, bigEndian, nanos, snaplen: 65535 }, [
          { tsSec: 1434443394, tsFrac: nanos ? 683999999 : 683999, data: frame(60, 1), wireLength: 1514 },
          { tsSec: 1434443395, tsFrac: 1000, data: frame(42, 2) },
        ]);
        const reader = memoryReader(bytes);
        const { records, status } = readAll(reader);
        expect(status).toBe(ReadStatus.End);
        expect(reader.format).toBe('pcap');
        expect(reader.bigEndian).toBe(bigEndian);
        expect(reader.nanosecond).toBe(nanos);
        expect(reader.linkType).toBe(1);
        expect(reader.snaplen).toBe(65535);
        expect(records).toHaveLength(2);
        expect(records[0]!.bytes).toEqual(frame(60, 1));
        expect(records[0]!.caplen).toBe(60);
        expect(records[0]!.wireLength).toBe(1514);
        expect(records[0]!.tsSec).toBe(1434443394);
        expect(records[0]!.tsNsec).toBe(683999999 + (nanos ? 0 : -999));
        // Truncation, not rounding (spec §1.2).
        expect(records[0]!.timeMs).toBe(1434443394683);
        expect(records[0]!.sourceOffset).toBe(24);
        expect(records[1]!.sourceOffset).toBe(24 + 16 + 60);
        expect(records[1]!.timeMs).toBe(nanos ? 1434443395000 : 1434443395001);
        expect(reader.recordsRead).toBe(2);
        expect(reader.bytesRead).toBe(bytes.length);
      });
    }
  }

  it('maps LINKTYPE_RAW 101 to DLT 12 and keeps 12 and unknown values', () => {
    for (const [linkType, dlt] of [[101, DLT_RAW], [12, 12], [276, 276], [4242, 4242]] as const) {
      const reader = memoryReader(pcap({ linkType }, [{ tsSec: 0, tsFrac: 0, data: frame(30) }]));
      const { records } = readAll(reader);
      expect(reader.linkType).toBe(linkType);
      expect(records[0]!.linkType).toBe(dlt);
    }
  });

  it('uses the low 16 bits of the link-type field', () => {
    const reader = memoryReader(pcap({ linkType: 0x0400_0001 }, [{ tsSec: 0, tsFrac: 0, data: frame(30) }]));
    expect(readAll(reader).records[0]!.linkType).toBe(1);
  });

  it('treats snaplen 0 or above 262144 as 262144', () => {
    for (const snaplen of [0, 262145, 0xffffffff]) {
      const reader = memoryReader(pcap({ linkType: 1, snaplen }, [{ tsSec: 0, tsFrac: 0, data: frame(100) }]));
      readAll(reader);
      expect(reader.snaplen).toBe(262144);
    }
  });

  it('cuts a record longer than the snaplen to the snaplen and skips the rest', () => {
    const bytes = pcap({ linkType: 1, snaplen: 64 }, [
      { tsSec: 1, tsFrac: 0, data: frame(100, 3) },
      { tsSec: 2, tsFrac: 0, data: frame(50, 4) },
    ]);
    const { records, status } = readAll(memoryReader(bytes));
    expect(status).toBe(ReadStatus.End);
    expect(records.map((r) => r.caplen)).toEqual([64, 50]);
    expect(records[0]!.bytes).toEqual(frame(100, 3).subarray(0, 64));
    expect(records[0]!.wireLength).toBe(100);
    expect(records[1]!.bytes).toEqual(frame(50, 4));
  });

  it('reports caplen above 262144 as a corrupt file, keeping earlier records', () => {
    const bytes = pcap({ linkType: 1 }, [
      { tsSec: 1, tsFrac: 0, data: frame(40) },
      { tsSec: 2, tsFrac: 0, data: frame(40), caplen: 262145 },
    ]);
    const reader = memoryReader(bytes, 'bad.pcap');
    const { records, status } = readAll(reader);
    expect(status).toBe(ReadStatus.Error);
    expect(records).toHaveLength(1);
    expect(reader.error).toBeInstanceOf(CaptureError);
    expect(reader.error!.offset).toBe(24 + 16 + 40);
    expect(reader.error!.message).toContain('bad.pcap');
    expect(reader.next(new CaptureRecord())).toBe(ReadStatus.Error);
  });

  it('drops a truncated last record silently (header or data cut short)', () => {
    const bytes = pcap({ linkType: 1 }, [
      { tsSec: 1, tsFrac: 0, data: frame(40) },
      { tsSec: 2, tsFrac: 0, data: frame(40) },
    ]);
    for (const cut of [1, 10, 16, 17, 55]) {
      const reader = memoryReader(bytes.subarray(0, bytes.length - cut));
      const { records, status } = readAll(reader);
      expect(status).toBe(ReadStatus.End);
      expect(records).toHaveLength(1);
      expect(reader.truncatedAt).toBe(24 + 56);
      expect(reader.error).toBeNull();
    }
  });

  it('replicates libpcap signed 32-bit timestamps (fraction ≥ 2^31 wraps, spec §1.2)', () => {
    // The fuzz capture's first record: ts_sec 0x74720bb5, ts_usec 0xffea9138 (−1404616 µs).
    const bytes = pcap({ linkType: 1 }, [{ tsSec: 0x74720bb5, tsFrac: 0xffea9138, data: frame(48) }]);
    const { records } = readAll(memoryReader(bytes));
    expect(records[0]!.timeMs).toBe(1953631155596);
    expect(records[0]!.tsSec).toBe(1953631157);
    expect(records[0]!.tsNsec).toBe(-1404616000);
  });

  it('reads ts_sec as signed: negative times wrap modulo 2^64 like the engine uint64', () => {
    const bytes = pcap({ linkType: 1 }, [{ tsSec: 0xffffffff, tsFrac: 0, data: frame(48) }]);
    const { records } = readAll(memoryReader(bytes));
    expect(records[0]!.tsSec).toBe(-1);
    // NFStream's 18446744073709550616, kept exact as its signed reading
    expect(records[0]!.timeMs).toBe(-1000);
  });

  it('ns files: µs = trunc(ns / 1000), then ms truncated', () => {
    const bytes = pcap({ linkType: 1, nanos: true }, [
      { tsSec: 10, tsFrac: 999_999, data: frame(30) },
      { tsSec: 10, tsFrac: 1_000_000, data: frame(30) },
      { tsSec: 10, tsFrac: 0xfff0bdc0, data: frame(30) }, // −1 000 000 ns
    ]);
    const { records } = readAll(memoryReader(bytes));
    expect(records.map((r) => r.timeMs)).toEqual([10000, 10001, 9999]);
    expect(records.map((r) => r.tsNsec)).toEqual([999_999, 1_000_000, -1_000_000]);
  });

  it('swaps caplen and len for version 2.2 files, and for 2.3 when caplen > len', () => {
    const data = frame(40);
    const old = pcap({ linkType: 1, versionMinor: 2 }, [{ tsSec: 0, tsFrac: 0, data, caplen: 1500, wireLength: 40 }]);
    expect(readAll(memoryReader(old)).records[0]!.caplen).toBe(40);
    const maybe = pcap({ linkType: 1, versionMinor: 3 }, [
      { tsSec: 0, tsFrac: 0, data, caplen: 1500, wireLength: 40 },
      { tsSec: 0, tsFrac: 0, data, caplen: 40, wireLength: 1500 },
    ]);
    expect(readAll(memoryReader(maybe)).records.map((r) => [r.caplen, r.wireLength])).toEqual([
      [40, 1500],
      [40, 1500],
    ]);
  });

  it('rejects archaic versions and truncated headers when opening', () => {
    const archaic = writeTemp('archaic.pcap', pcap({ linkType: 1, versionMajor: 1 }, []));
    expect(() => openCapture(archaic)).toThrow(/archaic/);
    const short = writeTemp('short.pcap', pcap({ linkType: 1 }, []).subarray(0, 20));
    expect(() => openCapture(short)).toThrow(CaptureError);
  });

  it('an empty capture ends at once', () => {
    const reader = memoryReader(pcap({ linkType: 1 }, []));
    expect(readAll(reader)).toEqual({ records: [], status: ReadStatus.End });
    expect(reader.truncatedAt).toBeNull();
  });
});
