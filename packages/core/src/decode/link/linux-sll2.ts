import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';

/**
 * DLT_LINUX_SLL2 (276). **Deliberate extension**: NFStream 6.5.4 ignores this link type (spec §1.1);
 * we decode it like LINUX_SLL: protocol type BE16 at +0, 20-byte header, no MACs recorded.
 */
export function decodeLinuxSll2(s: DecodeState): number {
  s.type = be16(s.data, s.linkOffset);
  s.ipOffset = s.linkOffset + 20;
  return 0;
}
