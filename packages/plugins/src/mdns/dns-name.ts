import { isValidUtf8 } from '../parse/utf8-valid.js';
import { decodeUtf8Strict } from '../parse/utf8.js';

/**
 * Walks the DNS name at `offset` of the message `data[base, end)` (offsets and compression
 * pointers are relative to `base`), with dpkt's rules (spec §10.3 MDNS): a pointer must point
 * strictly before the start of the name segment it interrupts (so loops are impossible), the
 * declared label lengths plus one each may total at most 255, label types 0x40/0x80 are errors,
 * and a label may run past the end only if nothing follows. Invalid UTF-8 in a well-formed name
 * throws (NFStream crashes there, spec §10.1).
 *
 * @returns the offset (relative to `base`) after the name, or -1 on a format/truncation error.
 * @example
 * ```ts
 * // 'a.b' at offset 12 of a message: 01 61 01 62 00
 * skipDnsName(msg, 0, msg.length, 12); // 17
 * ```
 */
export function skipDnsName(data: Uint8Array, base: number, end: number, offset: number): number {
  const next = walkName(data, base, end - base, offset);
  if (next >= 0) validateLabels(data, base, offset);
  return next;
}

/**
 * Reads the (well-formed, see {@link skipDnsName}) name at `offset` as text, labels joined by `.`.
 *
 * @example
 * ```ts
 * readDnsName(msg, 0, 12); // 'a.b'
 * ```
 */
export function readDnsName(data: Uint8Array, base: number, offset: number): string {
  let text = '';
  let first = true;
  let off = offset;
  for (;;) {
    const n = data[base + off]!;
    if (n === 0) return text;
    if ((n & 0xc0) === 0xc0) {
      off = ((n << 8) | data[base + off + 1]!) & 0x3fff;
      continue;
    }
    const label = data.subarray(base + off + 1, base + off + 1 + n);
    text += (first ? '' : '.') + decodeUtf8Strict(label, 'a DNS name');
    first = false;
    off += 1 + n;
  }
}

function walkName(data: Uint8Array, base: number, length: number, offset: number): number {
  let off = offset;
  let segmentStart = offset;
  let after = -1;
  let total = 0;
  for (;;) {
    if (off >= length) return -1;
    const n = data[base + off]!;
    if (n === 0) {
      off++;
      break;
    }
    if ((n & 0xc0) === 0xc0) {
      if (off + 1 >= length) return -1;
      const pointer = ((n << 8) | data[base + off + 1]!) & 0x3fff;
      if (pointer >= segmentStart) return -1;
      off += 2;
      if (after < 0) after = off;
      segmentStart = off = pointer;
    } else if ((n & 0xc0) === 0) {
      total += n + 1;
      if (total > 255) return -1;
      off += 1 + n;
    } else {
      return -1;
    }
  }
  return after < 0 ? off : after;
}

function validateLabels(data: Uint8Array, base: number, offset: number): void {
  let off = offset;
  for (;;) {
    const n = data[base + off]!;
    if (n === 0) return;
    if ((n & 0xc0) === 0xc0) {
      off = ((n << 8) | data[base + off + 1]!) & 0x3fff;
      continue;
    }
    const start = base + off + 1;
    if (!isValidUtf8(data, start, start + n)) {
      // Reuse the decoder for the error message.
      decodeUtf8Strict(data.subarray(start, start + n), 'a DNS name');
    }
    off += 1 + n;
  }
}
