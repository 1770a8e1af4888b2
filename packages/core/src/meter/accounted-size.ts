import type { DecodedPacket } from '../decode/decoded-packet.js';

/**
 * The per-packet size of accounting mode `mode` (spec §3): 0 raw (u16 wire length), 1 IP size,
 * 2 transport size, 3 payload size. It feeds byte counters, size statistics and SPLT sizes.
 */
export function accountedSize(p: DecodedPacket, mode: number): number {
  switch (mode) {
    case 0:
      return p.rawSize;
    case 1:
      return p.ipSize;
    case 2:
      return p.transportSize;
    default:
      return p.payloadSize;
  }
}
