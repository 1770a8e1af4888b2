import { addPages, PAGE_MASK, PAGE_SHIFT, PAGE_SLOTS } from '../meter/slot-pages.js';

/**
 * Early-flow sequences of spec §5.5 (`spltAnalysis = N`): direction, size and bidirectional
 * inter-arrival time of the first N packets, −1 for unused slots. Columns hold N entries per slot.
 */
export class FlowSplt {
  readonly n: number;
  private readonly directionPages: Int32Array[] = [];
  private readonly sizePages: Int32Array[] = [];
  private readonly piatPages: Float64Array[] = [];

  constructor(n: number, capacity: number) {
    this.n = n;
    this.grow(capacity);
  }

  init(slot: number, size: number): void {
    const page = slot >> PAGE_SHIFT;
    const o = (slot & PAGE_MASK) * this.n;
    const direction = this.directionPages[page]!;
    const sizes = this.sizePages[page]!;
    const piat = this.piatPages[page]!;
    direction[o] = 0;
    sizes[o] = size;
    piat[o] = 0;
    // a loop, not TypedArray.fill: a built-in call per flow costs more than a few stores
    for (let i = o + 1, end = o + this.n; i < end; i++) {
      direction[i] = -1;
      sizes[i] = -1;
      piat[i] = -1;
    }
  }

  /** Packet number `k` (1-based, k ≥ 2) of the flow. */
  update(slot: number, k: number, direction: number, size: number, piat: number): void {
    if (k > this.n) return;
    const page = slot >> PAGE_SHIFT;
    const i = (slot & PAGE_MASK) * this.n + k - 1;
    this.directionPages[page]![i] = direction;
    this.sizePages[page]![i] = size;
    this.piatPages[page]![i] = piat;
  }

  /** Copies one slot's sequence into rows of list columns, starting at entry `at` of each. */
  copyTo(slot: number, direction: Int32Array, size: Int32Array, piat: Float64Array, at: number): void {
    const page = slot >> PAGE_SHIFT;
    const o = (slot & PAGE_MASK) * this.n;
    const d = this.directionPages[page]!;
    const s = this.sizePages[page]!;
    const p = this.piatPages[page]!;
    for (let i = 0; i < this.n; i++) {
      direction[at + i] = d[o + i]!;
      size[at + i] = s[o + i]!;
      piat[at + i] = p[o + i]!;
    }
  }

  /** Copies one slot's sequence out as three plain arrays (emission time only). */
  read(slot: number): [number[], number[], number[]] {
    const d = new Int32Array(this.n);
    const s = new Int32Array(this.n);
    const p = new Float64Array(this.n);
    this.copyTo(slot, d, s, p, 0);
    return [Array.from(d), Array.from(s), Array.from(p)];
  }

  /** Adds pages to cover `capacity` slots (nothing moves). */
  grow(capacity: number): void {
    const w = PAGE_SLOTS * this.n;
    addPages(this.directionPages, capacity, () => new Int32Array(w));
    addPages(this.sizePages, capacity, () => new Int32Array(w));
    addPages(this.piatPages, capacity, () => new Float64Array(w));
  }
}
