import { be16, be32 } from '../bytes.js';
import type { DecodedPacket } from '../decoded-packet.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';
import { walkIpv6ExtensionHeaders } from './ipv6-extension-headers.js';

/**
 * Stage 5, IPv6 path (spec §1.8): truncated packets are ignored (quirk #9), the extension headers
 * are walked again, and ip_size is the payload-length field, without the 40-byte header (quirk #15).
 * Sets `s.l4Offset`/`s.l4Length`.
 */
export function parseIpv6(s: DecodeState, out: DecodedPacket): number {
  const d = s.data;
  const ip = s.ipOffset;
  const ipsize = (s.end - ip) & 0xffff;
  if (ipsize < 40) return IgnoreReason.TruncatedIp;
  const plen = be16(d, ip + 4);
  if (ipsize < 40 + plen) return IgnoreReason.TruncatedIpv6;
  if (!walkIpv6ExtensionHeaders(s, ip + 40, ipsize - 40, plen, d[ip + 6])) {
    return IgnoreReason.Ipv6ExtensionHeader;
  }
  const l4off = s.extPointer - ip;
  const l4len = s.extRemaining;
  if (l4off > ipsize) return IgnoreReason.Ipv6ExtensionHeader;
  // l4off + l4len = 40 + plen ≤ ipsize here; kept for parity with the engine's common check.
  if ((plen > ipsize ? plen : ipsize) < l4off + l4len) return IgnoreReason.TruncatedIpv6;
  out.ipVersion = 6;
  out.protocol = s.extProto;
  out.ipSize = plen;
  out.src0 = be32(d, ip + 8);
  out.src1 = be32(d, ip + 12);
  out.src2 = be32(d, ip + 16);
  out.src3 = be32(d, ip + 20);
  out.dst0 = be32(d, ip + 24);
  out.dst1 = be32(d, ip + 28);
  out.dst2 = be32(d, ip + 32);
  out.dst3 = be32(d, ip + 36);
  s.l4Offset = s.extPointer;
  s.l4Length = l4len;
  return 0;
}
