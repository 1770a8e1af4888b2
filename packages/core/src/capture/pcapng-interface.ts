import type { CaptureRecord } from './capture-record.js';
import { wrapTimeMs } from './time-ms.js';

const MASK64 = (1n << 64n) - 1n;
const MICRO = 1000000n;
const NANO = 1000000000n;
const TWO_POW_32 = 4294967296;
const MAX_EXACT_SEC = 9e12; // sec * 1000 stays below 2^53

/**
 * Time-stamp rules of one accepted pcapng interface (libpcap 1.10 `add_interface`, spec §1.2):
 * resolution `10^-v` or `2^-(v & 0x7f)` s from `if_tsresol`, offset in seconds from `if_tsoffset`.
 * The common resolutions (10^-4 … 10^-9, 2^-11 … 2^-32) with small offsets are converted exactly
 * with doubles; everything else goes through BigInt, reproducing libpcap's uint64 arithmetic.
 *
 * @example
 * ```ts
 * const ns = new PcapngInterface(9, false, 0n);
 * ns.stamp(0x00000000, 1_500_000_000, record); // tsSec 1, tsNsec 500000000, timeMs 1500
 * ```
 */
export class PcapngInterface {
  /** False for an interface libpcap counted but could not set up (bad options): its packets fail. */
  valid = true;
  private readonly resol: number;
  private readonly resolBig: bigint;
  private readonly offset: number;
  private readonly offsetBig: bigint;
  private readonly fast: boolean;

  /**
   * @param exponent decimal exponent (resolution 10^-exponent) or binary shift (2^-exponent)
   * @param binary   whether `exponent` is a power of two
   * @param offset   `if_tsoffset` as read (uint64; interpreted modulo 2^64 like libpcap)
   */
  constructor(
    private readonly exponent: number,
    private readonly binary: boolean,
    offset: bigint,
  ) {
    this.resolBig = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    this.resol = Number(this.resolBig);
    this.offsetBig = BigInt.asIntN(64, offset);
    this.offset = Number(this.offsetBig);
    const offsetSmall = this.offset >= -TWO_POW_32 * 256 && this.offset <= TWO_POW_32 * 256;
    // The limb division below is exact for divisors up to 2^32; below 2048 quotients may exceed 2^53.
    this.fast = offsetSmall && this.resol >= 2048 && this.resol <= TWO_POW_32;
  }

  /** True when the resolution is finer than a microsecond. */
  get finerThanMicro(): boolean {
    return this.resol > 1000000;
  }

  /** Default interface: microseconds, no offset. */
  static micro(): PcapngInterface {
    return new PcapngInterface(6, false, 0n);
  }

  /** Fills tsSec, tsNsec and timeMs from a 64-bit timestamp given as two 32-bit halves. */
  stamp(high: number, low: number, record: CaptureRecord): void {
    if (this.fast && this.stampFast(high, low, record)) return;
    this.stampBig(high, low, record);
  }

  private stampFast(high: number, low: number, record: CaptureRecord): boolean {
    const d = this.resol;
    // Long division of the 64-bit timestamp by d in 16-bit limbs: every step stays below 2^53.
    let cur = high >>> 16;
    let q3 = Math.floor(cur / d);
    let r = cur - q3 * d;
    cur = r * 65536 + (high & 0xffff);
    let q2 = Math.floor(cur / d);
    r = cur - q2 * d;
    if (r < 0) { q2--; r += d; }
    cur = r * 65536 + (low >>> 16);
    let q1 = Math.floor(cur / d);
    r = cur - q1 * d;
    if (r < 0) { q1--; r += d; }
    cur = r * 65536 + (low & 0xffff);
    let q0 = Math.floor(cur / d);
    r = cur - q0 * d;
    if (r < 0) { q0--; r += d; }
    if (q3 >= 32) return false; // quotient ≥ 2^53
    const sec = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0 + this.offset;
    if (sec > MAX_EXACT_SEC || sec < -MAX_EXACT_SEC) return false;
    const frac = r;
    let usec: number;
    let nsec: number;
    const e = this.exponent;
    if (this.binary) {
      // libpcap: frac * 10^6 / 2^e (10^6 = 2^6 * 15625, 10^9 = 2^9 * 1953125 keep products exact).
      usec = e >= 6 ? Math.floor((frac * 15625) / 2 ** (e - 6)) : Math.floor((frac * 1000000) / 2 ** e);
      nsec = e >= 9 ? Math.floor((frac * 1953125) / 2 ** (e - 9)) : Math.floor((frac * 1000000000) / 2 ** e);
    } else {
      usec = e >= 6 ? Math.floor(frac / 10 ** (e - 6)) : frac * 10 ** (6 - e);
      nsec = e >= 9 ? Math.floor(frac / 10 ** (e - 9)) : frac * 10 ** (9 - e);
    }
    record.tsSec = sec;
    record.tsNsec = nsec;
    record.timeMs = wrapTimeMs(sec * 1000 + Math.floor(usec / 1000));
    return true;
  }

  /** libpcap's uint64 arithmetic, for large offsets and unusual resolutions. */
  private stampBig(high: number, low: number, record: CaptureRecord): void {
    const t = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    const resol = this.resolBig;
    const sec = BigInt.asIntN(64, (t / resol + this.offsetBig) & MASK64);
    const frac = t % resol;
    let usecBig: bigint;
    if (resol === MICRO) usecBig = frac;
    else if (this.binary) usecBig = ((frac * MICRO) & MASK64) / resol; // may wrap, as in libpcap
    else if (resol > MICRO) usecBig = frac / (resol / MICRO);
    else usecBig = frac * (MICRO / resol);
    // libpcap stores the fraction with an (int) cast; the engine divides it with C truncation.
    const usec = Number(BigInt.asIntN(32, usecBig));
    const ms = BigInt.asUintN(64, sec * 1000n + BigInt(Math.trunc(usec / 1000)));
    record.tsSec = Number(sec);
    record.tsNsec = Number((frac * NANO) / resol);
    record.timeMs = Number(BigInt.asIntN(64, ms));
  }
}
