import { meterCount } from '../parallel/parallel-plan.js';
import { prestartMeterWorkers } from '../parallel/worker-spawn.js';
import { peekOption } from './argv-peek.js';

/**
 * The value of `--n-meters` in `argv` as the option parser will read it (`--n-meters N` or
 * `--n-meters=N`, the last one wins, nothing after `--`), or null when absent or not an integer.
 *
 * @example
 * ```ts
 * requestedMeters(['f.pcap', '--n-meters', '2']); // 2
 * ```
 */
export function requestedMeters(argv: readonly string[]): number | null {
  const value = peekOption(argv, '--n-meters');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * Starts the meter workers of a CLI run with parallel meters (one per meter but the first) before the CLI loads the rest of its
 * modules, so that the workers' start-up overlaps it. Reads only `--n-meters`: when the run ends
 * up with one meter after all (live capture, a usage error), the unused workers just end with
 * the process.
 */
export function prestartCliMeters(argv: readonly string[]): void {
  if (argv[0] === 'collect') return;
  const n = requestedMeters(argv);
  if (n === null || n > 1024) return;
  const meters = meterCount(n);
  // meter 0 runs in the main thread
  if (meters > 1) prestartMeterWorkers(meters - 1);
}
