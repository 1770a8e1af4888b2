import { FLOW_KEY_FIELDS, type FieldSpec, type FlowBatch } from '@flowstream/core';
import { FlowKeyTexts } from '@flowstream/core/internal';
import { OutputTransform, type OutputOptions } from './output-transform.js';

/**
 * The output transform of snapshot rows: the flows' anonymisation (same columns, same key, so a
 * hashed address is the same text in both outputs), then `flow_key` made again from the hashed
 * values (a key over real addresses would let anyone test guesses), then the snapshot column
 * selection.
 */
export class SnapshotTransform {
  /** Output columns. */
  readonly fields: readonly FieldSpec[];
  readonly anonymized: readonly string[];
  private readonly hashing: OutputTransform;
  private readonly selecting: OutputTransform;
  private readonly rekey: boolean;

  /**
   * `schema`: the snapshot columns; `flows`: the flow output's transform (its key is shared);
   * `columns`: the snapshot columns to keep (all when absent). Unknown names throw a RangeError.
   */
  constructor(schema: readonly FieldSpec[], options: OutputOptions, flows: OutputTransform, columns: readonly string[] | null, openSchema: boolean) {
    const names = new Set(schema.map((f) => f.name));
    // `id`/`expiration_id` exist only in flow records: nothing to hash in a snapshot
    const anonymize = (options.columnsToAnonymize ?? []).filter((c) => names.has(c) || (openSchema && c.startsWith('udps.')));
    this.hashing = OutputTransform.create(schema, { columnsToAnonymize: anonymize, anonymizeKey: anonymize.length > 0 ? flows.key : null }, openSchema);
    this.rekey = anonymize.some((c) => (FLOW_KEY_FIELDS as readonly string[]).includes(c));
    try {
      this.selecting = OutputTransform.create(this.hashing.fields, { columns }, openSchema);
    } catch (err) {
      throw new RangeError((err as Error).message.replace('Invalid option columns', 'Invalid option snapshotColumns'));
    }
    this.fields = this.selecting.fields;
    this.anonymized = this.hashing.anonymized;
  }

  /** The batch as the snapshot output gets it. */
  apply(batch: FlowBatch): FlowBatch {
    let b = this.hashing.apply(batch);
    if (this.rekey) {
      const columns = b.columns.slice();
      const k = b.indexOf('flow_key');
      columns[k] = new FlowKeyTexts(b.fields, columns, b.length);
      b = b.withColumns(b.fields, columns);
    }
    return this.selecting.apply(b);
  }
}
