import { AS_DOUBLE } from '../shapes/as-double.js';
const EMPTY = new Uint8Array(0);

/**
 * The decoder's output: one reusable, monomorphic object filled for every packet (gopacket's
 * DecodingLayerParser idea). All fields are numbers; text forms (IP, MAC) are made only when a flow
 * is created or exported. Valid until the next `decode()`.
 *
 * Addresses are four 32-bit words in network order: IPv4 uses word 0 (`a.b.c.d` ⇒
 * `(a<<24|b<<16|c<<8|d)>>>0`) and words 1–3 are 0; IPv6 fills all four.
 *
 * @example
 * ```ts
 * import { CaptureRecord, DecodedPacket, IgnoreReason, PacketDecoder, ReadStatus, openCapture } from '@flowstream/core';
 *
 * const reader = openCapture('capture.pcap');
 * const record = new CaptureRecord();
 * const decoder = new PacketDecoder({ decodeTunnels: true });
 * const packet = new DecodedPacket(); // reused for every packet
 * while (reader.next(record) === ReadStatus.Record) {
 *   if (decoder.decode(record, packet) !== IgnoreReason.None || packet.ipVersion !== 4) continue;
 *   const s = packet.src0;
 *   console.log(`${s >>> 24}.${(s >>> 16) & 255}.${(s >>> 8) & 255}.${s & 255}:${packet.srcPort}`, packet.timeMs);
 * }
 * ```
 */
export class DecodedPacket {
  /** Milliseconds since the epoch (spec §1.2); the meter applies its monotonic clamp. */
  timeMs = AS_DOUBLE;
  /** Capture timestamp seconds at full precision. */
  tsSec = AS_DOUBLE;
  /** Capture timestamp nanoseconds at full precision. */
  tsNsec = AS_DOUBLE;

  /** u16(wire length) — accounting mode 0. */
  rawSize = 0;
  /** IPv4 total length / IPv6 payload length — mode 1. */
  ipSize = 0;
  /** L4 length — mode 2. */
  transportSize = 0;
  /** L4 payload length — mode 3. */
  payloadSize = 0;

  protocol = 0;
  ipVersion = 0;
  vlanId = 0;
  tunnelId = 0;
  srcPort = 0;
  dstPort = 0;
  /** TCP flags byte (fin 0x01 … cwr 0x80); 0 for non-TCP. */
  tcpFlags = 0;

  src0 = AS_DOUBLE;
  src1 = AS_DOUBLE;
  src2 = AS_DOUBLE;
  src3 = AS_DOUBLE;
  dst0 = AS_DOUBLE;
  dst1 = AS_DOUBLE;
  dst2 = AS_DOUBLE;
  dst3 = AS_DOUBLE;

  /** MAC addresses as 48-bit integers (exact in a double); 0 when the link layer has none. */
  srcMac = AS_DOUBLE;
  dstMac = AS_DOUBLE;

  /** Frame bytes (the record's buffer) and the (inner) IP header's position in it. */
  data: Uint8Array = EMPTY;
  ipOffset = 0;
  /** `ipsize` of spec §1.8: u16(caplen − ipOffset), the bytes nDPI and plugins see as `ip_packet`. */
  ipLength = 0;

  /** Copies every field of `p` (the bytes are shared, not copied). */
  copyFrom(p: DecodedPacket): void {
    this.timeMs = p.timeMs;
    this.tsSec = p.tsSec;
    this.tsNsec = p.tsNsec;
    this.rawSize = p.rawSize;
    this.ipSize = p.ipSize;
    this.transportSize = p.transportSize;
    this.payloadSize = p.payloadSize;
    this.protocol = p.protocol;
    this.ipVersion = p.ipVersion;
    this.vlanId = p.vlanId;
    this.tunnelId = p.tunnelId;
    this.srcPort = p.srcPort;
    this.dstPort = p.dstPort;
    this.tcpFlags = p.tcpFlags;
    this.src0 = p.src0;
    this.src1 = p.src1;
    this.src2 = p.src2;
    this.src3 = p.src3;
    this.dst0 = p.dst0;
    this.dst1 = p.dst1;
    this.dst2 = p.dst2;
    this.dst3 = p.dst3;
    this.srcMac = p.srcMac;
    this.dstMac = p.dstMac;
    this.data = p.data;
    this.ipOffset = p.ipOffset;
    this.ipLength = p.ipLength;
  }
}
