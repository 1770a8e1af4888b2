import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';

/** DLT_PPP_SERIAL (50): PPP in HDLC framing; the PPP protocol number becomes the type (spec §1.4). */
export function decodePppSerial(s: DecodeState): number {
  s.ipOffset = s.linkOffset + 4;
  s.type = be16(s.data, s.linkOffset + 2);
  return 0;
}
