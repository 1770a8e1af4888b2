import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';

/**
 * DLT_PPP (9) and DLT_C_HDLC (104). The address test looks at byte 0 of the *frame*, not of the
 * link header, and only knows the Cisco HDLC addresses 0x0F/0x8F: PPP frames starting with `FF 03`
 * put the IP header 2 bytes early and are all ignored (quirk #4, spec §1.4).
 */
export function decodePpp(s: DecodeState): number {
  const d = s.data;
  const lo = s.linkOffset;
  const first = d[s.base];
  if (first === 0x0f || first === 0x8f) {
    s.ipOffset = lo + 4;
    s.type = be16(d, lo + 2);
  } else {
    s.ipOffset = lo + 2;
    s.type = be16(d, lo);
    // Only labels the resulting "not IP" ignore; the decoding itself is NFStream's.
    s.misframedPpp = d[lo] === 0xff && d[lo + 1] === 0x03;
  }
  return 0;
}
