import type { DecodedPacket } from '@flowstream/core';

/** An IPv4/IPv6 address word (network order) read as NFStream's little-endian 32-bit value. */
function le32(word: number): number {
  return ((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24);
}

/**
 * NFStream's packet hash for meter selection (spec §7, `packet_get_ip_info`): protocol + vlan_id +
 * A(src) + A(dst) + src_port + dst_port + tunnel_id in wrapping 32-bit arithmetic, where A(ip) is
 * the IPv4 address bytes read as LE32, or for IPv6 LE32(bytes 8–11) + LE32(bytes 12–15). The sum is
 * symmetric, so both directions of a flow get the same value.
 *
 * @returns the hash as an unsigned 32-bit integer.
 * @example
 * ```ts
 * const meter = nfstreamPacketHash(packet) % nMeters;
 * ```
 */
export function nfstreamPacketHash(p: DecodedPacket): number {
  let h = (p.protocol + p.vlanId + p.srcPort + p.dstPort + p.tunnelId) | 0;
  // one wrapping add at a time (the same sum modulo 2^32): a chain of adds made V8 check each for
  // overflow and deoptimise the packet path at the first that overflowed
  if (p.ipVersion === 6) {
    h = (h + le32(p.src2)) | 0;
    h = (h + le32(p.src3)) | 0;
    h = (h + le32(p.dst2)) | 0;
    h = (h + le32(p.dst3)) | 0;
  } else {
    h = (h + le32(p.src0)) | 0;
    h = (h + le32(p.dst0)) | 0;
  }
  return h >>> 0;
}
