import { describe, expect, it } from 'vitest';
import { CaptureRecord } from '../../src/capture/capture-record.js';
import { BpfCompileError, BpfFilter, loadLibpcap } from '../../src/filter/index.js';

const skip = loadLibpcap() instanceof Error && process.env.CI !== 'true';

// An Ethernet/IPv4/UDP frame 10.0.0.1:1000 → 10.0.0.2:53, and the same IPv4 packet as raw IP.
const ipUdp = [
  0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x03, 0xe8, 0, 53, 0, 8, 0, 0,
];
const ether = new Uint8Array([...Array(12).fill(0x02), 0x08, 0x00, ...ipUdp]);
const raw = new Uint8Array(ipUdp);

function record(data: Uint8Array, linkType: number): CaptureRecord {
  const r = new CaptureRecord();
  r.data = data;
  r.caplen = data.length;
  r.wireLength = data.length;
  r.linkType = linkType;
  return r;
}

describe.skipIf(skip)('BpfFilter', () => {
  it('compiles lazily per DLT and caches', () => {
    const filter = new BpfFilter('udp port 53');
    expect(filter.matches(record(ether, 1))).toBe(true);
    expect(filter.matches(record(raw, 12))).toBe(true);
    expect(filter.compileFor(1)).toBe(filter.compileFor(1));
    expect(filter.compileFor(1)).not.toBe(filter.compileFor(12));
    // libpcap compiles an expression once per link type in a thread, whichever filter asks (its
    // optimiser can take seconds on a long expression)
    expect(new BpfFilter('udp port 53').compileFor(1)).toBe(filter.compileFor(1));
    expect(new BpfFilter('tcp').matches(record(ether, 1))).toBe(false);
    // Raw bytes read as Ethernet do not parse as UDP.
    expect(filter.matches(record(raw, 1))).toBe(false);
  });

  it('lets records of refused interfaces through to the decoder', () => {
    expect(new BpfFilter('tcp').matches(record(ether, -1))).toBe(true);
  });

  it('reports an expression invalid for a DLT when the DLT is first seen', () => {
    const filter = new BpfFilter('ether src 02:02:02:02:02:02');
    expect(filter.matches(record(ether, 1))).toBe(true);
    expect(() => filter.matches(record(raw, 12))).toThrowError(BpfCompileError);
  });
});
