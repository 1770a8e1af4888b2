import { be16, mac48 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { TunnelAction } from '../stage-result.js';

/** CAPWAP data port. */
export const CAPWAP_DATA_PORT = 5247;
/** tunnel_id recorded for CAPWAP. */
export const TUNNEL_CAPWAP = 2;

/**
 * CAPWAP data carrying 802.11 + LLC/SNAP (spec §1.7 rule 3): MACs from addr2/addr3, type from the
 * SNAP header, restart at stage 3. Any failed check leaves the outer UDP packet.
 */
export function decodeCapwap(s: DecodeState, udp: number): number {
  const d = s.data;
  let o = udp + 8;
  if (!(o + 1 < s.end) || (d[o] & 0x0f) !== 0) return TunnelAction.Proceed;
  o += (d[o + 1] & 0xf8) >> 1;
  if (!(o + 32 < s.end)) return TunnelAction.Proceed;
  s.srcMac = mac48(d, o + 10);
  s.dstMac = mac48(d, o + 16);
  o += 24;
  s.type = be16(d, o + 6);
  s.ipOffset = o + 8;
  s.tunnelId = TUNNEL_CAPWAP;
  return TunnelAction.RestartIp;
}
