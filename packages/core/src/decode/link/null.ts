import { be32 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';

/**
 * DLT_NULL (0). The 4-byte family is compared big-endian with 2 although it is written in the
 * capturing host's byte order, so little-endian IPv4 captures get type 0x86DD (quirk #3, spec §1.4).
 */
export function decodeNull(s: DecodeState): number {
  s.type = be32(s.data, s.linkOffset) === 2 ? 0x0800 : 0x86dd;
  s.ipOffset = s.linkOffset + 4;
  return 0;
}
