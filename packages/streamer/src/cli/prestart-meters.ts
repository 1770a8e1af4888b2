import { meterCount } from '../parallel/meter-count.js';
import { defaultWorkerEntry, prestartMeterWorkers } from '../parallel/worker-spawn.js';
import { peekFlag, peekOption } from './argv-peek.js';

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
 * Whether `argv` asks for per-packet work that parallel meters share (`sharesPacketWork`): nDPI
 * (`--n-dissections` is 20 unless set to 0), `--statistical-analysis`, `--splt-analysis N` with N > 0
 * or a `--plugin`. Read as the option parser will (the last value wins, nothing after `--`); an
 * unreadable value counts as work, so a worker is started that the run may not use, never the reverse.
 *
 * @example
 * ```ts
 * asksPacketWork(['f.pcap', '--n-dissections', '0']); // false
 * asksPacketWork(['f.pcap', '--n-dissections', '0', '--statistical-analysis']); // true
 * ```
 */
export function asksPacketWork(argv: readonly string[]): boolean {
  const dissections = peekOption(argv, '--n-dissections');
  const splt = peekOption(argv, '--splt-analysis');
  return (
    (dissections === undefined || !/^0+$/.test(dissections)) ||
    (splt !== undefined && !/^0+$/.test(splt)) ||
    peekFlag(argv, '--statistical-analysis') ||
    peekOption(argv, '--plugin') !== undefined
  );
}

/**
 * The packets nDPI dissects a flow in the run `argv` asks for, as the option parser will read
 * `--n-dissections` (NFStream's default 20 when absent), or 0 when it is 0 or not a number.
 *
 * @example
 * ```ts
 * requestedDissections(['f.pcap']); // 20
 * requestedDissections(['f.pcap', '--n-dissections', '0']); // 0
 * ```
 */
export function requestedDissections(argv: readonly string[]): number {
  const value = peekOption(argv, '--n-dissections');
  // NFStream's default, as the options table has it (a test holds the two together: importing the
  // table here took the helper 16 → 30 ms to load, and the workers start after it)
  if (value === undefined) return 20;
  return /^\d+$/.test(value) ? Number(value) : 0;
}

/**
 * Starts the meter workers of a CLI run with parallel meters (one per meter but the first) before the CLI loads the rest of its
 * modules, so that the workers' start-up overlaps it. Reads `--n-meters` and what `asksPacketWork`
 * reads: when the run ends up with one meter after all (a usage error, a plugin made in code), the
 * unused workers just end with the process.
 */
export function prestartCliMeters(argv: readonly string[]): void {
  if (argv[0] === 'collect') return;
  const n = requestedMeters(argv);
  if (n === null || n > 1024) return;
  const meters = meterCount(n);
  // meter 0 runs in the main thread; without per-packet work to share the run uses one meter
  if (meters > 1 && asksPacketWork(argv)) prestartMeterWorkers(meters - 1, defaultWorkerEntry(), requestedDissections(argv));
}
