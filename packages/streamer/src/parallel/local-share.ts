import type { ResolvedMeteringOptions } from '@flowstream/core';

/**
 * Per-packet costs, in units of the main thread's reading and routing of one packet (spec §7),
 * measured as thread CPU time on the 2M-packet bench capture on a 2-core machine: metering in the
 * main thread (decode, flow table, emission) costs {@link LOCAL_CORE} with core fields and about
 * 1.7 with nDPI (20 packets) and the statistics; the same metering in a worker costs
 * {@link WORKER_FACTOR} times that plus {@link WORKER_EXTRA} (it decodes records from shared
 * memory written on another core, and its flows cross threads as batches).
 */
const LOCAL_CORE = 0.25;
const LOCAL_STATISTICS = 0.6;
const LOCAL_SPLT = 0.5;
const LOCAL_DISSECTION = 1.0;
const LOCAL_PLUGIN = 0.3;
const WORKER_FACTOR = 1.35;
const WORKER_EXTRA = 0.3;
/**
 * The unit above, for the input the share is made for: a mapped capture file, whose records the
 * main thread reads in place (its CPU time in a two-meter run with core fields, `perf record -e
 * cpu-clock`: 300 ms against 340 ms reading into the shared chunks). Pipes and streams, read into
 * the chunks, cost the main thread a little more; the share stays the same for every input.
 */
const READ_AND_ROUTE = 0.8;

/** What the share rule looks at besides the metering options. */
export interface ShareInputs {
  readonly nMeters: number;
  /** Plugins every meter runs. */
  readonly plugins: readonly unknown[];
  /** The dissector, or null when nDPI is off or unavailable. */
  readonly dissector: unknown;
}

/**
 * Whether the workers read packet bytes (nDPI dissects, or plugins see the frames): they are then
 * handed raw records to decode. Otherwise the main thread decodes every record anyway (to route
 * it) and hands its packets over as fields (`RecordKind.Packet`), and metering a share itself would
 * only add to the thread that already costs the most.
 */
export function workersReadBytes(options: ResolvedMeteringOptions, inputs: ShareInputs): boolean {
  return (inputs.dissector !== null && options.nDissections > 0) || inputs.plugins.length > 0;
}

/**
 * Meter 0's share of the flows (of the hash buckets, see `meterBuckets`): the main thread also
 * reads and routes every record, so it meters less than the workers, the more so the lighter the
 * metering. With `m` the local metering cost of a packet and `w = 1.35 m + 0.3` a worker's (in
 * units of reading and routing it, see the constants), the main thread's load `1 + s·m` equals a
 * worker's `(1 − s)·w / (n − 1)` at `s = (w/(n−1) − 1) / (m + w/(n−1))`, clamped to 0 … 1/n.
 * Core fields give 0 (the main thread reads and routes; the workers meter), nDPI with the
 * statistics about 0.43 of the flows with two meters. Where the workers read no bytes
 * ({@link workersReadBytes}), the main thread decodes every packet to hand it over, which costs it
 * about what one meter's core path does: the share is 0 (statistics + SPLT on two meters, 2M-packet
 * bench capture: 662 ms at 0 against 791 ms at the formula's 0.38; one meter 664 ms). The share depends on the options alone,
 * never on the input or the machine: which meter's nDPI sees a flow changes what nDPI's caches
 * learn (spec §7), so the same options on the same capture must split the flows the same way.
 *
 * @example
 * ```ts
 * const share = localShare(options, { nMeters: 2, plugins: [], dissector }); // 0.43 with nDPI + statistics
 * ```
 */
export function localShare(options: ResolvedMeteringOptions, inputs: ShareInputs): number {
  const n = inputs.nMeters;
  if (!workersReadBytes(options, inputs)) return 0;
  // costs in units of reading and routing a packet of a mapped file
  const local =
    (LOCAL_CORE +
      (options.statisticalAnalysis ? LOCAL_STATISTICS : 0) +
      (options.spltAnalysis > 0 ? LOCAL_SPLT : 0) +
      (inputs.dissector !== null && options.nDissections > 0 ? LOCAL_DISSECTION : 0) +
      LOCAL_PLUGIN * inputs.plugins.length) /
    READ_AND_ROUTE;
  const perWorker = (WORKER_FACTOR * local + WORKER_EXTRA / READ_AND_ROUTE) / (n - 1);
  const share = (perWorker - 1) / (local + perWorker);
  return Math.min(Math.max(share, 0), 1 / n);
}
