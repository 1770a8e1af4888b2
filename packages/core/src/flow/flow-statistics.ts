import { addPages, PAGE_MASK, PAGE_SHIFT, PAGE_SLOTS } from '../meter/slot-pages.js';

/** Direction index inside the statistics columns. */
export const BIDIRECTIONAL = 0;
export const SRC2DST = 1;
export const DST2SRC = 2;

/** TCP flag bits in NFStream's output order: syn, cwr, ece, urg, ack, psh, rst, fin (spec §4). */
export const FLAG_BITS = [0x02, 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x01] as const;

/** Values per direction in a slot's record: sizes then inter-arrival times, each min, max, mean, M2. */
export const PS_MIN = 0;
export const PS_MAX = 1;
export const PS_MEAN = 2;
const PS_M2 = 3;
export const PIAT_MIN = 4;
export const PIAT_MAX = 5;
export const PIAT_MEAN = 6;
const PIAT_M2 = 7;
const DIRECTION_WORDS = 8;
/** Doubles per slot: three directions (bidirectional, src2dst, dst2src). */
const STATS_STRIDE = 3 * DIRECTION_WORDS;
/** Flag counters per slot: eight per direction. */
const FLAGS_STRIDE = 3 * 8;

/**
 * Post-mortem statistics of spec §5.2–§5.4 (`statisticalAnalysis`): packet sizes and
 * inter-arrival times per direction with Welford's incremental mean/M2 in exactly NFStream's
 * operation order (bit-identical floats), and TCP flag counters. One record per flow-table slot
 * (in pages, see slot-pages.ts), so a packet updates a few adjacent cache lines.
 */
export class FlowStatistics {
  private readonly pages: Float64Array[] = [];
  private readonly flagPages: Uint32Array[] = [];

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /** Flow's first packet: bidirectional and src2dst get their first size; dst2src is reset. */
  init(slot: number, size: number, tcpFlags: number): void {
    const v = this.pages[slot >> PAGE_SHIFT]!;
    const b = (slot & PAGE_MASK) * STATS_STRIDE;
    first(v, b, size);
    first(v, b + DIRECTION_WORDS, size);
    first(v, b + 2 * DIRECTION_WORDS, 0);
    const f = this.flagPages[slot >> PAGE_SHIFT]!;
    const fo = (slot & PAGE_MASK) * FLAGS_STRIDE;
    // a loop, not TypedArray.fill: a built-in call per flow costs more than a few stores
    for (let i = fo, end = fo + FLAGS_STRIDE; i < end; i++) f[i] = 0;
    if (tcpFlags !== 0) countFlags(f, fo, fo + 8, tcpFlags);
  }

  /**
   * A later packet. `n*` are the packet counts after counting this packet; `piat*` the gaps to the
   * previous packet of the bidirectional flow and of the packet's direction (ignored for the first
   * packet of a direction).
   */
  update(
    slot: number,
    size: number,
    tcpFlags: number,
    direction: number,
    nBi: number,
    piatBi: number,
    nDir: number,
    piatDir: number,
  ): void {
    const v = this.pages[slot >> PAGE_SHIFT]!;
    const b = (slot & PAGE_MASK) * STATS_STRIDE;
    // the bidirectional record, then the packet's direction, through one call site each for
    // the record and the flags: the engine inlines a call site, and with a site per direction
    // the helpers no longer fit the packet path's inlining budget (they ran out of line)
    for (let k = 0, at = b, n = nBi, piat = piatBi; ; k++) {
      addPacket(v, at, size, piat, n);
      if (k === 1) break;
      at = b + (1 + direction) * DIRECTION_WORDS;
      n = nDir;
      piat = piatDir;
    }
    if (tcpFlags !== 0) {
      const f = this.flagPages[slot >> PAGE_SHIFT]!;
      const fo = (slot & PAGE_MASK) * FLAGS_STRIDE;
      countFlags(f, fo, fo + (1 + direction) * 8, tcpFlags);
    }
  }

  /**
   * Value `field` ({@link PS_MIN}…{@link PIAT_MAX}) of direction `d` ({@link BIDIRECTIONAL},
   * {@link SRC2DST}, {@link DST2SRC}) of the flow at `slot`.
   */
  value(slot: number, d: number, field: number): number {
    return this.pages[slot >> PAGE_SHIFT]![(slot & PAGE_MASK) * STATS_STRIDE + d * DIRECTION_WORDS + field]!;
  }
  /** Sample standard deviation of packet sizes (0 when n ≤ 1). */
  psStddev(slot: number, d: number, n: number): number {
    return sizeStddev(this.value(slot, d, PS_M2), n);
  }
  /** Sample standard deviation of the n−1 inter-arrival times (0 when n ≤ 2). */
  piatStddev(slot: number, d: number, n: number): number {
    return gapStddev(this.value(slot, d, PIAT_M2), n);
  }
  /** Packets of direction `d` with TCP flag number `flag` (in {@link FLAG_BITS} order). */
  flagCount(slot: number, d: number, flag: number): number {
    return this.flagPages[slot >> PAGE_SHIFT]![(slot & PAGE_MASK) * FLAGS_STRIDE + d * 8 + flag]!;
  }

