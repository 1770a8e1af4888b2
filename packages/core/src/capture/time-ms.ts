const TWO_POW_64 = 18446744073709551616;

/**
 * NFStream's millisecond clock is a `uint64` (spec §1.2): a negative intermediate value wraps
 * modulo 2^64. flowstream keeps such times in their **signed reading** (`-1000` stands for
 * `2^64 − 1000`), which is exact in a number wherever NFStream's value is within 2^53 of either
 * end; comparisons and differences go through {@link isLaterTime} and {@link elapsedMs}, and
 * outputs print the unsigned value (see `uint64Text`).
 *
 * @example
 * ```ts
 * wrapTimeMs(1434443394683); // unchanged
 * wrapTimeMs(-1000);         // -1000, i.e. NFStream's 18446744073709550616
 * ```
 */
export function wrapTimeMs(ms: number): number {
  // values past 2^63 (pcapng's 64-bit arithmetic) go to their signed reading
  return ms >= 9223372036854775808 ? ms - TWO_POW_64 : ms;
}

/** True when time `a` is later than `b` in NFStream's unsigned order (signed readings). */
export function isLaterTime(a: number, b: number): boolean {
  return a < 0 === b < 0 ? a > b : a < 0;
}

/** `a − b` of NFStream's uint64 times, for `a` not earlier than `b` (signed readings). */
export function elapsedMs(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + TWO_POW_64 : d;
}

/** A time's unsigned value as the nearest number (what plugins and nDPI see). */
export function unsignedTimeMs(t: number): number {
  return t < 0 ? t + TWO_POW_64 : t;
}
