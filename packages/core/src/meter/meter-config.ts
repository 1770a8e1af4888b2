import type { FlowDissector } from '../dissect/flow-dissector.js';
import type { ResolvedMeteringOptions } from '../options/nfstream-options.js';
import type { FieldSpec } from '../flow/field-spec.js';
import type { NFPlugin } from '../plugin/nfplugin.js';
import { pluginFields } from '../plugin/plugin-fields.js';

/**
 * Everything a {@link FlowMeter} needs, already validated: NFStream's options in the meter's units
 * (timeouts in ms) plus the parts a run decides (the nDPI dissector, the system-visibility columns).
 *
 * @example
 * ```ts
 * import { FlowMeter, type MeterConfig } from '@flowstream/core';
 * import { SPLT } from '@flowstream/plugins';
 *
 * const config: MeterConfig = {
 *   decodeTunnels: true, idleTimeoutMs: 30_000, activeTimeoutMs: 300_000, accountingMode: 1,
 *   statisticalAnalysis: true, spltAnalysis: 0, plugins: [new SPLT()], dissector: null, systemVisibility: false,
 *   maxLiveFlows: 100_000,
 * };
 * const meter = new FlowMeter(config);
 * ```
 */
export interface MeterConfig {
  /** Whether GTP-U/TZSP/CAPWAP are decoded; also whether the `tunnel_id` column exists. */
  readonly decodeTunnels: boolean;
  /** Idle timeout in milliseconds (NFStream's `idle_timeout × 1000`). */
  readonly idleTimeoutMs: number;
  /** Active timeout in milliseconds. */
  readonly activeTimeoutMs: number;
  /** 0 raw size, 1 IP size, 2 transport size, 3 payload size (spec §3). */
  readonly accountingMode: number;
  readonly statisticalAnalysis: boolean;
  /** SPLT sequence length; 0 disables. */
  readonly spltAnalysis: number;
  /** Plugin instances, called in list order. */
  readonly plugins: readonly NFPlugin[];
  /** nDPI dissector when `nDissections > 0` and nDPI is loaded, else null. */
  readonly dissector: FlowDissector | null;
  /** Adds `system_process_pid`/`system_process_name` (spec §8, live and multi-file quirk). */
  readonly systemVisibility: boolean;
  /** The plugins' declared `udps.*` columns (default: none declared). */
  readonly pluginFields?: readonly FieldSpec[];
  /** Rows per emitted batch (default {@link FLOW_BATCH_ROWS}). */
  readonly batchRows?: number;
  /** Flow snapshots every this many ms of meter clock (0 or absent: none). */
  readonly snapshotIntervalMs?: number;
  /** Cache bound: a new flow evicts the least recently seen one when this many are live (0 = unlimited). */
  readonly maxLiveFlows?: number;
  /**
   * Whole flow batches keep their typed arrays in shared memory (a meter worker's: the main thread
   * reads them in place, and a released batch's memory takes later flows instead of fresh pages).
   */
  readonly sharedBatches?: boolean;
}

/**
 * The meter configuration of validated NFStreamer options: timeouts from seconds to ms, the
 * plugins, and the parts a run decides (the dissector it loaded, whether the system-visibility
 * columns exist).
 */
export function meterConfig(
  options: ResolvedMeteringOptions,
  dissector: FlowDissector | null,
  systemVisibility: boolean,
): MeterConfig {
  return {
    decodeTunnels: options.decodeTunnels,
    idleTimeoutMs: options.idleTimeout * 1000,
    activeTimeoutMs: options.activeTimeout * 1000,
    accountingMode: options.accountingMode,
    statisticalAnalysis: options.statisticalAnalysis,
    spltAnalysis: options.spltAnalysis,
    plugins: options.udps,
    dissector,
    systemVisibility,
    pluginFields: pluginFields(options.udps),
    maxLiveFlows: options.maxLiveFlows,
    snapshotIntervalMs: options.snapshotInterval * 1000,
  };
}
