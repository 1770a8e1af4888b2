import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { TunnelAction } from '../stage-result.js';
import { CAPWAP_DATA_PORT, decodeCapwap } from './capwap.js';
import { decodeGtpU, GTP_U_PORT } from './gtp-u.js';
import type { TunnelDecoder } from './tunnel-decoder.js';
import { decodeTzsp, TZSP_PORT } from './tzsp.js';

/** Registered UDP tunnels in rule order (spec §1.7: the first matching rule only). */
const PORTS: number[] = [];
const DECODERS: TunnelDecoder[] = [];

/** Registers a UDP tunnel decoder; rules are tried in registration order. */
function register(port: number, decoder: TunnelDecoder): void {
  PORTS.push(port);
  DECODERS.push(decoder);
}

register(GTP_U_PORT, decodeGtpU);
register(TZSP_PORT, decodeTzsp);
register(CAPWAP_DATA_PORT, decodeCapwap);

/**
 * Stage 4 (spec §1.7), entered for proto 17 with decode_tunnels on. The UDP header is read at
 * ip_offset + ip_len, which for IPv6 is the wrong place (quirk #11, replicated).
 * Returns a `TunnelAction` (≤ 0) or an `IgnoreReason` (> 0).
 */
export function decodeUdpTunnels(s: DecodeState): number {
  const d = s.data;
  const udp = s.ipOffset + s.ipLength;
  if (s.end < udp + 8) return IgnoreReason.TruncatedTunnel;
  const sport = be16(d, udp);
  const dport = be16(d, udp + 2);
  for (let i = 0; i < PORTS.length; i++) {
    const port = PORTS[i];
    if (sport !== port && dport !== port) continue;
    const r = DECODERS[i](s, udp);
    if (r !== TunnelAction.NextRule) return r;
  }
  return TunnelAction.Proceed;
}
