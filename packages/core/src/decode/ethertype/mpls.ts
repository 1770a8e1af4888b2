import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';

/**
 * MPLS unicast/multicast (0x8847/0x8848), spec §1.5: skip labels up to bottom-of-stack; the payload
 * is typed 0x0800 and left to the version nibble (IPv6 over MPLS works too).
 */
export function decodeMpls(s: DecodeState): number {
  const d = s.data;
  let o = s.ipOffset;
  if (o + 4 >= s.end) return IgnoreReason.TruncatedTag;
  // Bottom-of-stack is bit 8 of the label word, i.e. bit 0 of its third byte.
  let bottom = d[o + 2] & 1;
  s.type = 0x0800;
  o += 4;
  while (bottom === 0 && o + 4 < s.end) {
    bottom = d[o + 2] & 1;
    o += 4;
  }
  s.ipOffset = o;
  return 0;
}
