import type { MessagePort } from 'node:worker_threads';
import type { TransferredBatch } from '@flowstream/core/internal';
import type { SinkCloseContext, SinkOpenContext, SinkOptions, SinkResult } from '../flow-sink.js';

/** The first message a sink worker gets: which built-in file format to write where. */
export interface SinkWorkerData {
  readonly format: string;
  readonly target: string;
  /** The sink options as plain data (functions stay on the main thread: warnings come back as messages). */
  readonly options: SinkOptions;
  /** The channel both sides talk through. */
  readonly port: MessagePort;
  /**
   * The run reads capture files: the thread runs below the process priority, so that the meter,
   * which every output waits for, gets a busy core first (see thread-priority.ts).
   */
  readonly background: boolean;
}

/** Main thread → sink worker, handled in order. */
export type SinkRequest =
  | { readonly kind: 'open'; readonly context: SinkOpenContext }
  | { readonly kind: 'batch'; readonly batch: TransferredBatch }
  | { readonly kind: 'close'; readonly context: SinkCloseContext }
  | { readonly kind: 'abort'; readonly message: string };

/** A serialised error: name, message, stack and the system error code survive. */
export interface SinkWorkerError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Sink worker → main thread. */
export type SinkReply =
  /** `keepsBatches` of the worker's sink: false when a written batch may be written over. */
  | { readonly kind: 'opened'; readonly keepsBatches: boolean }
  /** One batch was written (its `write` resolved): room for the next. */
  | { readonly kind: 'written' }
  | { readonly kind: 'closed'; readonly result: SinkResult }
  /** What the aborted sink still holds (its `abort` result; null when it cannot tell). */
  | { readonly kind: 'aborted'; readonly kept: SinkResult | null }
  /** The sink failed; later requests but `abort` are ignored. */
  | { readonly kind: 'error'; readonly error: SinkWorkerError }
  | { readonly kind: 'warn'; readonly message: string }
  /** The worker's sink created (`open`) or settled a temporary file (see partial-files.ts). */
  | { readonly kind: 'partial'; readonly path: string; readonly open: boolean };
