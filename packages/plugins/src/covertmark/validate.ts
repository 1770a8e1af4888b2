/**
 * Throws `RangeError` naming `option` unless `value` is an integer ≥ `min` (spec §9.6).
 *
 * @example
 * ```ts
 * requireInt(50, 'windowSize', 1); // ok
 * ```
 */
export function requireInt(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${option} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}
