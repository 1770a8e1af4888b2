/**
 * CovertMark's `synchronise_packets` (spec §6.3): shifts every packet's time by
 * `targetTime − time(first)` (first after the optional stable sort by time). Changes the packets
 * in place and returns them in the sorted or given order.
 *
 * @example
 * ```ts
 * synchronisePackets([{ time: 10 }, { time: 12 }], 100, false).map((p) => p.time); // [100, 102]
 * ```
 */
export function synchronisePackets<T extends { time: number }>(packets: T[], targetTime: number, sort = false): T[] {
  if (packets.length === 0) return [];
  const ordered = sort ? [...packets].sort((a, b) => a.time - b.time) : packets;
  const diff = targetTime - ordered[0]!.time;
  for (const p of ordered) p.time = p.time + diff;
  return ordered;
}
