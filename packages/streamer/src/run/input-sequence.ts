import type { CaptureError, CaptureReader, SourceSummary } from '@flowstream/core';
import { BpfCompileError, ReadStatus } from '@flowstream/core';
import { linkTypeToDlt, MAX_PENDING_FLOWS, type CapturePump, type PacketAccounting, type RecordFilter } from '@flowstream/core/internal';
import type { RunInput } from './run-input.js';
import type { StepChunk } from './step-chunk.js';

/** A record filter that may be compiled ahead for a link type (BPF). */
export type RunFilter = RecordFilter & { compileFor?(dlt: number): unknown };

/** How a {@link InputSequence.readStep} ended. */
export const StepRead = {
  /** The budget is read, the step's time is up, or a whole batch of rows waits: hand out, then step again. */
  Paused: 0,
  /** A stream input needs bytes: advance the clock to its wall clock, then wait for its data. */
  NeedMore: 1,
  /** Every input ended. */
  Ended: 2,
} as const;
export type StepRead = (typeof StepRead)[keyof typeof StepRead];

/** Rows a meter emitted and not yet handed out (a step pauses at a whole batch of either). */
export interface PendingRows {
  readonly pendingFlows: number;
  readonly pendingSnapshots: number;
}

/**
 * The inputs of a run, opened one after the other as one continuous capture, with each source's
 * summary entry kept up to date (format, link type, records read, truncation, error). Shared by the
 * single-meter and the parallel run.
 */
export class InputSequence {
  /** Reader of the input being read, or null between inputs. */
  reader: CaptureReader | null = null;
  /** The input being read, or null. */
  input: RunInput | null = null;
  private next = 0;
  private summary: SourceSummary | null = null;
  /** The filter is not compiled for the current input's link type yet (a stream's header had not arrived). */
  private filterPending = false;

  constructor(
    private readonly inputs: readonly RunInput[],
    private readonly accounting: PacketAccounting,
    private readonly filter: RunFilter | null,
    /** Receives every source error (open failure, corrupt data, filter that does not compile). */
    private readonly onError: (error: Error) => void,
  ) {}

  /** Opens the next input that can be opened; false when none is left. */
  openNext(): boolean {
    while (this.next < this.inputs.length) {
      const input = this.inputs[this.next++]!;
      const summary: SourceSummary = { path: input.name, format: null, linkType: null, packetsRead: 0, error: null };
      if (input.size !== undefined) summary.size = input.size;
      this.accounting.sources.push(summary);
      let reader: CaptureReader;
      try {
        reader = input.open();
      } catch (err) {
        summary.error = (err as Error).message;
        this.onError(err as Error);
        continue;
      }
      summary.format = reader.format;
      summary.linkType = reader.linkType;
      this.reader = reader;
      this.input = input;
      this.summary = summary;
      // a stream tells its link type once its header arrived: see read()
      this.filterPending = this.filter?.compileFor !== undefined;
      if (this.filterPending && reader.linkType >= 0 && !this.compileFilter()) return false;
      return true;
    }
    return false;
  }

  /**
   * One step of a run, for the single-meter and the parallel run alike: reads up to `budget`
   * records through `pump`, input after input, in chunks that `chunk` sizes so that the step
   * ends within its time; pauses as soon as `pending` holds a whole batch of flows or snapshot
   * rows. `onOpen` sees each input's reader before its first record is read.
   *
   * @example
   * ```ts
   * const read = sources.readStep(pump, STEP_RECORDS, chunk, meter);
   * if (read === StepRead.Ended) flushing = true;
   * ```
   */
  readStep(pump: CapturePump, budget: number, chunk: StepChunk, pending: PendingRows, onOpen: ((reader: CaptureReader) => void) | null = null): StepRead {
    chunk.begin();
    let left = budget;
    while (left > 0) {
      if (this.reader === null) {
        if (!this.openNext()) return StepRead.Ended;
        onOpen?.(this.reader!);
      }
      const reader = this.reader!;
      const before = this.accounting.read;
      const status = this.read(pump, Math.min(left, chunk.size));
      const readNow = this.accounting.read - before;
      left -= readNow > 0 ? readNow : 1;
      if (status === ReadStatus.Record) {
        // a whole batch of flows (or of snapshot rows) is waiting: hand it out before reading on
        // (each count alone: a partial batch holds fewer rows, and stays until it fills)
        if (pending.pendingFlows >= MAX_PENDING_FLOWS || pending.pendingSnapshots >= MAX_PENDING_FLOWS || chunk.spent()) return StepRead.Paused;
        continue;
      }
      if (status === ReadStatus.NeedMore) return StepRead.NeedMore;
      this.close(status === ReadStatus.Error ? reader.error : null);
    }
    return StepRead.Paused;
  }

