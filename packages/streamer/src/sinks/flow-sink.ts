import type { FieldSpec, FlowBatch, RunSummary } from '@flowstream/core';
import type { RunManifest } from './run-manifest.js';

/** What a sink is told when it opens: the columns it will receive and the run's manifest. */
export interface SinkOpenContext {
  /**
   * Columns of every batch, after column selection and anonymisation (a hashed column is a
   * `string`). Plugin fields a plugin did not declare carry `inferred: true` and a provisional
   * type; the first batch that holds them tells their values.
   */
  readonly fields: readonly FieldSpec[];
  /** Names of the columns whose values were replaced by keyed hashes. */
  readonly anonymized: readonly string[];
  /** The manifest known at the start: version, parameters, plugins, sources with names and sizes. */
  readonly manifest: RunManifest;
  /**
   * Aborted when the run is stopped while the sink opens (a stop signal while it waits for its
   * server): nothing was written yet, so the sink stops waiting and throws.
   */
  readonly signal?: AbortSignal;
}

/** What a sink is told when the run ends normally. */
export interface SinkCloseContext {
  /**
   * The run's summary: packet accounting, `flows`, and the manifest completed with what is known
   * only at the end (input hashes, nDPI version). Null when a file ends in the middle of a run
   * (`flowsPerFile` rotation): only the opening manifest is known then.
   */
  readonly summary: (RunSummary & { readonly manifest: RunManifest }) | null;
}

/** What a sink wrote (or, from `abort`, what stays written). */
export interface SinkResult {
  /** Flows (rows) written. */
  readonly flows: number;
  /** Files written under their final names (empty for streams and network sinks). */
  readonly files: readonly string[];
  /**
   * True when {@link flows} counts the flows a server acknowledged (NATS JetStream): after a
   * failure, flows in messages still in flight may have arrived too.
   */
  readonly acknowledged?: boolean;
}

/**
 * An output of flow batches: a file format, a stream, a network service. Every output of
 * flowstream (CSV, Arrow, Parquet, JSON Lines, IPFIX, NATS …) implements this contract, and the
 * run loop ({@link writeFlows}) drives it: `open` once, `write` per batch, then `close` on success
 * or `abort` on failure. Column selection and anonymisation have already been applied to the
 * batches a sink receives.
 *
 * Backpressure: the run awaits each `write` before it meters on, so a slow disk or a slow network
 * slows the run and memory stays bounded by a batch or two.
 *
 * Errors: a sink throws {@link SinkError} (or any Error, which the run wraps into one) naming its
 * target.
 *
 * @example A sink that counts bytes per protocol
 * ```ts
 * import type { FlowBatch } from '@flowstream/core';
 * import { NFStreamer, type FlowSink } from '@flowstream/streamer';
 *
 * class BytesPerProtocol implements FlowSink {
 *   readonly target = 'memory';
 *   totals = new Map<number, number>();
 *   async open() {}
 *   async write(batch: FlowBatch) {
 *     const proto = batch.column('protocol')!.values as Float64Array;
 *     const bytes = batch.column('bidirectional_bytes')!.values as Float64Array;
 *     for (let i = 0; i < batch.length; i++) this.totals.set(proto[i]!, (this.totals.get(proto[i]!) ?? 0) + bytes[i]!);
 *   }
 *   async close() { return { flows: 0, files: [] }; }
 *   async abort() {}
 * }
 * await new NFStreamer({ source: 'capture.pcap' }).writeTo(new BytesPerProtocol());
 * ```
 */
export interface FlowSink {
  /** Where the sink writes (a path, a URL, `stdout`): named in every error. */
  readonly target: string;
  /**
   * False when the sink reads nothing of a batch once its `write` resolved (it encoded or copied
   * what it needs): the run then hands the batch's storage back to the meter for later flows
   * (see `FlowBatch.release`). Unset: the sink may keep batches, and they are never reused.
   */
  readonly keepsBatches?: boolean;
  /** Called once before the first batch. */
  open(context: SinkOpenContext): Promise<void>;
  /** Writes one batch; resolves when the sink can take the next one. */
  write(batch: FlowBatch): Promise<void>;
  /** Flushes, finishes (temporary files are renamed into place) and tells what was written. */
  close(context: SinkCloseContext): Promise<SinkResult>;
  /**
   * The run failed or stopped without a result: release everything, leave no partial file under a
   * final name. Resolves to what stays delivered in spite of it (files completed before, flows a
   * server acknowledged), or to nothing when the sink cannot tell (rows already written in place
   * to a stream or a device); the run's error then says which flows reached the output.
   */
  abort(reason: Error): Promise<SinkResult | void>;
}

/** Options every sink may receive (each format reads the ones it knows). */
export interface SinkOptions {
  /** Flows per file; 0 = one file. Rotated file names follow NFStream's chunk naming. */
  readonly flowsPerFile?: number;
  /** With `flowsPerFile`: reuse chunk names modulo this number; 0 = never. */
  readonly rotateFiles?: number;
  /** Rows per Arrow record batch / Parquet row group (default 65536). */
  readonly batchSize?: number;
  /** Parquet codec (default `zstd`). */
  readonly compression?: string;
  /** Columns anonymised upstream (address sinks refuse them). */
  readonly anonymized?: readonly string[];
  /** Warnings that are not errors (default: stderr). */
  readonly warn?: (message: string) => void;
  /** The option that named the target, for errors about it (`-o` unless told, e.g. `snapshotOutput`). */
  readonly targetOption?: string;
  /** Format-specific settings (e.g. IPFIX observation domain, NATS stream name). */
  readonly [key: string]: unknown;
}

