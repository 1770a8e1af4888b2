import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { TunnelAction } from '../stage-result.js';

/** GTP-U well-known port. */
export const GTP_U_PORT = 2152;
/** tunnel_id recorded for GTP-U. */
export const TUNNEL_GTP = 1;

/**
 * GTPv1-U T-PDU (spec §1.7 rule 1). The inner header is taken as is, stage 3 is not re-run
 * (quirk #12): inner fragments are kept and inner IP-in-IP/tunnels are not decoded, and an inner
 * version other than 4/6 is ignored. Anything else leaves the outer UDP packet (tunnel_id 0).
 */
export function decodeGtpU(s: DecodeState, udp: number): number {
  const d = s.data;
  const end = s.end;
  if (!(udp + 16 < end)) return TunnelAction.NextRule;
  let o = udp + 8;
  const flags = d[o];
  if ((flags & 0xe0) >> 5 !== 1 || d[o + 1] !== 0xff) return TunnelAction.Proceed;
  o += 8;
  if ((flags & 0x07) !== 0) o += 4;
  if ((flags & 0x04) !== 0) {
    while (o < end) {
      const n = d[o] * 4;
      o += n;
      if (o >= end || n === 0) return TunnelAction.Proceed;
      if (d[o - 1] === 0) break;
    }
  }
  if (!(o < end)) return TunnelAction.Proceed;
  s.tunnelId = TUNNEL_GTP;
  const version = d[o] >> 4;
  if (version === 6) {
    if (end < o + 40) return IgnoreReason.TruncatedTunnel;
  } else if (version !== 4) {
    return IgnoreReason.GtpInnerVersion;
  } else if (end < o + 20) {
    return IgnoreReason.TruncatedTunnel;
  }
  s.ipOffset = o;
  return TunnelAction.Proceed;
}
