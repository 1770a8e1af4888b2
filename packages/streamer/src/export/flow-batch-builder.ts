import { RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import type { FieldSpec, FieldType, NFlow } from '@flowstream/core';
import { arrowSchemaFor } from './arrow-types.js';
import { Int64Column, NumberColumn, makeColumn, type Column } from './columns.js';

/** Options of {@link FlowBatchBuilder} and the Arrow/Parquet writers. */
export interface FlowBatchOptions {
  /** Rows per record batch (Parquet: per row group). Default 65536. */
  batchSize?: number;
  /** Schema metadata, e.g. {@link manifestMetadata}(streamer.manifest). */
  metadata?: Record<string, string>;
  /** Receives warnings (undeclared plugin fields dropped). Default: `console.warn`. */
  onWarning?: (message: string) => void;
}

export const DEFAULT_BATCH_SIZE = 65536;

const UDPS = 'udps.';

/**
 * Accumulates flows into Arrow record batches of `batchSize` rows, typed by the run's
 * {@link FieldSpec}s (`streamer.schema`), so memory is bounded by one batch.
 *
 * Plugin fields that are not declared in `fields` are typed at the first batch: every
 * `udps.<name>` seen in the first batch becomes a column (after the declared ones, in order of
 * first appearance), typed from its non-null values in that batch (all safe integers ⇒ Int64,
 * other numbers ⇒ Float64, booleans ⇒ Bool, arrays ⇒ lists likewise, anything else ⇒ Utf8;
 * all-null ⇒ Utf8). Undeclared fields first seen later are dropped with one warning each: the
 * schema of a file cannot change. Declare `static fields` in plugins to avoid both.
 *
 * @example
 * ```ts
 * const builder = new FlowBatchBuilder(streamer.schema, { batchSize: 8192 });
 * for await (const flow of streamer) {
 *   const batch = builder.add(flow);
 *   if (batch) writer.write(batch);
 * }
 * const last = builder.finish();
 * if (last) writer.write(last);
 * ```
 */
export class FlowBatchBuilder {
  readonly batchSize: number;
  private fields: FieldSpec[];
  private schemaValue: Schema;
  private readonly metadata: Record<string, string> | undefined;
  private readonly warn: (message: string) => void;
  private columns: Column[];
  private appendRow: (flow: NFlow, row: number) => void;
  private rows = 0;
  /** Until the first batch: raw values of undeclared plugin fields, by name. */
  private pending: Map<string, unknown[]> | null = new Map();
  private readonly known: Set<string>;
  private readonly warned = new Set<string>();

  constructor(fields: readonly FieldSpec[], options: FlowBatchOptions = {}) {
    const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be an integer ≥ 1, got ${size}`);
    this.batchSize = size;
    this.fields = fields.slice();
    this.metadata = options.metadata;
    this.warn = options.onWarning ?? ((m) => console.warn(m));
    this.schemaValue = arrowSchemaFor(this.fields, this.metadata);
    this.columns = this.schemaValue.fields.map((f) => makeColumn(f.name, f.type, size));
    this.appendRow = compileAppend(this.fields, this.columns);
    this.known = new Set(this.fields.filter((f) => f.name.startsWith(UDPS)).map((f) => f.name.slice(UDPS.length)));
  }

  /**
   * The Arrow schema. Before the first batch it holds the declared fields only; from the first
   * batch on it also holds the undeclared plugin fields typed from it (and never changes again).
   */
  get schema(): Schema {
    return this.schemaValue;
  }

  /** Rows added since the last returned batch. */
  get pendingRows(): number {
    return this.rows;
  }

  /** Appends one flow; returns a full batch when `batchSize` rows are reached, else null. */
  add(flow: NFlow): RecordBatch | null {
    this.appendRow(flow, this.rows);
    this.checkUdps(flow);
    return ++this.rows >= this.batchSize ? this.flush() : null;
  }

  /** The last, partial batch (null when no row is pending). */
  finish(): RecordBatch | null {
    return this.rows > 0 ? this.flush() : null;
  }

  /**
   * A zero-row batch with the current schema, for writers that need one batch even when there
   * were no flows (Parquet). Pending rows are not affected.
   */
  emptyBatch(): RecordBatch {
    const schema = this.schemaValue;
    const children = schema.fields.map((f) => makeColumn(f.name, f.type, 1).flush(0));
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
  }

  private checkUdps(flow: NFlow): void {
    const udps = flow.udps;
    for (const k in udps) {
      if (this.known.has(k)) continue;
      const pending = this.pending;
      if (pending) {
        let values = pending.get(k);
        if (!values) pending.set(k, (values = []));
        values[this.rows] = udps[k];
      } else if (!this.warned.has(k)) {
        this.warned.add(k);
        this.warn(`flowstream: plugin field udps.${k} first appeared after the first batch and is not exported (declare it in the plugin's static fields)`);
      }
    }
  }

  private flush(): RecordBatch {
    if (this.pending) this.settleSchema();
    const n = this.rows;
    this.rows = 0;
    const children = this.columns.map((c) => c.flush(n));
    const data = makeData({ type: new Struct(this.schemaValue.fields), length: n, nullCount: 0, children });
    return new RecordBatch(this.schemaValue, data);
  }

  /** Adds the undeclared plugin fields of the first batch to the schema (see the class doc). */
  private settleSchema(): void {
    const pending = this.pending!;
    this.pending = null;
    if (pending.size === 0) return;
    const n = this.rows;
    const added: FieldSpec[] = [];
    for (const [name, values] of pending) {
      added.push({ name: `${UDPS}${name}`, type: inferType(values), nullable: true });
      this.known.add(name);
    }
    this.fields = this.fields.concat(added);
    this.schemaValue = arrowSchemaFor(this.fields, this.metadata);
    const newColumns = this.schemaValue.fields.slice(this.columns.length).map((f) => makeColumn(f.name, f.type, this.batchSize));
    newColumns.forEach((col, j) => {
      const values = pending.get(added[j]!.name.slice(UDPS.length))!;
      for (let i = 0; i < n; i++) col.add(values[i], i);
    });
    this.columns = this.columns.concat(newColumns);
    this.appendRow = compileAppend(this.fields, this.columns);
  }
}

