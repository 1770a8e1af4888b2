/**
 * Reads a C string the way NFStream's Python side does (spec §11): the bytes up to the first NUL,
 * at most `maxBytes` of them (the size of NFStream's C buffer minus its terminator), decoded as UTF-8
 * with invalid bytes dropped (Python's `decode('utf-8', errors='ignore')`).
 *
 * @example
 * ```ts
 * cString(new Uint8Array([0x61, 0xff, 0x62, 0]), 0, 79); // 'ab'
 * ```
 */
export function cString(bytes: Uint8Array, start: number, maxBytes: number): string {
  const end = Math.min(bytes.length, start + maxBytes);
  // the common case, ASCII up to the NUL: one string made at once, not one per character
  let n = start;
  let high = 0;
  while (n < end && bytes[n] !== 0) high |= bytes[n++]!;
  if (high < 0x80) return n === start ? '' : ascii.decode(bytes.subarray(start, n));
  let out = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 === 0) break;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    const cp = decodeMultiByte(bytes, i, end);
    if (cp < 0) {
      // Invalid lead or sequence: drop this byte and resynchronise on the next one. Continuation
      // bytes are never valid leads, so this drops exactly what Python's 'ignore' drops.
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return out;
}

/** ASCII text (WHATWG's latin1 is windows-1252, the same as ASCII below 0x80). */
const ascii = new TextDecoder('latin1');

/** The code point of a valid 2–4 byte sequence at `i` (ending before `end` or a NUL), else -1. */
function decodeMultiByte(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i]!;
  let need: number;
  let cp: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    cp = b0 & 0x0f;
    if (b0 === 0xe0) lo = 0xa0; // overlong
    if (b0 === 0xed) hi = 0x9f; // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 === 0xf0) lo = 0x90; // overlong
    if (b0 === 0xf4) hi = 0x8f; // > U+10FFFF
  } else {
    return -1;
  }
  if (i + need >= end) return -1; // truncated by the C buffer size
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k]!;
    if (k === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  return cp;
}
