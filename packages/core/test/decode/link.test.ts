// Stage 1 (spec §1.4): one test group per DLT, with the link-layer quirks #3–#6.
import { describe, expect, it } from 'vitest';
import { IgnoreReason } from '../../src/decode/ignore-reason.js';
import { Dlt } from '../../src/decode/link/link-registry.js';
import { decodeFrame, endpoints, macs } from './support/decode-frame.js';
import { A, A6, B, B6, ascii, be16, be32, eth, fill, ip4, ip6, le32, tcp, udp } from './support/frames.js';

const v4 = ip4(A, B, 17, udp(1000, 2000, ascii('abc')));
const v4frag = ip4(A, B, 17, fill(16, 0x79), { frag: 0x0003 });
const v6 = ip6(A6, B6, 6, tcp(1, 2, 0x18, ascii('zz')));

describe('short frames and unknown link types', () => {
  it('ignores frames shorter than link offset + 28', () => {
    expect(decodeFrame(Dlt.RAW, v4.slice(0, 27)).reason).toBe(IgnoreReason.ShortFrame);
    expect(decodeFrame(Dlt.RAW, v4.slice(0, 28)).reason).not.toBe(IgnoreReason.ShortFrame);
  });
  it('ignores unsupported DLTs (802.11 without radiotap, OpenBSD loop)', () => {
    expect(decodeFrame(105, eth(0x0800, v4)).reason).toBe(IgnoreReason.UnsupportedLinkType);
    expect(decodeFrame(108, [...be32(2), ...v4]).reason).toBe(IgnoreReason.UnsupportedLinkType);
    expect(decodeFrame(100000, v4).reason).toBe(IgnoreReason.UnsupportedLinkType);
  });
  it('reports records of a mismatching pcapng interface (linkType -1)', () => {
    expect(decodeFrame(-1, v4).reason).toBe(IgnoreReason.InterfaceMismatch);
  });
});

describe('DLT_NULL (quirk #3)', () => {
  it('big-endian family 2 is IPv4 with fragment dropping', () => {
    expect(decodeFrame(Dlt.NULL, [...be32(2), ...v4]).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.NULL, [...be32(2), ...v4frag]).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
  it('little-endian family 2 becomes type 0x86DD: IPv4 still decodes but fragments are kept', () => {
    const { reason, p } = decodeFrame(Dlt.NULL, [...le32(2), ...v4]);
    expect(reason).toBe(IgnoreReason.None);
    expect(endpoints(p)).toBe('10.0.0.1:1000 > 10.0.0.2:2000');
    const frag = decodeFrame(Dlt.NULL, [...le32(2), ...v4frag]);
    expect(frag.reason).toBe(IgnoreReason.None);
    // The "ports" are the first payload bytes ('yyyy').
    expect(frag.p.srcPort).toBe(0x7979);
  });
  it('little-endian family 2 disables UDP tunnel decoding (proto never refreshed)', () => {
    const inner = ip4(B, A, 6, tcp(1234, 80));
    const gtp = [0x30, 0xff, ...be16(inner.length), ...be32(1), ...inner];
    const frame = [...le32(2), ...ip4(A, B, 17, udp(2152, 2152, gtp))];
    const { reason, p } = decodeFrame(Dlt.NULL, frame);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.tunnelId).toBe(0);
    expect(endpoints(p)).toBe('10.0.0.1:2152 > 10.0.0.2:2152');
    const be = decodeFrame(Dlt.NULL, [...be32(2), ...ip4(A, B, 17, udp(2152, 2152, gtp))]);
    expect(be.p.tunnelId).toBe(1);
  });
  it('IPv6 family values work through the version nibble', () => {
    const { reason, p } = decodeFrame(Dlt.NULL, [...le32(30), ...v6]);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.ipVersion).toBe(6);
    expect(p.srcMac).toBe(0);
  });
});

