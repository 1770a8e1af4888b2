import type { SnapshotValues } from '../flow/snapshot-batch-writer.js';
import { addPages, PAGE_MASK, PAGE_SHIFT, PAGE_SLOTS } from './slot-pages.js';

/** Doubles per entry of the state pool: the four counters at the flow's previous snapshot, then its snapshot count. */
const STRIDE = 5;
const S2D_PACKETS = 0;
const S2D_BYTES = 1;
const D2S_PACKETS = 2;
const D2S_BYTES = 3;
const COUNT = 4;
/** Free-list room to start with (grows by doubling). */
const FREE_START = 1024;
/** A slot whose flow has no snapshot yet. */
const NO_ENTRY = -1;

/**
 * The bookkeeping of flow snapshots (see docs/snapshots.md) next to the flow table: which live
 * flows received packets since their previous snapshot (a list of slots, so a snapshot visits
 * only those, not the whole cache), and each flow's counters at that snapshot (for the deltas).
 *
 * Per slot it keeps a mark and an entry number, in pages like the table's (see slot-pages.ts);
 * the counters live in a pool entry a flow takes at its first snapshot and gives back when it
 * leaves. Most flows never last an interval, so a new flow costs one store and 5 bytes, not 41:
 * memory per live flow on the many-flows bench capture (754k live) went from 212 to 176 bytes.
 *
 * Per packet it costs one byte read; per live flow {@link BYTES_PER_FLOW} bytes, plus
 * {@link BYTES_PER_SNAPSHOTTED_FLOW} per flow that has had a snapshot.
 */
export class SnapshotTracker {
  /** Slots marked since the last snapshot, in the order their flows were first marked. */
  private dirty = new Int32Array(PAGE_SLOTS);
  private dirtyLength = 0;
  /** 1 while the slot's flow is in {@link dirty} (received packets since its previous snapshot). */
  private readonly marks: Uint8Array[] = [];
  /** Per slot: its flow's entry in {@link pool}, or {@link NO_ENTRY} before its first snapshot. */
  private readonly entries: Int32Array[] = [];
  /** The pool's entries, {@link STRIDE} doubles each, in pages of {@link PAGE_SLOTS} entries: growing adds a page and copies nothing. */
  private readonly pool: Float64Array[] = [];
  /** Entries `[0, poolUsed)` were handed out at least once. */
  private poolUsed = 0;
  /** Entries given back, taken again last in first out. */
  private free = new Int32Array(FREE_START);
  private freeLength = 0;

  /** Snapshot bookkeeping per live flow, in bytes: its mark and its entry number. */
  static readonly BYTES_PER_FLOW = 1 + 4;
  /** Snapshot bookkeeping per live flow that has had a snapshot, in bytes: its pool entry. */
  static readonly BYTES_PER_SNAPSHOTTED_FLOW = STRIDE * 8;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /**
   * A new flow at `slot`: nothing snapshotted yet. It is not marked: one packet is no row (a row
   * needs a flow that lasted the interval, see {@link touch}).
   */
  init(slot: number): void {
    this.entries[slot >> PAGE_SHIFT]![slot & PAGE_MASK] = NO_ENTRY;
  }

  /** The flow at `slot` received a packet at which it has lasted the snapshot interval. */
  touch(slot: number): void {
    const marks = this.marks[slot >> PAGE_SHIFT]!;
    const m = slot & PAGE_MASK;
    if (marks[m] !== 0) return;
    marks[m] = 1;
    if (this.dirtyLength === this.dirty.length) this.dirty = doubled(this.dirty);
    this.dirty[this.dirtyLength++] = slot;
  }

  /** The flow at `slot` left the cache (its slot may be reused; a stale list entry is skipped). */
  release(slot: number): void {
    const page = slot >> PAGE_SHIFT;
    const m = slot & PAGE_MASK;
    this.marks[page]![m] = 0;
    const entries = this.entries[page]!;
    const e = entries[m]!;
    if (e === NO_ENTRY) return;
    entries[m] = NO_ENTRY;
    if (this.freeLength === this.free.length) this.free = doubled(this.free);
    this.free[this.freeLength++] = e;
  }