  /**
   * Reads up to `budget` records of the current input through `pump` (its status), once they may
   * be read: the filter waits for a stream's header (`NeedMore` until it arrives), so that a filter
   * libpcap refuses fails before any record is counted, even on a stream with none; then `End`,
   * the error reported and every input closed, as for a file whose header shows that link type.
   */
  read(pump: CapturePump, budget: number): ReadStatus {
    const status = this.ready();
    return status === ReadStatus.Record ? pump.pump(this.reader!, budget) : status;
  }

  /** `Record` when the current input's records may be read, `NeedMore` while the filter waits for its header, `End` when the filter failed. */
  private ready(): ReadStatus {
    if (!this.filterPending) return ReadStatus.Record;
    const status = this.reader!.header?.() ?? ReadStatus.Record;
    if (status === ReadStatus.NeedMore) return status;
    // a stream that ended or failed before its header: reading says so
    if (status !== ReadStatus.Record || this.reader!.linkType < 0) {
      this.filterPending = false;
      return ReadStatus.Record;
    }
    return this.compileFilter() ? ReadStatus.Record : ReadStatus.End;
  }

  /** Compiles the filter for the current input's link type; on failure reports it, closes the input and skips the rest. */
  private compileFilter(): boolean {
    this.filterPending = false;
    const summary = this.summary!;
    const reader = this.reader!;
    try {
      this.filter!.compileFor!(linkTypeToDlt(reader.linkType));
      return true;
    } catch (err) {
      // libpcap's message, naming the capture (a filter may compile for one link type and not another)
      const error = err instanceof BpfCompileError ? err.forSource(reader.name) : (err as Error);
      this.close(null);
      summary.error = error.message;
      this.onError(error);
      this.next = this.inputs.length;
      return false;
    }
  }

  /** Bytes consumed from the inputs so far, the closed ones and the one being read (progress). */
  get bytesRead(): number {
    return this.closedBytes + readerBytes(this.reader);
  }
  private closedBytes = 0;

  /** Closes the current input, recording its counters and `error` (a corrupt source). */
  close(error: CaptureError | null): void {
    const reader = this.reader;
    if (reader === null) return;
    this.closedBytes += readerBytes(reader);
    const summary = this.summary!;
    summary.packetsRead = reader.recordsRead;
    // a pipe or stream tells its format and link type only once its header arrived
    if (reader.linkType >= 0) {
      summary.linkType = reader.linkType;
      summary.format = reader.format;
    }
    if (reader.truncatedAt !== null) summary.truncatedAt = reader.truncatedAt;
    if (error !== null) {
      summary.error = error.message;
      this.onError(error);
    }
    reader.close();
    // live sources: the final pcap_stats counters are known once the capture is closed
    const drops = reader.drops?.();
    if (drops !== undefined) {
      summary.dropped = drops;
      this.accounting.addDrops(drops);
    }
    this.reader = null;
    this.input = null;
    this.summary = null;
  }

  /**
   * A stop that keeps what was captured: a live input stops capturing and is read on to its end
   * (true; idempotent); for other inputs, false (the caller stops reading with {@link exhaust}).
   */
  stopLive(): boolean {
    const input = this.input;
    if (input?.stop === undefined) return false;
    if (!this.liveStopped) {
      this.liveStopped = true;
      input.stop();
    }
    return true;
  }
  private liveStopped = false;

  /** Stops reading: closes the current input and skips the rest. */
  exhaust(): void {
    this.close(null);
    this.next = this.inputs.length;
  }
}

function readerBytes(reader: CaptureReader | null): number {
  return (reader as { bytesRead?: number } | null)?.bytesRead ?? 0;
}