/** The {@link FieldType} of undeclared plugin values (see {@link FlowBatchBuilder}). */
export function inferType(values: readonly unknown[]): FieldType {
  let kind: 'int' | 'float' | 'string' | 'bool' | null = null;
  let list = false;
  const see = (v: unknown): void => {
    if (v == null) return;
    const k = typeof v === 'number' ? (Number.isSafeInteger(v) ? 'int' : 'float') : typeof v === 'boolean' ? 'bool' : typeof v === 'bigint' ? 'int' : 'string';
    if (kind === null || kind === k) kind = k;
    else if ((kind === 'int' && k === 'float') || (kind === 'float' && k === 'int')) kind = 'float';
    else kind = 'string';
  };
  for (const v of values) {
    if (Array.isArray(v)) {
      list = true;
      for (const x of v) see(x);
    } else see(v);
  }
  if (list) return kind === 'float' ? 'float[]' : kind === 'string' ? 'string[]' : kind === 'bool' ? 'string[]' : 'int[]';
  return kind ?? 'string';
}

/**
 * Compiles the per-flow append as straight-line code, one block per column: numeric values are
 * stored inline into the column's typed array (`d3[i] = v`), other columns get one monomorphic
 * call (`c7.add(v, i)`). A generic loop over `flow[name]` with a polymorphic `add` is megamorphic
 * and measured ~5× slower at NFStream's ~90 columns. Top-level typed arrays never grow (their
 * capacity is the batch size), so they can be bound as constants.
 */
function compileAppend(fields: readonly FieldSpec[], columns: readonly Column[]): (flow: NFlow, row: number) => void {
  const decl: string[] = [];
  const body: string[] = [];
  fields.forEach((f, j) => {
    const access = f.name.startsWith(UDPS) ? `u[${JSON.stringify(f.name.slice(UDPS.length))}]` : `f[${JSON.stringify(f.name)}]`;
    const col = columns[j]!;
    decl.push(`const c${j} = cols[${j}];`);
    if (col instanceof Int64Column) {
      decl.push(`const d${j} = c${j}.data;`);
      body.push(`v = ${access}; if (typeof v === 'number' && Number.isInteger(v)) { d${j}[2 * i] = v >>> 0; d${j}[2 * i + 1] = Math.floor(v / 4294967296); } else c${j}.slow(v, i);`);
    } else if (col instanceof NumberColumn) {
      decl.push(`const d${j} = c${j}.data;`);
      body.push(col.isInt
        ? `v = ${access}; if (typeof v === 'number') { d${j}[i] = v; if (d${j}[i] !== v) c${j}.bad(v); } else c${j}.slow(v, i);`
        : `v = ${access}; if (typeof v === 'number') d${j}[i] = v; else c${j}.slow(v, i);`);
    } else body.push(`c${j}.add(${access}, i);`);
  });
  const src = `${decl.join('\n')}\nreturn function appendFlow(f, i) {\nconst u = f.udps;\nlet v;\n${body.join('\n')}\n};`;
  return new Function('cols', src)(columns) as (flow: NFlow, row: number) => void;
}
