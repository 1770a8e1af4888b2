import type { CaptureRecord } from '../capture/capture-record.js';
import type { DecodedPacket } from './decoded-packet.js';

/** DLT_EN10MB: the only link type the fast path takes. */
const DLT_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
/** Ethernet header + IPv4 header + 8: shorter frames take the full decoder (short/truncated rules). */
const MIN_CAPLEN = 14 + 20 + 8;
/** UDP ports the full decoder treats as tunnels (GTP-U, TZSP, CAPWAP data) when decoding tunnels. */
const GTP_U_PORT = 2152;
const TZSP_PORT = 37008;
const CAPWAP_DATA_PORT = 5247;

/**
 * The decoder's shortcut for the commonest frame, Ethernet II + plain unfragmented IPv4: fills
 * `out` exactly as the staged decoder would (same fields, same quirks: spec §1.4–§1.8) with a
 * fraction of the work. It proves the frame parses before claiming it — anything else
 * (VLAN/MPLS/PPPoE, LLC, IPv6, IP-in-IP, fragments, tunnels, odd or truncated headers,
 * caplen ≥ 64 KiB) returns false, and the staged decoder runs, which also decides and counts
 * ignored frames. Its equivalence with the staged decoder is tested on every corpus frame.
 */
export class FastPathDecoder {
  constructor(private readonly decodeTunnels: boolean) {}

  /** True when `rec` is a plain Ethernet/IPv4 frame that parses; `out` then holds the packet. */
  parse(rec: CaptureRecord, out: DecodedPacket): boolean {
    const caplen = rec.caplen;
    // ipsize is u16(caplen − 14) in the decoder: keep clear of the wrap
    if (rec.linkType !== DLT_ETHERNET || caplen < MIN_CAPLEN || caplen > 0xffff) return false;
    const d = rec.data;
    const b = rec.offset;
    if (((d[b + 12]! << 8) | d[b + 13]!) !== ETHERTYPE_IPV4) return false;
    const ip = b + 14;
    const vh = d[ip]!;
    if (vh >> 4 !== 4) return false;
    const hlen = (vh & 0x0f) * 4;
    const proto = d[ip + 9]!;
    // IP-in-IP restarts the IP stage; fragments are ignored: both are the full decoder's business
    if (hlen < 20 || proto === 4 || proto === 41) return false;
    if ((((d[ip + 6]! << 8) | d[ip + 7]!) & 0x1fff) !== 0) return false;
    const end = b + caplen;
    const ipsize = caplen - 14;
    if (hlen > ipsize) return false;
    const total = (d[ip + 2]! << 8) | d[ip + 3]!;
    const l4len = (total - hlen) & 0xffff;
    if ((total > ipsize ? total : ipsize) < hlen + l4len) return false;
    const l4 = ip + hlen;
    let sp = 0;
    let dp = 0;
    let flags = 0;
    let transport = 0;
    let payload = 0;
    if (proto === 6 && l4len >= 20) {
      if (l4 + 14 > end) return false;
      sp = (d[l4]! << 8) | d[l4 + 1]!;
      dp = (d[l4 + 2]! << 8) | d[l4 + 3]!;
      const hdr = (d[l4 + 12]! >> 4) * 4;
      flags = d[l4 + 13]!;
      transport = l4len;
      payload = l4len > hdr ? l4len - hdr : 0;
    } else if (proto === 17 && l4len >= 8) {
      if (l4 + 8 > end) return false;
      sp = (d[l4]! << 8) | d[l4 + 1]!;
      dp = (d[l4 + 2]! << 8) | d[l4 + 3]!;
      if (this.decodeTunnels && isTunnelPort(sp, dp)) return false;
      transport = l4len;
      payload = l4len > 8 ? l4len - 8 : 0;
    } else if (proto === 17) {
      // a UDP header the decoder may still read as a tunnel: not worth a second copy of that logic
      if (this.decodeTunnels) return false;
    } else if (proto === 1 || proto === 58) {
      // the decoder sizes ICMPv6 like ICMP whatever the IP version
      transport = l4len;
      payload = l4len > 8 ? l4len - 8 : 0;
    }
    out.timeMs = rec.timeMs;
    out.tsSec = rec.tsSec;
    out.tsNsec = rec.tsNsec;
    out.rawSize = rec.wireLength & 0xffff;
    out.ipSize = total;
    out.transportSize = transport;
    out.payloadSize = payload;
    out.protocol = proto;
    out.ipVersion = 4;
    out.vlanId = 0;
    out.tunnelId = 0;
    out.srcPort = sp;
    out.dstPort = dp;
    out.tcpFlags = flags;
    out.src0 = ((d[ip + 12]! << 24) | (d[ip + 13]! << 16) | (d[ip + 14]! << 8) | d[ip + 15]!) >>> 0;
    out.src1 = 0;
    out.src2 = 0;
    out.src3 = 0;
    out.dst0 = ((d[ip + 16]! << 24) | (d[ip + 17]! << 16) | (d[ip + 18]! << 8) | d[ip + 19]!) >>> 0;
    out.dst1 = 0;
    out.dst2 = 0;
    out.dst3 = 0;
    out.dstMac = ((d[b]! << 8) | d[b + 1]!) * 4294967296 + (((d[b + 2]! << 24) | (d[b + 3]! << 16) | (d[b + 4]! << 8) | d[b + 5]!) >>> 0);
    out.srcMac = ((d[b + 6]! << 8) | d[b + 7]!) * 4294967296 + (((d[b + 8]! << 24) | (d[b + 9]! << 16) | (d[b + 10]! << 8) | d[b + 11]!) >>> 0);
    out.data = d;
    out.ipOffset = ip;
    out.ipLength = ipsize;
    return true;
  }
}

function isTunnelPort(sp: number, dp: number): boolean {
  return sp === GTP_U_PORT || dp === GTP_U_PORT || sp === TZSP_PORT || dp === TZSP_PORT || sp === CAPWAP_DATA_PORT || dp === CAPWAP_DATA_PORT;
}
