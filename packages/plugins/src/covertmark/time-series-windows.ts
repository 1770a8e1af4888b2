import { requireInt } from './validate.js';

/**
 * CovertMark's `window_packets_time_series` (spec §5): cuts packets into consecutive segments of
 * `windowMicros` µs measured from the earliest packet. Returns the segments (empty ones included);
 * none when the trace spans less than one segment or is empty (§9.5). Throws `RangeError` for a
 * non-integer or < 1 size.
 *
 * Replicated quirks: the last segment absorbs late packets, and without `sort` the cursor never
 * goes back (an early packet after a later one sends it, and all that follow, to the last segment).
 *
 * @example
 * ```ts
 * windowPacketsTimeSeries(packets, 60_000_000, false).length; // number of 60 s segments
 * ```
 */
export function windowPacketsTimeSeries<T extends { readonly time: number }>(
  packets: readonly T[],
  windowMicros: number,
  sort = true,
): T[][] {
  const w = requireInt(windowMicros, 'windowMicros', 1);
  if (packets.length === 0) return [];
  const ordered = sort ? [...packets].sort((a, b) => a.time - b.time) : packets;
  let minT = Infinity;
  let maxT = -Infinity;
  for (const p of packets) {
    if (p.time < minT) minT = p.time;
    if (p.time > maxT) maxT = p.time;
  }
  // trunc of the float product, which can lose a microsecond (§5 Quirk).
  const tmin = Math.trunc(minT * 1e6);
  const tmax = Math.trunc(maxT * 1e6);
  const extent = tmax - tmin;
  if (extent < w) return [];
  const m = Math.ceil(extent / w);
  const segments: T[][] = Array.from({ length: m }, () => []);
  let c = 0;
  for (const p of ordered) {
    const x = p.time * 1e6 - tmin;
    while (!(c * w <= x && x < (c + 1) * w) && c < m - 1) c++;
    segments[c]!.push(p);
  }
  return segments;
}
