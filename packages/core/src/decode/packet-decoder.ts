import type { CaptureRecord } from '../capture/capture-record.js';
import type { DecodedPacket } from './decoded-packet.js';
import { DecodeState } from './decode-state.js';
import { runEthertypeLoop } from './ethertype/ethertype-loop.js';
import { IgnoreReason } from './ignore-reason.js';
import { checkIpHeader } from './ip/ip-layer.js';
import { parseIpv4 } from './ip/ipv4.js';
import { parseIpv6 } from './ip/ipv6.js';
import { linkDecoderFor } from './link/link-registry.js';
import { TunnelAction } from './stage-result.js';
import { parseTransport } from './transport.js';
import { decodeUdpTunnels } from './tunnels/tunnel-registry.js';
import { FastPathDecoder } from './fast-path.js';

/**
 * Options of {@link PacketDecoder}.
 *
 * @example
 * ```ts
 * import { PacketDecoder } from '@flowstream/core';
 *
 * const decoder = new PacketDecoder({ decodeTunnels: false }); // GTP-U/TZSP/CAPWAP stay outer UDP flows
 * ```
 */
export interface PacketDecoderOptions {
  /** NFStream's `decode_tunnels`: decode GTP-U, TZSP and CAPWAP (spec §1.7). */
  decodeTunnels: boolean;
}

/** Minimal IP + UDP: frames shorter than link offset + 28 are ignored at every stage-1 entry. */
const MIN_FRAME = 28;

/**
 * Turns capture records into packets exactly as NFStream 6.5.4's engine does (spec §1.3–§1.9),
 * quirks included. Stages are small decoders registered by DLT, ethertype and UDP port; this class
 * only sequences them, including the tunnel restarts (TZSP → stage 1, CAPWAP → stage 3).
 * Nothing is allocated per packet.
 *
 * @example
 * ```ts
 * import { CaptureRecord, DecodedPacket, IGNORE_REASON_NAMES, IgnoreReason, PacketDecoder, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * const decoder = new PacketDecoder({ decodeTunnels: true });
 * const packet = new DecodedPacket();
 * const ignored = new Map<string, number>();
 * while (reader.next(record) === ReadStatus.Record) {
 *   const reason = decoder.decode(record, packet);
 *   if (reason === IgnoreReason.None) console.log(packet.protocol, packet.srcPort, packet.dstPort, packet.ipSize);
 *   else ignored.set(IGNORE_REASON_NAMES[reason]!, (ignored.get(IGNORE_REASON_NAMES[reason]!) ?? 0) + 1);
 * }
 * ```
 */
export class PacketDecoder {
  private readonly decodeTunnels: boolean;
  private readonly state = new DecodeState();
  private readonly fast: FastPathDecoder;

  constructor(options: PacketDecoderOptions) {
    this.decodeTunnels = options.decodeTunnels;
    this.fast = new FastPathDecoder(options.decodeTunnels);
  }

  /**
   * Decodes one record into `out`. Returns `IgnoreReason.None` (0) when `out` holds a packet
   * (every field written), otherwise the reason the frame is ignored (`out` is then unspecified).
   */
  decode(record: CaptureRecord, out: DecodedPacket): IgnoreReason {
    return this.fast.parse(record, out) ? IgnoreReason.None : this.decodeStaged(record, out);
  }

  /** The staged decoder alone (every frame through the registry of stages), without the fast path. */
  decodeStaged(record: CaptureRecord, out: DecodedPacket): IgnoreReason {
    if (record.linkType < 0) return record.linkType === -1 ? IgnoreReason.InterfaceMismatch : IgnoreReason.InvalidRecord;
    const s = this.state;
    s.reset(record.data, record.offset, record.caplen, record.linkType);
    const link = linkDecoderFor(record.linkType);
    let r: number;
    let fromLink = true;
    for (;;) {
      if (fromLink) {
        if (s.end < s.linkOffset + MIN_FRAME) return IgnoreReason.ShortFrame;
        r = link(s);
        if (r !== 0) return r as IgnoreReason;
        r = runEthertypeLoop(s);
        if (r !== 0) return r as IgnoreReason;
      }
      r = checkIpHeader(s);
      if (r !== 0) return r as IgnoreReason;
      if (!this.decodeTunnels || s.proto !== 17) break;
      r = decodeUdpTunnels(s);
      if (r === TunnelAction.Proceed) break;
      if (r > 0) return r as IgnoreReason;
      fromLink = r === TunnelAction.RestartLink;
    }
    return this.fill(record, out);
  }

  /** Stage 5 (spec §1.8) on the header at `ip_offset`, plus the record-level fields. */
  private fill(record: CaptureRecord, out: DecodedPacket): IgnoreReason {
    const s = this.state;
    const r = s.data[s.ipOffset] >> 4 === 6 ? parseIpv6(s, out) : parseIpv4(s, out);
    if (r !== 0) return r as IgnoreReason;
    parseTransport(s, out);
    out.timeMs = record.timeMs;
    out.tsSec = record.tsSec;
    out.tsNsec = record.tsNsec;
    // Quirk #14: the engine stores the wire length in 16 bits.
    out.rawSize = record.wireLength & 0xffff;
    out.vlanId = s.vlanId;
    out.tunnelId = s.tunnelId;
    out.srcMac = s.srcMac;
    out.dstMac = s.dstMac;
    out.data = s.data;
    out.ipOffset = s.ipOffset;
    out.ipLength = (s.end - s.ipOffset) & 0xffff;
    return IgnoreReason.None;
  }
}
