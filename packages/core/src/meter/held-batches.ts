import type { DissectionSink, FlowDissector } from '../dissect/flow-dissector.js';
import type { FlowBatch } from '../flow/flow-batch.js';
import { writeDissectionRow, type DissectionColumns, type DissectionFields } from '../flow/flow-batch-writer.js';
import { objectArray } from '../shapes/object-array.js';

/**
 * A meter's full batches held back until the nDPI fields of their rows come from the thread that
 * dissects them (a dissector that is `deferred` and tells what is `ready`), oldest first. The meter
 * hands a batch out once its fields are written and meters on meanwhile: settling each batch as
 * it filled made the meter wait for the thread to catch up with everything handed to it, 70 times
 * a run and ~12 % of the nDPI + statistics run on two cores on the bench capture.
 *
 * @example
 * ```ts
 * held.add(writer.seal()!, columns, 0); // a full batch whose rows' fields are still in the thread
 * held.settleReady(dissector, batches); // the batches whose fields came, in order, into `batches`
 * held.settleOldest(dissector, batches); // too many held: waits for the oldest one's
 * held.settleAll(dissector, batches); // at the end: waits for the rest
 * ```
 */
export class HeldBatches {
  private readonly batches: FlowBatch[] = objectArray();
  private readonly columns: DissectionColumns[] = objectArray();
  /** The first row of each batch whose fields are not written yet. */
  private readonly rows: number[] = [];
  /** Where {@link sink} writes: the oldest batch's columns and row. */
  private target: DissectionColumns | null = null;
  private row = 0;
  private readonly sink: DissectionSink = {
    write: (fields: DissectionFields) => {
      const t = this.target!;
      writeDissectionRow(t.text, t.num, t.first, this.row++, fields);
    },
  };

  /** Batches held. */
  get length(): number {
    return this.batches.length;
  }

  /** Holds `batch` (full, sealed): the fields of its rows from `from` on are still to come, into `columns`. */
  add(batch: FlowBatch, columns: DissectionColumns, from: number): void {
    this.batches.push(batch);
    this.columns.push(columns);
    this.rows.push(from);
  }

  /** Writes the fields that are here already (waits for none) and moves the batches completed, in order, into `out`. */
  settleReady(dissector: FlowDissector, out: FlowBatch[]): void {
    this.settle(dissector, dissector.ready!(this.rowsToSettle()), out);
  }

  /** Writes the fields of every held row, waiting for them, and moves every batch, in order, into `out`. */
  settleAll(dissector: FlowDissector, out: FlowBatch[]): void {
    this.settle(dissector, this.rowsToSettle(), out);
  }

  /** Writes the fields of the oldest batch's rows, waiting for them, and moves it into `out`. */
  settleOldest(dissector: FlowDissector, out: FlowBatch[]): void {
    if (this.batches.length > 0) this.settle(dissector, this.batches[0]!.length - this.rows[0]!, out);
  }

  private rowsToSettle(): number {
    let n = 0;
    for (let i = 0; i < this.batches.length; i++) n += this.batches[i]!.length - this.rows[i]!;
    return n;
  }

  /** Settles the next `count` rows, oldest batch first. */
  private settle(dissector: FlowDissector, count: number, out: FlowBatch[]): void {
    while (count > 0 && this.batches.length > 0) {
      const batch = this.batches[0]!;
      this.target = this.columns[0]!;
      this.row = this.rows[0]!;
      const n = Math.min(count, batch.length - this.row);
      count -= n;
      try {
        dissector.settle!(n, this.sink);
      } finally {
        // a dissector that failed writes the rows' fields (as never dissected) before it throws
        this.rows[0] = this.row;
        this.target = null;
        if (this.row === batch.length) {
          out.push(this.batches.shift()!);
          this.columns.shift();
          this.rows.shift();
        }
      }
    }
  }
}
