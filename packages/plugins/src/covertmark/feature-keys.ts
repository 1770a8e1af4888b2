/** CovertMark's feature group names (analytics/constants.py, spec §3.1). */
export const FEATURE_GROUPS = ['entropy', 'interval', 'interval_bins', 'tcp_len', 'tcp_len_bins', 'psh'] as const;

/** One feature group name. */
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/** The SGD strategy's feature selection (strategy/sgd.py, spec §7). */
export const SGD_FEATURE_SELECTION: readonly FeatureGroup[] = ['entropy', 'psh', 'interval_bins', 'tcp_len_bins'];

/** Interval bins in µs, `[lo, hi)` (spec §3.6 step 4). */
export const INTERVAL_BINS: readonly (readonly [number, number])[] = [
  [0, 1000],
  [1000, 10000],
  [10000, 100000],
  [100000, 1000000],
];

/** Fifteen 100-byte length bins (spec §3.4 Quirk: not the documented 100/200/500/1000/1500). */
export const LENGTH_BINS: readonly (readonly [number, number])[] = Array.from({ length: 15 }, (_, k) => [
  k * 100,
  k * 100 + 100,
] as const);

/** Which groups are on: null or empty selects all; unknown names are ignored (spec §3.1). */
export interface EnabledGroups {
  readonly entropy: boolean;
  readonly interval: boolean;
  readonly interval_bins: boolean;
  readonly tcp_len: boolean;
  readonly tcp_len_bins: boolean;
  readonly psh: boolean;
}

/**
 * Resolves a feature selection to the groups that are on (spec §3.1).
 *
 * @example
 * ```ts
 * enabledGroups(['psh', 'bogus']).psh; // true (every other group off)
 * ```
 */
export function enabledGroups(featureSelection: readonly string[] | null | undefined): EnabledGroups {
  const all = featureSelection == null || featureSelection.length === 0;
  const on = (g: FeatureGroup): boolean => all || featureSelection!.includes(g);
  return {
    entropy: on('entropy'),
    interval: on('interval'),
    interval_bins: on('interval_bins'),
    tcp_len: on('tcp_len'),
    tcp_len_bins: on('tcp_len_bins'),
    psh: on('psh'),
  };
}

/** Python's rendering of a bin pair in a key: `(lo, hi)`. */
export function binText(bin: readonly [number, number]): string {
  return `(${bin[0]}, ${bin[1]})`;
}

/**
 * The keys of one direction's block, in CovertMark's order (spec §3.4).
 *
 * @example
 * ```ts
 * directionKeys('up', enabledGroups(['psh'])); // ['push_ratio_up']
 * ```
 */
export function directionKeys(d: 'up' | 'down', groups: EnabledGroups): string[] {
  const keys: string[] = [];
  if (groups.entropy) keys.push(`mean_entropy_${d}`, `max_entropy_${d}`, `min_entropy_${d}`);
  if (groups.interval) keys.push(`mean_interval_${d}`);
  if (groups.interval_bins) for (const b of INTERVAL_BINS) keys.push(`bin_${binText(b)}_interval_${d}`);
  if (groups.tcp_len) keys.push(`top1_tcp_len_${d}`, `top2_tcp_len_${d}`, `mean_tcp_len_${d}`);
  if (groups.tcp_len_bins) for (const b of LENGTH_BINS) keys.push(`bin_${binText(b)}_len_${d}`);
  if (groups.psh) keys.push(`push_ratio_${d}`);
  return keys;
}

/**
 * All statistic keys `get_window_stats` produces for a selection (non-empty client list), in order:
 * `up_down_ratio`, the upstream block, the downstream block (spec §3.4).
 *
 * @example
 * ```ts
 * windowStatsKeys(null).length; // 55
 * windowStatsKeys(SGD_FEATURE_SELECTION).length; // 47
 * ```
 */
export function windowStatsKeys(featureSelection: readonly string[] | null | undefined): string[] {
  const g = enabledGroups(featureSelection);
  return ['up_down_ratio', ...directionKeys('up', g), ...directionKeys('down', g)];
}
