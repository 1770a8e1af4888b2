import { growFloat64, growInt32 } from '../meter/grow.js';

/**
 * Early-flow sequences of spec §5.5 (`spltAnalysis = N`): direction, size and bidirectional
 * inter-arrival time of the first N packets, −1 for unused slots. Columns hold N entries per slot.
 */
export class FlowSplt {
  readonly n: number;
  direction: Int32Array;
  size: Int32Array;
  piat: Float64Array;

  constructor(n: number, capacity: number) {
    this.n = n;
    this.direction = new Int32Array(n * capacity);
    this.size = new Int32Array(n * capacity);
    this.piat = new Float64Array(n * capacity);
  }

  init(slot: number, size: number): void {
    const o = slot * this.n;
    this.direction.fill(-1, o, o + this.n);
    this.size.fill(-1, o, o + this.n);
    this.piat.fill(-1, o, o + this.n);
    this.direction[o] = 0;
    this.size[o] = size;
    this.piat[o] = 0;
  }

  /** Packet number `k` (1-based, k ≥ 2) of the flow. */
  update(slot: number, k: number, direction: number, size: number, piat: number): void {
    if (k > this.n) return;
    const i = slot * this.n + k - 1;
    this.direction[i] = direction;
    this.size[i] = size;
    this.piat[i] = piat;
  }

  /** Copies one slot's sequence out as three plain arrays (emission time only). */
  read(slot: number): [number[], number[], number[]] {
    const o = slot * this.n;
    const d: number[] = new Array(this.n);
    const s: number[] = new Array(this.n);
    const p: number[] = new Array(this.n);
    for (let i = 0; i < this.n; i++) {
      d[i] = this.direction[o + i]!;
      s[i] = this.size[o + i]!;
      p[i] = this.piat[o + i]!;
    }
    return [d, s, p];
  }

  grow(capacity: number): void {
    this.direction = growInt32(this.direction, this.n * capacity);
    this.size = growInt32(this.size, this.n * capacity);
    this.piat = growFloat64(this.piat, this.n * capacity);
  }
}
