import {
  FlowMeter,
  PacketDecoder,
  type CaptureReader,
  type FlowBatch,
  type FlowDissector,
  type NFlow,
  type ResolvedMeteringOptions,
  type RunSummary,
} from '@flowstream/core';
import {
  FLOW_BATCH_ROWS,
  CapturePump,
  meterConfig,
  PacketAccounting,
} from '@flowstream/core/internal';
import { HandOutRule } from './hand-out-rule.js';
import { InputSequence, StepRead, type RunFilter } from './input-sequence.js';
import type { RunInput } from './run-input.js';
import { StepChunk } from './step-chunk.js';

/** Records processed per step: large enough to amortise, small enough to hand flows out often. */
export const STEP_RECORDS = 65536;
/** Flows emitted per step of the final flush, so consumers drain them in bounded batches. */
const FLUSH_FLOWS = FLOW_BATCH_ROWS;

/** What a step did. */
export const StepResult = {
  /** Records were processed; call again. */
  Progress: 0,
  /** A stream input needs bytes: await `waitForData()` then call again. */
  NeedMore: 1,
  /** All inputs ended (or the run failed): every flow has been emitted. */
  Done: 2,
} as const;
export type StepResult = (typeof StepResult)[keyof typeof StepResult];

/**
 * A metering run, whatever its number of meters: {@link MeterRun} (one meter, in this thread) or
 * `ParallelMeterRun` (`nMeters > 1`, meters in workers). The streamer drives both the same way:
 * `step()` until `Done`, awaiting the input's `waitForData()` on `NeedMore`, and taking the
 * emitted flows with `drainBatches()` between steps.
 */
export interface FlowRun {
  readonly accounting: PacketAccounting;
  /** First fatal error (corrupt source, plugin error); thrown after the flows are delivered. */
  readonly error: Error | null;
  /** True once every flow was emitted (or the run was stopped). */
  readonly done: boolean;
  /** Progress view of the meter(s). */
  readonly meter: { readonly liveFlowCount: number };
  /** Bytes of the inputs read so far (progress). */
  readonly bytesRead: number;
  /** Flows handed out so far (progress). */
  readonly flowsOut: number;
  /** The input being read, or null. */
  readonly currentInput: RunInput | null;
  /** The reader of the input being read (for progress), or null. */
  readonly currentReader: CaptureReader | null;
  /** Packets each meter was given so far, meter 0 first (the live performance report's balance). */
  meterPackets(): number[];
  /** Processes up to `budget` records. */
  step(budget?: number): StepResult;
  /** Flows emitted since the last call, as columnar batches. */
  drainBatches(): FlowBatch[];
  /** Flows emitted since the last call, as flow objects. */
  drain(): NFlow[];
  /**
   * After `NeedMore`: how long, in ms, the caller may wait for the input before rows held back
   * (a partial batch of a pipe or stream) are due; undefined when none are held back.
   */
  handOutDueInMs(): number | undefined;
  /** Snapshot rows taken since the last call (runs with `snapshotInterval`), as columnar batches. */
  drainSnapshots(): FlowBatch[];
  /** Stops early (maxNflows, user stop): closes the input, no flush. */
  stop(): void;
  /** Stops reading; the next steps flush every live flow (live stop, Ctrl-C). */
  stopAndFlush(): void;
  summary(flows: number): RunSummary;
}

/**
 * One metering run over a list of inputs that form one continuous capture (one clock, one cache:
 * flows span files, spec §8). Drives reader → decoder → meter in steps; emitted flows are taken
 * with {@link drain}. A corrupt input ends that input with an error recorded in the summary; the
 * run goes on with the next input, and {@link error} is thrown by the iterators after every flow
 * was delivered.
 */
export class MeterRun implements FlowRun {
  readonly meter: FlowMeter;
  readonly accounting = new PacketAccounting();
  /** First fatal error (corrupt source, plugin error); thrown after the flows are delivered. */
  error: Error | null = null;
  /** True once every flow was emitted (or the run was stopped). */
  done = false;
  /** Flows taken with {@link drain} so far (progress). */
  flowsOut = 0;

  private readonly pump: CapturePump;
  /** The inputs, opened in turn as one capture. */
  private readonly sources: InputSequence;
  /** All inputs ended: steps now flush the cache in chunks. */
  private flushing = false;
  /** `maxLiveFlows` is set: the summary reports evictions. */
  private readonly bounded: boolean;
  /** When partial batches go out. */
  private readonly handOut: HandOutRule;
  /** Records per look at the clock: a step ends within `STEP_MS` however slow a packet is. */
  private readonly chunk = new StepChunk(STEP_RECORDS);

