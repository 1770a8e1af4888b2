import { DecodedPacket, IgnoreReason, PacketDecoder, type CaptureRecord } from '@flowstream/core';
import type { RecordDecoder } from '@flowstream/core/internal';
import { nfstreamPacketHash } from './flow-hash.js';

/** DLT_EN10MB. */
const DLT_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
/** Smallest Ethernet II type; below it are 802.3 lengths (LLC) and the 1501–1535 gap (spec §1.4). */
const MIN_ETHERTYPE = 1536;
/** Ethernet + the 20 bytes the IP stage needs before it looks at the version (spec §1.6). */
const MIN_IP_FRAME = 14 + 20;
/** Ethernet + IPv4 header + 8: the decoder's fast path takes shorter frames to its full stages. */
const MIN_PLAIN_FRAME = 14 + 20 + 8;
const GTP_U_PORT = 2152;
const TZSP_PORT = 37008;
const CAPWAP_DATA_PORT = 5247;

/**
 * The main thread's share of parallel metering (spec §7): says which meter owns a capture record,
 * or why the record is ignored, reading as few bytes as it can. The commonest frames are settled
 * by a header walk straight on the record's bytes:
 *
 * - plain Ethernet II / unfragmented IPv4 (exactly the frames the decoder's fast path takes):
 *   NFStream's symmetric packet hash of protocol, addresses and ports picks the meter (its
 *   bucket in the table of `meterBuckets`);
 * - IPv4 non-first fragments (`ipv4_fragment`) and Ethernet II frames whose IP-stage version
 *   nibble is neither 4 nor 6 (`non_ip`: ARP, LLDP, …) are ignored, as the staged decoder would.
 *
 * Anything else (VLAN, MPLS, PPPoE, LLC, IPv6, IP-in-IP, tunnels, other link types, odd headers)
 * goes through the full decoder here, the rare case. Either way the answer is the decoder's:
 * every record is accounted exactly as one meter would, and its worker decodes it the same.
 * When the workers take decoded packets (`decodeEvery`), every record is decoded here instead,
 * into the pump's packet, and hashed from its fields.
 */
export class RecordRouter implements RecordDecoder {
  /** The meter that owns the last record {@link decode} accepted. */
  owner = 0;
  /** NFStream's hash of the last record {@link route} gave an owner (unsigned 32-bit). */
  hash = 0;
  private readonly decoder: PacketDecoder;
  private readonly packet = new DecodedPacket();
  private readonly mask: number;

  /**
   * @param buckets the meter of each hash bucket (`meterBuckets`: a power-of-two length).
   * @param decodeEvery decode every record into the pump's packet (the dispatcher then hands the
   *   fields over, see `RecordKind.Packet`) instead of settling the commonest ones on their bytes.
   */
  constructor(
    private readonly buckets: Uint16Array,
    private readonly decodeTunnels: boolean,
    private readonly decodeEvery = false,
  ) {
    this.decoder = new PacketDecoder({ decodeTunnels });
    this.mask = buckets.length - 1;
  }

  /**
   * The decoder's verdict for the capture pump: 0 when `rec` is a packet (its meter in
   * {@link owner}), else the reason it is ignored. `out` is written only with `decodeEvery` (the
   * packet decoded); otherwise the commonest records are settled without decoding.
   */
  decode(rec: CaptureRecord, out: DecodedPacket): number {
    const owner = this.decodeEvery ? this.decodeFully(rec, out) : this.route(rec);
    if (owner < 0) return -owner;
    this.owner = owner;
    return IgnoreReason.None;
  }

