import type { FieldSpec, FlowBatch } from '@flowstream/core';
import type { RunManifest } from '../sinks/run-manifest.js';
import { OutputTransform, type RunSummaryText } from '../sinks/transform/output-transform.js';

/** The flows' first and last packet times: window rows carry packet times of the same flows. */
const FLOW_TIME_COLUMNS: readonly string[] = ['bidirectional_first_seen_ms', 'bidirectional_last_seen_ms', 'src2dst_first_seen_ms', 'src2dst_last_seen_ms', 'dst2src_first_seen_ms', 'dst2src_last_seen_ms'];

/**
 * The window columns that hold what a hashed flow column holds: `flow_id` is the flow's `id`,
 * and a window's first and last packet times would give away a flow's hashed times.
 */
function windowColumnsHiding(anonymized: readonly string[]): string[] {
  const hidden: string[] = [];
  if (anonymized.includes('id')) hidden.push('flow_id');
  if (anonymized.some((c) => FLOW_TIME_COLUMNS.includes(c))) hidden.push('first_packet_time', 'last_packet_time');
  return hidden;
}

/**
 * The output transform of window rows: the flows' anonymisation carried over to the window
 * columns that hold the same values ({@link windowColumnsHiding}), with the flows' key, so a hashed
 * `flow_id` is the text the flows' hashed `id` is and the two outputs still join. The manifest is
 * the flows' (a BPF filter's addresses hashed as theirs are).
 *
 * @example
 * ```ts
 * const flows = streamer.checkOutput({ columnsToAnonymize: ['id', 'src_ip'], anonymizeKey: key });
 * const t = new WindowRowsTransform(windowRowsFields(columns), flows);
 * t.anonymized; // ['flow_id']
 * ```
 */
export class WindowRowsTransform {
  /** Window columns (hashed ones typed `string`). */
  readonly fields: readonly FieldSpec[];
  /** Window columns that are hashed. */
  readonly anonymized: readonly string[];
  private readonly hashing: OutputTransform;

  constructor(
    schema: readonly FieldSpec[],
    private readonly flows: OutputTransform,
  ) {
    const names = schema.map((f) => f.name);
    const hidden = windowColumnsHiding(flows.anonymized).filter((c) => names.includes(c));
    this.hashing = OutputTransform.create(schema, { columnsToAnonymize: hidden, anonymizeKey: hidden.length > 0 ? flows.key : null });
    this.fields = this.hashing.fields;
    this.anonymized = this.hashing.anonymized;
  }

  /** The run's manifest as the flow output carries it. */
  manifest(manifest: RunManifest): RunManifest {
    return this.flows.manifest(manifest);
  }

  /** The run's summary as the flow output carries it. */
  summary<S extends RunSummaryText>(summary: S): S {
    return this.flows.summary(summary);
  }

  /** The batch of window rows as the window output gets it. */
  apply(batch: FlowBatch): FlowBatch {
    return this.hashing.apply(batch);
  }
}
