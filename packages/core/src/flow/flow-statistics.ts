import { growFloat64, growUint32 } from '../meter/grow.js';

/** Direction index inside the statistics columns. */
export const BIDIRECTIONAL = 0;
export const SRC2DST = 1;
export const DST2SRC = 2;

/** TCP flag bits in NFStream's output order: syn, cwr, ece, urg, ack, psh, rst, fin (spec §4). */
export const FLAG_BITS = [0x02, 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x01] as const;

/**
 * Post-mortem statistics of spec §5.2–§5.4 (`statisticalAnalysis`): packet sizes and
 * inter-arrival times per direction with Welford's incremental mean/M2 in exactly NFStream's
 * operation order (bit-identical floats), and TCP flag counters. Columns are indexed by
 * `slot * 3 + direction` (flags: `(slot * 3 + direction) * 8 + flag`).
 */
export class FlowStatistics {
  psMin: Float64Array;
  psMax: Float64Array;
  psMean: Float64Array;
  psM2: Float64Array;
  piatMin: Float64Array;
  piatMax: Float64Array;
  piatMean: Float64Array;
  piatM2: Float64Array;
  flags: Uint32Array;

  constructor(capacity: number) {
    const n = capacity * 3;
    this.psMin = new Float64Array(n);
    this.psMax = new Float64Array(n);
    this.psMean = new Float64Array(n);
    this.psM2 = new Float64Array(n);
    this.piatMin = new Float64Array(n);
    this.piatMax = new Float64Array(n);
    this.piatMean = new Float64Array(n);
    this.piatM2 = new Float64Array(n);
    this.flags = new Uint32Array(n * 8);
  }

  /** Flow's first packet: bidirectional and src2dst get their first size; dst2src is reset. */
  init(slot: number, size: number, tcpFlags: number): void {
    const b = slot * 3;
    this.first(b, size);
    this.first(b + 1, size);
    this.reset(b + 2);
    this.flags.fill(0, b * 8, b * 8 + 24);
    if (tcpFlags !== 0) {
      this.countFlags(b, tcpFlags);
      this.countFlags(b + 1, tcpFlags);
    }
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
    const b = slot * 3;
    const d = b + 1 + direction;
    this.addSize(b, size, nBi);
    this.addPiat(b, piatBi, nBi);
    if (nDir === 1) {
      this.first(d, size);
    } else {
      this.addSize(d, size, nDir);
      this.addPiat(d, piatDir, nDir);
    }
    if (tcpFlags !== 0) {
      this.countFlags(b, tcpFlags);
      this.countFlags(d, tcpFlags);
    }
  }

  /** Sample standard deviation of packet sizes (0 when n ≤ 1). */
  psStddev(i: number, n: number): number {
    return n > 1 ? Math.sqrt(this.psM2[i]! / (n - 1)) : 0;
  }

  /** Sample standard deviation of the n−1 inter-arrival times (0 when n ≤ 2). */
  piatStddev(i: number, n: number): number {
    return n > 2 ? Math.sqrt(this.piatM2[i]! / (n - 2)) : 0;
  }

  grow(capacity: number): void {
    const n = capacity * 3;
    this.psMin = growFloat64(this.psMin, n);
    this.psMax = growFloat64(this.psMax, n);
    this.psMean = growFloat64(this.psMean, n);
    this.psM2 = growFloat64(this.psM2, n);
    this.piatMin = growFloat64(this.piatMin, n);
    this.piatMax = growFloat64(this.piatMax, n);
    this.piatMean = growFloat64(this.piatMean, n);
    this.piatM2 = growFloat64(this.piatM2, n);
    this.flags = growUint32(this.flags, n * 8);
  }

  private first(i: number, size: number): void {
    this.psMin[i] = size;
    this.psMax[i] = size;
    this.psMean[i] = size;
    this.psM2[i] = 0;
    this.piatMin[i] = 0;
    this.piatMax[i] = 0;
    this.piatMean[i] = 0;
    this.piatM2[i] = 0;
  }

  private reset(i: number): void {
    this.first(i, 0);
  }

  private addSize(i: number, size: number, n: number): void {
    if (size > this.psMax[i]!) this.psMax[i] = size;
    if (size < this.psMin[i]!) this.psMin[i] = size;
    // spec §5.2: Welford in exactly this order (a sum/n mean is not bit-identical)
    const old = this.psMean[i]!;
    const mean = old + (size - old) / n;
    this.psMean[i] = mean;
    this.psM2[i] = this.psM2[i]! + (size - old) * (size - mean);
  }

  private addPiat(i: number, piat: number, n: number): void {
    // spec §5.3: n packets give n−1 gaps; the first packet has no gap (not a 0)
    if (n === 2) {
      this.piatMin[i] = piat;
      this.piatMax[i] = piat;
      this.piatMean[i] = piat;
      this.piatM2[i] = 0;
      return;
    }
    if (piat > this.piatMax[i]!) this.piatMax[i] = piat;
    if (piat < this.piatMin[i]!) this.piatMin[i] = piat;
    const k = n - 1;
    const old = this.piatMean[i]!;
    const mean = old + (piat - old) / k;
    this.piatMean[i] = mean;
    this.piatM2[i] = this.piatM2[i]! + (piat - old) * (piat - mean);
  }

  private countFlags(i: number, tcpFlags: number): void {
    const f = this.flags;
    const o = i * 8;
    if (tcpFlags & 0x02) f[o]!++;
    if (tcpFlags & 0x80) f[o + 1]!++;
    if (tcpFlags & 0x40) f[o + 2]!++;
    if (tcpFlags & 0x20) f[o + 3]!++;
    if (tcpFlags & 0x10) f[o + 4]!++;
    if (tcpFlags & 0x08) f[o + 5]!++;
    if (tcpFlags & 0x04) f[o + 6]!++;
    if (tcpFlags & 0x01) f[o + 7]!++;
  }
}
