/** Totals of one key of a {@link TopCounter}. */
export interface TopRow {
  /** The key (an address, a pair, an application, a port …). */
  readonly key: string;
  /** Sum of `bidirectional_bytes` of the flows with this key. */
  readonly bytes: number;
  /** Number of flows with this key. */
  readonly flows: number;
  /** Sum of `bidirectional_packets`. */
  readonly packets: number;
}

/**
 * Bytes, flows and packets per key in bounded memory. Exact while fewer than `2 × capacity`
 * distinct keys were seen; past that the map is pruned to the keys above the `capacity / 2`-th
 * largest byte total or the `capacity / 2`-th largest flow count (lossy counting), {@link exact}
 * turns false and {@link errorBytes}/{@link errorFlows} bound what a key may have lost.
 *
 * @example
 * ```ts
 * const talkers = new TopCounter(1000);
 * talkers.add('10.0.0.1', 1500, 3);
 * talkers.top(10, 'bytes'); // [{ key: '10.0.0.1', bytes: 1500, flows: 1, packets: 3 }]
 * ```
 */
export class TopCounter {
  // key → slot; a slot is 3 numbers (bytes, flows, packets) in one typed array: no object per key
  private slots = new Map<string, number>();
  private sums: Float64Array;
  /** True while no key was ever dropped. */
  exact = true;
  /** Largest byte total a dropped key had (an upper bound of the undercount of any key). */
  errorBytes = 0;
  /** Largest flow count a dropped key had. */
  errorFlows = 0;

  constructor(readonly capacity = 20_000) {
    this.sums = new Float64Array(3 * Math.min(1024, 2 * capacity));
  }

  /** Counts one flow (or `flows` flows) under `key`. */
  add(key: string, bytes: number, packets: number, flows = 1): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      if (this.slots.size >= 2 * this.capacity) this.prune();
      slot = this.slots.size;
      if (3 * slot >= this.sums.length) {
        const grown = new Float64Array(Math.min(this.sums.length * 2, 6 * this.capacity + 3));
        grown.set(this.sums);
        this.sums = grown;
      }
      this.slots.set(key, slot);
      const o = 3 * slot;
      this.sums[o] = bytes;
      this.sums[o + 1] = flows;
      this.sums[o + 2] = packets;
      return;
    }
    const o = 3 * slot;
    this.sums[o] += bytes;
    this.sums[o + 1] += flows;
    this.sums[o + 2] += packets;
  }

  /** Distinct keys held now. */
  get size(): number {
    return this.slots.size;
  }

  /** The `n` largest keys by `by`; ties by the other measure, then by key, so results are stable. */
  top(n: number, by: 'bytes' | 'flows'): TopRow[] {
    const other = by === 'bytes' ? 'flows' : 'bytes';
    const s = this.sums;
    const rows: TopRow[] = [];
    for (const [key, slot] of this.slots) rows.push({ key, bytes: s[3 * slot]!, flows: s[3 * slot + 1]!, packets: s[3 * slot + 2]! });
    rows.sort((a, b) => b[by] - a[by] || b[other] - a[other] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return rows.slice(0, n);
  }

  private prune(): void {
    // keep the keys strictly above the (capacity/2)-th largest bytes or flows: at most `capacity`
    // survive (ties at the threshold go), so the next prune is `capacity` new keys away
    const half = Math.ceil(this.capacity / 2);
    const s = this.sums;
    const n = this.slots.size;
    const bytes = new Float64Array(n);
    const flows = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      bytes[i] = s[3 * i]!;
      flows[i] = s[3 * i + 1]!;
    }
    bytes.sort();
    flows.sort();
    const minBytes = bytes[n - half]!;
    const minFlows = flows[n - half]!;
    const kept = new Map<string, number>();
    const sums = new Float64Array(s.length);
    for (const [key, slot] of this.slots) {
      const o = 3 * slot;
      if (s[o]! > minBytes || s[o + 1]! > minFlows) {
        const k = 3 * kept.size;
        sums[k] = s[o]!;
        sums[k + 1] = s[o + 1]!;
        sums[k + 2] = s[o + 2]!;
        kept.set(key, kept.size);
      } else {
        if (s[o]! > this.errorBytes) this.errorBytes = s[o]!;
        if (s[o + 1]! > this.errorFlows) this.errorFlows = s[o + 1]!;
      }
    }
    this.slots = kept; // a fresh map: deleting half of a big Map leaves it slow
    this.sums = sums;
    this.exact = false;
  }
}
