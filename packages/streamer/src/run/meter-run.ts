import {
  CaptureError,
  CapturePump,
  linkTypeToDlt,
  MAX_PENDING_FLOWS,
  FlowMeter,
  PacketAccounting,
  PacketDecoder,
  ReadStatus,
  type CaptureReader,
  type FlowDissector,
  type NFlow,
  type RecordFilter,
  type ResolvedMeteringOptions,
  type SourceSummary,
} from '@flowstream/core';

/** Records processed per step: large enough to amortise, small enough to hand flows out often. */
export const STEP_RECORDS = 65536;
/** Flows emitted per step of the final flush, so consumers drain them in bounded batches. */
const FLUSH_FLOWS = 1024;

/** One input of a run, opened lazily in order (files) or already open (streams, live). */
export interface RunInput {
  readonly name: string;
  /** Opens the reader (throws CaptureError when the source is not a capture). */
  open(): CaptureReader;
  /** File size, when known (manifest, progress). */
  readonly size?: number;
  /** Stream inputs: resolves when more bytes can be read after `NeedMore`. */
  waitForData?(): Promise<void>;
  /** Live inputs: the wall clock (ms), so idle flows expire while no packet arrives. */
  clockNow?(): number;
}

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
 * One metering run over a list of inputs that form one continuous capture (one clock, one cache:
 * flows span files, spec §8). Drives reader → decoder → meter in steps; emitted flows are taken
 * with {@link drain}. A corrupt input ends that input with an error recorded in the summary; the
 * run goes on with the next input, and {@link error} is thrown by the iterators after every flow
 * was delivered.
 */
export class MeterRun {
  readonly meter: FlowMeter;
  readonly accounting = new PacketAccounting();
  /** First fatal error (corrupt source, plugin error); thrown after the flows are delivered. */
  error: Error | null = null;
  /** True once every flow was emitted (or the run was stopped). */
  done = false;

  private readonly pump: CapturePump;
  private inputIndex = 0;
  private reader: CaptureReader | null = null;
  private input: RunInput | null = null;
  private sourceSummary: SourceSummary | null = null;
  /** All inputs ended: steps now flush the cache in chunks. */
  private flushing = false;

  constructor(
    options: ResolvedMeteringOptions,
    private readonly inputs: readonly RunInput[],
    dissector: FlowDissector | null,
    private readonly filter: (RecordFilter & { compileFor?(dlt: number): unknown }) | null,
    systemVisibility: boolean,
  ) {
    this.meter = new FlowMeter({
      decodeTunnels: options.decodeTunnels,
      idleTimeoutMs: options.idleTimeout * 1000,
      activeTimeoutMs: options.activeTimeout * 1000,
      accountingMode: options.accountingMode,
      statisticalAnalysis: options.statisticalAnalysis,
      spltAnalysis: options.spltAnalysis,
      plugins: options.udps,
      dissector,
      systemVisibility,
    });
    this.pump = new CapturePump(new PacketDecoder({ decodeTunnels: options.decodeTunnels }), this.meter, this.accounting, filter);
  }

  /** The input being read, or null. */
  get currentInput(): RunInput | null {
    return this.input;
  }

  /** The reader of the input being read (for progress), or null. */
  get currentReader(): CaptureReader | null {
    return this.reader;
  }

  /** Processes up to `budget` records. */
  step(budget: number = STEP_RECORDS): StepResult {
    if (this.done) return StepResult.Done;
    if (this.flushing) return this.flushStep();
    let left = budget;
    while (left > 0) {
      if (this.reader === null && !this.openNext()) {
        this.flushing = true;
        return this.flushStep();
      }
      const reader = this.reader!;
      const before = this.accounting.read;
      let status: ReadStatus;
      try {
        status = this.pump.pump(reader, left);
      } catch (err) {
        // a plugin failed: deliver what was emitted before, end without flushing
        this.fail(err as Error);
        return StepResult.Done;
      }
      const readNow = this.accounting.read - before;
      left -= readNow > 0 ? readNow : 1;
      // enough flows are waiting: hand them out before reading on
      if (this.meter.emitted.length >= MAX_PENDING_FLOWS) return StepResult.Progress;
      if (status === ReadStatus.Record) continue;
      if (status === ReadStatus.NeedMore) {
        const input = this.input!;
        if (input.clockNow !== undefined) this.meter.advanceClock(input.clockNow());
        return StepResult.NeedMore;
      }
      this.closeInput(status === ReadStatus.Error ? reader.error : null);
    }
    return StepResult.Progress;
  }

  /** Flows emitted since the last call. */
  drain(): NFlow[] {
    return this.meter.drain();
  }

  /** Stops early (maxNflows, user stop): closes the input, no flush. */
  stop(): void {
    if (this.reader !== null) this.closeInput(null);
    this.done = true;
    this.cleanup();
  }

  /** Stops reading; the next steps flush every live flow (live stop, Ctrl-C). */
  stopAndFlush(): void {
    if (this.reader !== null) this.closeInput(null);
    this.inputIndex = this.inputs.length;
    if (!this.done) this.flushing = true;
  }

  summary(flows: number) {
    return this.accounting.summary(flows);
  }

  private openNext(): boolean {
    while (this.inputIndex < this.inputs.length) {
      const input = this.inputs[this.inputIndex++]!;
      const summary: SourceSummary = { path: input.name, format: null, linkType: null, packetsRead: 0, error: null };
      if (input.size !== undefined) summary.size = input.size;
      this.accounting.sources.push(summary);
      try {
        this.reader = input.open();
      } catch (err) {
        summary.error = (err as Error).message;
        if (this.error === null) this.error = err as Error;
        continue;
      }
      this.input = input;
      summary.format = this.reader.format;
      summary.linkType = this.reader.linkType;
      if (this.filter !== null && this.filter.compileFor !== undefined && this.reader.linkType >= 0) {
        // a filter that does not compile fails before reading, with libpcap's message
        try {
          this.filter.compileFor(linkTypeToDlt(this.reader.linkType));
        } catch (err) {
          summary.error = (err as Error).message;
          if (this.error === null) this.error = err as Error;
          this.reader.close();
          this.reader = null;
          this.input = null;
          this.inputIndex = this.inputs.length;
          return false;
        }
      }
      this.sourceSummary = summary;
      return true;
    }
    return false;
  }

  private closeInput(error: CaptureError | null): void {
    const reader = this.reader!;
    const summary = this.sourceSummary!;
    summary.packetsRead = reader.recordsRead;
    if (reader.truncatedAt !== null) summary.truncatedAt = reader.truncatedAt;
    if (error !== null) {
      summary.error = error.message;
      if (this.error === null) this.error = error;
    }
    reader.close();
    this.reader = null;
    this.input = null;
    this.sourceSummary = null;
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
    if (this.reader !== null) this.closeInput(null);
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
