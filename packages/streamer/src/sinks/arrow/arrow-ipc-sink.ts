import type { Writable } from 'node:stream';
import { RecordBatchFileWriter, RecordBatchStreamWriter, Schema, tableFromArrays, tableToIPC, type RecordBatch, type RecordBatchWriter } from 'apache-arrow';
import type { FlowBatch } from '@flowstream/core';
import { ByteTarget, targetName } from '../files/byte-target.js';
import { NOTHING_KEPT, type FlowSink, type SinkCloseContext, type SinkOpenContext, type SinkResult } from '../flow-sink.js';
import { ArrowEncoder } from './arrow-encoder.js';
import { ChunkSink } from './chunk-sink.js';
import { manifestMetadata } from './manifest-metadata.js';

/**
 * The file writer with a footer schema chosen at the end: the Arrow IPC file's footer repeats the
 * schema, so its metadata can carry the complete manifest and summary known only then.
 */
class FinalSchemaFileWriter extends RecordBatchFileWriter {
  finalSchema: Schema | null = null;
  protected override _writeFooter(schema: Schema): this {
    return super._writeFooter(this.finalSchema ?? schema);
  }
}

/**
 * Arrow IPC output: the file format (`.arrow`, Feather v2; `stream: false`) or the stream format
 * (`stream: true`, e.g. to stdout or a socket). Record batches of `batchSize` rows; the schema
 * exists before the first flow, so an empty run gives a valid, typed, empty output. The schema
 * metadata `flowstream` holds the manifest. The file's footer holds the complete manifest and the
 * summary (`flowstream.summary`). A stream cannot change its schema, so after its end-of-stream
 * marker a second, one-row IPC stream follows: column `summary` (Utf8) holds the summary JSON
 * with the complete manifest (readers that stop at the first end-of-stream never see it).
 *
 * @example
 * ```ts
 * import { NFStreamer, ArrowIpcSink } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * await streamer.writeTo(new ArrowIpcSink('flows.arrow', { stream: false }));
 * await streamer.writeTo(new ArrowIpcSink(process.stdout, { stream: true, batchSize: 8192 }));
 * ```
 */
export class ArrowIpcSink implements FlowSink {
  readonly target: string;
  readonly keepsBatches = false;
  private out: ByteTarget | null = null;
  private encoder: ArrowEncoder | null = null;
  private writer: RecordBatchWriter | null = null;
  private readonly chunks = new ChunkSink();
  private flows = 0;
  private started = false;

  constructor(
    private readonly destination: string | Writable,
    private readonly options: { stream: boolean; batchSize?: number; warn?: (m: string) => void },
  ) {
    this.target = targetName(destination);
  }

  async open(context: SinkOpenContext): Promise<void> {
    this.out = await ByteTarget.open(this.destination);
    // a file has one write in flight, and put() returns once the write before it is done: when
    // addEach goes on after a record batch, the one before it is on disk and its storage is free
    const reuseBuffers = this.out.path !== null;
    this.encoder = new ArrowEncoder(context.fields, { batchSize: this.options.batchSize, metadata: manifestMetadata(context.manifest), warn: this.options.warn, reuseBuffers });
    this.writer = this.options.stream ? new RecordBatchStreamWriter() : new FinalSchemaFileWriter();
  }

  async write(batch: FlowBatch): Promise<void> {
    for (const rb of this.encoder!.addEach(batch)) await this.put(rb);
  }

  private async put(rb: RecordBatch): Promise<void> {
    this.start(rb.schema);
    this.writer!.write(rb);
    this.flows += rb.numRows;
    await this.out!.out.writeChunks(this.chunks.take());
  }

  private start(schema: Schema): void {
    if (this.started) return;
    this.started = true;
    this.writer!.reset(this.chunks, schema);
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    const last = this.encoder!.finish();
    if (last !== null) await this.put(last);
    const schema = this.encoder!.schema;
    const final = context.summary === null ? null : summarySchema(schema, context.summary);
    // a stream without a batch: its schema, written only now, carries the summary itself; a second
    // stream after it would be read as its batches by readers of every stream (`tableFromIPC`)
    const summaryInSchema = this.options.stream && !this.started && final !== null;
    this.start(summaryInSchema ? final : schema);
    if (this.writer instanceof FinalSchemaFileWriter && final !== null) this.writer.finalSchema = final;
    this.writer!.close();
    await this.out!.out.writeChunks(this.chunks.take());
    if (this.options.stream && context.summary !== null && !summaryInSchema) await this.out!.out.writeChunks([summaryStream(context.summary)]);
    await this.out!.commit();
    return { flows: this.flows, files: this.out!.path === null ? [] : [this.out!.path] };
  }

  async abort(): Promise<SinkResult | void> {
    if (this.out === null || (await this.out.discard())) return NOTHING_KEPT;
  }
}

/** The closing message of an Arrow IPC stream output: a one-row stream with the summary JSON. */
function summaryStream(summary: unknown): Uint8Array {
  return tableToIPC(tableFromArrays({ summary: [JSON.stringify(summary)] }), 'stream');
}

/** `schema` with the run's manifest and summary in its metadata. */
function summarySchema(schema: Schema, closing: NonNullable<SinkCloseContext['summary']>): Schema {
  const { manifest, ...summary } = closing;
  return new Schema(schema.fields, new Map(Object.entries(manifestMetadata(manifest, summary))));
}
