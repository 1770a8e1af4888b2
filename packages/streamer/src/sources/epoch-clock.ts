/**
 * Epoch time from the monotonic clock: anchored once to `Date.now()`, then advanced by
 * `performance.now()` (CLOCK_MONOTONIC, the clock behind `process.hrtime`). Live timestamps
 * therefore never go backwards when the wall clock is stepped, and reading the clock allocates
 * nothing (unlike `process.hrtime.bigint()`).
 *
 * @example
 * ```ts
 * const us = epochClock.nowMicros(); // µs since 1970, integer
 * ```
 */
export class EpochClock {
  private readonly anchorUs: number;

  constructor() {
    this.anchorUs = Date.now() * 1000 - Math.floor(performance.now() * 1000);
  }

  /** Microseconds since the epoch (an integer; exact in a double until year 2255). */
  nowMicros(): number {
    return this.anchorUs + Math.floor(performance.now() * 1000);
  }

  /** NFStream milliseconds (spec §1.2: truncation of the µs time). */
  nowMs(): number {
    return Math.floor(this.nowMicros() / 1000);
  }
}

/** The process-wide clock shared by live captures and the expiry ticker, so they agree. */
export const epochClock = new EpochClock();
