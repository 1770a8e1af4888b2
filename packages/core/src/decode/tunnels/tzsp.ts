import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { TunnelAction } from '../stage-result.js';

/** TZSP port. */
export const TZSP_PORT = 37008;
/** tunnel_id recorded for TZSP. */
export const TUNNEL_TZSP = 3;

/**
 * TZSP (spec §1.7 rule 2), quirk #13: tunnel_id 3 is set before the header is validated; only the
 * first tag is examined and its length excludes the 2 type/length bytes. A supported header
 * restarts stage 1 on the inner frame with the capture's own DLT; state is not reset.
 */
export function decodeTzsp(s: DecodeState, udp: number): number {
  const d = s.data;
  const end = s.end;
  if (end < udp + 12) return IgnoreReason.TruncatedTunnel;
  let o = udp + 8;
  s.tunnelId = TUNNEL_TZSP;
  // version 1, type 0 (received), encapsulation 1 (Ethernet)
  if (d[o] !== 1 || d[o + 1] !== 0 || be16(d, o + 2) !== 1) return TunnelAction.Proceed;
  o += 4;
  // The engine's tag loop runs only while o < caplen (and returns after its first tag).
  if (!(o < end)) return TunnelAction.Proceed;
  const tag = d[o];
  let length: number;
  if (tag === 0 || tag === 1) {
    length = 1;
  } else {
    if (o + 1 >= end) return IgnoreReason.TruncatedTunnel;
    length = d[o + 1];
  }
  o += length;
  if (o >= end) return IgnoreReason.TruncatedTunnel;
  s.linkOffset = o;
  return TunnelAction.RestartLink;
}
