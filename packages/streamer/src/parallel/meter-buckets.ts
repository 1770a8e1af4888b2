/** Fewest buckets of a table: enough that shares are set in steps of 1/256. */
const MIN_BUCKETS = 256;

/**
 * Which meter owns each bucket of NFStream's packet hash (spec §7): a packet's bucket is
 * `hash & (buckets − 1)`, so every packet of a flow (both directions hash alike) reaches the same
 * meter, whatever the shares. Meter 0 (the main thread, which also reads and routes every record)
 * owns `localShare` of the buckets, spread evenly over the table; the other meters split the rest
 * round robin.
 *
 * @param meters number of meters, ≥ 1.
 * @param localShare meter 0's share of the buckets, 0 … 1/meters.
 * @returns the table: a power-of-two length (≥ 256 and ≥ 4 buckets per meter), values 0 … meters − 1.
 * @example
 * ```ts
 * const table = meterBuckets(2, 0.25);
 * const owner = table[hash & (table.length - 1)];
 * ```
 */
export function meterBuckets(meters: number, localShare: number): Uint16Array {
  let size = MIN_BUCKETS;
  while (size < meters * 4) size *= 2;
  const table = new Uint16Array(size);
  // meter 0 takes `local` buckets at even spacing (Bresenham), the workers the others in turn
  const local = meters === 1 ? size : Math.round(size * Math.min(Math.max(localShare, 0), 1 / meters));
  let worker = 0;
  for (let b = 0; b < size; b++) {
    if (Math.floor(((b + 1) * local) / size) > Math.floor((b * local) / size)) table[b] = 0;
    else {
      table[b] = 1 + worker;
      worker = (worker + 1) % (meters - 1);
    }
  }
  return table;
}