describe('DLT_PPP / C_HDLC / PPP_SERIAL (quirk #4)', () => {
  it('DLT_PPP with FF 03 address/control is always ignored (IP header 2 bytes early)', () => {
    const r = decodeFrame(Dlt.PPP, [0xff, 0x03, 0x00, 0x21, ...v4]).reason;
    expect(r).toBe(IgnoreReason.BadLinkHeader);
    expect(decodeFrame(Dlt.PPP, [0xff, 0x03, 0x00, 0x57, ...v6]).reason).toBe(IgnoreReason.BadLinkHeader);
  });
  it('DLT_PPP without address/control decodes, and PPP protocol numbers keep fragments', () => {
    expect(decodeFrame(Dlt.PPP, [0x00, 0x21, ...v4]).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.PPP, [0x00, 0x57, ...v6]).p.ipVersion).toBe(6);
    // type 0x0021 ≠ 0x0800: frag_off is never read.
    expect(decodeFrame(Dlt.PPP, [0x00, 0x21, ...v4frag]).reason).toBe(IgnoreReason.None);
  });
  it('C_HDLC 0x0F/0x8F address uses a 4-byte header and the ethertype', () => {
    expect(decodeFrame(Dlt.C_HDLC, [0x0f, 0x00, 0x08, 0x00, ...v4]).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.C_HDLC, [0x8f, 0x00, 0x08, 0x00, ...v4frag]).reason).toBe(IgnoreReason.Ipv4Fragment);
    expect(decodeFrame(Dlt.C_HDLC, [0x0f, 0x00, 0x86, 0xdd, ...v6]).p.ipVersion).toBe(6);
  });
  it('PPP_SERIAL always skips 4 bytes; PPP protocol 0x0021 keeps fragments', () => {
    expect(decodeFrame(Dlt.PPP_SERIAL, [0xff, 0x03, 0x00, 0x21, ...v4]).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.PPP_SERIAL, [0xff, 0x03, 0x00, 0x21, ...v4frag]).reason).toBe(IgnoreReason.None);
  });
});

describe('RAW and IPV4/IPV6 DLTs', () => {
  it('RAW picks the type from the version nibble (fragments dropped for IPv4)', () => {
    expect(decodeFrame(Dlt.RAW, v4).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.RAW, v4frag).reason).toBe(IgnoreReason.Ipv4Fragment);
    expect(decodeFrame(Dlt.RAW, v6).p.ipVersion).toBe(6);
    expect(decodeFrame(Dlt.RAW, [0x50, ...v4.slice(1)]).reason).toBe(IgnoreReason.NonIp);
  });
  it('IPV4/IPV6 DLTs set the type; the version nibble still decides', () => {
    expect(decodeFrame(Dlt.IPV4, v4frag).reason).toBe(IgnoreReason.Ipv4Fragment);
    expect(decodeFrame(Dlt.IPV6, v6).p.ipVersion).toBe(6);
    // IPv4 under DLT_IPV6: type 0x86DD, so fragments are kept.
    expect(decodeFrame(Dlt.IPV6, v4frag).reason).toBe(IgnoreReason.None);
  });
});

describe('EN10MB (quirk #5)', () => {
  it('Ethernet II records MACs', () => {
    const { reason, p } = decodeFrame(Dlt.EN10MB, eth(0x0800, v4));
    expect(reason).toBe(IgnoreReason.None);
    expect(macs(p)).toBe('00:11:22:33:44:55 > 66:77:88:99:aa:bb');
    expect(p.ipOffset - 7).toBe(14);
  });
  it('802.3 SNAP reads the type little-endian (IPv4 → 0x0008): fragments kept, tunnels off', () => {
    const llc = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    expect(decodeFrame(Dlt.EN10MB, eth(llc.length + v4.length, [...llc, ...v4])).reason).toBe(IgnoreReason.None);
    const frag = decodeFrame(Dlt.EN10MB, eth(40, [...llc, ...v4frag]));
    expect(frag.reason).toBe(IgnoreReason.None);
    expect(frag.p.ipOffset - 7).toBe(22);
  });
  it('SNAP bytes `00 08` read little-endian give 0x0800, so fragments are dropped', () => {
    const llc = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x00, 0x08];
    expect(decodeFrame(Dlt.EN10MB, eth(40, [...llc, ...v4frag])).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
  it('spanning-tree LLC is ignored; other LLC leaves the IP header at 14', () => {
    expect(decodeFrame(Dlt.EN10MB, eth(38, [0x42, 0x42, 0x03, ...fill(40)])).reason).toBe(IgnoreReason.SpanningTree);
    expect(decodeFrame(Dlt.EN10MB, eth(38, [0x06, 0x42, 0x03, ...fill(40)])).reason).toBe(IgnoreReason.SpanningTree);
    // Length 0 skips the LLC test: the "LLC" is parsed as IP (nibble 4 ⇒ processed).
    expect(decodeFrame(Dlt.EN10MB, eth(0, v4)).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.EN10MB, eth(20, [0x42, 0x42, ...v4.slice(2)])).reason).toBe(IgnoreReason.SpanningTree);
  });
  it('values 1501–1535 leave the type unchanged (0 ⇒ nibble decides, no fragment drop)', () => {
    expect(decodeFrame(Dlt.EN10MB, eth(1510, v4)).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.EN10MB, eth(1510, v4frag)).reason).toBe(IgnoreReason.None);
  });
});

