import { prestartSinkWorker } from '../sinks/threaded/threaded-sink.js';

/**
 * Starts the snapshot output's worker thread before the CLI loads the rest of its modules, so its
 * start-up overlaps them. Reads only `--snapshot-output` (`--snapshot-output F` or `=F`, nothing
 * after `--`): a run that writes snapshots elsewhere after all (standard output, a network sink)
 * or not at all leaves the worker unused, and it ends with the process.
 *
 * @example
 * ```ts
 * prestartCliSink(['f.pcap', '--snapshot-interval', '1', '--snapshot-output', 's.csv']);
 * ```
 */
export function prestartCliSink(argv: readonly string[]): void {
  if (argv[0] === 'collect' || argv[0] === 'report') return;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return;
    const target = arg === '--snapshot-output' ? argv[i + 1] : arg.startsWith('--snapshot-output=') ? arg.slice('--snapshot-output='.length) : undefined;
    if (target !== undefined && target !== '-' && !target.includes('://')) return prestartSinkWorker();
  }
}
