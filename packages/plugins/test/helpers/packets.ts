import { NFlow, PluginPacket } from '@flowstream/core';

/** Bytes of an IPv4 packet (20-byte header) carrying `l4`. */
export function ipv4(protocol: number, l4: Uint8Array, src = [10, 0, 0, 1], dst = [10, 0, 0, 2]): Uint8Array {
  const total = 20 + l4.length;
  const ip = new Uint8Array(total);
  ip.set([0x45, 0, total >> 8, total & 255, 0, 1, 0x40, 0, 64, protocol, 0, 0, ...src, ...dst]);
  ip.set(l4, 20);
  return ip;
}

/** Bytes of a UDP datagram. */
export function udp(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const len = out.length;
  out.set([srcPort >> 8, srcPort & 255, dstPort >> 8, dstPort & 255, len >> 8, len & 255, 0, 0]);
  out.set(payload, 8);
  return out;
}

/** Bytes of a TCP segment (20-byte header) with the given flags byte. */
export function tcp(srcPort: number, dstPort: number, flags: number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  out.set([srcPort >> 8, srcPort & 255, dstPort >> 8, dstPort & 255, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags]);
  out.set(payload, 20);
  return out;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const PSH_ACK = 0x18;

export interface PacketInit {
  ip?: Uint8Array;
  time?: number;
  direction?: number;
  delta_time?: number;
  raw_size?: number;
  ip_size?: number;
  transport_size?: number;
  payload_size?: number;
  ip_version?: number;
}

/** A PluginPacket whose ip_packet is `ip` behind a 14-byte fake link header (and 4 padding bytes). */
export function packet(init: PacketInit = {}): PluginPacket {
  const p = new PluginPacket();
  const ip = init.ip ?? new Uint8Array();
  const frame = new Uint8Array(14 + ip.length + 4);
  frame.set(ip, 14);
  p._data = frame;
  p._ipOffset = 14;
  p._ipLength = ip.length + 4;
  p.ip_version = init.ip_version ?? (ip.length ? ip[0]! >> 4 : 4);
  p.time = init.time ?? 0;
  p.direction = init.direction ?? 0;
  p.delta_time = init.delta_time ?? 0;
  p.raw_size = init.raw_size ?? ip.length + 18;
  p.ip_size = init.ip_size ?? ip.length;
  p.transport_size = init.transport_size ?? 0;
  p.payload_size = init.payload_size ?? 0;
  if (ip.length >= 20) {
    const l4 = (ip[0]! & 15) * 4;
    p.protocol = ip[9]!;
    p.src_port = (ip[l4]! << 8) | ip[l4 + 1]!;
    p.dst_port = (ip[l4 + 2]! << 8) | ip[l4 + 3]!;
    if (p.protocol === 6) {
      const flags = ip[l4 + 13]!;
      p.syn = (flags >> 1) & 1;
      p.ack = (flags >> 4) & 1;
    }
  }
  return p;
}

/** An NFlow with the fields plugins read. */
export function flow(fields: Partial<Pick<NFlow, 'src_ip' | 'dst_ip' | 'src_port' | 'dst_port' | 'bidirectional_packets'>> = {}): NFlow {
  const f = new NFlow();
  f.expiration_id = 0;
  f.src_ip = fields.src_ip ?? '10.0.0.1';
  f.dst_ip = fields.dst_ip ?? '10.0.0.2';
  f.src_port = fields.src_port ?? 1234;
  f.dst_port = fields.dst_port ?? 80;
  f.bidirectional_packets = fields.bidirectional_packets ?? 1;
  return f;
}

/** Big-endian 16-bit bytes. */
export function be16(v: number): number[] {
  return [v >> 8, v & 255];
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): number[] {
  return Array.from(new TextEncoder().encode(s));
}