  constructor(
    options: ResolvedMeteringOptions,
    inputs: readonly RunInput[],
    dissector: FlowDissector | null,
    filter: RunFilter | null,
    systemVisibility: boolean,
  ) {
    this.meter = new FlowMeter(meterConfig(options, dissector, systemVisibility));
    this.bounded = options.maxLiveFlows > 0;
    this.handOut = new HandOutRule(inputs, options.maxNflows);
    this.sources = new InputSequence(inputs, this.accounting, filter, (e) => {
      if (this.error === null) this.error = e;
    });
    this.pump = new CapturePump(new PacketDecoder({ decodeTunnels: options.decodeTunnels }), this.meter, this.accounting, filter);
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
    return [this.accounting.processed];
  }

  /** Processes up to `budget` records. */
  step(budget: number = STEP_RECORDS): StepResult {
    this.handOut.step();
    if (this.done) return StepResult.Done;
    if (this.flushing) return this.flushStep();
    let read: StepRead;
    try {
      read = this.sources.readStep(this.pump, budget, this.chunk, this.meter);
    } catch (err) {
      // a plugin failed: deliver what was emitted before, end without flushing
      this.fail(err as Error);
      return StepResult.Done;
    }
    if (read === StepRead.Ended) {
      this.flushing = true;
      return this.flushStep();
    }
    if (read === StepRead.NeedMore) {
      const input = this.sources.input!;
      if (input.clockNow !== undefined) this.meter.advanceClock(input.clockNow());
      return StepResult.NeedMore;
    }
    return StepResult.Progress;
  }

  /** Flows emitted since the last call, as columnar batches (partial ones as {@link HandOutRule} says). */
  drainBatches(): FlowBatch[] {
    let batches: FlowBatch[];
    try {
      batches = this.partialNow() ? this.meter.drainBatches() : this.meter.drainFullBatches();
    } catch (err) {
      // nDPI's thread failed while the last rows waited for its fields: the run ends with its
      // error, after the flows (those rows without nDPI's fields), as after a plugin's error
      this.fail(err as Error);
      batches = this.meter.drainBatches();
    }
    for (const b of batches) this.flowsOut += b.length;
    return batches;
  }

  /** Flows emitted since the last call, as flow objects. */
  drain(): NFlow[] {
    const flows: NFlow[] = [];
    for (const b of this.drainBatches()) for (const f of b) flows.push(f);
    return flows;
  }

  /** Snapshot rows taken since the last call, by the rule of {@link drainBatches}. */
  drainSnapshots(): FlowBatch[] {
    return this.partialNow() ? this.meter.drainSnapshots() : this.meter.drainFullSnapshots();
  }

  private partialNow(): boolean {
    return this.handOut.partialNow(this.done || this.flushing);
  }

  handOutDueInMs(): number | undefined {
    return this.handOut.dueInMs(this.meter.pendingFlows + this.meter.pendingSnapshots > 0);
  }

  /** Stops early (maxNflows, user stop): closes the input, no flush. */
  stop(): void {
    this.sources.close(null);
    this.done = true;
    this.cleanup();
  }

  /**
   * Stops reading; the next steps flush every live flow (live stop, Ctrl-C). A live input stops
   * capturing first and is read to its end, so packets captured before the stop are metered.
   */
  stopAndFlush(): void {
    if (this.sources.stopLive()) return;
    this.sources.exhaust();
    if (!this.done) this.flushing = true;
  }

  summary(flows: number): RunSummary {
    const s = this.accounting.summary(flows);
    if (this.bounded) s.evictions = this.meter.evictions;
    return s;
  }

  /** One step of the final flush. */
  private flushStep(): StepResult {
    let empty: boolean;
    try {
      empty = this.meter.flush(FLUSH_FLOWS);
    } catch (err) {
      this.fail(err as Error);
      return StepResult.Done;
    }
    if (!empty) return StepResult.Progress;
    this.flushing = false;
    this.done = true;
    this.cleanup();
    return StepResult.Done;
  }

  private fail(err: Error): void {
    if (this.error === null) this.error = err;
    this.sources.close(null);
    this.flushing = false;
    this.done = true;
    this.cleanup();
  }

  private cleaned = false;
  private cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    try {
      this.meter.cleanup();
    } catch (err) {
      if (this.error === null) this.error = err as Error;
    }
  }
}
