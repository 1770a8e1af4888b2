import type { FieldSpec } from './field-spec.js';
import type { NFlow } from './nflow.js';

/**
 * The columns a snapshot row has before the flow's own (see docs/snapshots.md). Deltas are since
 * the flow's previous snapshot (since its first packet for the first one).
 *
 * @example
 * ```ts
 * import { SNAPSHOT_COLUMNS } from '@flowstream/core';
 *
 * console.log(SNAPSHOT_COLUMNS.map((c) => c.name)); // ['snapshot_time_ms', 'flow_key', 'snapshot_index', 'delta_bidirectional_packets', …]
 * ```
 */
export const SNAPSHOT_COLUMNS: readonly FieldSpec[] = [
  { name: 'snapshot_time_ms', type: 'uint64' },
  { name: 'flow_key', type: 'string' },
  { name: 'snapshot_index', type: 'int' },
  { name: 'delta_bidirectional_packets', type: 'int' },
  { name: 'delta_bidirectional_bytes', type: 'int' },
  { name: 'delta_src2dst_packets', type: 'int' },
  { name: 'delta_src2dst_bytes', type: 'int' },
  { name: 'delta_dst2src_packets', type: 'int' },
  { name: 'delta_dst2src_bytes', type: 'int' },
];

/** Flow columns a snapshot leaves out: a live flow has no id and no expiration reason yet. */
export const FINAL_ONLY = 2;
/** Position of `flow_key` in {@link SNAPSHOT_COLUMNS} (made from the row's other columns). */
export const KEY_COLUMN = 1;

/**
 * The columns of snapshot rows: {@link SNAPSHOT_COLUMNS}, then the flow's columns without `id`
 * and `expiration_id` (`flowColumns`: the run's core columns, then the `udps.*` fields of the
 * plugins that take part in snapshots).
 */
export function snapshotColumns(flowColumns: readonly FieldSpec[]): FieldSpec[] {
  return [...SNAPSHOT_COLUMNS, ...flowColumns.slice(FINAL_ONLY)];
}

/**
 * One snapshot row of a live flow: its fields as they stand, with NFStream's names (no `id`,
 * no `expiration_id`), plus the snapshot columns.
 *
 * @example
 * ```ts
 * import { NFStreamer, type FlowSnapshot } from '@flowstream/streamer';
 *
 * const busy: FlowSnapshot[] = [];
 * for await (const s of new NFStreamer({ source: 'capture.pcap', snapshotInterval: 5 }).snapshots()) {
 *   if (s.delta_bidirectional_bytes > 1e6) busy.push(s);
 * }
 * ```
 */
export type FlowSnapshot = Omit<NFlow, 'id' | 'expiration_id'> & {
  /** The snapshot's time: a multiple of the interval (ms since the epoch, meter clock). */
  snapshot_time_ms: number;
  /** Joins the flow's snapshots with its final record (see `flowKey`). */
  flow_key: string;
  /** 1 for the flow's first snapshot, then 2, 3, … */
  snapshot_index: number;
  delta_bidirectional_packets: number;
  delta_bidirectional_bytes: number;
  delta_src2dst_packets: number;
  delta_src2dst_bytes: number;
  delta_dst2src_packets: number;
  delta_dst2src_bytes: number;
};
