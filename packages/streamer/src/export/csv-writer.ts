import type { FieldSpec, NFlow } from '@flowstream/core';
import { openTextSink, type TextSink } from './output-sink.js';
import { compileCsvRowFormatter, type CsvRowFormatter } from './csv-row-formatter.js';
import { pythonFloat, pythonRepr } from './python-format.js';


/** Formats one CSV cell the way NFStream's `csv_converter` does (spec §9.1). */
export function csvCell(v: unknown, isFloat: boolean): string {
  if (typeof v === 'number') {
    if (isFloat || !Number.isInteger(v)) return pythonFloat(v);
    return String(v);
  }
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  const text = typeof v === 'string' ? v : pythonRepr(v, isFloat);
  // spec §9.1 quirk 23: `"` escaped as `\"` (not CSV doubling); every non-number is quoted
  return `"${text.indexOf('"') < 0 ? text : text.replaceAll('"', '\\"')}"`;
}

/** Applied to a row's values just before formatting (e.g. the anonymiser). */
export interface RowTransform {
  apply(keys: readonly string[], values: unknown[]): void;
}

/** Options of {@link CsvWriter}. */
export interface CsvWriterOptions {
  /** Called on each row's values before formatting (anonymisation). */
  transform?: RowTransform | null;
  /** Keep only these columns, in this order (missing ones are written empty). */
  columns?: readonly string[] | null;
}

/**
 * NFStream-identical CSV (spec §9.1): header = the first flow's field names, Python value forms,
 * `\n` line ends. Opens its file only when the first flow arrives (no flows ⇒ no file).
 *
 * @example
 * ```ts
 * const w = new CsvWriter('flows.csv', streamer.schema);
 * for (const flow of streamer) w.write(flow);
 * w.close();
 * ```
 */
export class CsvWriter {
  private sink: TextSink | null = null;
  private floatColumns: Set<string>;
  private floatFlags: boolean[] | null = null;
  private headerKeys: string[] | null = null;
  /** Flows written. */
  count = 0;

  private readonly transform: RowTransform | null;
  private readonly columns: readonly string[] | null;
  private projection: number[] | null = null;
  private projectedFrom: string[] | null = null;

  /** Straight-line formatter of the core columns (used while rows have no plugin fields). */
  private readonly fastRow: CsvRowFormatter | null;
  private readonly coreNames: readonly string[];

  constructor(
    private readonly path: string | TextSink,
    schema: readonly FieldSpec[],
    options: CsvWriterOptions = {},
  ) {
    this.transform = options.transform ?? null;
    this.columns = options.columns ?? null;
    this.floatColumns = new Set(schema.filter((f) => f.type === 'float' || f.type === 'float[]').map((f) => f.name));
    const core = schema.filter((f) => !f.name.startsWith('udps.'));
    this.coreNames = core.map((f) => f.name);
    this.fastRow = this.transform === null && this.columns === null && core.length > 0 ? compileCsvRowFormatter(core) : null;
  }

  write(flow: NFlow): void {
    const fast = this.fastRow;
    if (fast !== null && flow._udps === undefined && flow._columns.length === this.coreNames.length) {
      if (this.sink === null) this.open(flow.keys());
      this.sink!.writeLine(fast(flow));
      this.count++;
      return;
    }
    this.writeGeneric(flow);
  }

  private open(keys: readonly string[]): void {
    this.sink = typeof this.path === 'string' ? openTextSink(this.path) : this.path;
    this.headerKeys = keys as string[];
    this.sink.writeLine(keys.join(','));
  }

  private writeGeneric(flow: NFlow): void {
    let keys = flow.keys();
    let values = flow.values();
    if (this.transform !== null) this.transform.apply(keys, values);
    if (this.columns !== null) {
      if (this.projectedFrom === null || !sameKeys(this.projectedFrom, keys)) {
        this.projectedFrom = keys;
        this.projection = this.columns.map((c) => keys.indexOf(c));
      }
      const proj = this.projection!;
      const picked: unknown[] = new Array(proj.length);
      for (let i = 0; i < proj.length; i++) picked[i] = proj[i]! < 0 ? null : values[proj[i]!];
      values = picked;
      keys = this.columns as string[];
    }
    if (this.sink === null) this.open(keys);
    if (this.floatFlags === null || keys.length !== this.floatFlags.length) {
      this.floatFlags = keys.map((k) => this.floatColumns.has(k));
    }
    const ff = this.floatFlags;
    let line = csvCell(values[0], ff[0]!);
    for (let i = 1; i < values.length; i++) line += `,${csvCell(values[i], ff[i] ?? false)}`;
    this.sink!.writeLine(line);
    this.count++;
  }

  /** Header of the file (the first flow's keys), or null before the first flow. */
  get header(): readonly string[] | null {
    return this.headerKeys;
  }

  close(): void {
    if (this.sink === null) return;
    this.sink.close();
    this.sink = null;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}
