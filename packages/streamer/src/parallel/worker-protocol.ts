import type { MessagePort } from 'node:worker_threads';
import type { PluginOrigin } from '../plugin-registry/plugin-origin.js';
import type { TransferredBatch } from '@flowstream/core/internal';
import type { RingBuffers } from './packet-ring.js';

/** The metering options a worker needs (plain data: plugin instances travel as origins). */
export interface WorkerMeterOptions {
  readonly decodeTunnels: boolean;
  readonly idleTimeoutMs: number;
  readonly activeTimeoutMs: number;
  readonly accountingMode: number;
  readonly statisticalAnalysis: boolean;
  readonly spltAnalysis: number;
  /** nDPI depth; 0 = no dissector. The worker loads its own nDPI. */
  readonly nDissections: number;
  readonly systemVisibility: boolean;
  /** This meter's share of `maxLiveFlows` (0 = unlimited). */
  readonly maxLiveFlows: number;
  /** Flow snapshots every this many ms of meter clock (0: none). */
  readonly snapshotIntervalMs: number;
}

/** `workerData` of a meter worker. */
export interface MeterWorkerData {
  /** This meter's index (0-based) and the number of meters, for messages. */
  readonly index: number;
  readonly meters: number;
  readonly options: WorkerMeterOptions;
  /** Plugins to build in the worker, in `udps` order. */
  readonly plugins: readonly PluginOrigin[];
  readonly ring: RingBuffers;
  /** The shared chunks records point into (see `SharedChunks`). */
  readonly chunks: readonly SharedArrayBuffer[];
  /** Plugins run: the worker copies each record out of the ring before decoding it (see `PacketRingReader`). */
  readonly copyFrames: boolean;
  /** Where the worker posts {@link WorkerMessage}s (read with `receiveMessageOnPort`). */
  readonly port: MessagePort;
}

/**
 * The configuration a dissection thread gets (see `ThreadedDissector`): it runs the nDPI of the
 * flows the meter hands it (those whose tickets are `channel` modulo the number of threads).
 */
export interface DissectionWorkerData {
  readonly role: 'dissect';
  /** The thread's number (its name). */
  readonly channel: number;
  /** nDPI depth (1…255); the thread loads its own nDPI. */
  readonly nDissections: number;
  readonly ring: RingBuffers;
  /**
   * Int32 cells, a power of two of them: the thread stores a flow's ticket at `ticket & (length − 1)`
   * once its dissection is done, so that the meter stops handing it the flow's packets.
   */
  readonly finished: SharedArrayBuffer;
  /** Where the thread posts {@link DissectionMessage}s (read with `receiveMessageOnPort`). */
  readonly port: MessagePort;
}

/** Ints per expired flow in a {@link DissectionMessage}: guessed, confidence, then the codes of the seven texts. */
export const DISSECTION_INTS = 9;

/**
 * What a dissection thread posts: the fields of `count` expired flows, in expiry order, as
 * {@link DISSECTION_INTS} ints each (texts as codes: code i is the i-th text the thread sent, and
 * `texts` are those new in this message); or its error.
 */
export type DissectionMessage =
  | { readonly kind: 'dissections'; readonly count: number; readonly ints: Int32Array; readonly texts: readonly string[] }
  | { readonly kind: 'error'; readonly error: WorkerError };

/** A serialised error (class names and stacks survive; the class itself does not). */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** A plugin's error: what the main thread makes a `PluginError` of again (the cause as its message). */
  readonly plugin?: { readonly plugin: string; readonly callback: string; readonly flowId: number; readonly flow: string; readonly cause: string };
}

/** What a worker posts. */
export type WorkerMessage =
  /** `ticket`: the main thread posts it back in a {@link ReleaseMessage} once the batch was released. */
  | { readonly kind: 'flows'; readonly batch: TransferredBatch; readonly ticket: number }
  | { readonly kind: 'snapshots'; readonly batch: TransferredBatch; readonly ticket: number }
  | { readonly kind: 'error'; readonly error: WorkerError };

/** What the main thread posts to a meter worker: a flow batch was released, its shared memory may take new flows. */
export interface ReleaseMessage {
  readonly kind: 'release';
  readonly ticket: number;
}
