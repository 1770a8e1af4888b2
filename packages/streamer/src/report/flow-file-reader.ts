import { closeSync, createReadStream, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FlowBatch, type FieldSpec, type FlowColumn } from '@flowstream/core';
import { fileStat, FLOW_FILE_FORMAT_NAMES, flowFormatOfBytes, type FlowFileFormat } from '@flowstream/core/internal';
import type { RunManifest } from '../sinks/run-manifest.js';
import { checkAnonymizeKey, OutputTransform, type OutputOptions } from '../sinks/transform/output-transform.js';
import type { ReportData } from './report-aggregator.js';
import { LARGEST_FLOW_COLUMNS } from './report-aggregator.js';
import { ReportSink } from './report-sink.js';

export type { FlowFileFormat };

/** The columns the report uses; other columns of a flow file are not read. */
export const REPORT_COLUMNS: readonly string[] = [
  ...LARGEST_FLOW_COLUMNS,
  'bidirectional_last_seen_ms',
  'udps.ja4',
];

const TIME_COLUMNS = new Set(['bidirectional_first_seen_ms', 'bidirectional_last_seen_ms', 'bidirectional_duration_ms']);
const ROWS_PER_BATCH = 8192;

/** A flow file read back: its batches and the run summary stored with it (when there is one). */
export interface FlowFile {
  readonly path: string;
  /** What errors call it: its path, or `stdin` for flows piped in (kept in a temporary file). */
  readonly name: string;
  readonly format: FlowFileFormat;
  batches(): AsyncGenerator<FlowBatch>;
  /** The summary of the run that wrote the file (Parquet footer, `<file>.summary.json`), else null. */
  summary(): Promise<ReportData['summary']>;
}

/** A flow file that could not be read, named with its format and what was wrong. */
function unreadable(file: FlowFile, err: unknown): Error {
  return new Error(`${file.name}: not a readable ${FLOW_FILE_FORMAT_NAMES[file.format]} (${(err as Error).message})`, { cause: err });
}

/**
 * The flow file format of `path` by its first bytes (`ARROW1`, `PAR1`, a CSV header naming
 * `src_ip`), or null for anything else (a capture).
 *
 * @example flowFileFormat('flows.parquet') === 'parquet'
 */
export function flowFileFormat(path: string): FlowFileFormat | null {
  if (path === '-' || !existsSync(path)) return null;
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null; // a folder, a device, an interface name: not a flow file
  }
  return flowFormatOfBytes(head.subarray(0, n));
}

/**
 * `sources` with each folder replaced by the flow files directly in it, in name order: a dataset
 * `flowstream collect` wrote, a folder of `--flows-per-file` chunks. Hidden and temporary files
 * (`.name…`), subfolders (`_runs`) and files that are not flow files are passed over; a folder
 * without any flow file is an error naming it. Other sources are kept as they are.
 *
 * @example flowFileSources(['lake']) // ['lake/sensor-a-….parquet', 'lake/sensor-b-….parquet']
 */
export function flowFileSources(sources: readonly string[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    if (source === '-' || !isFolder(source)) {
      out.push(source);
      continue;
    }
    const files = readdirSync(source)
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => join(source, name))
      .filter((path) => !isFolder(path) && flowFileFormat(path) !== null);
    if (files.length === 0) throw new Error(`report: ${source}: a folder without flow files (Arrow IPC file or stream, Parquet, CSV)`);
    out.push(...files);
  }
  return out;
}

