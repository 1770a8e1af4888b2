import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import type * as Pq from 'parquet-wasm';
import type { FlowBatch } from '@flowstream/core';
import { ArrowEncoder } from '../arrow/arrow-encoder.js';
import { manifestMetadata } from '../arrow/manifest-metadata.js';
import { ByteOutput } from '../files/byte-output.js';
import { isRegularFile } from '@flowstream/core/internal';
import { ByteTarget } from '../files/byte-target.js';
import { OutputFile } from '../files/output-file.js';
import { NOTHING_KEPT, type FlowSink, type SinkCloseContext, type SinkOpenContext, type SinkResult } from '../flow-sink.js';
import { appendParquetMetadata, withFooterEntries } from './parquet-footer.js';

import { PARQUET_CODECS, type ParquetCodec } from './parquet-codecs.js';

export { PARQUET_CODECS, type ParquetCodec };

/** Standard output's file by name, to add the summary to the footer of a file it was redirected to (Linux). */
const STDOUT_FILE = '/proc/self/fd/1';
/**
 * Bytes a pipe or a device is kept from while the run goes on; from the end of the flows on,
 * nothing more goes out until the writer ends. The footer, written after the last row group,
 * is then among the bytes held, however large (~3.5 KB a row group), and gets the summary there.
 */
const HELD_TAIL_BYTES = 4 * 1024 * 1024;

/**
 * Parquet output through parquet-wasm: the Rust `parquet` crate (the reference Arrow writer, every
 * codec, column statistics) compiled to WebAssembly, so nothing native is built. One row group
 * per record batch of `batchSize` rows, written while the run goes on (bounded memory); zstd by
 * default. The footer holds the complete manifest (`flowstream`) and the summary
 * (`flowstream.summary`), written at the end.
 *
 * @example
 * ```ts
 * import { NFStreamer, ParquetSink } from '@flowstream/streamer';
 *
 * const streamer = new NFStreamer({ source: 'capture.pcap' });
 * await streamer.writeTo(new ParquetSink('flows.parquet', { compression: 'zstd' }));
 * ```
 */
export class ParquetSink implements FlowSink {
  readonly target: string;
  readonly keepsBatches = false;
  private file: OutputFile | null = null;
  /** Standard output (`-`), written in order, instead of {@link file}. */
  private stdout: ByteTarget | null = null;
  private encoder: ArrowEncoder | null = null;
  private pq: typeof Pq | null = null;
  private flows = 0;
  private sent = false;
  /** Record batches waiting for the Parquet writer to pull them (at most one). */
  private waiting: { batch: RecordBatch | null; taken: () => void } | null = null;
  private wake: (() => void) | null = null;
  private pump: Promise<void> | null = null;
  private failed: Error | null = null;
  private manifest: unknown = null;
  /** What the footer of an output that cannot be rewritten gets at the end (the summary), set by {@link close}. */
  private footerEntries: Record<string, string> | null = null;
  /** The writer was given the end of the flows: what it writes from now on (the footer) is held until it ends. */
  private ending = false;

  constructor(
    private readonly path: string,
    private readonly options: { batchSize?: number; compression?: string; warn?: (m: string) => void } = {},
  ) {
    this.target = path;
    const c = options.compression ?? 'zstd';
    if (!(PARQUET_CODECS as readonly string[]).includes(c)) throw new RangeError(`Invalid option compression: expected one of ${PARQUET_CODECS.join(', ')}, got ${JSON.stringify(c)}.`);
  }

