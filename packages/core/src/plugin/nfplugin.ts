import type { FieldSpec } from '../flow/field-spec.js';
import type { NFlow } from '../flow/nflow.js';
import type { PluginPacket } from './plugin-packet.js';

/**
 * Base class of flowstream plugins, NFStream's `NFPlugin` (spec §10). Options passed to the
 * constructor become properties of the instance (`new FlowSlicer({ limit: 4 }).limit === 4`).
 * Every callback is a no-op by default: override only what you need.
 *
 * Lifecycle (per flow): `onInit` once with the flow's first packet, `onUpdate` for every later
 * packet that does not expire the flow (counters already include it), `onExpire` once when the
 * flow is emitted. Set `flow.expiration_id = -1` in `onInit`/`onUpdate` to emit the flow right
 * after that callback round. Unlike NFStream, `cleanup()` is called once when a run ends.
 *
 * Declare option properties with `declare` (a class field initializer would overwrite the
 * option after the base constructor ran); put defaults in `static defaults`.
 *
 * @example
 * ```ts
 * import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * class LargePackets extends NFPlugin<{ threshold?: number }> {
 *   static override defaults = { threshold: 1000 };
 *   static override fields = [{ name: 'large_packets', type: 'int' }] as const;
 *   declare threshold: number;
 *   override onInit(p: PluginPacket, flow: NFlow) { flow.udps.large_packets = p.ip_size > this.threshold ? 1 : 0; }
 *   override onUpdate(p: PluginPacket, flow: NFlow) { if (p.ip_size > this.threshold) (flow.udps.large_packets as number)++; }
 * }
 *
 * for (const flow of new NFStreamer({ source: 'capture.pcap', udps: [new LargePackets({ threshold: 1200 })] })) {
 *   console.log(flow.udps.large_packets);
 * }
 * ```
 */
export abstract class NFPlugin<Options extends object = Record<string, unknown>> {
  /** Option defaults applied before the options given to the constructor. */
  static defaults: Record<string, unknown> = {};
  /**
   * The `udps.*` fields this plugin adds, with their types (names without the `udps.` prefix),
   * so exporters can type columns before the first flow. Optional: undeclared fields still work
   * and are typed from their values.
   */
  static fields: readonly FieldSpec[] = [];
  /**
   * True for a plugin that hands out results beyond the flow's columns from the instance that
   * metered the flow (CovertMarkWindows' window rows): a parallel meter's worker has its own
   * instance, whose results the caller's instance never sees, so runs with such a plugin use one
   * meter (saying so).
   */
  static resultsInInstance = false;
  /**
   * The fields (names without `udps.`) whose values can tell a flow's addresses: `ip` for IP
   * addresses and host names, `mac` for hardware addresses. An output that hashes those address
   * columns and leaves such a field in clear says so.
   */
  static addressFields: Readonly<Record<string, 'ip' | 'mac'>> = {};

  /** The options this instance was made with (defaults applied), for manifests and workers. */
  declare readonly options: Readonly<Options>;

  constructor(options?: Options) {
    const ctor = new.target as unknown as typeof NFPlugin;
    const merged = { ...ctor.defaults, ...(options ?? {}) } as Options;
    Object.assign(this, merged);
    Object.defineProperty(this, 'options', { value: Object.freeze({ ...merged }), enumerable: false });
  }

  /**
   * Called with the first packet of a new flow.
   *
   * @example
   * ```ts
   * import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';
   *
   * export class FirstTtl extends NFPlugin {
   *   override onInit(packet: PluginPacket, flow: NFlow) {
   *     flow.udps.first_ttl = packet.ip_version === 4 ? packet.ip_packet[8]! : packet.ip_packet[7]!;
   *   }
   * }
   * ```
   */
  onInit(_packet: PluginPacket, _flow: NFlow): void {}
  /**
   * Called for every later packet of the flow, after the flow's counters were updated. Setting
   * `flow.expiration_id = -1` emits the flow after this call (NFStream's custom expiry).
   *
   * @example
   * ```ts
   * import { NFPlugin, type NFlow, type PluginPacket } from '@flowstream/core';
   *
   * export class EndOnFin extends NFPlugin {
   *   override onUpdate(packet: PluginPacket, flow: NFlow) {
   *     if (packet.fin || packet.rst) flow.expiration_id = -1;
   *   }
   * }
   * ```
   */
  onUpdate(_packet: PluginPacket, _flow: NFlow): void {}
  /**
   * Called once when the flow is emitted, whatever the reason.
   *
   * @example
   * ```ts
   * import { NFPlugin, type NFlow } from '@flowstream/core';
   *
   * export class BytesPerPacket extends NFPlugin {
   *   override onExpire(flow: NFlow) {
   *     flow.udps.bytes_per_packet = flow.bidirectional_bytes / flow.bidirectional_packets;
   *   }
   * }
   * ```
   */
  onExpire(_flow: NFlow): void {}
  /**
   * Flow snapshots (`snapshotInterval`): called when a snapshot row of the live flow is written.
   * Overriding it opts the plugin in: its declared `udps.*` fields appear in snapshot rows, with
   * the values they hold after this call (set interim values here, e.g. a rate so far). Changes
   * made to `flow.udps` here are rolled back once the row is written, so the flow's final record
   * is the same with and without snapshots.
   *
   * @example
   * ```ts
   * import { NFPlugin, type NFlow } from '@flowstream/core';
   *
   * export class Rate extends NFPlugin {
   *   static override fields = [{ name: 'bytes_per_s', type: 'float' }] as const;
   *   override onSnapshot(flow: NFlow) {
   *     flow.udps.bytes_per_s = flow.bidirectional_bytes / Math.max(1, flow.bidirectional_duration_ms / 1000);
   *   }
   * }
   * ```
   */
  onSnapshot(_flow: NFlow): void {}
  /**
   * Called once when a run ends (NFStream never calls it): release what the plugin holds.
   *
   * @example
   * ```ts
   * import { NFPlugin, type NFlow } from '@flowstream/core';
   *
   * export class ProtocolCount extends NFPlugin {
   *   private readonly counts = new Map<number, number>();
   *   override onExpire(flow: NFlow) { this.counts.set(flow.protocol, (this.counts.get(flow.protocol) ?? 0) + 1); }
   *   override cleanup() { console.log(Object.fromEntries(this.counts)); this.counts.clear(); }
   * }
   * ```
   */
  cleanup(): void {}
}

/** True when the plugin overrides {@link NFPlugin.onSnapshot} (its fields join snapshot rows). */
export function takesSnapshots(plugin: NFPlugin): boolean {
  return plugin.onSnapshot !== NFPlugin.prototype.onSnapshot;
}

/** True when the plugin keeps results in its instance ({@link NFPlugin.resultsInInstance}). */
export function keepsResultsInInstance(plugin: NFPlugin): boolean {
  return (plugin.constructor as typeof NFPlugin).resultsInInstance === true;
}

/** The plugin's fields that can tell a flow's addresses ({@link NFPlugin.addressFields}). */
export function addressFieldsOf(plugin: NFPlugin): Readonly<Record<string, 'ip' | 'mac'>> {
  return (plugin.constructor as typeof NFPlugin).addressFields;
}

/** True for NFPlugin instances (not classes, not functions). */
export function isPluginInstance(value: unknown): value is NFPlugin {
  return value instanceof NFPlugin;
}
