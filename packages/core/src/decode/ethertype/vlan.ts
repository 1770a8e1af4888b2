import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';

/**
 * 802.1Q (0x8100), spec §1.5: the innermost tag's VLAN id wins (quirk #7). 802.1ad S-tags
 * (0x88A8, 0x9100) have no decoder on purpose.
 */
export function decodeVlan(s: DecodeState): number {
  const d = s.data;
  let o = s.ipOffset;
  if (o + 4 >= s.end) return IgnoreReason.TruncatedTag;
  s.vlanId = be16(d, o) & 0x0fff;
  s.type = be16(d, o + 2);
  o += 4;
  while (s.type === 0x8100 && o + 4 < s.end) {
    s.vlanId = be16(d, o) & 0x0fff;
    s.type = be16(d, o + 2);
    o += 4;
  }
  s.ipOffset = o;
  return 0;
}
