/**
 * CovertMark's parser `tls` flag (spec Appendix C, dpkt 1.9.8): the first record has a known type
 * (20–23) and version (TLS 1.0–1.3, not SSL 3.0), and the records chain without overrunning the
 * payload (a tail of at most 5 bytes is ignored).
 *
 * @example
 * ```ts
 * isTlsPayload(Uint8Array.of(0x16, 3, 1, 0, 0)); // true
 * ```
 */
export function isTlsPayload(payload: Uint8Array): boolean {
  const n = payload.length;
  if (n < 5) return false;
  const type = payload[0]!;
  if (type < 20 || type > 23) return false;
  const version = payload[1]! * 256 + payload[2]!;
  if (version < 0x0301 || version > 0x0304) return false;
  let pos = 0;
  while (pos < n - 5) {
    const len = payload[pos + 3]! * 256 + payload[pos + 4]!;
    const end = pos + 5 + len;
    if (end > n) return false;
    pos = end;
  }
  return true;
}
