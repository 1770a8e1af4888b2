import { epochClock, type EpochClock } from '../sources/epoch-clock.js';

/** Handle of a running {@link createExpiryTicker}. */
export interface ExpiryTicker {
  /** Stops the ticker (idempotent). */
  stop(): void;
}

/**
 * Calls `onTick(nowMs)` every `intervalMs` with the live clock's NFStream millisecond time, so a
 * live meter can expire idle flows when traffic stops (`meter.tick(nowMs)`): in NFStream the
 * 1000 ms libpcap read timeout plays this role. The clock is the one live captures stamp packets
 * with, so tick times and packet times are comparable. The timer does not keep the process alive.
 *
 * @example
 * ```ts
 * const ticker = createExpiryTicker(1000, (now) => meter.tick(now));
 * // on stop:
 * ticker.stop();
 * ```
 */
export function createExpiryTicker(
  intervalMs: number,
  onTick: (nowMs: number) => void,
  clock: EpochClock = epochClock,
): ExpiryTicker {
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be a positive number of milliseconds (got ${intervalMs}).`);
  let timer: NodeJS.Timeout | null = setInterval(() => onTick(clock.nowMs()), intervalMs);
  timer.unref();
  return {
    stop(): void {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
