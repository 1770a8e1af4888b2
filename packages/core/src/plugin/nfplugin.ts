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
 * class PacketCounter extends NFPlugin<{ label?: string }> {
 *   static override defaults = { label: 'packets' };
 *   declare label: string;
 *   static override fields = [{ name: 'seen', type: 'int' }] as const;
 *   override onInit(_p: PluginPacket, flow: NFlow) { flow.udps.seen = 1; }
 *   override onUpdate(_p: PluginPacket, flow: NFlow) { (flow.udps.seen as number)++; }
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

  /** The options this instance was made with (defaults applied), for manifests and workers. */
  declare readonly options: Readonly<Options>;

  constructor(options?: Options) {
    const ctor = new.target as unknown as typeof NFPlugin;
    const merged = { ...ctor.defaults, ...(options ?? {}) } as Options;
    Object.assign(this, merged);
    Object.defineProperty(this, 'options', { value: Object.freeze({ ...merged }), enumerable: false });
  }

  /** Called with the first packet of a new flow. */
  onInit(_packet: PluginPacket, _flow: NFlow): void {}
  /** Called for every later packet of the flow, after the flow's counters were updated. */
  onUpdate(_packet: PluginPacket, _flow: NFlow): void {}
  /** Called once when the flow is emitted, whatever the reason. */
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
   * class Rate extends NFPlugin {
   *   static override fields = [{ name: 'bytes_per_s', type: 'float' }] as const;
   *   override onSnapshot(flow: NFlow) {
   *     flow.udps.bytes_per_s = flow.bidirectional_bytes / Math.max(1, flow.bidirectional_duration_ms / 1000);
   *   }
   * }
   * ```
   */
  onSnapshot(_flow: NFlow): void {}
  /** Called once when a run ends (NFStream never calls it). */
  cleanup(): void {}
}

/** True when the plugin overrides {@link NFPlugin.onSnapshot} (its fields join snapshot rows). */
export function takesSnapshots(plugin: NFPlugin): boolean {
  return plugin.onSnapshot !== NFPlugin.prototype.onSnapshot;
}

/** True for NFPlugin instances (not classes, not functions). */
export function isPluginInstance(value: unknown): value is NFPlugin {
  return value instanceof NFPlugin;
}
