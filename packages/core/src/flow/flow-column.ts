/** Numbers of one column, one per row (`int`, `float`, `bool` and time columns). */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: Float64Array;
}

/** Texts of one column, one per row (`null` where a plugin left no value). */
export interface StringColumn {
  readonly kind: 'string';
  readonly values: readonly (string | null)[];
}

/**
 * A fixed-width list per row (SPLT): row `i` is `values[i * width … (i + 1) * width)`, with
 * NFStream's −1 in unused slots.
 */
export interface ListColumn {
  readonly kind: 'list';
  readonly width: number;
  readonly values: Int32Array | Float64Array;
}

/** Any JavaScript value per row (plugin fields: numbers, strings, lists, null). */
export interface ValueColumn {
  readonly kind: 'value';
  readonly values: readonly unknown[];
}

/** The storage of one column of a `FlowBatch`. */
export type FlowColumn = NumberColumn | StringColumn | ListColumn | ValueColumn;
