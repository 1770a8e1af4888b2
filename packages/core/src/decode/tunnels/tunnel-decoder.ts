import type { DecodeState } from '../decode-state.js';

/**
 * A UDP tunnel decoder (stage 4, spec §1.7), called when the UDP source or destination port is its
 * registered port. `udp` is the absolute position where the engine reads the UDP header
 * (ip_offset + ip_len). Returns a `TunnelAction` (≤ 0) or an `IgnoreReason` (> 0).
 */
export type TunnelDecoder = (s: DecodeState, udp: number) => number;
