import { readFileSync } from 'node:fs';
import { cellValue, type FieldSpec, type FlowBatch, type FlowColumn } from '@flowstream/core';
import { Anonymizer } from './anonymizer.js';
import type { RunManifest } from '../run-manifest.js';
import { anonymizeFilterIn, anonymizeManifest } from './manifest-anonymization.js';
import { anonymizeRunError } from './run-error-anonymization.js';

/** What the run applies to every batch before any sink sees it. */
/**
 * Column selection and anonymisation, applied upstream of every output.
 *
 * @example
 * ```ts
 * import { JsonlSink, NFStreamer, type OutputOptions } from '@flowstream/streamer';
 *
 * const options: OutputOptions = { columns: ['src_ip', 'dst_ip', 'bidirectional_bytes'], columnsToAnonymize: ['src_ip'] };
 * await new NFStreamer({ source: 'capture.pcap' }).writeTo(new JsonlSink('flows.jsonl'), options);
 * ```
 */
export interface OutputOptions {
  /** Keep only these columns, in this order (every name must exist). */
  columns?: readonly string[] | null;
  /** Columns replaced by keyed BLAKE2b-512 hashes (NFStream's anonymiser), in every output. */
  columnsToAnonymize?: readonly string[];
  /**
   * The anonymisation key: 1–64 bytes, or the path of a key file (128 hex digits, or 1–64 raw
   * bytes). Default: a fresh random key per run, so hashes join only within one run; give a key
   * to make them stable across runs. A key without {@link columnsToAnonymize} is refused (a
   * RangeError before any output exists), as `--anonymize-key` without `--anonymize` is.
   */
  anonymizeKey?: Uint8Array | string | null;
}

/**
 * Refuses a key with nothing to hash: anonymisation asked for and applied to no column would
 * leave every address in the clear without a word.
 */
export function checkAnonymizeKey(options: OutputOptions): void {
  const key = options.anonymizeKey ?? null;
  if (key !== null && (options.columnsToAnonymize ?? []).length === 0) {
    throw new RangeError('Invalid option anonymizeKey: it needs columnsToAnonymize, the columns to hash with it (got none).');
  }
}

/**
 * Column selection and anonymisation, once for every output: the same columns and the same
 * hashes reach CSV, Arrow, Parquet, JSON Lines, network sinks and iteration. Names are checked
 * when the transform is made, so an unknown column fails before any packet is read and before any
 * output exists.
 *
 * @example
 * ```ts
 * import { NFStreamer, OutputTransform } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * const t = OutputTransform.create(streamer.schema, { columns: ['src_ip', 'dst_ip'], columnsToAnonymize: ['src_ip'] });
 * t.fields; // [{ name: 'src_ip', type: 'string' }, { name: 'dst_ip', type: 'string' }]
 * for await (const batch of streamer.batches()) console.log(t.apply(batch).row(0).toJSON()); // { src_ip: '6f3c…', dst_ip: '…' }
 * ```
 */
export class OutputTransform {
  /** Output columns (hashed ones typed `string`). */
  readonly fields: readonly FieldSpec[];
  /** Columns that are hashed. */
  readonly anonymized: readonly string[];
  private readonly anonymizer: Anonymizer | null;
  private readonly identity: boolean;
  private cache: { input: readonly FieldSpec[]; fields: FieldSpec[]; picks: number[]; hashed: boolean[] } | null = null;

  private constructor(schema: readonly FieldSpec[], private readonly options: OutputOptions, openSchema: boolean) {
    const names = schema.map((f) => f.name);
    const known = (c: string) => names.includes(c) || (openSchema && c.startsWith('udps.'));
    const check = (option: string, list: readonly string[]) => {
      for (const c of list) {
        if (typeof c !== 'string' || !known(c)) throw new RangeError(`Invalid option ${option}: unknown column ${JSON.stringify(c)} (valid columns: ${names.join(', ')}).`);
      }
    };
    const columns = options.columns ?? null;
    if (columns !== null) {
      if (!Array.isArray(columns) || columns.length === 0) throw new TypeError(`Invalid option columns: expected a non-empty list of column names, got ${JSON.stringify(columns)}.`);
      check('columns', columns);
      // a column twice: a CSV header or a JSON key twice, and Arrow and Parquet refuse it mid-run
      const twice = columns.find((c, i) => columns.indexOf(c) !== i);
      if (twice !== undefined) throw new RangeError(`Invalid option columns: ${JSON.stringify(twice)} is named twice.`);
    }
    const anon = options.columnsToAnonymize ?? [];
    checkAnonymizeKey(options);
    check('columnsToAnonymize', anon);
    this.anonymized = [...new Set(anon)];
    this.anonymizer = this.anonymized.length > 0 ? new Anonymizer([], schema, resolveKey(options.anonymizeKey ?? null)) : null;
    const base = columns === null ? schema : columns.map((c) => schema.find((f) => f.name === c) ?? { name: c, type: 'string' as const, nullable: true, inferred: true });
    this.fields = base.map((f) => (this.anonymized.includes(f.name) ? { name: f.name, type: 'string' as const, nullable: f.nullable } : f));
    this.identity = columns === null && this.anonymized.length === 0;
  }