describe('LINUX_SLL and LINUX_SLL2 (extension)', () => {
  it('SLL: type at +14, IP at +16, no MACs', () => {
    const hdr = [0, 0, 0, 1, 0, 6, ...fill(8, 1), 0x08, 0x00];
    const { reason, p } = decodeFrame(Dlt.LINUX_SLL, [...hdr, ...v4]);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.srcMac).toBe(0);
    expect(decodeFrame(Dlt.LINUX_SLL, [...hdr, ...v4frag]).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
  it('SLL2: protocol at +0, IP at +20', () => {
    const hdr = [0x08, 0x00, 0, 0, ...be32(2), 0, 1, 0, 6, ...fill(8, 1)];
    const { reason, p } = decodeFrame(Dlt.LINUX_SLL2, [...hdr, ...v4]);
    expect(reason).toBe(IgnoreReason.None);
    expect(p.ipOffset - 7).toBe(20);
    expect(decodeFrame(Dlt.LINUX_SLL2, [...hdr, ...v4frag]).reason).toBe(IgnoreReason.Ipv4Fragment);
  });
});

describe('radiotap (quirk #6)', () => {
  const rt = (flags: number) => [0, 0, 25, 0, ...le32(0x0f), ...fill(8), flags, ...fill(8)];
  const wifi = (fc: number, qos: boolean) => [fc & 0xff, fc >> 8, 0, 0, ...fill(6, 1), ...fill(6, 2), ...fill(6, 3), 0, 0, ...(qos ? [0, 0] : [])];
  const body = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...v4];

  it('ToDS data frame: MACs from addr2/addr3, SNAP type big-endian', () => {
    const { reason, p } = decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0), ...wifi(0x0108, true), ...body]);
    expect(reason).toBe(IgnoreReason.None);
    expect(macs(p)).toBe('02:02:02:02:02:02 > 03:03:03:03:03:03');
    expect(endpoints(p)).toBe('10.0.0.1:1000 > 10.0.0.2:2000');
  });
  it('FromDS-only is also 26 bytes; bad FCS flag (0x50) is ignored', () => {
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0), ...wifi(0x0208, true), ...body]).reason).toBe(IgnoreReason.None);
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0x50), ...wifi(0x0108, true), ...body]).reason).toBe(IgnoreReason.Radiotap);
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0x10), ...wifi(0x0108, true), ...body]).reason).toBe(IgnoreReason.None);
  });
  it('no DS bit or both DS bits: wifi_len 0, the 802.11 header is parsed as LLC + IP', () => {
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0), ...wifi(0x0008, false), ...body]).reason).toBe(IgnoreReason.NonIp);
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0), ...wifi(0x0308, true), ...body]).reason).toBe(IgnoreReason.NonIp);
  });
  it('non-data frames and short frames are ignored', () => {
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, [...rt(0), ...wifi(0x0080, false), ...body]).reason).toBe(IgnoreReason.Radiotap);
    const long = [0, 0, ...[0xe8, 0x03], ...fill(40)];
    expect(decodeFrame(Dlt.IEEE802_11_RADIO, long).reason).toBe(IgnoreReason.Radiotap);
  });
});
