import type { ByteSpan } from './byte-span.js';

/**
 * Narrows an IP payload range (`span`, from {@link ipv4Payload}) to the TCP payload: the bytes
 * after `data offset × 4`; an offset past the data yields an empty payload.
 *
 * @returns true on success; false when the header is shorter than 20 bytes or its data offset is
 *   below 5 words (span untouched).
 * @example
 * ```ts
 * if (ipv4Payload(d, o, n, span) === 6 && tcpPayload(d, span)) inspect(d, span.start, span.end);
 * ```
 */
export function tcpPayload(data: Uint8Array, span: ByteSpan): boolean {
  if (span.end - span.start < 20) return false;
  const headerLength = (data[span.start + 12]! >> 4) * 4;
  if (headerLength < 20) return false;
  const start = span.start + headerLength;
  span.start = start < span.end ? start : span.end;
  return true;
}
