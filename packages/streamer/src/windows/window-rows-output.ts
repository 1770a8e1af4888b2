import { extname } from 'node:path';
import { FlowBatch, type FieldSpec, type FlowColumn, type NFlow } from '@flowstream/core';
import type { CovertMarkWindows, WindowColumn } from '@flowstream/plugins/covertmark';
import type { StreamerSummary } from '../nfstreamer.js';
import { stopSideOutput, type FlowSink, type SinkError } from '../sinks/flow-sink.js';
import type { RunManifest } from '../sinks/run-manifest.js';
import { sinkDefinition } from '../sinks/sink-registry.js';
import '../sinks/builtin-sinks.js';
import type { OutputTransform } from '../sinks/transform/output-transform.js';
import { FLOWSTREAM_VERSION } from '../version.js';
import { WindowRowsTransform } from './window-rows-transform.js';

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
  await checkWindowsTarget(path);
  const sink = await openRowsSink(path, windowRowsFields(columns), [], { flowstream: FLOWSTREAM_VERSION, parameters: {}, plugins: [], sources: [] });
  await sink.write(windowRowsBatch(rows, columns));
  return (await sink.close({ summary: null })).flows;
}

/**
 * Checks a window dataset's file before anything is created: its ending names a format (a
 * RangeError naming the endings otherwise) and its folder exists.
 */
export async function checkWindowsTarget(path: string): Promise<void> {
  await sinkDefinition(windowRowsFormat(path)).check?.(path, {});
}

async function openRowsSink(path: string, fields: readonly FieldSpec[], anonymized: readonly string[], manifest: RunManifest): Promise<FlowSink> {
  const sink = await sinkDefinition(windowRowsFormat(path)).create(path, {});
  await sink.open({ fields, anonymized, manifest });
  return sink;
}

/** What the window output of a run shares with its flow output. */
export interface WindowsOutputRun {
  /** The flow output's transform: its anonymised columns and key apply to the window rows too. */
  readonly flows: OutputTransform;
  /** The run's manifest as known at the start. */
  readonly manifest: RunManifest;
}

/**
 * The CLI's `--windows-output` (check it first with {@link checkWindowsTarget}): window rows of
 * every emitted flow go to a sink as the flows are emitted (bounded memory whatever the format),
 * anonymised as the flows are and carrying the run's manifest, as the flow output does. A second
 * stream, as snapshots are: when it fails, it is aborted and stops, the flows go on, and `close()`
 * throws its {@link SinkError}. `close` takes the run's summary (null when the run failed).
 */
export async function openWindowsOutput(
  path: string,
  plugin: CovertMarkWindows,
  run: WindowsOutputRun,
): Promise<{ add(flows: Iterable<NFlow>): Promise<void>; close(summary: StreamerSummary | null): Promise<void> }> {
  const { windowRowsSchema } = await import('@flowstream/plugins/covertmark');
  const columns = windowRowsSchema(plugin.featureSelection);
  const transform = new WindowRowsTransform(windowRowsFields(columns), run.flows);
  const sink = await openRowsSink(path, transform.fields, transform.anonymized, transform.manifest(run.manifest));
  let failure: SinkError | null = null;
  const stop = async (err: unknown): Promise<void> => {
    failure = await stopSideOutput(sink, 'window', err, path);
  };
  return {
    async add(flows) {
      const rows: Record<string, unknown>[] = [];
      for (const f of flows) for (const r of plugin.takeWindows(f)) rows.push(r);
      if (rows.length === 0 || failure !== null) return;
      await sink.write(transform.apply(windowRowsBatch(rows, columns))).catch(stop);
    },
    async close(summary) {
      const closing = summary === null ? null : transform.summary(summary);
      if (failure === null) await sink.close({ summary: closing }).catch(stop);
      if (failure !== null) throw failure;
    },
  };
}
