import type { ByteSpan } from './byte-span.js';

/**
 * Locates the payload of an IPv4 packet the way the Python plugins' IP parser (dpkt) does
 * (spec §10.3 DHCP step 1): header length from IHL (< 20 bytes ⇒ failure), payload = bytes
 * `[IHL×4, total_length)`, or to the end of the capture when total length is 0; a payload range
 * starting past its end is empty, a total length past the capture is cut at the capture.
 * Non-IPv4 bytes fail (spec §14 #29: these plugins never parse IPv6), and so do fragments, whose
 * payload dpkt leaves undecoded.
 *
 * @returns the IP protocol number with `out` set to the payload range, or -1 on failure.
 * @example
 * ```ts
 * const span = new ByteSpan();
 * const proto = ipv4Payload(p._data, p._ipOffset, p._ipLength, span); // 17 ⇒ UDP in span
 * ```
 */
export function ipv4Payload(data: Uint8Array, offset: number, length: number, out: ByteSpan): number {
  if (length < 20 || data[offset]! >> 4 !== 4) return -1;
  const headerLength = (data[offset]! & 0x0f) * 4;
  if (headerLength < 20) return -1;
  // MF flag or a fragment offset: dpkt keeps the payload as raw bytes (no transport header).
  if (((data[offset + 6]! << 8) | data[offset + 7]!) & 0x3fff) return -1;
  const captureEnd = offset + length;
  const totalLength = (data[offset + 2]! << 8) | data[offset + 3]!;
  const end = totalLength === 0 ? captureEnd : Math.min(offset + totalLength, captureEnd);
  const start = offset + headerLength;
  out.start = start < end ? start : end;
  out.end = end;
  return data[offset + 9]!;
}
