// Direct byte reads for the capture parsers (faster than DataView for scattered small reads).

/** Unsigned 16-bit read, little-endian when `le`. */
export function u16(b: Uint8Array, p: number, le: boolean): number {
  return le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
}

/** Signed 32-bit read, little-endian when `le`. */
export function i32(b: Uint8Array, p: number, le: boolean): number {
  return le
    ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)
    : (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

/** Unsigned 32-bit read, little-endian when `le`. */
export function u32(b: Uint8Array, p: number, le: boolean): number {
  return i32(b, p, le) >>> 0;
}
