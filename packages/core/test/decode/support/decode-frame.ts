import { DecodedPacket } from '../../../src/decode/decoded-packet.js';
import { PacketDecoder } from '../../../src/decode/packet-decoder.js';
import { ipv4Text, ipv6Text, macText } from '../../../src/decode/address-text.js';
import { type Bytes, recordOf } from './frames.js';

const withTunnels = new PacketDecoder({ decodeTunnels: true });
const withoutTunnels = new PacketDecoder({ decodeTunnels: false });

/** Decodes one hand-built frame; returns the reason and a fresh copy-free view of the packet. */
export function decodeFrame(
  dlt: number,
  frame: Bytes,
  opts: { wireLength?: number; caplen?: number; decodeTunnels?: boolean } = {},
): { reason: number; p: DecodedPacket } {
  const p = new DecodedPacket();
  const rec = recordOf(dlt, frame, opts);
  const reason = (opts.decodeTunnels === false ? withoutTunnels : withTunnels).decode(rec, p);
  return { reason, p };
}

/** "src:port > dst:port" text of a decoded packet (IPv4 or IPv6). */
export function endpoints(p: DecodedPacket): string {
  const s = p.ipVersion === 4 ? ipv4Text(p.src0) : ipv6Text(p.src0, p.src1, p.src2, p.src3);
  const d = p.ipVersion === 4 ? ipv4Text(p.dst0) : ipv6Text(p.dst0, p.dst1, p.dst2, p.dst3);
  return `${s}:${p.srcPort} > ${d}:${p.dstPort}`;
}

export const macs = (p: DecodedPacket): string => `${macText(p.srcMac)} > ${macText(p.dstMac)}`;
