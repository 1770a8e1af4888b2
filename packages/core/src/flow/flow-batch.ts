import type { FieldSpec } from './field-spec.js';
import type { NFlow } from './nflow.js';
import { rowBuilder } from './batch-rows.js';
import type { FlowColumn } from './flow-column.js';

export type { FlowColumn, ListColumn, NumberColumn, StringColumn, ValueColumn } from './flow-column.js';

/** Makes the NFlow of one row (set by the producer of the batch). */
export type RowMaterializer = (batch: FlowBatch, row: number) => NFlow;

const TWO_POW_64 = 18446744073709551616;

/**
 * Columnar flow records: the one currency between the meter and every consumer (sinks, RxJS,
 * iteration, workers). A batch holds a few thousand emitted flows; numbers sit in typed arrays,
 * strings are built once per batch (address texts only when a consumer asks for them), and
 * {@link NFlow} objects are made only for consumers that iterate flows.
 *
 * Time columns (`*_first_seen_ms`, `*_last_seen_ms`, `*_duration_ms`, field type `uint64`) hold
 * NFStream's unsigned 64-bit milliseconds in their signed reading: a negative value `v` stands
 * for `2^64 + v`, so wrapped timestamps stay exact (see {@link uint64Text}).
 *
 * @example
 * ```ts
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * let total = 0;
 * for await (const batch of new NFStreamer({ source: 'capture.pcap' }).batches()) {
 *   const bytes = batch.column('bidirectional_bytes')!.values as Float64Array;
 *   for (let i = 0; i < batch.length; i++) total += bytes[i]!;
 *   console.log(batch.row(0).src_ip, batch.fields.map((f) => f.name));
 * }
 * ```
 */
export class FlowBatch implements Iterable<NFlow> {
  private indexByName: Map<string, number> | null = null;
  private rowsCache: NFlow[] | null;

  constructor(
    /** Column names and types, in output order. */
    readonly fields: readonly FieldSpec[],
    /** Column storage, parallel to {@link fields}. */
    readonly columns: readonly FlowColumn[],
    /** Rows. */
    readonly length: number,
    private readonly materialize: RowMaterializer = rowBuilder,
    /** Flow objects of the rows when they exist already (plugin runs keep one per live flow). */
    flows: NFlow[] | null = null,
    /** Takes the batch's storage back for later flows (see {@link release}). */
    private recycle: (() => void) | null = null,
  ) {
    this.rowsCache = flows;
  }

  /**
   * Hands the batch's storage back to the meter that wrote it, which writes later flows into it
   * instead of fresh memory. Only for a consumer that reads nothing of this batch any more (its
   * columns, rows or slices): afterwards they hold other flows. The run loop calls it for sinks
   * that keep no batch (`FlowSink.keepsBatches === false`); elsewhere batches are never reused.
   */
  release(): void {
    const recycle = this.recycle;
    this.recycle = null;
    if (recycle !== null) recycle();
  }

  /** Position of column `name`, or −1. */
  indexOf(name: string): number {
    let map = this.indexByName;
    if (map === null) {
      map = new Map();
      for (let i = 0; i < this.fields.length; i++) map.set(this.fields[i]!.name, i);
      this.indexByName = map;
    }
    return map.get(name) ?? -1;
  }