  /** The meter (0 … meters − 1) that owns `rec` (its hash in {@link hash}), or −reason when the record is ignored. */
  route(rec: CaptureRecord): number {
    const caplen = rec.caplen;
    if (rec.linkType === DLT_ETHERNET && caplen >= MIN_IP_FRAME) {
      const d = rec.data;
      const b = rec.offset;
      const type = (d[b + 12]! << 8) | d[b + 13]!;
      const ip = b + 14;
      const version = d[ip]! >> 4;
      if (type === ETHERTYPE_IPV4 && version === 4) {
        const proto = d[ip + 9]!;
        // IP-in-IP is unwrapped before the fragment test: the decoder's business
        if (proto !== 4 && proto !== 41) {
          if ((((d[ip + 6]! << 8) | d[ip + 7]!) & 0x1fff) !== 0) return -IgnoreReason.Ipv4Fragment;
          const owner = this.plainIpv4(rec, d, b, ip, proto);
          if (owner >= 0) return owner;
        }
      } else if (version !== 4 && version !== 6 && type >= MIN_ETHERTYPE && !isTagType(type)) {
        return -IgnoreReason.NonIp;
      }
    }
    return this.decodeFully(rec, this.packet);
  }

  /** The fast path's frame (`fast-path.ts`, the same tests in the same order): the owner; −1 when the frame is not one. */
  private plainIpv4(rec: CaptureRecord, d: Uint8Array, b: number, ip: number, proto: number): number {
    const caplen = rec.caplen;
    if (caplen < MIN_PLAIN_FRAME || caplen > 0xffff) return -1;
    const hlen = (d[ip]! & 0x0f) * 4;
    if (hlen < 20) return -1;
    const end = b + caplen;
    const ipsize = caplen - 14;
    if (hlen > ipsize) return -1;
    const total = (d[ip + 2]! << 8) | d[ip + 3]!;
    const l4len = (total - hlen) & 0xffff;
    if ((total > ipsize ? total : ipsize) < hlen + l4len) return -1;
    const l4 = ip + hlen;
    let sp = 0;
    let dp = 0;
    if (proto === 6 && l4len >= 20) {
      if (l4 + 14 > end) return -1;
      sp = (d[l4]! << 8) | d[l4 + 1]!;
      dp = (d[l4 + 2]! << 8) | d[l4 + 3]!;
    } else if (proto === 17 && l4len >= 8) {
      if (l4 + 8 > end) return -1;
      sp = (d[l4]! << 8) | d[l4 + 1]!;
      dp = (d[l4 + 2]! << 8) | d[l4 + 3]!;
      if (this.decodeTunnels && isTunnelPort(sp, dp)) return -1;
    } else if (proto === 17 && this.decodeTunnels) {
      return -1;
    }
    // spec §7 hash: vlan and tunnel ids are 0 here; addresses are their bytes read as LE32
    const src = d[ip + 12]! | (d[ip + 13]! << 8) | (d[ip + 14]! << 16) | (d[ip + 15]! << 24);
    const dst = d[ip + 16]! | (d[ip + 17]! << 8) | (d[ip + 18]! << 16) | (d[ip + 19]! << 24);
    // one wrapping add at a time, as in nfstreamPacketHash (a chain is checked for overflow)
    let h = (proto + sp + dp) | 0;
    h = (h + src) | 0;
    h = (h + dst) >>> 0;
    this.hash = h;
    return this.buckets[h & this.mask]!;
  }

  /** The full decoder, into `out`: −(its ignore reason), or the owner of the packet it decoded. */
  private decodeFully(rec: CaptureRecord, out: DecodedPacket): number {
    const reason = this.decoder.decode(rec, out);
    if (reason !== IgnoreReason.None) return -reason;
    const h = nfstreamPacketHash(out);
    this.hash = h;
    return this.buckets[h & this.mask]!;
  }
}

/** Ethertypes the decoder's stage 2 unwraps (VLAN, MPLS, PPPoE, spec §1.5). */
function isTagType(type: number): boolean {
  return type === 0x8100 || type === 0x8847 || type === 0x8848 || type === 0x8864;
}

/** UDP ports the decoder treats as tunnels when decoding them (GTP-U, TZSP, CAPWAP data). */
function isTunnelPort(sp: number, dp: number): boolean {
  return sp === GTP_U_PORT || dp === GTP_U_PORT || sp === TZSP_PORT || dp === TZSP_PORT || sp === CAPWAP_DATA_PORT || dp === CAPWAP_DATA_PORT;
}
