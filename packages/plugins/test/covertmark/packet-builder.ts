import { parseIp } from '@flowstream/plugins/covertmark';

/** Options of a hand-built TCP packet. */
export interface TcpSpec {
  src: string;
  dst: string;
  seq: number;
  flags: number;
  payload: Uint8Array;
  srcPort?: number;
  dstPort?: number;
  /** Extra bytes after the datagram (Ethernet padding), not payload. */
  padding?: number;
  /** Write 0 in the IPv4 total-length field (segmentation offload). */
  zeroTotalLength?: boolean;
}

/** Builds an IPv4 or IPv6 packet carrying a TCP segment (no checksums). */
export function buildTcpPacket(s: TcpSpec): Uint8Array {
  const src = parseIp(s.src)!;
  const dst = parseIp(s.dst)!;
  const v6 = src.length === 16;
  const ipHeader = v6 ? 40 : 20;
  const tcpHeader = 20;
  const total = ipHeader + tcpHeader + s.payload.length;
  const out = new Uint8Array(total + (s.padding ?? 0));
  const dv = new DataView(out.buffer);
  if (v6) {
    out[0] = 0x60;
    dv.setUint16(4, tcpHeader + s.payload.length);
    out[6] = 6;
    out[7] = 64;
    out.set(src, 8);
    out.set(dst, 24);
  } else {
    out[0] = 0x45;
    dv.setUint16(2, s.zeroTotalLength ? 0 : total);
    out[8] = 64;
    out[9] = 6;
    out.set(src, 12);
    out.set(dst, 16);
  }
  const t = ipHeader;
  dv.setUint16(t, s.srcPort ?? 40000);
  dv.setUint16(t + 2, s.dstPort ?? 443);
  dv.setUint32(t + 4, s.seq >>> 0);
  out[t + 12] = 5 << 4;
  out[t + 13] = s.flags;
  out.set(s.payload, t + tcpHeader);
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
