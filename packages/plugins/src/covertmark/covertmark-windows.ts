import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
import { byteEntropy } from './byte-entropy.js';
import { enabledGroups, SGD_FEATURE_SELECTION, type EnabledGroups } from './feature-keys.js';
import { ipLayout, tcpLayout } from './ip-layout.js';
import type { WindowPacket } from './packet.js';
import { covertMarkTime } from './packet-from-ip.js';
import { requireInt } from './validate.js';
import { stampFlowId, type WindowRow } from './window-rows.js';
import { windowStatsOf } from './window-stats.js';

/** Options of {@link CovertMarkWindows}. */
export interface CovertMarkWindowsOptions {
  /** Packets per window (integer ≥ 1, default 50 as CovertMark's SGD strategy). */
  windowSize?: number;
  /** Feature groups (default the SGD strategy's set; null or [] = every group). */
  featureSelection?: readonly string[] | null;
  /** IP protocol numbers of the flows to analyse (default `[6]`, TCP only as the SGD strategy). */
  protocols?: readonly number[];
  /**
   * Also emit the last, shorter window at expiry (default false: CovertMark drops incomplete
   * windows, spec §6.2, so only full windows are comparable).
   */
  emitPartialWindow?: boolean;
  /**
   * Sink called once per analysed flow at expiry with all its rows (possibly none). `flow.id` is
   * not assigned yet at that moment; rows carry `flow_id = -1` until the sink stamps them
   * ({@link stampFlowId}) after the streamer emitted the flow. Without a sink, rows wait in the
   * plugin until {@link CovertMarkWindows.takeWindows}.
   */
  onWindows?: ((flow: NFlow, rows: WindowRow[]) => void) | null;
}

/** Per-flow state: the open window (payload-free) and finished rows. */
interface FlowWindows {
  window: WindowPacket[];
  rows: WindowRow[];
}

/**
 * CovertMark statistics on per-flow windows (spec §7, "Guidance for a flow plugin"). For each
 * analysed flow, the packets (both directions, in arrival order) are cut into windows of
 * `windowSize` packets and each full window gets CovertMark's `get_window_stats` with the client =
 * the flow's initiator (`flow.src_ip`): up = src→dst packets, down = dst→src packets (both when
 * `src_ip == dst_ip`, as the original does, §1.4).
 *
 * **This groups differently from CovertMark.** CovertMark's SGD strategy windows all TCP packets
 * of a (client host, remote host) pair inside 60 s segments of the whole trace, across
 * connections (spec §7); here a window never spans two flows and there are no time segments. For
 * CovertMark's own rows use `sgdFeatureRowsFromPackets`.
 *
 * Per packet the plugin keeps only numbers (time from the full-precision `ts_sec`/`ts_nsec`
 * rounded as CovertMark does, §1.1; sequence number, flag byte, payload length and entropy,
 * parsed from `ip_packet` during the callback). A full window is turned into a row at once.
 * The trailing incomplete window is dropped at expiry, as CovertMark drops final short windows
 * (§6.2), unless `emitPartialWindow` is set.
 *
 * How rows get their flow id: `NFlow.id` is assigned by the streamer when the flow is emitted,
 * after `onExpire`. Rows are built with `flow_id = -1`; at `onExpire` they are handed to the
 * `onWindows(flow, rows)` sink if one is set (which must call `stampFlowId(rows, flow.id)` once
 * the flow was emitted), otherwise kept until the streamer glue calls `takeWindows(flow)` after
 * emission, which stamps `flow.id` and returns them.
 *
 * Adds `udps.covertmark_windows`: the number of rows of the flow (null for flows of protocols not
 * analysed).
 *
 * @example
 * ```ts
 * const plugin = new CovertMarkWindows({ windowSize: 50 });
 * for (const flow of new NFStreamer({ source: 'a.pcap', udps: [plugin] })) {
 *   const rows = plugin.takeWindows(flow); // flow_id = flow.id
 * }
 * ```
 */