  /**
   * The storage of column `name`, or undefined: typed arrays for numbers (`kind: 'number'`),
   * arrays for texts and plugin values, flat typed arrays of `width` items per row for lists.
   *
   * @example
   * ```ts
   * import type { FlowBatch } from '@flowstream/core';
   * declare const batch: FlowBatch;
   *
   * const ips = batch.column('src_ip');
   * if (ips?.kind === 'string') for (const ip of ips.values) console.log(ip);
   * ```
   */
  column(name: string): FlowColumn | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.columns[i];
  }

  /**
   * The value of one cell as an {@link NFlow} field would hold it: lists as arrays, time columns
   * as numbers (a wrapped time becomes the nearest double of its unsigned value).
   */
  value(row: number, col: number): unknown {
    return cellValue(this.columns[col]!, row, this.fields[col]!.type === 'uint64');
  }

  /**
   * The flow of row `i` (made on first use, then kept).
   *
   * @example
   * ```ts
   * import type { FlowBatch } from '@flowstream/core';
   * declare const batch: FlowBatch;
   *
   * for (let i = 0; i < batch.length; i++) console.log(batch.row(i).toJSON());
   * ```
   */
  row(i: number): NFlow {
    let rows = this.rowsCache;
    if (rows === null) rows = this.rowsCache = new Array<NFlow>(this.length);
    let f = rows[i];
    if (f === undefined) {
      f = rows[i] = this.materialize(this, i);
    }
    return f;
  }

  /** All rows as flow objects. */
  rows(): NFlow[] {
    const out = new Array<NFlow>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.row(i);
    return out;
  }

  *[Symbol.iterator](): Iterator<NFlow> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }

  /** Rows `[start, end)` as a batch sharing this one's storage where it can. */
  slice(start: number, end: number): FlowBatch {
    const s = Math.max(0, Math.min(start, this.length));
    const e = Math.max(s, Math.min(end, this.length));
    if (s === 0 && e === this.length) return this;
    const cols = this.columns.map((c) => sliceColumn(c, s, e));
    const flows = this.rowsCache === null ? null : this.rowsCache.slice(s, e);
    const parent = this;
    const mat = (_b: FlowBatch, i: number) => parent.row(s + i);
    return new FlowBatch(this.fields, cols, e - s, mat, flows !== null && flows.every((f) => f !== undefined) ? flows : null);
  }

  /**
   * The same rows with other columns (a projection, hashed columns): `fields`/`columns` replace
   * this batch's. Flow objects are not carried over (they would show the old columns). The
   * projection reads this batch's storage, so releasing it releases this batch (an output that
   * selects columns gives the meter its storage back like one that takes them all).
   */
  withColumns(fields: readonly FieldSpec[], columns: readonly FlowColumn[]): FlowBatch {
    return new FlowBatch(fields, columns, this.length, rowBuilder, null, this.recycle === null ? null : () => this.release());
  }
}

/**
 * A cell's value in NFlow form (see {@link FlowBatch.value}): lists as arrays; with `uint64`,
 * a wrapped time as its unsigned value.
 *
 * @example
 * ```ts
 * import { cellValue, type FlowBatch } from '@flowstream/core';
 * declare const batch: FlowBatch;
 *
 * const col = batch.indexOf('splt_ps');
 * if (col >= 0) console.log(cellValue(batch.columns[col]!, 0)); // [74, 66, 583, …]
 * ```
 */
export function cellValue(c: FlowColumn, row: number, uint64 = false): unknown {
  switch (c.kind) {
    case 'number': {
      const v = c.values[row]!;
      return uint64 && v < 0 ? v + TWO_POW_64 : v;
    }
    case 'string':
    case 'value':
      return c.values[row];
    case 'list': {
      const w = c.width;
      return Array.from(c.values.subarray(row * w, row * w + w));
    }
  }
}

function sliceColumn(c: FlowColumn, s: number, e: number): FlowColumn {
  switch (c.kind) {
    case 'number':
      return { kind: 'number', values: c.values.subarray(s, e) };
    case 'list':
      return { kind: 'list', width: c.width, values: c.values.subarray(s * c.width, e * c.width) };
    case 'string':
      return { kind: 'string', values: c.values.slice(s, e) };
    case 'value':
      return { kind: 'value', values: c.values.slice(s, e) };
  }
}

/**
 * The decimal text of a time value of a batch (see {@link FlowBatch}): NFStream's unsigned
 * 64-bit milliseconds, exact for wrapped times too.
 *
 * @example
 * ```ts
 * import { uint64Text, type FlowBatch } from '@flowstream/core';
 * declare const batch: FlowBatch;
 *
 * uint64Text(-1000); // '18446744073709550616' (a time 1 s before 1970, as NFStream writes it)
 * const first = batch.column('bidirectional_first_seen_ms')!.values as Float64Array;
 * console.log(uint64Text(first[0]!));
 * ```
 */
export function uint64Text(v: number): string {
  if (v < 0) return BigInt.asUintN(64, BigInt(v)).toString();
  // past 2^53 the shortest digits that read back as v (18014398509481990) are not its value
  // (…992), which Arrow, Parquet and IPFIX carry: every output gives the value
  return v > 9007199254740992 && Number.isInteger(v) ? BigInt(v).toString() : String(v);
}
