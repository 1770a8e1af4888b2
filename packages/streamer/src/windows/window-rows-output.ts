import { extname } from 'node:path';
import { FlowBatch, type FieldSpec, type FlowColumn, type NFlow } from '@flowstream/core';
import type { CovertMarkWindows, WindowColumn } from '@flowstream/plugins/covertmark';
import { stopSideOutput, type FlowSink, type SinkError } from '../sinks/flow-sink.js';
import { sinkDefinition } from '../sinks/sink-registry.js';
import '../sinks/builtin-sinks.js';
import { FLOWSTREAM_VERSION } from '../version.js';

/** Output format of a window dataset, from its file name. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.csv': 'csv',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.parquet': 'parquet',
  '.jsonl': 'jsonl',
};

/**
 * The sink format for a window dataset file: `.csv`, `.arrow` (`.feather`, `.ipc`), `.parquet`,
 * `.jsonl`. Throws a RangeError naming the allowed extensions.
 *
 * @example windowRowsFormat('out/windows.parquet') === 'parquet'
 */
export function windowRowsFormat(path: string): string {
  const f = FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  if (f === undefined) throw new RangeError(`window output '${path}': use a file ending in ${Object.keys(FORMAT_BY_EXTENSION).join(', ')}`);
  return f;
}

/** The fields of window rows (ints, floats, strings as the window columns say). */
export function windowRowsFields(columns: readonly WindowColumn[]): FieldSpec[] {
  return columns.map((c) => ({ name: c.name, type: c.type }));
}

/**
 * Window rows as a batch for the sinks: numbers in typed arrays (a missing number is NaN),
 * strings as texts.
 *
 * @example await sink.write(windowRowsBatch(rows, windowRowsSchema()))
 */
export function windowRowsBatch(rows: readonly Record<string, unknown>[], columns: readonly WindowColumn[]): FlowBatch {
  const n = rows.length;
  const cols: FlowColumn[] = columns.map((c) => {
    if (c.type === 'string') return { kind: 'string', values: rows.map((r) => (r[c.name] == null ? null : String(r[c.name]))) };
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = rows[i]![c.name];
      values[i] = typeof v === 'number' ? v : v == null ? NaN : Number(v);
    }
    return { kind: 'number', values };
  });
  return new FlowBatch(windowRowsFields(columns), cols, n);
}

/**
 * Writes window rows to a file through the output sinks (format from the extension, see
 * {@link windowRowsFormat}); returns the number of rows.
 *
 * @example
 * ```ts
 * import { CovertMarkWindows, windowRowsSchema, type WindowRow } from '@flowstream/plugins/covertmark';
 * import { NFStreamer, windowRows, writeWindowRows } from '@flowstream/streamer';
 *
 * const cm = new CovertMarkWindows({ windowSize: 50 });
 * const streamer = new NFStreamer({ source: 'capture.pcap', udps: [cm] });
 * const rows: WindowRow[] = [];
 * for await (const row of windowRows(streamer, cm)) rows.push(row);
 * await writeWindowRows(rows, 'windows.parquet', windowRowsSchema(cm.featureSelection));
 * ```
 */
export async function writeWindowRows(rows: readonly Record<string, unknown>[], path: string, columns: readonly WindowColumn[]): Promise<number> {
  const out = await openRowsSink(path, columns);
  await out.sink.write(windowRowsBatch(rows, columns));
  return (await out.sink.close({ summary: null })).flows;
}

async function openRowsSink(path: string, columns: readonly WindowColumn[]): Promise<{ sink: FlowSink }> {
  const definition = sinkDefinition(windowRowsFormat(path));
  await definition.check?.(path, {});
  const sink = await definition.create(path, {});
  await sink.open({
    fields: windowRowsFields(columns),
    anonymized: [],
    manifest: { flowstream: FLOWSTREAM_VERSION, parameters: {}, plugins: [], sources: [] },
  });
  return { sink };
}

/**
 * The CLI's `--windows-output`: window rows of every emitted flow go to a sink as the flows are
 * emitted (bounded memory whatever the format). A second stream, as snapshots are: when it fails,
 * it is aborted and stops, the flows go on, and `close()` throws its {@link SinkError}.
 */
export async function openWindowsOutput(path: string, plugin: CovertMarkWindows): Promise<{ add(flows: Iterable<NFlow>): Promise<void>; close(): Promise<void> }> {
  const { windowRowsSchema } = await import('@flowstream/plugins/covertmark');
  const columns = windowRowsSchema(plugin.featureSelection);
  const { sink } = await openRowsSink(path, columns);
  let failure: SinkError | null = null;
  const stop = async (err: unknown): Promise<void> => {
    failure = await stopSideOutput(sink, 'window', err, path);
  };
  return {
    async add(flows) {
      const rows: Record<string, unknown>[] = [];
      for (const f of flows) for (const r of plugin.takeWindows(f)) rows.push(r);
      if (rows.length === 0 || failure !== null) return;
      await sink.write(windowRowsBatch(rows, columns)).catch(stop);
    },
    async close() {
      if (failure === null) await sink.close({ summary: null }).catch(stop);
      if (failure !== null) throw failure;
    },
  };
}
