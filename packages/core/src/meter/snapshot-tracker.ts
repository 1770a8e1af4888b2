/** A typed array of `n` elements starting with `a`'s (the tracker's arrays are small: copying is fine). */
function grown<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Doubles per slot in {@link SnapshotTracker.base}: the counters at the flow's previous snapshot. */
export const SNAPSHOT_BASE_STRIDE = 4;
export const BASE_S2D_PACKETS = 0;
export const BASE_S2D_BYTES = 1;
export const BASE_D2S_PACKETS = 2;
export const BASE_D2S_BYTES = 3;

/**
 * The bookkeeping of flow snapshots (see docs/snapshots.md) next to the flow table: which live
 * flows received packets since their previous snapshot (a list of slots, so a snapshot visits
 * only those, not the whole cache), and each flow's counters at that snapshot (for the deltas).
 *
 * Per packet it costs one byte read; per live flow {@link BYTES_PER_FLOW} bytes.
 */
export class SnapshotTracker {
  /** 1 while the slot's flow is in {@link dirty} (received packets since its previous snapshot). */
  mark: Uint8Array;
  /** Counters at the previous snapshot, {@link SNAPSHOT_BASE_STRIDE} per slot. */
  base: Float64Array;
  /** Snapshots taken of the slot's flow so far. */
  count: Uint32Array;
  /** Slots marked since the last snapshot, in the order their flows were first touched. */
  dirty: Int32Array;
  dirtyLength = 0;

  /** Snapshot bookkeeping per live flow, in bytes (the memory figure the benchmark reports). */
  static readonly BYTES_PER_FLOW = 1 + SNAPSHOT_BASE_STRIDE * 8 + 4;

  constructor(capacity: number) {
    this.mark = new Uint8Array(capacity);
    this.base = new Float64Array(capacity * SNAPSHOT_BASE_STRIDE);
    this.count = new Uint32Array(capacity);
    this.dirty = new Int32Array(Math.max(16, capacity));
  }

  /** A new flow at `slot`: nothing snapshotted yet, and it has received a packet. */
  init(slot: number): void {
    const b = slot * SNAPSHOT_BASE_STRIDE;
    const base = this.base;
    base[b + BASE_S2D_PACKETS] = 0;
    base[b + BASE_S2D_BYTES] = 0;
    base[b + BASE_D2S_PACKETS] = 0;
    base[b + BASE_D2S_BYTES] = 0;
    this.count[slot] = 0;
    this.touch(slot);
  }

  /** The flow at `slot` received a packet. */
  touch(slot: number): void {
    if (this.mark[slot] !== 0) return;
    this.mark[slot] = 1;
    if (this.dirtyLength === this.dirty.length) this.dirty = grown(this.dirty, this.dirty.length * 2);
    this.dirty[this.dirtyLength++] = slot;
  }

  /** The flow at `slot` left the cache (its slot may be reused; a stale list entry is skipped). */
  release(slot: number): void {
    this.mark[slot] = 0;
  }

  grow(capacity: number): void {
    this.mark = grown(this.mark, capacity);
    this.base = grown(this.base, capacity * SNAPSHOT_BASE_STRIDE);
    this.count = grown(this.count, capacity);
  }

  /** Bytes held (memory reports). */
  get byteLength(): number {
    return this.mark.byteLength + this.base.byteLength + this.count.byteLength + this.dirty.byteLength;
  }
}
