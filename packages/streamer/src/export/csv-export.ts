import type { FieldSpec, NFlow } from '@flowstream/core';
import { Anonymizer } from './anonymizer.js';
import { chunkPath } from './chunk-path.js';
import { CsvWriter, type RowTransform } from './csv-writer.js';
import type { TextSink } from './output-sink.js';

/** NFStream's `to_csv` options (spec §9.1/§9.3) plus a column selection. */
export interface CsvExportOptions {
  /** Columns replaced by keyed BLAKE2b-512 hashes (one fresh key per export). */
  columnsToAnonymize?: readonly string[];
  /** Flows per file; 0 = one file. Chunk names follow NFStream (see {@link chunkPath}). */
  flowsPerFile?: number;
  /** With flowsPerFile: reuse chunk names modulo this number; 0 = never. */
  rotateFiles?: number;
  /** Keep only these columns, in this order. */
  columns?: readonly string[] | null;
  /** Where the anonymiser's warnings go (default: stdout, as NFStream prints them). */
  warn?: (message: string) => void;
}

function checkCount(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`Invalid option ${name}: expected a non-negative integer, got ${String(v)}.`);
  if (v < 0) throw new RangeError(`Invalid option ${name}: expected a non-negative integer, got ${v}.`);
  return v;
}

/**
 * An NFStream-identical CSV export: anonymisation, chunking and rotation on top of
 * {@link CsvWriter}. Files are opened when their first flow arrives (no flows ⇒ no file).
 *
 * @example
 * ```ts
 * const csv = new CsvExport('flows.csv', streamer.schema, { flowsPerFile: 1000, columnsToAnonymize: ['src_ip'] });
 * for (const flow of streamer) csv.write(flow);
 * csv.close();
 * ```
 */
export class CsvExport {
  private writer: CsvWriter | null = null;
  private readonly flowsPerFile: number;
  private readonly rotateFiles: number;
  private transform: RowTransform | null = null;
  private readonly anonymize: readonly string[];
  private chunk = 0;
  private inChunk = 0;
  /** Flows written. */
  count = 0;

  constructor(
    private readonly path: string | TextSink,
    private readonly schema: readonly FieldSpec[],
    private readonly options: CsvExportOptions = {},
  ) {
    this.flowsPerFile = checkCount('flowsPerFile', options.flowsPerFile ?? 0);
    this.rotateFiles = checkCount('rotateFiles', options.rotateFiles ?? 0);
    this.anonymize = options.columnsToAnonymize ?? [];
  }

  write(flow: NFlow): void {
    if (this.anonymize.length > 0 && this.transform === null) this.transform = this.makeAnonymizer(flow);
    if (this.writer === null) {
      const target = this.flowsPerFile > 0 && typeof this.path === 'string' ? chunkPath(this.path, this.chunk, this.rotateFiles) : this.path;
      this.writer = new CsvWriter(target, this.schema, { transform: this.transform, columns: this.options.columns ?? null });
    }
    this.writer.write(flow);
    this.count++;
    if (this.flowsPerFile > 0 && ++this.inChunk === this.flowsPerFile) {
      this.writer.close();
      this.writer = null;
      this.inChunk = 0;
      this.chunk++;
    }
  }

  close(): number {
    if (this.writer !== null) this.writer.close();
    this.writer = null;
    return this.count;
  }

  private makeAnonymizer(first: NFlow): RowTransform {
    // spec §9.3: columns are resolved on the first flow's field names
    const types = new Map(this.schema.map((f) => [f.name, f.type]));
    const fields = first.keys().map((name) => ({ name, type: types.get(name) ?? 'string' }) as FieldSpec);
    const anon = new Anonymizer(this.anonymize, fields, undefined, this.options.warn);
    return { apply: (_keys, values) => anon.apply(values) };
  }
}
