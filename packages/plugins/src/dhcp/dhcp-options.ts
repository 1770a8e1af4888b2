/** Length of the fixed BOOTP part plus the 4-byte magic cookie (not validated). */
export const DHCP_OPTIONS_OFFSET = 240;

/**
 * Checks the option area `[start, end)` the way dpkt unpacks it before the plugin looks at any
 * option: pad (0) skipped, end (255) stops, otherwise code, length, value (a value running past
 * the end is silently cut). A code byte with no length byte after it is a parse error.
 *
 * @returns true when the options can be walked.
 * @example
 * ```ts
 * dhcpOptionsValid(new Uint8Array([53, 1, 1, 255]), 0, 4); // true
 * ```
 */
export function dhcpOptionsValid(data: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const code = data[i]!;
    if (code === 255) return true;
    if (code === 0) {
      i++;
      continue;
    }
    if (i + 1 >= end) return false;
    i += 2 + data[i + 1]!;
  }
  return true;
}

/**
 * Big-endian unsigned integer of `data[start, end)` (Python's `int.from_bytes(b, 'big')`; exact
 * up to 2^53).
 *
 * @example
 * ```ts
 * bigEndianValue(new Uint8Array([0x05, 0xdc]), 0, 2); // 1500
 * ```
 */
export function bigEndianValue(data: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + data[i]!;
  return v;
}
