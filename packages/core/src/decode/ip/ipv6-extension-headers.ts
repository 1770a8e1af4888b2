import type { DecodeState } from '../decode-state.js';

/**
 * nDPI's IPv6 extension-header walk, reproduced exactly (spec §1.6): hop-by-hop (0), routing (43),
 * fragment (44), destination options (60), mobility (135); 59 fails. Quirks kept: the fragment
 * header subtracts 5 (not 8) from `l3len`; the loop stops silently when `l3len <= 1`, leaving the
 * current extension type as the protocol; non-first fragments fail.
 *
 * Results go to `s.extPointer` (absolute L4 start), `s.extRemaining` (L4 length) and `s.extProto`.
 * Returns false when the walk fails (packet ignored).
 */
export function walkIpv6ExtensionHeaders(
  s: DecodeState,
  pointer: number,
  l3len: number,
  remaining: number,
  proto: number,
): boolean {
  const d = s.data;
  while (l3len > 1 && (proto === 0 || proto === 43 || proto === 44 || proto === 60 || proto === 135 || proto === 59)) {
    if (proto === 59) return false;
    if (proto === 44) {
      if (remaining < 8) return false;
      if (l3len < 5) return false;
      l3len -= 5;
      proto = d[pointer];
      if (((d[pointer + 2] << 8) | d[pointer + 3]) >> 3 !== 0) return false;
      remaining -= 8;
      pointer += 8;
      continue;
    }
    if (remaining < 2) return false;
    const hlen = (d[pointer + 1] + 1) * 8;
    if (hlen > l3len) return false;
    l3len -= hlen;
    if (remaining < hlen) return false;
    proto = d[pointer];
    remaining -= hlen;
    pointer += hlen;
  }
  s.extPointer = pointer;
  s.extRemaining = remaining;
  s.extProto = proto;
  return true;
}