  /**
   * Writes the flow's 48 statistics columns into row `r` of `columns[j …]`, in NFStream's column
   * order: per direction (bidirectional, src2dst, dst2src) size min, mean, stddev, max; then the
   * same of inter-arrival times; then the 24 flag counters. `n*` are the directions' packet counts.
   */
  writeRow(slot: number, nBi: number, nS: number, nD: number, columns: readonly (Float64Array | null)[], j: number, r: number): void {
    const v = this.pages[slot >> PAGE_SHIFT]!;
    const b = (slot & PAGE_MASK) * STATS_STRIDE;
    // sizes, then inter-arrival times: each group is min, max, mean, M2 in the record
    for (let group = PS_MIN; group <= PIAT_MIN; group += PIAT_MIN - PS_MIN) {
      for (let d = 0; d < 3; d++, j += 4) {
        const n = d === 0 ? nBi : d === 1 ? nS : nD;
        const i = b + d * DIRECTION_WORDS + group;
        const m2 = v[i + (PS_M2 - PS_MIN)]!;
        columns[j]![r] = v[i]!;
        columns[j + 1]![r] = v[i + (PS_MEAN - PS_MIN)]!;
        columns[j + 2]![r] = group === PS_MIN ? sizeStddev(m2, n) : gapStddev(m2, n);
        columns[j + 3]![r] = v[i + (PS_MAX - PS_MIN)]!;
      }
    }
    const f = this.flagPages[slot >> PAGE_SHIFT]!;
    const fo = (slot & PAGE_MASK) * FLAGS_STRIDE;
    for (let i = 0; i < FLAGS_STRIDE; i++) columns[j + i]![r] = f[fo + i]!;
  }

  /** Adds pages to cover `capacity` slots (nothing moves). */
  grow(capacity: number): void {
    addPages(this.pages, capacity, () => new Float64Array(PAGE_SLOTS * STATS_STRIDE));
    addPages(this.flagPages, capacity, () => new Uint32Array(PAGE_SLOTS * FLAGS_STRIDE));
  }
}

/** Sample standard deviation of n sizes from their M2 (0 when n ≤ 1). */
function sizeStddev(m2: number, n: number): number {
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
}

/** Sample standard deviation of the n − 1 gaps between n packets from their M2 (0 when n ≤ 2). */
function gapStddev(m2: number, n: number): number {
  return n > 2 ? Math.sqrt(m2 / (n - 2)) : 0;
}

function first(v: Float64Array, i: number, size: number): void {
  v[i + PS_MIN] = size;
  v[i + PS_MAX] = size;
  v[i + PS_MEAN] = size;
  v[i + PS_M2] = 0;
  v[i + PIAT_MIN] = 0;
  v[i + PIAT_MAX] = 0;
  v[i + PIAT_MEAN] = 0;
  v[i + PIAT_M2] = 0;
}

/**
 * A packet of `size` bytes, `piat` ms after the previous one, as the `n`-th of the record at `i`
 * (n = 1: its first packet, no gap yet). Sizes and gaps are the same four values (min, max, mean,
 * M2), so one loop updates both: the size as the n-th sample, then the gap as the (n − 1)-th (spec
 * §5.3: n packets give n − 1 gaps). One body, not two, keeps it small enough for the engine to
 * inline into the packet path.
 */
function addPacket(v: Float64Array, i: number, size: number, piat: number, n: number): void {
  if (n === 1) {
    first(v, i, size);
    return;
  }
  for (let at = i, x = size, m = n; ; at += PIAT_MIN - PS_MIN, x = piat, m--) {
    if (m === 1) {
      v[at + PS_MIN] = x;
      v[at + PS_MAX] = x;
      v[at + PS_MEAN] = x;
      v[at + PS_M2] = 0;
    } else {
      if (x > v[at + PS_MAX]!) v[at + PS_MAX] = x;
      if (x < v[at + PS_MIN]!) v[at + PS_MIN] = x;
      // spec §5.2: Welford in exactly this order (a sum/n mean is not bit-identical)
      const old = v[at + PS_MEAN]!;
      const mean = old + (x - old) / m;
      v[at + PS_MEAN] = mean;
      v[at + PS_M2] = v[at + PS_M2]! + (x - old) * (x - mean);
    }
    if (at !== i) return;
  }
}

/** Counts the packet's TCP flags in two sets of eight counters: at `a` (bidirectional) and `b` (its direction). */
function countFlags(f: Uint32Array, a: number, b: number, tcpFlags: number): void {
  // a loop, not eight tests: small enough for the engine to inline into the packet path
  for (let k = 0; k < 8; k++) {
    if ((tcpFlags & FLAG_BITS[k]!) !== 0) {
      f[a + k]!++;
      f[b + k]!++;
    }
  }
}
