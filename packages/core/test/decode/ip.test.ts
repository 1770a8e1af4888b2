// Stage 3 and the IP part of stage 5 (spec §1.6, §1.8): fragments, truncation (quirk #9),
// IPv6 extension headers, IP-in-IP (quirk #10), header-length checks.
import { describe, expect, it } from 'vitest';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { Dlt } from '../../src/decode/link/link-registry.js';
import { decodeFrame, endpoints } from './support/decode-frame.js';
import { A, A6, B, B6, C, D, ascii, be16, be32, eth, fill, ip4, ip6, udp } from './support/frames.js';

const E = Dlt.EN10MB;
const v4 = (payload: number[], o: Parameters<typeof ip4>[4] = {}) => eth(0x0800, ip4(A, B, 17, payload, o));
const v6 = (next: number, payload: number[], plen?: number) => eth(0x86dd, ip6(A6, B6, next, payload, plen));

describe('IPv4 fragments', () => {
  it('keeps first fragments (ports from the header) and drops non-first ones', () => {
    const first = decodeFrame(E, v4(udp(3000, 4000, fill(20, 0x78)), { frag: 0x2000 }));
    expect(first.reason).toBe(IgnoreReason.None);
    expect(endpoints(first.p)).toBe('10.0.0.1:3000 > 10.0.0.2:4000');
    expect(decodeFrame(E, v4(fill(16), { frag: 0x0003 })).reason).toBe(IgnoreReason.Ipv4Fragment);
    expect(decodeFrame(E, v4(fill(16), { frag: 0x4000 | 0x1fff })).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
});

describe('IPv4 lengths (quirk #9)', () => {
  it('a capture truncated inside the packet is processed with header lengths', () => {
    const { reason, p } = decodeFrame(E, v4(udp(3000, 4000, fill(100, 0x7a))).slice(0, 60));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.ipSize).toBe(128);
    expect(p.transportSize).toBe(108);
    expect(p.payloadSize).toBe(100);
    expect(p.ipLength).toBe(46);
  });
  it('total length above the capture is kept; below the header length is ignored', () => {
    expect(decodeFrame(E, v4(udp(1, 2, ascii('hello')), { total: 2000 })).p.ipSize).toBe(2000);
    expect(decodeFrame(E, v4(udp(1, 2, ascii('hello')), { total: 10 })).reason).toBe(IgnoreReason.BadIpv4TotalLength);
  });
  it('an IHL beyond the captured bytes is ignored; IP options shift the transport header', () => {
    const bad = ip4(A, B, 17, udp(1, 2, ascii('hello')));
    bad[0] = 0x4f; // 60-byte header, 33-byte packet
    expect(decodeFrame(E, eth(0x0800, bad), { decodeTunnels: false }).reason).toBe(IgnoreReason.BadIpv4HeaderLength);
    // With tunnels on, stage 4 comes first and finds the "UDP header" beyond the capture.
    expect(decodeFrame(E, eth(0x0800, bad)).reason).toBe(IgnoreReason.TruncatedTunnel);
    const opts = decodeFrame(E, v4(udp(1000, 2000, ascii('hello')), { ihl: 6 }));
    expect(opts.reason).toBe(IgnoreReason.None);
    expect(endpoints(opts.p)).toBe('10.0.0.1:1000 > 10.0.0.2:2000');
    expect(opts.p.transportSize).toBe(13);
  });
  it('frames too short for an IPv4 header are ignored', () => {
    expect(decodeFrame(E, eth(0x8100, [0, 1, 0x08, 0x00, 0x45, ...fill(12)])).reason).toBe(IgnoreReason.TruncatedIp);
  });
});

describe('IPv6', () => {
  const u = udp(5000, 6000, fill(100, 0x71));
  it('a truncated capture is ignored (unlike IPv4)', () => {
    expect(decodeFrame(E, v6(17, u).slice(0, 94)).reason).toBe(IgnoreReason.TruncatedIpv6);
    expect(decodeFrame(E, v6(17, u).slice(0, 40)).reason).toBe(IgnoreReason.TruncatedIp);
  });
  it('walks hop-by-hop and destination options; ip_size is the payload length (quirk #15)', () => {
    const hbh = [60, 0, ...fill(6)];
    const dopt = [17, 1, ...fill(14)];
    const { reason, p } = decodeFrame(E, v6(0, [...hbh, ...dopt, ...udp(5000, 6000, ascii('e'))]));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.protocol).toBe(17);
    expect(p.ipSize).toBe(33);
    expect(p.transportSize).toBe(9);
    expect(endpoints(p)).toBe('2001:db8::1:5000 > 2001:db8::2:6000');
  });
  it('keeps first fragments and ignores non-first fragments', () => {
    const first = [17, 0, ...be16(0x0001), ...be32(7)];
    const later = [17, 0, ...be16(2 << 3), ...be32(7)];
    const f = decodeFrame(E, v6(44, [...first, ...udp(5001, 6001, fill(8, 0x66))]));
    expect(f.reason).toBe(IgnoreReason.None);
    expect(f.p.srcPort).toBe(5001);
    expect(decodeFrame(E, v6(44, [...later, ...fill(16)])).reason).toBe(IgnoreReason.Ipv6ExtensionHeader);
  });
  it('next header 59: failure with payload, protocol 59 when the payload is empty', () => {
    expect(decodeFrame(E, v6(59, fill(8))).reason).toBe(IgnoreReason.Ipv6ExtensionHeader);
    const empty = decodeFrame(E, v6(59, []));
    expect(empty.reason).toBe(IgnoreReason.None);
    expect(empty.p.protocol).toBe(59);
    expect(empty.p.transportSize).toBe(0);
  });
  it('an extension header longer than the payload fails', () => {
    expect(decodeFrame(E, v6(0, [17, 4, ...fill(10)])).reason).toBe(IgnoreReason.Ipv6ExtensionHeader);
  });
  it('the walk stops when at most 1 byte is left and keeps the extension type', () => {
    const { reason, p } = decodeFrame(E, v6(60, [0x11]));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.protocol).toBe(60);
  });
  it('AH is not walked: it is the protocol', () => {
    const { reason, p } = decodeFrame(E, v6(51, [0x11, 0x04, ...fill(22), ...udp(1, 2)]));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.protocol).toBe(51);
    expect(p.srcPort).toBe(0);
  });
});

