import { networkMatcher, parseClientNetworks } from './client-networks.js';
import {
  binText,
  enabledGroups,
  INTERVAL_BINS,
  LENGTH_BINS,
  type EnabledGroups,
} from './feature-keys.js';
import { numpyMean } from './numpy-mean.js';
import { toWindowPacket, type CovertMarkPacket, type WindowPacket } from './packet.js';

/** Statistics of one window: keys in CovertMark's order (spec §3.4). */
export type WindowStats = Record<string, number>;

/** Result of {@link getWindowStats}: the statistics and the address sets (spec §3.7). */
export interface WindowStatsResult {
  readonly stats: WindowStats;
  /** Remote addresses of TCP packets in processed directions. */
  readonly remoteIps: Set<string>;
  /** Client addresses of TCP packets in processed directions. */
  readonly clientIps: Set<string>;
}

/**
 * CovertMark's `get_window_stats` (spec §3) on packet records: statistics of one window for the
 * given client networks and feature selection (null or empty = every group).
 *
 * @example
 * ```ts
 * const { stats } = getWindowStats(packets, ['10.0.0.0/16'], SGD_FEATURE_SELECTION);
 * stats['bin_(0, 1000)_interval_up'];
 * ```
 */
export function getWindowStats(
  window: readonly CovertMarkPacket[],
  clientIps: readonly string[],
  featureSelection: readonly string[] | null = null,
): WindowStatsResult {
  const nets = parseClientNetworks(clientIps, 'clientIps');
  const groups = enabledGroups(featureSelection);
  if (nets.length === 0) return { stats: {}, remoteIps: new Set(), clientIps: new Set() };
  const summaries = window.map((p) => toWindowPacket(p, groups.entropy));
  return windowStatsOf(summaries, networkMatcher(nets), groups);
}

/**
 * The engine of {@link getWindowStats} on payload-free packets, with the client test given as a
 * function of an address text (spec §1.2: up ⇔ `isClient(src)`, down ⇔ `isClient(dst)`). The caller
 * handles the empty-client-list early exit (spec §3.2).
 *
 * @example
 * ```ts
 * windowStatsOf(windowPackets, (a) => a === flow.src_ip, enabledGroups(null)).stats;
 * ```
 */
export function windowStatsOf(
  window: readonly WindowPacket[],
  isClient: (addr: string) => boolean,
  groups: EnabledGroups,
): WindowStatsResult {
  const up: WindowPacket[] = [];
  const down: WindowPacket[] = [];
  // Independent tests: a packet between two clients is both, one between outsiders neither (§1.2).
  for (const p of window) {
    if (isClient(p.src)) up.push(p);
    if (isClient(p.dst)) down.push(p);
  }
  const stats: WindowStats = {};
  stats['up_down_ratio'] = up.length > 0 && down.length > 0 ? up.length / down.length : 0;
  const remoteIps = new Set<string>();
  const clientIps = new Set<string>();
  // Quirk §3.6: upstream needs two packets, downstream one.
  directionStats(stats, 'up', up, up.length >= 2, groups, remoteIps, clientIps);
  directionStats(stats, 'down', down, down.length >= 1, groups, remoteIps, clientIps);
  return { stats, remoteIps, clientIps };
}

