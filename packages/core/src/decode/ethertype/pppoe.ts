import type { DecodeState } from '../decode-state.js';

/**
 * PPPoE session (0x8864), spec §1.5: skips the 6-byte PPPoE header and the 2-byte PPP protocol
 * without checking either; the version nibble decides what follows.
 */
export function decodePppoe(s: DecodeState): number {
  s.type = 0x0800;
  s.ipOffset += 8;
  return 0;
}