describe('IP-in-IP (quirk #10)', () => {
  it('4in4 and 6in4 are keyed on the inner header, tunnel_id 0, outer MACs', () => {
    const r44 = decodeFrame(E, eth(0x0800, ip4(A, B, 4, ip4(C, D, 17, udp(11, 12, ascii('in'))))));
    expect(r44.reason).toBe(IgnoreReason.None);
    expect(endpoints(r44.p)).toBe('192.168.1.1:11 > 8.8.8.8:12');
    expect(r44.p.tunnelId).toBe(0);
    expect(r44.p.srcMac).toBe(0x001122334455);
    expect(r44.p.ipSize).toBe(30);
    const r64 = decodeFrame(E, eth(0x0800, ip4(A, B, 41, ip6(A6, B6, 17, udp(11, 12, ascii('in6'))))));
    expect(r64.p.ipVersion).toBe(6);
    expect(endpoints(r64.p)).toBe('2001:db8::1:11 > 2001:db8::2:12');
  });
  it('the outer fragment bits are never checked; inner 4in4 fragments are', () => {
    const inner = ip4(C, D, 17, udp(15, 16, ascii('x')));
    expect(decodeFrame(E, eth(0x0800, ip4(A, B, 4, inner, { frag: 5 }))).reason).toBe(IgnoreReason.None);
    const innerFrag = ip4(C, D, 17, udp(15, 16, ascii('x')), { frag: 5 });
    expect(decodeFrame(E, eth(0x0800, ip4(A, B, 4, innerFrag))).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
  it('4in6: inner fragments are kept (type stays 0x86DD)', () => {
    const innerFrag = ip4(C, D, 17, udp(13, 14, ascii('4in6')), { frag: 5 });
    const { reason, p } = decodeFrame(E, eth(0x86dd, ip6(A6, B6, 4, innerFrag)));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.ipVersion).toBe(4);
    // Ports are read from the inner header as if it were unfragmented.
    expect(p.srcPort).toBe(13);
  });
  it('IHL 0 with protocol 4 does not loop', () => {
    const f = ip4(A, B, 4, fill(20));
    f[0] = 0x40;
    const { reason, p } = decodeFrame(E, eth(0x0800, f));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.protocol).toBe(4);
  });
});