function isFolder(path: string): boolean {
  try {
    return fileStat(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens a flow file written by flowstream (or NFStream's CSV); only {@link REPORT_COLUMNS} are read.
 *
 * @example
 * ```ts
 * const file = openFlowFile('flows.arrow', 'arrow');
 * for await (const batch of file.batches()) console.log(batch.length);
 * ```
 */
export function openFlowFile(path: string, format: FlowFileFormat, name = path): FlowFile {
  switch (format) {
    case 'arrow':
      return { path, name, format, batches: () => arrowBatches(path, ARROW_FILE_END), summary: () => arrowSummary(path) };
    case 'arrows':
      return { path, name, format, batches: () => arrowBatches(path, ARROW_STREAM_END), summary: () => arrowStreamSummary(path) };
    case 'parquet':
      return { path, name, format, batches: () => parquetBatches(path), summary: () => parquetSummary(path) };
    case 'csv':
      return { path, name, format, batches: () => csvBatches(path), summary: () => sidecarSummary(path) };
  }
}

async function sidecarSummary(path: string): Promise<ReportData['summary']> {
  const p = `${path}.summary.json`;
  if (!existsSync(p)) return null;
  return JSON.parse(await readFile(p, 'utf8')) as ReportData['summary'];
}

function batchOf(names: string[], columns: FlowColumn[], length: number): FlowBatch {
  const fields: FieldSpec[] = names.map((name, i) => ({
    name,
    type: columns[i]!.kind === 'number' ? (TIME_COLUMNS.has(name) ? 'uint64' : 'float') : 'string',
  }));
  return new FlowBatch(fields, columns, length);
}

// ---- Arrow ------------------------------------------------------------------------------------

type ArrowVector = { length: number; type: { typeId: number }; get(i: number): unknown; toArray(): ArrayLike<unknown> };

/** An Arrow vector as a flow column: numbers (Int64 too) in a Float64Array, texts as strings. */
function arrowColumn(v: ArrowVector): FlowColumn {
  const arr = v.toArray();
  if (arr instanceof Float64Array) return { kind: 'number', values: arr };
  if (ArrayBuffer.isView(arr)) {
    const out = new Float64Array(v.length);
    const a = arr as unknown as ArrayLike<number | bigint>;
    // a uint64 time of 2^63 or more is one before 1970: negative, as the meter holds it
    if (arr instanceof BigUint64Array) for (let i = 0; i < out.length; i++) out[i] = Number(BigInt.asIntN(64, arr[i]!));
    else for (let i = 0; i < out.length; i++) out[i] = Number(a[i]!);
    return { kind: 'number', values: out };
  }
  const values: (string | null)[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    values[i] = x === null || x === undefined ? null : String(x);
  }
  return { kind: 'string', values };
}

function recordBatchToFlowBatch(rb: { numRows: number; schema: { fields: { name: string }[] }; getChildAt(i: number): ArrowVector | null }): FlowBatch {
  const names: string[] = [];
  const cols: FlowColumn[] = [];
  rb.schema.fields.forEach((f, i) => {
    if (!REPORT_COLUMNS.includes(f.name)) return;
    const v = rb.getChildAt(i);
    if (v === null) return;
    names.push(f.name);
    cols.push(arrowColumn(v));
  });
  return batchOf(names, cols, rb.numRows);
}

/** How a whole file of a format ends: its last bytes (latin1), the fewest bytes before them, and what they are called. */
interface FileEnd {
  readonly bytes: string;
  readonly before: number;
  readonly name: string;
}
const ARROW_FILE_END: FileEnd = { bytes: 'ARROW1', before: 8 + 4, name: 'the footer and "ARROW1"' };
/** An IPC stream's end-of-stream marker: a continuation marker and a zero length. */
const ARROW_STREAM_END: FileEnd = { bytes: '\xff\xff\xff\xff\x00\x00\x00\x00', before: 8, name: 'the end-of-stream marker' };
const PARQUET_END: FileEnd = { bytes: 'PAR1', before: 4 + 4, name: 'the footer and "PAR1"' };

/**
 * Checks that the file on `fh` ends as a whole file of its format does (Arrow and Parquet files
 * with their footer and magic, an Arrow stream with its end-of-stream marker): a file cut short,
 * or still being written, is named as such rather than failing somewhere in the decoding. Returns
 * the file's size.
 */
async function checkTail(fh: FileHandle, end: FileEnd): Promise<number> {
  const size = (await fh.stat()).size;
  const tail = Buffer.alloc(end.bytes.length);
  if (size >= end.bytes.length + end.before) await fh.read(tail, 0, tail.length, size - tail.length);
  checkEnd(tail, size, end);
  return size;
}

/** {@link checkTail} of a file read whole, or of `last`, the last bytes of a file of `size` bytes. */
function checkEnd(last: Uint8Array, size: number, end: FileEnd): void {
  const whole = size >= end.bytes.length + end.before && Buffer.from(last.buffer, last.byteOffset + last.length - end.bytes.length, end.bytes.length).toString('latin1') === end.bytes;
  if (!whole) throw new Error(`it does not end with ${end.name}: cut short, or still being written`);
}

/** The flows of an Arrow IPC file, or of the first stream of an Arrow IPC stream file (a second one holds the summary). */
async function* arrowBatches(path: string, end: FileEnd): AsyncGenerator<FlowBatch> {
  const { RecordBatchReader } = await import('apache-arrow');
  const fh = await open(path, 'r');
  try {
    await checkTail(fh, end);
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    for await (const rb of reader) yield recordBatchToFlowBatch(rb as never);
  } finally {
    await fh.close();
  }
}

async function arrowSummary(path: string): Promise<ReportData['summary']> {
  const { RecordBatchReader } = await import('apache-arrow');
  const fh = await open(path, 'r');
  try {
    await checkTail(fh, ARROW_FILE_END);
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    return footerSummary(reader.schema.metadata) ?? (await sidecarSummary(path));
  } finally {
    await fh.close();
  }
}

/**
 * The summary in the footer metadata of an Arrow or Parquet file (`flowstream.summary`), with the
 * run's manifest (`flowstream`) put back in it, as `--summary` has it; null without a summary.
 */
function footerSummary(metadata: Map<string, string>): ReportData['summary'] {
  const text = metadata.get('flowstream.summary');
  if (text === undefined) return null;
  const summary = JSON.parse(text) as NonNullable<ReportData['summary']>;
  const manifest = metadata.get('flowstream');
  return manifest === undefined || summary.manifest !== undefined ? summary : { ...summary, manifest: JSON.parse(manifest) as Record<string, unknown> };
}

/**
 * The summary of an Arrow IPC stream file written by flowstream: the one-row stream (column
 * `summary`) after the flows' end-of-stream marker, or the schema metadata of a stream without
 * flows; else a `<file>.summary.json` beside it.
 */
async function arrowStreamSummary(path: string): Promise<ReportData['summary']> {
  const { RecordBatchReader } = await import('apache-arrow');
  const fh = await open(path, 'r');
  try {
    await checkTail(fh, ARROW_STREAM_END);
    for await (const reader of RecordBatchReader.readAll(fh)) {
      const inSchema = footerSummary(reader.schema.metadata);
      if (inSchema !== null) return inSchema;
      const closing = reader.schema.fields.length === 1 && reader.schema.fields[0]!.name === 'summary';
      for await (const rb of reader) {
        const value = closing && rb.numRows > 0 ? rb.getChildAt(0)?.get(0) : undefined;
        if (typeof value === 'string') return JSON.parse(value) as ReportData['summary'];
      }
    }
  } finally {
    await fh.close();
  }
  return sidecarSummary(path);
}

// ---- Parquet ----------------------------------------------------------------------------------

async function* parquetBatches(path: string): AsyncGenerator<FlowBatch> {
  const pq = await import('parquet-wasm');
  const { tableFromIPC } = await import('apache-arrow');
  const bytes = new Uint8Array(await readFile(path));
  checkEnd(bytes, bytes.length, PARQUET_END);
  const schema = tableFromIPC(pq.readSchema(bytes).intoIPCStream()).schema;
  const columns = schema.fields.map((f) => f.name).filter((n) => REPORT_COLUMNS.includes(n));
  const table = pq.readParquet(bytes, { columns, batchSize: ROWS_PER_BATCH });
  const arrow = tableFromIPC(table.intoIPCStream());
  for (const rb of arrow.batches) yield recordBatchToFlowBatch(rb as never);
}

async function parquetSummary(path: string): Promise<ReportData['summary']> {
  const pq = await import('parquet-wasm');
  const { tableFromIPC } = await import('apache-arrow');
  const fh = await open(path, 'r');
  let bytes: Uint8Array;
  try {
    // the footer alone holds the metadata: read the tail, not the whole file
    const size = await checkTail(fh, PARQUET_END);
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    const len = tail.readUInt32LE(0);
    if (len > size - 12) throw new Error(`its footer length (${len} bytes) exceeds the file (${size} bytes)`);
    const buf = Buffer.alloc(len + 12);
    buf.write('PAR1', 0, 'latin1');
    await fh.read(buf, 4, len + 8, size - 8 - len);
    bytes = new Uint8Array(buf);
  } finally {
    await fh.close();
  }
  let metadata: Map<string, string>;
  try {
    metadata = tableFromIPC(pq.readSchema(bytes).intoIPCStream()).schema.metadata;
  } catch {
    return sidecarSummary(path);
  }
  return footerSummary(metadata) ?? sidecarSummary(path);
}

// ---- CSV --------------------------------------------------------------------------------------

/**
 * Splits one line of flowstream's (NFStream's) CSV: every text is quoted, a `"` inside a text is
 * written `\"` (not doubled), and unquoted cells are numbers (empty = null).
 *
 * @example csvFields('1,"a\\"b",,2.5') → [1, 'a"b', null, 2.5]
 */
export function csvFields(line: string): (string | number | null)[] {
  const out: (string | number | null)[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line.charCodeAt(i) === 34) {
      // a text the line ends inside runs to the end of the line
      const close = closingQuote(line, i);
      const end = close < 0 ? n : close;
      out.push(line.slice(i + 1, end).replaceAll('\\"', '"'));
      i = end + 2; // past the comma
    } else {
      let k = line.indexOf(',', i);
      if (k < 0) k = n;
      const cell = line.slice(i, k);
      out.push(cell === '' ? null : numberCell(cell));
      i = k + 1;
    }
  }
  return out;
}

/** Index of the quote that closes the text opened by the quote at `open`, or −1 when the line ends inside the text (`\"` is a quote in it). */
function closingQuote(line: string, open: number): number {
  for (let j = open + 1; ; ) {
    const k = line.indexOf('"', j);
    if (k < 0 || line.charCodeAt(k - 1) !== 92 || k - 1 < j) return k;
    j = k + 1;
  }
}

/** A number cell; NFStream's uint64 text of a time before 1970 (2^63 or more) is read as the negative ms the meter holds. */
function numberCell(cell: string): number {
  const v = Number(cell);
  return v >= 9223372036854775808 && /^\d+$/.test(cell) ? Number(BigInt.asIntN(64, BigInt(cell))) : v;
}

function csvColumn(cells: (string | number | null)[]): FlowColumn {
  if (cells.every((c) => c === null || typeof c === 'number')) {
    const values = new Float64Array(cells.length);
    for (let i = 0; i < cells.length; i++) values[i] = (cells[i] as number | null) ?? 0;
    return { kind: 'number', values };
  }
  return { kind: 'string', values: cells.map((c) => (c === null ? null : String(c))) };
}

/**
 * Whether `line` ends inside a quoted text, by {@link csvFields}' rules: NFStream writes a line
 * break inside a text as it is, so such a row goes on on the next line.
 *
 * @example endsInText('1,"a') === true
 */
export function endsInText(line: string): boolean {
  const n = line.length;
  let i = 0;
  while (i < n) {
    if (line.charCodeAt(i) === 34) {
      const close = closingQuote(line, i);
      if (close < 0) return true;
      i = close + 2; // past the comma
    } else {
      const k = line.indexOf(',', i);
      if (k < 0) return false;
      i = k + 1;
    }
  }
  return false;
}

async function* csvBatches(path: string): AsyncGenerator<FlowBatch> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: string[] | null = null;
  let wanted: number[] = [];
  let names: string[] = [];
  let rows: (string | number | null)[][] = [];
  const flush = (): FlowBatch => {
    const cols = wanted.map((_, w) => csvColumn(rows.map((r) => r[w] ?? null)));
    const b = batchOf(names, cols, rows.length);
    rows = [];
    return b;
  };
  let lineNo = 0;
  /** A row whose text holds a line break, so far, and the line it started on. */
  let partial = '';
  let partialLine = 0;
  for await (const read of lines) {
    lineNo++;
    if (header === null) {
      header = read.split(',');
      wanted = [];
      names = [];
      header.forEach((h, i) => {
        if (REPORT_COLUMNS.includes(h)) {
          wanted.push(i);
          names.push(h);
        }
      });
      continue;
    }
    if (read === '' && partial === '') continue;
    const line = partial === '' ? read : `${partial}\n${read}`;
    if (endsInText(line)) {
      if (partial === '') partialLine = lineNo;
      partial = line;
      continue;
    }
    const at = partial === '' ? lineNo : partialLine;
    partial = '';
    const f = csvFields(line);
    if (f.length !== header.length) throw new Error(`line ${at} has ${f.length} fields where the header has ${header.length}: damaged, or cut short`);
    rows.push(wanted.map((i) => f[i] ?? null));
    if (rows.length >= ROWS_PER_BATCH) yield flush();
  }
  if (partial !== '') throw new Error(`the text begun on line ${partialLine} does not end: cut short`);
  if (rows.length > 0) yield flush();
}

/**
 * Writes the report of flow files written earlier (Arrow IPC file or stream, Parquet, CSV; the format is
 * recognised by content), anonymising like a run would, and returns its aggregates. With a single
 * file, the summary stored with it (footer metadata, `<file>.summary.json`) is shown.
 *
 * @example
 * ```ts
 * import { reportFromFlowFiles } from '@flowstream/streamer';
 *
 * const data = await reportFromFlowFiles(['flows.parquet'], 'report.html', { columnsToAnonymize: ['src_ip'] });
 * console.log(data.totals.flows, data.talkers.byBytes.slice(0, 3));
 * ```
 */
export async function reportFromFlowFiles(paths: readonly string[], output: string, options: OutputOptions = {}): Promise<ReportData> {
  return reportOfFlowFiles(
    paths.map((path) => ({ path, name: path })),
    output,
    options,
  );
}

/** A flow file to read, and what errors and the report call it (`stdin` for a temporary copy of flows piped in). */
export interface FlowFileSource {
  readonly path: string;
  readonly name: string;
}

/** {@link reportFromFlowFiles} of files with the names errors and the report give them. */
export async function reportOfFlowFiles(sources: readonly FlowFileSource[], output: string, options: OutputOptions = {}): Promise<ReportData> {
  checkAnonymizeKey(options);
  const files = sources.map(({ path, name }) => {
    const format = flowFileFormat(path);
    if (format === null) throw new Error(`${name}: not a flow file (Arrow IPC file or stream, Parquet or flowstream/NFStream CSV)`);
    return openFlowFile(path, format, name);
  });
  const paths = sources.map((s) => s.name);
  const stored: ReportData['summary'] = files.length === 1 ? await files[0]!.summary().catch((err: unknown) => Promise.reject(unreadable(files[0]!, err))) : null;
  const manifest = { flowstream: '', parameters: {}, plugins: [], sources: paths.map((name) => ({ name, size: null })) };
  let transform: OutputTransform | null = null;
  // made once the columns are known: the stored summary is shown as the report's anonymisation allows
  let sink: ReportSink | null = null;
  const start = async (fields: readonly FieldSpec[], anonymized: readonly string[]): Promise<ReportSink> => {
    const made = new ReportSink(output, { inputs: [...paths], summary: shownSummary(stored, transform, options) });
    await made.open({ fields, anonymized, manifest });
    return made;
  };
  try {
    for (const file of files) {
      const batches = file.batches();
      for (;;) {
        let next: IteratorResult<FlowBatch>;
        try {
          next = await batches.next();
        } catch (err) {
          throw unreadable(file, err);
        }
        if (next.done === true) break;
        const batch = next.value;
        if (transform === null) {
          // only the columns the report reads exist here: anonymising another one changes nothing
          const known = (options.columnsToAnonymize ?? []).filter((c) => batch.indexOf(c) >= 0);
          transform = OutputTransform.create(batch.fields, { columnsToAnonymize: known, anonymizeKey: known.length > 0 ? (options.anonymizeKey ?? null) : null });
          sink = await start(transform.fields, transform.anonymized);
        }
        await sink!.write(transform.apply(batch));
      }
    }
    sink ??= await start([], []);
    await sink.close(null);
  } catch (err) {
    await sink?.abort(err as Error);
    throw err;
  }
  return sink.data!;
}

/**
 * The summary a flow file stored, as the report may show it: when the report hashes columns, the
 * run manifest's BPF filter names none of their values either, nor do the sources' errors that
 * quote it. They get the hash the columns get (the report's key); without flows to tell the key,
 * the manifest and the errors are left out.
 */
function shownSummary(summary: ReportData['summary'], transform: OutputTransform | null, options: OutputOptions): ReportData['summary'] {
  const requested = options.columnsToAnonymize ?? [];
  if (summary === null || summary.manifest === undefined || requested.length === 0) return summary;
  const stored = summary.manifest as RunManifest;
  // without a key (no flow, or no column to hash among those read) the filter cannot be hashed as the columns are
  if (transform === null || transform.key === null || typeof stored.parameters !== 'object' || stored.parameters === null) {
    const { manifest: _hidden, ...rest } = summary;
    return { ...rest, sources: (rest.sources ?? []).map(({ error: _error, ...source }) => source) as typeof rest.sources };
  }
  // the columns asked for, not those the report read: a MAC in the filter is hashed with src_mac asked for
  return transform.summary({ ...summary, manifest: stored, sources: summary.sources ?? [] }, requested);
}
