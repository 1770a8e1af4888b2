import type { StreamerSummary } from '../nfstreamer.js';

/** `n` and the word, with an `s` unless `n` is 1 (the closing lines' counts). */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The closing line: the summary's counts (the same numbers as `--summary`), with the packets a
 * live capture lost before reading them.
 *
 * @example
 * ```ts
 * closingLine(summary, 0.42); // "294 flows from 3284 packets (3069 processed, 215 ignored) in 0.42 s"
 * ```
 */
export function closingLine(summary: StreamerSummary, secs: number): string {
  const p = summary.packets;
  const filtered = p.filtered ? `, ${p.filtered} filtered` : '';
  const line = `${plural(summary.flows, 'flow')} from ${plural(p.read, 'packet')} (${p.processed} processed, ${p.ignored} ignored${filtered}) in ${secs.toFixed(2)} s`;
  // a live capture's losses: never left to the summary file alone
  if (!p.dropped) return line;
  const reasons = Object.entries(p.droppedByReason ?? {}).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  return `${line}; ${plural(p.dropped, 'packet')} dropped before reading${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}
