import type { FlowBatch, NFlow } from '@flowstream/core';
import type { RunProgress } from '../run/run-progress.js';

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/**
 * The progress line's text: bytes (of the total and %, for files), packets/s, live flows, flows
 * out, elapsed time and ETA (files only: stdin and interfaces have no total).
 *
 * @example
 * ```ts
 * formatProgress(streamer.progress!); // " 42.0% 12.30 MB/29.28 MB | 1.20 M pkt/s | 3.4 k live flows | 5.6 k flows out | 0:03 | ETA 0:04"
 * ```
 */
export function formatProgress(p: RunProgress): string {
  const parts: string[] = [];
  if (p.bytesTotal !== null) parts.push(`${p.percent!.toFixed(1).padStart(5)}% ${human(p.bytesRead)}B/${human(p.bytesTotal)}B`);
  else parts.push(`${human(p.bytesRead)}B`);
  parts.push(`${human(p.packetsPerSecond)} pkt/s`, `${human(p.liveFlows)} live flows`, `${human(p.flowsOut)} flows out`, clock(p.elapsedMs));
  if (p.packetsDropped > 0) parts.push(`${human(p.packetsDropped)} dropped`);
  if (p.etaMs !== null && !p.done) parts.push(`ETA ${clock(p.etaMs)}`);
  return parts.join(' | ');
}

/**
 * The one-line progress display of the CLI, fed by the streamer's progress events (every 150 ms
 * whatever the flow rate, see `onProgress`). Drawn on stderr only when enabled (a TTY, or
 * `--progress`).
 */
export class Progress {
  private drawn = false;
  private finished = false;

  constructor(
    readonly enabled: boolean,
    /** Side output fed with every batch (window rows of --windows-output). */
    private readonly tap: { add(flows: Iterable<NFlow>): Promise<void> } | null = null,
    private readonly out: { write(text: string): unknown } = process.stderr,
  ) {}

  /** The streamer's `onProgress` callback. */
  readonly draw = (p: RunProgress): void => {
    if (!this.enabled || this.finished) return;
    this.out.write(`\r\x1b[K${formatProgress(p)}`);
    this.drawn = true;
  };

  /** Sees every batch of the run (before the output), feeding the side output. */
  async observe(batch: FlowBatch): Promise<void> {
    if (this.tap !== null) await this.tap.add(batch);
  }

  /** The run's `observe` option: null without a side output (the output may then reuse batches). */
  get observer(): ((batch: FlowBatch) => Promise<void>) | null {
    return this.tap === null ? null : (batch) => this.observe(batch);
  }

  /** Draws the last state (100 % for files read to the end), then clears the line for the closing line. */
  done(last: RunProgress | null): void {
    if (last !== null && this.drawn) this.draw(last);
    if (this.drawn) this.out.write('\r\x1b[K');
    // the streamer's last event may come after the closing line: the line is gone for good
    this.finished = true;
  }
}
