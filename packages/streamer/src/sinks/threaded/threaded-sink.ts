import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { FlowBatch } from '@flowstream/core';
import { batchMessage } from '@flowstream/core/internal';
import { startWorkerThread, workerEntry, type WorkerThread } from '../../parallel/worker-spawn.js';
import type { FlowSink, SinkCloseContext, SinkOpenContext, SinkOptions, SinkResult } from '../flow-sink.js';
import { partialFileOpened, partialFileSettled } from '../files/partial-files.js';
import type { SinkReply, SinkRequest, SinkWorkerData, SinkWorkerError } from './sink-protocol.js';

/**
 * Rows handed to the worker and not yet written: enough for the meter to run on while the worker
 * starts (a fresh JavaScript engine loading its modules, ~0.2 s, in which the bench capture's
 * snapshot rows reach ~25k), few enough to bound memory. Counted in rows, as batches differ in
 * size (flow batches, smaller snapshot batches, partial ones); one batch always goes.
 */
const MAX_IN_FLIGHT_ROWS = 32768;

/** A sink worker started ahead of its sink (see {@link prestartSinkWorker}). */
let prestarted: WorkerThread | null = null;

/** The sink's channel keeps the process alive while replies are awaited; the thread alone does not. */
function startWorker(): WorkerThread {
  return startWorkerThread(workerEntry('sinks/threaded/sink-worker'), 'flowstream-sink');
}

/**
 * Starts a sink worker before a {@link ThreadedSink} needs it, so its start-up overlaps what the
 * caller does meanwhile (the CLI loading its modules). The next threaded sink takes it; an unused
 * one does not keep the process alive.
 *
 * @example
 * ```ts
 * prestartSinkWorker(); // before the expensive imports
 * ```
 */
export function prestartSinkWorker(): void {
  try {
    prestarted ??= startWorker();
  } catch {
    // the sink that needs the worker starts it and reports why it cannot
  }
}

/**
 * A built-in file sink (CSV, JSONL, Parquet, Arrow) run on a worker thread: the main thread hands
 * each batch's columns over (`batchMessage`: shared memory read in place, the rest copied, nothing
 * transferred, so the meter's optimised code keeps its speed), and the worker encodes and
 * writes, so a second output costs the meter little more than the hand-over. The file is the one
 * the same sink writes on the main thread, byte for byte; errors come back with their message and
 * code and fail the next `write` or `close`, as the sink's own would.
 *
 * Batches in shared memory are read there in place: it releases each batch ({@link FlowBatch.release})
 * once the worker wrote it (when the worker's sink keeps no batch), and the meter then writes later
 * rows into the same memory; it never declares `keepsBatches: false` (the run would release earlier).
 */
export class ThreadedSink implements FlowSink {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Batches handed to the worker, oldest first, until it wrote them. */
  private readonly sent: FlowBatch[] = [];
  /** Rows of {@link sent}. */
  private rowsInFlight = 0;
  private workerKeepsBatches = true;
  private error: Error | null = null;
  /** Wakes a caller waiting for a reply. */
  private wake: (() => void) | null = null;
  private result: SinkResult | null = null;
  private aborted = false;
  /** What the worker's aborted sink still holds (null: it cannot tell). */
  private kept: SinkResult | null = null;
  /** The channel is closed and the thread ended (or being ended). */
  private ended = false;
  private exited = false;

