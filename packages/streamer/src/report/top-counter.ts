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

interface Entry {
  bytes: number;
  flows: number;
  packets: number;
}

/**
 * Bytes, flows and packets per key in bounded memory. Exact while fewer than `2 × capacity`
 * distinct keys were seen; past that the map is pruned to the `capacity / 2` largest keys by
 * bytes and by flows (lossy counting), {@link exact} turns false and {@link errorBytes}/{@link errorFlows}
 * bound what a key may have lost.
 *
 * @example
 * ```ts
 * const talkers = new TopCounter(1000);
 * talkers.add('10.0.0.1', 1500, 3);
 * talkers.top(10, 'bytes'); // [{ key: '10.0.0.1', bytes: 1500, flows: 1, packets: 3 }]
 * ```
 */
export class TopCounter {
  private readonly map = new Map<string, Entry>();
  /** True while no key was ever dropped. */
  exact = true;
  /** Largest byte total a dropped key had (an upper bound of the undercount of any key). */
  errorBytes = 0;
  /** Largest flow count a dropped key had. */
  errorFlows = 0;

  constructor(readonly capacity = 20_000) {}

  /** Counts one flow (or `flows` flows) under `key`. */
  add(key: string, bytes: number, packets: number, flows = 1): void {
    let e = this.map.get(key);
    if (e === undefined) {
      if (this.map.size >= 2 * this.capacity) this.prune();
      e = { bytes: 0, flows: 0, packets: 0 };
      this.map.set(key, e);
    }
    e.bytes += bytes;
    e.flows += flows;
    e.packets += packets;
  }

  /** Distinct keys held now. */
  get size(): number {
    return this.map.size;
  }

  /** The `n` largest keys by `by`; ties by the other measure, then by key, so results are stable. */
  top(n: number, by: 'bytes' | 'flows'): TopRow[] {
    const other = by === 'bytes' ? 'flows' : 'bytes';
    const rows = [...this.map].map(([key, e]) => ({ key, bytes: e.bytes, flows: e.flows, packets: e.packets }));
    rows.sort((a, b) => b[by] - a[by] || b[other] - a[other] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return rows.slice(0, n);
  }

  private prune(): void {
    // half by bytes, half by flows: the survivors fit in `capacity`, so the next prune is far off
    const half = Math.ceil(this.capacity / 2);
    const keep = new Set<string>();
    for (const r of this.top(half, 'bytes')) keep.add(r.key);
    for (const r of this.top(half, 'flows')) keep.add(r.key);
    for (const [key, e] of this.map) {
      if (keep.has(key)) continue;
      this.errorBytes = Math.max(this.errorBytes, e.bytes);
      this.errorFlows = Math.max(this.errorFlows, e.flows);
      this.map.delete(key);
    }
    this.exact = false;
  }
}
