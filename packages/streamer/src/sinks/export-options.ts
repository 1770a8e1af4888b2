import type { FlowBatch } from '@flowstream/core';
import type { FlowSink } from './flow-sink.js';
import type { OutputOptions } from './transform/output-transform.js';

/**
 * Options of `NFStreamer.writeTo`: the output columns and anonymisation, input hashing, and
 * an observer of every batch.
 *
 * @example
 * ```ts
 * import { NFStreamer, NullSink, type WriteOptions } from '@flowstream/streamer';
 *
 * let batches = 0;
 * const options: WriteOptions = { columns: ['src_ip', 'dst_ip'], inputHash: true, observe: () => { batches++; } };
 * await new NFStreamer({ source: 'capture.pcap' }).writeTo(new NullSink(), options);
 * ```
 */
export interface WriteOptions extends OutputOptions {
  /** Hash the inputs (SHA-256 in the manifest). */
  inputHash?: boolean;
  /** Sees every batch of the run before the output transform (progress displays, side outputs). */
  observe?: ((batch: FlowBatch) => void | Promise<void>) | null;
  /** Where the run's flow snapshots go (needs `snapshotInterval` > 0); the flow output is unchanged. */
  snapshotSink?: FlowSink | null;
  /** Snapshot columns to keep, in this order (default: all of `NFStreamer.snapshotSchema`). */
  snapshotColumns?: readonly string[] | null;
}

/**
 * Options of the exports: output columns, anonymisation, file splitting, per-format settings.
 *
 * @example
 * ```ts
 * import { NFStreamer, type ExportOptions } from '@flowstream/streamer';
 *
 * const options: ExportOptions = { columnsToAnonymize: ['src_ip', 'dst_ip'], anonymizeKey: 'site.key', flowsPerFile: 1_000_000 };
 * await new NFStreamer({ source: 'capture.pcap' }).export('parquet', 'flows.parquet', options);
 * ```
 */
export interface ExportOptions extends WriteOptions {
  /** Flows per file; 0 = one file (NFStream's chunk names for CSV, `NAME.N.EXT` otherwise). */
  flowsPerFile?: number;
  /** With `flowsPerFile`: reuse chunk names modulo this number; 0 = never. */
  rotateFiles?: number;
  /** Rows per Arrow record batch / Parquet row group (default 65536). */
  batchSize?: number;
  /** Parquet codec: zstd (default), snappy, lz4_raw, gzip, uncompressed. */
  compression?: string;
  /** Also write the flow snapshots (`snapshotInterval` > 0) to this target. */
  snapshotOutput?: string | null;
  /**
   * Format of {@link snapshotOutput} (a registered format). Default: the one its file name ending
   * names (`.csv`, `.jsonl`, `.parquet`, `.arrow`, `.arrows`), else the flows' format (CSV when that
   * is `none`).
   */
  snapshotFormat?: string;
  /** Warnings that are not errors (default: standard error). */
  warn?: (message: string) => void;
  /**
   * Format-specific settings (`ipfixMode`, `natsStream`, …: the names the format declares, see
   * `SinkDefinition.settings`); another name is an error when every output's format declares its settings.
   */
  [setting: string]: unknown;
}