  /**
   * Takes the slots marked since the last call, in order, each once, unmarked (a slot listed again
   * after its flow left, or reused, is skipped): `visit` gets each, the list starts empty again.
   */
  takeMarked(visit: (slot: number) => void): void {
    const list = this.dirty;
    const n = this.dirtyLength;
    this.dirtyLength = 0;
    for (let i = 0; i < n; i++) {
      const s = list[i]!;
      const marks = this.marks[s >> PAGE_SHIFT]!;
      if (marks[s & PAGE_MASK] === 0) continue;
      marks[s & PAGE_MASK] = 0;
      visit(s);
    }
  }

  /**
   * A snapshot of the flow at `slot` with these counters: writes the deltas since its previous
   * snapshot and its snapshot index into `out`, and keeps the counters for the next one.
   */
  advance(slot: number, s2dPackets: number, s2dBytes: number, d2sPackets: number, d2sBytes: number, out: SnapshotValues): void {
    const entries = this.entries[slot >> PAGE_SHIFT]!;
    let e = entries[slot & PAGE_MASK]!;
    if (e === NO_ENTRY) entries[slot & PAGE_MASK] = e = this.takeEntry();
    const v = this.pool[e >> PAGE_SHIFT]!;
    const o = (e & PAGE_MASK) * STRIDE;
    out.s2dPackets = s2dPackets - v[o + S2D_PACKETS]!;
    out.s2dBytes = s2dBytes - v[o + S2D_BYTES]!;
    out.d2sPackets = d2sPackets - v[o + D2S_PACKETS]!;
    out.d2sBytes = d2sBytes - v[o + D2S_BYTES]!;
    v[o + S2D_PACKETS] = s2dPackets;
    v[o + S2D_BYTES] = s2dBytes;
    v[o + D2S_PACKETS] = d2sPackets;
    v[o + D2S_BYTES] = d2sBytes;
    out.index = ++v[o + COUNT]!;
  }

  /** A pool entry with nothing snapshotted yet (zero counters, no snapshot). */
  private takeEntry(): number {
    let e: number;
    if (this.freeLength > 0) e = this.free[--this.freeLength]!;
    else {
      e = this.poolUsed++;
      if (e === this.pool.length * PAGE_SLOTS) this.pool.push(new Float64Array(PAGE_SLOTS * STRIDE));
    }
    // five stores, not `fill`: a builtin call per entry cost more than the stores (main-thread profile)
    const v = this.pool[e >> PAGE_SHIFT]!;
    const o = (e & PAGE_MASK) * STRIDE;
    v[o + S2D_PACKETS] = 0;
    v[o + S2D_BYTES] = 0;
    v[o + D2S_PACKETS] = 0;
    v[o + D2S_BYTES] = 0;
    v[o + COUNT] = 0;
    return e;
  }

  /** Adds pages to cover `capacity` slots (nothing moves). */
  grow(capacity: number): void {
    addPages(this.marks, capacity, () => new Uint8Array(PAGE_SLOTS));
    addPages(this.entries, capacity, () => new Int32Array(PAGE_SLOTS));
  }

  /** Bytes held (memory reports). */
  get byteLength(): number {
    const pool = this.pool.length * PAGE_SLOTS * SnapshotTracker.BYTES_PER_SNAPSHOTTED_FLOW;
    return this.marks.length * PAGE_SLOTS * SnapshotTracker.BYTES_PER_FLOW + pool + this.free.byteLength + this.dirty.byteLength;
  }
}

/** A list twice as long with `list`'s values first (the dirty and free lists grow this way). */
function doubled(list: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const more = new Int32Array(list.length * 2);
  more.set(list);
  return more;
}
