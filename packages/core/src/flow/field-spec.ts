/**
 * Value type of a flow column, as exporters need it before the first flow arrives.
 * `int[]`/`float[]`/`string[]` are lists (SPLT arrays, plugin lists).
 */
export type FieldType = 'int' | 'float' | 'string' | 'bool' | 'int[]' | 'float[]' | 'string[]';

/** One column of the flow record: NFStream's field name and its value type. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** True when the value may be null/None (plugin fields, nDPI strings never are). */
  readonly nullable?: boolean;
}
