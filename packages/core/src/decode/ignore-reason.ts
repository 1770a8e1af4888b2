/**
 * Why a captured frame was not turned into a packet (spec §1.9). Like Zeek's "weirds", each reason
 * has a stable name and is counted; `None` (0) means the packet was decoded.
 *
 * @example
 * ```ts
 * import { CaptureRecord, DecodedPacket, IgnoreReason, PacketDecoder, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * const packet = new DecodedPacket();
 * const decoder = new PacketDecoder({ decodeTunnels: false });
 * let fragments = 0;
 * while (reader.next(record) === ReadStatus.Record) {
 *   if (decoder.decode(record, packet) === IgnoreReason.Ipv4Fragment) fragments++;
 * }
 * ```
 */
export const IgnoreReason = {
  None: 0,
  /** caplen < link offset + 28 (minimal IP + UDP). */
  ShortFrame: 1,
  /** Link type NFStream does not decode. */
  UnsupportedLinkType: 2,
  /** 802.3 frame with spanning-tree LLC. */
  SpanningTree: 3,
  /** Radiotap: bad FCS flag, too short, or not a data frame. */
  Radiotap: 4,
  /** 802.1Q or MPLS tag beyond the captured bytes. */
  TruncatedTag: 5,
  /** Frame too short for an IPv4/IPv6 header. */
  TruncatedIp: 6,
  /** Version nibble is not 4 or 6 (ARP, LLDP, …). */
  NonIp: 7,
  /** IPv4 fragment with a non-zero offset. */
  Ipv4Fragment: 8,
  /** IPv6 capture shorter than its payload length. */
  TruncatedIpv6: 9,
  /** IPv6 extension-header walk failed (includes non-first fragments). */
  Ipv6ExtensionHeader: 10,
  /** Tunnel header (UDP, GTP inner, TZSP) beyond the captured bytes. */
  TruncatedTunnel: 11,
  /** GTP-U inner header version not 4 or 6. */
  GtpInnerVersion: 12,
  /** IPv4 IHL larger than the captured bytes. */
  BadIpv4HeaderLength: 13,
  /** IPv4 total length smaller than the header length. */
  BadIpv4TotalLength: 14,
  /** Link-layer quirks that leave no IP header (e.g. DLT_PPP with FF 03). */
  BadLinkHeader: 15,
  /**
   * pcapng packet of an interface whose link type or snap length differs from the first IDB's
   * (the reader delivers it with `linkType === -1`; libpcap fails such packets, spec §1.1).
   */
  InterfaceMismatch: 16,
  /** pcapng packet libpcap rejects while reading on (caplen beyond snaplen or block, bad block). */
  InvalidRecord: 17,
} as const;
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason];

/**
 * Stable snake_case names of the reasons, indexed by reason code: the keys of the summary's
 * `ignoredByReason`.
 *
 * @example
 * ```ts
 * import { IGNORE_REASON_NAMES, IgnoreReason } from '@flowstream/core';
 *
 * IGNORE_REASON_NAMES[IgnoreReason.NonIp]; // 'non_ip'
 * ```
 */
export const IGNORE_REASON_NAMES: readonly string[] = [
  'none',
  'short_frame',
  'unsupported_link_type',
  'spanning_tree',
  'radiotap',
  'truncated_tag',
  'truncated_ip',
  'non_ip',
  'ipv4_fragment',
  'truncated_ipv6',
  'ipv6_extension_header',
  'truncated_tunnel',
  'gtp_inner_version',
  'bad_ipv4_header_length',
  'bad_ipv4_total_length',
  'bad_link_header',
  'interface_mismatch',
  'invalid_record',
];

/** Number of reason codes (size of per-reason counter arrays). */
export const IGNORE_REASON_COUNT = IGNORE_REASON_NAMES.length;
