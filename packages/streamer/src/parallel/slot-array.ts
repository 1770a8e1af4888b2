/**
 * `array`, or a copy twice as long as often as needed to hold index `slot` (the new cells 0): for
 * per-slot state that follows the meter's flow table as it grows.
 *
 * @example
 * ```ts
 * if (slot >= tickets.length) tickets = holdingSlot(tickets, slot);
 * ```
 */
export function holdingSlot(array: Int32Array, slot: number): Int32Array {
  if (slot < array.length) return array;
  let n = Math.max(array.length, 1);
  while (n <= slot) n *= 2;
  const to = new Int32Array(n);
  to.set(array);
  return to;
}
