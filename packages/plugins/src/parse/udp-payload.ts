import type { ByteSpan } from './byte-span.js';

/**
 * Narrows an IP payload range (`span`, from {@link ipv4Payload}) to the UDP payload: everything
 * after the 8-byte header; the UDP length field is ignored (spec §10.3 DHCP step 1).
 *
 * @returns the UDP destination port, or -1 when fewer than 8 bytes are available (span untouched).
 * @example
 * ```ts
 * if (ipv4Payload(d, o, n, span) === 17 && udpPayload(d, span) === 67) parseDhcp(d, span);
 * ```
 */
export function udpPayload(data: Uint8Array, span: ByteSpan): number {
  if (span.end - span.start < 8) return -1;
  const dstPort = (data[span.start + 2]! << 8) | data[span.start + 3]!;
  span.start += 8;
  return dstPort;
}
