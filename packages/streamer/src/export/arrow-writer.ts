import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { RecordBatchFileWriter, RecordBatchStreamWriter, Table, type RecordBatch, type RecordBatchWriter, type Schema } from 'apache-arrow';
import type { FieldSpec, NFlow } from '@flowstream/core';
import { ChunkSink, endStream, writeChunks } from './byte-sink.js';
import { FlowBatchBuilder, type FlowBatchOptions } from './flow-batch-builder.js';

/** Flows as the exporters take them: an `NFStreamer`, an array, any (async) iterable. */
export type FlowSource = AsyncIterable<NFlow> | Iterable<NFlow>;

/** Options of the Arrow file/stream writers. */
export interface ArrowWriteOptions extends FlowBatchOptions {
  /**
   * Called once after the last flow; its JSON goes to {@link summaryPathFor}(path) (files only).
   * Typically `() => streamer.summary`, the packet accounting known only at the end.
   */
  summary?: () => unknown;
}

/**
 * The path of the packet-accounting summary written beside an Arrow file.
 *
 * @example summaryPathFor('out.arrow') === 'out.arrow.summary.json'
 */
export function summaryPathFor(output: string): string {
  return `${output}.summary.json`;
}

/**
 * Turns flows into Arrow record batches of `batchSize` rows (the last one partial). No batch is
 * produced for zero flows; use {@link FlowBatchBuilder.schema} or {@link arrowSchemaFor} then.
 *
 * @example
 * ```ts
 * for await (const batch of toArrowBatches(streamer, streamer.schema, { batchSize: 8192 })) send(batch);
 * ```
 */
export async function* toArrowBatches(flows: FlowSource, fields: readonly FieldSpec[], options: FlowBatchOptions = {}): AsyncGenerator<RecordBatch> {
  yield* batchesOf(flows, new FlowBatchBuilder(fields, options));
}

async function* batchesOf(flows: FlowSource, builder: FlowBatchBuilder): AsyncGenerator<RecordBatch> {
  if (Symbol.asyncIterator in flows) {
    for await (const flow of flows) {
      const batch = builder.add(flow);
      if (batch) yield batch;
    }
  } else {
    // Sync sources (arrays, generators) without an await per flow.
    for (const flow of flows) {
      const batch = builder.add(flow);
      if (batch) yield batch;
    }
  }
  const last = builder.finish();
  if (last) yield last;
}

/**
 * Collects all flows into one in-memory Arrow table (typed and empty for zero flows). Memory grows
 * with the number of flows: prefer {@link writeArrowFile} for big captures.
 *
 * @example
 * ```ts
 * const table = await toArrowTable(streamer, streamer.schema);
 * table.getChild('dst_port')?.toArray();
 * ```
 */
export async function toArrowTable(flows: FlowSource, fields: readonly FieldSpec[], options: FlowBatchOptions = {}): Promise<Table> {
  const builder = new FlowBatchBuilder(fields, options);
  const batches: RecordBatch[] = [];
  for await (const b of batchesOf(flows, builder)) batches.push(b);
  return batches.length > 0 ? new Table(batches) : new Table(builder.schema);
}

/**
 * Writes flows as an Arrow IPC **file** (Feather v2, `.arrow`/`.feather`) while they arrive, one
 * record batch per `batchSize` flows; returns the number of flows written. Zero flows still give
 * a valid typed file. With `summary`, its JSON is written to `<path>.summary.json` at the end.
 *
 * @example
 * ```ts
 * const streamer = new NFStreamer({ source: 'a.pcap', statisticalAnalysis: true });
 * await writeArrowFile(streamer, streamer.schema, 'a.arrow', {
 *   metadata: manifestMetadata(streamer.manifest),
 *   summary: () => streamer.summary,
 * });
 * ```
 */
export async function writeArrowFile(flows: FlowSource, fields: readonly FieldSpec[], path: string, options: ArrowWriteOptions = {}): Promise<number> {
  const out = createWriteStream(path);
  let n: number;
  try {
    n = await writeIpc(flows, fields, out, new RecordBatchFileWriter(), options);
    await endStream(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  if (options.summary) await writeFile(summaryPathFor(path), `${JSON.stringify(options.summary(), null, 2)}\n`);
  return n;
}

/**
 * Writes flows as an Arrow IPC **stream** to a Node writable (a socket, `process.stdout`…),
 * honouring backpressure; returns the number of flows written. The writable is not ended.
 *
 * @example
 * ```ts
 * await writeArrowStream(streamer, streamer.schema, process.stdout);
 * ```
 */
export async function writeArrowStream(flows: FlowSource, fields: readonly FieldSpec[], writable: Writable, options: FlowBatchOptions = {}): Promise<number> {
  return writeIpc(flows, fields, writable, new RecordBatchStreamWriter(), options);
}

async function writeIpc(flows: FlowSource, fields: readonly FieldSpec[], out: Writable, writer: RecordBatchWriter, options: FlowBatchOptions): Promise<number> {
  const builder = new FlowBatchBuilder(fields, options);
  const sink = new ChunkSink();
  let schema: Schema | null = null;
  let rows = 0;
  for await (const batch of batchesOf(flows, builder)) {
    // The schema is final only once the first batch exists (undeclared plugin fields).
    if (!schema) writer.reset(sink, (schema = batch.schema));
    writer.write(batch);
    rows += batch.numRows;
    await writeChunks(out, sink.take());
  }
  if (!schema) writer.reset(sink, builder.schema);
  writer.close();
  await writeChunks(out, sink.take());
  return rows;
}