function directionStats(
  stats: WindowStats,
  d: 'up' | 'down',
  packets: readonly WindowPacket[],
  processed: boolean,
  g: EnabledGroups,
  remoteIps: Set<string>,
  clientIps: Set<string>,
): void {
  if (!processed) {
    // Defaults of an unprocessed direction (spec §3.8).
    if (g.entropy) {
      stats[`mean_entropy_${d}`] = 0;
      stats[`max_entropy_${d}`] = 0;
      stats[`min_entropy_${d}`] = 0;
    }
    if (g.interval) stats[`mean_interval_${d}`] = 1000000;
    if (g.interval_bins) for (const b of INTERVAL_BINS) stats[`bin_${binText(b)}_interval_${d}`] = 0;
    if (g.tcp_len) {
      stats[`top1_tcp_len_${d}`] = 0;
      stats[`top2_tcp_len_${d}`] = 0;
      stats[`mean_tcp_len_${d}`] = 0;
    }
    if (g.tcp_len_bins) for (const b of LENGTH_BINS) stats[`bin_${binText(b)}_len_${d}`] = 0;
    if (g.psh) stats[`push_ratio_${d}`] = 0;
    return;
  }
  const n = packets.length;
  const entropies: number[] = [];
  const intervals: number[] = [];
  const lengths: number[] = [];
  const intervalBins = new Array<number>(INTERVAL_BINS.length).fill(0);
  const lengthBins = new Array<number>(LENGTH_BINS.length).fill(0);
  let ack = 0;
  let psh = 0;
  const seen = new Set<number>();
  let previous: number | null = null;
  for (const p of packets) {
    const tcp = p.tcp;
    if (tcp === null) continue; // counts in n only (§3.6 step 1)
    if (d === 'up') {
      remoteIps.add(p.dst);
      clientIps.add(p.src);
    } else {
      remoteIps.add(p.src);
      clientIps.add(p.dst);
    }
    if (g.entropy) entropies.push(tcp.entropy);
    // Interval chain over new sequence numbers only, in float microseconds (§3.6 step 4).
    if (!seen.has(tcp.seq)) {
      seen.add(tcp.seq);
      const t = p.time * 1e6;
      if (previous === null) {
        previous = t;
      } else {
        const iv = Math.abs(t - previous);
        intervals.push(iv);
        for (let k = 0; k < INTERVAL_BINS.length; k++) {
          const [lo, hi] = INTERVAL_BINS[k]!;
          if (lo <= iv && iv < hi) {
            intervalBins[k]!++;
            break;
          }
        }
        previous = t;
      }
    }
    let len = tcp.payloadLength;
    if (g.tcp_len) lengths.push(len);
    if (g.tcp_len_bins) {
      // LSO quirk (§3.6 step 5): whole MTUs go to the top bin, the remainder is binned.
      if (len > 1500) {
        lengthBins[LENGTH_BINS.length - 1]! += Math.floor(len / 1500);
        len = len % 1500;
      }
      for (let k = 0; k < LENGTH_BINS.length; k++) {
        const [lo, hi] = LENGTH_BINS[k]!;
        if (lo <= len && len < hi) {
          lengthBins[k]!++;
          break;
        }
      }
    }
    if (g.psh && (tcp.flags & 0x10) !== 0) {
      ack++;
      if ((tcp.flags & 0x08) !== 0) psh++;
    }
  }
  if (g.entropy) {
    // §9.2: no TCP packet ⇒ NaN for all three (the original raises on max/min of nothing).
    let max = NaN;
    let min = NaN;
    if (entropies.length > 0) {
      max = entropies[0]!;
      min = entropies[0]!;
      for (const e of entropies) {
        if (e > max) max = e;
        if (e < min) min = e;
      }
    }
    stats[`mean_entropy_${d}`] = numpyMean(entropies);
    stats[`max_entropy_${d}`] = max;
    stats[`min_entropy_${d}`] = min;
  }
  if (g.interval) stats[`mean_interval_${d}`] = intervals.length === 0 ? 1000000 : numpyMean(intervals);
  if (g.interval_bins) {
    INTERVAL_BINS.forEach((b, k) => (stats[`bin_${binText(b)}_interval_${d}`] = intervalBins[k]! / n));
  }
  if (g.tcp_len) {
    const [top1, top2] = leastCommonLengths(lengths);
    stats[`top1_tcp_len_${d}`] = top1;
    stats[`top2_tcp_len_${d}`] = top2;
    stats[`mean_tcp_len_${d}`] = numpyMean(lengths); // NaN when empty, like NumPy (§3.6)
  }
  if (g.tcp_len_bins) LENGTH_BINS.forEach((b, k) => (stats[`bin_${binText(b)}_len_${d}`] = lengthBins[k]! / n));
  if (g.psh) stats[`push_ratio_${d}`] = ack > 0 ? psh / ack : 0;
}

/**
 * Quirk §3.6: "top" lengths are the two *least* common, by a stable ascending sort of the groups
 * in first-appearance order.
 */
function leastCommonLengths(lengths: readonly number[]): [number, number] {
  const counts = new Map<number, number>();
  for (const l of lengths) counts.set(l, (counts.get(l) ?? 0) + 1);
  const groups = [...counts.entries()];
  groups.sort((a, b) => a[1] - b[1]); // Array.prototype.sort is stable
  return [groups[0]?.[0] ?? 0, groups[1]?.[0] ?? 0];
}
