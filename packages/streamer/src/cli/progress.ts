import type { FlowBatch, NFlow } from '@flowstream/core';
import type { NFStreamer } from '../nfstreamer.js';

/** Redraw interval of the progress line. */
const REDRAW_MS = 200;

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/**
 * A one-line progress display on stderr (TTY only): bytes read of total, packets/s, live flows
 * and flows out. Redrawn between batches, never per packet.
 */
export class Progress {
  private flowsOut = 0;
  private last = 0;
  private readonly started = performance.now();
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly streamer: NFStreamer,
    /** Side output fed with every batch (window rows of --windows-output). */
    private readonly tap: { add(flows: Iterable<NFlow>): Promise<void> } | null = null,
  ) {}

  /** Sees every batch of the run (before the output): counts flows, redraws at most every 200 ms. */
  async observe(batch: FlowBatch): Promise<void> {
    this.flowsOut += batch.length;
    if (this.enabled) this.maybeDraw();
    if (this.tap !== null) await this.tap.add(batch);
  }

  private maybeDraw(): void {
    const now = performance.now();
    if (now - this.last < REDRAW_MS) return;
    this.last = now;
    const s = this.streamer.runStats;
    if (s === null) return;
    const secs = (now - this.started) / 1000;
    const pct = s.bytesTotal > 0 ? ` ${((100 * s.bytesRead) / s.bytesTotal).toFixed(1)}%` : '';
    const bytes = s.bytesTotal > 0 ? `${human(s.bytesRead)}B/${human(s.bytesTotal)}B` : `${human(s.bytesRead)}B`;
    const line = `${pct} ${bytes} | ${human(s.packetsRead / Math.max(secs, 1e-3))} pkt/s | ${human(s.liveFlows)} live flows | ${human(this.flowsOut)} flows out${s.packetsDropped > 0 ? ` | ${human(s.packetsDropped)} dropped` : ''}`;
    process.stderr.write(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  /** Clears the progress line. */
  done(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
  }
}
