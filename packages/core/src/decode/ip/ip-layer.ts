import { be16 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { walkIpv6ExtensionHeaders } from './ipv6-extension-headers.js';

const IPPROTO_IPIP = 4;
const IPPROTO_IPV6 = 41;

/**
 * Stage 3, NFStream's `iph_check` (spec §1.6), including IP-in-IP unwrapping (always on, quirk #10)
 * and the fragment rule. On success `s.ipOffset` is the innermost header, `s.ipLength` is the IPv4
 * header length or the IPv6 L4 length, and `s.proto` / `s.fragOff` are as the engine keeps them.
 */
export function checkIpHeader(s: DecodeState): number {
  const d = s.data;
  for (;;) {
    const ip = s.ipOffset;
    if (s.end < ip + 20) return IgnoreReason.TruncatedIp;
    // frag_off and proto are refreshed only for type 0x0800 (consequences in spec §1.6).
    if (s.type === 0x0800) {
      s.fragOff = be16(d, ip + 6);
      s.proto = d[ip + 9];
    }
    const version = d[ip] >> 4;
    if (version === 4) {
      const hlen = (d[ip] & 0x0f) * 4;
      s.ipLength = hlen;
      const p = d[ip + 9];
      if (p === IPPROTO_IPIP || p === IPPROTO_IPV6) {
        // Unwrapped before the fragment test: outer fragment bits are never checked.
        s.ipOffset = ip + hlen;
        if (hlen > 0) continue;
      }
      if ((s.fragOff & 0x1fff) !== 0) return IgnoreReason.Ipv4Fragment;
      return 0;
    }
    if (version === 6) {
      if (s.end < ip + 40) return IgnoreReason.TruncatedIp;
      s.proto = d[ip + 6];
      const plen = be16(d, ip + 4);
      s.ipLength = plen;
      if (s.end < ip + 40 + plen) return IgnoreReason.TruncatedIpv6;
      // The engine passes u16(caplen − ip_offset) − 40 as a u16.
      const l3len = (((s.end - ip) & 0xffff) - 40) & 0xffff;
      if (!walkIpv6ExtensionHeaders(s, ip + 40, l3len, plen, s.proto)) return IgnoreReason.Ipv6ExtensionHeader;
      s.proto = s.extProto;
      s.ipLength = s.extRemaining;
      if (s.proto === IPPROTO_IPIP || s.proto === IPPROTO_IPV6) {
        s.ipOffset = s.extPointer;
        continue;
      }
      return 0;
    }
    return s.misframedPpp ? IgnoreReason.BadLinkHeader : IgnoreReason.NonIp;
  }
}