  async open(context: SinkOpenContext): Promise<void> {
    const pq = (this.pq = await import('parquet-wasm'));
    this.manifest = context.manifest;
    this.encoder = new ArrowEncoder(context.fields, { batchSize: this.options.batchSize, warn: this.options.warn });
    const codecs: Record<ParquetCodec, Pq.Compression> = {
      zstd: pq.Compression.ZSTD,
      snappy: pq.Compression.SNAPPY,
      lz4_raw: pq.Compression.LZ4_RAW,
      gzip: pq.Compression.GZIP,
      uncompressed: pq.Compression.UNCOMPRESSED,
    };
    let out: ByteOutput;
    if (this.path === '-') {
      this.stdout = await ByteTarget.open('-');
      out = this.stdout.out;
    } else {
      this.file = await OutputFile.create(this.path);
      out = ByteOutput.toFile(this.file.handle);
    }
    const builder = new pq.WriterPropertiesBuilder()
      .setMaxRowGroupSize(this.encoder.batchSize)
      .setCompression(codecs[(this.options.compression ?? 'zstd') as ParquetCodec])
      .setCreatedBy('flowstream (parquet-wasm)');
    // a pipe or a device cannot be rewritten at the end: its footer gets the manifest now, and the
    // summary in the bytes held back until the end (a regular file gets both at the end, see close)
    const props = (this.rewritable() ? builder : builder.setKeyValueMetadata(new Map(Object.entries(manifestMetadata(this.manifest))))).build();
    const batches = new ReadableStream<Pq.RecordBatch>(
      {
        pull: async (ctrl) => {
          const next = await this.next();
          if (next === null) return ctrl.close();
          const wasm = pq.Table.fromIPCStream(tableToIPC(new Table([next]), 'stream'));
          try {
            ctrl.enqueue(wasm.recordBatch(0)!);
          } finally {
            wasm.free();
          }
        },
      },
      { highWaterMark: 0 },
    );
    // a pipe or a device: the last bytes wait for the end, when the footer they hold gets the summary
    const hold = this.rewritable() ? 0 : HELD_TAIL_BYTES;
    // not awaited here: the writer pulls the first record batch before it answers
    this.pump = (async () => {
      const bytes = await pq.transformParquetStream(batches, props);
      const reader = bytes.getReader();
      const held: Uint8Array[] = [];
      let heldBytes = 0;
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        held.push(r.value);
        heldBytes += r.value.length;
        const ready: Uint8Array[] = [];
        while (!this.ending && held.length > 0 && heldBytes - held[0]!.length >= hold) {
          heldBytes -= held[0]!.length;
          ready.push(held.shift()!);
        }
        if (ready.length > 0) await out.writeChunks(ready);
      }
      if (held.length > 0) {
        const tail = held.length === 1 ? held[0]! : Buffer.concat(held);
        await out.writeChunks([(this.footerEntries !== null ? withFooterEntries(tail, this.footerEntries) : null) ?? tail]);
      }
      await out.settle();
    })().catch((err: Error) => {
      this.failed ??= err;
      this.waiting?.taken();
    });
  }

  /** The next record batch for the writer (null = end), waiting for `write`/`close` to offer one. */
  private async next(): Promise<RecordBatch | null> {
    while (this.waiting === null) await new Promise<void>((r) => (this.wake = r));
    const w = this.waiting;
    this.waiting = null;
    w.taken();
    return w.batch;
  }

  /** Offers a record batch (null = end) and waits until the writer took it (backpressure). */
  private offer(batch: RecordBatch | null): Promise<void> {
    if (this.failed !== null) throw this.failed;
    return new Promise<void>((taken) => {
      this.waiting = { batch, taken };
      const w = this.wake;
      this.wake = null;
      w?.();
    }).then(() => {
      if (this.failed !== null) throw this.failed;
    });
  }

  async write(batch: FlowBatch): Promise<void> {
    for (const rb of this.encoder!.add(batch)) {
      this.flows += rb.numRows;
      this.sent = true;
      await this.offer(rb);
    }
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    const last = this.encoder!.finish();
    if (last !== null) {
      this.flows += last.numRows;
      await this.offer(last);
    } else if (!this.sent) await this.offer(this.encoder!.emptyBatch());
    let meta = manifestMetadata(this.manifest);
    if (context.summary !== null) {
      const { manifest, ...summary } = context.summary;
      meta = manifestMetadata(manifest, summary);
    }
    // a device or a pipe: its footer has the manifest given at the start, and gets the summary in
    // the bytes held back until now
    const { flowstream: _manifest, ...summaryEntries } = meta;
    if (!this.rewritable() && Object.keys(summaryEntries).length > 0) this.footerEntries = summaryEntries;
    this.ending = true;
    await this.offer(null);
    await this.pump;
    if (this.failed !== null) throw this.failed;
    if (this.stdout !== null) {
      await this.stdout.commit();
      // standard output redirected to a file: that file, by the descriptor's name
      if (this.rewritable()) await appendParquetMetadata(STDOUT_FILE, meta);
      return { flows: this.flows, files: [] };
    }
    const file = this.file!;
    await file.handle.sync().catch(() => undefined);
    if (this.rewritable()) await appendParquetMetadata(file.writePath, meta);
    await file.commit();
    return { flows: this.flows, files: [this.path] };
  }

  /** Whether the output is a regular file, whose footer gets the manifest and the summary at the end. */
  private rewritable(): boolean {
    return this.stdout !== null ? isRegularFile(1) : this.file!.regular;
  }

  async abort(): Promise<SinkResult | void> {
    this.failed ??= new Error('aborted');
    this.waiting?.taken();
    // standard output keeps what went out (an unfinished Parquet file, no footer)
    if (this.stdout !== null) {
      await this.stdout.discard();
      return;
    }
    if (this.file === null || (await this.file.discard())) return NOTHING_KEPT;
  }
}
