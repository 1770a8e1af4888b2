import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import {
  FlowMeter,
  PluginError,
  type CaptureReader,
  type FlowBatch,
  type FlowDissector,
  type NFlow,
  type ResolvedMeteringOptions,
  type RunSummary,
} from '@flowstream/core';
import { BatchReceiver, CapturePump, meterConfig, PacketAccounting } from '@flowstream/core/internal';
import { HandOutRule } from '../run/hand-out-rule.js';
import { InputSequence, StepRead, type RunFilter } from '../run/input-sequence.js';
import type { PluginOrigin } from '../plugin-registry/plugin-origin.js';
import { STEP_RECORDS, StepResult, type FlowRun } from '../run/meter-run.js';
import type { RunInput } from '../run/run-input.js';
import { localShare, workersReadBytes } from './local-share.js';
import { MappedSegments } from './mapped-segments.js';
import { meterBuckets } from './meter-buckets.js';
import { MeterDispatcher } from './meter-dispatcher.js';
import { Ctl, PacketRingWriter, WorkerState, allocateRing } from './packet-ring.js';
import { RecordRouter } from './record-router.js';
import { SharedChunks } from './shared-chunks.js';
import { bootFailure, defaultWorkerEntry, startMeterWorker, WORKER_BOOT_TIMEOUT_MS, type MeterWorkerThread, type WorkerEntry } from './worker-spawn.js';
import type { ReleaseMessage, WorkerMessage } from './worker-protocol.js';
import { StepChunk } from '../run/step-chunk.js';

/** Dispatch ring per meter: record references (bytes stay in the shared chunks), enough to ride out scheduling hiccups. */
const RING_BYTES = 4 << 20;
/** Slice of a blocking wait, ms (between checks of the workers' states). */
const WAIT_SLICE_MS = 50;

/** What a parallel run needs besides the metering options. */
export interface ParallelRunOptions {
  /** Number of meters, ≥ 2: the main thread's and nMeters − 1 workers. */
  readonly nMeters: number;
  /** Plugins to rebuild in every worker, in `udps` order (see {@link pluginOrigin}). */
  readonly plugins: readonly PluginOrigin[];
  /** The main thread's meter's nDPI dissector, or null; when set, each worker loads its own. */
  readonly dissector: FlowDissector | null;
  readonly systemVisibility: boolean;
  /** Worker entry override (tests, bundlers); default {@link defaultWorkerEntry}. */
  readonly workerEntry?: WorkerEntry;
}

interface MeterWorker {
  readonly thread: MeterWorkerThread;
  readonly port: MessagePort;
  readonly writer: PacketRingWriter;
  readonly control: Int32Array;
  startedAt: number;
}

/**
 * A metering run with `nMeters > 1` (spec §7): the {@link FlowRun} of {@link MeterRun} with its
 * meters spread over threads. The main thread reads the inputs, applies BPF, routes and accounts
 * every record ({@link RecordRouter}: NFStream's hash, its bucket's meter, or the ignore reason).
 * Meter 0 runs in the main thread, on the bucket share {@link localShare} leaves it (reading and
 * routing every record is its work too); each other meter is a worker thread that gets its owned
 * records through a shared-memory ring: raw, to decode them itself, where its nDPI or plugins
 * read the bytes, else as the packets the main thread decoded (their fields alone). Every meter has its own FlowMeter
 * (cache, clock, scan), plugins and nDPI dissector. Finished flows come from the local meter and
 * as the workers' columnar batches; ids are given in arrival order.
 *
 * The set of flows equals the single meter's; their order (and so their ids) does not, and may
 * differ between runs — only `nMeters: 1` is reproducible (spec §7). Inputs: files, streams and
 * live capture (its wall clock moves every meter's clock while no packet arrives).
 * Every step is synchronous (Atomics.wait on the rings), so both sync and async iteration work.
 */
