/** Where the transport header and its data lie in an IP packet (spec §1.3). */
export interface IpLayout {
  readonly version: 4 | 6;
  /** Transport protocol number after IPv6 extension headers. */
  readonly protocol: number;
  /** Offset of the address bytes (src, then dst) and their length (4 or 16). */
  readonly addrOffset: number;
  readonly addrLength: number;
  /** The IP header's length field: IPv4 total length, IPv6 payload length. */
  readonly lengthField: number;
  /** Offset of the transport header. */
  readonly transportOffset: number;
  /** End of the datagram: bounded by the length field (unless 0) and by the captured bytes. */
  readonly end: number;
  /** True for a non-first fragment: no transport header to decode. */
  readonly laterFragment: boolean;
}

/** IPv6 extension headers dpkt walks past to find the transport. */
const V6_EXTENSIONS = new Set([0, 43, 44, 51, 60]);

/**
 * Locates the transport header of an IPv4 or IPv6 packet; null when the bytes are not a complete
 * IP header.
 *
 * @example
 * ```ts
 * ipLayout(ipBytes)?.protocol; // 6 for TCP
 * ```
 */
export function ipLayout(ip: Uint8Array): IpLayout | null {
  if (ip.length < 1) return null;
  const version = ip[0]! >> 4;
  if (version === 4) {
    if (ip.length < 20) return null;
    const ihl = (ip[0]! & 0x0f) * 4;
    if (ihl < 20 || ip.length < ihl) return null;
    const total = (ip[2]! << 8) | ip[3]!;
    // Total length 0 (segmentation offload): everything captured (spec §1.3).
    const end = total === 0 ? ip.length : Math.min(Math.max(total, ihl), ip.length);
    const fragOffset = ((ip[6]! & 0x1f) << 8) | ip[7]!;
    return {
      version: 4,
      protocol: ip[9]!,
      addrOffset: 12,
      addrLength: 4,
      lengthField: total,
      transportOffset: ihl,
      end,
      laterFragment: fragOffset !== 0,
    };
  }
  if (version === 6) {
    if (ip.length < 40) return null;
    const plen = (ip[4]! << 8) | ip[5]!;
    const end = plen === 0 ? ip.length : Math.min(40 + plen, ip.length);
    let next = ip[6]!;
    let off = 40;
    let laterFragment = false;
    while (V6_EXTENSIONS.has(next)) {
      if (off + 8 > end) break;
      const nh = ip[off]!;
      let len: number;
      if (next === 44) {
        if ((((ip[off + 2]! << 8) | ip[off + 3]!) & 0xfff8) !== 0) laterFragment = true;
        len = 8;
      } else if (next === 51) len = (ip[off + 1]! + 2) * 4;
      else len = (ip[off + 1]! + 1) * 8;
      next = nh;
      off += len;
    }
    return {
      version: 6,
      protocol: next,
      addrOffset: 8,
      addrLength: 16,
      lengthField: plen,
      transportOffset: Math.min(off, end),
      end,
      laterFragment,
    };
  }
  return null;
}

/** TCP header fields and payload bounds inside an IP packet. */
export interface TcpLayout {
  readonly seq: number;
  readonly flags: number;
  readonly payloadOffset: number;
  readonly payloadEnd: number;
}

/**
 * Decodes the TCP header at `layout.transportOffset`; null when it is not complete (dpkt then fails
 * to decode TCP and the record has no `tcp`).
 *
 * @example
 * ```ts
 * const l = ipLayout(ipBytes); const t = l && tcpLayout(ipBytes, l);
 * ```
 */
export function tcpLayout(ip: Uint8Array, layout: IpLayout): TcpLayout | null {
  if (layout.protocol !== 6 || layout.laterFragment) return null;
  const o = layout.transportOffset;
  if (o + 20 > layout.end) return null;
  const dataOffset = (ip[o + 12]! >> 4) * 4;
  if (dataOffset < 20 || o + dataOffset > layout.end) return null;
  const seq = ((ip[o + 4]! << 24) | (ip[o + 5]! << 16) | (ip[o + 6]! << 8) | ip[o + 7]!) >>> 0;
  return { seq, flags: ip[o + 13]!, payloadOffset: o + dataOffset, payloadEnd: layout.end };
}
