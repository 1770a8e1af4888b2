import { prestartSinkWorker } from '../sinks/threaded/threaded-sink.js';
import { peekOption } from './argv-peek.js';

/**
 * Starts the snapshot output's worker thread before the CLI loads the rest of its modules, so its
 * start-up overlaps them. Reads only `--snapshot-output` (see {@link peekOption}): a run that
 * writes snapshots elsewhere after all (standard output, a network sink) or not at all leaves the
 * worker unused, and it ends with the process.
 *
 * @example
 * ```ts
 * prestartCliSink(['f.pcap', '--snapshot-interval', '1', '--snapshot-output', 's.csv']);
 * ```
 */
export function prestartCliSink(argv: readonly string[]): void {
  if (argv[0] === 'collect' || argv[0] === 'report') return;
  const target = peekOption(argv, '--snapshot-output');
  if (target !== undefined && target !== '-' && !target.includes('://')) prestartSinkWorker();
}
