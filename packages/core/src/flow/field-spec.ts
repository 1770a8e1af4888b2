/**
 * Value type of a flow column, as exporters need it before the first flow arrives.
 * `int[]`/`float[]`/`string[]` are lists (SPLT arrays, plugin lists).
 */
export type FieldType = 'int' | 'uint64' | 'float' | 'string' | 'bool' | 'int[]' | 'float[]' | 'string[]';

/**
 * One column of the flow record: NFStream's field name and its value type. Plugins declare their
 * `udps.*` columns with it (names without the prefix), so typed outputs know them in advance.
 *
 * @example
 * ```ts
 * import { NFPlugin, type FieldSpec, type NFlow, type PluginPacket } from '@flowstream/core';
 *
 * export class Ttl extends NFPlugin {
 *   static override fields: readonly FieldSpec[] = [{ name: 'ttl', type: 'int' }, { name: 'ttls', type: 'int[]' }];
 *   override onInit(p: PluginPacket, flow: NFlow) { flow.udps.ttl = p.ip_packet[8]!; flow.udps.ttls = [p.ip_packet[8]!]; }
 * }
 * ```
 */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** True when the value may be null/None (plugin fields, nDPI strings never are). */
  readonly nullable?: boolean;
  /**
   * True for a plugin field the plugin did not declare: its type is not known in advance and
   * typed outputs infer it from the first values they receive.
   */
  readonly inferred?: boolean;
}
