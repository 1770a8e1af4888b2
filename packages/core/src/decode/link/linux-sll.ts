import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';

/** DLT_LINUX_SLL (113): protocol at +14, 16-byte header, no MACs recorded (spec §1.4). */
export function decodeLinuxSll(s: DecodeState): number {
  s.type = be16(s.data, s.linkOffset + 14);
  s.ipOffset = s.linkOffset + 16;
  return 0;
}
