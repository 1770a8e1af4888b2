// Stage 4 (spec §1.7): GTP-U, TZSP, CAPWAP, restart semantics, quirks #11–#13.
import { describe, expect, it } from 'vitest';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { Dlt } from '../../src/decode/link/link-registry.js';
import { decodeFrame, endpoints, macs } from './support/decode-frame.js';
import { A, A6, B, B6, C, D, ascii, be16, be32, eth, fill, ip4, ip6, tcp, udp } from './support/frames.js';

const E = Dlt.EN10MB;
const outer = (sport: number, dport: number, data: number[]) => eth(0x0800, ip4(A, B, 17, udp(sport, dport, data)));
const gtpInner = ip4(C, D, 6, tcp(1234, 80, 0x02));
const gtp = (flags: number, msg: number, rest: number[]) => [flags, msg, ...be16(rest.length), ...be32(0x11223344), ...rest];

describe('GTP-U', () => {
  it('plain T-PDU: inner packet, tunnel_id 1, outer MACs and VLAN', () => {
    const f = eth(0x8100, [...be16(9), ...be16(0x0800), ...ip4(A, B, 17, udp(2152, 2152, gtp(0x30, 0xff, gtpInner)))]);
    const { reason, p } = decodeFrame(E, f);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.tunnelId).toBe(1);
    expect(p.vlanId).toBe(9);
    expect(endpoints(p)).toBe('192.168.1.1:1234 > 8.8.8.8:80');
    expect(p.tcpFlags).toBe(0x02);
    expect(macs(p)).toBe('00:11:22:33:44:55 > 66:77:88:99:aa:bb');
  });
  it('sequence flag adds 4 bytes; extension headers are skipped', () => {
    const seq = gtp(0x32, 0xff, [0, 1, 0, 0, ...gtpInner]);
    expect(endpoints(decodeFrame(E, outer(2152, 2152, seq)).p)).toBe('192.168.1.1:1234 > 8.8.8.8:80');
    const ext = gtp(0x34, 0xff, [0, 0, 0, 0x85, 1, 0xab, 0xcd, 0, ...gtpInner]);
    const r = decodeFrame(E, outer(2152, 2152, ext));
    expect(r.p.tunnelId).toBe(1);
    expect(endpoints(r.p)).toBe('192.168.1.1:1234 > 8.8.8.8:80');
  });
  it('a zero extension length is a parse error: the packet stays the outer UDP flow', () => {
    const ext = gtp(0x34, 0xff, [0, 0, 0, 0x85, 0, 0xab, 0xcd, 0, ...gtpInner]);
    const r = decodeFrame(E, outer(2152, 2152, ext));
    expect(r.p.tunnelId).toBe(0);
    expect(endpoints(r.p)).toBe('10.0.0.1:2152 > 10.0.0.2:2152');
  });
  it('IPv6 inner header; non-T-PDU messages stay outer', () => {
    const r6 = decodeFrame(E, outer(40000, 2152, gtp(0x30, 0xff, ip6(A6, B6, 17, udp(77, 78)))));
    expect(r6.p.ipVersion).toBe(6);
    expect(endpoints(r6.p)).toBe('2001:db8::1:77 > 2001:db8::2:78');
    const echo = decodeFrame(E, outer(2152, 2152, gtp(0x30, 0x01, ascii('echo'))));
    expect(echo.p.tunnelId).toBe(0);
    expect(echo.p.payloadSize).toBe(12);
  });
  it('inner header not re-checked (quirk #12): inner fragments kept, bad version ignored', () => {
    const frag = ip4(C, D, 17, fill(16, 0x41), { frag: 3 });
    const r = decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, frag)));
    expect(r.reason).toBe(IgnoreReason.None);
    expect(r.p.srcPort).toBe(0x4141);
    expect(decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, [0x50, ...fill(30)]))).reason).toBe(IgnoreReason.GtpInnerVersion);
    // Inner IP-in-IP is not unwrapped either.
    const ipip = decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, ip4(C, D, 4, ip4(A, B, 17, udp(1, 2))))));
    expect(ipip.p.protocol).toBe(4);
  });
  it('a short inner header is ignored as a truncated tunnel', () => {
    expect(decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, [0x45, ...fill(10)]))).reason).toBe(IgnoreReason.TruncatedTunnel);
    expect(decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, [0x60, ...fill(30)]))).reason).toBe(IgnoreReason.TruncatedTunnel);
  });
  it('not decoded with decodeTunnels false', () => {
    const r = decodeFrame(E, outer(2152, 2152, gtp(0x30, 0xff, gtpInner)), { decodeTunnels: false });
    expect(r.p.tunnelId).toBe(0);
    expect(endpoints(r.p)).toBe('10.0.0.1:2152 > 10.0.0.2:2152');
  });
});

describe('IPv6 outer header (quirk #11)', () => {
  it('GTP over IPv6 is not decoded: the "UDP header" is read at ip_offset + L4 length', () => {
    const f = eth(0x86dd, ip6(A6, B6, 17, udp(2152, 2152, gtp(0x30, 0xff, gtpInner))));
    const r = decodeFrame(E, f);
    expect(r.reason).toBe(IgnoreReason.None);
    expect(r.p.tunnelId).toBe(0);
    expect(endpoints(r.p)).toBe('2001:db8::1:2152 > 2001:db8::2:2152');
  });
  it('bytes at that wrong position decide: a TZSP port there sets tunnel_id 3', () => {
    // L4 length 48 ⇒ the engine reads "ports" at IPv6 header + 48 = UDP payload offset 0.
    const payload = [...be16(1), ...be16(37008), 0, 0, 0, 0, 9, 9, 9, 9, ...fill(28)];
    const r = decodeFrame(E, eth(0x86dd, ip6(A6, B6, 17, udp(5, 6, payload))));
    expect(r.reason).toBe(IgnoreReason.None);
    expect(r.p.tunnelId).toBe(3);
    expect(endpoints(r.p)).toBe('2001:db8::1:5 > 2001:db8::2:6');
  });
});

