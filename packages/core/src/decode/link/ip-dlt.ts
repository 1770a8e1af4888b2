import type { DecodeState } from '../decode-state.js';

/** DLT_IPV4 (228): the frame is an IPv4 packet (spec §1.4). */
export function decodeDltIpv4(s: DecodeState): number {
  s.type = 0x0800;
  s.ipOffset = s.linkOffset;
  return 0;
}

/** DLT_IPV6 (229): the frame is an IPv6 packet (spec §1.4). */
export function decodeDltIpv6(s: DecodeState): number {
  s.type = 0x86dd;
  s.ipOffset = s.linkOffset;
  return 0;
}