export class ParallelMeterRun implements FlowRun {
  readonly accounting = new PacketAccounting();
  /** `maxLiveFlows` is set: the summary reports evictions. */
  private readonly bounded: boolean;
  /** Flows taken with {@link drain} so far (progress). */
  flowsOut = 0;
  /** First fatal error (corrupt source, plugin error in a worker); thrown after the flows are delivered. */
  error: Error | null = null;
  /** True once every flow was emitted (or the run was stopped). */
  done = false;
  /** Progress view of the meters (`liveFlowCount` summed over the local meter and the workers). */
  readonly meter: { readonly liveFlowCount: number };

  /** Meter 0, in this thread. */
  private readonly local: FlowMeter;
  /** When the local meter's partial batches go out (as in {@link MeterRun}). */
  private readonly handOut: HandOutRule;
  /** Records per look at the clock: a step ends within `STEP_MS` however slow a packet is. */
  private readonly chunk = new StepChunk(STEP_RECORDS);
  /** The local meter's plugins were cleaned up. */
  private cleaned = false;
  /** Meters 1 … nMeters − 1. */
  private readonly workers: MeterWorker[] = [];
  private readonly dispatcher: MeterDispatcher;
  /** The buffers the readers read into, which the workers read in place. */
  private readonly chunks: SharedChunks;
  /** The mapped files' segments, which the workers read in place too. */
  private readonly segments: MappedSegments;
  /** Mapped files are read in place by the workers when the main thread meters a share too (see {@link share}). */
  private readonly inPlace: boolean;
  /**
   * The workers never read a packet's bytes (no nDPI, no plugins): the main thread decodes their
   * packets and hands them over as fields, and reads its inputs as one meter does (see {@link share}).
   */
  private readonly decodedPackets: boolean;
  private readonly router: RecordRouter;
  /** The shared packet loop (reader → filter → router), feeding the dispatcher instead of a meter. */
  private readonly pump: CapturePump;
  /** Rebuilds the workers' batches (typed arrays in shared memory or copied; no flow objects). */
  private readonly receiver = new BatchReceiver();
  private readonly out: FlowBatch[] = [];
  /** Snapshot batches received, in arrival order (each flow's rows come from its one meter, in time order). */
  private readonly snapshots: FlowBatch[] = [];
  private nextId = 0;
  /** The inputs, opened in turn as one capture. */
  private readonly sources: InputSequence;
  private ended = false;

  constructor(
    options: ResolvedMeteringOptions,
    inputs: readonly RunInput[],
    private readonly filter: RunFilter | null,
    parallel: ParallelRunOptions,
  ) {
    if (!Number.isInteger(parallel.nMeters) || parallel.nMeters < 2) {
      throw new RangeError(`ParallelMeterRun: nMeters must be an integer ≥ 2, got ${parallel.nMeters}`);
    }
    const entry = parallel.workerEntry ?? defaultWorkerEntry();
    // each meter holds its share of the cache bound
    const maxLiveFlows = Math.ceil(options.maxLiveFlows / parallel.nMeters);
    const config = meterConfig(options, parallel.dissector, parallel.systemVisibility);
    this.local = new FlowMeter({ ...config, maxLiveFlows });
    // plain data for the workers: they rebuild plugins from their origins and load their own dissector
    const { plugins: _plugins, dissector: _dissector, pluginFields: _fields, ...base } = config;
    const workerOptions = { ...base, nDissections: parallel.dissector !== null ? options.nDissections : 0, maxLiveFlows, snapshotIntervalMs: options.snapshotInterval * 1000 };
    this.bounded = options.maxLiveFlows > 0;
    this.handOut = new HandOutRule(inputs, options.maxNflows);
    this.sources = new InputSequence(inputs, this.accounting, filter, (e) => {
      if (this.error === null) this.error = e;
    });
    const rings = Array.from({ length: parallel.nMeters - 1 }, () => allocateRing(RING_BYTES));
    const writers = rings.map((ring) => new PacketRingWriter(ring, (w) => this.stillReading(w)));
    this.chunks = new SharedChunks(writers);
    this.segments = new MappedSegments(writers);
    try {
      for (let index = 1; index < parallel.nMeters; index++) {
        const channel = new MessageChannel();
        const thread = startMeterWorker(entry, {
          index,
          meters: parallel.nMeters,
          options: workerOptions,
          plugins: parallel.plugins.map((p) => ({ module: p.module, options: { ...p.options }, cwd: p.cwd })),
          ring: rings[index - 1]!,
          chunks: this.chunks.memory,
          copyFrames: parallel.plugins.length > 0,
          port: channel.port2,
        });
        const writer = writers[index - 1]!;
        this.workers.push({ thread, port: channel.port1, writer, control: writer.control, startedAt: Date.now() });
      }
    } catch (err) {
      // a worker that cannot start fails the run: the threads already started end with it
      this.cleanupLocal();
      this.release();
      throw err;
    }
    const table = meterBuckets(parallel.nMeters, localShare(options, parallel));
    this.inPlace = table.includes(0);
    this.decodedPackets = !workersReadBytes(options, parallel);
    const router = new RecordRouter(table, options.decodeTunnels, this.decodedPackets);
    this.router = router;
    this.dispatcher = new MeterDispatcher(this.local, writers, router, this.chunks, this.segments, options.decodeTunnels, this.decodedPackets);
    this.pump = new CapturePump(router, this.dispatcher, this.accounting, filter);
    const workers = this.workers;
    const local = this.local;
    this.meter = {
      get liveFlowCount() {
        let n = local.liveFlowCount;
        for (const w of workers) n += Atomics.load(w.control, Ctl.LiveFlows);
        return n;
      },
    };
  }

