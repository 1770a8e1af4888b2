import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  covertMarkPacketFromIp,
  covertMarkTime,
  formatIp,
  getWindowStats,
  groupPacketsByIpFixedSize,
  hostNetworkText,
  meanShift1d,
  parseClientNetworks,
  parseIp,
  sgdFeatureRowsFromPackets,
  windowPacketsFixedSize,
  windowPacketsTimeSeries,
} from '@flowstream/plugins/covertmark';
import { nthElement } from '../../src/covertmark/kd-tree-ties.js';
import { buildTcpPacket } from './packet-builder.js';

describe('covertMarkTime (spec §1.1)', () => {
  it('parses the six-decimal text and rounds nanoseconds half to even', () => {
    expect(covertMarkTime(1500000000, 123456000)).toBe(Number('1500000000.123456'));
    expect(covertMarkTime(1500000000, 123456500)).toBe(Number('1500000000.123456'));
    expect(covertMarkTime(1500000000, 123457500)).toBe(Number('1500000000.123458'));
    expect(covertMarkTime(1500000000, 123456501)).toBe(Number('1500000000.123457'));
    expect(covertMarkTime(1500000000, 999999500)).toBe(1500000001);
    expect(covertMarkTime(7, 5000)).toBe(7.000005);
  });
});

describe('covertMarkPacketFromIp (spec §1.3, §1.4)', () => {
  const payload = new TextEncoder().encode('hello');
  it('bounds the payload by the IP length (padding is not payload)', () => {
    const ip = buildTcpPacket({ src: '10.0.0.5', dst: '93.184.216.34', seq: 0xfffffff0, flags: 0x18, payload, padding: 6 });
    const r = covertMarkPacketFromIp(ip, 1500000000, 1000, ip.length + 14)!;
    expect(r).toMatchObject({ time: 1500000000.000001, src: '10.0.0.5', dst: '93.184.216.34', proto: 'TCP', len: 45, tls: false });
    expect(r.tcp!.seq).toBe(0xfffffff0);
    expect(r.tcp!.flags).toBe(0x18);
    expect([...r.tcp!.payload]).toEqual([...payload]);
  });
  it('takes everything captured when the IPv4 total length is 0 (LSO)', () => {
    const big = new Uint8Array(3000).fill(1);
    const ip = buildTcpPacket({ src: '10.0.0.5', dst: '10.0.0.6', seq: 1, flags: 0x10, payload: big, zeroTotalLength: true });
    const r = covertMarkPacketFromIp(ip, 1, 0, ip.length)!;
    expect(r.len).toBe(0);
    expect(r.tcp!.payload.length).toBe(3000);
  });
  it('handles IPv6, truncated TCP headers and non-IP bytes', () => {
    const ip = buildTcpPacket({ src: '2001:db8::5', dst: '2001:db8:0:0:1::1', seq: 7, flags: 0x02, payload: Uint8Array.of(22, 3, 1, 0, 0) });
    const r = covertMarkPacketFromIp(ip, 1, 0, ip.length)!;
    expect(r).toMatchObject({ src: '2001:db8::5', dst: '2001:db8::1:0:0:1', proto: 'TCP', len: 25, tls: true });
    expect(covertMarkPacketFromIp(ip.subarray(0, 50), 1, 0, 50)).toMatchObject({ proto: 'bytes', tcp: null });
    expect(covertMarkPacketFromIp(Uint8Array.of(0x00, 1, 2), 1, 0, 3)).toBeNull();
  });
});

describe('addresses and networks (spec §1.2)', () => {
  it('formats IPv6 like Python ipaddress', () => {
    for (const [input, want] of [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
      ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['::ffff:1.2.3.4', '::ffff:102:304'],
    ] as const) {
      expect(formatIp(parseIp(input)!)).toBe(want);
    }
    expect(hostNetworkText('10.0.0.5')).toBe('10.0.0.5/32');
  });
  it('rejects bad client networks (spec §9.7)', () => {
    expect(() => parseClientNetworks(['10.0.0.1/8'])).toThrow(RangeError);
    expect(() => parseClientNetworks(['10.0.0.0/33'])).toThrow(RangeError);
    expect(() => parseClientNetworks(['nonsense'])).toThrow(RangeError);
    expect(() => parseClientNetworks(['010.0.0.1'])).toThrow(RangeError);
    expect(() => parseClientNetworks([5 as unknown as string])).toThrow(TypeError);
    expect(() => getWindowStats([], ['10.0.0.1/24'])).toThrow(RangeError);
    expect(getWindowStats([], [])).toEqual({ stats: {}, remoteIps: new Set(), clientIps: new Set() });
  });
});

describe('invalid sizes throw RangeError (spec §9.6)', () => {
  it.each([0, -1, 1.5, NaN])('%s', (n) => {
    expect(() => windowPacketsFixedSize([], n)).toThrow(RangeError);
    expect(() => windowPacketsTimeSeries([], n)).toThrow(RangeError);
    expect(() => groupPacketsByIpFixedSize([], [], n)).toThrow(RangeError);
    expect(() => meanShift1d([1], n)).toThrow(RangeError);
  });
  it('SGD windows need at least 10 packets', () => {
    expect(() => sgdFeatureRowsFromPackets([], { clientSubnets: ['10.0.0.5'], windowSize: 9 })).toThrow(RangeError);
  });
});

describe('nthElement (libstdc++ introselect, spec B.2)', () => {
  it('places the element of rank nth and partitions around it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200 }), fc.nat(), (vals, r) => {
        const idx = vals.map((_, i) => i);
        const less = (a: number, b: number): boolean => vals[a]! < vals[b]! || (vals[a] === vals[b] && a < b);
        const nth = r % vals.length;
        nthElement(idx, 0, nth, idx.length, less);
        const sorted = [...idx].sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
        expect(idx[nth]).toBe(sorted[nth]);
        for (let i = 0; i < nth; i++) expect(less(idx[nth]!, idx[i]!)).toBe(false);
        for (let i = nth + 1; i < idx.length; i++) expect(less(idx[i]!, idx[nth]!)).toBe(false);
        expect([...idx].sort((a, b) => a - b)).toEqual(vals.map((_, i) => i));
      }),
    );
  });
});
