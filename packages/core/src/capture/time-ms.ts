const TWO_POW_64 = 18446744073709551616;

/**
 * NFStream's millisecond clock is a `uint64` (spec §1.2): a negative intermediate value wraps
 * modulo 2^64. Values beyond 2^53 cannot be exact in a number; they only occur in corrupt files.
 *
 * @example
 * ```ts
 * wrapTimeMs(1434443394683); // unchanged
 * wrapTimeMs(-1);            // 18446744073709551615 (as the nearest double)
 * ```
 */
export function wrapTimeMs(ms: number): number {
  return ms < 0 ? ms + TWO_POW_64 : ms;
}
