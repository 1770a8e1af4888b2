import { networkMatcher, parseClientNetworks } from './client-networks.js';
import { enabledGroups, SGD_FEATURE_SELECTION } from './feature-keys.js';
import { groupPacketsByIpFixedSize } from './host-pair-groups.js';
import { toWindowPacket, type CovertMarkPacket, type WindowPacket } from './packet.js';
import { windowPacketsTimeSeries } from './time-series-windows.js';
import { requireInt } from './validate.js';
import { windowStatsOf } from './window-stats.js';

/** Options of {@link sgdFeatureRowsFromPackets}. */
export interface SgdFeatureRowsOptions {
  /** Client networks (addresses or CIDR blocks). */
  readonly clientSubnets: readonly string[];
  /** Packets per window, an integer ≥ 10 as `SGDStrategy` requires (default 50). */
  readonly windowSize?: number;
  /** Feature groups (default the SGD strategy's `entropy, psh, interval_bins, tcp_len_bins`). */
  readonly featureSelection?: readonly string[] | null;
  /** Time segment length in seconds (default 60; must be a whole number of microseconds). */
  readonly segmentSeconds?: number;
}

/** One feature row: where its window came from and the values in {@link SgdFeatureRows.keys} order. */
export interface SgdFeatureRow {
  /** Index of the time segment (empty segments count). */
  readonly segment: number;
  /** Client host network, e.g. `10.0.0.5/32`. */
  readonly client: string;
  readonly target: string;
  /** Index of the window within its (segment, client, target) group. */
  readonly window: number;
  readonly values: number[];
}

/** Output of {@link sgdFeatureRowsFromPackets}. */
export interface SgdFeatureRows {
  /** Statistic keys in code-point order (empty when no window was cut). */
  readonly keys: string[];
  readonly rows: SgdFeatureRow[];
  /** Windows dropped because a value was NaN. */
  readonly skipped: number;
}

/**
 * The exact CovertMark SGD pipeline over a whole trace (spec §7): TCP packets in capture order,
 * 60 s time segments from the first packet, per (client host, remote host) windows of
 * `windowSize` packets inside each segment, `get_window_stats` with the group's client, NaN rows
 * skipped, values ordered by key in code-point order. Payloads are reduced to length and entropy
 * on the way in. Already reduced {@link WindowPacket}s (from `toWindowPacket(record, true)`, e.g.
 * to drop payloads while a capture streams in) are accepted too; they must carry the entropy when
 * the selection uses it.
 *
 * @example
 * ```ts
 * const { keys, rows } = sgdFeatureRowsFromPackets(records, { clientSubnets: ['10.0.0.0/16'] });
 * ```
 */
export function sgdFeatureRowsFromPackets(
  packets: Iterable<CovertMarkPacket | WindowPacket>,
  options: SgdFeatureRowsOptions,
): SgdFeatureRows {
  const windowSize = requireInt(options.windowSize ?? 50, 'windowSize', 10);
  // The segment length in µs must be a whole number (spec §5 step 1).
  const segmentMicros = requireInt((options.segmentSeconds ?? 60) * 1_000_000, 'segmentSeconds × 1e6', 1);
  parseClientNetworks(options.clientSubnets, 'clientSubnets');
  const selection = options.featureSelection === undefined ? SGD_FEATURE_SELECTION : options.featureSelection;
  const groups = enabledGroups(selection);
  const tcp: WindowPacket[] = [];
  for (const p of packets) {
    if (p.tcp === null) continue;
    tcp.push('payload' in p.tcp ? toWindowPacket(p as CovertMarkPacket, groups.entropy) : (p as WindowPacket));
  }

  let keys: string[] | null = null;
  const rows: SgdFeatureRow[] = [];
  let skipped = 0;
  const segments = windowPacketsTimeSeries(tcp, segmentMicros, false);
  segments.forEach((segment, segmentIndex) => {
    for (const group of groupPacketsByIpFixedSize(segment, options.clientSubnets, windowSize)) {
      const isClient = networkMatcher(parseClientNetworks([group.client], 'client'));
      group.windows.forEach((window, windowIndex) => {
        const { stats } = windowStatsOf(window, isClient, groups);
        const sorted = Object.keys(stats).sort();
        keys ??= sorted;
        const values = sorted.map((k) => stats[k]!);
        if (values.some((v) => v === null || Number.isNaN(v))) {
          skipped++;
          return;
        }
        rows.push({ segment: segmentIndex, client: group.client, target: group.target, window: windowIndex, values });
      });
    }
  });
  return { keys: keys ?? [], rows, skipped };
}