  /**
   * Checks the options against a run's columns. `openSchema`: plugins may add undeclared
   * `udps.*` columns, so such names are accepted.
   */
  static create(schema: readonly FieldSpec[], options: OutputOptions = {}, openSchema = false): OutputTransform {
    return new OutputTransform(schema, options, openSchema);
  }

  /** The key in use (random unless given). */
  get key(): Uint8Array | null {
    return this.anonymizer?.key ?? null;
  }

  /**
   * The run's manifest as this output carries it: addresses in the BPF filter hashed with this
   * output's key, as the columns in `anonymized` (default: this output's) hash them (`anonymizeManifest`).
   */
  manifest(manifest: RunManifest, anonymized: readonly string[] = this.anonymized): RunManifest {
    const anonymizer = this.anonymizer;
    return anonymizer === null ? manifest : anonymizeManifest(manifest, anonymized, (text) => anonymizer.hash(text));
  }

  /**
   * The run's summary as this output carries it: its manifest as {@link manifest} has it, and its
   * sources' errors (which quote the BPF filter) with the filter as that manifest has it; hashing as
   * the columns in `anonymized` (default: this output's) are hashed.
   */
  summary<S extends RunSummaryText>(summary: S, anonymized: readonly string[] = this.anonymized): S {
    const anonymizer = this.anonymizer;
    if (anonymizer === null) return summary;
    const hash = (text: string) => anonymizer.hash(text);
    const sources = summary.sources.map((s) => (typeof s.error !== 'string' ? s : { ...s, error: anonymizeFilterIn(s.error, summary.manifest, anonymized, hash) }));
    return { ...summary, sources, manifest: anonymizeManifest(summary.manifest, anonymized, hash) };
  }

  /** The run's error as this output may tell it (see `anonymizeRunError`); `manifest`: the run's, before anonymisation. */
  runError(err: unknown, manifest: RunManifest): unknown {
    const anonymizer = this.anonymizer;
    return anonymizer === null ? err : anonymizeRunError(err, this.anonymized, manifest, (text) => anonymizer.hash(text));
  }

  /** The batch as the outputs get it. */
  apply(batch: FlowBatch): FlowBatch {
    if (this.identity) return batch;
    let c = this.cache;
    if (c === null || c.input !== batch.fields) {
      const selected = this.options.columns ?? batch.fields.map((f) => f.name);
      const picks = selected.map((name) => batch.indexOf(name));
      const fields = selected.map((name, k) => {
        const f = picks[k]! >= 0 ? batch.fields[picks[k]!]! : { name, type: 'string' as const, nullable: true };
        return this.anonymized.includes(name) ? { name, type: 'string' as const, nullable: f.nullable } : f;
      });
      c = this.cache = { input: batch.fields, fields, picks, hashed: selected.map((n) => this.anonymized.includes(n)) };
    }
    const columns: FlowColumn[] = c.picks.map((j, k) => {
      if (j < 0) return { kind: 'value', values: new Array(batch.length).fill(null) };
      const col = batch.columns[j]!;
      return c.hashed[k] ? this.hash(col, batch.fields[j]!, batch.length) : col;
    });
    return batch.withColumns(c.fields, columns);
  }

  private hash(col: FlowColumn, field: FieldSpec, n: number): FlowColumn {
    const anon = this.anonymizer!;
    const isFloat = field.type === 'float' || field.type === 'float[]';
    const uint64 = field.type === 'uint64';
    const out = new Array<string | null>(n);
    // values repeat within a batch (addresses, ports): hash each distinct one once
    const seen = new Map<unknown, string>();
    for (let i = 0; i < n; i++) {
      let v = cellValue(col, i, false);
      if (v === null || v === undefined) {
        out[i] = null;
        continue;
      }
      if (uint64 && typeof v === 'number' && v < 0) v = BigInt.asUintN(64, BigInt(v));
      const key = Array.isArray(v) ? JSON.stringify(v) : v;
      let h = seen.get(key);
      if (h === undefined) {
        h = anon.hash(v, isFloat);
        seen.set(key, h);
      }
      out[i] = h;
    }
    return { kind: 'string', values: out };
  }
}

/** What of a run's summary names values an output may hash: its manifest and its sources' errors. */
export interface RunSummaryText {
  readonly manifest: RunManifest;
  readonly sources: readonly { readonly error?: string | null }[];
}

/** The anonymisation key from bytes or a key file (128 hex digits, or 1–64 raw bytes). */
export function resolveKey(key: Uint8Array | string | null): Uint8Array | undefined {
  if (key === null) return undefined;
  let bytes: Uint8Array;
  if (typeof key === 'string') {
    let raw: Buffer;
    try {
      raw = readFileSync(key);
    } catch (err) {
      throw new RangeError(`Invalid option anonymizeKey: cannot read key file ${key} (${(err as Error).message}).`);
    }
    const text = raw.toString('latin1').trim();
    bytes = /^[0-9a-fA-F]{2,128}$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : raw;
  } else bytes = key;
  if (!(bytes instanceof Uint8Array) || bytes.length < 1 || bytes.length > 64) {
    throw new RangeError(`Invalid option anonymizeKey: expected 1 to 64 bytes (or a file holding them, or 128 hex digits), got ${bytes?.length ?? typeof bytes} bytes.`);
  }
  return bytes;
}
