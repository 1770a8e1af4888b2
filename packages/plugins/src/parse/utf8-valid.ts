/**
 * True when `data[start, end)` is well-formed UTF-8 as Python's strict decoder accepts it (no
 * overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence). Allocation-free,
 * for bytes that must be validated but whose text is not needed.
 *
 * @example
 * ```ts
 * isValidUtf8(new Uint8Array([0xc3, 0xa9]), 0, 2); // true ('é')
 * isValidUtf8(new Uint8Array([0xc0, 0xaf]), 0, 2); // false (overlong '/')
 * ```
 */
export function isValidUtf8(data: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = data[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    const second = data[i + 1]!;
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) {
      const c = data[i + k]!;
      if (c < 0x80 || c > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}
