import type { FieldSpec } from './field-spec.js';
import { FlowBatch, type FlowColumn } from './flow-batch.js';
import { FlowBatchWriter, SharedBlock, typedArray, type DissectionFields, type FlowState } from './flow-batch-writer.js';
import { FlowKeyTexts } from './flow-key.js';
import type { NFlow } from './nflow.js';
import { FINAL_ONLY, KEY_COLUMN, SNAPSHOT_COLUMNS, snapshotColumns } from './flow-snapshot.js';

/** The snapshot columns the writer stores itself (`flow_key` is made from the row's other columns). */
const OWN = SNAPSHOT_COLUMNS.filter((_, j) => j !== KEY_COLUMN);

/** The values of one snapshot row's own columns ({@link SNAPSHOT_COLUMNS} order). */
export interface SnapshotValues {
  time: number;
  index: number;
  s2dPackets: number;
  s2dBytes: number;
  d2sPackets: number;
  d2sBytes: number;
}

/** Released storages of the snapshot columns kept for reuse. */
const POOLED = 8;

/**
 * Rows per snapshot batch: a quarter of a flow batch. Snapshot rows come a few at a time all
 * through a run, so smaller batches reach the output sooner (a run ends with less of them left
 * to encode) and fewer fresh pages are touched while the output catches up (measured on the
 * 2M-packet bench capture, `--snapshot-interval 1`).
 */
export const SNAPSHOT_BATCH_ROWS = 1024;

/**
 * Writes snapshot rows of live flows into columnar batches: the snapshot columns, then the flow's
 * columns as they stand (written by a {@link FlowBatchWriter} without `id` and `expiration_id`).
 * Plugin fields are those of `pluginFields` only (plugins that take part in snapshots).
 *
 * Whole batches live in shared memory: the snapshot output usually runs on a worker thread, which
 * reads them in place; a batch released after writing ({@link FlowBatch.release}) is written
 * again, so a long run does not keep asking the system for fresh pages.
 */
export class SnapshotBatchWriter {
  private readonly flows: FlowBatchWriter;
  /** The snapshot columns of the batch being written; empty until the writer's first row (see FlowBatchWriter). */
  private own: Float64Array[] = [];
  private readonly pool: Float64Array[][] = [];
  private readonly capacity: number;
  private fieldsCache: { flowFields: readonly FieldSpec[]; fields: FieldSpec[] } | null = null;

  constructor(coreFields: readonly FieldSpec[], pluginFields: readonly FieldSpec[], state: FlowState, capacity: number) {
    this.capacity = capacity;
    this.flows = new FlowBatchWriter(coreFields, pluginFields, state, { keepFlows: false, capacity, declaredOnly: true, shared: true });
  }

  /** Columns of the snapshot batches. */
  get schema(): readonly FieldSpec[] {
    const flowFields = this.flows.schema;
    let c = this.fieldsCache;
    if (c === null || c.flowFields !== flowFields) {
      c = this.fieldsCache = { flowFields, fields: snapshotColumns(flowFields) };
    }
    return c.fields;
  }

  get rows(): number {
    return this.flows.rows;
  }

  get full(): boolean {
    return this.flows.full;
  }

  private allocate(): void {
    const reused = this.pool.pop();
    if (reused !== undefined) {
      this.own = reused;
      return;
    }
    const block = new SharedBlock(OWN.length * SharedBlock.size(Float64Array, this.capacity));
    this.own = OWN.map(() => typedArray(Float64Array, this.capacity, block));
  }

  /** Appends a snapshot of the live flow at `slot` (`ndpi`: its detection so far; `flow`: its plugin-run object). */
  append(slot: number, v: SnapshotValues, ndpi: DissectionFields | null, flow: NFlow | null): void {
    const r = this.flows.rows;
    if (r === 0 && this.own.length === 0) this.allocate();
    const o = this.own;
    o[0]![r] = v.time;
    o[1]![r] = v.index;
    o[2]![r] = v.s2dPackets + v.d2sPackets;
    o[3]![r] = v.s2dBytes + v.d2sBytes;
    o[4]![r] = v.s2dPackets;
    o[5]![r] = v.s2dBytes;
    o[6]![r] = v.d2sPackets;
    o[7]![r] = v.d2sBytes;
    this.flows.append(slot, -1, -1, ndpi, flow);
  }

  /** The rows written so far as a batch (null when none); the writer starts a new batch. */
  seal(): FlowBatch | null {
    const n = this.flows.rows;
    if (n === 0) return null;
    const fields = this.schema;
    const flowBatch = this.flows.seal()!;
    const full = n === this.capacity;
    const own = this.own;
    const columns: FlowColumn[] = own.map((values) => ({ kind: 'number', values: full ? values : values.slice(0, n) }));
    for (let j = FINAL_ONLY; j < flowBatch.columns.length; j++) columns.push(flowBatch.columns[j]!);
    columns.splice(KEY_COLUMN, 0, new FlowKeyTexts(fields, columns, n));
    if (!full) return new FlowBatch(fields, columns, n);
    // the next batch's columns at once, as the flow writer does (see its `hasStorage`)
    this.allocate();
    const recycle = () => {
      flowBatch.release();
      if (this.pool.length < POOLED) this.pool.push(own);
    };
    return new FlowBatch(fields, columns, n, undefined, null, recycle);
  }
}
