/**
 * Byte readers used by every stage. Callers have checked bounds (except {@link byteOrZero}), so
 * these are plain indexed reads that V8 inlines.
 */

/** Big-endian u16 at `o`. */
export function be16(d: Uint8Array, o: number): number {
  return (d[o] << 8) | d[o + 1];
}

/** Little-endian u16 at `o`. */
export function le16(d: Uint8Array, o: number): number {
  return d[o] | (d[o + 1] << 8);
}

/** Big-endian u32 at `o`, as an unsigned number. */
export function be32(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}

/** 48-bit MAC address at `o` as an exact integer. */
export function mac48(d: Uint8Array, o: number): number {
  return ((d[o] << 8) | d[o + 1]) * 4294967296 + be32(d, o + 2);
}

/**
 * Byte at `o`, or 0 beyond the capture: NFStream reads transport headers without checking caplen
 * and gets undefined memory there; we define it as zero (spec §1.8).
 */
export function byteOrZero(d: Uint8Array, o: number, end: number): number {
  return o < end ? d[o] : 0;
}