/**
 * A registered output format (see `registerSink`).
 *
 * @example
 * ```ts
 * import { CsvSink, registerSink, type SinkDefinition } from '@flowstream/streamer';
 *
 * const csvOut: SinkDefinition = {
 *   name: 'csv-stdout',
 *   description: 'NFStream CSV on standard output',
 *   target: 'none',
 *   create: async () => new CsvSink(process.stdout),
 * };
 * registerSink(csvOut);
 * ```
 */
export interface SinkDefinition {
  /** The `--format` value. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** File formats: the file name endings that mean this format (`.csv`), for outputs whose format is not given. */
  readonly extensions?: readonly string[];
  /** URL schemes that mean this format (`nats:`), for outputs whose format is not given. */
  readonly schemes?: readonly string[];
  /** What `-o` names: a file path (or `-` for stdout where `stdout` is true), a URL, or nothing. */
  readonly target: 'file' | 'url' | 'none';
  /** The sink can write to standard output (`-o -`). */
  readonly stdout?: boolean;
  /** Its output carries the manifest with the inputs' SHA-256, so runs into it hash their inputs. */
  readonly hashesInputs?: boolean;
  /**
   * The format-specific options it reads, each with its command-line flag
   * (`{ natsStream: '--nats-stream' }`; `{}`: none). When declared, an export into this format
   * refuses any option that is neither a general export option nor one of these, so a misspelt
   * name fails before the run instead of being ignored; the CLI takes its flags from here.
   */
  readonly settings?: Readonly<Record<string, string>>;
  /** Checks the target and options before any packet is read (folder exists and is writable, URL parses). */
  check?(target: string, options: SinkOptions): Promise<void> | void;
  /** Makes the sink (implementations are loaded here, so start-up loads none of them). */
  create(target: string, options: SinkOptions): Promise<FlowSink>;
}

/**
 * An output failed: names the target and keeps the original error as `cause`. Sinks throw it (a
 * plain Error of a sink is wrapped into one); the run stops after the flows so far were written.
 * From the run, the flow output's error also says what became of the flows ({@link failedOutput}),
 * and {@link delivered} holds what the output still holds.
 *
 * @example
 * ```ts
 * import { NFStreamer, SinkError } from '@flowstream/streamer';
 *
 * new SinkError('/dev/full', new Error('ENOSPC')).message; // '/dev/full: ENOSPC'
 * try {
 *   await new NFStreamer({ source: 'capture.pcap' }).toCsv('/dev/full');
 * } catch (e) {
 *   if (e instanceof SinkError) console.error(e.target, e.cause);
 * }
 * ```
 */
export class SinkError extends Error {
  /**
   * @param delivered what the failed output still holds (see {@link FlowSink.abort}); null when it
   *   cannot tell.
   */
  constructor(
    readonly target: string,
    cause: unknown,
    readonly delivered: SinkResult | null = null,
  ) {
    const text = cause instanceof Error ? cause.message : String(cause);
    super(text.includes(target) ? text : `${target}: ${text}`, { cause });
    this.name = 'SinkError';
  }
}

/** What a file output keeps after `abort`: nothing (its temporary file was removed, or none was opened). */
export const NOTHING_KEPT: SinkResult = Object.freeze({ flows: 0, files: Object.freeze([]) as readonly string[] });

/**
 * The failed flow output's error, saying which of the run's `metered` flows it holds: none, those
 * in its complete files, or (`delivered` null: a stream, a device or a sink that cannot tell) how
 * many were metered when it failed.
 *
 * @example
 * ```ts
 * failedOutput('flows.csv', new Error('ENOSPC'), 16384, { flows: 0, files: [] }).message;
 * // 'flows.csv: ENOSPC (none of the 16384 flows metered is in the output: its unfinished file was removed)'
 * ```
 */
export function failedOutput(target: string, cause: unknown, metered: number, delivered: SinkResult | null): SinkError {
  const first = cause instanceof SinkError ? cause : new SinkError(target, cause);
  let fate: string;
  if (delivered === null) fate = `after ${metered} flows metered; the output did not say how many it holds`;
  else if (delivered.acknowledged === true) fate = `${delivered.flows} of the ${metered} flows metered were acknowledged; the others may be missing`;
  else if (delivered.files.length > 0) {
    const files = delivered.files.length === 1 ? `the complete file ${delivered.files[0]}` : `the ${delivered.files.length} complete files ${delivered.files[0]} … ${delivered.files.at(-1)}`;
    fate = `${delivered.flows} of the ${metered} flows metered are in ${files}; the other ${metered - delivered.flows} were not written`;
  } else fate = `none of the ${metered} flows metered is in the output: its unfinished file was removed`;
  // the message already names the target, so the new error's message is exactly this text
  return new SinkError(first.target, new Error(`${first.message} (${fate})`, { cause: first.cause ?? cause }), delivered);
}

/**
 * A side output (snapshots, window rows) that failed while the flows go on: aborts it (its file
 * does not appear) and returns its error, which says the flow output was still completed; the run
 * throws it once the flow output is closed.
 *
 * @example const error = await stopSideOutput(snapshotSink, 'snapshot', err);
 */
export async function stopSideOutput(sink: FlowSink, what: string, err: unknown, target = sink.target): Promise<SinkError> {
  await sink.abort(err as Error).catch(() => undefined);
  const cause = err instanceof SinkError ? (err.cause ?? err) : err;
  const text = cause instanceof Error ? cause.message : String(cause);
  return new SinkError(target, new Error(`${text} (${what} output stopped; the flow output was completed)`, { cause }));
}
