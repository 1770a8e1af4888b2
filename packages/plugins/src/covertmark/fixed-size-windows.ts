import { requireInt } from './validate.js';

/**
 * CovertMark's `window_packets_fixed_size` (spec §6.1): consecutive slices of `windowSize`
 * packets; a final shorter slice is dropped. Throws `RangeError` for a size that is not an
 * integer ≥ 1.
 *
 * @example
 * ```ts
 * windowPacketsFixedSize([1, 2, 3, 4, 5].map((time) => ({ time })), 2).length; // 2
 * ```
 */
export function windowPacketsFixedSize<T>(packets: readonly T[], windowSize: number): T[][] {
  const n = requireInt(windowSize, 'windowSize', 1);
  const out: T[][] = [];
  for (let i = 0; i + n <= packets.length; i += n) out.push(packets.slice(i, i + n));
  return out;
}
