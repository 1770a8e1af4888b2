import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/capture-error.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { ReadStatus } from '../../src/capture/read-status.js';
import { LINKTYPE_INVALID_INTERFACE, LINKTYPE_INVALID_RECORD } from '../../src/capture/link-types.js';
import { epb, frame, idb, option, pb, pcapng, rawBlock, shb, spb } from '../support/capture-builder.js';
import { memoryReader, readAll, writeTemp } from './read-all.js';

const T = 1434443394683999n; // µs

describe('pcapng', () => {
  for (const bigEndian of [false, true]) {
    it(`reads EPB, SPB and PB, skipping other blocks (${bigEndian ? 'BE' : 'LE'})`, () => {
      const bytes = pcapng({ bigEndian }, [
        shb(),
        rawBlock({ blockType: 5, body: frame(20) }), // ISB before the IDB
        idb({ linkType: 1, snaplen: 100 }),
        epb({ timestamp: T, data: frame(60, 1), wireLength: 1514 }),
        rawBlock({ blockType: 0x40000bad, body: frame(7) }),
        spb({ data: frame(150, 2) }),
        pb({ timestamp: T + 1001n, data: frame(33, 3) }),
      ]);
      const reader = memoryReader(bytes);
      const { records, status } = readAll(reader);
      expect(status).toBe(ReadStatus.End);
      expect(reader.format).toBe('pcapng');
      expect(reader.bigEndian).toBe(bigEndian);
      expect(reader.linkType).toBe(1);
      expect(reader.snaplen).toBe(100);
      expect(records).toHaveLength(3);
      expect(records[0]).toMatchObject({ caplen: 60, wireLength: 1514, tsSec: 1434443394, tsNsec: 683999000, timeMs: 1434443394683, linkType: 1 });
      expect(records[0]!.bytes).toEqual(frame(60, 1));
      // SPB: interface 0, timestamp 0, caplen = min(len, snaplen).
      expect(records[1]).toMatchObject({ caplen: 100, wireLength: 150, tsSec: 0, tsNsec: 0, timeMs: 0 });
      expect(records[1]!.bytes).toEqual(frame(150, 2).subarray(0, 100));
      expect(records[2]).toMatchObject({ caplen: 33, timeMs: 1434443394685 });
      expect(reader.bytesRead).toBe(bytes.length);
    });
  }

  it('applies if_tsresol (decimal and binary) and if_tsoffset per interface', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1 }), // 0: µs
      idb({ linkType: 1, tsresol: 9 }), // 1: ns
      idb({ linkType: 1, tsresol: 0x80 | 10 }), // 2: 2^-10 s
      idb({ linkType: 1, tsresol: 3, tsoffset: 1000n }), // 3: ms + 1000 s
      idb({ linkType: 1, tsresol: 0, tsoffset: -5n }), // 4: s − 5 s
      idb({ linkType: 1, tsresol: 12 }), // 5: ps
      idb({ linkType: 1, tsresol: 0x80 | 40 }), // 6: 2^-40 s
      epb({ interfaceId: 0, timestamp: 1_500_000n, data: frame(30) }),
      epb({ interfaceId: 1, timestamp: 1623680697296999999n, data: frame(30) }),
      epb({ interfaceId: 2, timestamp: 3n * 1024n + 1023n, data: frame(30) }),
      epb({ interfaceId: 3, timestamp: 2_345n, data: frame(30) }),
      epb({ interfaceId: 4, timestamp: 3n, data: frame(30) }),
      epb({ interfaceId: 5, timestamp: 7_123_456_789_012n, data: frame(30) }),
      epb({ interfaceId: 6, timestamp: (5n << 40n) + (1n << 39n), data: frame(30) }),
    ]);
    const { records } = readAll(memoryReader(bytes));
    const times = records.map((r) => [r.tsSec, r.tsNsec, r.timeMs]);
    expect(times).toEqual([
      [1, 500_000_000, 1500],
      [1623680697, 296_999_999, 1623680697296],
      // 1023/1024 s: usec = floor(1023 * 10^6 / 1024) = 999023; ns = floor(1023 * 10^9 / 1024) = 999023437.
      [3, 999_023_437, 3999],
      [1002, 345_000_000, 1002345],
      // sec −2: the engine's uint64 ms wraps; flowstream keeps its signed reading (exact)
      [-2, 0, -2000],
      [7, 123_456_789, 7123],
      [5, 500_000_000, 5500],
    ]);
  });

  it('keeps pcapng timestamps exact near 2^64 through the BigInt path', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1, tsresol: 9, tsoffset: 1n << 40n }),
      epb({ timestamp: 1_000_000_001n, data: frame(30) }),
    ]);
    const { records } = readAll(memoryReader(bytes));
    expect(records[0]).toMatchObject({ tsSec: 2 ** 40 + 1, tsNsec: 1, timeMs: (2 ** 40 + 1) * 1000 });
  });

  it('accounts for packets of an IDB that differs from the first (link type or snaplen), with libpcap index shift', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1 }), // 0
      idb({ linkType: 101 }), // rejected: different link type
      idb({ linkType: 1, snaplen: 1000 }), // rejected: different snaplen
      idb({ linkType: 1, tsresol: 9 }), // accepted: libpcap's interface 1
      epb({ interfaceId: 0, timestamp: 1_000_000n, data: frame(30, 1) }),
      epb({ interfaceId: 1, timestamp: 2_000_000_000n, data: frame(30, 2) }), // file IDB 1, libpcap's 1 (ns)
      epb({ interfaceId: 3, timestamp: 3_000_000n, data: frame(30, 3) }), // no such interface for libpcap
    ]);
    const reader = memoryReader(bytes);
    const { records, status } = readAll(reader);
    expect(status).toBe(ReadStatus.End);
    expect(records.map((r) => [r.linkType, r.timeMs])).toEqual([
      [1, 1000],
      [1, 2000],
      [LINKTYPE_INVALID_INTERFACE, 0],
    ]);
    expect(records[2]!.bytes).toEqual(frame(30, 3));
    expect(reader.recordsRead).toBe(3);
  });

  it('compares a later IDB against the mapped DLT (libpcap quirk: LINKTYPE_RAW 101 twice fails)', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 101 }),
      idb({ linkType: 101 }),
      epb({ interfaceId: 0, timestamp: 0n, data: frame(30) }),
      epb({ interfaceId: 1, timestamp: 0n, data: frame(30) }),
    ]);
    expect(readAll(memoryReader(bytes)).records.map((r) => r.linkType)).toEqual([12, LINKTYPE_INVALID_INTERFACE]);
  });

  it('a new section forgets the interfaces; its own IDBs are checked against the first', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1 }),
      idb({ linkType: 1, tsresol: 9 }),
      epb({ interfaceId: 1, timestamp: 5_000_000_000n, data: frame(30) }),
      shb(),
      epb({ interfaceId: 0, timestamp: 1n, data: frame(30) }), // before any IDB of this section
      idb({ linkType: 1, tsresol: 3 }),
      epb({ interfaceId: 0, timestamp: 7_000n, data: frame(30) }),
      epb({ interfaceId: 1, timestamp: 7_000n, data: frame(30) }),
    ]);
    const { records } = readAll(memoryReader(bytes));
    expect(records.map((r) => [r.linkType, r.timeMs])).toEqual([
      [1, 5000],
      [LINKTYPE_INVALID_INTERFACE, 0],
      [1, 7000],
      [LINKTYPE_INVALID_INTERFACE, 0],
    ]);
  });

  it('an IDB with bad options is counted but its packets fail', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1 }),
      idb({ linkType: 1, options: [{ code: 9, value: Uint8Array.of(6, 6) }] }), // if_tsresol of length 2
      idb({ linkType: 1, tsresol: 9 }),
      epb({ interfaceId: 1, timestamp: 0n, data: frame(30) }),
      epb({ interfaceId: 2, timestamp: 2_000_000_000n, data: frame(30) }),
    ]);
    expect(readAll(memoryReader(bytes)).records.map((r) => [r.linkType, r.timeMs])).toEqual([
      [LINKTYPE_INVALID_INTERFACE, 0],
      [1, 2000],
    ]);
  });

  it('rejects packets with caplen above the snaplen or beyond the block, and reads on', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1, snaplen: 64 }),
      epb({ timestamp: 0n, data: frame(100) }),
      epb({ timestamp: 0n, data: frame(40), caplen: 60 }),
      rawBlock({ blockType: 6, body: frame(8) }), // too short for an EPB
      epb({ timestamp: 1_000n, data: frame(40) }),
    ]);
    const { records, status } = readAll(memoryReader(bytes));
    expect(status).toBe(ReadStatus.End);
    expect(records.map((r) => [r.linkType, r.caplen])).toEqual([
      [LINKTYPE_INVALID_RECORD, 0],
      [LINKTYPE_INVALID_RECORD, 0],
      [LINKTYPE_INVALID_RECORD, 0],
      [1, 40],
    ]);
  });

  it('skips a block whose trailer length differs, as libpcap reads on', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1 }),
      rawBlock({ blockType: 0x99, body: frame(8), trailerLength: 99 }),
      epb({ timestamp: 1_000n, data: frame(40) }),
    ]);
    const { records, status } = readAll(memoryReader(bytes));
    expect(status).toBe(ReadStatus.End);
    expect(records).toHaveLength(1);
  });

  it('drops a truncated last block silently', () => {
    const bytes = pcapng({}, [shb(), idb({ linkType: 1 }), epb({ timestamp: 0n, data: frame(40) }), epb({ timestamp: 0n, data: frame(40) })]);
    const lastBlock = 28 + 40 + 4;
    for (const cut of [1, 4, lastBlock - 8, lastBlock - 1]) {
      const reader = memoryReader(bytes.subarray(0, bytes.length - cut));
      const { records, status } = readAll(reader);
      expect(status).toBe(ReadStatus.End);
      expect(records).toHaveLength(1);
      expect(reader.truncatedAt).toBe(bytes.length - lastBlock);
    }
  });

  it('reports broken block lengths as errors without allocating them', () => {
    const good = pcapng({}, [shb(), idb({ linkType: 1 }), epb({ timestamp: 0n, data: frame(40) })]);
    for (const length of [0x7ffffffc, 8, 30, 16 * 1024 * 1024 + 4]) {
      const bad = pcapng({}, [rawBlock({ blockType: 6, body: frame(20) })]);
      new DataView(bad.buffer).setUint32(4, length, true);
      const bytes = new Uint8Array([...good, ...bad]);
      const reader = memoryReader(bytes, 'broken.pcapng');
      const { records, status } = readAll(reader);
      expect(status).toBe(ReadStatus.Error);
      expect(records).toHaveLength(1);
      expect(reader.error).toBeInstanceOf(CaptureError);
      expect(reader.error!.offset).toBe(good.length);
    }
  });

  it('fails on a section with the other byte order', () => {
    const bytes = pcapng({}, [shb(), idb({ linkType: 1 }), shb({ bigEndian: true }), idb({ linkType: 1 })]);
    const reader = memoryReader(bytes);
    expect(readAll(reader).status).toBe(ReadStatus.Error);
  });

  it('open errors: no IDB, packet before IDB, bad first IDB options, bad version', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['no-idb.pcapng', pcapng({}, [shb()]), /no Interface Description Blocks/],
      ['packet-first.pcapng', pcapng({}, [shb(), epb({ timestamp: 0n, data: frame(30) }), idb({ linkType: 1 })]), /packet block before/],
      ['bad-resol.pcapng', pcapng({}, [shb(), idb({ linkType: 1, tsresol: 20 })]), /invalid options/],
      ['version.pcapng', pcapng({}, [shb({ major: 2 }), idb({ linkType: 1 })]), /version 2\.0/],
    ];
    for (const [name, bytes, message] of cases) {
      expect(() => openCapture(writeTemp(name, bytes))).toThrow(message);
      const reader = memoryReader(bytes, name);
      expect(readAll(reader).status).toBe(ReadStatus.Error);
      expect(reader.error!.message).toMatch(message);
    }
  });

  it('ignores unknown IDB options and honours the end-of-options marker', () => {
    const bytes = pcapng({}, [
      shb(),
      idb({ linkType: 1, options: [{ code: 2, value: new TextEncoder().encode('eth0') }] }),
      epb({ timestamp: 1_000n, data: frame(30) }),
    ]);
    expect(option(2, Uint8Array.of(1)).length).toBe(8);
    expect(readAll(memoryReader(bytes)).records[0]!.timeMs).toBe(1);
  });
});
