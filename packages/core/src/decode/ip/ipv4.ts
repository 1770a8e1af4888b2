import { be16, be32 } from '../bytes.js';
import type { DecodedPacket } from '../decoded-packet.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';

/**
 * Stage 5, IPv4 path (spec §1.8): validates the header against `ipsize = u16(caplen − ip_offset)`,
 * fills addresses, protocol and ip_size (total-length field) and sets `s.l4Offset`/`s.l4Length`.
 * Truncated captures are not rejected: lengths come from the header (quirk #9).
 */
export function parseIpv4(s: DecodeState, out: DecodedPacket): number {
  const d = s.data;
  const ip = s.ipOffset;
  const ipsize = (s.end - ip) & 0xffff;
  if (ipsize < 20) return IgnoreReason.TruncatedIp;
  const hlen = (d[ip] & 0x0f) * 4;
  if (hlen > ipsize) return IgnoreReason.BadIpv4HeaderLength;
  const total = be16(d, ip + 2);
  const l4len = (total - hlen) & 0xffff;
  // Triggers only when total < hlen (the u16 wrap makes the sum ≥ 65536).
  if ((total > ipsize ? total : ipsize) < hlen + l4len) return IgnoreReason.BadIpv4TotalLength;
  out.ipVersion = 4;
  out.protocol = d[ip + 9];
  out.ipSize = total;
  out.src0 = be32(d, ip + 12);
  out.src1 = 0;
  out.src2 = 0;
  out.src3 = 0;
  out.dst0 = be32(d, ip + 16);
  out.dst1 = 0;
  out.dst2 = 0;
  out.dst3 = 0;
  s.l4Offset = ip + hlen;
  s.l4Length = l4len;
  return 0;
}
