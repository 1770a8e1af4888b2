import { RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { cellValue, type FieldSpec, type FieldType, type FlowBatch } from '@flowstream/core';
import { appendColumn, makeColumn, type Column } from './arrow-columns.js';
import { arrowSchemaFor } from './arrow-schema.js';

/** Rows per Arrow record batch (and Parquet row group) unless told otherwise. */
export const DEFAULT_BATCH_SIZE = 65536;

/** Options of {@link ArrowEncoder}. */
export interface ArrowEncoderOptions {
  /** Rows per record batch. Default {@link DEFAULT_BATCH_SIZE}. */
  batchSize?: number;
  /** Schema metadata (the manifest under `flowstream`). */
  metadata?: Record<string, string>;
  /** Warnings (a plugin field that first appears after the schema was fixed). */
  warn?: (message: string) => void;
  /**
   * Record batches share storage with the next-but-one (no copy, no fresh memory per batch): only
   * for a caller that adds with {@link ArrowEncoder.addEach} and is done with each record batch
   * before it asks for the next one (a file writer with one write in flight).
   */
  reuseBuffers?: boolean;
}

/**
 * Turns flow batches into Arrow record batches of `batchSize` rows, typed by the run's fields
 * (`uint64` times as Uint64, counters Int64, ports Uint16, SPLT `List<Int32>` …), so memory stays
 * at one record batch. Numbers are copied column by column from the flow batch's typed arrays.
 *
 * Plugin fields the plugins did not declare (`inferred`) are typed from their values in the first
 * flow batch; one first seen later is dropped with a warning, since a file's schema cannot change.
 *
 * @example
 * ```ts
 * const enc = new ArrowEncoder(fields, { batchSize: 8192 });
 * for await (const b of streamer.batches()) for (const rb of enc.add(b)) writer.write(rb);
 * const last = enc.finish();
 * ```
 */
export class ArrowEncoder {
  readonly batchSize: number;
  private fields: FieldSpec[];
  private schemaValue: Schema | null = null;
  private columns: Column[] = [];
  private rows = 0;
  private readonly warned = new Set<string>();
  private mappedFor: readonly FieldSpec[] | null = null;
  private mapping: number[] = [];

  constructor(
    fields: readonly FieldSpec[],
    private readonly options: ArrowEncoderOptions = {},
  ) {
    const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Invalid option batchSize: expected an integer ≥ 1, got ${String(size)}.`);
    this.batchSize = size;
    this.fields = fields.slice();
  }

  /** The Arrow schema: final once the first flow batch arrived (or {@link finish} was called). */
  get schema(): Schema {
    return this.schemaValue ?? this.settle(null);
  }

  /** Adds a flow batch; returns the record batches it completed (not with `reuseBuffers`: see {@link addEach}). */
  add(batch: FlowBatch): RecordBatch[] {
    if (this.options.reuseBuffers === true) throw new Error('ArrowEncoder: with reuseBuffers, add flow batches with addEach');
    return [...this.addEach(batch)];
  }

  /**
   * Adds a flow batch, yielding each record batch as it completes: the rows after it are added
   * only when the next one is asked for (with `reuseBuffers`, write each record batch out first).
   */
  *addEach(batch: FlowBatch): Generator<RecordBatch, void, undefined> {
    if (this.schemaValue === null) this.settle(batch);
    let from = 0;
    while (from < batch.length) {
      const take = Math.min(this.batchSize - this.rows, batch.length - from);
      this.append(from === 0 && take === batch.length ? batch : batch.slice(from, from + take), take);
      from += take;
      if (this.rows === this.batchSize) yield this.flush();
    }
  }

  /** The last, partial record batch (null when no row is pending). */
  finish(): RecordBatch | null {
    if (this.schemaValue === null) this.settle(null);
    return this.rows > 0 ? this.flush() : null;
  }

  /** A zero-row record batch with the schema (writers that need one batch even without flows). */
  emptyBatch(): RecordBatch {
    const schema = this.schema;
    const children = schema.fields.map((f) => makeColumn(f.name, f.type, 1).flush(0));
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
  }

  private append(batch: FlowBatch, n: number): void {
    if (this.mappedFor !== batch.fields) {
      this.mappedFor = batch.fields;
      this.mapping = this.fields.map((f) => batch.indexOf(f.name));
      const warn = this.options.warn ?? ((m: string) => process.emitWarning(m, { code: 'FLOWSTREAM' }));
      for (const f of batch.fields) {
        if (!this.fields.some((g) => g.name === f.name) && !this.warned.has(f.name)) {
          this.warned.add(f.name);
          warn(`flowstream: plugin field ${f.name} first appeared after the output schema was fixed and is not written (declare it in the plugin's static fields)`);
        }
      }
    }
    const at = this.rows;
    for (let j = 0; j < this.columns.length; j++) {
      const k = this.mapping[j]!;
      const col = this.columns[j]!;
      if (k < 0) for (let i = 0; i < n; i++) col.add(null, at + i);
      else appendColumn(col, batch.columns[k]!, n, at);
    }
    this.rows += n;
  }

  private flush(): RecordBatch {
    const n = this.rows;
    this.rows = 0;
    const schema = this.schemaValue!;
    const children = this.columns.map((c) => c.flush(n));
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
  }

  /** Fixes the schema: inferred plugin fields typed from `first`, undeclared ones of `first` added. */
  private settle(first: FlowBatch | null): Schema {
    const known = new Set(this.fields.map((f) => f.name));
    if (first !== null) for (const f of first.fields) if (!known.has(f.name) && f.name.startsWith('udps.')) this.fields.push({ ...f, inferred: true });
    this.fields = this.fields.map((f) => {
      if (!f.inferred) return f;
      const j = first === null ? -1 : first.indexOf(f.name);
      const values: unknown[] = [];
      if (j >= 0) for (let i = 0; i < first!.length; i++) values.push(cellValue(first!.columns[j]!, i));
      return { name: f.name, type: inferType(values), nullable: true };
    });
    this.schemaValue = arrowSchemaFor(this.fields, this.options.metadata);
    this.columns = this.schemaValue.fields.map((f) => makeColumn(f.name, f.type, this.batchSize, this.options.reuseBuffers === true));
    return this.schemaValue;
  }
}

/**
 * The {@link FieldType} of undeclared plugin values: all safe integers ⇒ int, other numbers ⇒
 * float, booleans ⇒ bool, arrays ⇒ lists likewise, anything else (and all-null) ⇒ string.
 *
 * @example inferType([1, 2, null]) === 'int'; inferType([[1.5]]) === 'float[]'
 */
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
