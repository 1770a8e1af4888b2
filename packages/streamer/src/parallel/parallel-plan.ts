import { availableParallelism } from 'node:os';
import type { ResolvedMeteringOptions } from '@flowstream/core';
import { keepsResultsInInstance } from '@flowstream/core/internal';
import { pluginOrigin, type PluginOrigin } from '../plugin-registry/plugin-origin.js';
import { meterCount } from './meter-count.js';

/** What a run with parallel meters needs from the streamer's options. */
export interface ParallelPlan {
  readonly nMeters: number;
  readonly plugins: readonly PluginOrigin[];
  /**
   * Two meters, a run that dissects with nDPI and has neither plugins nor snapshots: one meter,
   * in the main thread, and a thread that runs its nDPI (`ThreadedDissector`), rather than a
   * meter worker. nDPI is most of such a run's per-packet work; this way no packet is routed to
   * another meter or decoded twice, only nDPI's packets cross threads, and the flows are the
   * single meter's byte for byte. The main thread still meters every packet, which bounds the
   * run at what the meter costs without nDPI: from three meters, meters that split the flows
   * leave it less to do.
   */
  readonly dissectionThread: boolean;
}

/**
 * Whether parallel meters have per-packet work to share beyond the flow table: nDPI, the
 * statistics, SPLT or plugins. Without it a parallel run cannot be faster than one meter: its
 * main thread reads, decodes and hashes every packet and writes each one that another meter owns
 * into that meter's ring, which costs as much as metering it (the flow table is about a quarter
 * of a meter's path); `--n-meters 2` with core fields measured 0.86 times one meter's speed, 0.96 on
 * a 14M-packet capture (README, *Where the time goes now*). Such a run uses one meter: the same
 * flows, in the single meter's order, at its speed.
 *
 * @example
 * ```ts
 * sharesPacketWork(resolveMeteringOptions({ nDissections: 0 })); // false
 * sharesPacketWork(resolveMeteringOptions({ nDissections: 0, statisticalAnalysis: true })); // true
 * ```
 */
export function sharesPacketWork(options: ResolvedMeteringOptions): boolean {
  return options.nDissections > 0 || options.statisticalAnalysis || options.spltAnalysis > 0 || options.udps.length > 0;
}

/**
 * Decides whether a run can use `nMeters > 1` meter workers (files, streams and live capture
 * alike): every plugin must carry its origin spec (built by the plugin registry, e.g. from
 * `--plugin`), because each worker builds its own instances, and none may keep results in its
 * instance (`resultsInInstance`: they would stay in the workers' instances). Otherwise calls
 * `warn` with the reason and returns null: the run uses one meter. It uses one meter without a
 * warning when the meters would have no per-packet work to share (`sharesPacketWork`).
 *
 * @example
 * ```ts
 * const plan = parallelPlan(options, (text) => process.emitWarning(text));
 * ```
 */
export function parallelPlan(options: ResolvedMeteringOptions, warn: (text: string) => void): ParallelPlan | null {
  const cores = availableParallelism();
  const n = meterCount(options.nMeters, cores);
  if (options.nMeters > n) warn(`nMeters ${options.nMeters}: more meters than the ${cores} available cores would share them and slow the run; using ${n}.`);
  if (n <= 1 || !sharesPacketWork(options)) return null;
  const plugins: PluginOrigin[] = [];
  for (const plugin of options.udps) {
    const origin = pluginOrigin(plugin);
    if (origin === null) {
      warn(
        `nMeters ${n}: plugin ${plugin.constructor.name} was created in code, not from a plugin spec, so meter ` +
          `workers cannot rebuild it; using one meter (build plugins with the plugin registry to use parallel meters).`,
      );
      return null;
    }
    if (keepsResultsInInstance(plugin)) {
      warn(
        `nMeters ${n}: plugin ${plugin.constructor.name} hands out results beyond the flow columns from the instance ` +
          `that metered the flow (each meter worker has its own); using one meter.`,
      );
      return null;
    }
    plugins.push(origin);
  }
  const dissectionThread = n === 2 && options.nDissections > 0 && plugins.length === 0 && options.snapshotInterval === 0;
  return { nMeters: n, plugins, dissectionThread };
}
