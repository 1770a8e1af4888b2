import { SGD_FEATURE_SELECTION, windowStatsKeys } from './feature-keys.js';

/**
 * One window of one flow: identification columns, then the statistics in the spec's key order
 * (§3.4). `flow_id` is -1 until the flow's id is known (see {@link stampFlowId}).
 */
export type WindowRow = {
  flow_id: number;
  window_index: number;
  /** CovertMark time (seconds, six-decimal precision, spec §1.1) of the window's first packet. */
  first_packet_time: number;
  last_packet_time: number;
} & Record<string, number>;

/** Column type of a window dataset: Arrow Int64, Float64 or Utf8. */
export type WindowColumnType = 'int' | 'float' | 'string';

/** One column of a window dataset. */
export interface WindowColumn {
  readonly name: string;
  readonly type: WindowColumnType;
}

/** Identification columns that lead every window row. */
export const WINDOW_ROW_ID_COLUMNS: readonly WindowColumn[] = [
  { name: 'flow_id', type: 'int' },
  { name: 'window_index', type: 'int' },
  { name: 'first_packet_time', type: 'float' },
  { name: 'last_packet_time', type: 'float' },
];

/**
 * Columns of the window rows produced for a feature selection: the identification columns, then
 * every statistic key in CovertMark's order as Float64 (`null`/empty selection = every group;
 * default the SGD strategy's set).
 *
 * @example
 * ```ts
 * windowRowsSchema().map((c) => c.name).slice(0, 5);
 * // ['flow_id', 'window_index', 'first_packet_time', 'last_packet_time', 'up_down_ratio']
 * ```
 */
export function windowRowsSchema(featureSelection: readonly string[] | null = SGD_FEATURE_SELECTION): WindowColumn[] {
  return [...WINDOW_ROW_ID_COLUMNS, ...windowStatsKeys(featureSelection).map((name) => ({ name, type: 'float' as const }))];
}

/**
 * Sets `flow_id` on rows once the streamer has assigned the flow's id (it is only known when the
 * flow is emitted). Returns the same rows.
 *
 * @example
 * ```ts
 * stampFlowId(rows, flow.id);
 * ```
 */
export function stampFlowId<R extends { flow_id: number }>(rows: R[], flowId: number): R[] {
  for (const r of rows) r.flow_id = flowId;
  return rows;
}

/**
 * Infers columns from a row: the known integer columns (`flow_id`, `window_index`, `segment`,
 * `window`) as Int64, strings as Utf8, every other value as Float64. Used when no schema is given.
 *
 * @example
 * ```ts
 * inferWindowColumns({ flow_id: 1, client: '10.0.0.5/32', up_down_ratio: 1.5 });
 * ```
 */
export function inferWindowColumns(row: Record<string, unknown>): WindowColumn[] {
  const ints = new Set(['flow_id', 'window_index', 'segment', 'window']);
  return Object.keys(row).map((name) => ({
    name,
    type: typeof row[name] === 'string' ? 'string' : ints.has(name) ? 'int' : 'float',
  }));
}