  /** The input being read, or null. */
  get currentInput(): RunInput | null {
    return this.sources.input;
  }

  /** The reader of the input being read (for progress), or null. */
  get currentReader(): CaptureReader | null {
    return this.sources.reader;
  }

  /** Bytes of the inputs consumed so far (progress). */
  get bytesRead(): number {
    return this.sources.bytesRead;
  }

  meterPackets(): number[] {
    return Array.from(this.dispatcher.processed);
  }

  /** Reads, routes and dispatches up to `budget` records (metering those of the local meter). */
  step(budget: number = STEP_RECORDS): StepResult {
    this.handOut.step();
    if (this.done) return StepResult.Done;
    this.collect();
    if (this.failedWorker() >= 0) {
      this.abort();
      return StepResult.Done;
    }
    try {
      const read = this.sources.readStep(this.pump, budget, this.chunk, this.local, this.share);
      if (read === StepRead.Ended) {
        this.finish();
        return StepResult.Done;
      }
      if (read === StepRead.NeedMore) {
        const input = this.sources.input!;
        if (input.clockNow !== undefined) this.dispatcher.advanceClock(input.clockNow());
        this.dispatcher.publish();
        return StepResult.NeedMore;
      }
      this.dispatcher.publish();
      this.segments.prune();
    } catch (err) {
      // a local plugin failed, or a worker failed while its ring was full (its own error, collected first, is the real one)
      this.abort(err as Error);
      return StepResult.Done;
    }
    return StepResult.Progress;
  }

  /**
   * Lets the workers read `reader`'s records where it reads them: a mapped file's own pages, else
   * the shared chunks it reads into from now on. Workers given decoded packets read no bytes, so
   * the reader reads as one meter's does. Otherwise, with no share of its own the main thread
   * copies even a mapped file into the chunks: measured as fast, and the workers read records
   * still in the cache (in place, they read pages the main thread left long before).
   */
  private readonly share = (reader: CaptureReader): void => {
    if (this.decodedPackets) return;
    if (reader.mapped === true && this.inPlace && reader.shareMapping?.() === true) return;
    reader.useBuffers?.(this.chunks);
  };

  /** Flows that arrived from the meters since the last call, as the meters' batches (ids in arrival order). */
  drainBatches(): FlowBatch[] {
    this.collect();
    // the list stays (emptied, not replaced): a fresh `[]` holds small integers until its first
    // push, and that change of kind deoptimized `number` at every drain
    const out = this.out.splice(0);
    for (const b of out) this.flowsOut += b.length;
    return out;
  }

