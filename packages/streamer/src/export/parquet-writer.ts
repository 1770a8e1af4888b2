import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import type { FieldSpec, NFlow } from '@flowstream/core';
import type { FlowSource } from './arrow-writer.js';
import { FlowBatchBuilder, type FlowBatchOptions } from './flow-batch-builder.js';
import { appendParquetMetadata } from './parquet-footer.js';

/** Options of {@link writeParquet}. */
export interface ParquetWriteOptions extends Omit<FlowBatchOptions, 'batchSize'> {
  /** Rows per row group (and per Arrow batch). Default 65536. */
  rowGroupSize?: number;
  /** Called after the last flow; its JSON goes to the footer key `flowstream.summary`. */
  summary?: () => unknown;
  /** Column compression. Default `'snappy'`. */
  compression?: 'uncompressed' | 'snappy' | 'zstd' | 'lz4_raw' | 'gzip';
}

const CODECS = {
  uncompressed: pq.Compression.UNCOMPRESSED,
  snappy: pq.Compression.SNAPPY,
  zstd: pq.Compression.ZSTD,
  lz4_raw: pq.Compression.LZ4_RAW,
  gzip: pq.Compression.GZIP,
} as const;

/**
 * Writes flows to a Parquet file while they arrive; returns the number of flows written.
 *
 * Why parquet-wasm: it is the Rust `parquet` crate (the reference Arrow writer, all codecs,
 * statistics) compiled to WebAssembly, so there is no native addon to build, and its
 * `transformParquetStream` writes a stream of Arrow batches row group by row group. Memory is
 * bounded: the source is pulled one Arrow batch (= one row group of `rowGroupSize` rows) at a
 * time, and each finished row group is written to the file before the next is pulled.
 *
 * Same schema and schema metadata as the Arrow export (the Arrow schema is embedded under
 * `ARROW:schema`); `metadata` entries are also plain footer key-values, and the packet accounting
 * summary, known only at the end, is added to the footer as `flowstream.summary`. Zero flows give
 * a valid, typed, empty file.
 *
 * @example
 * ```ts
 * await writeParquet(streamer, streamer.schema, 'a.parquet', {
 *   metadata: manifestMetadata(streamer.manifest),
 *   summary: () => streamer.summary,
 * });
 * ```
 */
export async function writeParquet(flows: FlowSource, fields: readonly FieldSpec[], path: string, options: ParquetWriteOptions = {}): Promise<number> {
  const codec = CODECS[options.compression ?? 'snappy'];
  if (codec === undefined) throw new RangeError(`compression must be one of ${Object.keys(CODECS).join(', ')}, got ${options.compression}`);
  const builder = new FlowBatchBuilder(fields, { ...options, batchSize: options.rowGroupSize });
  let props = new pq.WriterPropertiesBuilder()
    .setMaxRowGroupSize(builder.batchSize)
    .setCompression(codec)
    .setCreatedBy('flowstream (parquet-wasm)');
  if (options.metadata) props = props.setKeyValueMetadata(new Map(Object.entries(options.metadata)));

  const it: AsyncIterator<NFlow> | Iterator<NFlow> =
    Symbol.asyncIterator in flows ? flows[Symbol.asyncIterator]() : flows[Symbol.iterator]();
  let rows = 0;
  let sent = false;
  let done = false;
  const nextBatch = async (): Promise<RecordBatch | null> => {
    while (!done) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = builder.add(r.value);
      if (b) return b;
    }
    return builder.finish() ?? (sent ? null : builder.emptyBatch());
  };
  const batches = new ReadableStream<pq.RecordBatch>({
    async pull(ctrl) {
      const batch = await nextBatch();
      if (!batch) return ctrl.close();
      sent = true;
      rows += batch.numRows;
      const wasmTable = pq.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
      try {
        ctrl.enqueue(wasmTable.recordBatch(0)!);
      } finally {
        wasmTable.free();
      }
    },
    async cancel() {
      await it.return?.();
    },
  }, { highWaterMark: 0 });
  const bytes = await pq.transformParquetStream(batches, props.build());
  await bytes.pipeTo(Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>);
  if (options.summary) await appendParquetMetadata(path, { 'flowstream.summary': JSON.stringify(options.summary()) });
  return rows;
}
