/** Two-digit lowercase hex of every byte value. */
export const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** ASCII codes of the two lowercase hex digits of every byte value, high digit first ({@link HEX2} as bytes). */
export const HEX_PAIRS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_PAIRS[2 * i] = HEX2[i]!.charCodeAt(0);
  HEX_PAIRS[2 * i + 1] = HEX2[i]!.charCodeAt(1);
}

/** Writes byte value `b` as two lowercase hex digits at `pos`; returns the position after them. */
export function writeHexPair(buf: Uint8Array, pos: number, b: number): number {
  buf[pos] = HEX_PAIRS[2 * b]!;
  buf[pos + 1] = HEX_PAIRS[2 * b + 1]!;
  return pos + 2;
}