  /** Snapshot rows that arrived from the meters since the last call (the local meter's by the rule of `drainBatches`). */
  drainSnapshots(): FlowBatch[] {
    this.collect();
    return this.snapshots.splice(0);
  }

  /**
   * When rows held back are due. The workers hold and post their own rows, which only a step
   * collects: while a stream is read (partial batches go out), their ports are looked at on the
   * hand-out cadence, so a quiet stream still hands out the flows they ended (rows may always be
   * held back somewhere).
   */
  handOutDueInMs(): number | undefined {
    return this.handOut.dueInMs(true);
  }

  drain(): NFlow[] {
    const out: NFlow[] = [];
    for (const b of this.drainBatches()) for (const f of b) out.push(f);
    return out;
  }

  /** Stops early (maxNflows, user stop): closes the input, stops the meters without flushing. */
  stop(): void {
    this.sources.close(null);
    if (this.done) return;
    this.cleanupLocal();
    for (const w of this.workers) {
      Atomics.store(w.control, Ctl.Stop, 1);
      Atomics.notify(w.control, Ctl.Write);
    }
    // plugins' cleanup() runs in the workers: give them a moment, then end the threads
    this.waitForWorkers(2000);
    this.release();
  }

  /**
   * Stops reading and flushes every meter (live stop, Ctrl-C). A live input stops capturing first
   * and is read to its end, as with one meter: packets captured before the stop are metered.
   */
  stopAndFlush(): void {
    if (this.sources.stopLive()) return;
    this.sources.exhaust();
    if (!this.done) this.finish();
  }

  summary(flows: number): RunSummary {
    const s = this.accounting.summary(flows);
    if (this.bounded) {
      let evictions = this.local.evictions;
      for (const w of this.workers) evictions += Atomics.load(w.control, Ctl.Evictions);
      s.evictions = evictions;
    }
    return s;
  }

