import { byteOrZero } from './bytes.js';
import type { DecodedPacket } from './decoded-packet.js';
import type { DecodeState } from './decode-state.js';

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

/**
 * Stage 5 transport table (spec §1.8), by protocol number whatever the IP version: ports, TCP
 * flags, transport_size and payload_size (u16). Header bytes beyond the capture read as zero
 * (NFStream reads undefined memory there).
 */
export function parseTransport(s: DecodeState, out: DecodedPacket): void {
  const d = s.data;
  const l4 = s.l4Offset;
  const len = s.l4Length;
  const proto = out.protocol;
  if (proto === TCP && len >= 20) {
    const end = s.end;
    let sp: number, dp: number, doff: number, flags: number;
    if (l4 + 14 <= end) {
      sp = (d[l4] << 8) | d[l4 + 1];
      dp = (d[l4 + 2] << 8) | d[l4 + 3];
      doff = d[l4 + 12] >> 4;
      flags = d[l4 + 13];
    } else {
      sp = (byteOrZero(d, l4, end) << 8) | byteOrZero(d, l4 + 1, end);
      dp = (byteOrZero(d, l4 + 2, end) << 8) | byteOrZero(d, l4 + 3, end);
      doff = byteOrZero(d, l4 + 12, end) >> 4;
      flags = byteOrZero(d, l4 + 13, end);
    }
    const hdr = doff * 4;
    out.srcPort = sp;
    out.dstPort = dp;
    out.tcpFlags = flags;
    out.transportSize = len;
    out.payloadSize = len > hdr ? len - hdr : 0;
  } else if (proto === UDP && len >= 8) {
    const end = s.end;
    if (l4 + 4 <= end) {
      out.srcPort = (d[l4] << 8) | d[l4 + 1];
      out.dstPort = (d[l4 + 2] << 8) | d[l4 + 3];
    } else {
      out.srcPort = (byteOrZero(d, l4, end) << 8) | byteOrZero(d, l4 + 1, end);
      out.dstPort = (byteOrZero(d, l4 + 2, end) << 8) | byteOrZero(d, l4 + 3, end);
    }
    out.tcpFlags = 0;
    out.transportSize = len;
    out.payloadSize = len > 8 ? len - 8 : 0;
  } else if (proto === ICMP || proto === ICMPV6) {
    out.srcPort = 0;
    out.dstPort = 0;
    out.tcpFlags = 0;
    out.transportSize = len;
    out.payloadSize = len > 8 ? len - 8 : 0;
  } else {
    out.srcPort = 0;
    out.dstPort = 0;
    out.tcpFlags = 0;
    out.transportSize = 0;
    out.payloadSize = 0;
  }
}
