// Stage 2 (spec §1.5): VLAN, MPLS, PPPoE and the absence of ethertype validation (quirks #7, #8).
import { describe, expect, it } from 'vitest';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { Dlt } from '../../src/decode/link/link-registry.js';
import { decodeFrame, endpoints } from './support/decode-frame.js';
import { A, A6, B, B6, ascii, be16, be32, eth, fill, ip4, ip6, udp } from './support/frames.js';

const u = udp(1000, 2000, ascii('hello'));
const v4 = ip4(A, B, 17, u);

describe('802.1Q (quirk #7)', () => {
  it('single tag: VLAN id without PCP bits', () => {
    const { reason, p } = decodeFrame(Dlt.EN10MB, eth(0x8100, [...be16(0x2064), ...be16(0x0800), ...v4]));
    expect(reason).toBe(IgnoreReason.None);
    expect(p.vlanId).toBe(100);
  });
  it('QinQ: the innermost tag wins', () => {
    const f = eth(0x8100, [...be16(100), ...be16(0x8100), ...be16(200), ...be16(0x0800), ...v4]);
    expect(decodeFrame(Dlt.EN10MB, f).p.vlanId).toBe(200);
  });
  it('802.1ad / 0x9100 outer tags are not recognised (tag bytes parsed as IP)', () => {
    const tags = [...be16(100), ...be16(0x8100), ...be16(200), ...be16(0x0800)];
    expect(decodeFrame(Dlt.EN10MB, eth(0x88a8, [...tags, ...v4])).reason).toBe(IgnoreReason.NonIp);
    expect(decodeFrame(Dlt.EN10MB, eth(0x9100, [...tags, ...v4])).reason).toBe(IgnoreReason.NonIp);
  });
  it('a tag reaching the end of the capture is ignored', () => {
    // caplen 28: tags at 14, 18, 22 all say 0x8100; the next one (26 + 4 >= 28) is truncated.
    const tag = [...be16(5), ...be16(0x8100)];
    const f = eth(0x8100, [...tag, ...tag, ...tag, 0, 0]);
    expect(f.length).toBe(28);
    expect(decodeFrame(Dlt.EN10MB, f).reason).toBe(IgnoreReason.TruncatedTag);
    const m = eth(0x8847, [...be32(0), ...be32(0), ...be32(0), 0, 0]);
    expect(decodeFrame(Dlt.EN10MB, m).reason).toBe(IgnoreReason.TruncatedIp);
  });
  it('VLAN then MPLS then IP is followed through the loop', () => {
    const f = eth(0x8100, [...be16(7), ...be16(0x8847), ...be32((16 << 12) | 0x100 | 64), ...v4]);
    const { reason, p } = decodeFrame(Dlt.EN10MB, f);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.vlanId).toBe(7);
  });
});

describe('MPLS', () => {
  it('skips labels up to bottom of stack', () => {
    const f = eth(0x8847, [...be32((16 << 12) | 64), ...be32((17 << 12) | 0x100 | 64), ...v4]);
    const { reason, p } = decodeFrame(Dlt.EN10MB, f);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.ipOffset - 7).toBe(22);
    expect(endpoints(p)).toBe('10.0.0.1:1000 > 10.0.0.2:2000');
  });
  it('carries IPv6 (decided by the nibble) and multicast MPLS', () => {
    const f = eth(0x8848, [...be32((16 << 12) | 0x100 | 64), ...ip6(A6, B6, 17, u)]);
    expect(decodeFrame(Dlt.EN10MB, f).p.ipVersion).toBe(6);
  });
  it('types the payload 0x0800, so IPv4 fragments are dropped', () => {
    const f = eth(0x8847, [...be32(0x100), ...ip4(A, B, 17, fill(16), { frag: 3 })]);
    expect(decodeFrame(Dlt.EN10MB, f).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
});

describe('PPPoE session', () => {
  it('skips 8 bytes without checking the PPP protocol', () => {
    const v6 = ip6(A6, B6, 17, u);
    expect(decodeFrame(Dlt.EN10MB, eth(0x8864, [0x11, 0, 0, 1, 0, 30, 0x00, 0x21, ...v4])).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.EN10MB, eth(0x8864, [0x11, 0, 0, 1, 0, 30, 0x00, 0x57, ...v6])).p.ipVersion).toBe(6);
  });
  it('PPPoE discovery (0x8863) is not handled', () => {
    expect(decodeFrame(Dlt.EN10MB, eth(0x8863, [0x11, 0, 0, 1, 0, 30, 0x00, 0x21, ...v4])).reason).toBe(IgnoreReason.NonIp);
  });
});

describe('no ethertype validation (quirk #8)', () => {
  it('ARP is ignored only because of its version nibble', () => {
    expect(decodeFrame(Dlt.EN10MB, eth(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...fill(20)])).reason).toBe(IgnoreReason.NonIp);
  });
  it('any ethertype followed by an IPv4 header is decoded (type ≠ 0x0800 keeps fragments)', () => {
    expect(decodeFrame(Dlt.EN10MB, eth(0x88cc, v4)).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.EN10MB, eth(0x88cc, ip4(A, B, 17, fill(16), { frag: 3 }))).reason).toBe(IgnoreReason.None);
  });
});
