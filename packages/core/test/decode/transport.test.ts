// Stage 5 transport table and record fields (spec §1.8): sizes, ports, flags, quirk #14.
import { describe, expect, it } from 'vitest';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { Dlt } from '../../src/decode/link/link-registry.js';
import { decodeFrame, endpoints } from './support/decode-frame.js';
import { A, A6, B, B6, ascii, eth, fill, ip4, ip6, tcp, udp } from './support/frames.js';

const E = Dlt.EN10MB;

describe('transport', () => {
  it('TCP: ports, flags, data offset', () => {
    const { p } = decodeFrame(E, eth(0x0800, ip4(A, B, 6, tcp(80, 81, 0x12, ascii('data'), 8))));
    expect(endpoints(p)).toBe('10.0.0.1:80 > 10.0.0.2:81');
    expect(p.tcpFlags).toBe(0x12);
    expect(p.transportSize).toBe(36);
    expect(p.payloadSize).toBe(4);
  });
  it('TCP shorter than 20 bytes has no ports/flags/sizes', () => {
    const { reason, p } = decodeFrame(E, eth(0x0800, ip4(A, B, 6, tcp(80, 81).slice(0, 16))));
    expect(reason).toBe(IgnoreReason.None);
    expect([p.srcPort, p.dstPort, p.tcpFlags, p.transportSize, p.payloadSize]).toEqual([0, 0, 0, 0, 0]);
  });
  it('TCP data offset beyond the segment gives payload 0', () => {
    const { p } = decodeFrame(E, eth(0x0800, ip4(A, B, 6, tcp(81, 80, 0xff, ascii('data'), 15).slice(0, 30), { total: 50 })));
    expect(p.tcpFlags).toBe(0xff);
    expect(p.transportSize).toBe(30);
    expect(p.payloadSize).toBe(0);
  });
  it('UDP, ICMP (tiny), ICMPv6, GRE', () => {
    expect(decodeFrame(E, eth(0x0800, ip4(A, B, 17, udp(1, 2, ascii('hello'))))).p.payloadSize).toBe(5);
    const icmp = decodeFrame(E, eth(0x0800, ip4(A, B, 1, [8, 0, 0]))).p;
    expect([icmp.transportSize, icmp.payloadSize, icmp.srcPort]).toEqual([3, 0, 0]);
    const icmp6 = decodeFrame(E, eth(0x86dd, ip6(A6, B6, 58, [0x80, 0, 0, 0, 0, 1, 0, 1, ...fill(10, 0x70)]))).p;
    expect([icmp6.transportSize, icmp6.payloadSize]).toEqual([18, 10]);
    const gre = decodeFrame(E, eth(0x0800, ip4(A, B, 47, [0, 0, 8, 0, ...fill(30)]))).p;
    expect([gre.protocol, gre.transportSize, gre.payloadSize, gre.srcPort]).toEqual([47, 0, 0, 0]);
  });
  it('header bytes beyond caplen read as zero', () => {
    // Captured up to the first TCP port byte; the filler after caplen is 0xEE and must not be read.
    const f = eth(0x0800, ip4(A, B, 6, tcp(0x1234, 0x5678, 0x1f)));
    const { reason, p } = decodeFrame(E, f, { caplen: 14 + 20 + 1 });
    expect(reason).toBe(IgnoreReason.None);
    expect([p.srcPort, p.dstPort, p.tcpFlags]).toEqual([0x1200, 0, 0]);
    expect(p.transportSize).toBe(20);
    expect(p.payloadSize).toBe(20);
  });
});

describe('record fields', () => {
  it('raw_size is the wire length modulo 65536 (quirk #14)', () => {
    const f = eth(0x0800, ip4(A, B, 17, udp(1, 2)));
    expect(decodeFrame(E, f, { wireLength: 70000 }).p.rawSize).toBe(70000 - 65536);
    expect(decodeFrame(E, f).p.rawSize).toBe(f.length);
  });
  it('ip_length counts Ethernet padding; ip_offset points into the record buffer', () => {
    const ip = ip4(A, B, 17, udp(1, 2, ascii('hello')));
    const { p } = decodeFrame(E, eth(0x0800, [...ip, ...fill(20)]));
    expect(p.ipSize).toBe(ip.length);
    expect(p.ipLength).toBe(ip.length + 20);
    expect(p.data[p.ipOffset]).toBe(0x45);
    expect(p.data[p.ipOffset + 12]).toBe(10);
  });
  it('copies the timestamps and writes every address word', () => {
    const v6 = decodeFrame(E, eth(0x86dd, ip6(A6, B6, 17, udp(1, 2)))).p;
    expect([v6.src0, v6.src1, v6.src2, v6.src3]).toEqual([0x20010db8, 0, 0, 1]);
    expect(v6.dst3).toBe(2);
    expect([v6.timeMs, v6.tsSec, v6.tsNsec]).toEqual([1600000000123, 1600000000, 123456789]);
    const v4 = decodeFrame(E, eth(0x0800, ip4(A, B, 17, udp(1, 2)))).p;
    expect([v4.src0, v4.src1, v4.dst0, v4.dst3]).toEqual([0x0a000001, 0, 0x0a000002, 0]);
  });
});
