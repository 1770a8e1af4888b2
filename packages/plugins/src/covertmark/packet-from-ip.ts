import { formatIp } from './ip-address.js';
import { ipLayout, tcpLayout } from './ip-layout.js';
import type { CovertMarkPacket } from './packet.js';
import { isTlsPayload } from './tls-flag.js';

/** dpkt's transport class names by IP protocol number (spec §1 `proto`). */
const PROTO_NAMES: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IP',
  6: 'TCP',
  17: 'UDP',
  41: 'IP6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMP6',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

/**
 * CovertMark's time of a capture timestamp (spec §1.1): the float of the six-decimal text, the
 * nanoseconds rounded half-to-even at the microsecond (carrying into the seconds).
 *
 * @example
 * ```ts
 * covertMarkTime(1500000000, 123456500); // 1500000000.123456
 * ```
 */
export function covertMarkTime(tsSec: number, tsNsec: number): number {
  let usec = Math.floor(tsNsec / 1000);
  const rem = tsNsec - usec * 1000;
  if (rem > 500 || (rem === 500 && usec % 2 === 1)) usec++;
  let sec = tsSec;
  if (usec >= 1_000_000) {
    sec += 1;
    usec -= 1_000_000;
  }
  // Parse the decimal text, never sec + usec / 1e6 (can differ in the last bit).
  return Number(`${sec}.${String(usec).padStart(6, '0')}`);
}

/**
 * Builds CovertMark's packet record (spec §1, §1.4) from the captured bytes of an IP packet (IP
 * header first) and its capture timestamp. Returns null for anything that is not IPv4/IPv6.
 * `wireLength` is accepted for symmetry with the decoder's fields; CovertMark's record has no wire
 * length, so it does not affect the result. The payload is a copy (safe to keep).
 *
 * @example
 * ```ts
 * const rec = covertMarkPacketFromIp(p.data.subarray(p.ipOffset, p.ipOffset + p.ipLength), p.tsSec, p.tsNsec, p.rawSize);
 * ```
 */
export function covertMarkPacketFromIp(
  ipBytes: Uint8Array,
  tsSec: number,
  tsNsec: number,
  wireLength: number,
): CovertMarkPacket | null {
  void wireLength;
  const layout = ipLayout(ipBytes);
  if (layout === null) return null;
  const a = layout.addrOffset;
  const n = layout.addrLength;
  const src = formatIp(ipBytes.subarray(a, a + n));
  const dst = formatIp(ipBytes.subarray(a + n, a + 2 * n));
  const time = covertMarkTime(tsSec, tsNsec);
  let proto = layout.laterFragment ? 'bytes' : (PROTO_NAMES[layout.protocol] ?? 'bytes');
  let tcp: CovertMarkPacket['tcp'] = null;
  let tls = false;
  if (proto === 'TCP') {
    const t = tcpLayout(ipBytes, layout);
    if (t === null) proto = 'bytes';
    else {
      const payload = ipBytes.slice(t.payloadOffset, t.payloadEnd);
      tcp = { seq: t.seq, flags: t.flags, payload };
      tls = isTlsPayload(payload);
    }
  } else if (proto === 'UDP') {
    const o = layout.transportOffset;
    if (o + 8 > layout.end) proto = 'bytes';
    else tls = isTlsPayload(ipBytes.subarray(o + 8, layout.end));
  }
  return { time, src, dst, proto, len: layout.lengthField, tcp, tls };
}
