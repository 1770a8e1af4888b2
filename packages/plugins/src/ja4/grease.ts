import { Ja4Error } from './ja4-error.js';

/**
 * True for a GREASE value (RFC 8701) as JA4 tests it on 4-hex-digit text: `XaXa` (chars 0 and 2
 * equal, chars 1 and 3 equal, char 1 `a`). Shorter text (a value cut by the end of the packet)
 * throws, as Python's indexing does.
 *
 * @example
 * ```ts
 * isGrease('1a1a'); // true
 * isGrease('1301'); // false
 * ```
 */
export function isGrease(hex: string): boolean {
  if (hex.length < 4) throw new Ja4Error(`truncated value '${hex}'`);
  return hex[0] === hex[2] && hex[1] === hex[3] && hex[1] === 'a';
}

/**
 * Removes GREASE values in place with the bug of NFStream's JA4 (spec §10.3, §14 #26): it is
 * Python's `for x in values: if grease(x): values.remove(x)`, so the element sliding into a
 * removed slot is never examined, and `remove` deletes the first equal element, not the current one.
 *
 * @example
 * ```ts
 * removeGreaseBuggy(['0a0a', '1a1a', '1301']); // ['1a1a', '1301'] (the second GREASE stays)
 * ```
 */
export function removeGreaseBuggy(values: string[]): string[] {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (isGrease(value)) values.splice(values.indexOf(value), 1);
  }
  return values;
}