describe('TZSP (quirk #13)', () => {
  const innerEth = eth(0x0800, ip4(C, D, 17, udp(555, 666, ascii('tz'))), fill(6, 0xaa), fill(6, 0xbb));
  it('valid header: restarts at the link layer with the inner Ethernet frame', () => {
    const f = eth(0x8100, [...be16(42), ...be16(0x0800), ...ip4(A, B, 17, udp(40001, 37008, [1, 0, 0, 1, 1, ...innerEth]))]);
    const { reason, p } = decodeFrame(E, f);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.tunnelId).toBe(3);
    expect(endpoints(p)).toBe('192.168.1.1:555 > 8.8.8.8:666');
    expect(macs(p)).toBe('aa:aa:aa:aa:aa:aa > bb:bb:bb:bb:bb:bb');
    expect(p.vlanId).toBe(42); // not reset by the restart
  });
  it('the inner frame is decoded again from stage 1, inner tunnels included', () => {
    const innerGtp = eth(0x0800, ip4(C, D, 17, udp(2152, 2152, gtp(0x30, 0xff, gtpInner))), fill(6, 0xaa), fill(6, 0xbb));
    const { reason, p } = decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 1, ...innerGtp]));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.tunnelId).toBe(1);
    expect(endpoints(p)).toBe('192.168.1.1:1234 > 8.8.8.8:80');
  });
  it('unsupported header: outer UDP flow but tunnel_id 3', () => {
    const r = decodeFrame(E, outer(40001, 37008, [2, 0, 0, 1, 1, ...innerEth]));
    expect(r.reason).toBe(IgnoreReason.None);
    expect(r.p.tunnelId).toBe(3);
    expect(endpoints(r.p)).toBe('10.0.0.1:40001 > 10.0.0.2:37008');
  });
  it('only the first tag is read and its length excludes the type/length bytes', () => {
    // Tag 10 with length 2 skips only 2 bytes: the inner frame starts at `00 00 bb ...` (misparsed:
    // its "ethertype" is 0xAAAA and its "IP header" starts with 0x08).
    const r = decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 10, 2, 0, 0, ...innerEth]));
    expect(r.reason).toBe(IgnoreReason.NonIp);
    // With length 4 the skip lands exactly on the inner frame.
    const ok = decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 10, 4, 0, 0, ...innerEth]));
    expect(endpoints(ok.p)).toBe('192.168.1.1:555 > 8.8.8.8:666');
  });
  it('inner frames shorter than 28 bytes are short frames; headers beyond the capture are truncated tunnels', () => {
    expect(decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 1, ...innerEth.slice(0, 27)])).reason).toBe(IgnoreReason.ShortFrame);
    const full = outer(40001, 37008, [1, 0, 0, 1]);
    expect(decodeFrame(E, full.slice(0, full.length - 1)).reason).toBe(IgnoreReason.TruncatedTunnel);
    expect(decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 10])).reason).toBe(IgnoreReason.TruncatedTunnel);
    expect(decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1, 10, 9, 0])).reason).toBe(IgnoreReason.TruncatedTunnel);
  });
  it('a TZSP header ending at the capture end leaves the outer packet (tag loop not entered)', () => {
    const r = decodeFrame(E, outer(40001, 37008, [1, 0, 0, 1]));
    expect(r.reason).toBe(IgnoreReason.None);
    expect(r.p.tunnelId).toBe(3);
  });
});

describe('CAPWAP', () => {
  const wifi = [0x08, 0x02, 0, 0, ...fill(6, 1), ...fill(6, 2), ...fill(6, 3), 0, 0];
  const capIn = [...wifi, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ip4(C, D, 17, udp(888, 999, ascii('capwap-data-payload')))];
  const capwap = [0x00, 0x20, 0x43, 0x20, ...fill(12), ...capIn];
  it('802.11 + LLC inside CAPWAP data: inner packet, tunnel_id 2, 802.11 MACs', () => {
    const { reason, p } = decodeFrame(E, outer(40002, 5247, capwap));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.tunnelId).toBe(2);
    expect(endpoints(p)).toBe('192.168.1.1:888 > 8.8.8.8:999');
    expect(macs(p)).toBe('02:02:02:02:02:02 > 03:03:03:03:03:03');
  });
  it('a non-zero preamble leaves the outer packet', () => {
    const r = decodeFrame(E, outer(40002, 5247, [0x01, ...capwap.slice(1)]));
    expect(r.p.tunnelId).toBe(0);
    expect(endpoints(r.p)).toBe('10.0.0.1:40002 > 10.0.0.2:5247');
  });
  it('GTP port with too few bytes falls through to the next rules', () => {
    // sport 2152 but U+16 >= caplen; dport 37008 ⇒ TZSP applies (unsupported ⇒ tunnel 3).
    const r = decodeFrame(E, outer(2152, 37008, [9, 0, 0, 1, 0, 0, 0, 0]));
    expect(r.p.tunnelId).toBe(3);
  });
});