  /**
   * @param format a built-in file format's name (the worker looks it up in its own registry).
   * @param options the sink options; `warn` runs here, other functions are not carried.
   * @param background the run reads capture files: the thread runs below the process priority
   *   (see thread-priority.ts). Live and piped runs keep it: a starved output would hold up a
   *   meter whose packets cannot wait.
   */
  constructor(
    format: string,
    readonly target: string,
    private readonly options: SinkOptions,
    background = false,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const started = prestarted !== null && !prestarted.exited ? prestarted : startWorker();
    prestarted = null;
    this.worker = started.worker;
    if (started.error !== null) this.fail(started.error);
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', () => {
      this.exited = true;
      if (this.ended) return;
      // the thread ends right after its last reply ('closed', 'aborted'), and its end may be seen
      // first (this thread was busy when both came): take the replies waiting in the port before
      // calling the end unexpected
      this.drainReplies();
      if (this.result === null && !this.aborted) this.fail(new Error('the sink worker ended unexpectedly'));
    });
    const data: SinkWorkerData = { format, target, options: plainOptions(options), port: port2, background };
    this.worker.postMessage(data, [port2]);
    this.port.on('message', (m: SinkReply) => this.onReply(m));
  }

  /**
   * Asks the worker to make and open the sink, without waiting: the run reads on while the worker
   * starts (the target was checked before); an error there fails the next `write` or `close`.
   */
  async open(context: SinkOpenContext): Promise<void> {
    this.send({ kind: 'open', context });
  }

  async write(batch: FlowBatch): Promise<void> {
    this.drainReplies();
    this.throwIfFailed();
    // copied or shared, never transferred: see batchMessage (this is the metering thread)
    this.port.postMessage({ kind: 'batch', batch: batchMessage(batch) } satisfies SinkRequest);
    this.sent.push(batch);
    this.rowsInFlight += batch.length;
    if (this.rowsInFlight >= MAX_IN_FLIGHT_ROWS) await this.until(() => this.rowsInFlight < MAX_IN_FLIGHT_ROWS);
  }

  async close(context: SinkCloseContext): Promise<SinkResult> {
    this.send({ kind: 'close', context });
    // a failed close leaves the worker to the run's abort (which removes the partial file)
    await this.until(() => this.result !== null);
    this.end();
    return this.result!;
  }

  async abort(reason: Error): Promise<SinkResult | void> {
    if (this.ended) return this.kept ?? undefined;
    this.send({ kind: 'abort', message: reason.message });
    // the sink removes what it started; a failed worker answers with its error
    await this.until(() => this.aborted || this.exited, false);
    this.end();
    return this.kept ?? undefined;
  }

  private send(request: SinkRequest): void {
    this.port.postMessage(request);
  }

  /** Takes replies that arrived without waiting for the event loop (errors show at the next write). */
  private drainReplies(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) this.onReply(m.message as SinkReply);
  }

  private onReply(m: SinkReply): void {
    switch (m.kind) {
      case 'opened':
        this.workerKeepsBatches = m.keepsBatches;
        break;
      case 'written': {
        const batch = this.sent.shift()!;
        this.rowsInFlight -= batch.length;
        if (!this.workerKeepsBatches) batch.release();
        break;
      }
      case 'closed':
        this.result = m.result;
        break;
      case 'aborted':
        this.aborted = true;
        this.kept = m.kept;
        break;
      case 'partial':
        if (m.open) partialFileOpened(m.path);
        else partialFileSettled(m.path);
        break;
      case 'warn':
        (this.options.warn ?? ((s: string) => process.stderr.write(`warning: ${s}\n`)))(m.message);
        break;
      case 'error':
        this.fail(revive(m.error));
        break;
    }
    this.wake?.();
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.wake?.();
  }

  private throwIfFailed(): void {
    if (this.error !== null) throw this.error;
  }

  /** Resolves once `done()` holds; with `failFast`, rejects with the worker's error as soon as there is one. */
  private async until(done: () => boolean, failFast = true): Promise<void> {
    for (;;) {
      if (failFast) this.throwIfFailed();
      if (done()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private end(): void {
    this.ended = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/** An error as the worker's sink raised it (class name, message, code, stack). */
function revive(e: SinkWorkerError): Error {
  const err = new Error(e.message) as NodeJS.ErrnoException;
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

/** The options a worker can receive: functions and values that cannot be cloned are left out. */
function plainOptions(options: SinkOptions): SinkOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === 'function' || typeof v === 'symbol') continue;
    try {
      out[k] = structuredClone(v);
    } catch {
      // not cloneable: a setting only a registered (main-thread) sink reads
    }
  }
  return out;
}
