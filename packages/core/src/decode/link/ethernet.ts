import { be16, le16, mac48 } from '../bytes.js';
import type { DecodeState } from '../decode-state.js';
import { IgnoreReason } from '../ignore-reason.js';

/**
 * DLT_EN10MB (1), spec §1.4. Ethernet II sets the type; an 802.3 length (≤ 1500) leads to the LLC
 * header: SNAP reads its type **little-endian** (quirk #5: IPv4 becomes 0x0008), spanning tree is
 * ignored, other LLC leaves type and ip_offset alone. 1501–1535 keeps the previous type.
 */
export function decodeEthernet(s: DecodeState): number {
  const d = s.data;
  const lo = s.linkOffset;
  s.dstMac = mac48(d, lo);
  s.srcMac = mac48(d, lo + 6);
  let ip = lo + 14;
  const v = be16(d, lo + 12);
  if (v <= 1500) s.ethPayloadLength = v;
  else if (v >= 1536) s.type = v;
  // ethPayloadLength is an engine variable that survives a TZSP restart (spec §1.3).
  if (s.ethPayloadLength !== 0) {
    const dsap = d[ip];
    const ssap = d[ip + 1];
    if (dsap === 0xaa || ssap === 0xaa) {
      s.type = le16(d, ip + 6);
      ip += 8;
    } else if (dsap === 0x42 || ssap === 0x42) {
      return IgnoreReason.SpanningTree;
    }
  }
  s.ipOffset = ip;
  return 0;
}