export class CovertMarkWindows extends NFPlugin<CovertMarkWindowsOptions> {
  static override defaults: Record<string, unknown> = {
    windowSize: 50,
    featureSelection: SGD_FEATURE_SELECTION,
    protocols: [6],
    emitPartialWindow: false,
    onWindows: null,
  };
  static override fields: readonly FieldSpec[] = [{ name: 'covertmark_windows', type: 'int', nullable: true }];
  // the rows wait in this instance for takeWindows (or go to onWindows): a worker's copy would keep them
  static override resultsInInstance = true;

  declare windowSize: number;
  declare featureSelection: readonly string[] | null;
  declare protocols: readonly number[];
  declare emitPartialWindow: boolean;
  declare onWindows: ((flow: NFlow, rows: WindowRow[]) => void) | null;

  readonly #groups: EnabledGroups;
  readonly #flows = new WeakMap<NFlow, FlowWindows>();
  readonly #pending = new WeakMap<NFlow, WindowRow[]>();

  constructor(options?: CovertMarkWindowsOptions) {
    super(options);
    requireInt(this.windowSize, 'windowSize', 1);
    if (this.featureSelection !== null && !Array.isArray(this.featureSelection)) {
      throw new TypeError('featureSelection must be a list of group names or null');
    }
    if (!Array.isArray(this.protocols)) throw new TypeError('protocols must be a list of IP protocol numbers');
    this.#groups = enabledGroups(this.featureSelection);
  }

  override onInit(packet: PluginPacket, flow: NFlow): void {
    if (!this.protocols.includes(flow.protocol)) {
      flow.udps['covertmark_windows'] = null;
      return;
    }
    flow.udps['covertmark_windows'] = 0;
    this.#flows.set(flow, { window: [], rows: [] });
    this.#add(packet, flow);
  }

  override onUpdate(packet: PluginPacket, flow: NFlow): void {
    this.#add(packet, flow);
  }

  override onExpire(flow: NFlow): void {
    const state = this.#flows.get(flow);
    if (state === undefined) return;
    this.#flows.delete(flow);
    if (this.emitPartialWindow && state.window.length > 0) this.#close(state, flow);
    flow.udps['covertmark_windows'] = state.rows.length;
    if (this.onWindows) this.onWindows(flow, state.rows);
    else this.#pending.set(flow, state.rows);
  }

  /**
   * Returns (once) the rows of an emitted flow, stamped with `flow.id`; [] when there are none or
   * an `onWindows` sink received them.
   *
   * @example
   * ```ts
   * const rows = plugin.takeWindows(flow);
   * ```
   */
  takeWindows(flow: NFlow): WindowRow[] {
    const rows = this.#pending.get(flow);
    if (rows === undefined) return [];
    this.#pending.delete(flow);
    return stampFlowId(rows, flow.id);
  }

  #add(packet: PluginPacket, flow: NFlow): void {
    const state = this.#flows.get(flow);
    if (state === undefined) return;
    // ip_packet is a view valid only now: reduce it to numbers (spec §1.3 payload bounds).
    const ip = packet.ip_packet;
    const layout = ipLayout(ip);
    const t = layout === null ? null : tcpLayout(ip, layout);
    state.window.push({
      time: covertMarkTime(packet.ts_sec, packet.ts_nsec),
      src: packet.src_ip,
      dst: packet.dst_ip,
      tcp:
        t === null
          ? null
          : {
              seq: t.seq,
              flags: t.flags,
              payloadLength: t.payloadEnd - t.payloadOffset,
              entropy: this.#groups.entropy ? byteEntropy(ip.subarray(t.payloadOffset, t.payloadEnd)) : NaN,
            },
    });
    if (state.window.length >= this.windowSize) {
      this.#close(state, flow);
      flow.udps['covertmark_windows'] = state.rows.length;
    }
  }

  #close(state: FlowWindows, flow: NFlow): void {
    const w = state.window;
    const client = flow.src_ip;
    const { stats } = windowStatsOf(w, (addr) => addr === client, this.#groups);
    state.rows.push({
      flow_id: -1,
      window_index: state.rows.length,
      first_packet_time: w[0]!.time,
      last_packet_time: w[w.length - 1]!.time,
      ...stats,
    } as WindowRow);
    state.window = [];
  }
}
