import { addPages, PAGE_MASK, PAGE_SHIFT, PAGE_SLOTS } from '../meter/slot-pages.js';

/** Doubles per flow in {@link FlowCounters.pages} (88 bytes: fresh memory is what a million-flow table pays for). */
export const COUNTER_STRIDE = 11;
export const BI_FIRST = 0;
export const BI_LAST = 1;
/** A flow's first packet defines its src2dst direction: its first seen is the flow's (one value). */
export const S2D_FIRST = BI_FIRST;
export const S2D_LAST = 2;
export const S2D_PACKETS = 3;
export const S2D_BYTES = 4;
export const D2S_FIRST = 5;
export const D2S_LAST = 6;
export const D2S_PACKETS = 7;
export const D2S_BYTES = 8;
export const SRC_MAC = 9;
export const DST_MAC = 10;

/**
 * Per-flow core accumulators of spec §5.1 (always maintained): first/last seen, packets and bytes
 * for the src2dst and dst2src directions (bidirectional packets and bytes are their sums), first
 * and last seen of the flow, and its MAC addresses. One flow's
 * values sit together ({@link COUNTER_STRIDE} doubles per flow-table slot), so a packet updates
 * two cache lines instead of one per counter. Slot `s` is at
 * `pages[s >> PAGE_SHIFT][(s & PAGE_MASK) * COUNTER_STRIDE]` (see slot-pages.ts).
 */
export class FlowCounters {
  readonly pages: Float64Array[] = [];

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /** The value `field` ({@link BI_FIRST}…{@link DST_MAC}) of the flow at `s`. */
  get(s: number, field: number): number {
    return this.pages[s >> PAGE_SHIFT]![(s & PAGE_MASK) * COUNTER_STRIDE + field]!;
  }

  /** First packet of a flow (spec §5.1). */
  init(s: number, t: number, size: number, srcMac: number, dstMac: number): void {
    const v = this.pages[s >> PAGE_SHIFT]!;
    const o = (s & PAGE_MASK) * COUNTER_STRIDE;
    v[o + BI_FIRST] = t;
    v[o + BI_LAST] = t;
    v[o + S2D_LAST] = t;
    v[o + S2D_PACKETS] = 1;
    v[o + S2D_BYTES] = size;
    v[o + D2S_FIRST] = 0;
    v[o + D2S_LAST] = 0;
    v[o + D2S_PACKETS] = 0;
    v[o + D2S_BYTES] = 0;
    v[o + SRC_MAC] = srcMac;
    v[o + DST_MAC] = dstMac;
  }

  /** A later packet (spec §5.1); call after the statistics read the previous last-seen times. */
  update(s: number, t: number, size: number, direction: number): void {
    const v = this.pages[s >> PAGE_SHIFT]!;
    const o = (s & PAGE_MASK) * COUNTER_STRIDE;
    v[o + BI_LAST] = t;
    if (direction === 0) {
      v[o + S2D_PACKETS]++;
      v[o + S2D_LAST] = t;
      v[o + S2D_BYTES] += size;
    } else {
      if (v[o + D2S_PACKETS] === 0) v[o + D2S_FIRST] = t;
      v[o + D2S_PACKETS]++;
      v[o + D2S_LAST] = t;
      v[o + D2S_BYTES] += size;
    }
  }

  /** Adds pages to cover `capacity` slots (nothing moves). */
  grow(capacity: number): void {
    addPages(this.pages, capacity, () => new Float64Array(PAGE_SLOTS * COUNTER_STRIDE));
  }
}