  /** End of input: every meter flushes; waits for them and collects their last flows. */
  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      // the workers flush while the local meter does
      this.dispatcher.end();
      this.local.flush();
    } catch (err) {
      this.abort(err as Error);
      return;
    }
    this.cleanupLocal();
    this.waitForWorkers(Infinity);
    this.collect();
    const failed = this.failedWorker();
    if (failed >= 0 && this.error === null) this.error = new Error(`meter worker ${failed} failed`);
    this.release();
  }

  /** A worker failed (or the dispatch broke): deliver what arrived, stop the rest without flushing. */
  private abort(cause?: Error): void {
    this.sources.close(null);
    this.ended = true;
    this.cleanupLocal();
    for (const w of this.workers) {
      Atomics.store(w.control, Ctl.Stop, 1);
      Atomics.notify(w.control, Ctl.Write);
    }
    this.waitForWorkers(2000);
    this.collect();
    if (this.error === null && cause !== undefined) this.error = unnumbered(cause);
    if (this.error === null) this.error = new Error('a meter worker failed');
    this.release();
  }

  /** Ends the threads and channels; the run is done. */
  private release(): void {
    this.done = true;
    const ended: Promise<number>[] = [];
    for (const w of this.workers) {
      w.port.close();
      ended.push(w.thread.worker.terminate());
    }
    // a thread still running reads mapped segments until it ends: they are unmapped only after
    const segments = this.segments;
    void Promise.allSettled(ended).then(() => segments.clear());
  }

  /** The local meter's plugins' cleanup(), once (its flows stay to be drained). */
  private cleanupLocal(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    try {
      this.local.cleanup();
    } catch (err) {
      if (this.error === null) this.error = err as Error;
    }
  }

  /** Gives the flows of `batch` the next ids of the run (spec §7: arrival order; each meter numbers its own). */
  private number(batch: FlowBatch): void {
    const ids = batch.column('id');
    if (ids !== undefined && ids.kind === 'number') {
      const v = ids.values;
      for (let i = 0; i < batch.length; i++) v[i] = this.nextId++;
    } else this.nextId += batch.length;
    this.out.push(batch);
  }

  /**
   * Takes the local meter's flows and snapshot rows, and every message the workers posted: flow
   * batches are rebuilt (no flow objects), errors are kept.
   */
  private collect(): void {
    const whole = !this.handOut.partialNow(this.ended);
    for (const b of whole ? this.local.drainFullBatches() : this.local.drainBatches()) this.number(b);
    for (const b of whole ? this.local.drainFullSnapshots() : this.local.drainSnapshots()) this.snapshots.push(b);
    for (const w of this.workers) {
      for (;;) {
        const received = receiveMessageOnPort(w.port);
        if (received === undefined) break;
        const message = received.message as WorkerMessage;
        if (message.kind === 'flows') {
          this.number(this.receiver.receive(message.batch, this.releaser(w, message.ticket)));
        } else if (message.kind === 'snapshots') {
          this.snapshots.push(this.receiver.receive(message.batch, this.releaser(w, message.ticket)));
        } else if (this.error === null) {
          const p = message.error.plugin;
          // a plugin's error stays a PluginError, so that its fields (the flow's endpoints) can be told apart
          const e = unnumbered(p === undefined ? Object.assign(new Error(message.error.message), { name: message.error.name }) : new PluginError(p.plugin, p.callback, p.flowId, new Error(p.cause), p.flow));
          if (message.error.stack !== undefined) e.stack = message.error.stack;
          this.error = e;
        }
      }
    }
  }

  /** A worker batch's release: the sink is done with it, the worker's meter writes later rows into its shared memory. */
  private releaser(w: MeterWorker, ticket: number): () => void {
    return () => {
      if (!this.done) w.port.postMessage({ kind: 'release', ticket } satisfies ReleaseMessage);
    };
  }

  /** Index of a failed worker, or -1. */
  private failedWorker(): number {
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i]!;
      if (Atomics.load(w.control, Ctl.State) === WorkerState.Failed || this.lost(w)) return i;
    }
    return -1;
  }

  /**
   * True when the worker will not reach Done: its thread ended or failed outside the meter (a
   * module did not load: seen at once through the boot cell), or it did not start within
   * {@link WORKER_BOOT_TIMEOUT_MS} (synchronous runs never see thread events). Records the error.
   */
  private lost(w: MeterWorker): boolean {
    const state = Atomics.load(w.control, Ctl.State);
    if (state >= WorkerState.Done) return false;
    const t = w.thread;
    const failure = t.error ?? bootFailure(t);
    if (failure !== null || t.exited) {
      if (this.error === null) this.error = failure ?? new Error('meter worker exited before its meter was done');
      return true;
    }
    if (state === WorkerState.Booting && Date.now() - w.startedAt > WORKER_BOOT_TIMEOUT_MS) {
      if (this.error === null) this.error = new Error(`meter worker did not start within ${WORKER_BOOT_TIMEOUT_MS / 1000} s`);
      return true;
    }
    return false;
  }

  /** Blocks until every worker is done or failed, or `timeoutMs` passed. */
  private waitForWorkers(timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    for (const w of this.workers) {
      for (;;) {
        const state = Atomics.load(w.control, Ctl.State);
        if (state >= WorkerState.Done || this.lost(w) || Date.now() > deadline) break;
        Atomics.wait(w.control, Ctl.State, state, WAIT_SLICE_MS);
      }
    }
  }

  /** Ring full: false when its worker will never read again (done, failed, or lost). */
  private stillReading(writer: PacketRingWriter): boolean {
    const w = this.workers.find((x) => x.writer === writer)!;
    return Atomics.load(writer.control, Ctl.State) < WorkerState.Done && !this.lost(w);
  }
}

/**
 * A meter's plugin error as the run reports it: a flow id given by a meter (local or worker) is that
 * meter's own (the run numbers the flows it receives), and the flow that failed is not among them,
 * so its endpoints name it.
 */
function unnumbered(err: Error): Error {
  return err instanceof PluginError && err.flowId >= 0 ? err.naming(-1, err.flow) : err;
}
