import {
  Bool,
  Field,
  Float64,
  Int8,
  Int32,
  Int64,
  List,
  Schema,
  Uint8,
  Uint16,
  Uint64,
  Utf8,
  type DataType,
} from 'apache-arrow';
import type { FieldSpec } from '@flowstream/core';

/**
 * Arrow types of the core columns whose range NFStream fixes (spec §4), narrower than the Int64
 * used for every other integer. Counters, bytes, times and min/max statistics stay Int64 (as in
 * NFStream's pandas frames): their range depends on the capture and the timeouts.
 * `expiration_id` is Int32, not Int8, because a plugin may store any value there (§4).
 */
const NARROW_INT: Readonly<Record<string, () => DataType>> = {
  src_port: () => new Uint16(),
  dst_port: () => new Uint16(),
  protocol: () => new Uint8(),
  ip_version: () => new Uint8(),
  vlan_id: () => new Uint16(),
  tunnel_id: () => new Uint8(),
  expiration_id: () => new Int32(),
  application_is_guessed: () => new Uint8(),
  application_confidence: () => new Uint8(),
  system_process_pid: () => new Int32(),
};

/** SPLT lists hold sizes, directions and ms gaps, with −1 for unused slots (§5.5). */
const INT32_LISTS = new Set(['splt_direction', 'splt_ps', 'splt_piat_ms']);

/** The element field name pyarrow and polars use for list children. */
export const LIST_ITEM = 'item';

/**
 * The Arrow type of one flow column. Generic `int` is Int64, `float` Float64, `string` Utf8, `bool`
 * Bool, lists are `List<…>` of those; a few core columns with a known range are narrower (see
 * {@link NARROW_INT}) and the SPLT lists are `List<Int32>`.
 *
 * @example arrowTypeFor({ name: 'dst_port', type: 'int' }).toString() === 'Uint16'
 */
export function arrowTypeFor(spec: FieldSpec): DataType {
  const narrow = NARROW_INT[spec.name];
  if (narrow && spec.type === 'int') return narrow();
  switch (spec.type) {
    case 'int':
      return new Int64();
    case 'uint64':
      // NFStream's uint64 milliseconds: wrapped times (pre-1970 stamps) stay exact
      return new Uint64();
    case 'float':
      return new Float64();
    case 'string':
      return new Utf8();
    case 'bool':
      return new Bool();
    case 'int[]':
      return new List(new Field(LIST_ITEM, INT32_LISTS.has(spec.name) ? new Int32() : new Int64(), true));
    case 'float[]':
      return new List(new Field(LIST_ITEM, new Float64(), true));
    case 'string[]':
      return new List(new Field(LIST_ITEM, new Utf8(), true));
    default:
      throw new TypeError(`field ${spec.name}: unknown FieldSpec type ${String(spec.type)} (allowed: int, uint64, float, string, bool, int[], float[], string[])`);
  }
}

/**
 * The Arrow schema of a flow export, known before the first flow (so an empty capture still gives
 * a typed file). Every column is nullable: plugin fields may be null, and a null in a core
 * column must not make the export fail.
 *
 * @example
 * ```ts
 * const schema = arrowSchemaFor(streamer.schema, manifestMetadata(streamer.manifest));
 * ```
 */
export function arrowSchemaFor(fields: readonly FieldSpec[], metadata?: Record<string, string>): Schema {
  const seen = new Set<string>();
  const arrowFields = fields.map((f) => {
    if (seen.has(f.name)) throw new Error(`duplicate flow column ${f.name} in the export schema`);
    seen.add(f.name);
    return new Field(f.name, arrowTypeFor(f), true);
  });
  return new Schema(arrowFields, metadata ? new Map(Object.entries(metadata)) : new Map());
}
