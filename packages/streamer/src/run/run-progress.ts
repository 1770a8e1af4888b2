import type { PacketAccounting } from '@flowstream/core/internal';
import type { RunInput } from './run-input.js';

/**
 * Where a run is: what the CLI's progress line shows, and what `streamer.progress`,
 * `streamer.progress$` and the `onProgress` option hand to library users.
 *
 * @example
 * ```ts
 * import { NFStreamer, type RunProgress } from '@flowstream/streamer';
 *
 * const show = (p: RunProgress) => console.error(`${p.percent?.toFixed(1) ?? '?'} % ${p.packetsPerSecond.toFixed(0)} pkt/s ETA ${p.etaMs ?? '?'} ms`);
 * await new NFStreamer({ source: ['a.pcap', 'b.pcap'], onProgress: show }).toCsv('flows.csv');
 * ```
 */
export interface RunProgress {
  /** Bytes of the sources read so far. */
  readonly bytesRead: number;
  /** Bytes of every source (file sizes, known before reading); null for stdin, streams and interfaces. */
  readonly bytesTotal: number | null;
  /** 0…100, or null when the total is unknown. */
  readonly percent: number | null;
  /** Capture records read. */
  readonly packetsRead: number;
  /** Records read per second since the run started. */
  readonly packetsPerSecond: number;
  /** Flows in the flow table. */
  readonly liveFlows: number;
  /** Flows handed out so far. */
  readonly flowsOut: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left (from the byte rate), or null when it cannot be known. */
  readonly etaMs: number | null;
  /** True once the run ended (every flow emitted, stopped, or failed). */
  readonly done: boolean;
  /** Live packets lost before they were read (kernel, interface, full ring); 0 for files. */
  readonly packetsDropped: number;
}

/** What the tracker reads from a run ({@link MeterRun} and the parallel run both have it). */
export interface ProgressSource {
  readonly accounting: PacketAccounting;
  readonly meter: { readonly liveFlowCount: number };
  readonly bytesRead: number;
  readonly flowsOut: number;
  readonly done: boolean;
  readonly error: Error | null;
  readonly currentReader?: { drops?(): { kernel: number; interface: number; ringFull: number } } | null;
}

/** Live packets lost so far (kernel, interface, ring full): closed sources plus the one being read. */
export function liveDrops(run: ProgressSource): number {
  const closed = run.accounting.drops;
  const current = run.currentReader?.drops?.();
  let n = closed === null ? 0 : closed.kernel + closed.interface + closed.ringFull;
  if (current !== undefined) n += current.kernel + current.interface + current.ringFull;
  return n;
}

/** Interval of progress events and of the CLI's redraws. */
export const PROGRESS_INTERVAL_MS = 150;

/**
 * Computes {@link RunProgress} snapshots of one run. The byte total is summed from the inputs'
 * sizes before reading starts, so the percentage covers every file, not only those opened.
 *
 * @example
 * ```ts
 * const tracker = new ProgressTracker(run, inputs);
 * tracker.snapshot().percent;
 * ```
 */
export class ProgressTracker {
  private readonly started = performance.now();
  private readonly total: number | null;
  private bytes = 0;

  constructor(
    private readonly run: ProgressSource,
    inputs: readonly RunInput[],
  ) {
    let total: number | null = 0;
    for (const i of inputs) total = i.size === undefined || total === null ? null : total + i.size;
    this.total = total;
  }

  /** The run's counters now. */
  snapshot(): RunProgress {
    const run = this.run;
    // a file read to its end may end before its last bytes (a truncated last record): done is 100 %
    this.bytes = run.done && run.error === null && this.total !== null ? this.total : run.bytesRead;
    const elapsedMs = performance.now() - this.started;
    const secs = Math.max(elapsedMs / 1000, 1e-3);
    const total = this.total;
    const percent = total === null ? null : total === 0 ? 100 : Math.min(100, (100 * this.bytes) / total);
    const rate = this.bytes / secs;
    const etaMs = total === null || run.done ? (run.done ? 0 : null) : rate > 0 ? ((total - this.bytes) / rate) * 1000 : null;
    return {
      bytesRead: this.bytes,
      bytesTotal: total,
      percent,
      packetsRead: run.accounting.read,
      packetsPerSecond: run.accounting.read / secs,
      liveFlows: run.meter.liveFlowCount,
      flowsOut: run.flowsOut,
      elapsedMs,
      etaMs,
      done: run.done,
      packetsDropped: liveDrops(run),
    };
  }
}

/**
 * Calls its listeners with a snapshot every {@link PROGRESS_INTERVAL_MS} while a run is going,
 * and once more when it is done. The timer is unref'd: it never keeps a process alive.
 *
 * @example
 * ```ts
 * const ticker = new ProgressTicker();
 * const off = ticker.listen((p) => draw(p));
 * ticker.start(tracker); // at the start of a run
 * ```
 */
export class ProgressTicker {
  private readonly listeners = new Set<(p: RunProgress) => void>();
  private tracker: ProgressTracker | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** Adds a listener; returns the function that removes it. */
  listen(listener: (p: RunProgress) => void): () => void {
    this.listeners.add(listener);
    this.arm();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disarm();
    };
  }

  /** Follows a new run: emits its first snapshot now, then on the timer. */
  start(tracker: ProgressTracker): void {
    this.tracker = tracker;
    if (this.listeners.size === 0) return;
    this.arm();
    this.tick();
  }

  private arm(): void {
    if (this.timer !== null || this.tracker === null || this.listeners.size === 0) return;
    this.timer = setInterval(() => this.tick(), PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Emits a snapshot now; after the run's last one the timer stops. */
  tick(): void {
    if (this.tracker === null) return;
    const p = this.tracker.snapshot();
    if (p.done) {
      this.tracker = null;
      this.disarm();
    }
    for (const l of this.listeners) l(p);
  }
}
